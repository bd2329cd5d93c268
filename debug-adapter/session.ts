/**
 * The Armscope debug adapter: a DAP mapping over the simulator. Threads are
 * PEs, frames are the current instruction plus the PE's call chain
 * (frames.ts), scopes are lazy paged trees (scopes/, handles.ts), execution
 * control and time travel are controller.ts, the Debug Console is the run's
 * log (console.ts).
 *
 * Every request is answered, and none can take the adapter down: arguments
 * are checked before a handler runs (validate.ts, launch.ts), handlers run
 * inside a guard that turns anything thrown into an error response with one
 * line naming the problem (errors.ts), and runs started by a request report
 * their failure as a stop instead of an unhandled rejection.
 *
 * Runs over stdio (debug-adapter/main.ts → dist/debug-adapter.js) and inline
 * in the extension (vscode.DebugAdapterInlineImplementation).
 */
import * as path from 'node:path';
import {
  InitializedEvent,
  InvalidatedEvent,
  DebugSession,
  OutputEvent,
  ProgressEndEvent,
  ProgressStartEvent,
  ProgressUpdateEvent,
  Response,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluate } from '../simulator/engine/evaluate';
import { setRegister } from '../simulator/engine/init';
import { endpointOn } from '../simulator/firmware/query';
import { worldEl } from '../simulator/firmware/view';
import { hex, parseInteger } from '../simulator/util/hex';
import { ConsoleFeed } from './console';
import { applyExceptionFilters, dataBreakpointInfo, exceptionFilterResults, setDataBreakpoints, setFunctionBreakpoints, setInstructionBreakpoints, setLineBreakpoints, type BreakpointHost } from './breakpoints';
import { DebugController, type LaunchOptions, type Stop } from './controller';
import { oneLine, RequestError } from './errors';
import { exceptionFilters } from './filters';
import { buildFrames, FrameTable, pcText, type FrameMaker } from './frames';
import { VariableTable } from './handles';
import { prepareLaunch } from './launch';
import { disassemble, formatMemoryReference, readMemory } from './memory';
import { scopesFor } from './scopes/index';
import { checkArguments, UNSUPPORTED } from './validate';
import { viewRequest } from './views';
import { capabilities } from './capabilities';

export type { ArmscopeLaunchArguments } from './launch';
export { parseMemoryReference } from './memory';

const THREAD_BASE = 1;
/** How long launch waits for configurationDone before it runs anyway (a client that never sends it). */
const CONFIGURATION_WAIT_MS = 2000;

