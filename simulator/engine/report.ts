/**
 * The result of a run, as every front end shows it: per-PE final state,
 * faults, findings, expectations held or failed, cache summary, steps and
 * why the run stopped. `RunReport` holds bigints; `reportToJson` gives the
 * stable JSON shape (`armscope run --json`), with 64-bit values as `0x…` text.
 */
import { DAIF_FLAGS, NZCV_FLAGS } from '../arch/registers/fields';
import { evictedLines, type EvictedLine, type LineSubject } from '../cache/evictions';
import type { EvictionRecord } from '../cache/evictionLog';
import type { FirmwareCallRecord } from '../firmware/state';
import type { Pe } from '../pe/pe';
import type { Diagnostic, ExpectAtom, ExpectFormula, Expectation, ScenarioModel } from '../scenario/model';
import type { FaultRecord, Finding } from '../trace/events';
import { hex } from '../util/hex';
import type { RecordTotals } from './bounds';
import { getRegister } from './init';
import type { Machine, StopInfo } from './machine';

export interface PeReport {
  id: number;
  el: number;
  pc: bigint;
  /** Source line of the instruction at the PC (0-based). */
  line?: number;
  state: Pe['state'];
  stopReason?: string;
  instret: number;
  x: bigint[];
  sp: bigint;
  nzcv: number;
  daif: number;
}

export interface ExpectationResult {
  /** 0-based source line. */
  line: number;
  text: string;
  /**
   * The run does not refute the expectation: its condition holds (`always`,
   * plain), does not hold (`never`), or — for `sometimes`, which one run
   * cannot refute — either way (`undecided` tells which).
   */
  held: boolean;
  /** What was actually there, e.g. `x1 is 0x2`. */
  detail: string;
  /** A `sometimes` expectation whose condition did not hold in this run: only `armscope explore` decides it. */
  undecided?: boolean;
}

/** A cache's lines as the memory system reports them (issue #3's hierarchy provides this). */
export interface CacheReport {
  name: string;
  lines: { pa: number; state: string; attrs: string; data?: string }[];
}

/** Optional memory-system capabilities the report uses. */
export interface InspectableMemory {
  /**
   * Value of `size` bytes at `pa` as an observer sees it: `main` memory
   * (below every cache) or what PE `pe`'s loads would return. Undefined if
   * the memory system cannot tell.
   */
  inspect?(pa: number, size: number, view: 'main' | { pe: number }): bigint | undefined;
  cacheReport?(): CacheReport[];
}

export interface RunReport {
  file: string;
  title?: string;
  result: 'pass' | 'fail' | 'error';
  steps: number;
  stop: StopInfo;
  pes: PeReport[];
  faults: FaultRecord[];
  /** Every exception taken (traps, calls, interrupts, faults). */
  exceptions: FaultRecord[];
  findings: Finding[];
  expectations: ExpectationResult[];
  caches?: CacheReport[];
  /** Text written to UART devices, by device name. */
  output: Record<string, string>;
  diagnostics: Diagnostic[];
  /** Calls the built-in firmware handled (FF-A, Hafnium HVCs, secure interrupts), oldest first (simulator/firmware). */
  firmwareCalls?: FirmwareCallRecord[];
  /** Evictions of lines a finding or a memory expectation is about: they may have hidden an effect (cache/evictions.ts). */
  evictions?: EvictedLine[];
  /**
   * How many exceptions, faults and findings the run made. `exceptions`,
   * `faults` and `findings` above keep at most the first and last records of
   * each (engine/bounds.ts); these totals count them all.
   */
  recordTotals: RecordTotals;
}

