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
    lines: [pe.irqLine, pe.fiqLine, pe.virqLine, pe.vfiqLine],
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

export function hashPe(h: StateHasher, pe: Pe): void {
  for (let i = 0; i < 31; i++) h.word(pe.xlo[i]).word(pe.xhi[i]);
  for (let i = 0; i < 4; i++) h.word(pe.splo[i]).word(pe.sphi[i]);
  h.num(pe.pc).word(pe.nzcv()).word(pe.daif()).word(pe.el).word(pe.spsel).word(pe.instret).str(pe.state);
  const names = [...pe.sysregs.keys()].sort();
  for (const n of names) h.str(n).big(pe.sysregs.get(n)!);
}
