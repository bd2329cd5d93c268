/**
 * System instructions: the syntax tables and decode of exception-generating
 * instructions, hints, barriers, MSR (immediate), SYS aliases (DC, IC, AT,
 * TLBI) and MRS/MSR (register). Semantics are delegated to `pe.sys`
 * (simulator/pe/systemOps.ts), which owns traps, EL checks and side effects.
 *
 * Encodings: Arm ARM C5.1 "A64 system instructions" (op0/op1/CRn/CRm/op2),
 * C5.3 (cache maintenance), C5.4 (TLB maintenance), C5.5 (address translation).
 */
import type { BarrierKind, ExceptionGenerating, Hint, PstateField, SysregRef } from '../pe/systemOps';
import { findRegisterByEncoding, genericName } from '../arch/registers';
import { Decoded, field, imm, insn, reg } from './format';

// ---- SYS aliases ------------------------------------------------------------------

export interface SysOp {
  kind: 'dc' | 'ic' | 'at' | 'tlbi';
  op: string;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
  /** Whether the operation takes Xt (by-VA, by-set/way, by-ASID/IPA operations). */
  rt: boolean;
}

function sys(kind: SysOp['kind'], op: string, op1: number, crn: number, crm: number, op2: number, rt: boolean): SysOp {
  return { kind, op, op1, crn, crm, op2, rt };
}

/** TLBI operations (Arm ARM C5.4): [name, op1, CRm, op2, takes Xt]. */
const TLBI_TABLE: [string, number, number, number, boolean][] = [
  // EL1&0 regime, op1 = 0
  ['vmalle1os', 0, 1, 0, false],
  ['vae1os', 0, 1, 1, true],
  ['aside1os', 0, 1, 2, true],
  ['vaae1os', 0, 1, 3, true],
  ['vale1os', 0, 1, 5, true],
  ['vaale1os', 0, 1, 7, true],
  ['vmalle1is', 0, 3, 0, false],
  ['vae1is', 0, 3, 1, true],
  ['aside1is', 0, 3, 2, true],
  ['vaae1is', 0, 3, 3, true],
  ['vale1is', 0, 3, 5, true],
  ['vaale1is', 0, 3, 7, true],
  ['vmalle1', 0, 7, 0, false],
  ['vae1', 0, 7, 1, true],
  ['aside1', 0, 7, 2, true],
  ['vaae1', 0, 7, 3, true],
  ['vale1', 0, 7, 5, true],
  ['vaale1', 0, 7, 7, true],
  // EL2, op1 = 4
  ['ipas2e1is', 4, 0, 1, true],
  ['ipas2le1is', 4, 0, 5, true],
  ['alle2os', 4, 1, 0, false],
  ['vae2os', 4, 1, 1, true],
  ['alle1os', 4, 1, 4, false],
  ['vale2os', 4, 1, 5, true],
  ['vmalls12e1os', 4, 1, 6, false],
  ['alle2is', 4, 3, 0, false],
  ['vae2is', 4, 3, 1, true],
  ['alle1is', 4, 3, 4, false],
  ['vale2is', 4, 3, 5, true],
  ['vmalls12e1is', 4, 3, 6, false],
  ['ipas2e1os', 4, 4, 0, true],
  ['ipas2e1', 4, 4, 1, true],
  ['ipas2le1os', 4, 4, 4, true],
  ['ipas2le1', 4, 4, 5, true],
  ['alle2', 4, 7, 0, false],
  ['vae2', 4, 7, 1, true],
  ['alle1', 4, 7, 4, false],
  ['vale2', 4, 7, 5, true],
  ['vmalls12e1', 4, 7, 6, false],
  // EL3, op1 = 6
  ['alle3os', 6, 1, 0, false],
  ['vae3os', 6, 1, 1, true],
  ['vale3os', 6, 1, 5, true],
  ['alle3is', 6, 3, 0, false],
  ['vae3is', 6, 3, 1, true],
  ['vale3is', 6, 3, 5, true],
  ['alle3', 6, 7, 0, false],
  ['vae3', 6, 7, 1, true],
  ['vale3', 6, 7, 5, true],
];

