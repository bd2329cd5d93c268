/**
 * Data processing with one, two or three source registers (Arm ARM C4.1.90):
 * RBIT/REV16/REV32/REV/CLZ/CLS; UDIV/SDIV and the variable shifts LSLV/LSRV/
 * ASRV/RORV (written LSL/LSR/ASR/ROR); MADD/MSUB/SMADDL/SMSUBL/UMADDL/UMSUBL/
 * SMULH/UMULH with MUL, MNEG, SMULL, SMNEGL, UMULL, UMNEGL.
 * Division by zero gives 0 (C6.2.374 UDIV).
 */
import {
  R,
  addWithCarry64,
  cls32,
  cls64,
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
} from '../arith';
import { Ra, Rd, Rm, Rn, Wm, Wn, Xa, Xd, Xm, Xn } from '../codecs/registers';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, InstrClass } from '../decodetree/types';

function oneSource(f: Fields): Exec {
  const sf = f.sf === 1;
  const n = f.Rn;
  const d = f.Rd;
  switch (f.opcode) {
    case 0:
      return sf ? (pe) => pe.setX(d, rbit32(pe.xhi[n]), rbit32(pe.xlo[n])) : (pe) => pe.setW(d, rbit32(pe.xlo[n]));
    case 1:
      return sf ? (pe) => pe.setX(d, rev16(pe.xlo[n]), rev16(pe.xhi[n])) : (pe) => pe.setW(d, rev16(pe.xlo[n]));
    case 2:
      return sf ? (pe) => pe.setX(d, rev32(pe.xlo[n]), rev32(pe.xhi[n])) : (pe) => pe.setW(d, rev32(pe.xlo[n]));
    case 3:
      return (pe) => pe.setX(d, rev32(pe.xhi[n]), rev32(pe.xlo[n]));
    case 4:
      return sf
        ? (pe) => {
            const hi = pe.xhi[n];
            pe.setX(d, hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(pe.xlo[n]), 0);
          }
        : (pe) => pe.setW(d, Math.clz32(pe.xlo[n]));
    default:
      return sf ? (pe) => pe.setX(d, cls64(pe.xlo[n], pe.xhi[n]), 0) : (pe) => pe.setW(d, cls32(pe.xlo[n]));
  }
}

function twoSource(f: Fields): Exec {
  const sf = f.sf === 1;
  const m = f.Rm;
  const n = f.Rn;
  const d = f.Rd;
  if (f.opcode === 2 || f.opcode === 3) {
    const signed = f.opcode === 3;
    if (!sf) return signed ? (pe) => pe.setW(d, sdiv32(pe.xlo[n], pe.xlo[m])) : (pe) => pe.setW(d, udiv32(pe.xlo[n], pe.xlo[m]));
    return signed
      ? (pe) => {
          sdiv64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
          pe.setX(d, R.lo, R.hi);
        }
      : (pe) => {
          udiv64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
          pe.setX(d, R.lo, R.hi);
        };
  }
  const type = (f.opcode - 8) as ShiftType;
  // ShiftReg: amount = UInt(Xm) MOD datasize (C6.2.178 LSLV).
  return sf
    ? (pe) => {
        shift64(type, pe.xlo[n], pe.xhi[n], pe.xlo[m] & 63);
        pe.setX(d, R.lo, R.hi);
      }
    : (pe) => pe.setW(d, shift32(type, pe.xlo[n], pe.xlo[m] & 31));
}

function threeSource(f: Fields): Exec {
  const sf = f.sf === 1;
  const m = f.Rm;
  const a = f.Ra;
  const n = f.Rn;
  const d = f.Rd;
  const neg = f.o0 === 1;
  if (f.op31 === 0) {
    if (!sf) {
      return neg
        ? (pe) => pe.setW(d, (pe.xlo[a] - Math.imul(pe.xlo[n], pe.xlo[m])) >>> 0)
        : (pe) => pe.setW(d, (pe.xlo[a] + Math.imul(pe.xlo[n], pe.xlo[m])) >>> 0);
    }
    return (pe) => {
      mul64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
      if (neg) addWithCarry64(pe, pe.xlo[a], pe.xhi[a], ~R.lo, ~R.hi, 1, false);
      else addWithCarry64(pe, pe.xlo[a], pe.xhi[a], R.lo, R.hi, 0, false);
      pe.setX(d, R.lo, R.hi);
    };
  }
  if (f.op31 === 1 || f.op31 === 5) {
    const uns = f.op31 === 5;
    return (pe) => {
      if (uns) umul32(pe.xlo[n], pe.xlo[m]);
      else smul32(pe.xlo[n], pe.xlo[m]);
      if (neg) addWithCarry64(pe, pe.xlo[a], pe.xhi[a], ~R.lo, ~R.hi, 1, false);
      else addWithCarry64(pe, pe.xlo[a], pe.xhi[a], R.lo, R.hi, 0, false);
      pe.setX(d, R.lo, R.hi);
    };
  }
  return f.op31 === 6
    ? (pe) => {
        umulh64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
        pe.setX(d, R.lo, R.hi);
      }
    : (pe) => {
        smulh64(pe.xlo[n], pe.xhi[n], pe.xlo[m], pe.xhi[m]);
        pe.setX(d, R.lo, R.hi);
      };
}

const RRR = [Rd, Rn, Rm];

