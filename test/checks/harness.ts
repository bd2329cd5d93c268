/** Run a scenario text with the checkers attached (as the engine does) and return the report. */
import { Machine, type MachineOptions } from '../../simulator/engine/machine';
import { buildReport, type RunReport } from '../../simulator/engine/report';
import { parseScenario } from '../../simulator';
import { attachCheckers } from '../../simulator/checks';

export function runChecked(text: string, options: MachineOptions = {}, file = 'test.armscope'): { report: RunReport; machine: Machine } {
  const model = parseScenario(text, file);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
  const machine = Machine.create(model, options);
  attachCheckers(machine); // idempotent: a no-op when the engine attached them already
  machine.run();
  return { report: buildReport(machine), machine };
}
