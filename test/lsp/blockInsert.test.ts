/**
 * New top-level code and data blocks pasted between the blocks of a document
 * (simulator/scenario/blockInsert.ts): after random inserts, deletions and
 * pastes on every example and fixture, the incremental model, the document
 * symbols and the semantic tokens equal those of a fresh full parse; and the
 * block-insert path actually ran (counted, not timed).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { ScenarioDocument } from '../../simulator/scenario/document';
import { splitBlocks, type RawBlock } from '../../simulator/scenario/blocks';
import { Reporter } from '../../simulator/scenario/diagnostics';
import { lex } from '../../simulator/scenario/lexer';
import { Analysis } from '../../language-server/analysis';
import { provideDocumentSymbols } from '../../language-server/navigation';
import { provideSemanticTokens } from '../../language-server/semanticTokens';
import { syntheticScenario } from '../../bench/lsp';
import { SEEDS } from './editTraces';
import { normalize } from './modelView';

/** Lines of a pasted block: mostly valid; the last ones name what may not exist or are not instructions. */
const BODY = ['    nop', '    add   x9, x9, #1', '    b     1f', '1:', '    cbnz  x0, 1b', '    ldr   x1, =0x1234', '    adr   x3, .', '    mrs   x5, vbar_el2', '    ret', '    b     fail', '    bogus x1', '    b     nowhere'];
const DATA = ['    .quad 1', '    .word 0x1234_5678', '    .zero 16', '    .align 3', '    .byte 1, 2'];
/** Bases other than a fresh address: blocks that overlap, constants, a label, misaligned. */
const BASES = ['0x8000_0000', '0x4000_0000', '0x0', 'BASE', 'fail', '0x8040_0002', '0x9000_0000 + 0x40'];

/** A block to paste: code or data, named or not, with a label, at a fresh address (inside or outside memory) or one of BASES. */
function blockText(n: number, kind: 'code' | 'data', named: boolean, base: number, body: number[], label: boolean): string[] {
  const src = kind === 'code' ? BODY : DATA;
  const fresh = base % 3 === 0 ? `0x80${(0x40 + n).toString(16)}_0000` : `0x9${(n % 16).toString(16)}00_0000`;
  const head = `${kind}${named ? ` pasted${n}` : ''} at ${base % 4 === 3 ? BASES[(base >> 2) % BASES.length] : fresh} { // pasted`;
  // Mostly the valid lines; now and then one of the last three.
  const line = (w: number) => src[w % 16 === 15 ? src.length - 1 - (w % 3) : w % (src === BODY ? BODY.length - 3 : src.length)];
  return [head, ...(label ? [`here${n}:`] : []), ...body.map(line), '}'];
}

const editArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('paste' as const), where: fc.nat(), blocks: fc.integer({ min: 1, max: 2 }), code: fc.boolean(), named: fc.boolean(), base: fc.nat(), body: fc.array(fc.nat(), { maxLength: 4 }), label: fc.boolean(), blank: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), where: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lines' as const), pick: fc.nat(), body: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }) },
);
type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

/** Line numbers after which a top-level block ends (where a pasted block lands between two statements), and 0. */
function boundaries(text: string): number[] {
  const blocks = splitBlocks(lex(text).tokens, new Reporter(), FULL_LANGUAGE);
  return [0, ...blocks.map((b) => b.range.end.line + 1)];
}

function apply(text: string, e: Edit, n: number): string {
  const lines = text.split('\n');
  if (e.kind === 'lines') {
    lines.splice(e.pick % lines.length, 0, ...e.body.map((w) => BODY[w % BODY.length]));
    return lines.join('\n');
  }
  const bs = blockRanges(text);
  if (e.kind === 'delete') {
    if (bs.length === 0) return text;
    // Half the time one of the pasted blocks (the examples' own blocks are mostly named elsewhere).
    const pasted = bs.filter((r) => lines[r[0]].endsWith('// pasted'));
    const b = e.where % 2 === 0 && pasted.length > 0 ? pasted[(e.where >> 1) % pasted.length] : bs[e.where % bs.length];
    lines.splice(b[0], b[1] - b[0] + 1);
    return lines.join('\n');
  }
  const at = boundaries(text);
  const line = Math.min(at[e.where % at.length], lines.length);
  const paste: string[] = [];
  for (let k = 0; k < e.blocks; k++) {
    if (e.blank) paste.push('');
    paste.push(...blockText(n * 2 + k + 1, e.code ? 'code' : 'data', e.named, e.base + k * 3, e.body, e.label));
  }
  lines.splice(line, 0, ...paste);
  return lines.join('\n');
}

/** The line ranges of the top-level code blocks (what a deletion removes). */
function blockRanges(text: string): [number, number][] {
  return splitBlocks(lex(text).tokens, new Reporter(), FULL_LANGUAGE)
    .filter((b) => b.keyword.text === 'code' || b.keyword.text === 'data')
    .map((b) => [b.range.start.line, b.range.end.line]);
}

/** The tokens a top-level block keeps (its body is dropped after a parse: document.ts). */
const ownTokens = (b: RawBlock) => [b.keyword, b.header, b.open, b.close];

/** Everything an editor reads from a version: the model, the lexer's tokens, document symbols and semantic tokens. */
function views(doc: ScenarioDocument): unknown {
  const a = new Analysis('file:///work/doc.armscope', 1, doc.text, doc.model, { tokens: doc.tokens, blocks: doc.blocks });
  return { model: normalize(doc.model), tokens: doc.tokens?.toArray(), blocks: doc.blocks?.map(ownTokens), symbols: provideDocumentSymbols(a), semantic: provideSemanticTokens(a) };
}

