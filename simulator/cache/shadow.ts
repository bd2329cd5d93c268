/**
 * Shadow of memory as a flat, coherent system would hold it: every write, in
 * step order, whatever its attributes. It is the checkers' oracle for "the
 * latest value written" (a walk that read something else read a stale
 * descriptor) and remembers, per 8-byte granule, which PE wrote it last and
 * from which PC.
 *
 * Pages are created at the first write by copying physical memory: until a
 * page is written, no cache can hold dirty data for it, so physical memory is
 * the latest value then. They are copy-on-write (component/pages.ts), like
 * physical memory: a checkpoint shares them and costs the pages written since
 * the previous one; the fingerprint rehashes only pages written since it last ran.
 */
import { contributionA, contributionB, digest, fmix32, Lanes } from '../component/fingerprint';
import { PagedStore, type FrozenPages } from '../component/pages';
import { PAGE_SIZE, type PhysicalMemory } from '../memory/physical';

interface ShadowPage {
  bytes: Uint8Array;
  /** `bytes` as 32-bit words (little-endian host, as memory/flat.ts): aligned words are written whole. */
  words: Uint32Array;
  pc: Float64Array;
  pe: Int16Array;
  step: Float64Array;
  /**
   * Per granule: 0 while never written, else 1 + the write's epoch (the
   * writer's DSBs before the write's step, checks/barriers.ts `DsbRecord`):
   * what the stale-descriptor rule's "a DSB since the write" depends on, in
   * terms that do not depend on how the PEs' steps interleave.
   */
  epoch: Int32Array;
  /** The page's fingerprint: the sum of its written granules' contributions (`granuleSum`), kept up to date by every write. */
  sumA: number;
  sumB: number;
}

const GRANULES = PAGE_SIZE / 8;

function shadowPage(bytes: Uint8Array, pc: Float64Array, pe: Int16Array, step: Float64Array, epoch: Int32Array, sumA: number, sumB: number): ShadowPage {
  return { bytes, words: new Uint32Array(bytes.buffer, bytes.byteOffset, PAGE_SIZE / 4), pc, pe, step, epoch, sumA, sumB };
}

function copyPage(p: ShadowPage): ShadowPage {
  return shadowPage(p.bytes.slice(), p.pc.slice(), p.pe.slice(), p.step.slice(), p.epoch.slice(), p.sumA, p.sumB);
}

const granuleLanes = new Lanes();

/**
 * Add (`sign` 1) or remove (-1) written granule `g`'s contribution to its
 * page's fingerprint: its 8 bytes, which PE wrote it last (the rules decide by
 * the writer) and the write's epoch (whether the writer's DSBs since
 * completed it). The PC and step of each write are provenance for findings'
 * messages, not state: executions that wrote the same values in another order
 * are in the same state. A granule never written holds memory's initial
 * value, the same in every state: it contributes nothing.
 */
function granuleSum(p: ShadowPage, g: number, sign: 1 | -1): void {
  const b = p.bytes;
  const o = g * 8;
  const lo = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  const hi = (b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0;
  const d = granuleLanes.reset(0x5ad0_0000).word(lo).word(hi).word(p.pe[g]).word(p.epoch[g]).value();
  p.sumA = (p.sumA + sign * contributionA(g, d)) >>> 0;
  p.sumB = (p.sumB + sign * contributionB(g, d)) >>> 0;
}

/** Digest of a page: the sum of its written granules' contributions (O(1): kept up to date by the writes). */
function digestPage(p: ShadowPage): number {
  return digest(fmix32(p.sumA ^ 0x5ad0_0001), fmix32(p.sumB));
}

export class ShadowMemory {
  private readonly store: PagedStore<ShadowPage>;

  constructor(private readonly physical: PhysicalMemory) {
    this.store = new PagedStore<ShadowPage>({
      create: (no) => {
        const src = this.physical.page(no * PAGE_SIZE, false);
        return shadowPage(
          src ? src.slice() : new Uint8Array(PAGE_SIZE),
          new Float64Array(GRANULES).fill(NaN),
          new Int16Array(GRANULES).fill(-1),
          new Float64Array(GRANULES).fill(-1),
          new Int32Array(GRANULES),
          0,
          0,
        );
      },
      copy: copyPage,
      digest: digestPage,
    });
  }

  private page(pa: number, create: boolean): ShadowPage | undefined {
    return this.store.page(Math.floor(pa / PAGE_SIZE), create);
  }

  /** A write of `size` bytes at `pa` by PE `pe` (-1: an agent) at `step`, with its epoch (`ShadowPage.epoch`). */
  write(pe: number, pc: number, step: number, pa: number, size: number, lo: number, hi: number, epoch = 0): void {
    const off0 = pa & (PAGE_SIZE - 1);
    if (off0 + size <= PAGE_SIZE && (off0 & 7) + size <= 8) {
      // Within one granule (the common case): one page lookup, one granule record.
      const p = this.page(pa, true)!;
      const b = p.bytes;
      const g = off0 >>> 3;
      if (p.epoch[g] !== 0) granuleSum(p, g, -1);
      if ((off0 & (size - 1)) === 0 && size >= 4) {
        p.words[off0 >>> 2] = lo;
        if (size === 8) p.words[(off0 >>> 2) + 1] = hi;
      } else {
        for (let i = 0; i < size; i++) b[off0 + i] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      }
      p.pc[g] = pc;
      p.pe[g] = pe;
      p.step[g] = step;
      p.epoch[g] = epoch + 1;
      granuleSum(p, g, 1);
      return;
    }
    // Across granules (or pages): each granule's contribution out before its bytes change, in again after.
    const touched: { p: ShadowPage; g: number }[] = [];
    for (let i = 0; i < size; i++) {
      const a = pa + i;
      const p = this.page(a, true)!;
      const g = (a % PAGE_SIZE) >>> 3;
      if (!touched.some((t) => t.p === p && t.g === g)) {
        touched.push({ p, g });
        if (p.epoch[g] !== 0) granuleSum(p, g, -1);
      }
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
      p.epoch[g] = epoch + 1;
    }
    for (const t of touched) granuleSum(t.p, t.g, 1);
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

  /** Pages copied because a checkpoint shared them (tests). */
  get pagesCopied(): number {
    return this.store.copies;
  }

  /** Capture for checkpoints: shares every page with the live shadow (copy-on-write). */
  snapshot(): unknown {
    return this.store.freeze();
  }

  /** Nothing written yet (the state at attach time). */
  clear(): void {
    this.store.reset();
  }

  restore(s: unknown): void {
    this.store.thaw(s as FrozenPages<ShadowPage>);
  }

  /** Fingerprint of every written page: bytes and who wrote each granule (53 bits; costs the pages written since the last call). */
  stateHash(): number {
    return this.store.digest();
  }
}
