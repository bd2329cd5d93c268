/**
 * The debug adapter over stdio on the other seeds and on generated
 * scenarios: FF-A call-stack frames, partition thread names, FF-A and GIC
 * scopes (seed 001), FF-A error and livelock filters, several PEs with
 * single-thread stepping and the PE view of memory (seed 004), step out,
 * failed expectations, hit counts, pause and progress, register writes with
 * `invalidated`, reverse continue to a line, the views' custom requests.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { findRoot, HANG_GUARD_MS, launchStopped, newDebugClient, nextStop, requestBody, scopeVariables, variables } from './helpers';

const ROOT = findRoot();
const SEED000 = path.join(ROOT, 'examples', 'seed-000', 'bug-osh-tables.armscope');
const SEED001 = path.join(ROOT, 'examples', 'seed-001', 'bug-resp-interrupted.armscope');
const SEED000_FFA = path.join(ROOT, 'examples', 'seed-000', 'bug-ffa-share-osh.armscope');
const SEED004 = path.join(ROOT, 'examples', 'seed-004', 'bug-stale-image.armscope');

/** A 1-PE loop: `iterations` passes over 3 instructions (line 12 is `add`, the loop head). */
function loopFile(iterations: number, maxSteps = 5_000_000): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-dap-'));
  const file = path.join(dir, 'loop.armscope');
  fs.writeFileSync(
    file,
    [
      'system {',
      '  pes 1',
      '  memory ram at 0x8000_0000 size 0x10_0000',
      `  max_steps ${maxSteps}`,
      '}',
      'pe 0 {',
      '  el 1',
      '  entry start',
      `  x0 = ${iterations}`,
      '}',
      'code at 0x8000_0000 {',
      'start:',
      '    add   x1, x1, #1',
      '    subs  x0, x0, #1',
      '    b.ne  start',
      'done:',
      '    hlt   #0',
      '}',
      '',
    ].join('\n'),
  );
  return file;
}

async function stopAfter(dc: DebugClient, command: string, args: Record<string, unknown> = { threadId: 1 }): Promise<DebugProtocol.StoppedEvent> {
  const [, ev] = await Promise.all([dc.send(command, args), nextStop(dc, HANG_GUARD_MS)]);
  return ev;
}

/** Line of the top code frame (a stop shown before its step lists what that step does first, as labels). */
async function topLine(dc: DebugClient, threadId = 1): Promise<number> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames.find((f) => f.presentationHint !== 'label')!.line;
}

