/**
 * The explore job of the language server's worker (backgroundJobs.ts runs it
 * on the explore worker, never on the server's thread): `exploreScenario`
 * (simulator/explore) on the document's text, bounded by the editor's limits
 * (limits.ts: EXPLORE_MAX_STATES, the job's wall time) on top of the
 * scenario's own `explore` block, with progress and cancellation. Its answer
 * is plain data: the result as the CLI reports it (text too), and a witness
 * for every outcome that breaks an expectation (docs/explore.md "Witnesses").
 */
import { formatExplore } from '../simulator/cli/explore';
import { TIME_LIMIT_BOUND } from '../simulator/explore/bounds';
import { parseExploreSettings } from '../simulator/explore/config';
import { exploreScenario, type Progress } from '../simulator/explore/explore';
import type { ExploreResult } from '../simulator/explore/result';
import { makeWitness, type Witness } from '../simulator/explore/witness';
import type { ScenarioModel } from '../simulator/scenario/model';
import { EXPLORE_MAX_STATES } from './limits';

/** The bound an exploration from the editor reports when its wall time is up (docs/limits.md; its text: simulator/explore/bounds.ts). */
export { TIME_LIMIT_BOUND };

export interface ExploreJobSettings {
  cacheModel: 'scenario' | 'on' | 'off';
}

/** What an explore job answers (structured-clone safe). */
export interface ExploreSummary {
  result: ExploreResult['result'];
  states: number;
  transitions: number;
  seconds: number;
  depth: number;
  bounds: { hit: string[]; maxStates: number; maxDepth: number; speculativeLines?: number; timeLimitMs: number };
  /** The editor capped the scenario's max_states at EXPLORE_MAX_STATES. */
  statesCapped: boolean;
  outcomes: { count: number; state: string; failed: number[]; choices: number }[];
  expectations: ExploreResult['expectations'];
  /** Witness per outcome index, for every outcome that breaks an expectation. */
  witnesses: (Witness | null)[];
  /** The report as `armscope explore` prints it. */
  report: string;
}

/**
 * Explore `model` in this thread. `cancelled()` is polled with progress; the
 * search also stops at `timeoutMs` of wall time (reported as the bound
 * `time-limit`). Undefined when cancelled.
 */
export function exploreModel(
  model: ScenarioModel,
  settings: ExploreJobSettings,
  timeoutMs: number,
  cancelled: () => boolean,
  onProgress: (p: Progress) => void,
  now: () => number = Date.now,
): ExploreSummary | undefined {
  const own = parseExploreSettings(model.blocks, [], model.constants);
  const maxStates = Math.min(own.maxStates, EXPLORE_MAX_STATES);
  const cacheModel = settings.cacheModel === 'scenario' ? undefined : settings.cacheModel;
  const start = now();
  let timedOut = false;
  let stop = false;
  const r = exploreScenario(model, {
    cacheModel,
    settings: { maxStates },
    // Every 256 actions: cancellation and the time limit are honoured within a fraction of a second.
    progressEvery: 256,
    onProgress,
    cancelled: () => {
      if (cancelled()) stop = true;
      else if (now() - start > timeoutMs) timedOut = true;
      return stop || timedOut;
    },
  });
  if (stop) return undefined;
  if (timedOut) r.bounds.hit = r.bounds.hit.map((b) => (b === 'cancelled' ? TIME_LIMIT_BOUND : b));
  const exploreSettings = { fills: r.enumerated.fills === 'all' ? Infinity : r.enumerated.fills, evictions: r.enumerated.evictions, maxStates: r.bounds.maxStates, maxDepth: r.bounds.maxDepth };
  const witnesses = r.outcomes.map((o) =>
    o.failed.length > 0 ? makeWitness(model, exploreSettings, cacheModel, { choices: o.witness, outcome: o.state, failed: o.failed, finalState: o.finalState }) : null,
  );
  let report = formatExplore(r, new Map());
  if (timedOut) report += `\n(stopped at the editor's time limit of ${timeoutMs / 1000} s: run 'armscope explore' for a longer search)`;
  return {
    result: r.result,
    states: r.states,
    transitions: r.transitions,
    seconds: r.seconds,
    depth: r.depth,
    bounds: { ...r.bounds, timeLimitMs: timeoutMs },
    statesCapped: own.maxStates > EXPLORE_MAX_STATES,
    outcomes: r.outcomes.map((o) => ({ count: o.count, state: o.state, failed: o.failed, choices: o.witness.length })),
    expectations: r.expectations,
    witnesses,
    report,
  };
}
