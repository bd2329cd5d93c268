/**
 * Builds VMSAv8-64 translation tables as real descriptors (Arm ARM D8.3):
 * the engine of the declarative `pagetable` block, also used by tests and
 * benchmarks. Tables are allocated from a pool; block descriptors are used
 * wherever input address, output address and remaining size are aligned to a
 * block size (4 KB granule: 1 GB at level 1, 2 MB at level 2).
 *
 * The builder keeps its own model of what it wrote (it never reads memory back);
 * `writes` is the list of descriptors to place into the initial memory image.
 */
import { hex } from '../../util/hex';
import { blockAllowed } from '../descriptor';
import { levelShift } from '../regime';

export interface TableGeometry {
  stage: 1 | 2;
  /** Root table address (PA; for EL1&0 stage 1 under stage 2, an IPA that stage 2 must map). */
  root: number;
  /** Input address bits (64 - TnSZ). */
  inputBits: number;
  granuleBits: number;
  startLevel: number;
  /** Index bits at the start level (> granuleBits-3: concatenated stage-2 start tables). */
  startIndexBits: number;
  /** Table pool. */
  poolBase: number;
  poolSize: number;
  /** For TTBR1 (upper VA range) trees: VAs are negative, the index uses VA mod 2^inputBits. */
  upper?: boolean;
}

/** Leaf attribute bits, as 32-bit halves ORed into every block/page descriptor. */
export interface LeafBits {
  lo: number;
  hi: number;
}

export interface DescriptorWrite {
  pa: number;
  lo: number;
  hi: number;
}

/** A mapping the builder cannot make (reported as a diagnostic at the `map` line). */
export class TableBuildError extends Error {
  override readonly name = 'TableBuildError';
}

/** Start level and index bits of a stage-1 tree from TnSZ (Arm ARM D8.2.2). */
export function stage1Geometry(tsz: number, granuleBits = 12): { inputBits: number; startLevel: number; startIndexBits: number } {
  const inputBits = 64 - tsz;
  const stride = granuleBits - 3;
  const startLevel = 4 - Math.ceil((inputBits - granuleBits) / stride);
  return { inputBits, startLevel, startIndexBits: inputBits - levelShift(granuleBits, startLevel) };
}

/** Start level and index bits of a stage-2 tree from T0SZ and SL0 (Arm ARM D8.2.5); undefined when inconsistent. */
export function stage2Geometry(t0sz: number, sl0: number, granuleBits = 12): { inputBits: number; startLevel: number; startIndexBits: number } | undefined {
  const inputBits = 64 - t0sz;
  const startLevel = granuleBits === 12 ? [2, 1, 0, 3][sl0 & 3] : [3, 2, 1, 0][sl0 & 3];
  const startIndexBits = inputBits - levelShift(granuleBits, startLevel);
  if (startIndexBits < 1 || startIndexBits > granuleBits - 3 + 4) return undefined;
  return { inputBits, startLevel, startIndexBits };
}

const TWO32 = 4294967296;

interface Slot {
  kind: 'table' | 'leaf';
  /** Next-level table address for tables. */
  next: number;
}

export class TableBuilder {
  readonly writes: DescriptorWrite[] = [];
  private slots = new Map<number, Slot>();
  private poolNext: number;
  /** Tables allocated from the pool (including the root when it lies in the pool). */
  readonly tables: number[] = [];

  /**
   * `maxDescriptors`: the most descriptors this builder writes (tables and
   * leaves); one more throws TableBuildError. Every step of `map` writes one,
   * so the work of any `map` call is bounded by it too.
   */
  constructor(
    readonly geo: TableGeometry,
    readonly maxDescriptors = Infinity,
  ) {
    this.poolNext = geo.poolBase;
    const rootBytes = 2 ** (geo.startIndexBits + 3);
    if (geo.root >= geo.poolBase && geo.root < geo.poolBase + geo.poolSize) this.poolNext = Math.max(this.poolNext, geo.root + rootBytes);
    this.tables.push(geo.root);
  }

  /** Bytes of the pool used so far. */
  get poolUsed(): number {
    return this.poolNext - this.geo.poolBase;
  }

  private allocTable(): number {
    const bytes = 2 ** this.geo.granuleBits;
    const at = Math.ceil(this.poolNext / bytes) * bytes;
    if (at + bytes > this.geo.poolBase + this.geo.poolSize) {
      throw new TableBuildError(`table pool exhausted: ${hex(this.geo.poolSize)} bytes at ${hex(this.geo.poolBase)} hold no further ${hex(bytes)}-byte table`);
    }
    this.poolNext = at + bytes;
    this.tables.push(at);
    return at;
  }

  private write(pa: number, lo: number, hi: number): void {
    if (this.writes.length >= this.maxDescriptors) {
      throw new TableBuildError(
        `this table needs more than ${this.maxDescriptors.toLocaleString('en-US')} descriptors, the most one table may generate: map larger blocks (drop 'pages'), or map less`,
      );
    }
    this.writes.push({ pa, lo: lo >>> 0, hi: hi >>> 0 });
  }

