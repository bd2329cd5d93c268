/**
 * dist/cli.js, the launcher (simulator/cli/start.ts): it runs the CLI bundle
 * with V8's code cache — one file per command, written by the first run,
 * accepted by the next, never changing what a command prints or returns —
 * and dist/explore-worker.js, the explore worker's launcher
 * (simulator/explore/workerStart.ts), with the same mechanism.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../engine/helpers';
import { CORPUS } from '../litmus/helpers';
import { fourPeText } from '../explore/scenarios';

/** Run dist/cli.js with TMPDIR `dir` (where the cache goes) and the environment additions `env`. */
function armscope(args: string[], dir: string, env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The cache files under `dir` (armscope-compile-cache/INSTALLATION/BUILD-COMMAND.bin). */
function cacheFiles(dir: string): string[] {
  const root = join(dir, 'armscope-compile-cache');
  let installs: string[];
  try {
    installs = readdirSync(root);
  } catch {
    return [];
  }
  return installs.flatMap((i) => readdirSync(join(root, i)).map((f) => f.replace(/^[0-9a-f]{16}-/, '')));
}

const withoutTime = (text: string): string => text.replace(/^Time .*$/m, 'Time');

/** The report without its timing line. */
const withoutSearched = (text: string): string => text.replace(/^searched: .*$/m, 'searched');

describe('armscope launcher (dist/cli.js): V8 code cache', function () {
  it('writes one cache file per command and prints the same result and exit code with it (CoRR: No, exit 1)', function () {
    const dir = mkdtempSync(join(tmpdir(), 'armscope-start-'));
    const file = join(CORPUS, 'CoRR.litmus');
    const first = armscope(['explore', file], dir);
    assert.equal(first.code, 1, first.err);
    assert.match(first.out, /^Test CoRR Allowed\nStates 3\n/);
    assert.deepEqual(cacheFiles(dir), ['explore.bin']);
    const second = armscope(['explore', file], dir);
    assert.equal(second.code, 1, second.err);
    assert.equal(withoutTime(second.out), withoutTime(first.out));
    assert.equal(second.err, '');
    armscope(['help'], dir);
    assert.deepEqual(cacheFiles(dir).sort(), ['explore.bin', 'help.bin']);
  });

  it('writes nothing with ARMSCOPE_COMPILE_CACHE=off', function () {
    const dir = mkdtempSync(join(tmpdir(), 'armscope-start-'));
    const r = armscope(['explore', join(CORPUS, 'CoRR.litmus')], dir, { ARMSCOPE_COMPILE_CACHE: 'off' });
    assert.equal(r.code, 1, r.err);
    assert.deepEqual(cacheFiles(dir), []);
  });

  it('the explore worker (dist/explore-worker.js) writes its own cache file when it ends, and a run with it reports the same', function () {
    const dir = mkdtempSync(join(tmpdir(), 'armscope-start-'));
    const file = join(dir, 'four.armscope');
    writeFileSync(file, fourPeText(4));
    const args = ['explore', file, '--jobs', '2', '--witness-dir', join(dir, 'w')];
    const first = armscope(args, dir);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /; 2 job\(s\)\nsearched: 20,736 states/);
    assert.deepEqual(cacheFiles(dir).sort(), ['explore-worker.bin', 'explore.bin']);
    const second = armscope(args, dir);
    assert.equal(second.code, 0, second.err);
    assert.equal(withoutSearched(second.out), withoutSearched(first.out));
    const off = mkdtempSync(join(tmpdir(), 'armscope-start-'));
    assert.equal(armscope(args, off, { ARMSCOPE_COMPILE_CACHE: 'off' }).code, 0);
    assert.deepEqual(cacheFiles(off), []);
  });

  it('every bundle in dist/ is ASCII (build.mjs escapes what esbuild keeps in comments: V8 then holds a one-byte source)', function () {
    const dist = join(repoRoot(), 'dist');
    const bundles = readdirSync(dist).filter((f) => f.endsWith('.js'));
    assert.ok(bundles.includes('cli-main.js') && bundles.includes('explore-worker-main.js'), bundles.join(' '));
    // The sources do have characters outside ASCII in comments (an arrow, a dash): the bundle keeps them escaped.
    assert.match(readFileSync(join(repoRoot(), 'simulator', 'litmus', 'herdFormat.ts'), 'utf8') + readFileSync(join(repoRoot(), 'simulator', 'engine', 'promising.ts'), 'utf8'), /[\u0080-\uffff]/);
    for (const b of bundles) {
      const text = readFileSync(join(dist, b), 'utf8');
      const at = text.search(/[\u0080-\uffff]/);
      assert.equal(at, -1, `${b}: a character outside ASCII at offset ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`);
    }
  });
});
