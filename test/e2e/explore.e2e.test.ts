/**
 * Issue #13 item 4 in a real VS Code (code-server) with the packaged
 * extension: open seed 003's explore example, click the "Explore" code lens,
 * see the broken expectation as a diagnostic (with its counts and the "Debug
 * this execution" code action), click the "Debug this execution" code lens:
 * the witness is written and the debugger replays it and stops on the broken
 * expectation — first on the checker's finding at the load that hits the
 * speculatively filled stale copy, then, after Continue, at the end of the
 * witnessed execution with the broken expectation. Screenshots:
 * test-artifacts/e2e/explore-*.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { errorPopups } from './debugHelpers';
import { ARTIFACTS, ROOT, openWorkbench, packageExtension, requireE2e, waitForJson, writeProbe } from './harness';

const SCENARIO = 'explore-clean-before-disable.armscope';

interface Stop {
  reason: string;
  description: string;
  top: { name: string; line: number };
  exceptionInfo: unknown;
}

interface ExploreResults {
  explored: { line: number; col: number; endCol: number; severity: number; code: string; message: string }[];
  actions: string[];
  /** The first stop, and the one after Continue. */
  stops: [Stop, Stop | null];
  config: { replay?: string; program?: string; cacheModel?: string };
  witness: { choices: string[]; failed: number[] } | null;
}

