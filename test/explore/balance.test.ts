import * as assert from 'node:assert/strict';
import { WorkBalance } from '../../simulator/explore/balance';

describe('work stealing balance (parallel.ts)', () => {
  const branch = (k: string) => ({ path: [k], sleep: [], done: [], keys: [k] });

  it('a waiting job gets a queued item; while jobs wait and none is queued, busy jobs are asked for a branch', () => {
    const wanted = new Int32Array(3);
    const b = new WorkBalance(wanted);
    b.given({ path: [], sleep: [] });
    assert.deepEqual(b.assign().map(([w]) => w), [0]);
    assert.equal(b.over(), false);
    // Two workers start: both wait, job 0 is asked once (one branch at a time from each busy job).
    b.start(3);
    b.join(1);
    b.join(2);
    assert.deepEqual(b.assign(), []);
    assert.deepEqual([...wanted], [1, 0, 0]);
    // Job 0 hands over a branch (clearing its flag): job 1 gets it, and job 0 is asked again for job 2.
    Atomics.store(wanted, 0, 0);
    b.given(branch('pe 1'));
    assert.deepEqual(b.assign().map(([w, item]) => [w, item.path]), [[1, ['pe 1']]]);
    assert.deepEqual([...wanted], [1, 0, 0]);
    assert.equal(b.requests, 2);
    assert.equal(b.items, 2);
  });

  it('the search is over only when every job waits and nothing is queued, and says so once', () => {
    const wanted = new Int32Array(2);
    const b = new WorkBalance(wanted);
    b.start(2);
    b.join(1);
    b.given({ path: [], sleep: [] });
    b.assign();
    assert.equal(b.over(), false);
    // Job 0 hands over a branch, then finishes: the branch is queued for the waiting job, not over.
    b.given(branch('pe 0'));
    b.idle(0);
    assert.equal(b.over(), false);
    const out = b.assign();
    assert.deepEqual(out.map(([w]) => w), [1]);
    // Job 0 waits: busy job 1 is asked for a branch; it finishes without seeing the request, which is withdrawn.
    assert.deepEqual([...wanted], [0, 1]);
    b.idle(1);
    assert.deepEqual([...wanted], [0, 0]);
    assert.equal(b.over(), true);
    assert.equal(b.over(), false);
  });

  it('drop forgets queued items (cancellation): the search ends when the busy jobs finish', () => {
    const b = new WorkBalance(new Int32Array(2));
    b.start(2);
    b.join(1);
    b.given({ path: [], sleep: [] });
    b.assign();
    b.given(branch('pe 0'));
    b.drop();
    b.idle(0);
    assert.equal(b.over(), true);
  });

  it('a worker started but not joined yet (building its machine) keeps the search going; it gets work when it joins', () => {
    const wanted = new Int32Array(2);
    const b = new WorkBalance(wanted);
    b.given({ path: [], sleep: [] });
    assert.deepEqual(b.assign().map(([w]) => w), [0]);
    b.start(2);
    // Nobody waits: job 0 is not asked for a branch yet.
    assert.deepEqual(b.assign(), []);
    assert.deepEqual([...wanted], [0, 0]);
    // Job 1 joins while job 0 searches: job 0 is asked at once, and its branch goes to job 1.
    b.join(1);
    assert.deepEqual(b.assign(), []);
    assert.deepEqual([...wanted], [1, 0]);
    Atomics.store(wanted, 0, 0);
    b.given(branch('pe 1'));
    assert.deepEqual(b.assign().map(([w, item]) => [w, item.path]), [[1, ['pe 1']]]);
    b.idle(0);
    b.idle(1);
    assert.equal(b.over(), true);
    // Job 0 finishing before a started job joined: not over until it joins (and then at once).
    const c = new WorkBalance(new Int32Array(2));
    c.given({ path: [], sleep: [] });
    c.assign();
    c.start(2);
    c.idle(0);
    assert.deepEqual(c.assign(), []);
    assert.equal(c.over(), false);
    c.join(1);
    assert.deepEqual(c.assign(), []);
    assert.equal(c.over(), true);
  });
});
