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
import { PA_SPLIT } from './config';

/**
 * One shadow page. Its arrays are three views of one buffer (`buf`, laid out by
 * `Layout`), one per element type: a copy-on-write copy is one buffer copy, not
 * one per array, and three views to make (an explorer copies a page at the
 * first store after every capture and restore, and a view costs more than
 * copying the page's bytes).
 *
 * - `u8`: the whole page; the memory bytes at `Layout.Bytes`, the dirty list and
 *   marks at `Layout.DirtyList` and `Layout.DirtyMark`;
 * - `u32`: the memory bytes as 32-bit words (little-endian host, as
 *   memory/flat.ts: aligned words are written whole) at `Layout.Words`, the
 *   granules' contributions at `Layout.RecA` and `Layout.RecB` (`Layout` / 4);
 * - `rec`: the granules' writers.
 */
interface ShadowPage {
  readonly buf: ArrayBuffer;
  /** Where the page's arrays start in `buf` (new pages share a slab, `newPage`). */
  readonly at: number;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  /**
   * Per granule g, who wrote it last, at rec[4g + R_PC], rec[4g + R_STEP], rec[4g + R_PE] and
   * rec[4g + R_EPOCH]: side by side, so a write touches one cache line of records. R_EPOCH holds 0
   * while never written, else 1 + the write's epoch (the writer's DSBs before the write's step,
   * checks/barriers.ts `DsbRecord`): what the stale-descriptor rule's "a DSB since the write"
   * depends on, in terms that do not depend on how the PEs' steps interleave.
   */
  rec: Float64Array;
  /**
   * The page's fingerprint: the sum of its written granules' contributions
   * (`granuleSum`) as of the last `digestPage`. Writes do not hash: they mark
   * their granule dirty (the dirty marks and list), and `digestPage` brings
   * the sum up to date for the dirty granules only, so a run that never asks
   * for a fingerprint pays a mark per write and an exploration pays what
   * changed since its last fingerprint.
   */
  sumA: number;
  sumB: number;
  /**
   * In `u32` at `Layout.RecA`/`RecB` (per granule): the contribution (lanes A, B) `sumA`/`sumB` hold for it
   * (0: none). In `u8` at `Layout.DirtyMark` (per granule): 1 while its contribution is out of date (its index
   * is then in the list at `Layout.DirtyList`, `dirtyCount` long).
   */
  dirtyCount: number;
}

/**
 * Bytes per shadow page: smaller than a memory page, because a page is copied
 * whole at its first write after a capture (copy-on-write) and a shadow page
 * carries 50 bytes per 8-byte granule of memory it shadows — an explorer captures at
 * nearly every state, and a store then copies one shadow page.
 */
const SHADOW_PAGE = 512;
/** Who writes (`ShadowMemory.writeBy`): a PE's number and the PC of its store (a `Pe` is one). */
export interface Writer {
  readonly id: number;
  readonly pc: number;
}
const GRANULES = SHADOW_PAGE / 8;

/** The fields of a granule's record (`ShadowPage.rec`): PC (NaN: none), step (-1: never written), PE (-1: none or an agent), epoch. */
const R_PC = 0;
const R_STEP = 1;
const R_PE = 2;
const R_EPOCH = 3;
const FIELDS = 4;

/**
 * Byte offsets of a page's arrays in its buffer (each aligned to its element size), and the 32-bit word offsets of
 * the ones read through `u32`. The dirty list holds granule numbers (below 64): bytes.
 */
const enum Layout {
  Rec = 0,
  Bytes = GRANULES * 32,
  RecA = GRANULES * 40,
  RecB = GRANULES * 44,
  DirtyList = GRANULES * 48,
  DirtyMark = GRANULES * 49,
  Size = GRANULES * 50,
  Words = Bytes / 4,
  RecAWords = RecA / 4,
  RecBWords = RecB / 4,
}

/** Records of granules never written. */
const UNWRITTEN = (() => {
  const r = new Float64Array(GRANULES * FIELDS);
  for (let g = 0; g < GRANULES; g++) {
    r[g * FIELDS + R_PC] = NaN;
    r[g * FIELDS + R_STEP] = -1;
    r[g * FIELDS + R_PE] = -1;
  }
  return r;
})();

function shadowPage(buf: ArrayBuffer, at: number): ShadowPage {
  return {
    buf,
    at,
    u8: new Uint8Array(buf, at, Layout.Size),
    u32: new Uint32Array(buf, at, Layout.Size / 4),
    rec: new Float64Array(buf, at + Layout.Rec, GRANULES * FIELDS),
    sumA: 0,
    sumB: 0,
    dirtyCount: 0,
  };
}

