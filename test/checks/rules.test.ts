/**
 * The one rule registry (simulator/arch/rules.ts) and everything it feeds:
 * expectation validation, the checkers' list, editor completion, the
 * debugger's exception filters and the generated docs table (issue #9 item 5).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkerRules, findRule, LIVELOCK_RULES, RULE_IDS, RULES, rulesMarkdownTable, rulesOf } from '../../simulator/arch/rules';
import { attachCheckers, CHECKER_RULES } from '../../simulator/checks/index';
import { loadScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { parseScenario } from '../../simulator';
import { exceptionFilters, findingFilter } from '../../debug-adapter/filters';
import { Analysis } from '../../language-server/analysis';
import { provideCompletion } from '../../language-server/completion';
import { barrierFixFor } from '../../language-server/knowledge';

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

  it("a machine's checkers report the registry's checker rules: the caches' only with cache_model on, the firmware's checkers' with the built-in firmware", () => {
    const rulesOfRun = (file: string, cacheModel: 'on' | 'off'): readonly string[] => attachCheckers(Machine.create(loadScenario(path.resolve(file)), { cacheModel })).rules;
    const flat = ['break-before-make', 'tlbi-without-sync', 'sysreg-without-isb'];
    assert.deepEqual(rulesOfRun('examples/hello/hello.armscope', 'off'), flat);
    assert.deepEqual(rulesOfRun('examples/hello/hello.armscope', 'on'), rulesOf('checks'));
    // Seed 001 runs the built-in SPMC: its isolation and livelock checkers join; the monitor's el3-panic is not a checker's.
    assert.deepEqual(rulesOfRun('examples/seed-001/bug-resp-interrupted.armscope', 'off'), [...flat, 'ffa-livelock', 'partition-isolation']);
    assert.deepEqual(checkerRules({ cacheModel: true, firmware: true }), RULE_IDS.filter((r) => r !== 'el3-panic'));
    assert.deepEqual(LIVELOCK_RULES, ['ffa-livelock']);
  });

  it('the debugger has an exception filter per rule (the livelock rule stops as "livelock")', () => {
    const filters = exceptionFilters().map((f) => f.filter);
    for (const id of RULE_IDS) assert.ok(filters.includes(findingFilter(id)), id);
    assert.equal(findingFilter('ffa-livelock'), 'livelock');
    assert.equal(findingFilter('el3-panic'), 'finding:el3-panic');
    assert.ok(!filters.includes('finding:other'), 'every finding has a registered rule');
  });

  it("the editor's barrier quick fixes come from the registry, by the finding's severity", () => {
    assert.deepEqual(barrierFixFor('sysreg-without-isb', 'warning'), ['isb']);
    assert.deepEqual(barrierFixFor('tlbi-without-sync', 'error'), ['dsb ish', 'isb']);
    assert.deepEqual(barrierFixFor('stale-descriptor', 'warning'), ['dsb ish', 'isb']);
    assert.equal(barrierFixFor('stale-descriptor', 'error'), undefined, 'mismatched table attributes are not fixed by barriers');
    assert.equal(barrierFixFor('break-before-make', 'error'), undefined);
    assert.deepEqual(RULES.filter((r) => r.barrierFix !== undefined).map((r) => r.id), ['stale-descriptor', 'tlbi-without-sync', 'sysreg-without-isb']);
  });

  it('docs/memory-model.md holds the generated table (npm run docs:tables rewrites it)', () => {
    const doc = readFileSync(path.resolve('docs/memory-model.md'), 'utf8');
    const m = /<!-- generated: rules\b[^>]*-->\n([\s\S]*?)\n<!-- end generated: rules -->/.exec(doc);
    assert.ok(m, 'the generated section exists');
    assert.equal(m[1], rulesMarkdownTable(), 'run `npm run docs:tables` after changing simulator/arch/rules.ts');
  });
});
