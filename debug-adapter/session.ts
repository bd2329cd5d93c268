/**
 * The Armscope debug adapter: a DAP mapping over the simulator. Threads are
 * PEs, frames are the current instruction plus the PE's call chain (FF-A
 * calls and exceptions), scopes come from debug-adapter/variables.ts,
 * execution control and time travel from debug-adapter/controller.ts.
 *
 * Runs over stdio (debug-adapter/main.ts → dist/debug-adapter.js) and inline
 * in the extension (vscode.DebugAdapterInlineImplementation).
 */
import * as path from 'node:path';
import {
  Handles,
  InitializedEvent,
  InvalidatedEvent,
  LoggingDebugSession,
  OutputEvent,
  ProgressEndEvent,
  ProgressStartEvent,
  ProgressUpdateEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { decodeInstruction } from '../simulator/isa/decode';
import { cacheTimeline } from '../simulator/cache/timeline';
import { callChain } from '../simulator/engine/callChain';
import type { Firmware } from '../simulator/firmware/index';
import { EvalError, evaluate, readMemoryView } from '../simulator/engine/evaluate';
import { translationTables } from '../simulator/mmu/tableTree';
import { pageTableView } from '../simulator/mmu/view';
import { VmsaMmu } from '../simulator/mmu/vmsa';
import { isSecure } from '../simulator/mmu/regime';
import { loadScenario } from '../simulator';
import type { Pe } from '../simulator/pe/pe';
import { hex, parseInteger } from '../simulator/util/hex';
import { DebugController, exceptionFilters, type LaunchOptions, type LineBreakpoint, type Stop } from './controller';
import { scopesFor, type VarNode } from './variables';

export interface ArmscopeLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Scenario file. */
  program: string;
  stopOnEntry?: boolean;
  /** `scenario` (default) keeps the scenario's `cache_model`. */
  cacheModel?: 'scenario' | 'on' | 'off';
  speculation?: 'scenario' | 'none' | 'adversarial';
  maxSteps?: number;
  /** Steps between time-travel checkpoints (default 10 000). */
  checkpointInterval?: number;
}

interface FrameRef {
  pe: number;
  /** Chain index: -1 for the current instruction. */
  index: number;
}

const THREAD_BASE = 1;

function parseAddress(text: string): number | undefined {
  const v = parseInteger(text.trim());
  return v === undefined ? undefined : Number(BigInt.asUintN(64, v));
}

/** `main:0x…`, `peN:0x…` or a bare address (main memory). */
export function parseMemoryReference(ref: string): { pa: number; view: 'main' | { pe: number } } | undefined {
  const m = /^(?:(main|pe(\d+)):)?(.+)$/.exec(ref.trim());
  if (!m) return undefined;
  const pa = parseAddress(m[3]);
  if (pa === undefined) return undefined;
  return { pa, view: m[2] !== undefined ? { pe: Number(m[2]) } : 'main' };
}

