/**
 * Data-processing instructions: decode of the A64 encoding groups
 * "Data Processing -- Immediate" and "Data Processing -- Register"
 * (Arm ARM C4.1.86 / C4.1.90 encoding index) into closures specialised on
 * their operands, with the disassembly text of the preferred alias.
 *
 * Semantics follow the per-instruction pseudocode of Arm ARM C6.2; the 64-bit
 * helpers live in arith.ts. Register index 31 in `pe.xlo/xhi` is never written,
 * so reading `pe.xlo[31]` yields XZR (0) without a branch (pe.ts file comment).
 */
import type { Pe } from '../pe/pe';
import { vaHi, vaLo } from '../pe/pe';
import {
  R,
  addWithCarry32,
  addWithCarry64,
  cls32,
  cls64,
  extend64,
  ExtendType,
  logicalFlags32,
  logicalFlags64,
  mul64,
  rbit32,
  rev16,
  rev32,
  sdiv32,
  sdiv64,
  shift32,
  shift64,
  ShiftType,
  smul32,
  smulh64,
  udiv32,
  udiv64,
  umul32,
  umulh64,
} from './arith';
import { decodeBitMasks } from './bitmask';
import { CONDITION_NAMES, CONDITION_TESTS } from './conditions';
import { Decoded, dec, field, imm, insn, reg, signExtend, target } from './format';

const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];
const EXTEND_NAMES = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

function lo32(v: bigint): number {
  return Number(v & 0xffffffffn);
}
function hi32(v: bigint): number {
  return Number((v >> 32n) & 0xffffffffn);
}

// ---------------------------------------------------------------------------------
// Data Processing -- Immediate
// ---------------------------------------------------------------------------------

export function decodeDataProcessingImmediate(w: number, pc: bigint): Decoded | undefined {
  const op0 = field(w, 25, 23);
  switch (op0) {
    case 0b000:
    case 0b001:
      return decodePcRelative(w, pc);
    case 0b010:
      return decodeAddSubImmediate(w);
    case 0b100:
      return decodeLogicalImmediate(w);
    case 0b101:
      return decodeMoveWide(w);
    case 0b110:
      return decodeBitfield(w);
    case 0b111:
      return decodeExtract(w);
    default:
      return undefined;
  }
}

/** ADR / ADRP (C6.2.10, C6.2.11): relative to the PC at run time so shared code stays position-independent. */
function decodePcRelative(w: number, pc: bigint): Decoded {
  const page = (w >>> 31) === 1;
  const d = field(w, 4, 0);
  const offset = signExtend((field(w, 23, 5) << 2) | field(w, 30, 29), 21);
  if (page) {
    const delta = offset * 4096;
    const base = (pc & ~0xfffn) + BigInt(delta);
    return {
      mnemonic: 'adrp',
      text: insn('adrp', [reg(d, true), target(base, 0)]),
      exec: (pe) => {
        const va = Math.floor(pe.pc / 4096) * 4096 + delta;
        pe.setX(d, vaLo(va), vaHi(va));
      },
    };
  }
  return {
    mnemonic: 'adr',
    text: insn('adr', [reg(d, true), target(pc, offset)]),
    exec: (pe) => {
      const va = pe.pc + offset;
      pe.setX(d, vaLo(va), vaHi(va));
    },
  };
}

/** ADD/ADDS/SUB/SUBS (immediate), C6.2.4 etc.; aliases MOV (to/from SP), CMP, CMN. */
function decodeAddSubImmediate(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const sub = ((w >>> 30) & 1) === 1;
  const s = ((w >>> 29) & 1) === 1;
  if ((w >>> 22) & 2) return undefined; // bit 23 set: other encodings (e.g. MTE ADDG)
  const sh = (w >>> 22) & 1;
  const imm12 = field(w, 21, 10);
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const value = imm12 << (sh ? 12 : 0);
  const base = sub ? (s ? 'subs' : 'sub') : s ? 'adds' : 'add';

  let text: string;
  const immText = sh ? [imm(imm12), 'lsl #12'] : [imm(imm12)];
  if (!s && !sub && imm12 === 0 && sh === 0 && (d === 31 || n === 31)) text = insn('mov', [reg(d, sf, true), reg(n, sf, true)]);
  else if (s && d === 31) text = insn(sub ? 'cmp' : 'cmn', [reg(n, sf, true), ...immText]);
  else text = insn(base, [reg(d, sf, !s), reg(n, sf, true), ...immText]);
  const mnemonic = text.split(' ')[0];

  // Operand2 as halves: for SUB it is NOT(imm) with carry-in 1.
  const blo = sub ? ~value >>> 0 : value;
  const bhi = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  let exec: (pe: Pe) => void;
  if (sf) {
    if (s) {
      exec = (pe) => {
        addWithCarry64(pe, pe.loSp(n), pe.hiSp(n), blo, bhi, cin, true);
        pe.setX(d, R.lo, R.hi);
      };
    } else if (n !== 31 && d !== 31 && !sub) {
      // Fast path for the common `add xd, xn, #imm`.
      exec = (pe) => {
        const lo = pe.xlo[n] + value;
        pe.xhi[d] = pe.xhi[n] + (lo > 0xffffffff ? 1 : 0);
        pe.xlo[d] = lo;
      };
    } else {
      exec = (pe) => {
        addWithCarry64(pe, pe.loSp(n), pe.hiSp(n), blo, bhi, cin, false);
        pe.setXSp(d, R.lo, R.hi);
      };
    }
  } else if (s) {
    exec = (pe) => {
      addWithCarry32(pe, pe.loSp(n), blo, cin, true);
      pe.setW(d, R.lo);
    };
  } else {
    exec = (pe) => {
      addWithCarry32(pe, pe.loSp(n), blo, cin, false);
      pe.setXSp(d, R.lo, 0);
    };
  }
  return { mnemonic, text, exec };
}

