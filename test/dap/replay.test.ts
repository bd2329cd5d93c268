/**
 * `"replay": W` in the launch configuration: the debugger replays a witness
 * of `armscope explore` (store buffering on two PEs, every interleaving),
 * stops where that execution breaks its expectations, steps back over the
 * whole witness to step 0, and runs forward along the witness's choices
 * again (not the run policy's). Stale, malformed and over-specified launches
 * are refused with one line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { parseExploreSettings } from '../../simulator/explore/config';
import { exploreScenario } from '../../simulator/explore/explore';
import { makeWitness } from '../../simulator/explore/witness';
import { scenarioModel, scenarioText } from '../explore/scenarios';
import { debugClientPerTest, findRoot, launchStopped, nextStop } from './helpers';

const ROOT = findRoot();
/** Store buffering: each PE stores its own flag, then loads the other's (cache model off: interleavings only). */
const SB = scenarioText({ programs: [['str x5, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x2, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 });
const FILTERS = ['expectation', 'fault:other'];

/** SB with a fault: PE 1 loads from 0x4000_0000, which its stage-1 tables leave unmapped (its vector at VBAR_EL1 + 0x200 halts). */
const SB_FAULT =
  scenarioText({ programs: [['str x5, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'mov x12, #0x40000000', 'ldr x4, [x12]', 'ldr x2, [x10]']], cacheModel: false, mmu: true, fills: 0, evictions: 0 }).replace(
    '  entry p1\n',
    '  entry p1\n  vbar_el1 = 0x8000_0800\n',
  ) + 'code at 0x8000_0a00 {\n    hlt #1\n}\n';
const LINE_FAULT = SB_FAULT.split('\n').indexOf('    ldr x4, [x12]') + 1;

/** Write a witness file for each outcome of `text` that breaks an expectation. */
function witnessFiles(dir: string, program: string, text: string): Map<string, { file: string; failed: number[]; choices: number }> {
  fs.writeFileSync(program, text);
  const model = scenarioModel(text, program);
  const r = exploreScenario(model);
  assert.deepEqual(r.bounds.hit, []);
  const out = new Map<string, { file: string; failed: number[]; choices: number }>();
  for (const [i, o] of r.outcomes.entries()) {
    if (o.failed.length === 0) continue;
    const w = makeWitness(model, parseExploreSettings(model.blocks), undefined, { choices: o.witness, outcome: o.state, failed: o.failed, finalState: o.finalState });
    const file = path.join(dir, `${path.basename(program, '.armscope')}-${i}.witness`);
    fs.writeFileSync(file, JSON.stringify(w));
    const failed = [...o.failed].sort((a, b) => a - b);
    out.set(failed.join(','), { file, failed, choices: o.witness.length });
  }
  return out;
}

/** The 1-based lines a failed-expectation stop's details name. */
function failedLines(details: string | undefined): number[] {
  return [...(details ?? '').matchAll(/^line (\d+):/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

describe('DAP: debugging an explored execution (replay)', function () {
  this.timeout(60_000);
  const client = debugClientPerTest(ROOT);
  let dir: string;
  let program: string;
  /** Witness files by the sorted list of expectation lines their execution breaks. */
  let witnesses = new Map<string, { file: string; failed: number[]; choices: number }>();

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-replay-'));
    program = path.join(dir, 'sb.armscope');
    witnesses = witnessFiles(dir, program, SB);
    // Outcomes that break different expectations: a replay that followed the run policy instead would show one of them for every witness.
    assert.ok(witnesses.size >= 3, `${witnesses.size} distinct broken sets`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function exceptionDetails(threadId: number): Promise<string | undefined> {
    return (await client.dc.exceptionInfoRequest({ threadId })).body.details?.message;
  }

  /** The failed-expectation stop on `threadId` names exactly these 1-based expectation lines. */
  async function expectFailed(threadId: number, lines: number[]): Promise<void> {
    assert.deepEqual(failedLines(await exceptionDetails(threadId)), lines);
  }

  /** A fresh adapter for the next launch within one test. */
  async function restartAdapter(): Promise<void> {
    await client.dc.disconnectRequest({});
    await client.dc.stop();
    await client.dc.start();
  }

  it('stops where each witness breaks its expectations, with the failed expectations of that execution', async () => {
    for (const w of witnesses.values()) {
      const dc = client.dc;
      const stopped = await launchStopped(dc, { program, replay: w.file }, { filters: FILTERS });
      assert.equal(stopped.body.reason, 'exception');
      assert.match(stopped.body.description ?? '', /run ended \(.*\); \d+ expectation\(s\) failed/);
      await expectFailed(stopped.body.threadId!, w.failed);
      await restartAdapter();
    }
  });

  it('steps back over the whole witness to step 0 and runs forward along it to the same failure', async () => {
    const w = [...witnesses.values()][0];
    const dc = client.dc;
    const stopped = await launchStopped(dc, { program, replay: w.file }, { filters: FILTERS });
    const threadId = stopped.body.threadId!;
    const first = await exceptionDetails(threadId);
    // Step back instruction by instruction on PE 0 until the start of the run.
    let description = '';
    for (let k = 0; k <= w.choices + 1 && description !== 'at the start of the run'; k++) {
      const back = nextStop(dc);
      await dc.stepBackRequest({ threadId: 1 });
      description = (await back).body.description ?? '';
    }
    assert.equal(description, 'at the start of the run');
    const status = (await dc.customRequest('armscope/status')).body as { step: number; frontier: number };
    assert.equal(status.step, 0);
    assert.equal(status.frontier, w.choices, 'the whole witness is the history');
    const again = nextStop(dc);
    await dc.continueRequest({ threadId });
    const stop = await again;
    assert.equal(stop.body.reason, 'exception');
    assert.equal(await exceptionDetails(stop.body.threadId!), first);
    // Reverse continue from the end reaches the start too.
    const rev = nextStop(dc);
    await dc.reverseContinueRequest({ threadId });
    assert.equal((await rev).body.description, 'reached the start of the run');
  });

  it('stops at the fault of a witnessed execution, then continues along the witness to its broken expectations', async () => {
    const faulting = path.join(dir, 'sb-fault.armscope');
    const ws = witnessFiles(dir, faulting, SB_FAULT);
    assert.equal(ws.size, 2);
    for (const w of ws.values()) {
      const dc = client.dc;
      const stopped = await launchStopped(dc, { program: faulting, replay: w.file }, { filters: ['fault:translation:1', 'expectation'] });
      assert.equal(stopped.body.reason, 'exception');
      assert.equal(stopped.body.threadId, 2, 'PE 1');
      assert.match(stopped.body.description ?? '', /^PE1: translation fault stage 1 level 1 .*ESR_EL1 0x9600_0005, FAR 0x4000_0000$/);
      const st = await dc.stackTraceRequest({ threadId: 2 });
      assert.ok(st.body.stackFrames.some((f) => f.line === LINE_FAULT), st.body.stackFrames.map((f) => `${f.name}:${f.line}`).join(', '));
      const status = (await dc.customRequest('armscope/status')).body as { step: number; frontier: number };
      assert.equal(status.frontier, w.choices);
      assert.ok(status.step < w.choices);
      const end = nextStop(dc);
      await dc.continueRequest({ threadId: 2 });
      const e = await end;
      assert.equal(e.body.reason, 'exception');
      await expectFailed(e.body.threadId!, w.failed);
      await restartAdapter();
    }
  });

  it('refuses a stale witness, a malformed one and settings the witness fixes, with one line', async () => {
    const w = [...witnesses.values()][0];
    const dc = client.dc;
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({ program, replay: w.file, maxSteps: 10, speculation: 'none' } as DebugProtocol.LaunchRequestArguments), {
      message: 'replay cannot be combined with speculation, maxSteps: the witness fixes the cache model and every choice of its execution',
    });
    const junk = path.join(dir, 'junk.witness');
    fs.writeFileSync(junk, '{"format":"x"}');
    await assert.rejects(dc.launchRequest({ program, replay: junk } as DebugProtocol.LaunchRequestArguments), { message: `replay 'junk.witness': not a witness file (no "format": "armscope-witness")` });
    await assert.rejects(dc.launchRequest({ program, replay: dir } as DebugProtocol.LaunchRequestArguments), { message: `replay '${path.basename(dir)}' is not a regular file` });
    const edited = path.join(dir, 'sb-edited.armscope');
    fs.writeFileSync(edited, SB + '// edited\n');
    fs.copyFileSync(w.file, path.join(dir, 'stale.witness'));
    await assert.rejects(dc.launchRequest({ program: edited, replay: path.join(dir, 'stale.witness') } as DebugProtocol.LaunchRequestArguments), (e: Error) => {
      assert.match(e.message, /^replay 'stale\.witness': the witness was made for another version of sb\.armscope \(scenario hash 0x.*explore it again to get a witness of this version$/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });
});
