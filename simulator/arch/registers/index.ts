/**
 * THE register table: lookup by name or encoding, decode into fields, and
 * RES0/RES1 checks. The single source of truth for decode, hover, DAP
 * variables, validation and the CLI — nobody else holds register data.
 */
import { bin, hex } from '../../util/hex';
import { completeLayout, f, minElFromOp1, reservedMasks } from './define';
import type {
  DecodeContext,
  DecodedField,
  DecodedRegister,
  FieldDef,
  RegisterDef,
  ReservedBitViolation,
  SysregEncoding,
} from './types';
import { EXCEPTION_REGISTERS, setEncodingResolver } from './exception';
import { HCR_EL2, HYPERVISOR_REGISTERS } from './hypervisor';
import { TRANSLATION_REGISTERS } from './translation';
import { MEMORY_ATTRIBUTE_REGISTERS } from './memoryAttributes';
import { ID_REGISTERS } from './id';
import { TIMER_REGISTERS } from './timer';
import { GIC_CPU_INTERFACE_REGISTERS } from './gicCpuInterface';
import { PSTATE_REGISTERS, spsrFields } from './pstate';
import { CONTEXT_REGISTERS } from './context';
import { OTHER_REGISTERS } from './other';
import { DEBUG_REGISTERS } from './debug';
import { vheAliases } from './aliases';

export * from './types';
export * from './accessors';
export * from './fields';
export { VHE_REDIRECTS, VHE_ALIASES } from './aliases';

const BASE: RegisterDef[] = [
  ...EXCEPTION_REGISTERS,
  ...HYPERVISOR_REGISTERS,
  ...TRANSLATION_REGISTERS,
  ...MEMORY_ATTRIBUTE_REGISTERS,
  ...ID_REGISTERS,
  ...TIMER_REGISTERS,
  ...GIC_CPU_INTERFACE_REGISTERS,
  ...PSTATE_REGISTERS,
  ...CONTEXT_REGISTERS,
  ...OTHER_REGISTERS,
  ...DEBUG_REGISTERS,
];

const ALL: RegisterDef[] = [...BASE, ...vheAliases(BASE)];

const byName = new Map<string, RegisterDef>();
const byEncoding = new Map<number, RegisterDef>();

function encodingKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

for (const r of ALL) {
  if (byName.has(r.name.toUpperCase())) throw new Error(`duplicate register ${r.name}`);
  byName.set(r.name.toUpperCase(), r);
  for (const a of r.aliases ?? []) byName.set(a.toUpperCase(), r);
  if (r.encoding) {
    const e = r.encoding;
    const k = encodingKey(e.op0, e.op1, e.crn, e.crm, e.op2);
    const prev = byEncoding.get(k);
    if (prev) throw new Error(`registers ${prev.name} and ${r.name} share an encoding`);
    byEncoding.set(k, r);
  }
}

// EC 0x18 syndromes name the trapped register from this table.
setEncodingResolver((e) => findRegisterByEncoding(e.op0, e.op1, e.crn, e.crm, e.op2)?.name);

/** Every register of the table (including the _EL12/_EL02 aliases), in table order. */
export function allRegisters(): readonly RegisterDef[] {
  return ALL;
}

const GENERIC = /^S([0-3])_([0-7])_C([0-9]|1[0-5])_C([0-9]|1[0-5])_([0-7])$/;
const genericCache = new Map<string, RegisterDef>();

/** The generic `S<op0>_<op1>_C<n>_C<m>_<op2>` name of an encoding. */
export function genericName(e: SysregEncoding): string {
  return `S${e.op0}_${e.op1}_C${e.crn}_C${e.crm}_${e.op2}`;
}

function genericRegister(e: SysregEncoding): RegisterDef {
  const name = genericName(e);
  let r = genericCache.get(name);
  if (!r) {
    const fields = completeLayout([f('value', 63, 0, 'Register value (no architectural layout known for this encoding)')], 64);
    r = {
      name,
      description: `System register op0=${e.op0} op1=${e.op1} CRn=${e.crn} CRm=${e.crm} op2=${e.op2} (IMPLEMENTATION DEFINED or not in the table)`,
      width: 64,
      encoding: e,
      fields,
      res0: 0n,
      res1: 0n,
      access: { minEl: minElFromOp1(e.op1), read: true, write: true },
    };
    genericCache.set(name, r);
  }
  return r;
}

