/**
 * The simulator's front door for tools that read scenarios (language server,
 * CLI, debug adapter, benches): parsing and loading default to the full
 * language (language.ts: every layer's blocks, settings, predefined symbols
 * and parse-time checks), so every front end gets the same diagnostics
 * whatever else it imported.
 */
import { FULL_LANGUAGE } from './language';
import { loadScenario as loadWith } from './scenario/load';
import type { ScenarioModel } from './scenario/model';
import { parseScenario as parseWith, type ParseOptions } from './scenario/parse';

export { emptyModel, type ParseOptions } from './scenario/parse';
export { FULL_LANGUAGE } from './language';
export { CORE_LANGUAGE, ScenarioLanguage, type LanguageExtension } from './scenario/keywords';
export type { ScenarioModel, Diagnostic } from './scenario/model';

/** Parse a scenario with the full language unless `options.language` says otherwise (`parseScenario(text, file)` works too). */
export function parseScenario(text: string, fileOrOptions: string | ParseOptions = {}, more: ParseOptions = {}): ScenarioModel {
  const options: ParseOptions = typeof fileOrOptions === 'string' ? { ...more, file: fileOrOptions } : fileOrOptions;
  return parseWith(text, { ...options, language: options.language ?? FULL_LANGUAGE });
}

/** Read and parse a scenario file with the full language unless `options.language` says otherwise. */
export function loadScenario(path: string, options: ParseOptions = {}): ScenarioModel {
  return loadWith(path, { ...options, language: options.language ?? FULL_LANGUAGE });
}
