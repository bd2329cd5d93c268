/**
 * Core figures for `npm run bench` (bench/run.ts prints them): the instruction
 * table's decode and assemble throughput, and the PE with a working set past
 * the caches — a 1 MB sweep with caches, stage 1 and stage 2 on — next to the
 * flat loop's references (plain JavaScript doing the same arithmetic, and
 * qemu-aarch64, whose rate run.ts measures).
 *
 * `node out/bench/core.js` runs it alone; `ARMSCOPE_BENCH_OLD=<dir>/out` (a built worktree of
 * 994cb00) measures the old assembler and decoder side by side (bench/isa.ts).
 */
import { Machine } from '../simulator/engine/machine';
import { parseScenario } from '../simulator';
import { applyPageTables } from '../simulator/mmu/pagetable/block';
import { REFERENCE_OLD, runIsaBench } from './isa';
import { stage12Scenario } from './translation';
import { cpuTimed, warmUp } from './warm';

export interface CoreFigure {
  name: string;
  /** Operations per CPU second (instructions, words or lines). */
  rate: number;
  unit: string;
  detail: string;
}

/** Best rate of `repeats` runs of `fn`, which returns how many operations it did (CPU time, warm). */
function best(repeats: number, fn: () => number): { rate: number; seconds: number; count: number } {
  warmUp(fn);
  let top = { rate: 0, seconds: 0, count: 0 };
  for (let i = 0; i < repeats; i++) {
    const { value: count, seconds } = cpuTimed(fn);
    if (count / seconds > top.rate) top = { rate: count / seconds, seconds, count };
  }
  return top;
}

/**
 * The instruction table's figures (bench/isa.ts): assemble lines/s, decode words/s and decode +
 * disassembly text words/s, each with its ratio to the hand-written code the table replaced.
 */
function isaFigures(): CoreFigure[] {
  const r = runIsaBench();
  const how = r.figures[0].measured ? 'old measured side by side' : `old reference of ${REFERENCE_OLD.date}`;
  return r.figures.map((f) => ({
    name: f.name,
    rate: f.rate,
    unit: f.unit,
    detail: `${f.old > 0 ? `${(f.rate / f.old).toFixed(2)}× the old code (994cb00, ${how})` : 'no old figure'}; load ${r.load.map((x) => x.toFixed(1)).join(' ')}`,
  }));
}

/** Sweep 1 MB 8 bytes at a time (each line misses L1 and L2 once), caches on, stage 1 (4 KB pages) and stage 2 on. */
export function workingSetScenario(iterations: number): string {
  return stage12Scenario('1 MB working set, caches, stage 1+2', iterations * 7 + 1000, '0x10_0000', { x0: iterations, x6: '0x4000_0000' }, `    mov   x7, #0
loop:
    ldr   x3, [x6, x7]
    add   x3, x3, #1
    str   x3, [x6, x7]
    add   x7, x7, #8
    and   x7, x7, #0xfffff
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
`);
}

function workingSet(): CoreFigure {
  const model = parseScenario(workingSetScenario(600_000), 'working-set.armscope');
  applyPageTables(model);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`working-set bench: ${errors.map((d) => d.message).join('; ')}`);
  const r = best(3, () => {
    const m = Machine.create(model);
    m.run();
    if (m.stopInfo?.kind !== 'halted') throw new Error(`working-set bench did not finish: ${m.stopInfo?.reason}`);
    return m.steps;
  });
  return {
    name: '1 MB working set, 1 PE, caches on, stage 1+2',
    rate: r.rate,
    unit: 'instr/s',
    detail: `${r.count.toLocaleString('en')} steps in ${r.seconds.toFixed(3)} s CPU; every 8th access misses L1 and L2`,
  };
}

/** The flat bench loop (run.ts LOOP_BODY) as plain JavaScript: its arithmetic without a simulator. */
function plainJsLoop(): CoreFigure {
  const iterations = 20_000_000;
  const mem = new Uint32Array(1);
  const r = best(3, () => {
    let x0 = iterations;
    let x1 = 0;
    let x2 = 0;
    do {
      x1 = (x1 + 1) >>> 0;
      x2 = (x2 ^ x1) >>> 0;
      mem[0] = (mem[0] + x2) >>> 0;
      x0--;
    } while (x0 !== 0);
    return iterations * 7;
  });
  return { name: 'the flat loop as plain JavaScript (reference)', rate: r.rate, unit: 'instr/s', detail: '7 "instructions" per iteration, as the simulated loop' };
}

export function runCoreBench(): CoreFigure[] {
  return [...isaFigures(), workingSet(), plainJsLoop()];
}

/** The figures, and the flat loop's rate against plain JavaScript and qemu-aarch64 (when it ran). */
export function formatCoreBench(figures: CoreFigure[], flatLoopRate: number | undefined, qemuRate: number | undefined): string {
  const width = Math.max(...figures.map((f) => f.name.length), 48);
  const out = figures.map((f) => `${f.name.padEnd(width)}  ${(f.rate / 1e6).toFixed(2).padStart(8)}M ${f.unit.padEnd(8)}  (${f.detail})`);
  const js = figures.find((f) => f.name.startsWith('the flat loop as plain'))?.rate;
  if (flatLoopRate !== undefined) {
    if (js !== undefined) out.push(`${'flat loop: simulator / plain JavaScript'.padEnd(width)}  ${(flatLoopRate / js).toFixed(3).padStart(8)}`);
    if (qemuRate !== undefined) out.push(`${'flat loop: simulator / qemu-aarch64'.padEnd(width)}  ${(flatLoopRate / qemuRate).toFixed(4).padStart(8)}  (qemu ${(qemuRate / flatLoopRate).toFixed(0)}× faster)`);
  }
  return out.join('\n');
}

if (require.main === module) console.log(formatCoreBench(runCoreBench(), undefined, undefined));