export function buildReport(machine: Machine): RunReport {
  const model = machine.model;
  const stop = machine.stopInfo ?? { kind: 'step-limit', reason: `paused after ${machine.steps} steps` };
  const expectations = model.expectations.map((e) => evaluateExpectation(machine, e));
  for (const r of expectations)
    if (machine.trace.wants.expectation) machine.trace.emit({ kind: 'expectation', line: r.line, text: r.text, held: r.held, detail: r.detail });
  const mem = machine.memory as InspectableMemory;
  const output: Record<string, string> = {};
  const devs = (machine.memory as { devices?(): readonly { name: string; output?: string }[] }).devices?.() ?? [];
  for (const d of devs) if (typeof d.output === 'string' && d.output.length > 0) output[d.name] = d.output;
  return {
    file: model.file,
    title: model.title,
    result: expectations.every((e) => e.held) ? 'pass' : 'fail',
    steps: machine.steps,
    stop,
    pes: machine.pes.map((pe) => peReport(machine, pe)),
    faults: [...machine.faults],
    exceptions: [...machine.exceptions],
    findings: [...machine.findings],
    expectations,
    caches: mem.cacheReport?.(),
    output,
    diagnostics: model.diagnostics,
    firmwareCalls: machine.firmware ? machine.firmware.st.log.map((c) => ({ ...c, args: [...c.args] })) : undefined,
    evictions: reportEvictions(machine),
    recordTotals: { ...machine.bounds.totals },
  };
}

/** Evictions of the lines the findings and the memory expectations are about (undefined without caches). */
function reportEvictions(machine: Machine): EvictedLine[] | undefined {
  const log = (machine.memory as { evictionLog?: readonly EvictionRecord[] }).evictionLog;
  if (log === undefined) return undefined;
  const subjects: LineSubject[] = [];
  for (const e of machine.model.expectations) {
    if (e.kind === 'memory' && e.address.value !== undefined) subjects.push({ pa: Number(e.address.value), about: `expectation at line ${e.range.start.line + 1} (${e.text})` });
  }
  for (const f of machine.findings) {
    if (f.pa !== undefined) subjects.push({ pa: f.pa, about: `finding ${f.rule}${f.line !== undefined ? ` at line ${f.line + 1}` : ''}` });
  }
  return evictedLines(log, subjects, machine.steps);
}

/** Report for a scenario that has errors and was not run. */
export function errorReport(model: ScenarioModel): RunReport {
  return {
    file: model.file,
    title: model.title,
    result: 'error',
    steps: 0,
    stop: { kind: 'halted', reason: 'not run: the scenario has errors' },
    pes: [],
    faults: [],
    exceptions: [],
    findings: [],
    expectations: [],
    output: {},
    diagnostics: model.diagnostics,
    recordTotals: { exceptions: 0, faults: 0, findings: 0 },
  };
}

function peReport(machine: Machine, pe: Pe): PeReport {
  const x: bigint[] = [];
  for (let i = 0; i < 31; i++) x.push(pe.getX(i));
  return {
    id: pe.id,
    el: pe.el,
    pc: pe.getPc(),
    line: machine.lineOfPc(pe.pc),
    state: pe.state,
    stopReason: pe.stopReason,
    instret: pe.instret,
    x,
    sp: pe.getSp(pe.spsel === 0 ? 0 : pe.el),
    nzcv: NZCV_FLAGS.of(pe.nzcv()),
    daif: DAIF_FLAGS.of(pe.daif()),
  };
}

function mask(size: number): bigint {
  return size >= 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(size * 8)) - 1n;
}

function compare(op: '==' | '!=', actual: bigint, expected: bigint): boolean {
  return op === '==' ? actual === expected : actual !== expected;
}

/**
 * One-line summary of a fault or exception, the same in every front end:
 * `translation fault stage 2 level 3 at EL1, taken to EL2`. `at` is the EL the
 * faulting instruction ran at — what `fault … at el N` expects —, `taken to` the
 * EL the exception was taken to (`to el N`), said only when they differ.
 */
export function faultSummary(f: FaultRecord): string {
  const what = f.kind !== undefined ? `${f.kind} fault` : `${f.type} exception`;
  const parts = [what, f.stage !== undefined ? `stage ${f.stage}` : '', f.level !== undefined ? `level ${f.level}` : '', `at EL${f.fromEl}`];
  return parts.filter((p) => p).join(' ') + (f.el !== f.fromEl ? `, taken to EL${f.el}` : '');
}

/** A fault as reports name it, with its PE and source line. */
export function faultText(f: FaultRecord): string {
  return `${faultSummary(f)}, on PE ${f.pe}` + (f.line !== undefined ? ` (line ${f.line + 1})` : '');
}

/**
 * An expectation against the machine's final state, as `run` judges it (one
 * execution): the condition's value, then its quantifier (model.ts
 * `Quantifier`).
 */
