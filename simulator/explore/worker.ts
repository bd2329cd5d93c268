/**
 * A worker thread of a parallel exploration (parallel.ts): builds its own
 * machine from the scenario text, then takes work items — replays the item's
 * path from the initial state and searches below it (search.ts) with the
 * shared visited set — until the main thread says `finish`; then sends its
 * outcome rows with the final states behind them.
 *
 * Bundled as dist/explore-worker.js (build.mjs); compiled as
 * out/simulator/explore/worker.js for the tests.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseScenario } from '../index';
import { observationOf } from './outcome';
import type { WorkerInit, WorkerMessage, WorkItem } from './parallel';
import { OutcomeTable, search } from './search';
import { ExploreSession } from './session';
import { SharedVisitedSet } from './visited';
import { findAction } from './witness';

function run(init: WorkerInit): void {
  const port = parentPort!;
  const model = parseScenario(init.text, init.file);
  const session = new ExploreSession(model, { cacheModel: init.cacheModel, settings: init.settings });
  const start = session.fork();
  const obs = observationOf(model);
  const table = new OutcomeTable();
  const visited = new SharedVisitedSet(init.visited, init.maxStates);
  const cancel = new Int32Array(init.cancel);
  const send = (m: WorkerMessage): void => port.postMessage(m);
  port.on('message', (msg: { kind: 'item'; item: WorkItem } | { kind: 'finish' }) => {
    if (msg.kind === 'finish') {
      send({ kind: 'result', rows: [...table.rows.values()].map((r) => ({ ...r, finals: table.finalsOf(r) })), choiceBounds: [...session.choices.boundsHit] });
      return;
    }
    session.restore(start);
    // The path is a prefix of explored executions: every action in it is enabled in turn (the machine is deterministic).
    for (const key of msg.item.path) session.machine.take(findAction(session, key)!);
    const st = search(session, obs, table, {
      maxStates: Number.MAX_SAFE_INTEGER,
      maxDepth: session.settings.maxDepth,
      reduction: init.reduction,
      visited,
      progressEvery: 5_000,
      onProgress: (s) => send({ kind: 'progress', transitions: s.transitions, depth: s.depth }),
      cancelled: () => Atomics.load(cancel, 0) === 1,
    }, msg.item.path, msg.item.sleep);
    send({ kind: 'item-done', transitions: st.transitions, depth: st.depth, bounds: [...st.bounds] });
  });
}

if (!isMainThread && parentPort !== null) run(workerData as WorkerInit);
