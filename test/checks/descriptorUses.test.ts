/**
 * The translations remembered per descriptor for break-before-make (checks/tlbUses.ts
 * `DescriptorUses`): one per (PE, entry shape), the latest MAX_USES, oldest first — a ring, so
 * a table descriptor shared by every translation takes a use per fill without moving the list.
 * Checked against the plain list it replaced (latest first by move-to-end, oldest dropped).
 */
import * as assert from 'node:assert/strict';
import { DescriptorUses, descriptorKey, MAX_LOGGED_USES, MAX_USES, TlbUses, type DescriptorUse } from '../../simulator/checks/tlbUses';
import type { TlbContext, TlbEntry } from '../../simulator/mmu/tlb';
import type { WalkRead } from '../../simulator/mmu/types';
import type { MemAttrs } from '../../simulator/memory/attributes';

const ctxA = { kind: 'combined' } as TlbContext;
const ctxB = { kind: 'combined' } as TlbContext;

function use(pe: number, base: number, ctx: TlbContext, leaf: boolean, size = 0x1000): DescriptorUse {
  return { pe, entry: { base, size, ctx } as TlbEntry, leaf, covered: false };
}

/** The list semantics the ring must keep. */
function reference(list: DescriptorUse[], u: DescriptorUse): void {
  const i = list.findIndex((x) => x.entry.base === u.entry.base && x.entry.size === u.entry.size && x.entry.ctx === u.entry.ctx && x.pe === u.pe && x.leaf === u.leaf);
  if (i >= 0) list.splice(i, 1);
  else if (list.length >= MAX_USES) list.shift();
  list.push(u);
}

describe('checks: the uses remembered per descriptor', () => {
  it('keeps the latest MAX_USES shapes in the order of their latest fill, as the plain list did', () => {
    // A deterministic mix: mostly new pages (the ring wraps), some refills of remembered shapes (move to latest).
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const ring = new DescriptorUses();
    const list: DescriptorUse[] = [];
    for (let step = 0; step < 5000; step++) {
      const page = next() < 0.5 ? Math.floor(next() * 40) : Math.floor(next() * 4000);
      const u = use(Math.floor(next() * 2), 0x4000_0000 + page * 0x1000, next() < 0.8 ? ctxA : ctxB, next() < 0.5);
      ring.add(u);
      reference(list, u);
      assert.deepEqual([...ring], list, `after fill ${step}`);
    }
    assert.equal(ring.length, MAX_USES);
  });

  it('a refill of a remembered shape becomes the latest; a copy is independent', () => {
    const r = new DescriptorUses();
    for (let p = 0; p < MAX_USES + 3; p++) r.add(use(0, p * 0x1000, ctxA, false));
    r.add(use(0, 10 * 0x1000, ctxA, false));
    const bases = [...r].map((u) => u.entry.base / 0x1000);
    assert.deepEqual(bases, [...Array.from({ length: MAX_USES }, (_, i) => i + 3).filter((p) => p !== 10), 10]);
    const c = r.clone();
    for (const u of c) u.covered = true;
    assert.ok(c.every((u) => u.covered));
    assert.ok(r.every((u) => !u.covered));
    r.clear();
    assert.equal(r.length, 0);
    assert.deepEqual([...r], []);
  });
});

/** A descriptor record as the rule keeps it (translationRules.ts `LiveDescriptor`): its uses and a state. */
class Record extends DescriptorUses {
  state: 'live' | 'invalidated' = 'live';
}

describe('checks: uses logged by TLB fills', () => {
  it('applied in batches leave every record as recording each fill did', () => {
    let seed = 777;
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    // 6 descriptors: 0-1 shared tables (every fill), 2-5 leaves of a few pages each (refilled), on 2 PEs.
    const records = new Map<number, Record>();
    const reference: Record[] = [];
    for (let k = 0; k < 6; k++) {
      records.set(descriptorKey(0x1000 + k * 8), new Record());
      reference.push(new Record());
    }
    const lazy = [...records.values()];
    const uses = new TlbUses(2, records);
    const attrs = { label: 'normal' } as MemAttrs;
    const same = (what: string): void => {
      for (let k = 0; k < 6; k++) {
        const shape = (r: Record): unknown[] => [...r].map((u) => [u.pe, u.entry, u.leaf, u.covered]);
        assert.deepEqual(shape(lazy[k]), shape(reference[k]), `${what}: descriptor ${k}`);
      }
    };
    let fills = 0;
    for (let step = 0; step < 3 * MAX_LOGGED_USES; step++) {
      const pe = next() < 0.8 ? 0 : 1;
      // Pages: mostly new (tables' rings wrap), some refilled (a remembered shape becomes the latest).
      const page = next() < 0.3 ? Math.floor(next() * 8) : Math.floor(next() * 5000);
      const e = { ctx: next() < 0.9 ? ctxA : ctxB, base: 0x4000_0000 + page * 0x1000, size: 0x1000, level: 3, s2level: -1 } as unknown as TlbEntry;
      const leaf = 2 + (page % 4);
      const read = (k: number, level: number): void => {
        const r: WalkRead = { pa: 0x1000 + k * 8, lo: 3, hi: 0, attrs, stage: 1, level, va: e.base, ipa: undefined };
        uses.onWalkRead(pe, r, lazy[k]);
      };
      read(0, 1);
      read(1, 2);
      read(leaf, 3);
      // A leaf no longer live takes no use (as when the rule saw it made invalid).
      const leafLive = next() < 0.95;
      if (!leafLive) lazy[leaf].state = reference[leaf].state = 'invalidated';
      assert.equal(uses.onFill(pe, e, undefined), leafLive ? 3 : 2);
      fills++;
      reference[0].record(pe, e, false);
      reference[1].record(pe, e, false);
      if (leafLive) reference[leaf].record(pe, e, true);
      lazy[leaf].state = reference[leaf].state = 'live';
      // The rule applies the log before it reads records: at odd moments, and when the log fills up.
      if (next() < 0.002) {
        uses.applyLog();
        same(`after fill ${fills}`);
      }
    }
    uses.applyLog();
    same('at the end');
    assert.equal(lazy[0].length, MAX_USES);
  });
});
