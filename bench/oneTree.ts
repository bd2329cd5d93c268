/**
 * One built tree alone in this process (bench/sideBySide.ts `--separate`): parse the scenario in
 * FILE with the tree's parser, warm up, and print the best CPU rate (instructions per CPU second) of
 * `runs` runs.
 *
 *   node out/bench/oneTree.js TREE_OUT_DIR FILE [runs]
 *
 * It imports nothing of either tree but the one it measures (only ./warm, which imports node:os):
 * with both trees in one process, V8 shares hidden classes between their same-shaped objects (a TLB
 * entry literal of one deoptimised the other's lookup: "wrong map" deopts), and the heap the other
 * tree's modules leave changes how often the measured one collects (the old tree's rate on the
 * TLBI-per-sweep row went from 1.4–2.1M alone to 2.4–2.8M with the new bench's modules loaded).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTimed, warmUp } from './warm';

interface Model {
  diagnostics: { severity: string; message: string }[];
}
interface MachineLike {
  run(): unknown;
  steps: number;
  stopInfo?: { kind: string; reason: string };
}

export function oneTreeRate(dir: string, file: string, runs = 3): number {
  /* eslint-disable @typescript-eslint/no-require-imports -- the tree is a build output found at run time */
  const { parseScenario } = require(join(dir, 'simulator', 'index.js')) as { parseScenario: (text: string, file?: string) => Model };
  const { Machine } = require(join(dir, 'simulator', 'engine', 'machine.js')) as { Machine: { create(m: Model, o?: { maxSteps?: number }): MachineLike } };
  const { applyPageTables } = require(join(dir, 'simulator', 'mmu', 'pagetable', 'block.js')) as { applyPageTables: (m: Model) => unknown };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const model = parseScenario(readFileSync(file, 'utf8'), file);
  applyPageTables(model);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => d.message).join('; ')}`);
  warmUp(() => Machine.create(model, { maxSteps: 2_000_000 }).run());
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const { value, seconds } = cpuTimed(() => {
      const m = Machine.create(model);
      m.run();
      if (m.stopInfo?.kind !== 'halted') throw new Error(`${file}: did not finish (${m.stopInfo?.reason})`);
      return m.steps;
    });
    best = Math.max(best, value / Math.max(seconds, 1e-6));
  }
  return best;
}

if (require.main === module) {
  const [dir, file, runs] = process.argv.slice(2);
  if (dir === undefined || file === undefined) {
    console.error('usage: node out/bench/oneTree.js TREE_OUT_DIR FILE [runs]');
    process.exitCode = 2;
  } else console.log(oneTreeRate(dir, file, Number(runs ?? 3)));
}
