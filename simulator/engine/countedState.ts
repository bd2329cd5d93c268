/**
 * Captures of a component whose state changes only inside calls the machine
 * makes and counts — the built-in firmware's, which changes only while it
 * handles an exception (engine/components.ts `builtinHandler`, through
 * `Machine.handleInFirmware`) and copies its whole state at each capture and
 * restore. While the count has not moved since the last capture or restore,
 * that capture is the live state: a fork returns it again, a restore of it
 * does nothing, and its fingerprint (the structural hash of the capture) is
 * computed once per capture. So a checkpoint, a restore and a fingerprint cost
 * the firmware nothing between two of its calls (exploration, time travel).
 */
import { componentHash, hashValue, StateHasher, type Snapshottable } from '../component/state';

export class CountedState implements Snapshottable {
  /** Calls that may have changed the state so far (`Machine.handleInFirmware` counts them). */
  changes = 0;
  /** The capture the live state is while `changes` is `at` (taken or restored then). */
  private last: unknown = undefined;
  private at = -1;
  private readonly digests = new WeakMap<object, number>();

  constructor(private readonly inner: Snapshottable) {}

  snapshot(): unknown {
    if (this.at !== this.changes || this.last === undefined) {
      this.last = this.inner.snapshot();
      this.at = this.changes;
    }
    return this.last;
  }

  restore(s: unknown): void {
    if (s === this.last && this.at === this.changes) return;
    this.inner.restore(s);
    this.last = s;
    this.at = this.changes;
  }

  stateHash(): number {
    if (this.inner.stateHash !== undefined) return this.inner.stateHash();
    const s = this.snapshot();
    if (typeof s !== 'object' || s === null) return componentHash(this.inner);
    let d = this.digests.get(s);
    if (d === undefined) {
      const h = new StateHasher();
      hashValue(h, s);
      d = h.value();
      this.digests.set(s, d);
    }
    return d;
  }
}
