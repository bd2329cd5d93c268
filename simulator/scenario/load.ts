/**
 * Loading a scenario file, plus the position queries front ends use
 * (re-exported from query.ts so one import gives the whole scenario API).
 */
import { readFileSync } from 'node:fs';
import type { ScenarioModel } from './model';
import type { ScenarioLanguage } from './keywords';
import { parseScenario, type ParseOptions } from './parse';

export { symbolAt, definitionOf, referencesOf, lineInfo, asmLineAt, type SymbolOccurrence, type LineInfo, type LineKind } from './query';
export { parseScenario } from './parse';
export { CORE_LANGUAGE, ScenarioLanguage, type LanguageExtension, type ScenarioPass } from './keywords';

/** A scenario file that cannot be read; `message` is one line for the CLI. */
export class ScenarioLoadError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ScenarioLoadError';
  }
}

/**
 * Read and parse a scenario file. Throws `ScenarioLoadError` (a one-line
 * message) only when the file cannot be read; problems in the text are
 * diagnostics in the returned model.
 */
export function loadScenario(path: string, options: ParseOptions & { language: ScenarioLanguage }): ScenarioModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message.split('\n')[0];
    throw new ScenarioLoadError(`cannot read scenario '${path}': ${why}`, path);
  }
  return parseScenario(text, { ...options, file: path });
}
