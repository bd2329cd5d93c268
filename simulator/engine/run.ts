/**
 * One call from a parsed scenario to its report: what the CLI, the
 * language server's background run and the tests use.
 */
import type { ScenarioModel } from '../scenario/model';
import { Machine, type MachineOptions } from './machine';
import { prepareModel } from './prepare';
import { buildReport, errorReport, type RunReport } from './report';

/**
 * Does the scenario have errors that prevent a run? Prepares the model first
 * (idempotent, engine/prepare.ts) so errors found while building `pagetable`
 * blocks count too.
 */
export function hasErrors(model: ScenarioModel): boolean {
  prepareModel(model);
  return model.diagnostics.some((d) => d.severity === 'error');
}

/** Run a scenario to its end (or step budget) and evaluate its expectations. Scenarios with errors are not run. */
export function runScenario(model: ScenarioModel, options: MachineOptions = {}): RunReport {
  if (hasErrors(model)) return errorReport(model);
  const machine = Machine.create(model, options);
  machine.run();
  return buildReport(machine);
}
