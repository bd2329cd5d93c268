/**
 * The cache hierarchy's part of the machine's checkpoints and state hash
 * (component/state.ts `Snapshottable`), copy-on-write by way: a capture of a
 * cache is a two-level table of way captures (chunks of 64 ways) that shares
 * every way unchanged since the previous capture, so a checkpoint costs the
 * ways that changed (line.ts marks them); a restore rewrites only the ways in
 * which the live contents and the capture differ; the fingerprint rehashes
 * only the ways changed since it was last computed.
 *
 * Beside the lines: the LRU clock, which keys were used, the instruction
 * side, exploration's refill candidates, and the memory side behind the caches
 * (copy-on-write pages, memory/physical.ts).
 */
import { digestString, FingerprintSum, Lanes } from '../component/fingerprint';
import type { MemAttrs } from '../memory/attributes';
import type { CacheHierarchy } from './hierarchy';
import { Cache, CacheLine, LineState, Mark } from './line';
import { LINE_SIZE } from './config';
import type { RefillCandidate } from './speculation';

/** Numeric fields of a way in a capture, then its 16 data words. */
const NUM_FIELDS = 15;
const WORDS = LINE_SIZE / 4;
const STRIDE = NUM_FIELDS + WORDS;

/**
 * An immutable capture of one way: its fields and data (STRIDE numbers at
 * `at` in `f`, an arena shared by the ways captured together), its attributes,
 * and its digest when it was known at capture time (NaN otherwise).
 */
class WayCapture {
  constructor(
    readonly f: Float64Array,
    readonly at: number,
    readonly attrs: MemAttrs | undefined,
    readonly staleByAttrs: MemAttrs | undefined,
    readonly digest: number,
  ) {}
}

const CHUNK = 64;

/**
 * Position of way `i` (of `lines`, set-major) in a capture's table: way-major,
 * so that a sweep through memory — the same way of consecutive sets — changes
 * few chunks of the table.
 */
function positionOf(c: Cache, i: number): number {
  const set = Math.floor(i / c.ways);
  return (i - set * c.ways) * c.sets + set;
}

/** The way at a capture position (inverse of `positionOf`; -1 past the last). */
function wayAt(c: Cache, p: number): number {
  const way = Math.floor(p / c.sets);
  return way >= c.ways ? -1 : (p - way * c.sets) * c.ways + way;
}

/** An immutable capture of one cache (never mutated once made): a two-level table of way captures, way-major (`positionOf`). */
type CacheCapture = readonly WayCapture[][];

/**
 * Per cache: the capture its live contents derive from, and the fingerprint:
 * `sum` holds, for every way, the contribution of `wayDigest[i]` — its digest
 * as last computed, out of date while the way is marked Mark.Hash.
 */
interface CacheCow {
  base: CacheCapture;
  readonly wayDigest: Float64Array;
  readonly sum: FingerprintSum;
  /**
   * Replacement order, per set: the digest of its valid ways in LRU order (a
   * rank, not the LRU stamps — two states whose sets age their lines in the
   * same order behave alike whatever the clock says), summed over sets.
   */
  readonly orderDigest: Float64Array;
  readonly orderSum: FingerprintSum;
  /** Sets whose order may have changed since it was last digested (a way was touched or restored), listed once. */
  readonly orderStale: Uint8Array;
  readonly orderList: Int32Array;
  nOrder: number;
  /** Ways captured or rewritten by restores so far (tests: a checkpoint costs the ways changed since the previous one). */
  waysCopied: number;
  readonly ways: number;
  /** The way-independent fingerprint, once asked for (`hashWaysBySet`). */
  bySet: BySet | undefined;
  /**
   * `cacheDigest`'s last results, by way (0) and by set (1): the lanes of the two sums it folded (line sum a, b,
   * order sum a, b) and the digest — the same sums give the same digest without folding them again.
   */
  readonly folded: Float64Array;
}

/**
 * The exploration's way-independent fingerprint of a cache (`hashWaysBySet`):
 * per set, the multiset of its ways' digests (`sum`, keyed by set, not way)
 * and their replacement order as the sequence of the valid ways' digests,
 * least recently used first (`orderDigest`). Two states whose sets hold the
 * same lines in the same age order, in other ways, hash alike: without set/way
 * maintenance (Arm ARM D7.5.8, the only operations that name a way) nothing
 * tells them apart — a victim is the first invalid way or the least recently
 * used line (line.ts `victimFor`), the same line whichever way holds it.
 */
