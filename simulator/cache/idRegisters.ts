/**
 * The identification registers that describe a configured hierarchy, so
 * software that discovers its caches (set/way loops, cache-line sizes) sees
 * the caches the scenario built (Arm ARM D24.2 CLIDR_EL1, CCSIDR_EL1, CTR_EL0).
 * The PE's system-register model installs them; this module only computes them.
 */
import { pointLevel, type CacheConfig, type CacheGeometry } from './config';

/** CCSIDR_EL1 without FEAT_CCIDX: NumSets-1 [27:13], Associativity-1 [12:3], LineSize = log2(bytes)-4 [2:0]. */
export function ccsidr(g: CacheGeometry): bigint {
  const sets = g.size / (64 * g.ways);
  return (BigInt(sets - 1) << 13n) | (BigInt(g.ways - 1) << 3n) | 2n;
}

export interface CacheIdRegisters {
  CLIDR_EL1: bigint;
  /** CCSIDR_EL1 per CSSELR_EL1 value (Level << 1 | InD): data/unified caches only; index 1 (L1 instruction) mirrors L1D. */
  ccsidr: Map<number, bigint>;
}

/**
 * CLIDR_EL1: Ctype1 = separate I and D (0b011); Ctype2/3 = unified (0b100) for the
 * L2 and a system cache before the PoC; LoUU/LoUIS = levels to clean to reach the
 * PoU; LoC = levels to clean to reach the PoC.
 */
export function cacheIdRegisters(cfg: CacheConfig): CacheIdRegisters {
  const levels: CacheGeometry[] = [cfg.l1d];
  if (cfg.l2) levels.push(cfg.l2);
  if (cfg.system && cfg.poc !== 'system') levels.push(cfg.system);
  let clidr = 0b011n;
  for (let i = 1; i < levels.length; i++) clidr |= 0b100n << BigInt(3 * i);
  const pou = Math.min(pointLevel(cfg.pou, cfg), levels.length + 1) - 1;
  const loc = levels.length;
  clidr |= (BigInt(pou) << 21n) | (BigInt(loc) << 24n) | (BigInt(pou) << 27n);
  const map = new Map<number, bigint>();
  levels.forEach((g, i) => map.set(i << 1, ccsidr(g)));
  map.set(1, ccsidr(cfg.l1d));
  return { CLIDR_EL1: clidr, ccsidr: map };
}