/**
 * Find a register by name, case-insensitively: architectural names, the
 * _EL12/_EL02 aliases and generic `S3_0_C1_C0_0` names (which resolve to the
 * named register when the encoding is known).
 */
export function findRegister(name: string): RegisterDef | undefined {
  const upper = name.trim().toUpperCase();
  const r = byName.get(upper);
  if (r) return r;
  const m = GENERIC.exec(upper);
  if (!m) return undefined;
  const e = { op0: +m[1], op1: +m[2], crn: +m[3], crm: +m[4], op2: +m[5] };
  return findRegisterByEncoding(e.op0, e.op1, e.crn, e.crm, e.op2) ?? (e.op0 >= 2 ? genericRegister(e) : undefined);
}

/** The register with this MRS/MSR encoding, if the table knows it. */
export function findRegisterByEncoding(op0: number, op1: number, crn: number, crm: number, op2: number): RegisterDef | undefined {
  return byEncoding.get(encodingKey(op0, op1, crn, crm, op2));
}

/** The context layouts depend on, from HCR_EL2's value (undefined: none known, the E2H=0 layouts). */
export function decodeContextOf(hcrEl2: bigint | undefined): DecodeContext {
  return hcrEl2 === undefined ? {} : { e2h: HCR_EL2.E2H.isSet(hcrEl2) };
}

/** The field layout of a register for a value and context. */
export function layoutOf(def: RegisterDef, value: bigint, ctx: DecodeContext = {}): FieldDef[] {
  return typeof def.fields === 'function' ? def.fields(value, ctx) : def.fields;
}

function extract(v: bigint, msb: number, lsb: number): bigint {
  return (v >> BigInt(lsb)) & ((1n << BigInt(msb - lsb + 1)) - 1n);
}

function allOnes(msb: number, lsb: number): bigint {
  return (1n << BigInt(msb - lsb + 1)) - 1n;
}

/** Human text for a field value: enumeration, computed format, or RES check. */
function meaningOf(fd: FieldDef, v: bigint, full: bigint): { meaning: string; violation?: boolean } {
  if (fd.kind === 'res0') return v === 0n ? { meaning: 'RES0' } : { meaning: 'RES0 bits set: should be 0', violation: true };
  if (fd.kind === 'res1') {
    return v === allOnes(fd.msb, fd.lsb) ? { meaning: 'RES1' } : { meaning: 'RES1 bits clear: should be 1', violation: true };
  }
  if (fd.format) return { meaning: fd.format(v, full) };
  const oneBit = fd.msb === fd.lsb;
  if (fd.values) {
    const text = v <= 0xffffn ? fd.values[Number(v)] : undefined;
    if (text !== undefined) return { meaning: text };
    if (!oneBit) return { meaning: 'Reserved value' };
  }
  // A one-bit field says what it does when set: the meaning must describe the value held (issue #9 item 4).
  if (oneBit) return { meaning: v === 0n ? notSet(fd) : fd.description };
  return { meaning: fd.description };
}

/** The generated meaning of a clear one-bit field without its own text for 0: `Not set (1: Trap WFI to EL2)`. */
export function notSet(fd: FieldDef): string {
  return `Not set (1: ${fd.values?.[1] ?? fd.description})`;
}

function decodeFields(fields: FieldDef[], value: bigint): DecodedField[] {
  return fields.map((fd) => {
    const v = extract(value, fd.msb, fd.lsb);
    const { meaning, violation } = meaningOf(fd, v, value);
    const d: DecodedField = {
      name: fd.name,
      msb: fd.msb,
      lsb: fd.lsb,
      value: v,
      meaning,
      description: fd.description,
      kind: fd.kind ?? 'field',
    };
    if (violation) d.violation = true;
    if (fd.relevance) d.relevance = fd.relevance;
    if (fd.children) d.children = decodeFields(fd.children, value);
    return d;
  });
}

/**
 * Decode any value against a field layout (descriptors, FF-A words): the same
 * machinery as registers, so every decoded view has one shape.
 */
export function decodeLayout(fields: FieldDef[], value: bigint, width: 32 | 64 = 64): DecodedField[] {
  return decodeFields(completeLayout(fields, width), BigInt.asUintN(width, value));
}

/**
 * Decode a register value into its fields, most significant first. Every bit
 * of the register belongs to exactly one top-level field (unnamed bits are RES0).
 */
