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
 * (the MMU's fill hook names it with the combined entry): removing the stage-2 entry (TLBI IPAS2E1) leaves the combined
 * one (Arm ARM D8.13.x: stage-2 changes also need TLBI VMALLE1 or VMALLS12E1).
 */
import type { TlbContext, TlbEntry } from '../mmu/tlb';
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

/**
 * A descriptor record as the break-before-make rule keeps it (translationRules.ts): its uses
 * in the record itself (a `DescriptorUses`, so a fill touches one object per descriptor), handed
 * over by the walk reads with their address, so a fill records its uses on it without a lookup.
 */
export interface UsedDescriptor {
  readonly state: string;
  record(pe: number, entry: TlbEntry, leaf: boolean): void;
  /** `TlbUses.applyLog`'s scratch: the application it was last seen in, and its uses kept there (a chain through the log, and how many). */
  logStamp: number;
  logHead: number;
  logCount: number;
}

/**
 * The key of the 8-byte descriptor at `pa` in the rule's records: its number, an integer below
 * 2^30 (a small integer, not a boxed double) for PAs below 8 GB — a descriptor is 8-byte aligned.
 */
export function descriptorKey(pa: number): number {
  return pa / 8;
}

/** The PA of the descriptor with key `key` (`descriptorKey`). */
export function descriptorPa(key: number): number {
  return key * 8;
}

/** Bound on the reads remembered per PE between two TLB fills (a walk reads at most 24: 4 stage-1 levels × 5 stage-2 walks + 4). */
const MAX_PENDING = 64;
/** Bound on the uses remembered per descriptor (a table shared by many translations keeps the latest). */
export const MAX_USES = 32;
/** Bound on the uses fills log before they are applied to their descriptors' records (`TlbUses.applyLog`). */
export const MAX_LOGGED_USES = 4096;

/** One PE's reads since its last combined fill, in parallel arrays (no object per read: walks are frequent). */
class PendingReads<D> {
  readonly pa = new Float64Array(MAX_PENDING);
  readonly va = new Float64Array(MAX_PENDING);
  /** IPA of a stage-2 read, NaN for stage 1. */
  readonly ipa = new Float64Array(MAX_PENDING);
  readonly level = new Int8Array(MAX_PENDING);
  /** The descriptor's record (the rule's, for the address). */
  readonly desc: (D | undefined)[] = new Array<D | undefined>(MAX_PENDING).fill(undefined);
  n = 0;
  /** `desc` entries at and above this are undefined (`clear` costs the entries used since the last one). */
  private used = 0;

  push(r: WalkRead, d: D): void {
    // Full (a walk that never filled, e.g. faults): start over; the reads of the walk in progress come next.
    if (this.n === MAX_PENDING) this.n = 0;
    const i = this.n++;
    this.pa[i] = r.pa;
    this.va[i] = r.va;
    this.ipa[i] = r.stage === 2 ? (r.ipa ?? NaN) : NaN;
    this.level[i] = r.level;
    this.desc[i] = d;
    if (i >= this.used) this.used = i + 1;
  }

  /** Forget the reads (and drop the records they name). */
  clear(): void {
    this.n = 0;
    if (this.used > 0) this.desc.fill(undefined, 0, this.used);
    this.used = 0;
  }
}

/** The key of a stage-2 entry's input address in `byS2Base`: its 4 KB page number (entries are at least page aligned), a small integer for IPAs below 4 TB. */
function s2Key(ipa: number): number {
  return ipa / 4096;
}

/** Bound on the stage-2 entries whose descriptors are remembered per PE (more: the memory starts over; the next fill of each refills it). */
export const MAX_S2_ENTRIES = 65_536;

/**
 * One descriptor a cached stage-2 entry came from: its address, and its record as last found
 * (valid while `epoch` is the rule's: records are replaced only when the rule restores a capture).
 */
interface HeldDescriptor<D> {
  readonly pa: number;
  readonly leaf: boolean;
  desc: D | undefined;
  epoch: number;
}

/** The descriptors a cached stage-2 entry came from. */
interface S2Held<D> {
  readonly entry: TlbEntry;
  readonly held: readonly HeldDescriptor<D>[];
}

/**
 * Records each TLB fill's uses on the descriptors it holds: `D` is the rule's record of a
 * descriptor, found by `descriptorKey` of its address in `records` (one record per address; the same object until
 * `reset`, which the rule calls when it replaces them).
 *
 * A fill only logs its uses (descriptor, entry, PE, last level); `applyLog` records them on the
 * descriptors when the rule is about to read or change a record (a descriptor write, a capture, a
 * fingerprint) or the log is full (MAX_LOGGED_USES). A record keeps the latest MAX_USES shapes in
 * the order of their latest fill (`DescriptorUses`, an LRU list), so of a descriptor's logged uses
 * only the latest fill of each shape, and of those the latest MAX_USES, change the record — and
 * applying just those, oldest first, leaves it exactly as recording every fill would have: a
 * table descriptor shared by every page of a sweep costs a log slot per fill, not a ring update.
 * A descriptor that is not 'live' takes no use (as at the fill): the rule applies the log before
 * it changes a record's state or uses, so a logged descriptor is live until its uses are applied.
 */
export class TlbUses<D extends UsedDescriptor> {
  private readonly pending: PendingReads<D>[];
  /**
   * Per PE, the descriptors each cached stage-2 entry came from (a combined entry built on it holds
   * them too), by the entry's input address (`s2Key`): a map keyed by number, not a WeakMap keyed by the
   * entry, because every stage-2 fill comes here (a WeakMap's insert costs more than the walk).
   */
  private readonly byS2Base: Map<number, S2Held<D>[]>[];
  private readonly s2Count: number[];
  /**
   * Per PE, the stage-2 entry `s2Held` last found (by identity) and its descriptors: the combined
   * fills of a sweep through one stage-2 block all name the same entry. Forgotten at every `rememberS2`.
   */
  private readonly lastS2: (TlbEntry | undefined)[];
  private readonly lastHeld: (readonly HeldDescriptor<D>[] | undefined)[];
  /** Moves at every `reset`: the records `HeldDescriptor.desc` names are then no longer the rule's. */
  private epoch = 0;
  /** The uses fills logged since the last `applyLog`, oldest first: the descriptor, the entry, and `pe * 2 + leaf`. */
  private readonly logDesc: (D | undefined)[] = [];
  private readonly logEntry: (TlbEntry | undefined)[] = [];
  private readonly logPeLeaf: number[] = [];
  /** `applyLog`'s chain: the next later use it keeps of the same descriptor (-1: none). */
  private readonly logLater: number[] = [];
  private logN = 0;
  /** Moves at every `applyLog` (`UsedDescriptor.logStamp`). */
  private stamp = 0;
  /** The descriptors `applyLog` found in the log. */
  private readonly touched: D[] = [];

  constructor(
    pes: number,
    private readonly records: ReadonlyMap<number, D>,
  ) {
    this.pending = Array.from({ length: pes }, () => new PendingReads<D>());
    this.byS2Base = Array.from({ length: pes }, () => new Map<number, S2Held<D>[]>());
    this.s2Count = Array.from({ length: pes }, () => 0);
    this.lastS2 = Array.from({ length: pes }, () => undefined);
    this.lastHeld = Array.from({ length: pes }, () => undefined);
  }

  /** A valid descriptor read by a walk of PE `pe`, whose record is `d`. */
  onWalkRead(pe: number, r: WalkRead, d: D): void {
    this.pending[pe]?.push(r, d);
  }

  /**
   * PE `pe` cached `e` (a combined entry built on stage-2 entry `s2`, when it has one): log a use
   * of each descriptor it holds that is live (`state` 'live'); returns how many were logged.
   */
  onFill(pe: number, e: TlbEntry, s2: TlbEntry | undefined): number {
    const p = this.pending[pe];
    if (p === undefined) return 0;
    const lo = e.base;
    const hi = e.base + e.size;
    let added = 0;
    if (e.ctx.kind === 's2') {
      const held: HeldDescriptor<D>[] = [];
      for (let i = 0; i < p.n; i++) {
        const ipa = p.ipa[i];
        if (ipa >= lo && ipa < hi) held.push({ pa: p.pa[i], leaf: p.level[i] === e.s2level, desc: p.desc[i], epoch: this.epoch });
      }
      this.rememberS2(pe, e, held);
      for (const h of held) added += this.logUse(h.desc, pe, e, h.leaf);
      return added;
    }
    const level = e.level;
    for (let i = 0; i < p.n; i++) {
      const va = p.va[i];
      if (Number.isNaN(p.ipa[i]) && va >= lo && va < hi) added += this.logUse(p.desc[i], pe, e, p.level[i] === level);
    }
    if (s2 !== undefined) {
      const held = this.s2Held(pe, s2);
      if (held !== undefined) {
        for (const h of held) {
          if (h.epoch !== this.epoch || h.desc === undefined) {
            h.desc = this.records.get(descriptorKey(h.pa));
            h.epoch = this.epoch;
          }
          added += this.logUse(h.desc, pe, e, h.leaf);
        }
      }
    }
    p.n = 0;
    return added;
  }

  /** Log the use of live descriptor `d` by `e` in PE `pe`'s TLB (1), or nothing when it is not live (0). */
  private logUse(d: D | undefined, pe: number, e: TlbEntry, leaf: boolean): number {
    if (d === undefined || d.state !== 'live') return 0;
    if (this.logN === MAX_LOGGED_USES) this.applyLog();
    const i = this.logN++;
    this.logDesc[i] = d;
    this.logEntry[i] = e;
    this.logPeLeaf[i] = pe * 2 + (leaf ? 1 : 0);
    this.logLater[i] = -1;
    return 1;
  }

  /**
   * Record the logged uses on their descriptors (see the class comment): from the latest back,
   * each descriptor keeps the first use of each shape it meets, at most MAX_USES of them, then
   * records those oldest first.
   */
  applyLog(): void {
    const n = this.logN;
    if (n === 0) return;
    const stamp = ++this.stamp;
    const descs = this.logDesc;
    const entries = this.logEntry;
    const peLeaf = this.logPeLeaf;
    const later = this.logLater;
    const touched = this.touched;
    for (let i = n - 1; i >= 0; i--) {
      const d = descs[i]!;
      if (d.logStamp !== stamp) {
        d.logStamp = stamp;
        d.logHead = -1;
        d.logCount = 0;
        touched.push(d);
      } else if (d.logCount >= MAX_USES) continue;
      const e = entries[i]!;
      const pl = peLeaf[i];
      let j = d.logHead;
      while (j >= 0) {
        const x = entries[j]!;
        if (x.base === e.base && x.size === e.size && x.ctx === e.ctx && peLeaf[j] === pl) break;
        j = later[j];
      }
      // A later fill of the same shape is kept: this one changes nothing.
      if (j >= 0) continue;
      later[i] = d.logHead;
      d.logHead = i;
      d.logCount++;
    }
    for (let k = 0; k < touched.length; k++) {
      const d = touched[k];
      for (let j = d.logHead; j >= 0; j = later[j]) d.record(peLeaf[j] >> 1, entries[j]!, (peLeaf[j] & 1) !== 0);
    }
    touched.length = 0;
    this.forgetLog();
  }

  /** Empty the log (and drop the records and entries it names). */
  private forgetLog(): void {
    this.logDesc.fill(undefined, 0, this.logN);
    this.logEntry.fill(undefined, 0, this.logN);
    this.logN = 0;
  }

  /** Remember the descriptors of stage-2 entry `e`: it replaces an entry of the same context and size at that address (no longer cached, or this PE's TLB would have hit it). */
  private rememberS2(pe: number, e: TlbEntry, held: readonly HeldDescriptor<D>[]): void {
    const m = this.byS2Base[pe];
    this.lastS2[pe] = undefined;
    this.lastHeld[pe] = undefined;
    const key = s2Key(e.base);
    const at = m.get(key);
    if (at === undefined) {
      if (this.s2Count[pe] >= MAX_S2_ENTRIES) {
        m.clear();
        this.s2Count[pe] = 0;
      }
      this.s2Count[pe]++;
      m.set(key, [{ entry: e, held }]);
      return;
    }
    for (let i = 0; i < at.length; i++) {
      const x = at[i].entry;
      if (x.ctx === e.ctx && x.size === e.size) {
        at[i] = { entry: e, held };
        return;
      }
    }
    at.push({ entry: e, held });
  }

  /** The descriptors stage-2 entry `s2` came from: its own record, or (a checkpoint brought back an older entry) the latest of the same context, address and size. */
  private s2Held(pe: number, s2: TlbEntry): readonly HeldDescriptor<D>[] | undefined {
    if (this.lastS2[pe] === s2) return this.lastHeld[pe];
    const at = this.byS2Base[pe]?.get(s2Key(s2.base));
    if (at === undefined) return undefined;
    for (const x of at) {
      if (x.entry === s2) {
        this.lastS2[pe] = s2;
        this.lastHeld[pe] = x.held;
        return x.held;
      }
      if (x.entry.ctx === s2.ctx && x.entry.size === s2.size) return x.held;
    }
    return undefined;
  }

  /** Time travel: reads in flight are not part of a checkpoint, and the rule's records are replaced (the uses logged for them with them). */
  reset(): void {
    for (const p of this.pending) p.clear();
    this.forgetLog();
    this.epoch++;
  }
}

/**
 * The translations cached from one descriptor: one per (PE, entry shape), the latest MAX_USES,
 * iterated oldest first. A ring: a table descriptor shared by many translations takes a use on
 * every fill, and moving the list down (or shift() then push(), which reallocates) costs more
 * than the fill.
 */
export class DescriptorUses implements Iterable<DescriptorUse> {
  private readonly ring: DescriptorUse[] = [];
  /** `ring[i].entry.base`: every fill scans for its shape, and numbers scan faster than the objects. */
  private readonly bases: number[] = [];
  /** Slot of the oldest use (0 until the ring is full). */
  private head = 0;
  /**
   * How many remembered uses fall in each bucket of `bucketOf(base)`: a fill whose bucket is
   * empty is a new shape without scanning (the usual case for a shared table descriptor: a
   * sweep over pages fills each page once). Made when the ring first grows past SCAN_SHORT (a
   * page's last-level descriptor, used by one translation, never needs it: records stay small).
   */
  private buckets: Uint8Array | undefined = undefined;
  /**
   * The latest use and its entry's shape, kept here too: a descriptor used by one translation
   * (a page's last-level descriptor) is refilled with the same shape, and that case reads this
   * object and the use only.
   */
  private latest: DescriptorUse | undefined = undefined;
  private latestBase = NaN;
  private latestSize = 0;
  private latestCtx: TlbContext | undefined = undefined;
  /** `pe * 2 + leaf` of the latest use (-1: none): the refill test reads this object only (the use itself is written, not read). */
  private latestPeLeaf = -1;
  /** `TlbUses.applyLog`'s scratch (`UsedDescriptor`). */
  logStamp = 0;
  logHead = -1;
  logCount = 0;

  get length(): number {
    return this.ring.length;
  }

  add(u: DescriptorUse): void {
    this.place(u.pe, u.entry, u.leaf, u);
  }

  /** A fill of `entry` in PE `pe`'s TLB holds the descriptor (`leaf`: as its last level): as `add`, reusing the use objects the ring drops or refreshes (no allocation once full). */
  record(pe: number, entry: TlbEntry, leaf: boolean): void {
    this.place(pe, entry, leaf, undefined);
  }

  /** Remember the use (pe, entry, leaf): `u` when given, else a use object the ring no longer needs, or a new one. */
  private place(pe: number, e: TlbEntry, leaf: boolean, u: DescriptorUse | undefined): void {
    const base = e.base;
    if (this.latestPeLeaf === pe * 2 + (leaf ? 1 : 0) && this.latestBase === base && this.latestSize === e.size && this.latestCtx === e.ctx) {
      const last = this.latest!;
      // The latest use's shape again: it stays the latest.
      if (u === undefined) refresh(last, e);
      else this.ring[(this.head + this.ring.length - 1) % this.ring.length] = this.latest = u;
      return;
    }
    const ring = this.ring;
    const bases = this.bases;
    const n = ring.length;
    const buckets = this.buckets;
    const b = buckets === undefined ? 0 : bucketOf(base);
    // A short ring (no buckets yet) is scanned whole.
    for (let i = buckets === undefined || buckets[b] !== 0 ? 0 : n; i < n; i++) {
      if (bases[i] !== base) continue;
      const x = ring[i];
      const xe = x.entry;
      if (xe.size === e.size && xe.ctx === e.ctx && x.pe === pe && x.leaf === leaf) {
        // The same shape again: it becomes the latest (the later ones move down one).
        let at = i;
        for (let k = (i - this.head + n) % n; k < n - 1; k++) {
          const next = at + 1 === n ? 0 : at + 1;
          ring[at] = ring[next]!;
          bases[at] = bases[next]!;
          at = next;
        }
        ring[at] = u ?? refresh(x, e);
        bases[at] = base;
        this.isLatest(ring[at], e);
        return;
      }
    }
    if (n < MAX_USES) {
      const v = u ?? { pe, entry: e, leaf, covered: false };
      ring.push(v);
      bases.push(base);
      if (buckets !== undefined) buckets[b]++;
      else if (n + 1 > SCAN_SHORT) this.countBuckets();
      this.isLatest(v, e);
      return;
    }
    // Full (so the buckets exist): the oldest goes.
    const h = this.head;
    buckets![b]++;
    buckets![bucketOf(bases[h])]--;
    ring[h] = u ?? reuse(ring[h], pe, e, leaf);
    bases[h] = base;
    this.isLatest(ring[h], e);
    this.head = h + 1 === n ? 0 : h + 1;
  }

  /** Make the buckets and count the remembered uses into them. */
  private countBuckets(): void {
    const buckets = (this.buckets = new Uint8Array(BUCKETS));
    for (const base of this.bases) buckets[bucketOf(base)]++;
  }

  private isLatest(u: DescriptorUse, e: TlbEntry): void {
    this.latest = u;
    this.latestBase = e.base;
    this.latestSize = e.size;
    this.latestCtx = e.ctx;
    this.latestPeLeaf = u.pe * 2 + (u.leaf ? 1 : 0);
  }

  /** Oldest first. */
  *[Symbol.iterator](): Iterator<DescriptorUse> {
    const n = this.ring.length;
    for (let k = 0; k < n; k++) yield this.ring[(this.head + k) % n];
  }

  every(test: (u: DescriptorUse) => boolean): boolean {
    for (const u of this.ring) if (!test(u)) return false;
    return true;
  }

  clear(): void {
    this.ring.length = 0;
    this.bases.length = 0;
    this.head = 0;
    this.buckets?.fill(0);
    this.latest = undefined;
    this.latestBase = NaN;
    this.latestCtx = undefined;
    this.latestPeLeaf = -1;
  }

  /** A copy with copies of the uses (their `covered` changes). */
  clone(): DescriptorUses {
    const c = new DescriptorUses();
    c.copyUses(this);
    return c;
  }

  /** Make this (empty) object's uses copies of `from`'s, oldest first. */
  protected copyUses(from: DescriptorUses): void {
    for (const u of from) {
      const v = { ...u };
      this.ring.push(v);
      this.bases.push(u.entry.base);
      this.isLatest(v, u.entry);
    }
    if (this.ring.length > SCAN_SHORT) this.countBuckets();
  }
}

/** `x` (a use of the same PE and leaf) for `e`, not covered: the ring's own object, reused. */
function refresh(x: DescriptorUse, e: TlbEntry): DescriptorUse {
  (x as { entry: TlbEntry }).entry = e;
  x.covered = false;
  return x;
}

/** The ring's dropped use `x`, made the use (pe, e, leaf). */
function reuse(x: DescriptorUse, pe: number, e: TlbEntry, leaf: boolean): DescriptorUse {
  const w = x as { pe: number; entry: TlbEntry; leaf: boolean; covered: boolean };
  w.pe = pe;
  w.entry = e;
  w.leaf = leaf;
  w.covered = false;
  return x;
}

/** 256: a full ring (MAX_USES) leaves a new page's bucket empty 7 times in 8. */
const BUCKETS = 256;
/** Rings up to this long are scanned whole (`place`). */
const SCAN_SHORT = 4;

/** A bucket for an entry's input address: the page, 2 MB and 1 GB numbers folded, so pages, blocks and huge blocks all spread. */
function bucketOf(base: number): number {
  const page = base / 0x1000;
  return (page ^ (page >>> 9) ^ (page >>> 18)) & (BUCKETS - 1);
}
