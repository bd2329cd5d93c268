/**
 * The seeds answered by `armscope explore` (issue #13 item 6): the new
 * example files' verdicts over every execution the explorer enumerates.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { exploreScenario } from '../../simulator/explore/explore';
import type { ExploreResult } from '../../simulator/explore/result';
import { repoRoot } from '../engine/helpers';

function explore(rel: string): ExploreResult {
  const file = join(repoRoot(), 'examples', rel);
  return exploreScenario(parseScenario(readFileSync(file, 'utf8'), rel));
}

function verdicts(r: ExploreResult): string[] {
  return r.expectations.map((e) => `${e.text}: ${e.holds}${e.ok ? '' : ' FAILED'}`);
}

describe('explore: the seeds answered', function () {
  this.timeout(120_000);

  it('seed 003: clean+invalidate before the MMU is off breaks `always` through a speculative fill, without `speculation adversarial`', () => {
    const r = explore('seed-003/explore-clean-before-disable.armscope');
    assert.deepEqual(r.bounds.hit, []);
    assert.equal(r.result, 'fail');
    assert.deepEqual(verdicts(r), ['pe 0 x5 == OFF_VALUE: sometimes FAILED', 'sometimes pe 0 x5 == 0: sometimes', 'mem[result] == OFF_VALUE: always', 'halted pe 0: always']);
    const broken = r.outcomes.find((o) => o.failed.length > 0)!;
    assert.ok(broken.witness.some((c) => c.startsWith('fill pe 0 0x8000_3000')), broken.witness.join(', '));
  });

  it('seed 003: invalidate after the MMU is off holds `always`', () => {
    const r = explore('seed-003/explore-invalidate-after-disable.armscope');
    assert.deepEqual(r.bounds.hit, []);
    assert.equal(r.result, 'pass');
    assert.deepEqual(verdicts(r), ['always pe 0 x5 == OFF_VALUE: always', 'never pe 0 x5 == 0: never', 'mem[result] == OFF_VALUE: always', 'halted pe 0: always']);
  });

  it('seed 000 on two PEs: with mismatched shareability the fault occurs in some interleavings (evictions), with the tables Inner Shareable in none', () => {
    const bug = explore('seed-000/explore-two-pes.armscope');
    assert.deepEqual(bug.bounds.hit, []);
    assert.equal(bug.result, 'pass');
    assert.deepEqual(verdicts(bug), ['sometimes fault translation stage 2 level 3 on pe 1 at touch: sometimes', 'sometimes no fault: sometimes', 'halted pe 0: always', 'halted pe 1: always']);
    // The executions without the fault evict PE 0's dirty copy twice (its L1, then the L2) before the walk.
    const clean = bug.outcomes.find((o) => !o.state.includes('faults:'))!;
    assert.equal(clean.witness.filter((c) => c.startsWith('evict ')).length, 2, clean.witness.join(', '));
    const fix = explore('seed-000/explore-two-pes-table-ish.armscope');
    assert.deepEqual(fix.bounds.hit, []);
    assert.equal(fix.result, 'pass');
    assert.ok(fix.expectations.every((e) => e.holds === 'always'), verdicts(fix).join('; '));
  });
});
