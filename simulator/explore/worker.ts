/**
 * A worker thread of a parallel exploration (parallel.ts): builds its own
 * machine from the scenario text, then takes work items — replays the item's
 * path from the initial state and searches below it (search.ts) with the
 * shared visited set, handing the untaken actions of its oldest state to the
 * main thread whenever its `wanted` flag asks for them (work stealing,
 * balance.ts) — until the main thread says `finish`; then sends its outcome
 * rows with the final states behind them.
 *
 * Says `ready` once its machine is built (the main thread hands it work from
 * then on), and ends by itself after `finish`: it closes its port, so the
 * thread exits and its code cache is written when it had none
 * (simulator/util/codeCache.ts).
 *
 * Bundled as dist/explore-worker-main.js, started by the launcher
 * dist/explore-worker.js (workerStart.ts: the code cache) (build.mjs);
 * compiled as out/simulator/explore/worker.js for the tests.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseScenario } from '../index';
import { observationOf } from './outcome';
import type { MainMessage, WorkerInit, WorkerMessage } from './parallel';
import { OutcomeTable, search } from './search';
import { ExploreSession } from './session';
import { SharedVisitedSet } from './visited';
import { findAction } from './witness';

function run(init: WorkerInit): void {
  const port = init.port;
  const bell = new Int32Array(init.bell);
  const model = parseScenario(init.text, init.file);
  const session = new ExploreSession(model, { cacheModel: init.cacheModel, settings: init.settings });
  const start = session.fork();
  const obs = observationOf(model);
  const table = new OutcomeTable();
  const visited = new SharedVisitedSet(init.visited, init.maxStates);
  const cancel = new Int32Array(init.cancel);
  const wanted = new Int32Array(init.wanted);
  const me = init.index;
  /** The main thread reads messages between actions of its own search, or waits on the bell. */
  const send = (m: WorkerMessage): void => {
    port.postMessage(m);
    Atomics.add(bell, 0, 1);
    Atomics.notify(bell, 0);
  };
  port.on('message', (msg: MainMessage) => {
    try {
      take(msg);
    } catch (e) {
      send({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
  // Test-only hook (test/explore/workerExit.test.ts, docs/explore.md): after N items this worker dies outright
  // on its next one, or at `finish` when it got no more (it joins when ready: maybe too late for any), as out of
  // memory would — the main thread must notice, not wait forever.
  const exitAfter = Number(process.env.ARMSCOPE_TEST_WORKER_EXIT ?? NaN);
  let items = 0;
  // Test-only hook (workerExit.test.ts): every worker but worker 1 sends its result this many ms late, so that
  // worker 1 has ended (normally, after its result) while the main thread still waits for the others' results.
  const lateResultMs = Number(process.env.ARMSCOPE_TEST_WORKER_LATE_RESULT ?? 0);
  const take = (msg: MainMessage): void => {
    if (msg.kind === 'item' ? items++ === exitAfter : !Number.isNaN(exitAfter)) process.exit(7);
    if (msg.kind === 'finish') {
      if (me > 1 && lateResultMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, lateResultMs);
      send({ kind: 'result', rows: [...table.rows.values()].map((r) => ({ ...r, finals: table.finalsOf(r) })), choiceBounds: [...session.choices.boundsHit] });
      // Nothing more comes: the thread ends by itself (its code cache is written at exit, codeCache.ts).
      port.close();
      return;
    }
    const item = msg.item;
    session.restore(start);
    // The path is a prefix of explored executions: every action in it is enabled in turn (the machine is deterministic).
    for (const key of item.path) session.machine.take(findAction(session, key)!);
    const st = search(
      session,
      obs,
      table,
      {
        maxStates: Number.MAX_SAFE_INTEGER,
        maxDepth: session.settings.maxDepth,
        reduction: init.reduction,
        visited,
        progressEvery: 5_000,
        onProgress: (s) => send({ kind: 'progress', transitions: s.transitions, depth: s.depth }),
        cancelled: () => Atomics.load(cancel, 0) === 1,
        share: {
          wanted: () => Atomics.load(wanted, me) === 1,
          give: (branch) => {
            Atomics.store(wanted, me, 0);
            send({ kind: 'shared', branch });
          },
        },
        resume: 'keys' in item ? item : undefined,
      },
      item.path,
      item.sleep,
    );
    send({ kind: 'item-done', transitions: st.transitions, depth: st.depth, bounds: [...st.bounds] });
  };
  send({ kind: 'ready' });
}

if (!isMainThread && parentPort !== null) {
  try {
    run(workerData as WorkerInit);
  } catch (e) {
    // The main thread waits on the bell, not on this thread's events: say it.
    const init = workerData as WorkerInit;
    init.port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
    Atomics.add(new Int32Array(init.bell), 0, 1);
    Atomics.notify(new Int32Array(init.bell), 0);
  }
}
