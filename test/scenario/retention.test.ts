/**
 * What a parse leaves behind: once its model is dropped, nothing module-level
 * (the instruction table's assembler, memos) may keep it alive. The language
 * server keeps one model per document (docs/limits.md); a parse retained by a
 * singleton doubled its heap at 50,000 lines (issue #12 item 3).
 */
import * as assert from 'node:assert/strict';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { ScenarioDocument } from '../../simulator/scenario/document';
import { src } from './helpers';
import { collected } from '../collect';

const SCENARIO = src(
  'system {',
  '  pes 2',
  '  memory ram at 0x8000_0000 size 0x20_0000',
  '}',
  'pe 0-1 {',
  '  el 1',
  '  entry start',
  '}',
  'code boot at 0x8000_0000 {',
  'start:',
  '    mov   x0, #1',
  '    ldr   x1, =0x8000_1000',
  '    b.ne  start',
  '    mrs   x5, vbar_el1',
  '    add   x2, x1, #bad',
  '}',
);

describe('scenario: a dropped parse is not retained', () => {
  it('a model (instructions assembled, one with an error) is collected once dropped', async () => {
    const ref = ((): WeakRef<object> => {
      const m = parseScenario(SCENARIO, 'retention.armscope');
      assert.ok(m.diagnostics.some((d) => d.severity === 'error'), 'the bad operand is reported');
      return new WeakRef(m);
    })();
    assert.equal(await collected(ref), true);
  });

  it('a document keeps only its current model after a full parse', async () => {
    const doc = new ScenarioDocument('retention.armscope', SCENARIO, { language: FULL_LANGUAGE });
    const first = new WeakRef(doc.model);
    // A new block: not an edit inside one block, so the whole text is parsed again.
    doc.setText(`${SCENARIO}code more at 0x8001_0000 {\n    nop\n}\n`);
    assert.equal(doc.model.code.length, 2);
    assert.equal(await collected(first), true);
  });
});
