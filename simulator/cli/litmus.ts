/**
 * `armscope litmus2scenario FILE.litmus [-o FILE]` and `armscope
 * scenario2litmus FILE.armscope [-o FILE]` (docs/litmus.md): herd7 litmus
 * tests in and out. Without `-o` the result goes to stdout. A test or
 * scenario that cannot be converted prints one line per reason,
 * `FILE:LINE:COL: error: MESSAGE`, and exits with 2.
 *
 * The command-line plumbing (argument parsing, reading files, errors) is the
 * other commands' (commands.ts), handed in as a kit.
 */
import { writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { litmusToScenario, readLitmus, scenarioToLitmus } from '../litmus';
import type { ScenarioModel } from '../scenario/model';

export interface LitmusCliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

/** What the litmus commands borrow from commands.ts. */
export interface LitmusCliKit {
  parseArgs(args: string[], valued: string[], boolean: string[]): { positional: string[]; flags: Map<string, string | true> };
  readScenarioFile(path: string, cwd: string): string;
  parse(text: string, file: string): ScenarioModel;
  usageError(message: string): Error;
}

function position(file: string, r: { start: { line: number; col: number } }): string {
  return `${file}:${r.start.line + 1}:${r.start.col + 1}`;
}

/** `-o FILE` is `--output FILE`. */
function outputArgs(args: string[]): string[] {
  return args.map((a) => (a === '-o' ? '--output' : a));
}

function emit(text: string, output: string | true | undefined, io: LitmusCliIo, kit: LitmusCliKit): void {
  if (typeof output !== 'string') {
    io.out(text.replace(/\n$/, ''));
    return;
  }
  const path = isAbsolute(output) ? output : join(io.cwd, output);
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw kit.usageError(`${output}: cannot write (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function cmdLitmus2Scenario(args: string[], io: LitmusCliIo, kit: LitmusCliKit): number {
  const p = kit.parseArgs(outputArgs(args), ['output'], []);
  if (p.positional.length !== 1) throw kit.usageError('litmus2scenario: expected exactly one FILE.litmus');
  const file = p.positional[0];
  const r = readLitmus(kit.readScenarioFile(file, io.cwd), basename(file));
  if (r.test === undefined) {
    for (const d of r.diagnostics) io.err(`${position(file, d.range)}: error: ${d.message} [litmus-${d.kind}]`);
    return 2;
  }
  emit(litmusToScenario(r.test, basename(file)).text, p.flags.get('output'), io, kit);
  return 0;
}

export function cmdScenario2Litmus(args: string[], io: LitmusCliIo, kit: LitmusCliKit): number {
  const p = kit.parseArgs(outputArgs(args), ['output', 'name'], []);
  if (p.positional.length !== 1) throw kit.usageError('scenario2litmus: expected exactly one FILE.armscope');
  const file = p.positional[0];
  const model = kit.parse(kit.readScenarioFile(file, io.cwd), file);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of errors) io.err(`${position(file, d.range)}: error: ${d.message} [${d.rule}]`);
    return 2;
  }
  const name = p.flags.get('name');
  const r = scenarioToLitmus(model, typeof name === 'string' ? name : undefined);
  if (r.text === undefined) {
    for (const d of r.refusals) io.err(`${position(file, d.range)}: error: ${d.message} [litmus-unsupported]`);
    return 2;
  }
  emit(r.text, p.flags.get('output'), io, kit);
  return 0;
}
