/**
 * herd7 litmus tests in and out (docs/litmus.md): the reader, the scenario
 * generator, the scenario-to-litmus writer and herd7's result format.
 */
import type { LitmusDiagnostic, LitmusTest } from './ast';
import { parseLitmus } from './parse';
import { checkLitmus } from './support';

export * from './ast';
export { parseLitmus, MAX_LITMUS_CHARS, MAX_THREADS, MAX_INSTRUCTIONS } from './parse';
export { checkLitmus } from './support';
export { litmusToScenario, type GeneratedScenario } from './toScenario';
export { scenarioToLitmus, type LitmusText } from './fromScenario';
export { observe, holds, stateLine, type FinalStateReader, type LitmusState } from './outcome';
export { herdResult, conditionText, testKind, type HerdResult, type Outcome } from './herdFormat';
export { machineReader } from './machineReader';

/** Read a litmus test and check that the simulator can run it: a test, or the diagnostics that say why not (never throws). */
export function readLitmus(text: string, file = 'test.litmus'): { test?: LitmusTest; diagnostics: LitmusDiagnostic[] } {
  const parsed = parseLitmus(text, file);
  if (parsed.test === undefined) return parsed;
  const diagnostics = [...parsed.diagnostics, ...checkLitmus(parsed.test)];
  return diagnostics.length > 0 ? { diagnostics } : parsed;
}
