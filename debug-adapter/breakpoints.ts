/**
 * The breakpoint requests as mappings onto the session's stop conditions
 * (stops.ts): source lines (moved to the next line that holds an
 * instruction), labels (function breakpoints), instruction references, the
 * exception filters, and data breakpoints on memory words and cache lines.
 * Each answers per breakpoint whether it could be set and, if not, why.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluate } from '../simulator/engine/evaluate';
import { PA_LIMIT } from '../simulator/memory/physical';
import { hex } from '../simulator/util/hex';
import type { DebugController } from './controller';
import { oneLine } from './errors';
import { exceptionFilters } from './filters';
import type { VarNode } from './handles';
import { parseAddress, parseMemoryReference } from './memory';
import type { LineBreakpoint } from './stops';

/** What the breakpoint requests need from the session. */
export interface BreakpointHost {
  ctl: DebugController;
  /** The scenario file as a DAP source. */
  source(): DebugProtocol.Source;
  toClientLine(line: number): number;
  toDebuggerLine(line: number): number;
  nextId(): number;
}

const DATA_ID = /^(mem:\d+:\d+|line:\d+)$/;

/** A request's breakpoints replace that kind's (DAP: each request sends the whole set). */
function install(ctl: DebugController, kind: 'lineBreakpoints' | 'functionBreakpoints' | 'instructionBreakpoints', list: LineBreakpoint[]): void {
  ctl.stops[kind] = list;
  ctl.stops.rebuildBreakpointIndex();
}

export function setLineBreakpoints(h: BreakpointHost, args: DebugProtocol.SetBreakpointsArguments, same: boolean): DebugProtocol.Breakpoint[] {
  const list: LineBreakpoint[] = [];
  const bps = (args.breakpoints ?? []).map((b): DebugProtocol.Breakpoint => {
    const id = h.nextId();
    const r = same ? h.ctl.resolveLine(h.toDebuggerLine(b.line)) : undefined;
    if (!r) return { id, verified: false, line: b.line, message: same ? 'no instruction on or after this line' : 'not the scenario being debugged' };
    list.push({ id, addresses: r.addresses, condition: b.condition, hitCondition: b.hitCondition, hits: 0, kind: 'line' });
    return { id, verified: true, line: h.toClientLine(r.line), source: h.source() };
  });
  if (same) install(h.ctl, 'lineBreakpoints', list);
  return bps;
}

export function setFunctionBreakpoints(h: BreakpointHost, args: DebugProtocol.SetFunctionBreakpointsArguments): DebugProtocol.Breakpoint[] {
  const ctl = h.ctl;
  const list: LineBreakpoint[] = [];
  const bps = args.breakpoints.map((b): DebugProtocol.Breakpoint => {
    const id = h.nextId();
    const name = b.name.trim();
    const sym = ctl.model.symbols.get(name);
    if (!sym || sym.kind !== 'label' || sym.value === undefined) return { id, verified: false, message: `no label '${name.slice(0, 60)}' in the scenario` };
    const pc = Number(BigInt.asIntN(64, sym.value));
    list.push({ id, addresses: [pc], condition: b.condition, hitCondition: b.hitCondition, hits: 0, kind: 'function', name });
    const line = ctl.machine.lineOfPc(pc);
    return { id, verified: true, source: h.source(), line: line !== undefined ? h.toClientLine(line) : undefined, instructionReference: hex(sym.value) };
  });
  install(ctl, 'functionBreakpoints', list);
  return bps;
}

export function setInstructionBreakpoints(h: BreakpointHost, args: DebugProtocol.SetInstructionBreakpointsArguments): DebugProtocol.Breakpoint[] {
  const ctl = h.ctl;
  const list: LineBreakpoint[] = [];
  const bps = args.breakpoints.map((b): DebugProtocol.Breakpoint => {
    const id = h.nextId();
    let at: bigint;
    try {
      at = parseMemoryReference(b.instructionReference).address + BigInt(b.offset ?? 0);
    } catch (e) {
      return { id, verified: false, message: oneLine(e) };
    }
    const pa = Number(at);
    if (at < 0n || at >= BigInt(PA_LIMIT) || !ctl.machine.instrAt(pa)) return { id, verified: false, message: `no instruction at ${hex(BigInt.asUintN(64, at))}` };
    list.push({ id, addresses: [pa], condition: b.condition, hitCondition: b.hitCondition, hits: 0, kind: 'instruction' });
    const line = ctl.machine.lineOfPc(pa);
    return { id, verified: true, instructionReference: hex(pa), source: line !== undefined ? h.source() : undefined, line: line !== undefined ? h.toClientLine(line) : undefined };
  });
  install(ctl, 'instructionBreakpoints', list);
  return bps;
}

