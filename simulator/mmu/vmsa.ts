/**
 * VMSAv8-64: the `Mmu` the machine gives every PE (Arm ARM D8 "The AArch64
 * Virtual Memory System Architecture").
 *
 * translate(): micro-TLB hit (hot path, no allocation) → main TLB → walk
 * (stage 1, stage 2, stage-1 table accesses through stage 2) → permission,
 * alignment → out-fields `pe.tPa`/`pe.tAttrs`, or a SyncException with the exact ESR.
 *
 * One `MmuDomain` per machine (mmu/domain.ts) holds every PE's TLBs. The MMU
 * publishes its hook points (`hooks`: walk steps, TLB uses, TLBI) and offers a
 * side-effect-free `probe` walk for views.
 */
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import { combineFwb, combineS1S2, makeNonCacheable } from './attributes';
import { POW2 } from './descriptor';
import { MmuFault, toSyncException } from './faults';
import type { RegimeConfig, TableTree } from './regime';
import { deriveConfig, levelShift, Regime, REGIME_NAMES } from './regime';
import { MmuDomain, type Derived, type PeMmuState, type TableWalker } from './domain';
import { allowedMask, panBits, permissionFault, PSTATE_PAN, stage1Check, type AccessCheck } from './permissions';
import { walkStage1 } from './stage1';
import type { Stage1Result, TableAccess } from './stage1';
import { walkStage2 } from './stage2';
import type { TlbContext } from './tlb';
import { MicroTlb, P1, P2, TlbEntry } from './tlb';
import { AccessType } from './types';
import { mmuHooks, type Mmu, type MmuHooks, type MmuObserver } from './types';
import { performTlbi } from './tlbi';
import { performAt } from './at';

const PAGE = 4096;
/** MicroTlb.SHIFT as a module constant (folded into the hot path). */
const MICRO_SHIFT = MicroTlb.SHIFT;

function leafSizes(tree: TableTree | undefined): number[] {
  if (tree === undefined) return [];
  const g = tree.granuleBits;
  const out = [2 ** g];
  for (let level = 2; level >= 1; level--) {
    if (g === 12 || level === 2) out.push(2 ** levelShift(g, level));
  }
  return out;
}

