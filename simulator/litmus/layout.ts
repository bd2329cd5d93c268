/**
 * Where a litmus test lives in a scenario, and what its values are as
 * numbers.
 *
 * Every thread is a PE at EL1 (EL0 for the threads `EL0=` names) with the
 * MMU on, because herd7's tests run on Normal memory: with the MMU off a
 * data access is Device-nGnRnE (Arm ARM: the memory type with stage 1 translation
 * disabled), with other ordering rules.
 * One stage-1 tree (4 KB granule, T0SZ 25) maps, identity, every thread's
 * code page, every location's page and the tables themselves (so a thread can
 * write a descriptor through PTE(x)); all of it lies in one 2 MB region, so
 * one level-3 table holds every descriptor and PTE(x) is an address in it.
 * Each location has its own 4 KB page, as herd7's VMSA tests assume.
 *
 *   0x8000_0000  code of P0, P1, … (one page each)
 *   0x8004_0000  locations, one page each, in order of first mention
 *   0x8010_0000  level-1 table; level-2 and level-3 tables from 0x8010_1000
 *
 * Descriptor values (herd7's `(oa:PA(x), valid:0, …)`) are encoded with the
 * same leaf bits as the `pagetable` block (simulator/mmu/pagetable), so a
 * value a thread writes and the table the block builds agree bit for bit.
 */
import { stage1Geometry, stage1Leaf, TableBuilder } from '../mmu/pagetable/builder';
import { MAIR_INDEX, type MemoryTypeName } from '../mmu/pagetable/block';
import type { InitEntry, LitmusLocation, LitmusTest, LitmusValue, Prop, PteValue } from './ast';
import { LITMUS_TYPES } from './state';

export const LAYOUT = {
  ram: 0x8000_0000,
  ramSize: 0x20_0000,
  code: 0x8000_0000,
  data: 0x8004_0000,
  tables: 0x8010_0000,
  pool: 0x8010_1000,
  poolSize: 0x1_0000,
  page: 0x1000,
  t0sz: 25,
} as const;

/** Locations of one test: each has a page between LAYOUT.data and LAYOUT.tables. */
export const MAX_LOCATIONS = (LAYOUT.tables - LAYOUT.data) / LAYOUT.page;

/** TCR_EL1: T0SZ=25 (39-bit VAs), IRGN0=ORGN0=Write-Back (0b01), SH0=Inner Shareable, TG0=4 KB, EPD1=1 (no TTBR1 walks), IPS=48 bits. */
export const LITMUS_TCR_EL1 = 0x5_0080_3519n;
/** SCTLR_EL1: the simulator's reset value (RES1 bits, nTWI, nTWE) with M, C and I set. */
export const LITMUS_SCTLR_EL1 = 0x30d5_1805n;

/** How a value at a location is compared and printed: herd7's type of it. */
export interface ValueType {
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  /** Holds a descriptor (printed `(oa:PA(x), …)`). */
  pte: boolean;
  /** Holds an address (printed as the location's name; `physical`: as PA(x)). */
  pointer: boolean;
  physical: boolean;
}

export interface LocationPlace {
  name: string;
  /** Virtual address = physical address of the location's page. */
  address: number;
  /** Address of the level-3 descriptor that maps the page. */
  pte: number;
  type: ValueType;
  /** Initial descriptor of the page (herd7's default `(oa:PA(x))` unless the initial state says otherwise). */
  descriptor: PteValue;
}

export interface Layout {
  threads: { id: number; base: number; el: 0 | 1 }[];
  locations: Map<string, LocationPlace>;
  /** Address of every location's descriptor, by address. */
  byAddress: Map<number, string>;
  /** Registers' types, by `thread:reg`. */
  registers: Map<string, ValueType>;
}

const INT: ValueType = { size: 4, signed: true, pte: false, pointer: false, physical: false };
const POINTER: ValueType = { size: 8, signed: false, pte: false, pointer: true, physical: false };
const PTE: ValueType = { size: 8, signed: false, pte: true, pointer: false, physical: false };

