/**
 * Bitmask immediates (Arm ARM C6.2 "DecodeBitMasks", used by the logical
 * immediate and bitfield instructions). Assembly-time only: BigInt is fine here.
 */

export interface BitMasks {
  wmask: bigint;
  tmask: bigint;
}

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

function ror(v: bigint, r: number, size: number): bigint {
  if (r === 0) return v;
  return ((v >> BigInt(r)) | (v << BigInt(size - r))) & ones(size);
}

function replicate(elem: bigint, esize: number, width: number): bigint {
  let out = 0n;
  for (let i = 0; i < width; i += esize) out |= elem << BigInt(i);
  return out;
}

/**
 * DecodeBitMasks(immN, imms, immr, immediate) for a `width`-bit operation.
 * Returns undefined for reserved encodings.
 */
export function decodeBitMasks(n: number, imms: number, immr: number, immediate: boolean, width: 32 | 64): BitMasks | undefined {
  // Memoised: 2 × 64 × 64 × 2 × 2 combinations, asked for at every decode of a logical or bitfield instruction.
  const key = (n << 14) | (imms << 8) | (immr << 2) | (immediate ? 2 : 0) | (width === 64 ? 1 : 0);
  let r = MASKS.get(key);
  if (r === undefined) {
    r = computeBitMasks(n, imms, immr, immediate, width) ?? null;
    MASKS.set(key, r);
  }
  return r ?? undefined;
}

const MASKS = new Map<number, BitMasks | null>();

function computeBitMasks(n: number, imms: number, immr: number, immediate: boolean, width: 32 | 64): BitMasks | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return undefined;
  const esize = 1 << len;
  if (esize > width) return undefined;
  const levels = esize - 1;
  if (immediate && (imms & levels) === levels) return undefined;
  const s = imms & levels;
  const r = immr & levels;
  const d = (s - r) & levels;
  const welem = ones(s + 1);
  const telem = ones(d + 1);
  return { wmask: replicate(ror(welem, r, esize), esize, width), tmask: replicate(telem, esize, width) };
}

/** Set bits of a 32-bit value. */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x5555_5555;
  x = (x & 0x3333_3333) + ((x >>> 2) & 0x3333_3333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f_0f0f, 0x0101_0101) >>> 24) & 0xff;
}

/**
 * Encode `value` as a logical immediate for a `width`-bit operation, or undefined when not encodable:
 * the smallest element size whose replication gives the value, and the rotation (smallest first) of a
 * run of ones that gives the element (the inverse of DecodeBitMasks). Computed on 32-bit halves.
 */
export function encodeBitMask(value: bigint, width: 32 | 64): { n: number; immr: number; imms: number } | undefined {
  const u = BigInt.asUintN(width, value);
  const lo = Number(u & 0xffff_ffffn);
  const hi = width === 64 ? Number(u >> 32n) : lo;
  if (hi !== lo) return encodeElement64(hi, lo);
  // A 32-bit value, or a 64-bit one that replicates its low half: the element has at most 32 bits.
  if (lo === 0 || lo === 0xffff_ffff) return undefined;
  let esize = 32;
  while (esize > 2) {
    const half = esize >>> 1;
    const mask = 2 ** half - 1;
    if ((lo & mask) !== ((lo >>> half) & mask)) break;
    esize = half;
  }
  const emask = 2 ** esize - 1;
  const elem = (lo & emask) >>> 0;
  const k = popcount32(elem);
  const run = 2 ** k - 1;
  for (let r = 0; r < esize; r++) {
    const rotated = r === 0 ? run : (((run >>> r) | (run << (esize - r))) & emask) >>> 0;
    if (rotated === elem) return { n: 0, immr: r, imms: bitMaskImms(esize, k) };
  }
  return undefined;
}

/** A 64-bit element (its halves differ): the rotation of a run of ones that gives it. */
function encodeElement64(hi: number, lo: number): { n: number; immr: number; imms: number } | undefined {
  const k = popcount32(hi) + popcount32(lo);
  const rl = k >= 32 ? 0xffff_ffff : 2 ** k - 1;
  const rh = k > 32 ? 2 ** (k - 32) - 1 : 0;
  for (let r = 0; r < 64; r++) {
    let h: number;
    let l: number;
    if (r === 0) [h, l] = [rh, rl];
    else if (r < 32) [h, l] = [((rh >>> r) | (rl << (32 - r))) >>> 0, ((rl >>> r) | (rh << (32 - r))) >>> 0];
    else if (r === 32) [h, l] = [rl, rh];
    else [h, l] = [((rl >>> (r - 32)) | (rh << (64 - r))) >>> 0, ((rh >>> (r - 32)) | (rl << (64 - r))) >>> 0];
    if (h === hi && l === lo) return { n: 1, immr: r, imms: bitMaskImms(64, k) };
  }
  return undefined;
}

/** imms of a logical immediate: the element size in its high bits (ones above a zero), the run length - 1 below. */
function bitMaskImms(esize: number, ones: number): number {
  return ((0x3f << (Math.log2(esize) + 1)) & 0x3f) | (ones - 1);
}

/** The value a logical immediate encodes (its wmask). */
export function bitMaskValue(n: number, immr: number, imms: number, width: 32 | 64): bigint | undefined {
  return decodeBitMasks(n, imms, immr, true, width)?.wmask;
}
