/**
 * The document store's bounds, in the server (language-server/documents.ts):
 * at most MAX_OPEN_DOCUMENTS open at once — one more is ignored with a
 * warning, and is accepted again once another closes.
 */
import * as assert from 'node:assert/strict';
import { MAX_OPEN_DOCUMENTS } from '../../language-server/limits';
import { startInProcess, type InProcessServer } from './inProcess';

const TEXT = 'system {\n  pes 1\n}\nconst K = 1\n';

describe('language server: open documents', function () {
  this.timeout(120_000);
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
  });
  after(async () => {
    await s.stop();
  });

  const open = (i: number) => s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: `file:///w/doc${i}.armscope`, languageId: 'armscope', version: 1, text: TEXT } });
  const hover = (i: number) => s.client.sendRequest('textDocument/hover', { textDocument: { uri: `file:///w/doc${i}.armscope` }, position: { line: 3, character: 7 } });

  it(`keeps at most ${MAX_OPEN_DOCUMENTS} documents open`, async () => {
    for (let i = 0; i < MAX_OPEN_DOCUMENTS; i++) await open(i);
    await open(MAX_OPEN_DOCUMENTS);
    assert.ok(await hover(0), 'the first one is analysed');
    assert.equal(await hover(MAX_OPEN_DOCUMENTS), null, 'one more is not');
    assert.ok(s.log.some((l) => l.type === 2 && l.message === 'textDocument/didOpen ignored: 1,000 documents are open already (docs/limits.md)'));
    await s.client.sendNotification('textDocument/didClose', { textDocument: { uri: 'file:///w/doc0.armscope' } });
    await open(MAX_OPEN_DOCUMENTS);
    assert.ok(await hover(MAX_OPEN_DOCUMENTS), 'accepted once another closed');
  });
});
