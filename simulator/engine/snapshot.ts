/**
 * Checkpoints of the PEs (time travel, exploration): everything architectural
 * and engine-visible about one PE, captured, restored and fingerprinted. Other
 * components capture their own state (component/state.ts `Snapshottable`).
 *
 * System registers change rarely: their capture and digest are reused while
 * the register map's version (component/versionedMap.ts) has not moved, so a
 * checkpoint or fingerprint of a PE costs its general registers and flags.
 */
import { digest, digestString, FingerprintSum, Lanes } from '../component/fingerprint';
import type { Pe } from '../pe/pe';
import { freshSysregGen } from '../pe/sysregGen';

/** Everything architectural and engine-visible about one PE. */
export interface PeSnapshot {
  xlo: Uint32Array;
  xhi: Uint32Array;
  splo: Uint32Array;
  sphi: Uint32Array;
  pc: number;
  nextPc: number;
  flags: number[];
  /** Shared between captures while unchanged: never mutate. */
  sysregs: ReadonlyMap<string, bigint>;
  state: Pe['state'];
  stopReason?: string;
  instret: number;
  exclusivePa: number;
  exclusiveSize: number;
  eventRegister: number;
  lines: boolean[];
}

/** Per PE: the last capture of its system registers, and their digest, with the map version they hold for. */
const sysregCaptures = new WeakMap<Pe, { version: number; map: ReadonlyMap<string, bigint> }>();
const sysregDigests = new WeakMap<Pe, { version: number; digest: number }>();

/** The `sysregGen` each capture's registers had: restoring the capture hands it back (pe.ts `freshSysregGen`). */
const captureGens = new WeakMap<ReadonlyMap<string, bigint>, number>();

function captureSysregs(pe: Pe): ReadonlyMap<string, bigint> {
  const last = sysregCaptures.get(pe);
  if (last !== undefined && last.version === pe.sysregs.version) return last.map;
  const map = new Map(pe.sysregs);
  sysregCaptures.set(pe, { version: pe.sysregs.version, map });
  captureGens.set(map, pe.sysregGen);
  return map;
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
    sysregs: captureSysregs(pe),
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
  const last = sysregCaptures.get(pe);
  // The live registers already are this capture (nothing written since it was taken or restored): keep them,
  // and the configuration derived from them (MMU regime, routing, keyed by `sysregGen`). Else replace both.
  if (last === undefined || last.map !== s.sysregs || last.version !== pe.sysregs.version) {
    pe.sysregs.clear();
    for (const [k, v] of s.sysregs) pe.sysregs.set(k, v);
    sysregCaptures.set(pe, { version: pe.sysregs.version, map: s.sysregs });
    // The generation these registers had when captured (a generation names one content: what was derived for it
    // — MMU regime, micro-TLB, routing — holds again), or a fresh one.
    let gen = captureGens.get(s.sysregs);
    if (gen === undefined) captureGens.set(s.sysregs, (gen = freshSysregGen()));
    pe.sysregGen = gen;
  }
  pe.state = s.state;
  pe.stopReason = s.stopReason;
  pe.instret = s.instret;
  pe.exclusivePa = s.exclusivePa;
  pe.exclusiveSize = s.exclusiveSize;
  pe.eventRegister = s.eventRegister;
  [pe.irqLine, pe.fiqLine, pe.virqLine, pe.vfiqLine] = s.lines;
  pe.serrorLine = s.lines[4] ?? false;
}

/** Digests of register captures (immutable): a state restored again (exploration) does not rehash its registers. */
const captureDigests = new WeakMap<ReadonlyMap<string, bigint>, number>();

/**
 * The capture the PE's system registers currently equal (nothing written since
 * it was taken or restored), if any: an immutable object that identifies their
 * values, for caches of what is derived from them.
 */
export function sysregsIdentity(pe: Pe): object | undefined {
  const cap = sysregCaptures.get(pe);
  return cap !== undefined && cap.version === pe.sysregs.version ? cap.map : undefined;
}

/** Digest of the system registers: an order-independent sum over (name, value), recomputed only after a change. */
function sysregDigest(pe: Pe): number {
  const last = sysregDigests.get(pe);
  if (last !== undefined && last.version === pe.sysregs.version) return last.digest;
  const cap = sysregsIdentity(pe) as ReadonlyMap<string, bigint> | undefined;
  let d = cap === undefined ? undefined : captureDigests.get(cap);
  if (d === undefined) {
    const sum = new FingerprintSum();
    for (const [name, v] of pe.sysregs) {
      const u = BigInt.asUintN(64, v);
      sum.add(digestString(name), digest(Number(u & 0xffff_ffffn), Number(u >> 32n)));
    }
    d = sum.value(pe.sysregs.size);
    if (cap !== undefined) captureDigests.set(cap, d);
  }
  sysregDigests.set(pe, { version: pe.sysregs.version, digest: d });
  return d;
}

const peLanes = new Lanes();

/**
 * Digest (53 bits) of every field `snapshotPe` captures: two PEs with equal
 * digests behave the same from here on. `instret` false leaves out the count
 * of retired instructions, which nothing architectural depends on (an
 * explorer merges a spin loop's iterations; engine/events.ts keeps its own
 * "fired on this arrival" flag for reach events).
 */
export function digestPe(pe: Pe, instret = true): number {
  const h = peLanes.reset(0x9e00 + pe.id);
  for (let i = 0; i < 31; i++) h.word(pe.xlo[i]).word(pe.xhi[i]);
  for (let i = 0; i < 4; i++) h.word(pe.splo[i]).word(pe.sphi[i]);
  h.num(pe.pc).num(pe.nextPc).word(pe.nzcv()).word(pe.daif()).word(pe.el).word(pe.spsel).word(pe.il).word(pe.pstateOther);
  if (instret) h.num(pe.instret);
  h.digest(digestString(pe.state)).digest(digestString(pe.stopReason ?? ''));
  // Exclusive monitor, event register and interrupt lines decide what the next LDXR/STXR, WFE and step do.
  h.num(pe.exclusivePa).word(pe.exclusiveSize).word(pe.eventRegister);
  h.word((pe.irqLine ? 1 : 0) | (pe.fiqLine ? 2 : 0) | (pe.virqLine ? 4 : 0) | (pe.vfiqLine ? 8 : 0) | (pe.serrorLine ? 16 : 0));
  h.digest(sysregDigest(pe));
  return h.value();
}
