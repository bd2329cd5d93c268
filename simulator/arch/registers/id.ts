/**
 * Identification registers: MIDR_EL1, MPIDR_EL1, REVIDR_EL1, CTR_EL0,
 * CLIDR_EL1, CCSIDR_EL1, CSSELR_EL1, DCZID_EL0, ID_AA64* feature registers.
 * Arm ARM D24.2; D23 "ID register fields".
 */
import { hex } from '../../util/hex';
import { accessors } from './accessors';
import { PA_SIZE, b, enc, f, fmt, reg, res1, whole } from './define';
import type { FieldDef, RegisterDef } from './types';

/** A 4-bit ID field at [lsb+3:lsb]. */
const id = <N extends string, L extends number>(name: N, lsb: L, description: string, values?: Record<number, string>): FieldDef<N, number, L> =>
  f(name, lsb + 3, lsb, description, values);

const IMPL = { 0: 'Not implemented', 1: 'Implemented' };
const EL_SUPPORT = { 0: 'Not implemented', 1: 'AArch64 only', 2: 'AArch64 and AArch32' };

export const IMPLEMENTERS: Readonly<Record<number, string>> = {
  0x00: 'Reserved for software use', 0x41: 'Arm Limited', 0x42: 'Broadcom', 0x43: 'Cavium', 0x44: 'DEC', 0x46: 'Fujitsu', 0x48: 'HiSilicon',
  0x49: 'Infineon', 0x4d: 'Motorola/Freescale', 0x4e: 'NVIDIA', 0x50: 'Applied Micro', 0x51: 'Qualcomm', 0x56: 'Marvell',
  0x61: 'Apple', 0x69: 'Intel', 0x6d: 'Microsoft', 0xc0: 'Ampere Computing',
};

const lineBytes = (v: bigint) => `${4n << v} bytes (${v})`;

const MIDR_EL1_FIELDS = [
  f('Implementer', 31, 24, 'Implementer code', IMPLEMENTERS as Record<number, string>),
  f('Variant', 23, 20, 'Variant (major revision, rN)'),
  f('Architecture', 19, 16, 'Architecture', { 0xf: 'Defined by CPUID scheme' }),
  fmt('PartNum', 15, 4, 'Primary part number', (v) => hex(v, 3)),
  f('Revision', 3, 0, 'Revision (minor revision, pN)'),
];

const MPIDR_EL1_FIELDS = [
  f('Aff3', 39, 32, 'Affinity level 3'),
  res1(31),
  b('U', 30, 'Uniprocessor', { 0: 'Part of a multiprocessor system', 1: 'Uniprocessor system' }),
  b('MT', 24, 'Multithreading: lowest affinity level consists of logical PEs'),
  f('Aff2', 23, 16, 'Affinity level 2'),
  f('Aff1', 15, 8, 'Affinity level 1'),
  f('Aff0', 7, 0, 'Affinity level 0'),
];

const CTR_EL0_FIELDS = [
  fmt('TminLine', 37, 32, 'Tag minimum line: log2 words of the smallest tag granule line', (v) => `${v}`),
  res1(31),
  b('DIC', 29, 'Instruction cache invalidation to the PoU for data-to-instruction coherence', {
    0: 'Instruction cache invalidation to the PoU is required for data-to-instruction coherence',
    1: 'Instruction cache invalidation to the PoU is not required for data-to-instruction coherence',
  }),
  b('IDC', 28, 'Data cache clean to the PoU for instruction-to-data coherence', {
    0: 'Data cache clean to the PoU is required for instruction-to-data coherence',
    1: 'Data cache clean to the PoU is not required for instruction-to-data coherence',
  }),
  fmt('CWG', 27, 24, 'Cache Writeback Granule: log2 words', (v) => (v === 0n ? 'Not provided' : lineBytes(v))),
  fmt('ERG', 23, 20, 'Exclusives Reservation Granule: log2 words', (v) => (v === 0n ? 'Not provided' : lineBytes(v))),
  fmt('DminLine', 19, 16, 'Smallest data cache line: log2 words', lineBytes),
  f('L1Ip', 15, 14, 'Level 1 instruction cache policy', { 0: 'VMID-aware PIPT (VPIPT)', 1: 'ASID-tagged VIVT (AIVIVT)', 2: 'VIPT', 3: 'PIPT' }),
  fmt('IminLine', 3, 0, 'Smallest instruction cache line: log2 words', lineBytes),
];

