/**
 * Debugging seed 000 in a real VS Code (code-server) with the packaged
 * extension: open the bug scenario (highlighting, a live diagnostic from the
 * background run), start debugging, stop on the stage-2 translation fault
 * with the exception frame in the call stack, expand the Caches scope in the
 * UI to see both copies of the descriptor line, step back with the toolbar
 * button to the faulting load and on to the SPMC's descriptor store. The
 * FF-A version (issue #6's "done means"): F5, the fault with its FF-A call
 * stack, both cache copies, a data breakpoint from the Variables view and
 * reverse continue to OP-TEE's FFA_MEM_RETRIEVE_REQ during which the SPMC
 * writes the descriptor. Screenshots go to test-artifacts/e2e/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARTIFACTS, ROOT, e2eUnavailable, openWorkbench, packageExtension, waitForJson } from './harness';

interface StoppedPhase {
  reason: string;
  description: string;
  frames: { name: string; line: number; hint?: string }[];
  caches: string[];
  l1: string[];
  diagnostics: { line: number; message: string }[];
  thread: string;
}

/** What the probe records at each stop (test/e2e/probe-extension, the real `vscode` API). */
interface RecordedStop {
  n: number;
  reason: string;
  description: string;
  thread: string;
  frames: { name: string; line: number; hint?: string }[];
  /** The first frame with a source line (a stop shown before its step lists that step's labels first). */
  top: { name: string; line: number };
  l1: string[];
  evaluated: Record<string, string>;
}

/**
 * A probe plan that opens `scenario` and records every stopped event of the
 * armscope session into `${dir}/stop-N.json` (stack, L1D.pe0 lines, watch
 * expressions evaluated in the top code frame) until `${dir}/done` appears.
 * `start`: 'api' starts debugging through `vscode.debug.startDebugging`;
 * 'f5' waits for the test to press F5 (no launch.json). `${dir}/ready` is
 * written once the scenario is open.
 */
function recordingPlan(scenario: string, dir: string, start: 'api' | 'f5', evaluate: string[]): string {
  return `const fs = require('fs');
  const path = require('path');
  module.exports = async (vscode, log0) => {
    const dir = ${JSON.stringify(dir)};
    const log = (m) => { log0(m); fs.appendFileSync(path.join(dir, 'progress.log'), m + '\\n'); };
    const folder = vscode.workspace.workspaceFolders[0];
    const uri = vscode.Uri.joinPath(folder.uri, ${JSON.stringify(scenario)});
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    log('opened ' + doc.languageId);
    const stops = [];
    let wake;
    let tracked;
    vscode.debug.registerDebugAdapterTrackerFactory('armscope', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m) => {
          if (m.type === 'event' && m.event === 'stopped') { tracked = session; stops.push(m.body); if (wake) wake(); }
        },
      }),
    });
    const nextStop = (n) => new Promise((resolve) => {
      const check = () => { if (stops.length >= n) resolve(stops[n - 1]); else wake = check; };
      check();
    });
    fs.writeFileSync(path.join(dir, 'ready'), 'ready');
    void (async () => {
      let diags = [];
      for (let i = 0; i < 160 && diags.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        diags = vscode.languages.getDiagnostics(uri);
      }
      fs.writeFileSync(path.join(dir, 'diagnostics.json'), JSON.stringify(diags.map((d) => ({ line: d.range.start.line, message: d.message }))));
      log('diagnostics ' + diags.length);
    })();
    if (${JSON.stringify(start)} === 'api') {
      const ok = await vscode.debug.startDebugging(folder, { type: 'armscope', request: 'launch', name: 'Debug seed 000', program: uri.fsPath });
      log('startDebugging: ' + ok);
      if (!ok) throw new Error('startDebugging returned false');
    }
    const done = path.join(dir, 'done');
    for (let n = 1; !fs.existsSync(done); n++) {
      const stop = await Promise.race([nextStop(n), new Promise((r) => { const t = setInterval(() => { if (fs.existsSync(done)) { clearInterval(t); r(undefined); } }, 200); })]);
      if (!stop) break;
      const session = tracked;
      const threads = (await session.customRequest('threads')).threads;
      const st = await session.customRequest('stackTrace', { threadId: stop.threadId });
      const code = st.stackFrames.find((f) => f.presentationHint !== 'label');
      let l1 = [];
      const scopes = await session.customRequest('scopes', { frameId: code.id });
      const cachesScope = scopes.scopes.find((s) => s.name === 'Caches');
      if (cachesScope) {
        const caches = (await session.customRequest('variables', { variablesReference: cachesScope.variablesReference })).variables;
        const c = caches.find((v) => v.name === 'L1D.pe0');
        if (c) l1 = (await session.customRequest('variables', { variablesReference: c.variablesReference })).variables.map((v) => v.name + ' = ' + v.value);
      }
      const evaluated = {};
      for (const e of ${JSON.stringify(evaluate)}) evaluated[e] = (await session.customRequest('evaluate', { expression: e, frameId: code.id, context: 'watch' })).result;
      const rec = {
        n, reason: stop.reason, description: stop.description || '', session: session.name, sessionType: session.type,
        thread: (threads.find((t) => t.id === stop.threadId) || threads[0]).name,
        frames: st.stackFrames.map((f) => ({ name: f.name, line: f.line, hint: f.presentationHint })),
        top: { name: code.name, line: code.line }, l1, evaluated,
      };
      fs.writeFileSync(path.join(dir, 'stop-' + n + '.json.tmp'), JSON.stringify(rec, null, 2));
      fs.renameSync(path.join(dir, 'stop-' + n + '.json.tmp'), path.join(dir, 'stop-' + n + '.json'));
      log('stop ' + n + ': ' + stop.reason + ' at line ' + code.line);
    }
    return { stops: stops.length };
  };`;
}

