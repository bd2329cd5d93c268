/**
 * The SPMC's translation tables for its partitions, kept the way Hafnium's
 * mm.c keeps them: real VMSAv8-64 descriptors in the SPMC's own memory
 * (Arm ARM D8.3 "Translation table descriptor formats"), 4 KB granule, pages
 * mapped one level-3 entry each. Tables are allocated from the `spmc { tables … }`
 * pool.
 *
 * Every descriptor store goes through a `DescriptorWriter`: at boot the tables
 * are part of the initial image; at run time (retrieve, relinquish, reclaim)
 * the SPMC stores them *through the memory system* with its own memory
 * attributes, so a cache model sees exactly the accesses Hafnium makes.
 */
import { VTCR_EL2 } from '../arch/registers/fields';
import { levelShift } from '../mmu/regime';
import { hex } from '../util/hex';

/** Store one 64-bit descriptor (halves) at a physical address. */
export type DescriptorWriter = (pa: number, lo: number, hi: number) => void;

/** The SPMC cannot map what it was asked to (pool exhausted, a block in the way, a misaligned range): the call fails with FFA_ERROR(NO_MEMORY). */
export class TablePoolExhausted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TablePoolExhausted';
  }
}

/** Pool of 4 KB tables shared by every tree the SPMC builds. */
export interface TablePoolState {
  base: number;
  size: number;
  next: number;
}

/** One tree: root and the slots written so far (slot PA → next-level table, or 0 for a leaf). */
export interface TableTreeState {
  root: number;
  stage: 1 | 2;
  inputBits: number;
  startLevel: number;
  startIndexBits: number;
  /** [slot PA, next table PA (0 = leaf)] pairs, kept as a plain array for snapshots. */
  slots: [number, number][];
}

const TWO32 = 4294967296;
const PAGE = 4096;

export function allocTable(pool: TablePoolState, bytes = PAGE): number {
  const at = Math.ceil(pool.next / bytes) * bytes;
  if (at + bytes > pool.base + pool.size) throw new TablePoolExhausted(`SPMC table memory exhausted (${hex(pool.size)} bytes at ${hex(pool.base)})`);
  pool.next = at + bytes;
  return at;
}

/** A stage-2 tree with the geometry of VTCR_EL2.{T0SZ,SL0} (Arm ARM D8.2.5; concatenated start tables allowed). */
export function newStage2Tree(pool: TablePoolState, vtcr: bigint): TableTreeState {
  const t0sz = VTCR_EL2.T0SZ.num(vtcr);
  const sl0 = VTCR_EL2.SL0.num(vtcr);
  const inputBits = 64 - t0sz;
  const startLevel = [2, 1, 0, 3][sl0];
  const startIndexBits = inputBits - levelShift(12, startLevel);
  const rootBytes = 2 ** (Math.max(startIndexBits, 9) + 3);
  const root = allocTable(pool, rootBytes);
  return { root, stage: 2, inputBits, startLevel, startIndexBits, slots: [] };
}

/** A stage-1 tree for TTBR0_EL2 in the EL2&0 regime with T0SZ (Arm ARM D8.2.2). */
export function newStage1Tree(pool: TablePoolState, t0sz: number): TableTreeState {
  const inputBits = 64 - t0sz;
  const startLevel = 4 - Math.ceil((inputBits - 12) / 9);
  const startIndexBits = inputBits - levelShift(12, startLevel);
  const root = allocTable(pool, PAGE);
  return { root, stage: 1, inputBits, startLevel, startIndexBits, slots: [] };
}

/** Stage-2 page attributes (Arm ARM D8.3.3): MemAttr 0b1111 Normal WB, S2AP, SH Inner (Hafnium since 8be4b6b6), AF, XN. */
export function stage2PageBits(perm: { read: boolean; write: boolean; exec: boolean }, device = false): { lo: number; hi: number } {
  const memAttr = device ? 0b0000 : 0b1111;
  const s2ap = (perm.read ? 1 : 0) | (perm.write ? 2 : 0);
  const lo = (memAttr << 2) | (s2ap << 6) | (3 << 8) | (1 << 10);
  const hi = perm.exec ? 0 : 2 << 21; // XN[54:53]=0b10: execute-never at EL1 and EL0
  return { lo, hi };
}

