/**
 * `node out/bench/litmus-agreement.js DIR [--herd PATH] [--repeat N] [--side-by-side]`: every
 * `.litmus` test of DIR through the litmus front end, with its `kinds.txt`
 * verdict, its refusal reasons if the simulator cannot run it, and the time
 * per test; with `--herd PATH` (a herd7 binary; its `libdir` is found next to
 * a dune build), herd7's time per test side by side and for the whole
 * directory in one process. A script, not a test: herd7 is not needed by
 * `npm test`. bench/litmus.ts says what is measured. `--side-by-side`: then the
 * CLI against herd7, one process for all tests and one per test
 * (bench/litmusSideBySide.ts; herd7 from `--herd` or `ARMSCOPE_HERD`).
 */
import { resolve } from 'node:path';
import { join } from 'node:path';
import { formatLitmusSummary, formatLitmusTable, HERD_BASE_CATALOGUE, herdCatalogue, runLitmusBench } from './litmus';
import { formatSideBySide, sideBySide } from './litmusSideBySide';

function main(argv: string[]): number {
  let dir: string | undefined;
  let herd: string | undefined;
  let repeat = 5;
  let side = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--herd') herd = argv[++i];
    else if (a === '--repeat') repeat = Number(argv[++i]);
    else if (a === '--side-by-side') side = true;
    else if (dir === undefined && !a.startsWith('--')) dir = a;
    else {
      console.error(`litmus-agreement: unexpected argument '${a}'`);
      return 2;
    }
  }
  if (dir === undefined || !Number.isInteger(repeat) || repeat < 1 || repeat > 100 || (herd === undefined && argv.includes('--herd'))) {
    console.error('usage: node out/bench/litmus-agreement.js DIR [--herd PATH] [--repeat N (1-100)] [--side-by-side]');
    return 2;
  }
  const b = runLitmusBench(dir, { herd, repeat });
  console.log(formatLitmusTable(b));
  console.log('');
  // Without herd7, herd7's reference figures for its own base catalogue.
  const catalogue = herdCatalogue();
  console.log(formatLitmusSummary(b, herd === undefined && catalogue !== undefined && resolve(dir) === resolve(catalogue) ? HERD_BASE_CATALOGUE : undefined));
  if (side) {
    const files = b.rows.filter((r) => r.refused === undefined).map((r) => join(dir, r.file));
    console.log('');
    console.log(formatSideBySide(sideBySide(files, { herd: herd ?? process.env.ARMSCOPE_HERD, repeat: Math.min(repeat, 3) })));
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
