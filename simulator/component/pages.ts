/**
 * Copy-on-write pages (DESIGN.md "State that is cheap to fork"): a sparse map
 * from page number to page (physical memory's bytes, shadow memory's records)
 * whose `freeze()` is an immutable capture that shares every page with the
 * live state, and whose first write to a page after a freeze copies that page
 * only. A capture therefore costs what changed since the previous one, and
 * `thaw()` (restore) installs a capture's pages without copying any.
 *
 * Structure: a two-level table — chunks of 64 page slots under a Map keyed by
 * chunk number. Ownership is by generation: every freeze and thaw starts a new
 * generation; a chunk or page made private in the current generation may be
 * written in place, an older one is shared with some capture and is copied
 * first. A capture holds its own copy of the chunk Map (one entry per 256 KB
 * of address space in use), nothing else.
 *
 * Fingerprint: each page's digest is computed when the store is hashed after
 * the page changed (and kept with the page object: frozen pages never change),
 * and the store's digest is the order-independent sum of (page number, page
 * digest) contributions — so hashing costs the pages written (or restored to
 * other contents) since the last hash, not the memory. Captures hold no
 * fingerprint bookkeeping: checkpoints that are never hashed pay nothing for it.
 *
 * `page(no, write)` keeps a one-entry cache for reads and one for writes.
 * Callers that keep page references of their own (a memory system's slot
 * cache) subscribe with `onChange`: they are told to drop a page (or all, -1)
 * whenever the object behind a page number changes or a page they may hold
 * for writing stops being writable.
 */
import { FingerprintSum } from './fingerprint';

/** How pages of one kind are made, copied and hashed. */
export interface PageKind<P> {
  create(no: number): P;
  copy(p: P): P;
  /** Digest (53 bits, component/fingerprint.ts) of a page's contents. */
  digest(p: P): number;
}

const CHUNK = 64;
/** `PagedStore.page`'s cache of pages held for writing: 2^WRITE_BITS entries. */
const WRITE_BITS = 3;
const WRITE_SLOTS = 1 << WRITE_BITS;

/**
 * Slot of page number `no` in a direct-mapped cache of 2^`bits` entries (1 ≤ bits ≤ 16): a
 * multiplicative hash of its low 32 bits, so that buffers aligned to a large power of two (pages
 * 0x80100 and 0x80200) do not share a slot as their low bits alone would.
 */
export function pageSlot(no: number, bits: number): number {
  return Math.imul(no, 0x9e37_79b1) >>> (32 - bits);
}

interface Chunk<P> {
  /** Generation in which this chunk was made private. */
  readonly gen: number;
  readonly pages: (P | undefined)[];
  /** Generation in which each page was made private (0: shared or absent). */
  readonly pageGen: number[];
  /**
   * Per page, the store's `writeMark` when `forWrite` last went the whole way for it: while the
   * mark is still the store's, the page is private, counted stale and without a digest, and
   * `forWrite` returns it at once. A new array with each copy of the chunk.
   */
  readonly written: number[];
}

/** An immutable capture of a PagedStore (`freeze`), to `thaw` any number of times. */
export interface FrozenPages<P> {
  readonly top: ReadonlyMap<number, Chunk<P>>;
  readonly count: number;
}

export class PagedStore<P extends object> {
  private top = new Map<number, Chunk<P>>();
  private gen = 1;
  /** Pages that exist. */
  private count = 0;
  /** Sum of the contributions recorded in `recorded`. */
  private readonly sum = new FingerprintSum();
  /** Per page number, the digest whose contribution `sum` holds (as of the last hash). */
  private readonly recorded = new Map<number, number>();
  /** Page numbers whose page changed (or appeared, or went) since their contribution was recorded. */
  private stale = new Set<number>();
  /** Digest of each page object, computed at the first hash after it last changed. */
  private readonly digests = new WeakMap<P, number>();
  /** The last capture; returned again while nothing changed. */
  private last: FrozenPages<P> | undefined = undefined;
  private changed = true;
  /** Some caller may hold a page for writing (it went through `forWrite` since the last `onChange` notice). */
  private writersMayHold = false;
  private readonly listeners: ((no: number) => void)[] = [];
  /**
   * Caches of `page()`: the last page read, and the pages obtained for writing, direct-mapped by
   * page number (`WRITE_SLOTS` of them: code that writes a few pages in turn, such as a loop storing
   * to its stack and to a buffer, finds each of them here).
   */
  private readNo = -1;
  private readPage: P | undefined = undefined;
  private readonly writeNo = new Float64Array(WRITE_SLOTS).fill(-1);
  private readonly writePage: (P | undefined)[] = new Array<P | undefined>(WRITE_SLOTS).fill(undefined);
  /** Pages copied because they were shared with a capture (a count for tests and benchmarks). */
  copies = 0;
  /**
   * Moves whenever a page written since may need `forWrite`'s work again: a new generation
   * (freeze, thaw, reset) or a digest (it clears `stale` and records digests). `Chunk.written`.
   */
  private writeMark = 1;

  constructor(private readonly kind: PageKind<P>) {}

  /** Be told when cached page references must be dropped: a page number, or -1 for all. */
  onChange(fn: (no: number) => void): void {
    this.listeners.push(fn);
  }

  private notify(no: number): void {
    if (no < 0) this.writersMayHold = false;
    if (no < 0 || no === this.readNo) this.readNo = -1;
    if (no < 0) this.writeNo.fill(-1);
    else if (this.writeNo[pageSlot(no, WRITE_BITS)] === no) this.writeNo[pageSlot(no, WRITE_BITS)] = -1;
    for (const fn of this.listeners) fn(no);
  }

