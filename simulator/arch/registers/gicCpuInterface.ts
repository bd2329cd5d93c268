/**
 * GICv3 CPU interface system registers (ICC_*) and the virtualization
 * control registers (ICH_*). GIC Architecture Specification IHI 0069,
 * chapter 12 "System registers".
 */
import { accessors } from './accessors';
import { b, enc, f, fmt, reg, whole } from './define';
import type { FieldDef, RegisterDef } from './types';

/** INTID meaning, including the special INTIDs 1020–1023 (IHI 0069 2.2.1). */
export function intidText(v: bigint): string {
  const n = Number(v);
  if (n === 1020) return '1020: Secure Group 1 interrupt pending for EL3 (special)';
  if (n === 1021) return '1021: Non-secure Group 1 interrupt pending for EL3 (special)';
  if (n === 1022) return '1022: reserved (special)';
  if (n === 1023) return '1023: spurious, no pending interrupt';
  if (n < 16) return `${n} (SGI)`;
  if (n < 32) return `${n} (PPI)`;
  if (n < 1020) return `${n} (SPI)`;
  if (n >= 1056 && n < 1120) return `${n} (extended PPI)`;
  if (n >= 4096 && n < 5120) return `${n} (extended SPI)`;
  if (n >= 8192) return `${n} (LPI)`;
  return `${n} (reserved)`;
}

const intid = () => [fmt('INTID', 23, 0, 'Interrupt ID', intidText)];

const sgiFields = () => [
  f('Aff3', 55, 48, 'Affinity level 3 of the targets'),
  f('RS', 47, 44, 'Range selector: TargetList covers Aff0 = RS*16 .. RS*16+15'),
  b('IRM', 40, 'Interrupt Routing Mode', { 0: 'Targets given by Aff3.Aff2.Aff1.<TargetList>', 1: 'All PEs except this one' }),
  f('Aff2', 39, 32, 'Affinity level 2 of the targets'),
  f('INTID', 27, 24, 'SGI INTID'),
  f('Aff1', 23, 16, 'Affinity level 1 of the targets'),
  fmt('TargetList', 15, 0, 'Aff0 targets (bit n = Aff0 RS*16+n)', (v) => {
    const out: number[] = [];
    for (let i = 0; i < 16; i++) if ((v >> BigInt(i)) & 1n) out.push(i);
    return out.length ? `Aff0 ${out.join(', ')}` : 'none';
  }),
];

const sre = (withEnable: boolean) => [
  b('SRE', 0, 'System Register Enable', { 0: 'Memory-mapped interface', 1: 'System register interface' }),
  b('DFB', 1, 'Disable FIQ Bypass'),
  b('DIB', 2, 'Disable IRQ Bypass'),
  ...(withEnable ? [b('Enable', 3, 'Lower-EL access to ICC_SRE_EL1/EL2 enable')] : []),
];

const ap = (name: string, e: ReturnType<typeof enc>, el: 1 | 2 = 1): RegisterDef =>
  reg({ name, description: 'Active Priorities register (IMPLEMENTATION DEFINED format)', encoding: e, el, fields: whole('ActivePriorities', 'Active priority bits', 31) });

/**
 * ICH_LR<n>_EL2 (IHI 0069 ICH_LR<n>_EL2): with HW=1 bits [44:32] hold the
 * physical INTID; with HW=0 bit 41 is EOI (maintenance interrupt on
 * deactivation) and the rest of [44:32] is RES0.
 */
function lrFieldsFor(hw: boolean) {
  return [
    f('State', 63, 62, 'State of the virtual interrupt', { 0: 'Invalid', 1: 'Pending', 2: 'Active', 3: 'Pending and active' }),
    b('HW', 61, 'Hardware interrupt', { 0: 'Software interrupt: not linked to a physical interrupt', 1: 'Linked to the physical interrupt pINTID' }),
    b('Group', 60, 'Group of the virtual interrupt', { 0: 'Group 0', 1: 'Group 1' }),
    b('NMI', 59, 'Non-maskable virtual interrupt'),
    f('Priority', 55, 48, 'Priority of the virtual interrupt'),
    ...(hw
      ? [fmt('pINTID', 44, 32, 'Physical INTID deactivated with the virtual interrupt', (v) => `${v}`)]
      : [b('EOI', 41, 'Maintenance interrupt when the guest deactivates it', { 0: 'No maintenance interrupt on EOI', 1: 'Maintenance interrupt on EOI' })]),
    fmt('vINTID', 31, 0, 'Virtual INTID', intidText),
  ];
}

