/**
 * Policies choose the next action (DESIGN.md "The machine"). `run` mode uses
 * round-robin: scenario events as soon as they are due, eager component
 * actions (draining buffered writes) next, then the PEs in turn. Non-eager
 * component actions (speculative fills, evictions) are left to policies that
 * want them, e.g. the seeded random policy or exploration.
 */
import type { Action, Policy } from './actions';
import type { Machine } from './machine';

export class RoundRobinPolicy implements Policy {
  readonly name = 'round-robin';

  choose(enabled: readonly Action[], machine: Machine): Action {
    for (const a of enabled) if (a.kind === 'event') return a;
    for (const a of enabled) if (a.kind === 'component' && a.eager) return a;
    const n = machine.pes.length;
    const rr = machine.roundRobinNext();
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
