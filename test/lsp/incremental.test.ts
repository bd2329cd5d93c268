/**
 * The incremental model behind the language server (simulator/scenario/
 * document.ts): after any sequence of edits, `ScenarioDocument.model` equals
 * `parseScenario` of the same text, field by field; and the work an edit costs
 * follows the edit (a keystroke in an instruction line re-parses that line,
 * not the document).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { ScenarioDocument, changedLines } from '../../simulator/scenario/document';
import { splitBlocks, type RawBlock } from '../../simulator/scenario/blocks';
import { Reporter } from '../../simulator/scenario/diagnostics';
import { lex } from '../../simulator/scenario/lexer';
import { MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES } from '../../simulator/scenario/limits';
import { syntheticScenario } from '../../bench/lsp';
import { applyTraceEdit, editArb, lineEdit, SEEDS } from './editTraces';
import { normalize } from './modelView';

/** The tokens a top-level block keeps (its body is dropped after a parse: document.ts). */
const blockTokens = (blocks: RawBlock[] | undefined) => blocks?.map((b) => [b.keyword, b.header, b.open, b.close]);
describe('incremental model (ScenarioDocument)', function () {
  this.timeout(120_000);

  it('finds the changed lines of two texts', () => {
    assert.deepEqual(changedLines('a\nb\nc', 'a\nX\nc'), { first: 1, lastOld: 1, lastNew: 1, oldLines: 3, newLines: 3 });
    assert.deepEqual(changedLines('a\nc', 'a\nb\nc'), { first: 1, lastOld: 0, lastNew: 1, oldLines: 2, newLines: 3 }, 'line 1 inserted');
    assert.deepEqual(changedLines('a\nb', 'a\nbX'), { first: 1, lastOld: 1, lastNew: 1, oldLines: 2, newLines: 2 });
    assert.deepEqual(changedLines('a\nb\n', 'a\n'), { first: 1, lastOld: 1, lastNew: 0, oldLines: 3, newLines: 2 }, 'line 1 deleted');
    // Enter after an indented line: the indentation of the next line does not hide the blank line inserted.
    assert.deepEqual(changedLines('x\n    add\ny', 'x\n    \n    add\ny'), { first: 1, lastOld: 0, lastNew: 1, oldLines: 3, newLines: 4 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', ''), { maxLength: 6 }), fc.array(fc.constantFrom('a', 'b', ''), { maxLength: 6 }), (x, y) => {
        const c = changedLines(x.join('\n'), y.join('\n'));
        const [ox, oy] = [x.join('\n').split('\n'), y.join('\n').split('\n')];
        assert.deepEqual([...ox.slice(0, c.first), ...oy.slice(c.first, c.lastNew + 1), ...ox.slice(c.lastOld + 1)], oy, 'splicing the new lines into the old gives the new text');
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it('equals a full parse after every edit of random edit sequences (seed scenarios)', () => {
    const paths = { parses: 0, patchedLines: 0, unchanged: 0, shifted: 0, blockEdits: 0, assembled: 0 };
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 10 }), (seed, edits) => {
        let text = SEEDS[seed];
        const doc = new ScenarioDocument('/work/doc.armscope', text, { language: FULL_LANGUAGE });
        assert.deepEqual(normalize(doc.model), normalize(parseScenario(text, '/work/doc.armscope')));
        for (const e of edits) {
          text = applyTraceEdit(text, e);
          doc.setText(text);
          assert.deepEqual(normalize(doc.model), normalize(parseScenario(text, '/work/doc.armscope')), `after edit ${JSON.stringify(e)}`);
          assert.deepEqual(doc.tokens?.toArray(), lex(text).tokens, 'the tokens the editor reuses');
          assert.deepEqual(blockTokens(doc.blocks), blockTokens(splitBlocks(lex(text).tokens, new Reporter(), FULL_LANGUAGE)), 'the top-level blocks\' own tokens');
        }
        for (const k of ['parses', 'patchedLines', 'unchanged', 'shifted', 'blockEdits', 'assembled'] as const) paths[k] += doc.stats[k];
      }),
      { numRuns: 60, seed: 20261123 },
    );
    // Every path was taken (the property is not vacuous for the fast ones).
    assert.ok(paths.patchedLines >= 10 && paths.unchanged >= 10 && paths.shifted >= 5 && paths.parses >= 60 && paths.blockEdits >= 5, JSON.stringify(paths));
  });

  it('equals a full parse after random line insertions, deletions, pastes and new blocks in a large code block', () => {
    const base = syntheticScenario(400);
    let blockEdits = 0;
    fc.assert(
      fc.property(fc.array(fc.record({ kind: fc.constantFrom('insert' as const, 'delete' as const, 'block' as const), pick: fc.nat(), count: fc.nat({ max: 11 }), which: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 8 }), (edits) => {
        let text = base;
        const doc = new ScenarioDocument('/work/big.armscope', text, { language: FULL_LANGUAGE });
        void doc.model;
        for (const e of edits) {
          text = lineEdit(text, e.pick, e.kind, e.count, e.which);
          doc.setText(text);
          assert.deepEqual(normalize(doc.model), normalize(parseScenario(text, '/work/big.armscope')), `after edit ${JSON.stringify(e)}`);
          assert.deepEqual(doc.tokens?.toArray(), lex(text).tokens, 'the tokens the editor reuses');
          assert.deepEqual(blockTokens(doc.blocks), blockTokens(splitBlocks(lex(text).tokens, new Reporter(), FULL_LANGUAGE)), 'the top-level blocks\' own tokens');
        }
        blockEdits += doc.stats.blockEdits;
      }),
      { numRuns: 40, seed: 20261207 },
    );
    assert.ok(blockEdits >= 25, `edits applied to one block: ${blockEdits}`);
  });

  it('re-lays one block per edit, assembling only what changed (work counted, not timed)', () => {
    const text = syntheticScenario(2000);
    const doc = new ScenarioDocument('/work/big.armscope', text, { language: FULL_LANGUAGE });
    void doc.model;
    const ls = text.split('\n');
    const at = ls.findIndex((l, i) => i > 1000 && l.includes('add   x2, x1, #0x10'));
    const step = (what: string, change: () => void, assembledAtMost: number) => {
      const before = { ...doc.stats };
      change();
      doc.setText(ls.join('\n'));
      assert.deepEqual(normalize(doc.model), normalize(parseScenario(doc.text, '/work/big.armscope')), what);
      assert.equal(doc.stats.parses, before.parses, `${what}: no full parse`);
      assert.equal(doc.stats.blockEdits, before.blockEdits + 1, `${what}: one block laid out again`);
      assert.ok(doc.stats.assembled - before.assembled <= assembledAtMost, `${what}: assembled ${doc.stats.assembled - before.assembled}, at most ${assembledAtMost}`);
    };
    // Deleting an instruction that no label follows closely: nothing is assembled. The branches before it to labels
    // after it, and the literal loads when the pool moves by other than the code, keep their words with the offset
    // moved (re-encoded from their fields).
    const branches = (from: number, to: number) => ls.slice(from, to).filter((l) => /\bb\.ne\b/.test(l)).length;
    const literals = ls.filter((l) => l.includes('=')).length;
    const relocated0 = doc.stats.relocated;
    step('delete a line', () => ls.splice(at, 1), 0);
    assert.ok(doc.stats.relocated - relocated0 >= branches(0, at), `relocated ${doc.stats.relocated - relocated0}`);
    assert.ok(doc.stats.relocated - relocated0 <= branches(0, at) + literals, `relocated ${doc.stats.relocated - relocated0}`);
    // A blank line added inside the block: nothing assembled, every later line moves.
    step('blank line', () => ls.splice(at, 0, ''), 0);
    // A comment line removed again.
    step('remove it', () => ls.splice(at, 1), 0);
    // A label line nothing names deleted with the instruction after it: its symbol goes, nothing is assembled.
    const label = ls.findIndex((l, i) => i > at && /^l\d+:$/.test(l));
    const name = ls[label].slice(0, -1);
    assert.ok(doc.model.symbols.has(name));
    step('delete a label line and an instruction', () => ls.splice(label, 2), 0);
    assert.ok(!doc.model.symbols.has(name));
    // Three instruction lines pasted: those three are assembled; the branches before them whose label moved and the literal loads are re-encoded.
    step('paste three lines', () => ls.splice(at, 0, '    nop', '    add   x9, x9, #1', '    mov   x2, #3'), 3);
  });

  it('deletes label lines in one block only when nothing names them, and keeps literal pools at their first user across moves', () => {
    const text = syntheticScenario(400);
    const doc = new ScenarioDocument('/work/big.armscope', text, { language: FULL_LANGUAGE });
    void doc.model;
    const ls = text.split('\n');
    const same = (what: string) => assert.deepEqual(normalize(doc.model), normalize(parseScenario(doc.text, '/work/big.armscope')), what);
    /** Apply `change` to the lines, give the document the new text and compare it with a parse from scratch. */
    const edit = (what: string, change: () => void) => {
      change();
      doc.setText(ls.join('\n'));
      same(what);
    };
    // `start` is the entry of a PE without one (check.ts): deleting it is a full parse, which reports the missing entry.
    edit('entry removed', () => ls.splice(ls.indexOf('  entry start'), 1));
    const parses = doc.stats.parses;
    edit('start: removed', () => ls.splice(ls.indexOf('start:'), 1));
    assert.ok(doc.model.diagnostics.some((d) => d.rule === 'missing-entry'));
    assert.equal(doc.stats.parses, parses + 1);
    // Blank lines before the block, then an edit in it: the pool chunk keeps the line of its first user.
    edit('blank lines', () => ls.splice(2, 0, '', '// moved'));
    edit('l0: removed', () => ls.splice(ls.indexOf('l0:'), 1));
    assert.equal(doc.stats.parses, parses + 1, 'a label deletion in the block: no full parse');
    edit('first literal user deleted', () => ls.splice(ls.indexOf('    ldr   x1, =BASE'), 1));
    // A later literal load of the same value: the pool stays, one reserved slot fewer; no full parse.
    const parsesNow = doc.stats.parses;
    edit('a later literal load deleted', () => ls.splice(ls.lastIndexOf('    ldr   x1, =BASE'), 1));
    assert.equal(doc.stats.parses, parsesNow);
  });

  it('re-parses one line, not the document, for a keystroke in an instruction line', () => {
    const text = syntheticScenario(2000);
    const doc = new ScenarioDocument('/work/big.armscope', text, { language: FULL_LANGUAGE });
    void doc.model;
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('add   x2, x1, #0x10'));
    let t = text;
    for (const ch of ['2', '0', ' ']) {
      const ls = t.split('\n');
      ls[line] = ls[line].replace('#0x10', `#0x10${ch}`);
      t = ls.join('\n');
      doc.setText(t);
      void doc.model;
    }
    assert.deepEqual(doc.stats, { parses: 1, patchedLines: 3, unchanged: 0, shifted: 0, blockEdits: 0, assembled: 0, relocated: 0, blockInserts: 0, blockRemovals: 0 });
    assert.deepEqual(normalize(doc.model), normalize(parseScenario(t, '/work/big.armscope')));
    // A comment line added at the end moves nothing: no parse at all.
    doc.setText(t + '// a note\n');
    void doc.model;
    assert.deepEqual(doc.stats, { parses: 1, patchedLines: 3, unchanged: 1, shifted: 0, blockEdits: 0, assembled: 0, relocated: 0, blockInserts: 0, blockRemovals: 0 });
    // Enter at the end of an instruction line: what follows in the block moves one line down; nothing is assembled.
    const ls = doc.text.split('\n');
    ls.splice(line + 1, 0, '    ');
    doc.setText(ls.join('\n'));
    assert.deepEqual(normalize(doc.model), normalize(parseScenario(doc.text, '/work/big.armscope')));
    assert.deepEqual(doc.stats, { parses: 1, patchedLines: 3, unchanged: 1, shifted: 0, blockEdits: 1, assembled: 0, relocated: 0, blockInserts: 0, blockRemovals: 0 });
    // An instruction typed on it moves every address below it: the block is laid out again, not the document,
    // and only the new instruction is assembled (the branches before it to labels that moved and the literal
    // loads whose slot moved by other than their address keep their words, the offset re-encoded).
    ls[line + 1] = '    n';
    doc.setText(ls.join('\n'));
    assert.deepEqual(normalize(doc.model), normalize(parseScenario(doc.text, '/work/big.armscope')));
    assert.equal(doc.stats.parses, 1);
    assert.equal(doc.stats.blockEdits, 2);
    const branchesBefore = ls.slice(0, line + 1).filter((l) => /^\s+b\.ne\s+fail/.test(l)).length;
    assert.equal(doc.stats.assembled, 1);
    assert.ok(doc.stats.relocated >= branchesBefore && doc.stats.relocated <= branchesBefore + ls.filter((l) => l.includes('=')).length, `relocated ${doc.stats.relocated}`);
  });

  it('follows the size limits of the parser across quiet edits (blank and comment lines crossing MAX_SCENARIO_LINES or MAX_SCENARIO_CHARS)', () => {
    const base = syntheticScenario(200);
    const atLimit = base + '\n'.repeat(MAX_SCENARIO_LINES - base.split('\n').length);
    assert.equal(atLimit.split('\n').length, MAX_SCENARIO_LINES);
    const doc = new ScenarioDocument('/work/limit.armscope', atLimit, { language: FULL_LANGUAGE });
    const same = (t: string) => {
      doc.setText(t);
      assert.deepEqual(normalize(doc.model), normalize(parseScenario(t, '/work/limit.armscope')));
    };
    same(atLimit);
    assert.equal(doc.model.diagnostics.some((d) => d.rule === 'file-too-large'), false);
    // One blank line more (in the middle, and at the end): refused, as a full parse refuses it.
    same(atLimit.replace('start:\n', 'start:\n\n'));
    same(atLimit);
    same(atLimit + '\n');
    assert.equal(doc.model.diagnostics[0]?.rule, 'file-too-large');
    // And back under the limit: read again.
    same(atLimit);
    // A comment growing past the character limit, then shrinking back.
    const long = `${base}// ${'x'.repeat(MAX_SCENARIO_CHARS)}\n`;
    same(base);
    same(long);
    assert.equal(doc.model.diagnostics[0]?.rule, 'file-too-large');
    same(base);
  });
});
