/**
 * Which TLB entries hold which descriptors: the break-before-make rule needs
 * to know, for a descriptor that was made invalid, every translation cached
 * from it — which PE's TLB, tagged with which context (regime, Security state,
 * VMID, ASID or global), for which input addresses, and whether the descriptor
 * was the entry's last-level one — so that it can ask the TLB model's own match
 * rule (mmu/tlbi.ts `tlbiEntryMismatch`) whether a TLBI removed them.
 *
 * The MMU reports every descriptor a walk reads and then every entry it caches
 * (stage-2 entries, then the combined one). A stage-2 descriptor is cached in
 * the stage-2 entry and in every combined entry built from that entry
 * (`TlbEntry.s2`): removing the stage-2 entry (TLBI IPAS2E1) leaves the combined
 * one (Arm ARM D8.13.x: stage-2 changes also need TLBI VMALLE1 or VMALLS12E1).
 */
import type { TlbEntry } from '../mmu/tlb';
import type { WalkRead } from '../mmu/types';

/** One translation cached from a descriptor. */
export interface DescriptorUse {
  /** The PE whose TLB holds it. */
  readonly pe: number;
  readonly entry: TlbEntry;
  /** The descriptor is the entry's last-level descriptor (of its stage). */
  readonly leaf: boolean;
  /** A TLBI since the descriptor was made invalid removed it. */
  covered: boolean;
}

/** Bound on the reads remembered per PE between two TLB fills (a walk reads at most 24: 4 stage-1 levels × 5 stage-2 walks + 4). */
const MAX_PENDING = 64;
/** Bound on the uses remembered per descriptor (a table shared by many translations keeps the latest). */
export const MAX_USES = 32;

/** One PE's reads since its last combined fill, in parallel arrays (no object per read: walks are frequent). */
class PendingReads {
  readonly pa = new Float64Array(MAX_PENDING);
  readonly va = new Float64Array(MAX_PENDING);
  /** IPA of a stage-2 read, NaN for stage 1. */
  readonly ipa = new Float64Array(MAX_PENDING);
  readonly level = new Int8Array(MAX_PENDING);
  n = 0;

  push(r: WalkRead): void {
    // Full (a walk that never filled, e.g. faults): start over; the reads of the walk in progress come next.
    if (this.n === MAX_PENDING) this.n = 0;
    const i = this.n++;
    this.pa[i] = r.pa;
    this.va[i] = r.va;
    this.ipa[i] = r.stage === 2 ? (r.ipa ?? NaN) : NaN;
    this.level[i] = r.level;
  }
}

export class TlbUses {
  private readonly pending: PendingReads[];
  /** The descriptors each cached stage-2 entry came from (a combined entry built on it holds them too). */
  private readonly byS2Entry = new WeakMap<TlbEntry, { pa: number; leaf: boolean }[]>();

  constructor(pes: number) {
    this.pending = Array.from({ length: pes }, () => new PendingReads());
  }

  /** A valid descriptor read by a walk of PE `pe`. */
  onWalkRead(pe: number, r: WalkRead): void {
    this.pending[pe]?.push(r);
  }

  /** PE `pe` cached `e`: call `add` for each descriptor it holds. */
  onFill(pe: number, e: TlbEntry, add: (pa: number, use: DescriptorUse) => void): void {
    const p = this.pending[pe];
    if (p === undefined) return;
    const lo = e.base;
    const hi = e.base + e.size;
    if (e.ctx.kind === 's2') {
      const held: { pa: number; leaf: boolean }[] = [];
      for (let i = 0; i < p.n; i++) {
        const ipa = p.ipa[i];
        if (ipa >= lo && ipa < hi) held.push({ pa: p.pa[i], leaf: p.level[i] === e.s2level });
      }
      this.byS2Entry.set(e, held);
      for (const d of held) add(d.pa, { pe, entry: e, leaf: d.leaf, covered: false });
      return;
    }
    for (let i = 0; i < p.n; i++) {
      const va = p.va[i];
      if (Number.isNaN(p.ipa[i]) && va >= lo && va < hi) add(p.pa[i], { pe, entry: e, leaf: p.level[i] === e.level, covered: false });
    }
    if (e.s2 !== undefined) for (const d of this.byS2Entry.get(e.s2) ?? []) add(d.pa, { pe, entry: e, leaf: d.leaf, covered: false });
    p.n = 0;
  }

  /** Time travel: reads in flight are not part of a checkpoint. */
  reset(): void {
    for (const p of this.pending) p.n = 0;
  }
}

/** Add a use to a descriptor's list: one per (PE, entry shape), the latest MAX_USES. */
export function addUse(uses: DescriptorUse[], u: DescriptorUse): void {
  // Every fill of every translation through a shared table descriptor comes here: a plain loop, the most discriminating field first.
  const e = u.entry;
  for (let i = 0; i < uses.length; i++) {
    const x = uses[i];
    const xe = x.entry;
    if (xe.base === e.base && xe.size === e.size && xe.ctx === e.ctx && x.pe === u.pe && x.leaf === u.leaf) {
      // The same shape again: it becomes the latest.
      uses.copyWithin(i, i + 1);
      uses[uses.length - 1] = u;
      return;
    }
  }
  if (uses.length >= MAX_USES) uses.shift();
  uses.push(u);
}
