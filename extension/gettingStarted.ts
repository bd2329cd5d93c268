/**
 * Getting started: the walkthrough's commands (package.json
 * `contributes.walkthroughs`, pages in resources/walkthrough/) and
 * "Armscope: New Scenario".
 *
 * - `armscope.openExample [EXAMPLE]`: opens a copy of a bundled example
 *   (default seed 000's bug scenario) from the extension's global storage,
 *   so editing it never changes the extension's own files.
 * - `armscope.newScenario [TEMPLATE_ID]`: a new scenario from a template
 *   (./templates.ts), as a file in the first workspace folder when one is
 *   open (debugging needs a file), else as an untitled document.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SCENARIO_TEMPLATES, type ScenarioTemplate } from './templates';

const DEFAULT_EXAMPLE = 'seed-000/bug-osh-tables.armscope';

/** An example path as `folder/file.armscope` under examples/, or undefined when it is not one. */
function exampleName(arg: unknown): string | undefined {
  const name = arg === undefined ? DEFAULT_EXAMPLE : arg;
  if (typeof name !== 'string' || !/^[\w-]+\/[\w.-]+\.armscope$/.test(name) || name.includes('..')) return undefined;
  return name;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function openExample(context: vscode.ExtensionContext, arg: unknown): Promise<void> {
  const name = exampleName(arg);
  if (!name) {
    void vscode.window.showWarningMessage('Armscope: no such example.');
    return;
  }
  const folder = name.split('/')[0];
  const source = vscode.Uri.joinPath(context.extensionUri, 'examples', folder);
  if (!(await exists(vscode.Uri.joinPath(source, path.basename(name))))) {
    void vscode.window.showWarningMessage(`Armscope: the example ${name} is not bundled with this extension.`);
    return;
  }
  // A private copy: the folder's other scenarios (the fixes) and README come along.
  const declared = (context.extension.packageJSON as { version?: unknown }).version;
  const version = typeof declared === 'string' ? declared : '0';
  const copy = vscode.Uri.joinPath(context.globalStorageUri, `examples-${version}`, folder);
  if (!(await exists(copy))) await vscode.workspace.fs.copy(source, copy, { overwrite: false });
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(copy, path.basename(name)));
  // From the walkthrough (a non-text editor is active) open beside it, so its next steps stay in view.
  const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
  await vscode.window.showTextDocument(doc, { viewColumn: column });
}

async function freeName(folder: vscode.Uri, fileName: string): Promise<vscode.Uri> {
  const ext = path.extname(fileName);
  const stem = fileName.slice(0, fileName.length - ext.length);
  for (let i = 1; i < 1000; i++) {
    const candidate = vscode.Uri.joinPath(folder, i === 1 ? fileName : `${stem}-${i}${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(`no free file name for ${fileName} in ${folder.fsPath}`);
}

async function newScenario(arg: unknown): Promise<void> {
  let template: ScenarioTemplate | undefined = SCENARIO_TEMPLATES.find((t) => t.id === arg);
  if (!template) {
    const picked = await vscode.window.showQuickPick(
      SCENARIO_TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
      { placeHolder: 'Start the new scenario from…', matchOnDetail: true },
    );
    template = picked?.template;
  }
  if (!template) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  let doc: vscode.TextDocument;
  if (folder) {
    const uri = await freeName(folder.uri, template.fileName);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(template.text));
    doc = await vscode.workspace.openTextDocument(uri);
  } else doc = await vscode.workspace.openTextDocument({ language: 'armscope', content: template.text });
  await vscode.window.showTextDocument(doc);
}

export function registerGettingStarted(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('armscope.openExample', (arg?: unknown) => openExample(context, arg)),
    vscode.commands.registerCommand('armscope.newScenario', (arg?: unknown) => newScenario(arg)),
  );
}
