/**
 * Execution control for a debug session, without DAP types: the machine,
 * breakpoints, forward stepping and time travel (step back, reverse continue)
 * built on the engine's checkpoints + deterministic replay (Machine.goToStep).
 *
 * Every stop condition is checked from machine state after each step (new
 * exception records, new findings, watched writes, cache-line states of
 * watched lines, PCs at breakpoint addresses), so the same check works while
 * running forward and while re-executing a segment during a reverse search
 * (replay mutes trace events).
 */
import { decodeFunctionId, ffaErrorName, HAFNIUM_IDS } from '../simulator/arch/index';
import { exceptionLabel } from '../simulator/engine/callChain';
import type { Firmware } from '../simulator/firmware/index';
import { CHECKER_RULES } from '../simulator/checks/index';
import { evaluateCondition } from '../simulator/engine/evaluate';
import { Machine, type MachineOptions } from '../simulator/engine/machine';
import type { PauseConditions } from '../simulator/engine/pause';
import { evaluateExpectation } from '../simulator/engine/report';
import { watchWrites, type WatchedWrite } from '../simulator/engine/writeWatch';
import type { ScenarioModel } from '../simulator/scenario/model';
import type { FaultRecord } from '../simulator/trace/events';
import { hex } from '../simulator/util/hex';

/** FF-A FFA_ERROR function ID (FF-A v1.1 §13.2, arch-facts.md). */
const FFA_ERROR = 0x8400_0060;

export interface ExceptionFilterDef {
  filter: string;
  label: string;
  description: string;
  default?: boolean;
}

const FAULT_FILTERS: [string, string][] = [
  ['translation', 'Translation'],
  ['permission', 'Permission'],
  ['access-flag', 'Access flag'],
];

/** The exception breakpoint filters (DAP `exceptionBreakpointFilters`). */
export function exceptionFilters(): ExceptionFilterDef[] {
  const out: ExceptionFilterDef[] = [];
  for (const [kind, label] of FAULT_FILTERS)
    for (const stage of [1, 2])
      out.push({ filter: `fault:${kind}:${stage}`, label: `${label} fault, stage ${stage}`, description: `Stop when a PE takes a stage-${stage} ${label.toLowerCase()} fault`, default: true });
  out.push({ filter: 'fault:alignment', label: 'Alignment fault', description: 'Stop on alignment faults (data, PC and SP alignment)', default: true });
  out.push({ filter: 'fault:other', label: 'Other faults', description: 'Stop on other aborts, undefined instructions and illegal execution state', default: true });
  out.push({ filter: 'exception:any', label: 'Every exception taken', description: 'Stop on every exception a PE takes (SVC/HVC/SMC calls, traps, interrupts)' });
  for (const rule of CHECKER_RULES) out.push({ filter: `finding:${rule}`, label: `Finding: ${rule}`, description: `Stop when the ${rule} checker reports a finding`, default: true });
  out.push({ filter: 'finding:other', label: 'Other findings (FF-A, isolation, …)', description: 'Stop on findings of the firmware layer and other checkers', default: true });
  out.push({ filter: 'ffa-error', label: 'FF-A error return', description: 'Stop when an SMC/HVC/ERET returns FFA_ERROR in w0', default: true });
  out.push({ filter: 'livelock', label: 'Livelock', description: 'Stop when a checker stops the run (e.g. livelock detected)', default: true });
  out.push({ filter: 'expectation', label: 'Failed expectation', description: 'Stop at the end of the run when an expectation fails', default: true });
  return out;
}

export interface LineBreakpoint {
  id: number;
  /** PCs (sign-extended VA form) this breakpoint stops at. */
  addresses: number[];
  condition?: string;
  hitCondition?: string;
  hits: number;
  /** `function` and `instruction` breakpoints stop with that reason. */
  kind: 'line' | 'function' | 'instruction';
  name?: string;
}

