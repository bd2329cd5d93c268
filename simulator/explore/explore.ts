/**
 * `explore` (DESIGN.md "One step, two drivers"): every execution the
 * scenario's machine permits — which PE steps next, when a windowed event
 * fires, which line a PE speculatively fills, which line a cache evicts —
 * searched exhaustively with state hashing and sleep sets (search.ts).
 *
 * The API front ends call: `exploreScenario(model, options)` in this thread,
 * `exploreInWorkers(text, file, options)` (parallel.ts) in worker threads with
 * progress and cancellation. A result's witnesses replay with
 * `replayWitness` (witness.ts).
 */
import type { Machine } from '../engine/machine';
import type { ScenarioModel } from '../scenario/model';
import type { ExploreSettings } from './config';
import { observationOf } from './outcome';
import { buildResult, type ExploreResult } from './result';
import { OutcomeTable, search, type SearchStats } from './search';
import { ExploreSession } from './session';
import { VisitedSet } from './visited';

export interface Progress {
  states: number;
  transitions: number;
  depth: number;
  seconds: number;
  /** Memory of the visited set (bytes). */
  visitedBytes: number;
}

export interface ExploreOptions {
  cacheModel?: 'on' | 'off';
  /** Overrides of the scenario's `explore` block (CLI `--max-states`, `--max-depth`). */
  settings?: Partial<ExploreSettings>;
  /** The partial-order reduction (sleep sets); default on. Off: for comparison (bench, tests). */
  reduction?: boolean;
  /** State hashing (the visited set); default on. Off: a tree search (tests compare against it). */
  merge?: boolean;
  /** Progress, roughly every `progressEvery` actions taken. */
  onProgress?: (p: Progress) => void;
  progressEvery?: number;
  /** Polled with progress: true stops the search (the result names the bound `cancelled`). */
  cancelled?: () => boolean;
  /**
   * Read each outcome's witness's final state in the search itself (the
   * machine is in it when called): the outcome's `observed`, what a replay of
   * the witness would read (litmus results), without replaying it.
   */
  observe?: (m: Machine) => unknown;
  /** Merge states that differ only in which way holds a line (session.ts `SessionOptions.waysBySet`); false: never (tests compare). */
  waysBySet?: boolean;
  /** Attach the architectural checkers (default true): off where no finding is observed (litmus tests). */
  checkers?: boolean;
  /** No descriptor, system register or device changes: the TLBs and the platform are no state; the TLBs stay filled across restores (`MachineOptions.fixedSystem`). */
  fixedSystem?: boolean;
  /** Attach the GIC's CPU interfaces and the Generic Timer to the PEs (default true; `MachineOptions.attachPlatform`): off for litmus tests. */
  attachPlatform?: boolean;
  /** Under `memory_model promising`, take a thread-local PE step alone (relaxed.ts); default: with the reduction. */
  localSteps?: boolean;
  /** Under `memory_model promising`, discard a state where a PE cannot fulfil its promises alone (relaxed.ts); default on. Off: for comparison (tests). */
  certifySteps?: boolean;
}

/** Clock for the report's `seconds` (never for a decision). */
function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Explore a parsed scenario in this thread. A scenario with errors is not explored (`result: 'error'`). */
export function exploreScenario(model: ScenarioModel, options: ExploreOptions = {}): ExploreResult {
  const start = now();
  const session = new ExploreSession(model, { cacheModel: options.cacheModel, settings: options.settings, waysBySet: options.waysBySet, checkers: options.checkers, fixedSystem: options.fixedSystem, attachPlatform: options.attachPlatform });
  const settings = session.settings;
  const table = new OutcomeTable();
  const reduction = options.reduction ?? true;
  const visited = options.merge === false ? undefined : new VisitedSet(settings.maxStates);
  let stats: SearchStats = { states: 0, transitions: 0, depth: 0, bounds: new Set() };
  const relaxed = session.relaxed;
  if (relaxed !== undefined) {
    relaxed.localSteps = options.localSteps ?? reduction;
    relaxed.certifySteps = options.certifySteps ?? true;
  }
  if (!model.diagnostics.some((d) => d.severity === 'error')) {
    const progress = (s: SearchStats): void =>
      options.onProgress?.({ states: s.states, transitions: s.transitions, depth: s.depth, seconds: now() - start, visitedBytes: visited?.bytes ?? 0 });
    stats = search(session, observationOf(model), table, {
      maxStates: settings.maxStates,
      maxDepth: settings.maxDepth,
      reduction,
      visited,
      onProgress: progress,
      progressEvery: options.progressEvery,
      cancelled: options.cancelled,
      observe: options.observe,
    });
    for (const b of session.choices.boundsHit) stats.bounds.add(b);
    for (const b of session.relaxed?.bounds ?? []) stats.bounds.add(b);
  }
  session.detach();
  // A global action seen after a step was taken alone: that step may not have been independent of it (relaxed.ts).
  if (relaxed?.conflict === true) return exploreScenario(model, { ...options, localSteps: false });
  return buildResult(model, table, {
    states: stats.states,
    transitions: stats.transitions,
    seconds: now() - start,
    depth: stats.depth,
    visitedBytes: visited?.bytes ?? 0,
    bounds: stats.bounds,
    settings,
    reduction,
    caches: model.system.cacheModel === 'on' && options.cacheModel !== 'off' || options.cacheModel === 'on',
    jobs: 1,
  });
}
