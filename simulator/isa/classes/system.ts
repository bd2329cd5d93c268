/**
 * System instructions (Arm ARM C4.1.87 "Branches, Exception Generating and System
 * instructions"): exception generation (SVC/HVC/SMC/BRK/HLT, UDF), hints (C6.2.110
 * HINT: NOP/YIELD/WFE/WFI/SEV/SEVL and those executed as NOP because the modelled PE
 * implements neither FEAT_PAuth, FEAT_BTI, FEAT_RAS ESB, SPE nor trace), barriers
 * and CLREX, MSR (immediate) PSTATE fields, the SYS aliases DC/IC/AT/TLBI and
 * MRS/MSR (register).
 *
 * Semantics are delegated to `pe.sys` (simulator/pe/systemOps.ts), which owns
 * traps, EL checks and side effects.
 */
import type { ExceptionGenerating, Hint, PstateField } from '../../pe/systemOps';
import { uimm } from '../codecs/immediates';
import { Xt } from '../codecs/registers';
import { BARRIER_OPTION, mnemonicRange, sysOperation, sysOpOf, sysreg, warnBelowEl, word } from '../codecs/system';
import { form, isImm, operand } from '../decodetree/form';
import type { AsmState, Codec, Encoding, Exec, Fields, Flow, Form, InstrClass } from '../decodetree/types';
import { imm } from '../format';
import { BARRIER_BY_CRM, EXCEPTION_GENERATING, HINT_BY_VALUE, HINTS, NOP_HINTS, PSTATE_FIELDS, sysregRef } from '../system';

const IMM16 = uimm('imm16', { max: 0xffff, what: 'immediate' });

function exceptionForms(): Form[] {
  return (Object.entries(EXCEPTION_GENERATING) as [Exclude<ExceptionGenerating, 'udf'>, { opc: number; LL: number }][]).map(([name, fixed]) =>
    form(name, [IMM16], {
      fixed,
      // HVC and SMC are UNDEFINED at EL0 (Arm ARM C6.2 HVC/SMC).
      check: name === 'hvc' || name === 'smc' ? (_f, a) => warnBelowEl(a, mnemonicRange(a), 1, name.toUpperCase()) : undefined,
    }),
  );
}

const EXCEPTION_BY_FIELDS = new Map(Object.entries(EXCEPTION_GENERATING).map(([name, v]) => [(v.opc << 2) | v.LL, name as Exclude<ExceptionGenerating, 'udf'>]));

function exceptionOf(f: Fields): Exclude<ExceptionGenerating, 'udf'> | undefined {
  return EXCEPTION_BY_FIELDS.get((f.opc << 2) | f.LL);
}

/** `hint #imm7` into CRm:op2. */
const HINT_NUMBER: Codec = operand({
  usage: '#imm7',
  shape: isImm,
  parse(a: AsmState, f: Fields): void {
    const v = a.ops.immRange(a.i, 0, 127, 'hint number');
    f.CRm = v >> 3;
    f.op2 = v & 7;
    a.i++;
  },
  print: (f) => imm((f.CRm << 3) | f.op2),
});

const hintValue = (v: number): Fields => ({ CRm: v >> 3, op2: v & 7 });

/** The named hints; NOP-space names with an operand (`bti c`, `psb csync`) take it as a fixed word. */
function hintForms(): Form[] {
  const out: Form[] = (Object.entries(HINTS) as [Hint, number][]).map(([name, v]) => form(name, [], { fixed: hintValue(v) }));
  const args = new Map<string, string[]>();
  for (const full of Object.values(NOP_HINTS)) {
    const [mn, arg] = full.split(' ');
    args.set(mn, [...(args.get(mn) ?? []), arg ?? '(none)']);
  }
  for (const [v, full] of Object.entries(NOP_HINTS)) {
    const [mn, arg] = full.split(' ');
    const wrong = (a: AsmState): string => `${mn} takes ${args.get(mn)!.join(', ')}, got '${a.ops.text(a.i)}'`;
    out.push(form(mn, arg === undefined ? [] : [word(arg, wrong)], { fixed: hintValue(Number(v)) }));
  }
  out.push(form('hint', [HINT_NUMBER]));
  return out;
}

function hintExec(f: Fields): Exec {
  const hint = HINT_BY_VALUE[(f.CRm << 3) | f.op2];
  // Unallocated and unimplemented hints behave as NOP (C6.2.110).
  if (hint === undefined || hint === 'nop') return () => {};
  return (pe) => pe.sys.hint(pe, hint);
}

const BARRIER_NUMBER = uimm('CRm', { max: 15, what: 'barrier option', usage: '#imm4' });
const isSpeculationBarrier = (f: Fields): boolean => (f.op2 === 4 && (f.CRm === 0 || f.CRm === 4)) || f.op2 === 7;

