/**
 * Assembler syntax → A64 encoding for the data-processing instructions and
 * their aliases (Arm ARM C6.2; alias rules as in the "Alias conditions" tables).
 * Semantics are not here: the encoding is decoded by dataProcessing.ts.
 */
import { encodeBitMask } from './bitmask';
import { conditionCode } from './conditions';
import { AsmError, EXTEND_OPS, fmt, Modifier, Operands, Reg, SHIFT_OPS } from './operands';
import { hex } from '../util/hex';
import type { AsmHandler } from './asmTypes';

const U64 = (1n << 64n) - 1n;

function mask(sf: boolean): bigint {
  return sf ? U64 : 0xffffffffn;
}

/** Value written in an immediate, truncated to the operation size; accepts signed or unsigned spellings. */
function fitWidth(o: Operands, i: number, v: bigint, sf: boolean): bigint {
  const width = sf ? 64n : 32n;
  if (v < -(1n << (width - 1n)) || v > mask(sf)) throw new AsmError(o.range(i), `immediate ${fmt(v)} does not fit in ${width} bits`, 'immediate-range');
  return v & mask(sf);
}

// ---- ADD/SUB ------------------------------------------------------------------------

function addSubImmediate(o: Operands, sub: boolean, s: boolean, d: Reg, n: Reg, immIndex: number, name: string): number {
  const sf = d.x;
  o.check31(d, s ? 'zr' : 'sp');
  o.check31(n, 'sp');
  let value = o.imm(immIndex, !s);
  let sh = 0;
  if (o.length > immIndex + 1) {
    const mod = o.modifier(immIndex + 1);
    if (mod.op !== 'lsl' || (mod.amount !== 0 && mod.amount !== 12))
      throw new AsmError(mod.range, `only lsl #0 or lsl #12 may follow the immediate of ${name}`, 'operand');
    sh = mod.amount === 12 ? 1 : 0;
  }
  // GNU as: a negative immediate flips ADD<->SUB (`add x0, x1, #-8` is `sub x0, x1, #8`).
  if (value < 0n && sh === 0 && -value <= 0xfff_000n) {
    value = -value;
    sub = !sub;
  }
  if (sh === 0 && value > 0xfffn && (value & 0xfffn) === 0n && value >> 12n <= 0xfffn) {
    value >>= 12n;
    sh = 1;
  }
  if (value < 0n || value > 0xfffn) {
    const shown = sh ? `${fmt(value)}, lsl #12` : fmt(value);
    throw new AsmError(
      o.range(immIndex),
      `immediate ${shown} out of range 0..4095 for ${name.toUpperCase()} (immediate); use lsl #12 or a register`,
      'immediate-range',
    );
  }
  return (
    ((sf ? 1 : 0) << 31) |
    ((sub ? 1 : 0) << 30) |
    ((s ? 1 : 0) << 29) |
    0x11000000 |
    (sh << 22) |
    (Number(value) << 10) |
    (n.n << 5) |
    d.n
  );
}

