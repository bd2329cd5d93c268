/**
 * Deleting and adding lines inside a large code block as an editor does it
 * (LSP range changes through the language server's text store, so the
 * scenario model is told the lines each change replaced): after every change
 * the model, the tokens, the document symbols and the semantic tokens equal
 * those of a fresh parse, including while a block comment (`/*`) comes and
 * goes. And a line that moves at every edit keeps its instruction object:
 * an edit makes new instructions only for the lines it re-encodes or
 * assembles (work counted, not timed).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analysis } from '../../language-server/analysis';
import { provideDocumentSymbols } from '../../language-server/navigation';
import { provideSemanticTokens, SemanticTokenStore } from '../../language-server/semanticTokens';
import { DocumentStore } from '../../language-server/documents';
import { DocumentText } from '../../language-server/text';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { ScenarioDocument } from '../../simulator/scenario/document';
import { lex } from '../../simulator/scenario/lexer';
import type { Instr } from '../../simulator/isa/instr';
import { syntheticScenario } from '../../bench/lsp';
import { normalize } from './modelView';

const FILE = '/work/big.armscope';
const URI = 'file:///work/big.armscope';

/** Lines typed into the block: instructions, branches, literal loads, a comment, a label nothing names, a block comment. */
const TYPED = ['    nop', '    add   x9, x9, #1', '    b.ne  fail', '    ldr   x1, =BASE', '    // note', '', 'spare:', '    nop /* c */', '    adr   x3, done'];

interface Change {
  kind: 'delete' | 'type';
  pick: number;
  count: number;
  which: number;
}

/** The LSP change for `c` on `lines` (inside the code block: after its first line, before its closing brace). */
function changeOf(lines: string[], c: Change): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const open = lines.findIndex((l) => l.startsWith('code boot'));
  const close = lines.indexOf('}', open);
  const at = open + 2 + (c.pick % Math.max(1, close - open - 4));
  if (c.kind === 'delete') {
    const n = Math.min(1 + (c.count % 3), close - at);
    return { range: { start: { line: at, character: 0 }, end: { line: at + n, character: 0 } }, text: '' };
  }
  return { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: `${TYPED[c.which % TYPED.length]}\n` };
}

function apply(lines: string[], ch: ReturnType<typeof changeOf>): void {
  lines.splice(ch.range.start.line, ch.range.end.line - ch.range.start.line, ...(ch.text ? [ch.text.slice(0, -1)] : []));
}

