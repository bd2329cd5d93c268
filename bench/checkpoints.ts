/**
 * Checkpoints and time travel (issue #12 items 1 and 2), for `npm run bench`:
 *
 *   - run with checkpoints vs a plain run: 2 PEs, stage 1+2, 32k cached lines
 *     (each PE, in a cluster of its own, writes 1 MB line by line, so both 1 MB L2s fill with dirty lines,
 *     then both loop on one private line); the ratio of CPU times, the memory
 *     each checkpoint retains, one snapshot and one restore there;
 *   - reverse continue over the whole history (10^6 and 10^7 steps, 1 PE loop,
 *     no breakpoint: the search replays every checkpoint interval back to step 0);
 *   - debugger continue (`DebugController.runForward`) vs `Machine.run`, same loop.
 *
 * Figures are CPU seconds of this process (`process.cpuUsage`), not wall time:
 * the machine is shared. Memory is measured after a forced GC (heap + array
 * buffers), so it counts what checkpoints retain, not garbage. BASELINE holds the
 * figures of the code before copy-on-write checkpoints (commit 11b8dbe), measured
 * with this file on the same machine class; `node out/bench/checkpoints.js` runs it alone.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DebugController } from '../debug-adapter/controller';
import { exceptionFilters } from '../debug-adapter/filters';
import { parseScenario } from '../simulator';
import { Machine, type MachineOptions } from '../simulator/engine/machine';
import { applyPageTables } from '../simulator/mmu/pagetable/block';
import type { ScenarioModel } from '../simulator/scenario/model';
import { cpuTimed, warmUp } from './warm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Lines each PE writes (1 MB of 64-byte lines): each PE fills its cluster's 1 MB L2 (the largest cache the language allows). */
const LINES_PER_PE = 16384;
const LOOP_ITERATIONS = 45_000;
const CHECKPOINT_INTERVAL = 10_000;

/** A read-modify-write of one line, x0 times (5 instructions per iteration). */
const LOOP = `loop:
    ldr   x3, [x10]
    add   x3, x3, #1
    str   x3, [x10]
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0`;

/** The "2 PEs, 32k cached lines (stage 1+2)" scenario of issue #12: each PE writes 1 MB line by line, then loops (one cluster per PE: each L2 holds its PE's 16k lines within the 1 MiB cache limit). */
export function bigCacheScenario(): string {
  const pe = (i: number): string => `pe ${i} {
  el 1
  entry start
  hcr_el2 = 0x8000_0001
  vtcr_el2 = 0x8005_3560
  vttbr_el2 = 0x0001_0000_80a0_0000
  mair_el1 = 0x000C_08BB_0444_FF00
  tcr_el1 = 0x5_0080_3519
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = 0x30d5_1805
  x0 = ${LOOP_ITERATIONS}
  x10 = ${0x4020_0000 + i * 0x1000}
  x11 = ${0x4000_0000 + i * 0x10_0000}
}
`;
  return `scenario "bench: 2 PEs, 32k cached lines, stage 1+2"
system {
  pes 2
  clusters 2
  memory ram at 0x8000_0000 size 0x400_0000
  cache_model on
  max_steps 2000000
}
caches { l1d size 0x8000 ways 4; l2 size 0x10_0000 ways 16 }
pagetable s1 stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw x pages
  map 0x4000_0000 size 0x40_0000 to 0x8100_0000 normal_wb ish rw xn pages
}
pagetable s2 stage 2 at 0x80a0_0000 t0sz 32 sl0 1 pool 0x80a1_0000 size 0x1_0000 {
  map 0x8000_0000 size 0x200_0000 to 0x8000_0000 normal_wb ish rw x
}
${pe(0)}
${pe(1)}
code at 0x8000_0000 {
start:
    mov   x5, #${LINES_PER_PE}
fill:
    str   x5, [x11], #64
    subs  x5, x5, #1
    b.ne  fill
${LOOP}
}
`;
}

/** The loop alone on 1 PE (cache model on, MMU off): time travel and debugger figures. */
function loopScenario(iterations: number): string {
  return `scenario "bench: time travel loop"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model on
  max_steps ${iterations * 5 + 1000}
}
pe 0 {
  el 1
  entry loop
  x0 = ${iterations}
  x10 = 0x8000_8000
}
code at 0x8000_0000 {
${LOOP}
}
`;
}

function model(text: string, name: string): ScenarioModel {
  const m = parseScenario(text, `${name}.armscope`);
  applyPageTables(m);
  const errors = m.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${name}: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  return m;
}

/** CPU seconds `f` takes. */
function cpu(f: () => void): number {
  return cpuTimed(f).seconds;
}

