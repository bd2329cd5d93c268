/**
 * Execution control for a debug session, without DAP types: the machine,
 * breakpoints, forward stepping and time travel (step back, reverse continue)
 * built on the engine's checkpoints + deterministic replay (Machine.goToStep).
 *
 * Every stop condition is checked from machine state after each step (new
 * exception records, new findings, watched writes, cache-line states of
 * watched lines, PCs at breakpoint addresses), so the same check works while
 * running forward and while re-executing a segment during a reverse search
 * (replay mutes trace events). Long operations (run, reverse continue) work in
 * chunks and await between them, so pause and other requests get in.
 */
import { exceptionLabel } from '../simulator/engine/callChain';
import { Machine, type MachineOptions } from '../simulator/engine/machine';
import { replayWitness, type Witness } from '../simulator/explore/witness';
import { ffaCallLabel } from '../simulator/firmware/query';
import type { ScenarioModel } from '../simulator/scenario/model';
import { RequestError } from './errors';
import { performance } from 'node:perf_hooks';
import { RUN_CHUNK_STEPS, RUN_YIELD_MS } from './limits';
import { shownAfterItsStep, StopConditions, type Stop } from './stops';

export type { DataBreakpoint, LineBreakpoint, Stop, StopReason } from './stops';

export interface LaunchOptions {
  cacheModel?: 'on' | 'off';
  speculation?: 'none' | 'adversarial';
  maxSteps?: number;
  checkpointInterval?: number;
}

/** Let other requests (pause, threads) in between chunks of work. */
const yieldToRequests = (): Promise<void> => new Promise((r) => setImmediate(r));

/** At a chunk boundary: has a long operation worked RUN_YIELD_MS since `since` (then it serves the request queue)? */
const timeToYield = (since: number): boolean => performance.now() - since >= RUN_YIELD_MS;

export class DebugController {
  readonly machine: Machine;
  readonly model: ScenarioModel;
  /** Breakpoints, exception filters and the per-step check. */
  readonly stops: StopConditions;
  /** Set by pause(); checked by the run loops between chunks. */
  private pauseRequested = false;
  /** Addresses of the instructions of each 0-based source line. */
  private byLine = new Map<number, number[]>();
  private endReported = false;
  /** Highest step reached along the current history (beyond it, steps are new). */
  frontier = 0;
  /** Step of the state a `before` stop showed (-1: none). */
  private beforeStopAt = -1;

  /** `machine`: one already built (a replayed witness, `fromWitness`); `opts` then do not apply. */
  constructor(model: ScenarioModel, opts: LaunchOptions = {}, machine?: Machine) {
    this.model = model;
    const options: MachineOptions = {
      cacheModel: opts.cacheModel,
      speculation: opts.speculation,
      maxSteps: opts.maxSteps,
      checkpointInterval: opts.checkpointInterval ?? 10_000,
    };
    this.machine = machine ?? Machine.create(model, options);
    this.frontier = this.machine.steps;
    for (const [pa, instr] of model.program.instrs) {
      if (instr.line === undefined) continue;
      const list = this.byLine.get(instr.line) ?? [];
      list.push(pa);
      this.byLine.set(instr.line, list);
    }
    this.stops = new StopConditions(this.machine);
  }

  /**
   * A controller over the execution a witness records (`armscope explore`):
   * every choice is applied with `Machine.apply`, so the whole execution is
   * this machine's history — time travel reaches step 0 and stepping forward
   * behind the horizon follows the witness's choices, not the policy. Shown
   * from step 0; the caller runs forward to the first stop (a fault, or the
   * end with its broken expectations), as a launch does.
   */
  static fromWitness(model: ScenarioModel, witness: Witness, checkpointInterval: number): DebugController {
    const r = replayWitness(model, witness, { checkpointInterval });
    // The footprint recorder serves the explorer's reduction only; the choices component stays (its actions are in the history).
    r.session.recorder.detach();
    if (r.divergence !== undefined) throw new RequestError(r.divergence);
    const m = r.session.machine;
    // An explorer's machine has no step budget; a history the user starts from inside the witness
    // (a register write, a single-thread step) gets the scenario's, or the witness's length if longer.
    m.options.maxSteps = Math.max(model.system.maxSteps, m.steps);
    const ctl = new DebugController(model, {}, m);
    ctl.goTo(0);
    return ctl;
  }

