/**
 * Branches (Arm ARM C4.1.87 "Branches, Exception Generating and System
 * instructions", the branch part): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ,
 * BR/BLR/RET and ERET. Targets are computed from `pe.pc` at run time so a
 * decoded instruction stays valid wherever the same physical code is mapped.
 */
import type { Pe } from '../pe/pe';
import { toVa, vaHi, vaLo } from '../pe/pe';
import { CONDITION_NAMES, CONDITION_TESTS } from './conditions';
import { Decoded, dec, field, insn, reg, signExtend, target } from './format';

/** B / BL (C6.2.26, C6.2.34): imm26 × 4, ±128 MB. */
export function decodeUnconditional(w: number, pc: bigint): Decoded {
  const link = (w >>> 31) === 1;
  const offset = signExtend(w & 0x3ffffff, 26) * 4;
  const name = link ? 'bl' : 'b';
  return {
    mnemonic: name,
    text: insn(name, [target(pc, offset)]),
    exec: link
      ? (pe) => {
          const ret = pe.pc + 4;
          pe.setX(30, vaLo(ret), vaHi(ret));
          pe.nextPc = pe.pc + offset;
        }
      : (pe) => {
          pe.nextPc = pe.pc + offset;
        },
  };
}

/** B.cond (C6.2.27): imm19 × 4, ±1 MB. */
export function decodeConditional(w: number, pc: bigint): Decoded | undefined {
  if ((w >>> 4) & 1) return undefined; // BC.cond (FEAT_HBC) not modelled
  const cond = w & 15;
  const offset = signExtend(field(w, 23, 5), 19) * 4;
  const test = CONDITION_TESTS[cond];
  const name = `b.${CONDITION_NAMES[cond]}`;
  return {
    mnemonic: name,
    text: insn(name, [target(pc, offset)]),
    exec: (pe) => {
      if (test(pe)) pe.nextPc = pe.pc + offset;
    },
  };
}

/** CBZ/CBNZ (C6.2.47-48). */
export function decodeCompareBranch(w: number, pc: bigint): Decoded {
  const sf = (w >>> 31) === 1;
  const nonZero = ((w >>> 24) & 1) === 1;
  const t = w & 31;
  const offset = signExtend(field(w, 23, 5), 19) * 4;
  const name = nonZero ? 'cbnz' : 'cbz';
  let exec: (pe: Pe) => void;
  if (sf) {
    exec = nonZero
      ? (pe) => {
          if ((pe.xlo[t] | pe.xhi[t]) !== 0) pe.nextPc = pe.pc + offset;
        }
      : (pe) => {
          if ((pe.xlo[t] | pe.xhi[t]) === 0) pe.nextPc = pe.pc + offset;
        };
  } else {
    exec = nonZero
      ? (pe) => {
          if (pe.xlo[t] !== 0) pe.nextPc = pe.pc + offset;
        }
      : (pe) => {
          if (pe.xlo[t] === 0) pe.nextPc = pe.pc + offset;
        };
  }
  return { mnemonic: name, text: insn(name, [reg(t, sf), target(pc, offset)]), exec };
}

/** TBZ/TBNZ (C6.2.356-357): bit b5:b40 of Rt, imm14 × 4, ±32 KB. */
export function decodeTestBranch(w: number, pc: bigint): Decoded {
  const bit = ((w >>> 31) << 5) | field(w, 23, 19);
  const nonZero = ((w >>> 24) & 1) === 1;
  const t = w & 31;
  const offset = signExtend(field(w, 18, 5), 14) * 4;
  const name = nonZero ? 'tbnz' : 'tbz';
  const hiWord = bit >= 32;
  const mask = (1 << (bit & 31)) >>> 0;
  const exec = hiWord
    ? (pe: Pe) => {
        if (((pe.xhi[t] & mask) !== 0) === nonZero) pe.nextPc = pe.pc + offset;
      }
    : (pe: Pe) => {
        if (((pe.xlo[t] & mask) !== 0) === nonZero) pe.nextPc = pe.pc + offset;
      };
  return { mnemonic: name, text: insn(name, [reg(t, bit >= 32), dec(bit), target(pc, offset)]), exec };
}

/** BR/BLR/RET/ERET (C6.2 "Unconditional branch (register)"); pointer-authentication forms are not modelled. */
export function decodeBranchRegister(w: number): Decoded | undefined {
  const opc = field(w, 24, 21);
  const op2 = field(w, 20, 16);
  const op3 = field(w, 15, 10);
  const n = field(w, 9, 5);
  const op4 = w & 31;
  if (op2 !== 31 || op3 !== 0 || op4 !== 0) return undefined;
  switch (opc) {
    case 0:
      return { mnemonic: 'br', text: insn('br', [reg(n, true)]), exec: (pe) => (pe.nextPc = toVa(pe.xlo[n], pe.xhi[n])) };
    case 1:
      return {
        mnemonic: 'blr',
        text: insn('blr', [reg(n, true)]),
        exec: (pe) => {
          const dest = toVa(pe.xlo[n], pe.xhi[n]);
          const ret = pe.pc + 4;
          pe.setX(30, vaLo(ret), vaHi(ret));
          pe.nextPc = dest;
        },
      };
    case 2:
      return {
        mnemonic: 'ret',
        text: n === 30 ? 'ret' : insn('ret', [reg(n, true)]),
        exec: (pe) => (pe.nextPc = toVa(pe.xlo[n], pe.xhi[n])),
      };
    case 4:
      if (n !== 31) return undefined;
      return { mnemonic: 'eret', text: 'eret', exec: (pe) => pe.sys.eret(pe) };
    default:
      return undefined;
  }
}