export interface DataBreakpoint {
  id: number;
  /** `mem:PA:SIZE` or `line:PA`. */
  dataId: string;
  condition?: string;
  hitCondition?: string;
  hits: number;
}

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'end' | 'goto';

export interface Stop {
  reason: StopReason;
  /** PE the stop concerns (thread). */
  pe: number;
  description: string;
  /** For exceptions: filter id and details (DAP exceptionInfo). */
  exceptionId?: string;
  details?: string;
  breakpointIds?: number[];
  /**
   * The state to show is the one *before* the step that caused the stop: an
   * exception the built-in firmware handled within the step (the PE is no
   * longer at the vector), so the faulting instruction and its call chain are
   * what the user sees.
   */
  before?: boolean;
  /**
   * For a stop shown before its step: what that step does on the stop's PE,
   * as call-stack labels (the FF-A call an `smc`/`hvc` makes, the exceptions
   * it takes with their EC, the watched write) — the firmware handles them
   * within the step, so no later state shows them.
   */
  pending?: string[];
}

export interface LaunchOptions {
  cacheModel?: 'on' | 'off';
  speculation?: 'none' | 'adversarial';
  maxSteps?: number;
  checkpointInterval?: number;
}

function faultFilter(f: FaultRecord): string | undefined {
  if (f.kind === undefined) return undefined;
  if (f.kind === 'translation' || f.kind === 'permission' || f.kind === 'access-flag') return `fault:${f.kind}:${f.stage ?? 1}`;
  if (f.kind === 'alignment' || f.kind === 'pc-alignment' || f.kind === 'sp-alignment') return 'fault:alignment';
  return 'fault:other';
}

function faultDescription(f: FaultRecord): string {
  const what = f.kind ? `${f.stage ? `stage ${f.stage} ` : ''}${f.kind} fault${f.level !== undefined ? ` at level ${f.level}` : ''}` : `${f.type} exception`;
  return `PE${f.pe}: ${what}, EL${f.fromEl}→EL${f.el}, ESR_EL${f.el} ${hex(f.esr)}${f.far !== undefined ? `, FAR ${hex(f.far)}` : ''}`;
}

function hitOk(hitCondition: string | undefined, hits: number): boolean {
  if (!hitCondition) return true;
  const m = /^\s*(==|>=|>|%|<=|<)?\s*(\d+)\s*$/.exec(hitCondition);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return hits >= n;
    case '>':
      return hits > n;
    case '<':
      return hits < n;
    case '<=':
      return hits <= n;
    case '%':
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}

/** A stop that could be shown before its step, shown after it (a step ran into it): say so in its text. */
function shownAfterItsStep(stop: Stop): Stop {
  if (!stop.before) return stop;
  return { ...stop, before: false, description: stop.description.replace(' — taken by the next step and handled by', ' — taken and handled by') };
}

export class DebugController {
  readonly machine: Machine;
  readonly model: ScenarioModel;
  lineBreakpoints: LineBreakpoint[] = [];
  functionBreakpoints: LineBreakpoint[] = [];
  instructionBreakpoints: LineBreakpoint[] = [];
  dataBreakpoints: DataBreakpoint[] = [];
  filters = new Set<string>();
  /** Conditions on exception filters (DAP filterOptions), by filter id. */
  filterConditions = new Map<string, string>();
  /** Set by pause(); checked by the run loop between chunks. */
  private pauseRequested = false;
  private bpByPc = new Map<number, LineBreakpoint[]>();
  private unwatch: (() => void) | undefined;
  private watchedWrites: WatchedWrite[] = [];
  private watchedLines = new Map<number, string>();
  /** Last exception/finding counts seen by the checks. */
  private seenExceptions = 0;
  private seenFindings = 0;
  private prevInstret: number[] = [];
  private prevPc: number[] = [];
  private endReported = false;
  /** Highest step reached along the current history (beyond it, steps are new). */
  frontier = 0;
  /** Step of the state a `before` stop showed (-1: none). */
  private beforeStopAt = -1;

