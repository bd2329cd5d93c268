import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { runScenario } from '../../simulator/engine/run';
import { CacheHierarchy } from '../../simulator/cache/hierarchy';
import { Machine } from '../../simulator/engine/machine';

/** The `caches` example of docs/language.md "## Caches" parses cleanly, configures the hierarchy it says, and runs. */
describe('docs/language.md: the caches example', () => {
  const doc = readFileSync(join(process.cwd(), 'docs', 'language.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Caches'));
  const m = /```armscope\n([\s\S]*?)\n```/.exec(section);

  it('is present', () => assert.ok(m));

  it('parses without diagnostics and runs with every expectation held', () => {
    const model = parseScenario(m![1], 'caches-block.armscope');
    assert.deepEqual(model.diagnostics.map((d) => d.message), []);
    const r = runScenario(model);
    assert.deepEqual(r.expectations.filter((e) => !e.held).map((e) => e.text), []);
    assert.equal(r.result, 'pass');
  });

  it('builds the hierarchy the block describes', () => {
    const machine = Machine.create(parseScenario(m![1], 'caches-block.armscope'));
    const h = machine.memory;
    assert.ok(h instanceof CacheHierarchy);
    assert.deepEqual(
      h.summaries().map((c) => `${c.name} ${c.sets}x${c.ways}`),
      ['L1D.pe0 4x2', 'L1D.pe1 4x2', 'L2.cluster0 8x4', 'L2.cluster1 8x4'],
    );
  });
});
