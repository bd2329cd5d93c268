/**
 * Sparse physical memory: 4 KB pages allocated on first write; unwritten
 * memory reads as zero. Addresses are JS numbers (PAs are at most 52 bits, so exact).
 *
 * Pages are copy-on-write (component/pages.ts): `snapshot()` shares every
 * page with the live memory and the first write to a page afterwards copies
 * that page only, so a checkpoint costs the pages written since the previous
 * one; `stateHash()` rehashes only the pages written since it last ran.
 *
 * Hot path: the store's one-entry page caches (one for reads, one for writes)
 * avoid the page-table lookup for repeated accesses. A page obtained with `page(pa,
 * false)` is for reading only; `page(pa, true)` gives one that may be written
 * until `onPagesChanged` says otherwise (callers that cache pages subscribe).
 */
import { digestWords } from '../component/fingerprint';
import { PagedStore, type FrozenPages } from '../component/pages';

export const PAGE_SIZE = 4096;
/** Physical addresses are below 2^52 (the largest PA size, FEAT_LPA: Arm ARM D8.1.6), as the scenario language bounds them. */
export const PA_LIMIT = 2 ** 52;

const BYTES = {
  create: (): Uint8Array => new Uint8Array(PAGE_SIZE),
  copy: (p: Uint8Array): Uint8Array => p.slice(),
  digest: (p: Uint8Array): number => digestWords(new Uint32Array(p.buffer, p.byteOffset, PAGE_SIZE / 4)),
};

/**
 * `pa` modulo the page size. PAs above 2^31 are not small integers for V8, and `%` on them is a
 * floating-point remainder (a library call, ~20 ns); the low bits of a non-negative integer below
 * 2^53 are what `& (PAGE_SIZE - 1)` gives, in one instruction.
 */
export function pageOffset(pa: number): number {
  return pa & (PAGE_SIZE - 1);
}

/** A capture of physical memory (`PhysicalMemory.snapshot`): immutable, restorable any number of times. */
export type MemorySnapshot = FrozenPages<Uint8Array>;

export class PhysicalMemory {
  private readonly store = new PagedStore<Uint8Array>(BYTES);

  /** Page holding `pa`: with `create`, private to the live memory and writable (allocated when absent); else for reading only. */
  page(pa: number, create: boolean): Uint8Array | undefined {
    return this.store.page(Math.floor(pa / PAGE_SIZE), create);
  }

  /**
   * Be told when page references obtained from `page()` must be dropped: the
   * page number whose page object changed, or -1 for every page (a snapshot,
   * a restore or a state hash: pages held for writing are writable no more).
   */
  onPagesChanged(fn: (pageNo: number) => void): void {
    this.store.onChange(fn);
  }

  readU8(pa: number): number {
    const p = this.page(pa, false);
    return p ? p[pageOffset(pa)] : 0;
  }

  writeU8(pa: number, v: number): void {
    this.page(pa, true)![pageOffset(pa)] = v & 0xff;
  }

  /** Little-endian 32-bit read; `pa` need not be aligned (may cross a page). */
  readU32(pa: number): number {
    const off = pageOffset(pa);
    if ((off & 3) === 0) {
      const p = this.page(pa, false);
      if (!p) return 0;
      return (p[off] | (p[off + 1] << 8) | (p[off + 2] << 16) | (p[off + 3] << 24)) >>> 0;
    }
    return (this.readU8(pa) | (this.readU8(pa + 1) << 8) | (this.readU8(pa + 2) << 16) | (this.readU8(pa + 3) << 24)) >>> 0;
  }

  writeU32(pa: number, v: number): void {
    const off = pageOffset(pa);
    if ((off & 3) === 0) {
      const p = this.page(pa, true)!;
      p[off] = v & 0xff;
      p[off + 1] = (v >>> 8) & 0xff;
      p[off + 2] = (v >>> 16) & 0xff;
      p[off + 3] = (v >>> 24) & 0xff;
      return;
    }
    for (let i = 0; i < 4; i++) this.writeU8(pa + i, (v >>> (8 * i)) & 0xff);
  }

  readBytes(pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.readU8(pa + i);
    return out;
  }

  /** Write `bytes` at `pa`, one page lookup per page touched (a machine's program image is written this way). */
  writeBytes(pa: number, bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; ) {
      const p = this.page(pa + i, true)!;
      const off = pageOffset(pa + i);
      const n = Math.min(PAGE_SIZE - off, bytes.length - i);
      for (let k = 0; k < n; k++) p[off + k] = bytes[i + k] & 0xff;
      i += n;
    }
  }

  /** Pages allocated so far (the run bound on touched memory reads this, engine/bounds.ts). */
  get pageCount(): number {
    return this.store.size;
  }

  /** Page numbers that hold data (for views), ascending. */
  pageNumbers(): number[] {
    return this.store.pageNumbers();
  }

  /** Pages copied because a snapshot shared them (tests: a checkpoint costs the pages written since the previous one). */
  get pagesCopied(): number {
    return this.store.copies;
  }

  /** Capture for checkpoints: shares every page with the live memory (copy-on-write). */
  snapshot(): MemorySnapshot {
    return this.store.freeze();
  }

  restore(s: MemorySnapshot): void {
    this.store.thaw(s);
  }

  /** Fingerprint of every page's number and contents (53 bits); costs the pages written since the last call. */
  stateHash(): number {
    return this.store.digest();
  }
}
