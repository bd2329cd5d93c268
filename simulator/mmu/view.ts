/**
 * Translation views for front ends (debugger scopes, hovers, CLI): walk a VA
 * the way the MMU would — without touching any state — and show each
 * descriptor decoded (simulator/arch/decoders/descriptor.ts), the result or the
 * fault, and what the PE's TLB holds for the same VA (a stale entry shows up as
 * `tlb.stale`). Also the TLB contents of a PE.
 *
 * Side-effect free: descriptors are read "as PE n would see them" from the
 * memory system when it offers a non-allocating read (`readAsSeenBy`), else from
 * physical memory; hardware Access-flag updates are not written; the TLB is not
 * filled.
 */
import { decodeDescriptor, type DecodedDescriptor, type Stage1Regime } from '../arch/decoders/descriptor';
import type { MemAttrs } from '../memory/attributes';
import type { MemorySystem } from '../memory/system';
import { readPhysical } from '../memory/system';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import { MmuFault } from './faults';
import { deriveConfig, Regime, REGIME_NAMES } from './regime';
import { translationTables, type TableFocus, type TranslationTable } from './tableTree';
import { P1, P2, type TlbEntry } from './tlb';
import { AccessType, type MmuObserver, type WalkRead } from './types';
import type { VmsaMmu } from './vmsa';

export interface WalkStep {
  stage: 1 | 2;
  level: number;
  /** Physical address of the descriptor and its value. */
  descriptorPa: number;
  value: bigint;
  /** Attributes the walk reads it with (`Normal-WB ISH`). */
  attrs: string;
  /** IPA being translated (stage-2 steps). */
  ipa?: number;
  decoded: DecodedDescriptor;
}

export interface TranslationView {
  va: number;
  el: number;
  regime: string;
  secure: boolean;
  steps: WalkStep[];
  /** Result of the walk. */
  pa?: number;
  ipa?: number;
  attrs?: string;
  /** The data-access attributes themselves (`attrs` is their label). */
  dataAttrs?: MemAttrs;
  fault?: { kind: string; stage: 1 | 2; level: number; reason: string };
  /** What the PE's TLB currently holds for this VA; `stale` when it differs from what memory says now. */
  tlb?: { pa: number; attrs: string; stale: boolean };
}

interface SeeingMemory {
  readAsSeenBy?(pe: number, pa: number, size: number, attrs?: MemAttrs): bigint;
  physical: MemorySystem['physical'];
}

/** A read-only stand-in for the memory system during a view walk. */
function peekMemory(real: MemorySystem): Pick<MemorySystem, 'read' | 'write'> {
  const seeing = real as unknown as SeeingMemory;
  return {
    read(pe, pa, size, attrs) {
      if (pe === undefined) return;
      if (typeof seeing.readAsSeenBy === 'function') {
        const v = seeing.readAsSeenBy(pe.id, pa, size, attrs);
        pe.ldLo = Number(v & 0xffff_ffffn);
        pe.ldHi = Number((v >> 32n) & 0xffff_ffffn);
      } else readPhysical(real.physical, pa, size, pe);
    },
    write() {
      // Views never write (no hardware Access-flag update).
    },
  };
}

const STAGE1_REGIME: Record<Regime, Stage1Regime> = {
  [Regime.EL10]: 'EL10',
  [Regime.EL20]: 'EL20',
  [Regime.EL2]: 'EL2',
  [Regime.EL3]: 'EL3',
};