const CLIDR_EL1_FIELDS = [
  f('Ttype', 46, 33, 'Tag cache types per level (FEAT_MTE2)'),
  f('ICB', 32, 30, 'Inner cache boundary'),
  f('LoUU', 29, 27, 'Level of Unification Uniprocessor'),
  f('LoC', 26, 24, 'Level of Coherence'),
  f('LoUIS', 23, 21, 'Level of Unification Inner Shareable'),
  ...[7, 6, 5, 4, 3, 2, 1].map((n) =>
    f(`Ctype${n}`, 3 * n - 1, 3 * n - 3, `Cache type at level ${n}`, { 0: 'No cache', 1: 'Instruction cache only', 2: 'Data cache only', 3: 'Separate instruction and data caches', 4: 'Unified cache' }),
  ),
];

const CCSIDR_EL1_FIELDS = [
  f('UNKNOWN', 31, 28, 'UNKNOWN (formerly WT/WB/RA/WA)'),
  fmt('NumSets', 27, 13, 'Number of sets minus 1', (v) => `${v + 1n} sets`),
  fmt('Associativity', 12, 3, 'Associativity minus 1', (v) => `${v + 1n} ways`),
  fmt('LineSize', 2, 0, 'log2(line bytes) minus 4', (v) => `${16n << v} bytes`),
];

const CSSELR_EL1_FIELDS = [
  b('TnD', 4, 'Allocation Tag not Data'),
  fmt('Level', 3, 1, 'Cache level minus 1', (v) => `Level ${v + 1n}`),
  b('InD', 0, 'Instruction not Data', { 0: 'Data or unified cache', 1: 'Instruction cache' }),
];

const DCZID_EL0_FIELDS = [b('DZP', 4, 'DC ZVA prohibited', { 0: 'Permitted', 1: 'Prohibited' }), fmt('BS', 3, 0, 'log2 of the block size in words', (v) => `${4n << v} bytes`)];

const ID_AA64PFR0_EL1_FIELDS = [
  id('EL0', 0, 'EL0 Exception level handling', EL_SUPPORT),
  id('EL1', 4, 'EL1 Exception level handling', EL_SUPPORT),
  id('EL2', 8, 'EL2 Exception level handling', EL_SUPPORT),
  id('EL3', 12, 'EL3 Exception level handling', EL_SUPPORT),
  id('FP', 16, 'Floating-point', { 0: 'Implemented', 1: 'Implemented with half precision', 0xf: 'Not implemented' }),
  id('AdvSIMD', 20, 'Advanced SIMD', { 0: 'Implemented', 1: 'Implemented with half precision', 0xf: 'Not implemented' }),
  id('GIC', 24, 'System register GIC CPU interface', { 0: 'Not implemented', 1: 'GICv3/v4 CPU interface', 3: 'GICv4.1 CPU interface' }),
  id('RAS', 28, 'RAS Extension', { 0: 'Not implemented', 1: 'FEAT_RAS', 2: 'FEAT_RASv1p1', 3: 'FEAT_RASv2' }),
  id('SVE', 32, 'Scalable Vector Extension', IMPL),
  id('SEL2', 36, 'Secure EL2 (FEAT_SEL2)', IMPL),
  id('MPAM', 40, 'MPAM major version'),
  id('AMU', 44, 'Activity Monitors', { 0: 'Not implemented', 1: 'FEAT_AMUv1', 2: 'FEAT_AMUv1p1' }),
  id('DIT', 48, 'Data Independent Timing', IMPL),
  id('RME', 52, 'Realm Management Extension', { 0: 'Not implemented', 1: 'RMEv1' }),
  id('CSV2', 56, 'Speculative use of out-of-context branch targets'),
  id('CSV3', 60, 'Speculative use of faulting data'),
];

