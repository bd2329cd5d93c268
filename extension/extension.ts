/**
 * Armscope VS Code extension entry: language client, commands and the task
 * provider. Debugging glue and getting started (walkthrough commands, New
 * Scenario) live in their own modules and are registered here too.
 */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { registerDebug } from './debug';
import { registerExplore } from './explore';
import { registerGettingStarted } from './gettingStarted';
import { createLanguageClient } from './languageClient';
import { registerTasks } from './tasks';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createLanguageClient(context);
  registerExplore(context, client, registerCommands(context, client));
  registerTasks(context);
  registerDebug(context);
  registerGettingStarted(context);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