interface BySet {
  readonly sum: FingerprintSum;
  readonly orderDigest: Float64Array;
  readonly orderSum: FingerprintSum;
}

interface HierarchySnapshot {
  memory: unknown;
  caches: CacheCapture[];
  tick: number;
  anyCached: boolean;
  dirtyCopies: number;
  soleKey: MemAttrs | undefined | null;
  soleKeyCoherent: boolean;
  icache: unknown;
  candidates: RefillCandidate[] | undefined;
}

const cows = new WeakMap<Cache, CacheCow>();

const lanes = new Lanes();

/** The digest of every invalid way (nothing else about an invalid way decides anything). */
const INVALID_DIGEST = lanes.reset(0).word(0).value();

/**
 * Digest of a way: what decides its future — address, state, attributes,
 * data and marks (speculative, stale, reported, cleaned to the PoU). Its
 * place (set, way) is mixed in by its contribution to the cache's sum; its
 * age by its set's replacement order (`digestOrder`).
 */
function digestWay(c: Cache, i: number): number {
  const l = c.lines[i];
  if (l.state === LineState.I) return INVALID_DIGEST;
  const h = lanes.reset(0);
  h.word(l.state).num(l.pa).digest(digestString(l.attrs.label));
  h.word((l.speculative ? 1 : 0) | (l.staleByStep >= 0 ? 2 : 0) | (l.staleReported ? 4 : 0) | (l.pouCleanPe >= 0 ? 8 : 0));
  const w = c.words;
  for (let k = i * WORDS, end = k + WORDS; k < end; k++) h.word(w[k]);
  return h.value();
}

/** The capture of a way that never held a line (every way before the first access). */
const EMPTY = ((): WayCapture => {
  const f = new Float64Array(STRIDE);
  f[0] = -1;
  f[1] = LineState.I;
  f.fill(-1, 3, 13);
  f[4] = NaN;
  f[7] = NaN;
  f[8] = NaN;
  f[11] = NaN;
  f[13] = 0;
  f[14] = 0;
  return new WayCapture(f, 0, undefined, undefined, INVALID_DIGEST);
})();

/** The order digest of a set with no valid way. */
const EMPTY_ORDER = lanes.reset(0x0bde_0000).value();

function cowOf(c: Cache): CacheCow {
  let cow = cows.get(c);
  if (cow === undefined) {
    const n = c.lines.length;
    const sum = new FingerprintSum();
    for (let i = 0; i < n; i++) sum.add(i, INVALID_DIGEST);
    const orderSum = new FingerprintSum();
    for (let s = 0; s < c.sets; s++) orderSum.add(s, EMPTY_ORDER);
    const chunk = new Array<WayCapture>(CHUNK).fill(EMPTY);
    const base: WayCapture[][] = [];
    for (let k = 0; k < Math.ceil(n / CHUNK); k++) base.push(chunk);
    cow = {
      base,
      wayDigest: new Float64Array(n).fill(INVALID_DIGEST),
      sum,
      orderDigest: new Float64Array(c.sets).fill(EMPTY_ORDER),
      orderSum,
      orderStale: new Uint8Array(c.sets),
      orderList: new Int32Array(c.sets),
      nOrder: 0,
      waysCopied: 0,
      ways: c.ways,
      bySet: undefined,
      folded: new Float64Array(10).fill(NaN),
    };
    cows.set(c, cow);
  }
  return cow;
}

/** Way `i` changed (its age may have): its set's replacement order must be digested again. */
function orderChanged(c: Cache, cow: CacheCow, i: number): void {
  const set = Math.floor(i / c.ways);
  if (cow.orderStale[set] === 0) {
    cow.orderStale[set] = 1;
    cow.orderList[cow.nOrder++] = set;
  }
}

/** The valid ways of the set being digested (`orderWays[0..nOrderWays)`): a scratch list, never reallocated. */
let orderWays = new Int32Array(16);
let nOrderWays = 0;

