/**
 * Exception syndrome and return registers: ESR_ELx (with the ISS decoded by
 * exception class), FAR_ELx, ELR_ELx, VBAR_ELx, HPFAR_EL2, AFSR0/1_ELx.
 * Arm ARM D24.2 "ESR_ELx", D17.2 "ISS encoding for an exception from …";
 * ../shared/reference/arch-facts.md §3; Linux arch/arm64/include/asm/esr.h.
 */
import { hex } from '../../util/hex';
import { accessors } from './accessors';
import { addr, b, enc, f, fmt, reg, whole } from './define';
import type { FieldDef, RegisterDef, SysregEncoding } from './types';

/** ESR_ELx.EC → description (Arm ARM D24.2.xx ESR_ELx.EC). */
export const EXCEPTION_CLASSES: Readonly<Record<number, string>> = {
  0x00: 'Unknown reason',
  0x01: 'Trapped WFI/WFE/WFIT/WFET',
  0x03: 'Trapped MCR/MRC (coproc 0b1111, AArch32)',
  0x04: 'Trapped MCRR/MRRC (coproc 0b1111, AArch32)',
  0x05: 'Trapped MCR/MRC (coproc 0b1110, AArch32)',
  0x06: 'Trapped LDC/STC (AArch32)',
  0x07: 'Access to SVE, Advanced SIMD or floating-point trapped',
  0x08: 'Trapped VMRS (coproc 0b1010 ID, AArch32)',
  0x09: 'Pointer authentication instruction trapped (HCR_EL2.API/SCR_EL3.API)',
  0x0a: 'Trapped LD64B/ST64B/ST64BV/ST64BV0',
  0x0c: 'Trapped MRRC (coproc 0b1110, AArch32)',
  0x0d: 'Branch Target Exception',
  0x0e: 'Illegal Execution state',
  0x11: 'SVC instruction execution in AArch32 state',
  0x12: 'HVC instruction execution in AArch32 state',
  0x13: 'SMC instruction execution in AArch32 state',
  0x15: 'SVC instruction execution in AArch64 state',
  0x16: 'HVC instruction execution in AArch64 state',
  0x17: 'SMC instruction execution in AArch64 state',
  0x18: 'Trapped MSR, MRS or System instruction execution in AArch64 state',
  0x19: 'Access to SVE functionality trapped',
  0x1a: 'Trapped ERET/ERETAA/ERETAB',
  0x1c: 'Pointer authentication failure (FEAT_FPAC)',
  0x1d: 'Access to SME functionality trapped',
  0x1f: 'IMPLEMENTATION DEFINED exception taken to EL3',
  0x20: 'Instruction Abort from a lower Exception level',
  0x21: 'Instruction Abort taken without a change in Exception level',
  0x22: 'PC alignment fault',
  0x24: 'Data Abort from a lower Exception level',
  0x25: 'Data Abort taken without a change in Exception level',
  0x26: 'SP alignment fault',
  0x27: 'Memory Copy and Memory Set (FEAT_MOPS) exception',
  0x28: 'Trapped floating-point exception (AArch32)',
  0x2c: 'Trapped floating-point exception (AArch64)',
  0x2d: 'Guarded Control Stack exception (FEAT_GCS)',
  0x2f: 'SError exception',
  0x30: 'Breakpoint exception from a lower Exception level',
  0x31: 'Breakpoint exception taken without a change in Exception level',
  0x32: 'Software Step exception from a lower Exception level',
  0x33: 'Software Step exception taken without a change in Exception level',
  0x34: 'Watchpoint exception from a lower Exception level',
  0x35: 'Watchpoint exception taken without a change in Exception level',
  0x38: 'BKPT instruction execution in AArch32 state',
  0x3a: 'Vector Catch exception (AArch32)',
  0x3c: 'BRK instruction execution in AArch64 state',
};