  get steps(): number {
    return this.machine.steps;
  }

  // ---- source lines ---------------------------------------------------------------

  /** Nearest line at or after `line` (within 8) that holds an instruction. */
  resolveLine(line: number): { line: number; addresses: number[] } | undefined {
    for (let l = line; l < line + 8; l++) {
      const a = this.byLine.get(l);
      if (a) return { line: l, addresses: a };
    }
    return undefined;
  }

  /** 0-based lines in [first, last] that hold an instruction. */
  linesWithCode(first: number, last: number): number[] {
    return [...this.byLine.keys()].filter((l) => l >= first && l <= last).sort((a, b) => a - b);
  }

  // ---- forward -----------------------------------------------------------------------

  /** One machine step along the current history (behind its horizon the machine replays logged choices itself). */
  private stepOnce(): boolean {
    const m = this.machine;
    if (m.stopInfo) return false;
    const before = m.steps;
    m.step();
    if (m.steps > this.frontier) this.frontier = m.steps;
    return m.steps > before;
  }

  /**
   * Up to `n` steps at full speed: the machine pauses after any step in which
   * a stop condition may hold (engine/pause.ts), and the stop conditions then
   * examine that step as if it had been taken alone. Returns false when no
   * step was taken.
   */
  private runWatched(n: number): boolean {
    const m = this.machine;
    if (m.stopInfo) return false;
    const before = m.steps;
    m.pauseWhen(this.stops.pauseConditions());
    try {
      m.run(n);
    } finally {
      m.pauseWhen(undefined);
    }
    if (m.steps > this.frontier) this.frontier = m.steps;
    if (m.steps === before) return false;
    this.stops.lastStepOnly();
    return true;
  }

  pause(): void {
    this.pauseRequested = true;
  }

  /** A pause asked for since the operation began: consumed. */
  private takePause(): boolean {
    const p = this.pauseRequested;
    this.pauseRequested = false;
    return p;
  }

  /**
   * Run forward until a stop condition, the run's end, `until` says so, or
   * pause(). Works in chunks; every RUN_YIELD_MS `onChunk` is awaited between
   * two (progress, letting pause requests in). Returns the stop.
   */
  async runForward(until: (() => Stop | undefined) | undefined, onChunk?: (steps: number) => Promise<void>): Promise<Stop> {
    this.pauseRequested = false;
    this.stops.sync();
    const m = this.machine;
    // Resuming from a stop shown *before* its step: that step's exception does not stop again.
    const resumeFrom = this.beforeStopAt;
    this.beforeStopAt = -1;
    /** A stop to report now, or undefined to go on (a `before` stop is resolved here). */
    const settle = (stop: Stop | undefined): Stop | undefined => {
      if (!stop?.before) return stop;
      if (until) return shownAfterItsStep(stop);
      if (m.steps - 1 === resumeFrom) return undefined;
      this.goTo(m.steps - 1);
      this.beforeStopAt = m.steps;
      return { ...stop, pending: this.nextStepLabels(stop.pe) };
    };
    let since = performance.now();
    for (;;) {
      // Without `until`, chunks at full speed paused where a stop may be (runWatched); with it, step by step.
      for (let k = 0; k < RUN_CHUNK_STEPS; ) {
        const before = m.steps;
        if (!(until === undefined ? this.runWatched(RUN_CHUNK_STEPS - k) : this.stepOnce())) return settle(this.stops.stopsOfStep(false, false)[0]) ?? this.stops.endStop();
        k += Math.max(1, m.steps - before);
        const stop = settle(this.stops.stopsOfStep(false, false)[0]) ?? until?.();
        if (stop) return stop;
      }
      if (!timeToYield(since)) continue;
      await (onChunk ? onChunk(m.steps) : yieldToRequests());
      since = performance.now();
      if (this.takePause()) return { reason: 'pause', pe: 0, description: `paused at step ${m.steps}` };
    }
  }