describe('deleting and typing lines inside a large code block (line edits from the text store)', function () {
  this.timeout(300_000);

  it('gives the model, tokens, document symbols and semantic tokens of a fresh parse after every change', () => {
    const base = syntheticScenario(600);
    let blockEdits = 0;
    let parses = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom('delete' as const, 'delete' as const, 'type' as const), pick: fc.nat(), count: fc.nat({ max: 5 }), which: fc.nat() }), { minLength: 2, maxLength: 8 }),
        (changes) => {
          const lines = base.split('\n');
          const store = new DocumentText(base);
          const doc = new ScenarioDocument(FILE, store.getText(), { language: FULL_LANGUAGE });
          void doc.model;
          changes.forEach((c, i) => {
            const ch = changeOf(lines, c);
            apply(lines, ch);
            const edit = store.update([ch]);
            assert.ok(edit, 'a single change to a text whose lines end at \\n is described');
            doc.setText(store.getText(), edit);
            const text = lines.join('\n');
            assert.equal(doc.text, text);
            const fresh = parseScenario(text, FILE);
            const what = `after change ${i} ${JSON.stringify(c)}`;
            assert.deepEqual(normalize(doc.model), normalize(fresh), what);
            assert.deepEqual(doc.tokens?.toArray(), lex(text).tokens, `${what}: tokens`);
            const a = new Analysis(URI, i + 2, doc.text, doc.model, { tokens: doc.tokens, blocks: doc.blocks });
            const b = new Analysis(URI, i + 2, text, fresh);
            assert.deepEqual(provideDocumentSymbols(a), provideDocumentSymbols(b), `${what}: document symbols`);
            assert.deepEqual(provideSemanticTokens(a).data, provideSemanticTokens(b).data, `${what}: semantic tokens`);
          });
          blockEdits += doc.stats.blockEdits;
          parses += doc.stats.parses;
        },
      ),
      { numRuns: 25, seed: 20261208 },
    );
    // Not vacuous: most changes were applied to the one block; some (a label, a block comment) parsed the text again.
    assert.ok(blockEdits >= 60, `edits applied to one block: ${blockEdits}`);
    assert.ok(parses > 25, `full parses: ${parses}`);
  });

  it('semantic tokens after each change reuse the previous version\'s from the change the text store described, and equal fresh ones', () => {
    const base = syntheticScenario(600);
    const tokens = new SemanticTokenStore();
    fc.assert(
      fc.property(fc.array(fc.record({ kind: fc.constantFrom('delete' as const, 'type' as const), pick: fc.nat(), count: fc.nat({ max: 5 }), which: fc.nat() }), { minLength: 2, maxLength: 8 }), (changes) => {
        const lines = base.split('\n');
        const store = new DocumentStore();
        store.open(URI, 1, base);
        tokens.forget(URI);
        tokens.full(store.analysis(URI)!);
        changes.forEach((c, i) => {
          const ch = changeOf(lines, c);
          apply(lines, ch);
          store.change(URI, i + 2, [ch]);
          const a = store.analysis(URI)!;
          assert.deepEqual(a.edit?.from, i + 1, 'the change from the previous version, described');
          const text = lines.join('\n');
          assert.deepEqual(tokens.full(a).data, provideSemanticTokens(new Analysis(URI, i + 2, text, parseScenario(text, FILE))).data, `after change ${i} ${JSON.stringify(c)}`);
        });
      }),
      { numRuns: 25, seed: 20261208 },
    );
    // Most versions reused the previous tokens (a block comment or a new label computes them all).
    assert.ok(tokens.stats.reused >= 60, JSON.stringify(tokens.stats));
  });

  it('keeps the instruction object of every line an edit only moves (new ones: re-encoded or assembled lines)', () => {
    const text = syntheticScenario(2000);
    const lines = text.split('\n');
    const store = new DocumentText(text);
    const doc = new ScenarioDocument(FILE, store.getText(), { language: FULL_LANGUAGE });
    void doc.model;
    const at = lines.findIndex((l, i) => i > 100 && l.includes('add   x2, x1, #0x10'));
    const deleteLine = (): { made: number; moved: number; work: number } => {
      const before = new Set<Instr>(doc.model.program.instrs.values());
      const stats = { ...doc.stats };
      const ch = { range: { start: { line: at, character: 0 }, end: { line: at + 1, character: 0 } }, text: '' };
      apply(lines, ch);
      const edit = store.update([ch]);
      doc.setText(store.getText(), edit);
      assert.deepEqual(normalize(doc.model), normalize(parseScenario(lines.join('\n'), FILE)));
      assert.equal(doc.stats.parses, stats.parses, 'no full parse');
      assert.equal(doc.stats.blockEdits, stats.blockEdits + 1, 'one block laid out again');
      const now = [...doc.model.program.instrs.values()];
      return {
        made: now.filter((i) => !before.has(i)).length,
        moved: now.filter((i) => i.line !== undefined && i.line >= at).length,
        work: doc.stats.relocated - stats.relocated + doc.stats.assembled - stats.assembled,
      };
    };
    // The first move of a line copies its instruction (the assembly memo's is shared); later moves relabel that copy.
    const first = deleteLine();
    assert.ok(first.made >= first.moved - first.work, `first delete: ${JSON.stringify(first)}`);
    for (let k = 0; k < 3; k++) {
      const next = deleteLine();
      assert.ok(next.moved > 1500, `lines moved: ${next.moved}`);
      assert.ok(next.made <= next.work, `delete ${k + 2}: new instruction objects ${next.made}, lines re-encoded or assembled ${next.work}`);
    }
  });
});
