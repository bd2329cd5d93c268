import * as assert from 'node:assert/strict';
import { decodeString, lex } from '../../simulator/scenario/lexer';
import { splitBlocks } from '../../simulator/scenario/blocks';
import { Reporter } from '../../simulator/scenario/diagnostics';

function toks(text: string): string[] {
  return lex(text).tokens.map((t) => `${t.kind}:${t.text}@${t.line}:${t.col}-${t.endCol}`);
}

describe('scenario lexer', () => {
  it('produces tokens with exact ranges', () => {
    assert.deepEqual(toks('pe 1-3 {\n  x0 = 0x8000_0000\n}'), [
      'ident:pe@0:0-2',
      'number:1@0:3-4',
      'punct:-@0:4-5',
      'number:3@0:5-6',
      'punct:{@0:7-8',
      'ident:x0@1:2-4',
      'punct:=@1:5-6',
      'number:0x8000_0000@1:7-18',
      'punct:}@2:0-1',
    ]);
  });

  it('keeps dotted identifiers, local label references and two-character operators whole', () => {
    assert.deepEqual(toks('b.eq 1f; .quad pstate.daif == a != b << 2'), [
      'ident:b.eq@0:0-4',
      'ident:1f@0:5-7',
      'punct:;@0:7-8',
      'ident:.quad@0:9-14',
      'ident:pstate.daif@0:15-26',
      'punct:==@0:27-29',
      'ident:a@0:30-31',
      'punct:!=@0:32-34',
      'ident:b@0:35-36',
      'punct:<<@0:37-39',
      'number:2@0:40-41',
    ]);
  });

  it('drops comments but keeps columns in the clean text', () => {
    const r = lex('mov x0, #1 // one\n/* a\n b */ nop /* c */ x');
    assert.deepEqual(r.tokens.map((t) => t.text), ['mov', 'x0', ',', '#', '1', 'nop', 'x']);
    assert.equal(r.clean[0], 'mov x0, #1       ');
    assert.equal(r.clean[1], '    ');
    assert.equal(r.clean[2], '      nop         x');
    const nop = r.tokens[5];
    assert.deepEqual([nop.line, nop.col, nop.spaced], [2, 6, true]);
  });

  it('handles CRLF line ends', () => {
    const r = lex('a\r\nb\r\n');
    assert.deepEqual(r.tokens.map((t) => `${t.text}@${t.line}:${t.col}`), ['a@0:0', 'b@1:0']);
    assert.deepEqual(r.clean, ['a', 'b', '']);
  });

  it('marks tokens glued to the previous one (for words like access-flag)', () => {
    const r = lex('fault access-flag');
    assert.deepEqual(r.tokens.map((t) => `${t.text}:${t.spaced}`), ['fault:true', 'access:true', '-:false', 'flag:false']);
  });

  it('reads strings with escapes', () => {
    const r = lex('"a\\"b" "c');
    assert.deepEqual(r.tokens.map((t) => t.text), ['"a\\"b"', '"c']);
    assert.equal(decodeString('"a\\"b\\n\\x41\\101\\0"'), 'a"b\nAA\u0000');
    assert.equal(r.diagnostics.length, 1);
    assert.deepEqual(r.diagnostics[0].range, { start: { line: 0, col: 7 }, end: { line: 0, col: 9 } });
  });

  it('never fails on arbitrary characters', () => {
    const r = lex('€ @ ` \u0000 ~');
    assert.deepEqual(r.tokens.map((t) => t.kind), ['punct', 'punct', 'punct', 'punct', 'punct']);
  });
});

describe('scenario block layer', () => {
  it('splits top-level statements and body statements (newline or ;)', () => {
    const rep = new Reporter();
    const blocks = splitBlocks(lex('scenario "t"\ncode at 0 {\n  nop; nop\n  b x\n}\nevent when step 1 do irq 3\n').tokens, rep);
    assert.deepEqual(rep.list, []);
    assert.deepEqual(
      blocks.map((b) => [b.keyword.text, b.header.map((h) => h.text).join(' '), b.body.map((s) => s.tokens.map((t) => t.text).join(' '))]),
      [
        ['scenario', '"t"', []],
        ['code', 'at 0', ['nop', 'nop', 'b x']],
        ['event', 'when step 1 do irq 3', []],
      ],
    );
    assert.deepEqual(blocks[1].range, { start: { line: 1, col: 0 }, end: { line: 4, col: 1 } });
  });

  it('nested braces stay inside the body', () => {
    const rep = new Reporter();
    const blocks = splitBlocks(lex('code at 0 {\n  ld1 {v0.16b}, [x0]\n}\npe 0 { entry 0 }').tokens, rep);
    assert.deepEqual(rep.list, []);
    assert.equal(blocks.length, 2);
    assert.deepEqual(blocks[0].body[0].tokens.map((t) => t.text), ['ld1', '{', 'v0.16b', '}', ',', '[', 'x0', ']']);
  });

  it("a label named like a keyword does not end a code block (e.g. 'event:')", () => {
    const rep = new Reporter();
    const blocks = splitBlocks(lex('code at 0 {\nevent:\n  nop\n}\n').tokens, rep);
    assert.deepEqual(rep.list, []);
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].body.length, 2);
  });
});
