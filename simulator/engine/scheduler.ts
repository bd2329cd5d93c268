/**
 * Scheduling (DESIGN.md "One step, two drivers"): what is enabled, which
 * action the policy chooses, and applying it. `step()` takes one action;
 * `run()` takes them until the run is over or a limit is reached — through
 * the same `takeStep`, so a run and a sequence of steps (or an explorer's
 * choices) cannot differ.
 *
 * Speed without a second path: while nothing but PE steps can be enabled —
 * no action source, no condition event, no event or timer due, the last
 * enabled set held only PE steps — the enabled set is the PEs that can step,
 * so the policy chooses among them directly (`Policy.choosePe`) instead of
 * from a list of action objects. Everything else (waking, idle time, events,
 * component actions, the end of the run) goes through the full enabled list.
 */
import type { Action, ActionSource, ComponentAction, PeStepAction } from '../component/actions';
import type { Pe } from '../pe/pe';
import type { Machine, StopInfo } from './machine';
import { canStep, runPe, stepPe } from './peCore';

/** Every PE waits and a timer is armed: the clock jumps to its deadline, whose output then rises (a GIC input). */
class TimePasses implements ActionSource {
  readonly name = 'timer';
  constructor(private readonly m: Machine) {}
  enabledActions(): void {}
  apply(action: ComponentAction): void {
    // The machine counts this action as the step that reaches the deadline; the next step ticks the timer.
    this.m.steps = Math.max(this.m.steps, (action.data as number) - 1);
  }
}

/** Size (minus one) of the pause PCs' filter: a bit per word address modulo 16 KB. */
const PC_FILTER_MASK = 0xfff;

export class Scheduler {
  /** Round-robin pointer: the PE the default policy considers first. */
  rr = 0;
  /** Set by requestStop/requestPause: the run loop checks this one field. */
  interrupted = false;
  /** Pause conditions are installed (pause.ts): PE steps record `last*` and check `pausePcs`. */
  watched = false;
  /** PCs at which a PE's step pauses the run (`setPausePcs`), and whether records (exceptions, findings) do (pause.ts). */
  pausePcs: ReadonlySet<number> | undefined = undefined;
  pauseOnRecords = false;
  /**
   * While watched, the PE the block engine runs (`runWatchedBlocks`): the machine's `interrupted`,
   * which the engine reads after every instruction it retires, is then `afterBlockStep()`.
   */
  blockPe: Pe | undefined = undefined;
  /** Bit `(pc >>> 2) & PC_FILTER_MASK` set for every pause PC: most PCs are rejected without a hash lookup. */
  private readonly pcFilter = new Uint8Array(PC_FILTER_MASK + 1);
  /** The machine step at which the block engine started (`afterBlockStep` is also read before the first step). */
  private blockStart = 0;
  /**
   * While watched, the last PE step: which PE, its PC and retired-instruction
   * count before it, and the machine step it was (a front end that ran a chunk
   * examines the step it paused after as if it had stepped alone).
   */
  lastPe = -1;
  lastPc = NaN;
  lastInstret = 0;
  lastStep = -1;
  private stopRequest: string | undefined = undefined;
  private pauseRequest: string | undefined = undefined;
  private inRun = false;
  /** Something other than a PE step may be enabled: choose from the full list next time. */
  private mixed = true;
  /** The first step at which the full path must run: the budget, the history's next due step (history.ts) or a step-triggered event. */
  private boundary = 0;
  private readonly peActions: PeStepAction[];
  private readonly time: TimePasses;
  private readonly wants: Machine['trace']['wants'];
  /** Someone listens for `instruction` or `halted` trace events (the only ones a PE step emits). */
  private traced = false;
  private readonly peCount: number;
  /** Per PE: reach-event target PCs (undefined: the scenario has no reach event). */
  private readonly reach: readonly number[][] | undefined;