describe('DAP: FF-A, several PEs, execution control and views', function () {
  this.timeout(HANG_GUARD_MS);
  let dc: DebugClient;

  beforeEach(async () => {
    dc = newDebugClient(ROOT);
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('seed 001: stops on the FF-A error return with the FF-A call in the call stack and the partition in the thread name', async () => {
    const stopped = await launchStopped(dc, { program: SEED001 }, { filters: ['ffa-error'] });
    assert.equal(stopped.body.reason, 'exception');
    assert.match(stopped.body.description ?? '', /FF-A call returned FFA_ERROR FFA_INTERRUPTED \(w2 = 0xffff_fffb\)/);
    const threads = (await dc.threadsRequest()).body.threads;
    assert.equal(threads[0].name, 'PE0 S-EL1 optee (0x8001)');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const label = frames.findIndex((f) => f.presentationHint === 'label' && /^FFA_MSG_SEND_DIRECT_REQ_32 0x0000→0x8001/.test(f.name));
    assert.ok(label > 0, frames.map((f) => f.name).join(' | '));
    // The caller's code frame follows its label: the Normal world's SMC.
    assert.match(frames[label + 1].name, /^smc\s+#0/);
    assert.equal(frames[label + 1].line, 70);
    assert.ok(frames[label + 1].instructionPointerReference);
  });

  it('seed 000 through FF-A: stops at the load the SPMC aborts, steps into the fault, goes back to the retrieve that wrote the descriptor', async () => {
    const stopped = await launchStopped(dc, { program: SEED000_FFA }, { filters: ['fault:translation:2'] });
    // The built-in SPMC takes and handles the fault within one step: the stop shows the state before it.
    assert.match(stopped.body.description ?? '', /translation fault stage 2 level 3 at EL1, taken to EL2.*handled by the built-in firmware/);
    let frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    // What the next step does comes first: the stage-2 Data Abort with its EC, then the faulting load.
    assert.equal(frames[0].presentationHint, 'label');
    assert.equal(frames[0].name, 'next step: Data Abort (lower EL): Translation fault, level 3, read, doubleword x3 EC 0x24 EL1→EL2');
    assert.equal(frames[1].line, 120);
    assert.match(frames[1].name, /^ldr\s+x3, \[x21\]/);
    // OP-TEE runs because of the driver's direct request: the FF-A frame and the Normal world's SMC below it.
    const label = frames.findIndex((f) => f.presentationHint === 'label' && /^FFA_MSG_SEND_DIRECT_REQ/.test(f.name));
    assert.ok(label > 0, frames.map((f) => f.name).join(' | '));
    assert.equal((await dc.threadsRequest()).body.threads[0].name, 'PE0 S-EL1 optee (0x8001)');
    const l1 = async () => {
      const caches = await scopeVariables(dc, 1, 'Caches');
      return (await variables(dc, caches.find((v) => v.name === 'L1D.pe0')!.variablesReference)).map((v) => `${v.name} = ${v.value}`);
    };
    assert.ok((await l1()).some((v) => v.startsWith('0x610_4800 Normal-WB OSH = M')), (await l1()).join(', '));
    // One step: the walk allocates the Inner Shareable copy, the fault is taken and handled.
    const step = await stopAfter(dc, 'next');
    assert.equal(step.body.reason, 'exception');
    const after = await l1();
    assert.ok(after.some((v) => v.startsWith('0x610_4800 Normal-WB OSH = M')) && after.some((v) => v.startsWith('0x610_4800 Normal-WB ISH = E')), after.join(', '));
    // The SPMC wrote the descriptor while handling FFA_MEM_RETRIEVE_REQ: reverse continue stops at that SMC.
    const info = await dc.dataBreakpointInfoRequest({ name: '0x610_4800', asAddress: true, bytes: 8 });
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId ?? '' }] });
    // Backwards, the fault comes first (before its step), then the write.
    const fault = await stopAfter(dc, 'reverseContinue');
    assert.equal(fault.body.reason, 'exception');
    assert.equal(await topLine(dc), 120);
    const back = await stopAfter(dc, 'reverseContinue');
    assert.equal(back.body.reason, 'data breakpoint');
    assert.match(back.body.description ?? "", /^PE0 wrote 0x40_0000_8810_07ff \(8 bytes, Normal-WB OSH\) to 0x610_4800$/);
    frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    // OP-TEE's SMC: the write, the FF-A call the SPMC handles, the trapped SMC (EC 0x17), then the code frame.
    assert.deepEqual(frames.slice(0, 3).map((f) => f.name), [
      'next step: PE0 wrote 0x40_0000_8810_07ff (8 bytes, Normal-WB OSH) to 0x610_4800',
      'next step: FFA_MEM_RETRIEVE_REQ_32 0x8001→0x8000 (SPMC, S-EL2)',
      'next step: SMC #0x0 EC 0x17 EL1→EL2',
    ]);
    assert.equal(frames[3].line, 118);
    assert.match(frames[3].name, /^smc\s+#0/);
    // Continue from there: the write fires forward, then the fault stop comes again.
    await dc.setDataBreakpointsRequest({ breakpoints: [] });
    const again = await stopAfter(dc, 'continue');
    assert.equal(again.body.reason, 'exception');
    assert.equal(await topLine(dc), 120);
    // Continuing from a stop shown before its step goes on past it (no stop at the same fault again).
    const end = await stopAfter(dc, 'continue');
    assert.notEqual(await topLine(dc), 120);
    assert.ok(end.body.reason === 'end' || end.body.reason === 'exception');
  });

  it('seed 000 through FF-A: reverse continue finds the SPMC write hidden by the SMC exception taken in the same step', async () => {
    await launchStopped(dc, { program: SEED000_FFA }, { filters: ['fault:translation:2'] });
    assert.equal(await topLine(dc), 120);
    // Every exception on: OP-TEE's `smc` for FFA_MEM_RETRIEVE_REQ is itself an exception (trapped to
    // S-EL2), taken in the same machine step as the SPMC's descriptor write; both stop before that step.
    await dc.setExceptionBreakpointsRequest({ filters: ['fault:translation:2', 'exception:any'] });
    const info = await dc.dataBreakpointInfoRequest({ name: '0x610_4800', asAddress: true, bytes: 8 });
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId ?? '' }] });
    const back = await stopAfter(dc, 'reverseContinue');
    assert.equal(back.body.reason, 'data breakpoint', back.body.description);
    assert.match(back.body.description ?? '', /^PE0 wrote 0x40_0000_8810_07ff \(8 bytes, Normal-WB OSH\) to 0x610_4800$/);
    assert.equal(await topLine(dc), 118);
    // The SMC exception at the same place is not a stop of its own further back: the next one is
    // the driver's direct request (NS-EL1 → EL3) that brought OP-TEE here.
    const earlier = await stopAfter(dc, 'reverseContinue');
    assert.equal(earlier.body.reason, 'exception');
    assert.match(earlier.body.description ?? '', /^PE0: sync exception at EL1, taken to EL3 — ESR_EL3 0x5e00_0000/);
    assert.equal(await topLine(dc), 90);
  });

  it('seed 001: FF-A scope lists the partition and its vCPU, the GIC scope the pending secure interrupt', async () => {
    await launchStopped(dc, { program: SEED001 }, { filters: ['ffa-error'] });
    const ffa = await scopeVariables(dc, 1, 'FF-A');
    const optee = ffa.find((v) => v.name === 'optee (0x8001)');
    assert.ok(optee, ffa.map((v) => v.name).join(','));
    const kids = await variables(dc, optee.variablesReference);
    assert.match(kids.find((k) => k.name === 'vCPU 0')!.value, /^running on PE0, vIRQ pending 40/);
    assert.ok(ffa.some((v) => v.name === 'memory transactions'));
    const gic = await scopeVariables(dc, 1, 'GIC');
    assert.match(gic.find((v) => v.name === 'INTID 40 (SPI)')!.value, /^pending/);
  });

  it('seed 001: the livelock filter stops at the end of the run the livelock checker ended', async () => {
    const stopped = await launchStopped(dc, { program: SEED001 }, { filters: ['livelock'] });
    assert.equal(stopped.body.reason, 'exception');
    assert.match(stopped.body.description ?? '', /livelock/);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'Livelock');
  });

  it('seed 004: one thread per PE; single-thread stepping moves only that PE; memory as seen by a PE differs from main memory', async () => {
    const stopped = await launchStopped(dc, { program: SEED004, stopOnEntry: true }, { filters: [] });
    assert.equal(stopped.body.reason, 'entry');
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name), ['PE0 NS-EL1', 'PE1 NS-EL1']);
    const pe1Before = (await dc.evaluateRequest({ expression: 'pe1.pc', context: 'watch' })).body.result;
    for (let i = 0; i < 2; i++) await stopAfter(dc, 'next', { threadId: 1, singleThread: true });
    assert.equal(await topLine(dc, 1), 64); // str x1, [x0] at write_magic
    assert.equal((await dc.evaluateRequest({ expression: 'pe1.pc', context: 'watch' })).body.result, pe1Before);
    await stopAfter(dc, 'next', { threadId: 1, singleThread: true });
    // dom0's store is dirty in L1D.pe0: PE 0 sees the magic, main memory (what the MMU-off guest reads) still 0.
    const main = await requestBody<NonNullable<DebugProtocol.ReadMemoryResponse['body']>>(dc, 'readMemory', { memoryReference: 'main:0x8020_0000', count: 4 });
    const seen = await requestBody<NonNullable<DebugProtocol.ReadMemoryResponse['body']>>(dc, 'readMemory', { memoryReference: 'pe0:0x8020_0000', count: 4 });
    assert.equal(Buffer.from(main.data ?? '', 'base64').readUInt32LE(0), 0);
    assert.equal(Buffer.from(seen.data ?? '', 'base64').readUInt32LE(0), 0x644d_5241);
    const ev = await dc.evaluateRequest({ expression: 'mem32[0x8020_0000]', context: 'watch', frameId: (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id });
    assert.equal(ev.body.result, '0x644d_5241 (as seen by PE 0; main memory holds 0x0)');
  });

  it('steps out of an exception level: from the SPMC at EL2 to the partition after ERET', async () => {
    await launchStopped(dc, { program: SEED000, stopOnEntry: true }, { filters: [] });
    const out = await stopAfter(dc, 'stepOut');
    assert.equal(out.body.reason, 'step');
    assert.equal(await topLine(dc), 83); // sp_entry: ldr x1, =SHARED
    assert.equal((await dc.threadsRequest()).body.threads[0].name, 'PE0 S-EL1');
  });

  it('stops with the failed expectations when the run ends (seed 000 with the cache model off)', async () => {
    const stopped = await launchStopped(dc, { program: SEED000, cacheModel: 'off' }, { filters: ['expectation'] });
    assert.equal(stopped.body.reason, 'exception');
    assert.match(stopped.body.description ?? '', /expectation\(s\) failed: fault translation stage 2 level 3/);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.details?.message ?? '', /line 94: fault translation stage 2 level 3 on pe 0 at touch — no fault taken/);
  });

  it('honours hit counts and conditions on a loop line, and reverse-continues to the previous arrival', async () => {
    const file = loopFile(10);
    const launched = dc.launch({ program: file });
    await dc.waitForEvent('initialized');
    const set = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 13, hitCondition: '3' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const [, , first] = await Promise.all([dc.configurationDoneRequest(), launched, nextStop(dc)]);
    assert.equal(first.body.reason, 'breakpoint');
    // Arrivals: the entry (x1 = 0), after one pass (1), after two (2).
    assert.equal((await dc.evaluateRequest({ expression: 'x1', context: 'watch' })).body.result, '0x2');
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 13, condition: 'x1 == 7' }] });
    await stopAfter(dc, 'continue');
    assert.equal((await dc.evaluateRequest({ expression: 'x1', context: 'watch' })).body.result, '0x7');
    // Reverse continue with an unconditional breakpoint: the previous arrival at line 13.
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 13 }] });
    const back = await stopAfter(dc, 'reverseContinue');
    assert.equal(back.body.reason, 'breakpoint');
    assert.equal((await dc.evaluateRequest({ expression: 'x1', context: 'watch' })).body.result, '0x6');
    assert.equal(await topLine(dc), 13);
  });

  it('pauses a long run and reports progress while it runs', async () => {
    const file = loopFile(30_000_000, 100_000_000);
    await dc.initializeRequest({ adapterID: 'armscope', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsProgressReporting: true, supportsInvalidatedEvent: true });
    const progress = dc.waitForEvent('progressStart', HANG_GUARD_MS) as Promise<DebugProtocol.ProgressStartEvent>;
    const config = (async () => {
      await dc.waitForEvent('initialized');
      await dc.setExceptionBreakpointsRequest({ filters: [] });
      await dc.configurationDoneRequest();
    })();
    await Promise.all([config, dc.launchRequest({ program: file } as DebugProtocol.LaunchRequestArguments)]);
    const started = await progress;
    assert.match(started.body.title, /Armscope/);
    const [, paused] = await Promise.all([dc.pauseRequest({ threadId: 1 }), nextStop(dc, HANG_GUARD_MS)]);
    assert.equal(paused.body.reason, 'pause');
    const x1 = BigInt((await dc.evaluateRequest({ expression: 'x1', context: 'watch' })).body.result.replace(/_/g, ''));
    assert.ok(x1 > 0n && x1 < 30_000_000n, `x1 = ${x1}`);
  });

  it('writes a register (setVariable), sends invalidated, and the new value drives execution', async () => {
    const file = loopFile(1000);
    await dc.initializeRequest({ adapterID: 'armscope', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsInvalidatedEvent: true });
    const config = (async () => {
      await dc.waitForEvent('initialized');
      await dc.setExceptionBreakpointsRequest({ filters: [] });
      await dc.configurationDoneRequest();
    })();
    const stoppedP = nextStop(dc);
    await Promise.all([config, dc.launchRequest({ program: file, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments)]);
    await stoppedP;
    const regs = await scopeVariables(dc, 1, 'Registers');
    const x0 = regs.find((v) => v.name === 'x0')!;
    assert.equal(x0.value, '0x3e8');
    const scopes = await dc.scopesRequest({ frameId: (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id });
    const regRef = scopes.body.scopes.find((s) => s.name === 'Registers')!.variablesReference;
    await dc.variablesRequest({ variablesReference: regRef });
    const [set, inv] = await Promise.all([dc.setVariableRequest({ variablesReference: regRef, name: 'x0', value: '2' }), dc.waitForEvent('invalidated') as Promise<DebugProtocol.InvalidatedEvent>]);
    assert.equal(set.body.value, '0x2');
    assert.deepEqual(inv.body.areas, ['variables']);
    const end = await stopAfter(dc, 'continue');
    assert.equal(end.body.reason, 'end');
    assert.equal((await dc.evaluateRequest({ expression: 'x1', context: 'watch' })).body.result, '0x2');
  });

  it('stops at an instruction breakpoint (Disassembly view) and lists the lines that take breakpoints', async () => {
    const launched = dc.launch({ program: SEED000 });
    await dc.waitForEvent('initialized');
    const locs = await requestBody<DebugProtocol.BreakpointLocationsResponse['body']>(dc, 'breakpointLocations', { source: { path: SEED000 }, line: 60, endLine: 70 });
    assert.deepEqual(locs.breakpoints.map((b) => b.line), [62, 63, 65, 66, 67, 68]);
    // touch: ldr x2, [x1] at 0x8800_0004, given as the function's address plus an offset.
    const ibp = await requestBody<DebugProtocol.SetInstructionBreakpointsResponse['body']>(dc, 'setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x8800_0000', offset: 4 }, { instructionReference: '0x8800_0002' }] });
    assert.deepEqual(ibp.breakpoints.map((b) => b.verified), [true, false]);
    assert.equal(ibp.breakpoints[0].line, 85);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const [, , stop] = await Promise.all([dc.configurationDoneRequest(), launched, nextStop(dc)]);
    assert.equal(stop.body.reason, 'instruction breakpoint');
    assert.equal(await topLine(dc), 85);
  });

  it('serves the views: the cache-line timeline and the page tables of the current PE', async () => {
    await launchStopped(dc, { program: SEED000 }, { filters: ['fault:translation:2'] });
    const t = (await dc.customRequest('armscope/cacheTimeline', {})).body as {
      current: number;
      caches: string[];
      changes: { step: number; cache: string; pa: number; attrs: string; from: string; to: string; cause: string; line?: number }[];
    };
    assert.equal(t.current, 8);
    assert.deepEqual(t.caches.slice(0, 1), ['L1D.pe0']);
    const write = t.changes.find((c) => c.pa === 0x611_1800 && c.attrs === 'Normal-WB OSH');
    assert.ok(write, JSON.stringify(t.changes));
    assert.equal(write.to, 'M');
    assert.equal(write.line, 64); // 0-based: the str at write_desc
    const walk = t.changes.find((c) => c.pa === 0x611_1800 && c.attrs === 'Normal-WB ISH');
    assert.ok(walk && walk.step === 8 && walk.to === 'E');
    const pt = (await dc.customRequest('armscope/pageTables', { threadId: 1 })).body as { el: number; tables: { name: string; stage: number; enabled: boolean; entries: unknown[] }[] };
    assert.equal(pt.el, 2);
    const names = pt.tables.map((x) => x.name);
    assert.ok(names.includes('TTBR0_EL2') && names.includes('VSTTBR_EL2'), names.join(','));
    assert.ok(pt.tables.find((x) => x.name === 'TTBR0_EL2')!.entries.length > 0);
  });
});
