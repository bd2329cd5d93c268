/**
 * Reset values of the system registers (Arm ARM D1.9 "Reset"; the register
 * descriptions in D24.2). Most reset values are architecturally UNKNOWN; we
 * choose what boot firmware would leave so scenarios start from a sensible
 * machine: RES1 bits set, the MMUs and caches off, AArch64 at every EL,
 * identification registers describing this simulator (an Arm AEM-like PE with
 * 64-byte cache lines, 48-bit PAs, 4 KB granules, EL2 with VHE and Secure EL2,
 * EL3).
 *
 * The engine calls resetSysregs when it builds a PE, before applying the
 * scenario's `pe N { … }` initial values (which may override any of these).
 */
import {
  CLIDR_EL1,
  compose,
  CTR_EL0,
  DCZID_EL0,
  HCR_EL2,
  ID_AA64MMFR0_EL1,
  ID_AA64MMFR1_EL1,
  ID_AA64PFR0_EL1,
  MIDR_EL1,
  MPIDR_EL1,
  SCR_EL3,
  SCTLR_EL1,
  SCTLR_EL2,
  TCR_EL2,
  VTCR_EL2,
} from '../arch/registers/fields';
import { findRegister } from '../arch/registers';
import type { Pe } from './pe';
import { freshSysregGen } from './sysregGen';

export interface ResetOptions {
  /** Affinity level 0 (the PE's number within its cluster); default `pe.id`. */
  aff0?: number;
  /** Affinity level 1 (the cluster); default 0. */
  cluster?: number;
  /** Initial exception level; default the PE's current `el`. */
  el?: 0 | 1 | 2 | 3;
  /** Initial Security state; default Non-secure. */
  secure?: boolean;
  /** Whether EL2 / EL3 are implemented; default both. */
  hasEl2?: boolean;
  hasEl3?: boolean;
}

/** Values the simulator reports in its identification registers (Arm ARM D24.2 ID_AA64*, CTR_EL0, CLIDR_EL1). */
export const ID_VALUES = {
  /** Implementer 0x41 (Arm), architecture 0xF (ID registers), part 0xD0F (Arm AEM): as an Arm FVP Base AEM model reports. */
  MIDR_EL1: compose(MIDR_EL1, { Implementer: 0x41, Architecture: 0xf, PartNum: 0xd0f }),
  /**
   * CTR_EL0: RES1 bit 31, CWG=ERG=4 (64 bytes), DminLine=IminLine=4 (64-byte lines),
   * L1Ip=0b11 (PIPT), IDC=DIC=0 (cleaning to PoU and invalidating the I-cache are required).
   */
  CTR_EL0: compose(CTR_EL0, { CWG: 4, ERG: 4, DminLine: 4, L1Ip: 0b11, IminLine: 4 }),
  /** CLIDR_EL1: L1 separate I+D (Ctype1=0b011), L2 unified (Ctype2=0b100), LoUIS=1, LoC=2, LoUU=1 (like a Cortex-A53). */
  CLIDR_EL1: compose(CLIDR_EL1, { Ctype1: 0b011, Ctype2: 0b100, LoUIS: 1, LoC: 2, LoUU: 1 }),
  /** DCZID_EL0: BS=4 → DC ZVA zeroes 64 bytes; DZP=0 (permitted). */
  DCZID_EL0: compose(DCZID_EL0, { BS: 4 }),
  /** ID_AA64MMFR0_EL1: PARange=0b0101 (48 bits), ASIDBits=0b0010 (16), TGran16=0 (not supported), TGran64=0xF (not supported), TGran4=0 (supported). */
  ID_AA64MMFR0_EL1: compose(ID_AA64MMFR0_EL1, { PARange: 0b0101, ASIDBits: 0b0010, TGran16: 0, TGran64: 0xf, TGran4: 0 }),
  /** ID_AA64MMFR1_EL1: VMIDBits=0b0010 (16), VH=1 (FEAT_VHE), PAN=1 (FEAT_PAN: PSTATE.PAN, SCTLR_ELx.SPAN). */
  ID_AA64MMFR1_EL1: compose(ID_AA64MMFR1_EL1, { VMIDBits: 0b0010, VH: 1, PAN: 1 }),
  /** System counter frequency: 100 MHz (as on Arm FVPs). */
  CNTFRQ_EL0: 100_000_000n,
} as const;

/**
 * ID_AA64PFR0_EL1 (Arm ARM D24.2): EL0/EL1 AArch64 only (0b0001), EL2/EL3 present
 * (0b0001) or absent (0b0000), FP and AdvSIMD not implemented (0xF: the simulator
 * does not model floating point), SEL2=1 when EL2 and EL3 are both implemented.
 */
export function idAa64pfr0(hasEl2: boolean, hasEl3: boolean): bigint {
  return compose(ID_AA64PFR0_EL1, { EL0: 1, EL1: 1, EL2: hasEl2 ? 1 : 0, EL3: hasEl3 ? 1 : 0, FP: 0xf, AdvSIMD: 0xf, SEL2: hasEl2 && hasEl3 ? 1 : 0 });
}

