/**
 * The engine wires the cache hierarchy into the PE and the trace:
 * CLIDR_EL1/CCSIDR_EL1 describe the scenario's `caches { … }` geometry (Arm
 * ARM D24.2), and `memory-access` trace events appear with caches on too —
 * with no observer installed while nobody listens.
 */
import * as assert from 'node:assert/strict';
import { CacheHierarchy } from '../../simulator/cache';
import { Machine } from '../../simulator/engine/machine';
import type { TraceEvent } from '../../simulator/trace/events';
import { model } from './helpers';

const GEOMETRY = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
}
caches {
  l1d size 0x200 ways 2
  l2 size 0x800 ways 4
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    mrs   x0, clidr_el1
    msr   csselr_el1, xzr        // Level 1, data
    isb
    mrs   x1, ccsidr_el1
    mov   x9, #2                 // Level 2, unified
    msr   csselr_el1, x9
    isb
    mrs   x2, ccsidr_el1
    mov   x9, #1                 // Level 1, instruction
    msr   csselr_el1, x9
    isb
    mrs   x3, ccsidr_el1
    hlt   #0
}
`;

describe('engine: cache identification registers and memory-access events with caches on', () => {
  it('CLIDR_EL1 and CCSIDR_EL1 (selected by CSSELR_EL1) describe the configured caches', () => {
    const m = Machine.create(model(GEOMETRY));
    m.run();
    const pe = m.pes[0];
    // Ctype1 = I+D (0b011), Ctype2 = unified (0b100); LoUIS = LoUU = 1 (PoU after L1, default `pou l2`), LoC = 2.
    assert.equal(pe.getX(0), 0x0a20_0023n);
    // L1D 512 B, 2 ways, 64-byte lines: 4 sets → NumSets-1 = 3 [27:13], Associativity-1 = 1 [12:3], LineSize = 2 [2:0].
    assert.equal(pe.getX(1), (3n << 13n) | (1n << 3n) | 2n);
    // L2 2 KB, 4 ways: 8 sets.
    assert.equal(pe.getX(2), (7n << 13n) | (3n << 3n) | 2n);
    // The L1 instruction cache reports the L1D geometry (idRegisters.ts).
    assert.equal(pe.getX(3), pe.getX(1));
    // Views and expectations read the stored value: it follows CSSELR_EL1 (last selected: L2 → then L1 I).
    assert.equal(pe.readSysreg('CCSIDR_EL1'), pe.getX(3));
    const fresh = Machine.create(model(GEOMETRY));
    assert.equal(fresh.pes[0].readSysreg('CCSIDR_EL1'), (3n << 13n) | (1n << 3n) | 2n, 'at reset CSSELR_EL1 = 0 selects L1D');
  });

  it('a scenario value for CLIDR_EL1 still wins over the computed one', () => {
    const m = Machine.create(model(GEOMETRY.replace('  entry start\n', '  entry start\n  clidr_el1 = 0x0200_0023\n')));
    m.run();
    assert.equal(m.pes[0].getX(0), 0x0200_0023n);
  });

  it('memory-access events carry PE, PA, size, direction and value with caches on; no observer when nobody listens', () => {
    const m = Machine.create(
      model(`
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
    ldr   x1, =0x8001_0008
    ldr   x2, =0x1122_3344_5566_7788
    str   x2, [x1]
    ldr   w3, [x1, #4]
    hlt   #0
}
`),
    );
    const mem = m.memory;
    assert.ok(mem instanceof CacheHierarchy);
    // The checkers' shadow memory follows every write; nothing else listens until the trace asks.
    assert.deepEqual([mem.hooks.read.size, mem.hooks.write.size], [0, 1], 'nobody listens: only the checkers subscribe');
    const seen: Extract<TraceEvent, { kind: 'memory-access' }>[] = [];
    const off = m.trace.on('memory-access', (e) => seen.push(e));
    assert.deepEqual([mem.hooks.read.size, mem.hooks.write.size], [1, 2], 'the trace bridge subscribed');
    m.run();
    off();
    assert.deepEqual([mem.hooks.read.size, mem.hooks.write.size], [0, 1], 'unsubscribed: removed again');
    const data = seen.filter((e) => e.pa >= 0x8001_0000 && e.pa < 0x8002_0000);
    assert.deepEqual(
      data.map((e) => ({ pe: e.pe, pa: e.pa, size: e.size, write: e.write, lo: e.lo >>> 0, hi: e.hi >>> 0 })),
      [
        { pe: 0, pa: 0x8001_0008, size: 8, write: true, lo: 0x5566_7788, hi: 0x1122_3344 },
        { pe: 0, pa: 0x8001_000c, size: 4, write: false, lo: 0x1122_3344, hi: 0 },
      ],
    );
    // The literal-pool loads are reported too (same event stream as with cache_model off).
    assert.ok(seen.some((e) => !e.write && e.size === 8 && e.pa >= 0x8000_0000 && e.pa < 0x8000_1000));
  });
});
