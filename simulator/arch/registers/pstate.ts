/**
 * PSTATE access registers and the saved program status / stack pointers:
 * SPSR_ELx, DAIF, NZCV, CurrentEL, SPSel, PAN, UAO, DIT, SSBS, TCO, SP_ELx.
 * Arm ARM D1.4 (PSTATE), C5.2 (special-purpose registers); arch-facts.md §3.
 */
import { AARCH32_MODES, AARCH64_MODES } from '../decoders/pstate';
import { accessors } from './accessors';
import { b, enc, f, reg, whole } from './define';
import type { FieldDef, RegisterDef, SysregEncoding } from './types';

const MASKED = { 0: 'Not masked', 1: 'Masked' };

const nzcv = () => [
  b('N', 31, 'Negative condition flag'),
  b('Z', 30, 'Zero condition flag'),
  b('C', 29, 'Carry condition flag'),
  b('V', 28, 'Overflow condition flag'),
];

/** SPSR_ELx for an exception taken from AArch64 (M[4]=0) or AArch32 (M[4]=1); also the PSTATE view. */
export function spsrFields(v: bigint): FieldDef[] {
  if (v & 0x10n) {
    return [
      ...nzcv(),
      b('Q', 27, 'Overflow or saturation flag'),
      f('IT[1:0]', 26, 25, 'If-Then execution state bits [1:0]'),
      b('DIT', 24, 'Data Independent Timing'),
      b('SSBS', 23, 'Speculative Store Bypass Safe'),
      b('PAN', 22, 'Privileged Access Never'),
      b('SS', 21, 'Software Step'),
      b('IL', 20, 'Illegal Execution state'),
      f('GE', 19, 16, 'Greater than or Equal flags'),
      f('IT[7:2]', 15, 10, 'If-Then execution state bits [7:2]'),
      b('E', 9, 'Endianness', { 0: 'Little-endian', 1: 'Big-endian' }),
      b('A', 8, 'SError mask', MASKED),
      b('I', 7, 'IRQ mask', MASKED),
      b('F', 6, 'FIQ mask', MASKED),
      b('T', 5, 'T32 state', { 0: 'A32', 1: 'T32' }),
      b('M[4]', 4, 'Execution state', { 0: 'AArch64', 1: 'AArch32' }),
      f('M[3:0]', 3, 0, 'AArch32 mode', AARCH32_MODES as Record<number, string>),
    ];
  }
  return spsrAarch64Fields();
}

/** SPSR_ELx for an exception taken from AArch64 (M[4]=0). */
function spsrAarch64Fields() {
  return [
    b('PACM', 35, 'PACM (FEAT_PAuth_LR)'),
    b('EXLOCK', 34, 'Exception return state lock (FEAT_GCS)'),
    b('PPEND', 33, 'PMU exception pending (FEAT_SEBEP)'),
    b('PM', 32, 'PMU exception mask (FEAT_EBEP)'),
    ...nzcv(),
    b('TCO', 25, 'Tag Check Override'),
    b('DIT', 24, 'Data Independent Timing'),
    b('UAO', 23, 'User Access Override'),
    b('PAN', 22, 'Privileged Access Never'),
    b('SS', 21, 'Software Step'),
    b('IL', 20, 'Illegal Execution state'),
    b('ALLINT', 13, 'All IRQ/FIQ masked (FEAT_NMI)'),
    b('SSBS', 12, 'Speculative Store Bypass Safe'),
    f('BTYPE', 11, 10, 'Branch Type (FEAT_BTI)'),
    b('D', 9, 'Debug exception mask', MASKED),
    b('A', 8, 'SError mask', MASKED),
    b('I', 7, 'IRQ mask', MASKED),
    b('F', 6, 'FIQ mask', MASKED),
    b('M[4]', 4, 'Execution state', { 0: 'AArch64', 1: 'AArch32' }),
    f('M[3:0]', 3, 0, 'AArch64 Exception level and SP selection', AARCH64_MODES as Record<number, string>),
  ];
}