export function declaredType(name: string): ValueType {
  if (name === 'pteval_t') return PTE;
  const t = LITMUS_TYPES[name];
  return { size: t.size, signed: t.signed, pte: false, pointer: false, physical: false };
}

/** The type a value suggests for the location that holds it (a descriptor, an address, or none). */
function typeOfValue(v: LitmusValue): ValueType | undefined {
  if (v.kind === 'pte') return PTE;
  if (v.kind === 'va' || v.kind === 'pte-address') return POINTER;
  if (v.kind === 'pa') return { ...POINTER, physical: true };
  return undefined;
}

export function locationKey(loc: LitmusLocation): string {
  return loc.kind === 'reg' ? `${loc.thread}:X${loc.reg}` : loc.kind === 'mem' ? `[${loc.sym}]` : `[PTE(${loc.sym})]`;
}

/** herd7's default descriptor of location `sym`'s page (lib/AArch64PteVal.ml `default`). */
export function defaultDescriptor(sym: string): PteValue {
  return { oa: { kind: 'pa', sym }, valid: 1, af: 1, db: 1, dbm: 0, el0: 1, x: 1, attrs: [] };
}

/** Threads that run at EL0 (`EL0=P0,P2`). */
export function el0Threads(test: LitmusTest): Set<number> {
  const out = new Set<number>();
  for (const i of test.info) if (i.key === 'EL0') for (const p of i.value.split(/[,\s]+/)) if (/^P[0-9]+$/.test(p)) out.add(Number(p.slice(1)));
  return out;
}

function atomsOf(p: Prop | undefined, out: { loc: LitmusLocation; value: LitmusValue }[] = []): { loc: LitmusLocation; value: LitmusValue }[] {
  if (p === undefined) return out;
  if (p.kind === 'atom') {
    if (p.atom.kind === 'eq') out.push({ loc: p.atom.loc, value: p.atom.value });
  } else if (p.kind === 'not') atomsOf(p.operand, out);
  else if (p.kind === 'and' || p.kind === 'or') for (const q of p.operands) atomsOf(q, out);
  else if (p.kind === 'implies') {
    atomsOf(p.left, out);
    atomsOf(p.right, out);
  }
  return out;
}

/** Place a (supported) test: code and location addresses, descriptor addresses, every location's type. */
export function planLayout(test: LitmusTest): Layout {
  const el0 = el0Threads(test);
  const threads: Layout['threads'] = test.threads.map((t, i) => ({ id: t.id, base: LAYOUT.code + i * LAYOUT.page, el: el0.has(t.id) ? 0 : 1 }));
  // Descriptor addresses from the builder itself: map every page in the order the scenario's block does.
  const geo = stage1Geometry(LAYOUT.t0sz);
  const probe = new TableBuilder({ stage: 1, root: LAYOUT.tables, poolBase: LAYOUT.pool, poolSize: LAYOUT.poolSize, granuleBits: 12, ...geo });
  const leaf = stage1Leaf({ attrIndx: MAIR_INDEX.normal_wb, sh: 3, ap: 0 });
  for (const t of threads) probe.map(t.base, LAYOUT.page, t.base, leaf, false);
  const locations = new Map<string, LocationPlace>();
  const byAddress = new Map<number, string>();
  test.symbols.forEach((name, k) => {
    const address = LAYOUT.data + k * LAYOUT.page;
    probe.map(address, LAYOUT.page, address, leaf, false);
    const pte = probe.writes[probe.writes.length - 1].pa;
    locations.set(name, { name, address, pte, type: INT, descriptor: defaultDescriptor(name) });
    byAddress.set(address, name);
  });
  // Types: declared, else suggested by the initial value or a compared value, else herd7's `int`.
  const registers = new Map<string, ValueType>();
  const suggest = (loc: LitmusLocation, t: ValueType | undefined, declared: boolean): void => {
    if (t === undefined) return;
    if (loc.kind === 'reg') {
      const key = `${loc.thread}:${loc.reg}`;
      if (declared || !registers.has(key)) registers.set(key, t);
    } else if (loc.kind === 'mem') {
      const place = locations.get(loc.sym);
      if (place && (declared || place.type === INT)) place.type = t;
    }
  };
  const declaredFirst = [...test.init].sort((a, b) => Number(b.type !== undefined) - Number(a.type !== undefined));
  for (const e of declaredFirst) {
    if (e.type !== undefined && (e.type in LITMUS_TYPES || e.type === 'pteval_t')) suggest(e.loc, declaredType(e.type), true);
    else if (e.value) suggest(e.loc, typeOfValue(e.value), false);
  }
  for (const item of test.locations) if (item.kind === 'loc' && item.type !== undefined && item.type in LITMUS_TYPES) suggest(item.loc, declaredType(item.type), false);
  for (const a of [...atomsOf(test.condition.prop), ...atomsOf(test.filter)]) suggest(a.loc, typeOfValue(a.value), false);
  for (const e of test.init) {
    if (e.loc.kind !== 'pte') continue;
    const place = locations.get(e.loc.sym);
    if (place && e.value?.kind === 'pte') place.descriptor = { ...e.value.pte, oa: e.value.pte.oa.sym === '' ? { kind: 'pa', sym: e.loc.sym } : e.value.pte.oa };
  }
  return { threads, locations, byAddress, registers };
}