async function cpuAsync(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.cpuUsage();
  await f();
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1e6;
}

/** Bytes retained after a full GC while the object `make` returns is alive. */
function retainedWith(make: () => object): number {
  const alive = make();
  const bytes = retained();
  return alive === undefined ? 0 : bytes;
}

/** Bytes retained by the heap and array buffers after a full GC. */
function retained(): number {
  gc();
  gc();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface CheckpointFigures {
  plainSeconds: number;
  checkpointSeconds: number;
  checkpoints: number;
  steps: number;
  cachedLines: number;
  /** Bytes retained per checkpoint (after GC), and in total for all of them. */
  bytesPerCheckpoint: number;
  rssMb: number;
  snapshotMs: number;
  restoreMs: number;
  /** Explore-style: restore a state, take one step, fingerprint, fork; microseconds of CPU each. */
  exploreStepUs: number;
  reverse: { steps: number; seconds: number }[];
  debuggerContinueSeconds: number;
  /** The 1-minute load average when the debugger-continue figures were taken. */
  debuggerContinueLoad: number;
  runSeconds: number;
  runWithCheckpointsSeconds: number;
  /** Explore-style moves on seed 000's two-PE scenario (bug-two-pes.armscope), µs of CPU each. */
  smallExploreUs: number;
  loadBefore: number;
  loadAfter: number;
}

function cachedLines(m: Machine): number {
  const mem = m.memory as unknown as { summaries?(): { lines: unknown[] }[] };
  return mem.summaries?.().reduce((n, s) => n + s.lines.length, 0) ?? 0;
}

function checkpointRows(
  md: ScenarioModel,
  repeats: number,
): Pick<CheckpointFigures, 'plainSeconds' | 'checkpointSeconds' | 'checkpoints' | 'steps' | 'cachedLines' | 'bytesPerCheckpoint' | 'rssMb' | 'snapshotMs' | 'restoreMs' | 'exploreStepUs'> {
  const opts: MachineOptions = {};
  // Warm-up (bench/warm.ts): both paths optimised before timing.
  warmUp(() => Machine.create(md, { ...opts, maxSteps: 200_000 }).run());
  warmUp(() => Machine.create(md, { ...opts, maxSteps: 200_000, checkpointInterval: CHECKPOINT_INTERVAL }).run());
  let plain = Infinity;
  let withCp = Infinity;
  let steps = 0;
  let lines = 0;
  for (let i = 0; i < repeats; i++) {
    const a = Machine.create(md, opts);
    plain = Math.min(plain, cpu(() => a.run()));
    steps = a.steps;
    lines = cachedLines(a);
    const b = Machine.create(md, { ...opts, checkpointInterval: CHECKPOINT_INTERVAL });
    withCp = Math.min(withCp, cpu(() => b.run()));
    if (b.steps !== a.steps) throw new Error(`checkpointed run took ${b.steps} steps, the plain run ${a.steps}`);
  }
  // Memory: a plain machine at the end of the run against a checkpointed one.
  const base = retainedWith(() => {
    const plainMachine = Machine.create(md, opts);
    plainMachine.run();
    return plainMachine;
  });
  const cp = Machine.create(md, { ...opts, checkpointInterval: CHECKPOINT_INTERVAL });
  cp.run();
  const withCheckpoints = retained();
  const n = cp.checkpointSteps().length - 1;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  // One snapshot and one restore, in the middle of the loop (32k lines cached, a few changed since).
  const m = Machine.create(md, { ...opts, checkpointInterval: CHECKPOINT_INTERVAL });
  m.run(300_000);
  const snaps: number[] = [];
  const restores: number[] = [];
  for (let i = 0; i < 7; i++) {
    m.run(1000);
    let s: ReturnType<Machine['snapshot']> | undefined;
    snaps.push(cpu(() => (s = m.snapshot())) * 1000);
    m.run(CHECKPOINT_INTERVAL);
    restores.push(cpu(() => m.restore(s!)) * 1000);
  }
  // Explore-style: from a state, restore it, step one PE, fingerprint, fork the result; go on from there.
  const moves = 5000;
  let cur = m.fork();
  const explore = cpu(() => {
    for (let i = 0; i < moves; i++) {
      m.restore(cur);
      m.apply({ kind: 'pe-step', pe: i & 1 });
      m.stateHash();
      cur = m.fork();
    }
  });
  return {
    exploreStepUs: (explore / moves) * 1e6,
    plainSeconds: plain,
    checkpointSeconds: withCp,
    checkpoints: n,
    steps,
    cachedLines: lines,
    bytesPerCheckpoint: (withCheckpoints - base) / Math.max(1, n),
    rssMb,
    snapshotMs: median(snaps),
    restoreMs: median(restores),
  };
}

/** Reverse continue with no breakpoint from step `n` back to step 0 (the whole history), debugger defaults. */
async function reverseContinue(steps: number): Promise<number> {
  const c = controller(model(loopScenario(Math.ceil(steps / 5) + 10), 'reverse'));
  const m = c.machine;
  m.run(steps);
  c.frontier = m.steps;
  const s = await cpuAsync(() => c.reverseContinue());
  if (m.steps !== 0) throw new Error(`reverse continue stopped at step ${m.steps}, not 0`);
  return s;
}

/** A controller as VS Code starts one: the exception filters that are on by default. */
function controller(md: ScenarioModel): DebugController {
  const c = new DebugController(md, {});
  for (const f of exceptionFilters()) if (f.default === true) c.stops.filters.add(f.filter);
  return c;
}

/**
 * Debugger continue (default exception filters, checkpoints every 10,000 steps) against `Machine.run`
 * with the default options (no checkpoints) and with the debugger's checkpoints: best of 9,
 * interleaved, the order rotating (what ran just before does not always precede the same one),
 * each measurement after a few idle event-loop turns.
 */
async function debuggerContinue(iterations: number): Promise<{ debugger: number; run: number; runWithCheckpoints: number; load: number }> {
  const md = model(loopScenario(iterations), 'continue');
  const warm = controller(md);
  await warm.runForward(undefined);
  warmUp(() => Machine.create(md).run());
  const best = { debugger: Infinity, run: Infinity, runWithCheckpoints: Infinity };
  const steps: Record<keyof typeof best, number> = { debugger: 0, run: 0, runWithCheckpoints: 0 };
  const measure: Record<keyof typeof best, () => number | Promise<number>> = {
    debugger: async () => {
      const c = controller(md);
      const s = await cpuAsync(() => c.runForward(undefined));
      steps.debugger = c.machine.steps;
      return s;
    },
    run: () => {
      const m = Machine.create(md);
      const s = cpu(() => m.run());
      steps.run = m.steps;
      return s;
    },
    runWithCheckpoints: () => {
      const m = Machine.create(md, { checkpointInterval: 10_000 });
      const s = cpu(() => m.run());
      steps.runWithCheckpoints = m.steps;
      return s;
    },
  };
  const order = Object.keys(best) as (keyof typeof best)[];
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < order.length; j++) {
      const k = order[(i + j) % order.length];
      // The runtime's queued work (GC, compilation) left by the previous measurement runs now, not in
      // the next one's window: the debugger's serves the event loop while it runs, Machine.run does not.
      for (let t = 0; t < 5; t++) await new Promise((r) => setTimeout(r, 1));
      best[k] = Math.min(best[k], await measure[k]());
    }
    if (steps.debugger !== steps.run || steps.runWithCheckpoints !== steps.run) throw new Error(`debugger continue took ${steps.debugger} steps, Machine.run ${steps.run}`);
  }
  return { ...best, load: loadavg()[0] };
}

