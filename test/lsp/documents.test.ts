/**
 * The document store's bounds, in the server (language-server/documents.ts):
 * at most MAX_OPEN_DOCUMENTS open at once — one more is refused, and the
 * client is told so (a `too-many-documents` diagnostic on it, one warning
 * message) — and accepted again once another closes; the characters of the
 * open documents are bounded in all (MAX_ANALYSED_TOTAL_CHARS,
 * MAX_KEPT_TOTAL_CHARS); closing a document frees everything the server
 * holds of it (the counts of `held()`), so open/change/close cycles leave
 * nothing behind. These are the regressions of the LSP fuzz campaign's
 * failed health check (a hover on a document opened past the bound) and of
 * its memory growth.
 */
import * as assert from 'node:assert/strict';
import { MAX_ANALYSED_TOTAL_CHARS, MAX_KEPT_TOTAL_CHARS, MAX_OPEN_DOCUMENTS } from '../../language-server/limits';
import { ClientDocuments, DOC_TEXT, refused, stillAnswers } from '../fuzz/lspFuzz';
import { startInProcess, type InProcessServer } from './inProcess';

const TEXT = 'system {\n  pes 1\n}\nconst K = 1\n';
const uri = (i: number) => `file:///w/doc${i}.armscope`;
/** Round trip: the notifications before it are handled. */
const settle = (s: InProcessServer) => s.client.sendRequest('armscope/registers');
const codes = (s: InProcessServer, u: string) => (s.published.get(u)?.at(-1)?.diagnostics ?? []).map((d) => (d as { code?: string }).code);

/** The server of the describe block being run (each starts its own). */
let s: InProcessServer;
function freshServer(options?: Record<string, unknown>): void {
  before(async () => {
    s = await startInProcess(options);
  });
  after(() => s.stop());
}

describe('language server: open documents', function () {
  this.timeout(240_000);
  freshServer();

  const open = (i: number, text = TEXT) => s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(i), languageId: 'armscope', version: 1, text } });
  const hover = (i: number) => s.client.sendRequest('textDocument/hover', { textDocument: { uri: uri(i) }, position: { line: 3, character: 7 } });

  it(`keeps at most ${MAX_OPEN_DOCUMENTS} documents open, and tells the client when it refuses one`, async () => {
    for (let i = 0; i < MAX_OPEN_DOCUMENTS; i++) await open(i);
    await open(MAX_OPEN_DOCUMENTS);
    await open(MAX_OPEN_DOCUMENTS + 1);
    assert.ok(await hover(0), 'the first one is analysed');
    assert.equal(await hover(MAX_OPEN_DOCUMENTS), null, 'one more is not');
    assert.equal(s.server.held().documents, MAX_OPEN_DOCUMENTS);
    assert.ok(s.log.some((l) => l.type === 2 && l.message === 'textDocument/didOpen ignored: 1,000 documents are open already (docs/limits.md)'));
    // The refused documents carry one diagnostic naming the bound; the client got one message for both.
    const notice = s.published.get(uri(MAX_OPEN_DOCUMENTS))?.at(-1)?.diagnostics as { code: string; severity: number; message: string }[];
    assert.equal(notice.length, 1);
    assert.equal(notice[0].code, 'too-many-documents');
    assert.equal(notice[0].severity, 2);
    assert.match(notice[0].message, /^not opened by the language server: 1,000 documents are open already, the most it keeps \(docs\/limits\.md\); close other documents, then reopen this one$/);
    assert.deepEqual(codes(s, uri(MAX_OPEN_DOCUMENTS + 1)), ['too-many-documents']);
    assert.equal(s.shown.length, 1);
    assert.match(s.shown[0].message, /keeps at most 1,000 open documents \(docs\/limits\.md\)/);

    await s.client.sendNotification('textDocument/didClose', { textDocument: { uri: uri(0) } });
    await open(MAX_OPEN_DOCUMENTS);
    assert.ok(await hover(MAX_OPEN_DOCUMENTS), 'accepted once another closed');
    assert.deepEqual(codes(s, uri(MAX_OPEN_DOCUMENTS)), [], 'its diagnostics are its own again');
  });

  it('answers the fuzz health check once the bound is hit (the client closes documents when refused)', async () => {
    // The server is full (the previous test left documents 1 to 1,000 open). The client tracks the
    // didOpens it sent: documents 2 to 1,000 (document 1 was opened by someone else).
    assert.equal(s.server.held().documents, MAX_OPEN_DOCUMENTS);
    const docs = new ClientDocuments(s);
    for (let i = 2; i <= MAX_OPEN_DOCUMENTS; i++) await docs.sent({ method: 'textDocument/didOpen', params: { textDocument: { uri: uri(i) } }, notification: true });
    assert.equal(docs.size, MAX_OPEN_DOCUMENTS - 1);
    assert.equal(docs.refusals, 0);
    assert.ok(await stillAnswers(s, docs), 'a hover on a fresh document answers');
    assert.ok(refused(s, 'file:///fuzz/final.armscope') === false, 'opened at the second attempt');
    assert.equal(docs.size, 0);
    const held = s.server.held();
    assert.equal(held.documents, 1, 'what the client did not know of (document 1) is all that is left');
    assert.equal(held.diagnostics, 1);
  });
});

