/**
 * Shared by the litmus tests: the project's corpus (test/litmus/corpus, with
 * its kinds.txt), reading a test, and running its generated scenario once.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { hasErrors } from '../../simulator/engine/run';
import { litmusToScenario, machineReader, observe, readLitmus, type GeneratedScenario, type LitmusState, type LitmusTest } from '../../simulator/litmus';
import { repoRoot } from '../engine/helpers';

export const CORPUS = join(repoRoot(), 'test', 'litmus', 'corpus');

export function corpusFiles(): string[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.litmus'))
    .sort();
}

/** kinds.txt: test name → Allowed | Forbidden | Required. */
export function corpusKinds(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(CORPUS, 'kinds.txt'), 'utf8').split('\n')) {
    const m = /^(\S+)\s+(Allowed|Forbidden|Required)\s*$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

export function readTest(text: string, file = 'test.litmus'): LitmusTest {
  const r = readLitmus(text, file);
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.col + 1} ${d.message}`),
    [],
  );
  return r.test!;
}

/** Run a test's generated scenario once (`run`'s round-robin execution) and read its final state. */
export function runOnce(test: LitmusTest): { generated: GeneratedScenario; state: LitmusState; machine: Machine } {
  const generated = litmusToScenario(test);
  const model = parseScenario(generated.text, `${test.name}.armscope`);
  assert.equal(hasErrors(model), false, model.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
  const machine = Machine.create(model, {});
  machine.run();
  return { generated, state: observe(test, generated.layout, machineReader(machine)), machine };
}
