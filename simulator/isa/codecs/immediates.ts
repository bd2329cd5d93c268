/**
 * Immediate operands: plain fields, the ADD/SUB immediate (C6.2.4, `#imm{, lsl #12}`),
 * bitmask immediates (DecodeBitMasks, C6.2 AND (immediate)), the wide-move immediates
 * (MOVZ/MOVN/MOVK, C6.2.197-199, with GNU as's `:abs_gN:` relocation operators) and the
 * MOV (immediate) aliases that pick one of them as GNU as does.
 */
import { hex } from '../../util/hex';
import { decodeBitMasks, encodeBitMask } from '../bitmask';
import { isImm, isModifier, operand } from '../decodetree/form';
import type { AsmState, Codec, Fields } from '../decodetree/types';
import { dec, imm } from '../format';
import { AsmError, fmt } from '../operands';

const U64 = (1n << 64n) - 1n;

export function widthMask(sf: boolean): bigint {
  return sf ? U64 : 0xffffffffn;
}

/** Register width in bits from the `sf` field (set by the destination register before). */
export function widthOf(f: Fields): 32 | 64 {
  return f.sf === 0 ? 32 : 64;
}

export interface UimmOptions {
  min?: number;
  /** Largest value; a function when it depends on other fields (e.g. the register width). */
  max: number | ((f: Fields) => number);
  /** Noun in the range message: `${what} 16 out of range 0..15`. */
  what: string;
  /** Disassembly in hex (`#0x1f`, the default) or decimal (`#31`: shift amounts, bit numbers). */
  decimal?: boolean;
  usage?: string;
}

/** `#n` into one field, range-checked. */
export function uimm(field: string, o: UimmOptions): Codec {
  return operand({
    usage: o.usage ?? `#${field.toLowerCase()}`,
    shape: isImm,
    parse(a: AsmState, f: Fields): void {
      const max = typeof o.max === 'function' ? o.max(f) : o.max;
      f[field] = a.ops.immRange(a.i, o.min ?? 0, max, o.what);
      a.at[field] = a.ops.range(a.i);
      a.i++;
    },
    print: (f) => (o.decimal ? dec(f[field]) : imm(f[field])),
  });
}

/** The value written at operand `a.i`, truncated to the register width (signed or unsigned spelling). */
export function fitWidth(a: AsmState, v: bigint, sf: boolean): bigint {
  const width = sf ? 64n : 32n;
  if (v < -(1n << (width - 1n)) || v > widthMask(sf))
    throw new AsmError(a.ops.range(a.i), `immediate ${fmt(v)} does not fit in ${width} bits`, 'immediate-range');
  return v & widthMask(sf);
}

/**
 * ADD/SUB (immediate): `#imm{, lsl #0|#12}` into imm12/sh. As GNU as: a value that is a multiple
 * of 4096 takes lsl #12 by itself, and a negative value flips ADD↔SUB (field `op`).
 */
export const AIMM: Codec = {
  usage: '#imm{, lsl #12}',
  min: 1,
  max: 2,
  shape: (t, k) => (k === 0 ? isImm(t) : /^lsl(\s|$)/i.test(t)),
  parse(a: AsmState, f: Fields): void {
    const name = a.mnemonic;
    const at = a.i;
    // `:lo12:` only in the non-flag-setting forms (GNU as R_AARCH64_ADD_ABS_LO12_NC).
    let value = a.ops.imm(at, f.S !== 1);
    let sh = 0;
    a.i++;
    if (a.i < a.ops.length) {
      const mod = a.ops.modifier(a.i);
      if (mod.op !== 'lsl' || (mod.amount !== 0 && mod.amount !== 12)) throw new AsmError(mod.range, `only lsl #0 or lsl #12 may follow the immediate of ${name}`, 'operand');
      sh = mod.amount === 12 ? 1 : 0;
      a.i++;
    }
    if (value < 0n && sh === 0 && -value <= 0xfff_000n) {
      value = -value;
      f.op ^= 1;
    }
    if (sh === 0 && value > 0xfffn && (value & 0xfffn) === 0n && value >> 12n <= 0xfffn) {
      value >>= 12n;
      sh = 1;
    }
    if (value < 0n || value > 0xfffn) {
      const shown = sh ? `${fmt(value)}, lsl #12` : fmt(value);
      throw new AsmError(a.ops.range(at), `immediate ${shown} out of range 0..4095 for ${name.toUpperCase()} (immediate); use lsl #12 or a register`, 'immediate-range');
    }
    f.imm12 = Number(value);
    f.sh = sh;
  },
  print: (f) => (f.sh ? `${imm(f.imm12)}, lsl #12` : imm(f.imm12)),
};

