/**
 * Conditional compare CCMN/CCMP (register and immediate, C6.2.49-52) and
 * conditional select CSEL/CSINC/CSINV/CSNEG (C6.2.69 etc.) with the aliases
 * CSET, CSETM, CINC, CINV, CNEG, whose condition is encoded inverted.
 */
import { addWithCarry32, addWithCarry64 } from '../arith';
import { CONDITION_TESTS } from '../conditions';
import { uimm } from '../codecs/immediates';
import { gpr, Rd, Rm, Rn } from '../codecs/registers';
import { COND, INV_COND } from '../codecs/shifts';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, InstrClass } from '../decodetree/types';

const NZCV = uimm('nzcv', { max: 15, what: 'nzcv', decimal: true });
const IMM5 = uimm('imm5', { max: 31, what: 'immediate', decimal: true, usage: '#imm5' });
/** CINC/CINV/CNEG: Rm = Rn. */
const RnTied = gpr('Rn', { width: 'sf', r31: 'zr', tie: ['Rm'] });

function conditionalCompare(f: Fields, isImm: boolean): Exec {
  const sf = f.sf === 1;
  const sub = f.op === 1;
  const m = isImm ? 0 : f.Rm;
  const imm5 = isImm ? f.imm5 : 0;
  const n = f.Rn;
  const test = CONDITION_TESTS[f.cond];
  const fn = (f.nzcv >>> 3) & 1;
  const fz = (f.nzcv >>> 2) & 1;
  const fc = (f.nzcv >>> 1) & 1;
  const fv = f.nzcv & 1;
  const inv = sub ? 0xffffffff : 0;
  const cin = sub ? 1 : 0;
  return (pe) => {
    if (test(pe)) {
      const blo = isImm ? imm5 : pe.xlo[m];
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
}

function conditionalSelect(f: Fields): Exec {
  const sf = f.sf === 1;
  const m = f.Rm;
  const n = f.Rn;
  const d = f.Rd;
  const test = CONDITION_TESTS[f.cond];
  switch (f.op * 2 + f.o2) {
    case 0: // CSEL
      return (pe) => {
        const s = test(pe) ? n : m;
        pe.setX(d, pe.xlo[s], sf ? pe.xhi[s] : 0);
      };
    case 1: // CSINC
      return (pe) => {
        if (test(pe)) pe.setX(d, pe.xlo[n], sf ? pe.xhi[n] : 0);
        else {
          const lo = pe.xlo[m] + 1;
          pe.setX(d, lo >>> 0, sf ? (pe.xhi[m] + (lo > 0xffffffff ? 1 : 0)) >>> 0 : 0);
        }
      };
    case 2: // CSINV
      return (pe) => {
        if (test(pe)) pe.setX(d, pe.xlo[n], sf ? pe.xhi[n] : 0);
        else pe.setX(d, ~pe.xlo[m] >>> 0, sf ? ~pe.xhi[m] >>> 0 : 0);
      };
    default: // CSNEG
      return (pe) => {
        if (test(pe)) pe.setX(d, pe.xlo[n], sf ? pe.xhi[n] : 0);
        else {
          const lo = (~pe.xlo[m] >>> 0) + 1;
          pe.setX(d, lo >>> 0, sf ? (~pe.xhi[m] + (lo > 0xffffffff ? 1 : 0)) >>> 0 : 0);
        }
      };
  }
}

/** The aliases apply when the condition is not AL/NV and Rn = Rm (C6.2.70 CSINC "Alias conditions"). */
const aliased = (f: Fields): boolean => f.cond < 14 && f.Rn === f.Rm;

const CSINC = { op: 0, o2: 1 };
const CSINV = { op: 1, o2: 0 };
const CSNEG = { op: 1, o2: 1 };

const ENCODINGS: Encoding[] = [
  {
    name: 'CCMN/CCMP (register)',
    pattern: 'sf:1 op:1 1 11010010 Rm:5 cond:4 0 0 Rn:5 0 nzcv:4',
    flow: 'register',
    exec: (f) => conditionalCompare(f, false),
    forms: [form('ccmp', [Rn, Rm, NZCV, COND], { fixed: { op: 1 } }), form('ccmn', [Rn, Rm, NZCV, COND], { fixed: { op: 0 } })],
  },
  {
    name: 'CCMN/CCMP (immediate)',
    pattern: 'sf:1 op:1 1 11010010 imm5:5 cond:4 1 0 Rn:5 0 nzcv:4',
    flow: 'register',
    exec: (f) => conditionalCompare(f, true),
    forms: [form('ccmp', [Rn, IMM5, NZCV, COND], { fixed: { op: 1 } }), form('ccmn', [Rn, IMM5, NZCV, COND], { fixed: { op: 0 } })],
  },
  {
    name: 'CSEL/CSINC/CSINV/CSNEG',
    pattern: 'sf:1 op:1 0 11010100 Rm:5 cond:4 0 o2:1 Rn:5 Rd:5',
    flow: 'register',
    exec: conditionalSelect,
    forms: [
      form('cset', [Rd, INV_COND], { fixed: { ...CSINC, Rn: 31, Rm: 31 }, when: aliased }),
      form('csetm', [Rd, INV_COND], { fixed: { ...CSINV, Rn: 31, Rm: 31 }, when: aliased }),
      form('cinc', [Rd, RnTied, INV_COND], { fixed: CSINC, when: aliased }),
      form('cinv', [Rd, RnTied, INV_COND], { fixed: CSINV, when: aliased }),
      form('cneg', [Rd, RnTied, INV_COND], { fixed: CSNEG, when: aliased }),
      form('csel', [Rd, Rn, Rm, COND], { fixed: { op: 0, o2: 0 } }),
      form('csinc', [Rd, Rn, Rm, COND], { fixed: CSINC }),
      form('csinv', [Rd, Rn, Rm, COND], { fixed: CSINV }),
      form('csneg', [Rd, Rn, Rm, COND], { fixed: CSNEG }),
    ],
  },
];

export const CONDITIONAL: InstrClass = {
  name: 'Conditional compare and select',
  group: 'data-processing',
  encodings: ENCODINGS,
  docs: {
    csel: 'Conditional select',
    csinc: 'Conditional select increment',
    csinv: 'Conditional select invert',
    csneg: 'Conditional select negate',
    cset: 'Conditional set: 1 if cond holds, else 0',
    csetm: 'Conditional set mask: all ones if cond holds, else 0',
    cinc: 'Conditional increment',
    cinv: 'Conditional invert',
    cneg: 'Conditional negate',
    ccmp: 'Conditional compare: flags of rn - op if cond holds, else #nzcv',
    ccmn: 'Conditional compare negative',
  },
};
