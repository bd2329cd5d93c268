/**
 * Parallel search with worker threads (`armscope explore --jobs N`), by work
 * stealing: N jobs share one visited set in shared memory (visited.ts
 * `SharedVisitedSet`) — a state expanded by one is not expanded again by
 * another, and a revisit with fewer actions asleep takes the awake ones. The
 * main thread searches from the initial state; a job that runs out of
 * work waits, and a busy job hands it the untaken actions of its oldest
 * state (the stack frame nearest the root), with that state's sleep set and
 * the footprints of the actions it took there (search.ts `share`, `Branch`):
 * the taker replays the path to the state and searches those actions exactly
 * as the giver would have (balance.ts coordinates; the search ends when every
 * worker waits and nothing is queued). Together they reach every state the
 * sequential search reaches — the same states and outcomes (final states are
 * merged by fingerprint across workers), found in another order.
 *
 * Progress comes from the shared visited set and the workers' reports;
 * cancellation is a shared flag every worker polls with its progress.
 *
 * The main thread is job 0: it starts the search alone, and reads the
 * workers' messages between its own actions (`receiveMessageOnPort`; it waits
 * on a shared "bell" only when it has nothing to search). Workers start only
 * for a big search: each builds its own machine and V8 compiles and optimises
 * its code afresh, which on this project's small scenarios costs more than
 * the search. So they start when the main thread's search reaches
 * `PARALLEL_FROM_STATES` states; the main thread goes on meanwhile, and each
 * worker joins (`ready`) once its machine is built and takes its first work
 * from the main thread's stack. The worker's bundle runs with V8's code cache
 * (workerStart.ts). Under `memory_model promising` the search stays in this
 * thread (its thread-local reduction is checked over the whole search,
 * relaxed.ts) (docs/explore.md "--jobs").
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { MessagePort, Worker } from 'node:worker_threads';
import { parseScenario } from '../index';
import { WorkBalance, type WorkItem } from './balance';
import { exploreScenario, type ExploreOptions, type Progress } from './explore';
import { parseExploreSettings, type ExploreSettings } from './config';
import { buildResult, type ExploreResult } from './result';
import { OutcomeTable, search, type Branch, type OutcomeRow } from './search';
import { ExploreSession } from './session';
import { SharableVisited } from './visited';
import { findAction } from './witness';
import { observationOf } from './outcome';

/** What the main thread sends a worker first. */
export interface WorkerInit {
  text: string;
  file: string;
  cacheModel?: 'on' | 'off';
  settings: ExploreOptions['settings'];
  reduction: boolean;
  visited: { keys: SharedArrayBuffer; masks: SharedArrayBuffer; counter: SharedArrayBuffer };
  maxStates: number;
  cancel: SharedArrayBuffer;
  /** One flag per job (balance.ts): 1 asks job `index` to hand over a branch. */
  wanted: SharedArrayBuffer;
  index: number;
  /** Rung (incremented and notified) after each message the worker sends on `port`: the main thread waits on it. */
  bell: SharedArrayBuffer;
  port: MessagePort;
}

/**
 * node:worker_threads, loaded when workers start: a command that never starts one (most, and every
 * `explore FILE.litmus`) does not pay its load at start-up.
 */
function workerThreads(): typeof import('node:worker_threads') {
  return createRequire(__filename)('node:worker_threads') as typeof import('node:worker_threads');
}

/** Worker → main. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'progress'; transitions: number; depth: number }
  | { kind: 'shared'; branch: Branch }
  | { kind: 'item-done'; transitions: number; depth: number; bounds: string[] }
  | { kind: 'result'; rows: (OutcomeRow & { finals: number[] })[]; choiceBounds: string[] }
  | { kind: 'error'; message: string };

/** A worker thread died (exited or threw) before the search ended: the exploration fails with this message. */
export class WorkerDiedError extends Error {}

/** Main → worker. */
export type MainMessage = { kind: 'item'; item: WorkItem } | { kind: 'finish' };

/**
 * Distinct states a search must reach in this thread before worker threads
 * start (docs/explore.md, docs/limits.md). Below it the search's result is
 * the sequential one (`jobs: 1`); past it the workers join the search.
 */
export const PARALLEL_FROM_STATES = 10_000;

