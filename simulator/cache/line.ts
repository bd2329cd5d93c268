/**
 * One cached copy of a 64-byte line and the set-associative cache that holds
 * copies.
 *
 * A copy is keyed by (line address, attributes): with `cache_model on`,
 * cacheable accesses with mismatched attributes (e.g. Normal-WB ISH and
 * Normal-WB OSH) allocate *different* copies and lose coherency with each
 * other, as the architecture permits (Arm ARM B2.8 "Mismatched memory
 * attributes"). MemAttrs objects are interned, so the key compares by identity.
 *
 * States are MOESI (Modified, Owned, Exclusive, Shared, Invalid):
 * M/O are dirty (this copy must be written back), E/S are clean; O and S may
 * coexist with other copies of the same key in the coherence domain, M and E
 * may not.
 *
 * Checkpoints copy what changed (checkpoint.ts): every change to a way marks
 * it (`CacheLine.touch`, or `Cache.touch` on the hot paths), and a checkpoint
 * captures the marked ways only, sharing the others with the previous
 * checkpoint; the fingerprint rehashes the marked ways only. The data of
 * every way of a cache lives in one buffer (`Cache.words`), which captures
 * and digests read a word at a time.
 */
import type { MemAttrs } from '../memory/attributes';
import { LINE_SHIFT, LINE_SIZE } from './config';

/** `Cache.marks` bits (a const enum: inlined on the hot paths). */
export const enum Mark {
  /** The way changed since its last capture. */
  Capture = 1,
  /** Its digest is out of date. */
  Hash = 2,
  /** It is listed in `toHash`. */
  Listed = 4,
  /** What `touch` sets: hot paths test `marks[i] !== Mark.All` before calling it. */
  All = 7,
}

export const enum LineState {
  I = 0,
  S = 1,
  E = 2,
  O = 3,
  M = 4,
}

export const STATE_NAMES = ['I', 'S', 'E', 'O', 'M'] as const;
export type StateName = (typeof STATE_NAMES)[number];

export function isDirty(s: LineState): boolean {
  return s === LineState.M || s === LineState.O;
}

export class CacheLine {
  /** The cache holding this way. */
  readonly cache: Cache;
  /** Position in `cache.lines` (set * ways + way). */
  readonly index: number;
  /** Line-aligned PA; -1 when the way has never held a line. */
  pa = -1;
  attrs!: MemAttrs;
  state: LineState = LineState.I;
  /** This way's 64 bytes of the cache's data buffer. */
  readonly data: Uint8Array;
  /** LRU stamp: larger is more recent. */
  lru = 0;
  /** Provenance of the last write that made the data newer than memory (for checkers and views). */
  writePe = -1;
  writePc = NaN;
  writeStep = -1;
  /** Set when a DC CVAU cleaned this copy to the PoU while the data stayed above the PoC. */
  pouCleanPe = -1;
  pouCleanPc = NaN;
  /** Set when the copy was filled speculatively (after the maintenance at `specPc`). */
  speculative = false;
  specPc = NaN;
  specPe = -1;
  /** Set when memory was written behind this copy's back (a bypassing or mismatched write): the copy is stale. */
  staleByPe = -1;
  staleByPc = NaN;
  staleByStep = -1;
  staleByAttrs: MemAttrs | undefined = undefined;
  staleReported = false;

  constructor(cache: Cache, index: number) {
    this.cache = cache;
    this.index = index;
    this.data = new Uint8Array(cache.words.buffer, index * LINE_SIZE, LINE_SIZE);
  }

  /** Mark this way as changed (call before or after every change to any field). */
  touch(): void {
    const c = this.cache;
    if (c.marks[this.index] !== (Mark.All as number)) c.touch(this.index);
  }

  clearProvenance(): void {
    this.touch();
    this.writePe = -1;
    this.writePc = NaN;
    this.writeStep = -1;
    this.pouCleanPe = -1;
    this.pouCleanPc = NaN;
    this.speculative = false;
    this.specPc = NaN;
    this.specPe = -1;
    this.staleByPe = -1;
    this.staleByPc = NaN;
    this.staleByStep = -1;
    this.staleByAttrs = undefined;
    this.staleReported = false;
  }

  copyProvenanceFrom(o: CacheLine): void {
    this.touch();
    this.writePe = o.writePe;
    this.writePc = o.writePc;
    this.writeStep = o.writeStep;
    this.pouCleanPe = o.pouCleanPe;
    this.pouCleanPc = o.pouCleanPc;
  }

  /** Carry the stale mark with the data (a fill or a write-back copies it; whether it was reported stays). */
  copyStaleFrom(o: CacheLine): void {
    this.touch();
    this.staleByPe = o.staleByPe;
    this.staleByPc = o.staleByPc;
    this.staleByStep = o.staleByStep;
    this.staleByAttrs = o.staleByAttrs;
  }
}

