/**
 * The machine's whole state as one value (DESIGN.md "State that is cheap to
 * fork"): fork it, restore it, fingerprint it. Time travel (history.ts) and
 * exploration use the same three operations.
 *
 * A capture holds the engine's own state (steps, scheduling, PEs, events, the
 * PRNG, the records so far) and every component's snapshot
 * (component/state.ts), in component order. Captures are immutable: one may
 * be restored any number of times. Components share what did not change with
 * their previous capture (copy-on-write pages and cache sets, TLB maps per
 * context, the GIC's and the system registers' state while unchanged), so a
 * capture costs what changed since the previous one, and a restore what
 * differs between the live state and the capture.
 *
 * The fingerprint (`hashMachine`, 53 bits) is incremental the same way: each
 * component keeps the digests of its parts and rehashes only the parts that
 * changed since the last fingerprint.
 */
import { digestString, Lanes } from '../component/fingerprint';
import { componentHash, StateHasher } from '../component/state';
import type { FaultRecord, Finding } from '../trace/events';
import type { EventSnapshot } from './events';
import type { Machine, StopInfo } from './machine';
import { digestPe, restorePe, snapshotPe, type PeSnapshot } from './snapshot';

export interface MachineSnapshot {
  steps: number;
  rr: number;
  pes: PeSnapshot[];
  events: EventSnapshot[];
  prng: number[];
  /**
   * The records so far (immutable; a forward restore needs the ones after the
   * current step). Shared with the previous capture while no record was added.
   */
  exceptions: readonly FaultRecord[];
  faults: readonly FaultRecord[];
  findings: readonly Finding[];
  stop?: StopInfo;
  /** A checker's stop request not acted on yet (the run ends at the next step). */
  stopRequest: string | undefined;
  components: unknown[];
  /** The history this capture belongs to (history.ts): restoring a capture of another history starts a new one. */
  timeline: object;
}

/**
 * Per machine: the previous capture's record lists (shared again while nothing was appended), and the records'
 * digest with the lists it was computed for (`recordsDigest`). Mutated in place: a capture, restore or
 * fingerprint allocates nothing here.
 */
interface RecordMemo {
  exceptions: readonly FaultRecord[] | undefined;
  faults: readonly FaultRecord[] | undefined;
  findings: readonly Finding[] | undefined;
  /** `recordsDigest`'s last result, for these counts and last records. */
  digestFaults: number;
  digestFindings: number;
  lastF: FaultRecord | undefined;
  lastR: Finding | undefined;
  digest: number;
}

const memos = new WeakMap<Machine, RecordMemo>();
/** The machine last asked about, and its memo (one machine at a time is the usual case: no WeakMap lookup). */
let memoMachine: Machine | undefined;
let memoOfMachine: RecordMemo | undefined;

function memoOf(m: Machine): RecordMemo {
  if (m === memoMachine) return memoOfMachine!;
  let memo = memos.get(m);
  if (memo === undefined) {
    memo = { exceptions: undefined, faults: undefined, findings: undefined, digestFaults: -1, digestFindings: -1, lastF: undefined, lastR: undefined, digest: 0 };
    memos.set(m, memo);
  }
  memoMachine = m;
  memoOfMachine = memo;
  return memo;
}

/** A copy of `live`, or `prev` when it holds the same records (records are only appended between restores). */
function records<T>(live: readonly T[], prev: readonly T[] | undefined): readonly T[] {
  const n = live.length;
  if (prev !== undefined && prev.length === n && (n === 0 || prev[n - 1] === live[n - 1])) return prev;
  return live.slice();
}

export function captureMachine(m: Machine, timeline: object): MachineSnapshot {
  const memo = memoOf(m);
  const exceptions = (memo.exceptions = records(m.exceptions, memo.exceptions));
  const faults = (memo.faults = records(m.faults, memo.faults));
  const findings = (memo.findings = records(m.findings, memo.findings));
  return {
    steps: m.steps,
    rr: m.scheduler.rr,
    pes: m.pes.map(snapshotPe),
    events: m.events.snapshot(),
    prng: m.prng.state(),
    exceptions,
    faults,
    findings,
    stop: m.stopInfo,
    stopRequest: m.scheduler.pendingStop,
    components: m.snapshottables.map((c) => c.snapshot()),
    timeline,
  };
}

