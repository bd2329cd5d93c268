/**
 * Runs one check per input in a worker thread with a watchdog and a heap
 * limit, for the long campaigns of `npm run fuzz`: an input that runs past
 * `hangMs` is a hang (the worker is terminated and replaced), one that throws
 * out of the check, exhausts the worker's heap or kills it is a crash. The
 * check is a function exported by a compiled module: `(input) => string |
 * undefined` (a problem description, or nothing when the input was handled
 * as promised).
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';

export type Verdict = { kind: 'ok' } | { kind: 'problem'; detail: string } | { kind: 'crash'; detail: string } | { kind: 'hang' };

interface Reply {
  id: number;
  problem?: string;
  threw?: string;
}

export class Isolated {
  private worker: Worker | undefined;
  private nextId = 0;
  private pending: { id: number; settle: (v: Verdict) => void } | undefined;
  /** Workers in a row that died before loading the check: a broken campaign, not a finding. */
  private deadOnArrival = 0;
  private answered = false;

  constructor(
    /** Absolute path of the compiled module that exports the check. */
    private readonly module: string,
    private readonly fn: string,
    private readonly limits: { hangMs: number; heapMb: number },
  ) {}

  private start(): Worker {
    const w = new Worker(join(__dirname, 'isolatedWorker.js'), {
      workerData: { modulePath: this.module, fn: this.fn },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb },
      stdout: true,
      stderr: true,
    });
    w.on('message', (r: Reply) => {
      this.answered = true;
      this.deadOnArrival = 0;
      if (this.pending?.id !== r.id) return;
      const settle = this.pending.settle;
      this.pending = undefined;
      settle(r.threw !== undefined ? { kind: 'crash', detail: r.threw } : r.problem !== undefined ? { kind: 'problem', detail: r.problem } : { kind: 'ok' });
    });
    const died = (detail: string): void => {
      if (this.worker === w) this.worker = undefined;
      if (!this.answered && ++this.deadOnArrival >= 3) this.broken = detail;
      const p = this.pending;
      this.pending = undefined;
      p?.settle({ kind: 'crash', detail });
    };
    w.on('error', (e: Error) => died(`worker error: ${e.message.split('\n')[0]}`));
    w.on('exit', (code) => died(`worker exited with code ${code}`));
    return w;
  }

  /** Set when workers keep dying before their first answer (the check module does not load). */
  broken: string | undefined;

  /** Check one input; rejects only when the check itself cannot run (`broken`). */
  check(input: unknown): Promise<Verdict> {
    if (this.broken !== undefined) return Promise.reject(new Error(`the check cannot run: ${this.broken}`));
    if (this.worker === undefined) {
      this.answered = false;
      this.worker = this.start();
    }
    const w = this.worker;
    const id = this.nextId++;
    return new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        this.worker = undefined;
        void w.terminate();
        resolve({ kind: 'hang' });
      }, this.limits.hangMs);
      this.pending = {
        id,
        settle: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      };
      w.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

/** Peak resident set size of this process (workers included), in MB. */
export function maxRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
