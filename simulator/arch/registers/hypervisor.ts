/**
 * System control and hypervisor/secure-monitor configuration: SCTLR_ELx,
 * ACTLR_ELx, CPACR_EL1, HCR_EL2, CPTR_EL2/EL3, MDCR_EL2/EL3, HSTR_EL2,
 * VPIDR/VMPIDR_EL2, SCR_EL3. Arm ARM D24.2; arch-facts.md §3 (HCR_EL2, SCTLR).
 */
import { accessors } from './accessors';
import { b, enc, f, reg, res1, res1Named, whole, withRelevance } from './define';
import type { DecodeContext, FieldDef, RegisterDef } from './types';

const TWO_BIT_TRAP: Record<number, string> = {
  0: 'Trapped at EL0 and EL1',
  1: 'Trapped at EL0 only',
  2: 'Trapped at EL0 and EL1',
  3: 'Not trapped',
};

/** HCR_EL2 (Arm ARM D24.2.xx; arch-facts §3: every bit). */
const HCR_EL2_FIELDS = withRelevance([
  b('VM', 0, 'Virtualization enable: stage-2 translation for the EL1&0 regime', { 0: 'Stage 2 disabled', 1: 'Stage 2 enabled' }),
  b('SWIO', 1, 'Set/Way Invalidation Override: DC ISW behaves as DC CISW'),
  b('PTW', 2, 'Protected Table Walk', { 0: 'Stage-1 walks to stage-2 Device memory are permitted', 1: 'Stage-1 walks to stage-2 Device memory take a stage-2 permission fault' }),
  b('FMO', 3, 'Physical FIQ routing', { 0: 'FIQs not routed to EL2; vFIQ disabled', 1: 'Physical FIQs routed to EL2; vFIQ enabled' }),
  b('IMO', 4, 'Physical IRQ routing', { 0: 'IRQs not routed to EL2; vIRQ disabled', 1: 'Physical IRQs routed to EL2; vIRQ enabled' }),
  b('AMO', 5, 'Physical SError routing', { 0: 'SErrors not routed to EL2; vSError disabled', 1: 'Physical SErrors routed to EL2; vSError enabled' }),
  b('VF', 6, 'Virtual FIQ pending'),
  b('VI', 7, 'Virtual IRQ pending'),
  b('VSE', 8, 'Virtual SError pending'),
  b('FB', 9, 'Force broadcast of EL1 TLB/IC maintenance', { 0: 'EL1 TLB and IC maintenance act as written', 1: 'EL1 TLB and IC maintenance broadcast to the Inner Shareable domain' }),
  f('BSU', 11, 10, 'Barrier Shareability upgrade for EL1/EL0 barriers', { 0: 'No effect', 1: 'Inner Shareable', 2: 'Outer Shareable', 3: 'Full system' }),
  b('DC', 12, 'Default Cacheability', { 0: 'EL1&0 with stage 1 off: Device-nGnRnE data accesses', 1: 'EL1&0 stage 1 off behaves as Normal WB, stage 2 on (ignored when E2H=TGE=1)' }),
  b('TWI', 13, 'Trap WFI to EL2'),
  b('TWE', 14, 'Trap WFE to EL2'),
  b('TID0', 15, 'Trap ID group 0'),
  b('TID1', 16, 'Trap ID group 1 (REVIDR, AIDR, …)'),
  b('TID2', 17, 'Trap ID group 2 (CTR, CCSIDR, CLIDR, CSSELR)'),
  b('TID3', 18, 'Trap ID group 3 (ID_AA64* feature registers)'),
  b('TSC', 19, 'Trap SMC to EL2'),
  b('TIDCP', 20, 'Trap IMPLEMENTATION DEFINED system registers'),
  b('TACR', 21, 'Trap Auxiliary Control Registers (ACTLR_EL1)'),
  b('TSW', 22, 'Trap data cache maintenance by set/way'),
  b('TPCP', 23, 'Trap data cache maintenance to Point of Coherency/Persistence'),
  b('TPU', 24, 'Trap cache maintenance to Point of Unification'),
  b('TTLB', 25, 'Trap TLB maintenance instructions'),
  b('TVM', 26, 'Trap Virtual Memory controls: EL1 writes of SCTLR/TTBRn/TCR/ESR/FAR/AFSRn/MAIR/AMAIR/CONTEXTIDR'),
  b('TGE', 27, 'Trap General Exceptions', { 0: 'EL1-targeted exceptions go to EL1', 1: 'EL1-targeted exceptions from EL0 go to EL2 (EL0 runs as a host application)' }),
  b('TDZ', 28, 'Trap DC ZVA'),
  b('HCD', 29, 'HVC instruction disable'),
  b('TRVM', 30, 'Trap Reads of Virtual Memory controls'),
  b('RW', 31, 'Execution state of EL1', { 0: 'EL1 is AArch32', 1: 'EL1 is AArch64' }),
  b('CD', 32, 'Stage-2 Data access cacheability disable'),
  b('ID', 33, 'Stage-2 Instruction access cacheability disable'),
  b('E2H', 34, 'EL2 Host (FEAT_VHE)', { 0: 'EL2 Host off: EL2 keeps its own register layouts and the EL2 regime', 1: 'EL2 Host: Virtualization Host Extensions enabled (FEAT_VHE)' }),
  b('TLOR', 35, 'Trap LOR registers'),
  b('TERR', 36, 'Trap error record accesses'),
  b('TEA', 37, 'Route synchronous External aborts to EL2'),
  b('MIOCNCE', 38, 'Mismatched Inner/Outer Cacheable Non-Coherency Enable'),
  b('TME', 39, 'Enable TSTART/TCOMMIT/TCANCEL/TTEST (FEAT_TME)'),
  b('APK', 40, 'Pointer authentication key registers not trapped'),
  b('API', 41, 'Pointer authentication instructions not trapped'),
  b('NV', 42, 'Nested Virtualization'),
  b('NV1', 43, 'Nested Virtualization (EL1 register redirection)'),
  b('AT', 44, 'Trap AT S1E0*/S1E1* to EL2'),
  b('NV2', 45, 'Enhanced Nested Virtualization (VNCR_EL2 memory redirection)'),
  b('FWB', 46, 'Forced Write-Back (FEAT_S2FWB)', { 0: 'Stage-2 MemAttr combines with stage 1 (the stricter wins)', 1: 'Stage-2 MemAttr combines with FWB semantics (forced Write-Back)' }),
  b('FIEN', 47, 'Fault Injection Enable'),
  b('GPF', 48, 'Route Granule Protection Faults to EL2'),
  b('TID4', 49, 'Trap ID group 4 (CCSIDR, CLIDR, CSSELR)'),
  b('TICAB', 50, 'Trap IC IALLUIS (instruction cache invalidate all, Inner Shareable)'),
  b('AMVOFFEN', 51, 'Activity Monitors Virtual Offsets Enable'),
  b('TOCU', 52, 'Trap cache maintenance to Point of Unification (IC IVAU, IC IALLU, DC CVAU)'),
  b('EnSCXT', 53, 'Enable SCXTNUM_EL0/EL1 access'),
  b('TTLBIS', 54, 'Trap Inner Shareable TLB maintenance'),
  b('TTLBOS', 55, 'Trap Outer Shareable TLB maintenance'),
  b('ATA', 56, 'Allocation Tag Access at EL1/EL0'),
  b('DCT', 57, 'Default Cacheability Tagging'),
  b('TID5', 58, 'Trap ID group 5 (GMID_EL1)'),
  b('TWEDEn', 59, 'TWE Delay Enable'),
  f('TWEDEL', 63, 60, 'TWE Delay: 2^(TWEDEL+8) cycles'),
], {
  primary: ['VM', 'FMO', 'IMO', 'AMO', 'VF', 'VI', 'VSE', 'FB', 'BSU', 'DC', 'TWI', 'TWE', 'TID3', 'TSC', 'TVM', 'TGE', 'TRVM', 'RW', 'E2H', 'PTW', 'FWB', 'CD', 'ID'],
  rare: ['TLOR', 'TERR', 'TEA', 'MIOCNCE', 'TME', 'APK', 'API', 'NV', 'NV1', 'NV2', 'FIEN', 'GPF', 'TID4', 'TICAB', 'AMVOFFEN', 'TOCU', 'EnSCXT', 'TTLBIS', 'TTLBOS', 'ATA', 'DCT', 'TID5', 'TWEDEn', 'TWEDEL'],
});

