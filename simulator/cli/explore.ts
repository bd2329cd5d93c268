/**
 * `armscope explore FILE [--json] [--max-states N] [--max-depth N] [--jobs N]
 * [--no-reduction] [--cache-model on|off] [--witness-dir DIR]` and `armscope
 * run FILE --replay W` (docs/explore.md).
 *
 * explore prints the outcome table, each expectation's verdict, the findings,
 * and the bounds hit; progress goes to stderr about once a second. Every
 * outcome that breaks an expectation gets a `.witness` file in the witness
 * directory (default `witnesses/` under the current directory). Exit codes: 0
 * every expectation holds as quantified, 1 one does not, 2 scenario or command
 * line errors, 3 a bound stopped the search before it could tell.
 *
 * The command-line plumbing (argument parsing, reading files, errors) is the
 * other commands' (commands.ts), handed in as a `CliKit`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildReport, reportToJson } from '../engine/report';
import { boundText } from '../explore/bounds';
import type { ExploreSettings } from '../explore/config';
import { exploreScenario, type ExploreOptions, type Progress } from '../explore/explore';
import { exploreInWorkers, WorkerDiedError } from '../explore/parallel';
import { exitCodeOf, type ExploreResult } from '../explore/result';
import { makeWitness, parseWitness, replayWitness, staleWitness, type Witness } from '../explore/witness';
import { count } from '../scenario/limits';
import type { ScenarioModel } from '../scenario/model';
import { hex } from '../util/hex';
import { formatReport } from './format';

export interface CliIoLike {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

/** What explore borrows from the other commands (commands.ts). */
export interface CliKit {
  parseArgs(args: string[], valued: string[], boolean: string[]): { positional: string[]; flags: Map<string, string | true> };
  intFlag(p: { flags: Map<string, string | true> }, name: string, min: number): number | undefined;
  choiceFlag<T extends string>(p: { flags: Map<string, string | true> }, name: string, choices: readonly T[]): T | undefined;
  readScenarioFile(path: string, cwd: string): string;
  parse(text: string, file: string): ScenarioModel;
  usageError(message: string): Error;
  diagnosticLine(file: string, d: ScenarioModel['diagnostics'][number]): string;
}

/** Most worker threads `--jobs` may ask for. */
export const MAX_JOBS = 64;

/**
 * `--jobs` when not given: one thread. A worker thread starts cold — its
 * machine built, its code compiled and optimised by V8 afresh (the code cache,
 * workerStart.ts, saves only the compiling). On this project's 2-core machine
 * bug-two-pes with `--jobs 2` used 6.6 s of CPU against 4.4 s, 2.6 s of it in
 * V8's background threads (optimising compiler, GC) of two isolates: even with
 * both cores idle it could not end sooner (6.6 s over two cores against the
 * main thread's 3.1 s alone); the four-PE bench scenario might (3.5 s over two
 * cores against 2.15 s alone) but was slower at the load measured
 * (docs/explore.md "--jobs"). Until a search is shown faster with more jobs on
 * such a machine, they are asked for explicitly.
 */
export const DEFAULT_JOBS = 1;