function union(...lists: number[][]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

export class VmsaMmu implements Mmu, TableWalker {
  readonly hooks: MmuHooks = mmuHooks();
  /** The walk-step hook's subscribers in the walkers' terms. */
  private readonly hookObserver: MmuObserver = { onWalkRead: (pe, r) => this.hooks.walkStep.emit(pe, r) };
  /** A view's listener while it probes (`probe`): walks report to it instead of the hooks. */
  private probing: MmuObserver | undefined = undefined;
  /** Scratch for the access being translated (no allocation per slow-path translation). */
  private readonly check: AccessCheck = { access: AccessType.Read, pan: 0, unaligned: false, size: 1 };
  private readonly tableAccess = new StageOneTableAccess(this);

  constructor(readonly domain: MmuDomain = new MmuDomain()) {}

  /** What walks report to: a probe's listener, else the walk-step hook while someone subscribes, else nothing (no record is built). */
  private get observer(): MmuObserver | undefined {
    if (this.probing !== undefined) return this.probing;
    return this.hooks.walkStep.active ? this.hookObserver : undefined;
  }

  /**
   * Run `fn` (a view's walk: `resolve` without the TLB) with every walk step
   * reported to `observer` only and descriptors read from `observer.memory`
   * when given: the hooks' subscribers (checkers) never see a view's walk.
   */
  probe<T>(observer: MmuObserver, fn: () => T): T {
    const prev = this.probing;
    this.probing = observer;
    try {
      return fn();
    } finally {
      this.probing = prev;
    }
  }

  // ---- hot path -----------------------------------------------------------

  /**
   * Kept small (a micro-TLB hit and nothing else; everything else is `translateMiss`) so that V8
   * inlines it into the load/store closures and the block engine's compiled blocks within its
   * inlining budget.
   */
  translate(pe: Pe, va: number, size: number, access: AccessType): void {
    const st = this.domain.states[pe.id];
    if (st !== undefined) {
      const micro = st.micro;
      if (micro.gen === pe.sysregGen && micro.el === pe.el && micro.pan === (pe.pstateOther & PSTATE_PAN)) {
        const vpn = Math.floor(va / PAGE);
        // MicroTlb.index, inline.
        const i = Math.imul(vpn, 0x9e37_79b1) >>> MICRO_SHIFT;
        if (micro.vpn[i] === vpn && ((micro.perm[i] >> access) & 1) !== 0 && (va & (size - 1)) === 0) {
          pe.tPa = micro.pa[i] + (va - vpn * PAGE);
          pe.tAttrs = access === AccessType.Fetch ? micro.fetchAttrs[i] : micro.dataAttrs[i];
          return;
        }
      }
    }
    this.translateMiss(pe, va, size, access);
  }

  /** `Mmu.repeats`: the micro-TLB, keyed for the PE's system registers, EL and PSTATE.PAN, holds the page with `access` permitted. */
  repeats(pe: Pe, va: number, access: AccessType): boolean {
    const st = this.domain.states[pe.id];
    if (st === undefined) return false;
    const micro = st.micro;
    if (micro.gen !== pe.sysregGen || micro.el !== pe.el || micro.pan !== (pe.pstateOther & PSTATE_PAN)) return false;
    const vpn = Math.floor(va / PAGE);
    const i = MicroTlb.index(vpn);
    return micro.vpn[i] === vpn && ((micro.perm[i] >> access) & 1) !== 0;
  }

  /** A micro-TLB miss: re-key the micro-TLB when the system registers, EL or PSTATE.PAN changed, then the TLB or a walk. */
  private translateMiss(pe: Pe, va: number, size: number, access: AccessType): void {
    const st = this.domain.states[pe.id] ?? this.domain.stateFor(pe);
    const micro = st.micro;
    const pan = pe.pstateOther & PSTATE_PAN;
    if (micro.gen !== pe.sysregGen || micro.el !== pe.el || micro.pan !== pan) {
      micro.flush();
      micro.gen = pe.sysregGen;
      micro.el = pe.el;
      micro.pan = pan;
    }
    this.translateSlow(pe, st, va, size, access);
  }

  // ---- slow path ----------------------------------------------------------

  /** Derived configuration for accesses at `pe.el`, cached on sysregGen. */
  derived(pe: Pe, st: PeMmuState): Derived {
    if (st.derived !== undefined && st.derivedGen === pe.sysregGen && st.derivedEl === pe.el) return st.derived;
    const d = this.derive(deriveConfig(pe, pe.el));
    st.derived = d;
    st.derivedGen = pe.sysregGen;
    st.derivedEl = pe.el;
    return d;
  }

  derive(cfg: RegimeConfig): Derived {
    const ctxs = this.domain.contexts;
    const asid = cfg.twoPrivilege ? cfg.ttbr0.asid : -1;
    const s2 = cfg.stage2;
    const s2Ns = s2 ? leafSizes(s2.ns) : [];
    const s2Sec = s2 ? leafSizes(s2.secure) : [];
    return {
      cfg,
      ctxAsid: ctxs.get('combined', cfg.regime, cfg.secure, cfg.vmid, asid),
      ctxGlobal: ctxs.get('combined', cfg.regime, cfg.secure, cfg.vmid, -1),
      ctxFlat: ctxs.get('combined', cfg.regime, cfg.secure, cfg.vmid, -2),
      s2Ns: s2 ? ctxs.get('s2', Regime.EL10, cfg.secure, s2.vmid, -1, false) : undefined,
      s2Sec: s2 && cfg.secure ? ctxs.get('s2', Regime.EL10, cfg.secure, s2.vmid, -1, true) : undefined,
      sizes0: union(leafSizes(cfg.ttbr0), s2Ns, s2Sec),
      sizes1: union(leafSizes(cfg.ttbr1), s2Ns, s2Sec),
      s2SizesNs: s2Ns,
      s2SizesSec: s2Sec,
    };
  }

  private translateSlow(pe: Pe, st: PeMmuState, va: number, size: number, access: AccessType): void {
    const d = this.derived(pe, st);
    const cfg = d.cfg;
    const unaligned = size > 1 && (va & (size - 1)) !== 0;
    // Output PA once the walk succeeded: faults raised after it (alignment, permission) report it (issue #3 JSON `pa`).
    let outPa: number | undefined;
    try {
      // SCTLR_ELx.A: alignment fault before translation (Arm ARM B2.5.2 "Alignment of data accesses").
      if (unaligned && cfg.alignCheck && access !== AccessType.Fetch && access !== AccessType.Maintenance) {
        throw new MmuFault('alignment', 1, -1, false, undefined, `alignment fault: ${size}-byte access to ${hex(va)} with SCTLR_EL${cfg.s1TargetEl === 3 ? 3 : cfg.regime === Regime.EL10 ? 1 : 2}.A=1`);
      }
      const pan = cfg.privileged && cfg.twoPrivilege && (pe.pstateOther & PSTATE_PAN) !== 0 ? panBits(cfg) : 0;
      const check = this.check;
      check.access = access;
      check.pan = pan;
      check.unaligned = unaligned;
      check.size = size;
      const e = this.resolve(pe, st, d, va, true, true, check);
      outPa = e.outBase + (va - e.base);
      const attrs = access === AccessType.Fetch ? e.fetchAttrs : e.dataAttrs;
      // Unaligned accesses to Device memory always fault (Arm ARM B2.5.2), with priority over
      // permission faults (pseudocode AArch64.S1Translate: S1HasAlignmentFault before S1HasPermissionsFault).
      // When only stage 2 makes the location Device, it is a stage-2 fault (AArch64.S2HasAlignmentFault), taken to EL2.
      if (unaligned && attrs.kind === 'device' && access !== AccessType.Fetch) {
        if (e.s2level >= 0 && e.s1Attrs.kind !== 'device') {
          const ipa = e.ipaBase + (va - e.base);
          throw new MmuFault('alignment', 2, -1, false, ipa, `alignment fault: unaligned ${size}-byte access to IPA ${hex(ipa)}, Device memory at stage 2`);
        }
        throw new MmuFault('alignment', 1, -1, false, undefined, `alignment fault: unaligned ${size}-byte access to Device memory at ${hex(va)}`);
      }
      const mask = allowedMask(e, cfg.privileged, pan, cfg.el);
      if (((mask >> access) & 1) === 0) throw permissionFault(e, cfg, va, access, pan);
      const pa = e.outBase + (va - e.base);
      // An access crossing into the next page must be able to translate that page too.
      if (unaligned && Math.floor((va + size - 1) / PAGE) !== Math.floor(va / PAGE)) {
        outPa = undefined;
        const e2 = this.resolve(pe, st, d, va + size - 1, true, true, check);
        outPa = e2.outBase + (va + size - 1 - e2.base);
        if (((allowedMask(e2, cfg.privileged, pan, cfg.el) >> access) & 1) === 0) throw permissionFault(e2, cfg, va + size - 1, access, pan);
      }
      const micro = st.micro;
      if (micro.gen === pe.sysregGen) {
        const vpn = Math.floor(va / PAGE);
        micro.fill(MicroTlb.index(vpn), vpn, e.outBase + (vpn * PAGE - e.base), mask, e.dataAttrs, e.fetchAttrs);
      }
      pe.tPa = pa;
      pe.tAttrs = attrs;
    } catch (f) {
      if (f instanceof MmuFault) {
        if (f.pa === undefined) f.pa = outPa;
        throw toSyncException(f, pe.el, cfg.s1TargetEl, va, access);
      }
      throw f;
    }
  }

  /**
   * Find the TLB entry translating `va` (from the TLB or by walking). Throws MmuFault.
   * `finalStage2=false` stops at the IPA (AT S1E0x/S1E1x with stage 2 enabled).
   */
  resolve(pe: Pe, st: PeMmuState, d: Derived, va: number, useTlb: boolean, finalStage2 = true, check?: AccessCheck): TlbEntry {
    const cfg = d.cfg;
    const s2 = finalStage2 ? cfg.stage2 : undefined;
    if (!cfg.s1Enabled) {
      // Stage 1 off: VA = IPA/PA, checked against the PA size (Arm ARM D8.2.11).
      if (va < 0 || va >= POW2[cfg.paBits]) {
        throw new MmuFault('address-size', 1, 0, false, undefined, `address size fault at level 0: VA ${hex(va)} exceeds the ${cfg.paBits}-bit PA size with stage 1 disabled`);
      }
      if (s2 === undefined) return this.flatEntry(d, va);
      if (check !== undefined) stage1Check(cfg, check, cfg.offData, P1.R0 | P1.W0 | P1.X0 | P1.R1 | P1.W1 | P1.X1, -1, va);
      if (useTlb) {
        const hit = st.tlb.lookup(d.ctxFlat, va, cfg.secure ? d.s2SizesSec : d.s2SizesNs);
        if (hit !== undefined) return this.used(pe, hit, va);
      }
      const s2e = this.stage2Entry(pe, st, d, va, cfg.secure, false, va, useTlb);
      const e = this.combine(d, d.ctxFlat, va, va, Infinity, -1, cfg.offData, cfg.offData, cfg.offFetch, P1.R0 | P1.W0 | P1.X0 | P1.R1 | P1.W1 | P1.X1, true, s2e);
      if (useTlb) this.insert(pe, st, e, s2e);
      return e;
    }
    let tree: TableTree;
    let sizes: number[];
    if (va >= 0) {
      tree = cfg.ttbr0;
      sizes = d.sizes0;
      if (va >= POW2[tree.inputBits]) {
        throw new MmuFault('translation', 1, 0, false, undefined, `stage 1 translation fault at level 0: VA ${hex(va)} is outside the TTBR0 range (${tree.inputBits} bits, TCR T0SZ)`);
      }
    } else {
      if (cfg.ttbr1 === undefined || va < -POW2[cfg.ttbr1.inputBits]) {
        throw new MmuFault('translation', 1, 0, false, undefined, `stage 1 translation fault at level 0: VA ${hex(va)} is outside the ${cfg.ttbr1 ? `TTBR1 range (${cfg.ttbr1.inputBits} bits, TCR T1SZ)` : `${REGIME_NAMES[cfg.regime]} regime's single VA range`}`);
      }
      tree = cfg.ttbr1;
      sizes = d.sizes1;
    }
    if (tree.disabled) {
      throw new MmuFault('translation', 1, 0, false, undefined, `stage 1 translation fault at level 0: walks of ${tree.name} are disabled (TCR EPD${tree.name === 'TTBR1' ? 1 : 0}=1)`);
    }
    if (useTlb) {
      let hit = st.tlb.lookup(d.ctxAsid, va, sizes);
      if (hit === undefined && d.ctxGlobal !== d.ctxAsid) hit = st.tlb.lookup(d.ctxGlobal, va, sizes);
      if (hit !== undefined) return this.used(pe, hit, va);
    }
    if (tree.baseOutOfRange) {
      throw new MmuFault('address-size', 1, 0, false, undefined, `stage 1 address size fault at level 0: ${tree.name} base ${hex(tree.base)} exceeds the ${cfg.oaBits}-bit output size`);
    }
    let s1: Stage1Result;
    if (cfg.stage2 === undefined) {
      s1 = walkStage1(pe, cfg, tree, va, undefined, this.observer);
    } else {
      // One reusable table-access object per MMU (no closure per walk); a nested walk (an observer
      // translating from inside a walk) gets its own.
      const ta = this.tableAccess.busy ? new StageOneTableAccess(this) : this.tableAccess;
      ta.begin(pe, st, d, va, useTlb);
      try {
        s1 = walkStage1(pe, cfg, tree, va, ta, this.observer);
      } finally {
        ta.busy = false;
      }
    }
    // Stage-1 alignment and permission faults take priority over stage 2 of the output address
    // (pseudocode AArch64.FullTranslate: S1Translate, with its checks, before S2Translate).
    if (s2 !== undefined && check !== undefined) stage1Check(cfg, check, s1.attrs, s1.perm, s1.level, va);
    const ctx = s1.global ? d.ctxGlobal : d.ctxAsid;
    const s1Data = cfg.dataCacheable ? s1.attrs : makeNonCacheable(s1.attrs);
    const s1Fetch = cfg.instCacheable ? s1.attrs : makeNonCacheable(s1.attrs);
    let e: TlbEntry;
    let s2e: TlbEntry | undefined;
    if (s2 === undefined) {
      e = new TlbEntry(ctx, s1.base, s1.size, s1.outBase, s1.outBase, s1Data, s1Fetch, s1.attrs, s1.perm, P2.ALL, s1.level, -1, s1.ns, s1.global, 0, 0, undefined);
    } else {
      const ipa = s1.outBase + (va - s1.base);
      s2e = this.stage2Entry(pe, st, d, ipa, cfg.secure && !s1.ns, false, va, useTlb);
      e = this.combine(d, ctx, va, ipa, s1.size, s1.level, s1.attrs, s1Data, s1Fetch, s1.perm, s1.global, s2e);
    }
    if (useTlb) this.insert(pe, st, e, s2e);
    return e;
  }

  /**
   * Cache an entry in the PE's TLB and publish it with the stage-2 entry a combined entry was built
   * from (checkers follow which descriptors each entry holds).
   */
  private insert(pe: Pe, st: PeMmuState, e: TlbEntry, s2e: TlbEntry | undefined = undefined): void {
    st.tlb.insert(e);
    const hook = this.hooks.tlbFill;
    if (hook.active && this.probing === undefined) hook.emit(pe, e, s2e);
  }

  private used(pe: Pe, e: TlbEntry, va: number): TlbEntry {
    const hook = this.hooks.tlbUse;
    if (hook.active && this.probing === undefined) hook.emit(pe, { va, pa: e.outBase + (va - e.base), attrs: e.dataAttrs, level: e.level, s2level: e.s2level });
    return e;
  }

  /** Stage 1 and stage 2 both off: VA = PA in a 4 KB window (never cached in the main TLB). */
  private flatEntry(d: Derived, va: number): TlbEntry {
    const base = Math.floor(va / PAGE) * PAGE;
    const cfg = d.cfg;
    return new TlbEntry(d.ctxGlobal, base, PAGE, base, base, cfg.offData, cfg.offFetch, cfg.offData, P1.R0 | P1.W0 | P1.X0 | P1.R1 | P1.W1 | P1.X1, P2.ALL, -1, -1, !cfg.secure, true, 0, 0, undefined);
  }

  /**
   * Build a combined entry from a stage-1 result (`s1Size` = Infinity with stage 1 off)
   * and a stage-2 entry: the entry covers the smaller of the two blocks.
   */
  private combine(
    d: Derived,
    ctx: TlbContext,
    va: number,
    ipa: number,
    s1Size: number,
    level: number,
    s1Attrs: MemAttrs,
    s1Data: MemAttrs,
    s1Fetch: MemAttrs,
    s1perm: number,
    global: boolean,
    s2e: TlbEntry,
  ): TlbEntry {
    const s2 = d.cfg.stage2!;
    const size = Math.min(s1Size, s2e.size);
    const off = ipa % size;
    const ipaBase = ipa - off;
    let data = s2.fwb ? combineFwb(s1Data, s2e.s2MemAttr, s2e.s2Sh) : combineS1S2(s1Data, s2e.s2Attrs!);
    let fetch = s1Fetch === s1Data ? data : s2.fwb ? combineFwb(s1Fetch, s2e.s2MemAttr, s2e.s2Sh) : combineS1S2(s1Fetch, s2e.s2Attrs!);
    if (s2.cd) data = makeNonCacheable(data);
    if (s2.id) fetch = makeNonCacheable(fetch);
    return new TlbEntry(ctx, va - off, size, s2e.outBase + (ipaBase - s2e.base), ipaBase, data, fetch, s1Attrs, s1perm, s2e.s2perm, level, s2e.s2level, s2e.ns, global, s2e.s2MemAttr, s2e.s2Sh, s2e.s2Attrs);
  }

  /** Stage-2 entry for `ipa` (TLB or walk). */
  stage2Entry(pe: Pe, st: PeMmuState, d: Derived, ipa: number, secureIpa: boolean, s1ptw: boolean, va: number, useTlb: boolean): TlbEntry {
    const s2 = d.cfg.stage2!;
    const ctx = secureIpa ? d.s2Sec! : d.s2Ns!;
    if (useTlb) {
      const hit = st.tlb.lookup(ctx, ipa, secureIpa ? d.s2SizesSec : d.s2SizesNs);
      if (hit !== undefined) return hit;
    }
    const tree = secureIpa ? s2.secure! : s2.ns;
    const r = walkStage2(pe, s2, tree, ipa, s1ptw, va, this.observer);
    const e = new TlbEntry(ctx, r.base, r.size, r.outBase, r.base, r.attrs, r.attrs, r.attrs, P1.R0 | P1.W0 | P1.X0 | P1.R1 | P1.W1 | P1.X1, r.perm, -1, r.level, r.ns, true, r.memAttr, r.sh, r.attrs);
    if (useTlb) this.insert(pe, st, e);
    return e;
  }

  // ---- maintenance, AT, lifecycle ------------------------------------------

  invalidateConfig(pe: Pe): void {
    const st = this.domain.stateFor(pe);
    st.derivedGen = -1;
    st.micro.flush();
  }

  tlbi(pe: Pe, op: string, operand: bigint | undefined): void {
    if (this.hooks.tlbi.active) this.hooks.tlbi.emit(pe, op, operand);
    performTlbi(this.domain, pe, op, operand);
  }

  forgetTranslations(pe: Pe): void {
    const st = this.domain.stateFor(pe);
    st.tlb.clear();
    st.micro.flush();
  }

  addressTranslate(pe: Pe, op: string, va: number): bigint {
    return performAt(this, pe, op, va);
  }

  /** TLB contents of a PE (views, tests). */
  tlbEntries(pe: Pe): TlbEntry[] {
    return this.domain.stateFor(pe).tlb.entries();
  }

}

/**
 * Stage-1 table accesses of an EL1&0 walk under stage 2: translate the table IPA at
 * stage 2 (faults report S1PTW=1), check stage-2 read permission and HCR_EL2.PTW, and
 * read with the walk attributes combined with the stage-2 attributes (Arm ARM D8.2.6).
 * `begin` sets the walk it serves.
 */
class StageOneTableAccess implements TableAccess {
  attrs: MemAttrs | undefined = undefined;
  busy = false;
  private pe!: Pe;
  private st!: PeMmuState;
  private d!: Derived;
  private va = 0;
  private useTlb = true;

  constructor(private readonly mmu: VmsaMmu) {}

  begin(pe: Pe, st: PeMmuState, d: Derived, va: number, useTlb: boolean): void {
    this.busy = true;
    this.pe = pe;
    this.st = st;
    this.d = d;
    this.va = va;
    this.useTlb = useTlb;
    this.attrs = undefined;
  }

  translate(ipa: number, level: number, walk: MemAttrs, ns: boolean): number {
    const d = this.d;
    const s2 = d.cfg.stage2!;
    // In Secure state the tables are in the Secure IPA space until an NSTable bit switches the walk.
    const e = this.mmu.stage2Entry(this.pe, this.st, d, ipa, d.cfg.secure && !ns, true, this.va, this.useTlb);
    if ((e.s2perm & P2.R) === 0) {
      throw new MmuFault('permission', 2, e.s2level, true, ipa, `stage 2 permission fault at level ${e.s2level} on the stage 1 level ${level} table access to IPA ${hex(ipa)}: no read permission (S2AP)`);
    }
    if (s2.ptw && e.s2Attrs !== undefined && e.s2Attrs.kind === 'device') {
      throw new MmuFault('permission', 2, e.s2level, true, ipa, `stage 2 permission fault at level ${e.s2level}: stage 1 table at IPA ${hex(ipa)} is Device memory at stage 2 with HCR_EL2.PTW=1`);
    }
    let a = s2.fwb ? combineFwb(walk, e.s2MemAttr, e.s2Sh) : combineS1S2(walk, e.s2Attrs!);
    if (s2.cd) a = makeNonCacheable(a);
    this.attrs = a;
    return e.outBase + (ipa - e.base);
  }
}
