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
});
