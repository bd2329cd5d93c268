/**
 * The document text store (language-server/text.ts) against a plain string:
 * after any sequence of random changes — positions past a line or the text,
 * ranges turned round, `\r\n`, lone `\r` and `\n` inserted, split and joined,
 * full-text changes — its text, line counts and length are those of the
 * string the changes give when each is applied by vscode-languageserver-
 * textdocument to a fresh document (fast-check). The line edit it reports for
 * a single change is exact: the lines outside it are equal, its lines are the
 * lines of the two texts, its offset is where its first line starts.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CHUNK_LINES, DocumentText, type LineEdit, type TextChange } from '../../language-server/text';
import { countLines } from '../../language-server/documents';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { ScenarioDocument } from '../../simulator/scenario/document';
import { lex } from '../../simulator/scenario/lexer';
import { syntheticScenario } from '../../bench/lsp';
import { normalize } from './modelView';
import { applyTraceEdit, editArb, lineEdit, SEEDS } from './editTraces';

/** The oracle: one change applied to a fresh TextDocument (its line offsets computed from the text). */
function applied(text: string, change: TextChange): string {
  return TextDocument.update(TextDocument.create('file:///t', 'armscope', 0, text), [change], 1).getText();
}

function checkEdit(e: LineEdit, before: string, after: string): void {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(e.lines, b.length);
  assert.deepEqual(a.slice(e.first, e.lastOld + 1), e.before);
  assert.deepEqual(b.slice(e.first, e.lastNew + 1), e.after);
  assert.deepEqual(a.slice(0, e.first), b.slice(0, e.first));
  assert.deepEqual(a.slice(e.lastOld + 1), b.slice(e.lastNew + 1));
  // A change that changed nothing leaves no line: `first` is past the last one, its offset the text's end.
  assert.equal(e.offset, e.first < b.length ? b.slice(0, e.first).reduce((n, l) => n + l.length + 1, 0) : after.length);
}

/** The one change an editor sends for an edit from `before` to `after`: the characters between their common prefix and suffix. */
function asChange(before: string, after: string): TextChange {
  let p = 0;
  const min = Math.min(before.length, after.length);
  while (p < min && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let q = 0;
  while (q < min - p && before.charCodeAt(before.length - 1 - q) === after.charCodeAt(after.length - 1 - q)) q++;
  const old = TextDocument.create('file:///t', 'armscope', 0, before);
  return { range: { start: old.positionAt(p), end: old.positionAt(before.length - q) }, text: after.slice(p, after.length - q) };
}

const piece = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\n', '\r\n', '\r'), { maxLength: 12 }).map((p) => p.join(''));
/** Texts of a few lines to a few chunks' worth. */
const text = fc.oneof(piece, fc.array(fc.constantFrom('x\n', 'yy\r\n', 'z\r', '\n'), { maxLength: 3 * CHUNK_LINES + 5 }).map((l) => l.join('')));
const position = fc.record({ line: fc.oneof(fc.nat(6), fc.nat(3 * CHUNK_LINES + 10), fc.constant(-1)), character: fc.oneof(fc.nat(4), fc.constant(99)) });
const change: fc.Arbitrary<TextChange> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ range: fc.record({ start: position, end: position }), text: piece }) },
  { weight: 1, arbitrary: fc.record({ text }) },
);

describe('language-server text store', () => {
  it('random change sequences give the text, line counts and length of a plain string', () => {
    fc.assert(
      fc.property(text, fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 25 }), (initial, batches) => {
        const store = new DocumentText(initial);
        let model = initial;
        for (const batch of batches) {
          const before = model;
          for (const c of batch) model = applied(model, c);
          const edit = store.update(batch);
          assert.equal(store.getText(), model);
          assert.equal(store.length, model.length);
          assert.equal(store.lineCount, TextDocument.create('file:///t', 'armscope', 0, model).lineCount);
          assert.equal(store.parserLines, countLines(model));
          if (edit) checkEdit(edit, before, model);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('reports the line edit of a single change to a text whose lines end at \\n', () => {
    const store = new DocumentText('a\nb\nc\n');
    const e = store.update([{ range: { start: { line: 1, character: 1 }, end: { line: 1, character: 1 } }, text: 'x\ny' }]);
    assert.deepEqual(e, { first: 1, lastOld: 1, lastNew: 2, before: ['b'], after: ['bx', 'y'], offset: 2, lines: 5 });
    assert.equal(store.update([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\r' }]), undefined);
  });

  it('keeps its chunks bounded: one edit rewrites a few chunks, not the text', () => {
    const lines = 50 * CHUNK_LINES;
    const store = new DocumentText('    nop\n'.repeat(lines));
    for (let i = 0; i < 200; i++) store.update([{ range: { start: { line: (i * 37) % lines, character: 4 }, end: { line: (i * 37) % lines, character: 4 } }, text: i % 2 ? '\n' : 'x' }]);
    assert.equal(store.parserLines, lines + 1 + 100);
    assert.equal(store.getText().split('\n').length, lines + 1 + 100);
  });

  it('the scenario model told the lines each change replaced equals a full parse (seed scenarios, random edit traces)', () => {
    let described = 0;
    const check = (initial: string, next: (text: string, i: number) => string, steps: number) => {
      const store = new DocumentText(initial);
      const doc = new ScenarioDocument('/work/doc.armscope', store.getText(), { language: FULL_LANGUAGE });
      void doc.model;
      let text = initial;
      for (let i = 0; i < steps; i++) {
        const after = next(text, i);
        const edit = store.update([asChange(text, after)]);
        text = after;
        assert.equal(store.getText(), text);
        if (edit) described++;
        doc.setText(store.getText(), edit);
        assert.deepEqual(normalize(doc.model), normalize(parseScenario(text, '/work/doc.armscope')), `after edit ${i} (${JSON.stringify(edit)?.slice(0, 200)})`);
        assert.deepEqual(doc.tokens?.toArray(), lex(text).tokens, 'the tokens the editor reuses');
      }
    };
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 10 }), (seed, edits) => check(SEEDS[seed], (t, i) => applyTraceEdit(t, edits[i]), edits.length)),
      { numRuns: 60, seed: 20261207 },
    );
    const base = syntheticScenario(400);
    const lineEdits = fc.record({ kind: fc.constantFrom('insert' as const, 'delete' as const, 'block' as const), pick: fc.nat(), count: fc.nat({ max: 11 }), which: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(lineEdits, { minLength: 1, maxLength: 8 }), (edits) => check(base, (t, i) => lineEdit(t, edits[i].pick, edits[i].kind, edits[i].count, edits[i].which), edits.length)),
      { numRuns: 40, seed: 20261207 },
    );
    // The property is not vacuous: most changes reached the model as line edits.
    assert.ok(described >= 300, `changes described: ${described}`);
  });
});