function lrFields(v: bigint): FieldDef[] {
  return lrFieldsFor(((v >> 61n) & 1n) === 1n);
}

const lrs: RegisterDef[] = [];
for (let n = 0; n < 16; n++) {
  lrs.push(
    reg({
      name: `ICH_LR${n}_EL2`,
      description: `List Register ${n}: a virtual interrupt presented to the VM`,
      encoding: enc(3, 4, 12, n < 8 ? 12 : 13, n & 7),
      fields: lrFields,
      layoutKey: (v) => Number((v >> 61n) & 1n),
    }),
  );
}

const ICC_PMR_EL1_FIELDS = [f('Priority', 7, 0, 'Priority mask level')];

const ICC_CTLR_EL1_FIELDS = [
  b('ExtRange', 19, 'Extended INTID range supported'),
  b('RSS', 18, 'Range Selector Support (SGI Aff0 0-255)'),
  b('A3V', 15, 'Affinity 3 Valid'),
  b('SEIS', 14, 'SEI Support'),
  f('IDbits', 13, 11, 'INTID bits', { 0: '16 bits', 1: '24 bits' }),
  fmt('PRIbits', 10, 8, 'Priority bits minus 1', (v) => `${v + 1n} priority bits`),
  b('PMHE', 6, 'Priority Mask Hint Enable'),
  b('EOImode', 1, 'EOI mode', { 0: 'EOIR also deactivates', 1: 'EOIR drops priority only; DIR deactivates' }),
  b('CBPR', 0, 'Common Binary Point Register'),
];

const ICC_CTLR_EL3_FIELDS = [
  b('ExtRange', 19, 'Extended INTID range supported'),
  b('RSS', 18, 'Range Selector Support'),
  b('nDS', 17, 'Disable Security not supported'),
  b('A3V', 15, 'Affinity 3 Valid'),
  b('SEIS', 14, 'SEI Support'),
  f('IDbits', 13, 11, 'INTID bits', { 0: '16 bits', 1: '24 bits' }),
  fmt('PRIbits', 10, 8, 'Priority bits minus 1', (v) => `${v + 1n} priority bits`),
  b('PMHE', 6, 'Priority Mask Hint Enable'),
  b('RM', 5, 'Routing Modifier'),
  b('EOImode_EL1NS', 4, 'EOI mode for Non-secure EL1'),
  b('EOImode_EL1S', 3, 'EOI mode for Secure EL1'),
  b('EOImode_EL3', 2, 'EOI mode for EL3'),
  b('CBPR_EL1NS', 1, 'Common Binary Point for Non-secure EL1'),
  b('CBPR_EL1S', 0, 'Common Binary Point for Secure EL1'),
];

const ICC_IGRPEN1_EL3_FIELDS = [b('EnableGrp1S', 1, 'Secure Group 1 interrupts enabled'), b('EnableGrp1NS', 0, 'Non-secure Group 1 interrupts enabled')];

const ICH_HCR_EL2_FIELDS = [
  fmt('EOIcount', 31, 27, 'EOIs without a matching List Register', (v) => `${v}`),
  b('DVIM', 15, 'Directly-injected Virtual Interrupt Mask'),
  b('TDIR', 14, 'Trap EL1 ICC_DIR_EL1 writes'),
  b('TSEI', 13, 'Trap locally generated SEIs'),
  b('TALL1', 12, 'Trap all EL1 Group 1 accesses'),
  b('TALL0', 11, 'Trap all EL1 Group 0 accesses'),
  b('TC', 10, 'Trap all EL1 common accesses'),
  b('vSGIEOICount', 8, 'vSGIs without active state do not increment EOIcount'),
  b('VGrp1DIE', 7, 'Maintenance interrupt when vGroup 1 disabled'),
  b('VGrp1EIE', 6, 'Maintenance interrupt when vGroup 1 enabled'),
  b('VGrp0DIE', 5, 'Maintenance interrupt when vGroup 0 disabled'),
  b('VGrp0EIE', 4, 'Maintenance interrupt when vGroup 0 enabled'),
  b('NPIE', 3, 'No Pending maintenance Interrupt Enable'),
  b('LRENPIE', 2, 'List Register Entry Not Present maintenance Interrupt Enable'),
  b('UIE', 1, 'Underflow maintenance Interrupt Enable'),
  b('En', 0, 'Virtual CPU interface enable'),
];

