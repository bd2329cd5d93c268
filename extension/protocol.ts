/**
 * Custom requests between the extension and the Armscope language server.
 * Shared by both sides (the server imports the same names), so the two never
 * disagree on a method name or a field.
 */

export const RUN_REQUEST = 'armscope/run';
export const CHECK_REQUEST = 'armscope/check';
export const DECODE_REQUEST = 'armscope/decode';
export const REGISTERS_REQUEST = 'armscope/registers';
export const EXPLORE_REQUEST = 'armscope/explore';
export const WITNESS_REQUEST = 'armscope/witness';

/** Extension commands the language server names in code lenses and code actions. */
export const EXPLORE_COMMAND = 'armscope.explore';
export const DEBUG_WITNESS_COMMAND = 'armscope.debugWitness';

export interface RunParams {
  uri: string;
  /** Overrides `armscope.maxSteps`. */
  maxSteps?: number;
  /** `scenario` keeps the scenario's `cache_model`; `on`/`off` override it. */
  cacheModel?: 'scenario' | 'on' | 'off';
}

export interface RunResult {
  /** Plain-text report, as `armscope run` prints it. */
  report: string;
  /** True when the scenario parsed, ran and every expectation held. */
  ok: boolean;
}

export interface CheckParams {
  uri: string;
}

export interface CheckResult {
  /** One line per diagnostic: `path:line:col: severity: message [rule]` (1-based). */
  lines: string[];
  errors: number;
  warnings: number;
}

export interface DecodeParams {
  uri: string;
  /** 0-based position of the cursor (used when `text` is absent). */
  position: { line: number; character: number };
  /** Selected text holding the value, if any. */
  text?: string;
  /** Register to decode against; otherwise the register the value ends up in. */
  register?: string;
}

export type DecodeResult =
  | { kind: 'decoded'; register: string; value: string; markdown: string }
  | { kind: 'need-register'; value: string }
  /** `stale`: the scenario changed (beyond formatting) since that exploration: explore again. */
  | { kind: 'error'; message: string; stale?: true };

export interface ExploreParams {
  uri: string;
  /** `scenario` keeps the scenario's `cache_model`; `on`/`off` override it (default: the `armscope.cacheModel` setting). */
  cacheModel?: 'scenario' | 'on' | 'off';
  /** LSP work-done progress: the server reports states and depth on this token. */
  workDoneToken?: string | number;
}

/** An expectation the exploration found broken (docs/explore.md "In the editor"). */
export interface BrokenExpectation {
  /** 0-based line of the expectation. */
  line: number;
  text: string;
  quantifier: string;
  holds: 'always' | 'sometimes' | 'never';
  /** Explored outcomes that break it (0 for a `sometimes` that holds in none). */
  breaking: number;
  /** Index of the outcome whose witness shows it (absent for a `sometimes` that holds in none). */
  outcome?: number;
}

export interface ExploreAnswer {
  /**
   * The document version the result belongs to (diagnostics and witnesses): the version explored, or
   * the current one when the text changed since only in ways that keep its canonical form (formatting).
   */
  version: number;
  result: 'pass' | 'fail' | 'bounded' | 'error';
  states: number;
  seconds: number;
  outcomes: number;
  /** Bounds that stopped part of the search (`max-states`, `max-depth`, `time-limit`, …). */
  bounds: string[];
  broken: BrokenExpectation[];
  /** The report as `armscope explore` prints it. */
  report: string;
}

/** Arguments of `armscope.debugWitness` (a code lens or code action of the server) and params of `armscope/witness`. */
export interface WitnessParams {
  uri: string;
  /** Document version of the exploration. */
  version: number;
  /** Outcome index in that exploration. */
  outcome: number;
}

export type WitnessResult =
  /** `witness` is the `.witness` file's JSON (simulator/explore/witness.ts); `name` a file name for it. */
  | { kind: 'witness'; name: string; witness: unknown; choices: number }
  /** `stale`: the scenario changed (beyond formatting) since that exploration: explore again. */
  | { kind: 'error'; message: string; stale?: true };