export class ArmscopeDebugSession extends LoggingDebugSession {
  private ctl: DebugController | undefined;
  private program = '';
  private launchOptions: LaunchOptions = {};
  private handles = new Handles<() => VarNode[]>();
  /** Nodes under each variables reference, for dataBreakpointInfo and setVariable. */
  private nodesByRef = new Map<number, VarNode[]>();
  private frames = new Map<number, FrameRef>();
  private nextFrameId = 1;
  private lastStop: Stop | undefined;
  private configurationDone: Promise<void>;
  private resolveConfigurationDone!: () => void;
  private clientLinesStartAt1 = true;
  private supportsProgress = false;
  private supportsInvalidated = false;
  private running = false;
  private bpId = 1;
  private progressId = 0;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.configurationDone = new Promise((r) => (this.resolveConfigurationDone = r));
  }

  // ---- lifecycle --------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientLinesStartAt1 = args.linesStartAt1 !== false;
    this.supportsProgress = args.supportsProgressReporting === true;
    this.supportsInvalidated = args.supportsInvalidatedEvent === true;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsStepBack: true,
      supportsSingleThreadExecutionRequests: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsReadMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsInstructionBreakpoints: true,
      supportsBreakpointLocationsRequest: true,
      supportsSteppingGranularity: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      supportsSetVariable: true,
      supportsTerminateRequest: true,
      supportsValueFormattingOptions: false,
      exceptionBreakpointFilters: exceptionFilters().map((f) => ({ filter: f.filter, label: f.label, description: f.description, default: f.default ?? false, supportsCondition: true, conditionDescription: 'e.g. pe0.esr_el2 == 0x9200_0007' })),
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.resolveConfigurationDone();
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: ArmscopeLaunchArguments): Promise<void> {
    try {
      this.program = path.resolve(args.program);
      const model = loadScenario(this.program);
      const errors = model.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        const e = errors[0];
        this.sendErrorResponse(response, 3001, `${path.basename(this.program)}:${e.range.start.line + 1}: ${e.message} (the scenario has ${errors.length} error(s); fix them to debug)`);
        return;
      }
      this.launchOptions = {
        cacheModel: args.cacheModel === 'on' || args.cacheModel === 'off' ? args.cacheModel : undefined,
        speculation: args.speculation === 'none' || args.speculation === 'adversarial' ? args.speculation : undefined,
        maxSteps: args.maxSteps,
        checkpointInterval: args.checkpointInterval,
      };
      this.ctl = new DebugController(model, this.launchOptions);
      for (const f of exceptionFilters()) if (f.default) this.ctl.filters.add(f.filter);
    } catch (e) {
      this.sendErrorResponse(response, 3002, `cannot load ${args.program}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configurationDone, new Promise((r) => setTimeout(r, 2000))]);
    this.sendResponse(response);
    const ctl = this.ctl;
    const m = ctl.machine;
    this.sendEvent(new OutputEvent(`Armscope: ${path.basename(this.program)} — ${m.pes.length} PE(s), cache model ${m.options.cacheModel}, step budget ${m.options.maxSteps}\n`, 'console'));
    if (args.stopOnEntry) this.reportStop({ reason: 'entry', pe: 0, description: 'at the entry point' });
    else {
      const entry = ctl.entryBreakpoint();
      if (entry) this.reportStop(entry);
      else void this.runAndReport(() => ctl.runForward(undefined, (s) => this.progress(s)));
    }
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): void {
    this.ctl?.pause();
    // Over stdio the adapter process exits; inline, the session just ends.
    super.disconnectRequest(response, args);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.ctl?.pause();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  // ---- threads, frames, scopes, variables -------------------------------------------

  private peName(pe: Pe): string {
    const world = isSecure(pe, pe.el) ? 'S-' : pe.el === 3 ? '' : 'NS-';
    const partition = this.partitionOf(pe.id);
    return `PE${pe.id} ${world}EL${pe.el}${partition ? ` ${partition}` : ''}${pe.state !== 'running' ? ` [${pe.state}]` : ''}`;
  }

  /** Partition name and ID running on a PE, from the firmware layer when present (`optee (0x8001)`). */
  private partitionOf(peId: number): string | undefined {
    const fw = this.ctl ? (this.ctl.machine as { firmware?: Firmware }).firmware : undefined;
    if (!fw) return undefined;
    const e = fw.currentEndpoint(peId);
    const name = fw.cfg.partitions.find((p) => p.id === e.id)?.name;
    return e.secure && name ? `${name} (${hex(e.id, 4)})` : undefined;
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const pes = this.ctl?.machine.pes ?? [];
    response.body = { threads: pes.map((pe) => new Thread(pe.id + THREAD_BASE, this.peName(pe))) };
    this.sendResponse(response);
  }

  private source(): Source {
    return new Source(path.basename(this.program), this.program);
  }

  private codeFrame(id: number, name: string, pc: number, line: number | undefined): DebugProtocol.StackFrame {
    const f: DebugProtocol.StackFrame = new StackFrame(id, name, line !== undefined ? this.source() : undefined, line !== undefined ? this.convertDebuggerLineToClient(line) : 0, 1);
    f.instructionPointerReference = hex(pc < 0 ? BigInt.asUintN(64, BigInt(pc)) : pc);
    return f;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const ctl = this.ctl;
    if (!ctl) return this.sendErrorResponse(response, 3003, 'not launched');
    const peId = args.threadId - THREAD_BASE;
    const m = ctl.machine;
    const pe = m.pes[peId];
    if (!pe) return this.sendErrorResponse(response, 3004, `no PE for thread ${args.threadId}`);
    const frames: DebugProtocol.StackFrame[] = [];
    const newId = (index: number): number => {
      const id = this.nextFrameId++;
      this.frames.set(id, { pe: peId, index });
      return id;
    };
    const line = m.lineOfPc(pe.pc);
    const text = m.instrAt(pe.pc)?.text ?? '(no code)';
    // A stop shown before its step: what that step does comes first (innermost), as labels.
    if (this.lastStop?.pe === peId)
      for (const p of this.lastStop.pending ?? []) {
        const label = new StackFrame(newId(-1), p) as DebugProtocol.StackFrame;
        label.presentationHint = 'label';
        frames.push(label);
      }
    frames.push(this.codeFrame(newId(-1), `${text}  [EL${pe.el} ${hex(pe.getPc())}]`, pe.pc, line));
    callChain(m, peId).forEach((e, i) => {
      const label = new StackFrame(newId(i), e.label) as DebugProtocol.StackFrame;
      label.presentationHint = 'label';
      frames.push(label);
      if (e.pc !== undefined) {
        const caller = m.instrAt(e.pc)?.text ?? '';
        frames.push(this.codeFrame(newId(i), `${caller}  [EL${e.fromEl ?? '?'} ${hex(e.pc < 0 ? BigInt.asUintN(64, BigInt(e.pc)) : e.pc)}]`, e.pc, e.line));
      }
    });
    const start = args.startFrame ?? 0;
    const count = args.levels && args.levels > 0 ? args.levels : frames.length;
    response.body = { stackFrames: frames.slice(start, start + count), totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const ctl = this.ctl;
    const f = this.frames.get(args.frameId);
    if (!ctl || !f) return this.sendErrorResponse(response, 3005, 'unknown frame');
    const pe = ctl.machine.pes[f.pe];
    response.body = {
      scopes: scopesFor(ctl.machine, pe).map((s) => {
        const sc = new Scope(s.name, this.handles.create(s.children), s.expensive) as DebugProtocol.Scope;
        if (s.presentationHint) sc.presentationHint = s.presentationHint;
        return sc;
      }),
    };
    this.sendResponse(response);
  }

  private toVariable(n: VarNode): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name: n.name, value: n.value, variablesReference: n.children ? this.handles.create(n.children) : 0 };
    if (n.type) v.type = n.type;
    if (n.evaluateName) v.evaluateName = n.evaluateName;
    if (n.memoryReference) v.memoryReference = n.memoryReference;
    return v;
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const fn = this.handles.get(args.variablesReference);
    if (!fn) {
      response.body = { variables: [] };
      return this.sendResponse(response);
    }
    let nodes = fn();
    this.nodesByRef.set(args.variablesReference, nodes);
    if (args.start !== undefined || args.count !== undefined) nodes = nodes.slice(args.start ?? 0, (args.start ?? 0) + (args.count ?? nodes.length));
    response.body = { variables: nodes.map((n) => this.toVariable(n)) };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const ctl = this.ctl;
    const node = this.nodesByRef.get(args.variablesReference)?.find((n) => n.name === args.name);
    const value = parseInteger(args.value);
    if (!ctl || !node?.register || !node.evaluateName || value === undefined)
      return this.sendErrorResponse(response, 3006, `cannot set ${args.name}: only general and system registers take a new value (a number)`);
    const peId = Number(/^pe(\d+)\./.exec(node.evaluateName)?.[1] ?? 0);
    const pe = ctl.machine.pes[peId];
    const r = node.register.toLowerCase();
    const x = /^x(\d+)$/.exec(r);
    const v = BigInt.asUintN(64, value);
    if (x) pe.setXBig(Number(x[1]), v);
    else if (r === 'sp') pe.setSp(pe.spsel === 0 ? 0 : pe.el, v);
    else if (/^sp_el[0-3]$/.test(r)) pe.setSp(Number(r[5]), v);
    else pe.writeSysreg(node.register, v);
    // The future recorded for time travel no longer follows from this state.
    ctl.stateChanged();
    response.body = { value: hex(v) };
    this.sendResponse(response);
    if (this.supportsInvalidated) this.sendEvent(new InvalidatedEvent(['variables']));
  }

  // ---- breakpoints ------------------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const ctl = this.ctl;
    const bps: DebugProtocol.Breakpoint[] = [];
    const list: LineBreakpoint[] = [];
    const same = ctl && args.source.path && path.resolve(args.source.path) === this.program;
    for (const b of args.breakpoints ?? []) {
      const line = this.convertClientLineToDebugger(b.line);
      const r = same ? ctl!.resolveLine(line) : undefined;
      const id = this.bpId++;
      if (!r) {
        bps.push({ id, verified: false, line: b.line, message: same ? 'no instruction on or after this line' : 'not the scenario being debugged' });
        continue;
      }
      list.push({ id, addresses: r.addresses, condition: b.condition, hitCondition: b.hitCondition, hits: 0, kind: 'line' });
      bps.push({ id, verified: true, line: this.convertDebuggerLineToClient(r.line), source: this.source() });
    }
    if (ctl && same) {
      ctl.lineBreakpoints = list;
      ctl.rebuildBreakpointIndex();
    }
    response.body = { breakpoints: bps };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const ctl = this.ctl;
    const bps: DebugProtocol.Breakpoint[] = [];
    const list: LineBreakpoint[] = [];
    for (const b of args.breakpoints) {
      const id = this.bpId++;
      const sym = ctl?.model.symbols.get(b.name.trim());
      if (!ctl || !sym || sym.kind !== 'label' || sym.value === undefined) {
        bps.push({ id, verified: false, message: `no label '${b.name}' in the scenario` });
        continue;
      }
      const pc = Number(BigInt.asIntN(64, sym.value));
      list.push({ id, addresses: [pc], condition: b.condition, hitCondition: b.hitCondition, hits: 0, kind: 'function', name: b.name.trim() });
      const line = ctl.machine.lineOfPc(pc);
      bps.push({ id, verified: true, source: this.source(), line: line !== undefined ? this.convertDebuggerLineToClient(line) : undefined, instructionReference: hex(sym.value) });
    }
    if (ctl) {
      ctl.functionBreakpoints = list;
      ctl.rebuildBreakpointIndex();
    }
    response.body = { breakpoints: bps };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const ctl = this.ctl;
    const list: LineBreakpoint[] = [];
    const bps: DebugProtocol.Breakpoint[] = args.breakpoints.map((b) => {
      const id = this.bpId++;
      const base = parseMemoryReference(b.instructionReference);
      if (!ctl || !base) return { id, verified: false, message: `bad instruction reference ${b.instructionReference}` };
      const pa = base.pa + (b.offset ?? 0);
      if (!ctl.machine.instrAt(pa)) return { id, verified: false, message: `no instruction at ${hex(pa)}` };
      list.push({ id, addresses: [pa], condition: b.condition, hitCondition: b.hitCondition, hits: 0, kind: 'instruction' });
      const line = ctl.machine.lineOfPc(pa);
      return { id, verified: true, instructionReference: hex(pa), source: line !== undefined ? this.source() : undefined, line: line !== undefined ? this.convertDebuggerLineToClient(line) : undefined };
    });
    if (ctl) {
      ctl.instructionBreakpoints = list;
      ctl.rebuildBreakpointIndex();
    }
    response.body = { breakpoints: bps };
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const ctl = this.ctl;
    const first = this.convertClientLineToDebugger(args.line);
    const last = this.convertClientLineToDebugger(args.endLine ?? args.line);
    const lines = new Set<number>();
    if (ctl && args.source.path && path.resolve(args.source.path) === this.program)
      for (const instr of ctl.model.program.instrs.values()) if (instr.line !== undefined && instr.line >= first && instr.line <= last) lines.add(instr.line);
    response.body = { breakpoints: [...lines].sort((a, b) => a - b).map((l) => ({ line: this.convertDebuggerLineToClient(l) })) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const ctl = this.ctl;
    if (ctl) {
      ctl.filters = new Set(args.filters);
      ctl.filterConditions.clear();
      for (const o of args.filterOptions ?? []) {
        ctl.filters.add(o.filterId);
        if (o.condition) ctl.filterConditions.set(o.filterId, o.condition);
      }
    }
    response.body = { breakpoints: [...args.filters, ...(args.filterOptions ?? []).map((o) => o.filterId)].map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const ctl = this.ctl;
    const none = (why: string) => {
      response.body = { dataId: null, description: why };
      this.sendResponse(response);
    };
    if (!ctl) return none('not launched');
    if (args.variablesReference !== undefined && !args.asAddress) {
      const node = this.nodesByRef.get(args.variablesReference)?.find((n) => n.name === args.name);
      if (!node?.dataId) return none(`${args.name} cannot be watched (watch memory words, descriptors or cache lines)`);
      response.body = { dataId: node.dataId, description: node.dataDescription ?? node.name, accessTypes: ['write'], canPersist: true };
      return this.sendResponse(response);
    }
    const lineMatch = /^line\s+(.+)$/i.exec(args.name.trim());
    if (lineMatch) {
      const pa = parseAddress(lineMatch[1]);
      if (pa === undefined) return none(`not an address: ${lineMatch[1]}`);
      const line = pa - (pa % 64);
      response.body = { dataId: `line:${line}`, description: `cache line ${hex(line)} changes state in any cache`, accessTypes: ['write'], canPersist: true };
      return this.sendResponse(response);
    }
    let pa: number | undefined = parseAddress(args.name);
    if (pa === undefined) {
      try {
        const r = evaluate(ctl.machine, args.name, this.peOfFrame(args.frameId));
        pa = r.address ?? (r.value !== undefined ? Number(r.value) : undefined);
      } catch {
        pa = undefined;
      }
    }
    if (pa === undefined) return none(`cannot resolve '${args.name}' to an address`);
    const bytes = args.bytes ?? 8;
    response.body = { dataId: `mem:${pa}:${bytes}`, description: `write to ${hex(pa)} (${bytes} bytes)`, accessTypes: ['write'], canPersist: true };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const ctl = this.ctl;
    const list = args.breakpoints.map((b) => ({ id: this.bpId++, dataId: b.dataId, condition: b.condition, hitCondition: b.hitCondition, hits: 0 }));
    ctl?.setDataBreakpoints(list.filter((b) => /^(mem:\d+:\d+|line:\d+)$/.test(b.dataId)));
    response.body = { breakpoints: list.map((b) => ({ id: b.id, verified: /^(mem:\d+:\d+|line:\d+)$/.test(b.dataId) })) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const s = this.lastStop;
    // VS Code shows exceptionId as the title of the exception widget: use the filter's label.
    const label = exceptionFilters().find((f) => f.filter === s?.exceptionId)?.label;
    response.body = {
      exceptionId: label ?? s?.exceptionId ?? 'none',
      description: s?.description,
      breakMode: 'always',
      details: s?.details ? { message: s.details } : undefined,
    };
    this.sendResponse(response);
  }

  // ---- execution ----------------------------------------------------------------------

  private peOfFrame(frameId: number | undefined): number {
    return frameId !== undefined ? (this.frames.get(frameId)?.pe ?? 0) : (this.lastStop?.pe ?? 0);
  }

  private async progress(steps: number): Promise<void> {
    if (this.supportsProgress) {
      const max = this.ctl?.machine.options.maxSteps ?? 0;
      const id = `armscope-run-${this.progressId}`;
      if (!this.running) {
        this.running = true;
        this.sendEvent(new ProgressStartEvent(id, 'Armscope: running', `step ${steps}`));
      } else this.sendEvent(new ProgressUpdateEvent(id, `step ${steps}${max ? ` of ${max}` : ''}`));
    }
    await new Promise((r) => setImmediate(r));
  }

  private async runAndReport(run: () => Promise<Stop> | Stop): Promise<void> {
    const stop = await run();
    if (this.running) {
      this.sendEvent(new ProgressEndEvent(`armscope-run-${this.progressId}`));
      this.running = false;
      this.progressId++;
    }
    this.reportStop(stop);
  }

  private reportStop(stop: Stop): void {
    this.lastStop = stop;
    this.handles.reset();
    this.nodesByRef.clear();
    this.frames.clear();
    const ev = new StoppedEvent(stop.reason, stop.pe + THREAD_BASE) as DebugProtocol.StoppedEvent;
    ev.body.description = stop.description;
    ev.body.text = stop.description;
    ev.body.allThreadsStopped = true;
    if (stop.breakpointIds) ev.body.hitBreakpointIds = stop.breakpointIds;
    this.sendEvent(ev);
    if (stop.reason === 'end' || stop.exceptionId === 'expectation' || stop.exceptionId === 'livelock') {
      if (this.ctl?.markEndReported()) this.sendEvent(new OutputEvent(`Armscope: ${stop.description}\n`, 'console'));
    }
  }

  private threadPe(threadId: number): number {
    return Math.max(0, threadId - THREAD_BASE);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    const ctl = this.ctl;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    if (ctl) void this.runAndReport(() => ctl.runForward(undefined, (s) => this.progress(s)));
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.stepRequest(response, args.threadId, args.singleThread === true);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.stepRequest(response, args.threadId, args.singleThread === true);
  }

  private stepRequest(response: DebugProtocol.Response, threadId: number, singleThread: boolean): void {
    const ctl = this.ctl;
    this.sendResponse(response);
    if (ctl) void this.runAndReport(() => ctl.stepInstruction(this.threadPe(threadId), singleThread));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    const ctl = this.ctl;
    this.sendResponse(response);
    if (ctl) void this.runAndReport(() => ctl.stepOut(this.threadPe(args.threadId)));
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    const ctl = this.ctl;
    this.sendResponse(response);
    if (ctl) void this.runAndReport(() => ctl.stepBack(this.threadPe(args.threadId)));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    const ctl = this.ctl;
    this.sendResponse(response);
    if (ctl) void this.runAndReport(() => ctl.reverseContinue());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.ctl?.pause();
    this.sendResponse(response);
  }

  // ---- memory, code, evaluate ---------------------------------------------------------

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const ctl = this.ctl;
    const ref = parseMemoryReference(args.memoryReference);
    if (!ctl || !ref) return this.sendErrorResponse(response, 3007, `bad memory reference ${args.memoryReference}`);
    const base = ref.pa + (args.offset ?? 0);
    const count = Math.min(Math.max(0, args.count), 65536);
    const bytes = Buffer.alloc(count);
    for (let i = 0; i < count; i++) bytes[i] = Number(readMemoryView(ctl.machine, base + i, 1, ref.view));
    response.body = { address: hex(base), data: bytes.toString('base64') };
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const ctl = this.ctl;
    const ref = parseMemoryReference(args.memoryReference);
    if (!ctl || !ref) return this.sendErrorResponse(response, 3008, `bad memory reference ${args.memoryReference}`);
    const m = ctl.machine;
    const start = ref.pa + (args.offset ?? 0) + (args.instructionOffset ?? 0) * 4;
    const out: DebugProtocol.DisassembledInstruction[] = [];
    const labels = new Map<number, string>();
    for (const s of m.model.symbols.values()) if (s.kind === 'label' && s.value !== undefined) labels.set(Number(s.value), s.name);
    for (let i = 0; i < args.instructionCount; i++) {
      const pa = start + i * 4;
      if (pa < 0) {
        out.push({ address: hex(BigInt.asUintN(64, BigInt(pa))), instruction: '(invalid address)', presentationHint: 'invalid' });
        continue;
      }
      const word = Number(m.physical.readU8(pa) | (m.physical.readU8(pa + 1) << 8) | (m.physical.readU8(pa + 2) << 16)) + m.physical.readU8(pa + 3) * 0x100_0000;
      const instr = m.instrAt(pa) ?? decodeInstruction(word, BigInt(pa));
      const line = m.lineOfPc(pa);
      const d: DebugProtocol.DisassembledInstruction = {
        address: hex(pa),
        instructionBytes: word.toString(16).padStart(8, '0'),
        instruction: instr?.text ?? `.word ${hex(word)}`,
      };
      if (args.resolveSymbols && labels.has(pa)) d.symbol = labels.get(pa);
      if (line !== undefined) {
        d.location = this.source();
        d.line = this.convertDebuggerLineToClient(line);
      }
      out.push(d);
    }
    response.body = { instructions: out };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const ctl = this.ctl;
    if (!ctl) return this.sendErrorResponse(response, 3009, 'not launched');
    try {
      const r = evaluate(ctl.machine, args.expression, this.peOfFrame(args.frameId));
      let ref = 0;
      if (r.decoded) {
        const fields = r.decoded.fields;
        ref = this.handles.create(() =>
          fields.filter((f) => f.kind !== 'res0').map((f) => ({ name: `${f.name} [${f.msb === f.lsb ? f.msb : `${f.msb}:${f.lsb}`}]`, value: `${hex(f.value)}  ${f.meaning}` })),
        );
      }
      response.body = { result: r.text, variablesReference: ref };
      if (r.address !== undefined) response.body.memoryReference = `${typeof r.view === 'object' ? `pe${r.view.pe}` : 'main'}:${hex(r.address)}`;
      this.sendResponse(response);
    } catch (e) {
      if (args.context === 'hover') {
        // Hovering over a word that is not an expression: no tooltip, not an error.
        return this.sendErrorResponse(response, 3010, e instanceof Error ? e.message : String(e));
      }
      this.sendErrorResponse(response, 3011, e instanceof EvalError ? e.message : String(e));
    }
  }

  // ---- custom requests (views) ------------------------------------------------------------

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const ctl = this.ctl;
    if (!ctl) return this.sendErrorResponse(response, 3012, 'not launched');
    const a = (args ?? {}) as { threadId?: number; toEnd?: boolean; step?: unknown; pe?: unknown };
    switch (command) {
      case 'armscope/cacheTimeline': {
        const opts = { cacheModel: this.launchOptions.cacheModel, speculation: this.launchOptions.speculation, maxSteps: this.launchOptions.maxSteps };
        // One step past the current one: what the next step does to the lines is marked as such.
        const t = cacheTimeline(ctl.model, opts, a.toEnd ? undefined : ctl.steps + 1);
        response.body = { ...t, current: ctl.steps, file: this.program };
        return this.sendResponse(response);
      }
      case 'armscope/goToStep': {
        // The timeline's "step back to this event": the state after `step` steps, within the history.
        const step = a.step;
        if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > ctl.frontier) {
          return this.sendErrorResponse(response, 3014, `step: expected an integer from 0 to ${ctl.frontier}`);
        }
        const pe = typeof a.pe === 'number' && ctl.machine.pes[a.pe] ? a.pe : (this.lastStop?.pe ?? 0);
        this.sendResponse(response);
        ctl.goTo(step);
        return this.reportStop({ reason: 'goto', pe, description: `at step ${step}` });
      }
      case 'armscope/pageTables': {
        const peId = a.threadId !== undefined ? this.threadPe(a.threadId) : (this.lastStop?.pe ?? 0);
        const pe = ctl.machine.pes[peId];
        if (!pe) return this.sendErrorResponse(response, 3013, 'no such PE');
        // The walk to highlight: the fault this stop is about, else the PE's latest translation-type fault so far.
        const stop = this.lastStop;
        const fault = stop?.pe === peId && stop.fault ? stop.fault : [...ctl.machine.faults].reverse().find((f) => f.pe === peId && f.stage !== undefined);
        const mmu = ctl.machine.mmu;
        const view = mmu instanceof VmsaMmu ? pageTableView(mmu, ctl.machine.memory, pe, fault) : { pe: peId, el: pe.el, tables: translationTables(ctl.machine.memory, pe) };
        const plain = JSON.parse(JSON.stringify(view, (_k, v: unknown) => (typeof v === 'bigint' ? hex(v) : v))) as Record<string, unknown>;
        response.body = { ...plain, step: ctl.steps };
        return this.sendResponse(response);
      }
      case 'armscope/status': {
        response.body = { step: ctl.steps, frontier: ctl.frontier, checkpoints: ctl.machine.checkpointSteps().length, stop: this.lastStop };
        return this.sendResponse(response);
      }
      default:
        return super.customRequest(command, response, args);
    }
  }
}