/** Whether a 64/32-bit value can be made by MOVZ or MOVN (then MOV prefers those, C6.2.191). */
export function isMoveWideEncodable(v: bigint, sf: boolean): boolean {
  const width = sf ? 64 : 32;
  const mask = (1n << BigInt(width)) - 1n;
  const u = v & mask;
  for (const x of [u, ~u & mask]) {
    for (let hw = 0; hw < width / 16; hw++) {
      if ((x & ~(0xffffn << BigInt(hw * 16))) === 0n) return true;
    }
  }
  return false;
}

/** AND/ORR/EOR/ANDS (immediate), C6.2.12; aliases MOV (bitmask immediate), TST. */
function decodeLogicalImmediate(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const opc = field(w, 30, 29);
  const nbit = (w >>> 22) & 1;
  if (!sf && nbit) return undefined;
  const masks = decodeBitMasks(nbit, field(w, 15, 10), field(w, 21, 16), true, sf ? 64 : 32);
  if (!masks) return undefined;
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const value = masks.wmask;
  const vlo = lo32(value);
  const vhi = sf ? hi32(value) : 0;
  const names = ['and', 'orr', 'eor', 'ands'];
  let text: string;
  if (opc === 1 && n === 31 && (d === 31 || !isMoveWideEncodable(value, sf))) text = insn('mov', [reg(d, sf, true), imm(value)]);
  else if (opc === 3 && d === 31) text = insn('tst', [reg(n, sf), imm(value)]);
  else text = insn(names[opc], [reg(d, sf, opc !== 3), reg(n, sf), imm(value)]);
  const mnemonic = text.split(' ')[0];
  let exec: (pe: Pe) => void;
  switch (opc) {
    case 0:
      exec = (pe) => pe.setXSp(d, (pe.xlo[n] & vlo) >>> 0, sf ? (pe.xhi[n] & vhi) >>> 0 : 0);
      break;
    case 1:
      exec = (pe) => pe.setXSp(d, (pe.xlo[n] | vlo) >>> 0, sf ? (pe.xhi[n] | vhi) >>> 0 : 0);
      break;
    case 2:
      exec = (pe) => pe.setXSp(d, (pe.xlo[n] ^ vlo) >>> 0, sf ? (pe.xhi[n] ^ vhi) >>> 0 : 0);
      break;
    default:
      exec = sf
        ? (pe) => {
            const lo = (pe.xlo[n] & vlo) >>> 0;
            const hi = (pe.xhi[n] & vhi) >>> 0;
            logicalFlags64(pe, lo, hi);
            pe.setX(d, lo, hi);
          }
        : (pe) => {
            const lo = (pe.xlo[n] & vlo) >>> 0;
            logicalFlags32(pe, lo);
            pe.setW(d, lo);
          };
  }
  return { mnemonic, text, exec };
}

