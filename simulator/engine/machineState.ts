/**
 * The machine's whole state as one value (DESIGN.md "State that is cheap to
 * fork"): capture it, restore it, fingerprint it. Time travel (history.ts)
 * and exploration use the same three operations.
 *
 * A capture holds the engine's own state (steps, scheduling, PEs, events, the
 * PRNG, the records so far) and every component's snapshot
 * (component/state.ts), in component order. Captures are immutable: one may
 * be restored any number of times.
 */
import { componentHash, StateHasher } from '../component/state';
import type { FaultRecord, Finding } from '../trace/events';
import type { EventSnapshot } from './events';
import type { Machine, StopInfo } from './machine';
import { hashPe, restorePe, snapshotPe, type PeSnapshot } from './snapshot';

export interface MachineSnapshot {
  steps: number;
  rr: number;
  pes: PeSnapshot[];
  events: EventSnapshot[];
  prng: number[];
  /** Shallow copies: records are immutable, and a forward restore needs the ones after the current step. */
  exceptions: FaultRecord[];
  faults: FaultRecord[];
  findings: Finding[];
  stop?: StopInfo;
  components: unknown[];
}

export function captureMachine(m: Machine): MachineSnapshot {
  return {
    steps: m.steps,
    rr: m.scheduler.rr,
    pes: m.pes.map(snapshotPe),
    events: m.events.snapshot(),
    prng: m.prng.state(),
    exceptions: m.exceptions.slice(),
    faults: m.faults.slice(),
    findings: m.findings.slice(),
    stop: m.stopInfo,
    components: m.snapshottables.map((c) => c.snapshot()),
  };
}

export function restoreMachine(m: Machine, s: MachineSnapshot): void {
  m.steps = s.steps;
  m.scheduler.rr = s.rr;
  m.pes.forEach((pe, i) => {
    restorePe(pe, s.pes[i]);
    m.mmu.invalidateConfig?.(pe);
  });
  m.events.restore(s.events);
  m.prng.setState(s.prng);
  setContents(m.exceptions, s.exceptions);
  setContents(m.faults, s.faults);
  setContents(m.findings, s.findings);
  m.stopInfo = s.stop;
  m.scheduler.reset();
  m.snapshottables.forEach((c, i) => c.restore(s.components[i]));
}

/**
 * Fingerprint of the complete machine state: PEs, physical memory, events,
 * the PRNG, and every component (caches, TLBs, GIC, firmware, checkers) — by
 * its own `stateHash()` or else the structural hash of its snapshot. Equal
 * hashes mean the same future (exploration, determinism tests).
 */
export function hashMachine(m: Machine): number {
  const h = new StateHasher();
  h.word(m.steps).word(m.scheduler.rr);
  for (const pe of m.pes) hashPe(h, pe);
  for (const no of m.physical.pageNumbers()) h.num(no).bytes(m.physical.page(no * 4096, false)!);
  m.events.hashInto(h);
  for (const w of m.prng.state()) h.num(w);
  for (const c of m.snapshottables) h.hash(componentHash(c));
  return h.value();
}

/** Replace an array's contents in place (others hold references to these arrays). */
function setContents<T>(target: T[], source: readonly T[]): void {
  target.length = source.length;
  for (let i = 0; i < source.length; i++) target[i] = source[i];
}
