/**
 * The work the language server does off its main thread, in a worker
 * (`workerPool.ts` starts it): runs of a scenario (the background run after
 * edits and the `armscope/run` request) and checks of documents too large to
 * analyse on the main thread. The worker parses the text itself — the
 * machine's instructions are closures that cannot cross threads — and runs in
 * slices, reading between slices whether the job was cancelled (a shared
 * flag, so no message has to get through) and whether its wall time is up.
 *
 * Everything a job answers is plain data (structured-clone safe).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { formatReport } from '../simulator/cli/format';
import { Machine, type MachineOptions } from '../simulator/engine/machine';
import { buildReport, errorReport, type RunReport } from '../simulator/engine/report';
import { hasErrors } from '../simulator/engine/run';
import type { Progress } from '../simulator/explore/explore';
import type { Diagnostic } from '../simulator/scenario/model';
// The front door registers every layer's blocks and passes (page tables, caches, GIC, firmware).
import { parseScenario } from '../simulator';
import { exploreModel, type ExploreJobSettings, type ExploreSummary } from './exploreJob';

export interface RunSettings {
  maxSteps: number;
  cacheModel: 'scenario' | 'on' | 'off';
}

export type Job =
  | { kind: 'run'; id: number; text: string; file: string; settings: RunSettings; timeoutMs: number }
  | { kind: 'check'; id: number; text: string; file: string; timeoutMs: number }
  | { kind: 'explore'; id: number; text: string; file: string; settings: ExploreJobSettings; timeoutMs: number };

/** A job as submitted (the pool numbers it). */
export type JobRequest = Job extends infer J ? (J extends Job ? Omit<J, 'id'> : never) : never;

export type JobOutcome =
  /** The run ended (every PE stopped, the step budget, a checker); `text` is the report as `armscope run` prints it. */
  | { kind: 'done'; report: RunReport; text: string }
  /** The run was stopped at its wall-time limit; the report describes the machine where it stopped. */
  | { kind: 'timeout'; report: RunReport; text: string; afterMs: number }
  /** The scenario has errors: not run. */
  | { kind: 'not-run'; report: RunReport; text: string }
  /** Diagnostics of a check job. */
  | { kind: 'checked'; diagnostics: Diagnostic[]; lines: number }
  /** An exploration's summary (exploreJob.ts). */
  | { kind: 'explored'; summary: ExploreSummary }
  | { kind: 'cancelled' }
  /** `message` completes "background run …": `stopped: …`, `dropped: …` or `failed: …`. */
  | { kind: 'error'; message: string };

/** Steps per slice: a slice takes about a millisecond, so cancellation is honoured at once. */
const SLICE = 20_000;

/** `cancelled()` and the clock are read between slices. */
export function runModel(model: ReturnType<typeof parseScenario>, settings: RunSettings, timeoutMs: number, cancelled: () => boolean, now: () => number = Date.now): JobOutcome {
  if (hasErrors(model)) {
    const report = errorReport(model);
    return { kind: 'not-run', report, text: formatReport(report) };
  }
  // The setting caps runs from the editor; a scenario's own `max_steps` (part of what it means) still applies.
  const options: MachineOptions = { maxSteps: Math.min(settings.maxSteps, model.system.maxSteps) };
  if (settings.cacheModel !== 'scenario') options.cacheModel = settings.cacheModel;
  const start = now();
  const machine = Machine.create(model, options);
  while (machine.run(SLICE) === undefined) {
    if (cancelled()) return { kind: 'cancelled' };
    const elapsed = now() - start;
    if (elapsed > timeoutMs) {
      const report = buildReport(machine);
      return { kind: 'timeout', report, text: formatReport(report), afterMs: elapsed };
    }
  }
  const report = buildReport(machine);
  return { kind: 'done', report, text: formatReport(report) };
}

export function perform(job: Job, cancelled: () => boolean, progress: (p: Progress) => void = () => undefined): JobOutcome {
  try {
    const model = parseScenario(job.text, job.file);
    if (job.kind === 'check') return { kind: 'checked', diagnostics: model.diagnostics, lines: model.text.split('\n').length };
    if (cancelled()) return { kind: 'cancelled' };
    if (job.kind === 'explore') {
      const summary = exploreModel(model, job.settings, job.timeoutMs, cancelled, progress);
      return summary ? { kind: 'explored', summary } : { kind: 'cancelled' };
    }
    return runModel(model, job.settings, job.timeoutMs, cancelled);
  } catch (e) {
    return { kind: 'error', message: `failed: internal error in the simulator (please report it): ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Messages from the worker. */
export type WorkerMessage = { kind: 'ready' } | { kind: 'progress'; id: number; progress: Progress } | { kind: 'result'; id: number; outcome: JobOutcome };

/** Least time between two progress messages of a job (ms): progress is for people. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * The worker's entry (main.ts calls it when it is not the main thread):
 * jobs arrive one at a time; `workerData.cancel` is an Int32Array on shared
 * memory holding the id of the job to cancel.
 */
export function workerMain(): void {
  const port = parentPort;
  if (!port) return;
  const cancel = (workerData as { cancel: Int32Array }).cancel;
  port.on('message', (job: Job) => {
    let last = 0;
    const progress = (p: Progress): void => {
      const t = Date.now();
      if (t - last < PROGRESS_INTERVAL_MS) return;
      last = t;
      const m: WorkerMessage = { kind: 'progress', id: job.id, progress: p };
      port.postMessage(m);
    };
    const outcome = perform(job, () => Atomics.load(cancel, 0) === job.id, progress);
    let msg: WorkerMessage = { kind: 'result', id: job.id, outcome };
    try {
      port.postMessage(msg);
    } catch (e) {
      // A report that cannot be cloned is a bug in the report; answer with its message, never silence.
      msg = { kind: 'result', id: job.id, outcome: { kind: 'error', message: `failed: internal error, its result cannot be sent back (please report it): ${e instanceof Error ? e.message : String(e)}` } };
      port.postMessage(msg);
    }
  });
  const ready: WorkerMessage = { kind: 'ready' };
  port.postMessage(ready);
}
