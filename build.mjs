// Bundles each entry point into dist/ with esbuild. Entry points whose source
// does not exist are reported, not silently skipped.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  // dist/cli.js is the launcher: it runs dist/cli-main.js (the CLI) with V8's code cache (start.ts).
  { in: 'simulator/cli/start.ts', out: 'cli' },
  { in: 'simulator/cli/main.ts', out: 'cli-main' },
  // dist/explore-worker.js is the explore worker's launcher: it runs dist/explore-worker-main.js with V8's code cache (workerStart.ts).
  { in: 'simulator/explore/workerStart.ts', out: 'explore-worker' },
  { in: 'simulator/explore/worker.ts', out: 'explore-worker-main' },
  { in: 'language-server/main.ts', out: 'language-server' },
  { in: 'debug-adapter/main.ts', out: 'debug-adapter' },
  { in: 'extension/extension.ts', out: 'extension' },
];
const present = entries.filter((e) => existsSync(e.in));
for (const e of entries) if (!existsSync(e.in)) console.warn(`build: ${e.in} does not exist yet; dist/${e.out}.js not built`);
await build({
  entryPoints: present,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  logLevel: 'warning',
});