/** The filters a setExceptionBreakpoints request turns on (undefined: the defaults); unknown ids are ignored. */
export function applyExceptionFilters(ctl: DebugController, args: DebugProtocol.SetExceptionBreakpointsArguments | undefined): void {
  const known = new Set(exceptionFilters().map((f) => f.filter));
  const stops = ctl.stops;
  stops.filters = new Set(args ? args.filters.filter((f) => known.has(f)) : exceptionFilters().filter((f) => f.default).map((f) => f.filter));
  stops.filterConditions.clear();
  for (const o of args?.filterOptions ?? []) {
    if (!known.has(o.filterId)) continue;
    stops.filters.add(o.filterId);
    if (o.condition) stops.filterConditions.set(o.filterId, o.condition);
  }
}

/** One answer per filter asked for: unknown ids are not verified, with the reason. */
export function exceptionFilterResults(args: DebugProtocol.SetExceptionBreakpointsArguments): DebugProtocol.Breakpoint[] {
  const known = new Set(exceptionFilters().map((f) => f.filter));
  const ids = [...args.filters, ...(args.filterOptions ?? []).map((o) => o.filterId)];
  return ids.map((id) => (known.has(id) ? { verified: true } : { verified: false, message: `unknown exception filter '${id.slice(0, 60)}'` }));
}

/**
 * What a data breakpoint on `args.name` would watch: a variable's word or
 * cache line, `line ADDR` (a cache line), an address, or an expression that
 * evaluates to one (in the frame's PE).
 */
export function dataBreakpointInfo(
  ctl: DebugController,
  args: DebugProtocol.DataBreakpointInfoArguments,
  node: (ref: number, name: string) => VarNode | undefined,
  pe: number,
): DebugProtocol.DataBreakpointInfoResponse['body'] {
  const none = (why: string): DebugProtocol.DataBreakpointInfoResponse['body'] => ({ dataId: null, description: why });
  if (args.variablesReference !== undefined && !args.asAddress) {
    const n = node(args.variablesReference, args.name);
    if (!n?.dataId) return none(`${args.name.slice(0, 60)} cannot be watched (watch memory words, descriptors or cache lines)`);
    return { dataId: n.dataId, description: n.dataDescription ?? n.name, accessTypes: ['write'], canPersist: true };
  }
  const lineMatch = /^line\s+(.+)$/i.exec(args.name.trim());
  let pa: bigint | undefined;
  try {
    pa = parseAddress(lineMatch ? lineMatch[1] : args.name);
  } catch {
    if (lineMatch) return none(`not an address: ${lineMatch[1].slice(0, 60)}`);
    try {
      const r = evaluate(ctl.machine, args.name, pe);
      pa = r.address !== undefined ? BigInt(r.address) : r.value;
    } catch {
      pa = undefined;
    }
  }
  if (pa === undefined) return none(`cannot resolve '${args.name.slice(0, 60)}' to an address`);
  if (pa >= BigInt(PA_LIMIT)) return none(`${hex(pa)} is outside the 52-bit physical address space`);
  const at = Number(pa);
  if (lineMatch) {
    const line = at - (at % 64);
    return { dataId: `line:${line}`, description: `cache line ${hex(line)} changes state in any cache`, accessTypes: ['write'], canPersist: true };
  }
  const bytes = args.bytes ?? 8;
  return { dataId: `mem:${at}:${bytes}`, description: `write to ${hex(at)} (${bytes} bytes)`, accessTypes: ['write'], canPersist: true };
}

export function setDataBreakpoints(h: BreakpointHost, args: DebugProtocol.SetDataBreakpointsArguments): DebugProtocol.Breakpoint[] {
  const list = args.breakpoints.map((b) => ({ id: h.nextId(), dataId: b.dataId, condition: b.condition, hitCondition: b.hitCondition, hits: 0 }));
  h.ctl.stops.setDataBreakpoints(list.filter((b) => DATA_ID.test(b.dataId)));
  return list.map((b) => (DATA_ID.test(b.dataId) ? { id: b.id, verified: true } : { id: b.id, verified: false, message: `unknown dataId '${b.dataId.slice(0, 60)}'` }));
}