function barrierExec(f: Fields): Exec {
  // CLREX clears the local exclusive monitor (B2.9.5).
  if (f.op2 === 2) return (pe) => void (pe.exclusivePa = -1);
  // SSBB, PSSBB, SB constrain speculative execution only, which a sequential PE does not perform.
  if (isSpeculationBarrier(f)) return () => {};
  if (f.op2 === 6) return (pe) => pe.sys.barrier(pe, 'isb', 'sy');
  const kind = f.op2 === 4 ? 'dsb' : 'dmb';
  const domain = BARRIER_BY_CRM[f.CRm] ?? 'sy';
  return (pe) => pe.sys.barrier(pe, kind, domain);
}

const isbSy = (a: AsmState): string => `ISB takes only 'sy', got '${a.ops.text(a.i)}'`;

function pstateForms(): Form[] {
  return (Object.entries(PSTATE_FIELDS) as [PstateField, { op1: number; op2: number; max: number }][]).map(([name, p]) =>
    form('msr', [word(name, () => `expected ${name}`), uimm('CRm', { max: p.max, what: `${name} value`, usage: '#imm' })], { fixed: { op1: p.op1, op2: p.op2 } }),
  );
}

const PSTATE_BY_FIELDS = new Map(Object.entries(PSTATE_FIELDS).map(([name, p]) => [(p.op1 << 3) | p.op2, name as PstateField]));

function pstateOf(f: Fields): PstateField | undefined {
  return PSTATE_BY_FIELDS.get((f.op1 << 3) | f.op2);
}

function sysExec(f: Fields): Exec {
  const op = sysOpOf(f)!;
  const name = op.op;
  const rt = op.rt ? f.Rt : undefined;
  switch (op.kind) {
    case 'dc':
    case 'ic': {
      const kind = op.kind;
      return (pe) => pe.sys.cacheMaintenance(pe, kind, name, rt);
    }
    case 'tlbi':
      return (pe) => pe.sys.tlbi(pe, name, rt);
    default: {
      const t = f.Rt;
      return (pe) => pe.sys.addressTranslate(pe, name, t);
    }
  }
}

function sysForms(): Form[] {
  return (['dc', 'ic', 'at', 'tlbi'] as const).map((kind) => form(kind, [sysOperation(kind)], { when: (f) => sysOpOf(f)?.kind === kind }));
}

const ENCODINGS: Encoding[] = [
  {
    name: 'Exception generation',
    pattern: '11010100 opc:3 imm16:16 000 LL:2',
    valid: (f) => exceptionOf(f) !== undefined,
    flow: 'system',
    exec: (f) => {
      const kind = exceptionOf(f)!;
      const v = f.imm16;
      return (pe) => pe.sys.exceptionGenerating(pe, kind, v);
    },
    forms: exceptionForms(),
  },
  {
    name: 'UDF (permanently undefined)',
    pattern: '0000000000000000 imm16:16',
    flow: 'system',
    exec: (f) => {
      const v = f.imm16;
      return (pe) => pe.sys.exceptionGenerating(pe, 'udf', v);
    },
    forms: [form('udf', [IMM16])],
  },
  {
    name: 'Hints',
    pattern: '11010101000000110010 CRm:4 op2:3 11111',
    flow: (f): Flow => (HINT_BY_VALUE[(f.CRm << 3) | f.op2] ?? 'nop') === 'nop' ? 'plain' : 'system',
    exec: hintExec,
    forms: hintForms(),
  },
  {
    name: 'Barriers and CLREX',
    pattern: '11010101000000110011 CRm:4 op2:3 11111',
    valid: (f) => f.op2 === 2 || f.op2 === 4 || f.op2 === 5 || f.op2 === 6 || (f.op2 === 7 && f.CRm === 0),
    flow: (f): Flow => (f.op2 === 2 || isSpeculationBarrier(f) ? 'plain' : 'system'),
    exec: barrierExec,
    forms: [
      form('clrex', [], { fixed: { op2: 2, CRm: 15 } }),
      form('clrex', [uimm('CRm', { max: 15, what: 'immediate', usage: '#imm4' })], { fixed: { op2: 2 } }),
      form('ssbb', [], { fixed: { op2: 4, CRm: 0 } }),
      form('pssbb', [], { fixed: { op2: 4, CRm: 4 } }),
      form('sb', [], { fixed: { op2: 7, CRm: 0 } }),
      form('dsb', [BARRIER_OPTION], { fixed: { op2: 4 } }),
      form('dsb', [BARRIER_NUMBER], { fixed: { op2: 4 } }),
      form('dmb', [BARRIER_OPTION], { fixed: { op2: 5 } }),
      form('dmb', [BARRIER_NUMBER], { fixed: { op2: 5 } }),
      form('isb', [], { fixed: { op2: 6, CRm: 15 } }),
      form('isb', [word('sy', isbSy)], { fixed: { op2: 6, CRm: 15 }, asmOnly: true }),
      form('isb', [BARRIER_NUMBER], { fixed: { op2: 6 } }),
    ],
  },
  {
    name: 'MSR (immediate)',
    pattern: '1101010100000 op1:3 0100 CRm:4 op2:3 11111',
    valid: (f) => {
      const p = pstateOf(f);
      return p !== undefined && f.CRm <= PSTATE_FIELDS[p].max;
    },
    flow: 'system',
    exec: (f) => {
      const field = pstateOf(f)!;
      const v = f.CRm;
      return (pe) => pe.sys.msrImmediate(pe, field, v);
    },
    forms: pstateForms(),
  },
  {
    // SYSL and SYS operations other than DC/IC/AT/TLBI are not modelled.
    name: 'SYS (DC, IC, AT, TLBI)',
    pattern: '1101010100001 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    valid: (f) => {
      const op = sysOpOf(f);
      return op !== undefined && (op.rt || f.Rt === 31);
    },
    flow: 'system',
    exec: sysExec,
    forms: sysForms(),
  },
  {
    name: 'MRS/MSR (register)',
    pattern: '1101010100 L:1 1 o0:1 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    flow: 'system',
    exec: (f) => {
      const ref = sysregRef(2 + f.o0, f.op1, f.CRn, f.CRm, f.op2);
      const t = f.Rt;
      return f.L === 1 ? (pe) => pe.sys.mrs(pe, ref, t) : (pe) => pe.sys.msr(pe, ref, t);
    },
    forms: [form('mrs', [Xt, sysreg(false)], { fixed: { L: 1 } }), form('msr', [sysreg(true), Xt], { fixed: { L: 0 } })],
  },
];