/** Short EC names, as in Linux esr.h (`DABT_LOW`, `SYS64`…), for compact views. */
export const EXCEPTION_CLASS_NAMES: Readonly<Record<number, string>> = {
  0x00: 'UNKNOWN', 0x01: 'WFx', 0x03: 'CP15_32', 0x04: 'CP15_64', 0x05: 'CP14_MR', 0x06: 'CP14_LS',
  0x07: 'FP_ASIMD', 0x08: 'CP10_ID', 0x09: 'PAC', 0x0a: 'LS64', 0x0c: 'CP14_64', 0x0d: 'BTI', 0x0e: 'ILL',
  0x11: 'SVC32', 0x12: 'HVC32', 0x13: 'SMC32', 0x15: 'SVC64', 0x16: 'HVC64', 0x17: 'SMC64', 0x18: 'SYS64',
  0x19: 'SVE', 0x1a: 'ERET', 0x1c: 'FPAC', 0x1d: 'SME', 0x1f: 'IMP_DEF', 0x20: 'IABT_LOW', 0x21: 'IABT_CUR',
  0x22: 'PC_ALIGN', 0x24: 'DABT_LOW', 0x25: 'DABT_CUR', 0x26: 'SP_ALIGN', 0x27: 'MOPS', 0x28: 'FP_EXC32',
  0x2c: 'FP_EXC64', 0x2d: 'GCS', 0x2f: 'SERROR', 0x30: 'BREAKPT_LOW', 0x31: 'BREAKPT_CUR', 0x32: 'SOFTSTP_LOW',
  0x33: 'SOFTSTP_CUR', 0x34: 'WATCHPT_LOW', 0x35: 'WATCHPT_CUR', 0x38: 'BKPT32', 0x3a: 'VECTOR32', 0x3c: 'BRK64',
};

export type FaultType =
  | 'address-size'
  | 'translation'
  | 'access-flag'
  | 'permission'
  | 'external'
  | 'external-on-walk'
  | 'tag-check'
  | 'ecc'
  | 'ecc-on-walk'
  | 'alignment'
  | 'granule-protection'
  | 'granule-protection-on-walk'
  | 'tlb-conflict'
  | 'atomic-hw-update'
  | 'implementation-defined';

export interface FaultStatus {
  code: number;
  type: FaultType;
  /** Translation level for walk-related faults (−1…3). */
  level?: number;
  text: string;
}

/** DFSC/IFSC values (Arm ARM D24.2 ESR_ELx ISS DFSC; arch-facts §3). */
export const FAULT_STATUS_CODES: ReadonlyMap<number, FaultStatus> = (() => {
  const m = new Map<number, FaultStatus>();
  const levelled = (base: number, type: FaultType, name: string, minus1?: number) => {
    for (let l = 0; l < 4; l++) m.set(base + l, { code: base + l, type, level: l, text: `${name}, level ${l}` });
    if (minus1 !== undefined) m.set(minus1, { code: minus1, type, level: -1, text: `${name}, level -1` });
  };
  levelled(0x00, 'address-size', 'Address size fault', 0x29);
  levelled(0x04, 'translation', 'Translation fault', 0x2b);
  levelled(0x08, 'access-flag', 'Access flag fault');
  levelled(0x0c, 'permission', 'Permission fault');
  levelled(0x14, 'external-on-walk', 'Synchronous External abort on translation table walk', 0x13);
  levelled(0x1c, 'ecc-on-walk', 'Synchronous parity or ECC error on memory access on translation table walk', 0x1b);
  levelled(0x24, 'granule-protection-on-walk', 'Granule Protection Fault on translation table walk', 0x23);
  const one = (code: number, type: FaultType, text: string) => m.set(code, { code, type, text });
  one(0x10, 'external', 'Synchronous External abort, not on translation table walk');
  one(0x11, 'tag-check', 'Synchronous Tag Check Fault');
  one(0x18, 'ecc', 'Synchronous parity or ECC error on memory access, not on translation table walk');
  one(0x21, 'alignment', 'Alignment fault');
  one(0x28, 'granule-protection', 'Granule Protection Fault, not on translation table walk');
  one(0x30, 'tlb-conflict', 'TLB conflict abort');
  one(0x31, 'atomic-hw-update', 'Unsupported atomic hardware update fault');
  one(0x34, 'implementation-defined', 'IMPLEMENTATION DEFINED fault (Lockdown)');
  one(0x35, 'implementation-defined', 'IMPLEMENTATION DEFINED fault (Unsupported Exclusive or Atomic access)');
  return m;
})();

