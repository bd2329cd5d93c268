/**
 * Small helpers so the register table reads like the Arm ARM field lists.
 */
import { hex } from '../../util/hex';
import type { DecodeContext, FieldDef, FieldLayout, RegisterAccess, RegisterDef, SysregEncoding } from './types';

/** A multi-bit field [msb:lsb]. */
export function f<N extends string, M extends number, L extends number>(
  name: N,
  msb: M,
  lsb: L,
  description: string,
  values?: Record<number, string>,
): FieldDef<N, M, L> {
  return values ? { name, msb, lsb, description, values } : { name, msb, lsb, description };
}

/** A one-bit field. */
export function b<N extends string, B extends number>(name: N, bit: B, description: string, values?: Record<number, string>): FieldDef<N, B, B> {
  return f(name, bit, bit, description, values);
}

/** A field whose meaning is computed (addresses, sizes, attribute bytes). */
export function fmt<N extends string, M extends number, L extends number>(
  name: N,
  msb: M,
  lsb: L,
  description: string,
  format: (fieldValue: bigint, registerValue: bigint) => string,
): FieldDef<N, M, L> {
  return { name, msb, lsb, description, format };
}

/** A field users look for first (TCR.T0SZ, HCR_EL2.TGE): listed before the others. */
export function primary<F extends FieldDef>(fd: F): F {
  fd.relevance = 'primary';
  return fd;
}

/** A field rarely looked at (controls of features the modelled PE lacks): listed last. */
export function rare<F extends FieldDef>(fd: F): F {
  fd.relevance = 'rare';
  return fd;
}

/**
 * Mark the fields of a layout users look for first and those rarely looked at
 * (by name; an unknown name is an error in the table). Returns the layout.
 */
export function withRelevance<F extends FieldDef>(fields: F[], marks: { primary?: readonly F['name'][]; rare?: readonly F['name'][] }): F[] {
  for (const [relevance, names] of [['primary', marks.primary ?? []], ['rare', marks.rare ?? []]] as const) {
    for (const name of names) {
      const fd = fields.find((x) => x.name === name);
      if (fd === undefined) throw new Error(`relevance: no field ${name} in the layout`);
      fd.relevance = relevance;
    }
  }
  return fields;
}

/** RES1 bit(s). */
export function res1(msb: number, lsb = msb): FieldDef<'RES1'> & { kind: 'res1' } {
  return { name: 'RES1', msb, lsb, description: 'Reserved, should be one', kind: 'res1' };
}

/** RES0 bit(s). */
export function res0(msb: number, lsb = msb): FieldDef<'RES0'> & { kind: 'res0' } {
  return { name: 'RES0', msb, lsb, description: 'Reserved, should be zero', kind: 'res0' };
}

/**
 * A bit that is RES1 on the modelled PE because a feature is absent, shown
 * under the name it has with the feature (`TZ` without FEAT_SVE).
 */
export function res1Named<N extends string, B extends number>(name: N, bit: B, description: string): FieldDef<N, B, B> & { kind: 'res1' } {
  return { name, msb: bit, lsb: bit, description, kind: 'res1' };
}

/** A field holding an address whose low bits are implied zero: shows the address. */
export function addr<N extends string, M extends number, L extends number>(name: N, msb: M, lsb: L, description: string, shift: number = lsb): FieldDef<N, M, L> {
  return fmt(name, msb, lsb, description, (v) => hex(v << BigInt(shift)));
}

export function enc(op0: number, op1: number, crn: number, crm: number, op2: number): SysregEncoding {
  return { op0, op1, crn, crm, op2 };
}

/** Mask of the bits [msb:lsb]. */
export function mask(msb: number, lsb: number): bigint {
  return ((1n << BigInt(msb - lsb + 1)) - 1n) << BigInt(lsb);
}

/**
 * Complete a layout: every bit of the register not covered by a declared field
 * becomes a RES0 field, so a decode always re-assembles to the value (the Arm ARM
 * lists unnamed bits as RES0). Fields are returned most significant first.
 */
export function completeLayout(fields: FieldDef[], width: number): FieldDef[] {
  const sorted = [...fields].sort((x, y) => y.msb - x.msb);
  const out: FieldDef[] = [];
  let next = width - 1;
  for (const fd of sorted) {
    if (fd.msb > next) throw new Error(`overlapping field ${fd.name}[${fd.msb}:${fd.lsb}]`);
    if (fd.msb < next) out.push(res0(next, fd.msb + 1));
    out.push(fd.children ? { ...fd, children: completeLayout0(fd.children, fd.msb, fd.lsb) } : fd);
    next = fd.lsb - 1;
  }
  if (next >= 0) out.push(res0(next, 0));
  return out;
}

/** Like completeLayout for the sub-range [msb:lsb] (ISS children). */
function completeLayout0(fields: FieldDef[], msb: number, lsb: number): FieldDef[] {
  const sorted = [...fields].sort((x, y) => y.msb - x.msb);
  const out: FieldDef[] = [];
  let next = msb;
  for (const fd of sorted) {
    if (fd.msb > next || fd.lsb < lsb) throw new Error(`overlapping sub-field ${fd.name}[${fd.msb}:${fd.lsb}]`);
    if (fd.msb < next) out.push(res0(next, fd.msb + 1));
    out.push(fd);
    next = fd.lsb - 1;
  }
  if (next >= lsb) out.push(res0(next, lsb));
  return out;
}

