/**
 * What stops a debug session: line, function and instruction breakpoints,
 * data breakpoints on memory and on cache lines, exception filters (faults,
 * findings, FF-A error returns, livelock, failed expectations), with their
 * conditions and hit counts — checked from machine state after each step, so
 * the same check serves a forward run and the re-execution of a reverse
 * search (replay mutes trace events, the state does not lie).
 */
import type { Machine } from '../simulator/engine/machine';
import type { PauseConditions } from '../simulator/engine/pause';
import { evaluateCondition } from '../simulator/engine/evaluate';
import { evaluateExpectation, faultSummary } from '../simulator/engine/report';
import { watchWrites, type WatchedWrite } from '../simulator/engine/writeWatch';
import { exchangeText, ffaErrorInRegisters, repeatingExchange } from '../simulator/firmware/query';
import type { FaultRecord } from '../simulator/trace/events';
import { hex } from '../simulator/util/hex';
import { faultFilter, findingFilter, hitOk } from './filters';

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
  /** The fault record or finding index the stop is about (views show it first). */
  fault?: FaultRecord;
}


const DATA_ID = /^mem:(\d+):(\d+)$/;
const LINE_ID = /^line:(\d+)$/;

/** `PE0: translation fault stage 2 level 3 at EL1, taken to EL2 — ESR_EL2 0x9200_0007, FAR 0x8810_0000` (the summary is the run report's). */
function faultDescription(f: FaultRecord): string {
  return `PE${f.pe}: ${faultSummary(f)} — ESR_EL${f.el} ${hex(f.esr)}${f.far !== undefined ? `, FAR ${hex(f.far)}` : ''}`;
}

/** A stop that could be shown before its step, shown after it (a step ran into it): say so in its text. */
export function shownAfterItsStep(stop: Stop): Stop {
  if (!stop.before) return stop;
  return { ...stop, before: false, description: stop.description.replace(' — taken by the next step and handled by', ' — taken and handled by') };
}

/** A condition that cannot be evaluated counts as true: the user then sees the stop and the condition. */
function conditionHolds(machine: Machine, condition: string | undefined, pe: number): boolean {
  if (!condition) return true;
  try {
    return evaluateCondition(machine, condition, pe);
  } catch {
    return true;
  }
}


export class StopConditions {
  lineBreakpoints: LineBreakpoint[] = [];
  functionBreakpoints: LineBreakpoint[] = [];
  instructionBreakpoints: LineBreakpoint[] = [];
  dataBreakpoints: DataBreakpoint[] = [];
  filters = new Set<string>();
  /** Conditions on exception filters (DAP filterOptions), by filter id. */
  filterConditions = new Map<string, string>();
  private bpByPc = new Map<number, LineBreakpoint[]>();
  private unwatch: (() => void) | undefined;
  private watchedWrites: WatchedWrite[] = [];
  private watchedLines = new Map<number, string>();
  /** Last exception/finding counts seen by the checks. */
  private seenExceptions = 0;
  private seenFindings = 0;
  private prevInstret: number[] = [];
  private prevPc: number[] = [];