  /**
   * Step PE `pe` by one instruction. `singleThread`: only that PE executes
   * (a logged caller choice, replayed by time travel); otherwise the machine
   * steps (all PEs in policy order) until that PE has executed one.
   */
  async stepInstruction(pe: number, singleThread: boolean): Promise<Stop> {
    const m = this.machine;
    const target = m.pes[pe];
    const start = target.instret;
    if (target.state === 'halted') return { reason: 'step', pe, description: `PE${pe} is halted: ${target.stopReason ?? 'hlt'}` };
    if (singleThread && target.state === 'running' && !m.stopInfo) {
      this.stops.sync();
      this.beforeStopAt = -1;
      m.apply({ kind: 'pe-step', pe });
      this.frontier = m.steps;
      // A single step shows its own result, even when the firmware handled an exception within it.
      const stop = this.stops.stopsOfStep(false, false)[0];
      return stop ? shownAfterItsStep(stop) : { reason: 'step', pe, description: `PE${pe} stepped` };
    }
    return this.runForward(() => (target.instret !== start ? { reason: 'step', pe, description: `PE${pe} stepped` } : undefined));
  }

  /** Step out: run until PE `pe` returns below its current EL (ERET) or stops. */
  async stepOut(pe: number): Promise<Stop> {
    const target = this.machine.pes[pe];
    const el = target.el;
    if (el === 0) return this.stepInstruction(pe, false);
    return this.runForward(() => (target.el < el ? { reason: 'step', pe, description: `PE${pe} returned to EL${target.el}` } : undefined));
  }

  // ---- time travel -----------------------------------------------------------------

  /** Restore the state after `step` steps (within the current history). */
  goTo(step: number): void {
    this.machine.goToStep(Math.max(0, Math.min(step, this.frontier)));
    this.stops.sync();
    this.beforeStopAt = -1;
    this.endReported = false;
  }

  private instretAt(pe: number, step: number): number {
    this.machine.goToStep(step);
    return this.machine.pes[pe].instret;
  }