export class ArmscopeDebugSession extends DebugSession {
  private ctl: DebugController | undefined;
  private program = '';
  private launchOptions: LaunchOptions = {};
  private readonly vars = new VariableTable();
  private readonly frames = new FrameTable();
  private readonly feed = new ConsoleFeed((text) => this.sendEvent(new OutputEvent(text, 'console')));
  private lastStop: Stop | undefined;
  private readonly configurationDone: Promise<void>;
  private resolveConfigurationDone!: () => void;
  private supportsProgress = false;
  private supportsInvalidated = false;
  /** A run, step or reverse search is in progress (execution requests wait for its stop). */
  private busy = false;
  private progressOpen = false;
  private bpId = 1;
  private progressId = 0;
  /** Exception filters set before launch (applied when the controller exists). */
  private pendingFilters: DebugProtocol.SetExceptionBreakpointsArguments | undefined;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.configurationDone = new Promise((r) => (this.resolveConfigurationDone = r));
  }

  // ---- request plumbing ----------------------------------------------------------------

  /** Check arguments before any handler sees them; refuse what the adapter does not support. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response = new Response(request);
    if (UNSUPPORTED.has(request.command)) return this.fail(response, new RequestError(`${request.command} is not supported by the Armscope debugger`));
    if (request.command !== 'launch') {
      try {
        checkArguments(request.command, request.arguments);
      } catch (e) {
        return this.fail(response, e, `${request.command}: `);
      }
    }
    if (request.arguments === undefined || request.arguments === null) request.arguments = {};
    super.dispatchRequest(request);
  }

  /** Every error answer, the library's own included, as one readable line without stack or paths. */
  protected override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string, variables?: Record<string, unknown>): void {
    let id: number;
    let text: string;
    let showUser = true;
    if (typeof codeOrMessage === 'number') {
      id = codeOrMessage;
      text = codeOrMessage === 1104 ? `internal error: ${oneLine(variables?._exception)}` : oneLine(format ?? 'error');
    } else {
      id = codeOrMessage.id;
      text = oneLine(codeOrMessage.format);
      showUser = codeOrMessage.showUser ?? true;
    }
    response.success = false;
    response.message = text;
    response.body = { error: { id, format: text, showUser } };
    this.sendResponse(response);
  }

  private fail(response: DebugProtocol.Response, e: unknown, prefix = ''): void {
    const showUser = !(e instanceof RequestError) || e.showUser;
    this.sendErrorResponse(response, { id: e instanceof RequestError ? 3000 : 3999, format: prefix + oneLine(e), showUser });
  }

  /** Run a handler; whatever it throws becomes the error response. */
  private guard(response: DebugProtocol.Response, handler: () => void): void {
    try {
      handler();
    } catch (e) {
      this.fail(response, e);
    }
  }

  private launched(): DebugController {
    if (!this.ctl) throw new RequestError('no scenario is being debugged yet (send launch first)');
    return this.ctl;
  }

  private peOfThread(threadId: number): number {
    const ctl = this.launched();
    const n = ctl.machine.pes.length;
    const pe = threadId - THREAD_BASE;
    if (!ctl.machine.pes[pe]) throw new RequestError(`threadId ${threadId}: no such thread (threads ${THREAD_BASE}–${n - 1 + THREAD_BASE} are PE0–PE${n - 1})`);
    return pe;
  }

  /** The PE a frame belongs to: the stop's PE for a frame of an earlier stop. */
  private peOfFrame(frameId: number | undefined): number {
    if (frameId === undefined) return this.lastStop?.pe ?? 0;
    const f = this.frames.resolve(frameId);
    if (f.kind === 'unknown') throw new RequestError(`frameId ${frameId}: no such frame`);
    return f.kind === 'live' ? f.frame.pe : (this.lastStop?.pe ?? 0);
  }

  // ---- lifecycle --------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.supportsProgress = args.supportsProgressReporting === true;
    this.supportsInvalidated = args.supportsInvalidatedEvent === true;
    response.body = capabilities();
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.resolveConfigurationDone();
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    this.launch(response, args).catch((e: unknown) => this.fail(response, e));
  }

  private async launch(response: DebugProtocol.LaunchResponse, args: unknown): Promise<void> {
    if (this.ctl) throw new RequestError('a scenario is already being debugged in this session');
    const plan = prepareLaunch(args);
    this.program = plan.program;
    this.launchOptions = plan.options;
    const ctl = plan.replay ? DebugController.fromWitness(plan.model, plan.replay.witness, plan.options.checkpointInterval) : new DebugController(plan.model, plan.options);
    this.ctl = ctl;
    // Until the first stop or run starts, execution requests are refused like during a run.
    this.busy = true;
    applyExceptionFilters(ctl, this.pendingFilters);
    this.sendEvent(new InitializedEvent());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.configurationDone, new Promise((r) => (timer = setTimeout(r, CONFIGURATION_WAIT_MS)))]);
    clearTimeout(timer);
    this.busy = false;
    this.sendResponse(response);
    const m = ctl.machine;
    const run = plan.replay ? `replaying ${plan.replay.witness.choices.length} choices of ${path.basename(plan.replay.file)}` : `step budget ${m.options.maxSteps}`;
    this.sendEvent(new OutputEvent(`Armscope: ${path.basename(this.program)} — ${m.pes.length} PE(s), cache model ${m.options.cacheModel}, ${run}\n`, 'console'));
    if (plan.stopOnEntry) return this.reportStop({ reason: 'entry', pe: 0, description: 'at the entry point' });
    const entry = ctl.entryBreakpoint();
    if (entry) return this.reportStop(entry);
    this.startRun(() => ctl.runForward(undefined, (s) => this.progress(s)));
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

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const m = this.ctl?.machine;
    const fw = m?.firmware;
    response.body = {
      threads: (m?.pes ?? []).map((pe) => {
        const ep = fw ? endpointOn(fw, pe.id) : undefined;
        const partition = ep?.partition !== undefined ? ` ${ep.partition} (${hex(ep.id, 4)})` : '';
        return new Thread(pe.id + THREAD_BASE, `PE${pe.id} ${worldEl(pe)}${partition}${pe.state !== 'running' ? ` [${pe.state}]` : ''}`);
      }),
    };
    this.sendResponse(response);
  }

  private source(): Source {
    return new Source(path.basename(this.program), this.program);
  }

  private readonly frameMaker: FrameMaker = {
    code: (id, name, pc, line) => {
      const f: DebugProtocol.StackFrame = new StackFrame(id, name, line !== undefined ? this.source() : undefined, line !== undefined ? this.convertDebuggerLineToClient(line) : 0, 1);
      f.instructionPointerReference = pcText(pc);
      return f;
    },
    label: (id, name) => {
      const f: DebugProtocol.StackFrame = new StackFrame(id, name);
      f.presentationHint = 'label';
      return f;
    },
  };

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => {
      const ctl = this.launched();
      const pe = this.peOfThread(args.threadId);
      const pending = this.lastStop?.pe === pe ? (this.lastStop.pending ?? []) : [];
      const frames = this.busy ? [] : this.frames.stackTrace(pe, (newId) => buildFrames(ctl.machine, pe, pending, newId, this.frameMaker));
      const start = args.startFrame ?? 0;
      const count = args.levels && args.levels > 0 ? args.levels : frames.length;
      response.body = { stackFrames: frames.slice(start, start + count), totalFrames: frames.length };
      this.sendResponse(response);
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      const ctl = this.launched();
      const f = this.frames.resolve(args.frameId);
      if (f.kind === 'unknown') throw new RequestError(`frameId ${args.frameId}: no such frame`);
      // A frame of an earlier stop (the client was still showing it when the machine moved): nothing to show, no error.
      if (f.kind === 'stale' || this.busy) {
        response.body = { scopes: [] };
        return this.sendResponse(response);
      }
      const pe = ctl.machine.pes[f.frame.pe];
      const stop = this.lastStop;
      const focus = { fault: stop?.pe === pe.id ? stop.fault : undefined, watched: ctl.stops.watchedAddresses(), nextAccesses: () => (this.busy ? [] : ctl.nextAccesses(pe.id)) };
      response.body = {
        scopes: scopesFor(ctl.machine, pe, focus).map((s) => {
          const sc: DebugProtocol.Scope = new Scope(s.name, this.vars.create(s.children), s.expensive);
          if (s.presentationHint) sc.presentationHint = s.presentationHint;
          if (s.children.indexed) sc.indexedVariables = s.children.indexed.count;
          return sc;
        }),
      };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      const nodes = this.vars.page(args.variablesReference, args);
      response.body = { variables: nodes.map((n) => this.vars.toVariable(n)) };
      this.sendResponse(response);
    });
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => {
      const ctl = this.launched();
      if (this.busy) throw new RequestError('the machine is running: pause it to change a register');
      const node = this.vars.servedNode(args.variablesReference, args.name);
      if (!node?.register || !node.evaluateName) throw new RequestError(`cannot set ${args.name}: only general and system registers take a new value`);
      const value = parseInteger(args.value);
      if (value === undefined) throw new RequestError(`value ${JSON.stringify(args.value.slice(0, 40))} is not a number`);
      if (value >= 1n << 64n || value < -(1n << 63n)) throw new RequestError(`value ${args.value.slice(0, 40)} does not fit in 64 bits`);
      const peId = Number(/^pe(\d+)\./.exec(node.evaluateName)?.[1] ?? 0);
      const v = BigInt.asUintN(64, value);
      setRegister(ctl.machine.pes[peId], node.register, v);
      // The future recorded for time travel (and printed in the console) no longer follows from this state.
      ctl.stateChanged();
      this.feed.historyChanged(ctl.steps);
      response.body = { value: hex(v) };
      this.sendResponse(response);
      if (this.supportsInvalidated) this.sendEvent(new InvalidatedEvent(['variables']));
    });
  }

  // ---- breakpoints ------------------------------------------------------------------

  private sameProgram(source: DebugProtocol.Source): boolean {
    return source.path !== undefined && path.resolve(source.path) === this.program;
  }

  private breakpointHost(): BreakpointHost {
    return {
      ctl: this.launched(),
      source: () => this.source(),
      toClientLine: (l) => this.convertDebuggerLineToClient(l),
      toDebuggerLine: (l) => this.convertClientLineToDebugger(l),
      nextId: () => this.bpId++,
    };
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.guard(response, () => {
      response.body = { breakpoints: setLineBreakpoints(this.breakpointHost(), args, this.sameProgram(args.source)) };
      this.sendResponse(response);
    });
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.guard(response, () => {
      response.body = { breakpoints: setFunctionBreakpoints(this.breakpointHost(), args) };
      this.sendResponse(response);
    });
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.guard(response, () => {
      response.body = { breakpoints: setInstructionBreakpoints(this.breakpointHost(), args) };
      this.sendResponse(response);
    });
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    this.guard(response, () => {
      const ctl = this.ctl;
      const first = this.convertClientLineToDebugger(args.line);
      const last = this.convertClientLineToDebugger(args.endLine ?? args.line);
      const lines = ctl && this.sameProgram(args.source) ? ctl.linesWithCode(first, last) : [];
      response.body = { breakpoints: lines.map((l) => ({ line: this.convertDebuggerLineToClient(l) })) };
      this.sendResponse(response);
    });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.guard(response, () => {
      if (this.ctl) applyExceptionFilters(this.ctl, args);
      else this.pendingFilters = args;
      response.body = { breakpoints: exceptionFilterResults(args) };
      this.sendResponse(response);
    });
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    this.guard(response, () => {
      response.body = dataBreakpointInfo(this.launched(), args, (ref, name) => this.vars.servedNode(ref, name), this.peOfFrame(args.frameId));
      this.sendResponse(response);
    });
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.guard(response, () => {
      response.body = { breakpoints: setDataBreakpoints(this.breakpointHost(), args) };
      this.sendResponse(response);
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    this.guard(response, () => {
      this.peOfThread(args.threadId);
      const s = this.lastStop;
      // VS Code shows exceptionId as the title of the exception widget: use the filter's label.
      const label = exceptionFilters().find((f) => f.filter === s?.exceptionId)?.label;
      response.body = { exceptionId: label ?? s?.exceptionId ?? 'none', description: s?.description, breakMode: 'always', details: s?.details ? { message: s.details } : undefined };
      this.sendResponse(response);
    });
  }

  // ---- execution ----------------------------------------------------------------------

  private async progress(steps: number): Promise<void> {
    if (this.ctl) this.feed.report(this.ctl.machine, false);
    if (this.supportsProgress) {
      const max = this.ctl?.machine.options.maxSteps ?? 0;
      const id = `armscope-run-${this.progressId}`;
      if (!this.progressOpen) {
        this.progressOpen = true;
        this.sendEvent(new ProgressStartEvent(id, 'Armscope: running', `step ${steps}`));
      } else this.sendEvent(new ProgressUpdateEvent(id, `step ${steps}${max ? ` of ${max}` : ''}`));
    }
    await new Promise((r) => setImmediate(r));
  }

  /** Answer an execution request, then run: the stop (or the failure, as a stop) is reported when it ends. */
  private resume(response: DebugProtocol.Response, run: (ctl: DebugController) => Promise<Stop> | Stop, threadId?: number): void {
    this.guard(response, () => {
      const ctl = this.launched();
      if (threadId !== undefined) this.peOfThread(threadId);
      if (this.busy) throw new RequestError('the machine is already running: pause it first');
      this.sendResponse(response);
      this.startRun(() => run(ctl));
    });
  }

  private startRun(run: () => Promise<Stop> | Stop): void {
    this.busy = true;
    this.vars.reset();
    this.frames.reset();
    this.feed.resumed();
    this.runThenReport(run).catch((e: unknown) => this.sendEvent(new OutputEvent(`Armscope: ${oneLine(e)}\n`, 'stderr')));
  }

  private async runThenReport(run: () => Promise<Stop> | Stop): Promise<void> {
    let stop: Stop;
    try {
      stop = await run();
    } catch (e) {
      // The adapter stays up: the failure is a stop the user sees, with the machine where it was.
      this.sendEvent(new OutputEvent(`Armscope: the run failed: ${oneLine(e)}\n`, 'stderr'));
      stop = { reason: 'pause', pe: this.lastStop?.pe ?? 0, description: `stopped: ${oneLine(e)}` };
    } finally {
      this.busy = false;
      if (this.progressOpen) {
        this.sendEvent(new ProgressEndEvent(`armscope-run-${this.progressId}`));
        this.progressOpen = false;
        this.progressId++;
      }
    }
    try {
      this.reportStop(stop);
    } catch (e) {
      // The client must see a stop whatever went wrong while describing it.
      this.sendEvent(new OutputEvent(`Armscope: ${oneLine(e)}\n`, 'stderr'));
      this.sendEvent(new StoppedEvent('pause', stop.pe + THREAD_BASE));
    }
  }

  private reportStop(stop: Stop): void {
    this.lastStop = stop;
    this.vars.reset();
    this.frames.reset();
    const ctl = this.ctl;
    if (ctl) this.feed.report(ctl.machine, true);
    const ev: DebugProtocol.StoppedEvent = new StoppedEvent(stop.reason, stop.pe + THREAD_BASE);
    ev.body.description = stop.description;
    ev.body.text = stop.description;
    ev.body.allThreadsStopped = true;
    if (stop.breakpointIds) ev.body.hitBreakpointIds = stop.breakpointIds;
    this.sendEvent(ev);
    // The end of the run, once (a livelock's finding is already in the console's log).
    if (stop.reason === 'end' || stop.exceptionId === 'expectation') {
      if (ctl?.markEndReported()) this.sendEvent(new OutputEvent(`Armscope: ${stop.description}\n`, 'console'));
    }
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): void {
    response.body = { allThreadsContinued: true };
    this.resume(response, (ctl) => ctl.runForward(undefined, (s) => this.progress(s)), args.threadId);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.resume(response, (ctl) => ctl.stepInstruction(this.peOfThread(args.threadId), args.singleThread === true), args.threadId);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.resume(response, (ctl) => ctl.stepInstruction(this.peOfThread(args.threadId), args.singleThread === true), args.threadId);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.resume(response, (ctl) => ctl.stepOut(this.peOfThread(args.threadId)), args.threadId);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.resume(response, (ctl) => ctl.stepBack(this.peOfThread(args.threadId)), args.threadId);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, args: DebugProtocol.ReverseContinueArguments): void {
    this.resume(response, (ctl) => ctl.reverseContinue(), args.threadId);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    this.guard(response, () => {
      this.peOfThread(args.threadId);
      this.ctl?.pause();
      this.sendResponse(response);
    });
  }

  // ---- memory, code, evaluate ---------------------------------------------------------

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => {
      response.body = readMemory(this.launched().machine, args);
      this.sendResponse(response);
    });
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.guard(response, () => {
      const m = this.launched().machine;
      const instructions = disassemble(m, args, (pa) => ({ line: m.lineOfPc(pa) }));
      for (const d of instructions)
        if (d.line !== undefined) {
          d.location = this.source();
          d.line = this.convertDebuggerLineToClient(d.line);
        }
      response.body = { instructions };
      this.sendResponse(response);
    });
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => {
      const ctl = this.launched();
      let r: ReturnType<typeof evaluate>;
      try {
        r = evaluate(ctl.machine, args.expression, this.peOfFrame(args.frameId));
      } catch (e) {
        // Hovering over a word that is not an expression: no tooltip, and nothing to show the user.
        throw new RequestError(oneLine(e), args.context !== 'hover');
      }
      let ref = 0;
      const decoded = r.decoded;
      if (decoded) {
        ref = this.vars.create({
          named: () => decoded.fields.filter((f) => f.kind !== 'res0').map((f) => ({ name: `${f.name} [${f.msb === f.lsb ? f.msb : `${f.msb}:${f.lsb}`}]`, value: `${hex(f.value)}  ${f.meaning}` })),
        });
      }
      response.body = { result: r.text, variablesReference: ref };
      if (r.address !== undefined) response.body.memoryReference = formatMemoryReference(r.view ?? 'main', r.address);
      this.sendResponse(response);
    });
  }

  // ---- custom requests (views) ------------------------------------------------------------

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === 'armscope/goToStep') return this.goToStepRequest(response, args);
    this.guard(response, () => {
      const a = (args ?? {}) as { threadId?: number; toEnd?: boolean };
      const ctl = this.launched();
      const pe = a.threadId !== undefined ? this.peOfThread(a.threadId) : (this.lastStop?.pe ?? 0);
      response.body = viewRequest(command, { ctl, program: this.program, launchOptions: this.launchOptions, lastStop: this.lastStop, pe, toEnd: a.toEnd === true });
      this.sendResponse(response);
    });
  }

  /** The timeline's "go back to this change": the state after `step` steps, within the history; a `goto` stop follows. */
  private goToStepRequest(response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const ctl = this.launched();
      if (this.busy) throw new RequestError('the machine is running: pause it first');
      const a = (args ?? {}) as { step?: unknown; pe?: unknown };
      const step = a.step;
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > ctl.frontier) {
        throw new RequestError(`step: expected an integer from 0 to ${ctl.frontier}`);
      }
      const pe = typeof a.pe === 'number' && ctl.machine.pes[a.pe] ? a.pe : (this.lastStop?.pe ?? 0);
      ctl.goTo(step);
      this.sendResponse(response);
      this.reportStop({ reason: 'goto', pe, description: `at step ${step}` });
    });
  }
}
