/**
 * Reading translation-table descriptors through the memory system, and the
 * VMSAv8-64 descriptor fields the walkers use (Arm ARM D8.3 "Translation table
 * descriptor formats"). Descriptors are handled as two 32-bit halves: no BigInt
 * on the walk path.
 */
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import type { MmuObserver, WalkRead } from './types';

/** The last descriptor read (module scratch: the simulator is single-threaded). */
export const desc = { lo: 0, hi: 0 };

const TWO32 = 4294967296;

/**
 * The descriptor read in progress (module scratch, like `desc`): `readDescriptor`
 * sets it around its memory read, so that whoever observes that read (the
 * cache-line timeline, simulator/engine/timeline.ts) knows the access is a
 * translation table walk's — which stage and level, translating which VA/IPA —
 * as identified where the access is made, not guessed from the address.
 */
export const walkInProgress: { active: boolean; pe: number; stage: 1 | 2; level: number; va: number; ipa: number | undefined } = {
  active: false,
  pe: -1,
  stage: 1,
  level: 0,
  va: 0,
  ipa: undefined,
};

/**
 * The read `readDescriptor` reports (module scratch, like `desc`: one object for every read, so
 * a walk allocates nothing for its observer; observers copy what they keep, types.ts `MmuObserver`).
 */
const walkRead: WalkRead = { pa: 0, lo: 0, hi: 0, attrs: undefined as unknown as MemAttrs, stage: 1, level: 0, va: 0, ipa: undefined };

/**
 * Read the 64-bit descriptor at `pa` with the walk attributes. The walk goes
 * through `pe.env.memory` (or the observer's `memory`, for a probe) so that,
 * with the cache model on, it sees exactly what an access with these
 * attributes would see (seed 000).
 */
export function readDescriptor(
  pe: Pe,
  pa: number,
  attrs: MemAttrs,
  stage: 1 | 2,
  level: number,
  va: number,
  ipa: number | undefined,
  observer: MmuObserver | undefined,
): void {
  const w = walkInProgress;
  w.active = true;
  w.pe = pe.id;
  w.stage = stage;
  w.level = level;
  w.va = va;
  w.ipa = ipa;
  try {
    (observer !== undefined && observer.memory !== undefined ? observer.memory : pe.env.memory).read(pe, pa, 8, attrs);
  } finally {
    w.active = false;
  }
  desc.lo = pe.ldLo >>> 0;
  desc.hi = pe.ldHi >>> 0;
  if (observer !== undefined && observer.onWalkRead !== undefined) {
    const r = walkRead;
    r.pa = pa;
    r.lo = desc.lo;
    r.hi = desc.hi;
    r.attrs = attrs;
    r.stage = stage;
    r.level = level;
    r.va = va;
    r.ipa = ipa;
    observer.onWalkRead(pe, r);
  }
}

/** Write a descriptor back (hardware Access flag update, TCR.HA / VTCR_EL2.HA), through the same memory as the read. */
export function writeDescriptor(pe: Pe, pa: number, lo: number, hi: number, attrs: MemAttrs, observer: MmuObserver | undefined): void {
  (observer !== undefined && observer.memory !== undefined ? observer.memory : pe.env.memory).write(pe, pa, 8, lo, hi, attrs);
}

/** 2^n for n = 0..63 (walks use these on every level: no Math.pow). */
export const POW2: readonly number[] = Array.from({ length: 65 }, (_, n) => 2 ** n);

/**
 * `x % 2^n` for a non-negative integer-valued double: `%` on doubles is a slow fmod call,
 * and division by a power of two is exact, so this gives the same value.
 */
export function modPow2(x: number, n: number): number {
  const p = POW2[n];
  return x - Math.floor(x / p) * p;
}

/** Output address bits [47:shift] of a descriptor (OA[51:48] not supported: FEAT_LPA is not modelled). */
export function outputAddress(lo: number, hi: number, shift: number): number {
  if (shift < 32) return (hi & 0xffff) * TWO32 + ((lo & ~(POW2[shift] - 1)) >>> 0);
  const h = hi & 0xffff & ~(POW2[shift - 32] - 1);
  return h * TWO32;
}

/** Bits [51:48] of the descriptor's address field: non-zero means an address beyond 48 bits. */
export function highAddressBits(hi: number): number {
  return (hi >>> 16) & 0xf;
}

export const D = {
  VALID: 1,
  TABLE_OR_PAGE: 2,
  NS: 1 << 5,
  AF: 1 << 10,
  NG: 1 << 11,
} as const;

/** Upper attribute bits as positions in the high half (bit - 32). */
export const DH = {
  /** PXN bit 53 (stage 1) — XN[0] bit 53 (stage 2). */
  PXN: 1 << 21,
  /** UXN/XN bit 54 (stage 1) — XN[1] bit 54 (stage 2). */
  UXN: 1 << 22,
  PXN_TABLE: 1 << 27,
  UXN_TABLE: 1 << 28,
  AP_TABLE0: 1 << 29,
  AP_TABLE1: 1 << 30,
  NS_TABLE: 1 << 31,
} as const;

/** Index of `ia` at a level: bits [shift+bits-1 : shift]. */
export function tableIndex(ia: number, shift: number, bits: number): number {
  return modPow2(Math.floor(ia / POW2[shift]), bits);
}

/** Block descriptors are allowed at: 4 KB granule L1/L2, 16 KB L2, 64 KB L2 (without FEAT_LPA2/LPA). */
export function blockAllowed(granuleBits: number, level: number): boolean {
  if (granuleBits === 12) return level === 1 || level === 2;
  return level === 2;
}
