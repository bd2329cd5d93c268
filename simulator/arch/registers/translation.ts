/**
 * Translation control and base registers: TCR_ELx, TTBRn_ELx, VTCR_EL2,
 * VTTBR_EL2, VSTCR_EL2, VSTTBR_EL2, PAR_EL1. Arm ARM D24.2; D8 "The AArch64
 * Virtual Memory System Architecture"; arch-facts.md §3 "Translation control".
 */
import { hex } from '../../util/hex';
import { decodeMairAttr } from '../decoders/memoryAttributes';
import { FSC_VALUES } from './exception';
import { accessors } from './accessors';
import { SHAREABILITY as SH, CACHEABILITY as RGN, PA_SIZE, TG0, TG1, addr, b, enc, f, fmt, reg, res1, res1Named, withRelevance } from './define';
import type { DecodeContext, FieldDef, RegisterDef } from './types';

const regionBits = (v: bigint): string => `${v} (${64n - v}-bit region)`;
const t0sz = () => fmt('T0SZ', 5, 0, 'Size offset of the TTBR0 region: 2^(64-T0SZ) bytes', regionBits);
const t1sz = () => fmt('T1SZ', 21, 16, 'Size offset of the TTBR1 region: 2^(64-T1SZ) bytes', regionBits);

function region0() {
  return [
    t0sz(),
    f('IRGN0', 9, 8, 'Inner cacheability of TTBR0 table walks', RGN),
    f('ORGN0', 11, 10, 'Outer cacheability of TTBR0 table walks', RGN),
    f('SH0', 13, 12, 'Shareability of TTBR0 table walks', SH),
    f('TG0', 15, 14, 'TTBR0 granule size', TG0),
  ];
}

/** TCR_EL1 and TCR_EL2 with E2H=1 (two VA ranges). */
function tcrEl1Fields() {
  return withRelevance([
    ...region0(),
    b('EPD0', 7, 'Translation walk disable for TTBR0 region', { 0: 'Walks enabled', 1: 'TTBR0 misses fault' }),
    t1sz(),
    b('A1', 22, 'ASID select', { 0: 'TTBR0 ASID defines the ASID', 1: 'TTBR1 ASID defines the ASID' }),
    b('EPD1', 23, 'Translation walk disable for TTBR1 region', { 0: 'Walks enabled', 1: 'TTBR1 misses fault' }),
    f('IRGN1', 25, 24, 'Inner cacheability of TTBR1 table walks', RGN),
    f('ORGN1', 27, 26, 'Outer cacheability of TTBR1 table walks', RGN),
    f('SH1', 29, 28, 'Shareability of TTBR1 table walks', SH),
    f('TG1', 31, 30, 'TTBR1 granule size', TG1),
    f('IPS', 34, 32, 'Intermediate Physical Address Size', PA_SIZE),
    b('AS', 36, 'ASID size', { 0: '8-bit ASID', 1: '16-bit ASID' }),
    b('TBI0', 37, 'Top Byte Ignored for TTBR0 addresses'),
    b('TBI1', 38, 'Top Byte Ignored for TTBR1 addresses'),
    b('HA', 39, 'Hardware Access flag update'),
    b('HD', 40, 'Hardware management of dirty state'),
    b('HPD0', 41, 'Hierarchical Permission Disable for TTBR0'),
    b('HPD1', 42, 'Hierarchical Permission Disable for TTBR1'),
    f('HWU0', 46, 43, 'Hardware use of bits [62:59] of TTBR0 descriptors'),
    f('HWU1', 50, 47, 'Hardware use of bits [62:59] of TTBR1 descriptors'),
    b('TBID0', 51, 'TBI0 for data accesses only'),
    b('TBID1', 52, 'TBI1 for data accesses only'),
    b('NFD0', 53, 'Non-fault translation table walk disable (SVE) for TTBR0'),
    b('NFD1', 54, 'Non-fault translation table walk disable (SVE) for TTBR1'),
    b('E0PD0', 55, 'EL0 access to TTBR0 region faults'),
    b('E0PD1', 56, 'EL0 access to TTBR1 region faults'),
    b('TCMA0', 57, 'Unchecked accesses for TTBR0 tag 0b0000'),
    b('TCMA1', 58, 'Unchecked accesses for TTBR1 tag 0b1111'),
    b('DS', 59, '52-bit output with 4KB/16KB granules (FEAT_LPA2)'),
    b('MTX0', 60, 'Extended memory tag checking for TTBR0'),
    b('MTX1', 61, 'Extended memory tag checking for TTBR1'),
  ], {
    primary: ['T0SZ', 'EPD0', 'IRGN0', 'ORGN0', 'SH0', 'TG0', 'T1SZ', 'A1', 'EPD1', 'IRGN1', 'ORGN1', 'SH1', 'TG1', 'IPS', 'AS'],
    rare: ['HWU0', 'HWU1', 'TBID0', 'TBID1', 'NFD0', 'NFD1', 'E0PD0', 'E0PD1', 'TCMA0', 'TCMA1', 'DS', 'MTX0', 'MTX1'],
  });
}