const group = (n: number): string => count(Math.round(n));

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(0)} KiB`;
}

function progressLine(p: Progress): string {
  const rate = p.seconds > 0 ? p.states / p.seconds : 0;
  return `explore: ${group(p.states)} states, depth ${p.depth}, ${group(rate)} states/s, visited set ${bytes(p.visitedBytes)}`;
}

export function formatExplore(r: ExploreResult, witnessFiles: Map<number, string>): string {
  const out: string[] = [];
  out.push(`explore ${r.file}${r.title ? ` — "${r.title}"` : ''}`);
  if (r.result === 'error') {
    out.push('not explored: the scenario has errors (see `armscope check`)');
    return out.join('\n');
  }
  const fills = r.enumerated.fills === 'all' ? 'every speculative fill' : r.enumerated.fills === 0 ? 'no speculative fills' : `up to ${r.enumerated.fills} speculative fill(s)`;
  const ev = r.enumerated.evictions === 0 ? 'no evictions' : `up to ${r.enumerated.evictions} eviction(s)`;
  const caches = r.enumerated.caches ? `${fills}, ${ev} per execution` : 'no cache choices (cache_model off)';
  out.push(`enumerated: PE interleavings, event windows, ${caches}; reduction: ${r.enumerated.reduction ? 'sleep sets' : 'none'}; ${r.enumerated.jobs} job(s)`);
  const rate = r.seconds > 0 ? r.states / r.seconds : 0;
  out.push(`searched: ${group(r.states)} states, ${group(r.transitions)} actions, longest execution ${r.depth} actions, ${r.seconds.toFixed(2)} s (${group(rate)} states/s), visited set ${bytes(r.visitedBytes)}`);
  if (r.bounds.hit.length === 0) out.push('bounds: none hit — every execution was explored');
  else {
    out.push('BOUNDS HIT — the verdicts below cover the explored executions only:');
    for (const b of r.bounds.hit) out.push(`  ${boundText(b, r.bounds)}`);
  }
  out.push('');
  out.push(`Outcomes (${r.outcomes.length}; count = distinct final states):`);
  r.outcomes.forEach((o, i) => {
    const fails = o.failed.length > 0 ? `  BREAKS line ${o.failed.join(', ')}` : '';
    out.push(`  #${i + 1} ×${o.count}${fails}`);
    out.push(`      ${o.state}`);
    const file = witnessFiles.get(i);
    if (file !== undefined) out.push(`      witness: ${file} (${o.witness.length} choices)`);
  });
  out.push('');
  out.push('Expectations (where the condition holds, over the explored outcomes):');
  for (const e of r.expectations) out.push(`  ${e.ok ? 'ok    ' : 'FAILED'} line ${e.line}: ${e.text}  — holds ${e.holds}`);
  if (r.findings.length > 0) {
    out.push('');
    out.push('Findings:');
    for (const f of r.findings) out.push(`  ${f.rule} in ${f.outcomes} of ${r.outcomes.length} outcome(s)`);
  }
  out.push('');
  out.push(`Result: ${r.result.toUpperCase()}${r.result === 'bounded' ? ' (a bound stopped the search first)' : ''}`);
  return out.join('\n');
}

/** Where the witness of outcome `i` goes: `DIR/<scenario>.<i+1>.witness`. */
function witnessPath(dir: string, file: string, i: number): string {
  return join(dir, `${basename(file).replace(/\.armscope$/, '')}.${i + 1}.witness`);
}

export function cmdExplore(args: string[], io: CliIoLike, kit: CliKit): number | Promise<number> {
  const p = kit.parseArgs(args, ['max-states', 'max-depth', 'jobs', 'cache-model', 'witness-dir'], ['json', 'no-reduction']);
  if (p.positional.length !== 1) throw kit.usageError('explore: expected exactly one FILE');
  const file = p.positional[0];
  const text = kit.readScenarioFile(file, io.cwd);
  const model = kit.parse(text, file);
  const settings: Partial<ExploreSettings> = {};
  const maxStates = kit.intFlag(p, 'max-states', 1);
  const maxDepth = kit.intFlag(p, 'max-depth', 1);
  if (maxStates !== undefined) settings.maxStates = maxStates;
  if (maxDepth !== undefined) settings.maxDepth = maxDepth;
  const jobs = kit.intFlag(p, 'jobs', 1) ?? DEFAULT_JOBS;
  if (jobs > MAX_JOBS) throw kit.usageError(`--jobs: at most ${MAX_JOBS}`);
  const cacheModel = kit.choiceFlag(p, 'cache-model', ['on', 'off'] as const);
  const json = p.flags.get('json') === true;
  const dirFlag = p.flags.get('witness-dir');
  const witnessDir = typeof dirFlag === 'string' ? (dirFlag.startsWith('/') ? dirFlag : join(io.cwd, dirFlag)) : join(io.cwd, 'witnesses');
  if (model.diagnostics.some((d) => d.severity === 'error')) for (const d of model.diagnostics) if (d.severity === 'error') io.err(kit.diagnosticLine(file, d));
  let last = -1;
  const options: ExploreOptions = {
    cacheModel,
    settings,
    reduction: p.flags.get('no-reduction') !== true,
    onProgress: (pr) => {
      // At most one progress line a second (progress only: nothing is decided by the clock); none at the very start.
      if (pr.seconds - last < 1 || pr.seconds < 1) return;
      last = pr.seconds;
      io.err(progressLine(pr));
    },
  };
  const finish = (r: ExploreResult): number => {
    const files = writeWitnesses(r, model, options, witnessDir, file, io);
    if (json) io.out(JSON.stringify(exploreToJson(r, files), null, 2));
    else io.out(formatExplore(r, files));
    return exitCodeOf(r);
  };
  if (jobs <= 1 || model.diagnostics.some((d) => d.severity === 'error')) return finish(exploreScenario(model, options));
  return exploreInWorkers(text, file, { ...options, jobs }).then(finish, (e: unknown) => {
    // A worker thread that died: the exploration has no result (exit 2, like an error in the scenario).
    if (!(e instanceof WorkerDiedError)) throw e;
    io.err(`armscope: ${e.message}`);
    return 2;
  });
}

