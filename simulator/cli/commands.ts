/**
 * `armscope run|explore|check|decode|demo`. Every failure the user can cause (missing
 * file, unknown register, malformed number, bad option) is one line on stderr
 * and a non-zero exit code, never a stack trace.
 *
 * Exit codes: 0 success / all expectations hold; 1 an expectation failed;
 * 2 the scenario has errors, or the command line or input is wrong;
 * 3 (explore) a bound stopped the search before it could tell.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { decodeValue, esrSummary, findRegister, formatDecoded, type DecodedField } from '../arch';
import { reportToJson, type RunReport } from '../engine/report';
import { InitError } from '../engine/init';
import { prepareModel } from '../engine/prepare';
import { runScenario } from '../engine/run';
import type { MachineOptions } from '../engine/machine';
import { RandomPolicy } from '../engine/policy';
// The front door: every layer's block keywords and parse-time passes (pagetable, caches, gic, firmware) are registered.
import { parseScenario } from '..';
import type { Diagnostic } from '../scenario/model';
import { hex, parseInteger } from '../util/hex';
import { cmdExplore, cmdReplay, type CliKit } from './explore';
import { byteSize, count, MAX_SCENARIO_CHARS, MAX_STEPS_LIMIT } from '../scenario/limits';
import { DEFAULT_RUN_TIMEOUT_SECONDS, MAX_RUN_TIMEOUT_SECONDS } from '../engine/bounds';
import { formatReport } from './format';
import { cmdLitmus2Scenario, cmdScenario2Litmus } from './litmus';
import { cmdExploreLitmus } from './exploreLitmus';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

/** A user-facing error: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** `.armscope` files `demo` runs at most from one directory tree. */
export const MAX_DEMO_FILES = 1_000;

const USAGE = `usage:
  armscope run FILE [--json] [--max-steps N] [--seed N] [--cache-model on|off] [--speculation none|adversarial] [--policy round-robin|random] [--timeout SECONDS] [--replay WITNESS]
  armscope explore FILE [--json] [--max-states N] [--max-depth N] [--jobs N] [--no-reduction] [--cache-model on|off] [--witness-dir DIR]
  armscope check FILE...
  armscope decode REGISTER VALUE [--json]
  armscope demo [DIR] [--timeout SECONDS]
  armscope explore FILE.litmus... [--json] [--max-states N] [--max-depth N]
  armscope litmus2scenario FILE.litmus [-o FILE]
  armscope scenario2litmus FILE.armscope [-o FILE] [--name NAME]
limits: scenario files up to ${byteSize(MAX_SCENARIO_CHARS)}, --max-steps up to ${count(MAX_STEPS_LIMIT)}, --timeout up to ${count(MAX_RUN_TIMEOUT_SECONDS)} (default ${DEFAULT_RUN_TIMEOUT_SECONDS}) seconds per scenario`;

/** The exit code; a promise for `explore` with worker threads. */
export function runCli(argv: string[], io: CliIo): number | Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'run':
        return cmdRun(rest, io);
      case 'explore': {
        if (rest.some((a) => a.endsWith('.litmus'))) return cmdExploreLitmus(rest, io, KIT);
        const r = cmdExplore(rest, io, KIT);
        return typeof r === 'number' ? r : r.catch((e: unknown) => failure(e, io));
      }
      case 'check':
        return cmdCheck(rest, io);
      case 'decode':
        return cmdDecode(rest, io);
      case 'demo':
        return cmdDemo(rest, io);
      case 'litmus2scenario':
        return cmdLitmus2Scenario(rest, io, KIT);
      case 'scenario2litmus':
        return cmdScenario2Litmus(rest, io, KIT);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}' (expected run, explore, check, decode, demo, litmus2scenario or scenario2litmus)`);
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

/**
 * Options are `--name VALUE`, `--name=VALUE` or, for switches, `--name`; `--`
 * ends them. Anything else starting with `-` is an unknown option, not a file
 * name (`-x`), and a switch given a value (`--json=false`) is an error rather
 * than a silent "on".
 */
function parseArgs(args: string[], valued: string[], boolean: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (boolean.includes(name)) {
        if (eq >= 0) throw new UsageError(`option '--${name}' takes no value (write '--${name}' alone)`);
        flags.set(name, true);
        continue;
      }
      if (!valued.includes(name)) throw new UsageError(`unknown option '--${printable(name)}'${optionList(valued, boolean)}`);
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`option '--${name}' needs a value`);
      flags.set(name, v);
    } else if (a.startsWith('-') && a.length > 1) {
      throw new UsageError(`unknown option '${printable(a)}'${optionList(valued, boolean)} (to name a file that starts with '-', put '--' before it)`);
    } else positional.push(a);
  }
  return { positional, flags };
}

function optionList(valued: string[], boolean: string[]): string {
  const all = [...boolean, ...valued].map((n) => `--${n}`);
  return all.length > 0 ? `; this command takes ${all.join(', ')}` : '; this command takes no options';
}

