/**
 * Configuration of the cache hierarchy: sizes, associativity, where the
 * Point of Unification and the Point of Coherency lie, and the Inner
 * Shareable domain. Read from a scenario's `caches { … }` block
 * (docs/language.md "## Caches"); every field has a default small enough to
 * keep views readable.
 *
 * Arm ARM D7.4 "Cache support" defines the points: PoU is where the
 * instruction and data caches and translation table walks of a PE see the same
 * copy of a location; PoC is where all agents (PEs, DMA, non-cacheable
 * accesses) see the same copy.
 */
import type { GenericBlock, Diagnostic, SystemConfig } from '../scenario/model';
import { parseInteger } from '../util/hex';

export const LINE_SIZE = 64;
export const LINE_SHIFT = 6;

export interface CacheGeometry {
  /** Capacity in bytes (a multiple of LINE_SIZE * ways). */
  size: number;
  ways: number;
}

/** Where a point lies: at a cache level (the named cache is the point) or in memory. */
export type PointLevel = 'l1' | 'l2' | 'system' | 'memory';

export interface CacheConfig {
  l1d: CacheGeometry;
  /** Per-cluster L2; undefined = none. */
  l2?: CacheGeometry;
  /** Shared system cache (all PEs); undefined = none. */
  system?: CacheGeometry;
  /** Point of Unification: the first cache the I-side shares with the D-side (or memory). */
  pou: PointLevel;
  /** Point of Coherency: memory, or the system cache when it is memory-side (then it is functionally transparent). */
  poc: 'memory' | 'system';
  /** PEs of the Inner Shareable domain (default: all). */
  innerDomain: number[];
}

export function defaultCacheConfig(pes: number): CacheConfig {
  return {
    l1d: { size: 4096, ways: 4 },
    l2: { size: 16384, ways: 8 },
    system: undefined,
    pou: 'l2',
    poc: 'memory',
    innerDomain: Array.from({ length: pes }, (_, i) => i),
  };
}

/** Numeric level of a point (1, 2, 3 for the system cache, 4 for memory) given which caches exist. */
export function pointLevel(p: PointLevel, cfg: CacheConfig): number {
  switch (p) {
    case 'l1':
      return 1;
    case 'l2':
      return cfg.l2 ? 2 : cfg.system ? 3 : 4;
    case 'system':
      return cfg.system ? 3 : 4;
    default:
      return 4;
  }
}

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * Parse the `caches { … }` block (if any) into a configuration. Problems are
 * appended to `diags` (rule `caches`) and the default is kept for that field.
 *
 * ```
 * caches {
 *   l1d size 0x1000 ways 4
 *   l2 size 0x4000 ways 8        // or: l2 none
 *   system_cache size 0x10000 ways 16
 *   pou l2                       // l1 | l2 | system_cache | memory
 *   poc memory                   // memory | system_cache
 *   inner_domain 0-3             // PEs of the Inner Shareable domain
 * }
 * ```
 */
export function parseCacheConfig(system: SystemConfig, blocks: readonly GenericBlock[], diags: Diagnostic[] = []): CacheConfig {
  const cfg = defaultCacheConfig(system.pes);
  const block = blocks.find((b) => b.keyword === 'caches');
  if (!block) return cfg;
  for (const stmt of block.body) {
    const w = stmt.words.map((x) => x.text);
    const report = (message: string): void => {
      diags.push({ range: stmt.range, severity: 'error', message, rule: 'caches' });
    };
    const key = w[0]?.toLowerCase();
    switch (key) {
      case 'l1d':
      case 'l2':
      case 'system_cache': {
        if (w[1]?.toLowerCase() === 'none') {
          if (key === 'l1d') report('the L1 data cache cannot be removed');
          else if (key === 'l2') cfg.l2 = undefined;
          else cfg.system = undefined;
          break;
        }
        const g = parseGeometry(w.slice(1), report);
        if (!g) break;
        if (key === 'l1d') cfg.l1d = g;
        else if (key === 'l2') cfg.l2 = g;
        else cfg.system = g;
        break;
      }
      case 'pou': {
        const p = w[1]?.toLowerCase();
        if (p === 'l1' || p === 'l2' || p === 'memory') cfg.pou = p;
        else if (p === 'system_cache') cfg.pou = 'system';
        else report(`pou expects l1, l2, system_cache or memory, found '${w[1] ?? ''}'`);
        break;
      }
      case 'poc': {
        const p = w[1]?.toLowerCase();
        if (p === 'memory') cfg.poc = 'memory';
        else if (p === 'system_cache') cfg.poc = 'system';
        else report(`poc expects memory or system_cache, found '${w[1] ?? ''}'`);
        break;
      }
      case 'inner_domain': {
        const ids: number[] = [];
        for (const t of w.slice(1)) {
          const m = /^(\d+)(?:-(\d+))?$/.exec(t);
          if (!m) {
            report(`inner_domain expects PE numbers or ranges (0-3), found '${t}'`);
            continue;
          }
          const a = Number(m[1]);
          const b = m[2] !== undefined ? Number(m[2]) : a;
          for (let i = a; i <= b; i++) if (i < system.pes && !ids.includes(i)) ids.push(i);
        }
        if (ids.length > 0) cfg.innerDomain = ids.sort((x, y) => x - y);
        break;
      }
      default:
        report(`unknown caches setting '${w[0] ?? ''}' (expected l1d, l2, system_cache, pou, poc, inner_domain)`);
    }
  }
  if (cfg.pou === 'l2' && !cfg.l2) cfg.pou = cfg.system ? 'system' : 'memory';
  if (cfg.pou === 'system' && !cfg.system) cfg.pou = 'memory';
  if (cfg.poc === 'system' && !cfg.system) {
    diags.push({ range: block.range, severity: 'error', message: 'poc system_cache needs a system_cache', rule: 'caches' });
    cfg.poc = 'memory';
  }
  if (cfg.poc === 'system' && cfg.pou === 'memory') cfg.pou = 'system';
  return cfg;
}

function parseGeometry(words: string[], report: (m: string) => void): CacheGeometry | undefined {
  let size: number | undefined;
  let ways: number | undefined;
  for (let i = 0; i < words.length; i += 2) {
    const k = words[i].toLowerCase();
    const v = words[i + 1] !== undefined ? parseInteger(words[i + 1]) : undefined;
    if (v === undefined) {
      report(`expected a number after '${words[i]}'`);
      return undefined;
    }
    if (k === 'size') size = Number(v);
    else if (k === 'ways') ways = Number(v);
    else {
      report(`unknown cache geometry field '${words[i]}' (expected size, ways)`);
      return undefined;
    }
  }
  if (size === undefined || ways === undefined) {
    report('a cache needs both size and ways');
    return undefined;
  }
  if (!isPow2(ways) || ways > 64) {
    report(`ways must be a power of two up to 64, found ${ways}`);
    return undefined;
  }
  if (size % (LINE_SIZE * ways) !== 0 || !isPow2(size / (LINE_SIZE * ways))) {
    report(`size must be a power-of-two number of sets of ${ways} × 64-byte lines`);
    return undefined;
  }
  return { size, ways };
}