/** SCR_EL3 (Arm ARM D24.2; TF-A include/arch/aarch64/arch.h). */
const SCR_EL3_FIELDS = withRelevance([
  b('NS', 0, 'Non-secure bit: security state of EL0/EL1 (and EL2)', { 0: 'Secure', 1: 'Non-secure' }),
  b('IRQ', 1, 'Physical IRQ routing to EL3'),
  b('FIQ', 2, 'Physical FIQ routing to EL3'),
  b('EA', 3, 'External abort and SError routing to EL3'),
  res1(5, 4),
  b('SMD', 7, 'SMC instruction disable'),
  b('HCE', 8, 'HVC instruction enable'),
  b('SIF', 9, 'Secure instruction fetch from Non-secure memory disabled'),
  b('RW', 10, 'Execution state of the next lower level', { 0: 'AArch32', 1: 'AArch64' }),
  b('ST', 11, 'Secure physical timer (CNTPS_*) accessible at Secure EL1'),
  b('TWI', 12, 'Trap WFI to EL3'),
  b('TWE', 13, 'Trap WFE to EL3'),
  b('TLOR', 14, 'Trap LOR registers'),
  b('TERR', 15, 'Trap error record accesses'),
  b('APK', 16, 'Pointer authentication key registers not trapped'),
  b('API', 17, 'Pointer authentication instructions not trapped'),
  b('EEL2', 18, 'Secure EL2 enable (FEAT_SEL2)'),
  b('EASE', 19, 'External aborts to SError vector'),
  b('NMEA', 20, 'Non-maskable External aborts'),
  b('FIEN', 21, 'Fault Injection Enable'),
  b('TID3', 22, 'Trap ID group 3 to EL3'),
  b('TID5', 23, 'Trap ID group 5 to EL3'),
  b('EnSCXT', 25, 'Enable SCXTNUM access'),
  b('ATA', 26, 'Allocation Tag Access'),
  b('FGTEn', 27, 'Fine-Grained Traps enable'),
  b('ECVEn', 28, 'Enhanced Counter Virtualization enable'),
  b('TWEDEn', 29, 'TWE Delay Enable'),
  f('TWEDEL', 33, 30, 'TWE Delay'),
  b('TME', 34, 'Transactional Memory enable'),
  b('AMVOFFEN', 35, 'Activity Monitors Virtual Offsets Enable'),
  b('EnAS0', 36, 'ST64BV0 enable'),
  b('ADEn', 37, 'ACCDATA_EL1 access enable'),
  b('HXEn', 38, 'HCRX_EL2 access enable'),
  b('GCSEn', 39, 'Guarded Control Stack enable'),
  b('TRNDR', 40, 'Trap RNDR/RNDRRS'),
  b('EnTP2', 41, 'TPIDR2_EL0 access enable'),
  b('RCWMASKEn', 42, 'RCWMASK_EL1 access enable'),
  b('TCR2En', 43, 'TCR2_ELx access enable'),
  b('SCTLR2En', 44, 'SCTLR2_ELx access enable'),
  b('PIEn', 45, 'Permission Indirection enable'),
  b('AIEn', 46, 'Attribute Indexing enable'),
  b('D128En', 47, '128-bit descriptors enable'),
  b('GPF', 48, 'Route Granule Protection Faults to EL3'),
  b('MECEn', 49, 'Memory Encryption Contexts enable'),
  b('EnFPM', 50, 'FPMR access enable'),
  b('TMEA', 51, 'Trap masked External aborts'),
  b('TWERR', 52, 'Trap error record writes'),
  b('PFAREn', 53, 'PFAR_ELx access enable'),
  b('EnIDCP128', 55, '128-bit IMPLEMENTATION DEFINED system registers enable'),
  b('FGTEn2', 59, 'Fine-Grained Traps 2 enable'),
  b('NSE', 62, 'Security state with NS (FEAT_RME): {NSE,NS} 00 Secure, 01 Non-secure, 11 Realm'),
], {
  primary: ['NS', 'IRQ', 'FIQ', 'EA', 'SMD', 'HCE', 'RW', 'ST', 'TWI', 'TWE', 'EEL2'],
  rare: ['TLOR', 'TERR', 'APK', 'API', 'EASE', 'NMEA', 'FIEN', 'TID3', 'TID5', 'EnSCXT', 'ATA', 'FGTEn', 'ECVEn', 'TWEDEn', 'TWEDEL', 'TME', 'AMVOFFEN', 'EnAS0', 'ADEn', 'HXEn', 'GCSEn', 'TRNDR', 'EnTP2', 'RCWMASKEn', 'TCR2En', 'SCTLR2En', 'PIEn', 'AIEn', 'D128En', 'GPF', 'MECEn', 'EnFPM', 'TMEA', 'TWERR', 'PFAREn', 'EnIDCP128', 'FGTEn2', 'NSE'],
});

