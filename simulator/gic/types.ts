/**
 * Shared GICv3 vocabulary (GIC Architecture Specification IHI 0069, "GICv3 and
 * GICv4"): interrupt groups, INTID ranges and the special INTIDs, and the
 * interface the built-in firmware uses (`SecureInterruptController`): the
 * firmware layer above speaks these words.
 */

/** An interrupt the controller signals to a PE. */
export interface PendingInterrupt {
  intid: number;
  priority: number;
  /** GICv3 group: 0 (Group 0), 1s (Secure Group 1), 1ns (Non-secure Group 1). */
  group: InterruptGroup;
}

export type InterruptGroup = '0' | '1s' | '1ns';

/**
 * What the built-in SPMC needs from an interrupt controller (GICv3 CPU
 * interface and distributor, Arm IHI 0069 "GICv3 and GICv4 Architecture
 * Specification"), reduced to the operations Hafnium's interrupt code uses
 * (src/arch/aarch64/plat/interrupts/gicv3.c): acknowledge (ICC_IAR1_EL1),
 * end of interrupt (ICC_EOIR1_EL1), deactivate (ICC_DIR_EL1), enable/disable
 * an INTID (GICD_ISENABLER/ICENABLER or the redistributor's), and the
 * configuration the partition manifest asks for (group, priority, target).
 * The GIC implements it; the firmware only ever talks to this interface.
 */
export interface SecureInterruptController {
  /** Highest-priority pending interrupt signalled to PE `pe` (enabled, any group), or undefined. */
  highestPending(pe: number): PendingInterrupt | undefined;
  /**
   * Acknowledge the highest-priority pending interrupt of `group` on PE `pe`
   * (ICC_IAR0_EL1 for group 0, ICC_IAR1_EL1 otherwise, read in the PE's
   * current Security state); returns its INTID or INTID_SPURIOUS.
   */
  acknowledge(pe: number, group: InterruptGroup): number;
  /** Priority drop (ICC_EOIRn_EL1); with ICC_CTLR_EL1.EOImode=0 also deactivates. */
  endOfInterrupt(pe: number, intid: number): void;
  /** Deactivate (ICC_DIR_EL1). */
  deactivate(pe: number, intid: number): void;
  /** Enable or disable forwarding of `intid` (GICD/GICR_ISENABLER / ICENABLER). `pe` selects the redistributor for SGIs/PPIs. */
  setEnabled(intid: number, enabled: boolean, pe?: number): void;
  isEnabled(intid: number, pe?: number): boolean;
  /** Configure an interrupt as a partition manifest declares it (group, priority, target PE for SPIs). */
  configure(intid: number, cfg: { group?: InterruptGroup; priority?: number; targetPe?: number }): void;
  /**
   * Optional: the boot-time set-up TF-A (EL3, plat_gic_init) and the SPMC leave behind — distributor
   * groups enabled (GICD_CTLR.EnableGrp0/Grp1NS/Grp1S), every CPU interface's group enables set
   * (ICC_IGRPEN0/1) and the priority mask open (ICC_PMR_EL1 = 0xff).
   */
  initialiseForFirmware?(): void;
  /** Optional: write ICC_PMR_EL1 of PE `pe` on the SPMC's behalf; returns the previous value. */
  setPriorityMask?(pe: number, pmr: number): number;
}


/** INTID ranges (IHI 0069 §2.2.1 "INTIDs"): SGIs 0-15, PPIs 16-31, SPIs 32-1019. */
export const SGI_LAST = 15;
export const PPI_LAST = 31;
export const SPI_FIRST = 32;
export const SPI_LAST = 1019;

/** Special INTIDs (IHI 0069 §2.2.1): returned by ICC_IAR0_EL1 at EL3 for a pending Group 1 interrupt, and "spurious". */
export const INTID_SECURE_G1_AT_EL3 = 1020;
export const INTID_NONSECURE_G1_AT_EL3 = 1021;
export const INTID_SPURIOUS = 1023;

/**
 * Internal group code: 0 = Group 0, 1 = Non-secure Group 1, 2 = Secure Group 1.
 * From GICD_IGROUPR (bit g) and GICD_IGRPMODR (bit m) with GICD_CTLR.DS=0
 * (IHI 0069 Table 3-1 / §9.9.16): g=0,m=0 → G0; g=1,m=0 → G1NS; g=0,m=1 → G1S;
 * g=1,m=1 is reserved and behaves as G1NS here.
 */
export const G0 = 0;
export const G1NS = 1;
export const G1S = 2;

export function groupCode(igroup: number, igrpmod: number): number {
  if (igroup !== 0) return G1NS;
  return igrpmod !== 0 ? G1S : G0;
}

export function groupName(code: number): InterruptGroup {
  return code === G0 ? '0' : code === G1S ? '1s' : '1ns';
}

export function groupFromName(g: InterruptGroup): number {
  return g === '0' ? G0 : g === '1s' ? G1S : G1NS;
}

/** Text for users: `Group 0`, `Secure Group 1`, `Non-secure Group 1`. */
export function groupLabel(code: number): string {
  return code === G0 ? 'Group 0' : code === G1S ? 'Secure Group 1' : 'Non-secure Group 1';
}

/** Kind of an INTID for messages. */
export function intidKind(intid: number): 'SGI' | 'PPI' | 'SPI' | 'special' {
  if (intid <= SGI_LAST) return 'SGI';
  if (intid <= PPI_LAST) return 'PPI';
  if (intid <= SPI_LAST) return 'SPI';
  return 'special';
}

/**
 * Priority bits implemented: 5 (ICC_CTLR_EL1.PRIbits = 4), as in GIC-600 /
 * GIC-700. Priority values keep bits [7:3]; the Active Priorities registers
 * hold one bit per group priority (32 bits).
 */
export const PRIORITY_MASK = 0xf8;
export const PRI_BITS = 5;
/** Minimum binary points for 5 priority bits (IHI 0069 §4.8.3): BPR0 ≥ 2 (7 - PRI_BITS), BPR1 ≥ BPR0 min + 1. */
export const BPR0_MIN = 7 - PRI_BITS;
export const BPR1_MIN = BPR0_MIN + 1;
/** Idle running priority (no active interrupt). */
export const IDLE_PRIORITY = 0xff;