/** ADD/ADDS/SUB/SUBS with destination `d` (register 31 meaning set by caller), source `n`, rest from `first`. */
function addSub(o: Operands, sub: boolean, s: boolean, d: Reg, n: Reg, first: number, name: string): number {
  const sf = d.x;
  if (!o.isRegister(first)) return addSubImmediate(o, sub, s, d, n, first, name);
  const m = o.gpr(first, 'any', 'zr');
  const mod = o.length > first + 1 ? o.modifier(first + 1) : undefined;
  const isExtend = mod !== undefined && (EXTEND_OPS as readonly string[]).includes(mod.op);
  if (s) o.check31(d, 'zr');
  const useSp = (d.n === 31 && d.sp) || (n.n === 31 && n.sp);
  if (useSp || isExtend || (sf && !m.x)) {
    if (!s) o.check31(d, 'sp');
    o.check31(n, 'sp');
    // Extended register form (C6.2.3).
    let option: number;
    let amount = 0;
    if (mod === undefined || mod.op === 'lsl') {
      if (mod !== undefined && !useSp)
        throw new AsmError(mod.range, `lsl in the extended-register form of ${name.toUpperCase()} needs sp as a source or destination`, 'operand');
      option = sf ? 3 : 2;
      if (sf && !m.x) option = 2; // `add x0, x1, w2` means uxtw
      amount = mod?.amount ?? 0;
    } else {
      option = (EXTEND_OPS as readonly string[]).indexOf(mod.op);
      if (!isExtend) throw new AsmError(mod.range, `${mod.op} cannot be used with sp or a 32-bit index in ${name.toUpperCase()}; use an extend (uxtb … sxtx)`, 'operand');
      amount = mod.amount ?? 0;
    }
    if (amount > 4) throw new AsmError(mod!.amountRange ?? mod!.range, `extend shift ${amount} out of range 0..4`, 'immediate-range');
    const wantX = sf && (option & 3) === 3;
    if (m.x !== wantX) {
      throw new AsmError(m.range, `expected a ${wantX ? '64' : '32'}-bit index register with ${(EXTEND_OPS as readonly string[])[option]}, got ${m.text.toLowerCase()}`);
    }
    return (
      ((sf ? 1 : 0) << 31) |
      ((sub ? 1 : 0) << 30) |
      ((s ? 1 : 0) << 29) |
      0x0b200000 |
      (m.n << 16) |
      (option << 13) |
      (amount << 10) |
      (n.n << 5) |
      d.n
    );
  }
  if (m.x !== sf) throw new AsmError(m.range, `expected a ${sf ? '64' : '32'}-bit general register, got ${m.text.toLowerCase()}`);
  let type = 0;
  let amount = 0;
  if (mod) {
    type = (SHIFT_OPS as readonly string[]).indexOf(mod.op);
    if (type === 3) throw new AsmError(mod.range, `ror is not allowed in ${name.toUpperCase()} (shifted register); only lsl, lsr, asr`, 'operand');
    amount = shiftAmount(mod, sf);
  }
  return (
    ((sf ? 1 : 0) << 31) |
    ((sub ? 1 : 0) << 30) |
    ((s ? 1 : 0) << 29) |
    0x0b000000 |
    (type << 22) |
    (m.n << 16) |
    (amount << 10) |
    (n.n << 5) |
    d.n
  );
}

function shiftAmount(mod: Modifier, sf: boolean): number {
  if (mod.amount === undefined) throw new AsmError(mod.range, `${mod.op} needs an amount, e.g. ${mod.op} #2`, 'syntax');
  const max = sf ? 63 : 31;
  if (mod.amount > max) throw new AsmError(mod.amountRange ?? mod.range, `shift amount ${mod.amount} out of range 0..${max}`, 'immediate-range');
  return mod.amount;
}

const addSubHandler =
  (sub: boolean, s: boolean): AsmHandler =>
  (o, name) => {
    o.count(3, 4, 'rd, rn, #imm | rm{, shift|extend}');
    // Register 31 is SP or ZR depending on the form chosen below; addSub checks it.
    const d = o.gpr(0, 'any', 'either');
    const n = o.gpr(1, d.x ? 'x' : 'w', 'either');
    return addSub(o, sub, s, d, n, 2, name);
  };

const compareHandler =
  (sub: boolean): AsmHandler =>
  (o, name) => {
    o.count(2, 3, 'rn, #imm | rm{, shift|extend}');
    const n = o.gpr(0, 'any', 'either');
    const zr: Reg = { n: 31, x: n.x, sp: false, text: n.x ? 'xzr' : 'wzr', range: n.range };
    return addSub(o, sub, true, zr, n, 1, name);
  };

const negHandler =
  (s: boolean): AsmHandler =>
  (o, name) => {
    o.count(2, 3, 'rd, rm{, shift}');
    const d = o.gpr(0, 'any', 'zr');
    const zr: Reg = { n: 31, x: d.x, sp: false, text: 'zr', range: d.range };
    const m = o.gpr(1, d.x ? 'x' : 'w', 'zr');
    let type = 0;
    let amount = 0;
    if (o.length > 2) {
      const mod = o.modifier(2);
      type = (SHIFT_OPS as readonly string[]).indexOf(mod.op);
      if (type < 0 || type === 3) throw new AsmError(mod.range, `only lsl, lsr or asr may shift the operand of ${name.toUpperCase()}`, 'operand');
      amount = shiftAmount(mod, d.x);
    }
    return ((d.x ? 1 : 0) << 31) | (1 << 30) | ((s ? 1 : 0) << 29) | 0x0b000000 | (type << 22) | (m.n << 16) | (amount << 10) | (zr.n << 5) | d.n;
  };