/** An argument quoted in a message: at most `max` characters, control characters escaped (one line, whatever was passed). */
function printable(text: string, max = 40): string {
  const t = text.length > max ? `${text.slice(0, max - 3)}…` : text;
  let out = '';
  for (const ch of t) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

function intFlag(p: Parsed, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = p.flags.get(name);
  if (v === undefined || v === true) return undefined;
  const n = parseInteger(v);
  if (n === undefined || n < BigInt(min) || n > BigInt(max)) throw new UsageError(`--${name}: '${printable(v)}' is not a number from ${count(min)} to ${count(max)}`);
  return Number(n);
}

function choiceFlag<T extends string>(p: Parsed, name: string, choices: readonly T[]): T | undefined {
  const v = p.flags.get(name);
  if (v === undefined || v === true) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name}: expected ${choices.join(' or ')}, got '${printable(v)}'`);
  return v as T;
}

/** What a non-regular file is, for the one-line refusal. */
function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Read a scenario file: a regular file of at most MAX_SCENARIO_CHARS bytes.
 * Checked before opening (a FIFO would block the open) and again on the open
 * descriptor (the path may change in between); the read stops one byte past
 * the limit whatever the file claims, so `/dev/zero` or a growing file cannot
 * exhaust memory.
 */
export function readScenarioFile(path: string, cwd: string): string {
  const p = isAbsolute(path) ? path : join(cwd, path);
  const shown = printable(path, 4096);
  let st: Stats;
  try {
    st = statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(isDanglingLink(p) ? `${shown}: dangling symbolic link` : `${shown}: no such file`);
    throw new UsageError(`${shown}: cannot read (${code ?? String(e)})`);
  }
  if (!st.isFile()) throw new UsageError(`${shown}: is ${fileKind(st)}, not a scenario file`);
  if (st.size > MAX_SCENARIO_CHARS) throw new UsageError(tooLarge(shown, `${count(st.size)} bytes`));
  let fd: number;
  try {
    fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new UsageError(`${shown}: is ${fileKind(fst)}, not a scenario file`);
    // A buffer of the size the file claims (and one byte more, to see it grew), doubled while the read fills it, never
    // past the limit and one byte: a litmus catalogue in one command reads thousands of small files (no 4 MB each).
    let buf = Buffer.allocUnsafe(Math.min(MAX_SCENARIO_CHARS + 1, Math.max(4096, fst.size + 1)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(MAX_SCENARIO_CHARS + 1, 2 * buf.length));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > MAX_SCENARIO_CHARS) throw new UsageError(tooLarge(shown, `more than ${count(MAX_SCENARIO_CHARS)} bytes`));
    }
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  } finally {
    closeSync(fd);
  }
}

function isDanglingLink(p: string): boolean {
  try {
    return lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    return false;
  }
}

function tooLarge(shown: string, size: string): string {
  return `${shown}: ${size}: armscope reads scenario files of at most ${byteSize(MAX_SCENARIO_CHARS)}`;
}

// ---- run ----------------------------------------------------------------------

/** The wall-clock bound of each run (`--timeout SECONDS`, default DEFAULT_RUN_TIMEOUT_SECONDS): the CLI never runs unbounded in time. */
function timeoutMs(p: Parsed): number {
  return (intFlag(p, 'timeout', 1, MAX_RUN_TIMEOUT_SECONDS) ?? DEFAULT_RUN_TIMEOUT_SECONDS) * 1000;
}

function runOptions(p: Parsed): MachineOptions {
  // `--policy random`: PEs in a random order and Arm's concurrency model, each read taking a message the model allows at random (seeded).
  const random = choiceFlag(p, 'policy', ['round-robin', 'random'] as const) === 'random';
  return {
    ...(random ? { policy: new RandomPolicy(), memoryModel: 'promising' as const } : {}),
    maxSteps: intFlag(p, 'max-steps', 1, MAX_STEPS_LIMIT),
    seed: intFlag(p, 'seed', 0, 0xffff_ffff),
    cacheModel: choiceFlag(p, 'cache-model', ['on', 'off'] as const),
    speculation: choiceFlag(p, 'speculation', ['none', 'adversarial'] as const),
    timeoutMs: timeoutMs(p),
  };
}

function exitCodeOf(r: RunReport): number {
  return r.result === 'pass' ? 0 : r.result === 'fail' ? 1 : 2;
}

function cmdRun(args: string[], io: CliIo): number {
  const p = parseArgs(args, ['max-steps', 'seed', 'cache-model', 'speculation', 'timeout', 'replay', 'policy'], ['json']);
  if (p.positional.length !== 1) throw new UsageError('run: expected exactly one FILE');
  const file = p.positional[0];
  const replay = p.flags.get('replay');
  if (typeof replay === 'string') {
    // A witness fixes every choice (and the settings it was explored with): run's own options do not apply.
    for (const o of ['max-steps', 'seed', 'cache-model', 'speculation', 'timeout', 'policy']) if (p.flags.has(o)) throw new UsageError(`run: --${o} cannot be combined with --replay (the witness fixes the execution)`);
    return cmdReplay(file, replay, p.flags.get('json') === true, io, KIT);
  }
  const options = runOptions(p);
  const model = parseScenario(readScenarioFile(file, io.cwd), file);
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
    let text: string;
    try {
      text = readScenarioFile(file, io.cwd);
    } catch (e) {
      // One unreadable file is one line; the others are still checked.
      if (!(e instanceof UsageError)) throw e;
      io.err(`armscope: ${e.message}`);
      errors++;
      continue;
    }
    const model = prepareModel(parseScenario(text, file));
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
  if (!def) throw new UsageError(`decode: unknown register '${printable(name)}'`);
  // No register is wider than 128 bits: a longer literal is refused before it becomes a BigInt.
  const value = text.length <= 160 ? parseInteger(text) : undefined;
  if (value === undefined) throw new UsageError(`decode: '${printable(text)}' is not a number (use decimal, 0x…, 0b… or 0o…)`);
  if (value < 0n) throw new UsageError(`decode: '${printable(text)}' is negative`);
  if (value >> BigInt(def.width) !== 0n) throw new UsageError(`decode: ${printable(text)} does not fit in ${def.name} (${def.width} bits)`);
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

/**
 * `.armscope` files under `dir`, sorted, at most MAX_DEMO_FILES. Symbolic
 * links are listed, not followed into (no loops); directories that cannot be
 * read are reported through `skip`.
 */
export function findScenarios(dir: string, skip: (path: string, why: string) => void = () => undefined): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (e) {
      skip(d, `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length > MAX_DEMO_FILES) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.armscope')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function cmdDemo(args: string[], io: CliIo): number {
  const p = parseArgs(args, ['timeout'], []);
  if (p.positional.length > 1) throw new UsageError('demo: expected at most one DIR');
  const timeout = timeoutMs(p);
  const dirArg = p.positional[0] ?? 'examples';
  const dir = isAbsolute(dirArg) ? dirArg : join(io.cwd, dirArg);
  let st: Stats | undefined;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (e) {
    throw new UsageError(`demo: ${printable(dirArg, 4096)}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (st === undefined || !st.isDirectory()) throw new UsageError(`demo: ${printable(dirArg, 4096)}: no such directory`);
  let worst = 0;
  const files = findScenarios(dir, (path, why) => {
    io.err(`armscope: demo: ${relative(io.cwd, path) || path}: ${why}`);
    worst = 2;
  });
  if (files.length === 0) throw new UsageError(`demo: no .armscope files under ${printable(dirArg, 4096)}`);
  if (files.length > MAX_DEMO_FILES) throw new UsageError(`demo: more than ${count(MAX_DEMO_FILES)} .armscope files under ${printable(dirArg, 4096)}: name a smaller directory`);
  for (const f of files) {
    const rel = relative(io.cwd, f) || f;
    let text: string;
    try {
      text = readScenarioFile(f, io.cwd);
    } catch (e) {
      // A dangling link, a FIFO, an oversized file: one line, and the demo goes on.
      if (!(e instanceof UsageError)) throw e;
      io.out(`ERROR ${rel}: ${e.message.slice(e.message.indexOf(': ') + 2)}`);
      worst = 2;
      continue;
    }
    const model = parseScenario(text, rel);
    let r: RunReport;
    try {
      r = runScenario(model, { timeoutMs: timeout });
    } catch (e) {
      if (!(e instanceof InitError)) throw e;
      io.out(`ERROR ${rel}: ${e.message}`);
      worst = 2;
      continue;
    }
    worst = Math.max(worst, exitCodeOf(r));
    const held = r.expectations.filter((e) => e.held).length;
    io.out(`${r.result.toUpperCase().padEnd(5)} ${rel}${r.title ? ` — ${r.title}` : ''}`);
    if (r.result === 'error') {
      for (const d of model.diagnostics.filter((d) => d.severity === 'error').slice(0, 3)) io.out(`      ${diagnosticLine(rel, d)}`);
      continue;
    }
    io.out(`      ${r.steps} steps, ${r.stop.reason}; ${held}/${r.expectations.length} expectations held; ${r.recordTotals.faults} fault(s), ${r.recordTotals.findings} finding(s)`);
    for (const f of r.faults.slice(0, 2)) io.out(`      fault: PE ${f.pe} ${f.kind}${f.stage ? ` stage ${f.stage}` : ''}${f.level !== undefined ? ` level ${f.level}` : ''} EL${f.fromEl} → EL${f.el}${f.line !== undefined ? `, line ${f.line + 1}` : ''}, ESR ${hex(f.esr, 8)} (${esrSummary(f.esr)})`);
    for (const fd of r.findings.slice(0, 2)) io.out(`      finding [${fd.rule}]${fd.line !== undefined ? ` line ${fd.line + 1}` : ''}: ${fd.message}`);
    for (const e of r.expectations.filter((e) => !e.held)) io.out(`      FAILED line ${e.line + 1}: ${e.text} — ${e.detail}`);
  }
  return worst;
}
