/**
 * `armscope explore FILE.litmus… [--json] [--max-states N] [--max-depth N]`
 * (docs/litmus.md): every execution of the litmus test's generated scenario,
 * reported in herd7's result format so it can be diffed with herd7's output.
 * Exit codes as for scenarios: 0 the test's claim holds (herd7's `Ok`), 1 it
 * does not (`No`), 2 the test is refused or the command line is wrong, 3 a
 * bound stopped the search before it could tell.
 */
import { basename } from 'node:path';
import { exploreLitmus } from '../litmus/explore';
import { count } from '../scenario/limits';
import type { CliIoLike, CliKit } from './explore';

function position(file: string, r: { start: { line: number; col: number } }): string {
  return `${file}:${r.start.line + 1}:${r.start.col + 1}`;
}

/** Exit codes of one test, in the order several are combined: the worst wins (refused, undecided, No, Ok). */
const EXIT_RANK = [0, 1, 3, 2];

export function cmdExploreLitmus(args: string[], io: CliIoLike, kit: CliKit): number {
  const p = kit.parseArgs(args, ['max-states', 'max-depth'], ['json']);
  if (p.positional.length === 0) throw kit.usageError('explore: expected a FILE');
  if (p.positional.some((f) => !f.endsWith('.litmus'))) throw kit.usageError('explore: several files must all be litmus tests (FILE.litmus)');
  if (p.positional.length > MAX_LITMUS_FILES) throw kit.usageError(`explore: at most ${count(MAX_LITMUS_FILES)} litmus files in one command`);
  const settings: { maxStates?: number; maxDepth?: number } = {};
  const maxStates = kit.intFlag(p, 'max-states', 1);
  const maxDepth = kit.intFlag(p, 'max-depth', 1);
  if (maxStates !== undefined) settings.maxStates = maxStates;
  if (maxDepth !== undefined) settings.maxDepth = maxDepth;
  // Several tests, as herd7 takes them: one result after the other, in the order given (one process: a
  // catalogue's time is not its tests' start-ups); `--json` prints an array then.
  const json: unknown[] = [];
  let code = 0;
  for (const file of p.positional) {
    const c = exploreOne(file, settings, p.flags.get('json') === true ? json : undefined, io, kit);
    if (EXIT_RANK.indexOf(c) > EXIT_RANK.indexOf(code)) code = c;
  }
  if (p.flags.get('json') === true) io.out(JSON.stringify(p.positional.length === 1 ? json[0] : json, null, 2));
  return code;
}

/** At most this many litmus files in one `explore` command (docs/limits.md). */
export const MAX_LITMUS_FILES = 10_000;

function exploreOne(file: string, settings: { maxStates?: number; maxDepth?: number }, json: unknown[] | undefined, io: CliIoLike, kit: CliKit): number {
  const r = exploreLitmus(kit.readScenarioFile(file, io.cwd), basename(file), { settings });
  if (!('test' in r)) {
    for (const d of r.diagnostics) io.err(`${position(file, d.range)}: error: ${d.message} [litmus-${d.kind}]`);
    return 2;
  }
  const bounded = r.explore.bounds.hit.length > 0;
  if (json !== undefined) {
    const h = r.herd;
    json.push({ test: r.test.name, verdict: h.verdict, ok: h.ok, observation: h.observation, states: h.states, positive: h.positive, negative: h.negative, bounds: r.explore.bounds, explored: r.explore.states, seconds: Number(r.explore.seconds.toFixed(3)), herd: h.text });
  } else {
    io.out(r.herd.text.replace(/\n$/, ''));
    if (bounded) io.out(`BOUNDS HIT (${r.explore.bounds.hit.join(', ')}): the states above cover the explored executions only`);
  }
  if (bounded && !(r.test.condition.quantifier === 'exists' ? r.herd.ok : !r.herd.ok)) return 3;
  return r.herd.ok ? 0 : 1;
}
