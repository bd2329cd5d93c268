/**
 * A restore keeps the translation caches it may keep — the derived regime
 * configuration while the PE's system registers are the capture's, the
 * micro-TLB while the TLB is — and drops the others. Here a PE translates a VA,
 * switches TTBR0_EL1 to other tables (the TLB keeps the old translation until
 * TLBI VMALLE1), and back again: restoring
 * any capture, in any order, and running to the end must give the end state
 * of the run that never went back.
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../simulator/engine/machine';
import { applyPageTables } from '../../simulator/mmu/pagetable/block';
import { model } from './helpers';

const SCENARIO = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x400_0000
  cache_model on
  max_steps 1000
}
pagetable a stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw x pages
  map 0x4000_0000 size 0x1000 to 0x8100_0000 normal_wb ish rw xn pages
}
pagetable b stage 1 at 0x8090_0000 t0sz 25 pool 0x8091_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw x pages
  map 0x4000_0000 size 0x1000 to 0x8300_0000 normal_wb ish rw xn pages
}
pe 0 {
  el 1
  entry start
  mair_el1 = 0x000C_08BB_0444_FF00
  tcr_el1 = 0x5_0080_3519
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = 0x30d5_1805
  x2 = 0x4000_0000
  x3 = 0x8080_0000
  x4 = 0x8090_0000
}
code at 0x8000_0000 {
start:
    ldr   x1, [x2]                     // table a: PA 0x8100_0000
    msr   ttbr0_el1, x4
    isb
    ldr   x9, [x2]                     // table b, but the TLB still holds a's translation
    tlbi  vmalle1
    dsb   ish
    isb
    ldr   x10, [x2]                    // table b: PA 0x8300_0000
    msr   ttbr0_el1, x3
    isb
    ldr   x11, [x2]                    // table a, but the TLB holds b's translation
    tlbi  vmalle1
    dsb   ish
    isb
    ldr   x12, [x2]                    // table a again
    hlt   #0
}
data at 0x8100_0000 { .quad 0x1111 }
data at 0x8300_0000 { .quad 0x3333 }
`;

describe('engine: restores and the translation caches', () => {
  it('restoring any capture in any order and running to the end gives the end of the straight run', () => {
    const md = model(SCENARIO);
    applyPageTables(md);
    const straight = Machine.create(md);
    straight.run();
    assert.equal(straight.stopInfo?.kind, 'halted', straight.stopInfo?.reason);
    const loads = (mm: Machine): bigint[] => [1, 9, 10, 11, 12].map((r) => mm.pes[0].getX(r));
    assert.deepEqual(loads(straight), [0x1111n, 0x1111n, 0x3333n, 0x3333n, 0x1111n]);
    const end = straight.stateHash();

    const m = Machine.create(md);
    const forks = [m.fork()];
    while (m.step()) forks.push(m.fork());
    assert.equal(m.stateHash(), end);
    // Each capture, then one step from it, then the run to the end: in an order that jumps back and forth.
    const order = forks.map((_, i) => (i * 7) % forks.length);
    for (const i of order) {
      m.restore(forks[i]);
      m.step();
      m.restore(forks[i]);
      m.run();
      assert.equal(m.stateHash(), end, `from capture ${i}`);
      assert.deepEqual(loads(m), [0x1111n, 0x1111n, 0x3333n, 0x3333n, 0x1111n], `from capture ${i}`);
    }
  });
});
