/**
 * Commands: Run scenario, Check, Decode register value. Each asks the language
 * server (which owns the simulator) and presents the answer; no simulator code
 * runs in the extension host.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CHECK_REQUEST,
  type CheckResult,
  DECODE_REQUEST,
  type DecodeParams,
  type DecodeResult,
  REGISTERS_REQUEST,
  RUN_REQUEST,
  type RunParams,
  type RunResult,
} from './protocol';

const DECODE_SCHEME = 'armscope-decode';

/**
 * The scenario a command acts on: the active editor's, else the one visible
 * beside a non-text editor (a walkthrough button leaves the walkthrough active).
 */
export function targetScenario(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active?.document.languageId === 'armscope') return active;
  return vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'armscope');
}

function activeScenario(): vscode.TextEditor | undefined {
  const editor = targetScenario();
  if (!editor) {
    void vscode.window.showWarningMessage('Armscope: open a .armscope scenario first.');
    return undefined;
  }
  return editor;
}

/** Registers the commands; returns the Armscope output channel (the explore commands write to it too). */
export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient): vscode.OutputChannel {
  const output = vscode.window.createOutputChannel('Armscope');
  const decoded = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    output,
    changed,
    vscode.workspace.registerTextDocumentContentProvider(DECODE_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => decoded.get(uri.path) ?? '',
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('armscope.run', async () => {
      const editor = activeScenario();
      if (!editor) return;
      const config = vscode.workspace.getConfiguration('armscope', editor.document.uri);
      const params: RunParams = {
        uri: editor.document.uri.toString(),
        maxSteps: config.get<number>('maxSteps'),
        cacheModel: config.get<'scenario' | 'on' | 'off'>('cacheModel'),
      };
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Armscope: running scenario' },
        () => client.sendRequest<RunResult>(RUN_REQUEST, params),
      );
      output.clear();
      output.appendLine(result.report);
      output.show(true);
      if (!result.ok) void vscode.window.showWarningMessage('Armscope: the run did not meet its expectations (see the Armscope output).');
    }),

    vscode.commands.registerCommand('armscope.check', async () => {
      const editor = activeScenario();
      if (!editor) return;
      const result = await client.sendRequest<CheckResult>(CHECK_REQUEST, { uri: editor.document.uri.toString() });
      output.clear();
      for (const line of result.lines) output.appendLine(line);
      output.appendLine(`${result.errors} error(s), ${result.warnings} warning(s)`);
      output.show(true);
      if (result.errors + result.warnings > 0) await vscode.commands.executeCommand('workbench.actions.view.problems');
    }),

    vscode.commands.registerCommand('armscope.decodeValue', async () => {
      const editor = activeScenario();
      if (!editor) return;
      const params: DecodeParams = {
        uri: editor.document.uri.toString(),
        position: { line: editor.selection.active.line, character: editor.selection.active.character },
      };
      if (!editor.selection.isEmpty) params.text = editor.document.getText(editor.selection);
      let result = await client.sendRequest<DecodeResult>(DECODE_REQUEST, params);
      if (result.kind === 'need-register') {
        const names = await client.sendRequest<string[]>(REGISTERS_REQUEST, {});
        const register = await vscode.window.showQuickPick(names, { placeHolder: `Decode ${result.value} as which register?` });
        if (!register) return;
        result = await client.sendRequest<DecodeResult>(DECODE_REQUEST, { ...params, register });
      }
      if (result.kind === 'error') {
        void vscode.window.showWarningMessage(`Armscope: ${result.message}`);
        return;
      }
      if (result.kind !== 'decoded') return;
      const uri = vscode.Uri.from({ scheme: DECODE_SCHEME, path: `/${result.register}.md` });
      decoded.set(uri.path, result.markdown);
      changed.fire(uri);
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    }),
  );
  return output;
}
