/**
 * What the built-in SPMC needs from an interrupt controller (GICv3 CPU
 * interface and distributor, Arm IHI 0069 "GICv3 and GICv4 Architecture
 * Specification"), reduced to the operations Hafnium's interrupt code uses
 * (src/arch/aarch64/plat/interrupts/gicv3.c): acknowledge (ICC_IAR1_EL1),
 * end of interrupt (ICC_EOIR1_EL1), deactivate (ICC_DIR_EL1), enable/disable
 * an INTID (GICD_ISENABLER/ICENABLER or the redistributor's), and the
 * configuration the partition manifest asks for (group, priority, target).
 *
 * The interface itself is the GIC layer's (gic/types.ts, re-exported here):
 * the firmware sits above the GIC and only ever talks to it.
 */

import type { SecureInterruptController } from '../gic/types';

export type { InterruptGroup, PendingInterrupt, SecureInterruptController } from '../gic/types';

/** ICC_PMR_EL1 of a PE written on the SPMC's behalf; returns the previous value. */
export function setPriorityMask(gic: SecureInterruptController, pe: number, pmr: number): number {
  // Without the optional hook (a controller that cannot) Non-secure interrupts stay unmasked: 0xff is "open".
  return gic.setPriorityMask ? gic.setPriorityMask(pe, pmr) : 0xff;
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
