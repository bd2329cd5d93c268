/**
 * Armscope against herd7 on the same litmus tests, side by side (issue #14
 * item 7: "on average at least 10× faster than herd7 on the same tests"), in
 * the two ways herd7 is used:
 *
 * - **one process for all tests**: `node dist/cli.js explore F1.litmus … Fn.litmus`
 *   against `herd7 F1.litmus … Fn.litmus`;
 * - **one process per test**: `node dist/cli.js explore F.litmus` against
 *   `herd7 F.litmus`, for every test (start-up included: what a script that
 *   runs one test at a time pays).
 *
 * Figures are CPU time (user + system) of the processes, read with the shell's
 * `times` (the machine is shared: wall time follows its load), interleaved
 * round by round (armscope, then herd7) and the best of `repeat` rounds kept,
 * with the load average before and after. herd7 is not in CI: without it
 * (`ARMSCOPE_HERD=/path/to/herd.exe`, or `--herd`), its figures measured
 * side by side on this machine class are printed (`HERD_REFERENCE`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { HERD_BASE_CATALOGUE as HERD_REFERENCE, herdLibdir } from './litmus';

/** CPU seconds of one command's process tree (`sh -c '"$@"; times'`: the children's user and system time). */
function cpuOf(cmd: string[]): number | undefined {
  const r = spawnSync('sh', ['-c', '"$@" >/dev/null 2>&1; times', 'sh', ...cmd], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  // `times` prints the shell's own times, then its children's: `0m1.220000s 0m0.680000s`.
  const m = /^(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : undefined;
}

/** CPU seconds for all tests in one process and for one process per test. */
export interface SideFigures {
  allInOne: number;
  perProcess: number;
}

export interface SideBySide {
  tests: number;
  armscope: SideFigures;
  /** Measured here (herd7 given), or undefined: the reference figures are printed instead. */
  herd?: SideFigures;
  rounds: number;
  load: [number, number];
}

/** The CLI bundle next to the compiled bench (out/bench → dist/cli.js). */
export function cliBundle(): string {
  return join(__dirname, '..', '..', 'dist', 'cli.js');
}

/** Run both tools on `files` (paths), `repeat` interleaved rounds. `herd`: a herd7 binary, or none (armscope alone). */
export function sideBySide(files: string[], options: { herd?: string; repeat?: number } = {}): SideBySide {
  const cli = cliBundle();
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run \`node build.mjs\` first`);
  const armscope = (f: string[]): string[] => [process.execPath, cli, 'explore', ...f];
  const herd = options.herd;
  const lib = herd !== undefined ? herdLibdir(herd) : undefined;
  const herd7 = (f: string[]): string[] => [herd!, ...(lib !== undefined ? ['-set-libdir', lib] : []), ...f];
  const best = (a: number | undefined, b: number | undefined): number => Math.min(a ?? Infinity, b ?? Infinity);
  const ours: SideFigures = { allInOne: Infinity, perProcess: Infinity };
  const theirs: SideFigures = { allInOne: Infinity, perProcess: Infinity };
  const rounds = options.repeat ?? 1;
  const before = loadavg()[0];
  for (let round = 0; round < rounds; round++) {
    ours.allInOne = best(ours.allInOne, cpuOf(armscope(files)));
    if (herd !== undefined) theirs.allInOne = best(theirs.allInOne, cpuOf(herd7(files)));
    let a = 0;
    let h = 0;
    for (const f of files) {
      a += cpuOf(armscope([f])) ?? NaN;
      if (herd !== undefined) h += cpuOf(herd7([f])) ?? NaN;
    }
    ours.perProcess = best(ours.perProcess, a);
    if (herd !== undefined) theirs.perProcess = best(theirs.perProcess, h);
  }
  return { tests: files.length, armscope: ours, ...(herd !== undefined ? { herd: theirs } : {}), rounds, load: [before, loadavg()[0]] };
}

const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`;

/** Two lines (one process for all, one per test), with herd7's figures live or from the reference. */
export function formatSideBySide(s: SideBySide): string {
  const ref = s.herd === undefined;
  // The reference covers the catalogue's 79 tests: scaled per test when another set was run.
  const herd = s.herd ?? { allInOne: (HERD_REFERENCE.allInOne / HERD_REFERENCE.tests) * s.tests, perProcess: (HERD_REFERENCE.perProcess / HERD_REFERENCE.tests) * s.tests };
  const row = (label: string, ours: number, theirs: number): string =>
    `${label}: armscope ${ms(ours)} (${ms(ours / s.tests)} per test), herd7 ${ms(theirs)} (${ms(theirs / s.tests)} per test${ref ? ', reference' : ''}): herd7 / armscope = ${(theirs / ours).toFixed(2)}× (target ≥ 10×)`;
  return [
    `side by side on ${s.tests} tests, CPU time (user + system), best of ${s.rounds}, load average ${s.load[0].toFixed(1)} → ${s.load[1].toFixed(1)} (2 cores)${ref ? `; herd7 not run (ARMSCOPE_HERD unset): its reference figures, ${ms(HERD_REFERENCE.allInOne)} and ${ms(HERD_REFERENCE.perProcess)} for ${HERD_REFERENCE.tests} tests` : ''}`,
    row('  one process for all tests', s.armscope.allInOne, herd.allInOne),
    row('  one process per test     ', s.armscope.perProcess, herd.perProcess),
  ].join('\n');
}
