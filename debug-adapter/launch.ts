/**
 * The `launch` request's arguments, checked one by one with a message that
 * names the argument and the bound (debug-adapter/limits.ts): the scenario
 * file (a regular file of bounded size), the enumerations, the step budget and
 * the checkpoint interval — whose checkpoint count is what bounds the memory
 * time travel takes. Arguments VS Code adds to every configuration (`type`,
 * `request`, `name`, `__…`) are not Armscope's and are ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadScenario } from '../simulator';
import { MAX_WITNESS_BYTES, parseWitness, staleWitness, type Witness } from '../simulator/explore/witness';
import type { ScenarioModel } from '../simulator/scenario/model';
import type { LaunchOptions } from './controller';
import { RequestError, shown } from './errors';
import { DEFAULT_CHECKPOINT_INTERVAL, MAX_CHECKPOINTS, MAX_PROGRAM_BYTES, MAX_STEPS, MAX_TEXT_LENGTH, MIN_CHECKPOINT_INTERVAL } from './limits';

export interface ArmscopeLaunchArguments {
  /** Scenario file. */
  program: string;
  stopOnEntry?: boolean;
  /** `scenario` (default) keeps the scenario's `cache_model`. */
  cacheModel?: 'scenario' | 'on' | 'off';
  speculation?: 'scenario' | 'none' | 'adversarial';
  maxSteps?: number;
  /** Steps between time-travel checkpoints (default 10 000, raised for large budgets). */
  checkpointInterval?: number;
  /** A `.witness` file of `armscope explore`: debug that execution (docs/debugging.md "Debugging an explored execution"). */
  replay?: string;
}

export interface Launch {
  program: string;
  model: ScenarioModel;
  stopOnEntry: boolean;
  /** The witness to replay, when `replay` names one (already checked against the scenario). */
  replay?: { file: string; witness: Witness };
  options: Required<Pick<LaunchOptions, 'maxSteps' | 'checkpointInterval'>> & LaunchOptions;
}

const count = (n: number): string => n.toLocaleString('en');

function enumeration<T extends string>(args: Record<string, unknown>, name: string, values: readonly T[]): T | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new RequestError(`${name} must be one of ${values.join(', ')} (got ${shown(v)})`);
  return v as T;
}

function integer(args: Record<string, unknown>, name: string, min: number, max: number, unit: string): number | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new RequestError(`${name} must be a whole number of ${unit} (got ${shown(v)})`);
  if (v < min) throw new RequestError(`${name} ${count(v)} is below the minimum of ${count(min)} ${unit}`);
  if (v > max) throw new RequestError(`${name} ${count(v)} is above the maximum of ${count(max)} ${unit}`);
  return v;
}

/** A file argument: a readable regular file (not a FIFO, device or directory) of at most `max` bytes. */
function regularFile(v: unknown, arg: string, what: string, max: number): string {
  if (typeof v !== 'string' || v.trim().length === 0) throw new RequestError(`${arg} must name the ${what} (got ${shown(v)})`);
  if (v.length > MAX_TEXT_LENGTH) throw new RequestError(`${arg} is ${v.length} characters long; at most ${MAX_TEXT_LENGTH}`);
  const file = path.resolve(v);
  const name = path.basename(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new RequestError(`${arg} '${name}': no such file`);
  }
  if (!st.isFile()) throw new RequestError(`${arg} '${name}' is not a regular file`);
  if (st.size > max) throw new RequestError(`${arg} '${name}' is ${count(st.size)} bytes; the debugger loads ${what}s of at most ${count(max)} bytes`);
  return file;
}

/** Settings a witness fixes (it records the cache model; its choices replace the speculation policy and the step budget). */
const REPLAY_EXCLUDES = ['cacheModel', 'speculation', 'maxSteps'] as const;

/**
 * The `replay` witness: a regular file of at most MAX_WITNESS_BYTES, a
 * witness (parseWitness) of this very scenario text (staleWitness), and no
 * launch setting the witness already fixes.
 */
function replayWitnessArg(args: Record<string, unknown>, model: ScenarioModel): { file: string; witness: Witness } | undefined {
  if (args.replay === undefined || args.replay === null) return undefined;
  const set = REPLAY_EXCLUDES.filter((k) => args[k] !== undefined && args[k] !== null);
  if (set.length > 0) throw new RequestError(`replay cannot be combined with ${set.join(', ')}: the witness fixes the cache model and every choice of its execution`);
  const file = regularFile(args.replay, 'replay', 'witness file', MAX_WITNESS_BYTES);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new RequestError(`replay '${path.basename(file)}': ${e instanceof Error ? e.message : String(e)}`);
  }
  const witness = parseWitness(text);
  if (typeof witness === 'string') throw new RequestError(`replay '${path.basename(file)}': ${witness}`);
  const stale = staleWitness(witness, model);
  if (stale !== undefined) throw new RequestError(`replay '${path.basename(file)}': ${stale}`);
  return { file, witness };
}

/**
 * Check every launch argument and load the scenario. Throws a RequestError
 * naming the first bad argument, or the scenario's first error.
 */
export function prepareLaunch(raw: unknown): Launch {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RequestError(`launch arguments must be an object (got ${shown(raw)})`);
  const args = raw as Record<string, unknown>;
  const program = regularFile(args.program, 'program', 'scenario file', MAX_PROGRAM_BYTES);
  const stopOnEntry = args.stopOnEntry ?? false;
  if (typeof stopOnEntry !== 'boolean') throw new RequestError(`stopOnEntry must be true or false (got ${shown(stopOnEntry)})`);
  const cacheModel = enumeration(args, 'cacheModel', ['scenario', 'on', 'off'] as const);
  const speculation = enumeration(args, 'speculation', ['scenario', 'none', 'adversarial'] as const);
  const maxSteps = integer(args, 'maxSteps', 1, MAX_STEPS, 'steps');
  const interval = integer(args, 'checkpointInterval', MIN_CHECKPOINT_INTERVAL, MAX_STEPS, 'steps');

  const model = loadScenario(program);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const e = errors[0];
    throw new RequestError(`${path.basename(program)}:${e.range.start.line + 1}: ${e.message} (the scenario has ${errors.length} error(s); fix them to debug)`);
  }
  const replay = replayWitnessArg(args, model);
  // A replay's steps are its choices (one step each): the budget that bounds its checkpoints.
  const budget = replay ? Math.max(1, replay.witness.choices.length) : (maxSteps ?? model.system.maxSteps);
  if (budget > MAX_STEPS) throw new RequestError(`the scenario's max_steps ${count(budget)} is above the debugger's maximum of ${count(MAX_STEPS)}: set maxSteps in the launch configuration`);
  const fewest = Math.ceil(budget / MAX_CHECKPOINTS);
  if (interval !== undefined && interval < fewest)
    throw new RequestError(`checkpointInterval ${count(interval)} with a step budget of ${count(budget)} makes up to ${count(Math.ceil(budget / interval))} checkpoints; at most ${MAX_CHECKPOINTS} (use ${count(fewest)} or more)`);
  return {
    program,
    model,
    stopOnEntry,
    replay,
    options: {
      cacheModel: cacheModel === 'on' || cacheModel === 'off' ? cacheModel : undefined,
      speculation: speculation === 'none' || speculation === 'adversarial' ? speculation : undefined,
      maxSteps: budget,
      checkpointInterval: interval ?? Math.max(DEFAULT_CHECKPOINT_INTERVAL, fewest),
    },
  };
}
