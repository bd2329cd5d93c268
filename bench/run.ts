/**
 * `npm run bench`: simulated instructions per second.
 *
 * Workloads are scenario texts run through the real parser and Machine (no
 * shortcuts), timed after a warm-up, best of several runs. When
 * `aarch64-linux-gnu-as`/`ld` and `qemu-aarch64` are installed (Debian
 * `binutils-aarch64-linux-gnu`, `qemu-user`), the same loop also runs under
 * QEMU user mode, printed side by side for scale.
 *
 * Sections to extend:
 *   - WORKLOADS: add cache/translation workloads (cache_model on, stage 1/2
 *     tables) next to the flat ones — the targets are ≥60M instr/s flat (1 PE)
 *     and ≥20M instr/s with caches and stage 1+2 on a 1 MB working set
 *     (bench/core.ts, with the decode and assemble throughput).
 *   - TIME_TRAVEL: debug-adapter figures (step, step back, reverse continue).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../simulator/engine/machine';
import { parseScenario } from '../simulator';
import { cacheWorkloads } from './caches';
import { benchLsp, benchLspStdio, formatLspBench } from './lsp';
import { benchDap, formatDapBench } from './dap';
import { benchCheckpoints, formatCheckpoints } from './checkpoints';
import { runTranslationBench } from './translation';
import { benchParse, formatParseBench } from './parse';
import { formatCoreBench, runCoreBench } from './core';
import { benchExplore, formatExploreBench } from './explore';
import { formatLitmusSummary, HERD_BASE_CATALOGUE, herdCatalogue, runLitmusBench } from './litmus';
import { cpuTimed, warmUp } from './warm';
import { formatSideBySide, sideBySide } from './litmusSideBySide';

/** The loop body: 7 instructions per iteration (ALU, load, store, flags, branch). */
const LOOP_BODY = `
loop:
    add   x1, x1, #1
    eor   x2, x2, x1
    ldr   x3, [x10]
    add   x3, x3, x2
    str   x3, [x10]
    subs  x0, x0, #1
    b.ne  loop
`;
const INSTRS_PER_ITERATION = 7;

function loopScenario(pes: number, iterations: number, extraSystem = ''): string {
  const peBlocks = Array.from(
    { length: pes },
    (_, i) => `pe ${i} {\n  el 1\n  entry start\n  x0 = ${iterations}\n  x10 = ${0x8000_8000 + i * 0x1000}\n}\n`,
  ).join('\n');
  return `scenario "bench loop x${pes}"
system {
  pes ${pes}
  memory ram at 0x8000_0000 size 0x100_0000
  max_steps ${iterations * INSTRS_PER_ITERATION * pes + 1000}
${extraSystem}}
${peBlocks}
code at 0x8000_0000 {
start:
${LOOP_BODY}
    hlt   #0
}
`;
}

export interface Workload {
  name: string;
  text: string;
  options?: MachineOptions;
}

// ---- WORKLOADS (cache and translation workloads live in bench/caches.ts and bench/translation.ts) ----
const ITER = 3_000_000;
/** QEMU's JIT runs this loop at billions of instructions per second: more iterations so start-up noise does not dominate. */
const QEMU_ITER = 100_000_000;
/** The loop workloads (bench/sideBySide.ts runs them in the old tree too). */
export const WORKLOADS: Workload[] = [
  { name: 'loop, 1 PE, cache_model off, MMU off', text: loopScenario(1, ITER, '  cache_model off\n') },
  { name: 'loop, 4 PEs, cache_model off, MMU off', text: loopScenario(4, ITER / 4, '  cache_model off\n') },
  { name: 'loop, 1 PE, cache_model on, MMU off', text: loopScenario(1, ITER, '  cache_model on\n') },
  { name: 'loop, 4 PEs, cache_model on, MMU off', text: loopScenario(4, ITER / 4, '  cache_model on\n') },
  ...cacheWorkloads(),
];

interface Result {
  name: string;
  steps: number;
  seconds: number;
  rate: number;
}

