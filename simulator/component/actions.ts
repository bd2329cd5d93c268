/**
 * Choice points (DESIGN.md "The machine", "One step, two drivers"): a step of
 * the machine is one *action* chosen among the enabled actions. The engine
 * knows PE steps and scenario events; components contribute their own
 * actions through an `ActionSource` (a cache evicting a dirty line, a PE
 * speculatively filling a line, later a buffered write propagating).
 *
 * `run` chooses with a policy (round-robin: one path through the choices);
 * exploration branches on every choice. Both apply the chosen action through
 * the same `step`, so an action source must be deterministic: the same state
 * gives the same list, in the same order, and applying an action depends only
 * on the state and the action.
 */

/** A PE executes its next instruction (waking first if it waits and a wake-up event is pending). */
export interface PeStepAction {
  kind: 'pe-step';
  pe: number;
  /** Under the concurrency model: the timestamps of the messages its reads take, in order (the explorer's choice). */
  reads?: readonly number[];
}

/** A scenario `event …` fires (index into model.events). */
export interface ScenarioEventAction {
  kind: 'event';
  index: number;
}

/** An action contributed by a component (e.g. `evict`, `spec-fill`, `time`). */
export interface ComponentAction {
  kind: 'component';
  source: ActionSource;
  /** Short kind name shown in traces and exploration, e.g. `evict`. */
  name: string;
  /** Human-readable description, e.g. `L1D.pe0 evicts 0x8800_0040`. */
  label: string;
  /**
   * The run policy applies eager actions before any PE step (e.g. time passing
   * to a timer deadline); non-eager ones only when a policy (adversarial
   * speculation, exploration) chooses them.
   */
  eager: boolean;
  data?: unknown;
}

export type Action = PeStepAction | ScenarioEventAction | ComponentAction;

export interface ActionSource {
  readonly name: string;
  /** Append the actions this component enables in the current state. */
  enabledActions(out: Action[]): void;
  /** Apply one of its actions (the machine counts the step). */
  apply(action: ComponentAction): void;
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
