/**
 * Branches (Arm ARM C4.1.87): B, BL (C6.2.26, C6.2.34), B.cond (C6.2.27),
 * CBZ/CBNZ (C6.2.47-48), TBZ/TBNZ (C6.2.356-357), BR/BLR/RET and ERET.
 * Targets are computed from `pe.pc` at run time so a decoded instruction stays
 * valid wherever the same physical code is mapped.
 */
import type { Pe } from '../../pe/pe';
import { toVa, vaHi, vaLo } from '../../pe/pe';
import { CONDITION_NAMES, CONDITION_SUMMARY, CONDITION_TESTS } from '../conditions';
import { BRANCH14, BRANCH19, BRANCH26 } from '../codecs/labels';
import { gpr, Xn } from '../codecs/registers';
import { TEST_BIT } from '../codecs/shifts';
import { mnemonicRange } from '../codecs/system';
import { form } from '../decodetree/form';
import type { Encoding, Exec, Fields, Form, InstrClass } from '../decodetree/types';
import { signExtend } from '../format';

const Rt = gpr('Rt', { width: 'sf', r31: 'zr' });
/** TBZ/TBNZ: any width is accepted; the disassembly shows X when the bit number is above 31. */
const RtTest = gpr('Rt', { width: 'any', r31: 'zr', printWidth: (f) => f.b5 === 1 });

function unconditional(f: Fields): Exec {
  const offset = signExtend(f.imm26, 26) * 4;
  if (f.op === 1) {
    return (pe) => {
      const ret = pe.pc + 4;
      pe.setX(30, vaLo(ret), vaHi(ret));
      pe.nextPc = pe.pc + offset;
    };
  }
  return (pe) => {
    pe.nextPc = pe.pc + offset;
  };
}

function conditional(f: Fields): Exec {
  const offset = signExtend(f.imm19, 19) * 4;
  const test = CONDITION_TESTS[f.cond];
  return (pe) => {
    if (test(pe)) pe.nextPc = pe.pc + offset;
  };
}

function compareBranch(f: Fields): Exec {
  const t = f.Rt;
  const offset = signExtend(f.imm19, 19) * 4;
  if (f.sf === 1) {
    return f.op === 1
      ? (pe) => {
          if ((pe.xlo[t] | pe.xhi[t]) !== 0) pe.nextPc = pe.pc + offset;
        }
      : (pe) => {
          if ((pe.xlo[t] | pe.xhi[t]) === 0) pe.nextPc = pe.pc + offset;
        };
  }
  return f.op === 1
    ? (pe) => {
        if (pe.xlo[t] !== 0) pe.nextPc = pe.pc + offset;
      }
    : (pe) => {
        if (pe.xlo[t] === 0) pe.nextPc = pe.pc + offset;
      };
}

function testBranch(f: Fields): Exec {
  const t = f.Rt;
  const nonZero = f.op === 1;
  const offset = signExtend(f.imm14, 14) * 4;
  const mask = (1 << f.b40) >>> 0;
  return f.b5 === 1
    ? (pe: Pe) => {
        if (((pe.xhi[t] & mask) !== 0) === nonZero) pe.nextPc = pe.pc + offset;
      }
    : (pe: Pe) => {
        if (((pe.xlo[t] & mask) !== 0) === nonZero) pe.nextPc = pe.pc + offset;
      };
}

function branchRegister(f: Fields): Exec {
  const n = f.Rn;
  if (f.opc === 1) {
    return (pe) => {
      const dest = toVa(pe.xlo[n], pe.xhi[n]);
      const ret = pe.pc + 4;
      pe.setX(30, vaLo(ret), vaHi(ret));
      pe.nextPc = dest;
    };
  }
  // BR and RET differ only in the branch-prediction hint.
  return (pe) => {
    pe.nextPc = toVa(pe.xlo[n], pe.xhi[n]);
  };
}