/** `orderWays` := the valid ways of the set at `base`, ascending (grown for a set with more ways). */
function validWays(c: Cache, base: number): void {
  if (orderWays.length < c.ways) orderWays = new Int32Array(c.ways);
  nOrderWays = 0;
  // A tag is -1 exactly while its way is invalid (line.ts `Cache.tags`).
  const tags = c.tags;
  for (let w = 0; w < c.ways; w++) if (tags[base + w] !== -1) orderWays[nOrderWays++] = w;
}

/**
 * Sort `orderWays` (ways of the set at `base`, ascending) by age, least
 * recently used first, equal ages by way: an insertion sort (a set has a few
 * ways; no comparator closure per call).
 */
function sortByAge(c: Cache, base: number): void {
  const lines = c.lines;
  for (let k = 1; k < nOrderWays; k++) {
    const w = orderWays[k];
    const lru = lines[base + w].lru;
    let j = k - 1;
    while (j >= 0 && lines[base + orderWays[j]].lru > lru) {
      orderWays[j + 1] = orderWays[j];
      j--;
    }
    orderWays[j + 1] = w;
  }
}

/** Digest of a set's replacement order: its valid ways, least recently used first (what `victimFor` decides by). */
function digestOrder(c: Cache, set: number): number {
  const base = set * c.ways;
  validWays(c, base);
  if (nOrderWays === 0) return EMPTY_ORDER;
  sortByAge(c, base);
  return digestSorted();
}

/** `digestOrder` of the set whose ways `orderWays` holds sorted (`validWays`, `sortByAge`; at least one). */
function digestSorted(): number {
  const h = lanes.reset(0x0bde_0000);
  for (let k = 0; k < nOrderWays; k++) h.word(orderWays[k]);
  return h.value();
}

/**
 * Digest of a set's replacement order by content (`BySet`): the digests of its
 * valid ways, least recently used first; equal ages (never two valid lines
 * after a first access) are ordered by way, and the way numbers then hashed.
 */
function digestOrderBySet(c: Cache, cow: CacheCow, set: number): number {
  const base = set * c.ways;
  validWays(c, base);
  if (nOrderWays === 0) return EMPTY_ORDER;
  sortByAge(c, base);
  return digestSortedBySet(c, cow, base);
}

/** `digestOrderBySet` of the set at `base` whose ways `orderWays` holds sorted (at least one). */
function digestSortedBySet(c: Cache, cow: CacheCow, base: number): number {
  const h = lanes.reset(0x0bde_0001);
  for (let k = 0; k < nOrderWays; k++) {
    const w = orderWays[k];
    h.digest(cow.wayDigest[base + w]);
    if (k > 0 && c.lines[base + w].lru === c.lines[base + orderWays[k - 1]].lru) h.word(0x7e00_0000 | orderWays[k - 1]).word(w);
  }
  return h.value();
}

/** Bring the digests of the ways changed since the last fingerprint, and their sets' orders, up to date. */
function refreshDigests(c: Cache, cow: CacheCow): void {
  const marks = c.marks;
  for (let k = 0; k < c.nHash; k++) {
    const i = c.toHash[k];
    if ((marks[i] & Mark.Hash) !== 0) {
      setDigest(cow, i, digestWay(c, i));
      orderChanged(c, cow, i);
    }
    marks[i] &= ~(Mark.Hash | Mark.Listed);
  }
  c.nHash = 0;
  const by = cow.bySet;
  for (let k = 0; k < cow.nOrder; k++) {
    const set = cow.orderList[k];
    cow.orderStale[set] = 0;
    // The set's valid ways by age, once for both orders.
    const base = set * c.ways;
    validWays(c, base);
    if (nOrderWays > 1) sortByAge(c, base);
    const d = nOrderWays === 0 ? EMPTY_ORDER : digestSorted();
    if (d !== cow.orderDigest[set]) {
      cow.orderSum.remove(set, cow.orderDigest[set]);
      cow.orderDigest[set] = d;
      cow.orderSum.add(set, d);
    }
    if (by !== undefined) {
      const e = nOrderWays === 0 ? EMPTY_ORDER : digestSortedBySet(c, cow, base);
      by.orderSum.remove(set, by.orderDigest[set]);
      by.orderDigest[set] = e;
      by.orderSum.add(set, e);
    }
  }
  cow.nOrder = 0;
}

