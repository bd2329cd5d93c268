/**
 * Issue #9 items 12 and 15 (debugger parts): seed 001's livelock is the first
 * stop with the default exception filters (it took four F5 presses); frames
 * say where they run (`S-EL1 optee`, `NS-EL1`, never `[EL1 …]`); the
 * repeating FF-A exchange is a structured value; the Debug Console prints the
 * run's faults, findings and FF-A calls as they happen (once, whatever time
 * travel replays); findings expand; the FF-A scope names an endpoint's ID
 * once; GIC scope and registers only for scenarios with a GIC; the fault
 * summary reads "at EL1, taken to EL2" in the run report and the debugger.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Machine } from '../../simulator/engine/machine';
import { evaluateExpectation, faultSummary } from '../../simulator/engine/report';
import { loadScenario } from '../../simulator';
import { findRoot } from './helpers';
import { InlineClient } from './inline';

const ROOT = findRoot();
const SEED000 = path.join(ROOT, 'examples', 'seed-000', 'bug-osh-tables.armscope');
const SEED001 = path.join(ROOT, 'examples', 'seed-001', 'bug-resp-interrupted.armscope');

/** The filters VS Code enables on first use: those the adapter marks `default`. */
async function defaultFilters(c: InlineClient): Promise<string[]> {
  const caps = await c.ok<DebugProtocol.Capabilities>('initialize', { adapterID: 'armscope', pathFormat: 'path', linesStartAt1: true });
  return (caps.exceptionBreakpointFilters ?? []).filter((f) => f.default).map((f) => f.filter);
}

async function variables(c: InlineClient, ref: number, args: Record<string, unknown> = {}): Promise<DebugProtocol.Variable[]> {
  return (await c.ok<{ variables: DebugProtocol.Variable[] }>('variables', { variablesReference: ref, ...args })).variables;
}

async function scope(c: InlineClient, name: string, threadId = 1): Promise<DebugProtocol.Variable[]> {
  const frame = (await c.ok<{ stackFrames: DebugProtocol.StackFrame[] }>('stackTrace', { threadId })).stackFrames[0].id;
  const scopes = (await c.ok<{ scopes: DebugProtocol.Scope[] }>('scopes', { frameId: frame })).scopes;
  const s = scopes.find((x) => x.name === name);
  if (!s) throw new Error(`no scope ${name}: ${scopes.map((x) => x.name).join(', ')}`);
  return variables(c, s.variablesReference);
}

async function scopeNames(c: InlineClient): Promise<string[]> {
  const frame = (await c.ok<{ stackFrames: DebugProtocol.StackFrame[] }>('stackTrace', { threadId: 1 })).stackFrames[0].id;
  return (await c.ok<{ scopes: DebugProtocol.Scope[] }>('scopes', { frameId: frame })).scopes.map((s) => s.name);
}

const child = (vs: DebugProtocol.Variable[], name: string | RegExp): DebugProtocol.Variable => {
  const v = vs.find((x) => (typeof name === 'string' ? x.name === name : name.test(x.name)));
  if (!v) throw new Error(`no ${String(name)} among ${vs.map((x) => x.name).join(' | ')}`);
  return v;
};

