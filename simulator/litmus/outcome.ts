/**
 * A final state of a litmus test as herd7 sees it: the value of each observed
 * location (the condition's and the `locations […]` list's) in the type
 * herd7 gives it, and which of the observed faults were taken. The state is
 * read from the generated scenario's machine through a small reader, so the
 * same code serves one `run` and every execution `explore` finds.
 *
 * The condition is evaluated here, on the litmus test's own proposition
 * (not on the scenario's expectation), so the verdict does not depend on the
 * translation to the scenario language.
 */
import type { FaultKind } from '../scenario/model';
import type { FaultAtom, FaultType, LitmusLocation, LitmusTest, Prop } from './ast';
import { decodeDescriptor, LAYOUT, locationKey, typeAt, valueNumber, type Layout, type ValueType } from './layout';

/** What one final state of the generated scenario holds, as the litmus front end needs it. */
export interface FinalStateReader {
  /** 64-bit value of register Xreg of PE `pe`. */
  register(pe: number, reg: number): bigint;
  /** `size` bytes at physical address `address`, as main memory holds them (little-endian). */
  memory(address: number, size: 1 | 2 | 4 | 8): bigint;
  /** Faults taken, oldest first. */
  faults: readonly { pe: number; kind?: FaultKind; pc: bigint; va?: bigint }[];
}

/** A fault observed by the test (`fault(P0:L0,x)` in its condition or `locations`), and whether the state took it. */
export interface ObservedFault {
  atom: FaultAtom;
  /** The fault taken that matches the atom: its herd7 type, and the label of the faulting instruction. */
  taken?: { type?: FaultType; label?: string };
}

export interface LitmusState {
  /** Observed locations in herd7's order, each with its value as a number (two's complement in its type's width). */
  values: { key: string; loc: LitmusLocation; type: ValueType; value: bigint }[];
  faults: ObservedFault[];
}

/**
 * herd7's type of a fault taken: an MMU fault on a location is a data access
 * (`D-MMU:…`; the code pages are always mapped, so no instruction fetch faults).
 * herd7 prints the type the test's atom names when it matches (`MMU:Translation`
 * matches `D-MMU:Translation`), and the fault's own type when the atom names none.
 */
const HERD_FAULT_TYPE: Partial<Record<FaultKind, FaultType>> = {
  translation: 'D-MMU:Translation',
  'access-flag': 'D-MMU:AccessFlag',
  permission: 'D-MMU:Permission',
  undefined: 'UndefinedInstruction',
};

function faultTypeMatches(want: FaultType | undefined, kind: FaultKind | undefined): boolean {
  if (want === undefined) return true;
  const have = kind === undefined ? undefined : HERD_FAULT_TYPE[kind];
  return have !== undefined && have.replace(/^D-/, '') === want.replace(/^D-/, '');
}

function propAtoms(p: Prop | undefined, out: Prop[] = []): Prop[] {
  if (p === undefined) return out;
  if (p.kind === 'atom') out.push(p);
  else if (p.kind === 'not') propAtoms(p.operand, out);
  else if (p.kind === 'and' || p.kind === 'or') for (const q of p.operands) propAtoms(q, out);
  else if (p.kind === 'implies') {
    propAtoms(p.left, out);
    propAtoms(p.right, out);
  }
  return out;
}

