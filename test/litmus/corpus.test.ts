/**
 * The project's litmus corpus (test/litmus/corpus): every test reads, turns
 * into a scenario that parses and runs, comes back through scenario2litmus
 * equivalent, and its one `run` execution never shows an outcome the
 * architecture forbids. Explored under Arm's memory model (Promising-ARM in
 * the engine), its set of final states is exactly herd7's recorded one, and
 * so its verdict (docs/litmus.md).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { holds, litmusToScenario, scenarioToLitmus, stateLine, testKind, type LitmusTest, type LitmusValue } from '../../simulator/litmus';
import { exploreLitmus } from '../../simulator/litmus/explore';
import { conditionText, herdValueText } from '../../simulator/litmus/herdFormat';
import { CORPUS, corpusFiles, corpusKinds, readTest, runOnce } from './helpers';

/** herd7's output for the corpus, recorded in herd7.txt (README): per test, its kind, states, condition and observation. */
function herdRecord(): Map<string, { kind: string; states: string[]; condition: string; observation: string }> {
  const lines = readFileSync(join(CORPUS, 'herd7.txt'), 'utf8').split('\n');
  const out = new Map<string, { kind: string; states: string[]; condition: string; observation: string }>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^Test (\S+) (\S+)$/.exec(lines[i]);
    if (!m) continue;
    const n = Number(/^States (\d+)$/.exec(lines[i + 1])?.[1]);
    const rest = lines.slice(i + 2 + n, i + 12 + n);
    out.set(m[1], {
      kind: m[2],
      states: lines.slice(i + 2, i + 2 + n),
      condition: rest.find((l) => l.startsWith('Condition '))!.slice('Condition '.length),
      observation: rest.find((l) => l.startsWith('Observation '))!.split(' ')[2],
    });
  }
  return out;
}

function valueText(v: LitmusValue | undefined): string {
  return v === undefined ? '0' : herdValueText(v);
}

/** The initial state as sorted `LOCATION=VALUE` texts (zero values left out: they are the default). */
function initial(t: LitmusTest): string[] {
  return t.init
    .map((e) => `${e.loc.kind === 'reg' ? `${e.loc.thread}:X${e.loc.reg}` : e.loc.kind === 'mem' ? e.loc.sym : `PTE(${e.loc.sym})`}=${valueText(e.value)}`)
    .filter((s) => !s.endsWith('=0') && s !== `PTE(${s.slice(4, s.indexOf(')'))})=(oa:PA(${s.slice(4, s.indexOf(')'))}))`)
    .sort();
}

/** Each thread's instructions, spaces and `#` removed, a label-only row joined to the instruction it labels (the same program). */
function code(t: LitmusTest): string[][] {
  return t.threads.map((th) => {
    const out: string[] = [];
    let labels = '';
    for (const i of th.code) {
      labels += i.labels.map((l) => `${l}:`).join('');
      if (i.text.length === 0) continue;
      out.push(`${labels}${i.text.replace(/\s+/g, '').replace(/#/g, '').toUpperCase()}`);
      labels = '';
    }
    if (labels.length > 0) out.push(labels);
    return out;
  });
}

describe('litmus corpus', function () {
  const kinds = corpusKinds();
  const files = corpusFiles();

  it('has a verdict in kinds.txt for every test, the one its comment explains', function () {
    assert.deepEqual([...kinds.keys()].sort(), files.map((f) => f.replace(/\.litmus$/, '')).sort());
    for (const f of files) {
      const text = readFileSync(join(CORPUS, f), 'utf8');
      const m = /\(\* Expected: (Allowed|Forbidden|Required)\. (.{40,})/s.exec(text);
      assert.ok(m, `${f}: no '(* Expected: VERDICT. reason' comment`);
      assert.equal(m[1], kinds.get(f.replace(/\.litmus$/, '')), f);
    }
  });

  const herd = herdRecord();

  it("agrees with herd7's recorded verdict for every test (herd7.txt: Never for Forbidden, Sometimes or Always for Allowed)", function () {
    assert.deepEqual([...herd.keys()].sort(), [...kinds.keys()].sort());
    for (const [name, h] of herd) assert.equal(h.observation === 'Never' ? 'Forbidden' : 'Allowed', kinds.get(name), name);
  });

  for (const f of corpusFiles()) {
    describe(f, function () {
      const test = readTest(readFileSync(join(CORPUS, f), 'utf8'), f);

      it("prints its kind, condition and run's final state as herd7 does: the state is one of herd7's", function () {
        const h = herd.get(test.name)!;
        assert.equal(testKind(test), h.kind);
        assert.equal(conditionText(test), h.condition);
        const { generated, state } = runOnce(test);
        const line = stateLine(state, generated.layout);
        assert.ok(h.states.includes(line), `${JSON.stringify(line)} is not one of herd7's states:\n${h.states.join('\n')}`);
      });

      it('becomes a scenario that parses (its quantified expectation is explore syntax) and runs to the end of every thread', function () {
        const generated = litmusToScenario(test, f);
        const model = parseScenario(generated.text, `${test.name}.armscope`);
        assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
        const { machine } = runOnce(test);
        for (const pe of machine.pes) assert.equal(pe.state, 'halted', `PE ${pe.id} ${pe.state} ${pe.stopReason ?? ''}`);
      });

      it("explores exactly herd7's states under Arm's memory model (the same set, Allowed and Forbidden alike, VMSA tests included)", function () {
        // A hang guard only: IRIW-sized tests explore thousands of states (npm run bench measures the time).
        this.timeout(600_000);
        const h = herd.get(test.name)!;
        const r = exploreLitmus(readFileSync(join(CORPUS, f), 'utf8'), f);
        assert.ok('test' in r, f);
        assert.deepEqual(r.explore.bounds.hit, []);
        const found = r.herd.text.split('\n').slice(2, 2 + r.herd.states);
        assert.deepEqual([...found].sort(), [...h.states].sort(), `${test.name}: the explored states differ from herd7's`);
        assert.equal(r.herd.observation, h.observation, `${test.name}: herd7 says ${h.observation}`);
        assert.equal(r.herd.verdict, kinds.get(test.name), test.name);
      });

      it('never shows a Forbidden outcome in the one execution run takes', function () {
        const { generated, state } = runOnce(test);
        const seen = holds(test.condition.prop, state, generated.layout);
        const verdict = kinds.get(test.name);
        if (verdict === 'Forbidden') assert.equal(seen, false, `${test.name}: run ended in a forbidden state`);
        if (verdict === 'Required') assert.equal(seen, true, `${test.name}: run ended outside the required condition`);
      });

      it('comes back from scenario2litmus equivalent (code, initial state, and its quantified condition)', function () {
        const generated = litmusToScenario(test, f);
        const model = parseScenario(generated.text, `${test.name}.armscope`);
        const back = scenarioToLitmus(model, test.name);
        assert.deepEqual(back.refusals, []);
        const again = readTest(back.text!, f);
        assert.equal(again.name, test.name);
        assert.deepEqual(code(again), code(test));
        assert.deepEqual(initial(again), initial(test));
        assert.equal(again.info.some((i) => i.key === 'Variant' && i.value === 'vmsa'), test.info.some((i) => i.key === 'Variant' && i.value === 'vmsa'));
        // A fault atom naming no type becomes one expectation per MMU fault kind, and a filter is folded in: equivalent, not the same text.
        const faults = /fault\(/.test(conditionText(test));
        if (!faults && test.filter === undefined) assert.equal(conditionText(again), conditionText(test));
        else assert.equal(again.condition.quantifier, test.condition.quantifier);
      });
    });
  }
});