/** EL2&0 stage-1 page for an S-EL0 partition (Arm ARM D8.3.2): AttrIndx 1 (Normal WB in MAIR_DEFAULT), AP[1]=1 (EL0 access), AP[2] read-only, SH Inner, AF, nG, PXN. */
export function stage1El0PageBits(perm: { write: boolean; exec: boolean }, device = false): { lo: number; hi: number } {
  const ap = (1 << 0) | (perm.write ? 0 : 1 << 1); // AP[2:1]: 01 RW EL0+EL2, 11 RO
  const lo = ((device ? 0 : 1) << 2) | (ap << 6) | (3 << 8) | (1 << 10) | (1 << 11);
  const hi = (1 << 21) | (perm.exec ? 0 : 1 << 22); // PXN always (the SPMC never runs partition code), UXN unless executable
  return { lo, hi };
}

/** Find the slot and level-3 table entry for a page; allocate intermediate tables with `write`. */
function walkToLeaf(tree: TableTreeState, pool: TablePoolState, ia: number, write: DescriptorWriter | undefined, slots: Map<number, number>): number | undefined {
  let level = tree.startLevel;
  let table = tree.root;
  let indexBits = tree.startIndexBits;
  for (;;) {
    const shift = levelShift(12, level);
    const pa = table + (Math.floor(ia / 2 ** shift) % 2 ** indexBits) * 8;
    if (level === 3) return pa;
    let next = slots.get(pa);
    if (next === undefined || next === 0) {
      if (write === undefined) return undefined;
      if (next === 0) throw new TablePoolExhausted(`${hex(ia)} is already mapped by a block`);
      next = allocTable(pool);
      slots.set(pa, next);
      tree.slots.push([pa, next]);
      // Table descriptor (D8.3.1): bits[1:0]=0b11, next-level table address.
      write(pa, ((next % TWO32) | 3) >>> 0, Math.floor(next / TWO32));
    }
    table = next;
    level++;
    indexBits = 9;
  }
}

function slotMap(tree: TableTreeState): Map<number, number> {
  return new Map(tree.slots);
}

/**
 * Map pages [ia, ia+size) → [oa, …) with leaf bits. Table descriptors are
 * written before the leaves that need them (a walker never sees a leaf's
 * table missing). Returns the PAs of the level-3 entries written.
 */
export function mapPages(tree: TableTreeState, pool: TablePoolState, ia: number, oa: number, size: number, bits: { lo: number; hi: number }, write: DescriptorWriter): number[] {
  if (ia % PAGE !== 0 || oa % PAGE !== 0 || size % PAGE !== 0) throw new TablePoolExhausted(`mapping ${hex(ia)} size ${hex(size)} is not page aligned`);
  if (ia + size > 2 ** tree.inputBits) throw new TablePoolExhausted(`${hex(ia)} size ${hex(size)} is outside the ${tree.inputBits}-bit input address space`);
  const slots = slotMap(tree);
  const out: number[] = [];
  for (let off = 0; off < size; off += PAGE) {
    const leafPa = walkToLeaf(tree, pool, ia + off, write, slots)!;
    const a = oa + off;
    write(leafPa, ((a % TWO32) | bits.lo | 3) >>> 0, (Math.floor(a / TWO32) | bits.hi) >>> 0);
    out.push(leafPa);
  }
  return out;
}

/** Invalidate the level-3 entries of [ia, ia+size) (writes 0: Invalid descriptor). */
export function unmapPages(tree: TableTreeState, ia: number, size: number, write: DescriptorWriter): number[] {
  const slots = slotMap(tree);
  const out: number[] = [];
  for (let off = 0; off < size; off += PAGE) {
    const leafPa = walkToLeaf(tree, { base: 0, size: 0, next: 0 }, ia + off, undefined, slots);
    if (leafPa === undefined) continue;
    write(leafPa, 0, 0);
    out.push(leafPa);
  }
  return out;
}
