/**
 * Runs are bounded in memory as well as steps (issue #10 item 16): kept
 * records are capped (counts plus the first and last of each kind), the step
 * budget has a documented maximum, touched physical memory is bounded, a
 * wall-clock timeout stops a run, and the report says which bound stopped it.
 * Assertions are on counts, kinds and kept records — never on time taken.
 */
import * as assert from 'node:assert/strict';
import { formatReport } from '../../simulator/cli/format';
import { BOUNDS_CHECK_INTERVAL, MAX_TOUCHED_PAGES, RECORDS_KEPT_FIRST, RECORDS_KEPT_LAST, RunBounds } from '../../simulator/engine/bounds';
import { Machine } from '../../simulator/engine/machine';
import { buildReport, reportToJson } from '../../simulator/engine/report';
import { runScenario } from '../../simulator/engine/run';
import { MAX_STEPS_LIMIT } from '../../simulator/scenario/limits';
import { model } from './helpers';

/** An SVC on every other step, returned from by an EL1 handler: one exception record per two steps. */
function svcLoop(maxSteps: number): string {
  return `system {
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
  max_steps ${maxSteps}
}
pe 0 {
  el 1
  entry start
  vbar_el1 = vectors
}
code at 0x8000_0000 {
start:
    svc   #0
    b     start
}
code vectors at 0x8000_1000 {
    .zero 0x200
    eret
}
`;
}

describe('run bounds: kept records (issue #10 item 16)', function () {
  this.timeout(120_000);

  it('an exception on every other step keeps the first 1,000 and the last 1,000–2,000 records, and counts them all', () => {
    const m = Machine.create(model(svcLoop(60_000)));
    m.run();
    const total = m.bounds.totals.exceptions;
    // Steps alternate svc (taken) and eret+b: 60,000 steps take about 20,000 exceptions.
    assert.ok(total > 15_000, `${total} exceptions`);
    assert.ok(m.exceptions.length >= RECORDS_KEPT_FIRST + RECORDS_KEPT_LAST && m.exceptions.length < RECORDS_KEPT_FIRST + 2 * RECORDS_KEPT_LAST, `${m.exceptions.length} kept`);
    // The first ones are the first taken, the last the latest: steps increase, and the last is the run's last exception.
    assert.equal(m.exceptions[0].step, 1);
    for (let i = 1; i < m.exceptions.length; i++) assert.ok(m.exceptions[i].step > m.exceptions[i - 1].step);
    const dropped = m.bounds.dropped('exceptions', m.exceptions);
    assert.equal(dropped, total - m.exceptions.length);
    const r = buildReport(m);
    assert.equal(r.recordTotals.exceptions, total);
    assert.match(formatReport(r), new RegExp(`Too many exceptions to keep: ${total.toLocaleString('en-US')} in all; the first 1,000 and the last ${(m.exceptions.length - 1000).toLocaleString('en-US')} are kept`));
    assert.deepEqual((reportToJson(r) as { recordTotals: unknown }).recordTotals, { exceptions: total, faults: 0, findings: 0 });
  });

  it('the kept records depend only on how many were made: time travel back and forward keeps the same ones', () => {
    const m = Machine.create(model(svcLoop(30_000)), { checkpointInterval: 5_000 });
    m.run();
    const steps = (xs: readonly { step: number }[]): number[] => xs.map((x) => x.step);
    const before = steps(m.exceptions);
    const total = m.bounds.totals.exceptions;
    m.goToStep(12_345);
    assert.ok(m.bounds.totals.exceptions < total);
    m.goToStep(m.steps + 100_000);
    assert.equal(m.bounds.totals.exceptions, total);
    assert.deepEqual(steps(m.exceptions), before);
  });

  it('`since` gives a front end the records made after a total it saw, across a drop', () => {
    const b = new RunBounds();
    const list: number[] = [];
    for (let i = 0; i < RECORDS_KEPT_FIRST + 2 * RECORDS_KEPT_LAST - 2; i++) b.record('faults', list, i);
    const seen = b.totals.faults;
    b.record('faults', list, -1);
    b.record('faults', list, -2); // this one drops RECORDS_KEPT_LAST from the middle
    assert.equal(list.length, RECORDS_KEPT_FIRST + RECORDS_KEPT_LAST);
    assert.deepEqual(b.since('faults', list, seen), [-1, -2]);
    assert.deepEqual(b.since('faults', list, 3).slice(0, 2), [3, 4]);
    assert.deepEqual(b.since('faults', list, b.totals.faults), []);
  });
});

describe('run bounds: steps, memory and wall-clock time (issue #10 item 16)', function () {
  this.timeout(120_000);

  it('no caller can raise the step budget above the documented maximum', () => {
    const m = Machine.create(model(svcLoop(1000)), { maxSteps: 9_007_199_254_740_991 });
    assert.equal(m.options.maxSteps, MAX_STEPS_LIMIT);
  });

  /** One PE running `code` at 0x8000_0000 in a region of `ramSize` bytes, with the largest step budget. */
  const longRun = (ramSize: string, code: string): string => `system {
  memory ram at ${ramSize === '0x1000' ? '0x8000_0000' : '0'} size ${ramSize}
  cache_model off
  max_steps ${MAX_STEPS_LIMIT}
}
pe 0 { entry start }
code at 0x8000_0000 {
start:
${code}
}
`;

  it('a run that touches a new 4 KB page of a 2^48-byte region every step stops at the page bound and says so', () => {
    const r = runScenario(model(longRun('0x1_0000_0000_0000', '    mov   x1, #0x1_0000_0000\n1:  str   x0, [x1]\n    add   x1, x1, #4096\n    b     1b')));
    assert.equal(r.stop.kind, 'memory');
    assert.match(r.stop.reason, /^stopped: the run touched 16,\d{3} pages of physical memory \(the limit is 16,384 pages, 64 MiB\)$/);
    // Checked every 4,096 steps: at most that many pages past the bound (each step stores to one new page).
    assert.ok(r.steps < 3 * (MAX_TOUCHED_PAGES + 4096), `${r.steps} steps`);
  });

  it('a timeout stops a run that would take minutes, with kind `timeout`', () => {
    const r = runScenario(model(longRun('0x1000', '    b     start')), { timeoutMs: 1 });
    assert.equal(r.stop.kind, 'timeout');
    assert.equal(r.stop.reason, 'stopped: wall-clock timeout of 1 ms reached');
    assert.ok(r.steps < MAX_STEPS_LIMIT);
  });

  it("the timeout bounds run() only: steps taken after it returned never see its (passed) deadline", () => {
    const m = Machine.create(model(longRun('0x1000', '    b     start')), { timeoutMs: 1 });
    const start = Date.now();
    assert.equal(m.run(1), undefined, 'one step, well before a bounds check');
    // Precondition, not a measurement: wait until that run()'s deadline has certainly passed.
    while (Date.now() <= start + 2);
    // Single steps across the next bounds checks: the stale deadline used to stop them with kind `timeout` at step 4,096.
    for (let i = 0; i < 2 * BOUNDS_CHECK_INTERVAL; i++) assert.equal(m.step(), true, `step ${m.steps}: ${m.stopInfo?.reason ?? ''}`);
    assert.equal(m.stopInfo, undefined);
    assert.equal(m.steps, 1 + 2 * BOUNDS_CHECK_INTERVAL);
    // A new run() has its own deadline again, and it stops that run.
    assert.equal(m.run()?.kind, 'timeout');
  });
});
