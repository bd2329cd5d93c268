/**
 * Logical operations: AND/ORR/EOR/ANDS (immediate, C6.2.12 etc.) and
 * AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register), with the aliases MOV
 * (bitmask immediate and register), MVN and TST. BIC/ORN/EON/BICS with an
 * immediate are GNU as spellings of AND/ORR/EOR/ANDS with the complement.
 * Flags: ANDS sets N and Z and clears C and V (C6.2.14).
 */
import type { Pe } from '../../pe/pe';
import { hi32, lo32, R, logicalFlags32, logicalFlags64, shift32, shift64, ShiftType } from '../arith';
import { bitmask, bitmaskValue, isMoveWideEncodable, widthOf } from '../codecs/immediates';
import { Rd, RdSP, Rm, Rn } from '../codecs/registers';
import { shiftModifier } from '../codecs/shifts';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, InstrClass } from '../decodetree/types';

const BIMM = bitmask('plain');
const INV_BIMM = bitmask('invert');
const SHIFT = shiftModifier('logical');

function logicalImmediate(f: Fields): Exec {
  const sf = f.sf === 1;
  const n = f.Rn;
  const d = f.Rd;
  const value = bitmaskValue(f)!;
  const vlo = lo32(value);
  const vhi = sf ? hi32(value) : 0;
  switch (f.opc) {
    case 0:
      return (pe) => pe.setXSp(d, (pe.xlo[n] & vlo) >>> 0, sf ? (pe.xhi[n] & vhi) >>> 0 : 0);
    case 1:
      return (pe) => pe.setXSp(d, (pe.xlo[n] | vlo) >>> 0, sf ? (pe.xhi[n] | vhi) >>> 0 : 0);
    case 2:
      return (pe) => pe.setXSp(d, (pe.xlo[n] ^ vlo) >>> 0, sf ? (pe.xhi[n] ^ vhi) >>> 0 : 0);
    default:
      return sf
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
}

function logicalShifted64(opc: number, d: number, n: number, m: number, type: ShiftType, amount: number, inv: number): Exec {
  const op = (pe: Pe): void => {
    if (amount === 0) {
      R.lo = pe.xlo[m];
      R.hi = pe.xhi[m];
    } else shift64(type, pe.xlo[m], pe.xhi[m], amount);
  };
  switch (opc) {
    case 0:
      return (pe) => {
        op(pe);
        pe.setX(d, (pe.xlo[n] & (R.lo ^ inv)) >>> 0, (pe.xhi[n] & (R.hi ^ inv)) >>> 0);
      };
    case 1:
      if (amount === 0 && inv === 0 && n === 31) return (pe) => pe.setX(d, pe.xlo[m], pe.xhi[m]);
      return (pe) => {
        op(pe);
        pe.setX(d, (pe.xlo[n] | (R.lo ^ inv)) >>> 0, (pe.xhi[n] | (R.hi ^ inv)) >>> 0);
      };
    case 2:
      return (pe) => {
        op(pe);
        pe.setX(d, (pe.xlo[n] ^ R.lo ^ inv) >>> 0, (pe.xhi[n] ^ R.hi ^ inv) >>> 0);
      };
    default:
      return (pe) => {
        op(pe);
        const lo = (pe.xlo[n] & (R.lo ^ inv)) >>> 0;
        const hi = (pe.xhi[n] & (R.hi ^ inv)) >>> 0;
        logicalFlags64(pe, lo, hi);
        pe.setX(d, lo, hi);
      };
  }
}

function logicalShifted32(opc: number, d: number, n: number, m: number, type: ShiftType, amount: number, inv: number): Exec {
  const op = (pe: Pe): number => (amount === 0 ? pe.xlo[m] : shift32(type, pe.xlo[m], amount)) ^ inv;
  switch (opc) {
    case 0:
      return (pe) => pe.setW(d, (pe.xlo[n] & op(pe)) >>> 0);
    case 1:
      return (pe) => pe.setW(d, (pe.xlo[n] | op(pe)) >>> 0);
    case 2:
      return (pe) => pe.setW(d, (pe.xlo[n] ^ op(pe)) >>> 0);
    default:
      return (pe) => {
        const lo = (pe.xlo[n] & op(pe)) >>> 0;
        logicalFlags32(pe, lo);
        pe.setW(d, lo);
      };
  }
}

function logicalShifted(f: Fields): Exec {
  const inv = f.N === 1 ? 0xffffffff : 0;
  const make = f.sf === 1 ? logicalShifted64 : logicalShifted32;
  return make(f.opc, f.Rd, f.Rn, f.Rm, f.shift, f.imm6, inv);
}

const ENCODINGS: Encoding[] = [
  {
    name: 'AND/ORR/EOR/ANDS (immediate)',
    pattern: 'sf:1 opc:2 100100 N:1 immr:6 imms:6 Rn:5 Rd:5',
    valid: (f) => (f.sf === 1 || f.N === 0) && bitmaskValue(f) !== undefined,
    flow: 'register',
    exec: logicalImmediate,
    forms: [
      // MOV (bitmask immediate) when MOVZ/MOVN cannot make the value (C6.2.191); GNU as tries it last.
      form('mov', [RdSP, bitmask('mov')], {
        fixed: { opc: 1, Rn: 31 },
        when: (f) => f.Rd === 31 || !isMoveWideEncodable(bitmaskValue(f) ?? 0n, widthOf(f) === 64),
        asmOrder: 2,
      }),
      form('tst', [Rn, BIMM], { fixed: { opc: 3, Rd: 31 } }),
      form('and', [RdSP, Rn, BIMM], { fixed: { opc: 0 } }),
      form('orr', [RdSP, Rn, BIMM], { fixed: { opc: 1 } }),
      form('eor', [RdSP, Rn, BIMM], { fixed: { opc: 2 } }),
      form('ands', [Rd, Rn, BIMM], { fixed: { opc: 3 } }),
      form('bic', [RdSP, Rn, INV_BIMM], { fixed: { opc: 0 }, asmOnly: true }),
      form('orn', [RdSP, Rn, INV_BIMM], { fixed: { opc: 1 }, asmOnly: true }),
      form('eon', [RdSP, Rn, INV_BIMM], { fixed: { opc: 2 }, asmOnly: true }),
      form('bics', [Rd, Rn, INV_BIMM], { fixed: { opc: 3 }, asmOnly: true }),
    ],
  },
  {
    name: 'AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register)',
    pattern: 'sf:1 opc:2 01010 shift:2 N:1 Rm:5 imm6:6 Rn:5 Rd:5',
    valid: (f) => f.sf === 1 || f.imm6 < 32,
    flow: 'register',
    exec: logicalShifted,
    forms: [
      form('mov', [Rd, Rm], { fixed: { opc: 1, N: 0, Rn: 31, shift: 0, imm6: 0 } }),
      form('mvn', [Rd, Rm, SHIFT], { fixed: { opc: 1, N: 1, Rn: 31 } }),
      form('tst', [Rn, Rm, SHIFT], { fixed: { opc: 3, N: 0, Rd: 31 } }),
      form('and', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 0, N: 0 } }),
      form('bic', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 0, N: 1 } }),
      form('orr', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 1, N: 0 } }),
      form('orn', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 1, N: 1 } }),
      form('eor', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 2, N: 0 } }),
      form('eon', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 2, N: 1 } }),
      form('ands', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 3, N: 0 } }),
      form('bics', [Rd, Rn, Rm, SHIFT], { fixed: { opc: 3, N: 1 } }),
    ],
  },
];

export const LOGICAL: InstrClass = {
  name: 'Logical',
  group: 'data-processing',
  encodings: ENCODINGS,
  docs: {
    and: 'Bitwise AND (bitmask immediate or shifted register)',
    ands: 'Bitwise AND, setting N and Z (C, V cleared)',
    orr: 'Bitwise OR',
    eor: 'Bitwise exclusive OR',
    bic: 'Bit clear: rn AND NOT operand',
    bics: 'Bit clear, setting flags',
    orn: 'Bitwise OR NOT',
    eon: 'Bitwise exclusive OR NOT',
    tst: 'Test bits: ANDS with the result discarded',
    mvn: 'Bitwise NOT: ORN rd, zr, rm',
  },
};
