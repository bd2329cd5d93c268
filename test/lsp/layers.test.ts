/**
 * Language-server features that come from the simulator's layer registrations
 * (simulator/index.ts): page-table diagnostics while typing, the predefined
 * MAIR_DEFAULT, and the EL a code block runs at (shared with the assembler).
 */
import * as assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { Analysis } from '../../language-server/analysis';
import { codeBlockEl, provideCompletion } from '../../language-server/completion';
import { toLspDiagnostic } from '../../language-server/convert';
import { provideHover } from '../../language-server/hover';
import { parseScenario } from '../../simulator';
import { withMarkers } from './lspClient';

const uri = 'file:///work/layers.armscope';
function analysis(text: string): Analysis {
  return new Analysis(uri, 1, text, parseScenario(text, '/work/layers.armscope'));
}

const SCENARIO = withMarkers(`system {
  memory ram at 0x8000_0000 size 0x1000_0000
  memory sram at 0x0600_0000 size 0x10_0000
}
pe 0 {
  el 1
  entry start
  mair_el1 = $1MAIR_DEFAULT
}
code at 0x8000_0000 {
start:
    mrs   x0, hcr_el2
    hlt   #0
}
pagetable t stage 1 at 0x0620_0000 t0sz 25 pool 0x0621_0000 {
  map 0x1000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw
  map 0x1010_0000 size 0x1000 to 0x8100_0000 normal_wb ish rw
}
`);

describe('language server: layer diagnostics, predefined constants, code EL', () => {
  const a = analysis(SCENARIO.text);

  it('publishes the page-table overlap and the EL-access warning with their ranges and rule ids', () => {
    const diags = a.model.diagnostics.map((d) => toLspDiagnostic(d, uri));
    const overlap = diags.find((d) => d.code === 'pagetable-overlap');
    assert.ok(overlap, JSON.stringify(diags));
    assert.equal(overlap.range.start.line, 16);
    const el = diags.find((d) => d.code === 'el-access');
    assert.ok(el, JSON.stringify(diags));
    assert.equal(el.severity, 2);
    assert.deepEqual(el.range.start, { line: 11, character: 14 });
    assert.match(el.message, /HCR_EL2/);
  });

  it('hovers MAIR_DEFAULT with its value in grouped hex and decoded as MAIR_EL1', () => {
    const h = provideHover(a, SCENARIO.at['1']);
    const text = (h!.contents as MarkupContent).value;
    assert.match(text, /^predefined constant \*\*MAIR_DEFAULT\*\* = `0xc_08bb_0444_ff00`/);
    assert.match(text, /\| 15:8 \| Attr1 \| `0xff` \| 0xff Normal WB RWA \|/);
    assert.match(text, /\*\*MAIR_EL1\*\*/);
  });

  it('offers MAIR_DEFAULT in completion and infers EL1 for the code block', () => {
    const items = provideCompletion(a, { line: 7, character: 13 });
    assert.ok(items.some((i) => i.label === 'MAIR_DEFAULT' && /0x/.test(String(i.detail))), items.map((i) => i.label).join());
    assert.equal(codeBlockEl(a, a.model.code[0]), 1);
  });
});
