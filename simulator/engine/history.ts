/**
 * Time travel: checkpoints every K steps and the actions callers applied
 * themselves (a debugger's or an explorer's choices), so that the machine can
 * be put in the state it had after any step of its history — restore the
 * nearest checkpoint at or before it and run forward. Determinism (same state,
 * same choices ⇒ same execution) makes the replay exact.
 *
 * The history is a timeline: the steps run since the machine was built (or
 * since a capture of another timeline was restored), up to the furthest step
 * reached — the *horizon*. Behind the horizon the machine is *replaying*:
 * `step()` and `run()` apply the logged choices at their steps by themselves
 * (the scheduler asks `due()` at each step this history marked, never per
 * step) and the trace is muted until the horizon is reached again (listeners
 * have seen those steps). So going forward after a restore costs what the
 * steps cost: nothing consults the checkpoint list per step, and a reverse
 * search replays each checkpoint interval once.
 *
 * Checkpoints are copy-on-write captures (machineState.ts): each costs what
 * changed since the previous one, so they can be frequent.
 */
import type { Action } from '../component/actions';
import type { Machine } from './machine';
import { captureMachine, restoreMachine, type MachineSnapshot } from './machineState';

interface Checkpoint {
  step: number;
  snap: MachineSnapshot;
}

export class History {
  /** Checkpoints in step order; the first is where this timeline starts. */
  private checkpoints: Checkpoint[] = [];
  /** Actions applied by callers instead of the policy, in step order: [step, action]. */
  private choices: [number, Action][] = [];
  /** The next logged choice at or after the current step, while replaying (index into `choices`). */
  private cursor = 0;
  /** Step at which the next checkpoint is due (Infinity: only the first). */
  private nextCheckpoint = Infinity;
  /** The furthest step reached along this timeline. */
  private reached = 0;
  /** This history's identity: captures carry it; another history's capture starts a new timeline. */
  private timeline: object = {};
  /** The trace is muted because the machine is behind the horizon. */
  private muted = false;
  /**
   * The scheduler calls `due()` at the start of the step taken when `steps` is
   * at least this: a checkpoint, a logged choice or the horizon is there.
   */
  nextDue = Infinity;

  constructor(
    private readonly m: Machine,
    /** Steps between checkpoints (0: only the first checkpoint). */
    private readonly interval: number,
  ) {}

  /** The first checkpoint: taken once the machine is built. */
  start(): void {
    this.checkpoints = [{ step: this.m.steps, snap: captureMachine(this.m, this.timeline) }];
    this.reached = this.m.steps;
    this.scheduleCheckpoint();
    this.reschedule();
  }

  /** Steps of the checkpoints taken so far. */
  checkpointSteps(): number[] {
    return this.checkpoints.map((c) => c.step);
  }

  /** The furthest step reached along this timeline (beyond it, steps are new). */
  get horizon(): number {
    return Math.max(this.reached, this.m.steps);
  }

  /** A capture of the live state, belonging to this timeline. */
  capture(): MachineSnapshot {
    return captureMachine(this.m, this.timeline);
  }

  /**
   * Called by the scheduler before the step it takes when `steps >= nextDue`.
   * Takes a checkpoint when one is due, unmutes the trace at the horizon, and
   * returns the logged choice to apply at this step instead of the policy's, if any.
   */
  due(): Action | undefined {
    const m = this.m;
    const now = m.steps;
    if (now >= this.nextCheckpoint) {
      const last = this.checkpoints[this.checkpoints.length - 1];
      if (last.step < now) this.checkpoints.push({ step: now, snap: captureMachine(m, this.timeline) });
      this.nextCheckpoint = this.interval > 0 ? (Math.floor(now / this.interval) + 1) * this.interval : Infinity;
    }
    if (now >= this.reached) {
      this.reached = now;
      this.setMuted(false);
    }
    let action: Action | undefined;
    const choices = this.choices;
    while (this.cursor < choices.length && choices[this.cursor][0] < now) this.cursor++;
    if (this.cursor < choices.length && choices[this.cursor][0] === now) action = choices[this.cursor++][1];
    this.reschedule();
    return action;
  }

