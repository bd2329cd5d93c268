/**
 * 64-bit integer arithmetic on 32-bit halves for the instruction closures
 * (hot path: no BigInt, no allocation). Results go to the module-level
 * scratch `R` (`R.lo`, `R.hi`, both uint32) so helpers need not allocate.
 *
 * Flag rules follow the Arm ARM pseudocode AddWithCarry() (J1.1.3 shared
 * pseudocode): C is the unsigned carry out, V the signed overflow.
 */
import type { Pe } from '../pe/pe';

export const TWO32 = 4294967296;

/** Scratch result of the helpers below (uint32 halves). */
export const R = { lo: 0, hi: 0 };

/** The low and high 32 bits of a 64-bit value known when decoding (a mask, an immediate), as uint32. */
export function lo32(v: bigint): number {
  return Number(v & 0xffffffffn);
}
export function hi32(v: bigint): number {
  return Number((v >> 32n) & 0xffffffffn);
}

/**
 * AddWithCarry(a, b, cin) on 64 bits, result in R; sets NZCV when `flags`.
 * Subtraction is AddWithCarry(a, NOT(b), 1).
 */
export function addWithCarry64(pe: Pe, alo: number, ahi: number, blo: number, bhi: number, cin: number, flags: boolean): void {
  const lo = (alo >>> 0) + (blo >>> 0) + cin;
  const c0 = lo > 0xffffffff ? 1 : 0;
  const hi = (ahi >>> 0) + (bhi >>> 0) + c0;
  const rlo = lo >>> 0;
  const rhi = hi >>> 0;
  R.lo = rlo;
  R.hi = rhi;
  if (flags) {
    pe.n = rhi >>> 31;
    pe.z = (rlo | rhi) === 0 ? 1 : 0;
    pe.c = hi > 0xffffffff ? 1 : 0;
    pe.v = ((ahi ^ rhi) & (bhi ^ rhi)) >>> 31;
  }
}

/** AddWithCarry on 32 bits, result in R.lo (R.hi = 0). */
export function addWithCarry32(pe: Pe, a: number, b: number, cin: number, flags: boolean): void {
  const s = (a >>> 0) + (b >>> 0) + cin;
  const r = s >>> 0;
  R.lo = r;
  R.hi = 0;
  if (flags) {
    pe.n = r >>> 31;
    pe.z = r === 0 ? 1 : 0;
    pe.c = s > 0xffffffff ? 1 : 0;
    pe.v = ((a ^ r) & (b ^ r)) >>> 31;
  }
}

/** NZ from a logical result, C=V=0 (Arm ARM C6.2 ANDS: "PSTATE.<N,Z,C,V> = result<datasize-1>:IsZeroBit(result):'00'"). */
export function logicalFlags64(pe: Pe, lo: number, hi: number): void {
  pe.n = hi >>> 31;
  pe.z = (lo | hi) === 0 ? 1 : 0;
  pe.c = 0;
  pe.v = 0;
}
export function logicalFlags32(pe: Pe, lo: number): void {
  pe.n = lo >>> 31;
  pe.z = lo === 0 ? 1 : 0;
  pe.c = 0;
  pe.v = 0;
}

// ---- shifts (amount fixed per call, 0..63) ----------------------------------

export const enum ShiftType {
  LSL = 0,
  LSR = 1,
  ASR = 2,
  ROR = 3,
}

/** 64-bit shift of hi:lo by s (0..63), result in R. */
export function shift64(type: ShiftType, lo: number, hi: number, s: number): void {
  if (s === 0) {
    R.lo = lo >>> 0;
    R.hi = hi >>> 0;
    return;
  }
  switch (type) {
    case ShiftType.LSL:
      if (s < 32) {
        R.hi = ((hi << s) | (lo >>> (32 - s))) >>> 0;
        R.lo = (lo << s) >>> 0;
      } else {
        R.hi = (lo << (s - 32)) >>> 0;
        R.lo = 0;
      }
      return;
    case ShiftType.LSR:
      if (s < 32) {
        R.lo = ((lo >>> s) | (hi << (32 - s))) >>> 0;
        R.hi = hi >>> s;
      } else {
        R.lo = hi >>> (s - 32);
        R.hi = 0;
      }
      return;
    case ShiftType.ASR:
      if (s < 32) {
        R.lo = ((lo >>> s) | (hi << (32 - s))) >>> 0;
        R.hi = (hi >> s) >>> 0;
      } else {
        R.lo = (hi >> (s - 32)) >>> 0;
        R.hi = (hi >> 31) >>> 0;
      }
      return;
    default: {
      if (s >= 32) {
        const t = lo;
        lo = hi;
        hi = t;
        s -= 32;
        if (s === 0) {
          R.lo = lo >>> 0;
          R.hi = hi >>> 0;
          return;
        }
      }
      R.lo = ((lo >>> s) | (hi << (32 - s))) >>> 0;
      R.hi = ((hi >>> s) | (lo << (32 - s))) >>> 0;
    }
  }
}

