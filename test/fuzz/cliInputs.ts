/**
 * Hostile command lines for `armscope` (issue #10 item 15), shared by the
 * fuzz test in `npm test` (cli.test.ts) and the `npm run fuzz` campaign
 * (cli.campaign.ts): commands, known options with good and bad values,
 * malformed and unknown options, and files of every awkward kind — oversized,
 * sparse, binary, a FIFO, /dev/zero, a dangling link, a directory, a demo
 * directory mixing them.
 *
 * `checkCliArgs` is the oracle for one in-process call: an exit code of 0, 1
 * or 2, no internal error, no stack trace, and every stderr line either an
 * `armscope: …` message or a `file:line:col: severity: …` diagnostic.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../simulator/cli/commands';
import { MAX_SCENARIO_CHARS } from '../../simulator/scenario/limits';
import { hugeNumber } from './scenarioInputs';

/** Scenarios that finish within a few hundred steps whatever `--max-steps` says. */
const VALID = `system {
  memory ram at 0x8000_0000 size 0x1000
  max_steps 500
}
pe 0 { entry start }
code at 0x8000_0000 {
start:
    mov   x1, #3
    hlt   #0
}
expect { pe 0 x1 == 3 }
`;

/** The fixture files, created once per process; `cwd` of every in-process call. */
export interface CliFixtures {
  dir: string;
  files: string[];
}

let fixtures: CliFixtures | undefined;

export function cliFixtures(): CliFixtures {
  if (fixtures) return fixtures;
  const dir = mkdtempSync(join(tmpdir(), 'armscope-cli-fuzz-'));
  const put = (name: string, text: string | Buffer): string => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const files = [
    put('valid.armscope', VALID),
    put('failing.armscope', VALID.replace('x1 == 3', 'x1 == 4')),
    put('errors.armscope', VALID.replace('entry start', 'entry nowhere')),
    put('empty.armscope', ''),
    put('binary.armscope', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff))),
    put('commas.armscope', `code at 0x8000_0000 { start: nop ${','.repeat(50_000)} }`),
    put('over.armscope', ' '.repeat(MAX_SCENARIO_CHARS + 1)),
    put('-dash.armscope', VALID),
    'missing.armscope',
    '/dev/zero',
    '/dev/null',
    '.',
    'demo',
  ];
  const sparse = openSync(join(dir, 'sparse.armscope'), 'w');
  ftruncateSync(sparse, 50 * 1024 * 1024);
  closeSync(sparse);
  files.push('sparse.armscope');
  symlinkSync(join(dir, 'no-such-target'), join(dir, 'dangling.armscope'));
  symlinkSync('/dev/zero', join(dir, 'zero-link.armscope'));
  files.push('dangling.armscope', 'zero-link.armscope');
  if (spawnSync('mkfifo', [join(dir, 'fifo.armscope')]).status === 0) files.push('fifo.armscope');
  mkdirSync(join(dir, 'demo'));
  writeFileSync(join(dir, 'demo', 'a.armscope'), VALID);
  writeFileSync(join(dir, 'demo', 'b.armscope'), VALID.replace('entry start', 'entry nowhere'));
  symlinkSync(join(dir, 'gone'), join(dir, 'demo', 'c.armscope'));
  if (existsSync(join(dir, 'fifo.armscope'))) symlinkSync(join(dir, 'fifo.armscope'), join(dir, 'demo', 'd.armscope'));
  fixtures = { dir, files };
  return fixtures;
}

/** One argument: a file, an option, an option value, or noise. */
function argument(files: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...files) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        '--json', '--json=false', '--json=', '--max-steps', '--max-steps=0', '--max-steps=100000001', '--seed', '--seed=-1',
        '--cache-model', '--cache-model=maybe', 'on', 'off', '--speculation', 'adversarial', '--timeout', '--timeout=0', '--timeout=1',
        '--timeout=3601', '-x', '-', '--', '--=', '---', '-json', '--help', 'ESR_EL2', 'hcr_el2', 'SCTLR_EL1', 'NOPE_EL9', '0x9200_0007', '0x1_0000_0000_0000_0000', '-1',
      ),
    },
    { weight: 2, arbitrary: fc.oneof(fc.nat().map(String), hugeNumber) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 100_000 }).map((n) => '9'.repeat(n)) },
  );
}

/** A whole command line. */
export function cliArgs(files: readonly string[]): fc.Arbitrary<string[]> {
  const cmd = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('run', 'check', 'decode', 'demo') }, { weight: 1, arbitrary: fc.constantFrom('help', '--help', '-h', '', 'frob') });
  return fc.tuple(cmd, fc.array(argument(files), { maxLength: 6 })).map(([c, rest]) => [c, ...rest]);
}

const DIAGNOSTIC_LINE = /^.+:\d+:\d+: (error|warning|info): .+ \[[\w.-]+\]$/;

/** The oracle for one call of `runCli(args)` in the fixture directory. */
export function checkCliArgs(args: string[]): string | undefined {
  const { dir } = cliFixtures();
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    // The commands generated here answer synchronously (only `explore` with worker threads returns a promise).
    code = runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir }) as number;
  } catch (e) {
    return `runCli threw: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (code !== 0 && code !== 1 && code !== 2) return `exit code ${code}`;
  const all = [...out, ...err].join('\n');
  if (/internal error/.test(all)) return `internal error: ${all.split('\n').find((l) => l.includes('internal error'))}`;
  if (/\n\s+at [\w.<>]+ \(/.test(all)) return 'a stack trace in the output';
  for (const block of err) {
    for (const line of block.split('\n')) {
      if (!line.startsWith('armscope: ') && !DIAGNOSTIC_LINE.test(line)) return `stderr line neither 'armscope: …' nor a diagnostic: ${JSON.stringify(line.slice(0, 200))}`;
    }
  }
  if (code === 2 && out.length === 0 && err.length === 0) return 'exit 2 with nothing said';
  return undefined;
}

/** The same command line through the built CLI as a process (hang guard `timeoutMs`): exit status and stderr. */
export function spawnCli(cliJs: string, args: string[], timeoutMs: number): string | undefined {
  const { dir } = cliFixtures();
  const r = spawnSync(process.execPath, [cliJs, ...args], { cwd: dir, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return `hang: no exit within ${timeoutMs / 1000} s`;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.status !== 0 && r.status !== 1 && r.status !== 2) return `exit status ${r.status}: ${r.stderr.slice(0, 300)}`;
  if (/internal error|\n\s+at [\w.<>]+ \(/.test(r.stderr + r.stdout)) return `internal error or stack trace: ${r.stderr.slice(0, 300)}`;
  return undefined;
}
