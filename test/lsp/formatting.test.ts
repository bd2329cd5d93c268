/**
 * Formatting (language-server/formatting.ts) and witnesses: a one-line block
 * (`data x at A { .word 0 }`, as `litmus2scenario` writes it) is left as
 * written — it used to be replaced by its statement alone, which broke the
 * scenario — and formatting keeps the scenario's witness hash (format-on-save
 * before "Debug this execution" must not make the witness stale), while a real
 * change, a label's case or a moved line does not.
 */
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis } from '../../language-server/analysis';
import { formatDocument } from '../../language-server/formatting';
import { parseScenario } from '../../simulator';
import { canonicalScenario, scenarioHash } from '../../simulator/explore/witness';

const FILE = '/w/fmt.armscope';
const SRC = [
  'scenario "fmt // not a comment"',
  'system {',
  '  pes 1',
  '  memory ram at 0x8000_0000 size 0x10_0000',
  '}',
  'pe 0 {',
  '  entry Start',
  '  x1 = flag',
  '}',
  'code at 0x8000_0000 {',
  'Start:   MOV X0,#1   // one',
  '\tSTR W0,[X1]',
  '  hlt   #0 /* end */',
  '}',
  'data flag at 0x8000_1000 { .word 0 }',
  'expect {',
  '  pe 0 x0 == 1',
  '}',
  '',
].join('\n');

function format(text: string): string {
  const edits = formatDocument(new Analysis(`file://${FILE}`, 1, text, parseScenario(text, FILE)), { tabSize: 4, insertSpaces: true });
  return TextDocument.applyEdits(TextDocument.create(`file://${FILE}`, 'armscope', 1, text), edits);
}

const hashOf = (text: string): string => scenarioHash(parseScenario(text, FILE));

describe('formatting and the witness hash', () => {
  it('leaves a one-line block as written and formats the statements alone on their lines', () => {
    assert.deepEqual(parseScenario(SRC, FILE).diagnostics.filter((d) => d.severity === 'error'), []);
    const out = format(SRC).split('\n');
    assert.equal(out[14], 'data flag at 0x8000_1000 { .word 0 }');
    assert.equal(out[10], 'Start: mov   x0, #1  // one');
    assert.equal(out[11], '    str   w0, [x1]');
    assert.deepEqual(parseScenario(out.join('\n'), FILE).diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('keeps the witness hash through formatting, comments and spacing', () => {
    const pretty = format(SRC);
    assert.notEqual(pretty, SRC);
    assert.equal(hashOf(pretty), hashOf(SRC));
    assert.equal(hashOf(SRC.replace('// one', '// the first value')), hashOf(SRC));
    assert.equal(hashOf(SRC.replace('  pes 1', 'pes    1   ')), hashOf(SRC));
    // Strings are kept as written: "//" inside one is no comment.
    assert.match(canonicalScenario(parseScenario(SRC, FILE)), /^scenario"fmt \/\/ not a comment"$/m);
  });

  it('changes the witness hash for a real change, a label renamed by case, or a line moved', () => {
    const h = hashOf(SRC);
    assert.notEqual(hashOf(SRC.replace('MOV X0,#1', 'MOV X0,#2')), h);
    assert.notEqual(hashOf(SRC.replace('"fmt // not a comment"', '"fmt // Not a comment"')), h);
    assert.notEqual(hashOf(SRC.replace(/Start/g, 'start')), h);
    assert.notEqual(hashOf(SRC.replace('system {', '\nsystem {')), h);
  });
});