// ---- logical ------------------------------------------------------------------------

const LOGICAL_OPC: Record<string, [number, boolean]> = {
  and: [0, false],
  bic: [0, true],
  orr: [1, false],
  orn: [1, true],
  eor: [2, false],
  eon: [2, true],
  ands: [3, false],
  bics: [3, true],
};

function logicalImmediate(o: Operands, opc: number, invert: boolean, d: Reg, n: Reg, i: number, name: string): number {
  const sf = d.x;
  let v = fitWidth(o, i, o.imm(i), sf);
  if (invert) v = ~v & mask(sf);
  const enc = encodeBitMask(v, sf ? 64 : 32);
  if (!enc) throw new AsmError(o.range(i), `${hex(v)} is not encodable as a logical (bitmask) immediate for ${name.toUpperCase()}`, 'immediate-range');
  return ((sf ? 1 : 0) << 31) | (opc << 29) | 0x12000000 | (enc.n << 22) | (enc.immr << 16) | (enc.imms << 10) | (n.n << 5) | d.n;
}

function logicalShifted(o: Operands, opc: number, invert: boolean, d: Reg, n: Reg, m: Reg, modIndex: number, name: string): number {
  const sf = d.x;
  let type = 0;
  let amount = 0;
  if (o.length > modIndex) {
    const mod = o.modifier(modIndex);
    type = (SHIFT_OPS as readonly string[]).indexOf(mod.op);
    if (type < 0) throw new AsmError(mod.range, `${mod.op} is not a shift; ${name.toUpperCase()} takes lsl, lsr, asr or ror`, 'operand');
    amount = shiftAmount(mod, sf);
  }
  return (
    ((sf ? 1 : 0) << 31) | (opc << 29) | 0x0a000000 | (type << 22) | ((invert ? 1 : 0) << 21) | (m.n << 16) | (amount << 10) | (n.n << 5) | d.n
  );
}

const logicalHandler: AsmHandler = (o, name) => {
  const [opc, invert] = LOGICAL_OPC[name];
  o.count(3, 4, 'rd, rn, #bitmask | rm{, shift}');
  if (o.isRegister(2)) {
    const d = o.gpr(0, 'any', 'zr');
    const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
    const m = o.gpr(2, d.x ? 'x' : 'w', 'zr');
    return logicalShifted(o, opc, invert, d, n, m, 3, name);
  }
  o.count(3, 3, 'rd, rn, #bitmask');
  const d = o.gpr(0, 'any', opc === 3 ? 'zr' : 'sp');
  const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
  return logicalImmediate(o, opc, invert, d, n, 2, name);
};

const tstHandler: AsmHandler = (o, name) => {
  o.count(2, 3, 'rn, #bitmask | rm{, shift}');
  const n = o.gpr(0, 'any', 'zr');
  const zr: Reg = { n: 31, x: n.x, sp: false, text: 'zr', range: n.range };
  if (o.isRegister(1)) return logicalShifted(o, 3, false, zr, n, o.gpr(1, n.x ? 'x' : 'w', 'zr'), 2, name);
  o.count(2, 2, 'rn, #bitmask');
  return logicalImmediate(o, 3, false, zr, n, 1, name);
};

const mvnHandler: AsmHandler = (o, name) => {
  o.count(2, 3, 'rd, rm{, shift}');
  const d = o.gpr(0, 'any', 'zr');
  const zr: Reg = { n: 31, x: d.x, sp: false, text: 'zr', range: d.range };
  return logicalShifted(o, 1, true, d, zr, o.gpr(1, d.x ? 'x' : 'w', 'zr'), 2, name);
};

// ---- moves ------------------------------------------------------------------------

function moveWide(opc: number, sf: boolean, d: number, imm16: number, hw: number): number {
  return ((sf ? 1 : 0) << 31) | (opc << 29) | 0x12800000 | (hw << 21) | (imm16 << 5) | d;
}