/** TCR_EL2 with E2H=0 and TCR_EL3 (one VA range; RES1 at 23 and 31). */
function tcrElxFields() {
  return withRelevance([
    ...region0(),
    f('PS', 18, 16, 'Physical Address Size', PA_SIZE),
    b('TBI', 20, 'Top Byte Ignored'),
    b('HA', 21, 'Hardware Access flag update'),
    b('HD', 22, 'Hardware management of dirty state'),
    res1(23),
    b('HPD', 24, 'Hierarchical Permission Disable'),
    f('HWU', 28, 25, 'Hardware use of bits [62:59] of descriptors'),
    b('TBID', 29, 'TBI for data accesses only'),
    b('TCMA', 30, 'Unchecked accesses for tag 0b0000/0b1111'),
    res1(31),
    b('DS', 32, '52-bit output with 4KB/16KB granules (FEAT_LPA2)'),
    b('MTX', 33, 'Extended memory tag checking'),
  ], { primary: ['T0SZ', 'IRGN0', 'ORGN0', 'SH0', 'TG0', 'PS'], rare: ['HWU', 'TBID', 'TCMA', 'DS', 'MTX'] });
}

/** SL0 meaning depends on TG0 (Arm ARM D24.2 VTCR_EL2.SL0). */
function sl0Text(v: bigint, reg: bigint): string {
  const tg0 = Number((reg >> 14n) & 3n);
  const sl0 = Number(v);
  if (tg0 === 0) return (['Start at level 2', 'Start at level 1', 'Start at level 0', 'Start at level 3 (FEAT_TTST)'] as const)[sl0];
  return (['Start at level 3', 'Start at level 2', 'Start at level 1', 'Start at level 0 (FEAT_LPA, 16KB/64KB)'] as const)[sl0];
}

const VTCR_FIELDS = withRelevance([
  t0sz(),
  fmt('SL0', 7, 6, 'Starting level of the stage-2 walk (with TG0)', sl0Text),
  f('IRGN0', 9, 8, 'Inner cacheability of stage-2 table walks', RGN),
  f('ORGN0', 11, 10, 'Outer cacheability of stage-2 table walks', RGN),
  f('SH0', 13, 12, 'Shareability of stage-2 table walks', SH),
  f('TG0', 15, 14, 'Stage-2 granule size', TG0),
  f('PS', 18, 16, 'Physical Address Size of the stage-2 output', PA_SIZE),
  b('VS', 19, 'VMID size', { 0: '8-bit VMID', 1: '16-bit VMID' }),
  b('HA', 21, 'Hardware Access flag update in stage 2'),
  b('HD', 22, 'Hardware management of dirty state in stage 2'),
  f('HWU', 28, 25, 'Hardware use of bits [62:59] of stage-2 descriptors'),
  b('NSW', 29, 'Non-secure stage-2 walks (Secure EL2): table walks of the NS IPA space', { 0: 'Walks to Secure PA space', 1: 'Walks to Non-secure PA space' }),
  b('NSA', 30, 'Non-secure stage-2 output (Secure EL2): NS IPA space maps to', { 0: 'Secure PA space', 1: 'Non-secure PA space' }),
  res1(31),
  b('DS', 32, '52-bit output with 4KB/16KB granules (FEAT_LPA2)'),
  b('SL2', 33, 'Starting level -1 with DS=1'),
  b('AssuredOnly', 34, 'AssuredOnly attribute enable (FEAT_THE)'),
  b('TL1', 35, 'TopLevel1 check (FEAT_THE)'),
  b('S2PIE', 36, 'Stage-2 permission indirection enable'),
  b('S2POE', 37, 'Stage-2 permission overlay enable'),
  b('D128', 38, '128-bit stage-2 descriptors'),
  b('GCSH', 40, 'Guarded Control Stack hardening'),
  b('TL0', 41, 'TopLevel0 check (FEAT_THE)'),
  b('HAFT', 44, 'Hardware managed Access Flag for Table descriptors'),
], {
  primary: ['T0SZ', 'SL0', 'IRGN0', 'ORGN0', 'SH0', 'TG0', 'PS', 'VS'],
  rare: ['HWU', 'DS', 'SL2', 'AssuredOnly', 'TL1', 'S2PIE', 'S2POE', 'D128', 'GCSH', 'TL0', 'HAFT'],
});

