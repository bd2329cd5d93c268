/**
 * The architectural state both sides start from and are compared on: the
 * system registers the boot stub writes (from the simulator's initial values,
 * so QEMU starts exactly where the simulator does) and reads back at the stop,
 * plus X0–X30, the current SP, the PC and PSTATE.
 *
 * Names are the register table's canonical names (`simulator/arch/registers`);
 * QEMU's gdbstub names its system registers the same way (target/arm/gdbstub.c
 * builds them from the cpreg names), so one name means one register on both sides.
 */

/**
 * Written by the EL3 boot stub in this order and compared at the end. SCTLR_EL3
 * comes last: the stub runs at EL3 with the MMU off until the ERET (a case may
 * not start at EL3 with SCTLR_EL3.M=1, see image.ts).
 */
export const CONTEXT_REGISTERS = [
  // EL3
  'SCR_EL3',
  'TCR_EL3',
  'MAIR_EL3',
  'TTBR0_EL3',
  'VBAR_EL3',
  'ESR_EL3',
  'FAR_EL3',
  'CPTR_EL3',
  'MDCR_EL3',
  // EL2
  'HCR_EL2',
  'SCTLR_EL2',
  'TCR_EL2',
  'MAIR_EL2',
  'TTBR0_EL2',
  'TTBR1_EL2',
  'VBAR_EL2',
  'ESR_EL2',
  'FAR_EL2',
  'HPFAR_EL2',
  'ELR_EL2',
  'SPSR_EL2',
  'VTCR_EL2',
  'VTTBR_EL2',
  'VSTCR_EL2',
  'VSTTBR_EL2',
  'CPTR_EL2',
  'MDCR_EL2',
  'HSTR_EL2',
  'TPIDR_EL2',
  'CONTEXTIDR_EL2',
  // EL1 and EL0
  'SCTLR_EL1',
  'TCR_EL1',
  'MAIR_EL1',
  'TTBR0_EL1',
  'TTBR1_EL1',
  'VBAR_EL1',
  'ESR_EL1',
  'FAR_EL1',
  'ELR_EL1',
  'SPSR_EL1',
  'PAR_EL1',
  'CPACR_EL1',
  'CONTEXTIDR_EL1',
  'TPIDR_EL1',
  'TPIDR_EL0',
  'TPIDRRO_EL0',
  // Last: the stub's own translation regime.
  'SCTLR_EL3',
] as const;

/** Registers the ERET into the case sets, so they are not written from the table (see image.ts for EL3 starts). */
export const ERET_REGISTERS = ['ELR_EL3', 'SPSR_EL3'] as const;

/** Every system register compared at the stop. */
export const COMPARED_SYSREGS: readonly string[] = [...CONTEXT_REGISTERS, ...ERET_REGISTERS];

/** The stack pointers the stub sets (SP_EL3 with `mov sp`, the others with MSR). */
export const STACK_POINTERS = ['SP_EL0', 'SP_EL1', 'SP_EL2', 'SP_EL3'] as const;