const ICH_VTR_EL2_FIELDS = [
  fmt('PRIbits', 31, 29, 'Virtual priority bits minus 1', (v) => `${v + 1n} bits`),
  fmt('PREbits', 28, 26, 'Virtual preemption bits minus 1', (v) => `${v + 1n} bits`),
  f('IDbits', 25, 23, 'Virtual INTID bits', { 0: '16 bits', 1: '24 bits' }),
  b('SEIS', 22, 'SEI support'),
  b('A3V', 21, 'Affinity 3 valid'),
  b('nV4', 20, 'GICv4 direct injection not supported'),
  b('TDS', 19, 'ICH_HCR_EL2.TDIR supported'),
  b('DVIM', 18, 'ICH_HCR_EL2.DVIM supported'),
  fmt('ListRegs', 4, 0, 'List Registers minus 1', (v) => `${v + 1n} List Registers`),
];

const ICH_VMCR_EL2_FIELDS = [
  f('VPMR', 31, 24, 'Virtual Priority Mask'),
  f('VBPR0', 23, 21, 'Virtual Binary Point 0'),
  f('VBPR1', 20, 18, 'Virtual Binary Point 1'),
  b('VEOIM', 9, 'Virtual EOI mode'),
  b('VCBPR', 4, 'Virtual Common Binary Point'),
  b('VFIQEn', 3, 'Virtual FIQ enable'),
  b('VAckCtl', 2, 'Virtual ACK control'),
  b('VENG1', 1, 'Virtual Group 1 enable'),
  b('VENG0', 0, 'Virtual Group 0 enable'),
];

const ICH_MISR_EL2_FIELDS = [
  b('VGrp1D', 7, 'vGroup 1 disabled'), b('VGrp1E', 6, 'vGroup 1 enabled'), b('VGrp0D', 5, 'vGroup 0 disabled'), b('VGrp0E', 4, 'vGroup 0 enabled'),
  b('NP', 3, 'No pending'), b('LRENP', 2, 'List Register Entry Not Present'), b('U', 1, 'Underflow'), b('EOI', 0, 'End Of Interrupt'),
];

const ICC_BPR0_EL1_FIELDS = [f('BinaryPoint', 2, 0, 'Binary point')];

const ICC_IGRPEN0_EL1_FIELDS = [b('Enable', 0, 'Group 0 interrupts enabled')];

const ICC_IGRPEN1_EL1_FIELDS = [b('Enable', 0, 'Group 1 interrupts enabled')];