/** Fields of SCTLR_EL1 that SCTLR_EL2 (E2H=1) does not have: UMA and the TME controls are RES0 there (Linux arch/arm64/tools/sysreg). */
const NOT_IN_SCTLR_EL2 = new Set(['UMA', 'TMT0', 'TMT', 'TME0', 'TME']);

/** SCTLR_EL1 layout (also SCTLR_EL2 with E2H=1) — Arm ARM D24.2 SCTLR_EL1; Linux arch/arm64/tools/sysreg. */
function sctlrEl1Fields(el2: boolean) {
  const all = sctlrEl1AllFields(el2);
  return el2 ? all.filter((x) => !NOT_IN_SCTLR_EL2.has(x.name)) : all;
}

function sctlrEl1AllFields(el2: boolean) {
  return withRelevance([
    b('M', 0, 'MMU enable for stage-1 translation', { 0: 'Stage 1 disabled', 1: 'Stage 1 enabled' }),
    b('A', 1, 'Alignment check enable'),
    b('C', 2, 'Data access cacheability control', { 0: 'Data accesses Non-cacheable', 1: 'No effect on data cacheability' }),
    b('SA', 3, 'SP alignment check enable'),
    b('SA0', 4, 'SP alignment check enable for EL0'),
    b('CP15BEN', 5, 'AArch32 CP15 barrier enable'),
    b('nAA', 6, 'Non-aligned access (LDAPR/STLR…) does not fault'),
    b('ITD', 7, 'AArch32 IT disable'),
    b('SED', 8, 'AArch32 SETEND disable'),
    b('UMA', 9, 'User Mask Access: EL0 access to DAIF'),
    b('EnRCTX', 10, 'Enable EL0 access to CFP/DVP/CPP RCTX'),
    b('EOS', 11, 'Exception exit is context synchronizing (RES1 without FEAT_ExS)'),
    b('I', 12, 'Instruction access cacheability control', { 0: 'Instruction accesses Non-cacheable', 1: 'No effect on instruction cacheability' }),
    b('EnDB', 13, 'Pointer authentication (APDBKey) enable'),
    b('DZE', 14, 'EL0 DC ZVA enable'),
    b('UCT', 15, 'EL0 CTR_EL0 access enable'),
    b('nTWI', 16, 'WFI at EL0 not trapped'),
    b('nTWE', 18, 'WFE at EL0 not trapped'),
    b('WXN', 19, 'Write permission implies XN'),
    b('TSCXT', 20, 'Trap EL0 SCXTNUM_EL0 access (RES1 without FEAT_CSV2_2)'),
    b('IESB', 21, 'Implicit error synchronization event enable'),
    b('EIS', 22, 'Exception entry is context synchronizing (RES1 without FEAT_ExS)'),
    b('SPAN', 23, 'Set PAN on exception entry', { 0: 'PSTATE.PAN set on exception to this EL', 1: 'PSTATE.PAN unchanged' }),
    b('E0E', 24, 'Endianness of EL0 data accesses', { 0: 'Little-endian', 1: 'Big-endian' }),
    b('EE', 25, 'Endianness of data accesses and table walks', { 0: 'Little-endian', 1: 'Big-endian' }),
    b('UCI', 26, 'EL0 cache maintenance (DC CVAU/CIVAC/CVAC, IC IVAU) enable'),
    b('EnDA', 27, 'Pointer authentication (APDAKey) enable'),
    b('nTLSMD', 28, 'No trap of Load/Store Multiple to Device (RES1 without FEAT_LSMAOC)'),
    b('LSMAOE', 29, 'Load/Store Multiple atomicity and ordering enable (RES1 without FEAT_LSMAOC)'),
    b('EnIB', 30, 'Pointer authentication (APIBKey) enable'),
    b('EnIA', 31, 'Pointer authentication (APIAKey) enable'),
    b('CMOW', 32, 'Cache maintenance instruction permission'),
    b('MSCEn', 33, 'Memory Copy and Memory Set instructions enable at EL0'),
    b('EnFPM', 34, 'FPMR enable'),
    b('BT0', 35, 'PAC Branch Type compatibility at EL0'),
    b(el2 ? 'BT' : 'BT1', 36, el2 ? 'PAC Branch Type compatibility at EL2' : 'PAC Branch Type compatibility at EL1'),
    b('ITFSB', 37, 'Tag Check Faults synchronized on exception entry'),
    f('TCF0', 39, 38, 'Tag Check Fault in EL0', { 0: 'No effect', 1: 'Synchronous exception', 2: 'Asynchronously accumulated', 3: 'Asymmetric' }),
    f(el2 ? 'TCF' : 'TCF', 41, 40, 'Tag Check Fault in this EL', { 0: 'No effect', 1: 'Synchronous exception', 2: 'Asynchronously accumulated', 3: 'Asymmetric' }),
    b('ATA0', 42, 'Allocation Tag Access at EL0'),
    b('ATA', 43, 'Allocation Tag Access at this EL'),
    b('DSSBS', 44, 'Default PSTATE.SSBS on exception entry'),
    b('TWEDEn', 45, 'TWE Delay Enable'),
    f('TWEDEL', 49, 46, 'TWE Delay'),
    b('TMT0', 50, 'Trivial implementation of TME at EL0'),
    b('TMT', 51, 'Trivial implementation of TME'),
    b('TME0', 52, 'TME enable at EL0'),
    b('TME', 53, 'TME enable'),
    b('EnASR', 54, 'ST64BV at EL0 enable'),
    b('EnAS0', 55, 'ST64BV0 at EL0 enable'),
    b('EnALS', 56, 'LD64B/ST64B at EL0 enable'),
    b('EPAN', 57, 'Enhanced PAN'),
    b('TCSO0', 58, 'Tag Checking Store Only at EL0'),
    b('TCSO', 59, 'Tag Checking Store Only'),
    b('EnTP2', 60, 'TPIDR2_EL0 access at EL0'),
    b('NMI', 61, 'Non-maskable interrupts enable (FEAT_NMI)'),
    b('SPINTMASK', 62, 'SP interrupt mask'),
    b('TIDCP', 63, 'Trap EL0 IMPLEMENTATION DEFINED system register accesses'),
  ], {
    primary: ['M', 'A', 'C', 'SA', 'SA0', 'UMA', 'I', 'DZE', 'UCT', 'nTWI', 'nTWE', 'WXN', 'SPAN', 'E0E', 'EE', 'UCI', 'EPAN'],
    rare: ['CP15BEN', 'ITD', 'SED', 'EnRCTX', 'EnDB', 'TSCXT', 'EnDA', 'EnIB', 'EnIA', 'CMOW', 'MSCEn', 'EnFPM', 'BT0', el2 ? 'BT' : 'BT1', 'ITFSB', 'TCF0', 'TCF', 'ATA0', 'ATA', 'DSSBS', 'TWEDEn', 'TWEDEL', 'TMT0', 'TMT', 'TME0', 'TME', 'EnASR', 'EnAS0', 'EnALS', 'TCSO0', 'TCSO', 'EnTP2', 'NMI', 'SPINTMASK', 'TIDCP'],
  });
}