/** The long multiplies (C6.2.262 SMADDL …): 32 × 32 → 64-bit. */
function longMultiplies(prefix: 's' | 'u', op31: number) {
  return [
    form(`${prefix}mull`, [Xd, Wn, Wm], { fixed: { sf: 1, op31, o0: 0, Ra: 31 } }),
    form(`${prefix}mnegl`, [Xd, Wn, Wm], { fixed: { sf: 1, op31, o0: 1, Ra: 31 } }),
    form(`${prefix}maddl`, [Xd, Wn, Wm, Xa], { fixed: { sf: 1, op31, o0: 0 } }),
    form(`${prefix}msubl`, [Xd, Wn, Wm, Xa], { fixed: { sf: 1, op31, o0: 1 } }),
  ];
}

const ENCODINGS: Encoding[] = [
  {
    name: 'Data-processing (1 source)',
    pattern: 'sf:1 1 0 11010110 00000 opcode:6 Rn:5 Rd:5',
    valid: (f) => f.opcode <= 5 && (f.opcode !== 3 || f.sf === 1),
    flow: 'register',
    exec: oneSource,
    forms: [
      form('rbit', [Rd, Rn], { fixed: { opcode: 0 } }),
      form('rev16', [Rd, Rn], { fixed: { opcode: 1 } }),
      form('rev32', [Xd, Xn], { fixed: { opcode: 2, sf: 1 } }),
      form('rev', [Rd, Rn], { fixed: { opcode: 2, sf: 0 } }),
      form('rev', [Rd, Rn], { fixed: { opcode: 3, sf: 1 } }),
      form('clz', [Rd, Rn], { fixed: { opcode: 4 } }),
      form('cls', [Rd, Rn], { fixed: { opcode: 5 } }),
    ],
  },
  {
    name: 'Data-processing (2 source)',
    pattern: 'sf:1 0 0 11010110 Rm:5 opcode:6 Rn:5 Rd:5',
    valid: (f) => f.opcode === 2 || f.opcode === 3 || (f.opcode >= 8 && f.opcode <= 11),
    flow: 'register',
    exec: twoSource,
    forms: [
      form('udiv', RRR, { fixed: { opcode: 2 } }),
      form('sdiv', RRR, { fixed: { opcode: 3 } }),
      form('lsl', RRR, { fixed: { opcode: 8 } }),
      form('lslv', RRR, { fixed: { opcode: 8 } }),
      form('lsr', RRR, { fixed: { opcode: 9 } }),
      form('lsrv', RRR, { fixed: { opcode: 9 } }),
      form('asr', RRR, { fixed: { opcode: 10 } }),
      form('asrv', RRR, { fixed: { opcode: 10 } }),
      form('ror', RRR, { fixed: { opcode: 11 } }),
      form('rorv', RRR, { fixed: { opcode: 11 } }),
    ],
  },
  {
    name: 'Data-processing (3 source)',
    pattern: 'sf:1 00 11011 op31:3 Rm:5 o0:1 Ra:5 Rn:5 Rd:5',
    valid: (f) => f.op31 === 0 || (f.sf === 1 && (f.op31 === 1 || f.op31 === 5 || ((f.op31 === 2 || f.op31 === 6) && f.o0 === 0))),
    flow: 'register',
    exec: threeSource,
    forms: [
      form('mul', RRR, { fixed: { op31: 0, o0: 0, Ra: 31 } }),
      form('mneg', RRR, { fixed: { op31: 0, o0: 1, Ra: 31 } }),
      form('madd', [...RRR, Ra], { fixed: { op31: 0, o0: 0 } }),
      form('msub', [...RRR, Ra], { fixed: { op31: 0, o0: 1 } }),
      ...longMultiplies('s', 1),
      ...longMultiplies('u', 5),
      // Ra is "should be one" for SMULH/UMULH: ignored, as objdump and hardware do.
      form('smulh', [Xd, Xn, Xm], { fixed: { sf: 1, op31: 2, o0: 0 }, ignored: { Ra: 31 } }),
      form('umulh', [Xd, Xn, Xm], { fixed: { sf: 1, op31: 6, o0: 0 }, ignored: { Ra: 31 } }),
    ],
  },
];

export const MULTIPLY_DIVIDE: InstrClass = {
  name: 'Data-processing (1, 2 and 3 source)',
  group: 'data-processing',
  encodings: ENCODINGS,
  docs: {
    lslv: 'Logical shift left variable',
    lsrv: 'Logical shift right variable',
    asrv: 'Arithmetic shift right variable',
    rorv: 'Rotate right variable',
    mul: 'Multiply',
    mneg: 'Multiply-negate',
    madd: 'Multiply-add: ra + rn × rm',
    msub: 'Multiply-subtract: ra - rn × rm',
    smull: 'Signed multiply long (32×32 → 64)',
    umull: 'Unsigned multiply long (32×32 → 64)',
    smnegl: 'Signed multiply-negate long',
    umnegl: 'Unsigned multiply-negate long',
    smaddl: 'Signed multiply-add long',
    umaddl: 'Unsigned multiply-add long',
    smsubl: 'Signed multiply-subtract long',
    umsubl: 'Unsigned multiply-subtract long',
    smulh: 'Signed multiply high (bits 127:64)',
    umulh: 'Unsigned multiply high (bits 127:64)',
    udiv: 'Unsigned divide (x/0 = 0)',
    sdiv: 'Signed divide (x/0 = 0)',
    clz: 'Count leading zeros',
    cls: 'Count leading sign bits',
    rbit: 'Reverse bits',
    rev: 'Reverse bytes',
    rev16: 'Reverse bytes in each halfword',
    rev32: 'Reverse bytes in each word',
  },
};