/** Wait for the probe to write `name` in `dir`, or fail with its progress log. */
async function waitFor(dir: string, name: string, resultsFile: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fs.existsSync(path.join(dir, name))) {
    if (fs.existsSync(resultsFile) || Date.now() > deadline) {
      const log = fs.existsSync(path.join(dir, 'progress.log')) ? fs.readFileSync(path.join(dir, 'progress.log'), 'utf8') : '';
      const r = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
      throw new Error(`the probe did not write ${name}\nprogress:\n${log}\n${r}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Click the code lens whose text matches `text` (code lenses render as links above their line). */
async function clickLens(page: Page, text: RegExp): Promise<void> {
  const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: text }).first();
  await lens.waitFor({ timeout: 90_000 });
  await lens.click();
}

describe('e2e: explore from the editor in code-server', function () {
  this.timeout(300_000);
  requireE2e();

  it('Explore code lens → diagnostic → Debug this execution → the debugger stops on the broken expectation', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = packageExtension();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-explore-'));
    fs.cpSync(path.join(ROOT, 'examples', 'seed-003'), work, { recursive: true });
    const { dir, planFile, resultsFile } = writeProbe('explore', (probeDir) =>
      `const fs = require('fs');
      const path = require('path');
      module.exports = async (vscode, log0) => {
        const dir = ${JSON.stringify(probeDir)};
        const log = (m) => { log0(m); fs.appendFileSync(path.join(dir, 'progress.log'), m + '\\n'); };
        const folder = vscode.workspace.workspaceFolders[0];
        const uri = vscode.Uri.joinPath(folder.uri, ${JSON.stringify(SCENARIO)});
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        log('opened');
        const stops = [];
        const configs = [];
        vscode.debug.registerDebugAdapterTrackerFactory('armscope', {
          createDebugAdapterTracker: (session) => ({
            onDidSendMessage: (m) => { if (m.type === 'event' && m.event === 'stopped') stops.push({ session, body: m.body }); },
          }),
        });
        vscode.debug.onDidStartDebugSession((s) => configs.push(s.configuration));
        // The expect block, with the Explore lens above it, in view.
        editor.revealRange(new vscode.Range(78, 0, 86, 0), vscode.TextEditorRevealType.InCenter);
        fs.writeFileSync(path.join(dir, 'ready'), '');
        // The test clicks "Explore": wait for its verdicts.
        let explored = [];
        for (let i = 0; i < 720 && explored.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 250));
          explored = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'armscope explore');
        }
        if (explored.length === 0) throw new Error('no explore diagnostics');
        log('explored: ' + explored.map((d) => d.message).join(' | '));
        const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, explored[0].range);
        // Bring the broken expectation (and its "Debug this execution" lens) into view.
        editor.revealRange(explored[0].range, vscode.TextEditorRevealType.InCenter);
        fs.writeFileSync(path.join(dir, 'explored'), '');
        // The test clicks "Debug this execution": wait for the stop.
        for (let i = 0; i < 720 && stops.length === 0; i++) await new Promise((r) => setTimeout(r, 250));
        if (stops.length === 0) throw new Error('the debugger did not stop');
        const record = async ({ session, body }) => {
          log('stopped: ' + body.reason + ' ' + (body.description || ''));
          const st = await session.customRequest('stackTrace', { threadId: body.threadId });
          const code = st.stackFrames.find((f) => f.presentationHint !== 'label') || st.stackFrames[0];
          const exceptionInfo = await session.customRequest('exceptionInfo', { threadId: body.threadId }).catch(() => null);
          return { reason: body.reason, description: body.description || '', top: { name: code.name, line: code.line }, exceptionInfo };
        };
        const first = await record(stops[0]);
        fs.writeFileSync(path.join(dir, 'first-stop'), '');
        // The test takes its screenshot of this stop, then says go on.
        for (let i = 0; i < 240 && !fs.existsSync(path.join(dir, 'continue')); i++) await new Promise((r) => setTimeout(r, 250));
        // Continue along the witness: to its end, where the broken expectation stops it.
        await stops[0].session.customRequest('continue', { threadId: stops[0].body.threadId });
        for (let i = 0; i < 240 && stops.length < 2; i++) await new Promise((r) => setTimeout(r, 250));
        const second = stops.length >= 2 ? await record(stops[1]) : null;
        const config = configs[0] || {};
        const witness = config.replay && fs.existsSync(config.replay) ? JSON.parse(fs.readFileSync(config.replay, 'utf8')) : null;
        fs.writeFileSync(path.join(dir, 'stopped'), '');
        return {
          explored: explored.map((d) => ({ line: d.range.start.line, col: d.range.start.character, endCol: d.range.end.character, severity: d.severity, code: String(d.code), message: d.message })),
          actions: (actions || []).map((a) => a.title),
          stops: [first, second],
          config: { replay: config.replay, program: config.program, cacheModel: config.cacheModel },
          witness,
        };
      };`,
    );
    const { page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile, viewport: { width: 1400, height: 900 } });
    try {
      await waitFor(dir, 'ready', resultsFile, 120_000);
      await clickLens(page, /Explore every execution/);
      await waitFor(dir, 'explored', resultsFile, 180_000);
      // The squiggle under the broken expectation and the lens to debug it.
      await page.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
      await page.locator('.contentWidgets .codelens-decoration a', { hasText: /Debug this execution/ }).first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'explore-diagnostic.png') });
      await clickLens(page, /Debug this execution/);
      await waitFor(dir, 'first-stop', resultsFile, 180_000);
      await page.locator('.debug-toolbar').first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1_000);
      await page.screenshot({ path: path.join(ARTIFACTS, 'explore-debug-finding.png') });
      fs.writeFileSync(path.join(dir, 'continue'), '');
      const result = await waitForJson<{ ok: boolean; error?: string; results: ExploreResults }>(resultsFile, 180_000);
      assert.ok(result.ok, result.error);
      const r = result.results;
      // The diagnostic: on `pe 0 x5 == OFF_VALUE` (line 82), with the counts and the witness.
      assert.equal(r.explored.length, 1, JSON.stringify(r.explored));
      assert.deepEqual({ line: r.explored[0].line, col: r.explored[0].col, endCol: r.explored[0].endCol, code: r.explored[0].code }, { line: 81, col: 2, endCol: 22, code: 'explore-expectation' });
      assert.match(r.explored[0].message, /breaks in 1 of 2 outcomes explored — holds sometimes; witness #1 \(17 choices\)/);
      assert.ok(r.actions.includes('Debug this execution'), JSON.stringify(r.actions));
      // The launch: the scenario and the witness written for it, no cache model beside it.
      assert.equal(path.basename(r.config.program ?? ''), SCENARIO);
      assert.equal(path.basename(r.config.replay ?? ''), 'explore-clean-before-disable.1.witness');
      assert.equal(r.config.cacheModel, undefined);
      assert.ok(r.witness, 'the witness file exists');
      assert.equal(r.witness.choices.length, 17);
      assert.deepEqual(r.witness.failed, [82]);
      // The first stop: the load that hits the speculatively filled stale copy (the checker's finding).
      const [first, second] = r.stops;
      assert.equal(first.reason, 'exception');
      assert.match(first.description, /^mismatched-attributes: Normal-WB ISH read of 0x8000_3000 by PE 0 hit a copy in L1D\.pe0 older than memory/);
      assert.match(first.description, /refilled speculatively right after the maintenance at line 50/);
      // Shown after the step that made it: the load on line 67 is done, the PC at the `hlt` on line 68.
      assert.equal(first.top.line, 68, JSON.stringify(first.top));
      // Continue: the end of the witnessed execution, stopped on the broken expectation.
      assert.ok(second, 'a second stop after Continue');
      assert.equal(second.reason, 'exception');
      assert.match(second.description, /expectation\(s\) failed/);
      assert.match(JSON.stringify(second.exceptionInfo), /line 82: pe 0 x5 == OFF_VALUE/);
      await page.locator('.debug-toolbar').first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1_000);
      await page.screenshot({ path: path.join(ARTIFACTS, 'explore-debug-expectation.png') });
      assert.deepEqual(await errorPopups(page), []);
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'explore-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
