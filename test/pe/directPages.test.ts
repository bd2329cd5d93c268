/**
 * Direct data pages (simulator/memory/direct.ts): a PE's loads and stores to the page of its last
 * load or store skip the MMU and the memory system only while nothing can tell the difference. A
 * hook subscribed, a range watched, a checkpoint taken or restored, or a TLBI in the middle of a
 * run must see, or change, every access after it.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { applyPageTables } from '../../simulator/mmu/pagetable/block';
import type { ScenarioModel } from '../../simulator/scenario/model';

const ITERATIONS = 1000;
/** Instructions per loop iteration: ldr, add, str, subs, b.ne. */
const PER_ITERATION = 5;
const DATA = 0x8000_8000;

function flatLoop(): ScenarioModel {
  const model = parseScenario(
    `scenario "direct pages"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
}
pe 0 {
  el 1
  entry start
  x0 = ${ITERATIONS}
  x10 = ${DATA}
}
code at 0x8000_0000 {
start:
loop:
    ldr   x3, [x10]
    add   x3, x3, #1
    str   x3, [x10]
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
}
`,
    'direct-pages.armscope',
  );
  assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return model;
}

/** The counter the loop increments. */
function counter(m: Machine): number {
  return m.memory.physical.readU32(DATA);
}

describe('direct data pages (memory/direct.ts)', () => {
  it('a memory hook subscribed in the middle of a run sees every load and store after it', () => {
    const m = Machine.create(flatLoop());
    m.run(20 * PER_ITERATION);
    assert.equal(counter(m), 20);
    let reads = 0;
    let writes = 0;
    const offRead = m.memory.hooks.read.subscribe((_pe, pa: number) => {
      assert.equal(pa, DATA);
      reads++;
    });
    const offWrite = m.memory.hooks.write.subscribe((_pe, pa: number, _size: number, lo: number) => {
      assert.equal(pa, DATA);
      writes++;
      assert.equal(lo, 20 + writes);
    });
    m.run(30 * PER_ITERATION);
    assert.equal(reads, 30);
    assert.equal(writes, 30);
    // Unsubscribed: the rest of the run goes on with the same results.
    offRead();
    offWrite();
    m.run();
    assert.equal(m.stopInfo?.kind, 'halted');
    assert.equal(reads, 30);
    assert.equal(counter(m), ITERATIONS);
  });

  it('a range watched in the middle of a run is told of every store after it', () => {
    const m = Machine.create(flatLoop());
    m.run(100 * PER_ITERATION);
    const seen: number[] = [];
    m.memory.watch.watcher((_pe, _pa, _size, lo) => seen.push(lo)).add(DATA, 8);
    m.run();
    assert.equal(m.stopInfo?.kind, 'halted');
    assert.equal(seen.length, ITERATIONS - 100);
    assert.equal(seen[0], 101);
    assert.equal(seen[seen.length - 1], ITERATIONS);
  });

  it('stores after a checkpoint do not reach it, and a restored run stores into the restored memory', () => {
    const m = Machine.create(flatLoop());
    m.run(50 * PER_ITERATION);
    const s = m.snapshot();
    const hash = m.stateHash();
    m.run();
    assert.equal(counter(m), ITERATIONS);
    m.restore(s);
    assert.equal(counter(m), 50);
    assert.equal(m.stateHash(), hash);
    m.run(10 * PER_ITERATION);
    assert.equal(counter(m), 60);
    m.restore(s);
    assert.equal(counter(m), 50);
    m.run();
    assert.equal(m.stopInfo?.kind, 'halted');
    assert.equal(counter(m), ITERATIONS);
  });

  for (const caches of ['off', 'on'] as const) {
    it(`a load after remapping its page and TLBI reads the new page; before the TLBI, the old one (caches ${caches})`, () => {
      // Stage 1 maps VA 0x4000_0000 to PA 0x8001_0000 (page A); the code rewrites the level-3
      // descriptor to PA 0x8001_1000 (page B), loads (the TLB still holds A), then TLBI and loads again.
      const model = parseScenario(
        `scenario "direct pages: remap"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model ${caches}
}
pe 0 {
  el 1
  entry start
  mair_el1 = 0xff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = l1
  sctlr_el1 = 0x30d0_1805
  x10 = 0x4000_0000
  x11 = 0x8000_a000
  x12 = 0x8001_1703
}
code at 0x8000_0000 {
start:
    ldr   x1, [x10]
    ldr   x2, [x10, #8]
    str   x12, [x11]
    dsb   ish
    ldr   x3, [x10]
    tlbi  vmalle1
    dsb   ish
    isb
    ldr   x4, [x10]
    ldr   x5, [x10, #8]
    hlt   #0
}
data at 0x8000_8000 {
l1:
    .quad 0, 0x8000_9003, 0x8000_0701, 0
}
data at 0x8000_9000 {
l2:
    .quad 0x8000_a003
}
data at 0x8000_a000 {
l3:
    .quad 0x8001_0703
}
data at 0x8001_0000 {
    .quad 0xaaaa, 0xaaab
}
data at 0x8001_1000 {
    .quad 0xbbbb, 0xbbbc
}
`,
        `direct-pages-remap-${caches}.armscope`,
      );
      applyPageTables(model);
      assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      const m = Machine.create(model);
      m.run();
      assert.equal(m.stopInfo?.kind, 'halted', m.stopInfo?.reason);
      const pe = m.pes[0];
      assert.deepEqual(
        [1, 2, 3, 4, 5].map((r) => pe.getX(r)),
        [0xaaaan, 0xaaabn, 0xaaaan, 0xbbbbn, 0xbbbcn],
      );
    });
  }
});
