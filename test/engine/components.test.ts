import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Machine } from '../../simulator/engine/machine';
import { Pl011 } from '../../simulator/devices/uart';
import { Prng } from '../../simulator/engine/prng';
import { NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { FlatMemorySystem } from '../../simulator/memory/flat';
import { PhysicalMemory } from '../../simulator/memory/physical';
import { TraceBus } from '../../simulator/trace/bus';
import type { TraceEvent } from '../../simulator/trace/events';
import { model } from './helpers';

describe('trace: TraceBus', () => {
  it('wants.<kind> is true exactly while someone listens, and false while muted', () => {
    const bus = new TraceBus();
    const changes: string[] = [];
    bus.onWantsChange((k) => changes.push(`${k}=${bus.wants[k]}`));
    assert.equal(bus.wants.exception, false);
    const got: TraceEvent[] = [];
    const off = bus.on('exception', (e) => got.push(e));
    assert.equal(bus.wants.exception, true);
    assert.equal(bus.wants.instruction, false);
    bus.emit({ kind: 'halted', step: 1, pe: 0, reason: 'x' });
    assert.equal(got.length, 0, 'other kinds are not delivered');
    bus.mute();
    assert.equal(bus.wants.exception, false);
    bus.unmute();
    assert.equal(bus.wants.exception, true);
    off();
    assert.equal(bus.wants.exception, false);
    assert.deepEqual(changes, ['exception=true', 'exception=false', 'exception=true', 'exception=false']);
  });
});

describe('trace: muted while replaying', () => {
  it('delivers nothing while muted (nested), and everything again once unmuted', () => {
    const bus = new TraceBus();
    const got: number[] = [];
    bus.on('halted', (e) => got.push(e.step));
    bus.mute();
    bus.mute();
    assert.equal(bus.wants.halted, false);
    bus.emit({ kind: 'halted', step: 1, pe: 0, reason: 'x' });
    bus.unmute();
    assert.equal(bus.wants.halted, false, 'still muted once');
    bus.unmute();
    assert.equal(bus.wants.halted, true);
    bus.emit({ kind: 'halted', step: 2, pe: 0, reason: 'x' });
    assert.deepEqual(got, [2]);
  });
});

describe('engine: Prng', () => {
  it('is a pure function of its seed and restorable from its state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 1, max: 50 }), (seed, n) => {
        const a = new Prng(seed);
        const b = new Prng(seed);
        for (let i = 0; i < n; i++) a.nextU32();
        const st = a.state();
        const next = a.nextU32();
        for (let i = 0; i < n; i++) b.nextU32();
        assert.equal(b.nextU32(), next);
        a.setState(st);
        assert.equal(a.nextU32(), next);
        const k = a.below(7);
        assert.ok(k >= 0 && k < 7);
      }),
    );
    assert.notEqual(new Prng(1).nextU32(), new Prng(2).nextU32());
  });
});

describe('memory: FlatMemorySystem', () => {
  const out = { ldLo: 0, ldHi: 0 } as unknown as import('../../simulator/pe/pe').Pe;

  it('reads back what was written at any size and alignment, across pages, like PhysicalMemory', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pa: fc.integer({ min: 0x8000_0000 - 16, max: 0x8000_0000 + 3 * 4096 }),
            size: fc.constantFrom(1, 2, 4, 8),
            lo: fc.integer({ min: 0, max: 0xffff_ffff }),
            hi: fc.integer({ min: 0, max: 0xffff_ffff }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (writes) => {
          const mem = new FlatMemorySystem();
          const ref = new PhysicalMemory();
          for (const w of writes) {
            mem.write(undefined, w.pa, w.size, w.lo, w.hi, NORMAL_WB_ISH);
            for (let i = 0; i < w.size; i++) ref.writeU8(w.pa + i, i < 4 ? (w.lo >>> (8 * i)) & 0xff : (w.hi >>> (8 * (i - 4))) & 0xff);
          }
          for (const w of writes) {
            mem.read(out, w.pa, 8, NORMAL_WB_ISH);
            const want = ref.readBytes(w.pa, 8);
            const got = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i < 4 ? (out.ldLo >>> (8 * i)) & 0xff : (out.ldHi >>> (8 * (i - 4))) & 0xff));
            assert.deepEqual(got, [...want]);
          }
        },
      ),
    );
  });

  it('dispatches device ranges to the device and flushes its page cache on restore', () => {
    const mem = new FlatMemorySystem();
    const uart = new Pl011('uart0');
    mem.mapDevice(0x0900_0000, 0x1000, uart);
    for (const c of 'hi') mem.write(undefined, 0x0900_0000, 1, c.charCodeAt(0), 0, NORMAL_WB_ISH);
    assert.equal(uart.output, 'hi');
    mem.read(out, 0x0900_0018, 4, NORMAL_WB_ISH);
    assert.equal(out.ldLo, 0x90, 'UARTFR: TXFE and RXFE');
    assert.equal(mem.physical.readU8(0x0900_0000), 0, 'device writes do not reach memory');

    mem.write(undefined, 0x8000_0000, 8, 0x1111_1111, 0x2222_2222, NORMAL_WB_ISH);
    const snap = mem.snapshot();
    mem.write(undefined, 0x8000_0000, 8, 0x3333_3333, 0x4444_4444, NORMAL_WB_ISH);
    mem.write(undefined, 0x0900_0000, 1, 0x21, 0, NORMAL_WB_ISH);
    mem.restore(snap);
    mem.read(out, 0x8000_0000, 8, NORMAL_WB_ISH);
    assert.deepEqual([out.ldLo, out.ldHi], [0x1111_1111, 0x2222_2222]);
    assert.equal(uart.output, 'hi');
  });
});

