/**
 * The seeds answered by `armscope explore` (issue #13 item 6): the new
 * example files' verdicts over every execution the explorer enumerates.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { runCli } from '../../simulator/cli/commands';
import { exploreScenario } from '../../simulator/explore/explore';
import type { ExploreResult } from '../../simulator/explore/result';
import { repoRoot } from '../engine/helpers';

function explore(rel: string): ExploreResult {
  const file = join(repoRoot(), 'examples', rel);
  return exploreScenario(parseScenario(readFileSync(file, 'utf8'), rel));
}

/** `armscope explore FILE --jobs 1`'s exit code (0 pass, 1 an expectation broken), witnesses in a temporary directory. */
async function exploreExit(rel: string): Promise<number> {
  const cwd = mkdtempSync(join(tmpdir(), 'armscope-seeds-'));
  return runCli(['explore', join(repoRoot(), 'examples', rel), '--jobs', '1'], { out: () => undefined, err: () => undefined, cwd });
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
  it('seed 004: the libxc flush (DC CIVAC) breaks `always` through a fill by dom0 after the flush, without `speculation adversarial`', async () => {
    const r = explore('seed-004/explore-libxc-flush.armscope');
    assert.deepEqual(r.bounds.hit, []);
    assert.equal(r.result, 'fail');
    assert.deepEqual(verdicts(r), [
      'always pe 1 x1 == MAGIC: always', 'always pe 1 x2 == ENTRY_OFFSET: always', 'pe 1 x3 == BOOTED: sometimes FAILED',
      'sometimes pe 1 x3 == 0: sometimes', 'always mem[GUEST_RAM + 16] == BOOTED: always', 'halted pe 1: always',
    ]);
    assert.equal(r.outcomes.length, 2);
    const broken = r.outcomes.find((o) => o.failed.length > 0)!;
    assert.ok(broken.witness.includes('fill pe 0 0x8020_0000 Normal-WB ISH'), broken.witness.join(', '));
    assert.equal(await exploreExit('seed-004/explore-libxc-flush.armscope'), 1);
  });

  it('seed 004: HCR_EL2.DC + TVM and the uncached builder hold `always`', async () => {
    const dc = explore('seed-004/explore-hcr-dc.armscope');
    assert.deepEqual(dc.bounds.hit, []);
    assert.equal(dc.result, 'pass');
    assert.deepEqual(verdicts(dc), [
      'always pe 1 x1 == MAGIC: always', 'always pe 1 x2 == ENTRY_OFFSET: always', 'always pe 1 x3 == BOOTED: always',
      'never pe 1 x3 == 0: never', 'always pe 1 hcr_el2 == 0x8000_0001: always', 'no finding: always', 'halted pe 1: always',
    ]);
    const nc = explore('seed-004/explore-uncached-builder.armscope');
    assert.deepEqual(nc.bounds.hit, []);
    assert.equal(nc.result, 'pass');
    assert.deepEqual(verdicts(nc), [
      'always pe 1 x1 == MAGIC: always', 'always pe 1 x2 == ENTRY_OFFSET: always', 'always pe 1 x3 == BOOTED: always',
      'never pe 1 x3 == 0: never', 'no finding: always', 'halted pe 0: always', 'halted pe 1: always',
    ]);
    assert.equal(await exploreExit('seed-004/explore-hcr-dc.armscope'), 0);
    assert.equal(await exploreExit('seed-004/explore-uncached-builder.armscope'), 0);
  });
  it('seed 001: with the exit masked around the SMC, the secure interrupt livelocks at every arrival before the SMC and not after it', async () => {
    const r = explore('seed-001/explore-masked-exit.armscope');
    assert.deepEqual(r.bounds.hit, []);
    assert.equal(r.result, 'pass');
    assert.deepEqual(verdicts(r), ['sometimes finding ffa-livelock: sometimes', 'sometimes no finding: sometimes', 'sometimes mem32[IRQ_SEEN] == 40: sometimes', 'sometimes pe 0 x3 == 0x78: sometimes']);
    // One final state per arrival moment: the 7 instructions of the request before its SMC livelock, the one after it does not.
    assert.deepEqual(r.outcomes.map((o) => [o.state.includes('ffa-livelock'), o.count]).sort(), [[false, 1], [true, 7]]);
    assert.equal(await exploreExit('seed-001/explore-masked-exit.armscope'), 0);
  });

  it('seed 001: unmasking around the SMC never livelocks, whenever the interrupt arrives, under `direct_resp_interrupted error` and `ffa_interrupt`', async () => {
    for (const rel of ['seed-001/explore-unmask-around-smc.armscope', 'seed-001/explore-unmask-around-smc-ffa-interrupt.armscope']) {
      const r = explore(rel);
      assert.deepEqual(r.bounds.hit, [], rel);
      assert.equal(r.result, 'pass', rel);
      assert.deepEqual(verdicts(r), [
        'never finding ffa-livelock: never', 'always mem32[IRQ_SEEN] == 40: always', 'always pe 0 x0 == FFA_MSG_SEND_DIRECT_RESP: always',
        'always pe 0 x3 == 0x78: always', 'always pe 0 x5 == 1: always', 'halted pe 0: always',
      ], rel);
      assert.deepEqual(r.outcomes.map((o) => o.count), [9], rel);
      assert.equal(await exploreExit(rel), 0, rel);
    }
  });
});