/** The value of a logical immediate (its wmask), or undefined for a reserved encoding. */
export function bitmaskValue(f: Fields): bigint | undefined {
  return decodeBitMasks(f.N, f.imms, f.immr, true, widthOf(f))?.wmask;
}

/**
 * Bitmask immediate into N/immr/imms. `invert`: the value written is the complement (BIC, ORN,
 * EON, BICS with an immediate are GNU as spellings of AND, ORR, EOR, ANDS). `mov`: MOV
 * (bitmask immediate), whose failure explains the other ways to load the value.
 */
export function bitmask(kind: 'plain' | 'invert' | 'mov'): Codec {
  return operand({
    usage: '#bitmask',
    shape: isImm,
    parse(a: AsmState, f: Fields): void {
      const sf = f.sf === 1;
      let v = fitWidth(a, a.ops.imm(a.i), sf);
      if (kind === 'invert') v = ~v & widthMask(sf);
      const enc = encodeBitMask(v, sf ? 64 : 32);
      if (!enc) {
        const range = a.ops.range(a.i);
        if (kind !== 'mov') return a.reject(new AsmError(range, () => `${hex(v)} is not encodable as a logical (bitmask) immediate for ${a.mnemonic.toUpperCase()}`, 'immediate-range'));
        return a.reject(movFailure(a, f, v));
      }
      f.N = enc.n;
      f.immr = enc.immr;
      f.imms = enc.imms;
      a.i++;
    },
    print: (f) => imm(bitmaskValue(f) ?? 0n),
  });
}

/** Why MOV #imm cannot encode `v` for its destination (Rd 31 is XZR for MOVZ/MOVN, SP for ORR). */
function movFailure(a: AsmState, f: Fields, v: bigint): AsmError {
  const range = a.ops.range(a.i);
  const rd = a.ops.text(0).toLowerCase();
  const mnemonic = a.mnemonic;
  if (f.Rd === 31 && /^w?sp$/.test(rd)) return new AsmError(range, () => `${hex(v)} cannot be moved to ${rd}: only bitmask immediates can target SP`, 'immediate-range');
  if (f.Rd === 31) return new AsmError(range, () => `${hex(v)} cannot be moved to ${rd}: only MOVZ/MOVN immediates can target the zero register`, 'immediate-range');
  return new AsmError(range, () => `${hex(v)} cannot be loaded by a single ${mnemonic.toUpperCase()}; use ldr ${rd}, =${hex(v)} or movz/movk`, 'immediate-range');
}

/** Whether a value can be made by MOVZ or MOVN (then MOV prefers those, C6.2.191). */
export function isMoveWideEncodable(v: bigint, sf: boolean): boolean {
  // MOVZ: at most one halfword is not 0; MOVN: at most one is not 0xffff (on 32-bit halves: this is
  // asked at every disassembly of ORR with an immediate).
  const u = v & widthMask(sf);
  const lo = Number(u & 0xffff_ffffn);
  const hi = Number(u >> 32n);
  let notZero = 0;
  let notOnes = 0;
  for (let k = 0; k < (sf ? 4 : 2); k++) {
    const h = ((k < 2 ? lo : hi) >>> ((k & 1) * 16)) & 0xffff;
    if (h !== 0) notZero++;
    if (h !== 0xffff) notOnes++;
  }
  return notZero <= 1 || notOnes <= 1;
}