/** MOVN/MOVZ/MOVK (C6.2.197-199); alias MOV (wide immediate). */
function decodeMoveWide(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const opc = field(w, 30, 29);
  const hw = field(w, 22, 21);
  if (opc === 1 || (!sf && hw > 1)) return undefined;
  const imm16 = field(w, 20, 5);
  const d = field(w, 4, 0);
  const pos = hw * 16;
  const shifted = BigInt(imm16) << BigInt(pos);
  const width = sf ? 64 : 32;
  const mask = (1n << BigInt(width)) - 1n;
  const lslText = pos ? [`lsl #${pos}`] : [];
  let text: string;
  if (opc === 2) {
    text = imm16 === 0 && hw !== 0 ? insn('movz', [reg(d, sf), imm(imm16), ...lslText]) : insn('mov', [reg(d, sf), imm(shifted)]);
  } else if (opc === 0) {
    const v = ~shifted & mask;
    text =
      (imm16 === 0 && hw !== 0) || (!sf && imm16 === 0xffff)
        ? insn('movn', [reg(d, sf), imm(imm16), ...lslText])
        : insn('mov', [reg(d, sf), imm(v)]);
  } else {
    text = insn('movk', [reg(d, sf), imm(imm16), ...lslText]);
  }
  const mnemonic = text.split(' ')[0];
  let exec: (pe: Pe) => void;
  if (opc === 3) {
    const keepLo = pos === 0 ? 0xffff0000 : pos === 16 ? 0x0000ffff : 0xffffffff;
    const keepHi = pos === 32 ? 0xffff0000 : pos === 48 ? 0x0000ffff : 0xffffffff;
    const setLo = pos === 0 ? imm16 : pos === 16 ? (imm16 << 16) >>> 0 : 0;
    const setHi = pos === 32 ? imm16 : pos === 48 ? (imm16 << 16) >>> 0 : 0;
    exec = sf
      ? (pe) => pe.setX(d, ((pe.xlo[d] & keepLo) | setLo) >>> 0, ((pe.xhi[d] & keepHi) | setHi) >>> 0)
      : (pe) => pe.setW(d, ((pe.xlo[d] & keepLo) | setLo) >>> 0);
  } else {
    const v = opc === 0 ? ~shifted & mask : shifted;
    const vlo = lo32(v);
    const vhi = hi32(v);
    exec = (pe) => pe.setX(d, vlo, vhi);
  }
  return { mnemonic, text, exec };
}

/** BFXPreferred() from the Arm ARM (UBFX/SBFX vs. other aliases). */
function bfxPreferred(sf: boolean, uns: boolean, imms: number, immr: number): boolean {
  if (imms < immr) return false;
  if (imms === (sf ? 63 : 31)) return false;
  if (immr === 0) {
    if (!sf && (imms === 7 || imms === 15)) return false;
    if (sf && !uns && (imms === 7 || imms === 15 || imms === 31)) return false;
  }
  return true;
}

/** SBFM/BFM/UBFM (C6.2.266, C6.2.36, C6.2.376) and their aliases. */
function decodeBitfield(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const opc = field(w, 30, 29);
  const nbit = (w >>> 22) & 1;
  if (opc === 3 || nbit !== (sf ? 1 : 0)) return undefined;
  const immr = field(w, 21, 16);
  const imms = field(w, 15, 10);
  const width = sf ? 64 : 32;
  if (!sf && (immr > 31 || imms > 31)) return undefined;
  const masks = decodeBitMasks(nbit, imms, immr, false, sf ? 64 : 32);
  if (!masks) return undefined;
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const rd = reg(d, sf);
  const rn = reg(n, sf);

  let text: string;
  if (opc === 0) {
    if (imms === width - 1) text = insn('asr', [rd, rn, dec(immr)]);
    else if (imms < immr) text = insn('sbfiz', [rd, rn, dec(width - immr), dec(imms + 1)]);
    else if (bfxPreferred(sf, false, imms, immr)) text = insn('sbfx', [rd, rn, dec(immr), dec(imms - immr + 1)]);
    else if (immr === 0 && imms === 7) text = insn('sxtb', [rd, reg(n, false)]);
    else if (immr === 0 && imms === 15) text = insn('sxth', [rd, reg(n, false)]);
    else text = insn('sxtw', [rd, reg(n, false)]);
  } else if (opc === 1) {
    if (imms < immr) text = n === 31 ? insn('bfc', [rd, dec(width - immr), dec(imms + 1)]) : insn('bfi', [rd, rn, dec(width - immr), dec(imms + 1)]);
    else text = insn('bfxil', [rd, rn, dec(immr), dec(imms - immr + 1)]);
  } else {
    if (imms !== width - 1 && imms + 1 === immr) text = insn('lsl', [rd, rn, dec(width - 1 - imms)]);
    else if (imms === width - 1) text = insn('lsr', [rd, rn, dec(immr)]);
    else if (imms < immr) text = insn('ubfiz', [rd, rn, dec(width - immr), dec(imms + 1)]);
    else if (bfxPreferred(sf, true, imms, immr)) text = insn('ubfx', [rd, rn, dec(immr), dec(imms - immr + 1)]);
    else if (immr === 0 && imms === 7) text = insn('uxtb', [rd, reg(n, false)]);
    else text = insn('uxth', [rd, reg(n, false)]);
  }
  const mnemonic = text.split(' ')[0];

  const wlo = lo32(masks.wmask);
  const whi = hi32(masks.wmask);
  const tlo = lo32(masks.tmask);
  const thi = hi32(masks.tmask);
  const r = immr;
  const sbit = imms;
  let exec: (pe: Pe) => void;
  if (sf) {
    exec = (pe) => {
      const slo = pe.xlo[n];
      const shi = pe.xhi[n];
      shift64(ShiftType.ROR, slo, shi, r);
      const dlo = opc === 1 ? pe.xlo[d] : 0;
      const dhi = opc === 1 ? pe.xhi[d] : 0;
      // bot = (dst AND NOT wmask) OR (ROR(src, R) AND wmask)
      const blo = (dlo & ~wlo) | (R.lo & wlo);
      const bhi = (dhi & ~whi) | (R.hi & whi);
      // top = extend ? Replicate(src<S>) : dst
      let plo = dlo;
      let phi = dhi;
      if (opc === 0) {
        const bit = sbit < 32 ? (slo >>> sbit) & 1 : (shi >>> (sbit - 32)) & 1;
        plo = phi = bit ? 0xffffffff : 0;
      }
      pe.setX(d, ((plo & ~tlo) | (blo & tlo)) >>> 0, ((phi & ~thi) | (bhi & thi)) >>> 0);
    };
  } else {
    exec = (pe) => {
      const src = pe.xlo[n];
      const rot = shift32(ShiftType.ROR, src, r);
      const dst = opc === 1 ? pe.xlo[d] : 0;
      const bot = (dst & ~wlo) | (rot & wlo);
      const top = opc === 0 ? -((src >>> sbit) & 1) : dst;
      pe.setW(d, ((top & ~tlo) | (bot & tlo)) >>> 0);
    };
  }
  return { mnemonic, text, exec };
}

