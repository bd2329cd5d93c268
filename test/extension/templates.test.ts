/**
 * "Armscope: New Scenario" templates (extension/templates.ts) and the
 * snippets (resources/snippets/armscope.json): every template parses without
 * a diagnostic and runs with every expectation holding; every snippet,
 * expanded with its defaults in place of the block it writes in a template,
 * does the same.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../simulator';
import { runScenario } from '../../simulator/engine/run';
import { SCENARIO_TEMPLATES } from '../../extension/templates';

interface Snippet {
  prefix: string;
  body: string[];
}

const SNIPPETS = JSON.parse(readFileSync(path.resolve('resources', 'snippets', 'armscope.json'), 'utf8')) as Record<string, Snippet>;

/** A snippet body as VS Code inserts it when every placeholder keeps its default (first choice). */
function expandSnippet(s: Snippet): string {
  return s.body
    .join('\n')
    .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\}|\$\d+/g, '')
    .replace(/\t/g, '  ');
}

function template(id: string): string {
  const t = SCENARIO_TEMPLATES.find((x) => x.id === id);
  assert.ok(t, id);
  return t.text;
}

/** Replace the block opened by `head` (up to its closing `}` at column 0) in `text`. */
function replaceBlock(text: string, head: RegExp, block: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => head.test(l));
  assert.ok(start >= 0, `no block ${head} in the template`);
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return [...lines.slice(0, start), block.trimEnd(), ...lines.slice(end + 1)].join('\n');
}

function assertCleanRun(text: string, name: string): void {
  const model = parseScenario(text, `${name}.armscope`);
  assert.deepEqual(model.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.severity}: ${d.message}`), [], `${name} has diagnostics`);
  const report = runScenario(model);
  const failed = report.expectations.filter((e) => !e.held);
  assert.deepEqual(failed.map((e) => `${e.text}: ${e.detail ?? ''}`), [], `${name}: expectations failed`);
  assert.ok(report.expectations.length >= 3, `${name} checks something`);
}

describe('extension: New Scenario templates and snippets', function () {
  this.timeout(60_000);

  it('offers bare EL1, EL2 + stage 2 and SPMC + two partitions', () => {
    assert.deepEqual(SCENARIO_TEMPLATES.map((t) => t.id), ['bare-el1', 'el2-stage2', 'spmc-two-partitions']);
    for (const t of SCENARIO_TEMPLATES) assert.match(t.fileName, /^[a-z0-9-]+\.armscope$/);
  });

  for (const t of SCENARIO_TEMPLATES) {
    it(`template ${t.id} parses clean and every expectation holds`, () => assertCleanRun(t.text, t.id));
  }

  it('the stage-2 template faults where it says and the partitions template answers from both partitions', () => {
    const s2 = runScenario(parseScenario(template('el2-stage2'), 'el2-stage2.armscope'));
    assert.equal(s2.faults.length, 1);
    assert.equal(s2.faults[0].stage, 2);
    assert.equal(s2.faults[0].level, 2);
    const ffa = runScenario(parseScenario(template('spmc-two-partitions'), 'spmc.armscope'));
    assert.ok(ffa.expectations.some((e) => e.text === 'pe 0 x20 == 22' && e.held));
  });

  it('snippets exist for system, pe, pagetable, partition and expect', () => {
    assert.deepEqual(Object.values(SNIPPETS).map((s) => s.prefix).sort(), ['expect', 'pagetable', 'partition', 'pe', 'system']);
  });

  it('each snippet, expanded with its defaults, replaces its block in a template and the scenario still parses clean and runs', () => {
    const by = (prefix: string): string => expandSnippet(Object.values(SNIPPETS).find((s) => s.prefix === prefix)!);
    // system/pe/expect: the bare template's blocks replaced by the snippets (the snippet pe's entry is `start`).
    let bare = replaceBlock(template('bare-el1'), /^system \{/, by('system'));
    bare = replaceBlock(bare, /^pe 0 \{/, by('pe').replace('security nonsecure', 'security nonsecure\n  vbar_el1 = vectors'));
    bare = replaceBlock(bare, /^expect \{/, by('expect').replace('x0 == 0', 'x2 == 0x2a'));
    assertCleanRun(bare, 'snippets-bare');
    const s2 = replaceBlock(template('el2-stage2'), /^pagetable /, by('pagetable'));
    const model = parseScenario(s2, 'snippet-pagetable.armscope');
    assert.deepEqual(model.diagnostics.map((d) => d.message), []);
    assertCleanRun(replaceBlock(template('spmc-two-partitions'), /^partition sp1 \{/, by('partition')), 'snippet-partition');
  });

  it('expands placeholders, choices and tab stops the way the editor does', () => {
    assert.equal(expandSnippet({ prefix: 'x', body: ['a ${1:one} ${2|on,off|} $0', '\tb ${3}'] }), 'a one on \n  b ');
  });
});
