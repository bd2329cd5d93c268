/**
 * A thread's local state in Promising-ARM (Pulte et al., PLDI 2019, §4
 * "Thread-local state"), and the rules of its steps. A *view* is a timestamp
 * of the message log: everything a step's view covers is "already seen", so
 * a later step constrained by that view cannot read anything the log
 * overwrote before it, nor place a write before it.
 *
 * - `coh(l)`: the newest write to location l this thread has seen or written
 *   (coherence, Arm ARM B2.3 "Coherence order": reads and writes of one location never go back).
 * - `vrn`/`vwn`: lower bounds for every later read / write (raised by
 *   barriers and acquires).
 * - `vro`/`vwo`: the views of the thread's reads / writes so far (what a
 *   barrier orders after itself). `vroRet` is `vro` without the reads of
 *   the "no return" atomics (STADD…, LDADD… into XZR), which DMB LD does not
 *   order (Arm ARM B2.3 "Barrier-ordered-before": [R \ NoRet]; po; [DMB LD];
 *   as aarch64.cat says); Promising-ARM predates that rule.
 * - `vcap`: control and address views so far (a write never becomes visible
 *   before the branches and addresses that precede it are resolved).
 * - `vrel`: the view of the last release write (an acquire, LDAR, is ordered
 *   after a program-order-earlier STLR; LDAPR is not).
 * - `fwd(l)`: the thread's last write to l, which a later read may take
 *   *before* it is visible to others (store forwarding): the read then gets
 *   only the write's own view, not its timestamp.
 * - `exbank`: the read of an open exclusive pair (LDXR/LDAXR).
 * - `promises`: timestamps of messages the thread promised and must fulfil.
 *
 * The rules are `read`, `fulfil` (a write taking the place of a promise),
 * `promise`, `dmb`, `isb` and `control`, each checked against
 * the Coq development (github.com/snu-sf/promising-arm, `Local.read`,
 * `Local.fulfill`, `Local.writable`, `Local.dmb`, `Local.isb`, `Local.control`).
 */
import { Lanes } from '../../component/fingerprint';
import type { FingerprintSink, MessageLog } from './messages';

/** Load ordering (`OrdR`): plain, acquire-PC (LDAPR, RCpc) or acquire (LDAR, LDAXR: RCsc). */
export const enum ReadOrder {
  Plain = 0,
  AcquirePc = 1,
  Acquire = 2,
}

/** Store ordering (`OrdW`): plain, release-PC or release (STLR, STLXR). ARMv8 has no release-PC store; kept for the rule's shape. */
export const enum WriteOrder {
  Plain = 0,
  ReleasePc = 1,
  Release = 2,
}

/** A read's options: its ordering, exclusive (LDXR family), and whether it is the read of a "no return" atomic. */
export interface ReadKind {
  order: ReadOrder;
  exclusive?: boolean;
  noReturn?: boolean;
}

export interface WriteKind {
  order: WriteOrder;
  exclusive?: boolean;
  /**
   * The write of an atomic read-modify-write (CAS, SWP, LD<op>/ST<op>, FEAT_LSE) after its read
   * (a read with `exclusive` set): see `writable`.
   */
  atomic?: boolean;
  /**
   * The write of an atomic with both acquire and release semantics (SWPAL, LDADDAL, CASAL…): every later
   * access is ordered after it (B2.3 "Barrier-ordered-before", `[range([R & A]; amo; [W & L])]; po; [M]`).
   */
  ordersLater?: boolean;
}

/** Forwarding bank entry (`FwdItem`): the thread's last write to a location. */
interface Forward {
  ts: number;
  view: number;
  ex: boolean;
  /**
   * The pick view a read of this write takes with it: for a CAS, its comparison (Rs and the value
   * read). The write exists only because the comparison succeeded, so what depends on a read of it
   * depends on the CAS's read through a choice (herd7 aarch64deps.cat `pick-dtrm`; B2.3
   * "Pick-ordered-before"): later writes are ordered after it, reads are not. 0: none.
   */
  pick: number;
}

/** The read of an open exclusive pair (`Exbank`). */
interface ExclusiveRead {
  loc: number;
  ts: number;
  view: number;
}

/** Which accesses a barrier orders before which (`Barrier.dmb rr rw wr ww`): DMB SY/ISH/OSH = all four, DMB LD = rr rw, DMB ST = ww. */
export interface BarrierOrder {
  rr: boolean;
  rw: boolean;
  wr: boolean;
  ww: boolean;
}

export interface LocalSnapshot {
  coh: ReadonlyMap<number, number>;
  views: readonly number[];
  fwd: ReadonlyMap<number, Forward>;
  exbank: ExclusiveRead | undefined;
  promises: readonly number[];
}

