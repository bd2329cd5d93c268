/**
 * System register values the built-in firmware programs when it switches
 * worlds and partitions (Hafnium src/arch/aarch64/sysregs.c, TF-A
 * el3_common_macros / context management).
 */

/** HCR_EL2 for S-EL1 partition vCPUs (Hafnium src/arch/aarch64/sysregs.c): VM, PTW, FMO, IMO, FB, BSU=IS, TID3, TSC, TIDCP, TACR, TSW, RW, APK, API. */
export const HCR_SEL1 = (1n << 0n) | (1n << 2n) | (1n << 3n) | (1n << 4n) | (1n << 9n) | (1n << 10n) | (1n << 18n) | (1n << 19n) | (1n << 20n) | (1n << 21n) | (1n << 22n) | (1n << 31n) | (1n << 40n) | (1n << 41n);
export const HCR_E2H = 1n << 34n;
export const HCR_TGE = 1n << 27n;
export const HCR_VI = 1n << 7n;
export const HCR_VF = 1n << 6n;
/** S-EL0 partitions run as host applications: E2H=TGE=1, RW, TID3, TIDCP (Hafnium, TGE only for S-EL0 SPs). */
export const HCR_SEL0 = HCR_E2H | HCR_TGE | (1n << 31n) | (1n << 18n) | (1n << 20n);
/** TCR_EL2 with E2H=1 (TCR_EL1 layout): T0SZ=32, IRGN0=ORGN0=WBWA, SH0=Inner, TG0=4K, EPD1, IPS=48 bits. */
export const TCR_EL20 = 0x5_0080_3520n;
/** SCTLR_EL2 with E2H=1 (SCTLR_EL1 layout): the reset RES1/nTWx bits plus M, C, I. */
export const SCTLR_EL20 = 0x30d5_0800n | 1n | 4n | 0x1000n;
export const SCTLR_EL1_RESET = 0x30d5_0800n;

export const SCR_NS = 1n;
export const SCR_FIQ = 1n << 2n;
export const SCR_EEL2 = 1n << 18n;