export function registerType(layout: Layout, thread: number, reg: number): ValueType {
  return layout.registers.get(`${thread}:${reg}`) ?? INT;
}

export function typeAt(layout: Layout, loc: LitmusLocation): ValueType {
  if (loc.kind === 'reg') return registerType(layout, loc.thread, loc.reg);
  if (loc.kind === 'pte') return PTE;
  return layout.locations.get(loc.sym)?.type ?? INT;
}

// ---- descriptors ---------------------------------------------------------------------

/** The memory type and shareability herd7's attributes name, as `pagetable` words; undefined when the block cannot say it. */
export function memoryAttributes(attrs: readonly string[]): { type: MemoryTypeName; sh: 'ish' | 'osh' | 'nsh' } | undefined {
  let sh: 'ish' | 'osh' | 'nsh' = 'ish';
  let inner = 'WB';
  let outer = 'WB';
  let device: MemoryTypeName | undefined;
  for (const a of attrs) {
    const d = /^Device-(nGnRnE|nGnRE|nGRE|GRE)$/.exec(a);
    if (d) device = `device_${d[1].toLowerCase()}` as MemoryTypeName;
    else if (a === 'ISH' || a === 'Inner-shareable') sh = 'ish';
    else if (a === 'OSH' || a === 'Outer-shareable') sh = 'osh';
    else if (a === 'NSH' || a === 'Non-shareable') sh = 'nsh';
    else if (/^(iWB|Inner-write-back)$/.test(a)) inner = 'WB';
    else if (/^(iWT|Inner-write-through)$/.test(a)) inner = 'WT';
    else if (/^(iNC|Inner-non-cacheable)$/.test(a)) inner = 'NC';
    else if (/^(oWB|Outer-write-back)$/.test(a)) outer = 'WB';
    else if (/^(oWT|Outer-write-through)$/.test(a)) outer = 'WT';
    else if (/^(oNC|Outer-non-cacheable)$/.test(a)) outer = 'NC';
    else if (a !== 'Normal') return undefined;
  }
  if (device !== undefined) return { type: device, sh: 'osh' };
  if (inner !== outer) return undefined;
  const type: MemoryTypeName = inner === 'WB' ? 'normal_wb' : inner === 'WT' ? 'normal_wt' : 'normal_nc';
  return { type, sh };
}

const SH_BITS = { nsh: 0, osh: 2, ish: 3 } as const;