export const GIC_CPU_INTERFACE_REGISTERS: RegisterDef[] = [
  reg({ name: 'ICC_PMR_EL1', description: 'Interrupt Priority Mask Register: only higher priorities (lower values) are signaled', encoding: enc(3, 0, 4, 6, 0), fields: ICC_PMR_EL1_FIELDS }),
  reg({ name: 'ICC_IAR0_EL1', description: 'Interrupt Acknowledge Register 0: acknowledges the highest-priority Group 0 interrupt', encoding: enc(3, 0, 12, 8, 0), ro: true, fields: intid() }),
  reg({ name: 'ICC_EOIR0_EL1', description: 'End Of Interrupt Register 0 (Group 0)', encoding: enc(3, 0, 12, 8, 1), wo: true, fields: intid() }),
  reg({ name: 'ICC_HPPIR0_EL1', description: 'Highest Priority Pending Interrupt Register 0 (Group 0)', encoding: enc(3, 0, 12, 8, 2), ro: true, fields: intid() }),
  reg({ name: 'ICC_BPR0_EL1', description: 'Binary Point Register 0: group priority / subpriority split (Group 0)', encoding: enc(3, 0, 12, 8, 3), fields: ICC_BPR0_EL1_FIELDS }),
  ap('ICC_AP0R0_EL1', enc(3, 0, 12, 8, 4)),
  ap('ICC_AP0R1_EL1', enc(3, 0, 12, 8, 5)),
  ap('ICC_AP0R2_EL1', enc(3, 0, 12, 8, 6)),
  ap('ICC_AP0R3_EL1', enc(3, 0, 12, 8, 7)),
  ap('ICC_AP1R0_EL1', enc(3, 0, 12, 9, 0)),
  ap('ICC_AP1R1_EL1', enc(3, 0, 12, 9, 1)),
  ap('ICC_AP1R2_EL1', enc(3, 0, 12, 9, 2)),
  ap('ICC_AP1R3_EL1', enc(3, 0, 12, 9, 3)),
  reg({ name: 'ICC_NMIAR1_EL1', description: 'Non-maskable Interrupt Acknowledge Register 1 (FEAT_GICv3_NMI)', encoding: enc(3, 0, 12, 9, 5), ro: true, fields: intid() }),
  reg({ name: 'ICC_DIR_EL1', description: 'Deactivate Interrupt Register (EOImode=1)', encoding: enc(3, 0, 12, 11, 1), wo: true, fields: intid() }),
  reg({
    name: 'ICC_RPR_EL1',
    description: 'Running Priority Register: priority of the highest active interrupt',
    encoding: enc(3, 0, 12, 11, 3),
    ro: true,
    fields: [b('NMI', 63, 'Running priority is from a Non-secure NMI'), b('NMI_NS', 62, 'Running priority is from a Secure NMI (EL3 view)'), f('Priority', 7, 0, 'Running priority (0xFF: idle)')],
  }),
  reg({ name: 'ICC_SGI1R_EL1', description: 'SGI Generation Register for Group 1 (current Security state)', encoding: enc(3, 0, 12, 11, 5), wo: true, fields: sgiFields() }),
  reg({ name: 'ICC_ASGI1R_EL1', description: 'Alias SGI Generation Register for Group 1 (other Security state)', encoding: enc(3, 0, 12, 11, 6), wo: true, fields: sgiFields() }),
  reg({ name: 'ICC_SGI0R_EL1', description: 'SGI Generation Register for Group 0', encoding: enc(3, 0, 12, 11, 7), wo: true, fields: sgiFields() }),
  reg({ name: 'ICC_IAR1_EL1', description: 'Interrupt Acknowledge Register 1: acknowledges the highest-priority Group 1 interrupt', encoding: enc(3, 0, 12, 12, 0), ro: true, fields: intid() }),
  reg({ name: 'ICC_EOIR1_EL1', description: 'End Of Interrupt Register 1 (Group 1)', encoding: enc(3, 0, 12, 12, 1), wo: true, fields: intid() }),
  reg({ name: 'ICC_HPPIR1_EL1', description: 'Highest Priority Pending Interrupt Register 1 (Group 1)', encoding: enc(3, 0, 12, 12, 2), ro: true, fields: intid() }),
  reg({ name: 'ICC_BPR1_EL1', description: 'Binary Point Register 1 (Group 1)', encoding: enc(3, 0, 12, 12, 3), fields: ICC_BPR0_EL1_FIELDS }),
  reg({
    name: 'ICC_CTLR_EL1',
    description: 'Interrupt Controller Control Register (EL1)',
    encoding: enc(3, 0, 12, 12, 4),
    fields: ICC_CTLR_EL1_FIELDS,
  }),
  reg({ name: 'ICC_SRE_EL1', description: 'System Register Enable (EL1)', encoding: enc(3, 0, 12, 12, 5), fields: sre(false) }),
  reg({ name: 'ICC_IGRPEN0_EL1', description: 'Interrupt Group 0 Enable', encoding: enc(3, 0, 12, 12, 6), fields: ICC_IGRPEN0_EL1_FIELDS }),
  reg({ name: 'ICC_IGRPEN1_EL1', description: 'Interrupt Group 1 Enable (current Security state)', encoding: enc(3, 0, 12, 12, 7), fields: ICC_IGRPEN1_EL1_FIELDS }),
  reg({ name: 'ICC_SRE_EL2', description: 'System Register Enable (EL2)', encoding: enc(3, 4, 12, 9, 5), fields: sre(true) }),
  reg({
    name: 'ICC_CTLR_EL3',
    description: 'Interrupt Controller Control Register (EL3)',
    encoding: enc(3, 6, 12, 12, 4),
    fields: ICC_CTLR_EL3_FIELDS,
  }),
  reg({ name: 'ICC_SRE_EL3', description: 'System Register Enable (EL3)', encoding: enc(3, 6, 12, 12, 5), fields: sre(true) }),
  reg({
    name: 'ICC_IGRPEN1_EL3',
    description: 'Interrupt Group 1 Enable (both Security states, EL3)',
    encoding: enc(3, 6, 12, 12, 7),
    fields: ICC_IGRPEN1_EL3_FIELDS,
  }),
  ap('ICH_AP0R0_EL2', enc(3, 4, 12, 8, 0), 2),
  ap('ICH_AP1R0_EL2', enc(3, 4, 12, 9, 0), 2),
  reg({
    name: 'ICH_HCR_EL2',
    description: 'Interrupt Controller Hyp Control Register: virtual CPU interface controls',
    encoding: enc(3, 4, 12, 11, 0),
    fields: ICH_HCR_EL2_FIELDS,
  }),
  reg({
    name: 'ICH_VTR_EL2',
    description: 'Interrupt Controller VGIC Type Register',
    encoding: enc(3, 4, 12, 11, 1),
    ro: true,
    fields: ICH_VTR_EL2_FIELDS,
  }),
  reg({
    name: 'ICH_MISR_EL2',
    description: 'Interrupt Controller Maintenance Interrupt State Register',
    encoding: enc(3, 4, 12, 11, 2),
    ro: true,
    fields: ICH_MISR_EL2_FIELDS,
  }),
  reg({ name: 'ICH_EISR_EL2', description: 'End of Interrupt Status Register: LRs with an EOI maintenance interrupt', encoding: enc(3, 4, 12, 11, 3), ro: true, fields: [f('Status', 15, 0, 'Bit n: ICH_LR<n>_EL2 has an EOI')] }),
  reg({ name: 'ICH_ELRSR_EL2', description: 'Empty List Register Status Register', encoding: enc(3, 4, 12, 11, 5), ro: true, fields: [f('Status', 15, 0, 'Bit n: ICH_LR<n>_EL2 is empty')] }),
  reg({
    name: 'ICH_VMCR_EL2',
    description: 'Interrupt Controller Virtual Machine Control Register',
    encoding: enc(3, 4, 12, 11, 7),
    fields: ICH_VMCR_EL2_FIELDS,
  }),
  ...lrs,
];