/** Which agents a cache serves. */
export type CacheKind = 'l1d' | 'l2' | 'system';

export class Cache {
  readonly name: string;
  readonly kind: CacheKind;
  /** 1 = L1, 2 = L2, 3 = system cache. */
  readonly level: number;
  readonly sets: number;
  readonly ways: number;
  readonly setMask: number;
  /** PEs whose accesses go through this cache. */
  readonly pes: number[];
  /** Index in the hierarchy's cache list. */
  readonly index: number;
  /** sets*ways entries, set-major. */
  readonly lines: CacheLine[];
  /**
   * Per way (in `lines` order), its line address while valid, -1 while Invalid: set lookups scan
   * this array and read a way's object only on a matching line (then compare its attributes).
   * `CacheHierarchy.setState` and checkpoint restores keep it (`syncTag`).
   */
  readonly tags: Float64Array;
  /** Next cache outward for each PE it serves is the same: the next level of the path (undefined: memory). */
  next: Cache | undefined;
  /** The data of every way, 16 words per way in `lines` order (little-endian host: byte k of a way is byte k of its words). */
  readonly words: Uint32Array;
  /** Per way, MARK_* bits (checkpoint.ts): changed since its last capture, digest out of date, listed for rehashing. */
  readonly marks: Uint8Array;
  /** Ways marked Mark.Capture, `nCapture` of them (each once). */
  readonly toCapture: Int32Array;
  nCapture = 0;
  /** Ways marked Mark.Listed (whose digest may be out of date), `nHash` of them (each once). */
  readonly toHash: Int32Array;
  nHash = 0;

  constructor(name: string, kind: CacheKind, level: number, size: number, ways: number, pes: number[], index: number) {
    this.name = name;
    this.kind = kind;
    this.level = level;
    this.ways = ways;
    this.sets = size / (LINE_SIZE * ways);
    this.setMask = this.sets - 1;
    this.pes = pes;
    this.index = index;
    const n = this.sets * ways;
    this.words = new Uint32Array(n * (LINE_SIZE / 4));
    this.marks = new Uint8Array(n);
    this.toCapture = new Int32Array(n);
    this.toHash = new Int32Array(n);
    this.tags = new Float64Array(n).fill(-1);
    this.lines = [];
    for (let i = 0; i < n; i++) this.lines.push(new CacheLine(this, i));
  }

  /** Mark way `index` (of `lines`) as changed (hot paths test `marks[index] !== Mark.All` first). */
  touch(index: number): void {
    const m = this.marks[index];
    if ((m & Mark.Capture) === 0) this.toCapture[this.nCapture++] = index;
    if ((m & Mark.Listed) === 0) this.toHash[this.nHash++] = index;
    this.marks[index] = Mark.All;
  }

  /** Bring way `index`'s tag up to date with its state and line address (after changing either). */
  syncTag(index: number): void {
    const l = this.lines[index];
    this.tags[index] = l.state === LineState.I ? -1 : l.pa;
  }

  setOf(pa: number): number {
    return (pa >>> LINE_SHIFT) & this.setMask;
  }

  /** The valid copy of (line, attrs), if any. */
  find(line: number, attrs: MemAttrs): CacheLine | undefined {
    const base = ((line >>> LINE_SHIFT) & this.setMask) * this.ways;
    const tags = this.tags;
    for (let i = base, end = base + this.ways; i < end; i++) {
      if (tags[i] === line) {
        const l = this.lines[i];
        if (l.attrs === attrs) return l;
      }
    }
    return undefined;
  }

  /** Every valid copy of `line` whatever its attributes. */
  copiesOf(line: number, out: CacheLine[]): void {
    const base = ((line >>> LINE_SHIFT) & this.setMask) * this.ways;
    for (let i = base, end = base + this.ways; i < end; i++) if (this.tags[i] === line) out.push(this.lines[i]);
  }

  /** The way to refill in `line`'s set: an invalid one, else the least recently used. */
  victimFor(line: number): CacheLine {
    const base = ((line >>> LINE_SHIFT) & this.setMask) * this.ways;
    const tags = this.tags;
    const lines = this.lines;
    let best = lines[base];
    for (let i = base, end = base + this.ways; i < end; i++) {
      if (tags[i] === -1) return lines[i];
      const l = lines[i];
      if (l.lru < best.lru) best = l;
    }
    return best;
  }

  /** (set, way) of a copy, for views and set/way maintenance. */
  positionOf(l: CacheLine): { set: number; way: number } {
    const i = l.index;
    return { set: Math.floor(i / this.ways), way: i % this.ways };
  }

  lineAt(set: number, way: number): CacheLine | undefined {
    if (set < 0 || set >= this.sets || way < 0 || way >= this.ways) return undefined;
    return this.lines[set * this.ways + way];
  }
}