/** The scenario line the editor highlights as the top stack frame (its line number in the gutter). */
async function highlightedLine(page: import('playwright-core').Page): Promise<number | undefined> {
  // A string, evaluated in the page (the tests are compiled without DOM types).
  const line = await page.evaluate<number | null>(`(() => {
    const d = document.querySelector('.monaco-editor .debug-top-stack-frame-line');
    if (!d) return null;
    const y = d.getBoundingClientRect().top;
    for (const n of document.querySelectorAll('.monaco-editor .margin-view-overlays .line-numbers'))
      if (Math.abs(n.getBoundingClientRect().top - y) < 3) return Number(n.textContent);
    return null;
  })()`);
  return line ?? undefined;
}

async function waitHighlighted(page: import('playwright-core').Page, line: number): Promise<void> {
  let seen: number | undefined;
  for (let i = 0; i < 120; i++) {
    seen = await highlightedLine(page);
    if (seen === line) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`the editor highlights line ${seen} as the top stack frame, expected ${line}`);
}

/** Wait for stop N recorded by `recordingPlan`, or fail with the probe's progress and results. */
async function recordedStop(dir: string, n: number, resultsFile: string, ms = 90_000): Promise<RecordedStop> {
  const file = path.join(dir, `stop-${n}.json`);
  const deadline = Date.now() + ms;
  for (;;) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as RecordedStop;
    const ended = fs.existsSync(resultsFile);
    if (ended || Date.now() > deadline) {
      const p = fs.existsSync(path.join(dir, 'progress.log')) ? fs.readFileSync(path.join(dir, 'progress.log'), 'utf8') : '';
      const r = ended ? fs.readFileSync(resultsFile, 'utf8') : '';
      throw new Error(`no stop ${n} recorded${ended ? ' (the probe plan ended)' : ` after ${ms} ms`}\nprobe progress:\n${p}\n${r}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
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
        // The test clicks the toolbar's Step Back button now, and again until the SPMC's store: each
        // stop is recorded (top frame, the descriptor as PE 0 sees it) in back-N.json.
        let result;
        for (let n = 2; n < 14; n++) {
          const back = await nextStop(n, 90000);
          const st2 = await session.customRequest('stackTrace', { threadId: back.threadId });
          const top = st2.stackFrames[0];
          const desc = await session.customRequest('evaluate', { expression: 'mem[0x611_1800]', frameId: top.id, context: 'watch' });
          const rec = { reason: back.reason, top: { name: top.name, line: top.line }, frames: st2.stackFrames.length, descriptor: desc.result };
          if (n === 2) result = rec;
          fs.writeFileSync(${JSON.stringify(phaseFile)} + '.back-' + n + '.tmp', JSON.stringify(rec));
          fs.renameSync(${JSON.stringify(phaseFile)} + '.back-' + n + '.tmp', ${JSON.stringify(phaseFile)} + '.back-' + n);
          log('stepped back to line ' + top.line);
          if (top.line === 65) break;
        }
        return result;
      };`,
    );
    const { server, page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile });
    try {
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
      assert.match(phase.description, /translation fault stage 2 level 3 at EL1, taken to EL2/);
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
      const back1 = await waitForJson<{ reason: string; top: { name: string; line: number }; frames: number; descriptor: string }>(`${phaseFile}.back-2`, 90_000);
      assert.equal(back1.reason, 'step');
      assert.equal(back1.top.line, 85);
      assert.match(back1.top.name, /^ldr\s+x2, \[x1\]/);
      assert.equal(back1.frames, 1);
      await page.locator('.debug-call-stack', { hasText: 'ldr' }).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-step-back.png') });

      // On back, with the toolbar button, to the write: `str x1, [x0]` at write_desc, the SPMC's
      // descriptor store (still to execute: PE 0 sees the old, zero descriptor).
      interface BackStop { reason: string; top: { name: string; line: number }; frames: number; descriptor: string }
      const lines: number[] = [];
      let atWrite: BackStop | undefined;
      for (let n = 3; n < 14 && !atWrite; n++) {
        await stepBack.click();
        const b = await waitForJson<BackStop>(`${phaseFile}.back-${n}`, 60_000);
        assert.equal(b.reason, 'step');
        lines.push(b.top.line);
        if (b.top.line === 65) atWrite = b;
      }
      // ldr x1, =SHARED (EL1), then back through the SPMC's eret, isb, dsb ish to the store.
      assert.deepEqual(lines, [83, 68, 67, 66, 65]);
      assert.ok(atWrite);
      assert.match(atWrite.top.name, /^str\s+x1, \[x0\]\s+\[S-EL2 0x600_0008\]/);
      assert.equal(atWrite.frames, 1);
      assert.equal(atWrite.descriptor, '0x0');
      await page.locator('.debug-call-stack', { hasText: 'str' }).first().waitFor({ timeout: 30_000 });
      await waitHighlighted(page, 65);
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-back-at-write.png') });
      const result = await waitForJson<{ ok: boolean; error?: string; results: { top: { line: number } } }>(resultsFile, 30_000);
      assert.ok(result.ok, result.error);
      assert.equal(result.results.top.line, 85);

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
      await close();
      for (const f of [phaseFile, resultsFile, planFile, progressFile]) fs.rmSync(f, { force: true });
      for (let n = 2; n < 14; n++) fs.rmSync(`${phaseFile}.back-${n}`, { force: true });
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
    const { server, page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile });
    try {
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
      assert.match(result.results.description, /translation fault stage 2 level 3 at EL1, taken to EL2/);
      await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
      await page.locator('.debug-variables .monaco-list-row', { hasText: /^Registers$/ }).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-f5.png') });
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-f5-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await close();
      for (const f of [resultsFile, planFile, readyFile]) fs.rmSync(f, { force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
  it('seed 000 through FF-A: F5, the stage-2 fault with its FF-A stack, both cache copies, back to the SPMC write', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = packageExtension();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-ffa-'));
    fs.cpSync(path.join(ROOT, 'examples', 'seed-000'), work, { recursive: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-ffa-probe-'));
    const resultsFile = path.join(dir, 'results.json');
    const planFile = path.join(dir, 'plan.js');
    fs.writeFileSync(planFile, recordingPlan('bug-ffa-share-osh.armscope', dir, 'f5', ['x0', 'x2', 'mem[0x610_4800] in memory']));
    const { server, page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile });
    const callStack = page.locator('.debug-call-stack');
    const variablesRow = (text: string | RegExp) => page.locator('.debug-variables .monaco-list-row', { hasText: text }).first();
    try {
      for (let i = 0; i < 360 && !fs.existsSync(path.join(dir, 'ready')); i++) await page.waitForTimeout(250);
      if (!fs.existsSync(path.join(dir, 'ready'))) {
        const log = fs.existsSync(path.join(server.dir, 'code-server.log')) ? fs.readFileSync(path.join(server.dir, 'code-server.log'), 'utf8').slice(-3000) : '';
        const r = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '(no results)';
        assert.fail(`the probe did not open the scenario: ${r}\n${log}`);
      }
      // F5 on the open scenario, no launch.json: the default exception filters include stage-2 translation faults.
      await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('F5');

      // 1. The fault. The built-in SPMC takes and handles it within one step, so the stop shows OP-TEE's
      //    load with what that step does on top: the Data Abort (EC 0x24) — then the FF-A chain that
      //    brought OP-TEE here: the driver's direct request and its SMC.
      const fault = await recordedStop(dir, 1, resultsFile, 120_000);
      assert.equal(fault.reason, 'exception');
      assert.match(fault.description, /^PE0: translation fault stage 2 level 3 at EL1, taken to EL2 — ESR_EL2 0x9200_0007, FAR 0x8810_0000 — taken by the next step and handled by the built-in firmware/);
      assert.equal(fault.thread, 'PE0 S-EL1 optee (0x8001)');
      assert.deepEqual(fault.frames.map((f) => [f.hint ?? 'normal', f.line, f.name.replace(/\s+\[(?:S-|NS-)?EL\d[^\]]*\]$/, '')]), [
        ['label', 0, 'next step: Data Abort (lower EL): Translation fault, level 3, read EC 0x24 EL1→EL2'],
        ['normal', 120, 'ldr x3, [x21]'],
        ['label', 0, 'FFA_MSG_SEND_DIRECT_REQ_32 0x0000→0x8001 (Non-secure EL1)'],
        ['normal', 90, 'smc #0'],
      ]);
      // Before the walk: only the SPMC's dirty Outer Shareable copy of the descriptor line.
      assert.ok(fault.l1.some((l) => l.startsWith('0x610_4800 Normal-WB OSH = M (dirty)')), fault.l1.join('\n'));
      assert.ok(!fault.l1.some((l) => l.startsWith('0x610_4800 Normal-WB ISH')), fault.l1.join('\n'));
      // UI: the call stack shows the same frames; the editor highlights the faulting load. A wider side
      // bar, Watch and Breakpoints folded, so the frames and the cache rows are readable.
      await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
      await callStack.first().waitFor({ timeout: 30_000 });
      const sidebar = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
      if (sidebar) {
        await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + sidebar.height / 2);
        await page.mouse.down();
        await page.mouse.move(sidebar.x + sidebar.width + 380, sidebar.y + sidebar.height / 2, { steps: 8 });
        await page.mouse.up();
      }
      for (const title of ['Watch', 'Breakpoints']) {
        const header = page.locator('.pane-header[aria-expanded="true"]', { hasText: new RegExp(`^${title}`, 'i') }).first();
        if (await header.count()) await header.click();
      }
      await callStack.filter({ hasText: 'FFA_MSG_SEND_DIRECT_REQ_32 0x0000→0x8001' }).first().waitFor({ timeout: 30_000 });
      await callStack.filter({ hasText: 'Translation fault, level 3, read EC 0x24 EL1→EL2' }).first().waitFor({ timeout: 30_000 });
      await waitHighlighted(page, 120);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'ffa-fault-stack.png') });

      // 2. Step into the fault (toolbar Step Over): the walk allocates the Inner Shareable copy next to
      //    the dirty Outer Shareable one, misses the new descriptor, and the SPMC aborts OP-TEE — the
      //    driver's direct request returns FFA_ERROR(ABORTED).
      await page.locator('.debug-toolbar .codicon-debug-step-over').first().click();
      const taken = await recordedStop(dir, 2, resultsFile);
      assert.equal(taken.reason, 'exception');
      assert.match(taken.description, /^PE0: translation fault stage 2 level 3 at EL1, taken to EL2 — ESR_EL2 0x9200_0007, FAR 0x8810_0000 — taken and handled by the built-in firmware/);
      assert.equal(taken.top.line, 91); // the driver's `hlt` after its direct request returned FFA_ERROR
      assert.equal(taken.evaluated['x0'], '0x8400_0060'); // FFA_ERROR
      assert.equal(taken.evaluated['x2'], '0xffff_fff8'); // FFA_ABORTED
      assert.ok(taken.l1.some((l) => l.startsWith('0x610_4800 Normal-WB OSH = M (dirty)')), taken.l1.join('\n'));
      assert.ok(taken.l1.some((l) => l.startsWith('0x610_4800 Normal-WB ISH = E (clean)')), taken.l1.join('\n'));
      // UI: once the views show this stop, fold Registers, open Caches and L1D.pe0 in the Variables view;
      // both copies are rows.
      await callStack.filter({ hasText: 'hlt' }).first().waitFor({ timeout: 30_000 });
      await waitHighlighted(page, 91);
      // Fold the Call Stack pane meanwhile: the Variables pane gets its height.
      const stackHeader = (expanded: boolean) => page.locator(`.pane-header[aria-expanded="${expanded}"]`, { hasText: /^Call Stack/i }).first();
      await stackHeader(true).click();
      await stackHeader(false).waitFor({ timeout: 10_000 });
      const regRow = variablesRow(/^Registers$/);
      await regRow.waitFor({ timeout: 30_000 });
      for (let i = 0; i < 20 && (await regRow.getAttribute('aria-expanded')) === 'true'; i++) {
        await regRow.click();
        await page.waitForTimeout(500);
      }
      const cachesRow = variablesRow(/^Caches$/);
      await cachesRow.waitFor({ timeout: 30_000 });
      if ((await cachesRow.getAttribute('aria-expanded')) !== 'true') await cachesRow.click();
      const l1Row = variablesRow('L1D.pe0');
      await l1Row.waitFor({ timeout: 30_000 });
      if ((await l1Row.getAttribute('aria-expanded')) !== 'true') await l1Row.click();
      const oshRow = variablesRow('0x610_4800 Normal-WB OSH');
      const ishRow = variablesRow('0x610_4800 Normal-WB ISH');
      await oshRow.waitFor({ timeout: 30_000 });
      await ishRow.waitFor({ timeout: 30_000 });
      assert.match(await oshRow.innerText(), /0x610_4800 Normal-WB OSH\s*[:=]?\s*M \(dirty\)/);
      assert.match(await ishRow.innerText(), /0x610_4800 Normal-WB ISH\s*[:=]?\s*E \(clean\)/);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'ffa-fault-caches.png') });

      // 3. A data breakpoint on the descriptor's line, from the Variables view's context menu on the
      //    Outer Shareable copy (Break on Value Change: any change of that line in any cache).
      await oshRow.click({ button: 'right' });
      const item = page.locator('.context-view .action-item', { hasText: /^Break on Value Change$/ }).first();
      await item.waitFor({ timeout: 15_000 });
      // Monaco menus act on the focused item's Enter more reliably than on a synthetic click.
      await item.hover();
      await page.keyboard.press('Enter');
      await page.locator('.context-view .action-item').first().waitFor({ state: 'detached', timeout: 15_000 });
      await stackHeader(false).click();
      await callStack.first().waitFor({ timeout: 10_000 });

      // 4. Reverse continue (toolbar) twice: the line changes when the walk allocates the ISH copy (the
      //    faulting step), then when the SPMC writes the descriptor while handling OP-TEE's
      //    FFA_MEM_RETRIEVE_REQ — the stop before that step, at OP-TEE's `smc`.
      const reverse = page.locator('.debug-toolbar .codicon-debug-reverse-continue').first();
      await reverse.click();
      const walk = await recordedStop(dir, 3, resultsFile);
      assert.equal(walk.reason, 'data breakpoint', walk.description);
      assert.equal(walk.description, 'line 0x610_4800 changed: L1D.pe0 Normal-WB OSH M → L1D.pe0 Normal-WB OSH M, L1D.pe0 Normal-WB ISH E');
      assert.equal(walk.top.line, 120);
      await waitHighlighted(page, 120);
      await reverse.click();
      const write = await recordedStop(dir, 4, resultsFile);
      assert.equal(write.reason, 'data breakpoint', write.description);
      assert.equal(write.description, 'line 0x610_4800 changed: not cached → L1D.pe0 Normal-WB OSH M');
      assert.equal(write.thread, 'PE0 S-EL1 optee (0x8001)');
      assert.deepEqual(write.frames.map((f) => [f.hint ?? 'normal', f.line, f.name.replace(/\s+\[(?:S-|NS-)?EL\d[^\]]*\]$/, '')]), [
        ['label', 0, 'next step: line 0x610_4800 changed: not cached → L1D.pe0 Normal-WB OSH M'],
        ['label', 0, 'next step: FFA_MEM_RETRIEVE_REQ_32 0x8001→0x8000 (SPMC, S-EL2)'],
        ['label', 0, 'next step: SMC #0x0 EC 0x17 EL1→EL2'],
        ['normal', 118, 'smc #0'],
        ['label', 0, 'FFA_MSG_SEND_DIRECT_REQ_32 0x0000→0x8001 (Non-secure EL1)'],
        ['normal', 90, 'smc #0'],
      ]);
      assert.equal(write.evaluated['x0'], '0x8400_0074'); // FFA_MEM_RETRIEVE_REQ in w0
      assert.equal(write.evaluated['mem[0x610_4800] in memory'], '0x0'); // the descriptor is not written yet
      assert.ok(!write.l1.some((l) => l.startsWith('0x610_4800')), write.l1.join('\n'));
      // UI: the retrieve frame in the call stack, OP-TEE's `smc` at `retrieve` highlighted.
      await callStack.filter({ hasText: 'FFA_MEM_RETRIEVE_REQ_32 0x8001→0x8000 (SPMC, S-EL2)' }).first().waitFor({ timeout: 30_000 });
      await waitHighlighted(page, 118);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'ffa-back-at-write.png') });
      fs.writeFileSync(path.join(dir, 'done'), 'done');
      const result = await waitForJson<{ ok: boolean; error?: string }>(resultsFile, 30_000);
      assert.ok(result.ok, result.error);
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'ffa-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      fs.writeFileSync(path.join(dir, 'done'), 'done');
      await close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
