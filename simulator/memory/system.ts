/**
 * The memory-system contract: physical accesses with attributes.
 * `cache_model off` is FlatMemorySystem; the cache hierarchy (simulator/cache)
 * implements the same interface so the PE never knows which one it talks to.
 * Both publish the same hook points (memory/hooks.ts) and watched writes
 * (memory/watch.ts): observers subscribe there, never by replacing a method.
 */
import type { Instr } from '../isa/instr';
import type { Pe } from '../pe/pe';
import type { MemAttrs } from './attributes';
import type { BarrierKind, MemoryHooks } from './hooks';
import { PhysicalMemory } from './physical';
import type { WriteWatch } from './watch';

export interface MemorySystem {
  readonly physical: PhysicalMemory;
  /** Accesses, barriers and maintenance as they happen (memory/hooks.ts). */
  readonly hooks: MemoryHooks;
  /** Writes to watched ranges, before they land (memory/watch.ts). */
  readonly watch: WriteWatch;
  /** Read `size` bytes at `pa` for `pe` with `attrs`; result in `pe.ldLo`/`pe.ldHi` (zero-extended). */
  read(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void;
  /** Write the low `size` bytes of (hi:lo) at `pa`. */
  write(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void;
  /**
   * `read(pe, pe.tPa, size, pe.tAttrs)` and `write(pe, pe.tPa, size, pe.stLo, pe.stHi, pe.tAttrs)`
   * for a PE's own access after its translation, the operands taken from the PE's fields: a PA
   * above 2^30 passed to a call V8 does not inline is a new heap number at every access. Absent:
   * the PE calls `read`/`write`; a wrapper that intercepts `read`/`write` hides these (engine/promising.ts).
   */
  readTranslated?(pe: Pe, size: number): void;
  writeTranslated?(pe: Pe, size: number): void;
  /**
   * The 32-bit words of `pa`'s page when a PE's aligned 4- or 8-byte reads (`write` false) or writes
   * of the page are plain accesses to these words, unobserved, until the direct-page generation changes
   * (memory/direct.ts); else undefined. Absent: never.
   */
  directWords?(pa: number, write: boolean): Uint32Array | undefined;
  /**
   * Data-cache maintenance by VA, after the PE translated the VA (AccessType.Maintenance).
   * `op`: `civac` `cvac` `cvau` `cvap` `ivac` `zva` (Arm ARM D7.5 "Data and unified caches").
   */
  maintainByVa?(pe: Pe, op: string, pa: number, attrs: MemAttrs): void;
  /** DC ISW/CSW/CISW: act on the local cache level named by the set/way operand only. */
  maintainBySetWay?(pe: Pe, op: string, setWay: bigint): void;
  /** IC IALLU/IALLUIS/IVAU (`pa` for IVAU). */
  instructionCacheMaintenance?(pe: Pe, op: string, pa: number | undefined): void;
  /** DMB/DSB/ISB with their domain: DSB completes outstanding writes and maintenance (B2.3.12). */
  barrier(pe: Pe, kind: BarrierKind, domain: string): void;
  /**
   * Instruction fetch through the instruction side (I-cache model). Returns the
   * instruction the PE would execute at `pa`, which may be stale when code was written
   * without IC maintenance. When absent, the machine fetches from the program directly.
   */
  fetchInstr?(pe: Pe, pa: number, attrs: MemAttrs): Instr | undefined;
  /**
   * Changes whenever `fetchInstr` may return another instruction for some PA (instruction-cache
   * maintenance, a restored checkpoint), so decoded blocks are kept exactly until then (pe/block.ts).
   */
  readonly instructionGeneration?: number;
}

/** Reads `size` bytes little-endian from physical memory into pe.ldLo/ldHi. */
export function readPhysical(mem: PhysicalMemory, pa: number, size: number, out: { ldLo: number; ldHi: number }): void {
  switch (size) {
    case 1:
      out.ldLo = mem.readU8(pa);
      out.ldHi = 0;
      return;
    case 2:
      out.ldLo = mem.readU8(pa) | (mem.readU8(pa + 1) << 8);
      out.ldHi = 0;
      return;
    case 4:
      out.ldLo = mem.readU32(pa);
      out.ldHi = 0;
      return;
    default:
      out.ldLo = mem.readU32(pa);
      out.ldHi = mem.readU32(pa + 4);
  }
}

export function writePhysical(mem: PhysicalMemory, pa: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 1:
      mem.writeU8(pa, lo);
      return;
    case 2:
      mem.writeU8(pa, lo);
      mem.writeU8(pa + 1, lo >>> 8);
      return;
    case 4:
      mem.writeU32(pa, lo);
      return;
    default:
      mem.writeU32(pa, lo);
      mem.writeU32(pa + 4, hi);
  }
}
