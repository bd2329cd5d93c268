/**
 * System register values the built-in firmware programs when it switches
 * worlds and partitions (Hafnium src/arch/aarch64/sysregs.c, TF-A
 * el3_common_macros / context management), composed by field name from the
 * register table (simulator/arch/registers): no bit position is written here.
 */
import { compose, HCR_EL2, SCR_EL3, SCTLR_EL1, TCR_EL1 } from '../arch/registers/fields';
import { SCTLR_EL1_RESET } from '../pe/reset';

/** HCR_EL2 for S-EL1 partition vCPUs (Hafnium src/arch/aarch64/sysregs.c): VM, PTW, FMO, IMO, FB, BSU=IS, TID3, TSC, TIDCP, TACR, TSW, RW, APK, API. */
export const HCR_SEL1 = compose(HCR_EL2, { VM: 1, PTW: 1, FMO: 1, IMO: 1, FB: 1, BSU: 1, TID3: 1, TSC: 1, TIDCP: 1, TACR: 1, TSW: 1, RW: 1, APK: 1, API: 1 });
export const HCR_E2H = HCR_EL2.E2H.mask;
export const HCR_VI = HCR_EL2.VI.mask;
export const HCR_VF = HCR_EL2.VF.mask;
/** S-EL0 partitions run as host applications: E2H=TGE=1, RW, TID3, TIDCP (Hafnium, TGE only for S-EL0 SPs). */
export const HCR_SEL0 = compose(HCR_EL2, { E2H: 1, TGE: 1, RW: 1, TID3: 1, TIDCP: 1 });
/** TCR_EL2 with E2H=1 (TCR_EL1 layout): T0SZ=32, IRGN0=ORGN0=WBWA, SH0=Inner, TG0=4K, EPD1, IPS=48 bits. */
export const TCR_EL20 = compose(TCR_EL1, { T0SZ: 32, IRGN0: 1, ORGN0: 1, SH0: 3, TG0: 0, EPD1: 1, IPS: 5 });
/** SCTLR_EL2 with E2H=1 (SCTLR_EL1 layout): the reset RES1/nTWx bits plus M, C, I. */
export const SCTLR_EL20 = SCTLR_EL1_RESET | compose(SCTLR_EL1, { M: 1, C: 1, I: 1 });
export { SCTLR_EL1_RESET };

export const SCR_NS = SCR_EL3.NS.mask;
export const SCR_FIQ = SCR_EL3.FIQ.mask;
export const SCR_EEL2 = SCR_EL3.EEL2.mask;