/** SCTLR_EL2 with E2H=0 and SCTLR_EL3: RES1 at 4, 5, 11, 16, 18, 22, 23, 28, 29 (arch-facts §3). */
function sctlrElxFields(el: 2 | 3) {
  return withRelevance([
    b('M', 0, 'MMU enable for stage-1 translation', { 0: 'Stage 1 disabled', 1: 'Stage 1 enabled' }),
    b('A', 1, 'Alignment check enable'),
    b('C', 2, 'Data access cacheability control', { 0: 'Data accesses Non-cacheable', 1: 'No effect on data cacheability' }),
    b('SA', 3, 'SP alignment check enable'),
    res1(5, 4),
    b('nAA', 6, 'Non-aligned access does not fault'),
    res1(11),
    b('I', 12, 'Instruction access cacheability control', { 0: 'Instruction accesses Non-cacheable', 1: 'No effect on instruction cacheability' }),
    b('EnDB', 13, 'Pointer authentication (APDBKey) enable'),
    res1(16),
    res1(18),
    b('WXN', 19, 'Write permission implies XN'),
    b('IESB', 21, 'Implicit error synchronization event enable'),
    res1(23, 22),
    b('EE', 25, 'Endianness of data accesses and table walks', { 0: 'Little-endian', 1: 'Big-endian' }),
    b('EnDA', 27, 'Pointer authentication (APDAKey) enable'),
    res1(29, 28),
    b('EnIB', 30, 'Pointer authentication (APIBKey) enable'),
    b('EnIA', 31, 'Pointer authentication (APIAKey) enable'),
    b('BT', 36, `PAC Branch Type compatibility at EL${el}`),
    b('ITFSB', 37, 'Tag Check Faults synchronized on exception entry'),
    f('TCF', 41, 40, 'Tag Check Fault', { 0: 'No effect', 1: 'Synchronous exception', 2: 'Asynchronously accumulated', 3: 'Asymmetric' }),
    b('ATA', 43, 'Allocation Tag Access'),
    b('DSSBS', 44, 'Default PSTATE.SSBS on exception entry'),
  ], {
    primary: ['M', 'A', 'C', 'SA', 'I', 'WXN', 'EE'],
    rare: ['EnDB', 'EnDA', 'EnIB', 'EnIA', 'BT', 'ITFSB', 'TCF', 'ATA', 'DSSBS'],
  });
}