/** Walk `va` as an access at `el` (default the PE's EL) would, without side effects. */
export function describeTranslation(mmu: VmsaMmu, pe: Pe, va: number, opts: { el?: number; access?: AccessType } = {}): TranslationView {
  const el = opts.el ?? pe.el;
  const cfg = deriveConfig(pe, el);
  const d = mmu.derive(cfg);
  const view: TranslationView = { va, el, regime: REGIME_NAMES[cfg.regime], secure: cfg.secure, steps: [] };
  const saved = { lo: pe.ldLo, hi: pe.ldHi };
  const observer: MmuObserver = {
    // Descriptors as PE n would see them, without changing any state.
    memory: peekMemory(pe.env.memory),
    onWalkRead: (_pe, r: WalkRead) => {
      const value = (BigInt(r.hi >>> 0) << 32n) | BigInt(r.lo >>> 0);
      view.steps.push({
        stage: r.stage,
        level: r.level,
        descriptorPa: r.pa,
        value,
        attrs: r.attrs.label,
        ipa: r.ipa,
        decoded: decodeDescriptor(value, { stage: r.stage, level: r.level, regime: STAGE1_REGIME[cfg.regime], fwb: cfg.stage2?.fwb ?? false }),
      });
    },
  };
  try {
    const st = mmu.domain.stateFor(pe);
    const e = mmu.probe(observer, () => mmu.resolve(pe, st, d, va, false));
    view.pa = e.outBase + (va - e.base);
    view.ipa = e.ipaBase + (va - e.base);
    view.attrs = (opts.access === AccessType.Fetch ? e.fetchAttrs : e.dataAttrs).label;
    view.dataAttrs = e.dataAttrs;
    const cached = cachedEntry(mmu, pe, va, el);
    if (cached !== undefined) {
      const pa = cached.outBase + (va - cached.base);
      view.tlb = { pa, attrs: cached.dataAttrs.label, stale: pa !== view.pa || cached.dataAttrs !== e.dataAttrs };
    }
  } catch (f) {
    if (!(f instanceof MmuFault)) throw f;
    view.fault = { kind: f.kind, stage: f.stage, level: f.level, reason: f.reason };
    const cached = cachedEntry(mmu, pe, va, el);
    if (cached !== undefined) view.tlb = { pa: cached.outBase + (va - cached.base), attrs: cached.dataAttrs.label, stale: true };
  } finally {
    pe.ldLo = saved.lo;
    pe.ldHi = saved.hi;
  }
  return view;
}

/** The TLB entry that would serve `va` at `el` right now, if any. */
function cachedEntry(mmu: VmsaMmu, pe: Pe, va: number, el: number): TlbEntry | undefined {
  const d = mmu.derive(deriveConfig(pe, el));
  const tlb = mmu.domain.stateFor(pe).tlb;
  const sizes = va >= 0 ? d.sizes0 : d.sizes1;
  if (!d.cfg.s1Enabled) return d.cfg.stage2 ? tlb.lookup(d.ctxFlat, va, d.cfg.secure ? d.s2SizesSec : d.s2SizesNs) : undefined;
  return tlb.lookup(d.ctxAsid, va, sizes) ?? tlb.lookup(d.ctxGlobal, va, sizes);
}

export interface TlbRow {
  /** `EL1&0 NS VMID 1 ASID 2` / `stage 2 S VMID 1`. */
  context: string;
  input: string;
  output: string;
  size: number;
  attrs: string;
  /** Stage-1 / stage-2 permissions, e.g. `EL1 RW- EL0 ---` / `S2 RW X0X1`. */
  permissions: string;
  level: number;
  s2level: number;
}

function perm1(p: number): string {
  const t = (r: number, w: number, x: number): string => `${p & r ? 'R' : '-'}${p & w ? 'W' : '-'}${p & x ? 'X' : '-'}`;
  return `EL1 ${t(P1.R1, P1.W1, P1.X1)} EL0 ${t(P1.R0, P1.W0, P1.X0)}`;
}

function perm2(p: number): string {
  return `S2 ${p & P2.R ? 'R' : '-'}${p & P2.W ? 'W' : '-'} ${p & P2.X1 ? 'X1' : '--'}${p & P2.X0 ? 'X0' : '--'}`;
}

/** The PE's TLB as rows for views (debugger "TLB" scope, CLI). */
export function describeTlb(mmu: VmsaMmu, pe: Pe): TlbRow[] {
  return mmu.tlbEntries(pe).map((e) => {
    const c = e.ctx;
    const sec = c.secure ? 'S' : 'NS';
    const context =
      c.kind === 's2'
        ? `stage 2 ${sec} VMID ${c.vmid}${c.secureIpa ? ' (Secure IPA space)' : ''}`
        : `${REGIME_NAMES[c.regime]} ${sec}${c.regime === Regime.EL10 ? ` VMID ${c.vmid}` : ''}${c.asid >= 0 ? ` ASID ${c.asid}` : c.asid === -2 ? ' (stage 1 off)' : ' global'}`;
    const permissions = c.kind === 's2' ? perm2(e.s2perm) : e.s2level >= 0 ? `${perm1(e.s1perm)}; ${perm2(e.s2perm)}` : perm1(e.s1perm);
    return {
      context,
      input: `${hex(e.base)}..${hex(e.base + e.size - 1)}`,
      output: hex(e.outBase),
      size: e.size,
      attrs: e.dataAttrs.label,
      permissions,
      level: e.level,
      s2level: e.s2level,
    };
  });
}

