/**
 * Copy-on-write cache checkpoints (cache/checkpoint.ts): random accesses with
 * mixed attributes, maintenance, speculative fills and stale-hit reports,
 * interleaved with snapshots and restores, against a naive model that
 * deep-copies every way at every snapshot; the incremental fingerprint against
 * one computed from scratch; and the cost of a checkpoint in ways copied.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { hashLines, hashLinesFromScratch, waysCopied } from '../../simulator/cache/checkpoint';
import { LineState } from '../../simulator/cache/line';
import { DEVICE_nGnRnE, memAttrs, NORMAL_NC, NORMAL_WB_ISH, NORMAL_WB_NSH, NORMAL_WB_OSH } from '../../simulator/memory/attributes';
import { fixture, watchHazards, type Fixture } from './helpers';

const BASE = 0x8000_0000;
const NORMAL_WT_ISH = memAttrs('normal', { inner: 'wt', outer: 'wt', sh: 'ish' });
const ATTRS = [NORMAL_WB_ISH, NORMAL_WB_NSH, NORMAL_WB_OSH, NORMAL_WT_ISH, NORMAL_NC, DEVICE_nGnRnE];

type Op =
  | { k: 'r' | 'w'; pe: number; slot: number; v: number; attrs: number }
  | { k: 'm'; pe: number; slot: number; op: 'civac' | 'cvac' | 'cvau' | 'ivac'; attrs: number }
  | { k: 'sw'; pe: number; set: number; way: number; op: 'csw' | 'cisw' | 'isw' }
  | { k: 'fill'; slot: number; cache: string }
  | { k: 'snap' }
  | { k: 'restore'; which: number }
  | { k: 'hash' };

// 24 slots of 8 bytes over lines that collide in small caches.
const slotPa = (slot: number): number => BASE + (slot % 6) * 0x100 + Math.floor(slot / 6) * 8;

// Mostly PE 0 and a few slots, so that an access often finds the copy an earlier one made (hits, upgrades).
const peArb = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) });
const slotArb = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(0, 1, 6) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 23 }) });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constantFrom('r' as const, 'w' as const),
      pe: peArb,
      slot: slotArb,
      v: fc.integer({ min: 0, max: 0xffff_ffff }),
      // Mostly the same few attributes (hits, and the write-through path), sometimes the others.
      attrs: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 3) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: ATTRS.length - 1 }) }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('m' as const),
      pe: peArb,
      slot: slotArb,
      op: fc.constantFrom('civac' as const, 'cvac' as const, 'cvau' as const, 'ivac' as const),
      attrs: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('sw' as const),
      pe: fc.integer({ min: 0, max: 3 }),
      set: fc.integer({ min: 0, max: 1 }),
      way: fc.integer({ min: 0, max: 1 }),
      op: fc.constantFrom('csw' as const, 'cisw' as const, 'isw' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('fill' as const), slot: fc.integer({ min: 0, max: 23 }), cache: fc.constantFrom('L1D.pe0', 'L2.cluster1', 'SystemCache') }) },
  { weight: 2, arbitrary: fc.constant({ k: 'snap' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('restore' as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ k: 'hash' as const }) },
);

function smallFixture(): Fixture {
  return fixture({
    pes: 4,
    clusterOf: [0, 0, 1, 1],
    config: { l1d: { size: 256, ways: 2 }, l2: { size: 512, ways: 2 }, system: { size: 1024, ways: 4 }, pou: 'l2' },
  });
}

/** Everything about every way (invalid ways: only that they are invalid), the hierarchy's own fields and memory: a deep copy. */
function naive(f: Fixture): string {
  const h = f.h;
  const caches = h.caches.map((c) =>
    c.lines.map((l) =>
      l.state === LineState.I
        ? 'I'
        : [l.pa, l.state, l.attrs.label, [...l.data].join(','), l.lru, l.writePe, l.writePc, l.writeStep, l.pouCleanPe, l.pouCleanPc, l.speculative, l.specPc, l.specPe]
            .concat([l.staleByPe, l.staleByPc, l.staleByStep, l.staleByAttrs?.label ?? '-', l.staleReported])
            .join('|'),
    ),
  );
  const memory = f.physical.pageNumbers().map((no) => [no, [...f.physical.page(no * 4096, false)!.subarray(0, 0x700)].join(',')]);
  return JSON.stringify({ caches, memory, tick: h.tick, dirty: h.dirtyCopies, anyCached: h.anyCached, sole: h.domains.soleKey === null ? 'several keys' : (h.domains.soleKey?.label ?? 'no key yet') });
}

