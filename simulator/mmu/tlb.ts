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
 *
 * Checkpoints (DESIGN.md "State that is cheap to fork"): a snapshot shares
 * each context's entry map with the live TLB, which copies a map before its
 * first change afterwards (copy-on-write per context); the fingerprint is a
 * sum of entry digests. Insert and invalidate only log the entries that come
 * and go; `digest()` brings the sum up to date from the log (or from every
 * entry, when the log outgrew MAX_LOGGED), so a run that never asks for a
 * fingerprint hashes no entry.
 */
import { digestString, FingerprintSum, Lanes } from '../component/fingerprint';
import type { MemAttrs } from '../memory/attributes';
import { invalidateDirectPages } from '../memory/direct';
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
  /** Digest of the tag (every field above but `id`): the same context hashes alike in every machine. */
  readonly digest: number;
}

/**
 * A cached translation. A class, not an object literal: V8 gives object literals with the same
 * keys in the same order one hidden class across all the code of a process, so another module
 * building such records (the old tree bench/sideBySide.ts loads beside this one) would make every
 * access to an entry polymorphic; a class's instances have a hidden class of their own.
 */
export class TlbEntry {
  constructor(
    readonly ctx: TlbContext,
    /** Input address (VA, or IPA for stage-2 entries) of the first byte covered. */
    readonly base: number,
    readonly size: number,
    /** Output address of `base`. */
    readonly outBase: number,
    /** IPA of `base` (combined entries through stage 2; equals outBase for stage-1 only). */
    readonly ipaBase: number,
    /** Attributes for data accesses and for instruction fetches (they differ by SCTLR.C/I, HCR_EL2.CD/ID). */
    readonly dataAttrs: MemAttrs,
    readonly fetchAttrs: MemAttrs,
    /** Stage-1 attributes before stage 2 combined (AT S1E*), same data/fetch split. */
    readonly s1Attrs: MemAttrs,
    readonly s1perm: number,
    readonly s2perm: number,
    /** Lookup level of the final descriptor at stage 1 (-1 with stage 1 off) and stage 2 (-1 without stage 2). */
    readonly level: number,
    readonly s2level: number,
    /** Output is in the Non-secure PA space (stage 1 NS / NSTable, or stage-2 SA/NSA). */
    readonly ns: boolean,
    readonly global: boolean,
    /** Stage-2 entries: the raw MemAttr[3:0] and SH for FWB combining. */
    readonly s2MemAttr: number,
    readonly s2Sh: number,
    readonly s2Attrs: MemAttrs | undefined,
  ) {}
}

/** Contexts are interned per machine so entries compare tags by identity. */
export class TlbContexts {
  private byKey = new Map<string, TlbContext>();
  readonly all: TlbContext[] = [];

  get(kind: 'combined' | 's2', regime: Regime, secure: boolean, vmid: number, asid: number, secureIpa = false): TlbContext {
    const key = `${kind}|${regime}|${secure ? 1 : 0}|${vmid}|${asid}|${secureIpa ? 1 : 0}`;
    let c = this.byKey.get(key);
    if (!c) {
      c = { id: this.all.length, kind, regime, secure, vmid, asid, secureIpa, digest: digestString(key) };
      this.byKey.set(key, c);
      this.all.push(c);
    }
    return c;
  }
}

const PAGE = 4096;
/** Bound on entries per PE; beyond it the TLB is emptied (deterministic, and far beyond what scenarios use). */
const CAPACITY = 16384;

/** An immutable capture of a TLB (`Tlb.snapshot`). */
export interface TlbSnapshot {
  readonly maps: ReadonlyMap<number, Map<number, TlbEntry>>;
  readonly sizeMask: readonly number[];
  readonly count: number;
  /** The fingerprint sum at the capture, when it was up to date then (else a restore sums the entries again). */
  readonly sum: { readonly a: number; readonly b: number } | undefined;
}

/** Bound on the entries logged between two fingerprints; beyond it the next fingerprint sums every entry again. */
const MAX_LOGGED = 4096;

const entryLanes = new Lanes();
const entryDigests = new WeakMap<TlbEntry, number>();

/** Digest of an entry: its context's tag and every field (entries are immutable: computed once). */
export function entryDigest(e: TlbEntry): number {
  let d = entryDigests.get(e);
  if (d === undefined) {
    const h = entryLanes.reset(0x71b0_0000).digest(e.ctx.digest).num(e.base).num(e.size).num(e.outBase).num(e.ipaBase);
    h.digest(digestString(e.dataAttrs.label)).digest(digestString(e.fetchAttrs.label)).digest(digestString(e.s1Attrs.label));
    h.word(e.s1perm).word(e.s2perm).word(e.level).word(e.s2level).word((e.ns ? 1 : 0) | (e.global ? 2 : 0)).word(e.s2MemAttr).word(e.s2Sh);
    h.digest(e.s2Attrs === undefined ? 0 : digestString(e.s2Attrs.label));
    d = h.value();
    entryDigests.set(e, d);
  }
  return d;
}