/** MOV (wide/inverted wide/bitmask immediate) choice as GNU as makes it: MOVZ, then MOVN, then ORR. */
export function encodeMovImmediate(sf: boolean, d: number, value: bigint): number | undefined {
  const v = value & mask(sf);
  const width = sf ? 64 : 32;
  for (let hw = 0; hw < width / 16; hw++) {
    if ((v & ~(0xffffn << BigInt(hw * 16))) === 0n && (v !== 0n || hw === 0)) return moveWide(2, sf, d, Number(v >> BigInt(hw * 16)), hw);
  }
  const inv = ~v & mask(sf);
  for (let hw = 0; hw < width / 16; hw++) {
    if ((inv & ~(0xffffn << BigInt(hw * 16))) === 0n) {
      const imm16 = Number(inv >> BigInt(hw * 16));
      if (!sf && imm16 === 0xffff) continue; // would be MOVZ-encodable, handled above
      return moveWide(0, sf, d, imm16, hw);
    }
  }
  const enc = encodeBitMask(v, sf ? 64 : 32);
  if (enc) return ((sf ? 1 : 0) << 31) | (1 << 29) | 0x12000000 | (enc.n << 22) | (enc.immr << 16) | (enc.imms << 10) | (31 << 5) | d;
  return undefined;
}

const movHandler: AsmHandler = (o, name) => {
  o.count(2, 2, 'rd, rn | #imm');
  if (o.isRegister(1)) {
    const d = o.gpr(0, 'any', /sp/i.test(o.text(0)) || /sp/i.test(o.text(1)) ? 'sp' : 'zr');
    const spForm = d.sp || /^w?sp$/i.test(o.text(1));
    const n = o.gpr(1, d.x ? 'x' : 'w', spForm ? 'sp' : 'zr');
    if (spForm) return ((d.x ? 1 : 0) << 31) | 0x11000000 | (n.n << 5) | d.n; // ADD Rd, Rn, #0
    return ((d.x ? 1 : 0) << 31) | 0x2a000000 | (n.n << 16) | (31 << 5) | d.n; // ORR Rd, ZR, Rm
  }
  const d = o.gpr(0, 'any', 'either');
  const v = fitWidth(o, 1, o.imm(1), d.x);
  if (d.n === 31 && !d.sp) {
    // Register 31 is XZR for MOVZ/MOVN but SP for ORR, so only the wide forms can target XZR.
    const enc = encodeMovImmediate(d.x, 31, v);
    if (enc === undefined || ((enc >>> 23) & 0x3f) !== 0x25)
      throw new AsmError(o.range(1), `${hex(v)} cannot be moved to ${d.text.toLowerCase()}: only MOVZ/MOVN immediates can target the zero register`, 'immediate-range');
    return enc;
  }
  if (d.n === 31) {
    // Only the bitmask form can target SP.
    const enc = encodeBitMask(v, d.x ? 64 : 32);
    if (!enc) throw new AsmError(o.range(1), `${hex(v)} cannot be moved to ${d.text.toLowerCase()}: only bitmask immediates can target SP`, 'immediate-range');
    return ((d.x ? 1 : 0) << 31) | (1 << 29) | 0x12000000 | (enc.n << 22) | (enc.immr << 16) | (enc.imms << 10) | (31 << 5) | d.n;
  }
  const enc = encodeMovImmediate(d.x, d.n, v);
  if (enc === undefined)
    throw new AsmError(
      o.range(1),
      `${hex(v)} cannot be loaded by a single ${name.toUpperCase()}; use ldr ${d.text.toLowerCase()}, =${hex(v)} or movz/movk`,
      'immediate-range',
    );
  return enc;
};

