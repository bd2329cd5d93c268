/**
 * `armscope run|explore|check|decode|demo`. Every failure the user can cause (missing
 * file, unknown register, malformed number, bad option) is one line on stderr
 * and a non-zero exit code, never a stack trace.
 *
 * Exit codes: 0 success / all expectations hold; 1 an expectation failed;
 * 2 the scenario has errors, or the command line or input is wrong;
 * 3 (explore) a bound stopped the search before it could tell.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeValue, esrSummary, findRegister, formatDecoded, type DecodedField } from '../arch';
import { reportToJson, type RunReport } from '../engine/report';
import { InitError } from '../engine/init';
import { prepareModel } from '../engine/prepare';
import { runScenario } from '../engine/run';
import type { MachineOptions } from '../engine/machine';
// The front door: every layer's block keywords and parse-time passes (pagetable, caches, gic, firmware) are registered.
import { parseScenario } from '..';
import type { Diagnostic } from '../scenario/model';
import { hex, parseInteger } from '../util/hex';
import { cmdExplore, cmdReplay, type CliKit } from './explore';
import { formatReport } from './format';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

/** A user-facing error: printed as one line, exit code 2. */
export class UsageError extends Error {}

const USAGE = `usage:
  armscope run FILE [--json] [--max-steps N] [--seed N] [--cache-model on|off] [--speculation none|adversarial] [--replay WITNESS]
  armscope explore FILE [--json] [--max-states N] [--max-depth N] [--jobs N] [--no-reduction] [--cache-model on|off] [--witness-dir DIR]
  armscope check FILE...
  armscope decode REGISTER VALUE [--json]
  armscope demo [DIR]`;

/** The exit code; a promise for `explore` with worker threads. */
export function runCli(argv: string[], io: CliIo): number | Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'run':
        return cmdRun(rest, io);
      case 'explore': {
        const r = cmdExplore(rest, io, KIT);
        return typeof r === 'number' ? r : r.catch((e: unknown) => failure(e, io));
      }
      case 'check':
        return cmdCheck(rest, io);
      case 'decode':
        return cmdDecode(rest, io);
      case 'demo':
        return cmdDemo(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}' (expected run, explore, check, decode or demo)`);
    }
  } catch (e) {
    return failure(e, io);
  }
}

function failure(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    io.err(`armscope: ${e.message}`);
    return 2;
  }
  // Anything else is a bug in armscope; still one line for the user.
  const msg = e instanceof Error ? e.message : String(e);
  io.err(`armscope: internal error: ${msg.split('\n')[0]}`);
  return 2;
}

// ---- argument parsing -----------------------------------------------------

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(args: string[], valued: string[], boolean: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (boolean.includes(name)) {
        flags.set(name, true);
        continue;
      }
      if (!valued.includes(name)) throw new UsageError(`unknown option '--${name}'`);
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`option '--${name}' needs a value`);
      flags.set(name, v);
    } else positional.push(a);
  }
  return { positional, flags };
}

function intFlag(p: Parsed, name: string, min: number): number | undefined {
  const v = p.flags.get(name);
  if (v === undefined || v === true) return undefined;
  const n = parseInteger(v);
  if (n === undefined || n < BigInt(min) || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError(`--${name}: '${v}' is not a valid number (≥ ${min})`);
  return Number(n);
}

function choiceFlag<T extends string>(p: Parsed, name: string, choices: readonly T[]): T | undefined {
  const v = p.flags.get(name);
  if (v === undefined || v === true) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name}: expected ${choices.join(' or ')}, got '${v}'`);
  return v as T;
}

function readScenarioFile(path: string, io: CliIo): string {
  const full = join(io.cwd, path);
  const p = path.startsWith('/') ? path : full;
  if (!existsSync(p)) throw new UsageError(`${path}: no such file`);
  if (statSync(p).isDirectory()) throw new UsageError(`${path}: is a directory`);
  try {
    return readFileSync(p, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
}

// ---- run ----------------------------------------------------------------------

function runOptions(p: Parsed): MachineOptions {
  return {
    maxSteps: intFlag(p, 'max-steps', 1),
    seed: intFlag(p, 'seed', 0),
    cacheModel: choiceFlag(p, 'cache-model', ['on', 'off'] as const),
    speculation: choiceFlag(p, 'speculation', ['none', 'adversarial'] as const),
  };
}

function exitCodeOf(r: RunReport): number {
  return r.result === 'pass' ? 0 : r.result === 'fail' ? 1 : 2;
}

function cmdRun(args: string[], io: CliIo): number {
  const p = parseArgs(args, ['max-steps', 'seed', 'cache-model', 'speculation', 'replay'], ['json']);
  if (p.positional.length !== 1) throw new UsageError('run: expected exactly one FILE');
  const file = p.positional[0];
  const replay = p.flags.get('replay');
  if (typeof replay === 'string') {
    // A witness fixes every choice (and the settings it was explored with): run's own options do not apply.
    for (const o of ['max-steps', 'seed', 'cache-model', 'speculation']) if (p.flags.has(o)) throw new UsageError(`run: --${o} cannot be combined with --replay (the witness fixes the execution)`);
    return cmdReplay(file, replay, p.flags.get('json') === true, io, KIT);
  }
  const options = runOptions(p);
  const model = parseScenario(readScenarioFile(file, io), file);
  let report: RunReport;
  try {
    report = runScenario(model, options);
  } catch (e) {
    // Initial state the parser accepted but the machine cannot apply (e.g. a register it does not know).
    if (e instanceof InitError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
  if (p.flags.get('json') === true) io.out(JSON.stringify(reportToJson(report), null, 2));
  else {
    if (report.result === 'error') for (const d of model.diagnostics) if (d.severity === 'error') io.err(diagnosticLine(file, d));
    io.out(formatReport(report));
  }
  return exitCodeOf(report);
}

/** What `explore` and `run --replay` borrow from the commands here (cli/explore.ts). */
const KIT: CliKit = {
  parseArgs,
  intFlag,
  choiceFlag,
  readScenarioFile,
  parse: (text, file) => parseScenario(text, file),
  usageError: (message) => new UsageError(message),
  diagnosticLine: (file, d) => diagnosticLine(file, d),
};

// ---- check ----------------------------------------------------------------

export function diagnosticLine(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.col + 1}: ${d.severity}: ${d.message} [${d.rule}]`;
}

