/**
 * Copy-on-write pages (component/pages.ts) through physical memory
 * (memory/physical.ts) and the flat memory system that caches page arrays
 * (memory/flat.ts): random writes, snapshots and restores against a naive
 * model that deep-copies every page at every snapshot.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { FlatMemorySystem } from '../../simulator/memory/flat';
import { PAGE_SIZE, PhysicalMemory, type MemorySnapshot } from '../../simulator/memory/physical';
import type { Pe } from '../../simulator/pe/pe';

type Op =
  | { k: 'w'; page: number; off: number; v: number; via: 'physical' | 'flat' }
  | { k: 'snap' }
  | { k: 'restore'; which: number }
  | { k: 'hash' };

/** Word offsets written (and all of them read back): both ends of a page. */
const WORDS = [0, 1, 2, 3, 4, 5, 6, 7, 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023];

/**
 * Pages far apart (chunks of 64 pages apart too) and close together; more than the page store
 * caches for writing (component/pages.ts WRITE_BITS), some of them in one slot of it.
 */
const PAGES = [0x8000_0, 0x8000_1, 0x8000_2, 0x8004_0, 0x9000_0, 0x4_0000_00, 0x8010_0, 0x8020_0, 0x8030_0, 0x8000_3, 0x8000_4];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('w' as const),
      page: fc.integer({ min: 0, max: PAGES.length - 1 }),
      off: fc.constantFrom(...WORDS),
      v: fc.integer({ min: 0, max: 0xffff_ffff }),
      via: fc.constantFrom('physical' as const, 'flat' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ k: 'snap' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('restore' as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ k: 'hash' as const }) },
);

type Model = Map<number, Uint8Array>;

function deepCopy(m: Model): Model {
  return new Map([...m].map(([k, v]) => [k, v.slice()]));
}

/** Physical memory holding exactly `m` (a fresh one: nothing shared, nothing cached). */
function fresh(m: Model): PhysicalMemory {
  const p = new PhysicalMemory();
  for (const [no, bytes] of m) p.page(no * PAGE_SIZE, true)!.set(bytes);
  return p;
}

function assertSame(p: PhysicalMemory, flat: FlatMemorySystem, m: Model, what: string): void {
  assert.deepEqual(p.pageNumbers(), [...m.keys()].sort((a, b) => a - b), `${what}: pages`);
  for (const [no, bytes] of m) {
    assert.deepEqual(p.page(no * PAGE_SIZE, false), bytes, `${what}: page ${no.toString(16)}`);
    // The flat memory system's page cache must see the same contents as physical memory.
    const out = { ldLo: 0, ldHi: 0 };
    for (const off of WORDS.map((w) => w * 4)) {
      flat.read(out as unknown as Pe, no * PAGE_SIZE + off, 4, NORMAL_WB_ISH);
      const want = (bytes[off] | (bytes[off + 1] << 8) | (bytes[off + 2] << 16) | (bytes[off + 3] << 24)) >>> 0;
      assert.equal(out.ldLo, want, `${what}: flat read at page ${no.toString(16)} + ${off}`);
    }
  }
}

describe('memory: copy-on-write pages (fast-check against a deep-copy model)', () => {
  it('random writes, snapshots and restores: contents, page cache and fingerprint as a deep copy would have them', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const p = new PhysicalMemory();
        const flat = new FlatMemorySystem(p);
        let model: Model = new Map();
        const snaps: { snap: MemorySnapshot; model: Model; hash: number }[] = [];
        for (const op of ops) {
          if (op.k === 'w') {
            const pa = PAGES[op.page] * PAGE_SIZE + op.off * 4;
            if (op.via === 'physical') p.writeU32(pa, op.v);
            else flat.write(undefined, pa, 4, op.v, 0, NORMAL_WB_ISH);
            let bytes = model.get(PAGES[op.page]);
            if (bytes === undefined) model.set(PAGES[op.page], (bytes = new Uint8Array(PAGE_SIZE)));
            new DataView(bytes.buffer).setUint32(op.off * 4, op.v, true);
          } else if (op.k === 'snap') snaps.push({ snap: p.snapshot(), model: deepCopy(model), hash: p.stateHash() });
          else if (op.k === 'restore' && snaps.length > 0) {
            const s = snaps[op.which % snaps.length];
            p.restore(s.snap);
            model = deepCopy(s.model);
            assert.equal(p.stateHash(), s.hash, 'a restored snapshot hashes as when it was taken');
          } else if (op.k === 'hash') assert.equal(p.stateHash(), fresh(model).stateHash(), 'incremental fingerprint = fingerprint from scratch');
          assertSame(p, flat, model, op.k);
        }
        assert.equal(p.stateHash(), fresh(model).stateHash(), 'incremental fingerprint = fingerprint from scratch at the end');
        // Every snapshot still holds what it held when taken (later writes copied the shared pages).
        for (const s of snaps) {
          p.restore(s.snap);
          assertSame(p, flat, s.model, 'snapshot kept');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a snapshot costs the pages written since the previous one: each is copied once, at its first write', () => {
    const p = new PhysicalMemory();
    for (let i = 0; i < 256; i++) p.writeU32(0x8000_0000 + i * PAGE_SIZE, i + 1);
    p.snapshot();
    assert.equal(p.pagesCopied, 0);
    // 10 pages written, several times each: 10 copies.
    for (let round = 0; round < 3; round++) for (let i = 0; i < 10; i++) p.writeU32(0x8000_0000 + i * 7 * PAGE_SIZE + round * 8, round);
    assert.equal(p.pagesCopied, 10);
    const s = p.snapshot();
    assert.equal(p.snapshot(), s, 'nothing written since: the same capture');
    p.writeU32(0x8000_0000, 9);
    assert.equal(p.pagesCopied, 11);
    p.restore(s);
    assert.equal(p.readU32(0x8000_0000), 0, 'the write after the snapshot is gone');
    assert.equal(p.pagesCopied, 11, 'a restore copies nothing');
  });

  it('equal contents hash equally whatever the history; any byte changes the fingerprint', () => {
    const a = new PhysicalMemory();
    const b = new PhysicalMemory();
    a.writeU32(0x8000_0000, 1);
    a.writeU32(0x9000_0000, 2);
    const s = a.snapshot();
    a.writeU32(0x8000_0000, 3);
    a.stateHash();
    a.restore(s);
    b.writeU32(0x9000_0000, 2);
    b.writeU32(0x8000_0000, 1);
    assert.equal(a.stateHash(), b.stateHash());
    b.writeU8(0x8000_0fff, 1);
    assert.notEqual(a.stateHash(), b.stateHash());
    assert.ok(Number.isSafeInteger(a.stateHash()) && a.stateHash() > 2 ** 32, 'a 53-bit fingerprint');
  });
});
