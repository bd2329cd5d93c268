/**
 * Checkpoints of the PEs (time travel, exploration): everything architectural
 * and engine-visible about one PE, captured, restored and hashed. Other
 * components capture their own state (component/state.ts `Snapshottable`).
 */
import type { StateHasher } from '../component/state';
import type { Pe } from '../pe/pe';

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