export function restoreMachine(m: Machine, s: MachineSnapshot): void {
  m.steps = s.steps;
  m.scheduler.rr = s.rr;
  for (let i = 0; i < m.pes.length; i++) restorePe(m.pes[i], s.pes[i]);
  m.events.restore(s.events);
  m.prng.setState(s.prng);
  setContents(m.exceptions, s.exceptions);
  setContents(m.faults, s.faults);
  setContents(m.findings, s.findings);
  const memo = memoOf(m);
  memo.exceptions = s.exceptions;
  memo.faults = s.faults;
  memo.findings = s.findings;
  m.stopInfo = s.stop;
  m.scheduler.reset();
  if (s.stopRequest !== undefined) m.scheduler.requestStop(s.stopRequest);
  const components = m.snapshottables;
  for (let i = 0; i < components.length; i++) components[i].restore(s.components[i]);
}

/**
 * What an exploration's fingerprint leaves out of the machine's state
 * (simulator/explore): the step count unless something still depends on it,
 * the round-robin pointer (a policy's, not the machine's), retired-instruction
 * counts; and what it adds: the records an execution's outcome is judged by.
 */
export interface ExplorationHash {
  /** Something still depends on the step count (a step event or window, an armed timer, a counter read): keep it. */
  steps: boolean;
}

/**
 * Fingerprint (a 53-bit integer) of the complete machine state: steps and
 * scheduling, PEs, physical memory, events, the PRNG, and every component
 * (caches, TLBs, GIC, firmware, checkers) — by its own `stateHash()` or else
 * the structural hash of its snapshot. Equal fingerprints mean the same future
 * (exploration, determinism tests); unchanged parts are not rehashed.
 *
 * With `exploration`, the fingerprint states are merged by when exploring
 * (`ExplorationHash`): equal fingerprints mean the same architectural future
 * and the same outcome so far (fault and finding records), whatever the step
 * count and the policy's pointer.
 */
/** `hashMachine`'s running hashes, reused (it is not re-entered: the components hash with their own). */
const machineLanes = new Lanes();
const eventHasher = new StateHasher();

export function hashMachine(m: Machine, exploration?: ExplorationHash): number {
  const h = machineLanes.reset(0x3ac4_14e5);
  if (exploration === undefined) h.num(m.steps).word(m.scheduler.rr);
  else if (exploration.steps) h.num(m.steps);
  const instret = exploration === undefined;
  for (const pe of m.pes) h.digest(digestPe(pe, instret));
  h.digest(m.physical.stateHash());
  const ev = eventHasher.reset();
  m.events.hashInto(ev, exploration !== undefined);
  h.digest(ev.value());
  for (const w of m.prng.state()) h.word(w);
  // A checker asked to end the run (livelock): such a state has no future steps. (The other ends of a run follow
  // from the state hashed: PEs halted or waiting, the step count against the budget.)
  const request = m.scheduler.pendingStop;
  if (request !== undefined) h.word(0x5709).digest(digestString(request));
  if (exploration === undefined) for (const c of m.snapshottables) h.digest(componentHash(c));
  else for (const c of m.snapshottables) h.digest(c.explorationHash !== undefined ? c.explorationHash() : componentHash(c));
  if (exploration !== undefined) h.digest(recordsDigest(m));
  return h.value();
}

/**
 * The records an outcome is judged by (engine/report.ts): each fault's kind,
 * PE, levels, stage and addresses, and each finding's rule — as sets, so the
 * order two independent actions recorded them in does not matter.
 */
function recordsDigest(m: Machine): number {
  // Records are only appended between restores: the same last records (and counts) mean the same lists.
  // (No `[length - 1]` of an empty list: index -1 is a property lookup, not an element load.)
  const nf = m.faults.length;
  const nr = m.findings.length;
  const lastF = nf > 0 ? m.faults[nf - 1] : undefined;
  const lastR = nr > 0 ? m.findings[nr - 1] : undefined;
  const memo = memoOf(m);
  if (memo.digestFaults === m.faults.length && memo.digestFindings === m.findings.length && memo.lastF === lastF && memo.lastR === lastR) return memo.digest;
  const keys = new Set<string>();
  for (const f of m.faults) keys.add(`f|${f.kind ?? f.type}|${f.pe}|${f.el}|${f.fromEl}|${f.stage ?? ''}|${f.level ?? ''}|${f.pc}|${f.va ?? ''}`);
  for (const f of m.findings) keys.add(`r|${f.rule}`);
  const h = new StateHasher();
  for (const k of [...keys].sort()) h.str(k);
  memo.digestFaults = m.faults.length;
  memo.digestFindings = m.findings.length;
  memo.lastF = lastF;
  memo.lastR = lastR;
  memo.digest = h.value();
  return memo.digest;
}

/** Replace an array's contents in place (others hold references to these arrays). */
function setContents<T>(target: T[], source: readonly T[]): void {
  target.length = source.length;
  for (let i = 0; i < source.length; i++) target[i] = source[i];
}