  /** `nextDue`: the earliest of the next checkpoint, the next logged choice and (while replaying) the horizon. */
  private reschedule(): void {
    const now = this.m.steps;
    let due = this.nextCheckpoint;
    const next = this.choices[this.cursor];
    if (next !== undefined && next[0] >= now && next[0] < due) due = next[0];
    if (this.muted && this.reached < due) due = this.reached;
    this.nextDue = due;
  }

  private setMuted(on: boolean): void {
    if (on === this.muted) return;
    this.muted = on;
    if (on) this.m.trace.mute();
    else this.m.trace.unmute();
  }

  /** Record a caller's action at the current step (the future beyond it is forgotten first). */
  logChoice(action: Action): void {
    this.invalidateFuture();
    this.choices.push([this.m.steps, action]);
    this.cursor = this.choices.length;
    this.reschedule();
    this.m.scheduler.enabledMayHaveChanged();
  }

  /**
   * Forget checkpoints and logged choices after the current step: the horizon
   * is here. Call after changing state from outside (e.g. a debugger writing a
   * register). Captures of the forgotten future no longer belong to this timeline.
   */
  invalidateFuture(): void {
    const now = this.m.steps;
    if (this.horizon > now || this.checkpoints[this.checkpoints.length - 1].step > now) this.timeline = {};
    this.choices.length = lowerBound(this.choices, now, (c) => c[0]);
    this.cursor = this.choices.length;
    while (this.checkpoints.length > 1 && this.checkpoints[this.checkpoints.length - 1].step > now) this.checkpoints.pop();
    this.reached = now;
    this.setMuted(false);
    this.scheduleCheckpoint();
    this.reschedule();
    // The scheduler's quiet path runs up to `nextDue`: it must look again.
    this.m.scheduler.enabledMayHaveChanged();
  }

  /**
   * Restore a capture (time travel, exploration). A capture of this timeline
   * keeps the future beyond it (stepping forward replays it); a capture of
   * another timeline (another history, or a future this one forgot) starts a
   * new timeline at it: its own first checkpoint, no logged choices.
   */
  restore(s: MachineSnapshot): void {
    const own = s.timeline === this.timeline;
    this.reached = this.horizon;
    restoreMachine(this.m, s);
    if (own) this.afterRestore();
    else {
      // A fresh identity: captures of the old timeline (s's included) stay foreign to this one.
      this.timeline = {};
      this.checkpoints = [{ step: s.steps, snap: s }];
      this.choices = [];
      this.cursor = 0;
      this.reached = s.steps;
      this.setMuted(false);
      this.scheduleCheckpoint();
      this.reschedule();
    }
  }

  private afterRestore(): void {
    const now = this.m.steps;
    this.cursor = lowerBound(this.choices, now, (c) => c[0]);
    this.setMuted(now < this.reached);
    this.scheduleCheckpoint();
    this.reschedule();
  }

  private scheduleCheckpoint(): void {
    const k = this.interval;
    const now = this.m.steps;
    // The next interval boundary after the latest checkpoint at or before now.
    this.nextCheckpoint = k > 0 ? (Math.floor(now / k) + 1) * k : Infinity;
    if (k > 0 && now % k === 0 && this.checkpoints[this.checkpoints.length - 1].step < now) this.nextCheckpoint = now;
  }

  /**
   * Put the machine in the state it had after `target` steps: restore the
   * nearest checkpoint at or before it when going back (or when it is ahead of
   * the current step within the history), then run forward — logged choices
   * are applied and the trace stays muted behind the horizon. Returns the step
   * reached (less than `target` if the run ended first; the first checkpoint's
   * step for a target before it).
   */
  goToStep(target: number): number {
    const m = this.m;
    const i = upperBound(this.checkpoints, target, (c) => c.step) - 1;
    const cp = this.checkpoints[Math.max(0, i)];
    if (target < m.steps || cp.step > m.steps) {
      this.reached = this.horizon;
      restoreMachine(m, cp.snap);
      this.afterRestore();
    }
    // Pause conditions (pause.ts) may return run() early: going to a step is not a stop.
    while (target > m.steps && m.stopInfo === undefined) {
      const before = m.steps;
      m.run(target - m.steps);
      if (m.steps === before) break;
    }
    return m.steps;
  }
}

/** First index whose key is ≥ `key` (`list` sorted by key). */
function lowerBound<T>(list: readonly T[], key: number, of: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (of(list[mid]) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > `key`. */
function upperBound<T>(list: readonly T[], key: number, of: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (of(list[mid]) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
