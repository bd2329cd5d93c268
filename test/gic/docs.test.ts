import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../../simulator/engine/run';
import { parseScenario } from '../../simulator';
import { repoRoot } from '../engine/helpers';

describe('docs/language.md "Interrupts"', () => {
  it('the example parses without diagnostics and runs with every expectation held', () => {
    const doc = readFileSync(join(repoRoot(), 'docs', 'language.md'), 'utf8');
    const section = doc.slice(doc.indexOf('\n## Interrupts'));
    const m = /```armscope\n([\s\S]*?)```/.exec(section);
    assert.ok(m, 'the section has an armscope example');
    const model = parseScenario(m[1], 'interrupts.armscope');
    assert.deepEqual(model.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
    const r = runScenario(model);
    const failed = r.expectations.filter((e) => !e.held).map((e) => `line ${e.line + 1}: ${e.text} — ${e.detail}`);
    assert.deepEqual(failed, [], r.stop.reason);
    assert.equal(r.result, 'pass');
    assert.ok(r.expectations.length >= 4);
  });
});
