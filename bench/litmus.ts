/**
 * Litmus front-end figures: per test, the time to read and check it
 * (`readLitmus`), to generate its scenario (`litmusToScenario`) and to parse
 * that scenario (`parseScenario`, every layer's passes) — the work every
 * `armscope explore FILE.litmus` does before it explores. With herd7 given,
 * herd7's own time per test (one process per test) and for the whole
 * directory (one process) side by side.
 *
 * The explored verdict and its agreement with `kinds.txt` join these figures
 * once `armscope explore` and the memory model are on main (docs/litmus.md,
 * "Agreement with herd7").
 *
 * `bench/run.ts` prints the summary for the project's corpus
 * (`test/litmus/corpus`); `node out/bench/litmus-agreement.js DIR` prints the
 * table for any directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseScenario } from '../simulator';
import { litmusToScenario, readLitmus } from '../simulator/litmus';

export interface LitmusBenchRow {
  file: string;
  /** kinds.txt's verdict, if the directory has one. */
  kind?: string;
  /** Why the test is not run (every refusal, with its line), or undefined when it is supported. */
  refused?: string[];
  /** Read + check, generate, parse the scenario: seconds, best of `repeat`. */
  seconds: number;
  /** herd7's time for this test alone (one process), when herd7 was given. */
  herdSeconds?: number;
}

export interface LitmusBench {
  dir: string;
  rows: LitmusBenchRow[];
  /** herd7 on every test of the directory in one process. */
  herdAllSeconds?: number;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** kinds.txt: `NAME Verdict` lines. */
export function readKinds(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const p = join(dir, 'kinds.txt');
  if (!existsSync(p)) return out;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    const m = /^(\S+)\s+(\S+)/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** The herd7 library directory next to a dune-built herd.exe (`_build/default/herd/herd.exe` → `herd/libdir`). */
export function herdLibdir(herd: string): string | undefined {
  const m = /^(.*)\/_build\/default\/herd\/herd\.exe$/.exec(herd);
  const dir = m ? join(m[1], 'herd', 'libdir') : join(dirname(herd), 'libdir');
  return existsSync(dir) ? dir : undefined;
}

function herdRun(herd: string, files: string[]): number | undefined {
  const lib = herdLibdir(herd);
  const start = now();
  const r = spawnSync(herd, [...(lib !== undefined ? ['-set-libdir', lib] : []), ...files], { encoding: 'utf8' });
  const seconds = now() - start;
  return r.status === 0 ? seconds : undefined;
}

/** One pass over `dir`'s `.litmus` files (sorted), each timed best of `repeat`. */
export function runLitmusBench(dir: string, options: { herd?: string; repeat?: number } = {}): LitmusBench {
  const kinds = readKinds(dir);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.litmus'))
    .sort();
  const repeat = options.repeat ?? 5;
  const rows: LitmusBenchRow[] = [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const row: LitmusBenchRow = { file, seconds: Infinity };
    const kind = kinds.get(file.replace(/\.litmus$/, ''));
    if (kind !== undefined) row.kind = kind;
    for (let i = 0; i < repeat; i++) {
      const start = now();
      const r = readLitmus(text, file);
      if (r.test === undefined) {
        row.refused = r.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.col + 1} ${d.message}`);
      } else {
        parseScenario(litmusToScenario(r.test, file).text, file.replace(/\.litmus$/, '.armscope'));
      }
      row.seconds = Math.min(row.seconds, now() - start);
    }
    if (options.herd !== undefined && row.refused === undefined) row.herdSeconds = herdRun(options.herd, [join(dir, file)]);
    rows.push(row);
  }
  const out: LitmusBench = { dir, rows };
  if (options.herd !== undefined) {
    const supported = rows.filter((r) => r.refused === undefined).map((r) => join(dir, r.file));
    if (supported.length > 0) out.herdAllSeconds = herdRun(options.herd, supported);
  }
  return out;
}

const ms = (s: number): string => `${(s * 1000).toFixed(2)} ms`;

/** The summary `npm run bench` prints: tests read, refused, and the per-test front-end time. */
export function formatLitmusSummary(b: LitmusBench): string {
  const run = b.rows.filter((r) => r.refused === undefined);
  const total = run.reduce((a, r) => a + r.seconds, 0);
  const worst = run.reduce((a, r) => Math.max(a, r.seconds), 0);
  const lines = [
    `${b.dir}: ${b.rows.length} tests, ${run.length} supported, ${b.rows.length - run.length} refused`,
    `read + check + litmus2scenario + parse: ${ms(total / Math.max(1, run.length))} per test on average, ${ms(worst)} at most, ${ms(total)} for all`,
  ];
  const herd = run.filter((r) => r.herdSeconds !== undefined);
  if (herd.length > 0) {
    const h = herd.reduce((a, r) => a + r.herdSeconds!, 0);
    lines.push(`herd7: ${ms(h / herd.length)} per test (one process each), ${ms(h)} for all; ${b.herdAllSeconds !== undefined ? `${ms(b.herdAllSeconds)} in one process` : 'one process: failed'}`);
  }
  return lines.join('\n');
}

/** The per-test table of the agreement script. */
export function formatLitmusTable(b: LitmusBench): string {
  const width = Math.max(4, ...b.rows.map((r) => r.file.length));
  const out = [`${'test'.padEnd(width)}  ${'kinds.txt'.padEnd(9)}  ${'front end'.padStart(10)}${b.rows.some((r) => r.herdSeconds !== undefined) ? `  ${'herd7'.padStart(10)}` : ''}  status`];
  for (const r of b.rows) {
    const herd = r.herdSeconds !== undefined ? `  ${ms(r.herdSeconds).padStart(10)}` : b.rows.some((x) => x.herdSeconds !== undefined) ? `  ${''.padStart(10)}` : '';
    const status = r.refused === undefined ? 'supported' : `refused: ${r.refused.join('; ')}`;
    out.push(`${r.file.padEnd(width)}  ${(r.kind ?? '').padEnd(9)}  ${ms(r.seconds).padStart(10)}${herd}  ${status}`);
  }
  return out.join('\n');
}