export class Tlb {
  /** context id → (base / 4096) → entry */
  private maps = new Map<number, Map<number, TlbEntry>>();
  /** The same maps indexed by context id (lookups: an array load instead of a Map lookup). */
  private byCtx: (Map<number, TlbEntry> | undefined)[] = [];
  /**
   * Per context id: `sizeBit` of every entry size inserted since the map was last emptied
   * (a superset of the sizes present). Lookups skip sizes no entry can have.
   */
  private sizeMask: number[] = [];
  private count = 0;
  /** Entry maps private to the live TLB (the others are shared with a snapshot: copied before they change). */
  private owned = new Set<Map<number, TlbEntry>>();
  /** Sum of the entries' digests, as of the last `digest()`, plus `added` minus `removed` (unless `sumStale`). */
  private readonly sum = new FingerprintSum();
  /** Entries inserted and removed since `sum` was brought up to date (at most MAX_LOGGED in all). */
  private added: TlbEntry[] = [];
  private removed: TlbEntry[] = [];
  /** `sum` must be recomputed from every entry (the log overflowed, or a capture without a sum was restored). */
  private sumStale = false;
  /** The last snapshot; returned again while nothing changed. */
  private last: TlbSnapshot | undefined = undefined;
  private changed = true;

  lookup(ctx: TlbContext, addr: number, sizes: readonly number[]): TlbEntry | undefined {
    const m = this.byCtx[ctx.id];
    if (m === undefined) return undefined;
    const mask = this.sizeMask[ctx.id];
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[i];
      if ((mask & sizeBit(size)) === 0) continue;
      const base = Math.floor(addr / size) * size;
      const e = m.get(base / PAGE);
      if (e !== undefined && e.size === size) return e;
    }
    return undefined;
  }

  /** The entry map of context `id`, private to the live TLB (created or copied when needed). */
  private own(id: number): Map<number, TlbEntry> {
    let m = this.byCtx[id];
    if (m !== undefined && this.owned.has(m)) return m;
    m = m === undefined ? new Map<number, TlbEntry>() : new Map(m);
    this.maps.set(id, m);
    this.setByCtx(id, m);
    this.owned.add(m);
    return m;
  }

  insert(e: TlbEntry): void {
    if (this.count >= CAPACITY) this.clear();
    const m = this.own(e.ctx.id);
    const key = e.base / PAGE;
    const old = m.get(key);
    if (old === undefined) this.count++;
    else this.log(this.removed, old);
    m.set(key, e);
    this.log(this.added, e);
    this.sizeMask[e.ctx.id] |= sizeBit(e.size);
    this.changed = true;
  }

  /** Remove every entry for which `pred` holds; returns how many. */
  invalidate(ctxPred: (c: TlbContext) => boolean, entryPred?: (e: TlbEntry) => boolean): number {
    let n = 0;
    for (const [id, m] of this.maps) {
      if (m.size === 0) continue;
      const first: TlbEntry = m.values().next().value!;
      // All entries of a map share the context.
      if (!ctxPred(first.ctx)) continue;
      if (entryPred === undefined) {
        // Whole-context invalidation (TLBI VMALLE1, ALLE2...): a fresh empty map.
        if (!this.sumStale) for (const e of m.values()) this.log(this.removed, e);
        n += m.size;
        const fresh = new Map<number, TlbEntry>();
        this.maps.set(id, fresh);
        this.byCtx[id] = fresh;
        // The emptied map is no longer the live TLB's: forget it (else every TLBI keeps one, entries and all, until the next snapshot).
        this.owned.delete(m);
        this.owned.add(fresh);
        this.sizeMask[id] = 0;
        continue;
      }
      let live: Map<number, TlbEntry> | undefined;
      for (const [k, e] of m) {
        if (!entryPred(e)) continue;
        live ??= this.own(id);
        live.delete(k);
        this.log(this.removed, e);
        n++;
      }
    }
    if (n > 0) {
      this.count -= n;
      this.changed = true;
    }
    return n;
  }

  clear(): void {
    this.maps = new Map();
    this.byCtx = [];
    this.sizeMask = [];
    this.count = 0;
    this.owned = new Set();
    this.resetSum({ a: 0, b: 0 });
    this.changed = true;
  }

  /** Log an entry that came (`added`) or went (`removed`) for the next `digest()`. */
  private log(list: TlbEntry[], e: TlbEntry): void {
    if (this.sumStale) return;
    if (this.added.length + this.removed.length >= MAX_LOGGED) this.resetSum(undefined);
    else list.push(e);
  }

  /** The sum is `sum` (undefined: unknown, recomputed from every entry by the next `digest()`), with nothing logged. */
  private resetSum(sum: { a: number; b: number } | undefined): void {
    this.added = [];
    this.removed = [];
    this.sumStale = sum === undefined;
    if (sum !== undefined) this.sum.set(sum.a, sum.b);
  }

  private setByCtx(id: number, m: Map<number, TlbEntry>): void {
    // Fill holes so the array stays packed.
    for (let i = this.byCtx.length; i < id; i++) this.byCtx.push(undefined);
    for (let i = this.sizeMask.length; i <= id; i++) this.sizeMask.push(0);
    this.byCtx[id] = m;
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

  /** Capture: shares every entry map with the live TLB (copy-on-write); the same object again while nothing changed. */
  snapshot(): TlbSnapshot {
    if (this.changed || this.last === undefined) {
      const sum = !this.sumStale && this.added.length === 0 && this.removed.length === 0 ? { a: this.sum.a, b: this.sum.b } : undefined;
      this.last = { maps: new Map(this.maps), sizeMask: this.sizeMask.slice(), count: this.count, sum };
      this.owned = new Set();
      this.changed = false;
    }
    return this.last;
  }

  /** The live TLB is capture `s` (nothing changed since it was taken or restored). */
  holds(s: TlbSnapshot): boolean {
    return s === this.last && !this.changed;
  }

  restore(s: TlbSnapshot): void {
    if (this.holds(s)) return;
    this.maps = new Map(s.maps);
    this.byCtx = [];
    for (const [id, m] of this.maps) this.setByCtx(id, m);
    this.sizeMask = s.sizeMask.slice();
    for (let i = this.sizeMask.length; i < this.byCtx.length; i++) this.sizeMask.push(0);
    this.count = s.count;
    this.owned = new Set();
    this.resetSum(s.sum);
    this.last = s;
    this.changed = false;
  }

  /** Fingerprint (53 bits) of every entry; costs the entries that came and went since the last call. */
  digest(): number {
    // Nothing came or went since the last digest: the sum holds (no new lists: a fingerprint per explored state asks).
    if (!this.sumStale && this.added.length === 0 && this.removed.length === 0) return this.sum.value(this.count);
    if (this.sumStale) {
      this.sum.set(0, 0);
      for (const m of this.maps.values()) for (const e of m.values()) this.sum.add(0, entryDigest(e));
    } else {
      for (const e of this.removed) this.sum.remove(0, entryDigest(e));
      for (const e of this.added) this.sum.add(0, entryDigest(e));
    }
    this.resetSum({ a: this.sum.a, b: this.sum.b });
    return this.sum.value(this.count);
  }
}