function measure(w: Workload, repeats = 3): Result {
  const model = parseScenario(w.text, `${w.name}.armscope`);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`bench scenario has errors: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  // Warm-up (bench/warm.ts): let V8 optimise the step loop and instruction closures.
  warmUp(() => Machine.create(model, { ...w.options, maxSteps: 2_000_000 }).run());
  let best: Result | undefined;
  for (let i = 0; i < repeats; i++) {
    const m = Machine.create(model, w.options);
    const { seconds } = cpuTimed(() => m.run());
    if (m.stopInfo?.kind !== 'halted') throw new Error(`${w.name}: did not finish (${m.stopInfo?.reason})`);
    const r = { name: w.name, steps: m.steps, seconds, rate: m.steps / seconds };
    if (!best || r.rate > best.rate) best = r;
  }
  return best!;
}

// ---- QEMU user mode, same loop ----------------------------------------------

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function qemuRate(iterations: number): { rate: number; seconds: number } | string {
  if (!which('aarch64-linux-gnu-as') || !which('aarch64-linux-gnu-ld') || !which('qemu-aarch64'))
    return 'not run: install binutils-aarch64-linux-gnu and qemu-user';
  const dir = mkdtempSync(join(tmpdir(), 'armscope-bench-'));
  const build = (n: number): string => {
    const src = join(dir, `loop${n}.s`);
    writeFileSync(
      src,
      `    .global _start
    .text
_start:
    ldr   x0, =${n}
    adr   x10, buf
${LOOP_BODY.replace('loop:', 'loop:')}
    mov   x8, #93
    mov   x0, #0
    svc   #0
    .data
    .align 3
buf: .quad 0
`,
    );
    execFileSync('aarch64-linux-gnu-as', ['-o', join(dir, `loop${n}.o`), src]);
    execFileSync('aarch64-linux-gnu-ld', ['-o', join(dir, `loop${n}`), join(dir, `loop${n}.o`)]);
    return join(dir, `loop${n}`);
  };
  /** CPU seconds (user + system) of one qemu-aarch64 run, from bash's `time` (like the simulator's figures). */
  const time = (exe: string): number => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const r = spawnSync('bash', ['-c', `TIMEFORMAT='%3U %3S'; time qemu-aarch64 '${exe}'`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`qemu-aarch64 failed: ${r.stderr}`);
      const [user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
      best = Math.min(best, user + sys);
    }
    return best;
  };
  // Subtract QEMU's start-up by timing a 1-iteration run.
  const startup = time(build(1));
  const full = time(build(iterations));
  const seconds = Math.max(full - startup, 1e-6);
  return { rate: (iterations * INSTRS_PER_ITERATION) / seconds, seconds };
}

// ---- TIME_TRAVEL (debug adapter: step / step back / reverse continue) --------

function timeTravel(): { label: string; ms: number }[] {
  const model = parseScenario(loopScenario(1, 400_000, '  cache_model off\n'), 'time-travel.armscope');
  const m = Machine.create(model, { checkpointInterval: 50_000 });
  const t0 = process.hrtime.bigint();
  m.run();
  const runMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const out = [{ label: `run ${m.steps} steps with a checkpoint every 50,000`, ms: runMs }];
  const back = (target: number, label: string): void => {
    const t = process.hrtime.bigint();
    m.goToStep(target);
    out.push({ label, ms: Number(process.hrtime.bigint() - t) / 1e6 });
  };
  back(999_999, 'go back to step 999,999 (restore + replay)');
  back(999_998, 'step back once more');
  back(1_549_321, 'forward to step 1,549,321');
  back(12_345, 'go back to step 12,345');
  return out;
}

function fmtRate(r: number): string {
  return `${(r / 1e6).toFixed(1)}M instr/s`;
}

async function main(): Promise<void> {
  console.log('Armscope benchmark (simulated instructions per CPU second, best of 3)\n');
  const results = WORKLOADS.map((w) => measure(w));
  const q = qemuRate(QEMU_ITER);
  const translation = runTranslationBench();
  const travel = timeTravel();
  // One column width for every table, so the figures line up.
  const width = Math.max(...results.map((r) => r.name.length), ...translation.map((r) => r.name.length), ...travel.map((t) => t.label.length));
  for (const r of results) console.log(`  ${r.name.padEnd(width)}  ${fmtRate(r.rate).padStart(16)}  (${r.steps.toLocaleString('en')} steps in ${r.seconds.toFixed(3)} s CPU)`);
  const qLabel = 'same loop under qemu-aarch64 (user mode, JIT)';
  if (typeof q === 'string') console.log(`  ${qLabel.padEnd(width)}  ${q}`);
  else console.log(`  ${qLabel.padEnd(width)}  ${fmtRate(q.rate).padStart(16)}  (${(QEMU_ITER * INSTRS_PER_ITERATION).toLocaleString('en')} instructions in ${q.seconds.toFixed(3)} s)`);
  console.log('\nTranslation:');
  for (const r of translation)
    console.log(`  ${r.name.padEnd(width)}  ${fmtRate(r.rate).padStart(16)}  (${r.steps.toLocaleString('en')} steps in ${r.seconds.toFixed(3)} s CPU, ${r.walkReadsPerKiloInstr.toFixed(1)} descriptor reads / 1k instr)`);
  console.log(`\nScenario parser (median):\n${formatParseBench(benchParse(), width).replace(/^/gm, '  ')}`);
  console.log('\nCore and instruction table:');
  for (const line of formatCoreBench(runCoreBench(), results[0].rate, typeof q === 'string' ? undefined : q.rate).split('\n')) console.log(`  ${line}`);
  console.log('\nTime travel (1 PE loop, wall clock):');
  for (const t of travel) console.log(`  ${t.label.padEnd(width)}  ${t.ms.toFixed(1).padStart(10)} ms`);
  console.log(`\nCheckpoints and time travel (CPU time):\n  ${formatCheckpoints(await benchCheckpoints()).split('\n').join('\n  ')}`);
  console.log(`\nExplore (CPU time, with and without the reduction):\n  ${formatExploreBench(benchExplore()).split('\n').join('\n  ')}`);
  console.log('\nDebug adapter over stdio (median round-trips):');
  for (const line of formatDapBench(await benchDap()).split('\n')) console.log(`  ${line}`);
  console.log('\nLitmus front end and explore (project corpus):');
  for (const line of formatLitmusSummary(runLitmusBench(join(__dirname, '..', '..', 'test', 'litmus', 'corpus'))).split('\n')) console.log(`  ${line}`);
  const catalogue = herdCatalogue();
  if (catalogue !== undefined) {
    console.log(`\nLitmus front end and explore (herd7's base AArch64 catalogue, ${catalogue}):`);
    const b = runLitmusBench(catalogue, { repeat: 1 });
    for (const line of formatLitmusSummary(b, HERD_BASE_CATALOGUE).split('\n')) console.log(`  ${line}`);
    // The CLI against herd7 (ARMSCOPE_HERD=herd.exe: measured side by side; else herd7's reference figures).
    const files = b.rows.filter((r) => r.refused === undefined).map((r) => join(catalogue, r.file));
    for (const line of formatSideBySide(sideBySide(files, { herd: process.env.ARMSCOPE_HERD })).split('\n')) console.log(`  ${line}`);
  }
  console.log('\nLanguage server (median):');
  const lsp = [...benchLsp(), ...(await benchLspStdio())];
  for (const line of formatLspBench(lsp).split('\n')) console.log(`  ${line}`);
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
