/**
 * Malformed params over stdio (issue #10 item 13): each is answered with
 * InvalidParams (-32602) and one readable line naming the field — the cases
 * the fuzz campaign found (formatting with `tabSize: 1e9` answered "Invalid
 * string length", the decode request with `position: null`) and one per
 * kind of mistake. The server stays up and answers the next request.
 */
import * as assert from 'node:assert/strict';
import type { ResponseError } from 'vscode-jsonrpc';
import { MAX_STEPS_LIMIT } from '../../simulator/scenario/limits';
import { TestClient } from './lspClient';
import { HANG_GUARD_MS } from '../hangGuard';

const uri = 'file:///work/params.armscope';
const TEXT = ['system {', '  pes 1', '}', 'code at 0x8000_0000 {', 'start:', '    mov   x0, #1', '    hlt   #0', '}', ''].join('\n');

describe('language server: malformed params', function () {
  this.timeout(HANG_GUARD_MS);
  let c: TestClient;

  before(async () => {
    c = await TestClient.start();
    await c.open(uri, TEXT);
  });
  after(async () => {
    await c.stop();
  });

  async function refused(method: string, params: unknown): Promise<string> {
    try {
      await c.request(method, params);
    } catch (e) {
      const err = e as ResponseError<unknown>;
      assert.equal(err.code, -32602, `${method}: ${err.message}`);
      assert.doesNotMatch(err.message, /\n|TypeError|Cannot read|undefined \(reading|at Object\./, 'one line, no JavaScript error text');
      return err.message;
    }
    assert.fail(`${method} accepted ${JSON.stringify(params)}`);
  }

  const td = { textDocument: { uri } };

  it('formatting with tabSize 1e9 (was "Invalid string length")', async () => {
    assert.equal(
      await refused('textDocument/formatting', { ...td, options: { tabSize: 1e9, insertSpaces: true } }),
      "textDocument/formatting: 'options.tabSize' must be an integer from 1 to 16, not 1000000000",
    );
  });

  it('the decode request with position null', async () => {
    assert.equal(await refused('armscope/decode', { uri, position: null }), "armscope/decode: 'position' must be an object, not null");
  });

  it('missing, mistyped, negative and fractional fields; params that are not an object', async () => {
    assert.equal(await refused('textDocument/hover', td), "textDocument/hover: 'position' must be an object, not missing");
    assert.equal(await refused('textDocument/hover', { ...td, position: { line: '3', character: 0 } }), "textDocument/hover: 'position.line' must be an integer from 0 to 2147483647, not \"3\"");
    assert.equal(await refused('textDocument/completion', { ...td, position: { line: -1, character: 0 } }), "textDocument/completion: 'position.line' must be an integer from 0 to 2147483647, not -1");
    assert.equal(await refused('textDocument/definition', { ...td, position: { line: 1.5, character: 0 } }), "textDocument/definition: 'position.line' must be an integer from 0 to 2147483647, not 1.5");
    assert.equal(await refused('textDocument/references', { ...td, position: { line: 0, character: 0 } }), "textDocument/references: 'context' must be an object, not missing");
    assert.equal(await refused('textDocument/documentSymbol', null), "textDocument/documentSymbol: 'params' must be an object, not null");
    assert.equal(await refused('textDocument/codeAction', { ...td, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: {} } }), "textDocument/codeAction: 'context.diagnostics' must be an array, not an object");
    assert.equal(await refused('textDocument/semanticTokens/full/delta', { ...td, previousResultId: 7 }), "textDocument/semanticTokens/full/delta: 'previousResultId' must be a string, not 7");
    assert.equal(await refused('armscope/run', { uri, maxSteps: 0 }), "armscope/run: 'maxSteps' must be an integer from 1 to 100000000, not 0");
    // One past the simulator's max_steps maximum (was accepted up to 1,000,000,000 here).
    assert.equal(await refused('armscope/run', { uri, maxSteps: MAX_STEPS_LIMIT + 1 }), "armscope/run: 'maxSteps' must be an integer from 1 to 100000000, not 100000001");
    assert.equal(await refused('armscope/run', { uri, cacheModel: 'maybe' }), "armscope/run: 'cacheModel' must be one of 'scenario', 'on', 'off', not \"maybe\"");
    assert.equal(await refused('armscope/check', { uri: 42 }), "armscope/check: 'uri' must be a string, not 42");
    assert.match(await refused('armscope/decode', { uri, position: { line: 0, character: 0 }, text: 'x'.repeat(5_000) }), /^armscope\/decode: 'text' must be a string of at most 1000 characters, not "5000 characters"$/);
  });

  it('a malformed notification is ignored with a warning; the server goes on', async () => {
    await c.connection.sendNotification('textDocument/didChange', null);
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///x', version: 'one' } });
    const h = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { ...td, position: { line: 5, character: 5 } });
    assert.match(h!.contents.value, /^\*\*mov\*\*/);
    const warnings = c.log.filter((l) => l.type === 2).map((l) => l.message);
    assert.ok(warnings.includes("textDocument/didChange ignored: 'params' must be an object, not null"), JSON.stringify(warnings));
    assert.ok(warnings.some((w) => w.startsWith("textDocument/didOpen ignored: 'textDocument.languageId' must be a string")), JSON.stringify(warnings));
    assert.deepEqual(c.log.filter((l) => l.type === 1), [], 'nothing logged as an error');
  });

  it('guards the methods the LSP library answers itself', async () => {
    assert.equal(await refused('initialize', { processId: 'me', capabilities: {} }), "initialize: 'processId' must be an integer from 0 to 2147483647, not \"me\"");
    assert.equal(await refused('initialize', null), "initialize: 'params' must be an object, not null");
    await c.connection.sendNotification('$/setTrace', null);
    await c.request('armscope/registers', {}); // answered after the notification was handled
    assert.equal(c.exited, undefined);
    assert.ok(c.log.some((l) => l.type === 2 && l.message.startsWith('$/setTrace ignored:')));
  });
});
