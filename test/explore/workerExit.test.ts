/**
 * Issue #13: a parallel exploration never hangs when a worker thread dies
 * outright (out of memory, `process.exit`, terminated): the main thread's
 * idle wait is asynchronous, sees the worker's 'exit' and fails the
 * exploration with a message naming the worker and its exit code. The
 * test-only hook ARMSCOPE_TEST_WORKER_EXIT=N (worker.ts) makes every worker
 * call process.exit(7) on the item after its first N.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../simulator/cli/commands';
import { exploreScenario } from '../../simulator/explore/explore';
import { exploreInWorkers, WorkerDiedError } from '../../simulator/explore/parallel';
import { HANG_GUARD_MS } from '../hangGuard';
import { scenarioModel, scenarioText, type ScenarioSpec } from './scenarios';

const FOUR_PES: ScenarioSpec = { programs: [['str x5, [x10]', 'str x5, [x10]', 'str x5, [x10]'], ['str x5, [x11]', 'str x5, [x11]'], ['ldr x2, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x3, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 };

function repoRoot(): string {
  // out/test/explore → the repository.
  return join(__dirname, '..', '..', '..');
}

describe('explore --jobs: a worker that dies', function () {
  // A hang guard, not a speed limit: without the fix these tests never end.
  this.timeout(HANG_GUARD_MS);
  afterEach(() => {
    delete process.env.ARMSCOPE_TEST_WORKER_EXIT;
    delete process.env.ARMSCOPE_TEST_WORKER_LATE_RESULT;
  });

  it('fails the exploration with the worker and its exit code (a worker dying on its first or a later item)', async () => {
    const text = scenarioText(FOUR_PES);
    for (const [jobs, after] of [[2, 0], [3, 0], [2, 1]] as const) {
      process.env.ARMSCOPE_TEST_WORKER_EXIT = String(after);
      await assert.rejects(exploreInWorkers(text, 'explore-test.armscope', { jobs, parallelFrom: 0 }), (e: unknown) => {
        assert.ok(e instanceof WorkerDiedError, String(e));
        assert.match(e.message, new RegExp(`^explore worker [1-${jobs - 1}] of ${jobs - 1} exited with code 7 before the search ended`));
        return true;
      }, `--jobs ${jobs}, exit after ${after} item(s)`);
    }
  });

  it('leaves the next exploration in the process whole: the states and outcomes --jobs 1 finds', async () => {
    const text = scenarioText(FOUR_PES);
    process.env.ARMSCOPE_TEST_WORKER_EXIT = '0';
    await assert.rejects(exploreInWorkers(text, 'explore-test.armscope', { jobs: 2, parallelFrom: 0 }), WorkerDiedError);
    delete process.env.ARMSCOPE_TEST_WORKER_EXIT;
    const one = exploreScenario(scenarioModel(text));
    const two = await exploreInWorkers(text, 'explore-test.armscope', { jobs: 2, parallelFrom: 0 });
    assert.equal(two.enumerated.jobs, 2);
    assert.equal(two.states, one.states);
    assert.deepEqual(two.outcomes.map((o) => `${o.count} ${o.state}`).sort(), one.outcomes.map((o) => `${o.count} ${o.state}`).sort());
  });

  it('a worker that ends normally after its result is not a dead one: --jobs 3 with worker 2\'s result late finds what --jobs 1 finds', async () => {
    // Worker 1 sends its result and exits (code 0) while the main thread still waits for worker 2's: the search
    // ended, worker 1 took its whole part, and the exploration succeeds (it failed "worker 1 of 2 exited with
    // code 0" when worker 1's 'exit' came first, at load). The hook only makes that order likely; any order passes.
    const text = scenarioText(FOUR_PES);
    const one = exploreScenario(scenarioModel(text));
    process.env.ARMSCOPE_TEST_WORKER_LATE_RESULT = '1000';
    const three = await exploreInWorkers(text, 'explore-test.armscope', { jobs: 3, parallelFrom: 0 });
    assert.equal(three.enumerated.jobs, 3);
    assert.equal(three.states, one.states);
    assert.deepEqual(three.outcomes.map((o) => `${o.count} ${o.state}`).sort(), one.outcomes.map((o) => `${o.count} ${o.state}`).sort());
  });

  it('armscope explore --jobs 2 exits 2 with the message on stderr (a search past PARALLEL_FROM_STATES)', async () => {
    process.env.ARMSCOPE_TEST_WORKER_EXIT = '0';
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['explore', join(repoRoot(), 'examples', 'seed-000', 'bug-two-pes.armscope'), '--jobs', '2'], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: repoRoot() });
    assert.equal(code, 2);
    assert.deepEqual(out, []);
    assert.ok(err.some((l) => /^armscope: explore worker 1 of 1 exited with code 7 before the search ended/.test(l)), err.join('\n'));
  });
});