export const SYSTEM: InstrClass = {
  name: 'System',
  group: 'system',
  encodings: ENCODINGS,
  docs: {
    mrs: 'Read a system register',
    msr: 'Write a system register or a PSTATE field (daifset, daifclr, spsel, pan, uao, dit, ssbs, tco)',
    svc: 'Supervisor call (to EL1)',
    hvc: 'Hypervisor call (to EL2)',
    smc: 'Secure monitor call (to EL3)',
    brk: 'Breakpoint exception',
    hlt: 'Halt: stops this PE in the simulator',
    udf: 'Permanently undefined (UNDEFINED exception)',
    nop: 'No operation',
    yield: 'Yield hint',
    wfe: 'Wait for event',
    wfi: 'Wait for interrupt',
    sev: 'Send event to all PEs',
    sevl: 'Send event locally',
    hint: 'Hint instruction by number (unallocated hints are NOPs)',
    bti: 'Branch target identification (executes as NOP: FEAT_BTI not modelled)',
    paciasp: 'Sign LR with key A and SP (NOP: FEAT_PAuth not modelled)',
    autiasp: 'Authenticate LR with key A and SP (NOP: FEAT_PAuth not modelled)',
    pacibsp: 'Sign LR with key B and SP (NOP: FEAT_PAuth not modelled)',
    autibsp: 'Authenticate LR with key B and SP (NOP: FEAT_PAuth not modelled)',
    paciaz: 'Sign LR with key A and zero (NOP)',
    autiaz: 'Authenticate LR with key A and zero (NOP)',
    pacibz: 'Sign LR with key B and zero (NOP)',
    autibz: 'Authenticate LR with key B and zero (NOP)',
    pacia1716: 'Sign X17 with key A and X16 (NOP)',
    pacib1716: 'Sign X17 with key B and X16 (NOP)',
    autia1716: 'Authenticate X17 with key A and X16 (NOP)',
    autib1716: 'Authenticate X17 with key B and X16 (NOP)',
    xpaclri: 'Strip the PAC from LR (NOP)',
    esb: 'Error synchronization barrier (NOP: FEAT_RAS not modelled)',
    csdb: 'Consumption of speculative data barrier (NOP: no speculative execution)',
    psb: 'Profiling synchronization barrier (NOP: SPE not modelled)',
    tsb: 'Trace synchronization barrier (NOP: trace not modelled)',
    ssbb: 'Speculative store bypass barrier (NOP: no speculative execution)',
    pssbb: 'Physical speculative store bypass barrier (NOP)',
    sb: 'Speculation barrier (NOP: no speculative execution)',
    dmb: 'Data memory barrier',
    dsb: 'Data synchronization barrier',
    isb: 'Instruction synchronization barrier',
    clrex: 'Clear the local exclusive monitor',
    dc: 'Data cache maintenance (civac cvac cvau cvap cvadp ivac zva isw csw cisw)',
    ic: 'Instruction cache maintenance (iallu ialluis ivau)',
    at: 'Address translation (s1e1r s1e1w s1e0r s1e0w s1e2r s1e2w s12e1r … s1e3w); result in PAR_EL1',
    tlbi: 'TLB invalidate (vmalle1is vae1is alle2 ipas2e1is vmalls12e1 …)',
  },
};