  constructor(model: ScenarioModel, opts: LaunchOptions = {}) {
    this.model = model;
    const options: MachineOptions = {
      cacheModel: opts.cacheModel,
      speculation: opts.speculation,
      maxSteps: opts.maxSteps,
      checkpointInterval: opts.checkpointInterval ?? 10_000,
    };
    this.machine = Machine.create(model, options);
    this.syncCounters();
  }

  get steps(): number {
    return this.machine.steps;
  }

  // ---- breakpoints ----------------------------------------------------------------

  /** Addresses of the instructions assembled from a 0-based source line. */
  addressesOfLine(line: number): number[] {
    const out: number[] = [];
    for (const [pa, instr] of this.model.program.instrs) if (instr.line === line) out.push(pa);
    return out;
  }

  /** Nearest line at or after `line` (within 8) that holds an instruction. */
  resolveLine(line: number): { line: number; addresses: number[] } | undefined {
    for (let l = line; l < line + 8; l++) {
      const a = this.addressesOfLine(l);
      if (a.length > 0) return { line: l, addresses: a };
    }
    return undefined;
  }

  rebuildBreakpointIndex(): void {
    this.bpByPc.clear();
    for (const bp of [...this.lineBreakpoints, ...this.functionBreakpoints, ...this.instructionBreakpoints])
      for (const a of bp.addresses) {
        const l = this.bpByPc.get(a) ?? [];
        l.push(bp);
        this.bpByPc.set(a, l);
      }
  }

  setDataBreakpoints(bps: DataBreakpoint[]): void {
    this.dataBreakpoints = bps;
    this.unwatch?.();
    this.unwatch = undefined;
    this.watchedLines.clear();
    const ranges: { pa: number; size: number }[] = [];
    for (const bp of bps) {
      const m = /^mem:(\d+):(\d+)$/.exec(bp.dataId);
      if (m) ranges.push({ pa: Number(m[1]), size: Number(m[2]) });
      const l = /^line:(\d+)$/.exec(bp.dataId);
      if (l) this.watchedLines.set(Number(l[1]), '');
    }
    if (ranges.length > 0) this.unwatch = watchWrites(this.machine, ranges, (w) => this.watchedWrites.push(w));
    this.refreshLineSignatures();
  }

  private lineSignature(pa: number): string {
    const mem = this.machine.memory as unknown as { linesOf?(pa: number): { cache: string; state: string; attrs: string }[] };
    if (!mem.linesOf) return '';
    return mem
      .linesOf(pa)
      .map((c) => `${c.cache} ${c.attrs} ${c.state}`)
      .join(', ');
  }

  private refreshLineSignatures(): void {
    for (const pa of this.watchedLines.keys()) this.watchedLines.set(pa, this.lineSignature(pa));
  }

  private syncCounters(): void {
    const m = this.machine;
    this.seenExceptions = m.exceptions.length;
    this.seenFindings = m.findings.length;
    this.prevInstret = m.pes.map((p) => p.instret);
    this.prevPc = m.pes.map((p) => p.pc);
    this.watchedWrites.length = 0;
    this.refreshLineSignatures();
  }

  // ---- the per-step check -----------------------------------------------------------

  /**
   * After one step: the stop this state calls for, if any. `reverse` means we
   * are searching backwards (hit counts are not consumed).
   */
  private check(reverse: boolean): Stop | undefined {
    return this.stopsOfStep(reverse, false)[0];
  }

