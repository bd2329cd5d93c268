/**
 * Other registers firmware and kernels touch routinely: PMU controls, SVE
 * vector length, extended hypervisor controls, fine-grained traps, RNDR,
 * software context numbers, debug OS lock, RAS deferred errors and the
 * AArch32 state kept at EL2. Encodings: Arm ARM D24 / Linux sysreg.h.
 */
import { hex } from '../../util/hex';
import { b, enc, f, fmt, reg, whole } from './define';
import type { RegisterDef } from './types';

const idWhole = (name: string, e: ReturnType<typeof enc>, description: string): RegisterDef =>
  reg({ name, description, encoding: e, ro: true, fields: whole('Value', 'Feature fields (not decoded individually)') });

const zcr = (el: 1 | 2 | 3, e: ReturnType<typeof enc>): RegisterDef =>
  reg({
    name: `ZCR_EL${el}`,
    description: `SVE Control Register (EL${el}): effective vector length`,
    encoding: e,
    fields: [fmt('LEN', 3, 0, 'Vector length: (LEN+1) x 128 bits (bits [8:4] RAZ/WI)', (v) => `${(v + 1n) * 128n} bits`), f('LEN_RAZ', 8, 4, 'Reserved extension of LEN, RAZ/WI')],
    redirectTo: el === 1 ? 'ZCR_EL2' : undefined,
  });

