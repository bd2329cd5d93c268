import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadScenario } from '../../simulator';
import { runScenario } from '../../simulator/engine/run';
import { diags, fixturesDir } from './helpers';

/**
 * Every example of docs/language.md is a fixture here; each must parse with no
 * diagnostic at all, and the fixture must be the same text as the example.
 */
describe('language reference examples (test/scenario/fixtures)', () => {
  const dir = fixturesDir();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.armscope')).sort();

  it('there is one fixture per documented construct', () => {
    assert.ok(files.length >= 11, files.join(', '));
  });

  for (const f of files) {
    it(`${f} parses without diagnostics`, () => {
      const m = loadScenario(path.join(dir, f));
      assert.deepEqual(diags(m), []);
      assert.ok(m.title, 'every example has a title');
    });
  }

  // The reference promises every example runs with all its expectations held.
  for (const f of files) {
    it(`${f} runs with every expectation held`, () => {
      const r = runScenario(loadScenario(path.join(dir, f)), { maxSteps: 20_000 });
      const failed = r.expectations.filter((e) => !e.held).map((e) => `line ${e.line + 1}: ${e.text} (${e.detail})`);
      assert.deepEqual(failed, []);
      assert.ok(r.expectations.length > 0);
      assert.equal(r.result, 'pass');
    });
  }

  it('docs/language.md embeds each fixture verbatim', () => {
    const doc = path.join(dir, '..', '..', '..', 'docs', 'language.md');
    const text = fs.readFileSync(doc, 'utf8');
    for (const f of files) {
      const body = fs.readFileSync(path.join(dir, f), 'utf8').trimEnd();
      assert.ok(text.includes(`<!-- fixture: ${f} -->\n\`\`\`armscope\n${body}\n\`\`\``), `${f} is not embedded verbatim in docs/language.md`);
    }
  });
});
