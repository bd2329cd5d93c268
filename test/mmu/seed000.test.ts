import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadScenario } from '../../simulator';
import { runScenario } from '../../simulator/engine/run';
import { applyPageTables } from '../../simulator/mmu/pagetable/block';

/** examples/seed-000: the translation half (the finding comes from the checkers, tested with them). */
describe('examples/seed-000 (stage-2 table shareability mismatch)', () => {
  const dir = path.resolve(process.cwd(), 'examples', 'seed-000');
  function run(file: string) {
    const model = loadScenario(path.join(dir, file));
    applyPageTables(model);
    assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error'), []);
    return runScenario(model);
  }
  const held = (r: ReturnType<typeof run>, prefix: string) => r.expectations.find((e) => e.text.startsWith(prefix))?.held;

  it('bug (cache model on): stage-2 translation fault at level 3 with ESR/HPFAR/FAR', () => {
    const r = run('bug-osh-tables.armscope');
    assert.equal(held(r, 'fault translation stage 2 level 3'), true);
    assert.equal(held(r, 'pe 0 esr_el2 == 0x93c2_8007'), true);
    assert.equal(held(r, 'pe 0 hpfar_el2 == 0x88_1000'), true);
    assert.equal(held(r, 'pe 0 far_el2 == 0x8810_0000'), true);
  });

  it('bug on two PEs: PE 1\'s Inner Shareable walk misses PE 0\'s Outer Shareable dirty copy', () => {
    const r = run('bug-two-pes.armscope');
    assert.equal(held(r, 'fault translation stage 2 level 3 on pe 1'), true);
    assert.equal(held(r, 'pe 1 esr_el2 == 0x93c2_8007'), true);
  });

  it('fix on two PEs: no fault', () => {
    const r = run('fix-two-pes-table-ish.armscope');
    assert.equal(held(r, 'no fault'), true);
    assert.equal(held(r, 'pe 1 x2 == 0x5ecd_a7a0'), true);
  });

  for (const f of ['bug-cache-model-off.armscope', 'fix-table-ish.armscope', 'fix-sh0-osh.armscope']) {
    it(`${f}: no fault, the SP reads the shared page`, () => {
      const r = run(f);
      assert.equal(held(r, 'no fault'), true);
      assert.equal(held(r, 'pe 0 x2 == 0x5ecd_a7a0'), true);
    });
  }
});
