/**
 * Debug-adapter latency (issue #6 targets): a step round-trip (request →
 * `stopped` event) under 10 ms; a reverse step at step 1,000,000 under
 * 200 ms. Measured over stdio against dist/debug-adapter.js with the DAP test
 * client, on a 1-PE loop with the cache model on (checkpoint every 10,000
 * steps, the adapter's default).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DebugClient } from '@vscode/debugadapter-testsupport';

export interface DapBenchResult {
  name: string;
  /** Median milliseconds (or the single measurement). */
  ms: number;
  targetMs?: number;
}

const ROOT = path.resolve(__dirname, '..', '..');

function loop(iterations: number): string {
  return `scenario "DAP bench loop"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model on
  max_steps 2000000
}
pe 0 {
  el 1
  entry start
  x0 = ${iterations}
  x10 = 0x8000_8000
}
code at 0x8000_0000 {
start:
    add   x1, x1, #1
    eor   x2, x2, x1
    ldr   x3, [x10]
    add   x3, x3, x2
    str   x3, [x10]
    subs  x0, x0, #1
    b.ne  start
    hlt   #0
}
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** dist/debug-adapter.js, rebuilt when missing or older than the adapter sources. */
function adapter(): string {
  const out = path.join(ROOT, 'dist', 'debug-adapter.js');
  const src = path.join(ROOT, 'debug-adapter', 'session.ts');
  if (!existsSync(out) || (existsSync(src) && statSync(src).mtimeMs > statSync(out).mtimeMs)) spawnSync('node', ['build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  return out;
}

async function stopAfter(dc: DebugClient, command: string): Promise<number> {
  const t = performance.now();
  await Promise.all([dc.send(command, { threadId: 1 }), dc.waitForEvent('stopped', 60_000)]);
  return performance.now() - t;
}

export async function benchDap(): Promise<DapBenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'armscope-dap-bench-'));
  const file = path.join(dir, 'loop.armscope');
  writeFileSync(file, loop(200_000));
  const out: DapBenchResult[] = [];
  const dc = new DebugClient('node', adapter(), 'armscope');
  await dc.start();
  try {
    const config = (async () => {
      await dc.waitForEvent('initialized');
      await dc.setExceptionBreakpointsRequest({ filters: [] });
      await dc.configurationDoneRequest();
    })();
    await Promise.all([config, dc.launch({ program: file, stopOnEntry: true, maxSteps: 1_000_000 }), dc.waitForEvent('stopped')]);
    // Forward steps at the frontier of the run.
    const steps: number[] = [];
    for (let i = 0; i < 50; i++) steps.push(await stopAfter(dc, 'next'));
    out.push({ name: 'step (next) round-trip, 1 PE, cache model on', ms: median(steps), targetMs: 10 });
    // Run to step 1,000,000 (the budget), then step back.
    const runMs = await stopAfter(dc, 'continue');
    const status = (await dc.customRequest('armscope/status')).body as { step: number; checkpoints: number };
    if (status.step !== 1_000_000) throw new Error(`expected the run to stop at step 1,000,000, it is at ${status.step}`);
    out.push({ name: `continue to step 1,000,000 (${status.checkpoints} checkpoints)`, ms: runMs });
    const backs: number[] = [];
    for (let i = 0; i < 7; i++) backs.push(await stopAfter(dc, 'stepBack'));
    const after = (await dc.customRequest('armscope/status')).body as { step: number };
    if (after.step !== 1_000_000 - 7) throw new Error(`expected step 999,993 after 7 steps back, at ${after.step}`);
    out.push({ name: 'step back at step 1,000,000 round-trip', ms: median(backs), targetMs: 200 });
    // Reverse continue to the latest loop-head arrival (a function breakpoint on `start`).
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'start' }] });
    const rc: number[] = [];
    for (let i = 0; i < 3; i++) rc.push(await stopAfter(dc, 'reverseContinue'));
    out.push({ name: 'reverse continue to a breakpoint near step 1,000,000', ms: median(rc) });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    // Forward again through the recorded history (replay path).
    const replays: number[] = [];
    for (let i = 0; i < 5; i++) replays.push(await stopAfter(dc, 'next'));
    out.push({ name: 'step forward after stepping back (replay)', ms: median(replays), targetMs: 10 });
  } finally {
    await dc.stop();
  }
  return out;
}

export function formatDapBench(results: DapBenchResult[]): string {
  const w = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => `${r.name.padEnd(w)}  ${r.ms.toFixed(2).padStart(9)} ms${r.targetMs !== undefined ? `  (target < ${r.targetMs} ms: ${r.ms < r.targetMs ? 'met' : 'MISSED'})` : ''}`)
    .join('\n');
}

if (require.main === module) {
  benchDap()
    .then((r) => console.log(formatDapBench(r)))
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
