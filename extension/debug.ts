/**
 * Debugging glue: the `armscope` debugger runs inline in the extension host
 * (vscode.DebugAdapterInlineImplementation around the same session class
 * dist/debug-adapter.js runs over stdio), F5 on a scenario without a
 * launch.json, and the debugging views (cache-line timeline, page tables).
 */
import * as vscode from 'vscode';
import { ArmscopeDebugSession } from '../debug-adapter/session';
import { targetScenario } from './commands';
import { registerDebugViews } from './views/register';

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: 'armscope', request: 'launch', name: 'Debug scenario', program: '${file}', stopOnEntry: false }];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    // F5 without a launch.json: debug the active scenario.
    if (!config.type && !config.request && !config.name) {
      const editor = targetScenario();
      if (editor) {
        config.type = 'armscope';
        config.name = 'Debug scenario';
        config.request = 'launch';
        config.program = editor.document.uri.fsPath;
      }
    }
    if (!config.program) {
      const editor = targetScenario();
      if (editor) config.program = editor.document.uri.fsPath;
      else {
        void vscode.window.showErrorMessage('Armscope: open a .armscope scenario (or set "program" in launch.json) to debug it.');
        return undefined;
      }
    }
    const untitled = vscode.workspace.textDocuments.find((d) => d.isUntitled && d.uri.fsPath === config.program);
    if (untitled) {
      void vscode.window.showErrorMessage('Armscope: save the scenario to a file to debug it.');
      return undefined;
    }
    const settings = vscode.workspace.getConfiguration('armscope', folder?.uri);
    // A witness fixes the cache model (the adapter refuses `replay` with `cacheModel`).
    if (config.cacheModel === undefined && config.replay === undefined) config.cacheModel = settings.get<string>('cacheModel', 'scenario');
    return config;
  }
}

class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    // ArmscopeDebugSession implements vscode.DebugAdapter (onDidSendMessage/handleMessage).
    return new vscode.DebugAdapterInlineImplementation(new ArmscopeDebugSession());
  }
}

export function registerDebug(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider('armscope', new ConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory('armscope', new InlineAdapterFactory()),
    vscode.commands.registerCommand('armscope.debug', async (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : targetScenario()?.document.uri;
      if (!target) return;
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(target), {
        type: 'armscope',
        request: 'launch',
        name: 'Debug scenario',
        program: target.fsPath,
        stopOnEntry: false,
      });
    }),
  );
  registerDebugViews(context);
}