const CPACR_FIELDS = [
  f('ZEN', 17, 16, 'SVE trap control', TWO_BIT_TRAP),
  f('FPEN', 21, 20, 'Advanced SIMD and floating-point trap control', TWO_BIT_TRAP),
  f('SMEN', 25, 24, 'SME trap control', TWO_BIT_TRAP),
  b('TTA', 28, 'Trap trace register accesses'),
  b('E0POE', 29, 'EL0 POR_EL0 access enable'),
];

/**
 * CPTR_EL2 with E2H=0 (Arm ARM D24.2 CPTR_EL2): bit 8 is TZ only with FEAT_SVE and
 * bit 12 TSM only with FEAT_SME; otherwise both are RES1, like 13, 9 and [7:0]. The
 * modelled PE has neither (ID_AA64PFR0_EL1.SVE = 0, ID_AA64PFR1_EL1.SME = 0), so the
 * RES1 mask is 0x33ff, TF-A's CPTR_EL2_RES1 (Linux's CPTR_NVHE_EL2_RES1 0x32ff leaves
 * TZ out because KVM drives it as a trap on SVE hosts).
 */
const TZ_RES1 = res1Named('TZ', 8, 'Trap SVE (FEAT_SVE); RES1: this PE has no SVE');
const TSM_RES1 = res1Named('TSM', 12, 'Trap SME (FEAT_SME); RES1: this PE has no SME');

