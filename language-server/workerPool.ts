/**
 * The language server's background worker, seen from the main thread: one
 * worker thread (the machine class has two cores: the main thread keeps one
 * for requests), jobs queued first in, first out, each answered exactly once.
 *
 * Nothing a job does can stall the server or kill it:
 * - cancellation sets a flag on shared memory that the job reads between
 *   slices; a job that does not stop within WORKER_GRACE_MS is terminated
 *   with its worker, and a new worker starts for the next job;
 * - a job that is still running WORKER_GRACE_MS after its own wall-time limit
 *   (e.g. stuck inside one long step) is terminated the same way;
 * - the worker's heap is capped (WORKER_HEAP_MB): a job that needs more ends
 *   the worker (answered with an error), not the server.
 */
import { Worker } from 'node:worker_threads';
import type { Progress } from '../simulator/explore/explore';
import type { Job, JobOutcome, JobRequest, WorkerMessage } from './backgroundJobs';
import { MAX_QUEUED_JOBS, WORKER_GRACE_MS, WORKER_HEAP_MB } from './limits';

interface Pending {
  job: Job;
  resolve: (o: JobOutcome) => void;
  onProgress?: (p: Progress) => void;
}

export interface PoolStats {
  /** Workers started (a new one after each termination). */
  started: number;
  /** Workers terminated because a job overran or ignored its cancellation. */
  terminated: number;
  completed: number;
}

export interface PoolOptions {
  /** Heap cap of the worker (MB). */
  heapMb?: number;
  /** Grace after a timeout or cancel before the worker is terminated (ms). */
  graceMs?: number;
}

export class WorkerPool {
  private worker: Worker | undefined;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly queue: Pending[] = [];
  private running: Pending | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private nextId = 1;
  private disposed = false;
  readonly stats: PoolStats = { started: 0, terminated: 0, completed: 0 };

  private readonly heapMb: number;
  private readonly graceMs: number;

  constructor(
    private readonly script: string,
    private readonly log: (message: string) => void = () => undefined,
    options: PoolOptions = {},
  ) {
    this.heapMb = options.heapMb ?? WORKER_HEAP_MB;
    this.graceMs = options.graceMs ?? WORKER_GRACE_MS;
  }

  /** Queue a job; the promise always resolves (never rejects). `onProgress`: the job's progress (explorations report it). */
  submit(request: JobRequest, onProgress?: (p: Progress) => void): { id: number; outcome: Promise<JobOutcome> } {
    const id = this.nextId++;
    const job: Job = { ...request, id };
    if (this.disposed) return { id, outcome: Promise.resolve({ kind: 'cancelled' }) };
    const outcome = new Promise<JobOutcome>((resolve) => {
      this.queue.push({ job, resolve, onProgress });
    });
    if (this.queue.length > MAX_QUEUED_JOBS) {
      const dropped = this.queue.shift()!;
      dropped.resolve({ kind: 'error', message: `dropped: more than ${MAX_QUEUED_JOBS} background jobs were waiting` });
    }
    this.pump();
    return { id, outcome };
  }

  /** Cancel a queued or running job (answered `cancelled`). Unknown or finished ids are ignored. */
  cancel(id: number): void {
    const i = this.queue.findIndex((p) => p.job.id === id);
    if (i >= 0) {
      this.queue.splice(i, 1)[0].resolve({ kind: 'cancelled' });
      return;
    }
    if (this.running?.job.id !== id) return;
    Atomics.store(this.cancelFlag, 0, id);
    this.arm(this.graceMs, 'did not stop when cancelled');
  }

  /** Jobs waiting or running. */
  get busy(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.resolve({ kind: 'cancelled' });
    this.finish({ kind: 'cancelled' });
    if (this.worker) void this.worker.terminate();
    this.worker = undefined;
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    const worker = this.ensureWorker();
    if (!worker) {
      next.resolve({ kind: 'error', message: 'failed: the background worker could not be started' });
      this.pump();
      return;
    }
    this.running = next;
    Atomics.store(this.cancelFlag, 0, 0);
    this.arm(next.job.timeoutMs + this.graceMs, `ran past its ${next.job.timeoutMs / 1000} s limit`);
    worker.postMessage(next.job);
  }

  /** Terminate the worker if the running job is still running after `ms`. */
  private arm(ms: number, why: string): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const id = this.running?.job.id;
    this.watchdog = setTimeout(() => {
      if (this.running?.job.id !== id) return;
      this.stats.terminated++;
      this.log(`background job ${id} ${why}: worker terminated`);
      const cancelled = Atomics.load(this.cancelFlag, 0) === id;
      this.restart();
      this.finish(cancelled ? { kind: 'cancelled' } : { kind: 'error', message: `stopped: it ${why}` });
    }, ms);
    this.watchdog.unref();
  }

  private finish(outcome: JobOutcome): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const done = this.running;
    this.running = undefined;
    if (done) {
      this.stats.completed++;
      done.resolve(outcome);
    }
    this.pump();
  }

  private restart(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate();
    }
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    let w: Worker;
    try {
      w = new Worker(this.script, {
        workerData: { cancel: this.cancelFlag },
        resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
        // The worker's output must never reach the server's stdout (the LSP channel): it goes to the log.
        stdout: true,
        stderr: true,
      });
      w.stdout.on('data', (d: Buffer) => this.log(`background worker: ${d.toString().trimEnd()}`));
      w.stderr.on('data', (d: Buffer) => this.log(`background worker: ${d.toString().trimEnd()}`));
    } catch (e) {
      this.log(`background worker failed to start: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    this.stats.started++;
    w.unref();
    w.on('message', (m: WorkerMessage) => {
      if (m.kind === 'result' && this.running?.job.id === m.id) this.finish(m.outcome);
      else if (m.kind === 'progress' && this.running?.job.id === m.id) this.running.onProgress?.(m.progress);
    });
    w.on('error', (e: Error & { code?: string }) => {
      // ERR_WORKER_OUT_OF_MEMORY: the heap cap. Anything else: a bug, reported with its message.
      const message = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `stopped: it needed more than ${this.heapMb} MB of memory` : `failed: the background worker stopped on an error: ${e.message}`;
      this.log(message);
      if (this.worker === w) this.worker = undefined;
      this.finish({ kind: 'error', message });
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.finish({ kind: 'error', message: 'failed: the background worker exited' });
    });
    this.worker = w;
    return w;
  }
}