const cnp = () => b('CnP', 0, 'Common not Private: translation table entries shared with other PEs in the Inner Shareable domain');
const baddr = () => addr('BADDR', 47, 1, 'Translation table base address (aligned to the table size)', 1);

function ttbrFields(withAsid: boolean, idName = 'ASID', idText = 'Address Space Identifier'): FieldDef[] {
  const base: FieldDef[] = [baddr(), cnp()];
  return withAsid ? [fmt(idName, 63, 48, idText, (v) => hex(v)), ...base] : base;
}

function ttbrEl1(n: 0 | 1, e: ReturnType<typeof enc>): RegisterDef {
  return reg({
    name: `TTBR${n}_EL1`,
    description: `Translation Table Base Register ${n} (EL1): ${n === 0 ? 'lower' : 'upper'} VA range of the EL1&0 regime`,
    encoding: e,
    fields: ttbrFields(true),
    trapGroup: 'TVM',
    redirectTo: `TTBR${n}_EL2`,
  });
}

const VSTCR_FIELDS = [
  t0sz(),
  fmt('SL0', 7, 6, 'Starting level of the Secure stage-2 walk (with TG0)', sl0Text),
  f('TG0', 15, 14, 'Granule size', TG0),
  b('SW', 29, 'Secure stage-2 table walks', { 0: 'Walks to Secure PA space', 1: 'Walks to Non-secure PA space' }),
  b('SA', 30, 'Secure stage-2 output', { 0: 'Secure PA space', 1: 'Non-secure PA space' }),
  // Bit 31 is RES1 in VTCR_EL2; whether VSTCR_EL2 mirrors that is not verified here, so it is shown but never flagged.
  b('Bit31', 31, 'Bit 31 (RES1 in VTCR_EL2; not checked for VSTCR_EL2)'),
  b('SL2', 33, 'Starting level -1 with DS=1'),
];

/** PAR_EL1 after an aborted translation (F=1). Arm ARM D24.2 PAR_EL1. */
function parFaultFields() {
  return [
    b('F', 0, 'Fault: the address translation aborted', { 0: 'Translation succeeded', 1: 'Translation aborted' }),
    f('FST', 6, 1, 'Fault status code (as DFSC)', FSC_VALUES),
    b('PTW', 8, 'Stage-2 fault on a stage-1 translation table walk'),
    b('S', 9, 'Stage of the fault', { 0: 'Stage 1', 1: 'Stage 2' }),
    res1(11),
    f('IMPDEF', 63, 48, 'IMPLEMENTATION DEFINED'),
  ];
}

/** PAR_EL1 after a successful translation (F=0). */
function parSuccessFields() {
  return [
    b('F', 0, 'Fault: the address translation aborted', { 0: 'Translation succeeded', 1: 'Translation aborted' }),
    f('SH', 8, 7, 'Shareability of the output', SH),
    b('NS', 9, 'Non-secure output address', { 0: 'Secure', 1: 'Non-secure' }),
    f('IMPDEF', 10, 10, 'IMPLEMENTATION DEFINED'),
    // NSE with FEAT_RME; the modelled PE has no RME, so bit 11 is RES1 (Arm ARM D24.2 PAR_EL1).
    res1Named('NSE', 11, 'RES1 without FEAT_RME (NSE: output PA space with NS)'),
    addr('PA', 51, 12, 'Output physical address bits [51:12]'),
    fmt('ATTR', 63, 56, 'Memory attributes of the output (MAIR_ELx encoding)', (x) => `${hex(x)} ${decodeMairAttr(Number(x)).text}`),
  ];
}

/** PAR_EL1: layout chosen by F (bit 0). */
function parFields(v: bigint): FieldDef[] {
  return v & 1n ? parFaultFields() : parSuccessFields();
}

