/**
 * ADD/ADDS/SUB/SUBS (immediate, shifted register, extended register) and
 * ADC/ADCS/SBC/SBCS (Arm ARM C4.1.86 "Data Processing -- Immediate" / C4.1.90
 * "Data Processing -- Register"; semantics C6.2.4-C6.2.9, C6.2.1-C6.2.3, C6.2.342
 * and the aliases CMP, CMN, NEG, NEGS, NGC, NGCS, MOV (to/from SP)).
 *
 * Register index 31 in `pe.xlo/xhi` is never written, so reading `pe.xlo[31]`
 * yields XZR (0) without a branch (pe.ts file comment).
 */
import type { Pe } from '../../pe/pe';
import { R, addWithCarry32, addWithCarry64, extend64, ExtendType, shift32, shift64, ShiftType } from '../arith';
import { AIMM } from '../codecs/immediates';
import { Rd, RdSP, Rm, Rn, RnSP } from '../codecs/registers';
import { EXTENDED_RM, shiftModifier } from '../codecs/shifts';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, InstrClass } from '../decodetree/types';

const SHIFT_ARITH = shiftModifier('arith');
const SHIFT_NEG = shiftModifier('neg');

/** ADD/SUB (immediate): operand 2 as halves; for SUB it is NOT(imm) with carry-in 1 (AddWithCarry). */
function addSubImmediate(f: Fields): Exec {
  const sf = f.sf === 1;
  const sub = f.op === 1;
  const s = f.S === 1;
  const n = f.Rn;
  const d = f.Rd;
  const value = f.imm12 << (f.sh ? 12 : 0);
  const blo = sub ? ~value >>> 0 : value;
  const bhi = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  if (sf) {
    if (s) {
      return (pe) => {
        addWithCarry64(pe, pe.loSp(n), pe.hiSp(n), blo, bhi, cin, true);
        pe.setX(d, R.lo, R.hi);
      };
    }
    if (n !== 31 && d !== 31 && !sub) {
      // The common `add xd, xn, #imm`.
      return (pe) => {
        const lo = pe.xlo[n] + value;
        pe.xhi[d] = pe.xhi[n] + (lo > 0xffffffff ? 1 : 0);
        pe.xlo[d] = lo;
      };
    }
    return (pe) => {
      addWithCarry64(pe, pe.loSp(n), pe.hiSp(n), blo, bhi, cin, false);
      pe.setXSp(d, R.lo, R.hi);
    };
  }
  if (s) {
    return (pe) => {
      addWithCarry32(pe, pe.loSp(n), blo, cin, true);
      pe.setW(d, R.lo);
    };
  }
  return (pe) => {
    addWithCarry32(pe, pe.loSp(n), blo, cin, false);
    pe.setXSp(d, R.lo, 0);
  };
}

/** ADD/SUB (shifted register), C6.2.5: Rm shifted by a constant amount. */
function addSubShifted(f: Fields): Exec {
  const sf = f.sf === 1;
  const sub = f.op === 1;
  const s = f.S === 1;
  const type = f.shift as ShiftType;
  const m = f.Rm;
  const amount = f.imm6;
  const n = f.Rn;
  const d = f.Rd;
  const inv = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  if (sf) {
    if (amount === 0 && !s && !sub) {
      return (pe) => {
        const lo = pe.xlo[n] + pe.xlo[m];
        pe.setX(d, lo >>> 0, (pe.xhi[n] + pe.xhi[m] + (lo > 0xffffffff ? 1 : 0)) >>> 0);
      };
    }
    return (pe) => {
      shift64(type, pe.xlo[m], pe.xhi[m], amount);
      addWithCarry64(pe, pe.xlo[n], pe.xhi[n], R.lo ^ inv, R.hi ^ inv, cin, s);
      pe.setX(d, R.lo, R.hi);
    };
  }
  return (pe) => {
    addWithCarry32(pe, pe.xlo[n], shift32(type, pe.xlo[m], amount) ^ inv, cin, s);
    pe.setW(d, R.lo);
  };
}

/** ADD/SUB (extended register), C6.2.3: Rn and (non-flag-setting) Rd may be SP. */
function addSubExtended(f: Fields): Exec {
  const sf = f.sf === 1;
  const sub = f.op === 1;
  const s = f.S === 1;
  const m = f.Rm;
  const option = f.option as ExtendType;
  const amount = f.imm3;
  const n = f.Rn;
  const d = f.Rd;
  const inv = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  return sf
    ? (pe: Pe) => {
        extend64(option, pe.xlo[m], pe.xhi[m], amount);
        addWithCarry64(pe, pe.loSp(n), pe.hiSp(n), R.lo ^ inv, R.hi ^ inv, cin, s);
        if (s) pe.setX(d, R.lo, R.hi);
        else pe.setXSp(d, R.lo, R.hi);
      }
    : (pe: Pe) => {
        extend64(option, pe.xlo[m], pe.xhi[m], amount);
        addWithCarry32(pe, pe.loSp(n), R.lo ^ inv, cin, s);
        if (s) pe.setW(d, R.lo);
        else pe.setXSp(d, R.lo, 0);
      };
}

/** ADC/SBC (C6.2.1, C6.2.264): AddWithCarry with PSTATE.C as carry-in. */
function addSubCarry(f: Fields): Exec {
  const sf = f.sf === 1;
  const s = f.S === 1;
  const m = f.Rm;
  const n = f.Rn;
  const d = f.Rd;
  const inv = f.op === 1 ? 0xffffffff : 0;
  return sf
    ? (pe: Pe) => {
        addWithCarry64(pe, pe.xlo[n], pe.xhi[n], pe.xlo[m] ^ inv, pe.xhi[m] ^ inv, pe.c, s);
        pe.setX(d, R.lo, R.hi);
      }
    : (pe: Pe) => {
        addWithCarry32(pe, pe.xlo[n], pe.xlo[m] ^ inv, pe.c, s);
        pe.setW(d, R.lo);
      };
}

