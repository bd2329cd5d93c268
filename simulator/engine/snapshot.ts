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

/**
 * Everything architectural and engine-visible about one PE. The numbers are
 * packed in one array (`regs`: one allocation per PE per capture, the
 * explorer's hot path): X0–X30 low and high words, SP_EL0–SP_EL3 low and high
 * words, then the flags (`FLAGS`).
 */
export interface PeSnapshot {
  regs: Float64Array;
  /** Shared between captures while unchanged: never mutate. */
  sysregs: ReadonlyMap<string, bigint>;
  state: Pe['state'];
  stopReason?: string;
}

/** Offsets in `PeSnapshot.regs`. */
const XHI = 31;
const SPLO = 62;
const SPHI = 66;
const FLAGS = 70;
const PC = FLAGS + 12;
const NEXT_PC = PC + 1;
const INSTRET = PC + 2;
const EXCLUSIVE_PA = PC + 3;
const EXCLUSIVE_SIZE = PC + 4;
const EVENT_REGISTER = PC + 5;
const LINES = PC + 6;
const REGS = LINES + 1;

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

/** Write the PE's numeric fields into `r` (REGS numbers, `PeSnapshot.regs`'s layout). */
function pack(pe: Pe, r: Float64Array): void {
  const xlo = pe.xlo;
  const xhi = pe.xhi;
  for (let i = 0; i < 31; i++) {
    r[i] = xlo[i];
    r[XHI + i] = xhi[i];
  }
  for (let i = 0; i < 4; i++) {
    r[SPLO + i] = pe.splo[i];
    r[SPHI + i] = pe.sphi[i];
  }
  r[FLAGS] = pe.n;
  r[FLAGS + 1] = pe.z;
  r[FLAGS + 2] = pe.c;
  r[FLAGS + 3] = pe.v;
  r[FLAGS + 4] = pe.d;
  r[FLAGS + 5] = pe.a;
  r[FLAGS + 6] = pe.i;
  r[FLAGS + 7] = pe.f;
  r[FLAGS + 8] = pe.el;
  r[FLAGS + 9] = pe.spsel;
  r[FLAGS + 10] = pe.il;
  r[FLAGS + 11] = pe.pstateOther;
  r[PC] = pe.pc;
  r[NEXT_PC] = pe.nextPc;
  r[INSTRET] = pe.instret;
  r[EXCLUSIVE_PA] = pe.exclusivePa;
  r[EXCLUSIVE_SIZE] = pe.exclusiveSize;
  r[EVENT_REGISTER] = pe.eventRegister;
  r[LINES] = (pe.irqLine ? 1 : 0) | (pe.fiqLine ? 2 : 0) | (pe.virqLine ? 4 : 0) | (pe.vfiqLine ? 8 : 0) | (pe.serrorLine ? 16 : 0);
}

/** The PE's numeric fields equal `r`'s (`pack`'s layout); the retired-instruction count only when `instret`. */
function samePacked(pe: Pe, r: Float64Array, instret: boolean): boolean {
  // The PC first: it moves at nearly every step, so a PE that stepped is told apart at once.
  if (r[PC] !== pe.pc) return false;
  const xlo = pe.xlo;
  const xhi = pe.xhi;
  for (let i = 0; i < 31; i++) if (r[i] !== xlo[i] || r[XHI + i] !== xhi[i]) return false;
  for (let i = 0; i < 4; i++) if (r[SPLO + i] !== pe.splo[i] || r[SPHI + i] !== pe.sphi[i]) return false;
  return (
    r[PC] === pe.pc &&
    r[NEXT_PC] === pe.nextPc &&
    r[FLAGS] === pe.n &&
    r[FLAGS + 1] === pe.z &&
    r[FLAGS + 2] === pe.c &&
    r[FLAGS + 3] === pe.v &&
    r[FLAGS + 4] === pe.d &&
    r[FLAGS + 5] === pe.a &&
    r[FLAGS + 6] === pe.i &&
    r[FLAGS + 7] === pe.f &&
    r[FLAGS + 8] === pe.el &&
    r[FLAGS + 9] === pe.spsel &&
    r[FLAGS + 10] === pe.il &&
    r[FLAGS + 11] === pe.pstateOther &&
    (!instret || r[INSTRET] === pe.instret) &&
    // Object.is: NaN (no reservation) equals NaN.
    Object.is(r[EXCLUSIVE_PA], pe.exclusivePa) &&
    r[EXCLUSIVE_SIZE] === pe.exclusiveSize &&
    r[EVENT_REGISTER] === pe.eventRegister &&
    r[LINES] === ((pe.irqLine ? 1 : 0) | (pe.fiqLine ? 2 : 0) | (pe.virqLine ? 4 : 0) | (pe.vfiqLine ? 8 : 0) | (pe.serrorLine ? 16 : 0))
  );
}

/**
 * Captures' `regs` are cut from arenas of ARENA_CAPTURES captures (a view each): an array of its own per capture
 * is a host allocation (≈ 1 µs, more than packing the registers), and an explorer captures at every branching
 * state. An arena lives while any capture cut from it does; captures made one after another fill it.
 */
const ARENA_CAPTURES = 64;
let regsBuf = new Float64Array(0);
let regsUsed = ARENA_CAPTURES;

function regsArena(): Float64Array {
  if (regsUsed === ARENA_CAPTURES) {
    regsBuf = new Float64Array(REGS * ARENA_CAPTURES);
    regsUsed = 0;
  }
  const at = REGS * regsUsed++;
  return regsBuf.subarray(at, at + REGS);
}

/** Per PE: its last capture, given again while the PE equals it (captures are immutable). */
const lastCaptures = new WeakMap<Pe, PeSnapshot>();

