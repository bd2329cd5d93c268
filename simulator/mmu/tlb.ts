/**
 * Translation lookaside buffers (Arm ARM D8.13 "Translation Lookaside Buffers").
 *
 * Per PE, two kinds of entries:
 * - combined entries: VA → PA for a regime (stage 1, plus stage 2 for EL1&0 when enabled),
 *   tagged by regime, security state, VMID and ASID (or global, nG=0);
 * - stage-2 entries: IPA → PA, tagged by security state, IPA space and VMID (used for the
 *   final IPA and for the stage-1 table walk accesses).
 * Entries keep their real block size so TLBI by address removes the whole block. Nothing
 * is ever refreshed from memory: a descriptor changed without TLB maintenance stays
 * invisible until the entry is invalidated (the staleness the architecture allows).
 *
 * In front of it, a direct-mapped micro-TLB of 4 KB windows serves the hot path;
 * it is flushed whenever the system registers, the EL or PSTATE.PAN change, or on TLBI.
 */
import type { MemAttrs } from '../memory/attributes';
import { Regime } from './regime';

/** Stage-1 permission bits of an entry (after hierarchical controls, WXN and implicit PXN). */
export const P1 = {
  R0: 1,
  W0: 2,
  X0: 4,
  R1: 8,
  W1: 16,
  X1: 32,
  /** AP[1]=1: EL0 has data access (the condition PSTATE.PAN acts on). */
  EL0DATA: 64,
} as const;
/** Stage-2 permission bits: S2AP read/write and execute at EL0/EL1 (XN[1:0], FEAT_XNX). */
export const P2 = { R: 1, W: 2, X0: 4, X1: 8, ALL: 15 } as const;

/** A TLB context: what an entry is tagged with. */
export interface TlbContext {
  readonly id: number;
  /** 'combined' = VA→PA of a regime; 's2' = IPA→PA. */
  readonly kind: 'combined' | 's2';
  readonly regime: Regime;
  readonly secure: boolean;
  readonly vmid: number;
  /** ASID; -1 for global entries (and stage 2 / single-privilege regimes); -2 for stage-1-off entries under stage 2. */
  readonly asid: number;
  /** Stage 2 only: the Secure IPA space (VSTTBR_EL2) rather than the Non-secure one. */
  readonly secureIpa: boolean;
}

export interface TlbEntry {
  readonly ctx: TlbContext;
  /** Input address (VA, or IPA for stage-2 entries) of the first byte covered. */
  readonly base: number;
  readonly size: number;
  /** Output address of `base`. */
  readonly outBase: number;
  /** IPA of `base` (combined entries through stage 2; equals outBase for stage-1 only). */
  readonly ipaBase: number;
  /** Attributes for data accesses and for instruction fetches (they differ by SCTLR.C/I, HCR_EL2.CD/ID). */
  readonly dataAttrs: MemAttrs;
  readonly fetchAttrs: MemAttrs;
  /** Stage-1 attributes before stage 2 combined (AT S1E*), same data/fetch split. */
  readonly s1Attrs: MemAttrs;
  readonly s1perm: number;
  readonly s2perm: number;
  /** Lookup level of the final descriptor at stage 1 (-1 with stage 1 off) and stage 2 (-1 without stage 2). */
  readonly level: number;
  readonly s2level: number;
  /** Output is in the Non-secure PA space (stage 1 NS / NSTable, or stage-2 SA/NSA). */
  readonly ns: boolean;
  readonly global: boolean;
  /** Stage-2 entries: the raw MemAttr[3:0] and SH for FWB combining. */
  readonly s2MemAttr: number;
  readonly s2Sh: number;
  readonly s2Attrs: MemAttrs | undefined;
}

/** Contexts are interned per machine so entries compare tags by identity. */
export class TlbContexts {
  private byKey = new Map<string, TlbContext>();
  readonly all: TlbContext[] = [];

  get(kind: 'combined' | 's2', regime: Regime, secure: boolean, vmid: number, asid: number, secureIpa = false): TlbContext {
    const key = `${kind}|${regime}|${secure ? 1 : 0}|${vmid}|${asid}|${secureIpa ? 1 : 0}`;
    let c = this.byKey.get(key);
    if (!c) {
      c = { id: this.all.length, kind, regime, secure, vmid, asid, secureIpa };
      this.byKey.set(key, c);
      this.all.push(c);
    }
    return c;
  }
}

const PAGE = 4096;
/** Bound on entries per PE; beyond it the TLB is emptied (deterministic, and far beyond what scenarios use). */
const CAPACITY = 16384;

export class Tlb {
  /** context id → (base / 4096) → entry */
  private maps = new Map<number, Map<number, TlbEntry>>();
  private count = 0;

  lookup(ctx: TlbContext, addr: number, sizes: readonly number[]): TlbEntry | undefined {
    const m = this.maps.get(ctx.id);
    if (m === undefined) return undefined;
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[i];
      const base = Math.floor(addr / size) * size;
      const e = m.get(base / PAGE);
      if (e !== undefined && e.size === size) return e;
    }
    return undefined;
  }

  insert(e: TlbEntry): void {
    if (this.count >= CAPACITY) this.clear();
    let m = this.maps.get(e.ctx.id);
    if (m === undefined) {
      m = new Map();
      this.maps.set(e.ctx.id, m);
    }
    const key = e.base / PAGE;
    if (!m.has(key)) this.count++;
    m.set(key, e);
  }

  /** Remove every entry for which `pred` holds; returns how many. */
  invalidate(ctxPred: (c: TlbContext) => boolean, entryPred?: (e: TlbEntry) => boolean): number {
    let n = 0;
    for (const [, m] of this.maps) {
      for (const [k, e] of m) {
        if (!ctxPred(e.ctx)) break; // all entries of a map share the context
        if (entryPred === undefined || entryPred(e)) {
          m.delete(k);
          n++;
        }
      }
    }
    this.count -= n;
    return n;
  }

  clear(): void {
    this.maps.clear();
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  /** All entries (views, tests), in insertion order per context. */
  entries(): TlbEntry[] {
    const out: TlbEntry[] = [];
    for (const m of this.maps.values()) for (const e of m.values()) out.push(e);
    return out;
  }

  /** Entries are immutable: a snapshot copies the maps only. */
  snapshot(): Map<number, Map<number, TlbEntry>> {
    const s = new Map<number, Map<number, TlbEntry>>();
    for (const [k, m] of this.maps) s.set(k, new Map(m));
    return s;
  }

  restore(s: Map<number, Map<number, TlbEntry>>): void {
    this.maps = new Map();
    this.count = 0;
    for (const [k, m] of s) {
      this.maps.set(k, new Map(m));
      this.count += m.size;
    }
  }
}

/** Direct-mapped micro-TLB over 4 KB windows (hot path; see file comment). */
export class MicroTlb {
  static readonly SIZE = 256;
  readonly vpn = new Float64Array(MicroTlb.SIZE).fill(NaN);
  readonly pa = new Float64Array(MicroTlb.SIZE);
  /** Bit (1 << AccessType) set when that access type is permitted. */
  readonly perm = new Uint8Array(MicroTlb.SIZE);
  readonly dataAttrs: MemAttrs[] = new Array(MicroTlb.SIZE);
  readonly fetchAttrs: MemAttrs[] = new Array(MicroTlb.SIZE);
  /** Key the contents are valid for. */
  gen = -1;
  el = -1;
  pan = -1;

  flush(): void {
    this.vpn.fill(NaN);
    this.gen = -1;
  }
}
