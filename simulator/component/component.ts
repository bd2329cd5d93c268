/**
 * A machine is assembled from an explicit list of components (engine/
 * components.ts): the platform (GIC, devices, timer), the memory system, the
 * MMU, the PEs, the built-in firmware, the checkers. Each component publishes
 * hook points others subscribe to (component/hook.ts) and may take part in
 * the machine's state and choices through the two roles below.
 */
import type { ActionSource } from './actions';
import type { Snapshottable } from './state';

export interface Component {
  /** Its name in the architecture's words: `memory system`, `MMU`, `GIC`, `firmware`, `checkers`. */
  readonly name: string;
  /** Its state, when checkpoints, time travel and exploration must capture it. */
  readonly state?: Snapshottable;
  /** The choice points it contributes (eviction, speculative fill, …). */
  readonly actions?: ActionSource;
}
