/**
 * System-level operations that instructions delegate to the PE's system
 * model (exceptions, system registers, barriers, maintenance). The assembler
 * (simulator/isa) resolves operands at assembly time and its closures call
 * these; simulator/pe implements them. Keeping the contract here lets the
 * instruction set and the system model be built and tested separately.
 */
import type { Pe } from './pe';

/** A system register operand of MRS/MSR, resolved at assembly time from the register table. */
export interface SysregRef {
  /** Canonical upper-case name as written (`SCTLR_EL1`, `SCTLR_EL12`, `S3_0_C15_C2_0`). */
  name: string;
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
}

export type PstateField = 'daifset' | 'daifclr' | 'spsel' | 'pan' | 'uao' | 'dit' | 'ssbs' | 'tco';
export type ExceptionGenerating = 'svc' | 'hvc' | 'smc' | 'brk' | 'hlt' | 'udf';
export type Hint = 'nop' | 'wfi' | 'wfe' | 'sev' | 'sevl' | 'yield';
export type BarrierKind = 'dmb' | 'dsb' | 'isb';
/** Barrier domain/type operand: `sy`, `st`, `ld`, `ish`, `ishst`, `ishld`, `nsh`, `nshst`, `nshld`, `osh`, `oshst`, `oshld`. */
export type BarrierDomain = string;

export interface SystemOps {
  mrs(pe: Pe, reg: SysregRef, rt: number): void;
  msr(pe: Pe, reg: SysregRef, rt: number): void;
  msrImmediate(pe: Pe, field: PstateField, imm: number): void;
  /** SVC/HVC/SMC/BRK/HLT/UDF with their 16-bit immediate. */
  exceptionGenerating(pe: Pe, kind: ExceptionGenerating, imm: number): void;
  eret(pe: Pe): void;
  hint(pe: Pe, kind: Hint): void;
  barrier(pe: Pe, kind: BarrierKind, domain: BarrierDomain): void;
  /** DC/IC by VA (`rt` holds the VA) or by set/way (`rt` holds set/way) or all (`rt` undefined), op lower-case e.g. `civac`, `ialluis`. */
  cacheMaintenance(pe: Pe, kind: 'dc' | 'ic', op: string, rt: number | undefined): void;
  /** TLBI op (lower-case, e.g. `vmalle1is`, `vae1`), `rt` holds the address/ASID operand when the op takes one. */
  tlbi(pe: Pe, op: string, rt: number | undefined): void;
  /** AT op (lower-case, e.g. `s1e1r`), `rt` holds the VA; result in PAR_EL1. */
  addressTranslate(pe: Pe, op: string, rt: number): void;
  /** Hook for exclusive-monitor and other write observers: a store to `pa` of `size` bytes by `pe`. */
  observeStore?(pe: Pe, pa: number, size: number): void;
}