/** CPTR_EL2: E2H=0 layout (RES1 at 13, 12, 9, 8, [7:0]) or the CPACR-like E2H=1 layout. */
function cptrEl2Fields(_v: bigint, ctx: DecodeContext): FieldDef[] {
  if (ctx.e2h) {
    return [
      ...CPACR_FIELDS,
      b('TAM', 30, 'Trap Activity Monitor accesses'),
      b('TCPAC', 31, 'Trap CPACR_EL1 accesses from EL1'),
    ];
  }
  return [
    res1(7, 0),
    TZ_RES1,
    res1(9),
    b('TFP', 10, 'Trap Advanced SIMD and floating-point'),
    TSM_RES1,
    res1(13),
    b('TTA', 20, 'Trap trace register accesses'),
    b('TAM', 30, 'Trap Activity Monitor accesses'),
    b('TCPAC', 31, 'Trap CPACR_EL1 accesses from EL1'),
  ];
}

/** MDCR_EL2 (Arm ARM D24.2 MDCR_EL2). */
const MDCR_EL2_FIELDS = [
    f('HPMN', 4, 0, 'Number of event counters accessible from EL1/EL0'),
    b('TPMCR', 5, 'Trap PMCR_EL0 accesses'),
    b('TPM', 6, 'Trap Performance Monitors accesses'),
    b('HPME', 7, 'EL2 event counters enable'),
    b('TDE', 8, 'Trap Debug Exceptions: route debug exceptions to EL2'),
    b('TDA', 9, 'Trap Debug Access'),
    b('TDOSA', 10, 'Trap debug OS-related register access'),
    b('TDRA', 11, 'Trap Debug ROM Address register access'),
    f('E2PB', 13, 12, 'EL2 Profiling Buffer control'),
    b('TPMS', 14, 'Trap Performance Monitor Sampling'),
    b('HPMD', 17, 'Guest performance monitors disable at EL2'),
    b('TTRF', 19, 'Trap trace filter controls'),
    b('HCCD', 23, 'Hypervisor cycle counter disable'),
    f('E2TB', 25, 24, 'EL2 Trace Buffer'),
    b('HLP', 26, 'Hypervisor long event counter enable'),
    b('TDCC', 27, 'Trap DCC'),
    b('MTPME', 28, 'Multi-threaded PMU enable'),
];

