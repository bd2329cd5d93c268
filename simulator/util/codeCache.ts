/**
 * Run a CommonJS bundle with V8's code cache, so a start-up does not parse
 * and compile again what the previous run of the same bundle and command
 * compiled (Node 20 has no `module.enableCompileCache`). Used by the CLI's
 * launcher (simulator/cli/start.ts, dist/cli.js → dist/cli-main.js) and by
 * the explore worker's (simulator/explore/workerStart.ts,
 * dist/explore-worker.js → dist/explore-worker-main.js): one mechanism for
 * both.
 *
 * The cache is one file per command (`explore`, `check`, …, and
 * `explore-worker`) for the bundle as built (its size and modification time,
 * the Node version and architecture), in a directory per bundle (its path)
 * under `armscope-compile-cache` in the temporary directory; files of another
 * build are deleted when one is written (docs/limits.md). V8 checks what it
 * is given and rejects a cache made by another V8 or with other flags: then
 * the code compiles as without one and the cache is written again — when the
 * process (or the worker thread) exits, so that it holds what the run
 * compiled, not only the top level. Every failure to read or write it is
 * silent: it only makes start-up slower. `ARMSCOPE_COMPILE_CACHE=off` turns
 * it off.
 *
 * Imports nothing of the simulator: the launchers that use it bundle to a few lines.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** The CommonJS wrapper Node puts around a module (node:module `Module.wrap`). */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/** A 64-bit FNV-1a hash of `text` as 16 hex digits: a name, not a check (V8 checks the cache itself); node:crypto costs start-up. */
function hash(text: string): string {
  let h = 0xcbf2_9ce4_8422_2325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100_0000_01b3n) & 0xffff_ffff_ffff_ffffn;
  return h.toString(16).padStart(16, '0');
}

/** The cache's directory for this bundle, its file for this build and command, and the prefix every file of this build has. */
function cacheName(bundle: string, command: string | undefined): { dir: string; prefix: string; file: string } {
  const s = statSync(bundle);
  const build = hash(`${s.size}|${s.mtimeMs}|${process.version}|${process.arch}`);
  const cmd = command !== undefined && /^[a-z0-9-]{1,32}$/.test(command) ? command : 'other';
  return { dir: join(tmpdir(), 'armscope-compile-cache', hash(bundle)), prefix: `${build}-`, file: `${build}-${cmd}.bin` };
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Write the cache (a temporary file renamed into place: another process may read it meanwhile) and delete other builds' files. */
function writeCache(dir: string, prefix: string, file: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, file));
    for (const f of readdirSync(dir)) if (!f.startsWith(prefix) && f.endsWith('.bin')) unlinkSync(join(dir, f));
  } catch {
    // A cache not written: the next start-up compiles as this one did.
  }
}

/**
 * Run `bundle` (a CommonJS file) as a module, with the code cache of `command`
 * (undefined or not a plain word: `other`). In a worker thread the cache is
 * written when the thread exits by itself (a terminated thread writes none).
 */
export function runWithCodeCache(bundle: string, command: string | undefined): void {
  const source = readFileSync(bundle, 'utf8');
  const name = process.env.ARMSCOPE_COMPILE_CACHE !== 'off' ? cacheName(bundle, command) : undefined;
  const cachedData = name !== undefined ? readCache(join(name.dir, name.file)) : undefined;
  const script = new Script(wrap(source), { filename: bundle, cachedData });
  if (name !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    // At exit: the cache then holds what this run compiled (the command's code), not only the top level.
    process.once('exit', () => writeCache(name.dir, name.prefix, name.file, script.createCachedData()));
  }
  const run = script.runInThisContext() as (exports: object, require: NodeRequire, module: { exports: object }, filename: string, dirname: string) => void;
  const module = { exports: {} };
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
