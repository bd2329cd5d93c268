/**
 * Shadow of memory as a flat, coherent system would hold it: every write, in
 * step order, whatever its attributes. It is the checkers' oracle for "the
 * latest value written" (a walk that read something else read a stale
 * descriptor) and remembers, per 8-byte granule, which PE wrote it last and
 * from which PC.
 *
 * Pages are created at the first write by copying physical memory: until a
 * page is written, no cache can hold dirty data for it, so physical memory is
 * the latest value then.
 */
import { PAGE_SIZE, type PhysicalMemory } from '../memory/physical';

interface ShadowPage {
  bytes: Uint8Array;
  pc: Float64Array;
  pe: Int16Array;
  step: Float64Array;
}

export class ShadowMemory {
  private pages = new Map<number, ShadowPage>();
  private lastNo = -1;
  private last: ShadowPage | undefined;

  constructor(private readonly physical: PhysicalMemory) {}

  private page(pa: number, create: boolean): ShadowPage | undefined {
    const no = Math.floor(pa / PAGE_SIZE);
    if (no === this.lastNo) return this.last;
    let p = this.pages.get(no);
    if (!p && create) {
      const src = this.physical.page(no * PAGE_SIZE, false);
      p = {
        bytes: src ? src.slice() : new Uint8Array(PAGE_SIZE),
        pc: new Float64Array(PAGE_SIZE / 8).fill(NaN),
        pe: new Int16Array(PAGE_SIZE / 8).fill(-1),
        step: new Float64Array(PAGE_SIZE / 8).fill(-1),
      };
      this.pages.set(no, p);
    }
    if (p) {
      this.lastNo = no;
      this.last = p;
    }
    return p;
  }

  write(pe: number, pc: number, step: number, pa: number, size: number, lo: number, hi: number): void {
    const off0 = pa & (PAGE_SIZE - 1);
    if (off0 + size <= PAGE_SIZE && (off0 & 7) + size <= 8) {
      // Within one granule (the common case): one page lookup, one granule record.
      const p = this.page(pa, true)!;
      const b = p.bytes;
      for (let i = 0; i < size; i++) b[off0 + i] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      const g = off0 >>> 3;
      p.pc[g] = pc;
      p.pe[g] = pe;
      p.step[g] = step;
      return;
    }
    for (let i = 0; i < size; i++) {
      const a = pa + i;
      const p = this.page(a, true)!;
      const off = a % PAGE_SIZE;
      p.bytes[off] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      const g = off >>> 3;
      p.pc[g] = pc;
      p.pe[g] = pe;
      p.step[g] = step;
    }
  }

  /** True when some write reached this granule's page (otherwise physical memory is the latest value). */
  written(pa: number): boolean {
    const p = this.page(pa, false);
    return p !== undefined && p.step[(pa % PAGE_SIZE) >>> 3] >= 0;
  }

  /** Latest value of `size` bytes at `pa` (little-endian, as a bigint: only used on slow paths). */
  value(pa: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const a = pa + i;
      const p = this.page(a, false);
      const b = p ? p.bytes[a % PAGE_SIZE] : this.physical.readU8(a);
      v = (v << 8n) | BigInt(b);
    }
    return v;
  }

  /** Who last wrote the granule holding `pa`. */
  writer(pa: number): { pe: number; pc: number; step: number } | undefined {
    const p = this.page(pa, false);
    if (!p) return undefined;
    const g = (pa % PAGE_SIZE) >>> 3;
    if (p.step[g] < 0) return undefined;
    return { pe: p.pe[g], pc: p.pc[g], step: p.step[g] };
  }

  snapshot(): unknown {
    const m = new Map<number, ShadowPage>();
    for (const [k, v] of this.pages) m.set(k, { bytes: v.bytes.slice(), pc: v.pc.slice(), pe: v.pe.slice(), step: v.step.slice() });
    return m;
  }

  /** Nothing written yet (the state at attach time). */
  clear(): void {
    this.pages = new Map();
    this.lastNo = -1;
    this.last = undefined;
  }

  restore(s: unknown): void {
    this.pages = new Map();
    for (const [k, v] of s as Map<number, ShadowPage>) this.pages.set(k, { bytes: v.bytes.slice(), pc: v.pc.slice(), pe: v.pe.slice(), step: v.step.slice() });
    this.lastNo = -1;
    this.last = undefined;
  }
}
