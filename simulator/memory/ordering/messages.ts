/**
 * The memory of the Promising-ARM model (Pulte, Pichon-Pharabod, Kang, Lee,
 * Hur: "Promising-ARM/RISC-V: a simpler and faster operational concurrency
 * model", PLDI 2019, §3 "Memory"): a list of write *messages*. A message's
 * timestamp is its position in the list counted from 1; timestamp 0 stands
 * for the initial value of every location. The order of the messages to one
 * location is that location's coherence order (Arm ARM B2.3
 * "Coherence order"), and the list as a whole is a linearisation consistent with it: in
 * ARMv8's other-multi-copy-atomic architecture a write becomes visible to
 * every other observer at once, so one list for all PEs is exact.
 *
 * Locations are the physical addresses of naturally aligned accesses of one
 * size (the model has no mixed-size accesses; callers refuse them).
 */
import { digest, fmix32, stepA, stepB } from '../../component/fingerprint';

/**
 * Where a fingerprint goes: 32-bit words and integers of up to 53 bits (the machine's state
 * hashers, `StateHasher` in component/state.ts, have this shape).
 */
export interface FingerprintSink {
  word(w: number): unknown;
  num(x: number): unknown;
}

/** A write message: location, the value written (64 bits as halves), the PE (thread) that wrote it. */
export interface Message {
  readonly loc: number;
  readonly lo: number;
  readonly hi: number;
  readonly tid: number;
}

/** Initial value of a location (timestamp 0). */
export type InitialValue = (loc: number) => { lo: number; hi: number };

/** Upper bound on messages in one execution: every execution of a bounded program writes a bounded number of times. */
export const MAX_MESSAGES = 4096;

/**
 * A message as the log keeps it: with the two hash lanes of the list up to and including it (`a`, `b`), so the
 * fingerprint of a list is its last entry's (`hashInto` costs one step, not one per message). An entry never
 * changes and sits at one position of one prefix (lists share prefixes, never rewrite them): its lanes stay valid.
 */
interface Entry extends Message {
  readonly a: number;
  readonly b: number;
}

/** The lanes of the empty list. */
const EMPTY_A = 0x6d65_7367;
const EMPTY_B = 0x4c6f_6721;

/** Fold one value into a pair of lanes (lane A in `out[0]`, lane B in `out[1]`). */
function fold(a: number, b: number, w: number, out: [number, number]): void {
  out[0] = stepA(a, w);
  out[1] = stepB(b, w);
}

const lanes: [number, number] = [0, 0];

export class MessageLog {
  /** Immutable prefix sharing: `append` never rewrites an entry, so a snapshot is the array and its length. */
  private msgs: Entry[] = [];
  private shared = false;

  constructor(private readonly initial: InitialValue) {}

  /** Timestamp of the newest message (0 when none). */
  get length(): number {
    return this.msgs.length;
  }

  /** Append a message at the end (Promising-ARM `Memory.append`): its timestamp. */
  append(m: Message): number {
    if (this.msgs.length >= MAX_MESSAGES) throw new RangeError(`more than ${MAX_MESSAGES} writes in one execution under the memory model`);
    if (this.shared) {
      this.msgs = this.msgs.slice();
      this.shared = false;
    }
    const n = this.msgs.length;
    const prev = n > 0 ? this.msgs[n - 1] : undefined;
    // The location (up to 53 bits) as two words, the value's halves and the writer, folded into the prefix's lanes.
    fold(prev?.a ?? EMPTY_A, prev?.b ?? EMPTY_B, m.loc >>> 0, lanes);
    fold(lanes[0], lanes[1], Math.floor(m.loc / 4294967296) >>> 0, lanes);
    fold(lanes[0], lanes[1], m.lo, lanes);
    fold(lanes[0], lanes[1], m.hi, lanes);
    fold(lanes[0], lanes[1], m.tid, lanes);
    this.msgs.push({ loc: m.loc, lo: m.lo, hi: m.hi, tid: m.tid, a: lanes[0], b: lanes[1] });
    return this.msgs.length;
  }

  /** The message at timestamp `ts` (1-based); undefined for 0 and beyond the end. */
  get(ts: number): Message | undefined {
    return ts >= 1 ? this.msgs[ts - 1] : undefined;
  }

  /** Value a read of `loc` at timestamp `ts` returns (`Memory.read`): the message's, or the initial value at 0. */
  valueAt(loc: number, ts: number): { lo: number; hi: number } {
    const m = this.get(ts);
    return m === undefined ? this.initial(loc) : m;
  }

  /** Timestamp of the newest message to `loc` at or before `to` (`Memory.latest_ts`), 0 when there is none. */
  latestTs(loc: number, to: number): number {
    for (let t = Math.min(to, this.msgs.length); t >= 1; t--) if (this.msgs[t - 1].loc === loc) return t;
    return 0;
  }

  /** No message to `loc` in (from, to] (`Memory.latest`): `from` is still the newest write to `loc` as of `to`. */
  latest(loc: number, from: number, to: number): boolean {
    return this.latestTs(loc, to) <= from;
  }

  /** No message to `loc` by another thread in (from, to] (`Memory.exclusive`): an exclusive pair is still atomic. */
  exclusive(tid: number, loc: number, from: number, to: number): boolean {
    for (let t = from + 1; t <= Math.min(to, this.msgs.length); t++) {
      const m = this.msgs[t - 1];
      if (m.loc === loc && m.tid !== tid) return false;
    }
    return true;
  }

  /** Timestamps of the messages to `loc`, oldest first (0, the initial value, not included). */
  timestampsOf(loc: number): number[] {
    const out: number[] = [];
    for (let t = 1; t <= this.msgs.length; t++) if (this.msgs[t - 1].loc === loc) out.push(t);
    return out;
  }

  /** Capture (immutable): entries are never rewritten, so the array is shared until the next append. */
  snapshot(): readonly Message[] {
    this.shared = true;
    return this.msgs;
  }

  restore(s: readonly Message[]): void {
    this.msgs = s as Entry[];
    this.shared = true;
  }

  /**
   * Digest (53 bits) of the whole list, order included (it is the coherence order): every message's location, value
   * and writer, chained from the first, kept with the newest entry (`Entry`).
   */
  digest(): number {
    const n = this.msgs.length;
    if (n === 0) return digest(fmix32(EMPTY_A >>> 0), fmix32(EMPTY_B >>> 0));
    const last = this.msgs[n - 1];
    return digest(fmix32((last.a ^ n) >>> 0), fmix32((last.b + n) >>> 0));
  }

  /** Fingerprint of the whole list (`digest`). */
  hashInto(h: FingerprintSink): void {
    const d = this.digest();
    h.word(d >>> 0);
    h.word(Math.floor(d / 4294967296) >>> 0);
  }
}
