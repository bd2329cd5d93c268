import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { MAIR_DEFAULT } from '../../simulator/mmu/pagetable/block';

const SYSTEM = `system {
  pes 1
  memory ram at 0x8000_0000 size 0x1000_0000
  memory sram at 0x0600_0000 size 0x10_0000
}
`;

function rulesAt(text: string): string[] {
  return parseScenario(text, 'layers.armscope').diagnostics.map((d) => `${d.rule}@${d.range.start.line}:${d.severity}`);
}

describe('scenario: layer passes through the front door (simulator/index.ts)', () => {
  it('reports page-table problems at parse time, at the offending map', () => {
    const text = `${SYSTEM}pagetable t stage 1 at 0x0620_0000 t0sz 25 pool 0x0621_0000 {
  map 0x1000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw
  map 0x1010_0000 size 0x1000 to 0x8100_0000 normal_wb ish rw
}
`;
    const m = parseScenario(text, 'pt.armscope');
    const d = m.diagnostics.filter((x) => x.rule === 'pagetable-overlap');
    assert.equal(d.length, 1);
    assert.equal(d[0].range.start.line, 7);
    // Descriptors are in the initial image already (the pass is idempotent with prepareModel).
    assert.ok(m.program.chunks.some((c) => c.address === 0x0620_0000));
  });

  it('checks gic and caches blocks at parse time', () => {
    const gic = rulesAt(`${SYSTEM}gic {\n  interrupt 5000 group 1ns\n}\n`);
    assert.ok(gic.some((r) => r.endsWith('@6:error')), gic.join());
    const caches = rulesAt(`${SYSTEM}caches {\n  frobnicate 3\n}\n`);
    assert.ok(caches.some((r) => r.endsWith('@6:error')), caches.join());
  });

  it('predefines MAIR_DEFAULT; a scenario constant of the same name wins without a duplicate error', () => {
    const use = parseScenario(`${SYSTEM}pe 0 {\n  el 1\n  entry 0x8000_0000\n  mair_el1 = MAIR_DEFAULT\n}\ncode at 0x8000_0000 {\n    hlt #0\n}\n`, 'a.armscope');
    assert.deepEqual(use.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(use.pes[0].registers[0].value.value, MAIR_DEFAULT);
    const own = parseScenario(`${SYSTEM}const MAIR_DEFAULT = 0xff\npe 0 {\n  el 1\n  entry 0x8000_0000\n  mair_el1 = MAIR_DEFAULT\n}\ncode at 0x8000_0000 {\n    hlt #0\n}\n`, 'b.armscope');
    assert.deepEqual(own.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(own.pes[0].registers[0].value.value, 0xffn);
  });
});

describe('scenario: EL-access warnings use the EL the code runs at', () => {
  const code = (peEl: number, extra = '') => `${SYSTEM}pe 0 {
  el ${peEl}
  entry start
${extra}}
code at 0x8000_0000 {
start:
    mrs   x0, hcr_el2
    hlt   #0
}
`;
  it('infers EL1 from the entry of an EL1 PE and warns at the EL2 register', () => {
    const m = parseScenario(code(1), 'el1.armscope');
    const w = m.diagnostics.filter((d) => d.rule === 'el-access');
    assert.equal(w.length, 1);
    assert.equal(w[0].severity, 'warning');
    assert.equal(w[0].range.start.line, 11);
    assert.equal(w[0].message, 'HCR_EL2 is not accessible at EL1 (lowest EL 2); the access is UNDEFINED or trapped (this code runs at EL1: PE 0 starts here at EL1)');
  });
  it('is silent at EL2, and when VBAR_EL2 points into the block (highest EL wins)', () => {
    assert.deepEqual(parseScenario(code(2), 'el2.armscope').diagnostics.filter((d) => d.rule === 'el-access'), []);
    assert.deepEqual(parseScenario(code(1, '  vbar_el2 = 0x8000_0000\n'), 'v.armscope').diagnostics.filter((d) => d.rule === 'el-access'), []);
  });
  it('infers from an `el` given as a constant expression', () => {
    const m = parseScenario(`const LOW = 1\n${code(1).replace('  el 1', '  el LOW + 0')}`, 'const.armscope');
    const w = m.diagnostics.filter((d) => d.rule === 'el-access');
    assert.equal(w.length, 1);
    assert.equal(m.pes[0].el, 1);
  });
  it('a declared `el N` on the block wins over the inference', () => {
    const m = parseScenario(code(2).replace('code at 0x8000_0000 {', 'code at 0x8000_0000 el 1 {'), 'decl.armscope');
    const w = m.diagnostics.filter((d) => d.rule === 'el-access');
    assert.equal(w.length, 1);
    assert.equal(w[0].message, 'HCR_EL2 is not accessible at EL1 (lowest EL 2); the access is UNDEFINED or trapped');
  });
});