  constructor(private readonly m: Machine) {
    this.peActions = m.pes.map((pe) => ({ kind: 'pe-step', pe: pe.id }));
    this.time = new TimePasses(m);
    this.wants = m.trace.wants;
    this.peCount = m.pes.length;
    m.trace.onWantsChange(() => (this.traced = this.wants.instruction || this.wants.halted));
    this.reach = m.events.hasReach ? m.events.reachPcs : undefined;
  }

  /** The run is over: a checker asked (e.g. livelock detected). */
  requestStop(reason: string): void {
    this.stopRequest = reason;
    this.interrupted = true;
    this.mixed = true;
  }

  /** A stop a checker asked for that ends the run at the next step (part of the machine's state: machineState.ts). */
  get pendingStop(): string | undefined {
    return this.stopRequest;
  }

  /** `run()` returns after the current step without ending the run (a debugger's breakpoint); `pauseReason` tells why. */
  requestPause(reason: string): void {
    this.pauseRequest = reason;
    this.interrupted = true;
    this.mixed = true;
  }

  /** The PCs at which a PE step pauses the run (undefined: none). */
  setPausePcs(pcs: ReadonlySet<number> | undefined): void {
    if (this.pausePcs !== undefined) this.pcFilter.fill(0);
    for (const pc of pcs ?? []) this.pcFilter[(pc >>> 2) & PC_FILTER_MASK] = 1;
    this.pausePcs = pcs !== undefined && pcs.size > 0 ? pcs : undefined;
  }

  /** Something changed what may be enabled (a component added, state written from outside): take the full path next. */
  enabledMayHaveChanged(): void {
    this.mixed = true;
  }

  /** A checkpoint was restored: no pending request, and recompute what is enabled. */
  reset(): void {
    this.stopRequest = undefined;
    this.pauseRequest = undefined;
    this.interrupted = false;
    this.mixed = true;
  }

  // ---- what can happen next ----------------------------------------------------

  /** Everything that could happen next, in a stable order: due events, component actions, PE steps. */
  enabledActions(): Action[] {
    const out: Action[] = [];
    this.collect(out);
    return out;
  }

  private collect(out: Action[]): void {
    const m = this.m;
    if (m.stopInfo) return;
    m.events.collectDue(out);
    for (const s of m.sources) s.enabledActions(out);
    let anyPe = false;
    const windows = m.events.hasWindows;
    for (const pe of m.pes) {
      // A PE about to execute an open window's `before` label waits for its event (events.ts).
      if (canStep(pe) && !(windows && m.events.blocks(pe.id))) {
        out.push(this.peActions[pe.id]);
        anyPe = true;
      }
    }
    if (!anyPe && out.length === 0 && m.pes.some((p) => p.state === 'wfi' || p.state === 'wfe')) {
      // Nothing can run but a PE waits: time passes to the next step-triggered event, if it is within
      // the budget (once every PE has stopped, the run is over whatever events remain).
      const next = m.events.nextTimed();
      // A Generic Timer that will fire first: time passes to its deadline (the system counter is the step count).
      const deadline = m.platform.nextDeadline();
      const nextStep = next === undefined || next.kind !== 'event' ? Infinity : m.events.dueStep(next.index);
      if (deadline < m.options.maxSteps && deadline < nextStep) {
        out.push({ kind: 'component', source: this.time, name: 'timer', label: `time passes to step ${deadline} (Generic Timer deadline)`, eager: true, data: deadline });
      } else if (next !== undefined && nextStep < m.options.maxSteps) out.push(next);
    }
  }

  // ---- taking steps -------------------------------------------------------------------

  /** One action chosen by the policy. Returns false (and sets stopInfo) when the run is over. */
  step(): boolean {
    const m = this.m;
    if (m.stopInfo !== undefined || !this.takeSteps(m.steps + 1)) return false;
    if (this.pauseRequest !== undefined && this.stopRequest === undefined && !this.inRun) {
      // A single step is paused afterwards anyway: consume the request so the next run() continues.
      m.pauseReason = this.pauseRequest;
      this.pauseRequest = undefined;
      this.interrupted = false;
    }
    return true;
  }

