/**
 * Parallel search with worker threads (`armscope explore --jobs N`): the
 * main thread searches the first levels itself and cuts the search at a
 * *split depth* into work items — a state's path from the initial state and
 * its sleep set — which N workers take one at a time (each replays the path
 * on its own machine and searches below it, search.ts). All share one visited
 * set in shared memory (visited.ts `SharedVisitedSet`): a state expanded by
 * one worker is not expanded again by another, and a revisit with fewer
 * actions asleep takes the awake ones, so the workers together reach every
 * state the sequential search reaches — the same outcomes (final states are
 * merged by fingerprint across workers), found in another order.
 *
 * Progress comes from the shared visited set and the workers' reports;
 * cancellation is a shared flag every worker polls with its progress.
 *
 * Workers start only for a big search: each parses the scenario and builds
 * its own machine, and on this project's small scenarios that costs several
 * times the search itself. So the search first runs in this thread with
 * `PARALLEL_FROM_STATES` as its state bound; only a search that reaches that
 * bound is run again with the workers (docs/explore.md "--jobs").
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Worker as WorkerThread } from 'node:worker_threads';
import { parseScenario } from '../index';
import { exploreScenario, type ExploreOptions, type Progress } from './explore';
import { parseExploreSettings, type ExploreSettings } from './config';
import { observationOf } from './outcome';
import { buildResult, type ExploreResult } from './result';
import { OutcomeTable, search, type OutcomeRow, type SleepEntry } from './search';
import { ExploreSession } from './session';
import { SharedVisitedSet, VisitedSet } from './visited';

/** A work item: the state reached by `path` from the initial state, with what is asleep there. */
export interface WorkItem {
  path: string[];
  sleep: SleepEntry[];
}

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
}

/**
 * node:worker_threads, loaded when workers start: a command that never starts one (most, and every
 * `explore FILE.litmus`) does not pay its load at start-up.
 */
function workerThreads(): { Worker: typeof WorkerThread } {
  return createRequire(__filename)('node:worker_threads') as { Worker: typeof WorkerThread };
}

/** Worker → main. */
export type WorkerMessage =
  | { kind: 'progress'; transitions: number; depth: number }
  | { kind: 'item-done'; transitions: number; depth: number; bounds: string[] }
  | { kind: 'result'; rows: (OutcomeRow & { finals: number[] })[]; choiceBounds: string[] };

/**
 * Distinct states a search must reach in this thread before worker threads
 * start (docs/explore.md, docs/limits.md). Below it the search's result is
 * the sequential one (`jobs: 1`); past it the search starts again with the
 * workers, having spent at most this many states.
 */
export const PARALLEL_FROM_STATES = 20_000;

/** Work items per worker the main thread aims for: enough to even out unequal subtrees. */
const ITEMS_PER_JOB = 16;

