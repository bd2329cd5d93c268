/**
 * Custom requests between the extension and the Armscope language server.
 * Shared by both sides (the server imports the same names), so the two never
 * disagree on a method name or a field.
 */

export const RUN_REQUEST = 'armscope/run';
export const CHECK_REQUEST = 'armscope/check';
export const DECODE_REQUEST = 'armscope/decode';
export const REGISTERS_REQUEST = 'armscope/registers';

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
  | { kind: 'error'; message: string };