/** MOV (to/from SP) is ADD #0 with SP as one of the registers; MOV of two general registers is ORR. */
const toOrFromSp = (f: Fields): boolean => f.Rd === 31 || f.Rn === 31;

const ADD = { op: 0, S: 0 };
const ADDS = { op: 0, S: 1 };
const SUB = { op: 1, S: 0 };
const SUBS = { op: 1, S: 1 };

const ENCODINGS: Encoding[] = [
  {
    name: 'ADD/ADDS/SUB/SUBS (immediate)',
    // Bit 23 set is another encoding group (FEAT_MTE ADDG/SUBG).
    pattern: 'sf:1 op:1 S:1 100010 sh:1 imm12:12 Rn:5 Rd:5',
    flow: 'register',
    exec: addSubImmediate,
    forms: [
      form('mov', [RdSP, RnSP], { fixed: { ...ADD, sh: 0, imm12: 0 }, when: toOrFromSp, asmWhen: toOrFromSp }),
      form('cmp', [RnSP, AIMM], { fixed: { ...SUBS, Rd: 31 } }),
      form('cmn', [RnSP, AIMM], { fixed: { ...ADDS, Rd: 31 } }),
      form('add', [RdSP, RnSP, AIMM], { fixed: ADD }),
      form('adds', [Rd, RnSP, AIMM], { fixed: ADDS }),
      form('sub', [RdSP, RnSP, AIMM], { fixed: SUB }),
      form('subs', [Rd, RnSP, AIMM], { fixed: SUBS }),
    ],
  },
  {
    name: 'ADD/ADDS/SUB/SUBS (shifted register)',
    pattern: 'sf:1 op:1 S:1 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5',
    valid: (f) => f.shift !== 3 && (f.sf === 1 || f.imm6 < 32),
    flow: 'register',
    exec: addSubShifted,
    forms: [
      form('cmp', [Rn, Rm, SHIFT_ARITH], { fixed: { ...SUBS, Rd: 31 } }),
      form('cmn', [Rn, Rm, SHIFT_ARITH], { fixed: { ...ADDS, Rd: 31 } }),
      form('neg', [Rd, Rm, SHIFT_NEG], { fixed: { ...SUB, Rn: 31 } }),
      form('negs', [Rd, Rm, SHIFT_NEG], { fixed: { ...SUBS, Rn: 31 } }),
      form('add', [Rd, Rn, Rm, SHIFT_ARITH], { fixed: ADD }),
      form('adds', [Rd, Rn, Rm, SHIFT_ARITH], { fixed: ADDS }),
      form('sub', [Rd, Rn, Rm, SHIFT_ARITH], { fixed: SUB }),
      form('subs', [Rd, Rn, Rm, SHIFT_ARITH], { fixed: SUBS }),
    ],
  },
  {
    name: 'ADD/ADDS/SUB/SUBS (extended register)',
    pattern: 'sf:1 op:1 S:1 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5',
    valid: (f) => f.imm3 <= 4,
    flow: 'register',
    exec: addSubExtended,
    forms: [
      form('cmp', [RnSP, EXTENDED_RM], { fixed: { ...SUBS, Rd: 31 } }),
      form('cmn', [RnSP, EXTENDED_RM], { fixed: { ...ADDS, Rd: 31 } }),
      form('add', [RdSP, RnSP, EXTENDED_RM], { fixed: ADD }),
      form('adds', [Rd, RnSP, EXTENDED_RM], { fixed: ADDS }),
      form('sub', [RdSP, RnSP, EXTENDED_RM], { fixed: SUB }),
      form('subs', [Rd, RnSP, EXTENDED_RM], { fixed: SUBS }),
    ],
  },
  {
    name: 'ADC/ADCS/SBC/SBCS',
    pattern: 'sf:1 op:1 S:1 11010000 Rm:5 000000 Rn:5 Rd:5',
    flow: 'register',
    exec: addSubCarry,
    forms: [
      form('ngc', [Rd, Rm], { fixed: { ...SUB, Rn: 31 } }),
      form('ngcs', [Rd, Rm], { fixed: { ...SUBS, Rn: 31 } }),
      form('adc', [Rd, Rn, Rm], { fixed: ADD }),
      form('adcs', [Rd, Rn, Rm], { fixed: ADDS }),
      form('sbc', [Rd, Rn, Rm], { fixed: SUB }),
      form('sbcs', [Rd, Rn, Rm], { fixed: SUBS }),
    ],
  },
];

export const ADD_SUB: InstrClass = {
  name: 'Add and subtract',
  group: 'data-processing',
  encodings: ENCODINGS,
  docs: {
    mov: 'Move register or immediate (MOVZ/MOVN/ORR chosen as GNU as does)',
    add: 'Add (immediate, shifted or extended register)',
    adds: 'Add, setting flags',
    sub: 'Subtract (immediate, shifted or extended register)',
    subs: 'Subtract, setting flags',
    cmp: 'Compare: SUBS with the result discarded',
    cmn: 'Compare negative: ADDS with the result discarded',
    neg: 'Negate: SUB rd, zr, rm',
    negs: 'Negate, setting flags',
    adc: 'Add with carry',
    adcs: 'Add with carry, setting flags',
    sbc: 'Subtract with carry',
    sbcs: 'Subtract with carry, setting flags',
    ngc: 'Negate with carry',
    ngcs: 'Negate with carry, setting flags',
  },
};
