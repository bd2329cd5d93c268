/**
 * Entry point of dist/language-server.js: `node dist/language-server.js --stdio`
 * (the transport is chosen by vscode-languageserver from the command line).
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
// A bug in a feature must cost one request, never the server: log it and go on.
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
process.on('uncaughtException', (error) => connection.console.error(`uncaught exception: ${error.stack ?? String(error)}`));
startServer(connection);