describe('language server: what it holds is bounded by the open documents', function () {
  this.timeout(240_000);
  freshServer({ liveRun: true, maxSteps: 1_000 });

  it('holds nothing of a document after didClose, over many open/change/run/close cycles', async () => {
    const CYCLES = 40;
    for (let i = 0; i < CYCLES; i++) {
      const u = `file:///cycle/${i % 7}.armscope`;
      await s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'armscope', version: 1, text: DOC_TEXT } });
      await s.client.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri: u } });
      await s.client.sendNotification('textDocument/didChange', { textDocument: { uri: u, version: 2 }, contentChanges: [{ range: { start: { line: 14, character: 4 }, end: { line: 14, character: 7 } }, text: 'mov' }] });
      const run = await s.client.sendRequest<{ ok: boolean }>('armscope/run', { uri: u, maxSteps: 1_000 });
      assert.equal(typeof run.ok, 'boolean');
      if (i % 3 === 0) {
        // A background check and run left scheduled or running when the document closes.
        await s.client.sendRequest('armscope/check', { uri: u });
      }
      await s.client.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
      await settle(s);
      const held = s.server.held();
      assert.deepEqual(
        { documents: held.documents, analysedChars: held.analysedChars, keptChars: held.keptChars, diagnostics: held.diagnostics, semanticTokens: held.semanticTokens, liveRuns: held.liveRuns, liveRunDocuments: held.liveRunDocuments, checks: held.checks },
        { documents: 0, analysedChars: 0, keptChars: 0, diagnostics: 0, semanticTokens: 0, liveRuns: 0, liveRunDocuments: 0, checks: 0 },
        `after cycle ${i}`,
      );
    }
    // One worker served every run: none was left behind.
    const pool = s.server.pool.stats;
    assert.ok(pool.started - pool.terminated <= 1, `workers started ${pool.started}, terminated ${pool.terminated}`);
    assert.ok(pool.completed >= CYCLES, `runs completed: ${pool.completed}`);
  });

  it('holds one entry of each kind per open document, however many times they change', async () => {
    const N = 25;
    for (let i = 0; i < N; i++) await s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(i), languageId: 'armscope', version: 1, text: DOC_TEXT } });
    for (let v = 2; v < 6; v++) {
      for (let i = 0; i < N; i++) {
        await s.client.sendNotification('textDocument/didChange', { textDocument: { uri: uri(i), version: v }, contentChanges: [{ text: `${DOC_TEXT}// v${v}\n` }] });
        await s.client.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri: uri(i) } });
      }
    }
    await settle(s);
    const held = s.server.held();
    assert.equal(held.documents, N);
    assert.equal(held.analysed, N);
    assert.equal(held.analysedChars, N * `${DOC_TEXT}// v5\n`.length);
    assert.equal(held.diagnostics, N);
    assert.equal(held.semanticTokens, N);
    assert.ok(held.liveRunDocuments <= N);
    for (let i = 0; i < N; i++) await s.client.sendNotification('textDocument/didClose', { textDocument: { uri: uri(i) } });
    await settle(s);
    assert.deepEqual([s.server.held().documents, s.server.held().diagnostics, s.server.held().semanticTokens, s.server.held().liveRunDocuments], [0, 0, 0, 0]);
  });
});

describe('language server: characters of all the open documents', function () {
  this.timeout(240_000);
  freshServer();

  // The fuzz scenario (without its deliberate typo) and a one-line comment of a million characters: cheap to parse, large to hold.
  const BIG = `${DOC_TEXT.replace('dbs', 'dsb')}// ${'a'.repeat(1_000_000)}\n`;
  const size = `this one (${BIG.length.toLocaleString('en-US')} characters)`;
  const open = (i: number) => s.client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(i), languageId: 'armscope', version: 1, text: BIG } });

  it(`analyses at most ${MAX_ANALYSED_TOTAL_CHARS.toLocaleString('en-US')} characters and keeps at most ${MAX_KEPT_TOTAL_CHARS.toLocaleString('en-US')} in all`, async () => {
    const analysed = Math.floor(MAX_ANALYSED_TOTAL_CHARS / BIG.length);
    const kept = Math.floor(MAX_KEPT_TOTAL_CHARS / BIG.length);
    for (let i = 0; i <= kept; i++) await open(i);
    await settle(s);
    const held = s.server.held();
    assert.deepEqual([held.documents, held.analysed, held.analysedChars, held.keptChars], [kept + 1, analysed, analysed * BIG.length, kept * BIG.length]);
    assert.deepEqual(codes(s, uri(0)), [], 'the first ones are analysed');
    assert.deepEqual(codes(s, uri(analysed)), ['open-documents-too-large']);
    const checked = s.published.get(uri(analysed))!.at(-1)!.diagnostics[0] as { message: string };
    assert.match(checked.message, /^the other open documents hold [\d,]+ characters; the language server analyses up to 4,194,304 characters of open documents in all \(docs\/limits\.md\) — /);
    assert.ok(checked.message.includes(`${size}: diagnostics only, computed in the background`), checked.message);
    const dropped = s.published.get(uri(kept))!.at(-1)!.diagnostics[0] as { message: string };
    assert.ok(dropped.message.endsWith(`keeps up to 16,777,216 characters of open documents in all (docs/limits.md) — ${size}: it is not checked at all. Close other documents, then reopen this one`), dropped.message);

    // Room made: the next edit of a document checked for want of room analyses it.
    await s.client.sendNotification('textDocument/didClose', { textDocument: { uri: uri(0) } });
    await s.client.sendNotification('textDocument/didChange', { textDocument: { uri: uri(analysed), version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }] });
    await settle(s);
    assert.deepEqual(codes(s, uri(analysed)), []);
    const h = await s.client.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uri(analysed) }, position: { line: 14, character: 5 } });
    assert.match(h?.contents.value ?? '', /^\*\*mov\*\*/);
    assert.equal(s.server.held().analysedChars, analysed * BIG.length + 1);

    for (let i = 0; i <= kept; i++) await s.client.sendNotification('textDocument/didClose', { textDocument: { uri: uri(i) } });
    await settle(s);
    assert.deepEqual([s.server.held().documents, s.server.held().analysedChars, s.server.held().keptChars], [0, 0, 0]);
  });
});
