import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { CacheHierarchy } from '../../simulator/cache/hierarchy';

/** The hierarchy inside a real machine: scenario → PEs → MMU → caches. */
describe('cache hierarchy in the machine', () => {
  const file = join(process.cwd(), 'examples', 'seed-003', 'bug-stale-phys-end.armscope');
  const text = readFileSync(file, 'utf8');
  const lineOf = (marker: string): number => text.split('\n').findIndex((l) => l.startsWith(marker)) + 1; // label line; the instruction follows

  it('cache-line events carry the source line of the instruction that caused them', () => {
    const m = Machine.create(parseScenario(text, file));
    const ev: { line?: number; cause?: string; to: string; pa: number }[] = [];
    m.trace.on('cache-line', (e) => ev.push(e));
    m.run();
    const store = ev.find((e) => e.to === 'M' && e.pa === 0x8000_2000);
    assert.ok(store);
    assert.equal(store.cause, 'write');
    assert.equal(store.line, lineOf('store_offset:'), 'the str after store_offset:');
  });

  it('views: the dirty line in L1D.pe0, main memory stale, PE 0 sees the new value', () => {
    const m = Machine.create(parseScenario(text, file));
    m.run();
    const h = m.memory;
    assert.ok(h instanceof CacheHierarchy);
    const copies = h.linesOf(0x8000_2008);
    assert.deepEqual(copies.map((c) => `${c.cache} ${c.state} ${c.attrs}`), ['L1D.pe0 M Normal-WB ISH']);
    assert.equal(h.readMain(0x8000_2008, 8), 0n);
    assert.equal(h.readAsSeenBy(0, 0x8000_2008, 8), 0x8000_4000n);
    assert.equal(h.inspect(0x8000_2008, 8, { pe: 0 }), 0x8000_4000n);
    const report = h.cacheReport().find((c) => c.name === 'L1D.pe0')!;
    assert.ok(report.lines.some((l) => l.pa === 0x8000_2000 && l.state === 'M' && l.data.startsWith('0x8000_0000 0x8000_4000')));
  });

  it('checkpoints: going back restores cache states (time travel)', () => {
    const m = Machine.create(parseScenario(text, file), { checkpointInterval: 5 });
    m.run();
    const h = m.memory as CacheHierarchy;
    const end = JSON.stringify(h.summaries().map((c) => c.lines.map((l) => [l.pa, l.state])));
    m.goToStep(1);
    assert.deepEqual(h.linesOf(0x8000_2000), []);
    m.goToStep(1000);
    assert.equal(JSON.stringify(h.summaries().map((c) => c.lines.map((l) => [l.pa, l.state]))), end);
  });
});

describe('instruction side in the machine: code written at run time', () => {
  const text = (maintenance: string): string => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 1000
}
pe 0 {
  el 1
  entry start
  mair_el1 = 0xff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = tables
  sctlr_el1 = 0x30d0_1805
}
code at 0x8000_0000 {
start:
    ldr   x0, =patch
    ldr   w1, =0xd28000e5             // mov x5, #7
    str   w1, [x0]                    // Normal-WB: the new word is dirty in L1D.pe0
${maintenance}
patch:
    nop
    hlt   #0
}
data at 0x8000_1000 {
tables:
    .quad 0, 0, 0x8000_0701, 0
}
`;
  const run = (maintenance: string): bigint => {
    const m = Machine.create(parseScenario(text(maintenance), 'smc.armscope'));
    m.run();
    assert.equal(m.pes[0].state, 'halted');
    return m.pes[0].getX(5);
  };

  it('without maintenance the PE executes the stale instruction it already fetched', () => {
    assert.equal(run(''), 0n);
  });

  it('IC IVAU alone is not enough: the I-side refills from the PoU, which the dirty data has not reached', () => {
    assert.equal(run('    dsb ish\n    ic ivau, x0\n    dsb ish\n    isb'), 0n);
  });

  it('DC CVAU; DSB; IC IVAU; DSB; ISB makes the new instruction execute', () => {
    assert.equal(run('    dc cvau, x0\n    dsb ish\n    ic ivau, x0\n    dsb ish\n    isb'), 7n);
  });
});