  /**
   * The stops this step calls for, most important first. Forward (`all`
   * false) only the first is wanted and later conditions are not evaluated
   * (their hit counts are not consumed). A reverse search (`all` true) needs
   * every one: they land at different places — a data breakpoint *before* the
   * writing step, an exception at its vector *after* it — so one can hide the
   * other. In seed 000 through FF-A the SPMC writes the descriptor during the
   * very step in which OP-TEE's `smc` (trapped to S-EL2, HCR_EL2.TSC) is taken.
   */
  private stopsOfStep(reverse: boolean, all: boolean): Stop[] {
    const m = this.machine;
    const stops: Stop[] = [];
    /** No stop yet, or every stop is wanted. */
    const open = (): boolean => all || stops.length === 0;
    // Exceptions taken in this step.
    for (; this.seenExceptions < m.exceptions.length; this.seenExceptions++) {
      const f = m.exceptions[this.seenExceptions];
      const filter = faultFilter(f);
      const hit = (filter !== undefined && this.filters.has(filter) ? filter : undefined) ?? (this.filters.has('exception:any') ? 'exception:any' : undefined);
      if (hit && open() && this.filterOk(hit, f.pe)) {
        const before = !this.atVector(f);
        stops.push({
          reason: 'exception',
          pe: f.pe,
          description: faultDescription(f) + (before ? ` — taken by the next step and handled by the built-in firmware (${this.machine.pes[f.pe].stopReason ?? `now at EL${this.machine.pes[f.pe].el}`})` : ''),
          exceptionId: hit,
          details: f.reason,
          before,
        });
      }
    }
    for (; this.seenFindings < m.findings.length; this.seenFindings++) {
      const fd = m.findings[this.seenFindings];
      const id = (CHECKER_RULES as readonly string[]).includes(fd.rule) ? `finding:${fd.rule}` : 'finding:other';
      if (open() && this.filters.has(id) && this.filterOk(id, fd.pe ?? 0))
        stops.push({ reason: 'exception', pe: fd.pe ?? 0, description: `${fd.rule}: ${fd.message}`, exceptionId: id, details: fd.message });
    }
    // Watched writes and watched cache lines.
    if (this.watchedWrites.length > 0) {
      const w = this.watchedWrites[0];
      this.watchedWrites.length = 0;
      const bp = this.dataBreakpoints.find((b) => {
        const mm = /^mem:(\d+):(\d+)$/.exec(b.dataId);
        return mm !== null && w.pa < Number(mm[1]) + Number(mm[2]) && Number(mm[1]) < w.pa + w.size;
      });
      if (open() && bp && this.dataHit(bp, w.pe ?? 0, reverse)) {
        const value = (BigInt(w.hi >>> 0) << 32n) | BigInt(w.lo >>> 0);
        stops.push({ reason: 'data breakpoint', pe: w.pe ?? 0, description: `${w.pe !== undefined ? `PE${w.pe}` : 'an external agent'} wrote ${hex(value)} (${w.size} bytes, ${w.attrs}) to ${hex(w.pa)}`, breakpointIds: [bp.id] });
      }
    }
    if (this.watchedLines.size > 0) {
      for (const [pa, before] of this.watchedLines) {
        const now = this.lineSignature(pa);
        if (now === before) continue;
        this.watchedLines.set(pa, now);
        const bp = this.dataBreakpoints.find((b) => b.dataId === `line:${pa}`);
        if (open() && bp && this.dataHit(bp, 0, reverse))
          stops.push({ reason: 'data breakpoint', pe: 0, description: `line ${hex(pa)} changed: ${before || 'not cached'} → ${now || 'not cached'}`, breakpointIds: [bp.id] });
      }
    }
    // PEs that executed in this step: line/function breakpoints at their new PC, FF-A error returns.
    for (const pe of m.pes) {
      const i = pe.id;
      if (pe.instret === this.prevInstret[i]) continue;
      const prevPc = this.prevPc[i];
      this.prevInstret[i] = pe.instret;
      this.prevPc[i] = pe.pc;
      if (!open()) continue;
      if (this.filters.has('ffa-error') && pe.xlo[0] === FFA_ERROR) {
        const mn = m.instrAt(prevPc)?.mnemonic;
        if ((mn === 'smc' || mn === 'hvc' || mn === 'eret') && this.filterOk('ffa-error', i)) {
          const code = pe.xlo[2] | 0;
          stops.push({ reason: 'exception', pe: i, description: `PE${i}: FF-A call returned FFA_ERROR ${ffaErrorName(code) ?? code} (w2 = ${hex(pe.xlo[2] >>> 0)})`, exceptionId: 'ffa-error' });
          continue;
        }
      }
      const bps = this.bpByPc.get(pe.pc);
      const hit = bps && this.breakpointHit(bps, i, reverse);
      if (hit) stops.push(hit);
    }
    return stops;
  }

