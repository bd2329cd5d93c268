/**
 * The debug adapter over stdio (dist/debug-adapter.js) driven by
 * @vscode/debugadapter-testsupport's DebugClient, on seed 000 (stage-2 table
 * written Outer Shareable, walked Inner Shareable): stop on the stage-2
 * fault with the exception filter, the exception frame in the call stack,
 * both cache copies of the descriptor line, step back / reverse continue to
 * the descriptor write, data breakpoints on the line and the address,
 * evaluate, readMemory (main vs PE view), disassemble.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { findRoot, HANG_GUARD_MS, launchStopped, newDebugClient, nextStop, requestBody, scopeVariables, variables } from './helpers';

const ROOT = findRoot();
const SEED = path.join(ROOT, 'examples', 'seed-000', 'bug-osh-tables.armscope');

// 1-based lines of bug-osh-tables.armscope.
const LINE_WRITE_DESC = 65; // str x1, [x0]
const LINE_DSB = 66;
const LINE_S2_FAULT = 74; // mrs x3, esr_el2 (VBAR_EL2 + 0x400)
const LINE_TOUCH = 85; // ldr x2, [x1]

describe('DAP: seed 000 (stage-2 shareability mismatch)', function () {
  this.timeout(HANG_GUARD_MS);
  let dc: DebugClient;

  beforeEach(async () => {
    dc = newDebugClient(ROOT);
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('advertises time travel, data breakpoints and one exception filter per fault kind and stage', async () => {
    const init = await dc.initializeRequest();
    const caps = init.body!;
    assert.equal(caps.supportsStepBack, true);
    assert.equal(caps.supportsDataBreakpoints, true);
    assert.equal(caps.supportsReadMemoryRequest, true);
    assert.equal(caps.supportsDisassembleRequest, true);
    const filters = (caps.exceptionBreakpointFilters ?? []).map((f) => f.filter);
    for (const k of ['translation', 'permission', 'access-flag']) for (const s of [1, 2]) assert.ok(filters.includes(`fault:${k}:${s}`), `fault:${k}:${s}`);
    for (const f of ['fault:alignment', 'finding:mismatched-attributes', 'finding:stale-descriptor', 'ffa-error', 'livelock', 'expectation']) assert.ok(filters.includes(f), f);
  });

  it('stops on the stage-2 translation fault with the exception filter, with the exception frame and the faulting line', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    assert.equal(stopped.body.reason, 'exception');
    // The run report's fault summary: `at` the EL that faulted (as `fault … at el 1` expects), taken to EL2.
    assert.equal(stopped.body.description, 'PE0: translation fault stage 2 level 3 at EL1, taken to EL2 — ESR_EL2 0x93c2_8007, FAR 0x8810_0000');
    const threads = await dc.threadsRequest();
    assert.equal(threads.body.threads[0].name, 'PE0 S-EL2');
    const st = await dc.stackTraceRequest({ threadId: stopped.body.threadId! });
    const frames = st.body.stackFrames;
    assert.equal(frames[0].line, LINE_S2_FAULT);
    assert.equal(frames[0].source?.path, SEED);
    assert.equal(frames[0].instructionPointerReference, '0x600_0c00');
    assert.equal(frames[1].presentationHint, 'label');
    assert.match(frames[1].name, /Data Abort.*EC 0x24 EL1→EL2/);
    assert.equal(frames[2].line, LINE_TOUCH);
    assert.equal(frames[2].instructionPointerReference, '0x8800_0004');
    const info = await dc.exceptionInfoRequest({ threadId: stopped.body.threadId! });
    assert.equal(info.body.exceptionId, 'Translation fault, stage 2');
    assert.match(info.body.details?.message ?? '', /descriptor at 0x611_1800 is invalid/);
  });

  it('shows the Outer- and Inner-Shareable copies of the descriptor line in the caches scope', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    const caches = await scopeVariables(dc, stopped.body.threadId!, 'Caches');
    const l1 = caches.find((v) => v.name === 'L1D.pe0');
    assert.ok(l1, caches.map((v) => v.name).join(','));
    const lines = await variables(dc, l1.variablesReference);
    const osh = lines.find((v) => v.name === '0x611_1800 Normal-WB OSH');
    const ish = lines.find((v) => v.name === '0x611_1800 Normal-WB ISH');
    assert.ok(osh && ish, lines.map((v) => v.name).join(','));
    assert.match(osh.value, /^M \(dirty/);
    assert.match(ish.value, /^E \(clean/);
    // The dirty OSH copy holds the new descriptor in its first word; the ISH copy (what the walk read) holds 0.
    const oshData = await variables(dc, (await variables(dc, osh.variablesReference)).find((v) => v.name === 'data')!.variablesReference);
    const ishData = await variables(dc, (await variables(dc, ish.variablesReference)).find((v) => v.name === 'data')!.variablesReference);
    assert.equal(oshData[0].value, '0x0000_0000_8810_07ff');
    assert.equal(ishData[0].value, '0x0000_0000_0000_0000');
  });

  it('decodes system registers into fields from the register table', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    const sys = await scopeVariables(dc, stopped.body.threadId!, 'System registers');
    const esr = sys.find((v) => v.name === 'esr_el2');
    assert.ok(esr);
    assert.equal(esr.value, '0x93c2_8007');
    assert.equal(esr.evaluateName, 'pe0.esr_el2');
    const fields = await variables(dc, esr.variablesReference);
    const ec = fields.find((f) => f.name.startsWith('EC'));
    assert.ok(ec, fields.map((f) => f.name).join(','));
    assert.match(ec.value, /0x24/);
  });

  it('shows the stage-2 tables as a tree of decoded descriptors', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    const tables = await scopeVariables(dc, stopped.body.threadId!, 'Translation');
    const s2 = tables.find((v) => v.name === 'VSTTBR_EL2 stage 2');
    assert.ok(s2, tables.map((v) => v.name).join(','));
    assert.match(s2.value, /base 0x610_0000, level 1/);
    const l1 = await variables(dc, s2.variablesReference);
    assert.ok(l1.length >= 1);
    assert.match(l1[0].value, /[Tt]able/);
  });

  it('reverse-continues from the fault to the descriptor write with a data breakpoint on its address', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    const info = await dc.dataBreakpointInfoRequest({ name: '0x611_1800', asAddress: true, bytes: 8 });
    assert.equal(info.body.dataId, `mem:${0x611_1800}:8`);
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId ?? '' }] });
    const [, back] = await Promise.all([dc.send('reverseContinue', { threadId: stopped.body.threadId }), nextStop(dc)]);
    assert.equal(back.body.reason, 'data breakpoint');
    const st = await dc.stackTraceRequest({ threadId: back.body.threadId ?? 1 });
    assert.equal(st.body.stackFrames[0].line, LINE_WRITE_DESC);
    // Main memory still holds the old (zero) descriptor before the write.
    const ev = await dc.evaluateRequest({ expression: 'mem[0x611_1800] in memory', context: 'repl' });
    assert.equal(ev.body.result, '0x0');
  });

  it('steps back one instruction at a time from the fault', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    const tid = stopped.body.threadId!;
    const [, s1] = await Promise.all([dc.send('stepBack', { threadId: tid }), nextStop(dc)]);
    assert.equal(s1.body.reason, 'step');
    let st = await dc.stackTraceRequest({ threadId: tid });
    assert.equal(st.body.stackFrames[0].line, LINE_TOUCH);
    // Before the fault: no exception frame, the PE is at EL1.
    assert.equal(st.body.stackFrames.length, 1);
    const threads = await dc.threadsRequest();
    assert.equal(threads.body.threads[0].name, 'PE0 S-EL1');
    for (let i = 0; i < 5; i++) await Promise.all([dc.send('stepBack', { threadId: tid }), nextStop(dc)]);
    st = await dc.stackTraceRequest({ threadId: tid });
    assert.equal(st.body.stackFrames[0].line, LINE_WRITE_DESC);
    // And forward again through the same history.
    await Promise.all([dc.nextRequest({ threadId: tid }), nextStop(dc)]);
    st = await dc.stackTraceRequest({ threadId: tid });
    assert.equal(st.body.stackFrames[0].line, LINE_DSB);
  });

  it('fires a data breakpoint on the descriptor cache line when a copy changes state', async () => {
    const stopped = await launchStopped(dc, { program: SEED, stopOnEntry: true }, { filters: [] });
    assert.equal(stopped.body.reason, 'entry');
    const info = await dc.dataBreakpointInfoRequest({ name: 'line 0x611_1800' });
    assert.equal(info.body.dataId, `line:${0x611_1800}`);
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId ?? '' }] });
    const [, hit] = await Promise.all([dc.continueRequest({ threadId: 1 }), nextStop(dc)]);
    assert.equal(hit.body.reason, 'data breakpoint');
    assert.match(hit.body.description ?? '', /line 0x611_1800 changed: not cached → L1D\.pe0 Normal-WB OSH M/);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, LINE_DSB);
    // Next change: the stage-2 walk allocates the Inner Shareable copy.
    const [, hit2] = await Promise.all([dc.continueRequest({ threadId: 1 }), nextStop(dc)]);
    assert.equal(hit2.body.reason, 'data breakpoint');
    assert.match(hit2.body.description ?? '', /L1D\.pe0 Normal-WB ISH E/);
  });

  it('stops at line and function breakpoints with conditions and hit counts', async () => {
    const launched = dc.launch({ program: SEED, stopOnEntry: false });
    await dc.waitForEvent('initialized');
    const lines = await dc.setBreakpointsRequest({
      source: { path: SEED },
      breakpoints: [{ line: LINE_TOUCH, condition: 'x1 == 0x8810_0000' }, { line: 63, hitCondition: '2' }, { line: 1 }],
    });
    assert.deepEqual(lines.body.breakpoints.map((b) => b.verified), [true, true, false]);
    const fns = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'write_desc' }, { name: 'nowhere' }] });
    assert.deepEqual(fns.body.breakpoints.map((b) => b.verified), [true, false]);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const [, , first] = await Promise.all([dc.configurationDoneRequest(), launched, nextStop(dc)]);
    assert.equal(first.body.reason, 'function breakpoint');
    let st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, LINE_WRITE_DESC);
    const [, second] = await Promise.all([dc.continueRequest({ threadId: 1 }), nextStop(dc)]);
    assert.equal(second.body.reason, 'breakpoint');
    st = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].line, LINE_TOUCH);
    const x1 = await dc.evaluateRequest({ expression: 'pe0.x1', context: 'watch', frameId: st.body.stackFrames[0].id });
    assert.equal(x1.body.result, '0x8810_0000');
  });

  it('evaluates registers, decode() and memory in main memory and as seen by the PE', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    const st = await dc.stackTraceRequest({ threadId: stopped.body.threadId! });
    const frameId = st.body.stackFrames[0].id;
    assert.equal((await dc.evaluateRequest({ expression: 'esr_el2', frameId, context: 'hover' })).body.result, '0x93c2_8007');
    const dec = await dc.evaluateRequest({ expression: 'decode(esr_el2)', frameId, context: 'repl' });
    assert.match(dec.body.result, /^ESR_EL2 0x93c2_8007: .*EC=0x24 Data Abort from a lower Exception level/);
    assert.ok(dec.body.variablesReference > 0);
    assert.equal((await dc.evaluateRequest({ expression: 'hpfar_el2', frameId, context: 'watch' })).body.result, '0x88_1000');
    assert.equal((await dc.evaluateRequest({ expression: 'mem[0x611_1800] in memory', frameId, context: 'watch' })).body.result, '0x0');
    const seen = await dc.evaluateRequest({ expression: 'mem[0x611_1800] seen by pe 0', frameId, context: 'watch' });
    assert.equal(seen.body.memoryReference, 'pe0:0x611_1800');
    // readMemory: main memory holds the old descriptor; the PE's caches hold the new one in the OSH copy.
    const main = await requestBody<NonNullable<DebugProtocol.ReadMemoryResponse['body']>>(dc, 'readMemory', { memoryReference: 'main:0x611_1800', count: 8 });
    assert.equal(Buffer.from(main.data ?? '', 'base64').readBigUInt64LE(0), 0n);
    // A protocol field clients parse with BigInt(): plain hex.
    assert.equal(main.address, '0x6111800');
    await assert.rejects(dc.evaluateRequest({ expression: 'nosuchthing', frameId, context: 'repl' }));
  });

  it('disassembles around the PC with source locations and labels', async () => {
    const stopped = await launchStopped(dc, { program: SEED }, { filters: ['fault:translation:2'] });
    const st = await dc.stackTraceRequest({ threadId: stopped.body.threadId! });
    const dis = await requestBody<DebugProtocol.DisassembleResponse['body']>(dc, 'disassemble', { memoryReference: st.body.stackFrames[2].instructionPointerReference, instructionOffset: -1, instructionCount: 3, resolveSymbols: true });
    const ins = dis?.instructions ?? [];
    // VS Code parses DisassembledInstruction.address with BigInt(): plain hex, or the Disassembly view drops the row.
    assert.equal(ins[0].address, '0x88000000');
    assert.doesNotThrow(() => ins.map((i) => BigInt(i.address)));
    assert.equal(ins[0].symbol, 'sp_entry');
    assert.match(ins[1].instruction, /^ldr\s+x2, \[x1\]/);
    assert.equal(ins[1].symbol, 'touch');
    assert.equal(ins[1].line, LINE_TOUCH);
    assert.equal(ins[2].instruction.startsWith('hlt'), true);
  });
});
