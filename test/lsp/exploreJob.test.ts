/**
 * The explore job of the language server's worker (language-server/exploreJob.ts),
 * in process: the editor's bounds on top of the scenario's `explore` block —
 * the state cap, the wall-time limit reported as the bound `time-limit` (a
 * fake clock: no real time is measured), cancellation — and a witness for
 * every outcome that breaks an expectation.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../simulator';
import { exploreModel } from '../../language-server/exploreJob';
import { EXPLORE_MAX_STATES } from '../../language-server/limits';

const SEED = path.resolve('examples/seed-003/explore-clean-before-disable.armscope');

/** Two PEs counting in registers: (N+3)^2 states (mov, N adds, hlt). */
function counting(n: number, explore: string[] = []): string {
  const pes = [0, 1].map((p) => `pe ${p} {\n  el 1\n  entry start\n}`);
  const adds = Array.from({ length: n }, () => '    add   x1, x1, #1');
  return ['system {', '  pes 2', '  memory ram at 0x8000_0000 size 0x10_0000', '}', ...explore, ...pes, 'code at 0x8000_0000 {', 'start:', '    mov   x1, #0', ...adds, '    hlt   #0', '}', 'expect {', `  pe 0 x1 == ${n}`, '}', ''].join('\n');
}

const never = () => false;
const quiet = () => undefined;

describe('language server: explore job', () => {
  it("caps the scenario's max_states at the editor's limit and says so", () => {
    const model = parseScenario(counting(3, ['explore {', '  max_states 1_000_000_000', '}']), 'capped.armscope');
    assert.equal(model.diagnostics.filter((d) => d.severity === 'error').length, 0, JSON.stringify(model.diagnostics));
    const s = exploreModel(model, { cacheModel: 'scenario' }, 60_000, never, quiet)!;
    assert.equal(s.statesCapped, true);
    assert.equal(s.bounds.maxStates, EXPLORE_MAX_STATES);
    assert.equal(s.result, 'pass');
    assert.equal(s.states, 36); // (3 + 3)^2: each PE before or after each of its 5 instructions
  });

  it('keeps a smaller max_states of the scenario, and reports it when hit', () => {
    const s = exploreModel(parseScenario(counting(40, ['explore {', '  max_states 100', '}']), 'small.armscope'), { cacheModel: 'scenario' }, 60_000, never, quiet)!;
    assert.equal(s.statesCapped, false);
    assert.equal(s.bounds.maxStates, 100);
    assert.deepEqual(s.bounds.hit, ['max-states']);
    assert.equal(s.result, 'bounded');
  });

  it("reports the editor's wall-time limit as the bound time-limit (a fake clock)", () => {
    let t = 0;
    const clock = () => (t += 1_000);
    const s = exploreModel(parseScenario(counting(40), 'slow.armscope'), { cacheModel: 'scenario' }, 5_000, never, quiet, clock)!;
    assert.deepEqual(s.bounds.hit, ['time-limit']);
    assert.equal(s.result, 'bounded');
    assert.equal(s.bounds.timeLimitMs, 5_000);
    assert.ok(s.states < 43 * 43, `stopped before the end (${s.states} states)`);
    assert.match(s.report, /stopped at the editor's time limit of 5 s/);
  });

  it('answers nothing when cancelled', () => {
    let polls = 0;
    const s = exploreModel(parseScenario(counting(40), 'cancelled.armscope'), { cacheModel: 'scenario' }, 60_000, () => ++polls > 2, quiet);
    assert.equal(s, undefined);
    assert.equal(polls, 3);
  });

  it('makes a witness for each outcome that breaks an expectation, with the cache model asked for', () => {
    const s = exploreModel(parseScenario(readFileSync(SEED, 'utf8'), SEED), { cacheModel: 'on' }, 60_000, never, quiet)!;
    assert.equal(s.result, 'fail');
    assert.deepEqual(s.outcomes.map((o) => o.failed), [[82], []]);
    assert.equal(s.witnesses[1], null);
    const w = s.witnesses[0]!;
    assert.equal(w.cacheModel, 'on');
    assert.equal(w.choices.length, 17);
    assert.equal(w.scenario, 'explore-clean-before-disable.armscope');
    assert.equal(s.outcomes[0].choices, 17);
  });
});