const moveWideHandler =
  (opc: number): AsmHandler =>
  (o, name) => {
    o.count(2, 3, 'rd, #imm16{, lsl #shift}');
    const d = o.gpr(0, 'any', 'zr');
    const width = d.x ? 64 : 32;
    const im = o.immAt(o.text(1), o.range(1), false, opc !== 0);
    let v = im.value;
    let hw = 0;
    if (im.absGroup !== undefined) {
      // `movz x0, #:abs_g2:sym` selects bits [47:32] and implies lsl #32.
      if (o.length > 2) throw new AsmError(o.range(2), `no shift may follow a :abs_g${im.absGroup}: immediate (it implies lsl #${16 * im.absGroup})`, 'syntax');
      if (16 * im.absGroup >= width) throw new AsmError(o.range(1), `:abs_g${im.absGroup}: selects bits beyond a ${width}-bit register`, 'immediate-range');
      hw = im.absGroup;
    } else if (o.length > 2) {
      const mod = o.modifier(2);
      if (mod.op !== 'lsl' || mod.amount === undefined || mod.amount % 16 !== 0 || mod.amount >= width)
        throw new AsmError(mod.range, `${name.toUpperCase()} shift must be lsl #0, #16${width === 64 ? ', #32 or #48' : ''}`, 'operand');
      hw = mod.amount / 16;
    } else if (v > 0xffffn && v >= 0n) {
      // GNU as accepts a pre-shifted value, e.g. `movz x0, #0x10000`.
      for (let h = 1; h < width / 16; h++) {
        if ((v & ~(0xffffn << BigInt(h * 16))) === 0n) {
          hw = h;
          v >>= BigInt(h * 16);
          break;
        }
      }
    }
    if (v < 0n || v > 0xffffn) throw new AsmError(o.range(1), `immediate ${fmt(v)} out of range 0..65535 for ${name.toUpperCase()}`, 'immediate-range');
    return moveWide(opc, d.x, d.n, Number(v), hw);
  };

// ---- shifts and bitfields ---------------------------------------------------------

function bitfield(opc: number, sf: boolean, d: number, n: number, immr: number, imms: number): number {
  return ((sf ? 1 : 0) << 31) | (opc << 29) | 0x13000000 | ((sf ? 1 : 0) << 22) | (immr << 16) | (imms << 10) | (n << 5) | d;
}

const shiftHandler =
  (type: number): AsmHandler =>
  (o, name) => {
    o.count(3, 3, 'rd, rn, #amount | rm');
    const d = o.gpr(0, 'any', 'zr');
    const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
    const sf = d.x;
    const width = sf ? 64 : 32;
    if (o.isRegister(2)) {
      const m = o.gpr(2, d.x ? 'x' : 'w', 'zr');
      return ((sf ? 1 : 0) << 31) | 0x1ac02000 | (m.n << 16) | (type << 10) | (n.n << 5) | d.n;
    }
    const s = o.immRange(2, 0, width - 1, 'shift amount');
    switch (type) {
      case 0:
        return bitfield(2, sf, d.n, n.n, (width - s) % width, width - 1 - s);
      case 1:
        return bitfield(2, sf, d.n, n.n, s, width - 1);
      case 2:
        return bitfield(0, sf, d.n, n.n, s, width - 1);
      default:
        return ((sf ? 1 : 0) << 31) | 0x13800000 | ((sf ? 1 : 0) << 22) | (n.n << 16) | (s << 10) | (n.n << 5) | d.n;
    }
  };

const shiftRegHandler =
  (type: number): AsmHandler =>
  (o) => {
    o.count(3, 3, 'rd, rn, rm');
    const d = o.gpr(0, 'any', 'zr');
    const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
    const m = o.gpr(2, d.x ? 'x' : 'w', 'zr');
    return ((d.x ? 1 : 0) << 31) | 0x1ac02000 | (m.n << 16) | (type << 10) | (n.n << 5) | d.n;
  };

/** UBFX/SBFX/BFXIL (lsb, width) and UBFIZ/SBFIZ/BFI/BFC (lsb, width). */
const bitfieldAliasHandler =
  (opc: number, insert: boolean): AsmHandler =>
  (o, name) => {
    const bfc = name === 'bfc';
    o.count(bfc ? 3 : 4, bfc ? 3 : 4, bfc ? 'rd, #lsb, #width' : 'rd, rn, #lsb, #width');
    const d = o.gpr(0, 'any', 'zr');
    const n = bfc ? 31 : o.gpr(1, d.x ? 'x' : 'w', 'zr').n;
    const width = d.x ? 64 : 32;
    const li = bfc ? 1 : 2;
    const lsb = o.immRange(li, 0, width - 1, 'lsb');
    const w = o.immRange(li + 1, 1, width - lsb, 'width');
    if (insert) return bitfield(opc, d.x, d.n, n, (width - lsb) % width, w - 1);
    return bitfield(opc, d.x, d.n, n, lsb, lsb + w - 1);
  };

