/**
 * Nothing the server does makes another request wait (issue #10 item 14),
 * over stdio: with a hostile 130-byte scenario running (a load-and-clean loop
 * with the cache model on, for 10^8 steps) and a document of more lines than
 * the server analyses on its main thread (MAX_ANALYSED_LINES) open and being
 * edited,
 * a hover on a third document is answered while both are still pending —
 * asserted by the order of the answers, never by a time; a hang guard of many
 * seconds bounds the test. `$/cancelRequest` stops the run. Diagnostics are
 * published once per version.
 */
import * as assert from 'node:assert/strict';
import { CancellationTokenSource, type ResponseError } from 'vscode-jsonrpc';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { syntheticScenario } from '../../bench/lsp';
import { parseScenario } from '../../simulator';
import { MAX_ANALYSED_LINES } from '../../language-server/limits';
import { TestClient } from './lspClient';

/** 130 bytes: a loop of a load and a clean with the cache model on, for the largest step budget a scenario may ask (tens of seconds). */
const HOSTILE = 'system{max_steps 100000000\ncache_model on\nmemory ram at 0 size 0x100000}\npe 0{}\ncode at 0{l: ldr x1,[x0,#0x800]\ndc civac, x0\nb l}\n';
const SMALL = ['system {', '  pes 1', '}', 'code at 0x8000_0000 {', 'start:', '    mov   x0, #1', '    hlt   #0', '}', ''].join('\n');

describe('language server responsiveness', function () {
  this.timeout(120_000);
  let c: TestClient;

  before(async () => {
    c = await TestClient.start({ liveRun: false, maxSteps: 100_000_000 });
  });
  after(async () => {
    await c.stop();
  });

  it('answers a hover on another document while a hostile run and a document too large to analyse are pending; cancels the run', async () => {
    assert.ok(Buffer.byteLength(HOSTILE) <= 130);
    await c.open('file:///work/hostile.armscope', HOSTILE);
    await c.open('file:///work/small.armscope', SMALL);
    // The run goes to the worker at once and would take minutes.
    const cancel = new CancellationTokenSource();
    let runSettled = false;
    const run = c.connection.sendRequest('armscope/run', { uri: 'file:///work/hostile.armscope' }, cancel.token).then(
      (r) => ((runSettled = true), { r }),
      (e: ResponseError<unknown>) => ((runSettled = true), { e }),
    );
    // A document of MAX_ANALYSED_LINES + 1 lines (the trailing newline makes one), then a keystroke in it.
    const big = 'file:///work/big.armscope';
    const bigText = syntheticScenario(MAX_ANALYSED_LINES);
    await c.open(big, bigText);
    const v2 = await c.edit(big, { start: { line: 20, character: 4 }, end: { line: 20, character: 4 } }, 'x');
    const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: 'file:///work/small.armscope' }, position: { line: 5, character: 5 } });
    // Answered, and first: the run and the big document's background diagnostics are still pending.
    assert.match((hover!.contents as MarkupContent).value, /^\*\*mov\*\*/);
    assert.equal(runSettled, false, 'the run is still going');
    const bigSoFar = c.published(big);
    assert.ok(bigSoFar.every((p) => p.diagnostics.length === 1 && p.diagnostics[0].code === 'document-too-large'), JSON.stringify(bigSoFar.map((p) => p.diagnostics.map((d) => d.code))));
    const grouped = (n: number) => n.toLocaleString('en-US');
    assert.match(bigSoFar[0].diagnostics[0].message, new RegExp(`${grouped(MAX_ANALYSED_LINES + 1)} lines .* up to ${grouped(MAX_ANALYSED_LINES)} lines .* diagnostics only, computed in the background`));

    // $/cancelRequest ends the run; the worker then checks the big document and its diagnostics arrive.
    cancel.cancel();
    const settled = await run;
    assert.ok('e' in settled, 'cancelled, not answered with a report');
    assert.equal(settled.e.code, -32800);
    const p = await c.waitForDiagnostics(big, (q) => q.version === v2 && q.diagnostics.length > 1, 90_000);
    assert.equal(p.diagnostics[0].code, 'document-too-large');
    // The rest are the parser's diagnostics of the edited text, as the worker computed them.
    const edited = bigText.split('\n');
    edited[20] = `${edited[20].slice(0, 4)}x${edited[20].slice(4)}`;
    const expected = parseScenario(edited.join('\n'), '/work/big.armscope').diagnostics;
    assert.deepEqual(
      p.diagnostics.slice(1).map((d) => [d.range.start.line, d.code, d.message]),
      expected.map((d) => [d.range.start.line, d.rule, d.message]),
    );
    // Features other than diagnostics answer empty for it.
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri: big }, position: { line: 20, character: 5 } }), null);
  });

  it('publishes diagnostics once per version, the background run adding none when it finds nothing', async () => {
    for (const u of ['file:///work/hostile.armscope', 'file:///work/big.armscope']) await c.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
    c.settings = { ...c.settings, liveRun: true, maxSteps: 1_000 };
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { armscope: c.settings } });
    const uri = 'file:///work/once.armscope';
    await c.open(uri, SMALL);
    const v = await c.change(uri, SMALL.replace('mov   x0, #1', 'mov   x0, #2'));
    // Past the debounce the background run of version 2 is in the worker; a run request queues behind it.
    await new Promise((r) => setTimeout(r, 1_500));
    await c.request('armscope/run', { uri, maxSteps: 1_000 });
    assert.deepEqual(
      c.published(uri).map((q) => q.version),
      [1, v],
    );
  });
});