describe('DAP: what the debugger shows (issue #9 items 12 and 15)', function () {
  this.timeout(60_000);

  it('seed 001: with the default filters the first stop is the livelock, and continuing ends the run', async () => {
    const c = new InlineClient();
    const filters = await defaultFilters(c);
    assert.ok(!filters.includes('ffa-error') && filters.includes('livelock'), filters.join(','));
    const stopped = await c.launch({ program: SEED001 }, filters);
    assert.equal(stopped.body.reason, 'exception');
    assert.equal(stopped.body.description, 'livelock on PE0: the FF-A exchange repeats with identical state — 0x8001 FFA_ERROR_32 → FFA_ERROR_32 FFA_NOT_SUPPORTED, ×3 from step 37');
    const info = await c.ok<DebugProtocol.ExceptionInfoResponse['body']>('exceptionInfo', { threadId: 1 });
    assert.equal(info.exceptionId, 'Livelock');
    // The livelock is not a stop twice: the next F5 is the end of the run.
    const end = await c.stopAfter('continue');
    assert.equal(end.body.reason, 'end');
    assert.match(end.body.description ?? '', /^run ended: livelock on PE 0/);
    await c.close();
  });

  it('seed 001: frames name the world, EL and partition; the FF-A caller runs at NS-EL1', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED001 }, await defaultFilters(c));
    const frames = (await c.ok<{ stackFrames: DebugProtocol.StackFrame[] }>('stackTrace', { threadId: 1 })).stackFrames;
    assert.match(frames[0].name, /\s\[S-EL1 optee 0xe10_[0-9a-f]{4}\]$/);
    const call = frames.findIndex((f) => f.presentationHint === 'label' && f.name.startsWith('FFA_MSG_SEND_DIRECT_REQ_32 0x0000→0x8001'));
    assert.ok(call > 0, frames.map((f) => f.name).join(' | '));
    assert.match(frames[call + 1].name, /^smc\s+#0\s+\[NS-EL1 0x8800_0010\]$/);
    assert.ok(frames.every((f) => !/\[EL\d /.test(f.name)), frames.map((f) => f.name).join(' | '));
    assert.equal((await c.ok<{ threads: DebugProtocol.Thread[] }>('threads')).threads[0].name, 'PE0 S-EL1 optee (0x8001)');
    await c.close();
  });

  it('seed 001: the repeating FF-A exchange is a structured value, in the FF-A scope and under the livelock finding', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED001 }, await defaultFilters(c));
    const ffa = await scope(c, 'FF-A');
    // The endpoint's ID shows once (its name carries it).
    const pe0 = child(await variables(c, child(ffa, 'endpoints on PEs').variablesReference), 'PE0');
    assert.equal(pe0.value, 'SP 0x8001 (optee), 1 call(s) in progress');
    const exchange = child(ffa, 'FF-A exchange on PE0');
    assert.match(exchange.value, /^7 call\(s\); repeating ×3: FFA_ERROR_32$/);
    const groups = await variables(c, exchange.variablesReference);
    assert.deepEqual(
      groups.map((g) => g.name),
      ['step 8: FFA_MSG_WAIT_32', 'step 13: FFA_MSG_SEND_DIRECT_REQ_32', 'step 20: secure interrupt', 'step 25: FFA_MSG_SEND_DIRECT_RESP_32', '×3 from step 37: FFA_ERROR_32'],
    );
    const loop = child(groups, /^×3/);
    assert.match(loop.value, /^repeats 3 times in a row \(steps 37, 48, 59\): FFA_ERROR_32 → FFA_ERROR_32 FFA_NOT_SUPPORTED$/);
    const turn = await variables(c, loop.variablesReference);
    assert.equal(turn.length, 1);
    const details = await variables(c, turn[0].variablesReference);
    assert.equal(child(details, 'arguments').value, 'x1=0x0 x2=0xffff_ffff (FFA_NOT_SUPPORTED)');
    assert.equal(child(details, 'line').value, '85');
    // The same under the finding, which expands to its rule, lines and related accesses.
    const faults = await scope(c, 'Faults & findings');
    const finding = child(faults, 'finding ffa-livelock');
    const parts = await variables(c, finding.variablesReference);
    assert.deepEqual(
      parts.map((p) => p.name),
      ['rule', 'severity', 'message', 'PE', 'step', 'lines', 'FF-A exchange on PE0'],
    );
    assert.equal(child(parts, 'rule').value, 'ffa-livelock');
    assert.equal(child(parts, 'lines').value, '85');
    await c.close();
  });

  it('seed 000: a finding expands to its rule, lines and related accesses', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED000 }, ['finding:mismatched-attributes']);
    const faults = await scope(c, 'Faults & findings');
    const finding = child(faults, 'finding mismatched-attributes');
    const parts = await variables(c, finding.variablesReference);
    assert.equal(child(parts, 'rule').value, 'mismatched-attributes');
    const related = await variables(c, child(parts, 'related accesses').variablesReference);
    assert.ok(related.length > 0 && related.every((r) => /^line \d+$/.test(r.name) && r.value.length > 0), related.map((r) => `${r.name}: ${r.value}`).join(' | '));
    await c.close();
  });

  it('seed 001: the Debug Console prints the faults, findings and FF-A calls as they happen, once, and evaluates there', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED001 }, await defaultFilters(c));
    const out = c.output();
    assert.match(out, /^step 13 PE0 FF-A: 0x0000→0x8001 FFA_MSG_SEND_DIRECT_REQ_32\(x1=0x8001 x2=0x0 x3=0x77\) → SP 0x8001 \(optee\) gets FFA_MSG_SEND_DIRECT_REQ_32 \(line 70\)$/m);
    assert.match(out, /^step 25 PE0 FF-A: 0x8001→0x8000 FFA_MSG_SEND_DIRECT_RESP_32\(x1=0x8001_0000 x2=0x0 x3=0x78\) → FFA_ERROR_32 FFA_INTERRUPTED \(line 116\)$/m);
    assert.match(out, /^step 5\d PE0 finding ffa-livelock \(line 85\): PE 0 livelock/m);
    // In step order.
    assert.ok(out.indexOf('step 13 PE0') < out.indexOf('step 25 PE0') && out.indexOf('step 25 PE0') < out.indexOf('finding ffa-livelock'));
    // Going back and forward again replays history the console already showed: nothing is printed twice.
    for (let i = 0; i < 3; i++) await c.stopAfter('stepBack');
    for (let i = 0; i < 3; i++) await c.stopAfter('next');
    assert.equal(c.output().match(/step 25 PE0 FF-A/g)?.length, 1);
    const ev = await c.ok<DebugProtocol.EvaluateResponse['body']>('evaluate', { expression: 'decode(esr_el2)', context: 'repl' });
    assert.match(ev.result, /^ESR_EL2 0x/);
    await c.close();
  });

  it('seed 000: the Debug Console shows the stage-2 fault with the same summary as the run report', async () => {
    const c = new InlineClient();
    const stopped = await c.launch({ program: SEED000 }, ['fault:translation:2']);
    const summary = 'translation fault stage 2 level 3 at EL1, taken to EL2';
    assert.match(stopped.body.description ?? '', new RegExp(`^PE0: ${summary} — ESR_EL2 0x93c2_8007`));
    assert.match(c.output(), new RegExp(`^step 8 PE0 fault: ${summary} — ESR_EL2 0x93c2_8007, FAR 0x8810_0000 \\(line 85\\)$`, 'm'));
    await c.close();
    // The run report (CLI, language server) says the same.
    const m = Machine.create(loadScenario(SEED000));
    m.run();
    assert.equal(faultSummary(m.faults[0]), summary);
    const held = m.model.expectations.map((e) => evaluateExpectation(m, e)).find((r) => r.text.startsWith('fault translation'));
    assert.equal(held?.detail, `taken: ${summary}, on PE 0 (line 85)`);
  });

  it('shows the GIC scope and ICC registers only for scenarios with a GIC', async () => {
    const c0 = new InlineClient();
    await c0.launch({ program: SEED000 }, ['fault:translation:2']);
    assert.ok(!(await scopeNames(c0)).includes('GIC'));
    const sys0 = await scope(c0, 'System registers');
    assert.ok(sys0.some((v) => v.name === 'vtcr_el2'));
    assert.deepEqual(sys0.filter((v) => /^ic[chv]_/.test(v.name)), []);
    await c0.close();
    const c1 = new InlineClient();
    await c1.launch({ program: SEED001 }, await defaultFilters(c1));
    assert.ok((await scopeNames(c1)).includes('GIC'));
    assert.ok((await scope(c1, 'System registers')).some((v) => v.name === 'icc_pmr_el1'));
    await c1.close();
  });
});
