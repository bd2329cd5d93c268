/**
 * The translations remembered per descriptor for break-before-make (checks/tlbUses.ts
 * `DescriptorUses`): one per (PE, entry shape), the latest MAX_USES, oldest first — a ring, so
 * a table descriptor shared by every translation takes a use per fill without moving the list.
 * Checked against the plain list it replaced (latest first by move-to-end, oldest dropped).
 */
import * as assert from 'node:assert/strict';
import { DescriptorUses, MAX_USES, type DescriptorUse } from '../../simulator/checks/tlbUses';
import type { TlbContext, TlbEntry } from '../../simulator/mmu/tlb';

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