  /**
   * Step back one instruction of PE `pe`: the latest state in which it had
   * executed one instruction fewer. Tries the previous few steps first (the
   * common case), then binary-searches over the history (each probe replays at
   * most one checkpoint interval).
   */
  stepBack(pe: number): Stop {
    const m = this.machine;
    const now = m.steps;
    const want = m.pes[pe].instret - 1;
    if (want < 0 || now === 0) {
      this.goTo(0);
      return { reason: 'step', pe, description: 'at the start of the run' };
    }
    let found = -1;
    for (let s = now - 1; s >= Math.max(0, now - m.pes.length - 1); s--) {
      if (this.instretAt(pe, s) <= want) {
        found = s;
        break;
      }
    }
    if (found < 0) {
      // Largest s with instret(s) <= want, instret is monotonic in s.
      let lo = 0;
      let hi = now - 1;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (this.instretAt(pe, mid) <= want) lo = mid;
        else hi = mid - 1;
      }
      found = lo;
    }
    this.goTo(found);
    return { reason: 'step', pe, description: `PE${pe} stepped back to step ${found}` };
  }

  /**
   * Reverse continue: the latest earlier state where a stop condition held.
   * Searches checkpoint-sized segments backwards, re-executing each one with
   * the checks on (hit counts are not consumed), serving requests between
   * segments every RUN_YIELD_MS (pause stops the search where it is). Data breakpoints in reverse stop
   * *before* the writing step, at the instruction that wrote.
   */
  async reverseContinue(): Promise<Stop> {
    this.pauseRequested = false;
    const m = this.machine;
    const now = m.steps;
    const interval = Math.max(1, m.options.checkpointInterval || 10_000);
    let segEnd = now;
    let since = performance.now();
    while (segEnd > 0) {
      const segStart = Math.max(0, segEnd - interval);
      let last: { step: number; stop: Stop } | undefined;
      this.goTo(segStart);
      if (segStart === 0) {
        const entry = this.entryBreakpoint(true);
        if (entry) last = { step: 0, stop: entry };
      }
      while (m.steps < segEnd) {
        if (!this.runWatched(segEnd - m.steps)) break;
        // Every stop of this step at its own place; the latest place before `now` wins, and at
        // one place a data breakpoint wins (what the user asked for; the write is the cause).
        for (const stop of this.stops.stopsOfStep(true, true)) {
          const at = stop.reason === 'data breakpoint' || stop.before ? m.steps - 1 : m.steps;
          if (at >= now) continue;
          if (!last || at > last.step || (at === last.step && stop.reason === 'data breakpoint' && last.stop.reason !== 'data breakpoint')) last = { step: at, stop };
        }
      }
      if (last) {
        this.goTo(last.step);
        return last.stop.before || last.stop.reason === 'data breakpoint' ? { ...last.stop, pending: this.nextStepLabels(last.stop.pe, last.stop) } : last.stop;
      }
      segEnd = segStart;
      if (!timeToYield(since)) continue;
      await yieldToRequests();
      since = performance.now();
      if (this.takePause()) {
        this.goTo(segEnd);
        return { reason: 'pause', pe: 0, description: `paused the reverse search at step ${segEnd}` };
      }
    }
    this.goTo(0);
    return { reason: 'entry', pe: 0, description: 'reached the start of the run' };
  }

  /**
   * What the next step (along the current history) does on PE `peId`, as
   * labels, innermost first: the watched write of a data-breakpoint stop, the
   * exceptions taken (`SMC … EC 0x17 EL1→EL2`), and the FF-A call an `smc` or
   * `hvc` makes (the firmware's query API names it). Peeks by replaying one
   * step and comes back; the state shown does not change.
   */
  nextStepLabels(peId: number, stop?: Stop): string[] {
    const m = this.machine;
    const at = m.steps;
    if (at >= this.frontier) return [];
    const pe = m.pes[peId];
    const mnemonic = m.instrAt(pe.pc)?.mnemonic;
    const fw = m.firmware;
    const firstRecord = m.bounds.totals.exceptions;
    const callAt = (el: number): string | undefined => (fw ? ffaCallLabel(fw, pe, el) : undefined);
    // The call as the PE states it now (w0, x1, the running endpoint), before the step changes them.
    const labels = { 2: callAt(2), 3: callAt(3) };
    m.goToStep(at + 1);
    const taken = m.bounds.since('exceptions', m.exceptions, firstRecord).filter((r) => r.pe === peId);
    m.goToStep(at);
    this.stops.sync();
    // A plain instruction (a store) shows itself in its code frame: labels only when the step enters
    // an exception (the built-in firmware then works within the step, out of sight).
    if (taken.length === 0) return [];
    const out: string[] = [];
    if (stop?.reason === 'data breakpoint') out.push(`next step: ${stop.description}`);
    const call = taken.find((r) => r.type === 'sync' && (mnemonic === 'smc' || mnemonic === 'hvc'));
    const label = call ? (call.el === 3 ? labels[3] : labels[2]) : undefined;
    if (label) out.push(`next step: ${label}`);
    for (const r of taken.reverse()) out.push(`next step: ${exceptionLabel(r)}`);
    return out;
  }

  /**
   * Physical addresses PE `peId`'s next instruction accesses (its table walk's
   * descriptor reads included), by peeking: the machine steps until that PE has
   * executed one instruction, with a `memory-access` listener, then comes back
   * to this step by restoring a capture taken before it (copy-on-write: it
   * costs what the peek changed, not a replay from the last checkpoint).
   * The state shown does not change.
   */
  nextAccesses(peId: number): number[] {
    const m = this.machine;
    const pe = m.pes[peId];
    if (m.stopInfo || pe.state !== 'running') return [];
    const here = m.fork();
    const pas: number[] = [];
    const off = m.trace.on('memory-access', (e) => {
      if (e.pe === peId && pas.length < 64) pas.push(e.pa);
    });
    const start = pe.instret;
    try {
      for (let k = 0; k <= m.pes.length && pe.instret === start; k++) if (!m.step()) break;
    } finally {
      off();
    }
    m.restore(here);
    this.stops.sync();
    return pas;
  }

  /** A breakpoint at a PE's initial PC (`reverse`: do not count it as a hit). */
  entryBreakpoint(reverse = false): Stop | undefined {
    return this.stops.entryBreakpoint(reverse);
  }

  /** Did the last forward run end the machine (for the session's end handling)? */
  get ended(): boolean {
    return this.machine.stopInfo !== undefined;
  }

  markEndReported(): boolean {
    const first = !this.endReported;
    this.endReported = true;
    return first;
  }

  /** Forget the future after a state change from outside (e.g. a register write). */
  stateChanged(): void {
    this.machine.invalidateFuture();
    this.frontier = this.machine.steps;
    this.stops.sync();
  }
}
