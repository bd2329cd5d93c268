/**
 * The partial-order reduction and state hashing against brute force (issue
 * #13 "Tests"): on random small scenarios, the explorer with sleep sets and
 * the visited set finds exactly the outcomes — and the same number of
 * distinct final states behind each — as a search without reduction, and as
 * a plain tree search that neither reduces nor merges states. A footprint
 * that called two dependent actions independent (footprint.ts) or a
 * fingerprint that merged two states with different futures loses or adds an
 * outcome here.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import { repoRoot } from '../engine/helpers';
import { exploreScenario, type ExploreOptions } from '../../simulator/explore/explore';
import type { ExploreResult } from '../../simulator/explore/result';
import { randomScenario, scenarioModel, scenarioText, type ScenarioSpec } from './scenarios';

/**
 * The outcomes found, each with its number of distinct final states. (The
 * counts agree with DSBs too: the checkers' DSB bookkeeping is fingerprinted
 * by each PE's own DSB count, not by step numbers — checks/barriers.ts.)
 */
function outcomes(r: ExploreResult): Map<string, number> {
  assert.deepEqual(r.bounds.hit, [], `a bound was hit: ${r.bounds.hit.join(', ')}`);
  return new Map(r.outcomes.map((o) => [o.state, o.count]));
}

function explore(spec: ScenarioSpec, options: ExploreOptions): ExploreResult {
  return exploreScenario(scenarioModel(spec), { settings: { maxStates: 200_000 }, ...options });
}

/** The three searches agree on `spec`; returns the reduced search's result. */
function agree(spec: ScenarioSpec, tree: boolean): { reduced: ExploreResult; full: ExploreResult } {
  const reduced = explore(spec, {});
  const full = explore(spec, { reduction: false });
  const text = scenarioText(spec);
  assert.deepEqual(outcomes(reduced), outcomes(full), `reduction changed the outcomes of\n${text}`);
  assert.ok(reduced.transitions <= full.transitions, 'the reduction took more actions than the full search');
  if (tree) {
    const brute = explore(spec, { reduction: false, merge: false });
    // The tree search counts final states by fingerprint too: same outcomes, same counts.
    assert.deepEqual(outcomes(brute), outcomes(full), `state hashing changed the outcomes of\n${text}`);
    const sleepOnly = explore(spec, { merge: false });
    assert.deepEqual(outcomes(sleepOnly), outcomes(full), `sleep sets without state hashing changed the outcomes of\n${text}`);
  }
  return { reduced, full };
}

describe('explore: the reduction against brute force', function () {
  this.timeout(300_000);

  it('two PEs, store buffering: every interleaving, and the reduction takes fewer actions', () => {
    const spec: ScenarioSpec = { programs: [['str x5, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x2, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 };
    const { reduced, full } = agree(spec, true);
    // Sequentially consistent interleavings: (x3 of PE 0, x2 of PE 1) is (0,1), (2,0) or (2,1) — never (0,0).
    const pairs = reduced.outcomes.map((o) => `${/pe0\.x3=(0x\w+)/.exec(o.state)?.[1]},${/pe1\.x2=(0x\w+)/.exec(o.state)?.[1]}`).sort();
    assert.deepEqual([...new Set(pairs)], ['0x0,0x1', '0x2,0x0', '0x2,0x1']);
    assert.ok(reduced.transitions < full.transitions, `${reduced.transitions} actions with the reduction, ${full.transitions} without`);
  });

  it('seed 000 on two PEs (stage-2 walks through shared L2 sets, evictions): every final state of the full search', () => {
    // Missed final states before table walks and L2/system-cache hits counted as uses of their sets (replacement order).
    const rel = 'seed-000/bug-two-pes.armscope';
    const model = (): ReturnType<typeof parseScenario> => parseScenario(readFileSync(join(repoRoot(), 'examples', rel), 'utf8'), rel);
    const reduced = exploreScenario(model());
    const full = exploreScenario(model(), { reduction: false });
    // Its SPMC runs DSBs: the same outcomes with the same counts (DSBs are fingerprinted by each PE's own count).
    assert.deepEqual(outcomes(reduced), outcomes(full));
    assert.ok(reduced.transitions < full.transitions);
  });

  it('DSBs in another order of independent steps end in the same state (the checkers keep DSB counts per PE, not step numbers)', () => {
    // Each PE stores to its own line, then DSB SY: every interleaving ends with the same memory, registers and
    // barrier state. Stamped with step numbers, the DSBs made 36 final states of them (7 with the reduction).
    const spec: ScenarioSpec = { programs: [['str x5, [x10]', 'dsb sy'], ['str x5, [x11]', 'dsb sy']], cacheModel: true, mmu: true, fills: 0, evictions: 0 };
    const full = explore(spec, { reduction: false });
    assert.deepEqual([...outcomes(full).values()], [1]);
    assert.deepEqual(outcomes(explore(spec, {})), outcomes(full));
    assert.deepEqual(outcomes(explore(spec, { reduction: false, merge: false })), outcomes(full));
  });

  it('random two-PE programs without caches: same outcomes and counts (fast-check)', () => {
    fc.assert(
      fc.property(randomScenario(2, 3, false), (spec) => {
        // The tree search (no merging) only where it stays small: a step window makes every action global.
        agree(spec, spec.event === undefined || spec.programs.flat().length <= 3);
      }),
      { seed: 0x13_0001, numRuns: 30 },
    );
  });

  it('random two-PE programs with caches, speculative fills and evictions: same outcomes and counts (fast-check)', () => {
    fc.assert(
      fc.property(randomScenario(2, 3, true), (spec) => {
        agree(spec, false);
      }),
      { seed: 0x13_0002, numRuns: 30 },
    );
  });

  it('tiny two-PE programs with caches: the tree search agrees too (fast-check)', () => {
    fc.assert(
      fc.property(randomScenario(2, 2, true), (spec) => {
        // Fills of lines a PE did not access itself (every data line, at every point) only without an event:
        // with both, the tree search (no merging) outgrows its bound.
        agree({ ...spec, fills: Math.min(spec.fills, 1), evictions: 0, mappedFills: spec.event === undefined ? 1 : 0 }, true);
      }),
      { seed: 0x13_0003, numRuns: 15 },
    );
  });

  it('random three-PE programs without caches: same outcomes and counts (fast-check)', () => {
    fc.assert(
      fc.property(randomScenario(3, 2, false), (spec) => {
        agree(spec, false);
      }),
      { seed: 0x13_0004, numRuns: 15 },
    );
  });
});
