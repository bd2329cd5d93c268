/**
 * Side-effect-free views of the cache hierarchy for reports, expectations,
 * the debugger and the page-table view: the copies of a line, the contents of
 * every cache, and a location as a PE (or memory) would see it now.
 */
import type { MemAttrs } from '../memory/attributes';
import { hex } from '../util/hex';
import { LINE_SIZE } from './config';
import type { CacheHierarchy } from './hierarchy';
import { Cache, CacheLine, isDirty, LineState, STATE_NAMES, type StateName } from './line';

/** One copy of a line as views show it. */
export interface LineCopyView {
  cache: string;
  level: number;
  set: number;
  way: number;
  pa: number;
  state: StateName;
  attrs: string;
  dirty: boolean;
  speculative: boolean;
  /** Memory was written behind this copy (it holds older data than memory). */
  stale: boolean;
  data: Uint8Array;
}

export interface CacheSummary {
  name: string;
  level: number;
  sets: number;
  ways: number;
  pes: number[];
  valid: number;
  dirty: number;
  lines: LineCopyView[];
}

/** Every valid copy of the line holding `pa`, in every cache (innermost first). */
export function linesOf(h: CacheHierarchy, pa: number): LineCopyView[] {
  const line = pa - (pa & 63);
  const out: LineCopyView[] = [];
  for (const c of h.caches) {
    const copies: CacheLine[] = [];
    c.copiesOf(line, copies);
    for (const cp of copies) out.push(lineView(cp));
  }
  return out;
}

/** What names and shapes a cache in every view: its name, level, geometry and the PEs it serves. */
export function cacheIdentity(c: Cache): Pick<CacheSummary, 'name' | 'level' | 'sets' | 'ways' | 'pes'> {
  return { name: c.name, level: c.level, sets: c.sets, ways: c.ways, pes: c.pes.slice() };
}

/** Per-cache contents for reports and the debugger's caches scope. */
export function summaries(h: CacheHierarchy): CacheSummary[] {
  return h.caches.map((c) => {
    const lines = c.lines.filter((l) => l.state !== LineState.I).map(lineView);
    lines.sort((a, b) => a.pa - b.pa || a.attrs.localeCompare(b.attrs));
    return {
      ...cacheIdentity(c),
      valid: lines.length,
      dirty: lines.filter((l) => l.dirty).length,
      lines,
    };
  });
}

/**
 * `size` bytes at `pa` as a cacheable read by PE `pe` would return them
 * (without changing any state): its own copy, the domain's dirty owner, any
 * copy in the domain, else memory. `attrs` defaults to the attributes the
 * line was last cached with.
 */
export function readAsSeenBy(h: CacheHierarchy, pe: number, pa: number, size: number, attrs?: MemAttrs): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(byteAsSeenBy(h, pe, pa + i, attrs));
  return v;
}

function byteAsSeenBy(h: CacheHierarchy, pe: number, pa: number, attrs?: MemAttrs): number {
  const line = pa - (pa & 63);
  const a = attrs ?? attrsOfLine(h, line);
  if (a !== undefined && a.cacheable && pe >= 0 && pe < h.l1.length) {
    const own = h.l1[pe].find(line, a);
    if (own) return own.data[pa & 63];
    let src: CacheLine | undefined;
    for (const c of h.domains.of(pe, a)) {
      const cp = c.find(line, a);
      if (cp && (isDirty(cp.state) || src === undefined)) src = cp;
    }
    if (src) return src.data[pa & 63];
  }
  return h.physical.readU8(pa);
}

/** Attributes the line is cached with (the dirty copy's first), else the only attributes used so far. */
export function attrsOfLine(h: CacheHierarchy, line: number): MemAttrs | undefined {
  const copies: CacheLine[] = [];
  for (const c of h.caches) c.copiesOf(line, copies);
  const d = copies.find((c) => isDirty(c.state)) ?? copies[0];
  return d?.attrs ?? h.domains.soleKey ?? undefined;
}

/** `size` bytes of main memory (what a non-cacheable observer reads). */
export function readMain(h: CacheHierarchy, pa: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(h.physical.readU8(pa + i));
  return v;
}

/** engine/report.ts `InspectableMemory`: every valid copy per cache, data as eight 64-bit words. */
export function cacheReport(h: CacheHierarchy): { name: string; lines: { pa: number; state: string; attrs: string; data: string }[] }[] {
  return summaries(h).map((c) => ({
    name: c.name,
    lines: c.lines.map((l) => ({ pa: l.pa, state: l.state, attrs: l.attrs, data: lineWords(l.data) })),
  }));
}

/** The 64 data bytes as eight little-endian 64-bit words, `0x…` each. */
export function lineWords(d: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < LINE_SIZE; i += 8) {
    let v = 0n;
    for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(d[i + b]);
    words.push(hex(v));
  }
  return words.join(' ');
}

/** One copy as views show it (set/way, state name, attributes label, a copy of its data). */
export function lineView(l: CacheLine): LineCopyView {
  const { set, way } = l.cache.positionOf(l);
  return {
    cache: l.cache.name,
    level: l.cache.level,
    set,
    way,
    pa: l.pa,
    state: STATE_NAMES[l.state],
    attrs: l.attrs.label,
    dirty: isDirty(l.state),
    speculative: l.speculative,
    stale: l.staleByStep >= 0,
    data: l.data.slice(),
  };
}