export const TRANSLATION_REGISTERS: RegisterDef[] = [
  reg({
    name: 'TCR_EL1',
    description: 'Translation Control Register (EL1): stage-1 translation of the EL1&0 regime',
    encoding: enc(3, 0, 2, 0, 2),
    fields: tcrEl1Fields(),
    trapGroup: 'TVM',
    redirectTo: 'TCR_EL2',
  }),
  reg({
    name: 'TCR_EL2',
    description: 'Translation Control Register (EL2): layout depends on HCR_EL2.E2H',
    encoding: enc(3, 4, 2, 0, 2),
    fields: (_v: bigint, ctx: DecodeContext) => (ctx.e2h ? tcrEl1Fields() : tcrElxFields()),
  }),
  reg({ name: 'TCR_EL3', description: 'Translation Control Register (EL3)', encoding: enc(3, 6, 2, 0, 2), fields: tcrElxFields() }),
  ttbrEl1(0, enc(3, 0, 2, 0, 0)),
  ttbrEl1(1, enc(3, 0, 2, 0, 1)),
  reg({
    name: 'TTBR0_EL2',
    description: 'Translation Table Base Register 0 (EL2): ASID only with E2H=1',
    encoding: enc(3, 4, 2, 0, 0),
    fields: (_v: bigint, ctx: DecodeContext) => ttbrFields(!!ctx.e2h),
  }),
  reg({
    name: 'TTBR1_EL2',
    description: 'Translation Table Base Register 1 (EL2): upper VA range of the EL2&0 regime (E2H=1)',
    encoding: enc(3, 4, 2, 0, 1),
    fields: ttbrFields(true),
  }),
  reg({ name: 'TTBR0_EL3', description: 'Translation Table Base Register 0 (EL3)', encoding: enc(3, 6, 2, 0, 0), fields: ttbrFields(false) }),
  reg({
    name: 'VTTBR_EL2',
    description: 'Virtualization Translation Table Base Register: stage-2 tables and VMID of the (Non-secure) IPA space',
    encoding: enc(3, 4, 2, 1, 0),
    fields: ttbrFields(true, 'VMID', 'Virtual Machine Identifier'),
  }),
  reg({
    name: 'VTCR_EL2',
    description: 'Virtualization Translation Control Register: stage-2 translation of the EL1&0 regime',
    encoding: enc(3, 4, 2, 1, 2),
    fields: VTCR_FIELDS,
  }),
  reg({
    name: 'VSTTBR_EL2',
    description: 'Virtualization Secure Translation Table Base Register: stage-2 tables of the Secure IPA space (Secure EL2)',
    encoding: enc(3, 4, 2, 6, 0),
    fields: ttbrFields(false),
    security: 'secure',
  }),
  reg({
    name: 'VSTCR_EL2',
    description: 'Virtualization Secure Translation Control Register: stage-2 of the Secure IPA space (Secure EL2)',
    encoding: enc(3, 4, 2, 6, 2),
    fields: VSTCR_FIELDS,
    security: 'secure',
  }),
  reg({
    name: 'PAR_EL1',
    description: 'Physical Address Register: result of an AT instruction (layout selected by F)',
    encoding: enc(3, 0, 7, 4, 0),
    fields: parFields,
    layoutKey: (v) => Number(v & 1n),
  }),
];


/**
 * Field accessors (accessors.ts). TCR_EL1 also serves TCR_EL2 with E2H=1;
 * TCR_EL2 is the E2H=0 layout (also TCR_EL3's). TTBR serves every TTBRn_ELx
 * with an ASID field, VTTBR_EL2 names it VMID.
 */
export const TCR_EL1 = accessors(tcrEl1Fields());
export const TCR_EL2 = accessors(tcrElxFields());
export const VTCR_EL2 = accessors(VTCR_FIELDS);
export const VSTCR_EL2 = accessors(VSTCR_FIELDS);
export const TTBR = accessors([fmt('ASID', 63, 48, 'Address Space Identifier', (v) => hex(v)), baddr(), cnp()]);
export const VTTBR_EL2 = accessors([fmt('VMID', 63, 48, 'Virtual Machine Identifier', (v) => hex(v)), baddr(), cnp()]);
/** PAR_EL1 after a successful AT (F=0) and after an aborted one (F=1). */
export const PAR_EL1 = accessors(parSuccessFields());
export const PAR_EL1_FAULT = accessors(parFaultFields());
