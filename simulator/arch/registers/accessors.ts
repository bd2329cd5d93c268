/**
 * Typed field accessors generated from the register table: behaviour code
 * reads and writes fields by name (`HCR_EL2.TGE.isSet(v)`,
 * `SCTLR_EL1.M.set(v, 1)`, `(pe.hcrLo & HCR_EL2.TGE.lo) !== 0`) and never
 * writes a bit position itself. The accessors are built from the very
 * `FieldDef` arrays the register table decodes with (one source), once, at
 * load time; calls allocate nothing beyond the BigInt results themselves.
 *
 * Hot paths keep 64-bit registers as 32-bit halves: `lo` / `hi` are a field's
 * mask within the low word (bits [31:0]) or the high word (bits [63:32]), and
 * `ofLo` / `ofHi` extract it from that word. Which of them a field has is
 * known from its literal bit positions, so using the wrong half does not
 * compile.
 */
import type { FieldDef } from './types';

type LowBit =
  | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15
  | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31;
type HighBit =
  | 32 | 33 | 34 | 35 | 36 | 37 | 38 | 39 | 40 | 41 | 42 | 43 | 44 | 45 | 46 | 47
  | 48 | 49 | 50 | 51 | 52 | 53 | 54 | 55 | 56 | 57 | 58 | 59 | 60 | 61 | 62 | 63;

/** A field of a register value, by name. */
export interface FieldAccessor {
  readonly name: string;
  readonly msb: number;
  readonly lsb: number;
  readonly width: number;
  /** The field's bits in place. */
  readonly mask: bigint;
  /** The field's value. */
  of(value: bigint): bigint;
  /** The field's value as a number (fields up to 53 bits wide). */
  num(value: bigint): number;
  /** Whether any bit of the field is set. */
  isSet(value: bigint): boolean;
  /** `value` with the field replaced by `x` (truncated to the field's width). */
  set(value: bigint, x: bigint | number | boolean): bigint;
  /** `x` in the field's position: compose values with `|`. Throws when `x` does not fit. */
  val(x: bigint | number | boolean): bigint;
  /** The field from the value as 32-bit halves (any field up to 32 bits wide). */
  ofHalves(lo: number, hi: number): number;
}

/** A field within bits [31:0]. */
export interface LowWordField {
  /** Mask of the field within the low word (an int32: compare with `!== 0`). */
  readonly lo: number;
  /** The field from the low word. */
  ofLo(lo: number): number;
}

/** A field within bits [63:32]. */
export interface HighWordField {
  /** Mask of the field within the high word (an int32: compare with `!== 0`). */
  readonly hi: number;
  /** The field from the high word. */
  ofHi(hi: number): number;
}

/** The accessor of a field with bits [M:L]: word access where the field lies within one 32-bit half. */
export type Field<M extends number = number, L extends number = number> = FieldAccessor &
  ([M] extends [LowBit] ? LowWordField : unknown) &
  ([L] extends [HighBit] ? HighWordField : unknown);

/** The accessors of a layout, by field name (RES0/RES1 fields have none). */
export type Fields<F extends FieldDef> = {
  readonly [D in F as D extends { kind: 'res0' | 'res1' } ? never : D['name']]: Field<D['msb'], D['lsb']>;
};

class Accessor implements FieldAccessor, LowWordField, HighWordField {
  readonly width: number;
  readonly mask: bigint;
  readonly lo: number;
  readonly hi: number;
  private readonly shift: bigint;
  private readonly ones: bigint;
  private readonly wordShift: number;
  private readonly wordOnes: number;

  constructor(
    readonly name: string,
    readonly msb: number,
    readonly lsb: number,
  ) {
    this.width = msb - lsb + 1;
    this.shift = BigInt(lsb);
    this.ones = (1n << BigInt(this.width)) - 1n;
    this.mask = this.ones << this.shift;
    this.lo = Number(BigInt.asIntN(32, this.mask & 0xffff_ffffn));
    this.hi = Number(BigInt.asIntN(32, this.mask >> 32n));
    this.wordShift = lsb & 31;
    this.wordOnes = this.width >= 32 ? -1 : (1 << this.width) - 1;
  }

  of(value: bigint): bigint {
    return (value >> this.shift) & this.ones;
  }

  num(value: bigint): number {
    return Number((value >> this.shift) & this.ones);
  }

  isSet(value: bigint): boolean {
    return (value & this.mask) !== 0n;
  }

  set(value: bigint, x: bigint | number | boolean): bigint {
    return (value & ~this.mask) | ((BigInt(x) & this.ones) << this.shift);
  }

  val(x: bigint | number | boolean): bigint {
    const v = BigInt(x);
    if (v < 0n || v > this.ones) throw new RangeError(`${this.name} is ${this.width} bit(s) wide: ${v} does not fit`);
    return v << this.shift;
  }

  ofLo(lo: number): number {
    return ((lo >>> this.wordShift) & this.wordOnes) >>> 0;
  }

  ofHi(hi: number): number {
    return ((hi >>> this.wordShift) & this.wordOnes) >>> 0;
  }

  ofHalves(lo: number, hi: number): number {
    if (this.lsb >= 32) return this.ofHi(hi);
    if (this.msb < 32) return this.ofLo(lo);
    // Straddles bit 32: low part from `lo`, the rest from `hi`.
    const lowBits = 32 - this.lsb;
    return ((lo >>> this.lsb) >>> 0) + (hi & ((1 << (this.width - lowBits)) - 1)) * 2 ** lowBits;
  }
}

/**
 * The accessors of a layout: one per named field (RES0/RES1 excluded), keyed
 * by the field's name as the table spells it. Children (ESR ISS sub-fields)
 * are not included: give their layout its own accessors.
 */
export function accessors<F extends FieldDef>(fields: readonly F[]): Fields<F> {
  const out: Record<string, Accessor> = {};
  let ones = 0n;
  for (const fd of fields) {
    if (fd.kind === 'res1') ones |= ((1n << BigInt(fd.msb - fd.lsb + 1)) - 1n) << BigInt(fd.lsb);
    if (fd.kind === 'res0' || fd.kind === 'res1') continue;
    if (out[fd.name] !== undefined) throw new Error(`field ${fd.name} appears twice in one layout`);
    out[fd.name] = new Accessor(fd.name, fd.msb, fd.lsb);
  }
  const set = Object.freeze(out);
  res1Of.set(set, ones);
  return set as unknown as Fields<F>;
}

/** RES1 bits of the layout each accessor set was built from (compose starts from them). */
const res1Of = new WeakMap<object, bigint>();

/**
 * Compose a value from named fields of one accessor set, starting from the
 * layout's RES1 bits: `compose(HCR_EL2, { VM: 1, BSU: 1, RW: 1 })`. Throws
 * when a value does not fit its field.
 */
export function compose<A extends Readonly<Record<string, FieldAccessor>>>(fields: A, values: { readonly [K in keyof A]?: bigint | number | boolean }): bigint {
  let v = res1Of.get(fields) ?? 0n;
  for (const [name, x] of Object.entries(values) as [keyof A & string, bigint | number | boolean | undefined][]) {
    if (x !== undefined) v |= fields[name].val(x);
  }
  return v;
}
