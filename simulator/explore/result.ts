/**
 * What an exploration found, as every front end shows it (the CLI's table and
 * `--json`, the language server's diagnostics): the distinct outcomes with
 * their counts and witnesses, per expectation where its condition holds
 * (every, some or no explored execution) and whether that satisfies its
 * quantifier, the findings and in how many outcomes, and the bounds hit.
 */
import type { Diagnostic, Expectation, Quantifier, ScenarioModel } from '../scenario/model';
import type { ExploreSettings } from './config';
import type { OutcomeRow, OutcomeTable } from './search';

export type Holds = 'always' | 'sometimes' | 'never';

export interface ExpectationVerdict {
  /** 1-based source line. */
  line: number;
  text: string;
  quantifier: Quantifier;
  /** Where the condition holds: in every, some or no explored outcome. */
  holds: Holds;
  /** The quantifier is satisfied (`always`: holds always; `never`: never; `sometimes`: always or sometimes). */
  ok: boolean;
  /** Outcomes in which the condition holds. */
  outcomes: number;
}

export interface OutcomeReport {
  /** Distinct final states with this outcome. */
  count: number;
  state: string;
  /** 1-based lines of the expectations this outcome breaks. */
  failed: number[];
  /** The choices of an execution that ends in it (`armscope run FILE --replay` replays it). */
  witness: string[];
  /** The machine's state fingerprint at the end of that execution (a replay ends there). */
  finalState: number;
  findings: string[];
  /** What `ExploreOptions.observe` saw at the end of the witness, when asked. */
  observed?: unknown;
}

export interface ExploreResult {
  file: string;
  title?: string;
  /** `pass`: every expectation holds as quantified; `fail`: one does not; `bounded`: a bound stopped the search before it could tell; `error`: the scenario has errors. */
  result: 'pass' | 'fail' | 'bounded' | 'error';
  /** Distinct states reached (expanded, and final). */
  states: number;
  /** Actions taken. */
  transitions: number;
  seconds: number;
  /** Longest execution explored (actions). */
  depth: number;
  /** Memory of the visited set (bytes). */
  visitedBytes: number;
  bounds: { hit: string[]; maxStates: number; maxDepth: number; speculativeLines?: number };
  /** What was enumerated. */
  enumerated: { fills: number | 'all'; evictions: number; reduction: boolean; jobs: number; caches: boolean };
  outcomes: OutcomeReport[];
  expectations: ExpectationVerdict[];
  findings: { rule: string; outcomes: number }[];
  diagnostics: Diagnostic[];
}

function quantifierOf(e: Expectation): Quantifier {
  return e.quantifier ?? 'always';
}

/** Satisfied: `always` holds always, `never` holds never, `sometimes` holds in some outcome. */
export function satisfied(q: Quantifier, holds: Holds): boolean {
  return q === 'always' ? holds === 'always' : q === 'never' ? holds === 'never' : holds !== 'never';
}

/** Outcomes in a stable order: failing ones first, then by count (most common first), then by text. */
function sortRows(rows: OutcomeRow[]): OutcomeRow[] {
  return rows.sort((a, b) => Number(b.failed.length > 0) - Number(a.failed.length > 0) || b.count - a.count || (a.state < b.state ? -1 : a.state > b.state ? 1 : 0));
}

export interface RunFacts {
  states: number;
  transitions: number;
  seconds: number;
  depth: number;
  visitedBytes: number;
  bounds: Set<string>;
  settings: ExploreSettings;
  reduction: boolean;
  jobs: number;
  /** The cache model is on (speculative fills and evictions are choices). */
  caches: boolean;
}

export function buildResult(model: ScenarioModel, table: OutcomeTable, facts: RunFacts): ExploreResult {
  const rows = sortRows([...table.rows.values()]);
  const expectations: ExpectationVerdict[] = model.expectations.map((e, i) => {
    const n = rows.filter((r) => r.values[i]).length;
    const holds: Holds = rows.length > 0 && n === rows.length ? 'always' : n > 0 ? 'sometimes' : 'never';
    const q = quantifierOf(e);
    return { line: e.range.start.line + 1, text: e.text, quantifier: q, holds, ok: satisfied(q, holds), outcomes: n };
  });
  const findingCounts = new Map<string, number>();
  for (const r of rows) for (const f of r.findings) findingCounts.set(f, (findingCounts.get(f) ?? 0) + 1);
  const hit = [...facts.bounds].sort();
  // A counterexample (an explored outcome breaking `always` or `never`) is definite whatever the bounds; a `sometimes` not yet seen is not.
  const counterexample = rows.some((r) => r.failed.length > 0);
  const result = model.diagnostics.some((d) => d.severity === 'error')
    ? 'error'
    : counterexample
      ? 'fail'
      : hit.length > 0
        ? 'bounded'
        : expectations.every((v) => v.ok)
          ? 'pass'
          : 'fail';
  return {
    file: model.file,
    title: model.title,
    result,
    states: facts.states,
    transitions: facts.transitions,
    seconds: facts.seconds,
    depth: facts.depth,
    visitedBytes: facts.visitedBytes,
    bounds: { hit, maxStates: facts.settings.maxStates, maxDepth: facts.settings.maxDepth, speculativeLines: facts.settings.fillLines },
    enumerated: { fills: Number.isFinite(facts.settings.fills) ? facts.settings.fills : 'all', evictions: facts.settings.evictions, reduction: facts.reduction, jobs: facts.jobs, caches: facts.caches },
    outcomes: rows.map((r) => ({
      count: r.count,
      state: r.state,
      failed: r.failed.map((i) => model.expectations[i].range.start.line + 1),
      witness: r.witness,
      finalState: r.finalState,
      findings: r.findings,
      ...(r.observed !== undefined ? { observed: r.observed } : {}),
    })),
    expectations,
    findings: [...findingCounts].map(([rule, outcomes]) => ({ rule, outcomes })).sort((a, b) => (a.rule < b.rule ? -1 : 1)),
    diagnostics: model.diagnostics,
  };
}

/** The exit code of `armscope explore`: 0 pass, 1 fail, 2 scenario errors, 3 a bound stopped the search first. */
export function exitCodeOf(r: ExploreResult): number {
  return r.result === 'pass' ? 0 : r.result === 'fail' ? 1 : r.result === 'error' ? 2 : 3;
}