/**
 * The 64-bit stage-1 level-3 descriptor of a herd7 descriptor value
 * (Arm ARM, VMSAv8-64 stage 1 block and page descriptors): OA[47:12], AttrIndx[4:2] and SH[9:8] from the attributes,
 * AP[2] = !db, AP[1] = el0, AF = af, DBM = dbm (bit 51), UXN = !x (bit 54),
 * bits[1:0] = 0b11 when valid and 0b10 when not.
 */
export function encodeDescriptor(pte: PteValue, oa: number): bigint {
  const mem = memoryAttributes(pte.attrs) ?? { type: 'normal_wb', sh: 'ish' };
  const leaf = stage1Leaf({ attrIndx: MAIR_INDEX[mem.type], sh: SH_BITS[mem.sh], ap: (pte.db ? 0 : 2) | (pte.el0 ? 1 : 0), af: pte.af === 1, uxn: pte.x === 0 });
  const lo = BigInt((leaf.lo | (pte.valid ? 3 : 2)) >>> 0);
  const hi = BigInt((leaf.hi | (pte.dbm ? 1 << 19 : 0)) >>> 0);
  return (hi << 32n) | lo | BigInt(oa);
}

const MEMORY_TYPE_OF_INDEX = new Map<number, MemoryTypeName>(Object.entries(MAIR_INDEX).map(([k, v]) => [v, k as MemoryTypeName]));
const HERD_ATTR: Record<MemoryTypeName, string[]> = {
  normal_wb: [],
  normal_wt: ['iWT', 'oWT'],
  normal_nc: ['iNC', 'oNC'],
  device_ngnrne: ['Device-nGnRnE'],
  device_ngnre: ['Device-nGnRE'],
  device_ngre: ['Device-nGRE'],
  device_gre: ['Device-GRE'],
};

/**
 * The herd7 value of a level-3 descriptor whose output address is a
 * location's page, or undefined when the value is not one the encoding above
 * produces (then it is shown as a number).
 */
export function decodeDescriptor(value: bigint, layout: Pick<Layout, 'byAddress'>): PteValue | undefined {
  const oa = Number((value >> 12n) & 0xf_ffff_ffffn) * 0x1000;
  const sym = layout.byAddress.get(oa);
  if (sym === undefined) return undefined;
  const lo = Number(value & 0xffff_ffffn);
  const hi = Number(value >> 32n);
  const type = MEMORY_TYPE_OF_INDEX.get((lo >> 2) & 7);
  if (type === undefined || (lo & 2) === 0) return undefined;
  const sh = (lo >> 8) & 3;
  const shName = sh === 3 ? 'ISH' : sh === 2 ? 'OSH' : sh === 0 ? 'NSH' : undefined;
  if (shName === undefined) return undefined;
  const attrs = [...HERD_ATTR[type]];
  if (!type.startsWith('device') && shName !== 'ISH') attrs.unshift(shName);
  const pte: PteValue = { oa: { kind: 'pa', sym }, valid: lo & 1, af: (lo >> 10) & 1, db: (lo >> 7) & 1 ? 0 : 1, dbm: (hi >> 19) & 1, el0: (lo >> 6) & 1, x: (hi >> 22) & 1 ? 0 : 1, attrs };
  return encodeDescriptor(pte, oa) === value ? pte : undefined;
}

/** The number a litmus value stands for in the scenario. */
export function valueNumber(v: LitmusValue, layout: Layout): bigint {
  switch (v.kind) {
    case 'int':
      return v.value;
    case 'va':
    case 'pa':
      return BigInt(layout.locations.get(v.sym)?.address ?? 0);
    case 'pte-address':
      return BigInt(layout.locations.get(v.sym)?.pte ?? 0);
    case 'pte':
      return encodeDescriptor(v.pte, layout.locations.get(v.pte.oa.sym)?.address ?? 0);
  }
}

/** The initial-state entry of a location, if the test gives one. */
export function initOf(test: LitmusTest, loc: LitmusLocation): InitEntry | undefined {
  return test.init.find((e) => locationKey(e.loc) === locationKey(loc));
}
