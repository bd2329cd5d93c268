// Bundles each entry point into dist/ with esbuild. Entry points whose source
// does not exist are reported, not silently skipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
const result = await build({
  entryPoints: present,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  logLevel: 'warning',
  write: false,
});

/**
 * A bundle's text with every character outside ASCII written as a `\u` escape of four hex digits. esbuild escapes them in code
 * (`charset: 'ascii'`, its default) but keeps comments as written, and one arrow or dash in a comment makes V8 hold
 * the whole source as a two-byte string: every start-up then reads, hashes and scans twice the bytes (a per-process
 * `armscope explore MP.litmus` ran 15 % more instructions under callgrind, docs/litmus.md "Speed"). Left only in
 * comments, the escapes change no code.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

for (const f of result.outputFiles) {
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.path.endsWith('.js') ? asciiOnly(f.text) : f.contents);
}