/**
 * One bit per power-of-two entry size (log2 - 12, modulo 32: an alias only costs a lookup).
 * Entry sizes are always powers of two (blocks and pages, and the smaller of two of them).
 */
function sizeBit(size: number): number {
  const k = size < 4294967296 ? 31 - Math.clz32(size) : 63 - Math.clz32(size / 4294967296);
  return 1 << ((k - 12) & 31);
}

/**
 * Direct-mapped micro-TLB over 4 KB windows (hot path; see file comment). Indexed by a
 * Fibonacci hash of the page number (`MicroTlb.index`). 4,096 slots: a sweep over a few MB
 * (1,024 pages and more) still hits; `flush` clears only the slots filled since the last
 * flush, so frequent flushes (world switches, TLBI) stay cheap.
 */
export class MicroTlb {
  static readonly SIZE = 4096;
  /** `Math.imul(vpn, 0x9e37_79b1) >>> SHIFT` is the slot of a page (32 - log2 SIZE). */
  static readonly SHIFT = 20;
  readonly vpn = new Float64Array(MicroTlb.SIZE).fill(NaN);
  readonly pa = new Float64Array(MicroTlb.SIZE);
  /** Bit (1 << AccessType) set when that access type is permitted. */
  readonly perm = new Uint8Array(MicroTlb.SIZE);
  readonly dataAttrs: MemAttrs[] = new Array<MemAttrs>(MicroTlb.SIZE);
  readonly fetchAttrs: MemAttrs[] = new Array<MemAttrs>(MicroTlb.SIZE);
  /** Slots filled since the last flush (each listed once). */
  private readonly filled = new Int32Array(MicroTlb.SIZE);
  private nFilled = 0;
  /** Key the contents are valid for. */
  gen = -1;
  el = -1;
  pan = -1;

  /** Slot of page number `vpn`. Index by a hash, not the low bits: code and data 1 MB apart (a common layout) would share a slot and thrash. */
  static index(vpn: number): number {
    return Math.imul(vpn, 0x9e37_79b1) >>> MicroTlb.SHIFT;
  }

  fill(i: number, vpn: number, pa: number, perm: number, dataAttrs: MemAttrs, fetchAttrs: MemAttrs): void {
    // The slot may have held a page a PE accesses directly (memory/direct.ts).
    invalidateDirectPages();
    if (Number.isNaN(this.vpn[i])) this.filled[this.nFilled++] = i;
    this.vpn[i] = vpn;
    this.pa[i] = pa;
    this.perm[i] = perm;
    this.dataAttrs[i] = dataAttrs;
    this.fetchAttrs[i] = fetchAttrs;
  }

  flush(): void {
    invalidateDirectPages();
    const vpn = this.vpn;
    const filled = this.filled;
    for (let k = 0; k < this.nFilled; k++) vpn[filled[k]] = NaN;
    this.nFilled = 0;
    this.gen = -1;
  }
}
