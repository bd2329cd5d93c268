/**
 * Semantic tokens for extension blocks: a word that is also a top-level block
 * keyword (`spmc`) is a block keyword only where it opens a block; inside
 * `firmware { … }` it is a setting and is coloured like its siblings (`monitor`),
 * i.e. left to the TextMate grammar.
 */
import * as assert from 'node:assert/strict';
import { Analysis } from '../../language-server/analysis';
import { LEGEND, provideSemanticTokens } from '../../language-server/semanticTokens';
import { parseScenario } from '../../simulator';

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
