/**
 * Issue #9 item 8: CI cannot go green without the end-to-end and differential
 * tests. `.ci/run` stops when the Debian install or the code-server set-up
 * fails and runs `npm test` with CI=true; under CI=true a missing test
 * prerequisite fails the test (test/prerequisites.ts), elsewhere it skips
 * with the reason. `.ci/run` runs here in a scratch copy of the repository
 * layout with stub `apt-get`, `npm` and set-up script that log their calls.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inCi, requirePrerequisite } from '../prerequisites';

interface Outcome {
  status: number | null;
  stderr: string;
  calls: string[];
}

function runCi(opts: { apt: number; setup: number; env?: Record<string, string> }): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-ci-'));
  try {
    const bin = path.join(dir, 'bin');
    const log = path.join(dir, 'calls.log');
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(dir, 'repo', '.ci'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'repo', 'test', 'e2e'), { recursive: true });
    fs.copyFileSync(path.resolve('.ci', 'run'), path.join(dir, 'repo', '.ci', 'run'));
    const stub = (name: string, status: number, extra = '') => {
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $* CI=$CI${extra}" >> ${log}\nexit ${status}\n`, { mode: 0o755 });
    };
    stub('apt-get', opts.apt);
    stub('npm', 0);
    fs.writeFileSync(path.join(dir, 'repo', 'test', 'e2e', 'setup.sh'), `echo "setup.sh" >> ${log}\nexit ${opts.setup}\n`);
    const r = spawnSync('bash', [path.join(dir, 'repo', '.ci', 'run')], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ...opts.env },
      timeout: 30_000,
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    return { status: r.status, stderr: r.stderr, calls };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('CI: .ci/run and test prerequisites', function () {
  this.timeout(60_000);

  it('installs qemu-system-arm and the e2e packages, sets up code-server and runs the lint (ESLint + dependency-cruiser) and npm test with CI=true', () => {
    const r = runCi({ apt: 0, setup: 0 });
    assert.equal(r.status, 0, r.stderr);
    const install = r.calls.find((c) => c.startsWith('apt-get install'));
    assert.ok(install, r.calls.join('\n'));
    for (const pkg of ['qemu-system-arm', 'qemu-user', 'binutils-aarch64-linux-gnu', 'chromium', 'ripgrep', 'neovim']) assert.match(install, new RegExp(`\\b${pkg}\\b`));
    assert.deepEqual(
      r.calls.filter((c) => !c.startsWith('apt-get')),
      ['npm ci --no-audit --no-fund CI=true', 'setup.sh', 'npm run lint CI=true', 'npm test CI=true'],
    );
  });

  it('stops when the Debian install fails: no npm, no tests', () => {
    const r = runCi({ apt: 100, setup: 0 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /installing the Debian packages failed/);
    assert.ok(!r.calls.some((c) => c.startsWith('npm')), r.calls.join('\n'));
  });

  it('stops when the code-server set-up fails: no tests', () => {
    const r = runCi({ apt: 0, setup: 1 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /code-server set-up for the end-to-end tests failed/);
    assert.ok(!r.calls.includes('npm test CI=true'), r.calls.join('\n'));
  });

  it('keeps a CI value the environment already sets', () => {
    const r = runCi({ apt: 0, setup: 0, env: { CI: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.calls.includes('npm test CI=1'), r.calls.join('\n'));
  });

  it('a missing prerequisite skips with its reason for a developer, and fails in CI', () => {
    let skipped = 0;
    const ctx = { skip: (): never => { skipped++; throw new Error('skip'); } };
    assert.throws(() => requirePrerequisite(ctx, 'code-server is not installed', { env: {} }), /skip/);
    assert.equal(skipped, 1);
    assert.throws(
      () => requirePrerequisite(ctx, 'code-server is not installed', { what: 'the e2e tests', env: { CI: 'true' } }),
      /CI=true requires the e2e tests to run: code-server is not installed/,
    );
    assert.equal(skipped, 1);
    requirePrerequisite(ctx, undefined, { env: { CI: 'true' } });
    assert.equal(inCi({ CI: 'false' }), false);
    assert.equal(inCi({ CI: 'TRUE' }), true);
  });
});
