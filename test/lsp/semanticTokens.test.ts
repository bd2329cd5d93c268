/**
 * Semantic tokens for extension blocks: a word that is also a top-level block
 * keyword (`spmc`) is a block keyword only where it opens a block; inside
 * `firmware { … }` it is a setting and is coloured like its siblings (`monitor`),
 * i.e. left to the TextMate grammar. Deltas (`semanticTokens/full/delta`)
 * rebuild the new tokens exactly.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analysis } from '../../language-server/analysis';
import { LEGEND, provideSemanticTokens, SemanticTokenStore, tokenEdits } from '../../language-server/semanticTokens';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { ScenarioDocument } from '../../simulator/scenario/document';
import { syntheticScenario } from '../../bench/lsp';
import { applyTraceEdit, editArb, SEEDS } from './editTraces';

function decode(text: string): { line: number; col: number; len: number; type: string }[] {
  const a = new Analysis('file:///work/tokens.armscope', 1, text, parseScenario(text, '/work/tokens.armscope'));
  const data = provideSemanticTokens(a).data;
  const out: { line: number; col: number; len: number; type: string }[] = [];
  let line = 0;
  let col = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    col = data[i] === 0 ? col + data[i + 1] : data[i + 1];
    out.push({ line, col, len: data[i + 2], type: LEGEND.tokenTypes[data[i + 3]] });
  }
  return out;
}

describe('language server: semantic tokens of block keywords', () => {
  const text = ['firmware {', '  monitor builtin', '  spmc builtin', '}', 'system {', '  pes 1', '}', ''].join('\n');

  it('colours a top-level block keyword where it opens a block', () => {
    const tokens = decode(text);
    assert.deepEqual(tokens.find((t) => t.line === 0 && t.col === 0), { line: 0, col: 0, len: 8, type: 'keyword' });
    assert.deepEqual(tokens.find((t) => t.line === 4 && t.col === 0), { line: 4, col: 0, len: 6, type: 'keyword' });
  });

  it('leaves `spmc` inside `firmware { … }` to the grammar, like its sibling `monitor`', () => {
    const tokens = decode(text);
    assert.equal(tokens.find((t) => t.line === 1 && t.col === 2), undefined, 'monitor');
    assert.equal(tokens.find((t) => t.line === 2 && t.col === 2), undefined, 'spmc');
  });
});

describe('language server: semantic token deltas', () => {
  it('applying the delta to the previous tokens gives the full tokens of the new version (random edits)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 40 }), fc.array(fc.nat({ max: 50 }), { maxLength: 40 }), (before, after) => {
        const edits = tokenEdits(before, after);
        assert.ok(edits.length <= 1);
        const out = [...before];
        for (const e of edits) out.splice(e.start, e.deleteCount, ...(e.data ?? []));
        assert.deepEqual(out, after);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('answers a delta for the id it sent last, and the full tokens for any other id', () => {
    const store = new SemanticTokenStore();
    const text = ['code at 0x8000_0000 {', 'start:', '    mov   x0, #1', '    b     start', '}', ''].join('\n');
    const a1 = new Analysis('file:///w/t.armscope', 1, text, parseScenario(text, '/w/t.armscope'));
    const first = store.full(a1);
    const text2 = text.replace('mov   x0, #1', 'mov   x0, #1\n    nop');
    const a2 = new Analysis('file:///w/t.armscope', 2, text2, parseScenario(text2, '/w/t.armscope'));
    const delta = store.delta(a2, first.resultId!);
    assert.ok('edits' in delta, 'a delta');
    const applied = [...first.data];
    for (const e of delta.edits) applied.splice(e.start, e.deleteCount, ...(e.data ?? []));
    assert.deepEqual(applied, provideSemanticTokens(a2).data);
    assert.ok(delta.edits[0].deleteCount + (delta.edits[0].data?.length ?? 0) < first.data.length, 'smaller than the whole array');
    assert.ok('data' in store.delta(a2, 'stale'), 'an unknown id gets the full tokens');
  });
});

describe('language server: semantic tokens reused across edits', function () {
  this.timeout(120_000);

  /** A document as the server holds it: the incremental model, its analysis per version. */
  function analysisOf(doc: ScenarioDocument, version: number): Analysis {
    return new Analysis('file:///work/doc.armscope', version, doc.text, doc.model, { tokens: doc.tokens, blocks: doc.blocks });
  }

  it('equal the tokens computed afresh after every edit of random edit sequences (seed scenarios)', () => {
    const store = new SemanticTokenStore();
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 10 }), (seed, edits) => {
        let text = SEEDS[seed];
        const doc = new ScenarioDocument('/work/doc.armscope', text, { language: FULL_LANGUAGE });
        let version = 1;
        store.forget('file:///work/doc.armscope');
        let previous = store.full(analysisOf(doc, version));
        for (const e of edits) {
          text = applyTraceEdit(text, e);
          doc.setText(text);
          const a = analysisOf(doc, ++version);
          const fresh = provideSemanticTokens(new Analysis(a.uri, a.version, text, parseScenario(text, '/work/doc.armscope'))).data;
          const delta = store.delta(a, previous.resultId!);
          assert.ok('edits' in delta);
          const applied = [...previous.data];
          for (const x of delta.edits) applied.splice(x.start, x.deleteCount, ...(x.data ?? []));
          assert.deepEqual(applied, fresh, `after edit ${JSON.stringify(e)}`);
          previous = store.full(a);
          assert.deepEqual(previous.data, fresh);
        }
      }),
      { numRuns: 60, seed: 20261207 },
    );
    // The reuse path is taken (the property is not vacuous), and so is the full computation.
    assert.ok(store.stats.reused >= 100 && store.stats.computed >= 60, JSON.stringify(store.stats));
  });

  it('reuse the tokens outside the edited lines of a large code block (work counted: one line classified)', () => {
    const store = new SemanticTokenStore();
    const lines = syntheticScenario(2000).split('\n');
    const doc = new ScenarioDocument('/work/doc.armscope', lines.join('\n'), { language: FULL_LANGUAGE });
    const first = store.full(analysisOf(doc, 1));
    const at = lines.findIndex((l, i) => i > 1000 && l.startsWith('    add'));
    lines.splice(at, 0, '    add   x9, x9, #1');
    doc.setText(lines.join('\n'));
    const a = analysisOf(doc, 2);
    const delta = store.delta(a, first.resultId!);
    assert.deepEqual(store.stats, { computed: 1, reused: 1 });
    assert.ok('edits' in delta);
    // One edit: the new line's four tokens (add, x9, x9, #1); the tokens after it keep their encoding (each is relative to the one before).
    assert.equal(delta.edits.length, 1);
    assert.equal(delta.edits[0].deleteCount, 0);
    assert.equal(delta.edits[0].data?.length, 4 * 5);
    assert.deepEqual(store.full(a).data, provideSemanticTokens(a).data);
  });
});