/** Field accessors (accessors.ts). */
export const ICC_PMR_EL1 = accessors(ICC_PMR_EL1_FIELDS);
export const ICC_CTLR_EL1 = accessors(ICC_CTLR_EL1_FIELDS);
export const ICC_CTLR_EL3 = accessors(ICC_CTLR_EL3_FIELDS);
export const ICC_IGRPEN1_EL3 = accessors(ICC_IGRPEN1_EL3_FIELDS);
export const ICH_HCR_EL2 = accessors(ICH_HCR_EL2_FIELDS);
export const ICH_VTR_EL2 = accessors(ICH_VTR_EL2_FIELDS);
export const ICH_VMCR_EL2 = accessors(ICH_VMCR_EL2_FIELDS);
export const ICH_MISR_EL2 = accessors(ICH_MISR_EL2_FIELDS);
export const ICC_SGI1R_EL1 = accessors(sgiFields());
/** The INTID field of ICC_IAR/EOIR/DIR/HPPIR. */
export const ICC_INTID = accessors(intid());
/** ICH_LR<n>_EL2: pINTID (HW=1) and EOI (HW=0) overlap; read the one HW selects. */
export const ICH_LR = accessors([...lrFieldsFor(true), ...lrFieldsFor(false).filter((x) => x.name === 'EOI')]);

/** Field accessors (accessors.ts). */
export const ICC_BPR = accessors(ICC_BPR0_EL1_FIELDS);
export const ICC_IGRPEN = accessors(ICC_IGRPEN1_EL1_FIELDS);
/** ICC_SRE_EL1/EL2/EL3 (Enable exists at EL2 and EL3). */
export const ICC_SRE = accessors(sre(true));