function fresh(text: string, file: string): unknown {
  const model = parseScenario(text, file);
  const a = new Analysis('file:///work/doc.armscope', 1, text, model);
  return { model: normalize(model), tokens: lex(text).tokens, blocks: splitBlocks(lex(text).tokens, new Reporter(), FULL_LANGUAGE).map(ownTokens), symbols: provideDocumentSymbols(a), semantic: provideSemanticTokens(a) };
}

describe('pasting new blocks (blockInsert.ts)', function () {
  this.timeout(300_000);

  it('equals a full parse after random block pastes, deletions and line pastes on every example and fixture', () => {
    const file = '/work/doc.armscope';
    let inserts = 0;
    let removals = 0;
    let parses = 0;
    const seeds = [...SEEDS, syntheticScenario(400)];
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 6 }), (seed, edits) => {
        let text = seeds[seed];
        const doc = new ScenarioDocument(file, text, { language: FULL_LANGUAGE });
        void doc.model;
        edits.forEach((e, n) => {
          text = apply(text, e, n);
          doc.setText(text);
          assert.deepEqual(views(doc), fresh(text, file), `after edit ${n} ${JSON.stringify(e)}`);
        });
        inserts += doc.stats.blockInserts;
        removals += doc.stats.blockRemovals;
        parses += doc.stats.parses;
      }),
      { numRuns: 150, seed: 20261207 },
    );
    // The property is not vacuous: many pastes took the block-insert path, and others fell back to a full parse.
    assert.ok(inserts >= 40, `block inserts: ${inserts}`);
    assert.ok(removals >= 10, `block removals: ${removals}`);
    assert.ok(parses >= 150, `full parses: ${parses}`);
  });

  it('parses only the pasted blocks at the end of a large document, and takes cut blocks out (work counted, not timed)', () => {
    const text = syntheticScenario(2000);
    const doc = new ScenarioDocument('/work/big.armscope', text, { language: FULL_LANGUAGE });
    void doc.model;
    let now = text;
    for (let i = 0; i < 4; i++) {
      now += `code more${i} at 0x80f${i}_0000 {\n    nop\n    b     more${i}\n}\n`;
      doc.setText(now);
      assert.deepEqual(views(doc), fresh(now, '/work/big.armscope'), `paste ${i}`);
    }
    assert.equal(doc.stats.parses, 1, 'only the first parse was a full one');
    assert.equal(doc.stats.blockInserts, 4);
    assert.equal(doc.stats.assembled, 8, 'the pasted lines alone were assembled');
    const more = doc.model.symbols.get('more3');
    assert.equal(more?.value, 0x80f3_0000n);
    assert.equal(doc.model.program.instrs.get(0x80f3_0004)?.encoding, 0x17ff_ffff, 'b more3 from +4: imm26 = -1');
    // Cutting two of them again: they leave the model, nothing is parsed again.
    for (const cut of ['code more1 ', 'code more2 ']) {
      const ls = now.split('\n');
      const from = ls.findIndex((l) => l.startsWith(cut));
      const to = ls.findIndex((l, i) => i > from && l === '}');
      ls.splice(from, to - from + 1);
      now = ls.join('\n');
      doc.setText(now);
      assert.deepEqual(views(doc), fresh(now, '/work/big.armscope'), `cut ${cut}`);
    }
    assert.equal(doc.stats.parses, 1);
    assert.equal(doc.stats.blockRemovals, 2);
    assert.equal(doc.model.symbols.get('more1'), undefined);
    assert.equal(doc.model.program.instrs.get(0x80f1_0000), undefined);
  });

  it('a pasted block whose label is named elsewhere, or that overlaps another, is parsed in full; an empty one cut keeps the block at its address', () => {
    const text = syntheticScenario(200).replace('entry start', 'entry start\n  x7 = later');
    const doc = new ScenarioDocument('/work/big.armscope', text, { language: FULL_LANGUAGE });
    void doc.model;
    let now = `${text}code at 0x8000_0000 {\n    nop\n}\n`;
    doc.setText(now);
    assert.deepEqual(views(doc), fresh(now, '/work/big.armscope'));
    assert.ok(doc.model.diagnostics.some((d) => d.rule === 'overlapping-blocks'));
    now = `${text}code later at 0x80f0_0000 {\n    nop\n}\n`;
    doc.setText(now);
    assert.deepEqual(views(doc), fresh(now, '/work/big.armscope'));
    assert.equal(doc.stats.blockInserts, 0);
    assert.equal(doc.stats.parses, 3);
    // An empty block at another block's base (its label at that address) parsed in full, then cut: the other block's first instruction stays.
    const plain = syntheticScenario(200);
    const other = new ScenarioDocument('/work/big.armscope', `${plain}code at 0x8000_0000 {\nhere:\n}\n`, { language: FULL_LANGUAGE });
    assert.equal(other.model.symbols.get('here')?.value, 0x8000_0000n);
    other.setText(plain);
    assert.deepEqual(views(other), fresh(plain, '/work/big.armscope'));
    assert.equal(other.stats.blockRemovals, 1);
    assert.ok(other.model.program.instrs.has(0x8000_0000));
  });
});
