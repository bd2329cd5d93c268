/**
 * The background run of the language server: debounced after edits, bounded
 * by armscope.maxSteps, cancelled by the next edit, its outcome published as
 * diagnostics at the lines involved.
 */
import * as assert from 'node:assert/strict';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { TestClient } from './lspClient';
import { HANG_GUARD_MS } from '../hangGuard';

const HEADER = ['system {', '  pes 1', '  memory ram at 0x8000_0000 size 0x10_0000', '}', 'pe 0 {', '  el 1', '  entry start', '}'];

function scenario(code: string[], expect: string[]): string {
  return [...HEADER, 'code at 0x8000_0000 {', 'start:', ...code, '}', 'expect {', ...expect, '}', ''].join('\n');
}

const live = (d: Diagnostic) => d.source === 'armscope run';

describe('language server background run', function () {
  this.timeout(HANG_GUARD_MS);
  let c: TestClient;

  before(async () => {
    c = await TestClient.start({ liveRun: true, maxSteps: 20_000 });
  });
  after(async () => {
    await c.stop();
  });

  it('reports a failed expectation at its line', async () => {
    const uri = 'file:///work/live-expect.armscope';
    // Lines: 8 code, 9 start:, 10 mov, 11 loop:, 12 subs, 13 b.ne, 14 wfi, 15 }, 16 expect {, 17 x2 == 5, 18 x2 == 0
    await c.open(uri, scenario(['    mov   x2, #3', 'loop:', '    subs  x2, x2, #1', '    b.ne  loop', '    wfi'], ['  pe 0 x2 == 5', '  pe 0 x2 == 0']));
    const p = await c.waitForDiagnostics(uri, (q) => q.diagnostics.some(live));
    const failed = p.diagnostics.filter(live);
    assert.equal(failed.length, 1, JSON.stringify(failed));
    assert.equal(failed[0].code, 'expectation-failed');
    assert.deepEqual(failed[0].range, { start: { line: 17, character: 2 }, end: { line: 17, character: 14 } });
    assert.match(failed[0].message, /^expectation failed: pe 0 x2 == 5 — /);
    assert.equal(failed[0].severity, 1);
  });

  it('caps the run at the smaller of armscope.maxSteps and the scenario max_steps', async () => {
    const uri = 'file:///work/live-cap.armscope';
    const text = scenario(['spin:', '    b     spin'], ['  halted pe 0']).replace('  pes 1\n', '  pes 1\n  max_steps 777\n');
    await c.open(uri, text);
    const p = await c.waitForDiagnostics(uri, (q) => q.diagnostics.some((d) => d.code === 'step-budget'));
    assert.match(p.diagnostics.find((d) => d.code === 'step-budget')!.message, /step budget of 777 exhausted/);
  });

  it('reports an exhausted step budget with the lines the PEs were at', async () => {
    const uri = 'file:///work/live-budget.armscope';
    await c.open(uri, scenario(['spin:', '    b     spin'], ['  halted pe 0']));
    const p = await c.waitForDiagnostics(uri, (q) => q.diagnostics.some((d) => d.code === 'step-budget'));
    const budget = p.diagnostics.find((d) => d.code === 'step-budget')!;
    assert.match(budget.message, /20000/);
    assert.ok(budget.relatedInformation && budget.relatedInformation.length === 1);
    assert.equal(budget.relatedInformation[0].location.range.start.line, 11);
    const halted = p.diagnostics.find((d) => d.code === 'expectation-failed');
    assert.ok(halted, 'halted pe 0 fails');
    assert.equal(halted.range.start.line, 14);
  });

  it('answers requests during a long run and cancels it on the next edit', async () => {
    c.settings = { ...c.settings, maxSteps: 100_000_000 };
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { armscope: c.settings } });
    const uri = 'file:///work/live-long.armscope';
    // The scenario's own budget is large too (the setting only caps it); a load and a clean per
    // iteration with the cache model on make 10^8 steps last tens of seconds.
    const loop = ['spin:', '    adr   x0, spin', '    ldr   x1, [x0]', '    dc    civac, x0', '    b     spin'];
    const text = scenario(loop, ['  halted pe 0']).replace('  pes 1\n', '  pes 1\n  cache_model on\n  max_steps 100000000\n');
    await c.open(uri, text);
    await new Promise((r) => setTimeout(r, 900)); // past the debounce: the run is going
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 13, character: 5 } });
    assert.ok(h, 'hover answered while the run goes on');
    assert.ok(c.published(uri).every((q) => !q.diagnostics.some(live)), 'and before the run reported anything');
    c.settings = { ...c.settings, maxSteps: 20_000 };
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { armscope: c.settings } });
    const v = await c.change(uri, text.replace('  halted pe 0', '  pe 0 x0 == 1'));
    const p = await c.waitForDiagnostics(uri, (q) => q.version === v && q.diagnostics.some(live));
    assert.ok(p.diagnostics.some((d) => d.code === 'step-budget' && /20000/.test(d.message)));
    // The first run (10^8 steps) never reported: it was cancelled.
    assert.ok(c.published(uri).every((q) => q.version === v || !q.diagnostics.some(live)));
  });
});