/** The worker's script: the compiled module next to this one (out/), or the bundled one next to the bundle (dist/). */
function workerScript(): string {
  for (const name of ['worker.js', 'explore-worker.js']) {
    const p = join(__dirname, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`the explore worker script is missing next to ${__dirname} (build with node build.mjs)`);
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
  const settings: ExploreSettings = { ...parseExploreSettings(model.blocks), ...options.settings };
  const from = options.parallelFrom ?? PARALLEL_FROM_STATES;
  /** What the search in this thread leaves the workers when it stops at `from` states. */
  const handOver: NonNullable<ExploreOptions['handOver']> = {};
  let firstDepth = 0;
  const firstBounds: string[] = [];
  if (from > 0 || options.jobs <= 1) {
    // In this thread first: a search that stays below `from` states (or ends for another reason) is the result.
    const bound = options.jobs <= 1 ? settings.maxStates : Math.min(from, settings.maxStates);
    const first = exploreScenario(model, { ...options, settings: { ...options.settings, maxStates: bound }, handOver: bound < settings.maxStates ? handOver : undefined });
    if (bound === settings.maxStates || !first.bounds.hit.includes('max-states') || first.bounds.hit.includes('cancelled')) return first;
    firstDepth = first.depth;
    firstBounds.push(...first.bounds.hit.filter((b) => b !== 'max-states'));
  }
  const session = new ExploreSession(model, { cacheModel: options.cacheModel, settings: options.settings });
  const reduction = options.reduction ?? true;
  const table = new OutcomeTable();
  const obs = observationOf(model);
  const bounds = new Set<string>();
  let transitions = 0;
  let depth = 0;
  // 1. The first levels here: deepen the split until there are enough items (or the search is over).
  let items: WorkItem[] = [];
  /** The states this thread expanded above the split, and the fingerprints of the states it handed to workers. */
  let above: VisitedSet | undefined;
  let handed = new Set<number>();
  const open = new Set(handOver.open ?? []);
  for (let splitDepth = 1; ; splitDepth++) {
    items = [];
    const local = new OutcomeTable();
    session.restore(initial(session));
    above = new VisitedSet(settings.maxStates);
    // The states the first search in this thread expanded fully are expanded states too (their subtrees were
    // searched): neither this search nor the workers search them again — work items are cut from what it left
    // open (its stack and the state the bound cut), which is searched afresh.
    handOver.visited?.forEach((hash, m0, m1) => {
      if (!open.has(hash)) above!.visit(hash, m0, m1);
    });
    const emitted = (handed = new Set<number>());
    const st = search(session, obs, local, {
      maxStates: settings.maxStates,
      maxDepth: settings.maxDepth,
      reduction,
      visited: above,
      split: {
        depth: splitDepth,
        emit: (path, sleep) => {
          items.push({ path, sleep });
          // The machine is in the emitted state: its fingerprint, as the search took it.
          emitted.add(session.fingerprint(session.timeMatters()));
        },
      },
    });
    if (items.length >= ITEMS_PER_JOB * options.jobs || items.length === 0 || splitDepth >= settings.maxDepth || st.bounds.size > 0) {
      for (const r of local.rows.values()) for (const f of local.finalsOf(r)) table.add(f, r);
      for (const b of st.bounds) bounds.add(b);
      transitions += st.transitions;
      depth = Math.max(depth, st.depth);
      break;
    }
  }
  for (const b of session.choices.boundsHit) bounds.add(b);
  session.detach();

  // 2. The workers, sharing one visited set.
  const buffers = SharedVisitedSet.buffers(settings.maxStates);
  SharedVisitedSet.initMasks(buffers);
  const shared = new SharedVisitedSet(buffers, settings.maxStates);
  // The states expanded here are expanded states of the one search: a worker reaching one takes only the
  // actions asleep here and awake there, as the sequential search would, and each distinct state is
  // counted once — `states` is the number `--jobs 1` reports. A state handed to a worker is the
  // worker's to expand (its first visit there is fresh).
  above?.forEach((hash, m0, m1) => {
    if (!handed.has(hash)) shared.visit(hash, m0, m1);
  });
  // The final states the first search in this thread found (parallel.ts `handOver`).
  if (handOver.table !== undefined) for (const r of handOver.table.rows.values()) for (const f of handOver.table.finalsOf(r)) table.add(f, r);
  transitions += handOver.transitions ?? 0;
  depth = Math.max(depth, firstDepth);
  for (const b of firstBounds) bounds.add(b);
  const cancel = new SharedArrayBuffer(4);
  const cancelFlag = new Int32Array(cancel);
  const init: WorkerInit = { text, file, cacheModel: options.cacheModel, settings: options.settings, reduction, visited: buffers, maxStates: settings.maxStates, cancel };
  const jobs = Math.max(1, Math.min(options.jobs, items.length));
  const live = new Array<number>(jobs).fill(0);
  let lastProgress = 0;
  const progress = (): void => {
    const p: Progress = { states: shared.size + table.finals.size, transitions: transitions + live.reduce((a, b) => a + b, 0), depth, seconds: now() - start, visitedBytes: shared.bytes };
    options.onProgress?.(p);
    if (options.cancelled?.() === true) Atomics.store(cancelFlag, 0, 1);
  };
  if (items.length > 0) {
    const queue = items.slice();
    await Promise.all(
      Array.from({ length: jobs }, (_, w) =>
        new Promise<void>((resolve, reject) => {
          const worker = new (workerThreads().Worker)(workerScript(), { workerData: init });
          const next = (): void => {
            const item = queue.shift();
            worker.postMessage(item === undefined ? { kind: 'finish' } : { kind: 'item', item });
          };
          worker.on('message', (msg: WorkerMessage) => {
            if (msg.kind === 'progress') {
              live[w] = msg.transitions;
              depth = Math.max(depth, msg.depth);
              // Progress at most every 100 ms of the workers' reports (they report every few thousand actions).
              if (now() - lastProgress > 0.1) {
                lastProgress = now();
                progress();
              }
            } else if (msg.kind === 'item-done') {
              transitions += msg.transitions;
              live[w] = 0;
              depth = Math.max(depth, msg.depth);
              for (const b of msg.bounds) bounds.add(b);
              next();
            } else {
              for (const r of msg.rows) for (const f of r.finals) table.add(f, r);
              for (const b of msg.choiceBounds) bounds.add(b);
              void worker.terminate().then(() => resolve());
            }
          });
          worker.on('error', reject);
          next();
        }),
      ),
    );
  }
  progress();
  if (Atomics.load(cancelFlag, 0) === 1) bounds.add('cancelled');
  return buildResult(model, table, {
    states: shared.size + table.finals.size,
    transitions,
    seconds: now() - start,
    depth,
    visitedBytes: shared.bytes,
    bounds,
    settings,
    reduction,
    caches: model.system.cacheModel === 'on' && options.cacheModel !== 'off' || options.cacheModel === 'on',
    jobs,
  });
}

/** The capture of a fresh session's initial state (taken once, on first use). */
const initials = new WeakMap<ExploreSession, ReturnType<ExploreSession['fork']>>();
function initial(session: ExploreSession): ReturnType<ExploreSession['fork']> {
  let s = initials.get(session);
  if (s === undefined) initials.set(session, (s = session.fork()));
  return s;
}
