/**
 * Starts the Armscope language server (dist/language-server.js, stdio) and the
 * language client that talks to it.
 *
 * Settings reach the server through `workspace/configuration`, read with
 * VS Code's own configuration API: in Restricted Mode that API ignores the
 * workspace's values of the settings package.json lists under
 * `restrictedConfigurations` (armscope.maxSteps, liveRun, cacheModel), so an
 * untrusted workspace cannot raise them. When the user grants trust the
 * server is told to read them again.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../language-server/nodeFlags';

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'language-server.js'));
  const serverOptions: ServerOptions = {
    // The server's V8 flags and malloc setting bound its resident memory (language-server/nodeFlags.ts); the client adds `env` to the editor's environment.
    run: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_FLAGS], env: { ...SERVER_ENV } } },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6019'], env: { ...SERVER_ENV } } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'armscope' }],
    synchronize: { configurationSection: 'armscope' },
  };
  const client = new LanguageClient('armscope', 'Armscope Language Server', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client.isRunning()) client.sendNotification(DidChangeConfigurationNotification.type, { settings: null }).catch(() => undefined);
    }),
  );
  return client;
}
