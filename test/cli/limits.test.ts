/**
 * The CLI refuses what it cannot read safely and what it does not understand
 * (issue #10 item 15), and bounds runs in time (item 16): one line on stderr,
 * exit 2, never a stack trace, a hang or a heap exhaustion. The FIFO case runs
 * the built CLI as a process with a hang guard of many seconds (before the fix
 * it blocked forever).
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_SCENARIO_CHARS } from '../../simulator/scenario/limits';
import { repoRoot } from '../engine/helpers';
import { cli, PASSING, scenarioFile as file, tmp } from './helpers';

function assertOneLine(r: { code: number; err: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.err.split('\n').length, 1, r.err);
  assert.match(r.err, pattern);
}

describe('cli limits: inputs it refuses (issue #10 item 15)', function () {
  this.timeout(60_000);

  it('a 50 MB scenario is refused from its size, before reading it', () => {
    const p = join(tmp, 'huge.armscope');
    const fd = openSync(p, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024); // sparse: no 50 MB written
    closeSync(fd);
    assertOneLine(cli(['check', p]), /^armscope: .*huge\.armscope: 52,428,800 bytes: armscope reads scenario files of at most 4 MiB$/);
    assertOneLine(cli(['run', p]), /huge\.armscope: 52,428,800 bytes/);
  });

  it('one byte over the limit is refused; exactly the limit is read', () => {
    const over = file('over.armscope', '/'.repeat(2) + ' '.repeat(MAX_SCENARIO_CHARS - 1));
    assertOneLine(cli(['check', over]), /4,194,305 bytes: armscope reads scenario files of at most 4 MiB$/);
    const at = file('at.armscope', '//' + ' '.repeat(MAX_SCENARIO_CHARS - 2));
    const r = cli(['check', at]);
    assert.equal(r.code, 0, r.err);
  });

  it('/dev/zero, a directory and a FIFO are not scenario files', function () {
    assertOneLine(cli(['check', '/dev/zero']), /^armscope: \/dev\/zero: is a character device, not a scenario file$/);
    assertOneLine(cli(['run', tmp]), /: is a directory, not a scenario file$/);
    const fifo = join(tmp, 'pipe.armscope');
    const mk = spawnSync('mkfifo', [fifo]);
    if (mk.status !== 0) this.skip();
    assertOneLine(cli(['run', fifo]), /pipe\.armscope: is a FIFO, not a scenario file$/);
  });

  it('the built CLI returns at once on a FIFO nobody writes to (hang guard 20 s)', function () {
    const fifo = join(tmp, 'pipe2.armscope');
    if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip();
    const r = spawnSync(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), 'run', fifo], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'armscope run blocked on the FIFO');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is a FIFO, not a scenario file\n$/);
  });

  it('a dangling symlink: one line naming it; in `demo DIR` one ERROR line and the other scenarios still run', () => {
    const dir = join(tmp, 'demo');
    mkdirSync(dir);
    file('demo/a-good.armscope', PASSING);
    symlinkSync(join(dir, 'missing-target.armscope'), join(dir, 'b-dangling.armscope'));
    assertOneLine(cli(['check', join(dir, 'b-dangling.armscope')]), /b-dangling\.armscope: dangling symbolic link$/);
    const r = cli(['demo', dir], tmp);
    assert.equal(r.code, 2);
    assert.match(r.out, /^PASS {2}demo\/a-good\.armscope — tiny$/m);
    assert.match(r.out, /^ERROR demo\/b-dangling\.armscope: dangling symbolic link$/m);
    assert.doesNotMatch(r.out + r.err, /internal error|ENOENT/);
  });

  it('check goes on past an unreadable file and exits 2', () => {
    const next = file('next.armscope', PASSING.replace('entry start', 'entry nowhere'));
    const r = cli(['check', join(tmp, 'nope.armscope'), next]);
    assert.equal(r.code, 2);
    assert.match(r.err, /nope\.armscope: no such file$/);
    // The file after it was still checked.
    assert.match(r.out, /next\.armscope:8:\d+: error: .*nowhere/);
  });
});

describe('cli limits: output', function () {
  this.timeout(60_000);

  it('a reader that closes the pipe early (`| head -1`) ends the CLI quietly, without a stack trace', async () => {
    const many = file('many.armscope', Array(3000).fill('system { pes 1 }').join('\n'));
    const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), 'check', many], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.equal(stderr, '');
    assert.ok(status === 0 || status === 2, `exit status ${status}`);
  });
});

describe('cli limits: options (issue #10 item 15)', () => {
  it('unknown and malformed options are errors, not files or silent switches', () => {
    const f = file('opts.armscope', PASSING);
    assertOneLine(cli(['run', f, '--json=false']), /^armscope: option '--json' takes no value \(write '--json' alone\)$/);
    assertOneLine(cli(['run', '-x', f]), /^armscope: unknown option '-x'; this command takes --json, .* \(to name a file that starts with '-', put '--' before it\)$/);
    assertOneLine(cli(['check', '-x']), /^armscope: unknown option '-x'; this command takes no options/);
    assertOneLine(cli(['decode', 'ESR_EL2', '0x1', '--jsn']), /^armscope: unknown option '--jsn'; this command takes --json$/);
    assertOneLine(cli(['demo', '--timeout=0']), /^armscope: --timeout: '0' is not a number from 1 to 3,600$/);
    assertOneLine(cli(['run', f, '--max-steps', '100000001']), /^armscope: --max-steps: '100000001' is not a number from 1 to 100,000,000$/);
    assertOneLine(cli(['run', f, '--seed', '\u0007'.repeat(100)]), /^armscope: --seed: '(\\x07){37}…' is not a number/);
  });

  it("'--' ends the options: a file named like an option can be checked", () => {
    file('-odd.armscope', PASSING);
    const r = cli(['check', '--', '-odd.armscope'], tmp);
    assert.equal(r.code, 0, r.err);
  });

  it('a path too long for the file system is one line, not an internal error (found by the fuzzer)', () => {
    const long = '9'.repeat(300);
    assertOneLine(cli(['demo', long]), new RegExp(`^armscope: demo: 9{300}: cannot read \\(ENAMETOOLONG\\)$`));
    assertOneLine(cli(['check', long]), /: cannot read \(ENAMETOOLONG\)$/);
  });

  it('a number too long for any register is refused before it becomes a BigInt', () => {
    assertOneLine(cli(['decode', 'ESR_EL2', '9'.repeat(100_000)]), /^armscope: decode: '9{37}…' is not a number/);
  });
});

describe('cli limits: run bounded in time (issue #10 item 16)', function () {
  this.timeout(60_000);

  it('`run --timeout 1` stops a run that would take minutes and says which bound stopped it', () => {
    // A load and a clean to PoC per iteration with the cache model on: 10^8 steps take minutes on any
    // machine this runs on, so the 1 s bound is what stops it (a bare `b .` loop can finish 10^8 steps
    // in under a second once the block engine compiles it).
    const body = '    adr   x0, start\n    ldr   x2, [x0]\n    dc    civac, x0\n    b     start\n';
    const loop = file('forever.armscope', PASSING.replace('    hlt   #0\n', body).replace('system {\n', 'system {\n  max_steps 100000000\n  cache_model on\n'));
    const r = cli(['run', loop, '--timeout', '1', '--json']);
    // Stopped by the bound, not halted: 'halted pe 0' fails.
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out) as { stopKind: string; stopReason: string; steps: number };
    assert.equal(j.stopKind, 'timeout');
    assert.equal(j.stopReason, 'stopped: wall-clock timeout of 1 s reached');
    assert.ok(j.steps < 100_000_000);
  });

  it('usage names the limits', () => {
    assert.match(cli(['help']).out, /limits: scenario files up to 4 MiB, --max-steps up to 100,000,000, --timeout up to 3,600 \(default 60\) seconds per scenario/);
  });
});