  /**
   * Run until the run is over or `maxSteps` more steps (default: the step
   * budget) were taken: the same `takeSteps` as `step()`, for more steps.
   */
  run(maxSteps?: number): StopInfo | undefined {
    const m = this.m;
    const budget = m.options.maxSteps;
    const limit = maxSteps === undefined ? budget : Math.min(budget, m.steps + maxSteps);
    m.pauseReason = undefined;
    this.inRun = true;
    m.bounds.startRun();
    try {
      while (m.stopInfo === undefined) {
        if (this.interrupted && this.pauseRequest !== undefined && this.stopRequest === undefined) {
          m.pauseReason = this.pauseRequest;
          this.pauseRequest = undefined;
          this.interrupted = false;
          break;
        }
        if (m.steps >= limit) {
          if (m.steps >= budget) {
            if (this.enabledActions().length === 0) this.finishIdle();
            else m.stopInfo = { kind: 'budget', reason: `stopped: step budget of ${budget} exhausted` };
          }
          break;
        }
        if (!this.takeSteps(limit)) break;
      }
    } finally {
      this.inRun = false;
      m.bounds.endRun();
    }
    return m.stopInfo;
  }

  /**
   * Apply an action an explorer chose (simulator/explore): neither the policy
   * nor the history is involved. A checker's stop request made during it ends
   * the run, as it would at the start of the next step of a run.
   */
  take(action: Action): void {
    this.applyAction(action);
    if (this.stopRequest !== undefined) this.m.stopInfo = { kind: 'checker', reason: this.stopRequest };
  }

  /** Nothing is enabled: the run is over, with every PE halted or waiting (what `run` reports). */
  finish(): void {
    if (this.m.stopInfo === undefined) this.finishIdle();
  }

  /** Apply an action (chosen by the policy, or by a caller through `Machine.apply`). */
  applyAction(action: Action): void {
    switch (action.kind) {
      case 'pe-step':
        // The explorer's choice of the messages this step's reads take (engine/promising.ts).
        this.m.memoryOrder?.setScript(action.reads);
        this.peStep(this.m.pes[action.pe]);
        return;
      case 'event':
        this.m.events.fire(action.index);
        this.mixed = true;
        return;
      case 'component':
        action.source.apply(action);
        this.m.steps++;
        this.mixed = true;
        return;
    }
  }

  /**
   * The stepping of every driver: actions chosen by the policy until step
   * `end`, a pause or stop request, or the end of the run (then false).
   *
   * While nothing but PE steps can be enabled and no boundary (budget,
   * checkpoint, step-triggered event, timer deadline) is reached, the enabled
   * set is the PEs that can step (`quietSteps`): one PE needs no choice,
   * several are chosen by the policy's `choosePe`. Everything else takes the
   * full path (`takeStepFull`): the enabled list and the policy's `choose`.
   */
  private takeSteps(end: number): boolean {
    const m = this.m;
    while (m.steps < end) {
      if (this.interrupted && this.stopRequest === undefined) return true;
      if (!this.mixed) {
        if (this.quietSteps(Math.min(end, this.boundary))) continue;
        if (m.steps >= this.boundary && this.quietBoundary()) continue;
      }
      if (!this.takeStepFull()) return false;
    }
    return true;
  }

  /**
   * The quiet path reached its boundary where only a checkpoint or a bounds check is due: do what
   * `takeStepFull` does there before choosing — the enabled set is still the PEs that can step, so
   * the quiet path goes on (in the block engine) instead of taking the next step through the full
   * path. False when something else is due (the budget, a timer deadline, a step-triggered event, a
   * stop request, a bound reached): the full path then takes the step.
   */
  private quietBoundary(): boolean {
    const m = this.m;
    const now = m.steps;
    if (this.stopRequest !== undefined || now >= m.options.maxSteps || now >= m.platform.deadline || now >= m.events.nextTimedStep) return false;
    // A bound reached sets `stopInfo`: the full path ends the run.
    if (m.checkBounds()) return false;
    if (now >= m.history.nextDue) {
      const logged = m.history.due();
      if (logged !== undefined) {
        this.applyAction(logged);
        this.mixed = true;
        return true;
      }
    }
    this.boundary = Math.min(m.options.maxSteps, m.history.nextDue, m.events.nextTimedStep, m.bounds.nextCheck);
    return this.boundary > now;
  }