/** Explore-style moves on a small scenario: restore one of the last captures, apply an enabled action, fingerprint, fork. */
function exploreMoves(md: ScenarioModel, moves: number): number {
  const m = Machine.create(md);
  let states = [m.fork()];
  let seed = 1;
  const pick = (n: number): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fff_ffff;
    return seed % n;
  };
  const run = (): void => {
    for (let i = 0; i < moves; i++) {
      m.restore(states[states.length - 1 - pick(Math.min(states.length, 4))]);
      const enabled = m.enabledActions();
      if (enabled.length === 0 || m.stopInfo !== undefined) {
        states = [states[0]];
        continue;
      }
      m.apply(enabled[pick(enabled.length)]);
      m.stateHash();
      states.push(m.fork());
      if (states.length > 1000) states = states.slice(-100);
    }
  };
  run();
  return (cpu(run) / moves) * 1e6;
}

export async function benchCheckpoints(): Promise<CheckpointFigures> {
  const loadBefore = loadavg()[0];
  const rows = checkpointRows(model(bigCacheScenario(), 'big-cache'), 7);
  const reverse: { steps: number; seconds: number }[] = [];
  for (const steps of [1e6, 1e7]) reverse.push({ steps, seconds: await reverseContinue(steps) });
  const cont = await debuggerContinue(560_000);
  const seed000 = join(__dirname, '..', '..', 'examples', 'seed-000', 'bug-two-pes.armscope');
  const smallExploreUs = exploreMoves(model(readFileSync(seed000, 'utf8'), 'seed-000'), 20_000);
  return {
    ...rows,
    reverse,
    debuggerContinueSeconds: cont.debugger,
    debuggerContinueLoad: cont.load,
    runSeconds: cont.run,
    runWithCheckpointsSeconds: cont.runWithCheckpoints,
    smallExploreUs,
    loadBefore,
    loadAfter: loadavg()[0],
  };
}