/** The worker's script: the compiled module next to this one (out/), or the bundled one next to the bundle (dist/). */
function workerScript(): string {
  for (const name of ['worker.js', 'explore-worker.js']) {
    const p = join(__dirname, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`the explore worker script is missing next to ${__dirname} (build with node build.mjs)`);
}

/** `Atomics.waitAsync` (ES2024, in Node since 16; past this project's TypeScript `lib`). */
function waitAsync(word: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> } {
  return (Atomics as unknown as { waitAsync: typeof waitAsync }).waitAsync(word, index, value, timeoutMs);
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/**
 * Explore a scenario with up to `jobs` worker threads, started only once the
 * search reaches `parallelFrom` states (default PARALLEL_FROM_STATES; 0:
 * start them at once). `text`/`file` are parsed here and in every worker (a
 * model cannot cross threads).
 */
export async function exploreInWorkers(text: string, file: string, options: ExploreOptions & { jobs: number; parallelFrom?: number }): Promise<ExploreResult> {
  const start = now();
  const model = parseScenario(text, file);
  const settings: ExploreSettings = { ...parseExploreSettings(model.blocks, [], model.constants), ...options.settings };
  // Under `memory_model promising` the search takes thread-local steps alone and checks, as it goes, that nothing
  // seen since depends on them (relaxed.ts): a check over the whole search, in one thread (docs/explore.md "--jobs").
  if (options.jobs <= 1 || settings.memoryModel === 'promising' || model.diagnostics.some((d) => d.severity === 'error')) return exploreScenario(model, options);
  const { MessageChannel, receiveMessageOnPort, Worker } = workerThreads();
  const from = options.parallelFrom ?? PARALLEL_FROM_STATES;
  const reduction = options.reduction ?? true;
  const table = new OutcomeTable();
  const bounds = new Set<string>();
  let transitions = 0;
  let depth = 0;
  // This thread's visited set until the workers start, then one in shared memory with its states (visited.ts
  // `SharableVisited`): each distinct state is expanded once by one job and counted once — `states` is the
  // number `--jobs 1` reports.
  const visited = new SharableVisited(settings.maxStates);
  const cancel = new SharedArrayBuffer(4);
  const cancelFlag = new Int32Array(cancel);
  const jobs = Math.max(1, options.jobs);
  const wanted = new SharedArrayBuffer(4 * jobs);
  const bell = new SharedArrayBuffer(4);
  const bellWord = new Int32Array(bell);
  const ring = (): void => {
    Atomics.add(bellWord, 0, 1);
    Atomics.notify(bellWord, 0);
  };
  /** Workers that exited or threw outside their message handler, by job index: the search cannot end without them. */
  const died = new Map<number, { code: number | undefined; error: string | undefined }>();
  /** Workers whose result came: each ends by itself then, and its 'exit' (code 0, maybe before the others' results) is no death. */
  const resulted = new Set<number>();
  // This thread is job 0; jobs 1.. are worker threads, started when the search reaches `from` states, each with
  // a channel this thread reads synchronously (`receiveMessageOnPort`) between actions of its own search.
  const ports: (MessagePort | undefined)[] = [undefined];
  const workers: Worker[] = [];
  /** Each worker's exit: after its result it ends by itself (writing its code cache when it had none, worker.ts). */
  const exits: Promise<void>[] = [];
  const startWorkers = (): void => {
    const buffers = visited.share();
    for (let index = 1; index < jobs; index++) {
      const { port1, port2 } = new MessageChannel();
      const init: WorkerInit = { text, file, cacheModel: options.cacheModel, settings: options.settings, reduction, visited: buffers, maxStates: settings.maxStates, cancel, wanted, bell, index, port: port2 };
      const worker = new Worker(workerScript(), { workerData: init, transferList: [port2] });
      // A worker that dies outright (out of memory, `process.exit`, terminated) sends nothing: its 'exit' event
      // (delivered while this thread awaits the bell, `awaitMessage`) rings the bell so the wait notices it.
      worker.on('error', (e) => {
        died.set(index, { code: died.get(index)?.code, error: e instanceof Error ? e.message : String(e) });
        ring();
      });
      worker.on('exit', (code) => {
        died.set(index, { code, error: died.get(index)?.error });
        ring();
      });
      exits.push(new Promise((resolve) => worker.once('exit', () => resolve())));
      workers.push(worker);
      ports.push(port1);
    }
    balance.start(jobs);
    dispatch();
  };
  const live = new Array<number>(jobs).fill(0);
  let lastProgress = 0;
  const progress = (): void => {
    const p: Progress = { states: visited.size + table.finals.size, transitions: transitions + live.reduce((a, b) => a + b, 0), depth, seconds: now() - start, visitedBytes: visited.bytes };
    options.onProgress?.(p);
    if (options.cancelled?.() === true) Atomics.store(cancelFlag, 0, 1);
  };
  const balance = new WorkBalance(new Int32Array(wanted));
  const mine: WorkItem[] = [];
  let ended = false;
  let results = 0;
  let failure: string | undefined;
  const dispatch = (): void => {
    if (Atomics.load(cancelFlag, 0) === 1) balance.drop();
    for (const [w, item] of balance.assign()) {
      if (w === 0) mine.push(item);
      else ports[w]!.postMessage({ kind: 'item', item } satisfies MainMessage);
    }
    if (balance.over()) {
      ended = true;
      for (let w = 1; w < ports.length; w++) ports[w]!.postMessage({ kind: 'finish' } satisfies MainMessage);
    }
  };
  const handle = (w: number, msg: WorkerMessage): void => {
    if (msg.kind === 'ready') {
      balance.join(w);
      dispatch();
    } else if (msg.kind === 'progress') {
      live[w] = msg.transitions;
      depth = Math.max(depth, msg.depth);
    } else if (msg.kind === 'shared') {
      balance.given(msg.branch);
      dispatch();
    } else if (msg.kind === 'item-done') {
      transitions += msg.transitions;
      live[w] = 0;
      depth = Math.max(depth, msg.depth);
      for (const b of msg.bounds) bounds.add(b);
      balance.idle(w);
      dispatch();
    } else if (msg.kind === 'result') {
      for (const r of msg.rows) for (const f of r.finals) table.add(f, r);
      for (const b of msg.choiceBounds) bounds.add(b);
      results++;
      resulted.add(w);
    } else failure = msg.message;
  };
  /** Handle every message the workers sent; false when there was none. */
  const pump = (): boolean => {
    let any = false;
    for (let w = 1; w < ports.length; w++) {
      for (let m = receiveMessageOnPort(ports[w]!); m !== undefined; m = receiveMessageOnPort(ports[w]!)) {
        handle(w, m.message as WorkerMessage);
        any = true;
      }
    }
    if (failure !== undefined) throw new Error(`explore worker: ${failure}`);
    if (any && now() - lastProgress > 0.1) {
      lastProgress = now();
      progress();
    }
    return any;
  };
  /**
   * Wait until a worker sends something (it rings `bell` after each message), a worker dies (its 'exit' or 'error'
   * event rings it) or a second passes. The wait is asynchronous (`Atomics.waitAsync`) so that the workers' events
   * are delivered; a worker that died before the search ended fails the exploration with its exit code
   * (docs/explore.md "--jobs"): its work item or its result is lost, and waiting for it would never end.
   */
  const awaitMessage = async (): Promise<void> => {
    const seen = Atomics.load(bellWord, 0);
    if (pump()) return;
    for (const [w, d] of died) {
      if (resulted.has(w)) continue;
      const how = d.error !== undefined ? `failed: ${d.error}` : `exited with code ${d.code ?? 'unknown'}`;
      throw new WorkerDiedError(`explore worker ${w} of ${jobs - 1} ${how} before the search ended (out of memory or killed?); no result: run again with fewer jobs (--jobs 1 searches in this thread alone)`);
    }
    const waited = waitAsync(bellWord, 0, seen, 1_000);
    if (waited.async) await waited.value;
  };
  const session = new ExploreSession(model, { cacheModel: options.cacheModel, settings: options.settings, waysBySet: options.waysBySet, checkers: options.checkers });
  const initial = session.fork();
  const obs = observationOf(model);
  const every = 64;
  let tick = 0;
  try {
    // The first item: the initial state, this thread's.
    balance.given({ path: [], sleep: [] });
    if (from === 0) startWorkers();
    dispatch();
    while (!ended) {
      const item = mine.shift();
      if (item === undefined) {
        await awaitMessage();
        continue;
      }
      session.restore(initial);
      for (const key of item.path) session.machine.take(findAction(session, key)!);
      const st = search(session, obs, table, {
        // Its own count (states and final states) is all of them until the workers start: the bound as `--jobs 1` has it.
        maxStates: settings.maxStates,
        maxDepth: settings.maxDepth,
        reduction,
        visited,
        observe: options.observe,
        progressEvery: options.progressEvery ?? 1_000,
        onProgress: (s) => {
          live[0] = s.transitions;
          depth = Math.max(depth, s.depth);
          progress();
        },
        cancelled: () => Atomics.load(cancelFlag, 0) === 1,
        share: {
          // The workers' messages are read every `every` actions of this search.
          wanted: () => {
            if (++tick % every === 0) {
              if (ports.length === 1 && visited.size >= from) startWorkers();
              pump();
            }
            return Atomics.load(balance.wanted, 0) === 1;
          },
          give: (branch) => {
            Atomics.store(balance.wanted, 0, 0);
            balance.given(branch);
            dispatch();
          },
        },
        resume: 'keys' in item ? item : undefined,
      }, item.path, item.sleep);
      transitions += st.transitions;
      live[0] = 0;
      depth = Math.max(depth, st.depth);
      for (const b of st.bounds) bounds.add(b);
      balance.idle(0);
      dispatch();
    }
    while (results < ports.length - 1) await awaitMessage();
    await Promise.all(exits);
    for (const b of session.choices.boundsHit) bounds.add(b);
    for (const b of session.relaxed?.bounds ?? []) bounds.add(b);
  } finally {
    session.detach();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  progress();
  if (Atomics.load(cancelFlag, 0) === 1) bounds.add('cancelled');
  return buildResult(model, table, {
    states: visited.size + table.finals.size,
    transitions,
    seconds: now() - start,
    depth,
    visitedBytes: visited.bytes,
    bounds,
    settings,
    reduction,
    caches: model.system.cacheModel === 'on' && options.cacheModel !== 'off' || options.cacheModel === 'on',
    // Jobs that took part: 1 when the search ended before the workers started.
    jobs: ports.length,
  });
}