  /** PE steps up to step `stop` while nothing else can be enabled; false when none was taken (the full path decides). */
  private quietSteps(stop: number): boolean {
    const m = this.m;
    const pes = m.pes;
    const platform = m.platform;
    const before = m.steps;
    // (A pause or stop request sets `mixed` too: one field to watch.)
    if (pes.length === 1) {
      const pe = pes[0];
      if (!this.traced && this.reach === undefined) {
        // Nothing to report per step: the block engine takes the same steps with the fetch work done per block
        // (pe/block.ts); `m` is its clock. A waking PE takes its first step through `peStep`.
        while (m.steps < stop && m.steps < platform.deadline && !this.mixed && (pe.state === 'running' || canStep(pe))) {
          if (pe.state !== 'running') this.peStep(pe);
          else if (this.watched) this.runWatchedBlocks(pe, Math.min(stop, platform.deadline));
          else runPe(pe, m, Math.min(stop, platform.deadline));
        }
        this.rr = 0;
      } else while (m.steps < stop && m.steps < platform.deadline && !this.mixed && (pe.state === 'running' || canStep(pe))) this.peStep(pe);
    } else {
      const policy = m.policy;
      if (policy.choosePe === undefined) return false;
      const atPointer = policy.takesRunningAtPointer === true && this.reach === undefined;
      const n = this.peCount;
      while (m.steps < stop && m.steps < platform.deadline && !this.mixed) {
        if (atPointer && !this.traced && !this.watched) {
          // The policy's choice without the call: the running PE at the pointer, stepped as `peStep`
          // steps it when nothing records, traces or watches steps.
          const pe = pes[this.rr];
          if (pe.state === 'running') {
            stepPe(pe);
            m.steps++;
            const next = pe.id + 1;
            this.rr = next === n ? 0 : next;
            continue;
          }
        }
        const i = policy.choosePe(pes, m);
        if (i < 0) break;
        this.peStep(pes[i]);
      }
    }
    return m.steps > before;
  }

  /** Stop checks, checkpoint, timer, the enabled list and the policy's choice from it. */
  private takeStepFull(): boolean {
    const m = this.m;
    if (m.stopInfo) return false;
    if ((this.stopRequest !== undefined || m.steps >= m.options.maxSteps) && this.checkStop()) return false;
    if (m.checkBounds()) return false;
    if (m.steps >= m.history.nextDue) {
      // A checkpoint, the horizon, or a caller's choice logged at this step (replayed instead of the policy's).
      const logged = m.history.due();
      if (logged !== undefined) {
        this.applyAction(logged);
        this.mixed = true;
        return true;
      }
    }
    if (m.steps >= m.platform.deadline) m.platform.tick();
    const enabled = this.enabledActions();
    if (enabled.length === 0) {
      this.finishIdle();
      return false;
    }
    this.mixed = this.stopRequest !== undefined || m.sources.length > 0 || m.events.hasCondition || enabled.some((a) => a.kind !== 'pe-step');
    this.boundary = Math.min(m.options.maxSteps, m.history.nextDue, m.events.nextTimedStep, m.bounds.nextCheck);
    this.applyAction(enabled.length === 1 ? enabled[0] : m.policy.choose(enabled, m));
    return true;
  }

