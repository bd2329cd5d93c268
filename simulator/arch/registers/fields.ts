/**
 * Every register's field accessors (accessors.ts), generated from the table's
 * own layouts in the files that define them. Import from here (or from
 * `simulator/arch`): `HCR_EL2.TGE.isSet(v)`, `(pe.hcrLo & HCR_EL2.TGE.lo) !== 0`.
 *
 * Where one name has several layouts the set says which: SCTLR_EL1 and
 * TCR_EL1 also serve SCTLR_EL2/TCR_EL2 with HCR_EL2.E2H=1; SCTLR_EL2 and
 * TCR_EL2 are the E2H=0 layouts (also SCTLR_EL3/TCR_EL3's); ESR_ELx is the
 * part above the ISS and the ISS_* sets are the ISS by exception class.
 */
export { accessors, compose, type Field, type FieldAccessor, type Fields } from './accessors';
export { ESR_ELx, HPFAR_EL2, ISR_EL1, ISS_DATA_ABORT, ISS_INSTRUCTION_ABORT, ISS_SYSREG, ISS_WFX, VBAR } from './exception';
export { ICC_BPR, ICC_CTLR_EL1, ICC_CTLR_EL3, ICC_IGRPEN, ICC_IGRPEN1_EL3, ICC_INTID, ICC_SRE, ICC_PMR_EL1, ICC_SGI1R_EL1, ICH_HCR_EL2, ICH_LR, ICH_MISR_EL2, ICH_VMCR_EL2, ICH_VTR_EL2 } from './gicCpuInterface';
export { HCR_EL2, MDCR_EL2, SCR_EL3, SCTLR_EL1, SCTLR_EL2 } from './hypervisor';
export { CCSIDR_EL1, CLIDR_EL1, CSSELR_EL1, CTR_EL0, DCZID_EL0, ID_AA64MMFR0_EL1, ID_AA64MMFR1_EL1, ID_AA64PFR0_EL1, MIDR_EL1, MPIDR_EL1 } from './id';
export { MAIR, MAIR_ATTR } from './memoryAttributes';
export { CURRENT_EL, DAIF, DAIF_FLAGS, NZCV, NZCV_FLAGS, SPSEL, SPSR, SPSR_M, type FlagGroup } from './pstate';
export { CNT_CTL } from './timer';
export { PAR_EL1, PAR_EL1_FAULT, TCR_EL1, TCR_EL2, TTBR, VSTCR_EL2, VTCR_EL2, VTTBR_EL2 } from './translation';
