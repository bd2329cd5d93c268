/**
 * `explore` on a litmus test (docs/litmus.md): read it, generate its scenario
 * (toScenario.ts), explore every execution of that scenario
 * (explore/explore.ts), read each outcome's final state back as herd7 sees it
 * (the litmus locations and faults) by replaying the outcome's witness, and
 * report in herd7's result format (herdFormat.ts).
 *
 * The engine does not yet run Arm's relaxed memory model (issue #14 items
 * 1–3), so the executions explored are the sequentially consistent
 * interleavings: every state found is one herd7 allows, but relaxed outcomes
 * (MP, SB, LB, …) are not found and such tests come out Forbidden.
 *
 * An explore outcome is one per distinct value of what the scenario's
 * expectation observes (the condition's locations and every fault); states
 * that differ only in a location named by `locations […]` alone are merged
 * into the first one found.
 */
import { parseScenario } from '../index';
import { exploreScenario, type ExploreOptions } from '../explore/explore';
import type { ExploreResult } from '../explore/result';
import { makeWitness, replayWitness } from '../explore/witness';
import type { LitmusDiagnostic, LitmusTest } from './ast';
import { herdResult, type HerdResult, type Outcome } from './herdFormat';
import { machineReader } from './machineReader';
import { observe } from './outcome';
import { litmusToScenario } from './toScenario';
import { readLitmus } from '.';

export interface LitmusExplore {
  test: LitmusTest;
  /** The generated scenario's exploration (outcomes, bounds, counts). */
  explore: ExploreResult;
  herd: HerdResult;
}

/** Explore a litmus test: its herd7-format result, or the diagnostics that refuse it (never throws on bad input). */
export function exploreLitmus(text: string, file: string, options: Omit<ExploreOptions, 'cacheModel'> = {}): LitmusExplore | { diagnostics: LitmusDiagnostic[] } {
  const read = readLitmus(text, file);
  if (read.test === undefined) return { diagnostics: read.diagnostics };
  const test = read.test;
  const generated = litmusToScenario(test, file);
  const model = parseScenario(generated.text, file.replace(/\.litmus$/, '.armscope'));
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    // The generator emits only what the scenario language accepts; an error here is a generator defect, reported as a refusal naming it.
    const at = { line: 0, col: 0 };
    return { diagnostics: errors.map((d) => ({ kind: 'unsupported' as const, message: `the generated scenario does not parse (line ${d.range.start.line + 1}: ${d.message})`, range: { start: at, end: at } })) };
  }
  const explore = exploreScenario(model, { ...options, cacheModel: 'off' });
  const settings = { fills: 0, evictions: 0, maxStates: explore.bounds.maxStates, maxDepth: explore.bounds.maxDepth };
  const outcomes: Outcome[] = explore.outcomes.map((o) => {
    const w = makeWitness(model, settings, 'off', { choices: o.witness, outcome: o.state, failed: o.failed, finalState: o.finalState });
    const replay = replayWitness(model, w);
    const state = observe(test, generated.layout, machineReader(replay.session.machine));
    replay.session.detach();
    return { state, executions: o.count };
  });
  return { test, explore, herd: herdResult(test, generated.layout, outcomes, { time: explore.seconds }) };
}
