/**
 * Taking interrupts (Arm ARM D1.3.6 "Asynchronous exception routing" and
 * "Asynchronous exception masking", pseudocode AArch64.TakePhysicalIRQException
 * / AArch64.TakeVirtualIRQException).
 *
 * The PE samples its request lines (`irqLine`, `fiqLine`, `virqLine`,
 * `vfiqLine`, plus HCR_EL2.VI/VF) before each instruction:
 * - physical IRQ/FIQ route to EL3 when SCR_EL3.IRQ/FIQ=1; else to EL2 when EL2
 *   is enabled in the current Security state and HCR_EL2.IMO/FMO or TGE is 1;
 *   else to EL1;
 * - an interrupt routed to a lower EL than the current one is not taken (it
 *   stays pending); one routed to a higher EL ≥ 2 is taken whatever PSTATE.I/F
 *   say; one routed to the current EL (or to EL1 from EL0) is masked by PSTATE.I/F;
 * - virtual IRQ/FIQ exist only at EL1/EL0 with EL2 enabled, HCR_EL2.IMO/FMO=1
 *   and TGE=0, target EL1 and are masked by PSTATE.I/F;
 * - SError follows the same rules with SCR_EL3.EA, HCR_EL2.AMO and PSTATE.A;
 *   a virtual SError (HCR_EL2.VSE) is taken at EL1/EL0 with AMO=1, TGE=0 and
 *   clears HCR_EL2.VSE when taken (Arm ARM D1.3.6, HCR_EL2.VSE).
 */
import { HCR_EL2, SCR_EL3 } from '../arch/registers/fields';
import { el2Enabled, refreshConfig } from './config';
import { takeAsyncException } from './entry';
import type { Pe } from './pe';

/** Target EL of a physical IRQ (`fiq` false) or FIQ. Call refreshConfig first. */
export function physicalInterruptTarget(pe: Pe, fiq: boolean): number {
  if (pe.hasEl3 && (pe.scrLo & (fiq ? SCR_EL3.FIQ.lo : SCR_EL3.IRQ.lo)) !== 0) return 3;
  if (el2Enabled(pe) && (pe.hcrLo & ((fiq ? HCR_EL2.FMO.lo : HCR_EL2.IMO.lo) | HCR_EL2.TGE.lo)) !== 0) return 2;
  return 1;
}

/** Target EL of a physical SError (SCR_EL3.EA, HCR_EL2.AMO/TGE). Call refreshConfig first. */
export function serrorTarget(pe: Pe): number {
  if (pe.hasEl3 && (pe.scrLo & SCR_EL3.EA.lo) !== 0) return 3;
  if (el2Enabled(pe) && (pe.hcrLo & (HCR_EL2.AMO.lo | HCR_EL2.TGE.lo)) !== 0) return 2;
  return 1;
}

/** Would a physical interrupt routed to `target` be taken now, given the PSTATE mask bit? */
function physicalTaken(pe: Pe, target: number, masked: number): boolean {
  if (target < pe.el) return false;
  if (target > pe.el && target >= 2) return true;
  return masked === 0;
}

/** Virtual interrupts are enabled (HCR_EL2.IMO/FMO=1, TGE=0, EL2 enabled, at EL1/EL0). */
function virtualEnabled(pe: Pe, fiq: boolean): boolean {
  return pe.el <= 1 && (pe.hcrLo & HCR_EL2.TGE.lo) === 0 && (pe.hcrLo & (fiq ? HCR_EL2.FMO.lo : HCR_EL2.IMO.lo)) !== 0 && el2Enabled(pe);
}

function virtualSErrorEnabled(pe: Pe): boolean {
  return pe.el <= 1 && (pe.hcrLo & HCR_EL2.TGE.lo) === 0 && (pe.hcrLo & HCR_EL2.AMO.lo) !== 0 && el2Enabled(pe);
}

function virqPending(pe: Pe): boolean {
  return pe.virqLine || (pe.hcrLo & HCR_EL2.VI.lo) !== 0;
}
function vfiqPending(pe: Pe): boolean {
  return pe.vfiqLine || (pe.hcrLo & HCR_EL2.VF.lo) !== 0;
}

/**
 * The interrupt the PE would take now, or undefined. Priority among several
 * (not fixed by the architecture): physical FIQ, physical IRQ, virtual FIQ, virtual IRQ.
 */
export function pendingInterrupt(pe: Pe): 'serror' | 'fiq' | 'irq' | 'vserror' | 'vfiq' | 'virq' | undefined {
  refreshConfig(pe);
  if (pe.serrorLine && physicalTaken(pe, serrorTarget(pe), pe.a)) return 'serror';
  if (pe.fiqLine && physicalTaken(pe, physicalInterruptTarget(pe, true), pe.f)) return 'fiq';
  if (pe.irqLine && physicalTaken(pe, physicalInterruptTarget(pe, false), pe.i)) return 'irq';
  if ((pe.hcrLo & HCR_EL2.VSE.lo) !== 0 && virtualSErrorEnabled(pe) && pe.a === 0) return 'vserror';
  if (vfiqPending(pe) && virtualEnabled(pe, true) && pe.f === 0) return 'vfiq';
  if (virqPending(pe) && virtualEnabled(pe, false) && pe.i === 0) return 'virq';
  return undefined;
}

/**
 * Is there an interrupt that wakes the PE from WFI/WFE (Arm ARM D1.6.2
 * "Wait for Interrupt"): one the PE would take if PSTATE.I/F did not mask it
 * (an interrupt routed to a lower EL does not wake it).
 */
export function wakeupPending(pe: Pe): boolean {
  refreshConfig(pe);
  if (pe.serrorLine && serrorTarget(pe) >= pe.el) return true;
  if ((pe.hcrLo & HCR_EL2.VSE.lo) !== 0 && virtualSErrorEnabled(pe)) return true;
  if (pe.fiqLine && physicalInterruptTarget(pe, true) >= pe.el) return true;
  if (pe.irqLine && physicalInterruptTarget(pe, false) >= pe.el) return true;
  if (vfiqPending(pe) && virtualEnabled(pe, true)) return true;
  if (virqPending(pe) && virtualEnabled(pe, false)) return true;
  return false;
}

/** Take the pending interrupt, if any. Returns true when one was taken. */
export function takePendingInterrupt(pe: Pe): boolean {
  const kind = pendingInterrupt(pe);
  if (kind === undefined) return false;
  switch (kind) {
    case 'serror':
      takeAsyncException(pe, 'serror', serrorTarget(pe));
      break;
    case 'vserror':
      // Taking the virtual SError clears HCR_EL2.VSE (Arm ARM D24.2 HCR_EL2.VSE).
      pe.writeSysreg('HCR_EL2', pe.readSysreg('HCR_EL2') & ~HCR_EL2.VSE.mask);
      takeAsyncException(pe, 'serror', 1, true);
      break;
    case 'fiq':
    case 'irq':
      takeAsyncException(pe, kind, physicalInterruptTarget(pe, kind === 'fiq'));
      break;
    default:
      takeAsyncException(pe, kind, 1);
  }
  return true;
}
