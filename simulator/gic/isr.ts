/**
 * ISR_EL1, the Interrupt Status Register (Arm ARM D24.2 ISR_EL1): which
 * interrupts are pending at the PE, whatever PSTATE masks. At EL1/EL0 with
 * EL2 enabled, HCR_EL2.TGE=0 and HCR_EL2.IMO (FMO, AMO) set, the I (F, A) bit
 * shows the virtual interrupt (the vIRQ line or HCR_EL2.VI…); otherwise the
 * physical one the GIC drives.
 */
import { compose, HCR_EL2, ISR_EL1 } from '../arch/registers/fields';
import { el2Enabled, refreshConfig } from '../pe/config';
import type { Pe } from '../pe/pe';
import type { SysregHandler } from '../pe/sysregs';

export const ISR_HANDLER: SysregHandler = {
  read(pe: Pe): bigint {
    refreshConfig(pe);
    const hcr = pe.hcrLo;
    const guest = pe.el <= 1 && el2Enabled(pe) && (hcr & HCR_EL2.TGE.lo) === 0;
    const virt = (bit: number): boolean => guest && (hcr & bit) !== 0;
    const a = virt(HCR_EL2.AMO.lo) ? (hcr & HCR_EL2.VSE.lo) !== 0 : pe.serrorLine;
    const i = virt(HCR_EL2.IMO.lo) ? pe.virqLine || (hcr & HCR_EL2.VI.lo) !== 0 : pe.irqLine;
    const f = virt(HCR_EL2.FMO.lo) ? pe.vfiqLine || (hcr & HCR_EL2.VF.lo) !== 0 : pe.fiqLine;
    return compose(ISR_EL1, { A: a, I: i, F: f });
  },
};
