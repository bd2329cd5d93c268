/**
 * `armscope explore` and `armscope run --replay` end to end (issue #13 items
 * 2, 4, 5): the report, `--json`'s shape, exit codes 0/1/2/3, every bound
 * honoured and reported, witnesses that replay bit for bit (the same state
 * fingerprint) and are refused once the scenario changed, and `--jobs N`
 * finding the outcomes `--jobs 1` finds.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../simulator/cli/commands';
import { exploreScenario } from '../../simulator/explore/explore';
import { exploreInWorkers, PARALLEL_FROM_STATES } from '../../simulator/explore/parallel';
import { ExploreSession, actionKey } from '../../simulator/explore/session';
import { makeWitness, parseWitness, replayWitness } from '../../simulator/explore/witness';
import { scenarioModel, scenarioText, type ScenarioSpec } from './scenarios';

interface Captured {
  code: number;
  out: string;
  err: string;
}

const tmp = mkdtempSync(join(tmpdir(), 'armscope-explore-'));

async function cli(args: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: tmp });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** Store buffering on two PEs: PE 0's x3 and PE 1's x2 are 0 in no execution together, each in some. */
const SB: ScenarioSpec = { programs: [['str x5, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x2, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 };

/** SB with quantified expectations that hold: an outcome where both loads saw the other's store, none where both saw 0. */
const SB_QUANTIFIED = scenarioText(SB).replace(
  /expect \{[^}]*\}/,
  'expect {\n  sometimes pe 0 x3 == 2\n  never pe 0 x3 == 0 && pe 1 x2 == 0\n  ~exists (pe 0 x3 == 0 && pe 1 x2 == 0)\n  exists (pe 0 x3 == 2 && pe 1 x2 == 1)\n  forall (pe 0 x3 == 2 || pe 1 x2 == 1)\n}',
);

describe('armscope explore', function () {
  this.timeout(120_000);

  it('prints every outcome, the expectations it breaks, a witness file for each; exit 1', async () => {
    const f = file('sb.armscope', scenarioText(SB));
    const r = await cli(['explore', f, '--jobs', '1', '--witness-dir', 'w1']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /bounds: none hit — every execution was explored/);
    assert.match(r.out, /Outcomes \(3; count = distinct final states\)/);
    assert.match(r.out, /FAILED line \d+: pe 0 x3 == 0 {2}— holds sometimes/);
    assert.match(r.out, /ok {5}line \d+: pe 0 x2 == 0 {2}— holds always/);
    assert.match(r.out, /Result: FAIL/);
    assert.deepEqual(readdirSync(join(tmp, 'w1')).sort(), ['sb.1.witness', 'sb.2.witness', 'sb.3.witness']);
  });

  it('--json has the issue\'s fields', async () => {
    const f = file('sb-json.armscope', scenarioText(SB));
    const r = await cli(['explore', f, '--json', '--jobs', '1', '--witness-dir', 'wj']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out) as {
      result: string;
      states: number;
      seconds: number;
      bounds: { hit: string[] };
      outcomes: { count: number; state: string; failed: number[]; witness: string[] }[];
      expectations: { line: number; text: string; holds: string }[];
      findings: unknown[];
    };
    assert.equal(j.result, 'fail');
    assert.ok(j.states > 0 && typeof j.seconds === 'number');
    assert.deepEqual(j.bounds.hit, []);
    assert.equal(j.outcomes.length, 3);
    for (const o of j.outcomes) {
      assert.ok(o.count >= 1 && o.state.includes('pe0.x3='));
      assert.ok(o.witness.every((c) => /^pe [01]$/.test(c)), o.witness.join(','));
    }
    const x3 = j.expectations.find((e) => e.text === 'pe 0 x3 == 0')!;
    assert.equal(x3.holds, 'sometimes');
    assert.deepEqual(j.findings, []);
  });

  it('quantified expectations and herd-style conditions hold: exit 0', async () => {
    const f = file('sb-q.armscope', SB_QUANTIFIED);
    const r = await cli(['explore', f, '--jobs', '1']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /ok {5}line \d+: sometimes pe 0 x3 == 2 {2}— holds sometimes/);
    assert.match(r.out, /ok {5}line \d+: ~exists \(pe 0 x3 == 0 && pe 1 x2 == 0\) {2}— holds never/);
    assert.match(r.out, /Result: PASS/);
  });

  it('a bound that stops the search is reported and exits 3; a counterexample found first still exits 1', async () => {
    const f = file('sb-b.armscope', SB_QUANTIFIED);
    const states = await cli(['explore', f, '--jobs', '1', '--max-states', '4', '--json']);
    assert.equal(states.code, 3);
    const js = JSON.parse(states.out) as { result: string; states: number; bounds: { hit: string[] } };
    assert.equal(js.result, 'bounded');
    assert.deepEqual(js.bounds.hit, ['max-states']);
    assert.ok(js.states <= 4 + 3, `${js.states} states`);
    const depth = await cli(['explore', f, '--jobs', '1', '--max-depth', '5']);
    assert.equal(depth.code, 3);
    assert.match(depth.out, /BOUNDS HIT — the verdicts below cover the explored executions only:\n {2}max-depth \(5 actions\)/);
    const fails = await cli(['explore', file('sb-b2.armscope', scenarioText(SB)), '--jobs', '1', '--max-states', '20', '--witness-dir', 'wb']);
    assert.equal(fails.code, 1, 'a broken `always` is definite whatever the bounds');
  });

  it('scenario errors exit 2 without exploring; bad flags exit 2', async () => {
    const bad = await cli(['explore', file('bad.armscope', scenarioText(SB).replace('adr x10, a', 'adr x10, nowhere')), '--jobs', '1']);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /not explored: the scenario has errors/);
    assert.equal((await cli(['explore', join(tmp, 'sb.armscope'), '--max-states', '0'])).code, 2);
    assert.equal((await cli(['explore', join(tmp, 'sb.armscope'), '--jobs', '1000'])).code, 2);
  });

  it('run --replay reproduces each witness bit for bit, and refuses a stale one', async () => {
    const text = scenarioText(SB);
    const f = file('sb-r.armscope', text);
    assert.equal((await cli(['explore', f, '--jobs', '1', '--witness-dir', 'wr'])).code, 1);
    const witnesses = readdirSync(join(tmp, 'wr'));
    assert.equal(witnesses.length, 3);
    for (const name of witnesses) {
      const wpath = join(tmp, 'wr', name);
      const w = parseWitness(readFileSync(wpath, 'utf8'));
      assert.ok(typeof w !== 'string');
      const r = await cli(['run', f, '--replay', wpath, '--json']);
      assert.equal(r.code, 1, r.err);
      const j = JSON.parse(r.out) as { result: string; replay: { finalState: string; sameFinalState: boolean; choices: number } };
      assert.equal(j.replay.sameFinalState, true);
      assert.equal(j.replay.finalState, w.finalState);
      // The API does the same on a fresh machine: the same fingerprint.
      const again = replayWitness(scenarioModel(text, f), w);
      again.session.detach();
      assert.equal(again.sameFinalState, true);
    }
    const wpath = join(tmp, 'wr', witnesses[0]);
    writeFileSync(f, text + '// edited\n');
    const stale = await cli(['run', f, '--replay', wpath]);
    assert.equal(stale.code, 2);
    assert.match(stale.err, /the witness was made for another version of .*sb-r\.armscope .* explore it again/);
    assert.equal((await cli(['run', f, '--replay', wpath, '--seed', '3'])).code, 2);
    writeFileSync(join(tmp, 'junk.witness'), '{"format":"x"}');
    assert.match((await cli(['run', f, '--replay', join(tmp, 'junk.witness')])).err, /not a witness file/);
  });

  it('witnesses with speculative fills and evictions replay to the same state fingerprint', () => {
    const spec: ScenarioSpec = { programs: [['str x5, [x10]', 'dc civac, x10', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x2, [x10]']], cacheModel: true, mmu: true, fills: 1, evictions: 1 };
    const text = scenarioText(spec);
    const r = exploreScenario(scenarioModel(text));
    assert.deepEqual(r.bounds.hit, []);
    const failing = r.outcomes.filter((o) => o.failed.length > 0);
    assert.ok(failing.length >= 2);
    // An execution that takes a cache choice whenever one is enabled (the shortest witnesses need none).
    const s = new ExploreSession(scenarioModel(text), { settings: { fills: 1, evictions: 1 } });
    const path: string[] = [];
    for (let en = s.enabled().actions; en.length > 0; en = s.enabled().actions) {
      const a = en.find((x) => actionKey(x).startsWith('evict ')) ?? en.find((x) => actionKey(x).startsWith('fill ')) ?? en[en.length - 1];
      path.push(actionKey(a));
      s.machine.take(a);
    }
    s.machine.finish();
    s.detach();
    assert.ok(path.some((c) => c.startsWith('fill ')) && path.some((c) => c.startsWith('evict ')), path.join(', '));
    const cached = { choices: path, outcome: '', failed: [], finalState: s.machine.stateHash() };
    for (const o of [...failing, cached]) {
      const w = parseWitness(JSON.stringify(makeWitness(scenarioModel(text), { fills: 1, evictions: 1, maxStates: 1_000_000, maxDepth: 10_000 }, undefined, 'witness' in o ? { choices: o.witness, outcome: o.state, failed: o.failed, finalState: o.finalState } : o)));
      assert.ok(typeof w !== 'string');
      const again = replayWitness(scenarioModel(text), w);
      again.session.detach();
      assert.equal(again.divergence, undefined);
      assert.equal(again.sameFinalState, true);
    }
  });

  it('--jobs 2 finds the outcomes and final states --jobs 1 finds', async () => {
    const spec: ScenarioSpec = { programs: [['str x5, [x10]', 'ldr x3, [x11]', 'str x5, [x11]'], ['str x5, [x11]', 'ldr x2, [x10]', 'dsb sy'], ['ldr x2, [x10]', 'str x5, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 };
    const text = scenarioText(spec);
    const one = exploreScenario(scenarioModel(text));
    // Workers from the first state (by default they start only past PARALLEL_FROM_STATES).
    const two = await exploreInWorkers(text, 'explore-test.armscope', { jobs: 2, parallelFrom: 0 });
    assert.equal(two.enumerated.jobs, 2);
    const rows = (r: typeof one): string[] => r.outcomes.map((o) => `${o.count} ${o.state}`).sort();
    assert.deepEqual(rows(two), rows(one));
    assert.deepEqual(two.bounds.hit, []);
    assert.equal(two.result, one.result);
    // The same number of distinct states: each state the main thread expanded above the split is in the shared
    // visited set before the workers start, and a state handed to a worker is counted by the worker only.
    assert.equal(two.states, one.states);
    // Workers past a small threshold: the search in this thread hits it, then runs again with the workers.
    const past = await exploreInWorkers(text, 'explore-test.armscope', { jobs: 2, parallelFrom: 10 });
    assert.equal(past.enumerated.jobs, 2);
    assert.deepEqual(rows(past), rows(one));
    assert.deepEqual(past.bounds.hit, []);
    assert.equal(past.states, one.states);
  });

  it('--jobs N reports the states --jobs 1 reports (four PEs, states reached both above and below the split)', async () => {
    const spec: ScenarioSpec = { programs: [['str x5, [x10]', 'str x5, [x10]', 'str x5, [x10]'], ['str x5, [x11]', 'str x5, [x11]'], ['ldr x2, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x3, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 };
    const text = scenarioText(spec);
    const one = exploreScenario(scenarioModel(text));
    for (const jobs of [2, 3]) {
      const n = await exploreInWorkers(text, 'explore-test.armscope', { jobs, parallelFrom: 0 });
      assert.equal(n.enumerated.jobs, jobs);
      assert.equal(n.states, one.states, `--jobs ${jobs}`);
      assert.deepEqual(n.outcomes.map((o) => `${o.count} ${o.state}`).sort(), one.outcomes.map((o) => `${o.count} ${o.state}`).sort());
    }
  });

  it('--jobs N goes on from the states the main thread expanded before the workers start: the states and outcomes --jobs 1 finds', async () => {
    const spec: ScenarioSpec = { programs: [['str x5, [x10]', 'str x5, [x10]', 'str x5, [x10]'], ['str x5, [x11]', 'str x5, [x11]'], ['ldr x2, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x3, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 };
    const text = scenarioText(spec);
    const one = exploreScenario(scenarioModel(text));
    // Thresholds cutting the main thread's search early, midway and late: its fully expanded states are not searched
    // again, the states on its stack are, and every state is still counted once.
    for (const from of [7, Math.floor(one.states / 2), one.states - 3]) {
      const n = await exploreInWorkers(text, 'explore-test.armscope', { jobs: 2, parallelFrom: from });
      // Late, what is left open may make fewer work items than jobs (as many workers as items).
      if (from < one.states / 2 + 1) assert.equal(n.enumerated.jobs, 2, `from ${from}`);
      assert.equal(n.states, one.states, `from ${from}`);
      assert.deepEqual(n.bounds.hit, []);
      assert.deepEqual(n.outcomes.map((o) => `${o.count} ${o.state}`).sort(), one.outcomes.map((o) => `${o.count} ${o.state}`).sort());
    }
  });

  it('--jobs N with a state bound hit before the workers start reports what --jobs 1 reports', async () => {
    const text = scenarioText(SB);
    const one = exploreScenario(scenarioModel(text), { settings: { maxStates: 5 } });
    assert.deepEqual(one.bounds.hit, ['max-states']);
    const n = await exploreInWorkers(text, 'sb.armscope', { jobs: 2, settings: { maxStates: 5 } });
    assert.equal(n.enumerated.jobs, 1);
    assert.deepEqual(n.bounds.hit, one.bounds.hit);
    assert.equal(n.states, one.states);
    assert.equal(n.transitions, one.transitions);
    assert.deepEqual(n.outcomes.map((o) => `${o.count} ${o.state}`), one.outcomes.map((o) => `${o.count} ${o.state}`));
  });

  it('--jobs N starts no worker for a search below PARALLEL_FROM_STATES states: the result is the sequential one', async () => {
    const text = scenarioText(SB);
    const one = exploreScenario(scenarioModel(text));
    assert.ok(one.states < PARALLEL_FROM_STATES);
    const n = await exploreInWorkers(text, 'sb.armscope', { jobs: 4 });
    assert.equal(n.enumerated.jobs, 1);
    assert.equal(n.states, one.states);
    assert.equal(n.transitions, one.transitions);
    assert.deepEqual(n.outcomes.map((o) => `${o.count} ${o.state}`), one.outcomes.map((o) => `${o.count} ${o.state}`));
  });
});