export const SYS_OPS: readonly SysOp[] = [
  // DC (C5.3): CRn = 7
  sys('dc', 'ivac', 0, 7, 6, 1, true),
  sys('dc', 'isw', 0, 7, 6, 2, true),
  sys('dc', 'csw', 0, 7, 10, 2, true),
  sys('dc', 'cisw', 0, 7, 14, 2, true),
  sys('dc', 'zva', 3, 7, 4, 1, true),
  sys('dc', 'cvac', 3, 7, 10, 1, true),
  sys('dc', 'cvau', 3, 7, 11, 1, true),
  sys('dc', 'cvap', 3, 7, 12, 1, true),
  sys('dc', 'cvadp', 3, 7, 13, 1, true),
  sys('dc', 'civac', 3, 7, 14, 1, true),
  // IC
  sys('ic', 'ialluis', 0, 7, 1, 0, false),
  sys('ic', 'iallu', 0, 7, 5, 0, false),
  sys('ic', 'ivau', 3, 7, 5, 1, true),
  // AT (C5.5): CRn = 7, CRm = 8 (9 for the PAN variants)
  sys('at', 's1e1r', 0, 7, 8, 0, true),
  sys('at', 's1e1w', 0, 7, 8, 1, true),
  sys('at', 's1e0r', 0, 7, 8, 2, true),
  sys('at', 's1e0w', 0, 7, 8, 3, true),
  sys('at', 's1e1rp', 0, 7, 9, 0, true),
  sys('at', 's1e1wp', 0, 7, 9, 1, true),
  sys('at', 's1e2r', 4, 7, 8, 0, true),
  sys('at', 's1e2w', 4, 7, 8, 1, true),
  sys('at', 's12e1r', 4, 7, 8, 4, true),
  sys('at', 's12e1w', 4, 7, 8, 5, true),
  sys('at', 's12e0r', 4, 7, 8, 6, true),
  sys('at', 's12e0w', 4, 7, 8, 7, true),
  sys('at', 's1e3r', 6, 7, 8, 0, true),
  sys('at', 's1e3w', 6, 7, 8, 1, true),
  ...TLBI_TABLE.map(([op, op1, crm, op2, rt]) => sys('tlbi', op, op1, 8, crm, op2, rt)),
];

const SYS_BY_NAME = new Map(SYS_OPS.map((o) => [`${o.kind} ${o.op}`, o]));
const SYS_BY_ENCODING = new Map(SYS_OPS.map((o) => [(o.op1 << 11) | (o.crn << 7) | (o.crm << 3) | o.op2, o]));

export function findSysOp(kind: SysOp['kind'], op: string): SysOp | undefined {
  return SYS_BY_NAME.get(`${kind} ${op.toLowerCase()}`);
}

export function sysOpsOf(kind: SysOp['kind']): SysOp[] {
  return SYS_OPS.filter((o) => o.kind === kind);
}

// ---- barriers, hints, PSTATE fields -------------------------------------------------

/** DMB/DSB option field CRm (C6.2.83 DMB): names for the allocated values. */
export const BARRIER_OPTIONS: Record<string, number> = {
  oshld: 1,
  oshst: 2,
  osh: 3,
  nshld: 5,
  nshst: 6,
  nsh: 7,
  ishld: 9,
  ishst: 10,
  ish: 11,
  ld: 13,
  st: 14,
  sy: 15,
};
const BARRIER_BY_CRM: Record<number, string> = Object.fromEntries(Object.entries(BARRIER_OPTIONS).map(([k, v]) => [v, k]));

/** Hint CRm:op2 values (C6.2.110 HINT). */
export const HINTS: Record<Hint, number> = { nop: 0, yield: 1, wfe: 2, wfi: 3, sev: 4, sevl: 5 };
const HINT_BY_VALUE: Record<number, Hint> = Object.fromEntries(Object.entries(HINTS).map(([k, v]) => [v, k as Hint]));

/**
 * Allocated hints we execute as NOPs because the modelled PE implements neither
 * FEAT_PAuth, FEAT_BTI, FEAT_RAS ESB, SPE nor trace (on such a PE these hints are NOPs,
 * Arm ARM C6.2.110 HINT), with the names objdump prints.
 */
