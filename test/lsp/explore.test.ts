/**
 * Explore from the editor over stdio (issue #13 item 4): the "Explore" code
 * lens, `armscope/explore` in the explore worker with work-done progress, its
 * verdicts as diagnostics at the broken expectation's range, "Debug this
 * execution" (code lens and code action) and the witness it launches,
 * cancellation (the `RequestCancelled` answer), and bounds reported.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { type CodeAction, type CodeLens, type Diagnostic, type Hover, LSPErrorCodes, type ResponseError, WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport } from 'vscode-languageserver-protocol';
import { parseScenario } from '../../simulator';
import { parseWitness, replayWitness } from '../../simulator/explore/witness';
import type { ExploreAnswer, WitnessResult } from '../../extension/protocol';
import { TestClient } from './lspClient';

const SEED = path.resolve('examples/seed-003/explore-clean-before-disable.armscope');
const SEED_URI = 'file:///work/explore/explore-clean-before-disable.armscope';
/** 0-based line of `pe 0 x5 == OFF_VALUE`, the expectation a speculative fill breaks. */
const BROKEN_LINE = 81;

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** Four PEs counting in registers: every interleaving is a distinct state (41^4 of them), far past any test's patience. */
function manyStates(explore: string[] = []): string {
  const pes = [0, 1, 2, 3].map((n) => `pe ${n} {\n  el 1\n  entry start\n}`);
  const adds = Array.from({ length: 40 }, () => '    add   x1, x1, #1');
  return ['system {', '  pes 4', '  memory ram at 0x8000_0000 size 0x10_0000', '}', ...explore, ...pes, 'code at 0x8000_0000 {', 'start:', '    mov   x1, #0', ...adds, '    hlt   #0', '}', 'expect {', '  pe 0 x1 == 40', '}', ''].join('\n');
}

