/**
 * The visited set (DESIGN.md "explore mode … searched with state hashing"):
 * the fingerprints of the states an exploration has expanded, each with the
 * *sleep mask* it was expanded with (search.ts: which of its enabled actions
 * it did not take because the reduction showed them redundant). Compact: an
 * open-addressing table of 53-bit fingerprints in a Float64Array and two
 * 32-bit mask words per slot — 16 bytes a slot, no JavaScript object per
 * state.
 *
 * A fingerprint is a hash: two different states with equal fingerprints are
 * merged (the second is taken for the first). With 53 bits and a million
 * states the chance that any two collide is about 10^-4 (birthday bound
 * n²/2^54); docs/explore.md says so.
 *
 * `SharedVisitedSet` is the same table in shared memory for parallel search
 * (parallel.ts): slots claimed with compare-and-exchange, masks narrowed with
 * atomic AND, so workers never lose an insertion or an exploration.
 */

/** Bytes per slot: an 8-byte fingerprint and two 4-byte mask words. */
export const SLOT_BYTES = 16;

/** What a lookup says about a state. */
export interface Visit {
  /** First visit: expand every enabled action not asleep. */
  fresh: boolean;
  /**
   * Revisit: actions (mask bits) that were asleep at an earlier visit but are
   * awake now — they must be taken now (the earlier visit skipped them).
   */
  wake0: number;
  wake1: number;
}

/** The interface the search uses (sequential or shared). */
export interface Visited {
  /** Record a visit of `hash` with sleep mask (m0, m1); undefined when the table is full (the state bound). */
  visit(hash: number, m0: number, m1: number): Visit | undefined;
  /**
   * `hash` was expanded before with no action asleep (mask 0): a revisit wakes nothing, whatever its own mask, and
   * changes nothing (the search need not expand it). Optional: false when unknown.
   */
  takenAll?(hash: number): boolean;
  readonly size: number;
  readonly bytes: number;
}

function pow2AtLeast(n: number): number {
  let c = 16;
  while (c < n) c *= 2;
  return c;
}

export class VisitedSet implements Visited {
  private keys: Float64Array;
  private masks: Uint32Array;
  private count = 0;

  /** @param limit the most states it may hold (the `max-states` bound): it grows up to twice that many slots. */
  constructor(private readonly limit: number) {
    // Small at first (most explorations are small: litmus tests visit tens of states); it doubles as it fills.
    const cap = pow2AtLeast(Math.min(limit * 2, 1 << 10));
    this.keys = new Float64Array(cap);
    this.masks = new Uint32Array(cap * 2);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.keys.length * SLOT_BYTES;
  }

  visit(hash: number, m0: number, m1: number): Visit | undefined {
    // Slot key = fingerprint + 1 (0 marks an empty slot; fingerprints are below 2^53, so +1 stays exact).
    const key = hash + 1;
    const mask = this.keys.length - 1;
    let i = (hash % 4294967296 ^ Math.floor(hash / 4294967296)) & mask;
    for (;;) {
      const k = this.keys[i];
      if (k === 0) break;
      if (k === key) {
        const o0 = this.masks[2 * i];
        const o1 = this.masks[2 * i + 1];
        this.masks[2 * i] = o0 & m0;
        this.masks[2 * i + 1] = o1 & m1;
        return { fresh: false, wake0: (o0 & ~m0) >>> 0, wake1: (o1 & ~m1) >>> 0 };
      }
      i = (i + 1) & mask;
    }
    if (this.count >= this.limit) return undefined;
    this.keys[i] = key;
    this.masks[2 * i] = m0;
    this.masks[2 * i + 1] = m1;
    this.count++;
    if (this.count * 2 > this.keys.length) this.grow();
    return { fresh: true, wake0: 0, wake1: 0 };
  }

  takenAll(hash: number): boolean {
    const key = hash + 1;
    const mask = this.keys.length - 1;
    let i = (hash % 4294967296 ^ Math.floor(hash / 4294967296)) & mask;
    for (;;) {
      const k = this.keys[i];
      if (k === 0) return false;
      if (k === key) return this.masks[2 * i] === 0 && this.masks[2 * i + 1] === 0;
      i = (i + 1) & mask;
    }
  }

  /** Every state held, with its sleep mask (parallel.ts hands the main thread's states to the shared set). */
  forEach(f: (hash: number, m0: number, m1: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== 0) f(this.keys[i] - 1, this.masks[2 * i], this.masks[2 * i + 1]);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldMasks = this.masks;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.masks = new Uint32Array(oldMasks.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j];
      if (key === 0) continue;
      const hash = key - 1;
      let i = (hash % 4294967296 ^ Math.floor(hash / 4294967296)) & mask;
      while (this.keys[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = key;
      this.masks[2 * i] = oldMasks[2 * j];
      this.masks[2 * i + 1] = oldMasks[2 * j + 1];
    }
  }
}

/**
 * The visited set in shared memory (worker threads): fixed capacity (twice the
 * state bound, a power of two), fingerprints as 64-bit integers claimed with
 * `Atomics.compareExchange`, masks narrowed with `Atomics.and`. The count is a
 * shared 32-bit counter.
 */
export class SharedVisitedSet implements Visited {
  private readonly keys: BigInt64Array;
  private readonly masks: Int32Array;
  private readonly counter: Int32Array;
  private readonly capacity: number;

