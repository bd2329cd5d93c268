/**
 * Coherence domains (Arm ARM B2.7.1 "Normal memory", shareability): an
 * access with matching cacheable attributes snoops the caches of its
 * shareability domain — Non-shareable: the PE's own caches; Inner Shareable:
 * the configured Inner Shareable domain (`caches { inner_domain … }`, every PE
 * by default); Outer Shareable: every PE. Copies are keyed by (line,
 * attributes): a copy with other attributes is never snooped, so mismatched
 * attributes lose coherency (B2.8 "Mismatched memory attributes").
 *
 * `acquire` fills a copy (snoop the dirty owner, else any copy, else memory)
 * and moves the others to their MOESI states; `invalidateOthers` upgrades a
 * write; `markForeignStale` records that a write did not reach the copies
 * outside its key or domain.
 */
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import type { CacheHierarchy } from './hierarchy';
import { Cache, CacheLine, isDirty, LineState } from './line';
import { allocate, copyLineData, readMemLine } from './writeback';

const SH_INDEX = { nsh: 0, ish: 1, osh: 2 } as const;

export class CoherenceDomains {
  /** byPe[pe][SH_INDEX[sh]]: the caches a coherent access of that shareability snoops. */
  private readonly byPe: Cache[][][] = [];
  /**
   * The only cacheable attributes used so far (undefined: none yet; null: several).
   * While one key is used and its domain spans every cache, no copy can be
   * foreign to a write (other attributes or outside the domain): the
   * mismatch scans are skipped.
   */
  soleKey: MemAttrs | undefined | null = undefined;
  soleKeyCoherent = false;

  constructor(
    private readonly caches: readonly Cache[],
    paths: readonly Cache[][],
    innerDomain: readonly number[],
  ) {
    const inner = new Set(innerDomain);
    const all = paths.map((_, i) => i);
    const union = (peIds: readonly number[]): Cache[] => {
      const set = new Set<Cache>();
      for (const q of peIds) for (const c of paths[q]) set.add(c);
      return caches.filter((c) => set.has(c));
    };
    for (let p = 0; p < paths.length; p++) this.byPe.push([union([p]), union(inner.has(p) ? innerDomain : [p]), union(all)]);
  }

  /** The caches an access by `pe` with `attrs` is coherent with. */
  of(pe: number, attrs: MemAttrs): Cache[] {
    // Comparisons rather than `SH_INDEX[attrs.sh]`: a keyed load by a string is a dictionary-style lookup on every fill.
    const sh = attrs.sh;
    return this.byPe[pe][sh === 'ish' ? 1 : sh === 'nsh' ? 0 : 2];
  }

  noteKey(attrs: MemAttrs): void {
    if (this.soleKey === undefined) {
      this.soleKey = attrs;
      // Coherent everywhere when every PE's domain for these attributes is the whole hierarchy.
      this.soleKeyCoherent = this.byPe.every((d) => d[SH_INDEX[attrs.sh]].length === this.caches.length);
    } else if (this.soleKey !== null && this.soleKey !== attrs) {
      this.soleKey = null;
      this.soleKeyCoherent = false;
    }
  }
}

/**
 * Bring (line, attrs) into cache `c` for `pe`: data from the dirty owner in
 * the shareability domain (snoop), else any valid copy there, else memory.
 * For a write, every other copy of the same key in the domain is invalidated
 * (the new copy becomes the only, dirty one: state M). Returns the copy.
 */
