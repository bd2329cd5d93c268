/**
 * Synchronous exceptions raised while executing an instruction.
 * Thrown (not returned) so instruction closures stay simple; deliberately NOT
 * an Error subclass so throwing does not capture a stack trace (hot path).
 * The PE catches it and takes the exception (Arm ARM D1.3 "Exception entry").
 */

import { ISS_DATA_ABORT } from '../arch/registers/fields';

/** How a fault is classified in reports and `fault KIND` expectations (from the ESR's fault status). */
export type FaultKind =
  | 'translation'
  | 'access-flag'
  | 'permission'
  | 'address-size'
  | 'alignment'
  | 'external'
  | 'undefined'
  | 'pc-alignment'
  | 'sp-alignment'
  | 'illegal-state';

export class SyncException {
  /** Exception class, ESR_ELx.EC (Arm ARM D24.2.xx ESR_ELx). */
  ec: number;
  /** Instruction-specific syndrome, ESR_ELx.ISS[24:0]. */
  iss: number;
  /** ESR_ELx.IL: 1 for a 32-bit instruction (always, for A64). */
  il = 1;
  /** Faulting virtual address for aborts (written to FAR_ELx). */
  far?: number;
  /** Faulting IPA for stage-2 faults (written to HPFAR_EL2). */
  ipa?: number;
  /**
   * Physical address the access translated to, when the translation produced one before the fault
   * (permission, access-flag and alignment faults after a successful walk). Reports only; no register holds it.
   */
  pa?: number;
  /** Set when the architecture fixes the target EL (e.g. stage-2 faults → EL2, SMC → EL3). */
  targetEl?: number;
  /** Fault classification for reports and expectations. */
  kind?: FaultKind;
  stage?: 1 | 2;
  level?: number;
  /** Human-readable reason, shown in reports (e.g. "SCTLR_EL1 write trapped by HCR_EL2.TVM"). */
  reason?: string;
  /**
   * Preferred return address (ELR_ELx) when it is not the faulting instruction:
   * SVC/HVC/SMC return to the next instruction (Arm ARM D1.10.1 "Preferred exception return address").
   */
  elr?: number;

  constructor(ec: number, iss: number, opts: Partial<Omit<SyncException, 'ec' | 'iss'>> = {}) {
    this.ec = ec;
    this.iss = iss;
    Object.assign(this, opts);
  }
}

/**
 * ESR_ELx ISS bits of aborts (Arm ARM D24.2.49), from the register table (the
 * instruction-abort ISS has S1PTW and FnV at the same bits as the data-abort one).
 */
export const ISS = {
  WNR: ISS_DATA_ABORT.WnR.lo,
  S1PTW: ISS_DATA_ABORT.S1PTW.lo,
  CM: ISS_DATA_ABORT.CM.lo,
  FNV: ISS_DATA_ABORT.FnV.lo,
} as const;

/** ESR_ELx.EC values used by the core (Arm ARM D24.2.49; also ../shared/reference/arch-facts.md §3). */
export const EC = {
  UNKNOWN: 0x00,
  WFX: 0x01,
  ILLEGAL_STATE: 0x0e,
  SVC64: 0x15,
  HVC64: 0x16,
  SMC64: 0x17,
  SYSREG: 0x18,
  IABT_LOWER: 0x20,
  IABT_SAME: 0x21,
  PC_ALIGN: 0x22,
  DABT_LOWER: 0x24,
  DABT_SAME: 0x25,
  SP_ALIGN: 0x26,
  SERROR: 0x2f,
  BRK64: 0x3c,
} as const;

/** What kind of exception was taken (Arm ARM D1.3: synchronous, IRQ, FIQ, SError; virtual IRQ/FIQ). */
export type ExceptionType = 'sync' | 'irq' | 'fiq' | 'virq' | 'vfiq' | 'serror';

/**
 * A plain-data record of one exception taken by a PE, given to
 * `PeEnvironment.onException` (the engine records faults from it; the debug
 * adapter breaks on it). No methods, no references to live objects.
 */
export interface ExceptionRecord {
  type: ExceptionType;
  /** ESR_ELx.EC (synchronous exceptions only). */
  ec?: number;
  /** The ESR_ELx value written (synchronous exceptions only). */
  esr?: number;
  /** FAR_ELx written (aborts, PC alignment), as a signed-number VA. */
  far?: number;
  /** Faulting IPA (stage-2 faults), also written to HPFAR_EL2. */
  ipa?: number;
  /** Output PA of the faulting access when its translation produced one (see SyncException.pa). */
  pa?: number;
  fault?: FaultKind;
  stage?: 1 | 2;
  level?: number;
  fromEl: number;
  toEl: number;
  /** PC of the instruction that faulted, or where the interrupt was taken. */
  pc: number;
  /** ELR_ELx written (preferred return address). */
  elr: number;
  /** Vector address the PE jumps to (VBAR_ELx + offset). */
  vector: number;
  /** Offset from VBAR_ELx (0x000…0x780). */
  vectorOffset: number;
  /** False when the vector holds no code: the PE halted ("unhandled exception"). */
  handled: boolean;
  /** Human-readable description (the SyncException reason or the exception class). */
  reason: string;
}
