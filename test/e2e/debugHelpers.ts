/**
 * Helpers of the debugging e2e tests (test/e2e/debug.e2e.test.ts): a probe
 * plan that records every stop through the real `vscode` API, the editor's
 * highlighted line, the side bar's width, error pop-ups.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

/** What the probe records at each stop (test/e2e/probe-extension, the real `vscode` API). */
export interface RecordedStop {
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
export function recordingPlan(scenario: string, dir: string, start: 'api' | 'f5', evaluate: string[]): string {
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
export async function highlightedLine(page: Page): Promise<number | undefined> {
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

export async function waitHighlighted(page: Page, line: number): Promise<void> {
  let seen: number | undefined;
  for (let i = 0; i < 120; i++) {
    seen = await highlightedLine(page);
    if (seen === line) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`the editor highlights line ${seen} as the top stack frame, expected ${line}`);
}

/** Drag the side bar's sash so that the side bar is `width` px wide. */
export async function setSidebarWidth(page: Page, width: number): Promise<void> {
  const sidebar = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
  if (!sidebar) throw new Error('no side bar');
  const y = sidebar.y + sidebar.height / 2;
  await page.mouse.move(sidebar.x + sidebar.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(sidebar.x + width + 1, y, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(300);
}

/** Error notifications (toasts) and dialogs on screen. */
export async function errorPopups(page: Page): Promise<string[]> {
  const toasts = await page.locator('.notifications-toasts .notification-toast').filter({ has: page.locator('.codicon-error') }).allInnerTexts();
  const dialogs = await page.locator('.monaco-dialog-box').allInnerTexts();
  return [...toasts, ...dialogs];
}

/** Wait for stop N recorded by `recordingPlan`, or fail with the probe's progress and results. */
export async function recordedStop(dir: string, n: number, resultsFile: string, ms = 90_000): Promise<RecordedStop> {
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
