/**
 * The one rule registry (simulator/arch/rules.ts) and everything it feeds:
 * expectation validation, the checkers' list, editor completion, the
 * debugger's exception filters and the generated docs table (issue #9 item 5).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findRule, RULE_IDS, RULES, rulesMarkdownTable, rulesOf } from '../../simulator/arch/rules';
import { CHECKER_RULES } from '../../simulator/checks/index';
import { parseScenario } from '../../simulator';
import { exceptionFilters, findingFilter } from '../../debug-adapter/filters';
import { Analysis } from '../../language-server/analysis';
import { provideCompletion } from '../../language-server/completion';

const SYSTEM = `system {
  memory ram at 0x8000_0000 size 0x10_0000
}
pe 0 {
  entry start
}
code at 0x8000_0000 {
start:
  hlt #0
}
`;

function withExpect(...lines: string[]): string {
  return `${SYSTEM}expect {\n${lines.map((l) => `  ${l}\n`).join('')}}\n`;
}

describe('rule registry', () => {
  it('holds the 7 checker rules and the 3 firmware rules, each with a reference and a fix', () => {
    assert.equal(RULES.length, 10);
    assert.equal(new Set(RULE_IDS).size, RULES.length, 'ids are unique');
    assert.deepEqual(rulesOf('firmware'), ['ffa-livelock', 'partition-isolation', 'el3-panic']);
    assert.deepEqual([...CHECKER_RULES], rulesOf('checks'));
    for (const r of RULES) {
      assert.match(r.reference, /Arm ARM|FF-A|TF-A|IHI/, r.id);
      assert.ok(r.fix.length > 20 && r.summary.length > 20, r.id);
    }
    assert.deepEqual(
      RULES.filter((r) => r.needsCacheModel).map((r) => r.id),
      ['mismatched-attributes', 'mmu-off-with-dirty-lines', 'pou-where-poc-needed', 'stale-descriptor'],
    );
    assert.equal(findRule('missing-isb'), undefined);
  });

  it('an expectation naming an unknown rule is an error with a "did you mean" (it would pass vacuously)', () => {
    const m = parseScenario(withExpect('no finding mismatched-atributes', 'finding sysreg-without-isb'), 'rules.armscope');
    const errors = m.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, JSON.stringify(m.diagnostics));
    const e = errors[0];
    assert.equal(e.rule, 'unknown-rule');
    assert.equal(e.message, "unknown finding rule 'mismatched-atributes'; did you mean 'mismatched-attributes'?");
    assert.deepEqual([e.range.start.line, e.range.start.col, e.range.end.col], [11, 13, 33]);
    const far = parseScenario(withExpect('finding missing-isb'), 'rules.armscope').diagnostics.find((d) => d.rule === 'unknown-rule');
    assert.match(far!.message, /^unknown finding rule 'missing-isb'; (did you mean|the rules are) /);
  });

  it('every registered rule parses in an expectation, firmware rules included', () => {
    const m = parseScenario(withExpect(...RULE_IDS.map((r) => `no finding ${r}`)), 'rules.armscope');
    assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('completion after `finding` offers every rule, not only the checkers\'', () => {
    const text = withExpect('finding ');
    const model = parseScenario(text, '/work/rules.armscope');
    const items = provideCompletion(new Analysis('file:///work/rules.armscope', 1, text, model), { line: 11, character: 10 });
    const labels = items.map((i) => i.label);
    for (const id of RULE_IDS) assert.ok(labels.includes(id), `${id} in ${labels.join(', ')}`);
  });

  it('the debugger has an exception filter per rule (the livelock rule stops as "livelock")', () => {
    const filters = exceptionFilters().map((f) => f.filter);
    for (const id of RULE_IDS) assert.ok(filters.includes(findingFilter(id)), id);
    assert.equal(findingFilter('ffa-livelock'), 'livelock');
    assert.equal(findingFilter('el3-panic'), 'finding:el3-panic');
    assert.ok(!filters.includes('finding:other'), 'every finding has a registered rule');
  });

  it('docs/memory-model.md holds the generated table (npm run docs:tables rewrites it)', () => {
    const doc = readFileSync(path.resolve('docs/memory-model.md'), 'utf8');
    const m = /<!-- generated: rules\b[^>]*-->\n([\s\S]*?)\n<!-- end generated: rules -->/.exec(doc);
    assert.ok(m, 'the generated section exists');
    assert.equal(m[1], rulesMarkdownTable(), 'run `npm run docs:tables` after changing simulator/arch/rules.ts');
  });
});