export function faultStatus(code: number): FaultStatus | undefined {
  return FAULT_STATUS_CODES.get(code);
}

/** DFSC/IFSC enumeration for field decoding. */
export const FSC_VALUES: Record<number, string> = Object.fromEntries([...FAULT_STATUS_CODES].map(([k, v]) => [k, v.text]));

/**
 * Resolver for EC 0x18 syndromes: encoding → register name. Set by the table
 * index (which knows every register) so this file does not import it.
 */
let encodingName: (e: SysregEncoding) => string | undefined = () => undefined;
export function setEncodingResolver(fn: (e: SysregEncoding) => string | undefined): void {
  encodingName = fn;
}

/** `MRS x1, SCTLR_EL1` / `MSR SCTLR_EL1, x1` for an EC 0x18 ISS. */
export function sysregIssText(iss: number): string {
  const S = ISS_SYSREG;
  const e = { op0: S.Op0.ofLo(iss), op2: S.Op2.ofLo(iss), op1: S.Op1.ofLo(iss), crn: S.CRn.ofLo(iss), crm: S.CRm.ofLo(iss) };
  const rt = S.Rt.ofLo(iss);
  const name = encodingName(e) ?? `S${e.op0}_${e.op1}_C${e.crn}_C${e.crm}_${e.op2}`;
  const r = rt === 31 ? 'xzr' : `x${rt}`;
  return S.Direction.ofLo(iss) ? `MRS ${r}, ${name}` : `MSR ${name}, ${r}`;
}

const SET: Record<number, string> = { 0: 'Recoverable state (UER)', 2: 'Uncontainable (UC)', 3: 'Restartable state (UEO)' };

/** Names of the data-abort ISS fields that hold a value only with ISV=1 (Arm ARM D24.2 ESR_ELx, ISS encoding for a Data Abort). */
const ISV_FIELDS = new Set(['SAS', 'SSE', 'SRT', 'SF', 'AR']);

/** Every data-abort ISS field; SET has its meanings only for DFSC 0x10. */
function dataAbortIssFields(setValid: boolean) {
  return [
    b('ISV', 24, 'Instruction Syndrome Valid: bits [23:14] hold a valid syndrome', { 0: 'No valid instruction syndrome', 1: 'Valid instruction syndrome' }),
    f('SAS', 23, 22, 'Syndrome Access Size', { 0: 'Byte', 1: 'Halfword', 2: 'Word', 3: 'Doubleword' }),
    b('SSE', 21, 'Syndrome Sign Extend', { 0: 'No sign extension', 1: 'Sign-extended' }),
    fmt('SRT', 20, 16, 'Syndrome Register Transfer: the Rt of the faulting load/store', (v) => (v === 31n ? 'xzr/wzr (31)' : `x${v}/w${v}`)),
    b('SF', 15, 'Sixty-Four bit general-purpose register transfer', { 0: '32-bit register (Wt)', 1: '64-bit register (Xt)' }),
    b('AR', 14, 'Acquire/Release semantics', { 0: 'No acquire/release semantics', 1: 'Acquire/release semantics' }),
    b('VNCR', 13, 'Fault from a VNCR_EL2-relative access (FEAT_NV2)', { 0: 'Not from a VNCR_EL2-relative access', 1: 'Fault from a VNCR_EL2-relative access (FEAT_NV2)' }),
    f('SET', 12, 11, 'Synchronous Error Type (valid for DFSC 0x10)', setValid ? SET : undefined),
    b('FnV', 10, 'FAR not Valid', { 0: 'FAR is valid', 1: 'FAR is not valid (UNKNOWN)' }),
    b('EA', 9, 'External abort type (IMPLEMENTATION DEFINED)'),
    b('CM', 8, 'Cache maintenance', { 0: 'Not from a cache maintenance or address translation instruction', 1: 'From a cache maintenance or address translation instruction' }),
    b('S1PTW', 7, 'Stage-2 fault on a stage-1 translation table walk', { 0: 'Not on a stage-1 walk', 1: 'Stage-2 fault on a stage-1 translation table walk' }),
    b('WnR', 6, 'Write not Read', { 0: 'Read', 1: 'Write' }),
    f('DFSC', 5, 0, 'Data Fault Status Code', FSC_VALUES),
  ];
}