export function evaluateExpectation(machine: Machine, e: Expectation): ExpectationResult {
  const base = { line: e.range.start.line, text: e.text };
  const r = conditionValue(machine, e);
  switch (e.quantifier) {
    case 'never':
      return { ...base, held: !r.held, detail: r.detail };
    case 'sometimes':
      return r.held ? { ...base, held: true, detail: `${r.detail} (seen in this run)` } : { ...base, held: true, undecided: true, detail: `${r.detail} (not in this run; armscope explore decides 'sometimes')` };
    default:
      return { ...base, held: r.held, detail: r.detail };
  }
}

/** The value of an expectation's condition (whatever its quantifier) in the machine's current state, with what was observed. */
export function conditionValue(machine: Machine, e: Expectation): { held: boolean; detail: string } {
  if (e.kind !== 'condition') return evaluateAtom(machine, e);
  return evaluateFormula(machine, e.formula);
}

function evaluateFormula(machine: Machine, f: ExpectFormula): { held: boolean; detail: string } {
  switch (f.kind) {
    case 'atom':
      return evaluateAtom(machine, f.atom);
    case 'not': {
      const r = evaluateFormula(machine, f.operand);
      return { held: !r.held, detail: r.detail };
    }
    case 'and':
    case 'or': {
      const a = evaluateFormula(machine, f.left);
      const b = evaluateFormula(machine, f.right);
      return { held: f.kind === 'and' ? a.held && b.held : a.held || b.held, detail: `${a.detail}; ${b.detail}` };
    }
  }
}

function evaluateAtom(machine: Machine, e: ExpectAtom): { held: boolean; detail: string } {
  switch (e.kind) {
    case 'register': {
      const pe = machine.pes[e.pe];
      if (!pe) return { held: false, detail: `there is no PE ${e.pe}` };
      const actual = getRegister(pe, e.register);
      if (actual === undefined) return { held: false, detail: `unknown register '${e.register}'` };
      if (e.value.value === undefined) return { held: false, detail: `value '${e.value.text}' is unresolved` };
      const expected = BigInt.asUintN(64, e.value.value);
      return { held: compare(e.op, actual, expected), detail: `PE ${e.pe} ${e.register} is ${hex(actual)}` };
    }
    case 'memory': {
      if (e.address.value === undefined || e.value.value === undefined) return { held: false, detail: 'address or value is unresolved' };
      const pa = Number(e.address.value);
      const view = e.view ?? 'main';
      const actual = readForExpectation(machine, pa, e.size, view);
      const expected = e.value.value & mask(e.size);
      const where = view === 'main' ? '' : ` as PE ${view.pe} sees it`;
      return { held: compare(e.op, actual, expected), detail: `[${hex(pa)}]${where} is ${hex(actual)}` };
    }
    case 'no-fault': {
      const f = machine.faults[0];
      return { held: f === undefined, detail: f ? `${machine.bounds.totals.faults} fault(s), first: ${faultText(f)}` : 'no fault taken' };
    }
    case 'fault': {
      const at = e.at?.value !== undefined ? BigInt.asUintN(64, e.at.value) : undefined;
      const match = machine.faults.find(
        (f) =>
          f.kind === e.fault &&
          (e.stage === undefined || f.stage === e.stage) &&
          (e.level === undefined || f.level === e.level) &&
          // `at el N`: the EL the faulting instruction ran at; `to el N`: the EL the exception was taken to (docs/language.md).
          (e.el === undefined || f.fromEl === e.el) &&
          (e.toEl === undefined || f.el === e.toEl) &&
          (e.pe === undefined || f.pe === e.pe) &&
          (at === undefined || f.pc === at || f.va === at),
      );
      if (match) return { held: true, detail: `taken: ${faultText(match)}` };
      const others = machine.faults.map(faultText);
      return { held: false, detail: others.length ? `faults taken: ${others.join('; ')}` : 'no fault taken' };
    }
    case 'finding': {
      const hit = machine.findings.find((f) => f.rule === e.rule);
      const held = e.negate ? hit === undefined : hit !== undefined;
      return { held, detail: hit ? `found: ${hit.message}` : `no ${e.rule} finding` };
    }
    case 'no-finding': {
      const f = machine.findings[0];
      return { held: f === undefined, detail: f ? `${machine.bounds.totals.findings} finding(s), first: [${f.rule}] ${f.message}` : 'no findings' };
    }
    case 'halted': {
      const pe = machine.pes[e.pe];
      if (!pe) return { held: false, detail: `there is no PE ${e.pe}` };
      return { held: pe.state === 'halted', detail: `PE ${e.pe} is ${pe.state}${pe.stopReason ? ` (${pe.stopReason})` : ''}` };
    }
  }
}