/** EXTR (C6.2.90); alias ROR (immediate). */
function decodeExtract(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  if (field(w, 30, 29) !== 0 || ((w >>> 22) & 1) !== (sf ? 1 : 0) || ((w >>> 21) & 1) !== 0) return undefined;
  const m = field(w, 20, 16);
  const lsb = field(w, 15, 10);
  if (!sf && lsb > 31) return undefined;
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const text = n === m ? insn('ror', [reg(d, sf), reg(n, sf), dec(lsb)]) : insn('extr', [reg(d, sf), reg(n, sf), reg(m, sf), dec(lsb)]);
  const exec: (pe: Pe) => void = sf
    ? (pe) => {
        // result = (Xn:Xm)<lsb+63:lsb>
        const mlo = pe.xlo[m];
        const mhi = pe.xhi[m];
        const nlo = pe.xlo[n];
        const nhi = pe.xhi[n];
        if (lsb === 0) pe.setX(d, mlo, mhi);
        else if (lsb < 32) pe.setX(d, ((mlo >>> lsb) | (mhi << (32 - lsb))) >>> 0, ((mhi >>> lsb) | (nlo << (32 - lsb))) >>> 0);
        else if (lsb === 32) pe.setX(d, mhi, nlo);
        else {
          const s = lsb - 32;
          pe.setX(d, ((mhi >>> s) | (nlo << (32 - s))) >>> 0, ((nlo >>> s) | (nhi << (32 - s))) >>> 0);
        }
      }
    : (pe) => {
        const mv = pe.xlo[m];
        const nv = pe.xlo[n];
        pe.setW(d, lsb === 0 ? mv : ((mv >>> lsb) | (nv << (32 - lsb))) >>> 0);
      };
  return { mnemonic: text.split(' ')[0], text, exec };
}

// ---------------------------------------------------------------------------------
// Data Processing -- Register
// ---------------------------------------------------------------------------------

export function decodeDataProcessingRegister(w: number): Decoded | undefined {
  const op1 = (w >>> 28) & 1;
  const op2 = field(w, 24, 21);
  if (op1 === 0) {
    if ((op2 & 0b1000) === 0) return decodeLogicalShifted(w);
    if ((op2 & 1) === 0) return decodeAddSubShifted(w);
    return decodeAddSubExtended(w);
  }
  switch (op2) {
    case 0b0000:
      return field(w, 15, 10) === 0 ? decodeAddSubCarry(w) : undefined;
    case 0b0010:
      return ((w >>> 29) & 1) === 1 && ((w >>> 10) & 1) === 0 && ((w >>> 4) & 1) === 0 ? decodeCondCompare(w) : undefined;
    case 0b0100:
      return decodeCondSelect(w);
    case 0b0110:
      return ((w >>> 30) & 1) === 1 ? decodeOneSource(w) : decodeTwoSource(w);
    default:
      return op2 >= 0b1000 ? decodeThreeSource(w) : undefined;
  }
}

