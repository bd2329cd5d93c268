/**
 * The machine-wide TLB domain: one `PeMmuState` (main TLB, micro-TLB, derived
 * configuration) per PE. Broadcast TLBI (the IS/OS forms) reaches every PE in
 * it, and checkpoints capture it as one component (component/state.ts
 * `Snapshottable`). Any number of `VmsaMmu` instances may share a domain.
 */
import { hashValue, StateHasher } from '../component/state';
import type { ShareabilityDomains } from '../memory/shareability';
import type { Pe } from '../pe/pe';
import type { AccessCheck } from './permissions';
import type { RegimeConfig } from './regime';
import type { TlbContext, TlbEntry } from './tlb';
import { MicroTlb, Tlb, TlbContexts } from './tlb';

/** Derived per-(sysregGen, EL) data: configuration, TLB contexts and lookup sizes. */
export interface Derived {
  cfg: RegimeConfig;
  /** Combined-entry contexts: with the current ASID and global (nG=0). */
  ctxAsid: TlbContext;
  ctxGlobal: TlbContext;
  /** Stage 1 off (with stage 2 on): entries keyed by VA = IPA, kept apart so they never serve stage-1-on lookups. */
  ctxFlat: TlbContext;
  s2Ns: TlbContext | undefined;
  s2Sec: TlbContext | undefined;
  /** Entry sizes a lookup tries (leaf sizes of the granules involved), ascending. */
  sizes0: number[];
  sizes1: number[];
  s2SizesNs: number[];
  s2SizesSec: number[];
}

/** Per-PE MMU state. */
export class PeMmuState {
  readonly tlb = new Tlb();
  readonly micro = new MicroTlb();
  derived: Derived | undefined;
  derivedGen = -1;
  derivedEl = -1;
}

export interface MmuSnapshot {
  tlbs: Map<number, Map<number, TlbEntry>>[];
}

/**
 * The machine's TLBs: broadcast TLBI reaches the PEs of the executing PE's
 * Inner Shareable domain (IS forms) or every PE (OS forms), as `shareability`
 * (the scenario's `inner_domain`) says; without one every PE shares one domain.
 */
export class MmuDomain {
  readonly contexts = new TlbContexts();
  readonly states: PeMmuState[] = [];

  constructor(readonly shareability?: ShareabilityDomains) {}

  stateFor(pe: Pe): PeMmuState {
    let st = this.states[pe.id];
    if (st === undefined) {
      for (let i = this.states.length; i <= pe.id; i++) if (this.states[i] === undefined) this.states[i] = new PeMmuState();
      st = this.states[pe.id];
    }
    return st;
  }

  /** Snapshottable (engine checkpoints): TLB contents of every PE. */
  snapshot(): MmuSnapshot {
    return { tlbs: this.states.map((s) => (s ? s.tlb.snapshot() : new Map<number, Map<number, TlbEntry>>())) };
  }

  /**
   * Fingerprint of the TLB contents (engine `Snapshottable.stateHash`): every
   * entry of every PE, so a PE with no MMU state yet and one with an empty TLB
   * hash alike (a checkpoint restore creates the latter).
   */
  stateHash(): number {
    const h = new StateHasher();
    this.states.forEach((st, pe) => {
      if (st === undefined) return;
      const snap = st.tlb.snapshot();
      for (const [k, m] of snap) if (m.size === 0) snap.delete(k);
      if (snap.size === 0) return;
      h.word(pe);
      hashValue(h, snap);
    });
    return h.value();
  }

  restore(s: MmuSnapshot): void {
    // PEs whose state was created after the snapshot (e.g. the step-0 checkpoint) had empty TLBs then.
    for (let i = s.tlbs.length; i < this.states.length; i++) {
      const st = this.states[i];
      if (st === undefined) continue;
      st.tlb.restore(new Map());
      st.micro.flush();
      st.derivedGen = -1;
    }
    s.tlbs.forEach((t, i) => {
      const st = this.states[i] ?? (this.states[i] = new PeMmuState());
      st.tlb.restore(t);
      st.micro.flush();
      st.derivedGen = -1;
    });
  }
}

/** What address translation instructions and views need from a translation regime walker (`VmsaMmu`). */
export interface TableWalker {
  readonly domain: MmuDomain;
  /** Derived configuration for a regime configuration: TLB contexts and lookup sizes. */
  derive(cfg: RegimeConfig): Derived;
  /** The TLB entry for `va` (a TLB hit or a walk; `finalStage2` false stops at the IPA; `check` raises stage-1 faults first). */
  resolve(pe: Pe, st: PeMmuState, d: Derived, va: number, useTlb: boolean, finalStage2?: boolean, check?: AccessCheck): TlbEntry;
}