function setDigest(cow: CacheCow, i: number, d: number): void {
  const old = cow.wayDigest[i];
  cow.sum.remove(i, old);
  cow.wayDigest[i] = d;
  cow.sum.add(i, d);
  const by = cow.bySet;
  if (by !== undefined) {
    const set = Math.floor(i / cow.ways);
    by.sum.remove(set, old);
    by.sum.add(set, d);
  }
}

/**
 * Start keeping the way-independent fingerprint (`BySet`) of every cache of
 * `h`: `hashHierarchy(h, true)` then merges states that differ only in which
 * way of a set holds a line. The explorer asks for it when the program has no
 * set/way maintenance (explore/session.ts).
 */
export function hashWaysBySet(h: CacheHierarchy): void {
  for (const c of h.caches) {
    const cow = cowOf(c);
    if (cow.bySet !== undefined) continue;
    refreshDigests(c, cow);
    const by: BySet = { sum: new FingerprintSum(), orderDigest: new Float64Array(c.sets), orderSum: new FingerprintSum() };
    for (let i = 0; i < c.lines.length; i++) by.sum.add(Math.floor(i / c.ways), cow.wayDigest[i]);
    for (let set = 0; set < c.sets; set++) {
      by.orderDigest[set] = digestOrderBySet(c, cow, set);
      by.orderSum.add(set, by.orderDigest[set]);
    }
    cow.bySet = by;
  }
}

function captureWay(c: Cache, i: number, f: Float64Array, at: number, d: number): WayCapture {
  const l = c.lines[i];
  f[at] = l.pa;
  f[at + 1] = l.state;
  f[at + 2] = l.lru;
  f[at + 3] = l.writePe;
  f[at + 4] = l.writePc;
  f[at + 5] = l.writeStep;
  f[at + 6] = l.pouCleanPe;
  f[at + 7] = l.pouCleanPc;
  f[at + 8] = l.specPc;
  f[at + 9] = l.specPe;
  f[at + 10] = l.staleByPe;
  f[at + 11] = l.staleByPc;
  f[at + 12] = l.staleByStep;
  f[at + 13] = l.speculative ? 1 : 0;
  f[at + 14] = l.staleReported ? 1 : 0;
  const w = c.words;
  for (let k = 0, o = i * WORDS, a = at + NUM_FIELDS; k < WORDS; k++) f[a + k] = w[o + k];
  return new WayCapture(f, at, l.attrs, l.staleByAttrs, d);
}

/** Write a way capture into the live way, and its digest when the capture knows it. */
function restoreWay(c: Cache, cow: CacheCow, i: number, x: WayCapture): void {
  const l: CacheLine = c.lines[i];
  const f = x.f;
  const at = x.at;
  l.pa = f[at];
  l.state = f[at + 1];
  l.lru = f[at + 2];
  l.writePe = f[at + 3];
  l.writePc = f[at + 4];
  l.writeStep = f[at + 5];
  l.pouCleanPe = f[at + 6];
  l.pouCleanPc = f[at + 7];
  l.specPc = f[at + 8];
  l.specPe = f[at + 9];
  l.staleByPe = f[at + 10];
  l.staleByPc = f[at + 11];
  l.staleByStep = f[at + 12];
  l.speculative = f[at + 13] === 1;
  l.staleReported = f[at + 14] === 1;
  c.syncTag(i);
  const w = c.words;
  for (let k = 0, o = i * WORDS, a = at + NUM_FIELDS; k < WORDS; k++) w[o + k] = f[a + k];
  // An invalid way keeps whatever attributes object it had: nothing reads them (the state is I).
  if (x.attrs !== undefined) l.attrs = x.attrs;
  l.staleByAttrs = x.staleByAttrs;
  orderChanged(c, cow, i);
  const m = c.marks[i];
  if (x.digest === x.digest) {
    setDigest(cow, i, x.digest);
    c.marks[i] = m & ~Mark.Hash;
  } else {
    if ((m & Mark.Listed) === 0) c.toHash[c.nHash++] = i;
    c.marks[i] = m | Mark.Hash | Mark.Listed;
  }
}

