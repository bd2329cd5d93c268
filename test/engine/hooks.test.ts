/**
 * Hook points (component/hook.ts) and watched writes (memory/watch.ts): the
 * mechanics every component and checker relies on, and what a machine has
 * subscribed when nobody listens (nothing on the hot paths).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Hook } from '../../simulator/component/hook';
import { CacheHierarchy } from '../../simulator/cache';
import { Machine } from '../../simulator/engine/machine';
import { watchWrites, type WatchedWrite } from '../../simulator/engine/writeWatch';
import { NORMAL_NC, NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { WriteWatch } from '../../simulator/memory/watch';
import { model } from './helpers';

describe('hooks: Hook', () => {
  it('is inactive and a no-op without subscribers; emit is the only subscriber itself', () => {
    const h = new Hook<(n: number) => void>('test');
    assert.equal(h.active, false);
    h.emit(1);
    const got: number[] = [];
    const fn = (n: number): void => void got.push(n);
    const off = h.subscribe(fn);
    assert.equal(h.active, true);
    assert.equal(h.emit, fn, 'one subscriber: no fan-out in between');
    h.emit(2);
    off();
    off();
    assert.equal(h.active, false, 'unsubscribing twice is harmless');
    h.emit(3);
    assert.deepEqual(got, [2]);
  });

  it('calls every subscriber in subscription order, each exactly once per emit (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (keep) => {
        const h = new Hook<(tag: string) => void>('test');
        const calls: string[] = [];
        const offs = keep.map((_, i) => h.subscribe((tag) => calls.push(`${i}${tag}`)));
        keep.forEach((k, i) => {
          if (!k) offs[i]();
        });
        h.emit('!');
        assert.deepEqual(calls, keep.flatMap((k, i) => (k ? [`${i}!`] : [])));
        assert.equal(h.size, keep.filter((k) => k).length);
        assert.equal(h.active, keep.some((k) => k));
      }),
    );
  });

  it('a subscriber that unsubscribes or subscribes during an emit does not change that emit', () => {
    const h = new Hook<() => void>('test');
    const calls: string[] = [];
    const offB = h.subscribe(() => calls.push('b'));
    h.subscribe(() => {
      calls.push('a');
      offB();
      h.subscribe(() => calls.push('late'));
    });
    h.subscribe(() => calls.push('c'));
    // b was subscribed first: order b, a, c.
    h.emit();
    assert.deepEqual(calls, ['b', 'a', 'c']);
    calls.length = 0;
    h.emit();
    assert.deepEqual(calls, ['a', 'c', 'late']);
  });
});

describe('hooks: watched writes', () => {
  const none = undefined;

  it('tells a watcher about every write overlapping its ranges (on any page), once per write, before others later created', () => {
    const w = new WriteWatch();
    assert.equal(w.any, false);
    const seen: string[] = [];
    const a = w.watcher((_pe, pa, size) => seen.push(`a ${pa.toString(16)}/${size}`));
    const b = w.watcher((_pe, pa, size) => seen.push(`b ${pa.toString(16)}/${size}`));
    b.add(0x1000, 8);
    a.add(0x1000, 8);
    a.add(0x1ffc, 8); // crosses into the next page
    assert.equal(w.any, true);
    w.check(none, 0x1004, 4, 0, 0, NORMAL_WB_ISH);
    w.check(none, 0x1008, 8, 0, 0, NORMAL_WB_ISH);
    w.check(none, 0x2000, 1, 0, 0, NORMAL_WB_ISH);
    w.check(none, 0x0ffc, 8, 0, 0, NORMAL_WB_ISH);
    assert.deepEqual(seen, ['a 1004/4', 'b 1004/4', 'a 2000/1', 'a ffc/8', 'b ffc/8']);
    a.dispose();
    b.dispose();
    assert.equal(w.any, false);
    w.check(none, 0x1000, 8, 0, 0, NORMAL_WB_ISH);
    assert.equal(seen.length, 5);
  });

  it('matches a plain overlap test for random ranges and writes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pa: fc.integer({ min: 0, max: 0x3ff0 }), size: fc.integer({ min: 1, max: 64 }) }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ pa: fc.integer({ min: 0, max: 0x3ff8 }), size: fc.constantFrom(1, 2, 4, 8) }), { maxLength: 30 }),
        (ranges, writes) => {
          const w = new WriteWatch();
          let hits = 0;
          const watcher = w.watcher(() => hits++);
          for (const r of ranges) watcher.add(r.pa, r.size);
          const expected = writes.filter((x) => ranges.some((r) => x.pa < r.pa + r.size && r.pa < x.pa + x.size)).length;
          for (const x of writes) w.check(none, x.pa, x.size, 0, 0, NORMAL_WB_ISH);
          assert.equal(hits, expected);
        },
      ),
    );
  });

  it('a page written while unwatched is reported once watched (ranges added between writes, on more pages than it remembers unwatched)', () => {
    type Op = { add: boolean; pa: number; size: number };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ add: fc.boolean(), page: fc.integer({ min: 0, max: 11 }), off: fc.constantFrom(0, 4, 8, 0xff8), size: fc.constantFrom(1, 4, 8) }),
          { maxLength: 60 },
        ),
        (raw) => {
          // Pages 0x80000 + k * 0x100: aligned buffers, as a program lays them out.
          const ops: Op[] = raw.map((r) => ({ add: r.add, pa: (0x8_0000 + r.page * 0x100) * 0x1000 + r.off, size: r.size }));
          const w = new WriteWatch();
          let hits = 0;
          const watcher = w.watcher(() => hits++);
          const ranges: Op[] = [];
          let expected = 0;
          for (const op of ops) {
            if (op.add) {
              watcher.add(op.pa, op.size);
              ranges.push(op);
            } else {
              w.check(none, op.pa, op.size, 0, 0, NORMAL_WB_ISH);
              if (ranges.some((r) => op.pa < r.pa + r.size && r.pa < op.pa + op.size)) expected++;
            }
          }
          assert.equal(hits, expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const TWO_PES = `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
}
pe 0-1 { el 1
  entry start }
code at 0x8000_0000 {
start:
    ldr   x1, =0x8001_0000
    mov   x2, #7
    str   x2, [x1]
    ldr   x3, [x1]
    hlt   #0
}
`;

describe('hooks: a machine nobody watches', () => {
  it('has no subscriber on any hot-path hook without checkers and trace listeners', () => {
    const m = Machine.create(model(TWO_PES), { checkers: false });
    const h = m.hooks;
    assert.ok(m.memory instanceof CacheHierarchy);
    const c = h.cache!;
    const cache = [c.lineState, c.bypassRead, c.bypassWrite, c.miss, c.foreignWrite, c.staleHit, c.staleWriteBack];
    const hot = [h.memory.read, h.memory.write, h.memory.barrier, h.memory.maintenance, h.mmu.walkStep, h.mmu.tlbUse, h.mmu.tlbi, h.pe.sysregWrite, h.gic.interrupt, ...cache];
    assert.deepEqual(
      hot.filter((x) => x.active).map((x) => x.name),
      [],
    );
    assert.equal(m.memory.watch.any, false);
    m.run();
    assert.equal(m.stopInfo?.kind, 'halted');
  });

  it('a debugger watchpoint is a watcher on the memory system: it sees PE stores and scenario writes, and leaves nothing behind', () => {
    const m = Machine.create(model(TWO_PES + 'event when step 1 do write 0x8001_0000 = 5 size 8\n'));
    const seen: WatchedWrite[] = [];
    const off = watchWrites(m, [{ pa: 0x8001_0004, size: 4 }], (w) => seen.push(w));
    m.run();
    off();
    assert.equal(m.memory.watch.any, false, 'nothing watched any more (no walk used a descriptor the checkers would watch)');
    assert.deepEqual(
      seen.map((w) => [w.pe, w.pa, w.size, w.attrs]),
      [
        [undefined, 0x8001_0000, 8, NORMAL_NC.label],
        // MMU off: data accesses are Device-nGnRnE (Arm ARM D8.2.11).
        [0, 0x8001_0000, 8, 'Device-nGnRnE'],
        [1, 0x8001_0000, 8, 'Device-nGnRnE'],
      ],
    );
  });
});

describe('hooks: checkers subscribe, they patch nothing', () => {
  it("the memory system's, MMU's and PEs' methods and services are their own after the checkers attach", async () => {
    const { VmsaMmu } = await import('../../simulator/mmu/vmsa');
    const m = Machine.create(model(TWO_PES));
    assert.ok(m.memory instanceof CacheHierarchy && m.mmu instanceof VmsaMmu);
    const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
    assert.deepEqual(['read', 'write', 'barrier', 'maintainByVa'].filter((k) => own(m.memory, k)), [], 'no method replaced on the memory system');
    assert.deepEqual(['translate', 'tlbi', 'addressTranslate'].filter((k) => own(m.mmu, k)), [], 'no method replaced on the MMU');
    for (const pe of m.pes) assert.equal(pe.env.memory, m.memory, 'every PE talks to the memory system itself');
    assert.ok(m.hooks.mmu.walkStep.active && m.hooks.mmu.tlbi.active && m.hooks.memory.barrier.active, 'the checkers listen on hooks');
  });
});