function spsr(el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `SPSR_EL${el}`,
    description: `Saved Program Status Register (EL${el}): PSTATE saved on exception entry to EL${el}`,
    encoding: e,
    fields: spsrFields,
    layoutKey: (v) => Number((v >> 4n) & 1n),
    redirectTo: el === 1 ? 'SPSR_EL2' : undefined,
  });
}

function sp(el: 0 | 1 | 2, e: SysregEncoding, minEl: 1 | 2 | 3): RegisterDef {
  return reg({ name: `SP_EL${el}`, description: `Stack Pointer (EL${el})`, encoding: e, el: minEl, fields: whole('SP', 'Stack pointer') });
}

const DAIF_FIELDS = [b('D', 9, 'Debug exception mask', MASKED), b('A', 8, 'SError mask', MASKED), b('I', 7, 'IRQ mask', MASKED), b('F', 6, 'FIQ mask', MASKED)];

const SPSel_FIELDS = [b('SP', 0, 'Stack pointer selection', { 0: 'SP_EL0 (t)', 1: 'SP_ELx (h)' })];

const CurrentEL_FIELDS = [f('EL', 3, 2, 'Current Exception level', { 0: 'EL0', 1: 'EL1', 2: 'EL2', 3: 'EL3' })];

export const PSTATE_REGISTERS: RegisterDef[] = [
  spsr(1, enc(3, 0, 4, 0, 0)),
  spsr(2, enc(3, 4, 4, 0, 0)),
  spsr(3, enc(3, 6, 4, 0, 0)),
  sp(0, enc(3, 0, 4, 1, 0), 1),
  sp(1, enc(3, 4, 4, 1, 0), 2),
  sp(2, enc(3, 6, 4, 1, 0), 3),
  reg({
    name: 'DAIF',
    description: 'Interrupt Mask Bits: PSTATE.{D,A,I,F}',
    encoding: enc(3, 3, 4, 2, 1),
    el: 0,
    fields: DAIF_FIELDS,
  }),
  reg({ name: 'NZCV', description: 'Condition Flags: PSTATE.{N,Z,C,V}', encoding: enc(3, 3, 4, 2, 0), el: 0, fields: nzcv() }),
  reg({
    name: 'CurrentEL',
    description: 'Current Exception Level',
    encoding: enc(3, 0, 4, 2, 2),
    ro: true,
    fields: CurrentEL_FIELDS,
  }),
  reg({ name: 'SPSel', description: 'Stack Pointer Select: PSTATE.SP', encoding: enc(3, 0, 4, 2, 0), fields: SPSel_FIELDS }),
  reg({ name: 'PAN', description: 'Privileged Access Never: PSTATE.PAN', encoding: enc(3, 0, 4, 2, 3), fields: [b('PAN', 22, 'Privileged accesses to EL0-accessible memory fault', { 0: 'Not set', 1: 'Set' })] }),
  reg({ name: 'UAO', description: 'User Access Override: PSTATE.UAO', encoding: enc(3, 0, 4, 2, 4), fields: [b('UAO', 23, 'LDTR/STTR behave as normal loads/stores')] }),
  reg({ name: 'DIT', description: 'Data Independent Timing: PSTATE.DIT', encoding: enc(3, 3, 4, 2, 5), el: 0, fields: [b('DIT', 24, 'Data Independent Timing')] }),
  reg({ name: 'SSBS', description: 'Speculative Store Bypass Safe: PSTATE.SSBS', encoding: enc(3, 3, 4, 2, 6), el: 0, fields: [b('SSBS', 12, 'Speculative Store Bypass Safe')] }),
  reg({ name: 'TCO', description: 'Tag Check Override: PSTATE.TCO', encoding: enc(3, 3, 4, 2, 7), el: 0, fields: [b('TCO', 25, 'Tag Check Override')] }),
  reg({
    name: 'FPCR',
    description: 'Floating-point Control Register',
    encoding: enc(3, 3, 4, 4, 0),
    el: 0,
    fields: [
      b('FIZ', 0, 'Flush Inputs to Zero'), b('AH', 1, 'Alternate Handling'), b('NEP', 2, 'Non-Elementwise Parallel'),
      b('IOE', 8, 'Invalid Operation trap enable'), b('DZE', 9, 'Divide by Zero trap enable'), b('OFE', 10, 'Overflow trap enable'),
      b('UFE', 11, 'Underflow trap enable'), b('IXE', 12, 'Inexact trap enable'), b('EBF', 13, 'Extended BFloat16 behaviours'), b('IDE', 15, 'Input Denormal trap enable'),
      f('Len', 18, 16, 'AArch32 vector length'), b('FZ16', 19, 'Flush-to-zero half precision'), f('Stride', 21, 20, 'AArch32 vector stride'),
      f('RMode', 23, 22, 'Rounding Mode', { 0: 'Round to Nearest', 1: 'Round towards Plus Infinity', 2: 'Round towards Minus Infinity', 3: 'Round towards Zero' }),
      b('FZ', 24, 'Flush-to-zero'), b('DN', 25, 'Default NaN'), b('AHP', 26, 'Alternative half-precision'),
    ],
  }),
  reg({
    name: 'FPSR',
    description: 'Floating-point Status Register',
    encoding: enc(3, 3, 4, 4, 1),
    el: 0,
    fields: [
      b('IOC', 0, 'Invalid Operation cumulative'), b('DZC', 1, 'Divide by Zero cumulative'), b('OFC', 2, 'Overflow cumulative'),
      b('UFC', 3, 'Underflow cumulative'), b('IXC', 4, 'Inexact cumulative'), b('IDC', 7, 'Input Denormal cumulative'),
      b('QC', 27, 'Cumulative saturation'), b('V', 28, 'AArch32 V flag'), b('C', 29, 'AArch32 C flag'), b('Z', 30, 'AArch32 Z flag'), b('N', 31, 'AArch32 N flag'),
    ],
  }),
];