function dataAbortIss(value: bigint): FieldDef[] {
  const all = dataAbortIssFields(ISS_DATA_ABORT.DFSC.num(value) === 0x10);
  // SAS…AR are RES0 unless ISV=1: leave them out so they decode as RES0.
  return ISS_DATA_ABORT.ISV.isSet(value) ? all : all.filter((x) => !ISV_FIELDS.has(x.name));
}

function instructionAbortIss(value: bigint): FieldDef[] {
  return instructionAbortIssFields(ISS_INSTRUCTION_ABORT.IFSC.num(value) === 0x10);
}

/** Every instruction-abort ISS field; SET has its meanings only for IFSC 0x10. */
function instructionAbortIssFields(setValid: boolean) {
  return [
    f('SET', 12, 11, 'Synchronous Error Type (valid for IFSC 0x10)', setValid ? SET : undefined),
    b('FnV', 10, 'FAR not Valid', { 0: 'FAR is valid', 1: 'FAR is not valid (UNKNOWN)' }),
    b('EA', 9, 'External abort type (IMPLEMENTATION DEFINED)'),
    b('S1PTW', 7, 'Stage-2 fault on a stage-1 translation table walk', { 0: 'Not on a stage-1 walk', 1: 'Stage-2 fault on a stage-1 translation table walk' }),
    f('IFSC', 5, 0, 'Instruction Fault Status Code', FSC_VALUES),
  ];
}

/** EC 0x18 (Arm ARM D17.2.37): CRn is ISS[13:10], CRm is ISS[4:1]. */
function sysregIss() {
  return [
    f('Op0', 21, 20, 'Op0 of the trapped instruction'),
    f('Op2', 19, 17, 'Op2 of the trapped instruction'),
    f('Op1', 16, 14, 'Op1 of the trapped instruction'),
    f('CRn', 13, 10, 'CRn of the trapped instruction'),
    fmt('Rt', 9, 5, 'Rt: general-purpose register of the transfer', (v) => (v === 31n ? 'xzr (31)' : `x${v}`)),
    f('CRm', 4, 1, 'CRm of the trapped instruction'),
    b('Direction', 0, 'Direction of the trapped instruction', { 0: 'Write (MSR)', 1: 'Read (MRS)' }),
  ];
}

function immIss(what: string): FieldDef[] {
  return [fmt('imm16', 15, 0, `Immediate of the ${what} instruction`, (v) => hex(v))];
}

function wfxIss() {
  return [
    b('CV', 24, 'Condition code valid (AArch32)'),
    f('COND', 23, 20, 'Condition code (AArch32)'),
    fmt('RN', 9, 5, 'Register holding the timeout (WFIT/WFET)', (v) => `x${v}`),
    b('RV', 2, 'Register field valid (WFIT/WFET)'),
    f('TI', 1, 0, 'Trapped instruction', { 0: 'WFI', 1: 'WFE', 2: 'WFIT', 3: 'WFET' }),
  ];
}

