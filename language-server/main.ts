/**
 * Entry point of dist/language-server.js: `node dist/language-server.js --stdio`
 * (the transport is chosen by vscode-languageserver from the command line).
 * The same bundle is the background worker's script (workerPool.ts): on a
 * worker thread it runs jobs instead of a server.
 */
import { isMainThread } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { workerMain } from './backgroundJobs';
import { connectionOptions } from './rpc';
import { startServer } from './server';

if (isMainThread) {
  let warn = (message: string): void => void message;
  const connection = createConnection(ProposedFeatures.all, connectionOptions((m) => warn(m)));
  warn = (m) => connection.console.warn(m);
  // A bug in a feature must cost one request, never the server: log it and go on.
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
  process.on('uncaughtException', (error) => connection.console.error(`uncaught exception: ${error.stack ?? String(error)}`));
  startServer(connection, { workerScript: __filename });
} else {
  workerMain();
}