  /**
   * Map [ia, ia+size) to [oa, oa+size) with `leaf` attribute bits. `ia`, `oa`
   * and `size` must be multiples of the granule. Throws TableBuildError.
   */
  map(ia: number, size: number, oa: number, leaf: LeafBits, allowBlocks = true): void {
    const g = this.geo.granuleBits;
    const page = 2 ** g;
    if (ia % page !== 0 || oa % page !== 0 || size % page !== 0 || size <= 0) {
      throw new TableBuildError(`mapping ${hex(ia)} size ${hex(size)} to ${hex(oa)} is not aligned to the ${hex(page)}-byte granule`);
    }
    const span = 2 ** this.geo.inputBits;
    const lowIa = this.geo.upper ? ia + span : ia;
    if (lowIa < 0 || lowIa + size > span) {
      throw new TableBuildError(`mapping ${hex(ia)} size ${hex(size)} is outside the ${this.geo.inputBits}-bit input range`);
    }
    let done = 0;
    while (done < size) done += this.mapOne(lowIa + done, oa + done, size - done, leaf, allowBlocks);
  }

  /** Map the largest aligned piece at `ia`; returns its size. */
  private mapOne(ia: number, oa: number, remaining: number, leaf: LeafBits, allowBlocks: boolean): number {
    const g = this.geo.granuleBits;
    let level = this.geo.startLevel;
    let table = this.geo.root;
    let indexBits = this.geo.startIndexBits;
    for (;;) {
      const shift = levelShift(g, level);
      const blockSize = 2 ** shift;
      const pa = table + (Math.floor(ia / blockSize) % 2 ** indexBits) * 8;
      const slot = this.slots.get(pa);
      const canLeaf = level === 3 || (allowBlocks && blockAllowed(g, level) && ia % blockSize === 0 && oa % blockSize === 0 && remaining >= blockSize);
      if (slot !== undefined && slot.kind === 'leaf') {
        const base = ia - (ia % blockSize);
        throw new TableBuildError(`overlapping mappings: ${hex(this.geo.upper ? ia - 2 ** this.geo.inputBits : ia)} is already mapped by the level ${level} entry for ${hex(this.geo.upper ? base - 2 ** this.geo.inputBits : base)}`);
      }
      if (canLeaf && slot === undefined) {
        const oaLo = oa % TWO32;
        const oaHi = Math.floor(oa / TWO32);
        const type = level === 3 ? 3 : 1;
        this.write(pa, (oaLo | leaf.lo | type) >>> 0, (oaHi | leaf.hi) >>> 0);
        this.slots.set(pa, { kind: 'leaf', next: 0 });
        return blockSize;
      }
      let next: number;
      if (slot === undefined) {
        next = this.allocTable();
        this.write(pa, (next % TWO32) | 3, Math.floor(next / TWO32));
        this.slots.set(pa, { kind: 'table', next });
      } else next = slot.next;
      table = next;
      level++;
      indexBits = g - 3;
    }
  }
}

// ---- leaf attribute encodings --------------------------------------------------

export interface Stage1LeafOptions {
  attrIndx: number;
  /** SH[1:0]: 0 NSH, 2 OSH, 3 ISH. */
  sh: number;
  /** AP[2:1]. */
  ap: number;
  af?: boolean;
  ng?: boolean;
  ns?: boolean;
  pxn?: boolean;
  uxn?: boolean;
}

/** Stage-1 block/page attribute bits (Arm ARM D8.3.2): AttrIndx[4:2] NS[5] AP[7:6] SH[9:8] AF[10] nG[11] PXN[53] UXN/XN[54]. */
export function stage1Leaf(o: Stage1LeafOptions): LeafBits {
  const lo = ((o.attrIndx & 7) << 2) | ((o.ns ? 1 : 0) << 5) | ((o.ap & 3) << 6) | ((o.sh & 3) << 8) | ((o.af ?? true) ? 1 << 10 : 0) | (o.ng ? 1 << 11 : 0);
  const hi = (o.pxn ? 1 << 21 : 0) | (o.uxn ? 1 << 22 : 0);
  return { lo, hi };
}

export interface Stage2LeafOptions {
  /** MemAttr[3:0] (FWB=0): 0b1111 Normal WB, 0b0101 Normal NC, 0b00dd Device. */
  memAttr: number;
  sh: number;
  /** S2AP[1:0]: bit0 read, bit1 write. */
  s2ap: number;
  /** XN[1:0] (bits 54:53). */
  xn?: number;
  af?: boolean;
}

/** Stage-2 block/page attribute bits (Arm ARM D8.3.3): MemAttr[5:2] S2AP[7:6] SH[9:8] AF[10] XN[54:53]. */
export function stage2Leaf(o: Stage2LeafOptions): LeafBits {
  const lo = ((o.memAttr & 0xf) << 2) | ((o.s2ap & 3) << 6) | ((o.sh & 3) << 8) | ((o.af ?? true) ? 1 << 10 : 0);
  const hi = ((o.xn ?? 0) & 3) << 21;
  return { lo, hi };
}
