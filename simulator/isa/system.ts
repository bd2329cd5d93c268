/**
 * The operand vocabularies of the system instructions, as data the system class
 * table (classes/system.ts), the system model (pe/system.ts) and the language
 * server read: SYS operations (DC, IC, AT, TLBI), barrier options, hints, MSR
 * (immediate) PSTATE fields and the exception-generating instructions.
 *
 * Encodings: Arm ARM C5.1 "A64 system instructions" (op0/op1/CRn/CRm/op2),
 * C5.3 (cache maintenance), C5.4 (TLB maintenance), C5.5 (address translation).
 */
import type { ExceptionGenerating, Hint, PstateField, SysregRef } from '../pe/systemOps';
import { findRegisterByEncoding, genericName } from '../arch/registers';

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

/** The SYS operation with these encoding fields, if it is one we model. */
export function sysOpByEncoding(op1: number, crn: number, crm: number, op2: number): SysOp | undefined {
  return SYS_BY_ENCODING.get((op1 << 11) | (crn << 7) | (crm << 3) | op2);
}

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
export const BARRIER_BY_CRM: Record<number, string> = Object.fromEntries(Object.entries(BARRIER_OPTIONS).map(([k, v]) => [v, k]));

/** Hint CRm:op2 values (C6.2.110 HINT). */
export const HINTS: Record<Hint, number> = { nop: 0, yield: 1, wfe: 2, wfi: 3, sev: 4, sevl: 5 };
export const HINT_BY_VALUE: Record<number, Hint> = Object.fromEntries(Object.entries(HINTS).map(([k, v]) => [v, k as Hint]));

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

/** Exception-generating instructions (C6.2 "Exception generation"): their opc and LL fields. */
export const EXCEPTION_GENERATING: Record<Exclude<ExceptionGenerating, 'udf'>, { opc: number; LL: number }> = {
  svc: { opc: 0, LL: 1 },
  hvc: { opc: 0, LL: 2 },
  smc: { opc: 0, LL: 3 },
  brk: { opc: 1, LL: 0 },
  hlt: { opc: 2, LL: 0 },
};

/** A system register operand for an encoding, named from the register table when it knows it. */
export function sysregRef(op0: number, op1: number, crn: number, crm: number, op2: number): SysregRef {
  const def = findRegisterByEncoding(op0, op1, crn, crm, op2);
  return { name: def ? def.name : genericName({ op0, op1, crn, crm, op2 }), op0, op1, crn, crm, op2 };
}
