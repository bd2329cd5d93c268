/**
 * Witnesses: the choices of one explored execution, so that `armscope run
 * FILE --replay W` (and the debugger) reproduce it exactly — the machine is
 * deterministic (DESIGN.md "same scenario + same settings + same sequence of
 * choices ⇒ same execution").
 *
 * A `.witness` file is JSON:
 *
 * ```
 * { "format": "armscope-witness", "version": 1,
 *   "scenario": "bug-two-pes.armscope", "scenarioHash": "0x1f2e_…",
 *   "cacheModel": "on", "speculativeFills": "all", "evictions": 2,
 *   "choices": ["pe 0", "pe 1", "evict L1D.pe0 0x0611_1800 Normal-WB OSH", …],
 *   "outcome": "pe1.esr_el2=0x9200_0007; …", "failed": [105],
 *   "finalState": "0x…" }
 * ```
 *
 * `choices` are action keys (session.ts `actionKey`): `pe N` (PE N executes
 * its next instruction), `event N` (the scenario's Nth event fires, counted
 * from 0), `fill pe N LINE ATTRS` (PE N speculatively fills a line), `evict
 * CACHE LINE ATTRS` (a cache evicts a copy), `timer` (time passes to a
 * Generic Timer deadline). `scenarioHash` is a hash of the scenario's
 * canonical text (`canonicalScenario`: comments, spacing and the case of
 * registers and mnemonics do not count, so formatting the file — as
 * format-on-save does — keeps its witnesses; lines do count, the failed
 * expectations are named by line): a witness of another version of the
 * scenario is refused, never replayed into a different execution. (Witnesses
 * written before the canonical form hashed the raw text; they are accepted
 * when the text is unchanged.) `finalState` is the machine's state
 * fingerprint at the end (`Machine.stateHash()`): a replay that ends
 * elsewhere says so.
 */
import type { Action } from '../component/actions';
import { digestString } from '../component/fingerprint';
import { byteSize, MAX_SCENARIO_CHARS } from '../scenario/limits';
import type { ScenarioModel } from '../scenario/model';
import { hex } from '../util/hex';
import type { ExploreSettings } from './config';
import { actionKey, ExploreSession } from './session';

export const WITNESS_FORMAT = 'armscope-witness';
export const WITNESS_VERSION = 1;
/** A witness file larger than this is refused: the scenario files' limit (about 50,000 choices; the default max_depth is 10,000). */
export const MAX_WITNESS_BYTES = MAX_SCENARIO_CHARS;

export interface Witness {
  format: typeof WITNESS_FORMAT;
  version: number;
  scenario: string;
  scenarioHash: string;
  cacheModel?: 'on' | 'off';
  speculativeFills: number | 'all';
  evictions: number;
  choices: string[];
  outcome: string;
  /** 1-based lines of the expectations the execution breaks. */
  failed: number[];
  finalState: string;
}

/**
 * The scenario's text as the witness hash sees it, line for line: comments
 * dropped, string literals kept as written, each run of spaces and tabs removed
 * except between two words (where it becomes one space), and every word that
 * is not a label or constant lower-cased (mnemonics, registers, keywords and
 * numbers are case-insensitive; symbols are case-sensitive, as in GNU as) —
 * exactly the changes language-server/formatting.ts makes.
 */
export function canonicalScenario(model: Pick<ScenarioModel, 'text' | 'symbols' | 'constants'>): string {
  const out: string[] = [];
  let inBlockComment = false;
  for (const line of model.text.split(/\r?\n/)) {
    let t = '';
    let space = false;
    for (let i = 0; i < line.length; ) {
      if (inBlockComment) {
        const end = line.indexOf('*/', i);
        if (end < 0) break;
        inBlockComment = false;
        i = end + 2;
        space = true;
        continue;
      }
      const c = line[i];
      if (c === '/' && line[i + 1] === '/') break;
      if (c === '/' && line[i + 1] === '*') {
        inBlockComment = true;
        i += 2;
        continue;
      }
      if (c === ' ' || c === '\t') {
        space = true;
        i++;
        continue;
      }
      let token: string;
      if (c === '"') {
        const end = line.indexOf('"', i + 1);
        token = end < 0 ? line.slice(i) : line.slice(i, end + 1);
      } else {
        const word = /^[\w.$]+/.exec(line.slice(i))?.[0];
        token = word ?? c;
        if (word !== undefined && !model.symbols.has(word) && !model.constants.has(word)) token = word.toLowerCase();
      }
      if (space && /[\w.$]$/.test(t) && /^[\w.$]/.test(token)) t += ' ';
      t += token;
      space = false;
      i += token.length;
    }
    out.push(t);
  }
  return out.join('\n');
}

/** The hash a witness records of its scenario: of its canonical text (`canonicalScenario`). */
export function scenarioHash(model: Pick<ScenarioModel, 'text' | 'symbols' | 'constants'>): string {
  return hex(digestString(canonicalScenario(model)));
}

