/**
 * Fingerprints for state that is hashed incrementally (DESIGN.md "State that
 * is cheap to fork"): a part of the state (a page, a cache set, a TLB entry)
 * is hashed once into two independent 32-bit lanes, and a whole (memory, a
 * cache, a TLB) is the sum of its parts' contributions, each mixed with the
 * part's key. Sums are order-independent and can be updated by subtracting a
 * part's old contribution and adding its new one, so a fingerprint costs what
 * changed since the last one.
 *
 * A digest folds both lanes into one safe integer of 53 bits (a JS number:
 * exact, usable as a Map key or in a Float64Array), which keeps collisions
 * rare over the millions of states an exploration visits.
 */

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One word into lane A (MurmurHash3 block step). */
export function stepA(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e_2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b87_3593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe654_6b64) | 0;
}

/** One word into lane B (different constants and rotations: independent of lane A). */
export function stepB(h: number, w: number): number {
  let k = Math.imul(w, 0x85eb_ca77);
  k = (k << 13) | (k >>> 19);
  h ^= Math.imul(k, 0xc2b2_ae3d);
  h = (h << 17) | (h >>> 15);
  return (Math.imul(h, 9) + 0x2765_19c5) | 0;
}

const TWO32 = 4294967296;
const B_BITS = 2 ** 21;

/** Both lanes as one 53-bit safe integer (lane A, and the low 21 bits of lane B above it). */
export function digest(a: number, b: number): number {
  // `& (B_BITS - 1)`: the low 21 bits (B_BITS is a power of two), as `(b >>> 0) % B_BITS` without a floating-point remainder.
  return (a >>> 0) + (b & (B_BITS - 1)) * TWO32;
}

/** Lane A of a digest. */
export function laneA(d: number): number {
  // ToUint32 is the value modulo 2^32 (ECMA-262 7.1.7): the low 32 bits without a floating-point remainder.
  return d >>> 0;
}

/** Lane B (its low 21 bits) of a digest. */
export function laneB(d: number): number {
  return Math.floor(d / TWO32) >>> 0;
}

/** Contribution of a part with key `key` (any integer below 2^53) and content digest `d`, lane A. */
export function contributionA(key: number, d: number): number {
  return fmix32((laneA(d) ^ Math.imul(key >>> 0, 0x9e37_79b1) ^ Math.floor(key / TWO32)) >>> 0);
}

/** Lane B of the contribution (see contributionA). */
export function contributionB(key: number, d: number): number {
  return fmix32((laneB(d) + Math.imul((key >>> 0) ^ 0x5bd1_e995, 0x27d4_eb2f) + Math.imul(Math.floor(key / TWO32), 0x1656_67b1)) >>> 0);
}

/**
 * An order-independent sum of parts' contributions (two lanes). `add` and
 * `remove` are exact inverses, so a part that changes is updated by removing
 * its old contribution and adding the new one.
 */
export class FingerprintSum {
  a = 0;
  b = 0;
  add(key: number, d: number): void {
    this.a = (this.a + contributionA(key, d)) >>> 0;
    this.b = (this.b + contributionB(key, d)) >>> 0;
  }
  remove(key: number, d: number): void {
    this.a = (this.a - contributionA(key, d)) >>> 0;
    this.b = (this.b - contributionB(key, d)) >>> 0;
  }
  set(a: number, b: number): void {
    this.a = a;
    this.b = b;
  }
  /** The sum as a digest (`count`: the number of parts, so that an empty whole and a zero sum differ). */
  value(count: number): number {
    return digest(fmix32((this.a ^ Math.imul(count, 0x9e37_79b1)) >>> 0), fmix32((this.b + count) >>> 0));
  }
}

/** Digest of a word array (a page's bytes seen as 32-bit words, a cache line). */
export function digestWords(w: Uint32Array | Int32Array, seedA = 0, seedB = 0): number {
  let a = seedA;
  let b = seedB;
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    a = stepA(a, x);
    b = stepB(b, x);
  }
  return digest(fmix32((a ^ w.length) >>> 0), fmix32((b + w.length) >>> 0));
}

/**
 * Digests of short strings (register names, attribute labels), computed once per distinct string.
 * Long ones (a scenario's text, for a witness's hash) are not kept: a language server hashes a
 * new text at every edit.
 */
const stringDigests = new Map<string, number>();

export function digestString(s: string): number {
  let d = stringDigests.get(s);
  if (d === undefined) {
    let a = 0x2f0b_3a49;
    let b = 0x7c15_1f33;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = stepA(a, c);
      b = stepB(b, c);
    }
    d = digest(fmix32((a ^ s.length) >>> 0), fmix32((b + s.length) >>> 0));
    if (s.length <= 512 && stringDigests.size < 65_536) stringDigests.set(s, d);
  }
  return d;
}

/**
 * A running two-lane hash of a sequence of values, for parts hashed in one go
 * (a cache set's lines, a TLB entry's fields).
 */
export class Lanes {
  a = 0;
  b = 0;
  reset(seed: number): this {
    this.a = seed | 0;
    this.b = (seed ^ 0x5555_5555) | 0;
    return this;
  }
  word(w: number): this {
    this.a = stepA(this.a, w);
    this.b = stepB(this.b, w);
    return this;
  }
  /** An integer of up to 53 bits (or -1, NaN: both halves of its two's complement / a fixed word). */
  num(x: number): this {
    if (x !== x) return this.word(0x7ff8_0001).word(0);
    return this.word(x >>> 0).word(Math.floor(x / TWO32) >>> 0);
  }
  /** A digest (53 bits) folded in. */
  digest(d: number): this {
    return this.word(laneA(d)).word(laneB(d));
  }
  value(): number {
    return digest(fmix32(this.a >>> 0), fmix32(this.b >>> 0));
  }
}
