/**
 * The old tree against this one, every workload side by side (issue #11: "bench figures the same
 * or better"):
 *
 *   ARMSCOPE_BENCH_OLD=/work/wt/asm-old/out node out/bench/sideBySide.js [--separate] [rounds] [name filter]
 *
 * where the variable names a built tree of the old code (a worktree of 994cb00 after
 * `npx tsc -p .`). Both trees' `Machine` and `parseScenario` are loaded into this process and
 * run the same scenario texts: the loops of bench/run.ts and bench/caches.ts, the translation
 * workloads of bench/translation.ts, the 1 MB working set of bench/core.ts and the parses of
 * bench/parse.ts; bench/isa.ts measures the assembler and decoder side by side itself. Each
 * workload is warmed up in both trees (bench/warm.ts), then measured in `rounds` rounds (3 by
 * default), the old and the new run interleaved and their order alternating, and the best CPU
 * rate of each is printed with the ratio new / old and the load average.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateScenario, oneLineEdit } from './parse';
import { runIsaBench } from './isa';
import { WORKLOADS } from './run';
import { translationWorkloads } from './translation';
import { workingSetScenario } from './core';
import { cpuTimed, loadText, WARM_CPU_SECONDS, warmUp } from './warm';

/** What the bench needs of a tree's model, Machine and parser: the API both trees have. */
interface Model {
  diagnostics: { severity: string; message: string; range: { start: { line: number } } }[];
}
interface Tree {
  label: string;
  Machine: { create(model: Model, options?: { maxSteps?: number }): { run(): unknown; steps: number; stopInfo?: { kind: string; reason: string } } };
  parseScenario(text: string, file?: string, options?: { cache?: boolean }): Model;
  applyPageTables(model: Model): unknown;
}

function loadTree(label: string, dir: string): Tree {
  /* eslint-disable @typescript-eslint/no-require-imports -- both trees are build outputs found at run time */
  const index = require(join(dir, 'simulator', 'index.js')) as Pick<Tree, 'parseScenario'>;
  const machine = require(join(dir, 'simulator', 'engine', 'machine.js')) as Pick<Tree, 'Machine'>;
  const tables = require(join(dir, 'simulator', 'mmu', 'pagetable', 'block.js')) as Pick<Tree, 'applyPageTables'>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { label, Machine: machine.Machine, parseScenario: index.parseScenario, applyPageTables: tables.applyPageTables };
}

export interface Row {
  name: string;
  unit: string;
  old: number;
  now: number;
  /** Why the row has no old figure (the old tree lacks the feature), when it has none. */
  note?: string;
}

/** Best of `rounds` rates of `old` and `now`, interleaved (old first in even rounds), after both were warmed up. */
function interleaved(rounds: number, old: () => number, now: () => number, warm: { old: () => unknown; now: () => unknown }): { old: number; now: number } {
  warmUp(warm.old);
  warmUp(warm.now);
  const best = { old: 0, now: 0 };
  const rate = (fn: () => number): number => {
    const { value, seconds } = cpuTimed(fn);
    return value / Math.max(seconds, 1e-6);
  };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['old', 'now'] as const) : (['now', 'old'] as const);
    for (const k of order) best[k] = Math.max(best[k], rate(k === 'old' ? old : now));
  }
  return best;
}

function parsed(tree: Tree, name: string, text: string): Model {
  const model = tree.parseScenario(text, `${name}.armscope`);
  tree.applyPageTables(model);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${tree.label}: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  return model;
}

/** One scenario run in both trees: instructions per CPU second. */
function machineRow(trees: { old: Tree; now: Tree }, name: string, text: string, rounds: number): Row {
  let oldModel: Model;
  try {
    oldModel = parsed(trees.old, name, text);
  } catch (e) {
    return { name, unit: 'instr/s', old: 0, now: 0, note: `not in the old tree (${e instanceof Error ? e.message : String(e)})` };
  }
  const nowModel = parsed(trees.now, name, text);
  const run = (tree: Tree, model: Model) => (): number => {
    const m = tree.Machine.create(model);
    m.run();
    if (m.stopInfo?.kind !== 'halted') throw new Error(`${name} (${tree.label}): did not finish (${m.stopInfo?.reason})`);
    return m.steps;
  };
  const warm = (tree: Tree, model: Model) => (): unknown => tree.Machine.create(model, { maxSteps: 2_000_000 }).run();
  const r = interleaved(rounds, run(trees.old, oldModel), run(trees.now, nowModel), { old: warm(trees.old, oldModel), now: warm(trees.now, nowModel) });
  return { name, unit: 'instr/s', ...r };
}

/** The scenarios both trees run: bench/run.ts's loops, bench/translation.ts's workloads and bench/core.ts's working set. */
function machineWorkloads(): { name: string; text: string }[] {
  return [...WORKLOADS, ...translationWorkloads(), { name: '1 MB working set, 1 PE, caches on, stage 1+2 (core.ts)', text: workingSetScenario(600_000) }];
}

/**
 * A machine row measured with each tree in processes of its own (bench/oneTree.ts: nothing of the
 * other tree loaded), `rounds` processes per tree, alternating old and new.
 */