function serrorIss(): FieldDef[] {
  return [
    b('IDS', 24, 'IMPLEMENTATION DEFINED syndrome', { 0: 'Architecturally defined syndrome', 1: 'IMPLEMENTATION DEFINED syndrome' }),
    b('IESB', 13, 'Implicit error synchronization event'),
    f('AET', 12, 10, 'Asynchronous Error Type', { 0: 'Uncontainable (UC)', 1: 'Unrecoverable state (UEU)', 2: 'Restartable state (UEO)', 3: 'Recoverable state (UER)', 6: 'Corrected (CE)' }),
    b('EA', 9, 'External abort type'),
    f('DFSC', 5, 0, 'Data Fault Status Code', { 0x00: 'Uncategorized error', 0x11: 'Asynchronous SError interrupt' }),
  ];
}

/** ISS sub-fields for an exception class (bit positions within the whole ESR). */
export function issFields(ec: number, value: bigint): FieldDef[] | undefined {
  switch (ec) {
    case 0x24:
    case 0x25:
      return dataAbortIss(value);
    case 0x20:
    case 0x21:
      return instructionAbortIss(value);
    case 0x18:
      return sysregIss();
    case 0x15:
    case 0x11:
      return immIss('SVC');
    case 0x16:
    case 0x12:
      return immIss('HVC');
    case 0x17:
      return immIss('SMC');
    case 0x3c:
      return [fmt('Comment', 15, 0, 'Immediate of the BRK instruction', (v) => hex(v))];
    case 0x01:
      return wfxIss();
    case 0x2f:
      return serrorIss();
    case 0x1a:
      return [b('ERET', 1, 'ERETAA/ERETAB (1) or ERET (0)'), b('ERETA', 0, 'Key used by ERETAx', { 0: 'ERETAA (key A)', 1: 'ERETAB (key B)' })];
    case 0x00:
    case 0x0e:
    case 0x22:
    case 0x26:
      return []; // ISS is RES0 for these classes
    default:
      return undefined;
  }
}

const ISS_FIELD = f('ISS', 24, 0, 'Instruction Specific Syndrome');

const SUMMARISED_ECS = new Set([0x01, 0x15, 0x16, 0x17, 0x18, 0x20, 0x21, 0x24, 0x25, 0x3c]);

function esrFields(value: bigint): FieldDef[] {
  const ec = ESR_ELx.EC.num(value);
  const children = issFields(ec, value);
  const iss: FieldDef = { name: 'ISS', msb: 24, lsb: 0, description: 'Instruction Specific Syndrome' };
  // The ISS row summarises the syndrome (`Data Abort (same EL): Translation fault, level 3, write`, `Trapped MSR SCTLR_EL1, x1`).
  if (SUMMARISED_ECS.has(ec)) iss.format = (_v, full) => esrSummary(full);
  if (children) iss.children = children;
  return [...esrTopFields(), iss];
}

/** ESR_ELx above the ISS (Arm ARM D24.2 ESR_ELx). */
function esrTopFields() {
  return [
    f('ISS2', 55, 32, 'Instruction Specific Syndrome 2 (FEAT_LS64, FEAT_GCS, …)'),
    f('EC', 31, 26, 'Exception Class', EXCEPTION_CLASSES as Record<number, string>),
    b('IL', 25, 'Instruction Length for synchronous exceptions', { 0: '16-bit instruction trapped', 1: '32-bit instruction, or an exception with no trapped instruction (abort, SError, …)' }),
  ];
}

/**
 * Field accessors (accessors.ts): ESR_ELx above the ISS, and the ISS layouts
 * by exception class (bit positions within the whole ESR).
 */
export const ESR_ELx = accessors([...esrTopFields(), ISS_FIELD]);
/** ISS for a Data Abort (EC 0x24/0x25), with the ISV=1 fields. */
export const ISS_DATA_ABORT = accessors(dataAbortIssFields(false));
/** ISS for an Instruction Abort (EC 0x20/0x21). */
export const ISS_INSTRUCTION_ABORT = accessors(instructionAbortIssFields(false));
/** ISS for a trapped MSR/MRS/system instruction (EC 0x18). */
export const ISS_SYSREG = accessors(sysregIss());
/** ISS for a trapped WFI/WFE (EC 0x01). */
export const ISS_WFX = accessors(wfxIss());

