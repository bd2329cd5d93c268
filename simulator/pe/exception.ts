/**
 * Synchronous exceptions raised while executing an instruction.
 * Thrown (not returned) so instruction closures stay simple; deliberately NOT
 * an Error subclass so throwing does not capture a stack trace (hot path).
 * The PE catches it and takes the exception (Arm ARM D1.3 "Exception entry").
 */
import type { FaultKind } from '../scenario/model';

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
  /** Set when the architecture fixes the target EL (e.g. stage-2 faults → EL2, SMC → EL3). */
  targetEl?: number;
  /** Fault classification for reports and expectations. */
  kind?: FaultKind;
  stage?: 1 | 2;
  level?: number;
  /** Human-readable reason, shown in reports (e.g. "SCTLR_EL1 write trapped by HCR_EL2.TVM"). */
  reason?: string;

  constructor(ec: number, iss: number, opts: Partial<Omit<SyncException, 'ec' | 'iss'>> = {}) {
    this.ec = ec;
    this.iss = iss;
    Object.assign(this, opts);
  }
}

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
