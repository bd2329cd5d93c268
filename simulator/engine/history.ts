/**
 * Time travel: checkpoints every K steps and the actions callers applied
 * themselves (a debugger's or an explorer's choices), so that `goToStep(n)`
 * can put the machine in the state it had after `n` steps — restore the
 * nearest checkpoint at or before `n` and replay (the trace muted: listeners
 * have seen those steps). Determinism (same state, same choices ⇒ same
 * execution) makes the replay exact.
 *
 * Lookups are binary searches: going forward past the current step costs
 * what the steps cost, not what the history holds.
 */
import type { Action } from '../component/actions';
import type { Machine } from './machine';
import { captureMachine, restoreMachine, type MachineSnapshot } from './machineState';

interface Checkpoint {
  step: number;
  snap: MachineSnapshot;
}

export class History {
  /** Checkpoints in step order; the first is step 0. */
  private checkpoints: Checkpoint[] = [];
  /** Actions applied by callers instead of the policy, in step order: [step, action]. */
  private choices: [number, Action][] = [];
  /** Step at which the next checkpoint is due (Infinity: only the step-0 one). */
  nextCheckpoint = Infinity;

  constructor(
    private readonly m: Machine,
    /** Steps between checkpoints (0: only the step-0 checkpoint). */
    private readonly interval: number,
  ) {}

  /** The step-0 checkpoint: taken once the machine is built. */
  start(): void {
    this.checkpoints = [{ step: this.m.steps, snap: captureMachine(this.m) }];
    this.scheduleNext();
  }

  /** Steps of the checkpoints taken so far. */
  checkpointSteps(): number[] {
    return this.checkpoints.map((c) => c.step);
  }

  takeCheckpoint(): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last.step < this.m.steps) this.checkpoints.push({ step: this.m.steps, snap: captureMachine(this.m) });
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const k = this.interval;
    this.nextCheckpoint = k > 0 ? (Math.floor(this.m.steps / k) + 1) * k : Infinity;
  }

  /** Record a caller's action at the current step (the future beyond it is forgotten first). */
  logChoice(action: Action): void {
    this.invalidateFuture();
    this.choices.push([this.m.steps, action]);
  }

  /**
   * Forget checkpoints and logged choices after the current step. Call after
   * changing state from outside (e.g. a debugger writing a register).
   */
  invalidateFuture(): void {
    const now = this.m.steps;
    this.choices.length = lowerBound(this.choices, now, (c) => c[0]);
    while (this.checkpoints.length > 1 && this.checkpoints[this.checkpoints.length - 1].step > now) this.checkpoints.pop();
  }

  /** Restore a capture (time travel, exploration) and reschedule the next checkpoint. */
  restore(s: MachineSnapshot): void {
    restoreMachine(this.m, s);
    this.scheduleNext();
  }

  /**
   * Put the machine in the state it had after `target` steps: restore the
   * nearest checkpoint at or before it and replay (trace muted). Going
   * forward simply runs. Returns the step reached (less than `target` if the
   * run ended first).
   */
  goToStep(target: number): number {
    const m = this.m;
    // The latest checkpoint at or before the target; restoring it is worth it going back, and going
    // forward past it (checkpoints beyond the current step belong to this same history, else
    // invalidateFuture() would have dropped them).
    const i = upperBound(this.checkpoints, target, (c) => c.step) - 1;
    const cp = this.checkpoints[Math.max(0, i)];
    if (target < m.steps || cp.step > m.steps) this.restore(cp.snap);
    if (target > m.steps) {
      m.trace.mute();
      try {
        this.replayTo(target);
      } finally {
        m.trace.unmute();
      }
    }
    return m.steps;
  }

  /** Run forward to `target`, applying logged caller choices at their steps and the policy elsewhere. */
  private replayTo(target: number): void {
    const m = this.m;
    for (let k = lowerBound(this.choices, m.steps, (c) => c[0]); k < this.choices.length; k++) {
      const [at, action] = this.choices[k];
      if (at >= target) break;
      if (at > m.steps) m.run(at - m.steps);
      if (m.stopInfo !== undefined || m.steps !== at) return;
      m.scheduler.applyAction(action);
    }
    if (target > m.steps && m.stopInfo === undefined) m.run(target - m.steps);
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
