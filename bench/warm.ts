/**
 * One warm-up and one clock for every bench (run.ts, caches.ts, translation.ts,
 * core.ts, isa.ts, parse.ts, checkpoints.ts, sideBySide.ts): the machine is
 * shared (load 10–25 on 2 cores) and V8 optimises on a background thread that
 * a loaded machine starves, so a single warm-up call can leave the measured
 * runs in the tiers before the optimised code. Each workload therefore runs
 * until it has used WARM_CPU_SECONDS of this process's CPU time (at least
 * once), and every figure is CPU time (user + system) of this process, not
 * wall time: waiting for a core is not simulation cost.
 */
import { loadavg } from 'node:os';

/** CPU time each workload runs for before it is measured. */
export const WARM_CPU_SECONDS = 1;

/** CPU seconds (user + system) of this process since `t0`. */
export function cpuSince(t0: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1e6;
}

/** Run `fn` until it has used `seconds` of CPU time (at least once). */
export function warmUp(fn: () => unknown, seconds = WARM_CPU_SECONDS): void {
  const t0 = process.cpuUsage();
  do fn();
  while (cpuSince(t0) < seconds);
}

/** `fn`'s result and the CPU seconds it took. */
export function cpuTimed<T>(fn: () => T): { value: T; seconds: number } {
  const t0 = process.cpuUsage();
  const value = fn();
  return { value, seconds: cpuSince(t0) };
}

/** The load average (1, 5, 15 min) as printed next to figures: `14.2 12.9 9.8`. */
export function loadText(load: readonly number[] = loadavg()): string {
  return load.map((x) => x.toFixed(1)).join(' ');
}