  /** After the step that took exception `f`, is its PE at the vector of the EL it was taken to (Arm ARM D1.3.2 vector offsets < 0x800)? */
  private atVector(f: FaultRecord): boolean {
    const pe = this.machine.pes[f.pe];
    if (pe.el !== f.el || f.el === 0) return false;
    const vbar = Number(BigInt.asIntN(64, pe.readSysreg(`VBAR_EL${f.el}`) & ~0x7ffn));
    return pe.pc >= vbar && pe.pc < vbar + 0x800;
  }

  private filterOk(filter: string, pe: number): boolean {
    const c = this.filterConditions.get(filter);
    if (!c) return true;
    try {
      return evaluateCondition(this.machine, c, pe);
    } catch {
      return true;
    }
  }

  private dataHit(bp: DataBreakpoint, pe: number, reverse: boolean): boolean {
    if (bp.condition) {
      try {
        if (!evaluateCondition(this.machine, bp.condition, pe)) return false;
      } catch {
        /* an unevaluable condition stops, so the user sees it */
      }
    }
    if (reverse) return true;
    bp.hits++;
    return hitOk(bp.hitCondition, bp.hits);
  }

  /** Breakpoints at a PE's PC: the stop when one applies (condition, hit count). */
  private breakpointHit(bps: LineBreakpoint[], pe: number, reverse: boolean): Stop | undefined {
    for (const bp of bps) {
      if (bp.condition) {
        let ok = true;
        try {
          ok = evaluateCondition(this.machine, bp.condition, pe);
        } catch {
          ok = true;
        }
        if (!ok) continue;
      }
      if (!reverse) {
        bp.hits++;
        if (!hitOk(bp.hitCondition, bp.hits)) continue;
      }
      const where = this.machine.lineOfPc(this.machine.pes[pe].pc);
      return {
        reason: bp.kind === 'function' ? 'function breakpoint' : bp.kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint',
        pe,
        description: `PE${pe} at ${bp.name ?? (where !== undefined ? `line ${where + 1}` : hex(this.machine.pes[pe].pc))}`,
        breakpointIds: [bp.id],
      };
    }
    return undefined;
  }

  /** The end-of-run stop (once per arrival), with failed expectations and livelock as exceptions. */
  private endStop(): Stop {
    const m = this.machine;
    const info = m.stopInfo;
    const reason = info?.reason ?? `paused after ${m.steps} steps`;
    if (info?.kind === 'checker' && this.filters.has('livelock')) return { reason: 'exception', pe: 0, description: reason, exceptionId: 'livelock', details: reason };
    if (this.filters.has('expectation')) {
      const failed = m.model.expectations.map((e) => evaluateExpectation(m, e)).filter((r) => !r.held);
      if (failed.length > 0) {
        const details = failed.map((r) => `line ${r.line + 1}: ${r.text} — ${r.detail}`).join('\n');
        return { reason: 'exception', pe: 0, description: `run ended (${reason}); ${failed.length} expectation(s) failed: ${failed[0].text}`, exceptionId: 'expectation', details };
      }
    }
    return { reason: 'end', pe: 0, description: `run ended: ${reason}` };
  }

  // ---- forward -----------------------------------------------------------------------

