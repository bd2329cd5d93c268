/**
 * Fuzzing the running server: random edit sequences (fast-check) applied to
 * the seed scenarios (examples/**.armscope, the LSP and grammar fixtures) are
 * sent as incremental changes; after each sequence every version must have
 * had its diagnostics published, every feature request must answer, and the
 * server must neither exit nor log an error (main.ts logs unhandled
 * rejections and uncaught exceptions as errors).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Position, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient } from './lspClient';

function findScenarios(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) findScenarios(p, out);
    else if (e.endsWith('.armscope')) out.push(p);
  }
  return out;
}

const SEEDS = [...findScenarios('examples'), ...findScenarios('test/lsp/fixtures'), ...findScenarios('test/grammar')].map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));

const FRAGMENTS = [
  '{', '}', '\n', ' ', ':', ',', '[', ']', '#', '=', '"', '//', '/*', '*/', '0x', '_', '.', 'x0', 'w1', 'sp',
  'mov x0, #', 'msr hcr_el2, x0', 'mrs x1, sctlr_el1', 'ldr x1, =', 'b.ne ', 'hlt #0', 'label:', '.equ N, 4', '.quad ', '.align 12',
  'pe 0 {', 'pe 1-3 {', 'code at 0x8000_0000 {', 'data at 0x9000_0000 {', 'expect {', 'system {', 'const C = 1', 'event when step 5 do irq 33',
  'hcr_el2 = 0x8000_0000', 'el 2', 'entry start', 'pes 2', 'fault translation stage 2', 'partition p1 {', '0xffff_ffff_ffff_ffff', '1 << 70',
];

function offsetToPosition(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const editArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat({ max: 30 }),
  insert: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 }), fc.constant('')),
});

describe('language server fuzz: random edits of the seed scenarios', function () {
  this.timeout(120_000);
  let c: TestClient;

  before(async () => {
    assert.ok(SEEDS.length >= 3, `seed scenarios found: ${SEEDS.map((s) => s.file).join(', ')}`);
    c = await TestClient.start({ liveRun: true, maxSteps: 5_000 });
  });
  after(async () => {
    if (c) await c.stop();
  });

  let docCount = 0;

  it('never crashes, always publishes diagnostics, answers every request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SEEDS.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 12 }), fc.nat({ max: 1000 }), async (seedIndex, edits, probe) => {
        const uri = `file:///fuzz/doc${docCount++}.armscope`;
        let text = SEEDS[seedIndex].text;
        await c.open(uri, text);
        const versions = [1];
        for (const e of edits) {
          const start = Math.floor(e.at * text.length);
          const end = Math.min(text.length, start + e.remove);
          const range = { start: offsetToPosition(text, start), end: offsetToPosition(text, end) };
          text = text.slice(0, start) + e.insert + text.slice(end);
          versions.push(await c.edit(uri, range, e.insert));
        }
        const last = await c.diagnosticsFor(uri);
        for (const v of versions) assert.ok(c.published(uri).some((p) => p.version === v), `diagnostics for version ${v}`);
        for (const d of last) {
          assert.ok(d.range.start.line <= d.range.end.line, 'ordered range');
          assert.equal(typeof d.message, 'string');
        }
        const lines = text.split('\n');
        const line = probe % lines.length;
        const position = { line, character: lines[line].length === 0 ? 0 : probe % (lines[line].length + 1) };
        const td = { textDocument: { uri } };
        await c.request('textDocument/hover', { ...td, position });
        await c.request('textDocument/completion', { ...td, position });
        await c.request('textDocument/definition', { ...td, position });
        await c.request('textDocument/references', { ...td, position, context: { includeDeclaration: true } });
        await c.request('textDocument/documentHighlight', { ...td, position });
        await c.request('textDocument/documentSymbol', td);
        await c.request('textDocument/foldingRange', td);
        await c.request('textDocument/semanticTokens/full', td);
        await c.request<TextEdit[]>('textDocument/formatting', { ...td, options: { tabSize: 4, insertSpaces: true } });
        await c.request('textDocument/codeAction', { ...td, range: { start: position, end: position }, context: { diagnostics: last } });
        await c.request('armscope/decode', { uri, position });
        await c.request('armscope/check', { uri });
        await c.connection.sendNotification('textDocument/didClose', td);
        assert.equal(c.exited, undefined, `server exited: ${c.stderr.join('')}`);
      }),
      { numRuns: 100, seed: Number(process.env.FUZZ_SEED ?? 20261122) },
    );
    const errors = c.log.filter((l) => l.type === 1);
    assert.deepEqual(errors, [], 'no errors logged (unhandled rejections, uncaught exceptions)');
  });

  it('formatting is idempotent on every seed', async () => {
    for (const seed of SEEDS) {
      const uri = `file:///fuzz/format-${path.basename(seed.file)}`;
      await c.open(uri, seed.text);
      const opts = { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } };
      const edits = await c.request<TextEdit[]>('textDocument/formatting', opts);
      const lines = seed.text.split('\n');
      for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
        const l = lines[e.range.start.line];
        lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
      }
      const once = lines.join('\n');
      const v = await c.change(uri, once);
      await c.diagnosticsFor(uri, v);
      const again = await c.request<TextEdit[]>('textDocument/formatting', opts);
      assert.deepEqual(again, [], `second formatting of ${seed.file} changes nothing`);
      const before = (await c.diagnosticsFor(uri, v)).filter((d) => d.source === 'armscope').map((d) => d.code);
      await c.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      const orig = `file:///fuzz/orig-${path.basename(seed.file)}`;
      await c.open(orig, seed.text);
      const origCodes = (await c.diagnosticsFor(orig)).filter((d) => d.source === 'armscope').map((d) => d.code);
      assert.deepEqual(before, origCodes, `formatting ${seed.file} does not change its diagnostics`);
      await c.connection.sendNotification('textDocument/didClose', { textDocument: { uri: orig } });
    }
  });
});