function esr(el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `ESR_EL${el}`,
    description: `Exception Syndrome Register (EL${el}): why an exception was taken to EL${el}`,
    encoding: e,
    fields: (v) => esrFields(v),
    // The ISS layout depends on EC, on ISV (data aborts) and on whether the FSC is 0x10 (SET meaning).
    layoutKey: (v) => (ESR_ELx.EC.num(v) << 2) | (ISS_DATA_ABORT.ISV.num(v) << 1) | (ISS_DATA_ABORT.DFSC.num(v) === 0x10 ? 1 : 0),
    trapGroup: el === 1 ? 'TVM' : undefined,
    redirectTo: el === 1 ? 'ESR_EL2' : undefined,
  });
}

function far(el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `FAR_EL${el}`,
    description: `Fault Address Register (EL${el}): faulting virtual address of an abort taken to EL${el}`,
    encoding: e,
    fields: whole('VA', 'Faulting virtual address'),
    trapGroup: el === 1 ? 'TVM' : undefined,
    redirectTo: el === 1 ? 'FAR_EL2' : undefined,
  });
}

function elr(el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `ELR_EL${el}`,
    description: `Exception Link Register (EL${el}): return address of an exception taken to EL${el}`,
    encoding: e,
    fields: whole('ReturnAddress', 'Address ERET returns to'),
    redirectTo: el === 1 ? 'ELR_EL2' : undefined,
  });
}

const VBAR_FIELDS = [addr('VBA', 63, 11, 'Vector Base Address, bits [63:11]')];

function vbar(el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `VBAR_EL${el}`,
    description: `Vector Base Address Register (EL${el}): base of the exception vectors for EL${el} (2KB aligned)`,
    encoding: e,
    fields: VBAR_FIELDS,
    redirectTo: el === 1 ? 'VBAR_EL2' : undefined,
  });
}

function afsr(n: 0 | 1, el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `AFSR${n}_EL${el}`,
    description: `Auxiliary Fault Status Register ${n} (EL${el}): IMPLEMENTATION DEFINED fault status`,
    encoding: e,
    fields: whole('IMPDEF', 'IMPLEMENTATION DEFINED'),
    trapGroup: el === 1 ? 'TVM' : undefined,
    redirectTo: el === 1 ? `AFSR${n}_EL2` : undefined,
  });
}

const HPFAR_EL2_FIELDS = [
  b('NS', 63, 'Faulting IPA address space (Secure EL2)', { 0: 'Secure IPA space', 1: 'Non-secure IPA space' }),
  fmt('FIPA', 43, 4, 'Faulting IPA bits [51:12]; IPA = (FIPA << 12) | FAR[11:0]', (v) => `IPA page ${hex(v << 12n)}`),
];

const ISR_EL1_FIELDS = [b('IS', 10, 'IRQ with superpriority pending (FEAT_NMI)'), b('FS', 9, 'FIQ with superpriority pending (FEAT_NMI)'), b('A', 8, 'SError pending'), b('I', 7, 'IRQ pending'), b('F', 6, 'FIQ pending')];

