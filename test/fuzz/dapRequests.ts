/**
 * DAP fuzzing: generators for debug sessions — a launch (valid or not) then
 * a sequence of requests naming every command the protocol has (and some it
 * does not), with arguments shaped like the real ones, random JSON, or none —
 * and the driver that plays one session against the in-process adapter.
 *
 * What a session must show: a response to every request (within a hang
 * guard of many seconds), at most one per request, every message
 * serialisable as JSON, and the adapter alive at the end (`threads`
 * answers). Used by the test suite (test/dap/fuzz.test.ts, fixed seeds, a
 * few seconds) and the long campaign (test/fuzz/dap.campaign.ts).
 *
 * Ids the adapter handed out (frames, variable references, threads) are
 * reused by the generated requests through tokens (`$frame:3`) that the
 * driver resolves against the ids seen so far, so requests reach past the
 * argument checks into the handlers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { InlineClient } from '../dap/inline';

/** Every DAP request command (specification 1.68), the adapter's custom ones, and a few that do not exist. */
export const COMMANDS = [
  'initialize', 'launch', 'attach', 'disconnect', 'terminate', 'restart', 'setBreakpoints', 'setFunctionBreakpoints',
  'setExceptionBreakpoints', 'configurationDone', 'continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue',
  'restartFrame', 'goto', 'pause', 'stackTrace', 'scopes', 'variables', 'setVariable', 'setExpression', 'source', 'threads',
  'terminateThreads', 'evaluate', 'stepInTargets', 'gotoTargets', 'completions', 'exceptionInfo', 'loadedSources',
  'dataBreakpointInfo', 'setDataBreakpoints', 'readMemory', 'writeMemory', 'disassemble', 'cancel', 'breakpointLocations',
  'setInstructionBreakpoints', 'modules', 'armscope/cacheTimeline', 'armscope/pageTables', 'armscope/status',
  'armscope/nosuch', 'nosuch', '',
] as const;

/** Small scenarios with different machinery: caches and stage 2 (seed 000), FF-A and a GIC (seed 001), two PEs, a loop. */
export function fuzzPrograms(root: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-dap-fuzz-'));
  const loop = path.join(dir, 'loop.armscope');
  fs.writeFileSync(loop, 'system {\n  pes 1\n  memory ram at 0x8000_0000 size 0x10_0000\n  max_steps 20000\n}\npe 0 {\n  el 1\n  entry start\n  x0 = 500\n}\ncode at 0x8000_0000 {\nstart:\n    add   x1, x1, #1\n    str   x1, [x2]\n    subs  x0, x0, #1\n    b.ne  start\n    hlt   #0\n}\n');
  return [
    path.join(root, 'examples', 'seed-000', 'bug-osh-tables.armscope'),
    path.join(root, 'examples', 'seed-001', 'bug-resp-interrupted.armscope'),
    path.join(root, 'examples', 'seed-004', 'bug-stale-image.armscope'),
    loop,
  ];
}