const masksCache = new WeakMap<FieldDef[], { res0: bigint; res1: bigint }>();

/** RES0/RES1 masks of a complete layout (memoised per layout array: layouts are cached and immutable). */
export function reservedMasks(fields: FieldDef[]): { res0: bigint; res1: bigint } {
  const cached = masksCache.get(fields);
  if (cached) return cached;
  const m = computeMasks(fields);
  masksCache.set(fields, m);
  return m;
}

function computeMasks(fields: FieldDef[]): { res0: bigint; res1: bigint } {
  let r0 = 0n;
  let r1 = 0n;
  for (const fd of fields) {
    if (fd.kind === 'res0') r0 |= mask(fd.msb, fd.lsb);
    else if (fd.kind === 'res1') r1 |= mask(fd.msb, fd.lsb);
  }
  return { res0: r0, res1: r1 };
}

export interface RegSpec {
  name: string;
  description: string;
  width?: 32 | 64;
  encoding?: SysregEncoding;
  /** Minimum EL; default from op1 (Arm ARM C5.1.x: op1 0/1/2/7→EL1, 3→EL0, 4/5→EL2, 6→EL3). */
  el?: 0 | 1 | 2 | 3;
  ro?: boolean;
  wo?: boolean;
  fields: FieldLayout;
  /**
   * For a layout function: the key of the inputs the layout depends on, so each
   * distinct layout is built once (MSR applies RES0/RES1 on every write).
   * Default: the layout depends on ctx.e2h only.
   */
  layoutKey?: (value: bigint, ctx: DecodeContext) => number;
  trapGroup?: 'TVM';
  redirectTo?: string;
  security?: 'secure' | 'any';
  aliases?: string[];
}

export function minElFromOp1(op1: number): 0 | 1 | 2 | 3 {
  if (op1 === 3) return 0;
  if (op1 === 4 || op1 === 5) return 2;
  if (op1 === 6) return 3;
  return 1;
}

/** Build a RegisterDef from a compact spec. */
export function reg(spec: RegSpec): RegisterDef {
  const width = spec.width ?? 64;
  let fields: FieldLayout;
  let masks: { res0: bigint; res1: bigint };
  if (typeof spec.fields === 'function') {
    const fn = spec.fields;
    const key = spec.layoutKey ?? ((_v: bigint, ctx: DecodeContext) => (ctx.e2h ? 1 : 0));
    const cache = new Map<number, FieldDef[]>();
    fields = (value, ctx) => {
      const k = key(value, ctx);
      let layout = cache.get(k);
      if (!layout) {
        layout = completeLayout(fn(value, ctx), width);
        cache.set(k, layout);
      }
      return layout;
    };
    masks = reservedMasks(fields(0n, {}));
  } else {
    fields = completeLayout(spec.fields, width);
    masks = reservedMasks(fields);
  }
  const access: RegisterAccess = {
    minEl: spec.el ?? (spec.encoding ? minElFromOp1(spec.encoding.op1) : 1),
    read: !spec.wo,
    write: !spec.ro,
  };
  const def: RegisterDef = {
    name: spec.name,
    description: spec.description,
    width,
    fields,
    res0: masks.res0,
    res1: masks.res1,
    access,
  };
  if (spec.encoding) def.encoding = spec.encoding;
  if (spec.trapGroup) def.trapGroup = spec.trapGroup;
  if (spec.redirectTo) def.vhe = { redirectTo: spec.redirectTo };
  if (spec.security) def.security = spec.security;
  if (spec.aliases) def.aliases = spec.aliases;
  return def;
}

/** A register that is one value (addresses, counters, thread IDs). */
export function whole(name: string, description: string, msb = 63): FieldDef[] {
  return [f(name, msb, 0, description)];
}

/** Shared enumerations. */
export const SHAREABILITY: Record<number, string> = { 0: 'Non-shareable', 1: 'Reserved', 2: 'Outer Shareable', 3: 'Inner Shareable' };
export const CACHEABILITY: Record<number, string> = {
  0: 'Normal Non-cacheable',
  1: 'Normal Write-Back Read-Allocate Write-Allocate Cacheable',
  2: 'Normal Write-Through Read-Allocate No Write-Allocate Cacheable',
  3: 'Normal Write-Back Read-Allocate No Write-Allocate Cacheable',
};
export const PA_SIZE: Record<number, string> = {
  0: '32 bits, 4GB',
  1: '36 bits, 64GB',
  2: '40 bits, 1TB',
  3: '42 bits, 4TB',
  4: '44 bits, 16TB',
  5: '48 bits, 256TB',
  6: '52 bits, 4PB',
};
export const TG0: Record<number, string> = { 0: '4KB granule', 1: '64KB granule', 2: '16KB granule' };
export const TG1: Record<number, string> = { 1: '16KB granule', 2: '4KB granule', 3: '64KB granule' };