const bitfieldRawHandler =
  (opc: number): AsmHandler =>
  (o) => {
    o.count(4, 4, 'rd, rn, #immr, #imms');
    const d = o.gpr(0, 'any', 'zr');
    const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
    const width = d.x ? 64 : 32;
    return bitfield(opc, d.x, d.n, n.n, o.immRange(2, 0, width - 1, 'immr'), o.immRange(3, 0, width - 1, 'imms'));
  };

const extendHandler =
  (signed: boolean, imms: number): AsmHandler =>
  (o) => {
    o.count(2, 2, 'rd, wn');
    const d = o.gpr(0, signed && imms < 31 ? 'any' : signed ? 'x' : 'w', 'zr');
    const n = o.gpr(1, 'w', 'zr');
    return bitfield(signed ? 0 : 2, d.x, d.n, n.n, 0, imms);
  };

const extrHandler: AsmHandler = (o) => {
  o.count(4, 4, 'rd, rn, rm, #lsb');
  const d = o.gpr(0, 'any', 'zr');
  const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
  const m = o.gpr(2, d.x ? 'x' : 'w', 'zr');
  const lsb = o.immRange(3, 0, d.x ? 63 : 31, 'lsb');
  return ((d.x ? 1 : 0) << 31) | 0x13800000 | ((d.x ? 1 : 0) << 22) | (m.n << 16) | (lsb << 10) | (n.n << 5) | d.n;
};

// ---- conditional ------------------------------------------------------------------

function condAt(o: Operands, i: number, allowAl: boolean): number {
  const c = conditionCode(o.word(i));
  if (c === undefined) throw new AsmError(o.range(i), `expected a condition (eq ne hs lo mi pl vs vc hi ls ge lt gt le al), got '${o.text(i)}'`, 'operand');
  if (!allowAl && c >= 14) throw new AsmError(o.range(i), `condition ${o.word(i)} is not allowed in ${o.mnemonic.toUpperCase()} (it would invert to nv)`, 'operand');
  return c;
}

const CSEL_OPS: Record<string, [number, number]> = { csel: [0, 0], csinc: [0, 1], csinv: [1, 0], csneg: [1, 1] };

function condSelect(op: number, o2: number, sf: boolean, d: number, n: number, m: number, cond: number): number {
  return ((sf ? 1 : 0) << 31) | (op << 30) | 0x1a800000 | (m << 16) | (cond << 12) | (o2 << 10) | (n << 5) | d;
}

const cselHandler: AsmHandler = (o, name) => {
  o.count(4, 4, 'rd, rn, rm, cond');
  const [op, o2] = CSEL_OPS[name];
  const d = o.gpr(0, 'any', 'zr');
  const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
  const m = o.gpr(2, d.x ? 'x' : 'w', 'zr');
  return condSelect(op, o2, d.x, d.n, n.n, m.n, condAt(o, 3, true));
};

/** CSET/CSETM (rd, cond) and CINC/CINV/CNEG (rd, rn, cond): the condition is inverted in the encoding. */
const condAliasHandler =
  (op: number, o2: number, set: boolean): AsmHandler =>
  (o) => {
    o.count(set ? 2 : 3, set ? 2 : 3, set ? 'rd, cond' : 'rd, rn, cond');
    const d = o.gpr(0, 'any', 'zr');
    const n = set ? 31 : o.gpr(1, d.x ? 'x' : 'w', 'zr').n;
    const cond = condAt(o, set ? 1 : 2, false);
    return condSelect(op, o2, d.x, d.n, n, n, cond ^ 1);
  };

const ccmpHandler =
  (sub: boolean): AsmHandler =>
  (o) => {
    o.count(4, 4, 'rn, rm | #imm5, #nzcv, cond');
    const n = o.gpr(0, 'any', 'zr');
    const nzcv = o.immRange(2, 0, 15, 'nzcv');
    const cond = condAt(o, 3, true);
    const base = ((n.x ? 1 : 0) << 31) | ((sub ? 1 : 0) << 30) | 0x3a400000 | (cond << 12) | (n.n << 5) | nzcv;
    if (o.isRegister(1)) return base | (o.gpr(1, n.x ? 'x' : 'w', 'zr').n << 16);
    return base | (1 << 11) | (o.immRange(1, 0, 31, 'immediate') << 16);
  };

// ---- multiply / divide / misc -------------------------------------------------------

