/**
 * The language server in this process, connected to a JSON-RPC client over
 * in-memory streams: the same `startServer` and connection options as
 * dist/language-server.js (rpc.ts `connectionOptions`), with the server's
 * internals (registered methods, internal-error count, worker pool) readable
 * by the test. The background worker runs out/language-server/main.js.
 */
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { connectionOptions } from '../../language-server/rpc';
import { startServer, type ServerHandle } from '../../language-server/server';

export interface LogEntry {
  type: number;
  message: string;
}

export interface InProcessServer {
  client: MessageConnection;
  server: ServerHandle;
  log: LogEntry[];
  /** `window/showMessage` notifications. */
  shown: LogEntry[];
  /** Diagnostics publications by URI. */
  published: Map<string, { version?: number; diagnostics: unknown[] }[]>;
  stop(): Promise<void>;
}

export async function startInProcess(initializationOptions: Record<string, unknown> = { liveRun: false }): Promise<InProcessServer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  let warn = (m: string): void => void m;
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient), connectionOptions((m) => warn(m)));
  warn = (m) => connection.console.warn(m);
  const server = startServer(connection, { workerScript: path.resolve('out/language-server/main.js') });
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const log: LogEntry[] = [];
  const shown: LogEntry[] = [];
  const published = new Map<string, { version?: number; diagnostics: unknown[] }[]>();
  client.onNotification('window/logMessage', (p: LogEntry) => log.push(p));
  client.onNotification('window/showMessage', (p: LogEntry) => shown.push(p));
  client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: unknown[] }) => {
    const list = published.get(p.uri) ?? [];
    list.push(p);
    published.set(p.uri, list);
  });
  client.onRequest('client/registerCapability', () => null);
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => initializationOptions));
  client.listen();
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions });
  await client.sendNotification('initialized', {});
  return {
    client,
    server,
    log,
    shown,
    published,
    stop: async () => {
      // `shutdown` only (no `exit`: the library ends the process on it).
      await client.sendRequest('shutdown');
      client.dispose();
      connection.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
}
