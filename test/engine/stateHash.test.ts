/**
 * `Machine.stateHash()` covers every component (exploration merges states by
 * it; determinism tests compare it): the cache hierarchy's lines (place,
 * state, attributes, data), the devices, and components that only implement
 * `Snapshottable` (hashed through their snapshot).
 */
import * as assert from 'node:assert/strict';
import { CacheHierarchy } from '../../simulator/cache';
import { Machine } from '../../simulator/engine/machine';
import { hashValue, StateHasher } from '../../simulator/component/state';
import { NORMAL_WB_ISH, NORMAL_WB_OSH } from '../../simulator/memory/attributes';
import { model } from './helpers';

const SCENARIO = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    ldr   x1, =0x8001_0000
    mov   x2, #5
    str   x2, [x1]        // MMU off, SCTLR_EL1.C=0: Normal Non-cacheable, no copy
    hlt   #0
}
`;

function ran(): Machine {
  const m = Machine.create(model(SCENARIO));
  m.run();
  assert.equal(m.stopInfo?.kind, 'halted');
  return m;
}

function hier(m: Machine): CacheHierarchy {
  assert.ok(m.memory instanceof CacheHierarchy);
  return m.memory;
}

describe('engine: stateHash covers the caches and every component', () => {
  it('a dirty cached write that main memory does not hold yet changes the hash', () => {
    const a = ran();
    const b = ran();
    assert.equal(a.stateHash(), b.stateHash(), 'same run, same hash');
    // PE 0 writes through a cacheable mapping: the data sits in L1D (Modified), physical memory is unchanged.
    const before = a.physical.readU8(0x8002_0000);
    a.memory.write(a.pes[0], 0x8002_0000, 8, 0x1234_5678, 0, NORMAL_WB_ISH);
    assert.equal(a.physical.readU8(0x8002_0000), before, 'main memory untouched');
    assert.ok(hier(a).linesOf(0x8002_0000).some((l) => l.state === 'M'), 'a Modified copy exists');
    assert.notEqual(a.stateHash(), b.stateHash());
    // Same write on the other machine: same state again.
    b.memory.write(b.pes[0], 0x8002_0000, 8, 0x1234_5678, 0, NORMAL_WB_ISH);
    assert.equal(a.stateHash(), b.stateHash());
  });

  it('the attributes of a copy are part of the state (same data, other shareability)', () => {
    const a = ran();
    const b = ran();
    a.memory.write(a.pes[0], 0x8003_0000, 8, 7, 0, NORMAL_WB_ISH);
    b.memory.write(b.pes[0], 0x8003_0000, 8, 7, 0, NORMAL_WB_OSH);
    assert.notEqual(a.stateHash(), b.stateHash());
  });

  it('a speculative fill (a clean copy of what memory holds) changes the hash; restore brings it back', () => {
    const m = ran();
    const snap = m.snapshot();
    const h = m.stateHash();
    hier(m).speculation.fill(0x8004_0000, 'L1D.pe0');
    assert.equal(hier(m).linesOf(0x8004_0000).length, 1, 'one clean copy');
    assert.notEqual(m.stateHash(), h);
    m.restore(snap);
    assert.equal(m.stateHash(), h);
  });

  it('components without their own stateHash are hashed through their snapshot', () => {
    const m = ran();
    const h = m.stateHash();
    const probe = { n: 1, snapshot: () => ({ n: probe.n }), restore: (s: unknown) => void (probe.n = (s as { n: number }).n) };
    m.addComponent({ name: 'probe', state: probe });
    const h1 = m.stateHash();
    assert.notEqual(h1, h);
    probe.n = 2;
    assert.notEqual(m.stateHash(), h1);
    probe.n = 1;
    assert.equal(m.stateHash(), h1);
  });

  it('structural hashing: key and Map-insertion order do not matter, values do', () => {
    const hv = (v: unknown): number => {
      const h = new StateHasher();
      hashValue(h, v);
      return h.value();
    };
    assert.equal(hv({ a: 1, b: [2n, 'x'] }), hv({ b: [2n, 'x'], a: 1 }));
    assert.equal(hv(new Map([[1, 'a'], [2, 'b']])), hv(new Map([[2, 'b'], [1, 'a']])));
    assert.notEqual(hv(new Map([[1, 'a'], [2, 'b']])), hv(new Map([[1, 'b'], [2, 'a']])));
    assert.notEqual(hv(new Uint8Array([1, 2])), hv(new Uint8Array([2, 1])));
    assert.notEqual(hv({ a: undefined }), hv({ a: null }));
    const cyc: { self?: unknown; v: number } = { v: 3 };
    cyc.self = cyc;
    assert.equal(typeof hv(cyc), 'number', 'cycles terminate');
  });
});