/** 32-bit shift of v by s (0..31). */
export function shift32(type: ShiftType, v: number, s: number): number {
  if (s === 0) return v >>> 0;
  switch (type) {
    case ShiftType.LSL:
      return (v << s) >>> 0;
    case ShiftType.LSR:
      return v >>> s;
    case ShiftType.ASR:
      return (v >> s) >>> 0;
    default:
      return ((v >>> s) | (v << (32 - s))) >>> 0;
  }
}

// ---- extends (ExtendReg, Arm ARM C6.2 "ExtendReg") ------------------------------

export const enum ExtendType {
  UXTB = 0,
  UXTH = 1,
  UXTW = 2,
  UXTX = 3,
  SXTB = 4,
  SXTH = 5,
  SXTW = 6,
  SXTX = 7,
}

/** Extend the register value (hi:lo) by `type`, then shift left by `shift` (0..4); result in R. */
export function extend64(type: ExtendType, lo: number, hi: number, shift: number): void {
  let l: number;
  let h: number;
  switch (type) {
    case ExtendType.UXTB:
      l = lo & 0xff;
      h = 0;
      break;
    case ExtendType.UXTH:
      l = lo & 0xffff;
      h = 0;
      break;
    case ExtendType.UXTW:
      l = lo;
      h = 0;
      break;
    case ExtendType.SXTB:
      l = (lo << 24) >> 24;
      h = l >> 31;
      break;
    case ExtendType.SXTH:
      l = (lo << 16) >> 16;
      h = l >> 31;
      break;
    case ExtendType.SXTW:
      l = lo;
      h = lo >> 31;
      break;
    default:
      l = lo;
      h = hi;
  }
  shift64(ShiftType.LSL, l, h, shift);
}

// ---- multiply ------------------------------------------------------------------

/** Unsigned 32×32 → 64, result in R. Exact: uses 16-bit limbs so no product exceeds 2^53. */
export function umul32(a: number, b: number): void {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const mid = al * bh + ah * bl; // < 2^33
  const t = al * bl + (mid % 65536) * 65536; // < 2^34
  R.lo = t >>> 0;
  R.hi = (ah * bh + Math.floor(mid / 65536) + Math.floor(t / TWO32)) >>> 0;
}

/** Signed 32×32 → 64 (SMULL): unsigned product minus the sign corrections, result in R. */
export function smul32(a: number, b: number): void {
  umul32(a, b);
  let hi = R.hi;
  if (a & 0x80000000) hi -= b;
  if (b & 0x80000000) hi -= a;
  R.hi = hi >>> 0;
}

/** Low 64 bits of a 64×64 product (MUL/MADD), result in R. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  umul32(alo, blo);
  R.hi = (R.hi + Math.imul(alo, bhi) + Math.imul(ahi, blo)) >>> 0;
}

/** High 64 bits of the unsigned 128-bit product (UMULH), result in R. */
export function umulh64(alo: number, ahi: number, blo: number, bhi: number): void {
  umul32(alo, blo);
  const p0hi = R.hi;
  umul32(alo, bhi);
  const p1lo = R.lo;
  const p1hi = R.hi;
  umul32(ahi, blo);
  const p2lo = R.lo;
  const p2hi = R.hi;
  umul32(ahi, bhi);
  const p3lo = R.lo;
  const p3hi = R.hi;
  const w1 = p0hi + p1lo + p2lo;
  const w2 = p1hi + p2hi + p3lo + Math.floor(w1 / TWO32);
  R.lo = w2 >>> 0;
  R.hi = (p3hi + Math.floor(w2 / TWO32)) >>> 0;
}

/** High 64 bits of the signed 128-bit product (SMULH), result in R. */
export function smulh64(alo: number, ahi: number, blo: number, bhi: number): void {
  umulh64(alo, ahi, blo, bhi);
  // signed = unsigned - (a<0 ? b<<64 : 0) - (b<0 ? a<<64 : 0): correct the high half.
  let lo = R.lo;
  let hi = R.hi;
  if (ahi & 0x80000000) {
    const s = lo - (blo >>> 0);
    hi = hi - (bhi >>> 0) - (s < 0 ? 1 : 0);
    lo = s >>> 0;
  }
  if (bhi & 0x80000000) {
    const s = lo - (alo >>> 0);
    hi = hi - (ahi >>> 0) - (s < 0 ? 1 : 0);
    lo = s >>> 0;
  }
  R.lo = lo >>> 0;
  R.hi = hi >>> 0;
}

// ---- divide (Arm ARM C6.2 UDIV/SDIV: x/0 = 0, round toward zero); no BigInt on any path ---------------

/** Below 2^52 a float quotient corrected by one step is exact. */
const FAST_DIV_HI = 1 << 20;