/** Write a witness for every outcome that breaks an expectation; returns their paths by outcome index. */
function writeWitnesses(r: ExploreResult, model: ScenarioModel, options: ExploreOptions, dir: string, file: string, io: CliIoLike): Map<number, string> {
  const files = new Map<number, string>();
  const failing = r.outcomes.map((o, i) => ({ o, i })).filter(({ o }) => o.failed.length > 0);
  if (failing.length === 0) return files;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    io.err(`armscope: cannot create the witness directory ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    return files;
  }
  const settings = { fills: r.enumerated.fills === 'all' ? Infinity : r.enumerated.fills, evictions: r.enumerated.evictions, maxStates: r.bounds.maxStates, maxDepth: r.bounds.maxDepth };
  for (const { o, i } of failing) {
    const w: Witness = makeWitness(model, settings, options.cacheModel, { choices: o.witness, outcome: o.state, failed: o.failed, finalState: o.finalState });
    const path = witnessPath(dir, file, i);
    try {
      writeFileSync(path, JSON.stringify(w, null, 1) + '\n');
      files.set(i, path);
    } catch (e) {
      io.err(`armscope: cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return files;
}

/** The `--json` shape (issue #13): result, states, seconds, bounds, outcomes, expectations, findings. */
export function exploreToJson(r: ExploreResult, files: Map<number, string> = new Map()): unknown {
  return {
    file: r.file,
    title: r.title,
    result: r.result,
    states: r.states,
    transitions: r.transitions,
    seconds: Number(r.seconds.toFixed(3)),
    depth: r.depth,
    visitedBytes: r.visitedBytes,
    bounds: r.bounds,
    enumerated: r.enumerated,
    outcomes: r.outcomes.map((o, i) => ({ count: o.count, state: o.state, failed: o.failed, findings: o.findings, witness: o.witness, ...(files.has(i) ? { witnessFile: files.get(i) } : {}) })),
    expectations: r.expectations.map((e) => ({ line: e.line, text: e.text, quantifier: e.quantifier, holds: e.holds, ok: e.ok, outcomes: e.outcomes })),
    findings: r.findings,
    diagnostics: r.diagnostics.map((d) => ({ line: d.range.start.line + 1, col: d.range.start.col + 1, severity: d.severity, message: d.message, rule: d.rule })),
  };
}

/**
 * `armscope run FILE --replay W [--json]`: the witnessed execution, reported
 * as `run` reports one, after checking the witness belongs to this scenario
 * and that the replay ends in the witnessed final state.
 */
export function cmdReplay(file: string, witnessPathArg: string, json: boolean, io: CliIoLike, kit: CliKit): number {
  const text = kit.readScenarioFile(file, io.cwd);
  const model = kit.parse(text, file);
  if (model.diagnostics.some((d) => d.severity === 'error')) {
    for (const d of model.diagnostics) if (d.severity === 'error') io.err(kit.diagnosticLine(file, d));
    return 2;
  }
  const wText = kit.readScenarioFile(witnessPathArg, io.cwd);
  const w = parseWitness(wText);
  if (typeof w === 'string') throw kit.usageError(`${witnessPathArg}: ${w}`);
  const stale = staleWitness(w, model);
  if (stale !== undefined) throw kit.usageError(`${witnessPathArg}: ${stale}`);
  const replay = replayWitness(model, w);
  replay.session.detach();
  if (replay.divergence !== undefined) throw kit.usageError(`${witnessPathArg}: ${replay.divergence}`);
  const report = buildReport(replay.session.machine);
  const state = hex(replay.session.machine.stateHash());
  if (json) io.out(JSON.stringify({ ...(reportToJson(report) as object), replay: { witness: witnessPathArg, choices: w.choices.length, finalState: state, sameFinalState: replay.sameFinalState } }, null, 2));
  else {
    io.out(formatReport(report));
    io.out('');
    io.out(
      replay.sameFinalState
        ? `Replay: ${w.choices.length} choices from ${witnessPathArg}; final state ${state}, the witnessed one`
        : `Replay: ${w.choices.length} choices from ${witnessPathArg}; final state ${state}, NOT the witnessed ${w.finalState}`,
    );
  }
  if (!replay.sameFinalState) return 2;
  return report.result === 'pass' ? 0 : report.result === 'fail' ? 1 : 2;
}