/** Shifted register operand: value of Xm shifted, as a closure-free pair of parameters. */
function decodeLogicalShifted(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const opc = field(w, 30, 29);
  const type = field(w, 23, 22) as ShiftType;
  const invert = ((w >>> 21) & 1) === 1;
  const m = field(w, 20, 16);
  const amount = field(w, 15, 10);
  if (!sf && amount > 31) return undefined;
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const names = invert ? ['bic', 'orn', 'eon', 'bics'] : ['and', 'orr', 'eor', 'ands'];
  // `lsr #0` etc. are distinct encodings of the unshifted operand: keep them visible so text round-trips.
  const shiftText = amount !== 0 || type !== ShiftType.LSL ? [`${SHIFT_NAMES[type]} #${amount}`] : [];
  let text: string;
  if (opc === 1 && !invert && n === 31 && amount === 0 && type === ShiftType.LSL) text = insn('mov', [reg(d, sf), reg(m, sf)]);
  else if (opc === 1 && invert && n === 31) text = insn('mvn', [reg(d, sf), reg(m, sf), ...shiftText]);
  else if (opc === 3 && !invert && d === 31) text = insn('tst', [reg(n, sf), reg(m, sf), ...shiftText]);
  else text = insn(names[opc], [reg(d, sf), reg(n, sf), reg(m, sf), ...shiftText]);
  const mnemonic = text.split(' ')[0];
  const inv = invert ? 0xffffffff : 0;

  let exec: (pe: Pe) => void;
  if (sf) {
    const op = (pe: Pe): void => {
      if (amount === 0) {
        R.lo = pe.xlo[m];
        R.hi = pe.xhi[m];
      } else shift64(type, pe.xlo[m], pe.xhi[m], amount);
    };
    switch (opc) {
      case 0:
        exec = (pe) => {
          op(pe);
          pe.setX(d, (pe.xlo[n] & (R.lo ^ inv)) >>> 0, (pe.xhi[n] & (R.hi ^ inv)) >>> 0);
        };
        break;
      case 1:
        exec =
          amount === 0 && !invert && n === 31
            ? (pe) => pe.setX(d, pe.xlo[m], pe.xhi[m])
            : (pe) => {
                op(pe);
                pe.setX(d, (pe.xlo[n] | (R.lo ^ inv)) >>> 0, (pe.xhi[n] | (R.hi ^ inv)) >>> 0);
              };
        break;
      case 2:
        exec = (pe) => {
          op(pe);
          pe.setX(d, (pe.xlo[n] ^ R.lo ^ inv) >>> 0, (pe.xhi[n] ^ R.hi ^ inv) >>> 0);
        };
        break;
      default:
        exec = (pe) => {
          op(pe);
          const lo = (pe.xlo[n] & (R.lo ^ inv)) >>> 0;
          const hi = (pe.xhi[n] & (R.hi ^ inv)) >>> 0;
          logicalFlags64(pe, lo, hi);
          pe.setX(d, lo, hi);
        };
    }
  } else {
    const op = (pe: Pe): number => (amount === 0 ? pe.xlo[m] : shift32(type, pe.xlo[m], amount)) ^ inv;
    switch (opc) {
      case 0:
        exec = (pe) => pe.setW(d, (pe.xlo[n] & op(pe)) >>> 0);
        break;
      case 1:
        exec = (pe) => pe.setW(d, (pe.xlo[n] | op(pe)) >>> 0);
        break;
      case 2:
        exec = (pe) => pe.setW(d, (pe.xlo[n] ^ op(pe)) >>> 0);
        break;
      default:
        exec = (pe) => {
          const lo = (pe.xlo[n] & op(pe)) >>> 0;
          logicalFlags32(pe, lo);
          pe.setW(d, lo);
        };
    }
  }
  return { mnemonic, text, exec };
}

/** ADD/ADDS/SUB/SUBS (shifted register); aliases NEG, NEGS, CMP, CMN. */
function decodeAddSubShifted(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const sub = ((w >>> 30) & 1) === 1;
  const s = ((w >>> 29) & 1) === 1;
  const type = field(w, 23, 22) as ShiftType;
  if (type === ShiftType.ROR) return undefined;
  const m = field(w, 20, 16);
  const amount = field(w, 15, 10);
  if (!sf && amount > 31) return undefined;
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const shiftText = amount !== 0 || type !== ShiftType.LSL ? [`${SHIFT_NAMES[type]} #${amount}`] : [];
  let text: string;
  if (s && d === 31) text = insn(sub ? 'cmp' : 'cmn', [reg(n, sf), reg(m, sf), ...shiftText]);
  else if (sub && n === 31) text = insn(s ? 'negs' : 'neg', [reg(d, sf), reg(m, sf), ...shiftText]);
  else text = insn(sub ? (s ? 'subs' : 'sub') : s ? 'adds' : 'add', [reg(d, sf), reg(n, sf), reg(m, sf), ...shiftText]);
  const mnemonic = text.split(' ')[0];
  const inv = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  let exec: (pe: Pe) => void;
  if (sf) {
    if (amount === 0 && !s && !sub) {
      exec = (pe) => {
        const lo = pe.xlo[n] + pe.xlo[m];
        pe.setX(d, lo >>> 0, (pe.xhi[n] + pe.xhi[m] + (lo > 0xffffffff ? 1 : 0)) >>> 0);
      };
    } else {
      exec = (pe) => {
        shift64(type, pe.xlo[m], pe.xhi[m], amount);
        addWithCarry64(pe, pe.xlo[n], pe.xhi[n], R.lo ^ inv, R.hi ^ inv, cin, s);
        pe.setX(d, R.lo, R.hi);
      };
    }
  } else {
    exec = (pe) => {
      addWithCarry32(pe, pe.xlo[n], shift32(type, pe.xlo[m], amount) ^ inv, cin, s);
      pe.setW(d, R.lo);
    };
  }
  return { mnemonic, text, exec };
}

