/**
 * Task type `armscope`: runs `armscope check|run FILE` (the bundled CLI,
 * dist/cli.js, under the Node that runs VS Code) with the `$armscope` problem
 * matcher, which reads `path:line:col: severity: message [rule]`.
 */
import * as vscode from 'vscode';

interface ArmscopeTaskDefinition extends vscode.TaskDefinition {
  command: 'check' | 'run';
  file?: string;
}

function makeTask(context: vscode.ExtensionContext, def: ArmscopeTaskDefinition, scope: vscode.TaskScope | vscode.WorkspaceFolder): vscode.Task {
  const cli = context.asAbsolutePath('dist/cli.js');
  const file = def.file ?? '${file}';
  const execution = new vscode.ProcessExecution(process.execPath, [cli, def.command, file], {
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  const task = new vscode.Task(def, scope, `${def.command} ${def.file ?? 'current file'}`, 'armscope', execution, ['$armscope']);
  task.group = def.command === 'check' ? vscode.TaskGroup.Build : vscode.TaskGroup.Test;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent };
  return task;
}

export function registerTasks(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider('armscope', {
      provideTasks: () => {
        const scope = vscode.workspace.workspaceFolders?.[0] ?? vscode.TaskScope.Workspace;
        return [makeTask(context, { type: 'armscope', command: 'check' }, scope), makeTask(context, { type: 'armscope', command: 'run' }, scope)];
      },
      resolveTask: (task) => {
        const def = task.definition as ArmscopeTaskDefinition;
        if (def.command !== 'check' && def.command !== 'run') return undefined;
        return makeTask(context, def, task.scope ?? vscode.TaskScope.Workspace);
      },
    }),
  );
}