  /**
   * The block engine's steps while pause conditions are installed: what `peStep` records per step,
   * for the steps of blocks, derived once the engine returns. Every step `runPe` takes retires one
   * instruction, but the last may not (an interrupt taken, no code): all of its other kinds of step
   * (a system instruction, an exception, an interrupt) return at once. So the last step retired an
   * instruction when as many were retired as steps taken, and then `Pe.fetchPc` is its PC (every
   * retiring path sets it, a fetch fault too). With pause PCs the engine reads `interrupted` after
   * every instruction it retires in a block (`afterBlockStep`: a watched next PC pauses there);
   * without them it runs as unwatched, with no per-instruction work.
   */
  private runWatchedBlocks(pe: Pe, limit: number): void {
    const m = this.m;
    const start = m.steps;
    const instret = pe.instret;
    const pc = pe.pc;
    const pcs = this.pausePcs;
    if (pcs !== undefined) {
      this.blockStart = start;
      this.blockPe = pe;
      try {
        runPe(pe, m, limit);
      } finally {
        this.blockPe = undefined;
      }
    } else runPe(pe, m, limit);
    const taken = m.steps - start;
    if (taken === 0) return;
    const retired = pe.instret - instret === taken;
    this.lastPe = pe.id;
    // A step that retires nothing takes an interrupt — the first step of a call, since whether one is
    // taken changes only with what makes the engine return — or finds no code (the PC stays).
    this.lastPc = retired ? pe.fetchPc : taken === 1 ? pc : pe.pc;
    this.lastInstret = retired ? pe.instret - 1 : pe.instret;
    this.lastStep = m.steps;
    this.rr = 0;
    if (pcs !== undefined && pcs.has(pe.pc)) this.requestPause(`PE ${pe.id} reached a watched PC`);
  }

  /** The block engine retired an instruction of `blockPe` (or is about to start): pause at a watched next PC. */
  afterBlockStep(): boolean {
    if (this.m.steps !== this.blockStart && !this.interrupted) {
      const next = this.blockPe!.nextPc;
      if (this.pcFilter[(next >>> 2) & PC_FILTER_MASK] !== 0 && this.pausePcs!.has(next)) this.requestPause(`PE ${this.blockPe!.id} reached a watched PC`);
    }
    return this.interrupted;
  }

  /** Execute one instruction on `pe` (waking it first when it waits and may wake). */
  private peStep(pe: Pe): void {
    const m = this.m;
    if (this.watched) {
      this.lastPe = pe.id;
      this.lastPc = pe.pc;
      this.lastInstret = pe.instret;
    }
    if (this.traced) {
      if (this.wants.instruction) m.stepTraced(pe);
      else {
        stepPe(pe);
        m.steps++;
      }
      if (pe.state === 'halted' && this.wants.halted) m.trace.emit({ kind: 'halted', step: m.steps, pe: pe.id, reason: pe.stopReason ?? 'halted' });
    } else {
      stepPe(pe);
      m.steps++;
    }
    const next = pe.id + 1;
    this.rr = next === this.peCount ? 0 : next;
    if (this.watched) {
      this.lastStep = m.steps;
      if (this.pausePcs !== undefined && this.pausePcs.has(pe.pc)) this.requestPause(`PE ${pe.id} reached a watched PC`);
    }
    // Arriving at a reach event's label makes it due.
    if (this.reach !== undefined) {
      const pcs = this.reach[pe.id];
      if (pcs.length > 0 && pcs.includes(pe.pc)) this.mixed = true;
    }
  }

  private checkStop(): boolean {
    const m = this.m;
    if (this.stopRequest !== undefined) {
      m.stopInfo = { kind: 'checker', reason: this.stopRequest };
      return true;
    }
    if (m.steps >= m.options.maxSteps && this.enabledActions().length > 0) {
      m.stopInfo = { kind: 'budget', reason: `stopped: step budget of ${m.options.maxSteps} exhausted` };
      return true;
    }
    return false;
  }

  private finishIdle(): void {
    const m = this.m;
    const waiting = m.pes.filter((p) => p.state === 'wfi' || p.state === 'wfe');
    if (waiting.length > 0) {
      m.stopInfo = {
        kind: 'waiting',
        reason: `stopped: ${waiting.map((p) => `PE ${p.id}`).join(', ')} waiting (${waiting.map((p) => p.state.toUpperCase()).join(', ')}) with nothing pending`,
      };
    } else m.stopInfo = { kind: 'halted', reason: 'all PEs stopped' };
  }
}