/** ADD/ADDS/SUB/SUBS (extended register), C6.2.3; Rn and (non-flag-setting) Rd may be SP. */
function decodeAddSubExtended(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const sub = ((w >>> 30) & 1) === 1;
  const s = ((w >>> 29) & 1) === 1;
  if (field(w, 23, 22) !== 0) return undefined;
  const m = field(w, 20, 16);
  const option = field(w, 15, 13) as ExtendType;
  const amount = field(w, 12, 10);
  if (amount > 4) return undefined;
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const mIsX = sf && (option & 3) === 3;
  let ext: string[];
  if ((d === 31 && !s) || n === 31) {
    if (option === (sf ? ExtendType.UXTX : ExtendType.UXTW)) ext = amount === 0 ? [] : [`lsl #${amount}`];
    else ext = [amount === 0 ? EXTEND_NAMES[option] : `${EXTEND_NAMES[option]} #${amount}`];
  } else ext = [amount === 0 ? EXTEND_NAMES[option] : `${EXTEND_NAMES[option]} #${amount}`];
  let text: string;
  if (s && d === 31) text = insn(sub ? 'cmp' : 'cmn', [reg(n, sf, true), reg(m, mIsX), ...ext]);
  else text = insn(sub ? (s ? 'subs' : 'sub') : s ? 'adds' : 'add', [reg(d, sf, !s), reg(n, sf, true), reg(m, mIsX), ...ext]);
  const mnemonic = text.split(' ')[0];
  const inv = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  const exec: (pe: Pe) => void = sf
    ? (pe) => {
        extend64(option, pe.xlo[m], pe.xhi[m], amount);
        addWithCarry64(pe, pe.loSp(n), pe.hiSp(n), R.lo ^ inv, R.hi ^ inv, cin, s);
        if (s) pe.setX(d, R.lo, R.hi);
        else pe.setXSp(d, R.lo, R.hi);
      }
    : (pe) => {
        extend64(option, pe.xlo[m], pe.xhi[m], amount);
        addWithCarry32(pe, pe.loSp(n), R.lo ^ inv, cin, s);
        if (s) pe.setW(d, R.lo);
        else pe.setXSp(d, R.lo, 0);
      };
  return { mnemonic, text, exec };
}

/** ADC/ADCS/SBC/SBCS (C6.2.1); aliases NGC/NGCS. */
function decodeAddSubCarry(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const sub = ((w >>> 30) & 1) === 1;
  const s = ((w >>> 29) & 1) === 1;
  const m = field(w, 20, 16);
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const base = sub ? (s ? 'sbcs' : 'sbc') : s ? 'adcs' : 'adc';
  const text =
    sub && n === 31 ? insn(s ? 'ngcs' : 'ngc', [reg(d, sf), reg(m, sf)]) : insn(base, [reg(d, sf), reg(n, sf), reg(m, sf)]);
  const inv = sub ? 0xffffffff : 0;
  const exec: (pe: Pe) => void = sf
    ? (pe) => {
        addWithCarry64(pe, pe.xlo[n], pe.xhi[n], pe.xlo[m] ^ inv, pe.xhi[m] ^ inv, pe.c, s);
        pe.setX(d, R.lo, R.hi);
      }
    : (pe) => {
        addWithCarry32(pe, pe.xlo[n], pe.xlo[m] ^ inv, pe.c, s);
        pe.setW(d, R.lo);
      };
  return { mnemonic: text.split(' ')[0], text, exec };
}

/** CCMN/CCMP (immediate and register), C6.2.49-52. */
function decodeCondCompare(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const sub = ((w >>> 30) & 1) === 1;
  const isImm = ((w >>> 11) & 1) === 1;
  const m = field(w, 20, 16);
  const cond = field(w, 15, 12);
  const n = field(w, 9, 5);
  const nzcv = field(w, 3, 0);
  const text = insn(sub ? 'ccmp' : 'ccmn', [reg(n, sf), isImm ? dec(m) : reg(m, sf), dec(nzcv), CONDITION_NAMES[cond]]);
  const test = CONDITION_TESTS[cond];
  const fn = (nzcv >>> 3) & 1;
  const fz = (nzcv >>> 2) & 1;
  const fc = (nzcv >>> 1) & 1;
  const fv = nzcv & 1;
  const inv = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  const exec = (pe: Pe): void => {
    if (test(pe)) {
      const blo = isImm ? m : pe.xlo[m];
      const bhi = isImm ? 0 : pe.xhi[m];
      if (sf) addWithCarry64(pe, pe.xlo[n], pe.xhi[n], blo ^ inv, bhi ^ inv, cin, true);
      else addWithCarry32(pe, pe.xlo[n], blo ^ inv, cin, true);
    } else {
      pe.n = fn;
      pe.z = fz;
      pe.c = fc;
      pe.v = fv;
    }
  };
  return { mnemonic: sub ? 'ccmp' : 'ccmn', text, exec };
}

