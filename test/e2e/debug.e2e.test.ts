/**
 * Debugging seed 000 in a real VS Code (code-server) with the packaged
 * extension: open the bug scenario (highlighting, a live diagnostic from the
 * background run), start debugging, stop on the stage-2 translation fault
 * with the exception frame in the call stack, expand the Caches scope in the
 * UI to see both copies of the descriptor line, step back with the toolbar
 * button to the faulting load. Screenshots go to test-artifacts/e2e/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARTIFACTS, ROOT, e2eUnavailable, launchBrowser, packageExtension, startCodeServer, waitForJson } from './harness';

interface StoppedPhase {
  reason: string;
  description: string;
  frames: { name: string; line: number; hint?: string }[];
  caches: string[];
  l1: string[];
  diagnostics: { line: number; message: string }[];
  thread: string;
}

describe('e2e: debugging seed 000 in code-server', function () {
  this.timeout(240_000);
  const reason = e2eUnavailable();
  before(function () {
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
  });

  it('stops on the stage-2 fault, shows both cache copies and steps back', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = packageExtension();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-dbg-'));
    fs.cpSync(path.join(ROOT, 'examples', 'seed-000'), work, { recursive: true });
    const tag = path.basename(work);
    const phaseFile = path.join(os.tmpdir(), `phase-${tag}.json`);
    const resultsFile = path.join(os.tmpdir(), `results-${tag}.json`);
    const planFile = path.join(os.tmpdir(), `plan-${tag}.js`);
    const progressFile = path.join(os.tmpdir(), `progress-${tag}.log`);
    fs.writeFileSync(
      planFile,
      `const fs = require('fs');
      module.exports = async (vscode, log0) => {
        const log = (m) => { log0(m); fs.appendFileSync(${JSON.stringify(progressFile)}, m + '\\n'); };
        const folder = vscode.workspace.workspaceFolders[0];
        const uri = vscode.Uri.joinPath(folder.uri, 'bug-osh-tables.armscope');
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(doc);
        log('opened ' + doc.languageId);
        let diags = [];
        for (let i = 0; i < 160 && diags.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 250));
          diags = vscode.languages.getDiagnostics(uri);
        }
        log('diagnostics ' + diags.length);
        const stops = [];
        let wake;
        vscode.debug.registerDebugAdapterTrackerFactory('armscope', {
          createDebugAdapterTracker: () => ({
            onDidSendMessage: (m) => {
              if (m.type === 'event' && m.event === 'stopped') { stops.push(m.body); if (wake) wake(); }
            },
          }),
        });
        const nextStop = (n, ms) => new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('no stopped event #' + n)), ms);
          const check = () => { if (stops.length >= n) { clearTimeout(t); resolve(stops[n - 1]); } else wake = check; };
          check();
        });
        const ok = await vscode.debug.startDebugging(folder, { type: 'armscope', request: 'launch', name: 'Debug seed 000', program: uri.fsPath });
        log('startDebugging: ' + ok);
        if (!ok) throw new Error('startDebugging returned false');
        const first = await nextStop(1, 60000);
        const session = vscode.debug.activeDebugSession;
        const threads = (await session.customRequest('threads')).threads;
        const st = await session.customRequest('stackTrace', { threadId: first.threadId });
        const scopes = await session.customRequest('scopes', { frameId: st.stackFrames[0].id });
        const cachesScope = scopes.scopes.find((s) => s.name === 'Caches');
        const caches = (await session.customRequest('variables', { variablesReference: cachesScope.variablesReference })).variables;
        const l1 = caches.find((v) => v.name === 'L1D.pe0');
        const lines = (await session.customRequest('variables', { variablesReference: l1.variablesReference })).variables;
        fs.writeFileSync(${JSON.stringify(phaseFile)}, JSON.stringify({
          reason: first.reason, description: first.description || '',
          frames: st.stackFrames.map((f) => ({ name: f.name, line: f.line, hint: f.presentationHint })),
          caches: caches.map((v) => v.name), l1: lines.map((v) => v.name + ' = ' + v.value),
          diagnostics: diags.map((d) => ({ line: d.range.start.line, message: d.message })),
          thread: threads[0].name,
        }));
        log('stopped on ' + first.reason);
        // The test clicks the toolbar's Step Back button now.
        const back = await nextStop(2, 90000);
        const st2 = await session.customRequest('stackTrace', { threadId: back.threadId });
        return { reason: back.reason, top: { name: st2.stackFrames[0].name, line: st2.stackFrames[0].line }, frames: st2.stackFrames.length };
      };`,
    );
    const server = await startCodeServer({
      workspaceFrom: work,
      extensions: [vsix, path.join(ROOT, 'test', 'e2e', 'probe-extension')],
      env: { ARMSCOPE_E2E_PLAN: planFile, ARMSCOPE_E2E_RESULTS: resultsFile },
    });
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      // The phase file, or the results file when the plan failed before it.
      const first = await Promise.race([waitForJson<StoppedPhase>(phaseFile, 150_000), waitForJson<{ ok: boolean; error?: string }>(resultsFile, 150_000)]).catch((e: Error) => e);
      if (!(first instanceof Error) && 'ok' in first && !first.ok) throw new Error(`the probe plan failed: ${first.error}`);
      const phase = await waitForJson<StoppedPhase>(phaseFile, 1_000).catch(async (e) => {
        const r = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
        const p = fs.existsSync(progressFile) ? fs.readFileSync(progressFile, 'utf8') : '';
        throw new Error(`${e.message}\nprogress:\n${p}\n${r}`);
      });
      // Highlighting and a live diagnostic from the background run (the checker's mismatched-attributes finding).
      assert.ok(phase.diagnostics.some((d) => /mismatched|stale/i.test(d.message)), JSON.stringify(phase.diagnostics));
      const tokens = await page.$$eval('.view-lines span[class^="mtk"]', (els) => [...new Set(els.map((e) => e.className))]);
      assert.ok(tokens.length >= 3, `expected several token colours, got ${tokens.join(',')}`);
      // The stop: the stage-2 fault, the exception frame, the faulting load.
      assert.equal(phase.reason, 'exception');
      assert.match(phase.description, /stage 2 translation fault at level 3/);
      assert.equal(phase.thread, 'PE0 S-EL2');
      assert.equal(phase.frames[0].line, 74);
      assert.equal(phase.frames[1].hint, 'label');
      assert.match(phase.frames[1].name, /EC 0x24/);
      assert.equal(phase.frames[2].line, 85);
      assert.ok(phase.l1.some((l) => l.startsWith('0x611_1800 Normal-WB OSH = M')), phase.l1.join('\n'));
      assert.ok(phase.l1.some((l) => l.startsWith('0x611_1800 Normal-WB ISH = E')), phase.l1.join('\n'));

      // UI: the debug toolbar and call stack are up; expand Caches and L1D.pe0 in the Variables view.
      await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
      await page.waitForSelector('.debug-call-stack', { timeout: 30_000 });
      // Collapse Registers (expanded by default) so the other scopes fit in the view.
      const regRow = page.locator('.debug-variables .monaco-list-row', { hasText: /^Registers$/ }).first();
      await regRow.waitFor({ timeout: 30_000 });
      await regRow.click();
      const cachesRow = page.locator('.debug-variables .monaco-list-row', { hasText: /^Caches$/ }).first();
      await cachesRow.waitFor({ timeout: 30_000 });
      await cachesRow.click();
      const l1Row = page.locator('.debug-variables .monaco-list-row', { hasText: 'L1D.pe0' }).first();
      await l1Row.waitFor({ timeout: 30_000 });
      await l1Row.click();
      await page.locator('.debug-variables .monaco-list-row', { hasText: '0x611_1800 Normal-WB OSH' }).first().waitFor({ timeout: 30_000 });
      await page.locator('.debug-variables .monaco-list-row', { hasText: '0x611_1800 Normal-WB ISH' }).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-fault-caches.png') });

      // Step back with the toolbar button: to the load that faulted, before the exception.
      const stepBack = page.locator('.debug-toolbar .codicon-debug-step-back').first();
      await stepBack.waitFor({ timeout: 30_000 });
      await stepBack.click();
      const result = await waitForJson<{ ok: boolean; error?: string; results: { reason: string; top: { name: string; line: number }; frames: number }; log: string[] }>(resultsFile, 90_000);
      assert.ok(result.ok, result.error);
      assert.equal(result.results.reason, 'step');
      assert.equal(result.results.top.line, 85);
      assert.match(result.results.top.name, /^ldr\s+x2, \[x1\]/);
      assert.equal(result.results.frames, 1);
      await page.locator('.debug-call-stack', { hasText: 'ldr' }).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-step-back.png') });

      // Forward again to the fault, then the debugging views: widen the side bar, fold the built-in sections.
      await page.locator('.debug-toolbar .codicon-debug-continue').first().click();
      await page.locator('.debug-call-stack', { hasText: 'mrs' }).first().waitFor({ timeout: 30_000 });
      const sidebar = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
      if (sidebar) {
        await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + sidebar.height / 2);
        await page.mouse.down();
        await page.mouse.move(sidebar.x + sidebar.width + 560, sidebar.y + sidebar.height / 2, { steps: 8 });
        await page.mouse.up();
      }
      for (const title of ['Variables', 'Watch', 'Call Stack', 'Breakpoints']) {
        const header = page.locator('.pane-header[aria-expanded="true"]', { hasText: new RegExp(`^${title}`, 'i') }).first();
        if (await header.count()) await header.click();
      }
      const inWebview = async (text: string): Promise<boolean> => {
        for (const f of page.frames()) if (await f.locator(`text=${text}`).count().catch(() => 0)) return true;
        return false;
      };
      const waitWebview = async (text: string): Promise<void> => {
        const deadline = Date.now() + 30_000;
        while (!(await inWebview(text))) {
          if (Date.now() > deadline) throw new Error(`no webview shows '${text}'`);
          await page.waitForTimeout(250);
        }
      };
      await page.locator('.pane-header', { hasText: /^Cache-line timeline/i }).first().click();
      await waitWebview('Normal-WB OSH');
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-cache-timeline.png') });
      await page.locator('.pane-header', { hasText: /^Cache-line timeline/i }).first().click();
      await page.locator('.pane-header', { hasText: /^Page tables/i }).first().click();
      await waitWebview('VSTTBR_EL2');
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-page-tables.png') });
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await browser.close();
      server.stop();
      for (const f of [phaseFile, resultsFile, planFile, progressFile]) fs.rmSync(f, { force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('F5 on an open scenario (no launch.json) starts debugging and stops on the fault', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = packageExtension();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-f5-'));
    fs.cpSync(path.join(ROOT, 'examples', 'seed-000'), work, { recursive: true });
    const tag = path.basename(work);
    const resultsFile = path.join(os.tmpdir(), `results-${tag}.json`);
    const planFile = path.join(os.tmpdir(), `plan-${tag}.js`);
    const readyFile = path.join(os.tmpdir(), `ready-${tag}`);
    fs.writeFileSync(
      planFile,
      `const fs = require('fs');
      module.exports = async (vscode) => {
        const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'bug-osh-tables.armscope');
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        const stopped = new Promise((resolve) => {
          vscode.debug.registerDebugAdapterTrackerFactory('armscope', {
            createDebugAdapterTracker: (session) => ({ onDidSendMessage: (m) => { if (m.type === 'event' && m.event === 'stopped') resolve({ ...m.body, type: session.type, name: session.name }); } }),
          });
        });
        fs.writeFileSync(${JSON.stringify(readyFile)}, 'ready');
        const body = await Promise.race([stopped, new Promise((r) => setTimeout(() => r({ reason: 'timeout' }), 90000))]);
        return { reason: body.reason, description: body.description || '', type: body.type, name: body.name };
      };`,
    );
    const server = await startCodeServer({
      workspaceFrom: work,
      extensions: [vsix, path.join(ROOT, 'test', 'e2e', 'probe-extension')],
      env: { ARMSCOPE_E2E_PLAN: planFile, ARMSCOPE_E2E_RESULTS: resultsFile },
    });
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      for (let i = 0; i < 360 && !fs.existsSync(readyFile); i++) await page.waitForTimeout(250);
      assert.ok(fs.existsSync(readyFile), 'the probe did not open the scenario');
      // Focus the editor (a click, no typing), then F5.
      await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('F5');
      const result = await waitForJson<{ ok: boolean; error?: string; results: { reason: string; description: string; type: string; name: string } }>(resultsFile, 120_000);
      assert.ok(result.ok, result.error);
      assert.equal(result.results.type, 'armscope', JSON.stringify(result.results));
      assert.equal(result.results.name, 'Debug scenario');
      assert.equal(result.results.reason, 'exception');
      assert.match(result.results.description, /stage 2 translation fault at level 3/);
      await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
      await page.locator('.debug-variables .monaco-list-row', { hasText: /^Registers$/ }).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-f5.png') });
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-f5-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await browser.close();
      server.stop();
      for (const f of [resultsFile, planFile, readyFile]) fs.rmSync(f, { force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