/** What the page-table view needs of a fault (engine `FaultRecord` fits). */
export interface FaultToShow {
  kind?: string;
  /** EL of the faulting access, and the EL the exception was taken to. */
  fromEl: number;
  el: number;
  stage?: 1 | 2;
  level?: number;
  /** Faulting VA (sign-extended or not: 64-bit value). */
  va?: bigint;
  ipa?: bigint;
  step: number;
}

/** The walk the page-table view expands and highlights, and what it says about it. */
export interface WalkFocusView {
  /** `stage-2 translation fault, level 3, at EL1 taken to EL2 (step 8)`. */
  title: string;
  va: number;
  ipa?: number;
  /** EL of the access walked. */
  el: number;
  /** Descriptor PAs the walk reads now, in order, and where it stops with a fault. */
  descriptors: number[];
  faultPa?: number;
  /** The same walk on the current state: `faults at level 3: the descriptor at 0x611_1800 reads 0x0 (invalid)` or `→ PA 0x…`. */
  now: string;
}

export interface PageTableView {
  pe: number;
  el: number;
  tables: TranslationTable[];
  focus?: WalkFocusView;
}

/**
 * The page-table view of PE `pe` (debugger view, any front end): its tables
 * (`translationTables`), and — when a fault is given — the walk of the
 * faulting VA, re-done on the current state without side effects, expanded
 * and highlighted: the entries it reads (an invalid one included: the fault
 * hides nowhere) and, per entry, what memory and each cached copy hold where
 * they differ. The tables of the faulting access's regime are added when the
 * PE has since moved to another EL (a stage-2 fault taken to EL2). With
 * `lazy`, next-level tables are read when expanded, except the walk's.
 */
export function pageTableView(mmu: VmsaMmu, memory: MemorySystem, pe: Pe, fault?: FaultToShow, opts: { lazy?: boolean } = {}): PageTableView {
  const lazy = opts.lazy;
  if (fault?.va === undefined) return { pe: pe.id, el: pe.el, tables: translationTables(memory, pe, pe.el, { lazy }) };
  const va = Number(BigInt.asIntN(64, fault.va));
  const walk = describeTranslation(mmu, pe, va, { el: fault.fromEl });
  const descriptors = walk.steps.map((s) => s.descriptorPa);
  const last = walk.steps[walk.steps.length - 1];
  const faultPa = walk.fault && last ? last.descriptorPa : undefined;
  const focus: TableFocus = { descriptors: new Set(descriptors), faultPa };
  const tables = translationTables(memory, pe, pe.el, { focus, lazy });
  if (fault.fromEl !== pe.el) {
    const shown = new Set(tables.map((t) => t.name));
    for (const t of translationTables(memory, pe, fault.fromEl, { focus, lazy })) if (!shown.has(t.name)) tables.push(t);
  }
  const what = `${fault.stage !== undefined ? `stage-${fault.stage} ` : ''}${fault.kind ?? 'translation'} fault${fault.level !== undefined ? `, level ${fault.level}` : ''}`;
  const where = fault.el !== fault.fromEl ? `at EL${fault.fromEl} taken to EL${fault.el}` : `at EL${fault.fromEl}`;
  let now: string;
  if (walk.fault && last) {
    now = `the walk faults at stage ${walk.fault.stage} level ${walk.fault.level} (${walk.fault.kind}): the descriptor at ${hex(last.descriptorPa)} reads ${hex(last.value)}${last.decoded.type === 'invalid' ? ' (invalid)' : ''}`;
  } else if (walk.fault) now = `the walk faults at stage ${walk.fault.stage} level ${walk.fault.level} (${walk.fault.kind})`;
  else now = `the walk now succeeds: → PA ${hex(walk.pa ?? 0)} ${walk.attrs ?? ''}`.trimEnd();
  return {
    pe: pe.id,
    el: pe.el,
    tables,
    focus: {
      title: `${what}, ${where} (step ${fault.step})`,
      va,
      ipa: fault.ipa !== undefined ? Number(fault.ipa) : walk.ipa,
      el: fault.fromEl,
      descriptors,
      faultPa,
      now,
    },
  };
}
