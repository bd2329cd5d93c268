/**
 * What can happen next (DESIGN.md "The machine"): a step is one *action*
 * chosen from the enabled actions. The core knows PE steps and scenario
 * events; other components (store buffers draining, caches evicting or
 * speculatively filling lines, the GIC delivering an interrupt) contribute
 * their own actions through an `ActionSource`.
 */
import type { Machine } from './machine';

/** A PE executes its next instruction (waking first if it waits and a wake-up event is pending). */
export interface PeStepAction {
  kind: 'pe-step';
  pe: number;
}

/** A scenario `event …` fires (index into model.events). */
export interface ScenarioEventAction {
  kind: 'event';
  index: number;
}

/** An action contributed by a component (e.g. `drain`, `evict`, `spec-fill`, `gic-deliver`). */
export interface ComponentAction {
  kind: 'component';
  source: ActionSource;
  /** Short kind name shown in traces and exploration, e.g. `evict`. */
  name: string;
  /** Human-readable description, e.g. `L1D.pe0 evicts 0x8800_0040`. */
  label: string;
  /**
   * The run policy applies eager actions before any PE step (e.g. draining a
   * buffered write); non-eager ones only when a policy (adversarial speculation,
   * exploration) chooses them.
   */
  eager: boolean;
  data?: unknown;
}

export type Action = PeStepAction | ScenarioEventAction | ComponentAction;

export interface ActionSource {
  readonly name: string;
  /** Append the actions this component enables in the current state. */
  enabledActions(machine: Machine, out: Action[]): void;
  apply(machine: Machine, action: ComponentAction): void;
}

/** Chooses one of the enabled actions (never called with an empty list). */
export interface Policy {
  readonly name: string;
  choose(enabled: readonly Action[], machine: Machine): Action;
}

export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'pe-step':
      return `PE ${a.pe} steps`;
    case 'event':
      return `event ${a.index} fires`;
    case 'component':
      return a.label;
  }
}
