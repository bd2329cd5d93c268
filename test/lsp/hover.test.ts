/**
 * Number hovers (issue #9 item 15): hex, decimal and the binary form the docs
 * promise — grouped by four bits like hex — with the bits that are set, for
 * small, large and negative values.
 */
import * as assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { Analysis } from '../../language-server/analysis';
import { provideHover } from '../../language-server/hover';
import { numberMarkdown } from '../../language-server/markdown';
import { parseScenario } from '../../simulator';
import { binary } from '../../simulator/util/hex';
import { withMarkers } from './lspClient';

describe('language server: number hovers', () => {
  it('formats the binary form grouped by four bits', () => {
    assert.equal(binary(0n), '0b0');
    assert.equal(binary(0b1011n), '0b1011');
    assert.equal(binary(0x13n), '0b1_0011');
    assert.equal(binary(-1n), `0b${Array(16).fill('1111').join('_')}`);
  });

  it('shows hex, decimal, binary and the set bits', () => {
    assert.equal(numberMarkdown(3n), '`0x3` = `3` = `0b11` (bits 1:0 set)');
    assert.equal(numberMarkdown(0n), '`0x0` = `0` = `0b0` (no bits set)');
    assert.equal(numberMarkdown(0x8000_0001n), '`0x8000_0001` = `2147483649` = `0b1000_0000_0000_0000_0000_0000_0000_0001` (bits 31, 0 set)');
    assert.equal(numberMarkdown(-2n), `\`0xffff_ffff_ffff_fffe\` = \`18446744073709551614\` = (\`-2\`) = \`0b${Array(15).fill('1111').join('_')}_1110\` (bits 63:1 set)`);
  });

  it('hovers an immediate with its binary form', () => {
    const doc = withMarkers(['code at 0x8000_0000 {', '    mov   x0, #0x$113', '    hlt   #0', '}', ''].join('\n'));
    const a = new Analysis('file:///w/n.armscope', 1, doc.text, parseScenario(doc.text, '/w/n.armscope'));
    const h = provideHover(a, doc.at['1']);
    assert.match((h!.contents as MarkupContent).value, /^`0x13` = `19` = `0b1_0011` \(bits 4, 1:0 set\)/);
  });
});