/** herd7's order of locations: registers by thread then number, then memory, then descriptors, each by name. */
function compareLocations(a: LitmusLocation, b: LitmusLocation): number {
  const rank = (l: LitmusLocation): number => (l.kind === 'reg' ? 0 : l.kind === 'mem' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a.kind === 'reg' && b.kind === 'reg') return a.thread - b.thread || a.reg - b.reg;
  const sa = a.kind === 'reg' ? '' : a.sym;
  const sb = b.kind === 'reg' ? '' : b.sym;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The locations and faults a final state shows: those of the condition and of `locations […]`, each once. */
export function observedOf(test: LitmusTest): { locations: LitmusLocation[]; faults: FaultAtom[] } {
  const locations = new Map<string, LitmusLocation>();
  const faults = new Map<string, FaultAtom>();
  const addFault = (f: FaultAtom): void => void faults.set(faultText(f), f);
  for (const p of propAtoms(test.condition.prop)) {
    if (p.kind !== 'atom') continue;
    if (p.atom.kind === 'fault') addFault(p.atom);
    else locations.set(locationKey(p.atom.loc), p.atom.loc);
  }
  for (const item of test.locations) {
    if (item.kind === 'fault') addFault(item);
    else locations.set(locationKey(item.loc), item.loc);
  }
  return { locations: [...locations.values()].sort(compareLocations), faults: [...faults.values()] };
}

/** `fault(P0:L0,x,MMU:Translation)` as herd7 writes it in a condition. */
export function faultText(f: FaultAtom, word = 'fault'): string {
  const parts = [`P${f.thread}${f.label !== undefined ? `:${f.label}` : ''}`];
  if (f.loc) parts.push(f.loc.kind === 'pte' ? `PTE(${f.loc.sym})` : f.loc.sym);
  if (f.type) parts.push(f.type);
  return `${word}(${parts.join(',')})`;
}

/** The value of a location in its type's width (registers are read as 64 bits). */
function readLocation(loc: LitmusLocation, type: ValueType, layout: Layout, reader: FinalStateReader): bigint {
  if (loc.kind === 'reg') return BigInt.asUintN(type.size * 8, reader.register(loc.thread, loc.reg));
  const place = layout.locations.get(loc.sym);
  if (place === undefined) return 0n;
  return loc.kind === 'mem' ? reader.memory(place.address, type.size) : reader.memory(place.pte, 8);
}

/** Read one final state of the test's scenario. */
export function observe(test: LitmusTest, layout: Layout, reader: FinalStateReader): LitmusState {
  const { locations, faults } = observedOf(test);
  const values = locations.map((loc) => {
    const type = typeAt(layout, loc);
    return { key: locationKey(loc), loc, type, value: readLocation(loc, type, layout, reader) };
  });
  return { values, faults: faults.map((atom) => ({ atom, taken: takenFault(test, layout, atom, reader) })) };
}

/** The fault of `reader` that `fault(P…)` names: on its thread, at its label's instruction, on its location's page, of its type. */
function takenFault(test: LitmusTest, layout: Layout, f: FaultAtom, reader: FinalStateReader): ObservedFault['taken'] {
  const thread = test.threads.find((t) => t.id === f.thread);
  const base = layout.threads.find((t) => t.id === f.thread)?.base;
  if (thread === undefined || base === undefined) return undefined;
  const labelAt = (pc: bigint): string | undefined => {
    const k = Number(pc - BigInt(base)) / 4;
    return Number.isInteger(k) ? thread.code[k]?.labels[0] : undefined;
  };
  for (const r of reader.faults) {
    if (r.pe !== f.thread || !faultTypeMatches(f.type, r.kind)) continue;
    if (f.label !== undefined && !(thread.code.findIndex((i) => i.labels.includes(f.label!)) * 4 + base === Number(r.pc))) continue;
    if (f.loc !== undefined) {
      const place = layout.locations.get(f.loc.sym);
      const page = place === undefined ? undefined : f.loc.kind === 'pte' ? place.pte & ~(LAYOUT.page - 1) : place.address;
      if (page === undefined || r.va === undefined || r.va < BigInt(page) || r.va >= BigInt(page + LAYOUT.page)) continue;
    }
    return { type: f.type ?? (r.kind === undefined ? undefined : HERD_FAULT_TYPE[r.kind]), label: labelAt(r.pc) };
  }
  return undefined;
}

/** Does `prop` hold in `state`? Atoms not observed (a filter's) are read as false. */
export function holds(prop: Prop, state: LitmusState, layout: Layout): boolean {
  switch (prop.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not':
      return !holds(prop.operand, state, layout);
    case 'and':
      return prop.operands.every((p) => holds(p, state, layout));
    case 'or':
      return prop.operands.some((p) => holds(p, state, layout));
    case 'implies':
      return !holds(prop.left, state, layout) || holds(prop.right, state, layout);
    case 'atom': {
      const a = prop.atom;
      if (a.kind === 'fault') return state.faults.find((f) => faultText(f.atom) === faultText(a))?.taken !== undefined;
      const v = state.values.find((x) => x.key === locationKey(a.loc));
      if (v === undefined) return false;
      return v.value === BigInt.asUintN(v.type.size * 8, valueNumber(a.value, layout));
    }
  }
}

/** A value as herd7 prints it: a signed or unsigned number in its type's width, a location's name, PA(x), PTE(x) or a descriptor. */
export function valueText(value: bigint, type: ValueType, layout: Layout): string {
  if (type.pte) {
    const pte = decodeDescriptor(value, layout);
    if (pte !== undefined) return herdPteText(pte);
  }
  if (type.pointer) {
    for (const place of layout.locations.values()) {
      if (BigInt(place.address) === value) return type.physical ? `PA(${place.name})` : place.name;
      if (BigInt(place.pte) === value) return `PTE(${place.name})`;
    }
  }
  return type.signed ? BigInt.asIntN(type.size * 8, value).toString() : value.toString();
}

/** herd7's spelling of a descriptor value: fields that differ from the default, in herd7's order (oa, af, db, dbm, valid, el0, x, attrs). */
export function herdPteText(p: { oa: { kind: string; sym: string }; af: number; db: number; dbm: number; valid: number; el0: number; x: number; attrs: string[] }): string {
  const fields = [`oa:${p.oa.kind === 'pa' ? 'PA' : 'PTE'}(${p.oa.sym})`];
  for (const [name, v, def] of [
    ['af', p.af, 1],
    ['db', p.db, 1],
    ['dbm', p.dbm, 0],
    ['valid', p.valid, 1],
    ['el0', p.el0, 1],
    ['x', p.x, 1],
  ] as const)
    if (v !== def) fields.push(`${name}:${v}`);
  const attrs = herdAttrs(p.attrs);
  if (attrs !== undefined) fields.push(`attrs:(${attrs})`);
  return `(${fields.join(', ')})`;
}

/** herd7's canonical attributes (`Normal,OSH,iWB,oWB`, `Device-nGnRE`), undefined for the default (Normal, ISH, iWB, oWB). */
function herdAttrs(attrs: readonly string[]): string | undefined {
  const device = attrs.find((a) => a.startsWith('Device-'));
  if (device !== undefined) return device;
  let sh = 'ISH';
  let i = 'WB';
  let o = 'WB';
  for (const a of attrs) {
    if (/^(NSH|Non-shareable)$/.test(a)) sh = 'NSH';
    else if (/^(OSH|Outer-shareable)$/.test(a)) sh = 'OSH';
    else if (/^(ISH|Inner-shareable)$/.test(a)) sh = 'ISH';
    const ic = /^(?:i(WB|WT|NC)|Inner-(write-back|write-through|non-cacheable))$/.exec(a);
    if (ic) i = ic[1] ?? { 'write-back': 'WB', 'write-through': 'WT', 'non-cacheable': 'NC' }[ic[2]]!;
    const oc = /^(?:o(WB|WT|NC)|Outer-(write-back|write-through|non-cacheable))$/.exec(a);
    if (oc) o = oc[1] ?? { 'write-back': 'WB', 'write-through': 'WT', 'non-cacheable': 'NC' }[oc[2]]!;
  }
  return sh === 'ISH' && i === 'WB' && o === 'WB' ? undefined : `Normal,${sh},i${i},o${o}`;
}

/** One state line as herd7 prints it: `0:X0=1; [x]=2;`, then the observed faults (`Fault(P0:L0,x,MMU:Translation);`, ` ~Fault(…);`). */
export function stateLine(state: LitmusState, layout: Layout): string {
  const values = state.values.map((v) => `${v.key}=${valueText(v.value, v.type, layout)};`).join(' ');
  if (state.faults.length === 0) return values;
  const taken = state.faults.filter((f) => f.taken !== undefined);
  const missing = state.faults.filter((f) => f.taken === undefined);
  const present = taken.map((f) => `${faultText({ ...f.atom, label: f.taken?.label ?? f.atom.label, type: f.taken?.type ?? f.atom.type }, 'Fault')};`).join(' ');
  return `${values} ${present}${missing.map((f) => ` ~${faultText(f.atom, 'Fault')};`).join('')}`;
}
