/**
 * Issue #10 items 8–12, as regression tests: the adapter answers every
 * malformed request with a one-line error naming the bad argument and stays
 * alive (unknown threadIds used to kill it: 70 of 74 fuzz sessions);
 * disassemble is capped and paged; memory references are exact 64-bit
 * values; every launch argument is checked (checkpointInterval 1 used to take
 * 100,000 checkpoints and 3–4 GB). Also issue #9 item 9: frame ids of earlier
 * stops are answered politely, never with another stop's frame or an error.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MAX_DISASSEMBLE_INSTRUCTIONS } from '../../debug-adapter/limits';
import { findRoot, launchStopped, newDebugClient } from './helpers';
import { InlineClient } from './inline';

const ROOT = findRoot();
const SEED000 = path.join(ROOT, 'examples', 'seed-000', 'bug-osh-tables.armscope');

/** One line, no stack frame, no absolute path of the machine running the adapter. */
function assertOneLine(message: string | undefined, what: string): void {
  assert.ok(message && message.length > 0, `${what}: no message`);
  assert.ok(!message.includes('\n'), `${what}: several lines: ${message}`);
  assert.ok(!/\bat .+:\d+:\d+/.test(message), `${what}: a stack frame: ${message}`);
  assert.ok(!message.includes(ROOT) && !/(^|[\s'"(])\/[\w.-]+\/[\w.-]+/.test(message), `${what}: an absolute path: ${message}`);
}

describe('DAP robustness (issue #10 items 8–12)', function () {
  this.timeout(60_000);

  it('answers an unknown threadId on every execution and thread request with an error naming it, over stdio, and stays alive', async () => {
    const dc = newDebugClient(ROOT);
    await dc.start();
    try {
      await launchStopped(dc, { program: SEED000, stopOnEntry: true }, { filters: [] });
      for (const command of ['next', 'stepIn', 'stepOut', 'stepBack', 'continue', 'reverseContinue', 'pause', 'stackTrace', 'exceptionInfo']) {
        await assert.rejects(dc.send(command, { threadId: 99 }), (e: Error) => {
          assert.match(e.message, /^threadId 99: no such thread \(threads 1–1 are PE0–PE0\)$/, command);
          return true;
        });
        // A threadId that is not a number at all is named too.
        await assert.rejects(dc.send(command, { threadId: 'one' }), (e: Error) => /^[a-zA-Z]+: threadId must be an integer \(got "one"\)$/.test(e.message));
        await assert.rejects(dc.send(command, {}), (e: Error) => /threadId is missing/.test(e.message));
      }
      // Still alive and still stopped where it was.
      const threads = await dc.threadsRequest();
      assert.equal(threads.body.threads.length, 1);
      const st = await dc.stackTraceRequest({ threadId: 1 });
      assert.ok(st.body.stackFrames.length > 0);
    } finally {
      await dc.stop();
    }
  });

  it('answers malformed requests with one line naming the argument: no stack trace, no absolute path', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED000, stopOnEntry: true }, []);
    const cases: [string, unknown, RegExp][] = [
      ['scopes', { frameId: 'x' }, /^scopes: frameId must be an integer \(got "x"\)$/],
      ['scopes', { frameId: 123_456 }, /^frameId 123456: no such frame$/],
      ['variables', { variablesReference: -1 }, /^variables: variablesReference -1 is out of range/],
      ['variables', { variablesReference: 999_999 }, /^variablesReference 999999 does not exist$/],
      ['evaluate', { expression: 7 }, /^evaluate: expression must be a string \(got 7\)$/],
      ['evaluate', { expression: 'x'.repeat(5000) }, /^evaluate: expression is 5000 characters long; at most 4096$/],
      ['setBreakpoints', { source: { path: 3 } }, /^setBreakpoints: source\.path must be a string/],
      ['setBreakpoints', { source: {}, breakpoints: [{ line: 'a' }] }, /^setBreakpoints: breakpoints\[0\]\.line must be an integer/],
      ['setFunctionBreakpoints', { breakpoints: Array.from({ length: 1001 }, () => ({ name: 'x' })) }, /breakpoints has 1001 entries; at most 1000 per request/],
      ['readMemory', { memoryReference: 'main:0x0' }, /^readMemory: count is missing$/],
      ['readMemory', { memoryReference: 'pe7:0x0', count: 4 }, /^memoryReference names PE 7; the scenario has 1 PE\(s\)$/],
      ['dataBreakpointInfo', { name: null }, /^dataBreakpointInfo: name is missing$/],
      ['stackTrace', { threadId: 1, levels: -2 }, /^stackTrace: levels -2 is out of range/],
      ['armscope/nosuch', {}, /^unknown request 'armscope\/nosuch'$/],
      ['attach', {}, /^attach is not supported by the Armscope debugger$/],
      ['launch', { program: SEED000 }, /^a scenario is already being debugged in this session$/],
      ['next', [1, 2], /^next: threadId must be|arguments must be an object/],
    ];
    for (const [command, args, expected] of cases) {
      const r = await c.request(command, args);
      assert.equal(r.success, false, `${command} ${JSON.stringify(args).slice(0, 80)} succeeded`);
      assertOneLine(r.message, command);
      assert.match(r.message ?? '', expected);
    }
    assert.deepEqual(c.wireErrors, []);
    assert.deepEqual(c.duplicateResponses, []);
    await c.close();
  });

  it('refuses execution requests while launch waits for configurationDone: one run at a time', async () => {
    const c = new InlineClient();
    await c.ok('initialize', { adapterID: 'armscope', pathFormat: 'path' });
    const initialized = c.waitForEvent('initialized');
    const stopped = c.waitForEvent('stopped');
    const launched = c.request('launch', { program: SEED000, stopOnEntry: true });
    await initialized;
    const early = await c.request('continue', { threadId: 1 });
    assert.equal(early.message, 'the machine is already running: pause it first');
    await c.ok('configurationDone');
    assert.equal((await launched).success, true);
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'entry');
    assert.equal((await c.ok<{ step: number }>('armscope/status')).step, 0);
    await c.close();
  });

  it('caps disassemble at 4096 instructions per request and pages it with instructionOffset', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED000, stopOnEntry: true }, []);
    const big = await c.request('disassemble', { memoryReference: '0x8800_0000', instructionCount: 1_000_000 });
    assert.equal(big.success, false);
    assert.equal(big.message, 'instructionCount 1,000,000 is above the limit of 4,096 instructions per request (page with instructionOffset)');
    const all = (await c.ok<{ instructions: DebugProtocol.DisassembledInstruction[] }>('disassemble', { memoryReference: '0x8800_0000', instructionCount: MAX_DISASSEMBLE_INSTRUCTIONS })).instructions;
    assert.equal(all.length, MAX_DISASSEMBLE_INSTRUCTIONS);
    // Four pages of 1024 from instructionOffset 0, 1024, … are the same instructions.
    const pages: DebugProtocol.DisassembledInstruction[] = [];
    for (let k = 0; k < 4; k++)
      pages.push(...(await c.ok<{ instructions: DebugProtocol.DisassembledInstruction[] }>('disassemble', { memoryReference: '0x8800_0000', instructionOffset: k * 1024, instructionCount: 1024 })).instructions);
    assert.deepEqual(pages, all);
    // Before address 0 and past the physical address space: invalid rows, with addresses a client can parse.
    const edge = (await c.ok<{ instructions: DebugProtocol.DisassembledInstruction[] }>('disassemble', { memoryReference: '0x0', instructionOffset: -2, instructionCount: 3 })).instructions;
    assert.deepEqual(edge.map((i) => i.presentationHint), ['invalid', 'invalid', undefined]);
    assert.equal(edge[0].address, '0xfffffffffffffff8');
    assert.equal(edge[2].address, '0x0');
    await c.close();
  });

  it('parses and formats memory references as exact 64-bit values', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED000, stopOnEntry: true }, []);
    // -1 is 0xffff_ffff_ffff_ffff: one byte before 2^64, past the physical address space.
    const minusOne = await c.ok<DebugProtocol.ReadMemoryResponse['body']>('readMemory', { memoryReference: '-1', count: 16 });
    assert.deepEqual(minusOne, { address: '0xffffffffffffffff', data: '', unreadableBytes: 1 });
    const top = await c.ok<DebugProtocol.ReadMemoryResponse['body']>('readMemory', { memoryReference: 'main:0xffff_ffff_ffff_fff0', count: 64 });
    assert.deepEqual(top, { address: '0xfffffffffffffff0', data: '', unreadableBytes: 16 });
    const past = await c.request('readMemory', { memoryReference: '0x1_0000_0000_0000_0000', count: 8 });
    assert.equal(past.success, false);
    assert.equal(past.message, 'memoryReference "0x1_0000_0000_0000_0000": address 0x1_0000_0000_0000_0000 is past 2^64');
    // Across the end of the physical address space: the readable part, then the count of unreadable bytes.
    const edge = await c.ok<DebugProtocol.ReadMemoryResponse['body']>('readMemory', { memoryReference: '0xf_ffff_ffff_fff8', count: 16 });
    assert.equal(edge?.address, '0xffffffffffff8');
    assert.equal(Buffer.from(edge?.data ?? '', 'base64').length, 8);
    assert.equal(edge?.unreadableBytes, 8);
    // An offset that would leave 0…2^64 is refused, naming it.
    const below = await c.request('readMemory', { memoryReference: '0x10', offset: -32, count: 8 });
    assert.equal(below.message, 'offset -32 moves 0x10 outside 0…2^64');
    // evaluate: no memoryReference past 2^64, an error naming the address instead.
    const ev = await c.request('evaluate', { expression: 'mem64[0xffff_ffff_ffff_fff9]', context: 'repl' });
    assert.equal(ev.success, false);
    assert.equal(ev.message, '0xffff_ffff_ffff_fff9: 8 bytes there are outside the 52-bit physical address space');
    const ok = await c.ok<DebugProtocol.EvaluateResponse['body']>('evaluate', { expression: 'mem32[0xf_ffff_ffff_fffc] in memory', context: 'repl' });
    assert.equal(ok.memoryReference, 'main:0xf_ffff_ffff_fffc');
    await c.close();
  });

  describe('launch arguments', () => {
    const bad: [string, Record<string, unknown>, string][] = [
      ['checkpointInterval 1', { checkpointInterval: 1 }, 'checkpointInterval 1 is below the minimum of 1,000 steps'],
      ['checkpointInterval 0.5', { checkpointInterval: 0.5 }, 'checkpointInterval must be a whole number of steps (got 0.5)'],
      ['too many checkpoints', { maxSteps: 100_000_000, checkpointInterval: 1000 }, 'checkpointInterval 1,000 with a step budget of 100,000,000 makes up to 100,000 checkpoints; at most 100 (use 1,000,000 or more)'],
      ['maxSteps 0', { maxSteps: 0 }, 'maxSteps 0 is below the minimum of 1 steps'],
      ['maxSteps -1', { maxSteps: -1 }, 'maxSteps -1 is below the minimum of 1 steps'],
      ['maxSteps 1e10', { maxSteps: 1e10 }, 'maxSteps 10,000,000,000 is above the maximum of 100,000,000 steps'],
      ['maxSteps "10"', { maxSteps: '10' }, 'maxSteps must be a whole number of steps (got "10")'],
      ['cacheModel maybe', { cacheModel: 'maybe' }, 'cacheModel must be one of scenario, on, off (got "maybe")'],
      ['speculation 3', { speculation: 3 }, 'speculation must be one of scenario, none, adversarial (got 3)'],
      ['stopOnEntry "yes"', { stopOnEntry: 'yes' }, 'stopOnEntry must be true or false (got "yes")'],
    ];
    for (const [what, extra, message] of bad)
      it(`refuses ${what} with one line naming it`, async () => {
        const c = new InlineClient();
        await c.ok('initialize', { adapterID: 'armscope', pathFormat: 'path' });
        const r = await c.request('launch', { program: SEED000, ...extra });
        assert.equal(r.success, false);
        assert.equal(r.message, message);
        // Still alive, and a good launch afterwards works.
        assert.deepEqual(await c.ok('threads'), { threads: [] });
        const stopped = c.waitForEvent('stopped');
        const launched = c.request('launch', { program: SEED000, stopOnEntry: true });
        await c.ok('configurationDone');
        assert.equal((await launched).success, true);
        await stopped;
        await c.close();
      });

    it('refuses a program that is missing, a directory or a FIFO, naming the file but not its folder', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-launch-'));
      const fifo = path.join(dir, 'pipe.armscope');
      execFileSync('mkfifo', [fifo]);
      const c = new InlineClient();
      await c.ok('initialize', { adapterID: 'armscope', pathFormat: 'path' });
      const cases: [unknown, string][] = [
        [path.join(dir, 'none.armscope'), "program 'none.armscope': no such file"],
        [dir, `program '${path.basename(dir)}' is not a regular file`],
        [fifo, "program 'pipe.armscope' is not a regular file"],
        ['', 'program must name the scenario file (got "")'],
        [undefined, 'program must name the scenario file (got nothing)'],
      ];
      for (const [program, message] of cases) {
        const r = await c.request('launch', { program });
        assert.equal(r.message, message);
        assertOneLine(r.message, 'launch');
      }
      await c.close();
    });

    it('raises the default checkpoint interval so that a large budget takes at most 100 checkpoints', async () => {
      const c = new InlineClient();
      await c.launch({ program: SEED000, stopOnEntry: true, maxSteps: 100_000_000 }, []);
      const status = await c.ok<{ checkpointInterval: number }>('armscope/status');
      assert.equal(status.checkpointInterval, 1_000_000);
      await c.close();
    });
  });

  describe('frame ids of earlier stops (issue #9 item 9)', () => {
    it('three nexts then three step backs: scopes for frames of earlier stops answer empty, without error; the current frame answers', async () => {
      const c = new InlineClient();
      await c.launch({ program: SEED000, stopOnEntry: true }, []);
      const earlier: { frame: number; scopesRef: number }[] = [];
      const topFrame = async (): Promise<number> => (await c.ok<{ stackFrames: DebugProtocol.StackFrame[] }>('stackTrace', { threadId: 1 })).stackFrames[0].id;
      for (const command of ['next', 'next', 'next', 'stepBack', 'stepBack', 'stepBack']) {
        const frame = await topFrame();
        const scopes = (await c.ok<{ scopes: DebugProtocol.Scope[] }>('scopes', { frameId: frame })).scopes;
        earlier.push({ frame, scopesRef: scopes[0].variablesReference });
        await c.stopAfter(command);
      }
      // Every id is distinct: nothing of an earlier stop can name something of this one.
      assert.equal(new Set(earlier.map((e) => e.frame)).size, earlier.length);
      for (const e of earlier) {
        const s = await c.request('scopes', { frameId: e.frame });
        assert.equal(s.success, true, s.message);
        assert.deepEqual(s.body, { scopes: [] });
        const v = await c.request('variables', { variablesReference: e.scopesRef });
        assert.equal(v.success, true, v.message);
        assert.deepEqual(v.body, { variables: [] });
      }
      // The current stop's frames answer, and ask twice the same ids come back.
      const now = await topFrame();
      assert.equal(await topFrame(), now);
      const scopes = (await c.ok<{ scopes: DebugProtocol.Scope[] }>('scopes', { frameId: now })).scopes;
      assert.ok(scopes.some((s) => s.name === 'Registers'));
      await c.close();
    });
  });
});