/**
 * Way captures' numbers are cut from arenas of ARENA_WAYS ways (31 KB): an array per capture is a host allocation
 * (≈ 1 µs, more than capturing a way or two), and an explorer captures at every branching state. An arena lives while
 * any way captured in it does; captures made one after another (a search's, a history's) fill it.
 */
const ARENA_WAYS = 128;
let arenaBuf = new Float64Array(0);
let arenaUsed = 0;

/** `n` numbers for way captures: an arena and where they start in it. */
function arenaFor(n: number): { arena: Float64Array; at: number } {
  if (n > ARENA_WAYS * STRIDE) return { arena: new Float64Array(n), at: 0 };
  if (arenaUsed + n > arenaBuf.length) {
    arenaBuf = new Float64Array(ARENA_WAYS * STRIDE);
    arenaUsed = 0;
  }
  const at = arenaUsed;
  arenaUsed += n;
  return { arena: arenaBuf, at };
}

/** Capture one cache: the previous capture with the changed ways replaced (the same object when none changed). */
function captureCache(c: Cache): CacheCapture {
  const cow = cowOf(c);
  const n = c.nCapture;
  if (n === 0) return cow.base;
  const prev = cow.base;
  const chunks = prev.slice();
  const { arena, at } = arenaFor(n * STRIDE);
  const marks = c.marks;
  for (let k = 0; k < n; k++) {
    const i = c.toCapture[k];
    const p = positionOf(c, i);
    const ch = Math.floor(p / CHUNK);
    if (chunks[ch] === prev[ch]) chunks[ch] = prev[ch].slice();
    const m = marks[i];
    chunks[ch][p - ch * CHUNK] = captureWay(c, i, arena, at + k * STRIDE, (m & Mark.Hash) === 0 ? cow.wayDigest[i] : NaN);
    marks[i] = m & ~Mark.Capture;
  }
  cow.waysCopied += n;
  c.nCapture = 0;
  cow.base = chunks;
  return chunks;
}

/** Make a capture the live contents of a cache: the ways changed since the base capture, and those the two captures do not share. */
function restoreCache(c: Cache, t: CacheCapture): void {
  const cow = cowOf(c);
  const from = cow.base;
  const marks = c.marks;
  let restored = 0;
  for (let k = 0; k < c.nCapture; k++) {
    const i = c.toCapture[k];
    const p = positionOf(c, i);
    const ch = Math.floor(p / CHUNK);
    restoreWay(c, cow, i, t[ch][p - ch * CHUNK]);
    restored++;
  }
  for (let ch = 0; ch < t.length; ch++) {
    const tc = t[ch];
    const fc = from[ch];
    if (tc === fc) continue;
    for (let j = 0; j < CHUNK; j++) {
      if (tc[j] === fc[j]) continue;
      const i = wayAt(c, ch * CHUNK + j);
      // Past the last way, or already restored above.
      if (i < 0 || (marks[i] & Mark.Capture) !== 0) continue;
      restoreWay(c, cow, i, tc[j]);
      restored++;
    }
  }
  for (let k = 0; k < c.nCapture; k++) marks[c.toCapture[k]] &= ~Mark.Capture;
  c.nCapture = 0;
  cow.base = t;
  cow.waysCopied += restored;
}

export function captureHierarchy(h: CacheHierarchy): HierarchySnapshot {
  return {
    memory: h.backing.snapshot(),
    caches: h.caches.map(captureCache),
    tick: h.tick,
    anyCached: h.anyCached,
    dirtyCopies: h.dirtyCopies,
    soleKey: h.domains.soleKey,
    soleKeyCoherent: h.domains.soleKeyCoherent,
    icache: h.icache.snapshot(),
    candidates: h.speculation.refillCandidates?.map((c) => ({ ...c })),
  };
}

