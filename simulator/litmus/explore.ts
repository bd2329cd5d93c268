/**
 * `explore` on a litmus test (docs/litmus.md): read it, generate its scenario
 * (toScenario.ts), explore every execution of that scenario
 * (explore/explore.ts), read each outcome's final state back as herd7 sees it
 * (the litmus locations and faults) at the end of the outcome's witness —
 * in the search itself, when it reaches that final state (`observe`), which
 * is what a replay of the witness would read — and report in herd7's result
 * format (herdFormat.ts).
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
  const explore = exploreScenario(model, { ...options, cacheModel: 'off', observe: (m) => observe(test, generated.layout, machineReader(m)) });
  const outcomes: Outcome[] = explore.outcomes.map((o) => ({ state: o.observed as Outcome['state'], executions: o.count }));
  return { test, explore, herd: herdResult(test, generated.layout, outcomes, { time: explore.seconds }) };
}
