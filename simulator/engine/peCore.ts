/**
 * The seam between the engine and the PE system model (simulator/pe): how a
 * PE steps, how it is reset, and the SystemOps implementation instructions
 * delegate to. Kept in one place so the machine does not depend on the
 * system model's file layout.
 */
import { resetSysregs } from '../pe/reset';
import { SystemModel } from '../pe/system';
import type { SystemOps } from '../pe/systemOps';

export { stepPe } from '../pe/step';
export { runPe } from '../pe/block';
export type { StepClock } from '../pe/block';
export { resetSysregs as resetPe };
export type { ResetOptions } from '../pe/reset';

/** One SystemOps serves every PE (the system model keeps its state on the PE). */
export function createSystemOps(): SystemOps {
  return new SystemModel();
}
