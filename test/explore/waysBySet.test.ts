/**
 * The way-independent cache fingerprint (issue #13 item 8; cache/checkpoint.ts
 * `hashWaysBySet`): without set/way maintenance, states that differ only in
 * which way of a set holds a line are merged. A state reduction must keep
 * every outcome: the outcome sets with and without it are compared here on
 * the seed examples and on random programs whose two lines share a set.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import { repoRoot } from '../engine/helpers';
import { exploreScenario, type ExploreOptions } from '../../simulator/explore/explore';
import type { ExploreResult } from '../../simulator/explore/result';
import { namesWays } from '../../simulator/explore/session';
import { randomScenario, scenarioModel, scenarioText, type ScenarioSpec } from './scenarios';

/** The outcome texts found (a bound hit fails the test). */
function outcomeSet(r: ExploreResult): string[] {
  assert.deepEqual(r.bounds.hit, [], `a bound was hit: ${r.bounds.hit.join(', ')}`);
  return r.outcomes.map((o) => o.state).sort();
}

/** The outcomes with their counts of distinct final states. */
function counted(r: ExploreResult): Map<string, number> {
  return new Map(r.outcomes.map((o) => [o.state, o.count]));
}

/** A spec's text with line b moved into line a's set (0x1000 apart: the same set of every cache here). */
function sameSetText(spec: ScenarioSpec): string {
  return scenarioText(spec).replace('data at 0x8000_2040 {', 'data at 0x8000_3000 {');
}

function exploreText(text: string, options: ExploreOptions): ExploreResult {
  return exploreScenario(scenarioModel(text), { settings: { maxStates: 200_000 }, ...options });
}

describe('explore: which way holds a line is no state without set/way maintenance', function () {
  this.timeout(300_000);

  it('seed 000 on two PEs: the same outcomes in fewer states (5,921 by way, 3,151 by set)', () => {
    const rel = 'seed-000/explore-two-pes.armscope';
    const model = (): ReturnType<typeof parseScenario> => parseScenario(readFileSync(join(repoRoot(), 'examples', rel), 'utf8'), rel);
    const byWay = exploreScenario(model(), { waysBySet: false });
    const bySet = exploreScenario(model());
    assert.deepEqual(outcomeSet(bySet), outcomeSet(byWay));
    assert.equal(bySet.result, byWay.result);
    assert.equal(byWay.states, 5921);
    assert.equal(bySet.states, 3151);
    // The reduction still agrees with the full search, distinct final states included.
    assert.deepEqual(counted(exploreScenario(model(), { reduction: false })), counted(bySet));
  });

  it('random two-PE programs on two lines of one set, fills and evictions: the same outcomes (fast-check)', () => {
    let merged = 0;
    fc.assert(
      fc.property(randomScenario(2, 3, true), (spec) => {
        const text = sameSetText({ ...spec, mmu: true });
        const byWay = exploreText(text, { waysBySet: false });
        const bySet = exploreText(text, {});
        assert.deepEqual(outcomeSet(bySet), outcomeSet(byWay), `merging ways changed the outcomes of\n${text}`);
        assert.ok(bySet.states <= byWay.states);
        assert.deepEqual(counted(exploreText(text, { reduction: false })), counted(bySet), `the reduction disagrees with the full search on\n${text}`);
        if (bySet.states < byWay.states) merged++;
      }),
      { seed: 0x13_0801, numRuns: 25 },
    );
    // The property was exercised: some scenarios did have states that differ only by way.
    assert.ok(merged > 0, 'no scenario merged any state');
  });

  it('a program with DC CISW keeps the ways in the fingerprint', () => {
    const spec: ScenarioSpec = { programs: [['str x5, [x10]', 'dc cisw, x3'], ['str x5, [x11]', 'ldr x2, [x10]']], cacheModel: true, mmu: true, fills: 1, evictions: 1 };
    const text = sameSetText(spec);
    assert.equal(namesWays(scenarioModel(text)), true);
    assert.equal(namesWays(scenarioModel(sameSetText({ ...spec, programs: [['str x5, [x10]', 'dc civac, x10'], ['ldr x2, [x10]']] }))), false);
    const byDefault = exploreText(text, {});
    const byWay = exploreText(text, { waysBySet: false });
    assert.equal(byDefault.states, byWay.states);
    assert.deepEqual(counted(byDefault), counted(byWay));
  });
});
