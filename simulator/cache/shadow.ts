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
 * the previous one; the fingerprint rehashes only the granules written since it last ran.
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
  /**
   * The page's fingerprint: the sum of its written granules' contributions
   * (`granuleSum`) as of the last `digestPage`. Writes do not hash: they mark
   * their granule dirty (`dirtyMark`, `dirtyList`), and `digestPage` brings
   * the sum up to date for the dirty granules only, so a run that never asks
   * for a fingerprint pays a mark per write and an exploration pays what
   * changed since its last fingerprint.
   */
  sumA: number;
  sumB: number;
  /** Per granule, the contribution (lanes A, B) `sumA`/`sumB` hold for it (0: none); allocated at the first `digestPage`. */
  recA: Uint32Array | undefined;
  recB: Uint32Array | undefined;
  /** Per granule, 1 while its contribution is out of date (its index is then in `dirtyList`). */
  dirtyMark: Uint8Array;
  dirtyList: Uint16Array;
  dirtyCount: number;
}

const GRANULES = PAGE_SIZE / 8;

function shadowPage(bytes: Uint8Array, pc: Float64Array, pe: Int16Array, step: Float64Array, epoch: Int32Array): ShadowPage {
  return {
    bytes,
    words: new Uint32Array(bytes.buffer, bytes.byteOffset, PAGE_SIZE / 4),
    pc,
    pe,
    step,
    epoch,
    sumA: 0,
    sumB: 0,
    recA: undefined,
    recB: undefined,
    dirtyMark: new Uint8Array(GRANULES),
    dirtyList: new Uint16Array(GRANULES),
    dirtyCount: 0,
  };
}

function copyPage(p: ShadowPage): ShadowPage {
  const c = shadowPage(p.bytes.slice(), p.pc.slice(), p.pe.slice(), p.step.slice(), p.epoch.slice());
  c.sumA = p.sumA;
  c.sumB = p.sumB;
  c.recA = p.recA?.slice();
  c.recB = p.recB?.slice();
  c.dirtyMark.set(p.dirtyMark);
  c.dirtyList.set(p.dirtyList);
  c.dirtyCount = p.dirtyCount;
  return c;
}

/** Granule `g`'s contribution is out of date (its bytes, writer or epoch are about to change). */
function markDirty(p: ShadowPage, g: number): void {
  if (p.dirtyMark[g] === 0) {
    p.dirtyMark[g] = 1;
    p.dirtyList[p.dirtyCount++] = g;
  }
}

const granuleLanes = new Lanes();

/**
 * Bring granule `g`'s contribution to its page's fingerprint up to date: its
 * 8 bytes, which PE wrote it last (the rules decide by the writer) and the
 * write's epoch (whether the writer's DSBs since completed it). The PC and
 * step of each write are provenance for findings' messages, not state:
 * executions that wrote the same values in another order are in the same
 * state. A granule never written holds memory's initial value, the same in
 * every state: it contributes nothing.
 */
function granuleSum(p: ShadowPage, recA: Uint32Array, recB: Uint32Array, g: number): void {
  let a = (p.sumA - recA[g]) >>> 0;
  let b = (p.sumB - recB[g]) >>> 0;
  if (p.epoch[g] === 0) {
    recA[g] = 0;
    recB[g] = 0;
  } else {
    const by = p.bytes;
    const o = g * 8;
    const lo = (by[o] | (by[o + 1] << 8) | (by[o + 2] << 16) | (by[o + 3] << 24)) >>> 0;
    const hi = (by[o + 4] | (by[o + 5] << 8) | (by[o + 6] << 16) | (by[o + 7] << 24)) >>> 0;
    const d = granuleLanes.reset(0x5ad0_0000).word(lo).word(hi).word(p.pe[g]).word(p.epoch[g]).value();
    const ca = contributionA(g, d);
    const cb = contributionB(g, d);
    recA[g] = ca;
    recB[g] = cb;
    a = (a + ca) >>> 0;
    b = (b + cb) >>> 0;
  }
  p.sumA = a;
  p.sumB = b;
}

/**
 * Digest of a page: the sum of its written granules' contributions, brought up
 * to date for the granules written since the last digest (the result depends on
 * the page's contents only, so a page shared with a capture may be brought up to date too).
 */
function digestPage(p: ShadowPage): number {
  if (p.dirtyCount > 0) {
    const recA = (p.recA ??= new Uint32Array(GRANULES));
    const recB = (p.recB ??= new Uint32Array(GRANULES));
    for (let i = 0; i < p.dirtyCount; i++) {
      const g = p.dirtyList[i];
      p.dirtyMark[g] = 0;
      granuleSum(p, recA, recB, g);
    }
    p.dirtyCount = 0;
  }
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
    if (off0 + size > PAGE_SIZE || (off0 & 7) + size > 8) {
      this.writeSpread(pe, pc, step, pa, size, lo, hi, epoch);
      return;
    }
    // Within one granule (the common case): one page lookup, one granule record. The loop of
    // `writeSpread` is kept out of this function: V8 compiles the common case several times faster without it.
    const p = this.page(pa, true)!;
    const g = off0 >>> 3;
    markDirty(p, g);
    if ((off0 & (size - 1)) === 0 && size >= 4) {
      p.words[off0 >>> 2] = lo;
      if (size === 8) p.words[(off0 >>> 2) + 1] = hi;
    } else {
      const b = p.bytes;
      for (let i = 0; i < size; i++) b[off0 + i] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
    }
    p.pc[g] = pc;
    p.pe[g] = pe;
    p.step[g] = step;
    p.epoch[g] = epoch + 1;
  }

  /** A write across granules (or pages): each byte's granule is marked dirty. */
  private writeSpread(pe: number, pc: number, step: number, pa: number, size: number, lo: number, hi: number, epoch: number): void {
    for (let i = 0; i < size; i++) {
      const a = pa + i;
      const p = this.page(a, true)!;
      const off = a % PAGE_SIZE;
      p.bytes[off] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      const g = off >>> 3;
      markDirty(p, g);
      p.pc[g] = pc;
      p.pe[g] = pe;
      p.step[g] = step;
      p.epoch[g] = epoch + 1;
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

  /** Fingerprint of every written page: bytes and who wrote each granule (53 bits; costs the granules written since the last call). */
  stateHash(): number {
    return this.store.digest();
  }
}