/** The value MOVZ (opc 2) or MOVN (opc 0) writes, from imm16/hw. */
export function moveWideValue(f: Fields): bigint {
  const shifted = BigInt(f.imm16) << BigInt(f.hw * 16);
  return f.opc === 0 ? ~shifted & widthMask(f.sf === 1) : shifted;
}

/**
 * MOV (wide immediate) and MOV (inverted wide immediate): the value as one MOVZ (`kind` movz)
 * or MOVN (`movn`) can make it, in the order GNU as tries them; otherwise the MOV failure.
 */
export function movWide(kind: 'movz' | 'movn'): Codec {
  return operand({
    usage: '#imm',
    shape: isImm,
    parse(a: AsmState, f: Fields): void {
      const sf = f.sf === 1;
      const v = fitWidth(a, a.ops.imm(a.i), sf);
      const x = kind === 'movn' ? ~v & widthMask(sf) : v;
      const width = sf ? 64 : 32;
      for (let hw = 0; hw < width / 16; hw++) {
        if ((x & ~(0xffffn << BigInt(hw * 16))) !== 0n) continue;
        const imm16 = Number(x >> BigInt(hw * 16));
        // MOVZ of 0 is written with hw = 0; a 32-bit MOVN of 0xffff is a MOVZ value (tried first).
        if (kind === 'movz' && x === 0n && hw !== 0) continue;
        if (kind === 'movn' && !sf && imm16 === 0xffff) continue;
        f.imm16 = imm16;
        f.hw = hw;
        a.i++;
        return;
      }
      a.reject(movFailure(a, f, v));
    },
    print: (f) => imm(moveWideValue(f)),
  });
}

/**
 * MOVZ/MOVN/MOVK `#imm16{, lsl #0|16|32|48}`: also a pre-shifted value (`movz x0, #0x10000`) and
 * the GNU as relocation operators `:abs_g0:`…`:abs_g3:` (MOVZ/MOVK), which imply the shift.
 */
export const IMM16: Codec = {
  usage: '#imm16{, lsl #16|32|48}',
  min: 1,
  max: 2,
  shape: (t, k) => (k === 0 ? isImm(t) : isModifier(t)),
  parse(a: AsmState, f: Fields): void {
    const name = a.mnemonic.toUpperCase();
    const width = widthOf(f);
    const at = a.i;
    const im = a.ops.immAt(a.ops.text(at), a.ops.range(at), false, f.opc !== 0);
    let v = im.value;
    let hw = 0;
    a.i++;
    if (im.absGroup !== undefined) {
      if (a.i < a.ops.length) throw new AsmError(a.ops.range(a.i), `no shift may follow a :abs_g${im.absGroup}: immediate (it implies lsl #${16 * im.absGroup})`, 'syntax');
      if (16 * im.absGroup >= width) throw new AsmError(a.ops.range(at), `:abs_g${im.absGroup}: selects bits beyond a ${width}-bit register`, 'immediate-range');
      hw = im.absGroup;
    } else if (a.i < a.ops.length) {
      const mod = a.ops.modifier(a.i);
      if (mod.op !== 'lsl' || mod.amount === undefined || mod.amount % 16 !== 0 || mod.amount >= width)
        throw new AsmError(mod.range, `${name} shift must be lsl #0, #16${width === 64 ? ', #32 or #48' : ''}`, 'operand');
      hw = mod.amount / 16;
      a.i++;
    } else if (v > 0xffffn && v >= 0n) {
      for (let h = 1; h < width / 16; h++) {
        if ((v & ~(0xffffn << BigInt(h * 16))) === 0n) {
          hw = h;
          v >>= BigInt(h * 16);
          break;
        }
      }
    }
    if (v < 0n || v > 0xffffn) throw new AsmError(a.ops.range(at), `immediate ${fmt(v)} out of range 0..65535 for ${name}`, 'immediate-range');
    f.imm16 = Number(v);
    f.hw = hw;
  },
  print: (f) => (f.hw ? `${imm(f.imm16)}, lsl #${f.hw * 16}` : imm(f.imm16)),
};