export const NOP_HINTS: Record<number, string> = {
  7: 'xpaclri',
  8: 'pacia1716',
  10: 'pacib1716',
  12: 'autia1716',
  14: 'autib1716',
  16: 'esb',
  17: 'psb csync',
  18: 'tsb csync',
  20: 'csdb',
  24: 'paciaz',
  25: 'paciasp',
  26: 'pacibz',
  27: 'pacibsp',
  28: 'autiaz',
  29: 'autiasp',
  30: 'autibz',
  31: 'autibsp',
  32: 'bti',
  34: 'bti c',
  36: 'bti j',
  38: 'bti jc',
};

/**
 * Speculation barriers (FEAT_SB, FEAT_SSBS): they constrain speculative execution only,
 * which a sequential PE does not perform, so they execute as NOPs. CRm/op2 in the barrier space.
 */
export const SPECULATION_BARRIERS: Record<string, { crm: number; op2: number }> = {
  ssbb: { crm: 0, op2: 4 },
  pssbb: { crm: 4, op2: 4 },
  sb: { crm: 0, op2: 7 },
};

/** MSR (immediate) PSTATE fields, C6.2.195: op1, op2 and the largest immediate. */
export const PSTATE_FIELDS: Record<PstateField, { op1: number; op2: number; max: number }> = {
  uao: { op1: 0, op2: 3, max: 1 },
  pan: { op1: 0, op2: 4, max: 1 },
  spsel: { op1: 0, op2: 5, max: 1 },
  ssbs: { op1: 3, op2: 1, max: 1 },
  dit: { op1: 3, op2: 2, max: 1 },
  tco: { op1: 3, op2: 4, max: 1 },
  daifset: { op1: 3, op2: 6, max: 15 },
  daifclr: { op1: 3, op2: 7, max: 15 },
};

/** Exception-generating instructions (C6.2 "Exception generation"): opc:LL in the encoding. */
export const EXCEPTION_GENERATING: Record<Exclude<ExceptionGenerating, 'udf'>, number> = {
  svc: 0xd4000001,
  hvc: 0xd4000002,
  smc: 0xd4000003,
  brk: 0xd4200000,
  hlt: 0xd4400000,
};

/** A system register operand for an encoding, named from the register table when it knows it. */
export function sysregRef(op0: number, op1: number, crn: number, crm: number, op2: number): SysregRef {
  const def = findRegisterByEncoding(op0, op1, crn, crm, op2);
  return { name: def ? def.name : genericName({ op0, op1, crn, crm, op2 }), op0, op1, crn, crm, op2 };
}

// ---- decode ------------------------------------------------------------------------

/** Exception generation (0xd4……) and UDF. */
export function decodeExceptionGenerating(w: number): Decoded | undefined {
  const imm16 = field(w, 20, 5);
  const low = (w & 0xffe0001f) >>> 0;
  for (const [name, base] of Object.entries(EXCEPTION_GENERATING) as [ExceptionGenerating, number][]) {
    if (low === base) {
      return { mnemonic: name, text: insn(name, [imm(imm16)]), exec: (pe) => pe.sys.exceptionGenerating(pe, name, imm16) };
    }
  }
  return undefined;
}

/** UDF #imm16 (C6.2.380): permanently undefined. */
export function decodeUdf(w: number): Decoded | undefined {
  if ((w >>> 16) !== 0) return undefined;
  const imm16 = w & 0xffff;
  return { mnemonic: 'udf', text: insn('udf', [imm(imm16)]), exec: (pe) => pe.sys.exceptionGenerating(pe, 'udf', imm16) };
}