  /** One machine step along the current history (behind its horizon the machine replays logged choices itself). */
  private stepOnce(): boolean {
    const m = this.machine;
    if (m.stopInfo) return false;
    const before = m.steps;
    m.step();
    if (m.steps > this.frontier) this.frontier = m.steps;
    return m.steps > before;
  }

  /**
   * Up to `n` steps at full speed: the machine pauses after any step in which
   * a stop condition may hold (engine/pause.ts), and the counters are set as if
   * that step had been taken alone, so `check` examines it exactly as after
   * `stepOnce`. Returns false when no step was taken.
   */
  private runWatched(n: number): boolean {
    const m = this.machine;
    if (m.stopInfo) return false;
    const before = m.steps;
    m.pauseWhen(this.pauseConditions());
    try {
      m.run(n);
    } finally {
      m.pauseWhen(undefined);
    }
    if (m.steps > this.frontier) this.frontier = m.steps;
    if (m.steps === before) return false;
    const s = m.scheduler;
    m.pes.forEach((pe, i) => {
      const last = s.lastStep === m.steps && s.lastPe === i;
      this.prevInstret[i] = last ? s.lastInstret : pe.instret;
      this.prevPc[i] = last ? s.lastPc : pe.pc;
    });
    return true;
  }

  /** Where `stopsOfStep` can find a stop, as the engine's pause conditions. */
  private pauseConditions(): PauseConditions {
    const writes: { pa: number; size: number }[] = [];
    for (const bp of this.dataBreakpoints) {
      const mm = /^mem:(\d+):(\d+)$/.exec(bp.dataId);
      if (mm) writes.push({ pa: Number(mm[1]), size: Number(mm[2]) });
    }
    return { pcs: this.bpByPc.keys(), records: this.filters.size > 0, stateChanges: this.filters.has('ffa-error'), lines: this.watchedLines.keys(), writes };
  }

  pause(): void {
    this.pauseRequested = true;
  }

