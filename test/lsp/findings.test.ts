/**
 * Checker findings through the language server: the background run's
 * findings become diagnostics at the finding's line with relatedInformation
 * at the other lines involved (the same lines the simulator reports), and the
 * mechanical quick fix (an ISB after the system register write) removes the
 * finding when applied.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { runScenario } from '../../simulator/engine/run';
import { parseScenario } from '../../simulator';
import { TestClient } from './lspClient';

const live = (d: Diagnostic) => d.source === 'armscope run';
const MAX_STEPS = 200_000;

describe('language server: checker findings from the background run', function () {
  this.timeout(60_000);
  let c: TestClient;

  before(async () => {
    c = await TestClient.start({ liveRun: true, maxSteps: MAX_STEPS });
  });
  after(async () => {
    await c.stop();
  });

  it('shows sysreg-without-isb at the load, related to the MSR, and the ISB quick fix removes it', async () => {
    const file = path.resolve('test/lsp/fixtures/missing-isb.armscope');
    const uri = 'file://' + file;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const msrLine = lines.findIndex((l) => l.includes('msr   tcr_el1, x0'));
    const loadLine = lines.findIndex((l) => l.includes('ldr   x1, [x2]'));
    await c.open(uri, text);
    const p = await c.waitForDiagnostics(uri, (q) => q.diagnostics.some((d) => d.code === 'sysreg-without-isb'));
    const finding = p.diagnostics.find((d) => d.code === 'sysreg-without-isb')!;
    assert.equal(finding.source, 'armscope run');
    assert.equal(finding.severity, 2);
    assert.deepEqual(finding.range, { start: { line: loadLine, character: 4 }, end: { line: loadLine, character: lines[loadLine].length } });
    assert.match(finding.message, /uses the translation configuration after the write to TCR_EL1/);
    assert.deepEqual(
      finding.relatedInformation!.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
      [[uri, msrLine, 'TCR_EL1 written here, no ISB before its use']],
    );
    assert.ok(!p.diagnostics.some((d) => d.code === 'expectation-failed'), 'the fixture expects this finding');

    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: finding.range, context: { diagnostics: [finding] } });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, `Insert 'isb' after line ${msrLine + 1}`);
    const edit = actions[0].edit!.changes![uri];
    assert.deepEqual(edit, [{ range: { start: { line: msrLine + 1, character: 0 }, end: { line: msrLine + 1, character: 0 } }, newText: '    isb\n' }]);

    const fixed = [...lines.slice(0, msrLine + 1), '    isb', ...lines.slice(msrLine + 1)].join('\n');
    const v = await c.change(uri, fixed);
    // With the ISB the finding is gone, so the fixture's `finding sysreg-without-isb` now fails.
    const after = await c.waitForDiagnostics(uri, (q) => q.version === v && q.diagnostics.some(live));
    assert.deepEqual(after.diagnostics.filter(live).map((d) => d.code), ['expectation-failed']);
  });

  it('maps every finding of the seed-000 bug scenario to a diagnostic at the same lines the simulator reports', async function () {
    const file = path.resolve('examples/seed-000/bug-osh-tables.armscope');
    if (!existsSync(file)) {
      console.log('      (skipped: examples/seed-000/bug-osh-tables.armscope not present)');
      this.skip();
    }
    const text = readFileSync(file, 'utf8');
    const model = parseScenario(text, file);
    const report = runScenario(model, { maxSteps: Math.min(MAX_STEPS, model.system.maxSteps) });
    assert.ok(report.findings.length > 0, 'the seed shows findings');
    const uri = 'file://' + file;
    await c.open(uri, text);
    const p: PublishDiagnosticsParams = await c.waitForDiagnostics(uri, (q) => q.diagnostics.some(live));
    const got = p.diagnostics
      .filter((d) => live(d) && d.code !== 'fault' && d.code !== 'expectation-failed' && d.code !== 'step-budget')
      .map((d) => [d.code, d.range.start.line, (d.relatedInformation ?? []).map((r) => r.location.range.start.line)]);
    const expected = report.findings.filter((f) => f.line !== undefined).map((f) => [f.rule, f.line, f.related]);
    assert.deepEqual(got, expected);
    for (const f of report.faults.filter((x) => x.line !== undefined)) {
      assert.ok(p.diagnostics.some((d) => d.code === 'fault' && d.range.start.line === f.line), `fault at line ${f.line! + 1} shown`);
    }

    // armscope.cacheModel = off overrides the scenario: flat coherent memory, so no finding and no fault (seed 000).
    c.settings = { ...c.settings, cacheModel: 'off' };
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { armscope: c.settings } });
    const v = await c.change(uri, text + '\n');
    const flat = await c.waitForDiagnostics(uri, (q) => q.version === v && q.diagnostics.some(live));
    const codes = flat.diagnostics.filter(live).map((d) => d.code);
    assert.ok(!codes.some((x) => x === 'fault' || x === 'mismatched-attributes' || x === 'stale-descriptor'), codes.join(', '));
    assert.ok(codes.includes('expectation-failed'), 'the expected stage-2 fault does not happen');
    c.settings = { ...c.settings, cacheModel: 'scenario' };
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { armscope: c.settings } });
  });
});