/** CSEL/CSINC/CSINV/CSNEG (C6.2.69 etc.); aliases CSET, CSETM, CINC, CINV, CNEG. */
function decodeCondSelect(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  const op = (w >>> 30) & 1;
  if (((w >>> 29) & 1) !== 0 || ((w >>> 11) & 1) !== 0) return undefined;
  const o2 = (w >>> 10) & 1;
  const m = field(w, 20, 16);
  const cond = field(w, 15, 12);
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const kind = op * 2 + o2; // 0 csel, 1 csinc, 2 csinv, 3 csneg
  const names = ['csel', 'csinc', 'csinv', 'csneg'];
  const inverted = CONDITION_NAMES[cond ^ 1];
  let text: string;
  if (kind !== 0 && cond < 14 && n === m) {
    if (kind === 1 && n === 31) text = insn('cset', [reg(d, sf), inverted]);
    else if (kind === 2 && n === 31) text = insn('csetm', [reg(d, sf), inverted]);
    else text = insn(['', 'cinc', 'cinv', 'cneg'][kind], [reg(d, sf), reg(n, sf), inverted]);
  } else text = insn(names[kind], [reg(d, sf), reg(n, sf), reg(m, sf), CONDITION_NAMES[cond]]);
  const test = CONDITION_TESTS[cond];
  let exec: (pe: Pe) => void;
  switch (kind) {
    case 0:
      exec = (pe) => {
        const s = test(pe) ? n : m;
        pe.setX(d, pe.xlo[s], sf ? pe.xhi[s] : 0);
      };
      break;
    case 1:
      exec = (pe) => {
        if (test(pe)) pe.setX(d, pe.xlo[n], sf ? pe.xhi[n] : 0);
        else {
          const lo = pe.xlo[m] + 1;
          pe.setX(d, lo >>> 0, sf ? (pe.xhi[m] + (lo > 0xffffffff ? 1 : 0)) >>> 0 : 0);
        }
      };
      break;
    case 2:
      exec = (pe) => {
        if (test(pe)) pe.setX(d, pe.xlo[n], sf ? pe.xhi[n] : 0);
        else pe.setX(d, ~pe.xlo[m] >>> 0, sf ? ~pe.xhi[m] >>> 0 : 0);
      };
      break;
    default:
      exec = (pe) => {
        if (test(pe)) pe.setX(d, pe.xlo[n], sf ? pe.xhi[n] : 0);
        else {
          const lo = (~pe.xlo[m] >>> 0) + 1;
          pe.setX(d, lo >>> 0, sf ? (~pe.xhi[m] + (lo > 0xffffffff ? 1 : 0)) >>> 0 : 0);
        }
      };
  }
  return { mnemonic: text.split(' ')[0], text, exec };
}

/** RBIT/REV16/REV32/REV/CLZ/CLS (C6.2 "Data-processing (1 source)"). */
function decodeOneSource(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  if (((w >>> 29) & 1) !== 0 || field(w, 20, 16) !== 0) return undefined;
  const opcode = field(w, 15, 10);
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  let name: string;
  let exec: (pe: Pe) => void;
  switch (opcode) {
    case 0:
      name = 'rbit';
      exec = sf ? (pe) => pe.setX(d, rbit32(pe.xhi[n]), rbit32(pe.xlo[n])) : (pe) => pe.setW(d, rbit32(pe.xlo[n]));
      break;
    case 1:
      name = 'rev16';
      exec = sf ? (pe) => pe.setX(d, rev16(pe.xlo[n]), rev16(pe.xhi[n])) : (pe) => pe.setW(d, rev16(pe.xlo[n]));
      break;
    case 2:
      name = sf ? 'rev32' : 'rev';
      exec = sf ? (pe) => pe.setX(d, rev32(pe.xlo[n]), rev32(pe.xhi[n])) : (pe) => pe.setW(d, rev32(pe.xlo[n]));
      break;
    case 3:
      if (!sf) return undefined;
      name = 'rev';
      exec = (pe) => pe.setX(d, rev32(pe.xhi[n]), rev32(pe.xlo[n]));
      break;
    case 4:
      name = 'clz';
      exec = sf
        ? (pe) => {
            const hi = pe.xhi[n];
            pe.setX(d, hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(pe.xlo[n]), 0);
          }
        : (pe) => pe.setW(d, Math.clz32(pe.xlo[n]));
      break;
    case 5:
      name = 'cls';
      exec = sf ? (pe) => pe.setX(d, cls64(pe.xlo[n], pe.xhi[n]), 0) : (pe) => pe.setW(d, cls32(pe.xlo[n]));
      break;
    default:
      return undefined;
  }
  return { mnemonic: name, text: insn(name, [reg(d, sf), reg(n, sf)]), exec };
}

