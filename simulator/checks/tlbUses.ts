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

interface PendingRead {
  pa: number;
  stage: 1 | 2;
  level: number;
  va: number;
  ipa: number | undefined;
}

/** Bound on the reads remembered per PE between two TLB fills (a walk reads at most 24: 4 stage-1 levels × 5 stage-2 walks + 4). */
const MAX_PENDING = 64;
/** Bound on the uses remembered per descriptor (a table shared by many translations keeps the latest). */
export const MAX_USES = 32;

export class TlbUses {
  private readonly pending: PendingRead[][];
  /** The descriptors each cached entry came from (its own and, for a combined entry, its stage-2 entry's). */
  private readonly byEntry = new WeakMap<TlbEntry, { pa: number; leaf: boolean }[]>();

  constructor(pes: number) {
    this.pending = Array.from({ length: pes }, () => []);
  }

  /** A valid descriptor read by a walk of PE `pe`. */
  onWalkRead(pe: number, r: WalkRead): void {
    const list = this.pending[pe];
    if (list === undefined) return;
    if (list.length >= MAX_PENDING) list.shift();
    list.push({ pa: r.pa, stage: r.stage, level: r.level, va: r.va, ipa: r.ipa });
  }

  /** PE `pe` cached `e`: call `add` for each descriptor it holds. */
  onFill(pe: number, e: TlbEntry, add: (pa: number, use: DescriptorUse) => void): void {
    const list = this.pending[pe];
    if (list === undefined) return;
    const from: { pa: number; leaf: boolean }[] = [];
    const inside = (a: number | undefined): boolean => a !== undefined && a >= e.base && a < e.base + e.size;
    if (e.ctx.kind === 's2') {
      for (const r of list) if (r.stage === 2 && inside(r.ipa)) from.push({ pa: r.pa, leaf: r.level === e.s2level });
    } else {
      for (const r of list) if (r.stage === 1 && inside(r.va)) from.push({ pa: r.pa, leaf: r.level === e.level });
      if (e.s2 !== undefined) from.push(...(this.byEntry.get(e.s2) ?? []));
      list.length = 0;
    }
    this.byEntry.set(e, from);
    const seen = new Set<number>();
    for (const d of from) {
      if (seen.has(d.pa)) continue;
      seen.add(d.pa);
      add(d.pa, { pe, entry: e, leaf: d.leaf, covered: false });
    }
  }

  /** Time travel: reads in flight are not part of a checkpoint. */
  reset(): void {
    for (const l of this.pending) l.length = 0;
  }
}

/** Add a use to a descriptor's list: one per (PE, entry shape), the latest MAX_USES. */
export function addUse(uses: DescriptorUse[], u: DescriptorUse): void {
  const same = uses.findIndex((x) => x.pe === u.pe && x.entry.ctx === u.entry.ctx && x.entry.base === u.entry.base && x.entry.size === u.entry.size && x.leaf === u.leaf);
  if (same >= 0) uses.splice(same, 1);
  else if (uses.length >= MAX_USES) uses.shift();
  uses.push(u);
}