/** The 0xd5…… system-instruction space. */
export function decodeSystem(w: number): Decoded | undefined {
  if ((w & 0xffc00000) >>> 0 !== 0xd5000000) return undefined;
  const l = (w >>> 21) & 1;
  const op0 = field(w, 20, 19);
  const op1 = field(w, 18, 16);
  const crn = field(w, 15, 12);
  const crm = field(w, 11, 8);
  const op2 = field(w, 7, 5);
  const t = w & 31;

  if (op0 >= 2) {
    const ref = sysregRef(op0, op1, crn, crm, op2);
    const name = ref.name.toLowerCase();
    if (l) return { mnemonic: 'mrs', text: insn('mrs', [reg(t, true), name]), exec: (pe) => pe.sys.mrs(pe, ref, t) };
    return { mnemonic: 'msr', text: insn('msr', [name, reg(t, true)]), exec: (pe) => pe.sys.msr(pe, ref, t) };
  }
  if (op0 === 1) {
    if (l) return undefined; // SYSL not modelled
    const op = SYS_BY_ENCODING.get((op1 << 11) | (crn << 7) | (crm << 3) | op2);
    if (!op) return undefined;
    if (!op.rt && t !== 31) return undefined;
    const text = insn(op.kind, op.rt ? [op.op, reg(t, true)] : [op.op]);
    const rt = op.rt ? t : undefined;
    const name = op.op;
    switch (op.kind) {
      case 'dc':
      case 'ic': {
        const kind = op.kind;
        return { mnemonic: kind, text, exec: (pe) => pe.sys.cacheMaintenance(pe, kind, name, rt) };
      }
      case 'tlbi':
        return { mnemonic: 'tlbi', text, exec: (pe) => pe.sys.tlbi(pe, name, rt) };
      default:
        return { mnemonic: 'at', text, exec: (pe) => pe.sys.addressTranslate(pe, name, t) };
    }
  }
  // op0 == 0, L == 0: hints, barriers, PSTATE.
  if (l) return undefined;
  if (crn === 2 && op1 === 3 && t === 31) {
    const value = (crm << 3) | op2;
    const hint = HINT_BY_VALUE[value];
    if (hint === 'nop' || hint === undefined) {
      // Unallocated and unimplemented hints behave as NOP (C6.2.110).
      const named = hint ?? NOP_HINTS[value];
      const text = named ?? insn('hint', [imm(value)]);
      return { mnemonic: text.split(' ')[0], text, exec: () => {} };
    }
    return { mnemonic: hint, text: hint, exec: (pe) => pe.sys.hint(pe, hint) };
  }
  if (crn === 3 && op1 === 3 && t === 31) {
    if (op2 === 2) {
      const text = crm === 15 ? 'clrex' : insn('clrex', [imm(crm)]);
      // CLREX clears the local exclusive monitor (B2.9.5).
      return { mnemonic: 'clrex', text, exec: (pe) => void (pe.exclusivePa = -1) };
    }
    for (const [name, b] of Object.entries(SPECULATION_BARRIERS)) {
      if (b.crm === crm && b.op2 === op2) return { mnemonic: name, text: name, exec: () => {} };
    }
    const kinds: Record<number, BarrierKind> = { 4: 'dsb', 5: 'dmb', 6: 'isb' };
    const kind = kinds[op2];
    if (!kind) return undefined;
    if (kind === 'isb') {
      const text = crm === 15 ? 'isb' : insn('isb', [imm(crm)]);
      return { mnemonic: 'isb', text, exec: (pe) => pe.sys.barrier(pe, 'isb', 'sy') };
    }
    const domain = BARRIER_BY_CRM[crm];
    if (domain === undefined) {
      if (kind === 'dsb' && crm === 0) return undefined; // SSBB etc. not modelled
      return { mnemonic: kind, text: insn(kind, [imm(crm)]), exec: (pe) => pe.sys.barrier(pe, kind, 'sy') };
    }
    return { mnemonic: kind, text: insn(kind, [domain]), exec: (pe) => pe.sys.barrier(pe, kind, domain) };
  }
  if (crn === 4 && t === 31) {
    for (const [name, f] of Object.entries(PSTATE_FIELDS) as [PstateField, (typeof PSTATE_FIELDS)[PstateField]][]) {
      if (f.op1 === op1 && f.op2 === op2) {
        if (crm > f.max) return undefined;
        return { mnemonic: 'msr', text: insn('msr', [name, imm(crm)]), exec: (pe) => pe.sys.msrImmediate(pe, name, crm) };
      }
    }
  }
  return undefined;
}