function actlr(el: 1 | 2 | 3): RegisterDef {
  const e = el === 1 ? enc(3, 0, 1, 0, 1) : el === 2 ? enc(3, 4, 1, 0, 1) : enc(3, 6, 1, 0, 1);
  return reg({ name: `ACTLR_EL${el}`, description: `Auxiliary Control Register (EL${el}): IMPLEMENTATION DEFINED controls`, encoding: e, fields: whole('IMPDEF', 'IMPLEMENTATION DEFINED') });
}

export const HYPERVISOR_REGISTERS: RegisterDef[] = [
  reg({
    name: 'SCTLR_EL1',
    description: 'System Control Register (EL1): MMU, caches, alignment and endianness for EL1&0',
    encoding: enc(3, 0, 1, 0, 0),
    fields: sctlrEl1Fields(false),
    trapGroup: 'TVM',
    redirectTo: 'SCTLR_EL2',
  }),
  reg({
    name: 'SCTLR_EL2',
    description: 'System Control Register (EL2): layout depends on HCR_EL2.E2H',
    encoding: enc(3, 4, 1, 0, 0),
    fields: (_v, ctx) => (ctx.e2h ? sctlrEl1Fields(true) : sctlrElxFields(2)),
  }),
  reg({ name: 'SCTLR_EL3', description: 'System Control Register (EL3)', encoding: enc(3, 6, 1, 0, 0), fields: sctlrElxFields(3) }),
  actlr(1),
  actlr(2),
  actlr(3),
  reg({
    name: 'CPACR_EL1',
    description: 'Architectural Feature Access Control Register: FP/SIMD, SVE, SME and trace traps at EL1/EL0',
    encoding: enc(3, 0, 1, 0, 2),
    fields: CPACR_FIELDS,
    redirectTo: 'CPTR_EL2',
  }),
  reg({ name: 'HCR_EL2', description: 'Hypervisor Configuration Register: virtualization controls and traps to EL2', encoding: enc(3, 4, 1, 1, 0), fields: HCR_EL2_FIELDS }),
  reg({
    name: 'MDCR_EL2',
    description: 'Monitor Debug Configuration Register (EL2): debug and PMU traps to EL2',
    encoding: enc(3, 4, 1, 1, 1),
    fields: MDCR_EL2_FIELDS,
  }),
  reg({
    name: 'MDCR_EL3',
    description: 'Monitor Debug Configuration Register (EL3): debug, trace and PMU controls for EL3',
    encoding: enc(3, 6, 1, 3, 1),
    fields: [
      b('RLTE', 0, 'Realm trace enable'),
      b('EPMADE', 2, 'External PMU access disable'),
      b('ETADE', 3, 'External trace access disable'),
      b('EDADE', 4, 'External debug access disable'),
      b('TPM', 6, 'Trap Performance Monitors accesses'),
      b('EnPM2', 7, 'PMU extension 2 enable'),
      b('TDA', 9, 'Trap Debug Access'),
      b('TDOSA', 10, 'Trap debug OS-related register access'),
      b('NSPBE', 11, 'Non-secure Profiling Buffer Extended'),
      f('NSPB', 13, 12, 'Non-secure Profiling Buffer control'),
      f('SPD32', 15, 14, 'AArch32 Secure self-hosted privileged debug'),
      b('SDD', 16, 'Secure Debug Disable'),
      b('SPME', 17, 'Secure Performance Monitors Enable'),
      b('STE', 18, 'Secure Trace Enable'),
      b('TTRF', 19, 'Trap trace filter controls'),
      b('EDAD', 20, 'External debugger access to breakpoint/watchpoint registers disabled'),
      b('EPMAD', 21, 'External debugger access to PMU registers disabled'),
      b('ETAD', 22, 'External trace access disabled'),
      b('SCCD', 23, 'Secure cycle counter disable'),
      f('NSTB', 25, 24, 'Non-secure Trace Buffer'),
      b('NSTBE', 26, 'Non-secure Trace Buffer Extended'),
      b('TDCC', 27, 'Trap DCC'),
      b('MTPME', 28, 'Multi-threaded PMU enable'),
      f('PMSSE', 31, 30, 'PMU Snapshot enable'),
      f('SBRBE', 33, 32, 'Secure Branch Record Buffer enable'),
      b('MCCD', 34, 'Monitor cycle counter disable'),
      b('MPMX', 35, 'Monitor PMU exclude'),
      b('EnPMSN', 36, 'PMSNEVFR_EL1 access enable'),
      b('E3BREW', 37, 'EL3 BRBE wrap'),
      b('E3BREC', 38, 'EL3 BRBE cycle count'),
      b('EnTB2', 39, 'TRBE 2 enable'),
      f('PMEE', 41, 40, 'PMU exception enable'),
      b('EnPMS3', 42, 'SPE 3 enable'),
    ],
  }),
  reg({ name: 'CPTR_EL2', description: 'Architectural Feature Trap Register (EL2): layout depends on HCR_EL2.E2H', encoding: enc(3, 4, 1, 1, 2), fields: cptrEl2Fields }),
  reg({
    name: 'CPTR_EL3',
    description: 'Architectural Feature Trap Register (EL3)',
    encoding: enc(3, 6, 1, 1, 2),
    fields: [
      b('EZ', 8, 'SVE enable (0 traps SVE to EL3)'),
      b('TFP', 10, 'Trap Advanced SIMD and floating-point to EL3'),
      b('ESM', 12, 'SME enable'),
      b('TTA', 20, 'Trap trace register accesses'),
      b('TAM', 30, 'Trap Activity Monitor accesses'),
      b('TCPAC', 31, 'Trap CPTR_EL2/CPACR_EL1 accesses to EL3'),
    ],
  }),
  reg({
    name: 'HSTR_EL2',
    description: 'Hypervisor System Trap Register: traps AArch32 EL1/EL0 CP15 accesses by primary CRn',
    encoding: enc(3, 4, 1, 1, 3),
    fields: [f('T', 15, 0, 'Trap bits T<n> for CRn=n (bits 4 and 14 RES0)')],
  }),
  reg({
    name: 'SCR_EL3',
    description: 'Secure Configuration Register: security state, routing to EL3 and EL3 traps',
    encoding: enc(3, 6, 1, 1, 0),
    fields: SCR_EL3_FIELDS,
  }),
  reg({ name: 'VPIDR_EL2', description: 'Virtualization Processor ID Register: MIDR_EL1 value seen by EL1', encoding: enc(3, 4, 0, 0, 0), fields: whole('MIDR', 'Value returned by EL1 reads of MIDR_EL1', 31) }),
  reg({ name: 'VMPIDR_EL2', description: 'Virtualization Multiprocessor ID Register: MPIDR_EL1 value seen by EL1', encoding: enc(3, 4, 0, 0, 5), fields: whole('MPIDR', 'Value returned by EL1 reads of MPIDR_EL1') }),
  reg({
    name: 'RVBAR_EL3',
    description: 'Reset Vector Base Address Register (EL3)',
    encoding: enc(3, 6, 12, 0, 1),
    ro: true,
    fields: whole('ResetAddress', 'Reset address'),
  }),
  reg({
    name: 'SDER32_EL3',
    description: 'AArch32 Secure Debug Enable Register',
    encoding: enc(3, 6, 1, 1, 1),
    fields: [b('SUIDEN', 0, 'Secure User Invasive Debug Enable'), b('SUNIDEN', 1, 'Secure User Non-Invasive Debug Enable')],
  }),
];


/** Field accessors (accessors.ts). SCTLR_EL1 also serves SCTLR_EL2 with E2H=1; SCTLR_EL2 is the E2H=0 layout (also SCTLR_EL3's). */
export const HCR_EL2 = accessors(HCR_EL2_FIELDS);
export const SCR_EL3 = accessors(SCR_EL3_FIELDS);
export const SCTLR_EL1 = accessors(sctlrEl1AllFields(false));
export const SCTLR_EL2 = accessors(sctlrElxFields(2));
export const MDCR_EL2 = accessors(MDCR_EL2_FIELDS);
