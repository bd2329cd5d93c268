/**
 * Starts the Armscope language server (dist/language-server.js, stdio) and the
 * language client that talks to it.
 */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'language-server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'armscope' }],
    synchronize: { configurationSection: 'armscope' },
  };
  return new LanguageClient('armscope', 'Armscope Language Server', serverOptions, clientOptions);
}