function separateRow(oldDir: string, name: string, text: string, rounds: number): Row {
  const dirs = { old: oldDir, now: join(__dirname, '..') };
  const file = join(mkdtempSync(join(tmpdir(), 'armscope-side-')), 'workload.armscope');
  writeFileSync(file, text);
  const best = { old: 0, now: 0 };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['old', 'now'] as const) : (['now', 'old'] as const);
    for (const k of order) {
      const child = spawnSync(process.execPath, [join(__dirname, 'oneTree.js'), dirs[k], file], { encoding: 'utf8' });
      const rate = Number(child.stdout.trim());
      if (child.status !== 0 || !Number.isFinite(rate)) return { name, unit: 'instr/s', old: 0, now: 0, note: `${k === 'old' ? 'old' : 'new'} tree failed: ${child.stderr.trim().split('\n').pop() ?? ''}` };
      best[k] = Math.max(best[k], rate);
    }
  }
  return { name, unit: 'instr/s', ...best };
}

/** bench/parse.ts's 2,000-line scenario, from scratch and after a one-line edit: parses per CPU second. */
function parseRows(trees: { old: Tree; now: Tree }, rounds: number): Row[] {
  const text = generateScenario(2000);
  const lines = text.split('\n');
  const REPEAT = 10;
  const scratch = (tree: Tree) => (): number => {
    for (let i = 0; i < REPEAT; i++) tree.parseScenario(text, 'x', { cache: false });
    return REPEAT;
  };
  let n = 0;
  const edit = (tree: Tree) => (): number => {
    for (let i = 0; i < REPEAT; i++) tree.parseScenario(oneLineEdit(lines, n++));
    return REPEAT;
  };
  const row = (name: string, f: (t: Tree) => () => number): Row => {
    const r = interleaved(rounds, f(trees.old), f(trees.now), { old: f(trees.old), now: f(trees.now) });
    return { name, unit: 'parses/s', ...r };
  };
  return [row('parse a 2,000-line scenario from scratch', scratch), row('re-parse it after a one-line edit', edit)];
}

/**
 * Every workload (or those whose name contains `filter`) in both trees; `onRow` sees each row as it
 * is measured.
 */
export function runSideBySide(
  oldDir: string,
  rounds = 3,
  filter = '',
  onRow: (r: Row) => void = () => {},
  separate = false,
): { rows: Row[]; loadBefore: string; loadAfter: string } {
  const loadBefore = loadText();
  const trees = { old: loadTree('old', oldDir), now: loadTree('new', join(__dirname, '..')) };
  const rows: Row[] = [];
  const wanted = (name: string): boolean => name.includes(filter);
  const push = (r: Row): void => {
    rows.push(r);
    onRow(r);
  };
  for (const w of machineWorkloads()) if (wanted(w.name)) push(separate ? separateRow(oldDir, w.name, w.text, rounds) : machineRow(trees, w.name, w.text, rounds));
  if (wanted('parse')) for (const r of parseRows(trees, rounds)) push(r);
  // bench/isa.ts loads ARMSCOPE_BENCH_OLD itself and interleaves its rounds the same way.
  if (filter === '' || wanted('assemble') || wanted('decode'))
    for (const f of runIsaBench(Math.max(rounds, 6)).figures) push({ name: f.name, unit: f.unit, old: f.old, now: f.rate, ...(f.measured ? {} : { note: 'old: reference figure' }) });
  return { rows, loadBefore, loadAfter: loadText() };
}

const WIDTH = 66;

/** A rate with a unit prefix: `13.161M`, `98.4k`. */
function rateText(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(3)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(1);
}

export function formatRow(x: Row): string {
  if (x.note !== undefined && x.old === 0) return `${x.name.padEnd(WIDTH)}  ${x.note}`;
  return `${x.name.padEnd(WIDTH)}  ${rateText(x.old).padStart(9)}  ${rateText(x.now).padStart(9)}  ${`${(x.now / x.old).toFixed(2)}×`.padStart(7)}  ${x.unit}${x.note ? `  (${x.note})` : ''}`;
}

export const HEADER = `${'workload'.padEnd(WIDTH)}  ${'old'.padStart(9)}  ${'new'.padStart(9)}  ${'new/old'.padStart(7)}  unit`;

export function footer(r: { loadBefore: string; loadAfter: string }, separate = false): string {
  const how = separate ? 'machine rows: each tree in processes of its own, alternating' : 'old and new interleaved';
  return `(best of N CPU rates, ${how} after a ${WARM_CPU_SECONDS} s CPU warm-up each; load average ${r.loadBefore} before, ${r.loadAfter} after)`;
}

if (require.main === module) {
  const dir = process.env.ARMSCOPE_BENCH_OLD;
  const separate = process.argv.includes('--separate');
  const args = process.argv.slice(2).filter((a) => a !== '--separate');
  if (!dir) {
    console.error('sideBySide: set ARMSCOPE_BENCH_OLD to a built tree of the old code (…/out)');
    process.exitCode = 1;
  } else {
    console.log(HEADER);
    const r = runSideBySide(dir, Number(args[0] ?? 3), args[1] ?? '', (row) => console.log(formatRow(row)), separate);
    console.log(footer(r, separate));
  }
}
