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

/** Encode `value` as a logical immediate for a `width`-bit operation, or undefined when not encodable. */
export function encodeBitMask(value: bigint, width: 32 | 64): { n: number; immr: number; imms: number } | undefined {
  const v = value & ones(width);
  if (v === 0n || v === ones(width)) return undefined;
  // Smallest element size whose replication gives v.
  let esize: number = width;
  while (esize > 2) {
    const half = esize / 2;
    const lo = v & ones(half);
    if (replicate(lo, half, width) !== v) break;
    esize = half;
  }
  const elem = v & ones(esize);
  let k = 0;
  for (let i = 0; i < esize; i++) if ((elem >> BigInt(i)) & 1n) k++;
  const run = ones(k);
  for (let r = 0; r < esize; r++) {
    if (ror(run, r, esize) === elem) {
      const imms = ((0x3f << (Math.log2(esize) + 1)) & 0x3f) | (k - 1);
      return { n: esize === 64 ? 1 : 0, immr: r, imms };
    }
  }
  return undefined;
}

/** The value a logical immediate encodes (its wmask). */
export function bitMaskValue(n: number, immr: number, imms: number, width: 32 | 64): bigint | undefined {
  return decodeBitMasks(n, imms, immr, true, width)?.wmask;
}