/** Field accessors (accessors.ts). */
export const DAIF = accessors(DAIF_FIELDS);
/** SPSR_ELx (and the PSTATE bits it saves) for an exception taken from AArch64. */
export const SPSR = accessors(spsrAarch64Fields());
export const NZCV = accessors(nzcv());

/**
 * A group of four adjacent one-bit PSTATE flags as one 4-bit number, the
 * first flag in bit 3: PSTATE.{N,Z,C,V} and PSTATE.{D,A,I,F} as `pstate.nzcv`
 * / `pstate.daif` expressions, reports and the debugger show them. Positioned
 * by the group's lowest flag in the table (V, F).
 */
export interface FlagGroup {
  /** The four flags from the register form (NZCV, DAIF). */
  of(reg: number): number;
  /** The register form of four flags. */
  place(flags: number): number;
}

function flagGroup(lowest: { readonly lsb: number }): FlagGroup {
  return { of: (reg) => (reg >>> lowest.lsb) & 0xf, place: (flags) => ((flags & 0xf) << lowest.lsb) >>> 0 };
}

export const NZCV_FLAGS = flagGroup(NZCV.V);
export const DAIF_FLAGS = flagGroup(DAIF.F);

/**
 * SPSR_ELx.M[3:0] from AArch64 split as the architecture uses it (Arm ARM
 * C5.2.18): the Exception level in M[3:2] (where CurrentEL.EL is) and the
 * stack pointer selection in M[0].
 */
const SPSR_M_FIELDS = [f('EL', 3, 2, 'Exception level', { 0: 'EL0', 1: 'EL1', 2: 'EL2', 3: 'EL3' }), b('SP', 0, 'Stack pointer', { 0: 'SP_EL0 (t)', 1: 'SP_ELx (h)' })];
export const SPSR_M = accessors(SPSR_M_FIELDS);

/** Field accessors (accessors.ts). */
export const CURRENT_EL = accessors(CurrentEL_FIELDS);
export const SPSEL = accessors(SPSel_FIELDS);