function threeSource(sf: boolean, op31: number, o0: number, d: number, n: number, m: number, a: number): number {
  return ((sf ? 1 : 0) << 31) | 0x1b000000 | (op31 << 21) | (m << 16) | (o0 << 15) | (a << 10) | (n << 5) | d;
}

const maddHandler =
  (o0: number, withA: boolean): AsmHandler =>
  (o) => {
    o.count(withA ? 4 : 3, withA ? 4 : 3, withA ? 'rd, rn, rm, ra' : 'rd, rn, rm');
    const d = o.gpr(0, 'any', 'zr');
    const w = d.x ? 'x' : 'w';
    const n = o.gpr(1, w, 'zr');
    const m = o.gpr(2, w, 'zr');
    const a = withA ? o.gpr(3, w, 'zr').n : 31;
    return threeSource(d.x, 0, o0, d.n, n.n, m.n, a);
  };

const longMulHandler =
  (op31: number, o0: number, withA: boolean): AsmHandler =>
  (o) => {
    o.count(withA ? 4 : 3, withA ? 4 : 3, withA ? 'xd, wn, wm, xa' : 'xd, wn, wm');
    const d = o.gpr(0, 'x', 'zr');
    const n = o.gpr(1, 'w', 'zr');
    const m = o.gpr(2, 'w', 'zr');
    const a = withA ? o.gpr(3, 'x', 'zr').n : 31;
    return threeSource(true, op31, o0, d.n, n.n, m.n, a);
  };

const mulhHandler =
  (op31: number): AsmHandler =>
  (o) => {
    o.count(3, 3, 'xd, xn, xm');
    const d = o.gpr(0, 'x', 'zr');
    return threeSource(true, op31, 0, d.n, o.gpr(1, 'x', 'zr').n, o.gpr(2, 'x', 'zr').n, 31);
  };

const twoSourceHandler =
  (opcode: number): AsmHandler =>
  (o) => {
    o.count(3, 3, 'rd, rn, rm');
    const d = o.gpr(0, 'any', 'zr');
    const w = d.x ? 'x' : 'w';
    return ((d.x ? 1 : 0) << 31) | 0x1ac00000 | (o.gpr(2, w, 'zr').n << 16) | (opcode << 10) | (o.gpr(1, w, 'zr').n << 5) | d.n;
  };

const oneSourceHandler =
  (opcode: number, only?: 'x' | 'w'): AsmHandler =>
  (o) => {
    o.count(2, 2, 'rd, rn');
    const d = o.gpr(0, only ?? 'any', 'zr');
    const n = o.gpr(1, d.x ? 'x' : 'w', 'zr');
    // REV: opcode 2 for W, 3 for X.
    const opc = opcode === -1 ? (d.x ? 3 : 2) : opcode;
    return ((d.x ? 1 : 0) << 31) | 0x5ac00000 | (opc << 10) | (n.n << 5) | d.n;
  };

const carryHandler =
  (sub: boolean, s: boolean, neg: boolean): AsmHandler =>
  (o) => {
    o.count(neg ? 2 : 3, neg ? 2 : 3, neg ? 'rd, rm' : 'rd, rn, rm');
    const d = o.gpr(0, 'any', 'zr');
    const w = d.x ? 'x' : 'w';
    const n = neg ? 31 : o.gpr(1, w, 'zr').n;
    const m = o.gpr(neg ? 1 : 2, w, 'zr').n;
    return ((d.x ? 1 : 0) << 31) | ((sub ? 1 : 0) << 30) | ((s ? 1 : 0) << 29) | 0x1a000000 | (m << 16) | (n << 5) | d.n;
  };

// ---- PC-relative --------------------------------------------------------------------

const adrHandler =
  (page: boolean): AsmHandler =>
  (o, name) => {
    o.count(2, 2, 'xd, label');
    const d = o.gpr(0, 'x', 'zr');
    const t = o.address(1);
    const pc = o.ctx.pc;
    let delta: bigint;
    if (page) {
      delta = BigInt.asIntN(64, (BigInt.asUintN(64, t) & ~0xfffn) - (BigInt.asUintN(64, pc) & ~0xfffn)) >> 12n;
      if (delta < -(1n << 20n) || delta >= 1n << 20n) throw new AsmError(o.range(1), `${name.toUpperCase()} target out of ±4 GB range`, 'immediate-range');
    } else {
      delta = BigInt.asIntN(64, t - pc);
      if (delta < -(1n << 20n) || delta >= 1n << 20n) throw new AsmError(o.range(1), `${name.toUpperCase()} target out of ±1 MB range`, 'immediate-range');
    }
    const v = Number(BigInt.asUintN(21, delta));
    return ((page ? 1 : 0) << 31) | ((v & 3) << 29) | 0x10000000 | ((v >>> 2) << 5) | d.n;
  };