export function makeWitness(
  model: ScenarioModel,
  settings: Pick<ExploreSettings, 'fills' | 'evictions'> & Partial<ExploreSettings>,
  cacheModel: 'on' | 'off' | undefined,
  run: { choices: string[]; outcome: string; failed: number[]; finalState: number },
): Witness {
  const w: Witness = {
    format: WITNESS_FORMAT,
    version: WITNESS_VERSION,
    scenario: model.file.split(/[\\/]/).pop() ?? model.file,
    scenarioHash: scenarioHash(model),
    speculativeFills: Number.isFinite(settings.fills) ? settings.fills : 'all',
    evictions: settings.evictions,
    choices: run.choices,
    outcome: run.outcome,
    failed: run.failed,
    finalState: hex(run.finalState),
  };
  if (cacheModel !== undefined) w.cacheModel = cacheModel;
  return w;
}

/** Parse a witness file's text; a message saying what is wrong otherwise. */
export function parseWitness(text: string): Witness | string {
  if (text.length > MAX_WITNESS_BYTES) return `the witness is larger than ${byteSize(MAX_WITNESS_BYTES)}`;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not a witness file (invalid JSON: ${e instanceof Error ? e.message : String(e)})`;
  }
  const w = v as Partial<Witness> | null;
  if (w === null || typeof w !== 'object' || w.format !== WITNESS_FORMAT) return `not a witness file (no "format": "${WITNESS_FORMAT}")`;
  if (w.version !== WITNESS_VERSION) return `witness format version ${String(w.version)} is not supported (this armscope reads version ${WITNESS_VERSION})`;
  if (typeof w.scenarioHash !== 'string' || typeof w.scenario !== 'string') return 'the witness names no scenario (scenario, scenarioHash)';
  if (!Array.isArray(w.choices) || !w.choices.every((c) => typeof c === 'string')) return 'the witness has no list of choices';
  if (w.cacheModel !== undefined && w.cacheModel !== 'on' && w.cacheModel !== 'off') return `the witness's cacheModel must be "on" or "off"`;
  const fills = w.speculativeFills;
  if (fills !== 'all' && (typeof fills !== 'number' || !Number.isInteger(fills) || fills < 0)) return 'the witness has no valid speculativeFills';
  if (typeof w.evictions !== 'number' || !Number.isInteger(w.evictions) || w.evictions < 0) return 'the witness has no valid evictions';
  return {
    format: WITNESS_FORMAT,
    version: WITNESS_VERSION,
    scenario: w.scenario,
    scenarioHash: w.scenarioHash,
    cacheModel: w.cacheModel,
    speculativeFills: fills,
    evictions: w.evictions,
    choices: w.choices,
    outcome: typeof w.outcome === 'string' ? w.outcome : '',
    failed: Array.isArray(w.failed) ? w.failed.filter((x): x is number => typeof x === 'number') : [],
    finalState: typeof w.finalState === 'string' ? w.finalState : '',
  };
}

/** Undefined when the witness belongs to this scenario text; otherwise why it is refused. */
export function staleWitness(w: Witness, model: ScenarioModel): string | undefined {
  const h = scenarioHash(model);
  if (w.scenarioHash === h || w.scenarioHash === hex(digestString(model.text))) return undefined;
  return `the witness was made for another version of ${w.scenario} (scenario hash ${w.scenarioHash}, this file has ${h}): the scenario changed since it was explored — explore it again to get a witness of this version`;
}

export interface Replay {
  session: ExploreSession;
  /** Choices applied (all of them unless the replay diverged). */
  applied: number;
  /** Why the replay could not follow the witness, if it could not. */
  divergence?: string;
  /** The machine's state fingerprint at the end matches the witness's. */
  sameFinalState: boolean;
}

/** The session settings a witness was explored with. */
export function witnessSettings(w: Witness): Partial<ExploreSettings> {
  return { fills: w.speculativeFills === 'all' ? Infinity : w.speculativeFills, evictions: w.evictions };
}

/**
 * Replay a witness on a fresh machine: apply each choice (`Machine.apply`, so
 * time travel can go back over it), then end the run as `run` would. With
 * `stopBefore`, stop before applying the choice at that index (the debugger
 * steps through the rest itself).
 */
export function replayWitness(model: ScenarioModel, w: Witness, options: { checkpointInterval?: number; stopBefore?: number } = {}): Replay {
  const session = new ExploreSession(model, { cacheModel: w.cacheModel, settings: witnessSettings(w), checkpointInterval: options.checkpointInterval });
  const m = session.machine;
  const end = Math.min(options.stopBefore ?? w.choices.length, w.choices.length);
  let applied = 0;
  for (; applied < end; applied++) {
    const key = w.choices[applied];
    const a = findAction(session, key);
    if (a === undefined) {
      const enabled = session.enabled().actions.map(actionKey);
      return {
        session,
        applied,
        divergence: `the witness diverges at choice ${applied + 1} of ${w.choices.length}: '${key}' is not enabled (enabled: ${enabled.length > 0 ? enabled.join(', ') : 'nothing — the execution is over'})`,
        sameFinalState: false,
      };
    }
    m.apply(a);
  }
  if (end === w.choices.length && session.enabled().actions.length === 0) m.finish();
  return { session, applied, sameFinalState: hex(m.stateHash()) === w.finalState };
}

/** The enabled action with this key, if any. */
export function findAction(session: ExploreSession, key: string): Action | undefined {
  return session.enabled().actions.find((a) => actionKey(a) === key);
}
