/**
 * Sparse physical memory: 4 KB pages allocated on first write; unwritten
 * memory reads as zero. Addresses are JS numbers (PAs are at most 52 bits, so exact).
 * Hot path: a one-entry page cache avoids the Map lookup for repeated accesses.
 */
export const PAGE_SIZE = 4096;
/** Physical addresses are below 2^52 (the largest PA size, FEAT_LPA: Arm ARM D8.1.6), as the scenario language bounds them. */
export const PA_LIMIT = 2 ** 52;

/**
 * `pa` modulo the page size. PAs above 2^31 are not small integers for V8, and `%` on them is a
 * floating-point remainder (a library call, ~20 ns); the low bits of a non-negative integer below
 * 2^53 are what `& (PAGE_SIZE - 1)` gives, in one instruction.
 */
export function pageOffset(pa: number): number {
  return pa & (PAGE_SIZE - 1);
}

export class PhysicalMemory {
  private pages = new Map<number, Uint8Array>();
  private lastPageNo = -1;
  private lastPage: Uint8Array | undefined;

  /** Page holding `pa`, allocating it when `create` is set. */
  page(pa: number, create: boolean): Uint8Array | undefined {
    const no = Math.floor(pa / PAGE_SIZE);
    if (no === this.lastPageNo && this.lastPage) return this.lastPage;
    let p = this.pages.get(no);
    if (!p && create) {
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(no, p);
    }
    if (p) {
      this.lastPageNo = no;
      this.lastPage = p;
    }
    return p;
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

  writeBytes(pa: number, bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.writeU8(pa + i, bytes[i]);
  }

  /** Pages allocated so far (the run bound on touched memory reads this, engine/bounds.ts). */
  get pageCount(): number {
    return this.pages.size;
  }

  /** Page numbers that hold data (for snapshots and views). */
  pageNumbers(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b);
  }

  /** Deep copy, used by engine checkpoints. */
  snapshot(): Map<number, Uint8Array> {
    const copy = new Map<number, Uint8Array>();
    for (const [k, v] of this.pages) copy.set(k, v.slice());
    return copy;
  }

  restore(s: Map<number, Uint8Array>): void {
    this.pages = new Map();
    for (const [k, v] of s) this.pages.set(k, v.slice());
    this.lastPageNo = -1;
    this.lastPage = undefined;
  }
}