/**
 * New pages are cut from slabs of SLAB_PAGES pages (100 KB): a sweep creates a page per 512 bytes
 * it writes, and a buffer per page is a host allocation each. Pages of several shadows may share
 * a slab, which lives while any of its pages does (copies, `copyPage`, have buffers of their own).
 */
const SLAB_PAGES = 32;
let slab = new ArrayBuffer(0);
let slabUsed = SLAB_PAGES;

/** A page never written: memory's bytes (`src`, or zeros), no writer. */
function newPage(src: Uint8Array | undefined): ShadowPage {
  if (slabUsed === SLAB_PAGES) {
    slab = new ArrayBuffer(Layout.Size * SLAB_PAGES);
    slabUsed = 0;
  }
  const p = shadowPage(slab, Layout.Size * slabUsed++);
  if (src !== undefined) p.u8.set(src, Layout.Bytes);
  p.rec.set(UNWRITTEN);
  return p;
}

/**
 * Copies are cut from slabs of COPY_SLAB_PAGES pages (50 KB), apart from new pages: a buffer per copy is a host
 * allocation (≈ 1.5 µs, against 0.1 µs for the copy), and an explorer copies a page at the first store after every
 * capture and restore. A slab lives while any copy in it does; copies made one after another (a search's captures,
 * a history's checkpoints) fill it.
 */
const COPY_SLAB_PAGES = 16;
let copySlab = new Uint8Array(0);
let copySlabUsed = COPY_SLAB_PAGES;

/** A private copy of page `p` (copy-on-write). */
function copyPage(p: ShadowPage): ShadowPage {
  if (copySlabUsed === COPY_SLAB_PAGES) {
    copySlab = new Uint8Array(Layout.Size * COPY_SLAB_PAGES);
    copySlabUsed = 0;
  }
  const at = Layout.Size * copySlabUsed++;
  copySlab.set(p.u8, at);
  const c = shadowPage(copySlab.buffer, at);
  c.sumA = p.sumA;
  c.sumB = p.sumB;
  c.dirtyCount = p.dirtyCount;
  return c;
}

/** Record who wrote granule `g` (its contribution is marked out of date first): PC, step, PE and the write's epoch. */
function setWriter(p: ShadowPage, g: number, pc: number, step: number, pe: number, epoch: number): void {
  const r = p.rec;
  const o = g * FIELDS;
  r[o + R_PC] = pc;
  r[o + R_STEP] = step;
  r[o + R_PE] = pe;
  r[o + R_EPOCH] = epoch + 1;
}