/** B.<cond> for every condition, plus the hs/lo spellings of cs/cc. */
function conditionForms(): Form[] {
  const forms = CONDITION_NAMES.map((c, cond) => form(`b.${c}`, [BRANCH19], { fixed: { cond } }));
  forms.push(form('b.hs', [BRANCH19], { fixed: { cond: 2 }, asmOnly: true }), form('b.lo', [BRANCH19], { fixed: { cond: 3 }, asmOnly: true }));
  return forms;
}

const ENCODINGS: Encoding[] = [
  {
    name: 'B/BL',
    pattern: 'op:1 00101 imm26:26',
    flow: 'branch',
    exec: unconditional,
    forms: [form('b', [BRANCH26], { fixed: { op: 0 } }), form('bl', [BRANCH26], { fixed: { op: 1 } })],
  },
  {
    // BC.cond (FEAT_HBC, bit 4 set) is not modelled.
    name: 'B.cond',
    pattern: '01010100 imm19:19 0 cond:4',
    flow: 'branch',
    exec: conditional,
    forms: conditionForms(),
  },
  {
    name: 'CBZ/CBNZ',
    pattern: 'sf:1 011010 op:1 imm19:19 Rt:5',
    flow: 'branch',
    exec: compareBranch,
    forms: [form('cbz', [Rt, BRANCH19], { fixed: { op: 0 } }), form('cbnz', [Rt, BRANCH19], { fixed: { op: 1 } })],
  },
  {
    name: 'TBZ/TBNZ',
    pattern: 'b5:1 011011 op:1 b40:5 imm14:14 Rt:5',
    flow: 'branch',
    exec: testBranch,
    forms: [form('tbz', [RtTest, TEST_BIT, BRANCH14], { fixed: { op: 0 } }), form('tbnz', [RtTest, TEST_BIT, BRANCH14], { fixed: { op: 1 } })],
  },
  {
    // Pointer-authentication forms (op3 ≠ 0) are not modelled.
    name: 'BR/BLR/RET',
    pattern: '1101011 0 0 opc:2 11111 000000 Rn:5 00000',
    valid: (f) => f.opc <= 2,
    flow: 'branch',
    exec: branchRegister,
    forms: [
      form('br', [Xn], { fixed: { opc: 0 } }),
      form('blr', [Xn], { fixed: { opc: 1 } }),
      form('ret', [], { fixed: { opc: 2, Rn: 30 } }),
      form('ret', [Xn], { fixed: { opc: 2 } }),
    ],
  },
  {
    name: 'ERET',
    pattern: '11010110100111110000001111100000',
    flow: 'system',
    exec: () => (pe) => pe.sys.eret(pe),
    forms: [
      form('eret', [], {
        check: (_f, a) => {
          // ERET is UNDEFINED at EL0 (Arm ARM C6.2 ERET).
          if (a.ctx.el === 0) a.warnings.push({ range: mnemonicRange(a), message: 'ERET is UNDEFINED at EL0' });
        },
      }),
    ],
  },
];

const CONDITION_DOCS: Record<string, string> = Object.fromEntries(CONDITION_NAMES.map((c) => [`b.${c}`, `Branch if ${CONDITION_SUMMARY[c]} (±1 MB)`]));

export const BRANCHES: InstrClass = {
  name: 'Branches',
  group: 'branch',
  encodings: ENCODINGS,
  docs: {
    b: 'Branch (±128 MB)',
    bl: 'Branch with link: X30 = return address (±128 MB)',
    br: 'Branch to register',
    blr: 'Branch with link to register',
    ret: 'Return (branch to X30 or xn)',
    cbz: 'Compare and branch if zero (±1 MB)',
    cbnz: 'Compare and branch if nonzero (±1 MB)',
    tbz: 'Test bit and branch if zero (±32 KB)',
    tbnz: 'Test bit and branch if nonzero (±32 KB)',
    eret: 'Exception return: PC = ELR_ELx, PSTATE = SPSR_ELx',
    ...CONDITION_DOCS,
    'b.hs': 'Branch if unsigned higher or same (same as b.cs)',
    'b.lo': 'Branch if unsigned lower (same as b.cc)',
  },
};