describe('language server: explore', function () {
  this.timeout(120_000);
  let c: TestClient;
  const progress = new Map<string, ProgressValue[]>();
  let tokens = 0;
  const token = (): string => {
    const t = `explore-${++tokens}`;
    progress.set(t, []);
    c.connection.onProgress(WorkDoneProgress.type, t, (v: ProgressValue) => progress.get(t)!.push(v));
    return t;
  };

  before(async () => {
    c = await TestClient.start();
  });
  after(async () => {
    await c.stop();
  });

  it('offers "Explore" as a code lens on the expect block of a scenario', async () => {
    await c.open(SEED_URI, readFileSync(SEED, 'utf8'));
    assert.deepEqual(c.initResult?.capabilities.codeLensProvider, { resolveProvider: false });
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: SEED_URI } });
    // On the `expect {` line (line 81), not on line 1 where a click meant for the text would land on it.
    assert.deepEqual(lenses, [{ range: { start: { line: BROKEN_LINE - 1, character: 0 }, end: { line: BROKEN_LINE - 1, character: 0 } }, command: { title: 'Explore every execution', command: 'armscope.explore', arguments: [SEED_URI] } }]);
  });

  it('explores with progress; the broken expectation becomes a diagnostic at its range with the counts', async () => {
    const t = token();
    const r = await c.request<ExploreAnswer>('armscope/explore', { uri: SEED_URI, workDoneToken: t });
    assert.equal(r.result, 'fail');
    assert.equal(r.version, 1);
    assert.equal(r.outcomes, 2);
    assert.deepEqual(r.bounds, []);
    assert.deepEqual(r.broken, [{ line: BROKEN_LINE, text: 'pe 0 x5 == OFF_VALUE', quantifier: 'always', holds: 'sometimes', breaking: 1, outcome: 0 }]);
    assert.match(r.report, /FAILED line 82: pe 0 x5 == OFF_VALUE {2}— holds sometimes/);
    // Work-done progress: begun, ended with the verdict.
    const values = progress.get(t)!;
    const begin = values[0];
    assert.ok(begin.kind === 'begin');
    assert.equal(begin.cancellable, true);
    const end = values[values.length - 1];
    assert.equal(end.kind, 'end');
    assert.match(end.message ?? '', /^1 expectation broken — 2 outcomes, /);

    const p = await c.waitForDiagnostics(SEED_URI, (q) => q.version === 1 && q.diagnostics.some((d) => d.source === 'armscope explore'));
    const explored = p.diagnostics.filter((d) => d.source === 'armscope explore');
    assert.equal(explored.length, 1, JSON.stringify(explored));
    const d = explored[0];
    assert.equal(d.code, 'explore-expectation');
    assert.equal(d.severity, 1);
    assert.deepEqual(d.range, { start: { line: BROKEN_LINE, character: 2 }, end: { line: BROKEN_LINE, character: 22 } });
    assert.match(d.message, /^explore: 'pe 0 x5 == OFF_VALUE' breaks in 1 of 2 outcomes explored — holds sometimes; witness #1 \(17 choices\)/);
    assert.deepEqual(d.data, { explore: { version: 1, outcome: 0 } });
  });

  it('offers "Debug this execution" as a code lens and a code action, and hands out the witness, which replays', async () => {
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: SEED_URI } });
    assert.equal(lenses.length, 2);
    assert.match(lenses[0].command!.title, /^Explore again \(last: 1 expectation broken — 2 outcomes, 70 states, /);
    assert.deepEqual(lenses[1], {
      range: { start: { line: BROKEN_LINE, character: 2 }, end: { line: BROKEN_LINE, character: 22 } },
      command: { title: 'Debug this execution (witness #1, 17 choices)', command: 'armscope.debugWitness', arguments: [{ uri: SEED_URI, version: 1, outcome: 0 }] },
    });

    const diagnostics = (c.published(SEED_URI).at(-1)?.diagnostics ?? []).filter((d: Diagnostic) => d.source === 'armscope explore');
    assert.equal(diagnostics.length, 1);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: SEED_URI }, range: diagnostics[0].range, context: { diagnostics } });
    const debug = actions.find((a) => a.title === 'Debug this execution');
    assert.ok(debug, JSON.stringify(actions));
    assert.deepEqual(debug.command, { title: 'Debug this execution', command: 'armscope.debugWitness', arguments: [{ uri: SEED_URI, version: 1, outcome: 0 }] });

    const w = await c.request<WitnessResult>('armscope/witness', { uri: SEED_URI, version: 1, outcome: 0 });
    assert.equal(w.kind, 'witness');
    if (w.kind !== 'witness') return;
    assert.equal(w.name, 'explore-clean-before-disable.1.witness');
    assert.equal(w.choices, 17);
    // The witness file the extension writes: it replays to the witnessed final state, breaking line 82.
    const witness = parseWitness(JSON.stringify(w.witness));
    assert.ok(typeof witness !== 'string', typeof witness === 'string' ? witness : '');
    assert.deepEqual(witness.failed, [82]);
    assert.ok(witness.choices.some((k) => k.startsWith('fill pe 0 ')), 'the speculative fill is one of its choices');
    const replay = replayWitness(parseScenario(readFileSync(SEED, 'utf8'), SEED), witness);
    assert.equal(replay.divergence, undefined);
    assert.equal(replay.applied, 17);
    assert.equal(replay.sameFinalState, true);
    assert.equal(replay.session.machine.pes[0].getX(5), 0n, 'x5 read the stale copy');

    const other = await c.request<WitnessResult>('armscope/witness', { uri: SEED_URI, version: 1, outcome: 1 });
    assert.deepEqual(other, { kind: 'error', message: 'outcome #2 of this exploration breaks no expectation: it has no witness' });
  });

  it('keeps the verdicts and witnesses over a change that keeps the canonical text (a comment, spacing, formatting)', async () => {
    const text = readFileSync(SEED, 'utf8');
    const edited = text.replace('// one speculative fill per execution is enough to break it', '// edited').replace('    mov   x5, #OFF_VALUE', '\tMOV X5,#OFF_VALUE   ');
    assert.notEqual(edited, text);
    const v = await c.change(SEED_URI, edited);
    const p = await c.waitForDiagnostics(SEED_URI, (q) => q.version === v && q.diagnostics.some((d) => d.source === 'armscope explore'));
    const explored = p.diagnostics.filter((d) => d.source === 'armscope explore');
    assert.equal(explored.length, 1);
    assert.deepEqual(explored[0].range, { start: { line: BROKEN_LINE, character: 2 }, end: { line: BROKEN_LINE, character: 22 } });
    assert.deepEqual(explored[0].data, { explore: { version: v, outcome: 0 } });
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: SEED_URI } });
    assert.deepEqual(lenses[1].command!.arguments, [{ uri: SEED_URI, version: v, outcome: 0 }]);
    // The lens of the explored version (a notification still on screen) gets the same witness.
    for (const version of [1, v]) {
      const w = await c.request<WitnessResult>('armscope/witness', { uri: SEED_URI, version, outcome: 0 });
      assert.equal(w.kind, 'witness', JSON.stringify(w));
    }
  });

  it('drops the verdicts when the scenario really changes, and says the witness is stale', async () => {
    const text = readFileSync(SEED, 'utf8');
    const v = await c.change(SEED_URI, text.replace('const OFF_VALUE = 0x1234', 'const OFF_VALUE = 0x1235'));
    const p = await c.waitForDiagnostics(SEED_URI, (q) => q.version === v);
    assert.ok(!p.diagnostics.some((d) => d.source === 'armscope explore'));
    const w = await c.request<WitnessResult>('armscope/witness', { uri: SEED_URI, version: 1, outcome: 0 });
    assert.deepEqual(w, { kind: 'error', message: 'the scenario changed since it was explored: explore it again to get a witness of this version', stale: true });
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: SEED_URI } });
    assert.deepEqual(lenses.map((l) => l.command!.title), ['Explore every execution']);
    // Back to the explored text: the exploration holds again.
    const back = await c.change(SEED_URI, text);
    await c.waitForDiagnostics(SEED_URI, (q) => q.version === back && q.diagnostics.some((d) => d.source === 'armscope explore'));
  });

  it('is cancelled on $/cancelRequest: answered RequestCancelled, and the server explores again afterwards', async () => {
    const uri = 'file:///work/explore/many.armscope';
    await c.open(uri, manyStates());
    const t = token();
    const source = new CancellationTokenSource();
    const answer = c.connection.sendRequest<ExploreAnswer>('armscope/explore', { uri, workDoneToken: t }, source.token).then(
      () => undefined,
      (e: ResponseError) => e,
    );
    // Work done, not time: wait until the search reports states explored, then cancel it.
    for (let i = 0; i < 600 && !progress.get(t)!.some((v) => v.kind === 'report'); i++) await new Promise((r) => setTimeout(r, 100));
    const report = progress.get(t)!.find((v) => v.kind === 'report');
    assert.ok(report, 'the exploration reported progress');
    assert.match(report.message ?? '', /^[\d,]+ states?, depth [\d,]+, [\d,]+ states\/s \(limits: 1,000,000 states, 120 s\)$/);
    // The server's thread is free while the worker explores: a hover is answered before the exploration.
    let settled = false;
    void answer.then(() => (settled = true));
    const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 23, character: 5 } });
    assert.ok(hover, 'hover answered during the exploration');
    assert.equal(settled, false, 'the exploration was still going');
    source.cancel();
    const e = await answer;
    assert.ok(e, 'the request was not answered with a result');
    assert.equal(e.code, LSPErrorCodes.RequestCancelled);
    assert.equal(progress.get(t)!.at(-1)?.kind, 'end');
    assert.ok(!c.published(uri).some((q) => q.diagnostics.some((d) => d.source === 'armscope explore')), 'a cancelled exploration shows no verdict');
    // The explore worker is free again.
    const again = await c.request<ExploreAnswer>('armscope/explore', { uri: SEED_URI });
    assert.equal(again.result, 'fail');
  });

  it('reports a bound that cut the search as a warning, never as a pass', async () => {
    const uri = 'file:///work/explore/bounded.armscope';
    await c.open(uri, manyStates(['explore {', '  max_states 300', '}']));
    const r = await c.request<ExploreAnswer>('armscope/explore', { uri });
    assert.equal(r.result, 'bounded');
    assert.deepEqual(r.bounds, ['max-states']);
    assert.match(r.report, /BOUNDS HIT/);
    const p = await c.waitForDiagnostics(uri, (q) => q.diagnostics.some((d) => d.code === 'explore-bounded'));
    const b = p.diagnostics.find((d) => d.code === 'explore-bounded')!;
    assert.equal(b.severity, 2);
    assert.deepEqual(b.range.start, { line: 0, character: 0 });
    assert.match(b.message, /^explore: a bound stopped the search after [\d,]+ states — max-states \(300 states\): states beyond it were not explored; raise it with --max-states N or max_states in the explore block\. The verdicts cover the explored executions only/);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.match(lenses[0].command!.title, /BOUND HIT: max-states\)$/);
  });

  it('does not explore a scenario with errors', async () => {
    const uri = 'file:///work/explore/broken.armscope';
    await c.open(uri, manyStates().replace('hlt   #0', 'b     nowhere'));
    const r = await c.request<ExploreAnswer>('armscope/explore', { uri });
    assert.equal(r.result, 'error');
    assert.match(r.report, /^not explored: .*broken\.armscope has errors/);
    assert.equal(c.log.filter((l) => l.type === 1).length, 0, JSON.stringify(c.log));
  });
});