  /** The shared buffers for `limit` states (pass them to the workers). */
  static buffers(limit: number): { keys: SharedArrayBuffer; masks: SharedArrayBuffer; counter: SharedArrayBuffer } {
    const cap = pow2AtLeast(limit * 2);
    return { keys: new SharedArrayBuffer(cap * 8), masks: new SharedArrayBuffer(cap * 8), counter: new SharedArrayBuffer(4) };
  }

  constructor(
    buffers: { keys: SharedArrayBuffer; masks: SharedArrayBuffer; counter: SharedArrayBuffer },
    private readonly limit: number,
  ) {
    this.keys = new BigInt64Array(buffers.keys);
    this.masks = new Int32Array(buffers.masks);
    this.counter = new Int32Array(buffers.counter);
    this.capacity = this.keys.length;
  }

  get size(): number {
    return Atomics.load(this.counter, 0);
  }

  get bytes(): number {
    return this.capacity * SLOT_BYTES;
  }

  visit(hash: number, m0: number, m1: number): Visit | undefined {
    const key = BigInt(hash + 1);
    const mask = this.capacity - 1;
    let i = (hash % 4294967296 ^ Math.floor(hash / 4294967296)) & mask;
    for (let probes = 0; probes < this.capacity; probes++) {
      const k = Atomics.load(this.keys, i);
      if (k === 0n) {
        if (Atomics.add(this.counter, 0, 1) >= this.limit) {
          Atomics.sub(this.counter, 0, 1);
          return undefined;
        }
        // Masks are written before the key is published; a reader that finds the key sees them
        // (or all-ones: the slot's masks start at ~0 and only narrow).
        const prev = Atomics.compareExchange(this.keys, i, 0n, key);
        if (prev === 0n) {
          Atomics.and(this.masks, 2 * i, m0 | 0);
          Atomics.and(this.masks, 2 * i + 1, m1 | 0);
          return { fresh: true, wake0: 0, wake1: 0 };
        }
        Atomics.sub(this.counter, 0, 1);
        if (prev === key) return this.revisit(i, m0, m1);
      } else if (k === key) return this.revisit(i, m0, m1);
      i = (i + 1) & mask;
    }
    return undefined;
  }

  private revisit(i: number, m0: number, m1: number): Visit {
    const o0 = Atomics.and(this.masks, 2 * i, m0 | 0) >>> 0;
    const o1 = Atomics.and(this.masks, 2 * i + 1, m1 | 0) >>> 0;
    return { fresh: false, wake0: (o0 & ~m0) >>> 0, wake1: (o1 & ~m1) >>> 0 };
  }

  /** Every slot's masks start at all-ones (nothing known asleep narrows them). */
  static initMasks(buffers: { masks: SharedArrayBuffer }): void {
    new Int32Array(buffers.masks).fill(-1);
  }
}

/**
 * The visited set of a search that may go parallel (parallel.ts): this
 * thread's `VisitedSet` (small, growing) until `share()`, which moves its
 * states into a `SharedVisitedSet` for the worker threads and goes on with
 * that one — so a search that never starts workers costs what a sequential one
 * costs.
 */
export class SharableVisited implements Visited {
  private local: VisitedSet | undefined;
  private shared: SharedVisitedSet | undefined;

  constructor(private readonly limit: number) {
    this.local = new VisitedSet(limit);
  }

  visit(hash: number, m0: number, m1: number): Visit | undefined {
    return this.shared !== undefined ? this.shared.visit(hash, m0, m1) : this.local!.visit(hash, m0, m1);
  }

  /** Before sharing only (the shared table's masks change under other threads: unknown). */
  takenAll(hash: number): boolean {
    return this.local !== undefined && this.local.takenAll(hash);
  }

  get size(): number {
    return (this.shared ?? this.local!).size;
  }

  get bytes(): number {
    return (this.shared ?? this.local!).bytes;
  }

  /** Move to shared memory (once): the buffers to hand the workers. */
  share(): { keys: SharedArrayBuffer; masks: SharedArrayBuffer; counter: SharedArrayBuffer } {
    const buffers = SharedVisitedSet.buffers(this.limit);
    SharedVisitedSet.initMasks(buffers);
    const shared = new SharedVisitedSet(buffers, this.limit);
    this.local?.forEach((hash, m0, m1) => shared.visit(hash, m0, m1));
    this.shared = shared;
    this.local = undefined;
    return buffers;
  }
}