function divSmall(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q--;
  else if (r >= b) q++;
  return q;
}

/** Unsigned 64-bit division, result in R. */
export function udiv64(alo: number, ahi: number, blo: number, bhi: number): void {
  alo >>>= 0;
  ahi >>>= 0;
  blo >>>= 0;
  bhi >>>= 0;
  if (blo === 0 && bhi === 0) {
    R.lo = 0;
    R.hi = 0;
    return;
  }
  if (ahi < FAST_DIV_HI && bhi < FAST_DIV_HI) {
    const q = divSmall(ahi * TWO32 + alo, bhi * TWO32 + blo);
    R.lo = q >>> 0;
    R.hi = Math.floor(q / TWO32) >>> 0;
    return;
  }
  if (bhi === 0) {
    // 64 ÷ 32 bits: schoolbook division in 32+16+16-bit digits; every intermediate stays below 2^49.
    const qhi = divSmall(ahi, blo);
    const r0 = ahi - qhi * blo;
    const t1 = r0 * 65536 + (alo >>> 16);
    const q1 = divSmall(t1, blo);
    const t2 = (t1 - q1 * blo) * 65536 + (alo & 0xffff);
    const q2 = divSmall(t2, blo);
    R.lo = (q1 * 65536 + q2) >>> 0;
    R.hi = qhi >>> 0;
    return;
  }
  // Divisor ≥ 2^32, so the quotient is < 2^32. The float quotient is within ±1 of the true one
  // (three roundings of relative size 2^-53 on a value < 2^32); start one below and step up while
  // the exact remainder a - q·b (64-bit arithmetic on halves, no overflow since q·b ≤ a) is ≥ b.
  let q = Math.max(0, Math.floor((ahi * TWO32 + alo) / (bhi * TWO32 + blo)) - 1);
  for (;;) {
    umul32(q, blo);
    const plo = R.lo;
    const phi = (R.hi + Math.imul(q, bhi)) >>> 0;
    // r = a - q·b
    const rlo = alo - plo;
    const rhi = ahi - phi - (rlo < 0 ? 1 : 0);
    const rl = rlo >>> 0;
    // r ≥ b ?
    if (rhi > bhi || (rhi === bhi && rl >= blo)) q++;
    else break;
  }
  R.lo = q >>> 0;
  R.hi = 0;
}

/** Signed 64-bit division, result in R (INT64_MIN / -1 = INT64_MIN). */
export function sdiv64(alo: number, ahi: number, blo: number, bhi: number): void {
  const an = (ahi & 0x80000000) !== 0;
  const bn = (bhi & 0x80000000) !== 0;
  // Magnitudes as halves.
  let ml = alo >>> 0;
  let mh = ahi >>> 0;
  if (an) {
    ml = (~ml + 1) >>> 0;
    mh = (~mh + (ml === 0 ? 1 : 0)) >>> 0;
  }
  let nl = blo >>> 0;
  let nh = bhi >>> 0;
  if (bn) {
    nl = (~nl + 1) >>> 0;
    nh = (~nh + (nl === 0 ? 1 : 0)) >>> 0;
  }
  udiv64(ml, mh, nl, nh);
  if (an !== bn) {
    const l = (~R.lo + 1) >>> 0;
    R.hi = (~R.hi + (l === 0 ? 1 : 0)) >>> 0;
    R.lo = l;
  }
}

export function sdiv32(a: number, b: number): number {
  a |= 0;
  b |= 0;
  if (b === 0) return 0;
  if (a === -2147483648 && b === -1) return 0x80000000;
  return Math.trunc(a / b) >>> 0;
}

export function udiv32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  return b === 0 ? 0 : Math.floor(a / b) >>> 0;
}

// ---- bit manipulation --------------------------------------------------------------

export function rbit32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

export function rev32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

export function rev16(v: number): number {
  return (((v & 0x00ff00ff) << 8) | ((v >>> 8) & 0x00ff00ff)) >>> 0;
}

/** Count leading sign bits (CLS): CountLeadingZeroBits(x<31:1> EOR x<30:0>), Arm ARM C6.2 CLS. */
export function cls32(v: number): number {
  return Math.clz32(((v ^ (v << 1)) >>> 1) >>> 0) - 1;
}

/** 64-bit CLS on halves. */
export function cls64(lo: number, hi: number): number {
  // y = x XOR (x << 1), take bits [63:1]; count leading zeros of that 63-bit field.
  const yhi = (hi ^ ((hi << 1) | (lo >>> 31))) >>> 0;
  const ylo = (lo ^ (lo << 1)) >>> 0;
  const fhi = yhi >>> 1;
  const flo = ((ylo >>> 1) | (yhi << 31)) >>> 0;
  const z = fhi !== 0 ? Math.clz32(fhi) : 32 + Math.clz32(flo);
  return z - 1;
}
