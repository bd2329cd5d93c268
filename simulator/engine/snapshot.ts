/**
 * Checkpoints for time travel (step back, reverse continue, go to step N).
 *
 * Components outside the engine (MMU TLBs, cache hierarchy, GIC, firmware)
 * take part by implementing `Snapshottable`; the machine snapshots every
 * component it was given that does. A snapshot must be a deep copy: the
 * machine may restore the same snapshot several times.
 */
import type { Pe } from '../pe/pe';

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

/** Everything architectural and engine-visible about one PE. */
export interface PeSnapshot {
  xlo: Uint32Array;
  xhi: Uint32Array;
  splo: Uint32Array;
  sphi: Uint32Array;
  pc: number;
  nextPc: number;
  flags: number[];
  sysregs: Map<string, bigint>;
  state: Pe['state'];
  stopReason?: string;
  instret: number;
  exclusivePa: number;
  exclusiveSize: number;
  eventRegister: number;
  lines: boolean[];
}

export function snapshotPe(pe: Pe): PeSnapshot {
  return {
    xlo: pe.xlo.slice(),
    xhi: pe.xhi.slice(),
    splo: pe.splo.slice(),
    sphi: pe.sphi.slice(),
    pc: pe.pc,
    nextPc: pe.nextPc,
    flags: [pe.n, pe.z, pe.c, pe.v, pe.d, pe.a, pe.i, pe.f, pe.el, pe.spsel, pe.il, pe.pstateOther],
    sysregs: new Map(pe.sysregs),
    state: pe.state,
    stopReason: pe.stopReason,
    instret: pe.instret,
    exclusivePa: pe.exclusivePa,
    exclusiveSize: pe.exclusiveSize,
    eventRegister: pe.eventRegister,
    lines: [pe.irqLine, pe.fiqLine, pe.virqLine, pe.vfiqLine, pe.serrorLine],
  };
}

export function restorePe(pe: Pe, s: PeSnapshot): void {
  pe.xlo.set(s.xlo);
  pe.xhi.set(s.xhi);
  pe.splo.set(s.splo);
  pe.sphi.set(s.sphi);
  pe.pc = s.pc;
  pe.nextPc = s.nextPc;
  const f = s.flags;
  pe.n = f[0];
  pe.z = f[1];
  pe.c = f[2];
  pe.v = f[3];
  pe.d = f[4];
  pe.a = f[5];
  pe.i = f[6];
  pe.f = f[7];
  pe.el = f[8] as Pe['el'];
  pe.spsel = f[9];
  pe.il = f[10];
  pe.pstateOther = f[11];
  pe.sysregs.clear();
  for (const [k, v] of s.sysregs) pe.sysregs.set(k, v);
  // Derived-configuration caches (MMU regime, routing) must recompute.
  pe.sysregGen++;
  pe.state = s.state;
  pe.stopReason = s.stopReason;
  pe.instret = s.instret;
  pe.exclusivePa = s.exclusivePa;
  pe.exclusiveSize = s.exclusiveSize;
  pe.eventRegister = s.eventRegister;
  [pe.irqLine, pe.fiqLine, pe.virqLine, pe.vfiqLine] = s.lines;
  pe.serrorLine = s.lines[4] ?? false;
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

/** Every field `snapshotPe` captures: two PEs with equal hashes behave the same from here on. */
export function hashPe(h: StateHasher, pe: Pe): void {
  for (let i = 0; i < 31; i++) h.word(pe.xlo[i]).word(pe.xhi[i]);
  for (let i = 0; i < 4; i++) h.word(pe.splo[i]).word(pe.sphi[i]);
  h.num(pe.pc).num(pe.nextPc).word(pe.nzcv()).word(pe.daif()).word(pe.el).word(pe.spsel).word(pe.il).word(pe.pstateOther);
  h.word(pe.instret).str(pe.state).str(pe.stopReason ?? '');
  // Exclusive monitor, event register and interrupt lines decide what the next LDXR/STXR, WFE and step do.
  h.num(pe.exclusivePa).word(pe.exclusiveSize).word(pe.eventRegister);
  h.word((pe.irqLine ? 1 : 0) | (pe.fiqLine ? 2 : 0) | (pe.virqLine ? 4 : 0) | (pe.vfiqLine ? 8 : 0) | (pe.serrorLine ? 16 : 0));
  const names = [...pe.sysregs.keys()].sort();
  for (const n of names) h.str(n).big(pe.sysregs.get(n)!);
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