export function decodeValue(register: string, value: bigint, ctx: DecodeContext = {}): DecodedRegister | undefined {
  const def = findRegister(register);
  if (!def) return undefined;
  const v = BigInt.asUintN(def.width, value);
  return { register: def.name, value: v, width: def.width, description: def.description, fields: decodeFields(layoutOf(def, v, ctx), v) };
}

/** RES0 bits set and RES1 bits clear in `value` for the layout selected by `ctx`. */
export function checkReservedBits(register: string, value: bigint, ctx: DecodeContext = {}): ReservedBitViolation[] {
  const def = findRegister(register);
  if (!def) return [];
  const v = BigInt.asUintN(def.width, value);
  const { res0, res1 } = typeof def.fields === 'function' ? reservedMasks(def.fields(v, ctx)) : def;
  const out: ReservedBitViolation[] = [];
  for (let bit = 0; bit < def.width; bit++) {
    const m = 1n << BigInt(bit);
    if (res0 & m && v & m) out.push({ bit, expected: 0 });
    else if (res1 & m && !(v & m)) out.push({ bit, expected: 1 });
  }
  return out;
}

/** Format a field value for display: `0b…` for narrow fields, `0x…` otherwise. */
export function fieldValueText(fd: { msb: number; lsb: number; value: bigint }): string {
  const w = fd.msb - fd.lsb + 1;
  return w <= 4 ? bin(fd.value, w) : hex(fd.value);
}

function findField(fields: FieldDef[], name: string): FieldDef | undefined {
  const upper = name.toUpperCase();
  for (const f of fields) {
    if (f.kind !== 'res0' && f.kind !== 'res1' && f.name.toUpperCase() === upper) return f;
    if (f.children) {
      const c = findField(f.children, name);
      if (c) return c;
    }
  }
  return undefined;
}

/** The field definition `field` of `register` (case-insensitive; searches ISS children too) in the layout for `value`/`ctx`. */
export function fieldOf(register: string, field: string, value = 0n, ctx: DecodeContext = {}): FieldDef | undefined {
  const def = findRegister(register);
  return def ? findField(layoutOf(def, value, ctx), field) : undefined;
}

/** Extract a named field: `fieldValue('HCR_EL2', v, 'E2H')`. Undefined when the register or field is unknown. */
export function fieldValue(register: string, value: bigint, field: string, ctx: DecodeContext = {}): bigint | undefined {
  const fd = fieldOf(register, field, value, ctx);
  return fd ? extract(BigInt.asUintN(64, value), fd.msb, fd.lsb) : undefined;
}

/**
 * Compose a register value from named fields, starting from its RES1 bits:
 * `encodeFields('VTCR_EL2', { T0SZ: 16, SL0: 2, SH0: 3, PS: 5 })`. Throws on an
 * unknown register/field or a value that does not fit.
 */
export function encodeFields(register: string, values: Record<string, bigint | number>, ctx: DecodeContext = {}): bigint {
  const def = findRegister(register);
  if (!def) throw new Error(`unknown register ${register}`);
  let v = typeof def.fields === 'function' ? reservedMasks(def.fields(0n, ctx)).res1 : def.res1;
  // Two passes so fields that select a layout (e.g. ESR EC, PAR F) are applied before the fields they enable.
  for (let pass = 0; pass < 2; pass++) {
    for (const [name, raw] of Object.entries(values)) {
      const fd = findField(layoutOf(def, v, ctx), name);
      if (!fd) {
        if (pass === 0) continue;
        throw new Error(`${def.name} has no field ${name}`);
      }
      const x = BigInt(raw);
      const width = BigInt(fd.msb - fd.lsb + 1);
      if (x < 0n || x >= 1n << width) throw new Error(`${def.name}.${fd.name} is ${width} bits wide: ${hex(x)} does not fit`);
      v = (v & ~(((1n << width) - 1n) << BigInt(fd.lsb))) | (x << BigInt(fd.lsb));
    }
  }
  return v;
}

/**
 * PSTATE shown in the SPSR_ELx layout (Arm ARM D1.4: SPSR holds PSTATE on
 * exception entry), for debuggers and reports. PSTATE is not a system
 * register, so it is not in the table.
 */
export function decodePstate(value: bigint): DecodedRegister {
  const v = BigInt.asUintN(64, value);
  return { register: 'PSTATE', value: v, width: 64, description: 'Process state (SPSR_ELx layout)', fields: decodeLayout(spsrFields(v), v) };
}
