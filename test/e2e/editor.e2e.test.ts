/**
 * The packaged extension in a real VS Code (code-server) in headless Chromium:
 * a seed scenario opens with highlighting, and a live diagnostic appears
 * (from the language server) both in the UI and through the vscode API.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARTIFACTS, requireE2e, openWorkbench, packageExtension, tokenClasses, waitForJson, writeProbe } from './harness';

describe('e2e: editor features in code-server', function () {
  this.timeout(180_000);
  requireE2e();

  it('highlights a scenario and shows a live diagnostic', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = packageExtension();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-ws-'));
    // A scenario with one deliberate error: `mov` to an undefined label's register.
    fs.writeFileSync(
      path.join(work, 'broken.armscope'),
      [
        'system {',
        '  pes 1',
        '  memory ram at 0x8000_0000 size 0x10_0000',
        '}',
        'pe 0 {',
        '  el 1',
        '  entry start',
        '}',
        'code at 0x8000_0000 {',
        'start:',
        '    mov   x0, #1',
        '    b     nowhere',
        '    hlt   #0',
        '}',
        '',
      ].join('\n'),
    );
    const resultsFile = path.join(work, '..', `results-${path.basename(work)}.json`);
    const planFile = path.join(work, '..', `plan-${path.basename(work)}.js`);
    fs.writeFileSync(
      planFile,
      `module.exports = async (vscode, log) => {
        const folder = vscode.workspace.workspaceFolders[0].uri;
        const uri = vscode.Uri.joinPath(folder, 'broken.armscope');
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(doc);
        log('opened ' + doc.languageId);
        let diags = [];
        for (let i = 0; i < 120 && diags.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 250));
          diags = vscode.languages.getDiagnostics(uri);
        }
        const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(10, 5));
        return {
          languageId: doc.languageId,
          diagnostics: diags.map((d) => ({ line: d.range.start.line, col: d.range.start.character, message: d.message, code: String(d.code ?? '') })),
          hover: (hovers || []).map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\\n')).join('\\n'),
        };
      };`,
    );
    const { page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile, viewport: { width: 1280, height: 800 } });
    try {
      interface EditorResults {
        languageId: string;
        diagnostics: { line: number; col: number; message: string; code: string }[];
        hover: string;
      }
      const result = await waitForJson<{ ok: boolean; error?: string; results: EditorResults; log: string[] }>(resultsFile, 90_000);
      assert.ok(result.ok, result.error);
      assert.equal(result.results.languageId, 'armscope');
      const undefinedLabel = result.results.diagnostics.find((d) => d.line === 11);
      assert.ok(undefinedLabel, `expected a diagnostic on line 12, got ${JSON.stringify(result.results.diagnostics)}`);
      assert.match(undefinedLabel.message, /nowhere/);
      assert.match(result.results.hover, /MOV/i);
      // UI: the squiggle is rendered and the code is tokenized by the grammar (more than one token colour).
      await page.waitForSelector('.squiggly-error', { timeout: 30_000 });
      const tokens = await tokenClasses(page);
      assert.ok(tokens.length >= 3, `expected several token colours, got ${tokens.join(',')}`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'editor-diagnostic.png') });
    } finally {
      await close();
      for (const f of [resultsFile, planFile]) fs.rmSync(f, { force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('Restricted Mode: the workspace cannot set armscope.maxSteps until it is trusted', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = packageExtension();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-trust-'));
    // 40 loop iterations: ~120 steps, far below the user's budget, far above the workspace's 10.
    fs.writeFileSync(
      path.join(work, 'loop.armscope'),
      ['system {', '  pes 1', '  memory ram at 0x8000_0000 size 0x10_0000', '}', 'pe 0 {', '  el 1', '  entry start', '}', 'code at 0x8000_0000 {', 'start:',
        '    mov   x0, #40', 'loop:', '    subs  x0, x0, #1', '    b.ne  loop', '    hlt   #0', '}', 'expect {', '  pe 0 x0 == 0', '}', ''].join('\n'),
    );
    fs.mkdirSync(path.join(work, '.vscode'));
    fs.writeFileSync(path.join(work, '.vscode', 'settings.json'), JSON.stringify({ 'armscope.maxSteps': 10 }));
    const { dir, planFile, resultsFile } = writeProbe('trust', (probeDir) =>
      `const fs = require('fs');
      const path = require('path');
      module.exports = async (vscode) => {
        const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'loop.armscope');
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        const budget = () => vscode.languages.getDiagnostics(uri).filter((d) => String(d.code) === 'step-budget').length;
        // The live run needs a moment after opening: wait for a verdict, then a little more.
        await new Promise((r) => setTimeout(r, 6000));
        const untrusted = {
          trusted: vscode.workspace.isTrusted,
          maxSteps: vscode.workspace.getConfiguration('armscope').get('maxSteps'),
          workspaceValue: vscode.workspace.getConfiguration('armscope').inspect('maxSteps').workspaceValue,
          budgetDiagnostics: budget(),
        };
        fs.writeFileSync(path.join(${JSON.stringify(probeDir)}, 'untrusted'), '');
        const granted = await vscode.workspace.requestWorkspaceTrust();
        let after = 0;
        for (let i = 0; i < 120 && after === 0; i++) {
          await new Promise((r) => setTimeout(r, 250));
          after = budget();
        }
        return { untrusted, granted, trusted: { trusted: vscode.workspace.isTrusted, maxSteps: vscode.workspace.getConfiguration('armscope').get('maxSteps'), budgetDiagnostics: after } };
      };`,
    );
    const { page, close } = await openWorkbench({ workspaceFrom: work, vsix, planFile, resultsFile, untrusted: true });
    try {
      for (let i = 0; i < 360 && !fs.existsSync(path.join(dir, 'untrusted')) && !fs.existsSync(resultsFile); i++) await page.waitForTimeout(250);
      await page.screenshot({ path: path.join(ARTIFACTS, 'restricted-mode.png') });
      // The probe asks for trust: VS Code's dialog; trust the folder.
      const trust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Yes, I trust the authors|^Trust/ }).first();
      await trust.waitFor({ timeout: 60_000 });
      await trust.click();
      interface Verdict {
        trusted: boolean;
        maxSteps: number;
        workspaceValue?: number;
        budgetDiagnostics: number;
      }
      const result = await waitForJson<{ ok: boolean; error?: string; results: { untrusted: Verdict; granted: boolean; trusted: Verdict } }>(resultsFile, 120_000);
      assert.ok(result.ok, result.error);
      const r = result.results;
      // Untrusted: the workspace's 10 is not even visible to the extension; the user's default budget applies and the
      // loop runs to its end.
      assert.deepEqual(r.untrusted, { trusted: false, maxSteps: 200_000, budgetDiagnostics: 0 });
      // Trusted: the workspace's budget applies at once and the live run stops at it.
      assert.equal(r.granted, true);
      assert.equal(r.trusted.trusted, true);
      assert.equal(r.trusted.maxSteps, 10);
      assert.ok(r.trusted.budgetDiagnostics > 0, 'the live run reports the workspace step budget once trusted');
    } catch (e) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'restricted-mode-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