/** MPIDR_EL1: RES1 bit 31, U=0 (multiprocessor), MT=0, Aff1 = cluster, Aff0 = PE within the cluster. */
export function mpidr(aff0: number, cluster: number): bigint {
  return compose(MPIDR_EL1, { Aff1: cluster & 0xff, Aff0: aff0 & 0xff });
}

/**
 * SCTLR_EL1 at reset: the ARMv8.0 RES1 bits (EOS, TSCXT, EIS, SPAN, nTLSMD,
 * LSMAOE: RES1 without the features that define them) plus nTWI/nTWE so EL0
 * WFI/WFE run (as Linux sets them); MMU and caches off. Also the value built-in
 * firmware gives a partition's EL1 (simulator/firmware).
 */
export const SCTLR_EL1_RESET = compose(SCTLR_EL1, { EOS: 1, TSCXT: 1, EIS: 1, SPAN: 1, nTLSMD: 1, LSMAOE: 1, nTWI: 1, nTWE: 1 });

export function resetSysregs(pe: Pe, opts: ResetOptions = {}): void {
  const hasEl2 = opts.hasEl2 ?? true;
  const hasEl3 = opts.hasEl3 ?? true;
  const secure = opts.secure ?? false;
  pe.hasEl2 = hasEl2;
  pe.hasEl3 = hasEl3;
  pe.secureWithoutEl3 = !hasEl3 && secure;
  pe.sysregs.clear();
  const w = (name: string, v: bigint): void => void pe.sysregs.set(name, v);

  // Identification.
  const mp = mpidr(opts.aff0 ?? pe.id, opts.cluster ?? 0);
  w('MIDR_EL1', ID_VALUES.MIDR_EL1);
  w('MPIDR_EL1', mp);
  w('REVIDR_EL1', 0n);
  w('CTR_EL0', ID_VALUES.CTR_EL0);
  w('CLIDR_EL1', ID_VALUES.CLIDR_EL1);
  w('DCZID_EL0', ID_VALUES.DCZID_EL0);
  w('ID_AA64PFR0_EL1', idAa64pfr0(hasEl2, hasEl3));
  w('ID_AA64MMFR0_EL1', ID_VALUES.ID_AA64MMFR0_EL1);
  w('ID_AA64MMFR1_EL1', ID_VALUES.ID_AA64MMFR1_EL1);
  w('CNTFRQ_EL0', ID_VALUES.CNTFRQ_EL0);

  // System control: MMU and caches off, RES1 bits set (Arm ARM D24.2 SCTLR_ELx).
  w('SCTLR_EL1', SCTLR_EL1_RESET);
  // SCTLR_EL2 (E2H=0 layout) and SCTLR_EL3: their RES1 bits (4, 5, 11, 16, 18, 22, 23, 28, 29).
  const sctlrElx = compose(SCTLR_EL2, {});
  if (hasEl2) w('SCTLR_EL2', sctlrElx);
  if (hasEl3) w('SCTLR_EL3', sctlrElx);

  if (hasEl2) {
    // HCR_EL2.RW=1: EL1 is AArch64 (the only state simulated). Everything else off: no stage 2, no traps.
    w('HCR_EL2', compose(HCR_EL2, { RW: 1 }));
    // CPTR_EL2 (E2H=0 layout): its RES1 bits 13:12 and 9:0; no traps.
    w('CPTR_EL2', findRegister('CPTR_EL2')!.res1);
    // TCR_EL2 (E2H=0) RES1 bits 31 and 23; VTCR_EL2 RES1 bit 31.
    w('TCR_EL2', compose(TCR_EL2, {}));
    w('VTCR_EL2', compose(VTCR_EL2, {}));
    w('VPIDR_EL2', ID_VALUES.MIDR_EL1);
    w('VMPIDR_EL2', mp);
  }
  if (hasEl3) {
    // SCR_EL3: RES1 bits 5:4, RW=1 (lower ELs AArch64), HCE=1 (HVC enabled) when EL2 exists,
    // NS from the initial Security state, EEL2=1 for a Secure PE when EL2 exists (Secure EL2, as Hafnium needs).
    w('SCR_EL3', compose(SCR_EL3, { RW: 1, HCE: hasEl2, NS: !secure, EEL2: secure && hasEl2 }));
    w('TCR_EL3', compose(TCR_EL2, {}));
  }

  // PSTATE at reset: highest requested EL, handler stack, all of DAIF masked (Arm ARM D1.9.1).
  if (opts.el !== undefined) pe.el = opts.el;
  pe.spsel = 1;
  pe.d = pe.a = pe.i = pe.f = 1;
  pe.il = 0;
  pe.pstateOther = 0;
  pe.sysregGen = freshSysregGen();
  pe.configGen = -1;
}
