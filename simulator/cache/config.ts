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
import { byteSize, count, MAX_CACHE_BYTES, MAX_CACHE_LINES, MAX_PES } from '../scenario/limits';
import type { GenericBlock, Diagnostic, SourceRange, SystemConfig } from '../scenario/model';
import { hex, parseInteger } from '../util/hex';

export const LINE_SIZE = 64;

/**
 * A PA crosses the hot calls of the store path (`CacheHierarchy.store`, `ShadowMemory.writeBy`) as
 * `(pa / PA_SPLIT) | 0` and `pa & (PA_SPLIT - 1)`: both small integers for every PA below 2^52,
 * where a PA above 2^30 passed whole (or any non-integer-typed quotient) to a call V8 does not
 * inline is a new heap number at every call.
 */
export const PA_SPLIT = 0x100_0000;
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
  /** Where each cache's geometry was set (for the hierarchy-wide bound). */
  const setAt: Partial<Record<'l1d' | 'l2' | 'system', SourceRange>> = {};
  for (const stmt of block.body) {
    const w = stmt.words.map((x) => x.text);
    const report = (message: string, range: SourceRange = stmt.range): void => {
      diags.push({ range, severity: 'error', message, rule: 'caches' });
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
        const g = parseGeometry(stmt.words.slice(1), report, stmt.range);
        if (!g) break;
        if (key === 'l1d') cfg.l1d = g;
        else if (key === 'l2') cfg.l2 = g;
        else cfg.system = g;
        setAt[key === 'system_cache' ? 'system' : key] = stmt.range;
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
        const ids = new Set<number>();
        for (const word of stmt.words.slice(1)) {
          const t = word.text;
          const m = /^(\d+)(?:-(\d+))?$/.exec(t);
          if (!m) {
            report(`inner_domain expects PE numbers or ranges (0-3), found '${t}'`, word.range);
            continue;
          }
          const a = Number(m[1]);
          const b = m[2] !== undefined ? Number(m[2]) : a;
          if (b >= MAX_PES || a > b) {
            // Checked before the loop over the range: `0-4000000000` is one diagnostic, not 4·10^9 iterations.
            report(`inner_domain: ${t} is not a PE range (PEs are numbered 0 to ${MAX_PES - 1}, the lower first)`, word.range);
            continue;
          }
          for (let i = a; i <= b; i++) if (i < system.pes) ids.add(i);
        }
        if (ids.size > 0) cfg.innerDomain = [...ids].sort((x, y) => x - y);
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
  checkTotalLines(cfg, system, setAt, block.range, diags);
  return cfg;
}

/** Lines of a geometry. */
function linesOf(g: CacheGeometry | undefined): number {
  return g ? g.size / LINE_SIZE : 0;
}

/**
 * Every line of every cache is an object the run keeps, checkpoints and
 * shows: bound the hierarchy as a whole (one L1D per PE, one L2 per cluster,
 * one system cache). Over MAX_CACHE_LINES, the geometries go back to the
 * defaults and the cache that contributes most is reported.
 */
function checkTotalLines(cfg: CacheConfig, system: SystemConfig, setAt: Partial<Record<'l1d' | 'l2' | 'system', SourceRange>>, blockRange: SourceRange, diags: Diagnostic[]): void {
  const pes = Math.max(1, system.pes);
  const clusters = Math.max(1, system.clusters ?? 1);
  const parts = { l1d: pes * linesOf(cfg.l1d), l2: clusters * linesOf(cfg.l2), system: linesOf(cfg.system) };
  const total = parts.l1d + parts.l2 + parts.system;
  if (total <= MAX_CACHE_LINES) return;
  const worst = (Object.keys(parts) as (keyof typeof parts)[]).reduce((a, b) => (parts[b] > parts[a] ? b : a));
  const detail = [
    `${pes} L1D × ${count(linesOf(cfg.l1d))}`,
    ...(cfg.l2 ? [`${clusters} L2 × ${count(linesOf(cfg.l2))}`] : []),
    ...(cfg.system ? [`system cache ${count(linesOf(cfg.system))}`] : []),
  ].join(' + ');
  diags.push({
    range: setAt[worst] ?? blockRange,
    severity: 'error',
    message: `these caches hold ${count(total)} lines in all (${detail}): Armscope models at most ${count(MAX_CACHE_LINES)} lines across the hierarchy; make the caches smaller`,
    rule: 'caches',
  });
  const d = defaultCacheConfig(system.pes);
  cfg.l1d = d.l1d;
  if (cfg.l2) cfg.l2 = d.l2;
  if (cfg.system) cfg.system = { size: 0x1_0000, ways: 16 };
}

function parseGeometry(words: readonly { text: string; range: SourceRange }[], report: (m: string, range?: SourceRange) => void, stmtRange: SourceRange): CacheGeometry | undefined {
  let size: number | undefined;
  let ways: number | undefined;
  let sizeRange = stmtRange;
  let waysRange = stmtRange;
  for (let i = 0; i < words.length; i += 2) {
    const k = words[i].text.toLowerCase();
    const w = words[i + 1];
    const v = w !== undefined ? parseInteger(w.text) : undefined;
    if (v === undefined) {
      report(`expected a number after '${words[i].text}'`, w?.range ?? words[i].range);
      return undefined;
    }
    if (k === 'size') {
      // Checked as a bigint first: a 300-digit size is a diagnostic at its range, not Infinity.
      if (v < 1n || v > BigInt(MAX_CACHE_BYTES)) {
        report(`a cache size of ${v < 0n ? v : hex(v)} bytes is out of range: Armscope models caches of 64 bytes to ${hex(MAX_CACHE_BYTES)} (${byteSize(MAX_CACHE_BYTES)})`, w.range);
        return undefined;
      }
      size = Number(v);
      sizeRange = w.range;
    } else if (k === 'ways') {
      if (v < 1n || v > 64n) {
        report(`ways must be a power of two up to 64, found ${v > 0xffffn ? hex(v) : v}`, w.range);
        return undefined;
      }
      ways = Number(v);
      waysRange = w.range;
    } else {
      report(`unknown cache geometry field '${words[i].text}' (expected size, ways)`, words[i].range);
      return undefined;
    }
  }
  if (size === undefined || ways === undefined) {
    report('a cache needs both size and ways');
    return undefined;
  }
  if (!isPow2(ways)) {
    report(`ways must be a power of two up to 64, found ${ways}`, waysRange);
    return undefined;
  }
  if (size % (LINE_SIZE * ways) !== 0 || !isPow2(size / (LINE_SIZE * ways))) {
    report(`size must be a power-of-two number of sets of ${ways} × 64-byte lines`, sizeRange);
    return undefined;
  }
  return { size, ways };
}