const ID_AA64MMFR0_EL1_FIELDS = [
  id('PARange', 0, 'Physical Address range', PA_SIZE),
  id('ASIDBits', 4, 'ASID size', { 0: '8 bits', 2: '16 bits' }),
  id('BigEnd', 8, 'Mixed-endian support', IMPL),
  id('SNSMem', 12, 'Secure/Non-secure memory distinction', IMPL),
  id('BigEndEL0', 16, 'Mixed-endian at EL0 only', IMPL),
  id('TGran16', 20, '16KB granule at stage 1', { 0: 'Not supported', 1: 'Supported', 2: 'Supported with 52-bit addresses' }),
  id('TGran64', 24, '64KB granule at stage 1', { 0: 'Supported', 0xf: 'Not supported' }),
  id('TGran4', 28, '4KB granule at stage 1', { 0: 'Supported', 1: 'Supported with 52-bit addresses', 0xf: 'Not supported' }),
  id('TGran16_2', 32, '16KB granule at stage 2', { 0: 'As TGran16', 1: 'Not supported', 2: 'Supported', 3: 'Supported with 52-bit addresses' }),
  id('TGran64_2', 36, '64KB granule at stage 2', { 0: 'As TGran64', 1: 'Not supported', 2: 'Supported' }),
  id('TGran4_2', 40, '4KB granule at stage 2', { 0: 'As TGran4', 1: 'Not supported', 2: 'Supported', 3: 'Supported with 52-bit addresses' }),
  id('ExS', 44, 'Non-context-synchronizing exception entry/exit (FEAT_ExS)', IMPL),
  id('FGT', 56, 'Fine-Grained Traps', { 0: 'Not implemented', 1: 'FEAT_FGT', 2: 'FEAT_FGT2' }),
  id('ECV', 60, 'Enhanced Counter Virtualization', { 0: 'Not implemented', 1: 'FEAT_ECV', 2: 'FEAT_ECV with CNTHCTL_EL2.ECV and CNTPOFF_EL2' }),
];

const ID_AA64MMFR1_EL1_FIELDS = [
  id('HAFDBS', 0, 'Hardware Access flag and Dirty state', { 0: 'Not supported', 1: 'Access flag', 2: 'Access flag and dirty state', 3: 'Also for table descriptors' }),
  id('VMIDBits', 4, 'VMID size', { 0: '8 bits', 2: '16 bits' }),
  id('VH', 8, 'Virtualization Host Extensions (FEAT_VHE)', IMPL),
  id('HPDS', 12, 'Hierarchical Permission Disables'),
  id('LO', 16, 'LORegions', IMPL),
  id('PAN', 20, 'Privileged Access Never', { 0: 'Not implemented', 1: 'FEAT_PAN', 2: 'FEAT_PAN2', 3: 'FEAT_PAN3' }),
  id('SpecSEI', 24, 'SError on speculative reads'),
  id('XNX', 28, 'Distinction between EL0 and EL1 execute-never at stage 2', IMPL),
  id('TWED', 32, 'Delayed WFE trapping', IMPL),
  id('ETS', 36, 'Enhanced Translation Synchronization'),
  id('HCX', 40, 'HCRX_EL2', IMPL),
  id('AFP', 44, 'Alternate floating-point behaviour', IMPL),
  id('nTLBPA', 48, 'No intermediate caching by output address in TLB'),
  id('TIDCP1', 52, 'SCTLR_ELx.TIDCP', IMPL),
  id('CMOW', 56, 'Cache maintenance instruction permission', IMPL),
  id('ECBHB', 60, 'Exploitative control using branch history'),
];

