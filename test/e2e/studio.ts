/**
 * `npm run studio`: the packaged extension in code-server (the same real VS
 * Code the end-to-end tests use) with examples/ open, on 127.0.0.1 for a
 * person's browser. Ctrl-C stops it. ARMSCOPE_STUDIO_PORT picks the port.
 */
import * as path from 'node:path';
import { ROOT, e2eUnavailable, packageExtension, startCodeServer } from './harness';

async function main(): Promise<void> {
  const missing = e2eUnavailable();
  if (missing && /code-server/.test(missing)) {
    console.error(`studio: ${missing}`);
    process.exit(1);
  }
  console.log('studio: packaging the extension…');
  const vsix = packageExtension();
  const port = Number(process.env.ARMSCOPE_STUDIO_PORT ?? 8090);
  const server = await startCodeServer({
    workspaceFrom: path.join(ROOT, 'examples'),
    inPlace: true,
    extensions: [vsix],
    port,
    settings: { 'debug.openDebug': 'openOnDebugBreak' },
  });
  const url = `${server.url}/?folder=${encodeURIComponent(server.workspace)}`;
  console.log(`studio: Armscope in VS Code at ${url}`);
  console.log('studio: open a scenario (e.g. seed-000/bug-osh-tables.armscope) and press F5; Ctrl-C stops the server.');
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise(() => undefined);
}

void main();
