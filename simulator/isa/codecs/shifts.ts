/**
 * Shift and extend operands: the shifted-register modifier (`lsl|lsr|asr|ror #n`),
 * the extended-register operand of ADD/SUB (C6.2.3: `rm{, extend {#n}}`), the
 * shift and bitfield amounts of the SBFM/BFM/UBFM/EXTR aliases (C6.2.266 etc.),
 * conditions (C1.2.4), and TBZ/TBNZ bit numbers.
 */
import { CONDITION_NAMES, conditionCode } from '../conditions';
import { isImm, isModifier, isReg, isWord, operand } from '../decodetree/form';
import type { AsmState, Codec, Fields } from '../decodetree/types';
import { dec, reg } from '../format';
import { AsmError, EXTEND_OPS, SHIFT_OPS, type Modifier } from '../operands';
import { widthOf } from './immediates';

const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];
const EXTEND_NAMES = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

export function shiftAmount(mod: Modifier, sf: boolean): number {
  if (mod.amount === undefined) throw new AsmError(mod.range, `${mod.op} needs an amount, e.g. ${mod.op} #2`, 'syntax');
  const max = sf ? 63 : 31;
  if (mod.amount > max) throw new AsmError(mod.amountRange ?? mod.range, `shift amount ${mod.amount} out of range 0..${max}`, 'immediate-range');
  return mod.amount;
}

/**
 * `{, lsl|lsr|asr|ror #n}` into `shift`/`imm6`. `kind`: `logical` takes all four; `arith`
 * (ADD/SUB shifted register) takes no ROR, and leaves an extend to the extended-register form;
 * `neg` (NEG/NEGS) takes lsl, lsr, asr.
 */
export function shiftModifier(kind: 'logical' | 'arith' | 'neg'): Codec {
  return {
    usage: kind === 'logical' ? '{, lsl|lsr|asr|ror #n}' : '{, lsl|lsr|asr #n}',
    min: 0,
    max: 1,
    shape: isModifier,
    parse(a: AsmState, f: Fields): void {
      f.shift = 0;
      f.imm6 = 0;
      if (a.i >= a.ops.length) return;
      const mod = a.ops.modifier(a.i);
      const name = a.mnemonic.toUpperCase();
      const type = (SHIFT_OPS as readonly string[]).indexOf(mod.op);
      if (kind === 'neg' && (type < 0 || type === 3)) throw new AsmError(mod.range, `only lsl, lsr or asr may shift the operand of ${name}`, 'operand');
      if (type < 0) {
        if (kind === 'arith') return a.reject(new AsmError(mod.range, `${mod.op} is an extend: it needs the extended-register form of ${name}`, 'operand', true));
        throw new AsmError(mod.range, `${mod.op} is not a shift; ${name} takes lsl, lsr, asr or ror`, 'operand');
      }
      if (type === 3 && kind === 'arith') throw new AsmError(mod.range, `ror is not allowed in ${name} (shifted register); only lsl, lsr, asr`, 'operand');
      f.shift = type;
      f.imm6 = shiftAmount(mod, f.sf === 1);
      a.i++;
    },
    // `lsr #0` etc. are distinct encodings of the unshifted operand: keep them visible so text round-trips.
    print: (f) => (f.imm6 !== 0 || f.shift !== 0 ? `${SHIFT_NAMES[f.shift]} #${f.imm6}` : undefined),
  };
}

/**
 * ADD/SUB (extended register) `rm{, extend {#n}}` into Rm/option/imm3 (C6.2.3). As GNU as: no
 * modifier (or `lsl`, allowed only with SP as a source or destination) means UXTX for a 64-bit
 * index and UXTW for a 32-bit one.
 */
export const EXTENDED_RM: Codec = {
  usage: 'rm{, extend {#n}}',
  min: 1,
  max: 2,
  shape: (t, k) => (k === 0 ? isReg(t) : isModifier(t)),
  parse(a: AsmState, f: Fields): void {
    const name = a.mnemonic.toUpperCase();
    const sf = f.sf === 1;
    // The cursor stays on Rm until the end: a width error is about Rm even when the extend decides it.
    const m = a.ops.gpr(a.i, 'any', 'zr');
    const mod = a.i + 1 < a.ops.length ? a.ops.modifier(a.i + 1) : undefined;
    const useSp = (f.S === 0 && f.Rd === 31) || f.Rn === 31;
    let option: number;
    let amount: number;
    if (mod === undefined || mod.op === 'lsl') {
      if (mod !== undefined && !useSp) throw new AsmError(mod.range, `lsl in the extended-register form of ${name} needs sp as a source or destination`, 'operand');
      option = sf && m.x ? 3 : 2;
      amount = mod?.amount ?? 0;
    } else {
      option = (EXTEND_OPS as readonly string[]).indexOf(mod.op);
      if (option < 0) throw new AsmError(mod.range, `${mod.op} cannot be used with sp or a 32-bit index in ${name}; use an extend (uxtb … sxtx)`, 'operand');
      amount = mod.amount ?? 0;
    }
    if (amount > 4) throw new AsmError(mod!.amountRange ?? mod!.range, `extend shift ${amount} out of range 0..4`, 'immediate-range');
    const wantX = sf && (option & 3) === 3;
    if (m.x !== wantX) throw new AsmError(m.range, `expected a ${wantX ? '64' : '32'}-bit index register with ${EXTEND_NAMES[option]}, got ${m.text.toLowerCase()}`);
    f.Rm = m.n;
    f.option = option;
    f.imm3 = amount;
    a.i += mod === undefined ? 1 : 2;
  },
  print(f: Fields): string {
    const sf = f.sf === 1;
    const rm = reg(f.Rm, sf && (f.option & 3) === 3);
    const named = f.imm3 === 0 ? EXTEND_NAMES[f.option] : `${EXTEND_NAMES[f.option]} #${f.imm3}`;
    // With SP as Rd (non-flag-setting) or Rn, UXTX/UXTW is written LSL, and omitted when unshifted.
    if ((f.Rd === 31 && f.S === 0) || f.Rn === 31) {
      if (f.option === (sf ? 3 : 2)) return f.imm3 === 0 ? rm : `${rm}, lsl #${f.imm3}`;
    }
    return `${rm}, ${named}`;
  },
};

