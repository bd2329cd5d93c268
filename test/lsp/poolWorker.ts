/**
 * A stand-in for the language server's background worker (workerPool.test.ts):
 * it speaks the same protocol, and a job's text says how to misbehave —
 * `ok` answers at once, `cooperative` runs until its cancel flag is set,
 * `hang` never looks at it, `hog` allocates until the heap cap stops it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Job, WorkerMessage } from '../../language-server/backgroundJobs';

const cancel = (workerData as { cancel: Int32Array }).cancel;
const hoard: unknown[] = [];

parentPort?.on('message', (job: Job) => {
  const reply = (m: WorkerMessage) => parentPort?.postMessage(m);
  switch (job.text) {
    case 'ok':
      reply({ kind: 'result', id: job.id, outcome: { kind: 'checked', diagnostics: [], lines: 1 } });
      return;
    case 'cooperative':
      while (Atomics.load(cancel, 0) !== job.id) Atomics.wait(cancel, 0, 0, 5);
      reply({ kind: 'result', id: job.id, outcome: { kind: 'cancelled' } });
      return;
    case 'hang':
      for (;;) Atomics.wait(cancel, 0, Atomics.load(cancel, 0), 50);
    case 'hog':
      for (;;) hoard.push(new Array(1 << 20).fill(hoard.length));
  }
});