  /**
   * Run forward until a stop condition, the run's end, `until` says so, or
   * pause(). Works in chunks; `onChunk` is awaited between chunks (progress,
   * letting pause requests in). Returns the stop.
   */
  async runForward(until: (() => Stop | undefined) | undefined, onChunk?: (steps: number) => Promise<void>): Promise<Stop> {
    this.pauseRequested = false;
    this.syncCounters();
    const m = this.machine;
    // Resuming from a stop shown *before* its step: that step's exception does not stop again.
    const resumeFrom = this.beforeStopAt;
    this.beforeStopAt = -1;
    /** A stop to report now, or undefined to go on (a `before` stop is resolved here). */
    const settle = (stop: Stop | undefined): Stop | undefined => {
      if (!stop?.before) return stop;
      if (until) return shownAfterItsStep(stop);
      if (m.steps - 1 === resumeFrom) return undefined;
      this.goTo(m.steps - 1);
      this.beforeStopAt = m.steps;
      return { ...stop, pending: this.nextStepLabels(stop.pe) };
    };
    for (;;) {
      // Without `until`, chunks at full speed paused where a stop may be (runWatched); with it, step by step.
      for (let k = 0; k < 20_000; ) {
        const before = m.steps;
        if (!(until === undefined ? this.runWatched(20_000 - k) : this.stepOnce())) return settle(this.check(false)) ?? this.endStop();
        k += Math.max(1, m.steps - before);
        const stop = settle(this.check(false)) ?? until?.();
        if (stop) return stop;
      }
      if (onChunk) await onChunk(m.steps);
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return { reason: 'pause', pe: 0, description: `paused at step ${m.steps}` };
      }
    }
  }

  /**
   * Step PE `pe` by one instruction. `singleThread`: only that PE executes
   * (a logged caller choice, replayed by time travel); otherwise the machine
   * steps (all PEs in policy order) until that PE has executed one.
   */
  async stepInstruction(pe: number, singleThread: boolean): Promise<Stop> {
    const m = this.machine;
    const target = m.pes[pe];
    const start = target.instret;
    if (target.state === 'halted') return { reason: 'step', pe, description: `PE${pe} is halted: ${target.stopReason ?? 'hlt'}` };
    if (singleThread && target.state === 'running' && !m.stopInfo) {
      this.syncCounters();
      this.beforeStopAt = -1;
      m.apply({ kind: 'pe-step', pe });
      this.frontier = m.steps;
      // A single step shows its own result, even when the firmware handled an exception within it.
      const stop = this.check(false);
      return stop ? shownAfterItsStep(stop) : { reason: 'step', pe, description: `PE${pe} stepped` };
    }
    const stop = await this.runForward(() => (target.instret !== start ? { reason: 'step', pe, description: `PE${pe} stepped` } : undefined));
    return stop.reason === 'breakpoint' && target.instret !== start && stop.pe === pe ? { ...stop } : stop;
  }

  /** Step out: run until PE `pe` returns below its current EL (ERET) or stops. */
  async stepOut(pe: number): Promise<Stop> {
    const target = this.machine.pes[pe];
    const el = target.el;
    if (el === 0) return this.stepInstruction(pe, false);
    return this.runForward(() => (target.el < el ? { reason: 'step', pe, description: `PE${pe} returned to EL${target.el}` } : undefined));
  }

  // ---- time travel -----------------------------------------------------------------

  /** Restore the state after `step` steps (within the current history). */
  goTo(step: number): void {
    this.machine.goToStep(Math.max(0, Math.min(step, this.frontier)));
    this.syncCounters();
    this.beforeStopAt = -1;
    this.endReported = false;
  }

  private instretAt(pe: number, step: number): number {
    this.machine.goToStep(step);
    return this.machine.pes[pe].instret;
  }

  /**
   * Step back one instruction of PE `pe`: the latest state in which it had
   * executed one instruction fewer. Tries the previous few steps first (the
   * common case), then binary-searches over the history.
   */
  stepBack(pe: number): Stop {
    const m = this.machine;
    const now = m.steps;
    const want = m.pes[pe].instret - 1;
    if (want < 0 || now === 0) {
      this.goTo(0);
      return { reason: 'step', pe, description: 'at the start of the run' };
    }
    let found = -1;
    for (let s = now - 1; s >= Math.max(0, now - m.pes.length - 1); s--) {
      if (this.instretAt(pe, s) <= want) {
        found = s;
        break;
      }
    }
    if (found < 0) {
      // Largest s with instret(s) <= want, instret is monotonic in s.
      let lo = 0;
      let hi = now - 1;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (this.instretAt(pe, mid) <= want) lo = mid;
        else hi = mid - 1;
      }
      found = lo;
    }
    this.goTo(found);
    return { reason: 'step', pe, description: `PE${pe} stepped back to step ${found}` };
  }

  /**
   * Reverse continue: the latest earlier state where a stop condition held.
   * Searches checkpoint-sized segments backwards, re-executing each one with
   * the checks on (hit counts are not consumed). Data breakpoints in reverse
   * stop *before* the writing step, at the instruction that wrote.
   */
  reverseContinue(): Stop {
    const m = this.machine;
    const now = m.steps;
    const interval = Math.max(1, m.options.checkpointInterval || 10_000);
    let segEnd = now;
    while (segEnd > 0) {
      const segStart = Math.max(0, segEnd - interval);
      let last: { step: number; stop: Stop } | undefined;
      this.goTo(segStart);
      if (segStart === 0) {
        const entry = this.entryBreakpoint(true);
        if (entry) last = { step: 0, stop: entry };
      }
      while (m.steps < segEnd) {
        if (!this.runWatched(segEnd - m.steps)) break;
        // Every stop of this step at its own place; the latest place before `now` wins, and at
        // one place a data breakpoint wins (what the user asked for; the write is the cause).
        for (const stop of this.stopsOfStep(true, true)) {
          const at = stop.reason === 'data breakpoint' || stop.before ? m.steps - 1 : m.steps;
          if (at >= now) continue;
          if (!last || at > last.step || (at === last.step && stop.reason === 'data breakpoint' && last.stop.reason !== 'data breakpoint')) last = { step: at, stop };
        }
      }
      if (last) {
        this.goTo(last.step);
        return last.stop.before || last.stop.reason === 'data breakpoint' ? { ...last.stop, pending: this.nextStepLabels(last.stop.pe, last.stop) } : last.stop;
      }
      segEnd = segStart;
    }
    this.goTo(0);
    return { reason: 'entry', pe: 0, description: 'reached the start of the run' };
  }

  /**
   * What the next step (along the current history) does on PE `peId`, as
   * labels, innermost first: the watched write of a data-breakpoint stop, the
   * exceptions taken (`SMC … EC 0x17 EL1→EL2`), and the FF-A call an `smc` or
   * `hvc` makes (`FFA_MEM_RETRIEVE_REQ_32 0x8001→0x8000 (SPMC, S-EL2)`, FF-A
   * v1.1 §13: the function ID in w0). Peeks by replaying one step and comes
   * back; the state shown does not change.
   */
  nextStepLabels(peId: number, stop?: Stop): string[] {
    const m = this.machine;
    const at = m.steps;
    if (at >= this.frontier) return [];
    const pe = m.pes[peId];
    const mnemonic = m.instrAt(pe.pc)?.mnemonic;
    const fid = decodeFunctionId(pe.xlo[0]);
    const fw = (m as { firmware?: Firmware }).firmware;
    const caller = fw?.currentEndpoint(peId).id;
    const firstRecord = m.exceptions.length;
    m.goToStep(at + 1);
    const taken = m.exceptions.slice(firstRecord).filter((r) => r.pe === peId);
    m.goToStep(at);
    this.syncCounters();
    // A plain instruction (a store) shows itself in its code frame: labels only when the step enters
    // an exception (the built-in firmware then works within the step, out of sight).
    if (taken.length === 0) return [];
    const out: string[] = [];
    if (stop?.reason === 'data breakpoint') out.push(`next step: ${stop.description}`);
    const call = taken.find((r) => r.type === 'sync' && (mnemonic === 'smc' || mnemonic === 'hvc'));
    if (call && fid.service === 'ffa' && fid.name && caller !== undefined) {
      const handler = call.el === 3 ? 'SPMD, EL3' : 'SPMC, S-EL2';
      const direct = /^FFA_MSG_SEND_DIRECT_REQ/.test(fid.name);
      const callee = direct ? pe.xlo[1] & 0xffff : call.el === 3 ? HAFNIUM_IDS.SPMD : HAFNIUM_IDS.SPMC;
      out.push(`next step: ${fid.name} ${hex(caller, 4)}→${hex(callee, 4)} (${handler})`);
    }
    for (const r of taken.reverse()) out.push(`next step: ${exceptionLabel(r)}`);
    return out;
  }

  /** A breakpoint at a PE's initial PC (`reverse`: do not count it as a hit). */
  entryBreakpoint(reverse = false): Stop | undefined {
    for (const pe of this.machine.pes) {
      const bps = this.bpByPc.get(pe.pc);
      if (bps) {
        const s = this.breakpointHit(bps, pe.id, reverse);
        if (s) return s;
      }
    }
    return undefined;
  }

  /** Did the last forward run end the machine (for the session's end handling)? */
  get ended(): boolean {
    return this.machine.stopInfo !== undefined;
  }

  markEndReported(): boolean {
    const first = !this.endReported;
    this.endReported = true;
    return first;
  }

  /** Forget the future after a state change from outside (e.g. a register write). */
  stateChanged(): void {
    this.machine.invalidateFuture();
    this.frontier = this.machine.steps;
    this.syncCounters();
  }
}