export class ThreadLocal {
  coh = new Map<number, number>();
  vrn = 0;
  vwn = 0;
  vro = 0;
  vroRet = 0;
  vwo = 0;
  vcap = 0;
  vrel = 0;
  fwd = new Map<number, Forward>();
  /** The pick view of the last `read` (its message's `Forward.pick` when forwarded, else 0): read at once by the caller, not state. */
  readPick = 0;
  exbank: ExclusiveRead | undefined = undefined;
  /** Promised and not yet fulfilled, ascending. */
  promises: number[] = [];
  /**
   * `coh`, `fwd` and `promises` are shared with a snapshot (copy on write: `own` copies them before a change), so a
   * snapshot or a restore copies nothing.
   */
  private shared = false;
  /** Changes made to `coh`, `fwd` or `promises` in place (not by replacing them): part of what `digest`'s memo checks. */
  private changes = 0;
  /** `digest()`'s last result and what it was computed from (the same maps and values, no change since: the same digest). */
  private memo: DigestMemo | undefined = undefined;

  constructor(readonly tid: number) {}

  /** Copy the maps and the promises shared with a snapshot before changing them. */
  private own(): void {
    if (!this.shared) return;
    this.coh = new Map(this.coh);
    this.fwd = new Map(this.fwd);
    this.promises = this.promises.slice();
    this.shared = false;
  }

  cohOf(loc: number): number {
    return this.coh.get(loc) ?? 0;
  }

  /** The view every read of this kind starts from (`view_pre` of `Local.read`) given the view of its address. */
  readPre(addrView: number, kind: ReadKind): number {
    let v = addrView > this.vrn ? addrView : this.vrn;
    if (kind.order === ReadOrder.Acquire && this.vrel > v) v = this.vrel;
    return v;
  }

  /**
   * The timestamps a read of `loc` may read from, oldest first (`Local.read`,
   * conditions COH and LATEST): the newest message to `loc` at or before
   * max(coh(loc), view_pre), and every message to `loc` after it. Never empty.
   */
  readable(mem: MessageLog, loc: number, addrView: number, kind: ReadKind): number[] {
    const pre = this.readPre(addrView, kind);
    const coh = this.cohOf(loc);
    const bound = coh > pre ? coh : pre;
    const out = [mem.latestTs(loc, bound)];
    for (let t = bound + 1; t <= mem.length; t++) if (mem.get(t)!.loc === loc) out.push(t);
    return out;
  }

  /**
   * Read `loc` from the message at `ts` (one of `readable`): the view of the
   * value read (`view_post`), which the destination register carries.
   */
  read(mem: MessageLog, loc: number, ts: number, addrView: number, kind: ReadKind): number {
    const pre = this.readPre(addrView, kind);
    const f = this.fwd.get(loc);
    // Store forwarding (`FwdItem.read_view`): reading the thread's own last write to loc before it is seen by others.
    const forwarded = f !== undefined && f.ts === ts && !(f.ex && kind.order >= ReadOrder.AcquirePc);
    const msgView = forwarded ? f.view : ts;
    this.readPick = forwarded ? f.pick : 0;
    const post = pre > msgView ? pre : msgView;
    if (post > this.cohOf(loc)) {
      this.own();
      this.coh.set(loc, post);
      this.changes++;
    }
    if (kind.order >= ReadOrder.AcquirePc) {
      if (post > this.vrn) this.vrn = post;
      if (post > this.vwn) this.vwn = post;
    }
    if (post > this.vro) this.vro = post;
    if (kind.noReturn !== true && post > this.vroRet) this.vroRet = post;
    if (addrView > this.vcap) this.vcap = addrView;
    if (kind.exclusive === true) this.exbank = { loc, ts, view: post };
    return post;
  }

  /** The view a write must be placed after (`view_pre` of `Local.writable`). */
  writePre(addrView: number, dataView: number, kind: WriteKind): number {
    let v = addrView > dataView ? addrView : dataView;
    // An atomic's write is ordered after its read (B2.3 "Atomic-ordered-before": [M]; rmw; [M]).
    if (kind.atomic === true && this.exbank !== undefined && this.exbank.view > v) v = this.exbank.view;
    if (this.vcap > v) v = this.vcap;
    if (this.vwn > v) v = this.vwn;
    if (kind.order >= WriteOrder.ReleasePc) {
      if (this.vro > v) v = this.vro;
      if (this.vwo > v) v = this.vwo;
    }
    return v;
  }

