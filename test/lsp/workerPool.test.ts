/**
 * The background worker pool (language-server/workerPool.ts) with a stand-in
 * worker (poolWorker.ts): every job is answered exactly once, a job that
 * overruns its limit or ignores its cancellation is ended with its worker (a
 * new one serves the next job), a job that exhausts the heap cap ends the
 * worker and not this process, and jobs run one at a time in order.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkerPool } from '../../language-server/workerPool';

const script = path.resolve('out/test/lsp/poolWorker.js');
const job = (text: string, timeoutMs = 60_000) => ({ kind: 'check' as const, text, file: 'x', timeoutMs });

describe('language server: background worker pool', function () {
  this.timeout(60_000);
  let pool: WorkerPool;
  const logs: string[] = [];

  beforeEach(() => {
    pool = new WorkerPool(script, (m) => logs.push(m), { heapMb: 64, graceMs: 300 });
  });
  afterEach(() => pool.dispose());

  it('answers jobs in order, one worker for all of them', async () => {
    const a = pool.submit(job('ok'));
    const b = pool.submit(job('ok'));
    assert.equal(pool.busy, 2);
    assert.deepEqual(await a.outcome, { kind: 'checked', diagnostics: [], lines: 1 });
    assert.deepEqual(await b.outcome, { kind: 'checked', diagnostics: [], lines: 1 });
    assert.deepEqual(pool.stats, { started: 1, terminated: 0, completed: 2 });
  });

  it('cancels a queued job without running it, and a running one through the shared flag', async () => {
    // A grace of many seconds: on a loaded machine the worker may not be scheduled within a short one, and
    // what this test shows is that the job stops by itself, not how fast.
    pool.dispose();
    pool = new WorkerPool(script, (m) => logs.push(m), { heapMb: 64, graceMs: 30_000 });
    const running = pool.submit(job('cooperative'));
    const queued = pool.submit(job('ok'));
    pool.cancel(queued.id);
    assert.deepEqual(await queued.outcome, { kind: 'cancelled' });
    pool.cancel(running.id);
    assert.deepEqual(await running.outcome, { kind: 'cancelled' });
    assert.equal(pool.stats.terminated, 0, 'a cooperative job stops by itself');
  });

  it('terminates a worker whose job ignores its cancellation, and serves the next job with a new one', async () => {
    const stuck = pool.submit(job('hang'));
    const next = pool.submit(job('ok'));
    pool.cancel(stuck.id);
    assert.deepEqual(await stuck.outcome, { kind: 'cancelled' });
    assert.deepEqual(await next.outcome, { kind: 'checked', diagnostics: [], lines: 1 });
    assert.deepEqual(pool.stats, { started: 2, terminated: 1, completed: 2 });
  });

  it('terminates a job still running past its own time limit', async () => {
    const stuck = pool.submit(job('hang', 200));
    assert.deepEqual(await stuck.outcome, { kind: 'error', message: 'stopped: it ran past its 0.2 s limit' });
    assert.equal(pool.stats.terminated, 1);
    assert.deepEqual(await pool.submit(job('ok')).outcome, { kind: 'checked', diagnostics: [], lines: 1 });
  });

  it('a job that exhausts the heap cap ends its worker, not this process', async () => {
    const hog = pool.submit(job('hog'));
    assert.deepEqual(await hog.outcome, { kind: 'error', message: 'stopped: it needed more than 64 MB of memory' });
    assert.deepEqual(await pool.submit(job('ok')).outcome, { kind: 'checked', diagnostics: [], lines: 1 });
    assert.equal(pool.stats.started, 2);
  });
});
