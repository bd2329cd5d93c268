/**
 * What the background worker does with a job (language-server/backgroundJobs.ts),
 * in this thread: a run stops at its wall-time limit with a report of where it
 * was (a clock that advances one second per reading stands in for time), a
 * cancelled run answers `cancelled`, a scenario with errors is not run, and the
 * live run turns a timeout into one diagnostic at the line the PE was at.
 */
import * as assert from 'node:assert/strict';
import { Analysis } from '../../language-server/analysis';
import { perform, runModel } from '../../language-server/backgroundJobs';
import { outcomeDiagnostics } from '../../language-server/liveRun';
import { parseScenario } from '../../simulator';
import { HANG_GUARD_MS } from '../hangGuard';

const SPIN = ['system {', '  pes 1', '  max_steps 100000000', '}', 'pe 0 {', '  el 1', '  entry start', '}', 'code at 0x8000_0000 {', 'start:', '    b     start', '}', ''].join('\n');
const settings = { maxSteps: 100_000_000, cacheModel: 'scenario' as const };

describe('language server: background jobs', function () {
  this.timeout(HANG_GUARD_MS);

  it('stops a run at its wall-time limit and reports where the PE was', () => {
    let clock = 0;
    const now = () => (clock += 1_000);
    const o = runModel(parseScenario(SPIN, '/w/spin.armscope'), settings, 3_000, () => false, now);
    assert.equal(o.kind, 'timeout');
    if (o.kind !== 'timeout') return;
    assert.equal(o.afterMs, 4_000, 'stopped at the first reading past the limit');
    assert.equal(o.report.steps, 4 * 20_000, 'after four slices of 20,000 steps');
    assert.equal(o.report.pes[0].line, 10);
    const a = new Analysis('file:///w/spin.armscope', 1, SPIN, parseScenario(SPIN, '/w/spin.armscope'));
    const diags = outcomeDiagnostics(a, o)!;
    const timeout = diags.find((d) => d.code === 'run-timeout')!;
    assert.equal(timeout.range.start.line, 10);
    assert.equal(timeout.severity, 3);
    assert.match(timeout.message, /^background run stopped after 4 s at step 80000 \(limit 10 s; run it with 'armscope run' to go further\)$/);
  });

  it('stops a cancelled run between slices, and does not run a scenario with errors', () => {
    let polls = 0;
    assert.deepEqual(runModel(parseScenario(SPIN, 'x'), settings, 60_000, () => ++polls >= 3), { kind: 'cancelled' });
    assert.equal(polls, 3);
    const bad = perform({ kind: 'run', id: 1, text: SPIN.replace('b     start', 'b     nowhere'), file: 'x', settings, timeoutMs: 1_000 }, () => false);
    assert.equal(bad.kind, 'not-run');
  });

  it('checks a document: its diagnostics, as the parser gives them', () => {
    const o = perform({ kind: 'check', id: 2, text: SPIN.replace('b     start', 'dbs   ish'), file: 'x', timeoutMs: 1_000 }, () => false);
    assert.equal(o.kind, 'checked');
    if (o.kind !== 'checked') return;
    assert.deepEqual(
      o.diagnostics.map((d) => [d.range.start.line, d.rule, d.message]),
      [[10, 'unknown-instruction', "unknown instruction 'dbs'; did you mean 'dsb'?"]],
    );
  });
});
