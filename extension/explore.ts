/**
 * Explore from the editor (docs/explore.md "In the editor"): the commands
 * behind the language server's code lenses and code actions.
 *
 * - `armscope.explore` (the "Explore" lens, the palette): `armscope/explore`
 *   with a work-done token, shown as a cancellable notification (states,
 *   depth); the verdicts arrive as diagnostics, the report in the Armscope
 *   output.
 * - `armscope.debugWitness` ("Debug this execution"): asks `armscope/witness`
 *   for the witness of that exploration, writes it under the extension's
 *   workspace storage (never into the workspace) and starts the debugger with
 *   `"replay"` (docs/debugging.md "Debugging an explored execution").
 *
 * A result belongs to the text explored: when the document changed while the
 * exploration ran, or since the notification offering "Debug this execution"
 * appeared (VS Code cannot withdraw a notification), the user is told so and
 * offered "Explore again" instead of a stale verdict or witness. A change that
 * keeps the scenario's canonical text (simulator/explore/witness.ts
 * `canonicalScenario`: formatting, as format-on-save makes, spacing, comments)
 * keeps the result: the server carries it over to the new version, and the
 * debugger takes the witness (keyed on the canonical text).
 *
 * No simulator code runs here: the server explores, the debug adapter replays.
 */
import * as vscode from 'vscode';
import { type LanguageClient, WorkDoneProgress } from 'vscode-languageclient/node';
import { targetScenario } from './commands';
import { EXPLORE_REQUEST, type ExploreAnswer, type ExploreParams, WITNESS_REQUEST, type WitnessParams, type WitnessResult } from './protocol';

function isWitnessParams(x: unknown): x is WitnessParams {
  const p = x as Partial<WitnessParams> | null;
  return typeof p === 'object' && p !== null && typeof p.uri === 'string' && Number.isInteger(p.version) && Number.isInteger(p.outcome);
}

/** The open document's version, or undefined when it is not open. */
function versionOf(uri: string): number | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.version;
}

const EXPLORE_AGAIN = 'Explore again';

/** What the user is told when a result belongs to an earlier text of the scenario. */
function changedMessage(when: 'while' | 'since'): string {
  return when === 'while'
    ? 'Armscope: the scenario changed while it was explored, so that result belongs to the earlier text and is not shown. Explore it again?'
    : 'Armscope: the scenario changed since it was explored, so that witness belongs to the earlier text. Explore it again?';
}

export function registerExplore(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.OutputChannel): void {
  let tokens = 0;

  /** Say the result is stale and offer to explore again (never a verdict or witness of another text). */
  const offerAgain = async (uri: string, when: 'while' | 'since'): Promise<void> => {
    const choice = await vscode.window.showWarningMessage(changedMessage(when), EXPLORE_AGAIN);
    if (choice === EXPLORE_AGAIN) await vscode.commands.executeCommand('armscope.explore', uri);
  };

  const debugWitness = async (args: unknown): Promise<void> => {
    if (!isWitnessParams(args)) {
      void vscode.window.showWarningMessage('Armscope: "Debug this execution" is offered on an explored expectation that breaks (run Explore first).');
      return;
    }
    // The server decides whether the exploration still holds for the current text (formatting keeps it).
    const w = await client.sendRequest<WitnessResult>(WITNESS_REQUEST, args);
    if (w.kind === 'error') {
      if (w.stale === true) await offerAgain(args.uri, 'since');
      else void vscode.window.showWarningMessage(`Armscope: ${w.message}`);
      return;
    }
    const uri = vscode.Uri.parse(args.uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
    if (uri.scheme !== 'file' || doc?.isUntitled === true) {
      void vscode.window.showErrorMessage('Armscope: save the scenario to a file to debug it.');
      return;
    }
    // The server checked that the witness belongs to this version of the text: the debugger reads the file.
    if (doc?.isDirty === true && !(await doc.save())) {
      void vscode.window.showErrorMessage('Armscope: the scenario could not be saved; the debugger replays the witness against the file.');
      return;
    }
    const dir = vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'witnesses');
    await vscode.workspace.fs.createDirectory(dir);
    const file = vscode.Uri.joinPath(dir, w.name);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(`${JSON.stringify(w.witness, null, 1)}\n`));
    output.appendLine(`witness #${args.outcome + 1} (${w.choices} choices) written to ${file.fsPath}`);
    await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), {
      type: 'armscope',
      request: 'launch',
      name: `Debug explored execution (${w.name})`,
      program: uri.fsPath,
      replay: file.fsPath,
    });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('armscope.explore', async (arg?: unknown) => {
      const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : targetScenario()?.document.uri;
      if (!uri) {
        void vscode.window.showWarningMessage('Armscope: open a .armscope scenario first.');
        return;
      }
      const token = `armscope-explore-${++tokens}`;
      const params: ExploreParams = { uri: uri.toString(), workDoneToken: token };
      const answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Armscope: exploring every execution', cancellable: true },
        async (progress, cancel) => {
          const sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
            if (v.kind !== 'end' && v.message !== undefined) progress.report({ message: v.message });
          });
          try {
            return await client.sendRequest<ExploreAnswer | null>(EXPLORE_REQUEST, params, cancel);
          } catch (e) {
            if (cancel.isCancellationRequested) return null;
            throw e;
          } finally {
            sub.dispose();
          }
        },
      );
      if (!answer) return;
      const now = versionOf(params.uri);
      if (answer.result !== 'error' && now !== undefined && now !== answer.version) {
        // The server shows no diagnostics of another version: say so rather than "see Problems".
        output.clear();
        output.appendLine(`(the result below is of version ${answer.version} of the scenario; it has changed since)\n${answer.report}`);
        await offerAgain(params.uri, 'while');
        return;
      }
      output.clear();
      output.appendLine(answer.report);
      const first = answer.broken.find((b) => b.outcome !== undefined);
      const bounded = answer.bounds.length > 0 ? ` A bound stopped the search (${answer.bounds.join(', ')}): the verdicts cover the explored executions only.` : '';
      if (answer.result === 'error') {
        void vscode.window.showErrorMessage(`Armscope: ${answer.report.split('\n')[0]}`);
      } else if (answer.result === 'pass') {
        void vscode.window.showInformationMessage(`Armscope: every expectation holds as quantified in all ${answer.outcomes} explored outcome(s) (${answer.states} states).`);
      } else {
        const what = answer.broken.length > 0 ? `${answer.broken.length} expectation(s) break in some execution (see Problems).` : 'no expectation was broken.';
        const choice = await vscode.window.showWarningMessage(`Armscope: ${what}${bounded}`, ...(first ? ['Debug this execution'] : []), 'Show report');
        if (choice === 'Show report') output.show(true);
        if (choice === 'Debug this execution' && first?.outcome !== undefined) await debugWitness({ uri: params.uri, version: answer.version, outcome: first.outcome } satisfies WitnessParams);
      }
    }),
    vscode.commands.registerCommand('armscope.debugWitness', debugWitness),
  );
}
