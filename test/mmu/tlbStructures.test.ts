/**
 * The TLB data structures' fast paths: the main TLB's per-context size mask,
 * the micro-TLB's flush of filled slots only, and the identity-memoised attribute
 * combining. Each must give exactly what the plain computation gives.
 */
import * as assert from 'node:assert/strict';
import { memAttrs, NORMAL_NC, NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { combineFwb, combineS1S2, decodeMairAttr, makeNonCacheable, mairTable } from '../../simulator/mmu/attributes';
import { Regime } from '../../simulator/mmu/regime';
import { MicroTlb, P2, Tlb, TlbContexts, type TlbContext, type TlbEntry } from '../../simulator/mmu/tlb';
import { collected } from '../collect';

function entry(ctx: TlbContext, base: number, size: number, outBase: number): TlbEntry {
  return {
    ctx,
    base,
    size,
    outBase,
    ipaBase: base,
    dataAttrs: NORMAL_WB_ISH,
    fetchAttrs: NORMAL_WB_ISH,
    s1Attrs: NORMAL_WB_ISH,
    s1perm: 0,
    s2perm: P2.ALL,
    level: size === 4096 ? 3 : 2,
    s2level: -1,
    ns: true,
    global: true,
    s2MemAttr: 0,
    s2Sh: 0,
    s2Attrs: undefined,
  };
}

const SIZES = [4096, 0x20_0000, 0x4000_0000];

describe('mmu: TLB structures', () => {
  it('finds 4 KB and 2 MB entries of one context, and after a whole-context TLBI only what was inserted since', () => {
    const ctxs = new TlbContexts();
    const a = ctxs.get('combined', Regime.EL10, false, 0, 1);
    const b = ctxs.get('combined', Regime.EL10, false, 0, 2);
    const tlb = new Tlb();
    tlb.insert(entry(a, 0x4000_0000, 0x20_0000, 0x8000_0000));
    tlb.insert(entry(a, 0x1000_0000, 4096, 0x9000_0000));
    tlb.insert(entry(b, 0x1000_0000, 4096, 0xa000_0000));
    assert.equal(tlb.lookup(a, 0x4012_3456, SIZES)?.outBase, 0x8000_0000);
    assert.equal(tlb.lookup(a, 0x1000_0ff8, SIZES)?.outBase, 0x9000_0000);
    assert.equal(tlb.lookup(b, 0x1000_0ff8, SIZES)?.outBase, 0xa000_0000);
    assert.equal(tlb.lookup(b, 0x4012_3456, SIZES), undefined);

    // Whole-context invalidation of `a` only (as TLBI ASIDE1 for ASID 1 would).
    assert.equal(tlb.invalidate((c) => c === a), 2);
    assert.equal(tlb.size, 1);
    assert.equal(tlb.lookup(a, 0x4012_3456, SIZES), undefined);
    assert.equal(tlb.lookup(b, 0x1000_0ff8, SIZES)?.outBase, 0xa000_0000);
    tlb.insert(entry(a, 0x4000_0000, 4096, 0x8100_0000));
    assert.equal(tlb.lookup(a, 0x4000_0010, SIZES)?.outBase, 0x8100_0000);
    assert.equal(tlb.lookup(a, 0x4012_3456, SIZES), undefined, 'the 2 MB entry is gone; the 4 KB one does not cover this VA');

    // Snapshot, change, restore: lookups see the snapshot's entries of every size again.
    tlb.insert(entry(b, 0x60_0000, 0x20_0000, 0xb000_0000));
    const snap = tlb.snapshot();
    tlb.clear();
    assert.equal(tlb.lookup(b, 0x7f_fff8, SIZES), undefined);
    tlb.restore(snap);
    assert.equal(tlb.lookup(b, 0x7f_fff8, SIZES)?.outBase, 0xb000_0000);
    assert.equal(tlb.lookup(a, 0x4000_0010, SIZES)?.outBase, 0x8100_0000);
    assert.equal(tlb.size, 3);
  });

  it('a whole-context TLBI lets the removed entries go (the TLB keeps no emptied map until a snapshot)', async () => {
    const ctxs = new TlbContexts();
    const a = ctxs.get('combined', Regime.EL10, false, 0, 1);
    const tlb = new Tlb();
    // A TLBI per sweep of 1,024 pages, 20 sweeps, no snapshot (issue #11: each emptied map stayed reachable, entries and all).
    const first = ((): WeakRef<object> => {
      const e = entry(a, 0x4000_0000, 4096, 0x8000_0000);
      tlb.insert(e);
      return new WeakRef(e);
    })();
    for (let sweep = 0; sweep < 20; sweep++) {
      for (let p = 1; p < 1024; p++) tlb.insert(entry(a, 0x4000_0000 + p * 4096, 4096, 0x8000_0000 + p * 4096));
      assert.equal(tlb.invalidate((c) => c === a), sweep === 0 ? 1024 : 1023);
    }
    assert.equal(tlb.size, 0);
    assert.equal(await collected(first), true, "the first sweep's entry is collected");
    // The TLB still works and copies on write after a snapshot.
    tlb.insert(entry(a, 0x4000_0000, 4096, 0x8100_0000));
    const snap = tlb.snapshot();
    assert.equal(tlb.invalidate((c) => c === a), 1);
    tlb.restore(snap);
    assert.equal(tlb.lookup(a, 0x4000_0010, SIZES)?.outBase, 0x8100_0000);
  });

  it('entry-by-entry TLBI removes only the matching entries', () => {
    const ctxs = new TlbContexts();
    const a = ctxs.get('combined', Regime.EL10, false, 0, -1);
    const tlb = new Tlb();
    for (let i = 0; i < 8; i++) tlb.insert(entry(a, i * 4096, 4096, 0x8000_0000 + i * 4096));
    assert.equal(tlb.invalidate(() => true, (e) => e.base === 3 * 4096), 1);
    assert.equal(tlb.lookup(a, 3 * 4096 + 8, SIZES), undefined);
    assert.equal(tlb.lookup(a, 4 * 4096 + 8, SIZES)?.outBase, 0x8000_4000);
  });

  it('micro-TLB: a flush empties every filled slot, however many, and slots fill again afterwards', () => {
    const m = new MicroTlb();
    const vpns = [0, 1, 0x8_0000, 0x4_0000 + 1023, 0xfff_ffff];
    for (const v of vpns) m.fill(MicroTlb.index(v), v, v * 4096, 3, NORMAL_WB_ISH, NORMAL_WB_ISH);
    // Refilling a slot must not list it twice (it is still cleared once).
    m.fill(MicroTlb.index(1), 1, 0x1234_5000, 1, NORMAL_NC, NORMAL_NC);
    assert.equal(m.pa[MicroTlb.index(1)], 0x1234_5000);
    for (const v of vpns) assert.equal(m.vpn[MicroTlb.index(v)], v);
    m.flush();
    assert.ok(m.vpn.every((x) => Number.isNaN(x)));
    m.fill(MicroTlb.index(7), 7, 0x7000, 1, NORMAL_WB_ISH, NORMAL_WB_ISH);
    assert.equal(m.vpn[MicroTlb.index(7)], 7);
    m.flush();
    assert.ok(m.vpn.every((x) => Number.isNaN(x)));
  });

  it('micro-TLB: 1,024 consecutive pages map to distinct slots (a 4 MB sweep stays resident)', () => {
    const slots = new Set<number>();
    for (let v = 0x4_0000; v < 0x4_0000 + 1024; v++) slots.add(MicroTlb.index(v));
    assert.equal(slots.size, 1024);
  });

  it('memoised attribute combining returns the interned result of the plain rules', () => {
    const wt = memAttrs('normal', { inner: 'wt', outer: 'wt', sh: 'osh' });
    const r = combineS1S2(NORMAL_WB_ISH, wt);
    assert.equal(r, memAttrs('normal', { inner: 'wt', outer: 'wt', sh: 'osh' }));
    assert.equal(combineS1S2(NORMAL_WB_ISH, wt), r);
    const dev = memAttrs('device', { device: 'nGnRE' });
    assert.equal(combineS1S2(NORMAL_WB_ISH, dev), dev);
    // FWB 0b110 forces WB with the stronger shareability; 0b101 is NC; 0b0dd is Device.
    assert.equal(combineFwb(NORMAL_NC, 0b110, 3), memAttrs('normal', { inner: 'wb', outer: 'wb', sh: 'osh' }));
    assert.equal(combineFwb(NORMAL_WB_ISH, 0b101, 3), NORMAL_NC);
    assert.equal(combineFwb(NORMAL_WB_ISH, 0b001, 3), dev);
    assert.equal(combineFwb(NORMAL_WB_ISH, 0b001, 3), dev);
    assert.equal(makeNonCacheable(NORMAL_WB_ISH), NORMAL_NC);
    assert.equal(makeNonCacheable(dev), dev);
  });

  it('mairTable is shared per MAIR value and decodes every attribute index with every SH', () => {
    const lo = 0x0444_ff00;
    const hi = 0x000c_08bb;
    const t = mairTable(lo, hi);
    assert.equal(mairTable(lo, hi), t);
    assert.ok(Object.isFrozen(t));
    for (let idx = 0; idx < 8; idx++) {
      const byte = idx < 4 ? (lo >>> (8 * idx)) & 0xff : (hi >>> (8 * (idx - 4))) & 0xff;
      for (let sh = 0; sh < 4; sh++) assert.equal(t[idx * 4 + sh], decodeMairAttr(byte, sh));
    }
    assert.equal(t[1 * 4 + 3], NORMAL_WB_ISH);
    assert.notEqual(mairTable(lo, 0), t);
  });
});
