/**
 * What a component's state must offer the machine's checkpoints, time travel
 * and exploration (DESIGN.md "State that is cheap to fork"), and the hashing
 * every component uses for the machine's state fingerprint.
 *
 * A snapshot is an immutable capture: the component never mutates anything a
 * snapshot references, so the machine may restore the same snapshot any
 * number of times, and a component may share unchanged parts (pages, sets)
 * between successive snapshots and its live state — copy-on-write — as long
 * as it copies a shared part before it writes to it. A deep copy is the
 * simplest implementation that honours this.
 */

import { digest, FingerprintSum, fmix32, laneA, laneB, stepA, stepB } from './fingerprint';

export interface Snapshottable {
  snapshot(): unknown;
  restore(s: unknown): void;
  /** Optional fingerprint of the component's state, folded into `Machine.stateHash()` (exploration, determinism tests). */
  stateHash?(): number;
  /**
   * Optional fingerprint for exploration (`Machine.stateHash({ steps })`), when
   * it may merge more states than `stateHash` does (states that differ only in
   * what no future step can tell apart); else `stateHash` is used.
   */
  explorationHash?(): number;
}

export function isSnapshottable(x: unknown): x is Snapshottable {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Snapshottable).snapshot === 'function' &&
    typeof (x as Snapshottable).restore === 'function'
  );
}

/**
 * A running fingerprint of a sequence of values (53 bits, the two lanes of
 * component/fingerprint.ts): the structural hash of snapshots and small
 * state. 53 bits like every other part of `Machine.stateHash()`, so that a
 * component hashed this way does not make collisions likelier over the
 * millions of states an exploration visits.
 */
export class StateHasher {
  private a = 0x811c_9dc5 | 0;
  private b = 0x6c62_272e | 0;
  /** Start over (a hasher reused for another value). */
  reset(): this {
    this.a = 0x811c_9dc5 | 0;
    this.b = 0x6c62_272e | 0;
    return this;
  }
  word(w: number): this {
    this.a = stepA(this.a, w);
    this.b = stepB(this.b, w);
    return this;
  }
  num(x: number): this {
    // Numbers here are integers up to 2^64 in magnitude: hash both halves.
    this.word(x >>> 0);
    return this.word(Math.floor(x / 4294967296) >>> 0);
  }
  big(x: bigint): this {
    const u = BigInt.asUintN(64, x);
    this.word(Number(u & 0xffffffffn));
    return this.word(Number(u >> 32n));
  }
  str(s: string): this {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    return this;
  }
  /** Fold another fingerprint (53 bits) in. */
  hash(x: number): this {
    return this.word(laneA(x)).word(laneB(x));
  }
  bytes(b: Uint8Array): this {
    const n = b.length;
    let i = 0;
    for (; i + 4 <= n; i += 4) this.word(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
    let tail = 0;
    for (let k = 0; i < n; i++, k += 8) tail |= b[i] << k;
    return this.word(tail).word(n);
  }
  value(): number {
    return digest(fmix32(this.a >>> 0), fmix32(this.b >>> 0));
  }
}

/**
 * Structural hash of plain snapshot data, for components that implement
 * `Snapshottable` without their own `stateHash` (the machine hashes their
 * `snapshot()`). Object keys are taken in sorted order and Map/Set entries
 * are combined order-independently, so equal states hash equally whatever
 * order their entries were inserted in. Functions are skipped (instructions'
 * closures); shared objects are hashed at each reference, cycles once.
 */
export function hashValue(h: StateHasher, v: unknown, path: Set<object> = new Set()): void {
  switch (typeof v) {
    case 'undefined':
      h.word(0x7f00_0001);
      return;
    case 'boolean':
      h.word(v ? 0x7f00_0002 : 0x7f00_0003);
      return;
    case 'number':
      if (Number.isInteger(v)) h.num(v);
      else h.str(String(v));
      return;
    case 'bigint':
      h.big(v).word(Number(BigInt.asUintN(32, v >> 64n)));
      return;
    case 'string':
      h.word(v.length).str(v);
      return;
    case 'function':
    case 'symbol':
      return;
  }
  if (v === null) {
    h.word(0x7f00_0004);
    return;
  }
  const o = v as object;
  if (ArrayBuffer.isView(o)) {
    h.word(o.byteLength).bytes(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
    return;
  }
  if (path.has(o)) return;
  path.add(o);
  if (Array.isArray(o)) {
    h.word(o.length);
    for (const x of o) hashValue(h, x, path);
  } else if (o instanceof Map || o instanceof Set) {
    // Entries in any order: an order-independent sum of their fingerprints.
    const sum = new FingerprintSum();
    for (const entry of o instanceof Map ? o.entries() : o.values()) {
      const sub = new StateHasher();
      if (o instanceof Map) {
        const [k, x] = entry as [unknown, unknown];
        hashValue(sub, k, path);
        hashValue(sub, x, path);
      } else hashValue(sub, entry, path);
      sum.add(0, sub.value());
    }
    h.word(o.size).hash(sum.value(o.size));
  } else {
    const rec = o as Record<string, unknown>;
    for (const k of Object.keys(rec).sort()) {
      h.str(k);
      hashValue(h, rec[k], path);
    }
  }
  path.delete(o);
}

/** A component's fingerprint: its own `stateHash()`, else the structural hash of its snapshot. */
export function componentHash(c: Snapshottable): number {
  if (c.stateHash !== undefined) return c.stateHash();
  const h = new StateHasher();
  hashValue(h, c.snapshot());
  return h.value();
}
