/**
 * The identification registers that describe a configured hierarchy, so
 * software that discovers its caches (set/way loops, cache-line sizes) sees
 * the caches the scenario built (Arm ARM D24.2 CLIDR_EL1, CCSIDR_EL1, CTR_EL0).
 * The PE's system-register model installs them; this module only computes them.
 */
import { CCSIDR_EL1, CLIDR_EL1, compose, CSSELR_EL1 } from '../arch/registers/fields';
import { LINE_SIZE, pointLevel, type CacheConfig, type CacheGeometry } from './config';

/** CCSIDR_EL1 without FEAT_CCIDX: NumSets-1, Associativity-1, LineSize = log2(line bytes)-4. */
export function ccsidr(g: CacheGeometry): bigint {
  const sets = g.size / (LINE_SIZE * g.ways);
  return compose(CCSIDR_EL1, { NumSets: sets - 1, Associativity: g.ways - 1, LineSize: Math.log2(LINE_SIZE) - 4 });
}

/** The key of `CacheIdRegisters.ccsidr` for a CSSELR_EL1 value: its Level and InD. */
export function csselrKey(csselr: bigint): number {
  return Number(csselr & (CSSELR_EL1.Level.mask | CSSELR_EL1.InD.mask));
}

/** The CSSELR_EL1 value selecting a cache: level 1… and data/unified or instruction. */
function csselrOf(level: number, instruction: boolean): number {
  return Number(compose(CSSELR_EL1, { Level: level - 1, InD: instruction }));
}

/** CLIDR_EL1.Ctype<n> values (Arm ARM D24.2 CLIDR_EL1). */
const CTYPE_SEPARATE = 3;
const CTYPE_UNIFIED = 4;

export interface CacheIdRegisters {
  CLIDR_EL1: bigint;
  /** CCSIDR_EL1 per CSSELR_EL1 {Level, InD} (`csselrKey`): data/unified caches, and the L1 instruction cache mirroring L1D. */
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
  const pou = Math.min(pointLevel(cfg.pou, cfg), levels.length + 1) - 1;
  const fields: Record<string, number> = { Ctype1: CTYPE_SEPARATE, LoUIS: pou, LoC: levels.length, LoUU: pou };
  for (let i = 2; i <= levels.length; i++) fields[`Ctype${i}`] = CTYPE_UNIFIED;
  const clidr = compose(CLIDR_EL1, fields);
  const map = new Map<number, bigint>();
  levels.forEach((g, i) => map.set(csselrOf(i + 1, false), ccsidr(g)));
  map.set(csselrOf(1, true), ccsidr(cfg.l1d));
  return { CLIDR_EL1: clidr, ccsidr: map };
}
