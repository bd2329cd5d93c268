/**
 * Policies choose the next action among the enabled ones (DESIGN.md "One
 * step, two drivers"): `run` is one path through the machine's choice
 * points, chosen by a policy; exploration is the other driver, branching on
 * every choice. Both apply the choice through the same `step`.
 *
 * Round-robin (the run default): scenario events as soon as they are due,
 * eager component actions next, then the PEs in turn. Non-eager component
 * actions (speculative fills, evictions) are left to policies that want them.
 */
import type { Action } from '../component/actions';
import type { Pe } from '../pe/pe';
import type { Machine } from './machine';
import { canStep } from './peCore';

export interface Policy {
  readonly name: string;
  /** Choose one of the enabled actions (never called with an empty list). */
  choose(enabled: readonly Action[], machine: Machine): Action;
  /**
   * The same choice when the enabled actions are known to be PE steps only
   * (no event due, no component action): the index of the PE that steps, or
   * -1 to let `choose` decide on the full list. Lets the scheduler skip
   * building the list on most steps without a second way of choosing.
   */
  choosePe?(pes: readonly Pe[], machine: Machine): number;
  /**
   * `choosePe` picks the PE at the round-robin pointer (`scheduler.rr`) whenever that PE is
   * running: the scheduler then steps it without asking (the same choice, no call per step).
   */
  readonly takesRunningAtPointer?: boolean;
}

export class RoundRobinPolicy implements Policy {
  readonly name = 'round-robin';
  readonly takesRunningAtPointer = true;

  choose(enabled: readonly Action[], machine: Machine): Action {
    for (const a of enabled) if (a.kind === 'event') return a;
    for (const a of enabled) if (a.kind === 'component' && a.eager) return a;
    const n = machine.pes.length;
    const rr = machine.scheduler.rr;
    let best: Action | undefined;
    let bestDist = Infinity;
    for (const a of enabled) {
      if (a.kind !== 'pe-step') continue;
      const d = (a.pe - rr + n) % n;
      if (d < bestDist) {
        best = a;
        bestDist = d;
      }
    }
    // Only non-eager component actions are enabled: time passes through them.
    return best ?? enabled[0];
  }

  /** The first PE at or after the round-robin pointer that can step (the one `choose` picks among PE steps). */
  choosePe(pes: readonly Pe[], machine: Machine): number {
    const n = pes.length;
    let i = machine.scheduler.rr;
    for (let k = 0; k < n; k++) {
      const pe = pes[i];
      if (pe.state === 'running' || canStep(pe)) return i;
      i = i + 1 === n ? 0 : i + 1;
    }
    return -1;
  }
}

/**
 * Uniformly random among the enabled actions, from the machine's seeded
 * PRNG (same seed, same choices). Useful to shake out ordering assumptions
 * between PEs; events still fire as soon as they are due.
 */
export class RandomPolicy implements Policy {
  readonly name = 'random';

  choose(enabled: readonly Action[], machine: Machine): Action {
    for (const a of enabled) if (a.kind === 'event') return a;
    return enabled[machine.prng.below(enabled.length)];
  }
}
