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
import type { Frame } from 'playwright-core';
import { errorPopups, recordedStop, recordingPlan, setSidebarWidth, waitHighlighted } from './debugHelpers';
import { ARTIFACTS, ROOT, requireE2e, framesWith, openWorkbench, packageExtension, tokenClasses, waitForJson, waitWebview, writeProbe } from './harness';

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
  requireE2e();

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
    const { page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile });
    try {
      // The phase file, or the results file when the plan failed before it.
      const first = await Promise.race([waitForJson<StoppedPhase>(phaseFile, 150_000), waitForJson<{ ok: boolean; error?: string }>(resultsFile, 150_000)]).catch((e: Error) => e);
      if (!(first instanceof Error) && 'ok' in first && !first.ok) throw new Error(`the probe plan failed: ${first.error}`);
      const phase = await waitForJson<StoppedPhase>(phaseFile, 1_000).catch((e: Error) => {
        const r = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
        const p = fs.existsSync(progressFile) ? fs.readFileSync(progressFile, 'utf8') : '';
        throw new Error(`${e.message}\nprogress:\n${p}\n${r}`);
      });
      // Highlighting and a live diagnostic from the background run (the checker's mismatched-attributes finding).
      assert.ok(phase.diagnostics.some((d) => /mismatched|stale/i.test(d.message)), JSON.stringify(phase.diagnostics));
      const tokens = await tokenClasses(page);
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
      await setSidebarWidth(page, 940);
      for (const title of ['Variables', 'Watch', 'Call Stack', 'Breakpoints']) {
        const header = page.locator('.pane-header[aria-expanded="true"]', { hasText: new RegExp(`^${title}`, 'i') }).first();
        if (await header.count()) await header.click();
      }

      // Page tables (issue #9 item 11): the stage-2 walk of the fault unfolded down to the invalid level-3
      // entry, which says what memory and each cached copy hold; stage-1 memory types by MAIR name.
      await page.locator('.pane-header', { hasText: /^Page tables/i }).first().click();
      await waitWebview(page, 'stage-2 translation fault, level 3, at EL1 taken to EL2 (step 8)');
      await waitWebview(page, '← the walk faults here');
      await waitWebview(page, 'memory holds 0x0, L1D.pe0 holds 0x8810_07ff dirty (Normal-WB OSH)');
      await waitWebview(page, 'Attr1 Normal WB RWA');
      const [tablesFrame] = await framesWith(page, 'details.fault');
      assert.ok(tablesFrame, 'the faulting entry is highlighted');
      // Table descriptors are folded, except those on the fault's walk.
      const openOffWalk = await tablesFrame.locator('details[open]:not(.walk):not(.fault)').count();
      assert.equal(openOffWalk, 0);
      assert.ok((await tablesFrame.locator('details.walk[open]').count()) >= 2);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-page-tables.png') });
      await page.locator('.pane-header', { hasText: /^Page tables/i }).first().click();

      // The cache-line timeline (issue #9 item 10) in a 300 px side bar: labels at 12 px above their tracks,
      // the walk read labelled, this step's change marked and wide enough to see and hover.
      await setSidebarWidth(page, 300);
      await page.locator('.pane-header', { hasText: /^Cache-line timeline/i }).first().click();
      await waitWebview(page, 'stage-2 walk read, level 3, for IPA 0x8810_0000 (VA 0x8810_0000)');
      const [side] = await framesWith(page, '.tl');
      assert.ok(side, 'the timeline renders');
      // (The tests compile without DOM types: the page's getComputedStyle through globalThis.)
      type Styled = { getComputedStyle(e: unknown): { fontSize: string } };
      const fontPx = await side.locator('.tl .label').first().evaluate((el) => parseFloat((globalThis as unknown as Styled).getComputedStyle(el).fontSize));
      assert.ok(fontPx >= 11, `label text is ${fontPx} px`);
      const nowBars = await side.locator('.bar.at-now').count();
      assert.equal(nowBars, 1, 'one copy changed in this step: the walk read allocating the ISH copy');
      const box = await side.locator('.bar.at-now').boundingBox();
      assert.ok(box && box.width >= 6, `the current step's bar is ${box?.width} px wide`);
      const sidebar = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
      const clip = sidebar ? { x: sidebar.x, y: sidebar.y, width: sidebar.width, height: sidebar.height } : undefined;
      await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-300.png'), clip });
      await side.locator('.bar.at-now').hover();
      await side.locator('#tip', { hasText: 'L1D.pe0 · 0x611_1800 · Normal-WB ISH' }).waitFor({ state: 'visible', timeout: 10_000 });
      const tip = await side.locator('#tip').innerText();
      assert.match(tip, /I→E at step 8: stage-2 walk read, level 3, for IPA 0x8810_0000 \(VA 0x8810_0000\) \(PE0, line 85\)/);
      assert.match(tip, /data after step 8/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-300-hover.png'), clip });

      // The editor-area panel (the view's title button), widened to 1200 px.
      await page.locator('.pane-header', { hasText: /^Cache-line timeline/i }).first().hover();
      await page.locator('.pane-header .codicon-open-preview').first().click();
      const panelFrame = async (): Promise<{ f: Frame; width: number }> => {
        for (let i = 0; i < 120; i++) {
          for (const f of await framesWith(page, '.tl')) {
            const b = await (await f.frameElement()).boundingBox();
            if (b && b.width > 400) return { f, width: b.width };
          }
          await page.waitForTimeout(250);
        }
        throw new Error('the timeline panel did not open');
      };
      let panel = await panelFrame();
      let vw = page.viewportSize()?.width ?? 1400;
      for (let i = 0; i < 5 && Math.abs(panel.width - 1200) > 20; i++) {
        vw = Math.round(vw + (1200 - panel.width) * 2);
        await page.setViewportSize({ width: vw, height: 900 });
        await page.waitForTimeout(600);
        panel = await panelFrame();
      }
      assert.ok(Math.abs(panel.width - 1200) <= 20, `panel is ${panel.width} px wide`);
      await panel.f.locator('.bar.at-now').waitFor({ timeout: 10_000 });
      const frameBox = await (await panel.f.frameElement()).boundingBox();
      await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-1200.png'), clip: frameBox ?? undefined });

      // Click the SPMC's write (the dirty OSH copy from step 3): the debugger goes back to just before it.
      const write = panel.f.locator('.bar[aria-label^="L1D.pe0 0x611_1800 Normal-WB OSH: M from step 3"]');
      await write.click();
      await waitHighlighted(page, 65);
      // The timeline follows: the write is now the next step's change.
      await panel.f.locator('.bar.at-next').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-1200-back-at-write.png'), clip: frameBox ?? undefined });
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
    const { page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile });
    try {
      for (let i = 0; i < 360 && !fs.existsSync(readyFile); i++) await page.waitForTimeout(250);
      assert.ok(fs.existsSync(readyFile), 'the probe did not open the scenario');
      // Focus the editor (a click, no typing), then F5.
      // force: only the focus matters; at load the editor may still be laying out and a layer of its own can take the pointer check.
      await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 }, force: true });
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

      // Issue #9 item 9: Step Over three times, then Step Back three times, 300 ms apart — VS Code asks for the
      // scopes of frames of earlier stops meanwhile — and no error pops up; the PE ends where it started.
      await waitHighlighted(page, 74);
      assert.deepEqual(await errorPopups(page), []);
      for (const button of ['step-over', 'step-over', 'step-over', 'step-back', 'step-back', 'step-back']) {
        await page.locator(`.debug-toolbar .codicon-debug-${button}`).first().click();
        await page.waitForTimeout(300);
      }
      await waitHighlighted(page, 74);
      await page.waitForTimeout(2000);
      await page.screenshot({ path: path.join(ARTIFACTS, 'debug-fast-steps.png') });
      assert.deepEqual(await errorPopups(page), []);
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
    const { dir, planFile, resultsFile } = writeProbe('ffa', (d) => recordingPlan('bug-ffa-share-osh.armscope', d, 'f5', ['x0', 'x2', 'mem[0x610_4800] in memory']));
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
      // force: only the focus matters; at load the editor may still be laying out and a layer of its own can take the pointer check.
      await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 }, force: true });
      await page.keyboard.press('F5');

      // 1. The fault. The built-in SPMC takes and handles it within one step, so the stop shows OP-TEE's
      //    load with what that step does on top: the Data Abort (EC 0x24) — then the FF-A chain that
      //    brought OP-TEE here: the driver's direct request and its SMC.
      const fault = await recordedStop(dir, 1, resultsFile, 120_000);
      assert.equal(fault.reason, 'exception');
      assert.match(fault.description, /^PE0: translation fault stage 2 level 3 at EL1, taken to EL2 — ESR_EL2 0x93c3_8007, FAR 0x8810_0000 — taken by the next step and handled by the built-in firmware/);
      assert.equal(fault.thread, 'PE0 S-EL1 optee (0x8001)');
      assert.deepEqual(fault.frames.map((f) => [f.hint ?? 'normal', f.line, f.name.replace(/\s+\[(?:S-|NS-)?EL\d[^\]]*\]$/, '')]), [
        ['label', 0, 'next step: Data Abort (lower EL): Translation fault, level 3, read, doubleword x3 EC 0x24 EL1→EL2'],
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
      await callStack.filter({ hasText: 'Translation fault, level 3, read, doubleword x3 EC 0x24 EL1→EL2' }).first().waitFor({ timeout: 30_000 });
      await waitHighlighted(page, 120);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'ffa-fault-stack.png') });

      // 2. Step into the fault (toolbar Step Over): the walk allocates the Inner Shareable copy next to
      //    the dirty Outer Shareable one, misses the new descriptor, and the SPMC aborts OP-TEE — the
      //    driver's direct request returns FFA_ERROR(ABORTED).
      await page.locator('.debug-toolbar .codicon-debug-step-over').first().click();
      const taken = await recordedStop(dir, 2, resultsFile);
      assert.equal(taken.reason, 'exception');
      assert.match(taken.description, /^PE0: translation fault stage 2 level 3 at EL1, taken to EL2 — ESR_EL2 0x93c3_8007, FAR 0x8810_0000 — taken and handled by the built-in firmware/);
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