export const DATA_PROCESSING_HANDLERS: Record<string, AsmHandler> = {
  add: addSubHandler(false, false),
  adds: addSubHandler(false, true),
  sub: addSubHandler(true, false),
  subs: addSubHandler(true, true),
  cmp: compareHandler(true),
  cmn: compareHandler(false),
  neg: negHandler(false),
  negs: negHandler(true),
  and: logicalHandler,
  ands: logicalHandler,
  orr: logicalHandler,
  eor: logicalHandler,
  bic: logicalHandler,
  bics: logicalHandler,
  orn: logicalHandler,
  eon: logicalHandler,
  tst: tstHandler,
  mvn: mvnHandler,
  mov: movHandler,
  movz: moveWideHandler(2),
  movn: moveWideHandler(0),
  movk: moveWideHandler(3),
  lsl: shiftHandler(0),
  lsr: shiftHandler(1),
  asr: shiftHandler(2),
  ror: shiftHandler(3),
  lslv: shiftRegHandler(0),
  lsrv: shiftRegHandler(1),
  asrv: shiftRegHandler(2),
  rorv: shiftRegHandler(3),
  ubfm: bitfieldRawHandler(2),
  sbfm: bitfieldRawHandler(0),
  bfm: bitfieldRawHandler(1),
  ubfx: bitfieldAliasHandler(2, false),
  sbfx: bitfieldAliasHandler(0, false),
  bfxil: bitfieldAliasHandler(1, false),
  ubfiz: bitfieldAliasHandler(2, true),
  sbfiz: bitfieldAliasHandler(0, true),
  bfi: bitfieldAliasHandler(1, true),
  bfc: bitfieldAliasHandler(1, true),
  uxtb: extendHandler(false, 7),
  uxth: extendHandler(false, 15),
  sxtb: extendHandler(true, 7),
  sxth: extendHandler(true, 15),
  sxtw: extendHandler(true, 31),
  extr: extrHandler,
  csel: cselHandler,
  csinc: cselHandler,
  csinv: cselHandler,
  csneg: cselHandler,
  cset: condAliasHandler(0, 1, true),
  csetm: condAliasHandler(1, 0, true),
  cinc: condAliasHandler(0, 1, false),
  cinv: condAliasHandler(1, 0, false),
  cneg: condAliasHandler(1, 1, false),
  ccmp: ccmpHandler(true),
  ccmn: ccmpHandler(false),
  mul: maddHandler(0, false),
  mneg: maddHandler(1, false),
  madd: maddHandler(0, true),
  msub: maddHandler(1, true),
  smull: longMulHandler(1, 0, false),
  smnegl: longMulHandler(1, 1, false),
  smaddl: longMulHandler(1, 0, true),
  smsubl: longMulHandler(1, 1, true),
  umull: longMulHandler(5, 0, false),
  umnegl: longMulHandler(5, 1, false),
  umaddl: longMulHandler(5, 0, true),
  umsubl: longMulHandler(5, 1, true),
  smulh: mulhHandler(2),
  umulh: mulhHandler(6),
  udiv: twoSourceHandler(2),
  sdiv: twoSourceHandler(3),
  adc: carryHandler(false, false, false),
  adcs: carryHandler(false, true, false),
  sbc: carryHandler(true, false, false),
  sbcs: carryHandler(true, true, false),
  ngc: carryHandler(true, false, true),
  ngcs: carryHandler(true, true, true),
  rbit: oneSourceHandler(0),
  rev16: oneSourceHandler(1),
  rev32: oneSourceHandler(2, 'x'),
  rev: oneSourceHandler(-1),
  clz: oneSourceHandler(4),
  cls: oneSourceHandler(5),
  adr: adrHandler(false),
  adrp: adrHandler(true),
};