export const EXCEPTION_REGISTERS: RegisterDef[] = [
  esr(1, enc(3, 0, 5, 2, 0)),
  esr(2, enc(3, 4, 5, 2, 0)),
  esr(3, enc(3, 6, 5, 2, 0)),
  far(1, enc(3, 0, 6, 0, 0)),
  far(2, enc(3, 4, 6, 0, 0)),
  far(3, enc(3, 6, 6, 0, 0)),
  elr(1, enc(3, 0, 4, 0, 1)),
  elr(2, enc(3, 4, 4, 0, 1)),
  elr(3, enc(3, 6, 4, 0, 1)),
  vbar(1, enc(3, 0, 12, 0, 0)),
  vbar(2, enc(3, 4, 12, 0, 0)),
  vbar(3, enc(3, 6, 12, 0, 0)),
  afsr(0, 1, enc(3, 0, 5, 1, 0)),
  afsr(1, 1, enc(3, 0, 5, 1, 1)),
  afsr(0, 2, enc(3, 4, 5, 1, 0)),
  afsr(1, 2, enc(3, 4, 5, 1, 1)),
  afsr(0, 3, enc(3, 6, 5, 1, 0)),
  afsr(1, 3, enc(3, 6, 5, 1, 1)),
  reg({
    name: 'HPFAR_EL2',
    description: 'Hypervisor IPA Fault Address Register: faulting IPA of a stage-2 fault (Arm ARM D24.2 HPFAR_EL2)',
    encoding: enc(3, 4, 6, 0, 4),
    fields: HPFAR_EL2_FIELDS,
  }),
  reg({
    name: 'ISR_EL1',
    description: 'Interrupt Status Register: pending physical or virtual interrupts',
    encoding: enc(3, 0, 12, 1, 0),
    ro: true,
    fields: ISR_EL1_FIELDS,
  }),
];

/**
 * One-line human summary of an ESR_ELx value for reports and hovers, e.g.
 * `Data Abort (same EL): Translation fault, level 3, write` or
 * `Trapped MSR SCTLR_EL1, x1`.
 */
export function esrSummary(esr: bigint): string {
  const v = BigInt.asUintN(64, esr);
  const ec = ESR_ELx.EC.num(v);
  const iss = ESR_ELx.ISS.num(v);
  const D = ISS_DATA_ABORT;
  const fsc = D.DFSC.ofLo(iss);
  const fault = () => FAULT_STATUS_CODES.get(fsc)?.text ?? `fault status ${hex(fsc, 2)}`;
  switch (ec) {
    case 0x24:
    case 0x25: {
      const parts = [`Data Abort (${ec === 0x24 ? 'lower EL' : 'same EL'}): ${fault()}`, D.WnR.ofLo(iss) ? 'write' : 'read'];
      if (D.S1PTW.ofLo(iss)) parts.push('on stage-1 walk (S1PTW)');
      if (D.CM.ofLo(iss)) parts.push('cache maintenance');
      if (D.ISV.ofLo(iss)) {
        const size = ['byte', 'halfword', 'word', 'doubleword'][D.SAS.ofLo(iss)];
        parts.push(`${size} ${D.SF.ofLo(iss) ? 'x' : 'w'}${D.SRT.ofLo(iss)}`);
      }
      return parts.join(', ');
    }
    case 0x20:
    case 0x21:
      return `Instruction Abort (${ec === 0x20 ? 'lower EL' : 'same EL'}): ${fault()}${ISS_INSTRUCTION_ABORT.S1PTW.ofLo(iss) ? ', on stage-1 walk (S1PTW)' : ''}`;
    case 0x18:
      return `Trapped ${sysregIssText(iss)}`;
    case 0x15:
      return `SVC #${hex(iss & 0xffff)}`;
    case 0x16:
      return `HVC #${hex(iss & 0xffff)}`;
    case 0x17:
      return `SMC #${hex(iss & 0xffff)}`;
    case 0x3c:
      return `BRK #${hex(iss & 0xffff)}`;
    case 0x01:
      return `Trapped ${['WFI', 'WFE', 'WFIT', 'WFET'][iss & 3]}`;
    default:
      return EXCEPTION_CLASSES[ec] ?? `Reserved exception class ${hex(ec, 2)}`;
  }
}

/** Field accessors (accessors.ts). */
export const HPFAR_EL2 = accessors(HPFAR_EL2_FIELDS);
export const ISR_EL1 = accessors(ISR_EL1_FIELDS);
/** VBAR_ELx (every EL). */
export const VBAR = accessors(VBAR_FIELDS);