  /**
   * Page `no` through the caches: with `write`, private to the live state and
   * created when absent (`forWrite`); else for reading only (`get`).
   */
  page(no: number, write: boolean): P | undefined {
    if (write) {
      const slot = pageSlot(no, WRITE_BITS);
      if (no === this.writeNo[slot]) return this.writePage[slot];
      const p = this.forWrite(no);
      this.writeNo[slot] = no;
      this.writePage[slot] = p;
      this.readNo = no;
      this.readPage = p;
      return p;
    }
    if (no === this.readNo) return this.readPage;
    const p = this.get(no);
    if (p !== undefined) {
      this.readNo = no;
      this.readPage = p;
    }
    return p;
  }

  /** The page, for reading only (it may be shared with captures). */
  get(no: number): P | undefined {
    const k = Math.floor(no / CHUNK);
    return this.top.get(k)?.pages[no - k * CHUNK];
  }

  /** The page, private to the live state, created when absent: the caller may write it (until the next `onChange` notice). */
  forWrite(no: number): P {
    const k = Math.floor(no / CHUNK);
    const i = no - k * CHUNK;
    const gen = this.gen;
    let c = this.top.get(k);
    // Already made writable since the last freeze, thaw, reset and digest: nothing to record again.
    if (c !== undefined && c.written[i] === this.writeMark) return c.pages[i]!;
    if (c === undefined) {
      c = { gen, pages: new Array<P | undefined>(CHUNK).fill(undefined), pageGen: new Array<number>(CHUNK).fill(0), written: new Array<number>(CHUNK).fill(0) };
      this.top.set(k, c);
    } else if (c.gen !== gen) {
      // Plain arrays, not typed ones: a chunk is copied at the first write after every capture and restore, and a
      // typed array is a buffer allocation each.
      c = { gen, pages: c.pages.slice(), pageGen: c.pageGen.slice(), written: new Array<number>(CHUNK).fill(0) };
      this.top.set(k, c);
    }
    let p = c.pages[i];
    this.stale.add(no);
    if (p === undefined) {
      p = this.kind.create(no);
      c.pages[i] = p;
      c.pageGen[i] = gen;
      this.count++;
    } else {
      if (c.pageGen[i] !== gen) {
        p = this.kind.copy(p);
        c.pages[i] = p;
        c.pageGen[i] = gen;
        this.copies++;
        this.notify(no);
      } else this.digests.delete(p);
    }
    this.changed = true;
    this.writersMayHold = true;
    c.written[i] = this.writeMark;
    return p;
  }

  private digestOf(p: P): number {
    let d = this.digests.get(p);
    if (d === undefined) {
      d = this.kind.digest(p);
      this.digests.set(p, d);
    }
    return d;
  }

  /** Page numbers in use, ascending. */
  pageNumbers(): number[] {
    const out: number[] = [];
    for (const k of [...this.top.keys()].sort((a, b) => a - b)) {
      const pages = this.top.get(k)!.pages;
      for (let i = 0; i < CHUNK; i++) if (pages[i] !== undefined) out.push(k * CHUNK + i);
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  /** An immutable capture sharing every page with the live state (the same object again when nothing changed). */
  freeze(): FrozenPages<P> {
    if (!this.changed && this.last !== undefined) return this.last;
    const f: FrozenPages<P> = { top: new Map(this.top), count: this.count };
    this.last = f;
    this.changed = false;
    this.gen++;
    this.writeMark++;
    if (this.writersMayHold) this.notify(-1);
    return f;
  }

  /** Make a capture the live state (its pages are shared until written); costs the pages in which they differ. */
  thaw(f: FrozenPages<P>): void {
    // The live state is this very capture (nothing written since it was taken or thawed): nothing to do, and no
    // page reference held by a reader goes stale (a writer would have come through `forWrite`, setting `changed`).
    if (f === this.last && !this.changed) return;
    this.markDifferences(this.top, f.top);
    this.top = new Map(f.top);
    this.count = f.count;
    this.last = f;
    this.changed = false;
    this.gen++;
    this.writeMark++;
    this.notify(-1);
  }

  /** Pages of `a` and `b` that are not the same object: their recorded contributions are out of date. */
  private markDifferences(a: ReadonlyMap<number, Chunk<P>>, b: ReadonlyMap<number, Chunk<P>>): void {
    const mark = (k: number, x: Chunk<P> | undefined, y: Chunk<P> | undefined): void => {
      if (x === y) return;
      for (let i = 0; i < CHUNK; i++) if (x?.pages[i] !== y?.pages[i]) this.stale.add(k * CHUNK + i);
    };
    for (const [k, x] of a) mark(k, x, b.get(k));
    for (const [k, y] of b) if (!a.has(k)) mark(k, undefined, y);
  }

  /** No pages (the state before anything was written). */
  reset(): void {
    this.markDifferences(this.top, new Map());
    this.top = new Map();
    this.count = 0;
    this.last = undefined;
    this.changed = true;
    this.gen++;
    this.writeMark++;
    this.notify(-1);
  }

  /** Digest of every page's number and contents; rehashes only the pages that changed since the last call. */
  digest(): number {
    if (this.stale.size > 0) {
      for (const no of this.stale) {
        const old = this.recorded.get(no);
        if (old !== undefined) this.sum.remove(no, old);
        const p = this.get(no);
        if (p === undefined) this.recorded.delete(no);
        else {
          const d = this.digestOf(p);
          this.sum.add(no, d);
          this.recorded.set(no, d);
        }
      }
      this.stale.clear();
      this.writeMark++;
      // Writers' cached pages are hashed now: their next write must come through forWrite again.
      if (this.writersMayHold) this.notify(-1);
    }
    return this.sum.value(this.count);
  }
}