/** UDIV/SDIV/LSLV/LSRV/ASRV/RORV (C6.2 "Data-processing (2 source)"); shifts disassemble as LSL/LSR/ASR/ROR. */
function decodeTwoSource(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  if (((w >>> 29) & 1) !== 0) return undefined;
  const m = field(w, 20, 16);
  const opcode = field(w, 15, 10);
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  let name: string;
  let exec: (pe: Pe) => void;
  if (opcode === 2 || opcode === 3) {
    const signed = opcode === 3;
    name = signed ? 'sdiv' : 'udiv';
    if (sf) {
      exec = signed
        ? (pe) => {
            sdiv64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
            pe.setX(d, R.lo, R.hi);
          }
        : (pe) => {
            udiv64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
            pe.setX(d, R.lo, R.hi);
          };
    } else {
      exec = signed ? (pe) => pe.setW(d, sdiv32(pe.xlo[n], pe.xlo[m])) : (pe) => pe.setW(d, udiv32(pe.xlo[n], pe.xlo[m]));
    }
  } else if (opcode >= 8 && opcode <= 11) {
    const type = (opcode - 8) as ShiftType;
    name = SHIFT_NAMES[type];
    // ShiftReg: amount = UInt(Xm) MOD datasize (C6.2.178 LSLV).
    exec = sf
      ? (pe) => {
          shift64(type, pe.xlo[n], pe.xhi[n], pe.xlo[m] & 63);
          pe.setX(d, R.lo, R.hi);
        }
      : (pe) => pe.setW(d, shift32(type, pe.xlo[n], pe.xlo[m] & 31));
  } else return undefined;
  return { mnemonic: name, text: insn(name, [reg(d, sf), reg(n, sf), reg(m, sf)]), exec };
}

/** MADD/MSUB/SMADDL/SMSUBL/UMADDL/UMSUBL/SMULH/UMULH (C6.2 "Data-processing (3 source)"). */
function decodeThreeSource(w: number): Decoded | undefined {
  const sf = (w >>> 31) === 1;
  if (field(w, 30, 29) !== 0) return undefined;
  const op31 = field(w, 23, 21);
  const o0 = (w >>> 15) & 1;
  const m = field(w, 20, 16);
  const a = field(w, 14, 10);
  const n = field(w, 9, 5);
  const d = field(w, 4, 0);
  const neg = o0 === 1;
  let text: string;
  let exec: (pe: Pe) => void;
  if (op31 === 0) {
    text =
      a === 31
        ? insn(neg ? 'mneg' : 'mul', [reg(d, sf), reg(n, sf), reg(m, sf)])
        : insn(neg ? 'msub' : 'madd', [reg(d, sf), reg(n, sf), reg(m, sf), reg(a, sf)]);
    if (sf) {
      exec = (pe) => {
        mul64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
        if (neg) addWithCarry64(pe, pe.xlo[a], pe.xhi[a], ~R.lo, ~R.hi, 1, false);
        else addWithCarry64(pe, pe.xlo[a], pe.xhi[a], R.lo, R.hi, 0, false);
        pe.setX(d, R.lo, R.hi);
      };
    } else {
      exec = neg
        ? (pe) => pe.setW(d, (pe.xlo[a] - Math.imul(pe.xlo[n], pe.xlo[m])) >>> 0)
        : (pe) => pe.setW(d, (pe.xlo[a] + Math.imul(pe.xlo[n], pe.xlo[m])) >>> 0);
    }
  } else if (sf && (op31 === 1 || op31 === 5)) {
    const uns = op31 === 5;
    const p = uns ? 'u' : 's';
    text =
      a === 31
        ? insn(`${p}${neg ? 'mnegl' : 'mull'}`, [reg(d, true), reg(n, false), reg(m, false)])
        : insn(`${p}${neg ? 'msubl' : 'maddl'}`, [reg(d, true), reg(n, false), reg(m, false), reg(a, true)]);
    exec = (pe) => {
      if (uns) umul32(pe.xlo[n], pe.xlo[m]);
      else smul32(pe.xlo[n], pe.xlo[m]);
      if (neg) addWithCarry64(pe, pe.xlo[a], pe.xhi[a], ~R.lo, ~R.hi, 1, false);
      else addWithCarry64(pe, pe.xlo[a], pe.xhi[a], R.lo, R.hi, 0, false);
      pe.setX(d, R.lo, R.hi);
    };
  } else if (sf && (op31 === 2 || op31 === 6) && !neg) {
    // Ra is "should be one" for SMULH/UMULH: ignored, as objdump and hardware do.
    const uns = op31 === 6;
    text = insn(uns ? 'umulh' : 'smulh', [reg(d, true), reg(n, true), reg(m, true)]);
    exec = uns
      ? (pe) => {
          umulh64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
          pe.setX(d, R.lo, R.hi);
        }
      : (pe) => {
          smulh64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
          pe.setX(d, R.lo, R.hi);
        };
  } else return undefined;
  return { mnemonic: text.split(' ')[0], text, exec };
}