function apply(f: Fixture, op: Op): void {
  const h = f.h;
  f.step.n++;
  switch (op.k) {
    case 'r':
      h.read(f.pes[op.pe], slotPa(op.slot), 8, ATTRS[op.attrs]);
      return;
    case 'w':
      h.write(f.pes[op.pe], slotPa(op.slot), 8, op.v, op.v ^ 0x5555, ATTRS[op.attrs]);
      return;
    case 'm':
      h.maintainByVa(f.pes[op.pe], op.op, slotPa(op.slot), ATTRS[op.attrs]);
      return;
    case 'sw':
      h.maintainBySetWay(f.pes[op.pe], op.op, (BigInt(op.way) << 31n) | (BigInt(op.set) << 6n));
      return;
    case 'fill':
      h.speculation.fill(slotPa(op.slot), op.cache);
      return;
    default:
  }
}

describe('cache hierarchy: copy-on-write checkpoints (fast-check against a deep-copy model)', () => {
  it('restores every way, the hierarchy fields and memory exactly; the fingerprint is incremental and exact', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const f = smallFixture();
        // The hazard detector marks stale hits reported (a field the checkpoints must carry).
        watchHazards(f);
        const snaps: { snap: unknown; naive: string; hash: number }[] = [];
        for (const op of ops) {
          if (op.k === 'snap') snaps.push({ snap: f.h.snapshot(), naive: naive(f), hash: f.h.stateHash() });
          else if (op.k === 'restore') {
            if (snaps.length === 0) continue;
            const s = snaps[op.which % snaps.length];
            f.h.restore(s.snap);
            assert.equal(naive(f), s.naive, 'the live state is the snapshot again');
            assert.equal(f.h.stateHash(), s.hash, 'and hashes as it did');
          } else if (op.k === 'hash') assert.deepEqual(hashLines(f.h), hashLinesFromScratch(f.h));
          else apply(f, op);
        }
        assert.deepEqual(hashLines(f.h), hashLinesFromScratch(f.h), 'incremental fingerprint = fingerprint from scratch');
        for (const s of snaps) {
          f.h.restore(s.snap);
          assert.equal(naive(f), s.naive, 'every snapshot is still what it was when taken');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('marks a clean to the PoU on a copy that stays dirty (its only change) and restores it', () => {
    // PoU at the L1: DC CVAU of a dirty L1 copy leaves it dirty and notes the clean (pou-where-poc-needed uses it).
    const f = fixture({ pes: 1, config: { pou: 'l1' } });
    const pe = f.pes[0];
    f.h.write(pe, BASE, 8, 1, 0, NORMAL_WB_ISH);
    const s = f.h.snapshot();
    const before = naive(f);
    pe.pc = 0x8000_1234;
    f.h.maintainByVa(pe, 'cvau', BASE, NORMAL_WB_ISH);
    assert.equal(f.h.caches[0].lines.find((l) => l.pa === BASE)?.pouCleanPc, 0x8000_1234);
    assert.notEqual(naive(f), before);
    f.h.restore(s);
    assert.equal(naive(f), before);
  });

  it('a checkpoint copies the ways changed since the previous one, and only those', () => {
    const f = fixture({ pes: 1, config: { l1d: { size: 0x1000, ways: 4 }, l2: { size: 0x4000, ways: 8 } } });
    const pe = f.pes[0];
    f.h.snapshot();
    const c0 = waysCopied(f.h);
    // 10 lines in 10 different sets of the L1 (and of the L2): 10 ways allocated in the L1.
    for (let i = 0; i < 10; i++) f.h.write(pe, BASE + i * 64, 8, i, 0, NORMAL_WB_ISH);
    const s1 = f.h.snapshot() as { caches: unknown[] };
    assert.equal(waysCopied(f.h) - c0, 10);
    const again = f.h.snapshot() as { caches: unknown[] };
    again.caches.forEach((c, i) => assert.equal(c, s1.caches[i], 'nothing changed since: the same capture of every cache'));
    assert.equal(waysCopied(f.h) - c0, 10);
    // Reading 3 of them changes their age: 3 ways.
    for (let i = 0; i < 3; i++) f.h.read(pe, BASE + i * 64, 8, NORMAL_WB_ISH);
    f.h.snapshot();
    assert.equal(waysCopied(f.h) - c0, 13);
    // Restoring s1 rewrites the 3 ways that differ from it.
    f.h.restore(s1);
    assert.equal(waysCopied(f.h) - c0, 16);
  });
});
