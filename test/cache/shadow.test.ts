/**
 * The checkers' shadow memory (cache/shadow.ts) fingerprint: writes only mark
 * their granules dirty and `stateHash` brings the page sums up to date. Random
 * writes (within a granule, across granules and across pages), snapshots,
 * restores and hashes at random points must give the fingerprint of a fresh
 * shadow that replays the same writes and hashes once, and of one that hashes
 * after every write.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { ShadowMemory } from '../../simulator/cache/shadow';
import { PAGE_SIZE, PhysicalMemory } from '../../simulator/memory/physical';

interface Write {
  pe: number;
  pa: number;
  size: number;
  lo: number;
  hi: number;
  epoch: number;
}

type Op = { k: 'w'; w: Write } | { k: 'snap' } | { k: 'restore'; which: number } | { k: 'hash' };

const BASE = 0x8000_0000;
/** Offsets from BASE: aligned, across a granule (…_0005 + 8 bytes) and across the page boundary. */
const OFFSETS = [0, 3, 8, 13, 0x100, PAGE_SIZE - 8, PAGE_SIZE - 5, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 6];

const writeArb: fc.Arbitrary<Write> = fc.record({
  pe: fc.integer({ min: -1, max: 3 }),
  pa: fc.constantFrom(...OFFSETS).map((o) => BASE + o),
  size: fc.constantFrom(1, 2, 4, 8),
  lo: fc.integer({ min: 0, max: 0xffff_ffff }),
  hi: fc.integer({ min: 0, max: 0xffff_ffff }),
  epoch: fc.integer({ min: 0, max: 3 }),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: writeArb.map((w) => ({ k: 'w' as const, w })) },
  { weight: 1, arbitrary: fc.constant({ k: 'snap' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('restore' as const), which: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ k: 'hash' as const }) },
);

function memory(): PhysicalMemory {
  const m = new PhysicalMemory();
  // Memory's initial contents are copied into a shadow page at its first write.
  m.page(BASE, true)![17] = 0x5a;
  return m;
}

function apply(s: ShadowMemory, w: Write, step: number): void {
  s.write(w.pe, 0x8000_0000 + step * 4, step, w.pa, w.size, w.lo, w.hi, w.epoch);
}

/** A fresh shadow that replays `writes`, hashing once at the end (`eager`: after every write too). */
function replayHash(writes: readonly Write[], eager: boolean): number {
  const s = new ShadowMemory(memory());
  writes.forEach((w, i) => {
    apply(s, w, i);
    if (eager) s.stateHash();
  });
  return s.stateHash();
}

describe('cache: shadow memory fingerprint (lazy page sums)', () => {
  it('random writes, snapshots, restores and hashes: the fingerprint of a replay of the same writes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const s = new ShadowMemory(memory());
        let writes: Write[] = [];
        const snaps: { snap: unknown; writes: Write[] }[] = [];
        for (const op of ops) {
          if (op.k === 'w') {
            apply(s, op.w, writes.length);
            writes.push(op.w);
          } else if (op.k === 'snap') snaps.push({ snap: s.snapshot(), writes: [...writes] });
          else if (op.k === 'restore' && snaps.length > 0) {
            const t = snaps[op.which % snaps.length];
            s.restore(t.snap);
            writes = [...t.writes];
          } else if (op.k === 'hash') assert.equal(s.stateHash(), replayHash(writes, false));
        }
        const h = s.stateHash();
        assert.equal(h, replayHash(writes, false));
        assert.equal(h, replayHash(writes, true));
      }),
      { numRuns: 150 },
    );
  });

  it('a page written whole, captured and written again: the capture keeps its values, the fingerprint is a replay\'s', () => {
    // 64 granules of 8 bytes: every granule of a 512-byte shadow page is listed for rehashing, so a
    // further write skips the marks (`markDirty`); the snapshot must drop the page kept for writing.
    const writes: Write[] = [];
    for (let g = 0; g < 64; g++) writes.push({ pe: g % 2, pa: BASE + g * 8, size: 8, lo: 0x1000 + g, hi: g, epoch: 0 });
    const s = new ShadowMemory(memory());
    writes.forEach((w, i) => apply(s, w, i));
    const again: Write = { pe: 1, pa: BASE + 5 * 8, size: 8, lo: 0xfeed, hi: 0xbeef, epoch: 2 };
    apply(s, again, writes.length);
    const whole = s.stateHash();
    assert.equal(whole, replayHash([...writes, again], false));
    const snap = s.snapshot();
    const copied = s.pagesCopied;
    apply(s, { ...again, lo: 0x1234 }, writes.length + 1);
    assert.equal(s.pagesCopied, copied + 1, 'the captured page was copied before the write');
    assert.equal(s.value(BASE + 40, 4), 0x1234n);
    assert.notEqual(s.stateHash(), whole);
    s.restore(snap);
    assert.equal(s.value(BASE + 40, 8), 0xbeef_0000_feedn);
    assert.equal(s.stateHash(), whole);
  });

  it('the same values by the same writers in another order hash equally; a different byte, writer or epoch does not', () => {
    const a: Write = { pe: 0, pa: BASE + 8, size: 8, lo: 0x1234_5678, hi: 0x9abc_def0, epoch: 0 };
    const b: Write = { pe: 1, pa: BASE + PAGE_SIZE - 2, size: 4, lo: 0xdead_beef, hi: 0, epoch: 1 };
    const h = replayHash([a, b], false);
    assert.equal(replayHash([b, a], false), h);
    // A write that changes nothing but is then overwritten with the same value and writer.
    assert.equal(replayHash([a, { ...a, lo: 7 }, a, b], true), h);
    assert.notEqual(replayHash([{ ...a, lo: 0x1234_5679 }, b], false), h);
    assert.notEqual(replayHash([{ ...a, pe: 2 }, b], false), h);
    assert.notEqual(replayHash([a, { ...b, epoch: 2 }], false), h);
    // Nothing written: memory's initial value; a write of that same value by a PE still counts (its writer is state).
    assert.notEqual(replayHash([{ pe: 0, pa: BASE + 16, size: 2, lo: 0x5a00, hi: 0, epoch: 0 }], false), replayHash([], false));
  });
});
