/**
 * Litmus front-end figures: per test, the time to read and check it
 * (`readLitmus`), to generate its scenario (`litmusToScenario`) and to parse
 * that scenario (`parseScenario`, every layer's passes) — the work every
 * `armscope explore FILE.litmus` does before it explores. With herd7 given,
 * herd7's own time per test (one process per test) and for the whole
 * directory (one process) side by side.
 *
 * Then the whole `armscope explore FILE.litmus` (read, generate, parse,
 * explore, herd7's result), timed once, its verdict, and its agreement with
 * `kinds.txt`: `agree`, `needs-relaxation` (kinds.txt says Allowed, explore
 * says Forbidden: the engine explores sequentially consistent interleavings
 * only until Arm's memory model is in it, so a relaxed outcome is not found),
 * or `DISAGREE` (anything else: a defect).
 *
 * `bench/run.ts` prints the summary for the project's corpus
 * (`test/litmus/corpus`); `node out/bench/litmus-agreement.js DIR` prints the
 * table for any directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseScenario } from '../simulator';
import { Machine } from '../simulator/engine/machine';
import * as machineState from '../simulator/engine/machineState';
import { litmusToScenario, readLitmus } from '../simulator/litmus';
import { exploreLitmus } from '../simulator/litmus/explore';

export interface LitmusBenchRow {
  file: string;
  /** kinds.txt's verdict, if the directory has one. */
  kind?: string;
  /** Why the test is not run (every refusal, with its line), or undefined when it is supported. */
  refused?: string[];
  /** Read + check, generate, parse the scenario: seconds, best of `repeat`. */
  seconds: number;
  /** `armscope explore FILE.litmus` in this process (read to herd7's result), wall seconds, one run. */
  exploreSeconds?: number;
  /** The same run's CPU seconds (user + system: what the machine's load does not inflate). */
  exploreCpu?: number;
  /** Its verdict (Allowed / Forbidden / Required), or `bounded` when a bound stopped the search. */
  verdict?: string;
  /** The verdict against kinds.txt: agree, needs-relaxation, DISAGREE (no kind: no agreement). */
  agreement?: 'agree' | 'needs-relaxation' | 'DISAGREE';
  /** herd7's time for this test alone (one process), when herd7 was given. */
  herdSeconds?: number;
  /** The engine's work in that exploration (a second, untimed run: `countWork`), and its states. */
  work?: WorkCounts;
  states?: number;
}

/** Engine operations: steps taken (`Machine.take`: search and dry runs), captures (`fork`), restores, fingerprints (`stateHash`). */
export interface WorkCounts {
  steps: number;
  forks: number;
  restores: number;
  hashes: number;
}

/**
 * Run `f` counting the engine's operations (bench only: the machine's methods and `restoreMachine` are wrapped while
 * it runs, then put back; the run is slower, so it is not the timed one).
 */
export function countWork<T>(f: () => T): { result: T; work: WorkCounts } {
  const work: WorkCounts = { steps: 0, forks: 0, restores: 0, hashes: 0 };
  // The methods as plain function properties (called with the machine as `this`).
  const proto: {
    take: (this: Machine, ...a: Parameters<Machine['take']>) => void;
    fork: (this: Machine) => ReturnType<Machine['fork']>;
    stateHash: (this: Machine, ...a: Parameters<Machine['stateHash']>) => number;
  } = Machine.prototype;
  const { take, fork, stateHash } = proto;
  const ms = machineState as { restoreMachine: typeof machineState.restoreMachine };
  const restore = ms.restoreMachine;
  proto.take = function (this: Machine, ...a: Parameters<typeof take>) {
    work.steps++;
    return take.apply(this, a);
  };
  proto.fork = function (this: Machine) {
    work.forks++;
    return fork.apply(this);
  };
  proto.stateHash = function (this: Machine, ...a: Parameters<typeof stateHash>) {
    work.hashes++;
    return stateHash.apply(this, a);
  };
  ms.restoreMachine = (...a: Parameters<typeof restore>) => {
    work.restores++;
    restore(...a);
  };
  try {
    return { result: f(), work };
  } finally {
    proto.take = take;
    proto.fork = fork;
    proto.stateHash = stateHash;
    ms.restoreMachine = restore;
  }
}

