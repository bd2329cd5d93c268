/**
 * Line storage operations: allocating a way (evicting its LRU victim),
 * writing a dirty copy back to the next level of its path or to memory, and
 * moving whole lines between memory and a copy.
 */
import type { MemAttrs } from '../memory/attributes';
import { PAGE_SIZE } from '../memory/physical';
import { LINE_SIZE } from './config';
import type { CacheHierarchy } from './hierarchy';
import { Cache, CacheLine, isDirty, LineState } from './line';

/** A way for (line, attrs) in `c`, evicting the LRU victim (write-back when dirty). State is I on return. */
export function allocate(h: CacheHierarchy, c: Cache, line: number, attrs: MemAttrs, peId: number): CacheLine {
  const v = c.victimFor(line);
  if (v.state !== LineState.I) {
    h.evictions.log(v, h.stepFn() + 1);
    evict(h, v, 'evict', peId);
  }
  v.touch();
  v.pa = line;
  v.attrs = attrs;
  v.clearProvenance();
  v.lru = ++h.tick;
  return v;
}

export function evict(h: CacheHierarchy, l: CacheLine, cause: string, peId: number): void {
  if (isDirty(l.state)) pushDown(h, l, false, peId);
  h.setState(l, LineState.I, cause, peId);
}

/**
 * Write a dirty copy's data to the next level of its cache's path (memory
 * after the last cache). With `keep`, the copy stays valid and clean (a
 * clean by set/way or to the PoU); otherwise the caller invalidates it.
 */
export function pushDown(h: CacheHierarchy, l: CacheLine, keep: boolean, peId: number, cause = 'write-back'): CacheLine | undefined {
  const next = l.cache.next;
  if (next === undefined) {
    writeMemLine(h, l);
    if (keep) h.setState(l, l.state === LineState.M ? LineState.E : LineState.S, cause, peId);
    return undefined;
  }
  let t = next.find(l.pa, l.attrs);
  if (t === undefined) t = allocate(h, next, l.pa, l.attrs, peId);
  t.touch();
  copyLineData(l, t);
  t.copyProvenanceFrom(l);
  t.copyStaleFrom(l);
  t.lru = ++h.tick;
  // Still shared (the source stays, or it was Owned with sharers): the pushed copy is O; else M.
  h.setState(t, keep || l.state === LineState.O ? LineState.O : LineState.M, cause, peId);
  if (keep) h.setState(l, LineState.S, cause, peId);
  return t;
}

/** 32-bit words per line. */
const LINE_WORDS = LINE_SIZE / 4;

/**
 * The 32-bit word view of the page a line moved from or to twice in a row: a sweep moves whole
 * lines a word at a time through one view per page, while moves that go to a new page each time
 * (a page stride) copy through bytes and make no word view they would not reuse. Keyed by the
 * page object itself, so a page copied on write (a new object) is never served through its old view.
 */
class PageWords {
  /** The page of the last move. */
  private seen: Uint8Array | undefined = undefined;
  /** The page `view` is of. */
  private bytes: Uint8Array | undefined = undefined;
  private view: Uint32Array = new Uint32Array(0);

  /** `p` as words when the previous move was on `p` too, else undefined (the caller copies bytes). */
  of(p: Uint8Array): Uint32Array | undefined {
    if (p === this.bytes) return this.view;
    if (p !== this.seen) {
      this.seen = p;
      return undefined;
    }
    this.bytes = p;
    this.view = new Uint32Array(p.buffer, p.byteOffset, PAGE_SIZE / 4);
    return this.view;
  }
}

const readPages = new PageWords();
const writePages = new PageWords();

/** The 64 bytes of memory's `line` into the data of way `out` (zeros for a page never written). */
export function readMemLine(h: CacheHierarchy, line: number, out: CacheLine): void {
  const p = h.physical.page(line, false);
  // `& (PAGE_SIZE - 1)`: `%` on a double is a slow fmod; PAs are non-negative integers below 2^53.
  const off = line & (PAGE_SIZE - 1);
  if (p === undefined) {
    out.data.fill(0);
    return;
  }
  const w = readPages.of(p);
  if (w === undefined) {
    out.data.set(p.subarray(off, off + LINE_SIZE));
    return;
  }
  const dst = out.cache.words;
  for (let k = 0, o = off >>> 2, a = out.index * LINE_WORDS; k < LINE_WORDS; k++) dst[a + k] = w[o + k];
}

/** The data of way `l` into memory's line `l.pa`. */
export function writeMemLine(h: CacheHierarchy, l: CacheLine): void {
  if (l.staleByStep >= 0 && h.cacheHooks.staleWriteBack.active) h.cacheHooks.staleWriteBack.emit(l);
  const p = h.physical.page(l.pa, true)!;
  const off = l.pa & (PAGE_SIZE - 1);
  const w = writePages.of(p);
  if (w === undefined) {
    p.set(l.data, off);
    return;
  }
  const src = l.cache.words;
  for (let k = 0, o = off >>> 2, a = l.index * LINE_WORDS; k < LINE_WORDS; k++) w[o + k] = src[a + k];
}

/** Copy the data of way `from` into way `to` (of any caches), a word at a time. */
export function copyLineData(from: CacheLine, to: CacheLine): void {
  const src = from.cache.words;
  const dst = to.cache.words;
  for (let k = 0, a = from.index * LINE_WORDS, b = to.index * LINE_WORDS; k < LINE_WORDS; k++) dst[b + k] = src[a + k];
}