export function acquire(h: CacheHierarchy, c: Cache, peId: number, line: number, attrs: MemAttrs, write: boolean, cause: string, pe?: Pe): CacheLine {
  const dom = h.domains.of(peId, attrs);
  const found = h.found;
  let n = snoop(dom, c, line, attrs, found);
  let owner: CacheLine | undefined;
  let src: CacheLine | undefined;
  for (let i = 0; i < n; i++) {
    const cp = found[i];
    if (isDirty(cp.state)) owner = cp;
    else if (src === undefined) src = cp;
  }
  if (h.domains.soleKey !== attrs) h.domains.noteKey(attrs);
  if (h.dirtyCopies > 0 && !h.domains.soleKeyCoherent && h.cacheHooks.miss.active) h.cacheHooks.miss.emit(pe, peId, line, attrs, write);
  h.anyCached = true;
  const from = owner ?? src;
  if (from === undefined && h.domains.soleKeyCoherent) {
    // From memory, while one key is used and coherent everywhere (so `attrs` is that key): no cache
    // holds any copy of the line (the snoop saw every cache but `c`, which missed), so the
    // allocation's write-backs cannot write it: memory's line after the allocation is memory's
    // line before it, read straight into the new way.
    const w = allocate(h, c, line, attrs, peId);
    w.touch();
    readMemLine(h, line, w);
    h.setState(w, write ? LineState.M : LineState.E, cause, peId);
    return w;
  }
  // Take the data first: the allocation below may evict, and a write-back into the next level
  // may reuse the way of a copy found above (then that copy is gone or moved, its data written back).
  const prov = h.provBuf;
  if (from !== undefined) {
    copyLineData(from, prov);
    prov.copyProvenanceFrom(from);
    prov.copyStaleFrom(from);
  } else readMemLine(h, line, prov);
  const tick = h.tick;
  const v = allocate(h, c, line, attrs, peId);
  v.touch();
  copyLineData(prov, v);
  if (from !== undefined) {
    v.copyProvenanceFrom(prov);
    if (prov.staleByStep >= 0) v.copyStaleFrom(prov);
  }
  // Snoop again: the allocation's eviction may have written a found copy back into the next
  // level of this PE's path (an L2 victim pushed into the system cache keeps its state M or O
  // there, writeback.ts `pushDown`), so a copy can have *moved* rather than gone. Those outer
  // caches are in every domain of this PE, so the second snoop sees it where it now is; keeping
  // the first list would drop it and leave the new copy E (or M) beside a dirty outer copy.
  // MOESI: a line Modified or Exclusive in one cache has no other valid copy of its key in the
  // coherence domain; the model applies this to every cache, including the outer caches of the
  // same PE's own path (they are not inclusive: a copy there is a copy like any other).
  // Only a write-back into another cache moves or replaces a copy outside `c`, and it stamps the
  // copy it writes (`pushDown`: `lru = ++h.tick`); `allocate` stamps its own way only, once. One
  // tick: no write-back into a cache, the first snoop's list (and its owner) stands as it is.
  // Nothing found (n = 0): a write-back moves only the copies it evicts, and none of those had
  // this key in the domain (the first snoop saw every cache of the domain but `c`, and `c` holds
  // no valid copy of the key, or there would be no fill), so there is nothing to find again.
  if (n > 0 && h.tick !== tick + 1) {
    n = snoop(dom, c, line, attrs, found);
    owner = undefined;
    for (let i = 0; i < n; i++) if (isDirty(found[i].state)) owner = found[i];
  }
  if (write) {
    for (let i = 0; i < n; i++) h.setState(found[i], LineState.I, 'snoop invalidate', peId);
    h.setState(v, LineState.M, cause, peId);
  } else if (owner !== undefined) {
    if (owner.state === LineState.M) h.setState(owner, LineState.O, 'snoop', peId);
    h.setState(v, LineState.S, cause, peId);
  } else if (n > 0) {
    for (let i = 0; i < n; i++) if (found[i].state === LineState.E) h.setState(found[i], LineState.S, 'snoop', peId);
    h.setState(v, LineState.S, cause, peId);
  } else h.setState(v, LineState.E, cause, peId);
  return v;
}

/** The valid copies of (line, attrs) in the caches of `dom` other than `c`, into `out[0..n)`; returns n. */
function snoop(dom: readonly Cache[], c: Cache, line: number, attrs: MemAttrs, out: CacheLine[]): number {
  let n = 0;
  for (let i = 0; i < dom.length; i++) {
    const d = dom[i];
    if (d === c) continue;
    const cp = d.find(line, attrs);
    if (cp !== undefined) out[n++] = cp;
  }
  return n;
}

/** Invalidate every other copy of (line, attrs) in `pe`'s domain (write upgrade). */
export function invalidateOthers(h: CacheHierarchy, peId: number, line: number, attrs: MemAttrs, keep: CacheLine | undefined, cause: string): void {
  const dom = h.domains.of(peId, attrs);
  for (let i = 0; i < dom.length; i++) {
    const cp = dom[i].find(line, attrs);
    if (cp !== undefined && cp !== keep) {
      if (keep !== undefined && isDirty(cp.state)) keep.copyProvenanceFrom(cp);
      h.setState(cp, LineState.I, cause, peId);
    }
  }
}

/**
 * After `pe` made its copy of `line` dirty with `attrs`, copies the write did
 * not reach (other attributes, or the same attributes outside the domain) hold
 * older data: mark them stale (the `foreignWrite` hook tells the hazard detector).
 */
export function markForeignStale(h: CacheHierarchy, pe: Pe, line: number, attrs: MemAttrs, mine: CacheLine | undefined): void {
  if (h.domains.soleKeyCoherent) return;
  const n = h.collect(line);
  if (n <= 1) return;
  const copies = h.tmp;
  const dom = h.domains.of(pe.id, attrs);
  const step = h.stepFn() + 1;
  for (let i = 0; i < n; i++) {
    const cp = copies[i];
    if (cp === mine) continue;
    if (cp.attrs === attrs && dom.includes(cp.cache)) continue;
    if (cp.staleByStep < 0) {
      cp.touch();
      cp.staleByPe = pe.id;
      cp.staleByPc = pe.pc;
      cp.staleByStep = step;
      cp.staleByAttrs = attrs;
      cp.staleReported = false;
    }
  }
  if (h.cacheHooks.foreignWrite.active) h.cacheHooks.foreignWrite.emit(pe, line, attrs, mine);
}

/** Whether a copy is foreign to an access by `pe` with `attrs`: other attributes, or outside its domain. */
export function isForeign(h: CacheHierarchy, pe: number, attrs: MemAttrs, cp: CacheLine): boolean {
  return cp.attrs !== attrs || !h.domains.of(pe, attrs).includes(cp.cache);
}
