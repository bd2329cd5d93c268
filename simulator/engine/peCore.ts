/**
 * The seam between the engine and the PE system model (simulator/pe): how a
 * PE steps (and whether it can), how it is reset, and the SystemOps implementation instructions
 * delegate to. Kept in one place so the machine does not depend on the
 * system model's file layout.
 *
 * `stepPe` is a function of this module, not a re-export: CommonJS compiles a
 * re-export to a getter, which the run loop would call on every step.
 */
import { wakeupPending } from '../pe/interrupts';
import type { Pe } from '../pe/pe';
import { resetSysregs } from '../pe/reset';
import { runPe as run } from '../pe/block';
import { stepPe as step } from '../pe/step';
import { SystemModel } from '../pe/system';
import type { SystemOps } from '../pe/systemOps';

export type { StepClock } from '../pe/block';
export { resetSysregs as resetPe };
export type { ResetOptions } from '../pe/reset';

/** One step of a PE: take a pending interrupt, or fetch and execute one instruction (pe/step.ts). */
export const stepPe: (pe: Pe) => void = step;

/** Steps of one PE up to step `limit` through the block engine (pe/block.ts): exactly what repeated `stepPe` does. */
export const runPe: typeof run = run;

/** One SystemOps serves every PE (the system model keeps its state on the PE). */
export function createSystemOps(): SystemOps {
  return new SystemModel();
}

/** A PE may take a step: it runs, or it waits and a wake-up event is pending (Arm ARM D1.6.1 WFE, D1.6.2 WFI). */
export function canStep(pe: Pe): boolean {
  switch (pe.state) {
    case 'running':
      return true;
    case 'wfi':
      return wakeupPending(pe);
    case 'wfe':
      return pe.eventRegister !== 0 || wakeupPending(pe);
    default:
      return false;
  }
}