/**
 * The same figures before copy-on-write checkpoints (commit 11b8dbe), measured
 * with this file; `load` is the 1-minute load average then (2 cores).
 */
export const BASELINE = {
  load: 13.6,
  plainSeconds: 0.163,
  checkpointSeconds: 3.682,
  bytesPerCheckpoint: 21.25 * 2 ** 20,
  snapshotMs: 52.3,
  restoreMs: 16.5,
  reverse: [
    { steps: 1e6, seconds: 0.48 },
    { steps: 1e7, seconds: 3.31 },
  ],
  debuggerContinueRatio: 1.8,
};

export function formatCheckpoints(f: CheckpointFigures): string {
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MB`;
  const ratio = f.checkpointSeconds / f.plainSeconds;
  const b = BASELINE;
  const was = (x: string): string => (Number.isNaN(b.load) ? '' : `  (before: ${x})`);
  const lines = [
    `load average ${f.loadBefore.toFixed(1)} → ${f.loadAfter.toFixed(1)} (2 cores); before: load ${b.load.toFixed(1)}`,
    `2 PEs, ${f.cachedLines.toLocaleString('en')} cached lines (stage 1+2), ${f.steps.toLocaleString('en')} steps:`,
    `  plain run                                  ${f.plainSeconds.toFixed(3)} s CPU`,
    `  with a checkpoint every ${CHECKPOINT_INTERVAL.toLocaleString('en')} (${f.checkpoints})       ${f.checkpointSeconds.toFixed(3)} s CPU  ×${ratio.toFixed(2)} the plain run (target ≤ ×1.3: ${ratio <= 1.3 ? 'met' : 'MISSED'})${was(`×${(b.checkpointSeconds / b.plainSeconds).toFixed(1)}`)}`,
    `  memory retained per checkpoint             ${mb(f.bytesPerCheckpoint)}${was(mb(b.bytesPerCheckpoint))}; RSS at the end ${f.rssMb.toFixed(0)} MB`,
    `  one snapshot                               ${f.snapshotMs.toFixed(2)} ms CPU (target < 5 ms: ${f.snapshotMs < 5 ? 'met' : 'MISSED'})${was(`${b.snapshotMs.toFixed(1)} ms`)}`,
    `  one restore                                ${f.restoreMs.toFixed(2)} ms CPU (target < 5 ms: ${f.restoreMs < 5 ? 'met' : 'MISSED'})${was(`${b.restoreMs.toFixed(1)} ms`)}`,
  ];
  lines.push(`  explore-style: restore, one step, fingerprint, fork ${f.exploreStepUs.toFixed(1)} µs CPU each (${Math.round(1e6 / f.exploreStepUs).toLocaleString('en')}/s)`);
  lines.push(`explore-style on seed 000 (2 PEs, bug-two-pes)  ${f.smallExploreUs.toFixed(1)} µs CPU each (${Math.round(1e6 / f.smallExploreUs).toLocaleString('en')}/s)`);
  for (const r of f.reverse) {
    const before = b.reverse.find((x) => x.steps === r.steps);
    const target = r.steps >= 1e7 ? `  (target < 3 s: ${r.seconds < 3 ? 'met' : 'MISSED'})` : '';
    lines.push(`reverse continue over ${r.steps.toExponential(0).replace('e+', 'e')} steps (no breakpoint)   ${r.seconds.toFixed(2)} s CPU${target}${before ? was(`${before.seconds.toFixed(1)} s`) : ''}`);
  }
  const dr = f.debuggerContinueSeconds / f.runSeconds;
  lines.push(
    `debugger continue vs Machine.run, 1 PE loop ${f.debuggerContinueSeconds.toFixed(3)} s vs ${f.runSeconds.toFixed(3)} s CPU: ×${dr.toFixed(2)} at load ${f.debuggerContinueLoad.toFixed(1)} (target ≤ ×1.3: ${dr <= 1.3 ? 'met' : 'MISSED'})${was(`×${b.debuggerContinueRatio.toFixed(1)} against Machine.run with checkpoints`)}`,
    `  (Machine.run with the debugger's checkpoints every 10,000 steps: ${f.runWithCheckpointsSeconds.toFixed(3)} s CPU, the debugger ×${(f.debuggerContinueSeconds / f.runWithCheckpointsSeconds).toFixed(2)})`,
  );
  return lines.join('\n');
}

if (require.main === module) {
  benchCheckpoints()
    .then((f) => console.log(formatCheckpoints(f)))
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