function cmdCheck(args: string[], io: CliIo): number {
  const p = parseArgs(args, [], []);
  if (p.positional.length === 0) throw new UsageError('check: expected at least one FILE');
  let errors = 0;
  for (const file of p.positional) {
    const model = prepareModel(parseScenario(readScenarioFile(file, io), file));
    const sorted = [...model.diagnostics].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col);
    for (const d of sorted) {
      io.out(diagnosticLine(file, d));
      if (d.severity === 'error') errors++;
    }
  }
  return errors > 0 ? 2 : 0;
}

// ---- decode ---------------------------------------------------------------

interface FieldJson {
  /** The architectural field name (`EC`, `CRn`, `DFSC`…). */
  name: string;
  msb: number;
  lsb: number;
  value: string;
  meaning: string;
  /** For a sub-field (ESR_ELx.ISS's `CRn`, `DFSC`…): the field that holds it, e.g. `ISS`. */
  parent?: string;
}

/** Fields most significant first; a field with sub-fields (ESR_ELx.ISS) is followed by them. */
function flattenFields(fields: DecodedField[], out: FieldJson[] = [], parent?: string): FieldJson[] {
  for (const f of fields) {
    out.push({ name: f.name, msb: f.msb, lsb: f.lsb, value: hex(f.value), meaning: f.meaning, ...(parent ? { parent } : {}) });
    if (f.children) flattenFields(f.children, out, parent ? `${parent}.${f.name}` : f.name);
  }
  return out;
}

function cmdDecode(args: string[], io: CliIo): number {
  const p = parseArgs(args, [], ['json']);
  if (p.positional.length !== 2) throw new UsageError('decode: expected REGISTER VALUE');
  const [name, text] = p.positional;
  const def = findRegister(name);
  if (!def) throw new UsageError(`decode: unknown register '${name}'`);
  const value = parseInteger(text);
  if (value === undefined) throw new UsageError(`decode: '${text}' is not a number (use decimal, 0x…, 0b… or 0o…)`);
  if (value < 0n) throw new UsageError(`decode: '${text}' is negative`);
  if (value >> BigInt(def.width) !== 0n) throw new UsageError(`decode: ${text} does not fit in ${def.name} (${def.width} bits)`);
  const d = decodeValue(def.name, value)!;
  const fields = flattenFields(d.fields);
  if (p.flags.get('json') === true) {
    io.out(JSON.stringify({ register: d.register, value: hex(d.value), fields }, null, 2));
    return 0;
  }
  io.out(formatDecoded(d));
  return 0;
}

// ---- demo -----------------------------------------------------------------

export function findScenarios(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.armscope')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function cmdDemo(args: string[], io: CliIo): number {
  const p = parseArgs(args, [], []);
  if (p.positional.length > 1) throw new UsageError('demo: expected at most one DIR');
  const dirArg = p.positional[0] ?? 'examples';
  const dir = dirArg.startsWith('/') ? dirArg : join(io.cwd, dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`demo: ${dirArg}: no such directory`);
  const files = findScenarios(dir);
  if (files.length === 0) throw new UsageError(`demo: no .armscope files under ${dirArg}`);
  let worst = 0;
  for (const f of files) {
    const rel = relative(io.cwd, f) || f;
    const model = parseScenario(readFileSync(f, 'utf8'), rel);
    const r = runScenario(model);
    worst = Math.max(worst, exitCodeOf(r));
    const held = r.expectations.filter((e) => e.held).length;
    io.out(`${r.result.toUpperCase().padEnd(5)} ${rel}${r.title ? ` — ${r.title}` : ''}`);
    if (r.result === 'error') {
      for (const d of model.diagnostics.filter((d) => d.severity === 'error').slice(0, 3)) io.out(`      ${diagnosticLine(rel, d)}`);
      continue;
    }
    io.out(`      ${r.steps} steps, ${r.stop.reason}; ${held}/${r.expectations.length} expectations held; ${r.faults.length} fault(s), ${r.findings.length} finding(s)`);
    for (const f of r.faults.slice(0, 2)) io.out(`      fault: PE ${f.pe} ${f.kind}${f.stage ? ` stage ${f.stage}` : ''}${f.level !== undefined ? ` level ${f.level}` : ''} EL${f.fromEl} → EL${f.el}${f.line !== undefined ? `, line ${f.line + 1}` : ''}, ESR ${hex(f.esr, 8)} (${esrSummary(f.esr)})`);
    for (const fd of r.findings.slice(0, 2)) io.out(`      finding [${fd.rule}]${fd.line !== undefined ? ` line ${fd.line + 1}` : ''}: ${fd.message}`);
    for (const e of r.expectations.filter((e) => !e.held)) io.out(`      FAILED line ${e.line + 1}: ${e.text} — ${e.detail}`);
  }
  return worst;
}