/** Granule `g`'s contribution is out of date (its bytes, writer or epoch are about to change). */
function markDirty(p: ShadowPage, g: number): void {
  // Every granule listed already (a page swept since its last digest): no need to read the marks.
  if (p.dirtyCount === GRANULES) return;
  const u8 = p.u8;
  if (u8[Layout.DirtyMark + g] === 0) {
    u8[Layout.DirtyMark + g] = 1;
    u8[Layout.DirtyList + p.dirtyCount++] = g;
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
function granuleSum(p: ShadowPage, g: number): void {
  const u32 = p.u32;
  let a = (p.sumA - u32[Layout.RecAWords + g]) >>> 0;
  let b = (p.sumB - u32[Layout.RecBWords + g]) >>> 0;
  const epoch = p.rec[g * FIELDS + R_EPOCH];
  if (epoch === 0) {
    u32[Layout.RecAWords + g] = 0;
    u32[Layout.RecBWords + g] = 0;
  } else {
    const by = p.u8;
    const o = Layout.Bytes + g * 8;
    const lo = (by[o] | (by[o + 1] << 8) | (by[o + 2] << 16) | (by[o + 3] << 24)) >>> 0;
    const hi = (by[o + 4] | (by[o + 5] << 8) | (by[o + 6] << 16) | (by[o + 7] << 24)) >>> 0;
    const d = granuleLanes.reset(0x5ad0_0000).word(lo).word(hi).word(p.rec[g * FIELDS + R_PE]).word(epoch).value();
    const ca = contributionA(g, d);
    const cb = contributionB(g, d);
    u32[Layout.RecAWords + g] = ca;
    u32[Layout.RecBWords + g] = cb;
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
    const u8 = p.u8;
    for (let i = 0; i < p.dirtyCount; i++) {
      const g = u8[Layout.DirtyList + i];
      u8[Layout.DirtyMark + g] = 0;
      granuleSum(p, g);
    }
    p.dirtyCount = 0;
  }
  return digest(fmix32(p.sumA ^ 0x5ad0_0001), fmix32(p.sumB));
}

export class ShadowMemory {
  private readonly store: PagedStore<ShadowPage>;
  /**
   * The page of the last write (`writeBy`) and its number (-1: none): a store path writes one
   * page 64 times in a row in a sweep, so it skips the store's lookup. Dropped whenever the store
   * says a page held for writing may be written no more (a capture, restore, reset or digest).
   */
  private wrNo = -1;
  private wrPage: ShadowPage | undefined = undefined;

  constructor(private readonly physical: PhysicalMemory) {
    this.store = new PagedStore<ShadowPage>({
      create: (no) => {
        const pa = no * SHADOW_PAGE;
        const src = this.physical.page(pa, false);
        const off = pa % PAGE_SIZE;
        return newPage(src?.subarray(off, off + SHADOW_PAGE));
      },
      copy: copyPage,
      digest: digestPage,
    });
    this.store.onChange((no) => {
      if (no < 0 || no === this.wrNo) {
        this.wrNo = -1;
        this.wrPage = undefined;
      }
    });
  }

  private page(pa: number, create: boolean): ShadowPage | undefined {
    return this.store.page(Math.floor(pa / SHADOW_PAGE), create);
  }

  /** A write of `size` bytes at `pa` by PE `pe` (-1: an agent) at `step`, with its epoch (`ShadowPage.epoch`). */
  write(pe: number, pc: number, step: number, pa: number, size: number, lo: number, hi: number, epoch = 0): void {
    this.writeBy(pe < 0 ? undefined : { id: pe, pc }, step, (pa / PA_SPLIT) | 0, pa & (PA_SPLIT - 1), size, lo, hi, epoch);
  }

  /**
   * `write` by `by` (undefined: an agent) at PA `paHigh` * PA_SPLIT + `paLow` (cache/config.ts
   * `PA_SPLIT`), the PC read from the writer: no heap number per call, and this is a call per store.
   */
  writeBy(by: Writer | undefined, step: number, paHigh: number, paLow: number, size: number, lo: number, hi: number, epoch: number): void {
    const pa = paHigh * PA_SPLIT + paLow;
    const off0 = pa & (SHADOW_PAGE - 1);
    if (off0 + size > SHADOW_PAGE || (off0 & 7) + size > 8) {
      this.writeSpread(by?.id ?? -1, by?.pc ?? NaN, step, pa, size, lo, hi, epoch);
      return;
    }
    // Within one granule (the common case): one page lookup, one granule record. The loop of
    // `writeSpread` is kept out of this function: V8 compiles the common case several times faster without it.
    const no = (pa - off0) / SHADOW_PAGE;
    let p = this.wrPage;
    if (no !== this.wrNo || p === undefined) {
      p = this.store.page(no, true)!;
      this.wrNo = no;
      this.wrPage = p;
    }
    const g = off0 >>> 3;
    markDirty(p, g);
    if ((off0 & (size - 1)) === 0 && size >= 4) {
      p.u32[Layout.Words + (off0 >>> 2)] = lo;
      if (size === 8) p.u32[Layout.Words + (off0 >>> 2) + 1] = hi;
    } else {
      const b = p.u8;
      for (let i = 0; i < size; i++) b[Layout.Bytes + off0 + i] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
    }
    if (by === undefined) setWriter(p, g, NaN, step, -1, epoch);
    else setWriter(p, g, by.pc, step, by.id, epoch);
  }

  /** A write across granules (or pages): each byte's granule is marked dirty. */
  private writeSpread(pe: number, pc: number, step: number, pa: number, size: number, lo: number, hi: number, epoch: number): void {
    for (let i = 0; i < size; i++) {
      const a = pa + i;
      const p = this.page(a, true)!;
      const off = a % SHADOW_PAGE;
      p.u8[Layout.Bytes + off] = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      const g = off >>> 3;
      markDirty(p, g);
      setWriter(p, g, pc, step, pe, epoch);
    }
  }

  /** True when some write reached this granule's page (otherwise physical memory is the latest value). */
  written(pa: number): boolean {
    const p = this.page(pa, false);
    return p !== undefined && p.rec[((pa % SHADOW_PAGE) >>> 3) * FIELDS + R_STEP] >= 0;
  }

  /** Latest value of `size` bytes at `pa` (little-endian, as a bigint: only used on slow paths). */
  value(pa: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const a = pa + i;
      const p = this.page(a, false);
      const b = p ? p.u8[Layout.Bytes + (a % SHADOW_PAGE)] : this.physical.readU8(a);
      v = (v << 8n) | BigInt(b);
    }
    return v;
  }

  /** Who last wrote the granule holding `pa`. */
  writer(pa: number): { pe: number; pc: number; step: number } | undefined {
    const p = this.page(pa, false);
    if (!p) return undefined;
    const g = (pa % SHADOW_PAGE) >>> 3;
    const r = p.rec;
    const o = g * FIELDS;
    if (r[o + R_STEP] < 0) return undefined;
    return { pe: r[o + R_PE], pc: r[o + R_PC], step: r[o + R_STEP] };
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
