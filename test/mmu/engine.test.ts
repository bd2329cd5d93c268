import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { runScenario } from '../../simulator/engine/run';
import { applyPageTables } from '../../simulator/mmu/pagetable/block';

/** End to end through the assembler, the PE and the engine: TLBI, AT and faults from scenario code. */
function run(body: string) {
  const m = parseScenario(
    `scenario "mmu e2e"
system {
  pes 2
  memory ram at 0x8000_0000 size 0x100_0000
  max_steps 2000
}
const MAIR_DEFAULT = 0x000C_08BB_0444_FF00
const L3_SLOT = 0x8091_1000 + 8 * 0x100            // level-3 entry of VA 0x1010_0000 (pool layout: L2 at +0, L3 at +0x1000)
pagetable s1 stage 1 at 0x8090_0000 t0sz 25 pool 0x8091_0000 size 0x1_0000 {
  map 0x1000_0000 size 0x1000 to 0x8000_0000 normal_wb ish rw x
  map 0x1010_0000 size 0x1000 to 0x8020_0000 normal_wb ish rw xn
  map 0x8000_0000 size 0x100_0000 to 0x8000_0000 normal_wb ish rw x
}
pe 0-1 {
  el 1
  entry start
  mair_el1 = MAIR_DEFAULT
  tcr_el1 = 0x5_0080_3519
  ttbr0_el1 = 0x8090_0000
  sctlr_el1 = 0x30d5_1805
}
data at 0x8020_0000 {
    .quad 0x1111
}
data at 0x8030_0000 {
    .quad 0x2222
}
${body}
`,
    'e2e.armscope',
  );
  applyPageTables(m);
  assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error'), []);
  return runScenario(m);
}

describe('mmu end to end (scenario code)', () => {
  it('a remapped page reads stale data until TLBI VAE1IS; DSB; ISB', () => {
    const r = run(`code at 0x8000_0000 {
start:
    mrs   x9, mpidr_el1
    and   x9, x9, #0xff
    cbnz  x9, idle
    ldr   x1, =0x1010_0000
    ldr   x2, [x1]                  // 0x1111, TLB filled
    ldr   x3, =L3_SLOT
    ldr   x4, [x3]
    eor   x4, x4, #0x10_0000        // output 0x8020_0000 → 0x8030_0000
    str   x4, [x3]
    dsb   ish
    ldr   x5, [x1]                  // still 0x1111: the TLB holds the old entry
    lsr   x6, x1, #12
    tlbi  vae1is, x6
    dsb   ish
    isb
    ldr   x7, [x1]                  // 0x2222
    at    s1e1r, x1
    mrs   x8, par_el1
idle:
    hlt   #0
}
expect {
  pe 0 x2 == 0x1111
  pe 0 x5 == 0x1111
  pe 0 x7 == 0x2222
  pe 0 x8 == 0xff00_0000_8030_0b80
  no fault
}`);
    assert.deepEqual(r.expectations.filter((e) => !e.held).map((e) => `${e.text}: ${e.detail}`), []);
  });

  it('instruction fetch from an XN page: instruction abort with exact ESR_EL1/FAR_EL1', () => {
    const r = run(`code at 0x8000_0000 {
start:
    ldr   x1, =0x1010_0000
    br    x1
}
expect {
  fault permission stage 1 level 3 on pe 0
  pe 0 esr_el1 == 0x8600_000f
  pe 0 far_el1 == 0x1010_0000
}`);
    assert.deepEqual(r.expectations.filter((e) => !e.held).map((e) => `${e.text}: ${e.detail}`), []);
  });
});