export function snapshotPe(pe: Pe): PeSnapshot {
  const sysregs = captureSysregs(pe);
  const last = lastCaptures.get(pe);
  if (last !== undefined && last.sysregs === sysregs && last.state === pe.state && last.stopReason === pe.stopReason && samePacked(pe, last.regs, true)) return last;
  const r = regsArena();
  pack(pe, r);
  const snap: PeSnapshot = { regs: r, sysregs, state: pe.state, stopReason: pe.stopReason };
  lastCaptures.set(pe, snap);
  return snap;
}

export function restorePe(pe: Pe, s: PeSnapshot): void {
  const r = s.regs;
  const xlo = pe.xlo;
  const xhi = pe.xhi;
  for (let i = 0; i < 31; i++) {
    xlo[i] = r[i];
    xhi[i] = r[XHI + i];
  }
  for (let i = 0; i < 4; i++) {
    pe.splo[i] = r[SPLO + i];
    pe.sphi[i] = r[SPHI + i];
  }
  pe.n = r[FLAGS];
  pe.z = r[FLAGS + 1];
  pe.c = r[FLAGS + 2];
  pe.v = r[FLAGS + 3];
  pe.d = r[FLAGS + 4];
  pe.a = r[FLAGS + 5];
  pe.i = r[FLAGS + 6];
  pe.f = r[FLAGS + 7];
  pe.el = r[FLAGS + 8] as Pe['el'];
  pe.spsel = r[FLAGS + 9];
  pe.il = r[FLAGS + 10];
  pe.pstateOther = r[FLAGS + 11];
  pe.pc = r[PC];
  pe.nextPc = r[NEXT_PC];
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
  pe.instret = r[INSTRET];
  pe.exclusivePa = r[EXCLUSIVE_PA];
  pe.exclusiveSize = r[EXCLUSIVE_SIZE];
  pe.eventRegister = r[EVENT_REGISTER];
  const lines = r[LINES];
  pe.irqLine = (lines & 1) !== 0;
  pe.fiqLine = (lines & 2) !== 0;
  pe.virqLine = (lines & 4) !== 0;
  pe.vfiqLine = (lines & 8) !== 0;
  pe.serrorLine = (lines & 16) !== 0;
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
 * What `digestPe` last hashed for a PE (with and without `instret`): its fields packed (`pack`'s layout), their
 * fingerprint sum (field index, value) kept up to date field by field, and the digest.
 */
interface DigestMemo {
  readonly regs: Float64Array;
  readonly sum: FingerprintSum;
  state: string;
  stopReason: string | undefined;
  sysregVersion: number;
  digest: number;
}

const digestMemos = new WeakMap<Pe, [DigestMemo | undefined, DigestMemo | undefined]>();

/** The PE's fields packed now (`digestPe` compares them with its memo; not re-entered). */
const packed = new Float64Array(REGS);

/** A field's value as a digest for the sum: the value itself (integers), NaN (no reservation) as a value no field holds. */
function fieldDigest(x: number): number {
  return x === x ? x : NAN_FIELD;
}

/** Above every PA and register half, below 2^53: what NaN contributes. */
const NAN_FIELD = 2 ** 52 + 0x7ff8_0001;

/**
 * Digest (53 bits) of every field `snapshotPe` captures: two PEs with equal
 * digests behave the same from here on. `instret` false leaves out the count
 * of retired instructions, which nothing architectural depends on (an
 * explorer merges a spin loop's iterations; engine/events.ts keeps its own
 * "fired on this arrival" flag for reach events).
 *
 * Incremental: the numeric fields are an order-independent sum of (field,
 * value) contributions (component/fingerprint.ts), updated for the fields
 * that changed since the PE was last digested — a step changes a register or
 * two and the PC, not the 90 fields — and a PE that did not change (the others
 * while one steps) costs the comparison only.
 */
export function digestPe(pe: Pe, instret = true): number {
  let memos = digestMemos.get(pe);
  if (memos === undefined) digestMemos.set(pe, (memos = [undefined, undefined]));
  const k = instret ? 1 : 0;
  let memo = memos[k];
  // Unchanged (the usual case for all PEs but the one that stepped): comparing costs less than packing.
  if (memo !== undefined && memo.sysregVersion === pe.sysregs.version && memo.state === pe.state && memo.stopReason === pe.stopReason && samePacked(pe, memo.regs, instret)) return memo.digest;
  pack(pe, packed);
  if (!instret) packed[INSTRET] = 0;
  if (memo === undefined) {
    memo = { regs: packed.slice(), sum: new FingerprintSum(), state: pe.state, stopReason: pe.stopReason, sysregVersion: pe.sysregs.version, digest: 0 };
    for (let i = 0; i < REGS; i++) memo.sum.add(i, fieldDigest(packed[i]));
    memos[k] = memo;
  } else {
    const regs = memo.regs;
    const sum = memo.sum;
    for (let i = 0; i < REGS; i++) {
      const now = packed[i];
      const was = regs[i];
      // (NaN equals NaN here: no reservation then and now.)
      if (now !== was && (now === now || was === was)) {
        sum.remove(i, fieldDigest(was));
        sum.add(i, fieldDigest(now));
        regs[i] = now;
      }
    }
  }
  memo.state = pe.state;
  memo.stopReason = pe.stopReason;
  memo.sysregVersion = pe.sysregs.version;
  memo.digest = peLanes
    .reset(0x9e00 + pe.id)
    .digest(memo.sum.value(REGS))
    .digest(digestString(pe.state))
    .digest(digestString(pe.stopReason ?? ''))
    .digest(sysregDigest(pe))
    .value();
  return memo.digest;
}
