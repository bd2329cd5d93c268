import * as assert from 'node:assert/strict';
import { NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { fixture, rd, states, wr } from './helpers';

/**
 * Regression (fast-check seed -1778733266 of properties.test.ts, shrunk): a
 * fill whose own allocation pushes the copy it snooped outward. Caches of one
 * set's worth each (L1D 2 ways, L2 2 ways, system cache 4 ways; every line
 * below maps to set 0), so PE1's four writes leave line 0x8000_0500 Modified
 * in L2.cluster0; the next miss on it evicts an L1 line into that L2, whose
 * victim is 0x8000_0500 itself, written back into the system cache still
 * Modified. MOESI: a line Modified or Exclusive in one cache has no other
 * valid copy in the coherence domain — the new L1 copy must see the moved one.
 */
const L = (n: number): number => 0x8000_0000 + n;
const WRITES: [number, number][] = [
  [L(0x510), 1],
  [L(0x000), 1],
  [L(0x100), 1],
  [L(0x210), 1],
];

function setUp() {
  const f = fixture({
    pes: 4,
    clusterOf: [0, 0, 1, 1],
    config: { l1d: { size: 256, ways: 2 }, l2: { size: 512, ways: 2 }, system: { size: 1024, ways: 4 }, pou: 'l2' },
  });
  for (const [pa, v] of WRITES) wr(f, 1, pa, 8, v, NORMAL_WB_ISH);
  return f;
}

describe('cache coherence: a fill sees the copy its own eviction moved outward', () => {
  it('before the fill, the line is Modified in the L2 alone', () => {
    const f = setUp();
    assert.deepEqual(states(f, L(0x500)), ['L2.cluster0:M:Normal-WB ISH']);
  });

  it('a read miss takes the data from the system cache copy it pushed there: L1 Shared, system cache Owned', () => {
    const f = setUp();
    assert.equal(rd(f, 1, L(0x500), 8, NORMAL_WB_ISH), 0);
    assert.deepEqual(states(f, L(0x500)), ['L1D.pe1:S:Normal-WB ISH', 'SystemCache:O:Normal-WB ISH']);
    assert.equal(rd(f, 1, L(0x510), 8, NORMAL_WB_ISH), 1);
    // The only dirty copy is the owner; cleaning it leaves memory with the write.
    f.h.maintainByVa(f.pes[0], 'civac', L(0x500), NORMAL_WB_ISH);
    assert.deepEqual(states(f, L(0x500)), []);
    assert.equal(f.physical.readU32(L(0x510)), 1);
  });

  it('a write miss invalidates the moved copy: the L1 copy is Modified and alone', () => {
    const f = setUp();
    wr(f, 1, L(0x508), 8, 7, NORMAL_WB_ISH);
    assert.deepEqual(states(f, L(0x500)), ['L1D.pe1:M:Normal-WB ISH']);
    f.h.maintainByVa(f.pes[0], 'civac', L(0x500), NORMAL_WB_ISH);
    assert.equal(f.physical.readU32(L(0x508)), 7);
    assert.equal(f.physical.readU32(L(0x510)), 1);
  });
});
