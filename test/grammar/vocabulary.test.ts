/**
 * The TextMate grammar's word lists against the simulator's own vocabulary, so
 * the two cannot drift apart: a block keyword, setting, attribute, fault kind
 * or checker rule added to the simulator without its grammar scope (or a word
 * the grammar highlights that the simulator rejects) fails here.
 *
 * Sources of truth: exported tables where a layer has one (`allTopKeywords`,
 * `CORE_SYSTEM_SETTINGS`, `PE_SETTINGS`, `FAULT_KINDS`, the rule registry
 * `RULE_IDS`, `MAIR_INDEX`); otherwise the
 * parser itself — the list in its "unknown setting" diagnostic (simulator ⊆
 * grammar) and acceptance of every grammar word (grammar ⊆ simulator).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../simulator/index';
import { PE_SETTINGS } from '../../simulator/scenario/keywords';
import { FULL_LANGUAGE } from '../../simulator/language';
import { FAULT_KINDS } from '../../simulator/scenario/expectBlock';
import { RULE_IDS } from '../../simulator/arch/rules';
import { MAIR_INDEX } from '../../simulator/mmu/pagetable/block';

const root = path.resolve('.');

interface Rule {
  match?: string;
  begin?: string;
  include?: string;
  patterns?: Rule[];
}
const grammar = JSON.parse(readFileSync(path.join(root, 'syntaxes', 'armscope.tmLanguage.json'), 'utf8')) as { patterns: Rule[]; repository: Record<string, Rule> };

/** The words of a repository list rule: its match is `…(?:a|b|c)…`. */
function words(rule: string): string[] {
  const r = grammar.repository[rule];
  assert.ok(r?.match, `grammar has a list rule '${rule}'`);
  const m = /\(\?:([^()]*)\)/.exec(r.match);
  assert.ok(m, `rule '${rule}' is a word list`);
  return m[1].split('|');
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** Every diagnostic message of a scenario (all layers' passes run in parseScenario). */
function messages(text: string): string[] {
  return parseScenario(text, 'vocabulary.armscope').diagnostics.map((d) => d.message);
}

/** The comma/"or"-separated list in parentheses after `marker` in the diagnostic a bad word produces. */
function listedBySimulator(text: string, marker: RegExp): string[] {
  const msg = messages(text).find((m) => marker.test(m));
  assert.ok(msg, `the simulator reports ${marker} for:\n${text}\n(got: ${messages(text).join(' | ')})`);
  const m = /\(([^()]*)\)\s*$/.exec(msg);
  assert.ok(m, `the diagnostic lists the known words: ${msg}`);
  return m[1]
    .replace(/^(expected|known:)\s*/, '')
    .split(/[\s,;|…]+/)
    .filter((w) => w !== '' && w !== 'or' && w !== 'device_*');
}

/** Words of the grammar the simulator does not accept: `rejected(word)` names the diagnostic a bad word gets. */
function rejectedWords(list: string[], scenario: (w: string) => string, rejected: (w: string) => RegExp): string[] {
  return list.filter((w) => messages(scenario(w)).some((m) => rejected(w).test(m)));
}

describe('TextMate grammar vocabulary matches the simulator', () => {
  it('has a dedicated rule for every top-level keyword, and none for an unknown one', () => {
    const fromGrammar: string[] = [];
    for (const p of grammar.patterns) {
      const r = p.include ? grammar.repository[p.include.slice(1)] : p;
      const re = r.begin ?? r.match ?? '';
      const m = /^\^\\s\*\(([a-z_|]+)\)/.exec(re);
      if (m) fromGrammar.push(...m[1].split('|'));
    }
    fromGrammar.push('const'); // const-decl captures the name too
    assert.deepEqual(sorted(fromGrammar), sorted(FULL_LANGUAGE.topKeywords()));
  });

  it('system and pe settings', () => {
    assert.deepEqual(sorted(words('system-settings')), sorted(FULL_LANGUAGE.systemSettings()));
    assert.deepEqual(sorted(words('pe-settings')), sorted(PE_SETTINGS));
  });

  it('fault kinds and the rule ids of expectations', () => {
    assert.deepEqual(sorted(words('fault-kinds')), sorted(FAULT_KINDS));
    // Finding rules: the registry (simulator/arch/rules.ts) is what the grammar highlights…
    assert.deepEqual(sorted(words('finding-rules')), sorted(RULE_IDS));
    // …and every registered rule is one a layer reports (checkers: sink.report('id', …); firmware: addFinding({ rule: 'id' })).
    const reported = new Set<string>();
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.ts')) {
          const src = readFileSync(p, 'utf8');
          for (const m of src.matchAll(/addFinding\(\{[^}]*?rule: '([a-z0-9-]+)'/g)) reported.add(m[1]);
          for (const m of src.matchAll(/\.report\(\s*'([a-z0-9-]+)'/g)) reported.add(m[1]);
        }
      }
    };
    walk(path.join(root, 'simulator'));
    assert.deepEqual(sorted(reported), sorted(RULE_IDS));
  });

  it('memory types and page-table attributes', () => {
    assert.deepEqual(sorted(words('memory-types')), sorted(Object.keys(MAIR_INDEX)));
    const pt = (stage: number, w: string): string => `pagetable t stage ${stage} at 0x8000_0000 {\n  map 0x8000_0000 to 0x8000_0000 ${w}\n}\n`;
    const s1 = listedBySimulator(pt(1, 'bogus'), /unknown stage-1 attribute 'bogus'/);
    const s2 = listedBySimulator(pt(2, 'bogus'), /unknown stage-2 attribute 'bogus'/);
    const attrs = [...words('pagetable-attributes'), ...words('memory-types'), 's2ap'];
    for (const w of [...s1, ...s2]) assert.ok(attrs.includes(w), `grammar highlights pagetable attribute '${w}'`);
    const bad = words('pagetable-attributes').filter((w) => rejectedWords([w], (x) => pt(1, x), (x) => new RegExp(`unknown stage-1 attribute '${x}'`)).length > 0 && rejectedWords([w], (x) => pt(2, x), (x) => new RegExp(`unknown stage-2 attribute '${x}'`)).length > 0);
    assert.deepEqual(bad, []);
    const opts = listedBySimulator('pagetable t at 0x8000_0000 bogus {\n}\n', /unknown option 'bogus'/);
    // The message lists `pool … size`: `size` (of the pool, and of every map) is in the block's own word list.
    for (const w of opts) assert.ok(words('pagetable-options').includes(w) || (w === 'size' && grammar.repository['pagetable-block'].patterns?.some((p) => p.match?.includes('|size)'))), `grammar highlights pagetable option '${w}'`);
    assert.deepEqual(rejectedWords(words('pagetable-options'), (w) => `pagetable t at 0x8000_0000 ${w} {\n}\n`, (w) => new RegExp(`unknown option '${w}'`)), []);
  });

  it('caches settings', () => {
    const sim = listedBySimulator('caches {\n  bogus\n}\n', /unknown caches setting 'bogus'/);
    assert.deepEqual(sorted(words('caches-settings')), sorted(sim));
    // Points of unification/coherency: every grammar value is accepted by one of them.
    const bad = words('caches-points').filter((p) => p !== 'none' && messages(`caches {\n  pou ${p}\n}\n`).some((m) => /pou expects/.test(m)));
    assert.deepEqual(bad, []);
  });

  it('gic settings, interrupt attributes and groups', () => {
    assert.deepEqual(sorted(words('gic-settings')), sorted(listedBySimulator('gic {\n  bogus\n}\n', /unknown gic setting 'bogus'/)));
    assert.deepEqual(sorted(words('gic-interrupt-attributes')), sorted(listedBySimulator('gic {\n  interrupt 40 bogus\n}\n', /unknown interrupt attribute 'bogus'/)));
    assert.deepEqual(sorted(words('gic-groups')), sorted(listedBySimulator('gic {\n  enable bogus\n}\n', /unknown group 'bogus'/)));
  });

  it('firmware, spmc and partition settings', () => {
    assert.deepEqual(sorted(words('firmware-settings')), sorted(listedBySimulator('firmware {\n  bogus\n}\n', /firmware: unknown setting 'bogus'/)));
    assert.deepEqual(sorted(words('spmc-settings')), sorted(listedBySimulator('spmc {\n  bogus\n}\n', /spmc: unknown setting 'bogus'/)));
    assert.deepEqual(sorted(words('partition-settings')), sorted(listedBySimulator('partition p {\n  bogus\n}\n', /partition: unknown setting 'bogus'/)));
    // Setting values the grammar highlights are accepted where they belong.
    const spmc = (line: string): string => `spmc {\n  tables 0x0610_0000 size 0x10_0000\n  ${line}\n}\n`;
    for (const [setting, values, err] of [
      ['direct_resp_interrupted', ['error', 'ffa_interrupt'], /direct_resp_interrupted: expected/],
      ['el0_tables', ['private', 'shared'], /el0_tables: expected/],
    ] as const) {
      for (const v of values) {
        assert.ok(words('spmc-values').includes(v), `grammar highlights '${v}'`);
        assert.ok(!messages(spmc(`${setting} ${v}`)).some((m) => err.test(m)), `${setting} ${v} is accepted`);
      }
      assert.ok(messages(spmc(`${setting} bogus`)).some((m) => err.test(m)), `${setting} bogus is rejected`);
    }
  });

  it('ffa_descriptor fields and permissions', () => {
    const d = (line: string): string => `ffa_descriptor d at 0x8000_0000 {\n  receiver 0x8001 rw\n  ${line}\n}\n`;
    assert.deepEqual(sorted(words('ffa-descriptor-fields')), sorted(listedBySimulator(d('bogus'), /unknown field 'bogus'/)));
    assert.deepEqual(sorted(words('ffa-permissions')), sorted(listedBySimulator(d('receiver 0x8002 bogus'), /unknown permission 'bogus'/)));
  });
});
