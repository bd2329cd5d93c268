/**
 * What the built-in SPMC needs from an interrupt controller (GICv3 CPU
 * interface and distributor, Arm IHI 0069 "GICv3 and GICv4 Architecture
 * Specification"), reduced to the operations Hafnium's interrupt code uses
 * (src/arch/aarch64/plat/interrupts/gicv3.c): acknowledge (ICC_IAR1_EL1),
 * end of interrupt (ICC_EOIR1_EL1), deactivate (ICC_DIR_EL1), enable/disable
 * an INTID (GICD_ISENABLER/ICENABLER or the redistributor's), and the
 * configuration the partition manifest asks for (group, priority, target).
 *
 * The GIC layer (simulator/gic) provides the implementation; the firmware
 * only ever talks to this interface, so either side can change inside.
 */

/** An interrupt the controller signals to a PE. */
export interface PendingInterrupt {
  intid: number;
  priority: number;
  /** GICv3 group: 0 (Group 0), 1s (Secure Group 1), 1ns (Non-secure Group 1). */
  group: InterruptGroup;
}

export type InterruptGroup = '0' | '1s' | '1ns';

/** INTID the CPU interface returns when nothing can be acknowledged (GICv3 §2.2.1 "Special INTIDs"). */
export const SPURIOUS_INTID = 1023;

export interface SecureInterruptController {
  /** Highest-priority pending interrupt signalled to PE `pe` (enabled, any group), or undefined. */
  highestPending(pe: number): PendingInterrupt | undefined;
  /**
   * Acknowledge the highest-priority pending interrupt of `group` on PE `pe`
   * (ICC_IAR0_EL1 for group 0, ICC_IAR1_EL1 otherwise, read in the PE's
   * current Security state); returns its INTID or SPURIOUS_INTID.
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

/** Priority the SPMC gives a partition's interrupts (manifest `interrupts` without a priority; Hafnium's default 0x80 range). */
export const SECURE_INTERRUPT_PRIORITY = 0x80;
/** TF-A GIC_HIGHEST_SEC_PRIORITY: the priority of the platform's Group 0 interrupts (PLAT_ARM_G0_IRQ_PROPS). */
export const GIC_HIGHEST_SEC_PRIORITY = 0x00;

/** The first Hafnium virtual INTIDs (hafnium inc/vmapi/hf/types.h; optee_os core/drivers/hfic.c). */
export const HF_VIRTUAL_INTID = {
  MAILBOX_READABLE: 1,
  MAILBOX_WRITABLE: 2,
  VIRTUAL_TIMER: 3,
  MANAGED_EXIT: 4,
  NOTIFICATION_PENDING: 5,
  SCHEDULE_RECEIVER: 8,
  IPI: 9,
} as const;

/** Hafnium's paravirtualised interrupt interface, called with HVC (hafnium inc/vmapi/hf/call.h). */
export const HF_CALL = {
  INTERRUPT_ENABLE: 0xff03,
  INTERRUPT_GET: 0xff04,
  INTERRUPT_DEACTIVATE: 0xff08,
  INTERRUPT_RECONFIGURE: 0xff09,
} as const;

/** HF_INTERRUPT_GET with nothing pending. */
export const HF_INVALID_INTID = 0xffff_ffff;
/** HF_INTERRUPT_RECONFIGURE commands (hafnium inc/vmapi/hf/call.h INT_RECONFIGURE_*). */
export const INT_RECONFIGURE = { TARGET_PE: 0, SEC_STATE: 1, ENABLE: 2 } as const;
