/**
 * `npm run studio`: the packaged extension in code-server (the same real VS
 * Code the end-to-end tests use) on 127.0.0.1 for a person's browser, with a
 * fresh copy of examples/ in a temporary folder as the workspace — VS Code
 * auto-saves, and examples/ must never change (issue #9 item 13). Ctrl-C
 * stops the server; the copy (and any edits) stays where it was printed.
 * ARMSCOPE_STUDIO_PORT picks the port.
 */
import * as path from 'node:path';
import { ROOT, e2eUnavailable, packageExtension, startCodeServer, type CodeServer } from './harness';

/** Start code-server with `vsix` on a copy of examples/; the URL opens that copy. */
export async function startStudio(opts: { vsix: string; port?: number }): Promise<CodeServer & { folderUrl: string }> {
  const server = await startCodeServer({
    workspaceFrom: path.join(ROOT, 'examples'),
    extensions: [opts.vsix],
    port: opts.port,
    settings: { 'debug.openDebug': 'openOnDebugBreak' },
  });
  return { ...server, folderUrl: `${server.url}/?folder=${encodeURIComponent(server.workspace)}` };
}

async function main(): Promise<void> {
  const missing = e2eUnavailable();
  if (missing && /code-server/.test(missing)) {
    console.error(`studio: ${missing}`);
    process.exit(1);
  }
  console.log('studio: packaging the extension…');
  const vsix = packageExtension();
  const server = await startStudio({ vsix, port: Number(process.env.ARMSCOPE_STUDIO_PORT ?? 8090) });
  console.log(`studio: Armscope in VS Code at ${server.folderUrl}`);
  console.log(`studio: the workspace is a copy of examples/ in ${server.workspace} (examples/ itself is never changed; the copy stays after you stop)`);
  console.log('studio: open a scenario (e.g. seed-000/bug-osh-tables.armscope) and press F5; Ctrl-C stops the server.');
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise(() => undefined);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`studio: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
