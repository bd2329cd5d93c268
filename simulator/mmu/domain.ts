/**
 * The machine-wide TLB domain: one `PeMmuState` (main TLB, micro-TLB, derived
 * configuration) per PE. Broadcast TLBI (the IS/OS forms) reaches every PE in
 * it, and checkpoints capture it as one component (component/state.ts
 * `Snapshottable`). Any number of `VmsaMmu` instances may share a domain.
 */
import { Lanes } from '../component/fingerprint';
import type { ShareabilityDomains } from '../memory/shareability';
import type { Pe } from '../pe/pe';
import type { AccessCheck } from './permissions';
import type { RegimeConfig } from './regime';
import type { TlbContext, TlbEntry, TlbSnapshot } from './tlb';
import { MicroTlb, Tlb, TlbContexts } from './tlb';

/** `stateHash`'s running hash, reused (a fingerprint per explored state asks; the TLBs hash with their own). */
const domainLanes = new Lanes();

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
  /** Per PE (undefined: no MMU state yet, an empty TLB). */
  tlbs: (TlbSnapshot | undefined)[];
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

  /** Snapshottable (engine checkpoints): TLB contents of every PE (copy-on-write, tlb.ts). */
  snapshot(): MmuSnapshot {
    return { tlbs: this.states.map((s) => (s ? s.tlb.snapshot() : undefined)) };
  }

  /**
   * Fingerprint of the TLB contents (engine `Snapshottable.stateHash`, 53
   * bits): every entry of every PE, so a PE with no MMU state yet and one with
   * an empty TLB hash alike (a checkpoint restore creates the latter).
   */
  stateHash(): number {
    const h = domainLanes.reset(0x7db0_0000);
    const states = this.states;
    for (let pe = 0; pe < states.length; pe++) {
      const st = states[pe];
      if (st === undefined || st.tlb.size === 0) continue;
      h.word(pe).digest(st.tlb.digest());
    }
    return h.value();
  }

  restore(s: MmuSnapshot): void {
    // PEs whose state was created after the snapshot (e.g. the step-0 checkpoint) had empty TLBs then.
    for (let i = 0; i < Math.max(s.tlbs.length, this.states.length); i++) {
      const t = s.tlbs[i];
      const st = this.states[i] ?? (t !== undefined ? (this.states[i] = new PeMmuState()) : undefined);
      if (st === undefined || (t !== undefined && st.tlb.holds(t))) continue;
      if (t === undefined) st.tlb.clear();
      else st.tlb.restore(t);
      // The micro-TLB caches TLB entries. The derived configuration holds none (contexts are never
      // removed): it follows the PE's system registers (`sysregGen`, bumped when a restore replaces them).
      st.micro.flush();
    }
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