/** A decimal amount written by a function of the fields: shift amounts and bitfield positions of the aliases. */
function amount(usage: string, what: string, min: (f: Fields) => number, max: (f: Fields) => number, set: (f: Fields, v: number) => void, show: (f: Fields) => number): Codec {
  return operand({
    usage,
    shape: isImm,
    parse(a: AsmState, f: Fields): void {
      set(f, a.ops.immRange(a.i, min(f), max(f), what));
      a.i++;
    },
    print: (f) => dec(show(f)),
  });
}

const last = (f: Fields): number => widthOf(f) - 1;
const zero = (): number => 0;

/** LSL (immediate) = UBFM Rd, Rn, #(-shift MOD width), #(width-1-shift). */
export const LSL_AMOUNT = amount(
  '#shift',
  'shift amount',
  zero,
  last,
  (f, s) => {
    f.immr = (widthOf(f) - s) % widthOf(f);
    f.imms = widthOf(f) - 1 - s;
  },
  (f) => widthOf(f) - 1 - f.imms,
);

/** LSR/ASR (immediate) = UBFM/SBFM Rd, Rn, #shift, #(width-1). */
export const SHR_AMOUNT = amount(
  '#shift',
  'shift amount',
  zero,
  last,
  (f, s) => {
    f.immr = s;
    f.imms = widthOf(f) - 1;
  },
  (f) => f.immr,
);

/** ROR (immediate) = EXTR Rd, Rn, Rn, #shift. */
export const ROR_AMOUNT = amount('#shift', 'shift amount', zero, last, (f, s) => (f.imms = s), (f) => f.imms);

/** `#lsb` of the extract aliases (UBFX, SBFX, BFXIL): immr = lsb. */
export const BFX_LSB = amount('#lsb', 'lsb', zero, last, (f, v) => ((f.immr = v), (f._lsb = v)), (f) => f.immr);
/** `#width` of the extract aliases: imms = lsb + width - 1. */
export const BFX_WIDTH = amount('#width', 'width', () => 1, (f) => widthOf(f) - f._lsb, (f, w) => (f.imms = f._lsb + w - 1), (f) => f.imms - f.immr + 1);
/** `#lsb` of the insert aliases (UBFIZ, SBFIZ, BFI, BFC): immr = -lsb MOD width. */
export const BFI_LSB = amount('#lsb', 'lsb', zero, last, (f, v) => ((f.immr = (widthOf(f) - v) % widthOf(f)), (f._lsb = v)), (f) => widthOf(f) - f.immr);
/** `#width` of the insert aliases: imms = width - 1. */
export const BFI_WIDTH = amount('#width', 'width', () => 1, (f) => widthOf(f) - f._lsb, (f, w) => (f.imms = w - 1), (f) => f.imms + 1);

/** Raw `#immr` / `#imms` of SBFM/BFM/UBFM (0..width-1). */
export const IMMR = amount('#immr', 'immr', zero, last, (f, v) => (f.immr = v), (f) => f.immr);
export const IMMS = amount('#imms', 'imms', zero, last, (f, v) => (f.imms = v), (f) => f.imms);
/** EXTR `#lsb` (imms). */
export const EXTR_LSB = amount('#lsb', 'lsb', zero, last, (f, v) => (f.imms = v), (f) => f.imms);

function conditionAt(a: AsmState): number {
  const c = conditionCode(a.ops.word(a.i));
  if (c === undefined) throw new AsmError(a.ops.range(a.i), `expected a condition (eq ne hs lo mi pl vs vc hi ls ge lt gt le al), got '${a.ops.text(a.i)}'`, 'operand');
  return c;
}

/** A condition into `cond` (hs/lo accepted for cs/cc; printed as objdump does). */
export const COND: Codec = operand({
  usage: 'cond',
  shape: isWord,
  parse(a: AsmState, f: Fields): void {
    f.cond = conditionAt(a);
    a.i++;
  },
  print: (f) => CONDITION_NAMES[f.cond],
});

/** The condition of CSET/CSETM/CINC/CINV/CNEG: encoded inverted, so AL and NV are not allowed. */
export const INV_COND: Codec = operand({
  usage: 'cond',
  shape: isWord,
  parse(a: AsmState, f: Fields): void {
    const c = conditionAt(a);
    if (c >= 14) throw new AsmError(a.ops.range(a.i), `condition ${a.ops.word(a.i)} is not allowed in ${a.mnemonic.toUpperCase()} (it would invert to nv)`, 'operand');
    f.cond = c ^ 1;
    a.i++;
  },
  print: (f) => CONDITION_NAMES[f.cond ^ 1],
});

/** TBZ/TBNZ `#bit` into b5:b40, up to 63 for an X register (the register's width was read first, `_x`). */
export const TEST_BIT: Codec = operand({
  usage: '#bit',
  shape: isImm,
  parse(a: AsmState, f: Fields): void {
    const bit = a.ops.immRange(a.i, 0, f._x ? 63 : 31, 'bit number');
    f.b5 = bit >> 5;
    f.b40 = bit & 31;
    a.i++;
  },
  print: (f) => dec((f.b5 << 5) | f.b40),
});