export const ID_REGISTERS: RegisterDef[] = [
  reg({
    name: 'MIDR_EL1',
    description: 'Main ID Register: implementer, part number and revision of the PE',
    encoding: enc(3, 0, 0, 0, 0),
    ro: true,
    fields: MIDR_EL1_FIELDS,
  }),
  reg({
    name: 'MPIDR_EL1',
    description: 'Multiprocessor Affinity Register: the PE affinity used for routing (Aff3.Aff2.Aff1.Aff0)',
    encoding: enc(3, 0, 0, 0, 5),
    ro: true,
    fields: MPIDR_EL1_FIELDS,
  }),
  reg({ name: 'REVIDR_EL1', description: 'Revision ID Register: IMPLEMENTATION DEFINED revision information', encoding: enc(3, 0, 0, 0, 6), ro: true, fields: whole('IMPDEF', 'IMPLEMENTATION DEFINED') }),
  reg({ name: 'AIDR_EL1', description: 'Auxiliary ID Register: IMPLEMENTATION DEFINED', encoding: enc(3, 1, 0, 0, 7), ro: true, fields: whole('IMPDEF', 'IMPLEMENTATION DEFINED') }),
  reg({
    name: 'CTR_EL0',
    description: 'Cache Type Register: cache line sizes and coherency requirements',
    encoding: enc(3, 3, 0, 0, 1),
    ro: true,
    fields: CTR_EL0_FIELDS,
  }),
  reg({
    name: 'CLIDR_EL1',
    description: 'Cache Level ID Register: cache types per level and the coherence/unification levels',
    encoding: enc(3, 1, 0, 0, 1),
    ro: true,
    fields: CLIDR_EL1_FIELDS,
  }),
  reg({
    name: 'CCSIDR_EL1',
    description: 'Current Cache Size ID Register: geometry of the cache selected by CSSELR_EL1 (without FEAT_CCIDX)',
    encoding: enc(3, 1, 0, 0, 0),
    ro: true,
    fields: CCSIDR_EL1_FIELDS,
  }),
  reg({
    name: 'CSSELR_EL1',
    description: 'Cache Size Selection Register: selects the cache CCSIDR_EL1 describes',
    encoding: enc(3, 2, 0, 0, 0),
    fields: CSSELR_EL1_FIELDS,
  }),
  reg({
    name: 'DCZID_EL0',
    description: 'Data Cache Zero ID Register: DC ZVA block size',
    encoding: enc(3, 3, 0, 0, 7),
    ro: true,
    fields: DCZID_EL0_FIELDS,
  }),
  reg({
    name: 'ID_AA64PFR0_EL1',
    description: 'AArch64 Processor Feature Register 0',
    encoding: enc(3, 0, 0, 4, 0),
    ro: true,
    fields: ID_AA64PFR0_EL1_FIELDS,
  }),
  reg({
    name: 'ID_AA64PFR1_EL1',
    description: 'AArch64 Processor Feature Register 1',
    encoding: enc(3, 0, 0, 4, 1),
    ro: true,
    fields: [
      id('BT', 0, 'Branch Target Identification', IMPL),
      id('SSBS', 4, 'Speculative Store Bypass Safe', { 0: 'Not implemented', 1: 'FEAT_SSBS', 2: 'FEAT_SSBS2 (MSR/MRS SSBS)' }),
      id('MTE', 8, 'Memory Tagging Extension', { 0: 'Not implemented', 1: 'FEAT_MTE', 2: 'FEAT_MTE2', 3: 'FEAT_MTE3' }),
      id('RAS_frac', 12, 'RAS fractional version'),
      id('MPAM_frac', 16, 'MPAM fractional version'),
      id('SME', 24, 'Scalable Matrix Extension', { 0: 'Not implemented', 1: 'FEAT_SME', 2: 'FEAT_SME2' }),
      id('RNDR_trap', 28, 'RNDR trap to EL3'),
      id('CSV2_frac', 32, 'CSV2 fractional version'),
      id('NMI', 36, 'Non-maskable interrupts', IMPL),
      id('MTE_frac', 40, 'MTE asynchronous fault fractional version'),
      id('GCS', 44, 'Guarded Control Stack', IMPL),
      id('THE', 48, 'Translation Hardening Extension', IMPL),
      id('MTEX', 52, 'MTE canonical tag checking', IMPL),
      id('DF2', 56, 'Double Fault Extension 2', IMPL),
      id('PFAR', 60, 'PFAR_ELx registers', IMPL),
    ],
  }),
  reg({
    name: 'ID_AA64DFR0_EL1',
    description: 'AArch64 Debug Feature Register 0',
    encoding: enc(3, 0, 0, 5, 0),
    ro: true,
    fields: [
      id('DebugVer', 0, 'Debug architecture version'),
      id('TraceVer', 4, 'System register trace'),
      id('PMUVer', 8, 'Performance Monitors version'),
      id('BRPs', 12, 'Breakpoints minus 1'),
      id('PMSS', 16, 'PMU snapshot'),
      id('WRPs', 20, 'Watchpoints minus 1'),
      id('SEBEP', 24, 'Synchronous PMU exception'),
      id('CTX_CMPs', 28, 'Context-aware breakpoints minus 1'),
      id('PMSVer', 32, 'Statistical Profiling version'),
      id('DoubleLock', 36, 'OS Double Lock'),
      id('TraceFilt', 40, 'Armv8.4 self-hosted trace'),
      id('TraceBuffer', 44, 'Trace Buffer Extension'),
      id('MTPMU', 48, 'Multi-threaded PMU'),
      id('BRBE', 52, 'Branch Record Buffer Extension'),
      id('ExtTrcBuff', 56, 'External trace buffer'),
      id('HPMN0', 60, 'Zero PMU event counters for a guest'),
    ],
  }),
  reg({
    name: 'ID_AA64ISAR0_EL1',
    description: 'AArch64 Instruction Set Attribute Register 0',
    encoding: enc(3, 0, 0, 6, 0),
    ro: true,
    fields: [
      id('AES', 4, 'AES instructions', { 0: 'Not implemented', 1: 'AES', 2: 'AES and PMULL' }),
      id('SHA1', 8, 'SHA1 instructions', IMPL),
      id('SHA2', 12, 'SHA2 instructions', { 0: 'Not implemented', 1: 'SHA256', 2: 'SHA256 and SHA512' }),
      id('CRC32', 16, 'CRC32 instructions', IMPL),
      id('Atomic', 20, 'Atomic instructions', { 0: 'Not implemented', 2: 'FEAT_LSE', 3: 'FEAT_LSE128' }),
      id('TME', 24, 'TME instructions', IMPL),
      id('RDM', 28, 'SQRDMLAH/SQRDMLSH', IMPL),
      id('SHA3', 32, 'SHA3 instructions', IMPL),
      id('SM3', 36, 'SM3 instructions', IMPL),
      id('SM4', 40, 'SM4 instructions', IMPL),
      id('DP', 44, 'Dot Product instructions', IMPL),
      id('FHM', 48, 'FMLAL/FMLSL', IMPL),
      id('TS', 52, 'Flag manipulation instructions', { 0: 'Not implemented', 1: 'FEAT_FlagM', 2: 'FEAT_FlagM2' }),
      id('TLB', 56, 'TLB maintenance instructions', { 0: 'Not implemented', 1: 'Outer Shareable TLBI (FEAT_TLBIOS)', 2: 'Outer Shareable and range TLBI (FEAT_TLBIRANGE)' }),
      id('RNDR', 60, 'Random number instructions', IMPL),
    ],
  }),
  reg({
    name: 'ID_AA64ISAR1_EL1',
    description: 'AArch64 Instruction Set Attribute Register 1',
    encoding: enc(3, 0, 0, 6, 1),
    ro: true,
    fields: [
      id('DPB', 0, 'DC CVAP/CVADP'), id('APA', 4, 'QARMA5 address authentication'), id('API', 8, 'IMPLEMENTATION DEFINED address authentication'),
      id('JSCVT', 12, 'FJCVTZS'), id('FCMA', 16, 'FCMLA/FCADD'), id('LRCPC', 20, 'LDAPR and similar'), id('GPA', 24, 'QARMA5 generic authentication'),
      id('GPI', 28, 'IMPLEMENTATION DEFINED generic authentication'), id('FRINTTS', 32, 'FRINT32Z and similar'), id('SB', 36, 'SB instruction'),
      id('SPECRES', 40, 'Prediction restriction instructions'), id('BF16', 44, 'BFloat16 instructions'), id('DGH', 48, 'DGH instruction'),
      id('I8MM', 52, 'Int8 matrix multiplication'), id('XS', 56, 'XS attribute (FEAT_XS)'), id('LS64', 60, 'LD64B/ST64B'),
    ],
  }),
  reg({
    name: 'ID_AA64MMFR0_EL1',
    description: 'AArch64 Memory Model Feature Register 0: PA range, ASID size, granules',
    encoding: enc(3, 0, 0, 7, 0),
    ro: true,
    fields: ID_AA64MMFR0_EL1_FIELDS,
  }),
  reg({
    name: 'ID_AA64MMFR1_EL1',
    description: 'AArch64 Memory Model Feature Register 1: VHE, PAN, VMID size, HW access flag',
    encoding: enc(3, 0, 0, 7, 1),
    ro: true,
    fields: ID_AA64MMFR1_EL1_FIELDS,
  }),
  reg({
    name: 'ID_AA64MMFR2_EL1',
    description: 'AArch64 Memory Model Feature Register 2',
    encoding: enc(3, 0, 0, 7, 2),
    ro: true,
    fields: [
      id('CnP', 0, 'Common not Private translations', IMPL),
      id('UAO', 4, 'User Access Override', IMPL),
      id('LSM', 8, 'LSMAOE and nTLSMD bits', IMPL),
      id('IESB', 12, 'SCTLR_ELx.IESB', IMPL),
      id('VARange', 16, 'Virtual address range', { 0: '48 bits', 1: '52 bits with 64KB granule' }),
      id('CCIDX', 20, '64-bit CCSIDR_EL1 format', IMPL),
      id('NV', 24, 'Nested virtualization', { 0: 'Not implemented', 1: 'FEAT_NV', 2: 'FEAT_NV2' }),
      id('ST', 28, 'Small translation tables (FEAT_TTST)', IMPL),
      id('AT', 32, 'Unaligned single-copy atomicity (FEAT_LSE2)', IMPL),
      id('IDS', 36, 'ID register traps report EC 0x18', IMPL),
      id('FWB', 40, 'Stage-2 Forced Write-Back (FEAT_S2FWB)', IMPL),
      id('TTL', 48, 'TLB maintenance level hints', IMPL),
      id('BBM', 52, 'Break-before-make levels', { 0: 'Level 0', 1: 'Level 1', 2: 'Level 2' }),
      id('EVT', 56, 'Enhanced Virtualization Traps'),
      id('E0PD', 60, 'E0PDx', IMPL),
    ],
  }),
  reg({
    name: 'ID_AA64MMFR3_EL1',
    description: 'AArch64 Memory Model Feature Register 3',
    encoding: enc(3, 0, 0, 7, 3),
    ro: true,
    fields: [
      id('TCRX', 0, 'TCR2_ELx', IMPL), id('SCTLRX', 4, 'SCTLR2_ELx', IMPL), id('S1PIE', 8, 'Stage-1 permission indirection', IMPL),
      id('S2PIE', 12, 'Stage-2 permission indirection', IMPL), id('S1POE', 16, 'Stage-1 permission overlay', IMPL), id('S2POE', 20, 'Stage-2 permission overlay', IMPL),
      id('AIE', 24, 'Attribute Indexing', IMPL), id('MEC', 28, 'Memory Encryption Contexts', IMPL), id('D128', 32, '128-bit descriptors', IMPL),
      id('D128_2', 36, '128-bit stage-2 descriptors', IMPL), id('SNERR', 40, 'Synchronous External abort on non-error reads'), id('ANERR', 44, 'Asynchronous External abort on non-error reads'),
      id('SDERR', 52, 'Synchronous Device errors'), id('ADERR', 56, 'Asynchronous Device errors'), id('Spec_FPACC', 60, 'Speculative FPAC'),
    ],
  }),
];

/** Field accessors (accessors.ts). */
export const MIDR_EL1 = accessors(MIDR_EL1_FIELDS);
export const MPIDR_EL1 = accessors(MPIDR_EL1_FIELDS);
export const CTR_EL0 = accessors(CTR_EL0_FIELDS);
export const CLIDR_EL1 = accessors(CLIDR_EL1_FIELDS);
export const CCSIDR_EL1 = accessors(CCSIDR_EL1_FIELDS);
export const CSSELR_EL1 = accessors(CSSELR_EL1_FIELDS);
export const DCZID_EL0 = accessors(DCZID_EL0_FIELDS);
export const ID_AA64PFR0_EL1 = accessors(ID_AA64PFR0_EL1_FIELDS);
export const ID_AA64MMFR0_EL1 = accessors(ID_AA64MMFR0_EL1_FIELDS);
export const ID_AA64MMFR1_EL1 = accessors(ID_AA64MMFR1_EL1_FIELDS);