  /**
   * Whether a write of `loc` may take timestamp `ts` (`Local.writable`): after
   * its view_pre and after coh(loc); an exclusive store also needs its
   * exclusive read and no other thread's write to `loc` in between.
   */
  writable(mem: MessageLog, loc: number, ts: number, addrView: number, dataView: number, kind: WriteKind): boolean {
    if (this.cohOf(loc) >= ts) return false;
    if (this.writePre(addrView, dataView, kind) >= ts) return false;
    if (kind.exclusive === true) {
      const eb = this.exbank;
      if (eb === undefined) return false;
      if (eb.loc === loc && !mem.exclusive(this.tid, loc, eb.ts, ts)) return false;
    }
    if (kind.atomic === true) {
      // Single-copy atomicity of the read-modify-write (B2.2 "Atomicity in the Arm architecture"; aarch64.cat `empty rmw & (fre; coe)`):
      // the write immediately follows, in the coherence order of `loc`, the write its read took.
      const eb = this.exbank;
      if (eb === undefined || eb.loc !== loc || mem.latestTs(loc, ts - 1) !== eb.ts) return false;
    }
    return true;
  }

  /** Promise a write (`Local.promise`): the message is appended now, and the thread owes a write that fulfils it. */
  promise(mem: MessageLog, loc: number, lo: number, hi: number): number {
    const ts = mem.append({ loc, lo, hi, tid: this.tid });
    this.own();
    this.promises.push(ts);
    this.changes++;
    return ts;
  }

  /** The promise at `ts` this write of (loc, value) may fulfil, in the order of `writable`. */
  fulfils(mem: MessageLog, ts: number, loc: number, lo: number, hi: number): boolean {
    const m = mem.get(ts);
    return m !== undefined && m.tid === this.tid && m.loc === loc && m.lo === lo && m.hi === hi && this.promises.includes(ts);
  }

  /** Fulfil the promise at `ts` (`Local.fulfill`): the caller checked `fulfils` and `writable`. */
  fulfil(loc: number, ts: number, addrView: number, dataView: number, kind: WriteKind, pick = 0): void {
    this.own();
    this.changes++;
    this.coh.set(loc, ts);
    if (ts > this.vwo) this.vwo = ts;
    if (addrView > this.vcap) this.vcap = addrView;
    if (kind.order === WriteOrder.Release && ts > this.vrel) this.vrel = ts;
    // An exclusive's or atomic's write is not forwarded to a later acquire (`FwdItem.read_view`): the acquire
    // then reads at the write's timestamp, after the atomic's read ([M]; rmw; lmrs; [A | Q] in B2.3).
    const ex = kind.exclusive === true || kind.atomic === true;
    this.fwd.set(loc, { ts, view: addrView > dataView ? addrView : dataView, ex, pick });
    if (ex) this.exbank = undefined;
    if (kind.ordersLater === true) {
      if (ts > this.vrn) this.vrn = ts;
      if (ts > this.vwn) this.vwn = ts;
    }
    this.promises = this.promises.filter((p) => p !== ts);
  }

  /**
   * A write that becomes visible at once (`run`'s policy): promise at the end
   * of the log and fulfil it in one step. Always writable for a plain or
   * release store (a new message is newer than every view); an exclusive
   * store that is not writable there fails instead (returns undefined).
   */
  writeNow(mem: MessageLog, loc: number, lo: number, hi: number, addrView: number, dataView: number, kind: WriteKind, pick = 0): number | undefined {
    const ts = mem.length + 1;
    if (!this.writable(mem, loc, ts, addrView, dataView, kind)) return undefined;
    mem.append({ loc, lo, hi, tid: this.tid });
    this.own();
    this.promises.push(ts);
    this.changes++;
    this.fulfil(loc, ts, addrView, dataView, kind, pick);
    return ts;
  }

  /** A failed store-exclusive (`Local.write_failure`): the exclusive pair is closed, nothing written. */
  writeFailure(): void {
    this.exbank = undefined;
  }

  /** DMB (`Local.dmb`). `ld` reads exclude the reads of "no return" atomics (see `vroRet`). */
  dmb(b: BarrierOrder): void {
    // DMB LD (no wr/ww) orders the reads that return a value; a full barrier orders every read.
    const vro = b.wr || b.ww ? this.vro : this.vroRet;
    let vrn = this.vrn;
    if (b.rr && vro > vrn) vrn = vro;
    if (b.wr && this.vwo > vrn) vrn = this.vwo;
    let vwn = this.vwn;
    if (b.rw && vro > vwn) vwn = vro;
    if (b.ww && this.vwo > vwn) vwn = this.vwo;
    this.vrn = vrn;
    this.vwn = vwn;
  }