export interface LitmusBench {
  dir: string;
  rows: LitmusBenchRow[];
  /** herd7 on every test of the directory in one process. */
  herdAllSeconds?: number;
  /**
   * `explore` of every supported test again after the first pass, in the same process: CPU seconds of the whole
   * pass. What the first pass costs beyond it is the process warming up (V8 compiling the hot code), not the tests.
   */
  warmCpu?: number;
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

function explore(text: string, file: string, row: LitmusBenchRow): void {
  const start = now();
  const cpu = process.cpuUsage();
  const r = exploreLitmus(text, file);
  const used = process.cpuUsage(cpu);
  row.exploreSeconds = now() - start;
  row.exploreCpu = (used.user + used.system) / 1e6;
  if (!('test' in r)) {
    row.refused = r.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.col + 1} ${d.message}`);
    return;
  }
  row.verdict = r.explore.bounds.hit.length > 0 ? 'bounded' : r.herd.verdict;
  const counted = countWork(() => exploreLitmus(text, file));
  row.work = counted.work;
  if ('explore' in counted.result) row.states = counted.result.explore.states;
  if (row.kind !== undefined) row.agreement = row.verdict === row.kind ? 'agree' : row.kind === 'Allowed' && row.verdict === 'Forbidden' ? 'needs-relaxation' : 'DISAGREE';
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
    if (row.refused === undefined) explore(text, file, row);
    if (options.herd !== undefined && row.refused === undefined) row.herdSeconds = herdRun(options.herd, [join(dir, file)]);
    rows.push(row);
  }
  const out: LitmusBench = { dir, rows };
  // A second pass, warm: the same tests, nothing left to compile.
  const supported = rows.filter((r) => r.refused === undefined);
  if (supported.length > 0) {
    const texts = supported.map((r) => readFileSync(join(dir, r.file), 'utf8'));
    const cpu = process.cpuUsage();
    supported.forEach((r, k) => exploreLitmus(texts[k], r.file));
    const used = process.cpuUsage(cpu);
    out.warmCpu = (used.user + used.system) / 1e6;
  }
  if (options.herd !== undefined) {
    const supported = rows.filter((r) => r.refused === undefined).map((r) => join(dir, r.file));
    if (supported.length > 0) out.herdAllSeconds = herdRun(options.herd, supported);
  }
  return out;
}

/** herd7's base AArch64 catalogue next to the checkout (`../shared/litmus/aarch64`; from a worktree under `wt/`, one level up), if present. */
export function herdCatalogue(): string | undefined {
  const repo = join(__dirname, '..', '..');
  for (const up of [['..'], ['..', '..']]) {
    const dir = join(repo, ...up, 'shared', 'litmus', 'aarch64');
    if (existsSync(join(dir, 'kinds.txt'))) return dir;
  }
  return undefined;
}

const ms = (s: number): string => `${(s * 1000).toFixed(2)} ms`;

/** herd7's figures for a catalogue it was not run on here (seconds, and the number of tests they cover). */
export interface HerdReference {
  tests: number;
  allInOne: number;
  perProcess: number;
}

/**
 * herd7 7.58+1 on herd7's base AArch64 catalogue (issue #14 item 7): its 79 tests that are litmus files (the
 * 80th is a stored symbolic link, refused by both tools), CPU seconds (user + system) on this machine class
 * (2 cores, load 17–20), best of 3, measured as bench/litmusSideBySide.ts measures (session 6).
 * The issue's first figures (0.9 s and 3.1 s for 80) were wall times.
 */
export const HERD_BASE_CATALOGUE: HerdReference = { tests: 79, allInOne: 0.77, perProcess: 1.1 };

/** The summary `npm run bench` prints: tests read, refused, and the per-test front-end and explore time (with herd7's reference figures when given). */
export function formatLitmusSummary(b: LitmusBench, reference?: HerdReference): string {
  const run = b.rows.filter((r) => r.refused === undefined);
  const total = run.reduce((a, r) => a + r.seconds, 0);
  const worst = run.reduce((a, r) => Math.max(a, r.seconds), 0);
  const lines = [
    `${b.dir}: ${b.rows.length} tests, ${run.length} supported, ${b.rows.length - run.length} refused`,
    `read + check + litmus2scenario + parse: ${ms(total / Math.max(1, run.length))} per test on average, ${ms(worst)} at most, ${ms(total)} for all`,
  ];
  const count = (a: string): number => run.filter((r) => r.agreement === a).length;
  lines.push(`agreement with kinds.txt: ${count('agree')} agree, ${count('needs-relaxation')} disagree-needs-relaxation, ${count('DISAGREE')} DISAGREE, ${b.rows.length - run.length} refused`);
  const ex = run.reduce((a, r) => a + (r.exploreSeconds ?? 0), 0);
  const cpu = run.reduce((a, r) => a + (r.exploreCpu ?? 0), 0);
  lines.push(
    `explore FILE.litmus (one process for all): ${ms(cpu / Math.max(1, run.length))} CPU per test on average, ${ms(run.reduce((a, r) => Math.max(a, r.exploreCpu ?? 0), 0))} at most, ${ms(cpu)} for all; wall ${ms(ex / Math.max(1, run.length))} per test, ${ms(ex)} for all`,
  );
  if (b.warmCpu !== undefined) {
    lines.push(`explore, warm (a second pass in the same process): ${ms(b.warmCpu / Math.max(1, run.length))} CPU per test on average, ${ms(b.warmCpu)} for all (the first pass: ${ms(cpu)})`);
  }
  const counted = run.filter((r) => r.work !== undefined && r.states !== undefined);
  if (counted.length > 0) {
    const sum = (k: keyof WorkCounts): number => counted.reduce((a, r) => a + r.work![k], 0);
    const states = counted.reduce((a, r) => a + r.states!, 0);
    const per = (k: keyof WorkCounts): string => (sum(k) / Math.max(1, states)).toFixed(2);
    lines.push(
      `engine work (${counted.length} tests, ${states} states): ${sum('steps')} steps, ${sum('forks')} captures, ${sum('restores')} restores, ${sum('hashes')} fingerprints; per state ${per('steps')} steps, ${per('forks')} captures, ${per('restores')} restores, ${per('hashes')} fingerprints`,
    );
  }
  if (reference !== undefined && run.length > 0) {
    // herd7 was not run here: its figures on this machine class (issue #14 item 7), for the same catalogue.
    const perTest = cpu / run.length;
    lines.push(
      `herd7 (reference figures, not run here): ${ms(reference.allInOne)} for all ${reference.tests} in one process (${ms(reference.allInOne / reference.tests)} per test), ${ms(reference.perProcess)} at one process per test (${ms(reference.perProcess / reference.tests)} per test)`,
    );
    lines.push(
      `explore vs herd7 per test: ${(reference.allInOne / reference.tests / Math.max(perTest, 1e-9)).toFixed(1)}× (herd7 one process) and ${(reference.perProcess / reference.tests / Math.max(perTest, 1e-9)).toFixed(1)}× (herd7 one process per test) — herd7 time / explore CPU time`,
    );
  }
  const herd = run.filter((r) => r.herdSeconds !== undefined);
  if (herd.length > 0) {
    const h = herd.reduce((a, r) => a + r.herdSeconds!, 0);
    lines.push(`herd7: ${ms(h / herd.length)} per test (one process each), ${ms(h)} for all; ${b.herdAllSeconds !== undefined ? `${ms(b.herdAllSeconds)} in one process` : 'one process: failed'}`);
    const e = herd.reduce((a, r) => a + (r.exploreSeconds ?? 0), 0);
    lines.push(`explore vs herd7 (one process per test) on the same ${herd.length} tests: ${(h / Math.max(e, 1e-9)).toFixed(1)}× (herd7 time / explore time)`);
  }
  return lines.join('\n');
}

/** The per-test table of the agreement script. */
export function formatLitmusTable(b: LitmusBench): string {
  const width = Math.max(4, ...b.rows.map((r) => r.file.length));
  const out = [`${'test'.padEnd(width)}  ${'kinds.txt'.padEnd(9)}  ${'front end'.padStart(10)}  ${'explore'.padStart(10)}  ${'verdict'.padEnd(9)}  ${'agreement'.padEnd(16)}${b.rows.some((r) => r.herdSeconds !== undefined) ? `  ${'herd7'.padStart(10)}` : ''}  status`];
  for (const r of b.rows) {
    const herd = r.herdSeconds !== undefined ? `  ${ms(r.herdSeconds).padStart(10)}` : b.rows.some((x) => x.herdSeconds !== undefined) ? `  ${''.padStart(10)}` : '';
    const status = r.refused === undefined ? 'supported' : `refused: ${r.refused.join('; ')}`;
    const ex = r.exploreSeconds !== undefined ? ms(r.exploreSeconds) : '';
    out.push(`${r.file.padEnd(width)}  ${(r.kind ?? '').padEnd(9)}  ${ms(r.seconds).padStart(10)}  ${ex.padStart(10)}  ${(r.verdict ?? '').padEnd(9)}  ${(r.agreement ?? '').padEnd(16)}${herd}  ${status}`);
  }
  return out.join('\n');
}