export const OTHER_REGISTERS: RegisterDef[] = [
  idWhole('ID_AA64ZFR0_EL1', enc(3, 0, 0, 4, 4), 'SVE Feature ID Register 0'),
  idWhole('ID_AA64SMFR0_EL1', enc(3, 0, 0, 4, 5), 'SME Feature ID Register 0'),
  idWhole('ID_AA64DFR1_EL1', enc(3, 0, 0, 5, 1), 'AArch64 Debug Feature Register 1'),
  idWhole('ID_AA64AFR0_EL1', enc(3, 0, 0, 5, 4), 'AArch64 Auxiliary Feature Register 0'),
  idWhole('ID_AA64AFR1_EL1', enc(3, 0, 0, 5, 5), 'AArch64 Auxiliary Feature Register 1'),
  idWhole('ID_AA64ISAR2_EL1', enc(3, 0, 0, 6, 2), 'AArch64 Instruction Set Attribute Register 2'),
  idWhole('ID_AA64MMFR4_EL1', enc(3, 0, 0, 7, 4), 'AArch64 Memory Model Feature Register 4'),
  idWhole('GMID_EL1', enc(3, 1, 0, 0, 4), 'Multiple tag transfer ID Register (FEAT_MTE2)'),
  idWhole('CCSIDR2_EL1', enc(3, 1, 0, 0, 2), 'Current Cache Size ID Register 2 (FEAT_CCIDX)'),
  zcr(1, enc(3, 0, 1, 2, 0)),
  zcr(2, enc(3, 4, 1, 2, 0)),
  zcr(3, enc(3, 6, 1, 2, 0)),
  reg({
    name: 'HCRX_EL2',
    description: 'Extended Hypervisor Configuration Register (FEAT_HCX)',
    encoding: enc(3, 4, 1, 2, 2),
    fields: [
      b('EnAS0', 0, 'ST64BV0 at EL0/EL1 not trapped'),
      b('EnALS', 1, 'LD64B/ST64B at EL0/EL1 not trapped'),
      b('EnASR', 2, 'ST64BV at EL0/EL1 not trapped'),
      b('FnXS', 3, 'Force nXS for TLBI/DSB at EL1'),
      b('FGTnXS', 4, 'Fine-grained traps also apply to nXS TLBI'),
      b('SMPME', 5, 'Streaming mode priority mapping enable'),
      b('TALLINT', 6, 'Trap MSR ALLINT'),
      b('VINMI', 7, 'Virtual IRQ with superpriority'),
      b('VFNMI', 8, 'Virtual FIQ with superpriority'),
      b('CMOW', 9, 'Cache maintenance instruction permission at EL1/EL0'),
      b('MCE2', 10, 'Memory Copy/Set exceptions to EL2'),
      b('MSCEn', 11, 'Memory Copy and Memory Set instructions enable'),
      f('Other', 63, 12, 'Later FEAT_* controls (not decoded individually)'),
    ],
  }),
  reg({ name: 'HFGRTR_EL2', description: 'Hypervisor Fine-Grained Read Trap Register (FEAT_FGT)', encoding: enc(3, 4, 1, 1, 4), fields: whole('Traps', 'One bit per trapped register read') }),
  reg({ name: 'HFGWTR_EL2', description: 'Hypervisor Fine-Grained Write Trap Register (FEAT_FGT)', encoding: enc(3, 4, 1, 1, 5), fields: whole('Traps', 'One bit per trapped register write') }),
  reg({ name: 'HFGITR_EL2', description: 'Hypervisor Fine-Grained Instruction Trap Register (FEAT_FGT)', encoding: enc(3, 4, 1, 1, 6), fields: whole('Traps', 'One bit per trapped instruction') }),
  reg({ name: 'HACR_EL2', description: 'Hypervisor Auxiliary Control Register: IMPLEMENTATION DEFINED traps', encoding: enc(3, 4, 1, 1, 7), fields: whole('IMPDEF', 'IMPLEMENTATION DEFINED') }),
  reg({ name: 'VNCR_EL2', description: 'Virtual Nested Control Register (FEAT_NV2): base of the VNCR page', encoding: enc(3, 4, 2, 2, 0), fields: [f('RESS', 63, 57, 'Sign extension of BADDR'), fmt('BADDR', 56, 12, 'VNCR page base address', (v) => hex(v << 12n))] }),
  reg({ name: 'RMR_EL1', description: 'Reset Management Register (EL1, when EL1 is the highest EL)', encoding: enc(3, 0, 12, 0, 2), fields: [b('AA64', 0, 'Execution state after warm reset'), b('RR', 1, 'Reset Request')] }),
  reg({ name: 'RMR_EL2', description: 'Reset Management Register (EL2, when EL2 is the highest EL)', encoding: enc(3, 4, 12, 0, 2), fields: [b('AA64', 0, 'Execution state after warm reset'), b('RR', 1, 'Reset Request')] }),
  reg({ name: 'RMR_EL3', description: 'Reset Management Register (EL3)', encoding: enc(3, 6, 12, 0, 2), fields: [b('AA64', 0, 'Execution state after warm reset', { 0: 'AArch32', 1: 'AArch64' }), b('RR', 1, 'Reset Request: request a warm reset')] }),
  reg({ name: 'DISR_EL1', description: 'Deferred Interrupt Status Register (FEAT_RAS): SError deferred by ESB', encoding: enc(3, 0, 12, 1, 1), fields: [b('A', 31, 'Deferred SError pending'), f('ISS', 24, 0, 'Syndrome of the deferred SError')] }),
  reg({ name: 'VDISR_EL2', description: 'Virtual Deferred Interrupt Status Register (FEAT_RAS)', encoding: enc(3, 4, 12, 1, 1), fields: [b('A', 31, 'Deferred virtual SError pending'), f('ISS', 24, 0, 'Syndrome of the deferred virtual SError')] }),
  reg({ name: 'RNDR', description: 'Random Number (FEAT_RNG); reading sets NZCV', encoding: enc(3, 3, 2, 4, 0), ro: true, fields: whole('RNDR', 'Random number') }),
  reg({ name: 'RNDRRS', description: 'Reseeded Random Number (FEAT_RNG)', encoding: enc(3, 3, 2, 4, 1), ro: true, fields: whole('RNDRRS', 'Random number after reseeding') }),
  reg({ name: 'TPIDR2_EL0', description: 'EL0 Read/Write Software Thread ID Register 2 (FEAT_SME)', encoding: enc(3, 3, 13, 0, 5), fields: whole('ThreadID', 'Thread identifying information') }),
  reg({ name: 'SCXTNUM_EL0', description: 'EL0 Read/Write Software Context Number (FEAT_CSV2_2)', encoding: enc(3, 3, 13, 0, 7), fields: whole('SoftwareContextNumber', 'Software context number') }),
  reg({ name: 'SCXTNUM_EL1', description: 'EL1 Read/Write Software Context Number (FEAT_CSV2_2)', encoding: enc(3, 0, 13, 0, 7), fields: whole('SoftwareContextNumber', 'Software context number'), redirectTo: 'SCXTNUM_EL2' }),
  reg({ name: 'SCXTNUM_EL2', description: 'EL2 Read/Write Software Context Number (FEAT_CSV2_2)', encoding: enc(3, 4, 13, 0, 7), fields: whole('SoftwareContextNumber', 'Software context number') }),
  reg({ name: 'TFSR_EL1', description: 'Tag Fault Status Register (EL1, FEAT_MTE2)', encoding: enc(3, 0, 5, 6, 0), fields: [b('TF0', 0, 'Tag check fault in TTBR0 range'), b('TF1', 1, 'Tag check fault in TTBR1 range')], redirectTo: 'TFSR_EL2' }),
  reg({ name: 'TFSR_EL2', description: 'Tag Fault Status Register (EL2, FEAT_MTE2)', encoding: enc(3, 4, 5, 6, 0), fields: [b('TF0', 0, 'Tag check fault in TTBR0 range'), b('TF1', 1, 'Tag check fault in TTBR1 range')] }),
  reg({ name: 'TFSRE0_EL1', description: 'Tag Fault Status Register (EL0, FEAT_MTE2)', encoding: enc(3, 0, 5, 6, 1), fields: [b('TF0', 0, 'Tag check fault in TTBR0 range'), b('TF1', 1, 'Tag check fault in TTBR1 range')] }),
  reg({ name: 'OSLSR_EL1', description: 'OS Lock Status Register', encoding: enc(2, 0, 1, 1, 4), ro: true, fields: [b('OSLM[0]', 0, 'OS lock model bit 0'), b('OSLK', 1, 'OS Lock status', { 0: 'Unlocked', 1: 'Locked' }), b('nTT', 2, 'Not 32-bit access'), b('OSLM[1]', 3, 'OS lock model bit 1')] }),
  reg({ name: 'OSDLR_EL1', description: 'OS Double Lock Register', encoding: enc(2, 0, 1, 3, 4), fields: [b('DLK', 0, 'OS Double Lock control')] }),
  reg({ name: 'MDRAR_EL1', description: 'Monitor Debug ROM Address Register', encoding: enc(2, 0, 1, 0, 0), ro: true, fields: [f('ROMADDR', 55, 12, 'ROM table address bits [55:12]'), f('Valid', 1, 0, 'ROMADDR valid', { 0: 'Not valid', 3: 'Valid' })] }),
  reg({
    name: 'PMCR_EL0',
    description: 'Performance Monitors Control Register',
    encoding: enc(3, 3, 9, 12, 0),
    fields: [
      b('E', 0, 'Enable all event counters'), b('P', 1, 'Event counter reset (write 1)'), b('C', 2, 'Cycle counter reset (write 1)'), b('D', 3, 'Clock divider (every 64 cycles)'),
      b('X', 4, 'Export enable'), b('DP', 5, 'Disable cycle counter when event counting prohibited'), b('LC', 6, 'Long cycle counter enable'), b('LP', 7, 'Long event counter enable'),
      b('FZO', 9, 'Freeze-on-overflow'), fmt('N', 15, 11, 'Number of event counters', (v) => `${v} counters`), f('IDCODE', 23, 16, 'Identification code'), f('IMP', 31, 24, 'Implementer code'), b('FZS', 32, 'Freeze on SPE event'),
    ],
  }),
  reg({ name: 'PMCNTENSET_EL0', description: 'Performance Monitors Count Enable Set', encoding: enc(3, 3, 9, 12, 1), fields: [b('C', 31, 'Cycle counter enabled'), f('P', 30, 0, 'Event counter n enabled')] }),
  reg({ name: 'PMCNTENCLR_EL0', description: 'Performance Monitors Count Enable Clear', encoding: enc(3, 3, 9, 12, 2), fields: [b('C', 31, 'Cycle counter'), f('P', 30, 0, 'Event counter n')] }),
  reg({ name: 'PMOVSCLR_EL0', description: 'Performance Monitors Overflow Flag Status Clear', encoding: enc(3, 3, 9, 12, 3), fields: [b('C', 31, 'Cycle counter overflow'), f('P', 30, 0, 'Event counter n overflow')] }),
  reg({ name: 'PMSWINC_EL0', description: 'Performance Monitors Software Increment', encoding: enc(3, 3, 9, 12, 4), wo: true, fields: [f('P', 30, 0, 'Increment event counter n')] }),
  reg({ name: 'PMSELR_EL0', description: 'Performance Monitors Event Counter Selection', encoding: enc(3, 3, 9, 12, 5), fields: [f('SEL', 4, 0, 'Selected event counter (31: cycle counter)')] }),
  reg({ name: 'PMCEID0_EL0', description: 'Performance Monitors Common Event Identification 0', encoding: enc(3, 3, 9, 12, 6), ro: true, fields: whole('IDs', 'Common events implemented') }),
  reg({ name: 'PMCEID1_EL0', description: 'Performance Monitors Common Event Identification 1', encoding: enc(3, 3, 9, 12, 7), ro: true, fields: whole('IDs', 'Common events implemented') }),
  reg({ name: 'PMCCNTR_EL0', description: 'Performance Monitors Cycle Count Register', encoding: enc(3, 3, 9, 13, 0), fields: whole('CCNT', 'Cycle count') }),
  reg({ name: 'PMXEVTYPER_EL0', description: 'Performance Monitors Selected Event Type', encoding: enc(3, 3, 9, 13, 1), fields: whole('EVTYPER', 'Event type of the counter selected by PMSELR_EL0') }),
  reg({ name: 'PMXEVCNTR_EL0', description: 'Performance Monitors Selected Event Count', encoding: enc(3, 3, 9, 13, 2), fields: whole('PMEVCNTR', 'Count of the counter selected by PMSELR_EL0') }),
  reg({ name: 'PMUSERENR_EL0', description: 'Performance Monitors User Enable Register', encoding: enc(3, 3, 9, 14, 0), el: 0, fields: [b('EN', 0, 'EL0 access enable'), b('SW', 1, 'Software increment write enable'), b('CR', 2, 'Cycle counter read enable'), b('ER', 3, 'Event counter read enable'), b('TID', 6, 'Trap PMU ID registers')] }),
  reg({ name: 'PMINTENSET_EL1', description: 'Performance Monitors Interrupt Enable Set', encoding: enc(3, 0, 9, 14, 1), fields: [b('C', 31, 'Cycle counter overflow interrupt'), f('P', 30, 0, 'Event counter n overflow interrupt')] }),
  reg({ name: 'PMINTENCLR_EL1', description: 'Performance Monitors Interrupt Enable Clear', encoding: enc(3, 0, 9, 14, 2), fields: [b('C', 31, 'Cycle counter overflow interrupt'), f('P', 30, 0, 'Event counter n overflow interrupt')] }),
  reg({ name: 'PMOVSSET_EL0', description: 'Performance Monitors Overflow Flag Status Set', encoding: enc(3, 3, 9, 14, 3), fields: [b('C', 31, 'Cycle counter overflow'), f('P', 30, 0, 'Event counter n overflow')] }),
  reg({ name: 'PMCCFILTR_EL0', description: 'Performance Monitors Cycle Count Filter', encoding: enc(3, 3, 14, 15, 7), fields: whole('Filter', 'Cycle counter filtering controls (P, U, NSK, NSU, NSH, M, SH…)') }),
  reg({ name: 'DACR32_EL2', description: 'Domain Access Control Register (AArch32 EL1 state held at EL2)', encoding: enc(3, 4, 3, 0, 0), fields: whole('D', 'Domain access permissions', 31) }),
  reg({ name: 'IFSR32_EL2', description: 'Instruction Fault Status Register (AArch32 EL1 state held at EL2)', encoding: enc(3, 4, 5, 0, 1), fields: whole('IFSR', 'AArch32 IFSR', 31) }),
  reg({ name: 'FPEXC32_EL2', description: 'Floating-Point Exception Control (AArch32 state held at EL2)', encoding: enc(3, 4, 5, 3, 0), fields: whole('FPEXC', 'AArch32 FPEXC', 31) }),
];