/** Ids the adapter handed out (tokens resolved by the driver), mostly; sometimes any number. */
const threadId = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('$thread:0', '$thread:1') }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }) });
const frameId = fc.oneof({ weight: 8, arbitrary: fc.nat(40).map((k) => `$frame:${k}`) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000 }) });
const varRef = fc.oneof({ weight: 8, arbitrary: fc.nat(200).map((k) => `$var:${k}`) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000 }) });
const address = fc.oneof(
  fc.constantFrom('main:0x611_1800', 'pe0:0x8800_0000', 'pe1:0x8020_0000', '0x8000_0000', 'main:0x0e10_0000', '-1', '0xffff_ffff_ffff_fff0', '0xf_ffff_ffff_fff8', '0x1_0000_0000_0000_0000', 'pe99:0'),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 66n }).map((v) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`)),
);
const expression = fc.oneof(
  fc.constantFrom('x0', 'pe1.x3', 'esr_el2', 'pstate.el', 'mem[0x611_1800]', 'mem64[0xffff_ffff_ffff_fff9]', 'decode(esr_el2)', 'decode(tcr_el2, 0x8085_3520)', 'start', 'mem32[x0] seen by pe 1', 'x1 == 3', 'sp'),
  fc.string({ maxLength: 30 }),
);
const count = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) }, { weight: 1, arbitrary: fc.constantFrom(4096, 4097, 65536, 1_000_000, 2 ** 31 - 1) });
const offset = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -300, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) });
const line = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 130 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 10_000_000) });
const hitCondition = fc.constantFrom('3', '>= 2', '% 2', '< 5', 'x');
const some = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(a, { maxLength: 6 });
const filters = some(fc.constantFrom('fault:translation:2', 'fault:other', 'exception:any', 'ffa-error', 'livelock', 'expectation', 'finding:other', 'finding:mismatched-attributes', 'nosuch'));
const opt = { requiredKeys: [] as never[] };

/** Arguments of the command's shape, with usable values (ids the adapter gave out, real addresses and labels). */
function shapedArgs(command: string, file: string): fc.Arbitrary<Record<string, unknown>> {
  const step = fc.record({ threadId, singleThread: fc.boolean(), granularity: fc.constantFrom('instruction', 'line', 'statement') }, { requiredKeys: ['threadId'] });
  switch (command) {
    case 'initialize':
      return fc.record({ adapterID: fc.constant('armscope'), pathFormat: fc.constant('path'), linesStartAt1: fc.boolean(), columnsStartAt1: fc.boolean(), supportsProgressReporting: fc.boolean(), supportsInvalidatedEvent: fc.boolean() }, opt);
    case 'launch':
      return launchArgs(file) as fc.Arbitrary<Record<string, unknown>>;
    case 'setBreakpoints':
      return fc.record({ source: fc.constant({ path: file }), breakpoints: some(fc.record({ line, condition: expression, hitCondition }, { requiredKeys: ['line'] })) });
    case 'setFunctionBreakpoints':
      return fc.record({ breakpoints: some(fc.record({ name: fc.constantFrom('start', 'write_desc', 'touch', 'optee_entry', 'driver', 'nosuch'), condition: expression, hitCondition }, { requiredKeys: ['name'] })) });
    case 'setExceptionBreakpoints':
      return fc.record({ filters, filterOptions: some(fc.record({ filterId: fc.constantFrom('ffa-error', 'fault:translation:2', 'x'), condition: expression }, { requiredKeys: ['filterId'] })) }, { requiredKeys: ['filters'] });
    case 'continue': case 'next': case 'stepIn': case 'stepOut': case 'stepBack': case 'reverseContinue': case 'pause': case 'exceptionInfo':
      return step;
    case 'stackTrace':
      return fc.record({ threadId, startFrame: fc.integer({ min: 0, max: 5 }), levels: fc.integer({ min: 0, max: 20 }) }, { requiredKeys: ['threadId'] });
    case 'scopes':
      return fc.record({ frameId });
    case 'variables':
      return fc.record({ variablesReference: varRef, filter: fc.constantFrom('indexed', 'named'), start: count, count }, { requiredKeys: ['variablesReference'] });
    case 'setVariable':
      return fc.record({ variablesReference: varRef, name: fc.constantFrom('x0', 'x30', 'sp', 'sp_el1', 'esr_el2', 'hcr_el2', 'pc', 'nosuch'), value: fc.constantFrom('0x10', '-1', '0', '0x1_0000_0000_0000_0000', 'zz') });
    case 'evaluate':
      return fc.record({ expression, frameId, context: fc.constantFrom('repl', 'hover', 'watch', 'clipboard') }, { requiredKeys: ['expression'] });
    case 'dataBreakpointInfo':
      return fc.record({ name: fc.oneof(address, expression, fc.constant('line 0x611_1800')), variablesReference: varRef, frameId, bytes: fc.integer({ min: 1, max: 4096 }), asAddress: fc.boolean() }, { requiredKeys: ['name'] });
    case 'setDataBreakpoints':
      return fc.record({ breakpoints: some(fc.record({ dataId: fc.constantFrom(`mem:${0x611_1800}:8`, `line:${0x611_1800}`, `mem:${0x8020_0000}:4`, `line:${0x610_4800}`, 'mem:1:1', 'x'), hitCondition }, { requiredKeys: ['dataId'] })) });
    case 'readMemory':
      return fc.record({ memoryReference: address, offset, count }, { requiredKeys: ['memoryReference', 'count'] });
    case 'disassemble':
      return fc.record({ memoryReference: address, offset, instructionOffset: offset, instructionCount: count, resolveSymbols: fc.boolean() }, { requiredKeys: ['memoryReference', 'instructionCount'] });
    case 'breakpointLocations':
      return fc.record({ source: fc.constant({ path: file }), line, endLine: line }, { requiredKeys: ['source', 'line'] });
    case 'setInstructionBreakpoints':
      return fc.record({ breakpoints: some(fc.record({ instructionReference: address, offset: fc.integer({ min: -64, max: 64 }) }, { requiredKeys: ['instructionReference'] })) });
    case 'armscope/cacheTimeline':
      return fc.record({ toEnd: fc.boolean() }, opt);
    case 'armscope/pageTables':
      return fc.record({ threadId }, opt);
    default:
      return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
  }
}

/** The shape with one field replaced by any JSON value, or dropped. */
function mutated(args: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return args.chain((a) => {
    // Launch arguments may already be any JSON value: those are not mutated further.
    if (typeof a !== 'object' || a === null || Array.isArray(a)) return fc.constant(a);
    const keys = Object.keys(a);
    if (keys.length === 0) return fc.constant(a);
    return fc.tuple(fc.constantFrom(...keys), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })).map(([k, v]) => {
      const out = { ...a };
      if (v === undefined) delete out[k];
      else out[k] = v;
      return out;
    });
  });
}

/** Launch arguments: mostly usable (so the session gets somewhere), sometimes wrong in one field, sometimes nonsense. */
function launchArgs(file: string, maxSteps = 20_000): fc.Arbitrary<unknown> {
  const good = fc.record({
    program: fc.constant(file),
    stopOnEntry: fc.boolean(),
    cacheModel: fc.constantFrom('scenario', 'on', 'off'),
    speculation: fc.constantFrom('scenario', 'none', 'adversarial'),
    maxSteps: fc.integer({ min: 1, max: maxSteps }),
    checkpointInterval: fc.integer({ min: 1_000, max: 50_000 }),
  }, { requiredKeys: ['program'] });
  return fc.oneof({ weight: 8, arbitrary: good }, { weight: 2, arbitrary: mutated(good) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
}

export interface FuzzRequest {
  command: string;
  /** `undefined`: the request carries no `arguments`. */
  args?: unknown;
}

/** One request: a command with shaped arguments, random JSON, or none. */
export function requestArb(file: string): fc.Arbitrary<FuzzRequest> {
  // `$inspect` (threads → stackTrace → scopes → variables, as a client does at a stop) fills the
  // pools of ids the other requests name; `$settle` lets a run started by an earlier request stop.
  const driver = fc.constantFrom<FuzzRequest>({ command: '$inspect' }, { command: '$settle' });
  return fc.oneof({ weight: 1, arbitrary: driver }, { weight: 4, arbitrary: commandArb(file) });
}

function commandArb(file: string): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...COMMANDS).chain((command) =>
    fc.oneof(
      { weight: 8, arbitrary: shapedArgs(command, file).map((args) => ({ command, args })) },
      { weight: 3, arbitrary: mutated(shapedArgs(command, file)).map((args) => ({ command, args })) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((args) => ({ command, args })) },
      { weight: 1, arbitrary: fc.constant({ command }) },
    ),
  );
}

export interface FuzzSession {
  program: string;
  launch: unknown;
  /** Exception filters set before configurationDone (undefined: none sent). */
  filters?: string[];
  requests: FuzzRequest[];
}

/** Sessions of up to `maxRequests` requests; launches with a step budget of at most `maxSteps`. */
export function sessionArb(programs: string[], maxRequests: number, maxSteps = 20_000): fc.Arbitrary<FuzzSession> {
  return fc.constantFrom(...programs).chain((program) =>
    fc.record({
      program: fc.constant(program),
      launch: launchArgs(program, maxSteps),
      filters: fc.option(filters, { nil: undefined }),
      // Lengths spread over the whole range (the default size would keep most sessions short).
      requests: fc.array(requestArb(program), { maxLength: maxRequests, size: 'max' }),
    }),
  );
}

/** Replace `$frame:N`, `$var:N`, `$thread:N` tokens (anywhere in the arguments) with ids the adapter handed out. */
function resolveTokens(v: unknown, seen: { frame: number[]; var: number[]; thread: number[] }): unknown {
  if (typeof v === 'string') {
    const m = /^\$(frame|var|thread):(\d+)$/.exec(v);
    if (!m) return v;
    const pool = seen[m[1] as 'frame' | 'var' | 'thread'];
    return pool.length > 0 ? pool[Number(m[2]) % pool.length] : Number(m[2]);
  }
  if (Array.isArray(v)) return v.map((x) => resolveTokens(x, seen));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveTokens(x, seen)]));
  return v;
}

/** Ids in a response body the later requests may name. */
function collectIds(body: unknown, seen: { frame: number[]; var: number[]; thread: number[] }): void {
  const b = body as { stackFrames?: { id: number }[]; scopes?: { variablesReference: number }[]; variables?: { variablesReference: number }[]; threads?: { id: number }[] } | undefined;
  const keep = (pool: number[], x: number): void => {
    if (x > 0 && pool.length < 200) pool.push(x);
  };
  for (const f of b?.stackFrames ?? []) keep(seen.frame, f.id);
  for (const s of b?.scopes ?? []) keep(seen.var, s.variablesReference);
  for (const v of b?.variables ?? []) keep(seen.var, v.variablesReference);
  for (const t of b?.threads ?? []) keep(seen.thread, t.id);
}

/** Requests that, accepted, lead to one `stopped` event. */
const EXECUTION = new Set(['launch', 'continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue']);

export interface SessionOutcome {
  requests: number;
  /** What went wrong (empty: the session was fine). */
  problems: string[];
  /** Requests that got no response within the hang guard. */
  hangs: string[];
}

/**
 * Play one session against a fresh in-process adapter. `hangMs`: how long a
 * request may go unanswered before it counts as a hang.
 */
export async function playSession(s: FuzzSession, hangMs: number): Promise<SessionOutcome> {
  const c = new InlineClient();
  const problems: string[] = [];
  const hangs: string[] = [];
  const seen = { frame: [] as number[], var: [] as number[], thread: [1] };
  let sent = 0;
  let expectedStops = 0;
  const stops = (): number => c.events.filter((e) => e.event === 'stopped').length;
  const send = async (command: string, args?: unknown): Promise<DebugProtocol.Response | undefined> => {
    sent++;
    try {
      const r = await c.sendRaw(args === undefined ? { command } : { command, arguments: JSON.parse(JSON.stringify(args)) as unknown }, hangMs);
      if (r.success && EXECUTION.has(command)) expectedStops++;
      if (!r.success && (r.message === undefined || r.message.includes('\n') || /\bat .+:\d+:\d+/.test(r.message))) problems.push(`${command}: error message not one line: ${JSON.stringify(r.message)}`);
      collectIds(r.body, seen);
      return r;
    } catch (e) {
      hangs.push(`${command} ${JSON.stringify(args)?.slice(0, 200)}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  await send('initialize', { adapterID: 'armscope', pathFormat: 'path', linesStartAt1: true, supportsProgressReporting: true, supportsInvalidatedEvent: true });
  const launched = send('launch', s.launch);
  if (s.filters) await send('setExceptionBreakpoints', { filters: s.filters });
  await send('configurationDone');
  await launched;
  const settle = async (): Promise<void> => {
    // Every launch or execution request the adapter accepted leads to one `stopped` event: wait (at
    // most two seconds) until they have all come, so that the next execution request is not refused.
    for (let waited = 0; waited < 2000 && stops() < expectedStops; waited += 5) await new Promise((r) => setTimeout(r, 5));
  };
  const inspect = async (): Promise<void> => {
    await send('threads');
    const st = await send('stackTrace', { threadId: seen.thread[seen.thread.length - 1] });
    const frame = (st?.body as { stackFrames?: { id: number }[] } | undefined)?.stackFrames?.[0]?.id;
    if (frame === undefined) return;
    const sc = await send('scopes', { frameId: frame });
    for (const scope of (sc?.body as { scopes?: { variablesReference: number }[] } | undefined)?.scopes ?? []) await send('variables', { variablesReference: scope.variablesReference, start: 0, count: 20 });
  };
  for (const r of s.requests) {
    if (r.command === '$inspect') await inspect();
    else if (r.command === '$settle') await settle();
    else await send(r.command, resolveTokens(r.args, seen));
  }
  const alive = await send('threads');
  if (!alive?.success) problems.push('the adapter does not answer threads at the end');
  await send('pause', { threadId: 1 });
  await send('disconnect', {});
  problems.push(...c.wireErrors.map((e) => `not serialisable: ${e}`), ...c.duplicateResponses.map((seq) => `request ${seq} answered twice`));
  return { requests: sent, problems, hangs };
}
