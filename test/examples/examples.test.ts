import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findScenarios } from '../../simulator/cli/commands';
import { runScenario } from '../../simulator/engine/run';
import { parseScenario } from '../../simulator';
import { repoRoot } from '../engine/helpers';

const root = repoRoot();
const files = findScenarios(join(root, 'examples'));

describe('examples: every examples/**/*.armscope passes `armscope run`', () => {
  it('finds the examples', () => {
    assert.ok(files.length >= 3, `found ${files.length}`);
  });
  for (const file of files) {
    const rel = relative(root, file);
    it(rel, () => {
      const model = parseScenario(readFileSync(file, 'utf8'), rel);
      const errors = model.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
      const r = runScenario(model);
      const failed = r.expectations.filter((e) => !e.held).map((e) => `line ${e.line + 1}: ${e.text} — ${e.detail}`);
      assert.deepEqual(failed, [], `${rel}: ${r.stop.reason}`);
      assert.ok(r.expectations.length > 0, 'an example must say what it shows');
      assert.equal(r.result, 'pass');
    });
  }
});
