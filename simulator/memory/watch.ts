/**
 * Watched writes: be told when any agent's write — a PE's store, built-in
 * firmware's store, a scenario `write` event — touches a watched range,
 * before the data lands. The checkers watch the descriptors walks have used
 * (break-before-make), the debugger its data breakpoints.
 *
 * Memory systems call `check` on every write while `any` is set; a write to a
 * page nobody watches costs a page-number comparison with a recent such page.
 */
import type { Pe } from '../pe/pe';
import type { MemAttrs } from './attributes';
import { pageSlot } from '../component/pages';
import { invalidateDirectPages } from './direct';
import { PAGE_SIZE } from './physical';

/** `WriteWatch`'s cache of unwatched pages: 2^MISS_BITS entries. */
const MISS_BITS = 3;

export type WatchedWriteListener = (pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs) => void;

/** One subscriber's watched ranges. */
export class Watcher {
  /** Watched ranges as [start, end) pairs. */
  private readonly ranges: number[] = [];
  /** Start → size of the first range added at that start: re-adding it (every walk re-adds its descriptors) is one lookup. */
  private readonly firstSize = new Map<number, number>();

  constructor(
    private readonly owner: WriteWatch,
    readonly onWrite: WatchedWriteListener,
  ) {}

  /** Watch [pa, pa+size) as well (adding a range twice is harmless). */
  add(pa: number, size: number): void {
    const first = this.firstSize.get(pa);
    if (first === size) return;
    if (first === undefined) this.firstSize.set(pa, size);
    else for (let i = 0; i < this.ranges.length; i += 2) if (this.ranges[i] === pa && this.ranges[i + 1] === pa + size) return;
    this.ranges.push(pa, pa + size);
    this.owner.index(this, pa, size);
  }

  overlaps(pa: number, end: number): boolean {
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) if (pa < r[i + 1] && r[i] < end) return true;
    return false;
  }

  /** Stop watching every range of this watcher. */
  dispose(): void {
    this.owner.remove(this);
  }
}

export class WriteWatch {
  /** True while some range is watched: writers test it before calling `check`. */
  any = false;
  private readonly watchers: Watcher[] = [];
  /** Page number → the watchers with a range on that page, in creation order. */
  private pages = new Map<number, Watcher[]>();
  /**
   * Pages found unwatched, direct-mapped by page number (component/pages.ts `pageSlot`): stores to a few pages in
   * turn pay one comparison each.
   */
  private readonly missNo = new Float64Array(1 << MISS_BITS).fill(-1);

  /** A new watcher: `onWrite` is called (once per write) before each write overlapping one of its ranges lands. */
  watcher(onWrite: WatchedWriteListener): Watcher {
    const w = new Watcher(this, onWrite);
    this.watchers.push(w);
    return w;
  }

  /** A write of `size` bytes at `pa` is about to land: tell the watchers whose ranges it overlaps. */
  check(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void {
    const first = Math.floor(pa / PAGE_SIZE);
    // Within one page (`pa & (PAGE_SIZE - 1)`: the offset, PAs being non-negative integers below 2^53) on a page
    // found unwatched: nothing to tell. Only this test is here: small enough for V8 to inline into writers.
    if ((pa & (PAGE_SIZE - 1)) + size <= PAGE_SIZE && this.missNo[pageSlot(first, MISS_BITS)] === first) return;
    this.checkPages(pe, pa, size, lo, hi, attrs, first);
  }

  /** `check` past its quick test: the watchers of the write's pages. */
  private checkPages(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs, first: number): void {
    const within = (pa & (PAGE_SIZE - 1)) + size <= PAGE_SIZE;
    const last = within ? first : Math.floor((pa + size - 1) / PAGE_SIZE);
    let list = this.pages.get(first);
    if (last !== first) {
      const more = this.pages.get(last);
      if (more !== undefined) list = list === undefined ? more : this.watchers.filter((w) => list!.includes(w) || more.includes(w));
    }
    if (list === undefined) {
      if (first === last) this.missNo[pageSlot(first, MISS_BITS)] = first;
      return;
    }
    const end = pa + size;
    for (const w of list) if (w.overlaps(pa, end)) w.onWrite(pe, pa, size, lo, hi, attrs);
  }

  /** Whether some range on page `no` is watched (a store there must be checked). */
  watched(no: number): boolean {
    return this.pages.has(no);
  }

  /** @internal Watcher.add */
  index(w: Watcher, pa: number, size: number): void {
    const last = Math.floor((pa + size - 1) / PAGE_SIZE);
    for (let p = Math.floor(pa / PAGE_SIZE); p <= last; p++) {
      const list = this.pages.get(p);
      if (list === undefined) {
        this.pages.set(p, [w]);
        // Stores to the page must now be checked: none may go to it directly (memory/direct.ts).
        invalidateDirectPages();
      } else if (!list.includes(w)) {
        list.push(w);
        // Keep creation order: watchers are told in the order they were created.
        list.sort((a, b) => this.watchers.indexOf(a) - this.watchers.indexOf(b));
      }
      if (this.missNo[pageSlot(p, MISS_BITS)] === p) this.missNo[pageSlot(p, MISS_BITS)] = -1;
    }
    this.any = true;
  }

  /** @internal Watcher.dispose */
  remove(w: Watcher): void {
    const i = this.watchers.indexOf(w);
    if (i < 0) return;
    this.watchers.splice(i, 1);
    const pages = new Map<number, Watcher[]>();
    for (const [p, list] of this.pages) {
      const keep = list.filter((x) => x !== w);
      if (keep.length > 0) pages.set(p, keep);
    }
    this.pages = pages;
    this.missNo.fill(-1);
    this.any = pages.size > 0;
  }
}