  /** ISB (`Local.isb`): later reads wait for the earlier branches and addresses (control+ISB orders reads). */
  isb(): void {
    if (this.vcap > this.vrn) this.vrn = this.vcap;
  }

  /** A conditional branch on a value of view `v` (`Local.control`): later writes are ordered after it. */
  control(v: number): void {
    if (v > this.vcap) this.vcap = v;
  }

  snapshot(): LocalSnapshot {
    this.shared = true;
    return {
      coh: this.coh,
      views: [this.vrn, this.vwn, this.vro, this.vroRet, this.vwo, this.vcap, this.vrel],
      fwd: this.fwd,
      exbank: this.exbank,
      promises: this.promises,
    };
  }

  restore(s: LocalSnapshot): void {
    // Shared with the snapshot until changed (`own`).
    this.coh = s.coh as Map<number, number>;
    // (Indexed, not destructured: a restore is on the explorer's hot path, and destructuring goes through an iterator.)
    const v = s.views;
    this.vrn = v[0];
    this.vwn = v[1];
    this.vro = v[2];
    this.vroRet = v[3];
    this.vwo = v[4];
    this.vcap = v[5];
    this.vrel = v[6];
    this.fwd = s.fwd as Map<number, Forward>;
    this.exbank = s.exbank;
    this.promises = s.promises as number[];
    this.shared = true;
  }

  /**
   * Digest (53 bits) of the thread's local state: its views, `coh`, `fwd` (each by location, ascending), the open
   * exclusive read and the promises. Kept while nothing of it changed (a fingerprint of the machine hashes every
   * thread; a step changes one).
   */
  digest(): number {
    const m = this.memo;
    if (
      m !== undefined &&
      m.changes === this.changes &&
      m.coh === this.coh &&
      m.fwd === this.fwd &&
      m.promises === this.promises &&
      m.exbank === this.exbank &&
      m.vrn === this.vrn &&
      m.vwn === this.vwn &&
      m.vro === this.vro &&
      m.vroRet === this.vroRet &&
      m.vwo === this.vwo &&
      m.vcap === this.vcap &&
      m.vrel === this.vrel
    )
      return m.digest;
    const h = localLanes.reset(0x10ca_1000);
    h.word(this.tid).word(this.vrn).word(this.vwn).word(this.vro).word(this.vroRet).word(this.vwo).word(this.vcap).word(this.vrel);
    // By ascending location (a map's order is its insertion order, which two equal states need not share).
    for (const k of sortedKeys(this.coh)) h.num(k).word(this.coh.get(k)!);
    h.word(0xf0d0);
    for (const k of sortedKeys(this.fwd)) {
      const f = this.fwd.get(k)!;
      h.num(k).word(f.ts).word(f.view).word(f.ex ? 1 : 0).word(f.pick);
    }
    const e = this.exbank;
    h.word(e === undefined ? 0xe0 : 0xe1);
    if (e !== undefined) h.num(e.loc).word(e.ts).word(e.view);
    h.word(this.promises.length);
    for (const p of this.promises) h.word(p);
    const digest = h.value();
    this.memo = {
      changes: this.changes,
      coh: this.coh,
      fwd: this.fwd,
      promises: this.promises,
      exbank: this.exbank,
      vrn: this.vrn,
      vwn: this.vwn,
      vro: this.vro,
      vroRet: this.vroRet,
      vwo: this.vwo,
      vcap: this.vcap,
      vrel: this.vrel,
      digest,
    };
    return digest;
  }

  /** Fingerprint of the thread's local state (`digest`). */
  hashInto(h: FingerprintSink): void {
    const d = this.digest();
    h.word(d >>> 0);
    h.word(Math.floor(d / 4294967296) >>> 0);
  }
}

interface DigestMemo {
  changes: number;
  coh: ReadonlyMap<number, number>;
  fwd: ReadonlyMap<number, Forward>;
  promises: readonly number[];
  exbank: ExclusiveRead | undefined;
  vrn: number;
  vwn: number;
  vro: number;
  vroRet: number;
  vwo: number;
  vcap: number;
  vrel: number;
  digest: number;
}

/** `digest`'s running hash (not re-entered). */
const localLanes = new Lanes();

const keys: number[] = [];
const ascending = (a: number, b: number): number => a - b;

/** The keys of `m`, ascending, in an array reused by the next call (read at once; `digest` is not re-entered). */
function sortedKeys(m: ReadonlyMap<number, unknown>): readonly number[] {
  keys.length = 0;
  for (const k of m.keys()) keys.push(k);
  return keys.sort(ascending);
}