describe('engine: Machine services', () => {
  const twoPes = `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
  max_steps 10000
}
pe 0-1 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    add   x1, x1, #1
    b     start
}
`;

  it('time travel replays actions a caller applied instead of the policy', () => {
    const m = Machine.create(model(twoPes), { checkpointInterval: 4 });
    m.run(3);
    // A debugger steps PE 1 alone five times.
    for (let i = 0; i < 5; i++) m.apply({ kind: 'pe-step', pe: 1 });
    m.run(4);
    const h = m.stateHash();
    const x1 = [m.pes[0].getX(1), m.pes[1].getX(1)];
    assert.deepEqual(x1, [2n, 4n], 'PE 0 ran add,b,add; PE 1 add, then b,add,b,add,b alone, then add,b');
    m.goToStep(2);
    m.goToStep(12);
    assert.equal(m.stateHash(), h);
    assert.deepEqual([m.pes[0].getX(1), m.pes[1].getX(1)], x1);
  });

  it('emits memory-access events for flat memory only while subscribed', () => {
    const m = Machine.create(
      model(`
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    ldr   x2, =0x8000_2000
    mov   x1, #7
    str   x1, [x2]
    ldr   x3, [x2]
    hlt   #0
}
`),
    );
    const seen: Extract<TraceEvent, { kind: 'memory-access' }>[] = [];
    const off = m.trace.on('memory-access', (e) => {
      if (e.pa === 0x8000_2000) seen.push(e);
    });
    m.run();
    off();
    assert.deepEqual(
      seen.map((e) => [e.step, e.write, e.size, e.lo, e.attrs]),
      [
        [3, true, 8, 7, 'Device-nGnRnE'],
        [4, false, 8, 7, 'Device-nGnRnE'],
      ],
    );
  });

  it('a fill event without modelled caches is reported as having no effect', () => {
    const m = Machine.create(
      model(`
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    nop
    hlt   #0
}
event when step 1 do fill 0x8000_2000 in L1D.pe0
`),
    );
    const fired: string[] = [];
    m.trace.on('event-fired', (e) => fired.push(e.description));
    m.run();
    assert.deepEqual(fired, ['fill of [0x8000_2000] ignored: caches are not modelled (cache_model off)']);
  });

  it('requestStop ends the run with the checker\'s reason', () => {
    const m = Machine.create(model(twoPes));
    m.trace.on('instruction', (e) => {
      if (e.step === 10) m.requestStop('livelock: PE 0 and PE 1 spin without progress');
    });
    const stop = m.run();
    assert.deepEqual(stop, { kind: 'checker', reason: 'livelock: PE 0 and PE 1 spin without progress' });
    assert.equal(m.steps, 10);
  });
});

describe('engine: pausing', () => {
  it('requestPause from a listener returns from run() after that step; the next run() continues to the same end', () => {
    const text = `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
  max_steps 1000
}
pe 0-1 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    add   x1, x1, #1
    cmp   x1, #40
    b.ne  start
    hlt   #0
}
`;
    const straight = Machine.create(model(text));
    straight.run();
    const m = Machine.create(model(text));
    const off = m.trace.on('instruction', (e) => {
      if (e.pe === 1 && e.pc === 0x8000_0008) m.requestPause('breakpoint at 0x8000_0008 on PE 1');
    });
    assert.equal(m.run(), undefined, 'paused, not stopped');
    assert.equal(m.pauseReason, 'breakpoint at 0x8000_0008 on PE 1');
    assert.equal(m.steps, 6, 'PE 0 and PE 1 alternate: PE 1 reaches b.ne at step 6');
    off();
    assert.equal(m.run()?.kind, 'halted');
    assert.equal(m.pauseReason, undefined);
    assert.equal(m.stateHash(), straight.stateHash());
  });
});