  constructor(private readonly machine: Machine) {
    this.sync();
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
      const m = DATA_ID.exec(bp.dataId);
      if (m) ranges.push({ pa: Number(m[1]), size: Number(m[2]) });
      const l = LINE_ID.exec(bp.dataId);
      if (l) this.watchedLines.set(Number(l[1]), '');
    }
    if (ranges.length > 0) this.unwatch = watchWrites(this.machine, ranges, (w) => this.watchedWrites.push(w));
    this.refreshLineSignatures();
  }

  /** Physical addresses the data breakpoints watch (views show their lines first). */
  watchedAddresses(): number[] {
    return this.dataBreakpoints.map((b) => Number((DATA_ID.exec(b.dataId) ?? LINE_ID.exec(b.dataId))?.[1] ?? NaN)).filter((pa) => !Number.isNaN(pa));
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

  /** Take the machine's current state as seen: the next check reports only what happens after it. */
  sync(): void {
    const m = this.machine;
    // Totals, not array lengths: a long run keeps only the first and last records (simulator/engine/bounds.ts).
    this.seenExceptions = m.bounds.totals.exceptions;
    this.seenFindings = m.bounds.totals.findings;
    this.prevInstret = m.pes.map((p) => p.instret);
    this.prevPc = m.pes.map((p) => p.pc);
    this.watchedWrites.length = 0;
    this.refreshLineSignatures();
  }

  /**
   * Where `stopsOfStep` can find a stop, as the engine's pause conditions: a
   * machine run in chunks pauses after every step in which one may hold.
   */
  pauseConditions(): PauseConditions {
    const writes: { pa: number; size: number }[] = [];
    for (const bp of this.dataBreakpoints) {
      const mm = DATA_ID.exec(bp.dataId);
      if (mm) writes.push({ pa: Number(mm[1]), size: Number(mm[2]) });
    }
    // FF-A error returns: an smc/hvc takes an exception (a record); an eret changes the PE's state.
    return { pcs: this.bpByPc.keys(), records: this.filters.size > 0, stateChanges: this.filters.has('ffa-error'), lines: this.watchedLines.keys(), writes };
  }

  /**
   * The machine ran a chunk and paused after a step: take every PE as seen
   * but the one of that step (when it was a PE step), whose instruction
   * `stopsOfStep` then examines as if it had been the only step.
   */
  lastStepOnly(): void {
    const m = this.machine;
    const s = m.scheduler;
    m.pes.forEach((pe, i) => {
      const last = s.lastStep === m.steps && s.lastPe === i;
      this.prevInstret[i] = last ? s.lastInstret : pe.instret;
      this.prevPc[i] = last ? s.lastPc : pe.pc;
    });
  }

  // ---- the per-step check -----------------------------------------------------------

  /**
   * The stops this step calls for, most important first. Forward (`all`
   * false) only the first is wanted and later conditions are not evaluated
   * (their hit counts are not consumed). A reverse search (`all` true) needs
   * every one: they land at different places — a data breakpoint *before* the
   * writing step, an exception at its vector *after* it — so one can hide the
   * other. In seed 000 through FF-A the SPMC writes the descriptor during the
   * very step in which OP-TEE's `smc` (trapped to S-EL2, HCR_EL2.TSC) is taken.
   */
  stopsOfStep(reverse: boolean, all: boolean): Stop[] {
    const m = this.machine;
    const stops: Stop[] = [];
    /** No stop yet, or every stop is wanted. */
    const open = (): boolean => all || stops.length === 0;
    // Exceptions taken in this step.
    const newExceptions = m.bounds.since('exceptions', m.exceptions, this.seenExceptions);
    this.seenExceptions = m.bounds.totals.exceptions;
    for (const f of newExceptions) {
      const filter = faultFilter(f);
      const hit = (filter !== undefined && this.filters.has(filter) ? filter : undefined) ?? (this.filters.has('exception:any') ? 'exception:any' : undefined);
      if (hit && open() && this.filterOk(hit, f.pe)) {
        const before = !this.atVector(f);
        const pe = m.pes[f.pe];
        const handled = before ? ` — taken by the next step and handled by the built-in firmware (${pe.stopReason ?? `now at EL${pe.el}`})` : '';
        stops.push({ reason: 'exception', pe: f.pe, description: faultDescription(f) + handled, exceptionId: hit, details: f.reason, before, fault: f });
      }
    }
    const newFindings = m.bounds.since('findings', m.findings, this.seenFindings);
    this.seenFindings = m.bounds.totals.findings;
    for (const fd of newFindings) {
      const id = findingFilter(fd.rule);
      if (!open() || !this.filters.has(id) || !this.filterOk(id, fd.pe ?? 0)) continue;
      // A livelock's finding names the whole cycle and what led into it: the stop says the cycle in one line.
      const cycle = id === 'livelock' && m.firmware && fd.pe !== undefined ? repeatingExchange(m.firmware, fd.pe) : undefined;
      const description = cycle ? `livelock on PE${fd.pe}: the FF-A exchange repeats with identical state — ${exchangeText(cycle)}` : `${fd.rule}: ${fd.message}`;
      stops.push({ reason: 'exception', pe: fd.pe ?? 0, description, exceptionId: id, details: fd.message });
    }
    // Watched writes and watched cache lines.
    if (this.watchedWrites.length > 0) {
      const w = this.watchedWrites[0];
      this.watchedWrites.length = 0;
      const bp = this.dataBreakpoints.find((b) => {
        const mm = DATA_ID.exec(b.dataId);
        return mm !== null && w.pa < Number(mm[1]) + Number(mm[2]) && Number(mm[1]) < w.pa + w.size;
      });
      if (open() && bp && this.dataHit(bp, w.pe ?? 0, reverse)) {
        const value = (BigInt(w.hi >>> 0) << 32n) | BigInt(w.lo >>> 0);
        stops.push({ reason: 'data breakpoint', pe: w.pe ?? 0, description: `${w.pe !== undefined ? `PE${w.pe}` : 'an external agent'} wrote ${hex(value)} (${w.size} bytes, ${w.attrs}) to ${hex(w.pa)}`, breakpointIds: [bp.id] });
      }
    }
    for (const [pa, before] of this.watchedLines) {
      const now = this.lineSignature(pa);
      if (now === before) continue;
      this.watchedLines.set(pa, now);
      const bp = this.dataBreakpoints.find((b) => b.dataId === `line:${pa}`);
      if (open() && bp && this.dataHit(bp, 0, reverse))
        stops.push({ reason: 'data breakpoint', pe: 0, description: `line ${hex(pa)} changed: ${before || 'not cached'} → ${now || 'not cached'}`, breakpointIds: [bp.id] });
    }
    // PEs that executed in this step: line/function breakpoints at their new PC, FF-A error returns. A PE
    // that took an interrupt retired nothing but is at its vector (Arm ARM D1.3): a breakpoint there stops.
    for (const pe of m.pes) {
      const i = pe.id;
      const retired = pe.instret !== this.prevInstret[i];
      const prevPc = this.prevPc[i];
      if (!retired && pe.pc === prevPc) continue;
      this.prevInstret[i] = pe.instret;
      this.prevPc[i] = pe.pc;
      if (!open()) continue;
      const error = retired && this.filters.has('ffa-error') ? ffaErrorInRegisters(pe) : undefined;
      const mn = error ? m.instrAt(prevPc)?.mnemonic : undefined;
      if (error && (mn === 'smc' || mn === 'hvc' || mn === 'eret') && this.filterOk('ffa-error', i)) {
        stops.push({ reason: 'exception', pe: i, description: `PE${i}: FF-A call returned FFA_ERROR ${error.name ?? error.code} (w2 = ${hex(pe.xlo[2] >>> 0)})`, exceptionId: 'ffa-error' });
        continue;
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
    return conditionHolds(this.machine, this.filterConditions.get(filter), pe);
  }

  private dataHit(bp: DataBreakpoint, pe: number, reverse: boolean): boolean {
    if (!conditionHolds(this.machine, bp.condition, pe)) return false;
    if (reverse) return true;
    bp.hits++;
    return hitOk(bp.hitCondition, bp.hits);
  }

  /** Breakpoints at a PE's PC: the stop when one applies (condition, hit count). */
  private breakpointHit(bps: LineBreakpoint[], pe: number, reverse: boolean): Stop | undefined {
    for (const bp of bps) {
      if (!conditionHolds(this.machine, bp.condition, pe)) continue;
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

  /**
   * The end-of-run stop, with failed expectations and a checker's stop as
   * exceptions. A livelock already stopped at (its finding) is not stopped at
   * again: continuing from it reaches the plain end of the run.
   */
  endStop(): Stop {
    const m = this.machine;
    const info = m.stopInfo;
    const reason = info?.reason ?? `paused after ${m.steps} steps`;
    const livelockFound = m.findings.some((f) => findingFilter(f.rule) === 'livelock');
    if (info?.kind === 'checker' && this.filters.has('livelock') && !livelockFound) return { reason: 'exception', pe: 0, description: reason, exceptionId: 'livelock', details: reason };
    if (this.filters.has('expectation')) {
      const failed = m.model.expectations.map((e) => evaluateExpectation(m, e)).filter((r) => !r.held);
      if (failed.length > 0) {
        const details = failed.map((r) => `line ${r.line + 1}: ${r.text} — ${r.detail}`).join('\n');
        return { reason: 'exception', pe: 0, description: `run ended (${reason}); ${failed.length} expectation(s) failed: ${failed[0].text}`, exceptionId: 'expectation', details };
      }
    }
    return { reason: 'end', pe: 0, description: `run ended: ${reason}` };
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
}