export function restoreHierarchy(h: CacheHierarchy, s: unknown): void {
  const snap = s as HierarchySnapshot;
  h.backing.restore(snap.memory);
  h.caches.forEach((c, i) => restoreCache(c, snap.caches[i]));
  // The count of dirty copies is a function of the lines: the capture's is right.
  h.dirtyCopies = snap.dirtyCopies;
  h.tick = snap.tick;
  h.anyCached = snap.anyCached;
  h.domains.soleKey = snap.soleKey;
  h.domains.soleKeyCoherent = snap.soleKeyCoherent;
  h.icache.restore(snap.icache);
  // Candidates are tracked from the moment an action source asked: a checkpoint from before restores an empty list.
  if (h.speculation.refillCandidates !== undefined) h.speculation.refillCandidates = (snap.candidates ?? []).map((c) => ({ ...c }));
}

/** `hashHierarchy`'s running hash (not re-entered: the parts it folds in use their own). */
const hierarchyLanes = new Lanes();
const cacheLanes = new Lanes();

/** One cache's part of `hashHierarchy` (digests up to date): its name, its lines' and replacement orders' sums — by set with `by`. */
function cacheDigest(c: Cache, cow: CacheCow, by: BySet | undefined): number {
  const sum = by === undefined ? cow.sum : by.sum;
  const order = by === undefined ? cow.orderSum : by.orderSum;
  const f = cow.folded;
  const o = by === undefined ? 0 : 5;
  if (f[o] === sum.a && f[o + 1] === sum.b && f[o + 2] === order.a && f[o + 3] === order.b) return f[o + 4];
  const h = cacheLanes.reset(0).digest(digestString(c.name));
  if (by !== undefined) h.word(0xb7_5e7);
  const d = h.digest(sum.value(c.lines.length)).digest(order.value(c.sets)).value();
  f[o] = sum.a;
  f[o + 1] = sum.b;
  f[o + 2] = order.a;
  f[o + 3] = order.b;
  f[o + 4] = d;
  return d;
}

/**
 * Fingerprint (53 bits) of every valid copy with its place (cache, set, way),
 * line address, state, attributes, data and marks (speculative, stale,
 * reported, cleaned to the PoU); each set's replacement order (the rank of
 * its ways' ages, not the LRU clock: equal orders choose equal victims); the
 * instruction caches; refill candidates while tracked; the devices behind the
 * caches. Physical memory itself is hashed by the machine. Provenance kept for
 * findings' messages (which PE wrote a line, at which PC and step) is not state.
 * Costs the sets changed since the last call. `bySet`: the way-independent
 * fingerprint of the lines where it is kept (`hashWaysBySet`).
 */
export function hashHierarchy(h: CacheHierarchy, bySet = false): number {
  const hh = hierarchyLanes.reset(0x0cac_4e00);
  for (const c of h.caches) {
    const cow = cowOf(c);
    refreshDigests(c, cow);
    hh.digest(cacheDigest(c, cow, bySet ? cow.bySet : undefined));
  }
  hh.digest(h.icache.digest());
  for (const c of h.speculation.refillCandidates ?? []) hh.word(c.pe).num(c.line).digest(digestString(c.attrs.label)).num(c.pc);
  hh.digest(h.backing.stateHash());
  return hh.value();
}

/** Ways captured or rewritten by restores in every cache so far (tests: checkpoints cost what changed). */
export function waysCopied(h: CacheHierarchy): number {
  let n = 0;
  for (const c of h.caches) n += cowOf(c).waysCopied;
  return n;
}

/** Fingerprint of the lines computed from scratch (tests check the incremental one against it). */
export function hashLinesFromScratch(h: CacheHierarchy): number[] {
  return h.caches.map((c) => {
    const sum = new FingerprintSum();
    for (let i = 0; i < c.lines.length; i++) sum.add(i, digestWay(c, i));
    const order = new FingerprintSum();
    for (let set = 0; set < c.sets; set++) order.add(set, digestOrder(c, set));
    return new Lanes().reset(0).digest(sum.value(c.lines.length)).digest(order.value(c.sets)).value();
  });
}

/** The incremental per-cache fingerprints (tests). */
export function hashLines(h: CacheHierarchy): number[] {
  return h.caches.map((c) => {
    const cow = cowOf(c);
    refreshDigests(c, cow);
    return new Lanes().reset(0).digest(cow.sum.value(c.lines.length)).digest(cow.orderSum.value(c.sets)).value();
  });
}
