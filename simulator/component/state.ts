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

export interface Snapshottable {
  snapshot(): unknown;
  restore(s: unknown): void;
  /** Optional fingerprint of the component's state, folded into `Machine.stateHash()` (exploration, determinism tests). */
  stateHash?(): number;
}

export function isSnapshottable(x: unknown): x is Snapshottable {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Snapshottable).snapshot === 'function' &&
    typeof (x as Snapshottable).restore === 'function'
  );
}

/** FNV-1a over 32-bit words: a cheap fingerprint of state for determinism tests and exploration. */
export class StateHasher {
  private h = 0x811c9dc5;
  word(w: number): this {
    let h = this.h;
    for (let i = 0; i < 4; i++) {
      h ^= (w >>> (8 * i)) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
    this.h = h >>> 0;
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
  /** Fold another fingerprint in. */
  hash(x: number): this {
    return this.word(x);
  }
  bytes(b: Uint8Array): this {
    let h = this.h;
    for (let i = 0; i < b.length; i++) {
      h ^= b[i];
      h = Math.imul(h, 0x01000193);
    }
    this.h = h >>> 0;
    return this;
  }
  value(): number {
    return this.h >>> 0;
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
    let sum = 0;
    let xor = 0;
    for (const entry of o instanceof Map ? o.entries() : o.values()) {
      const sub = new StateHasher();
      if (o instanceof Map) {
        const [k, x] = entry as [unknown, unknown];
        hashValue(sub, k, path);
        hashValue(sub, x, path);
      } else hashValue(sub, entry, path);
      sum = (sum + sub.value()) >>> 0;
      xor = (xor ^ Math.imul(sub.value(), 0x9e37_79b1)) >>> 0;
    }
    h.word(o.size).word(sum).word(xor);
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