/** The value an expectation compares: `size` bytes at `pa` in main memory, or as PE N sees them through its caches. */
export function readForExpectation(machine: Machine, pa: number, size: number, view: 'main' | { pe: number }): bigint {
  const mem = machine.memory as InspectableMemory;
  const v = mem.inspect?.(pa, size, view);
  if (v !== undefined) return v & mask(size);
  let out = 0n;
  for (let i = size - 1; i >= 0; i--) out = (out << 8n) | BigInt(machine.physical.readU8(pa + i));
  return out;
}

// ---- JSON ------------------------------------------------------------------

export interface FaultJson {
  pe: number;
  kind: string;
  el: number;
  fromEl: number;
  esr: string;
  far?: string;
  line?: number;
  /** Translation stage, lookup level and addresses of the faulting access; `null` when the fault has none (issue #3). */
  stage: number | null;
  level: number | null;
  va: string | null;
  ipa: string | null;
  /** Output PA when the translation produced one (permission, access flag, alignment after the walk); null otherwise. */
  pa: string | null;
  pc: string;
  step: number;
  reason?: string;
}

function faultJson(f: FaultRecord): FaultJson {
  return {
    pe: f.pe,
    kind: f.kind ?? f.type,
    el: f.el,
    fromEl: f.fromEl,
    esr: hex(f.esr),
    far: f.far !== undefined ? hex(f.far) : undefined,
    line: f.line !== undefined ? f.line + 1 : undefined,
    stage: f.stage ?? null,
    level: f.level ?? null,
    va: f.va !== undefined ? hex(f.va) : null,
    ipa: f.ipa !== undefined ? hex(f.ipa) : null,
    pa: f.pa !== undefined ? hex(f.pa) : null,
    pc: hex(f.pc),
    step: f.step,
    reason: f.reason,
  };
}

/** The `armscope run --json` shape. Lines are 1-based here (as printed). */
export function reportToJson(r: RunReport): unknown {
  return {
    file: r.file,
    title: r.title,
    result: r.result,
    steps: r.steps,
    stopReason: r.stop.reason,
    stopKind: r.stop.kind,
    recordTotals: r.recordTotals,
    expectations: r.expectations.map((e) => ({ line: e.line + 1, text: e.text, held: e.held, detail: e.detail, ...(e.undecided ? { undecided: true } : {}) })),
    faults: r.faults.map(faultJson),
    exceptions: r.exceptions.map(faultJson),
    evictions: r.evictions?.map((e) => ({ step: e.step, cache: e.cache, line: hex(e.pa), attrs: e.attrs, dirty: e.dirty, about: e.about })),
    findings: r.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      line: f.line !== undefined ? f.line + 1 : undefined,
      related: f.related.map((l) => l + 1),
    })),
    pes: r.pes.map((p) => ({
      id: p.id,
      el: p.el,
      pc: hex(p.pc),
      line: p.line !== undefined ? p.line + 1 : undefined,
      state: p.state,
      stopReason: p.stopReason,
      instret: p.instret,
      x: p.x.map((v) => hex(v)),
      sp: hex(p.sp),
      nzcv: p.nzcv,
      daif: p.daif,
    })),
    caches: r.caches?.map((c) => ({ name: c.name, lines: c.lines.map((l) => ({ ...l, pa: hex(l.pa) })) })),
    firmwareCalls: r.firmwareCalls?.map((c) => ({ ...c, line: c.line !== undefined ? c.line + 1 : undefined, caller: hex(c.caller, 4), callee: c.callee !== undefined ? hex(c.callee, 4) : undefined })),
    output: r.output,
    diagnostics: r.diagnostics.map((d) => ({
      line: d.range.start.line + 1,
      col: d.range.start.col + 1,
      severity: d.severity,
      message: d.message,
      rule: d.rule,
    })),
  };
}
