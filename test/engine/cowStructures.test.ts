/**
 * Copy-on-write state of the TLBs (mmu/tlb.ts: entry maps shared per
 * context) and of the GIC (gic/gic.ts: one state buffer, captured once per
 * change): random operations, snapshots and restores against a naive model
 * that deep-copies everything at every snapshot, and the cached fingerprints
 * against ones computed from scratch.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { Machine } from '../../simulator/engine/machine';
import type { Gic } from '../../simulator/gic/gic';
import { memAttrs, NORMAL_NC, NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { Regime } from '../../simulator/mmu/regime';
import { P2, Tlb, TlbContexts, type TlbContext, type TlbEntry, type TlbSnapshot } from '../../simulator/mmu/tlb';
import { GICD, GICR, idle, mrs, msr, SGI_BASE, wr } from '../gic/helpers';

const SIZES = [4096, 0x20_0000];
const ctxs = new TlbContexts();
const CTX = [ctxs.get('combined', Regime.EL10, false, 0, 1), ctxs.get('combined', Regime.EL10, false, 0, 2), ctxs.get('s2', Regime.EL10, false, 3, -1)];
const ATTRS = [NORMAL_WB_ISH, NORMAL_NC, memAttrs('normal', { inner: 'wt', outer: 'wt', sh: 'osh' })];

function entry(ctx: TlbContext, page: number, big: boolean, out: number, attrs: number): TlbEntry {
  const size = big ? 0x20_0000 : 4096;
  const base = big ? Math.floor((page * 4096) / size) * size : page * 4096;
  return {
    ctx,
    base,
    size,
    outBase: 0x8000_0000 + out * size,
    ipaBase: base,
    dataAttrs: ATTRS[attrs],
    fetchAttrs: ATTRS[attrs],
    s1Attrs: ATTRS[attrs],
    s1perm: attrs,
    s2perm: P2.ALL,
    level: big ? 2 : 3,
    s2level: -1,
    ns: true,
    global: false,
    s2MemAttr: 0,
    s2Sh: 0,
    s2Attrs: undefined,
  };
}

type TlbOp =
  | { k: 'insert'; ctx: number; page: number; big: boolean; out: number; attrs: number }
  | { k: 'inv-ctx'; ctx: number }
  | { k: 'inv-page'; page: number }
  | { k: 'clear' }
  | { k: 'snap' }
  | { k: 'restore'; which: number };

const tlbOp: fc.Arbitrary<TlbOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('insert' as const),
      ctx: fc.integer({ min: 0, max: 2 }),
      page: fc.integer({ min: 0, max: 1100 }),
      big: fc.boolean(),
      out: fc.integer({ min: 0, max: 7 }),
      attrs: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('inv-ctx' as const), ctx: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('inv-page' as const), page: fc.integer({ min: 0, max: 1100 }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'clear' as const }) },
  { weight: 2, arbitrary: fc.constant({ k: 'snap' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('restore' as const), which: fc.nat() }) },
);

/** The naive model: every entry by (context, first page), deep-copied at every snapshot. */
type TlbModel = Map<string, TlbEntry>;

function tlbView(t: Tlb): string[] {
  return t
    .entries()
    .map((e) => `${e.ctx.id}:${e.base}:${e.size}:${e.outBase}:${e.dataAttrs.label}`)
    .sort();
}

function modelView(m: TlbModel): string[] {
  return [...m.values()].map((e) => `${e.ctx.id}:${e.base}:${e.size}:${e.outBase}:${e.dataAttrs.label}`).sort();
}

/** A TLB built from scratch with the model's entries: its fingerprint is computed from nothing cached. */
function freshDigest(m: TlbModel): number {
  const t = new Tlb();
  for (const e of m.values()) t.insert(e);
  return t.digest();
}

describe('TLB: copy-on-write entry maps (fast-check against a deep-copy model)', () => {
  it('lookups, entries and fingerprint after random inserts, TLBIs, snapshots and restores', () => {
    fc.assert(
      // The fingerprint after every op, or after every 2nd/3rd (TLB changes are logged until a fingerprint asks: snapshots taken in between hold no sum).
      fc.property(fc.array(tlbOp, { maxLength: 100 }), fc.integer({ min: 1, max: 3 }), (ops, hashEvery) => {
        const t = new Tlb();
        let model: TlbModel = new Map();
        const snaps: { snap: TlbSnapshot; model: TlbModel }[] = [];
        for (const [i, op] of ops.entries()) {
          switch (op.k) {
            case 'insert': {
              const e = entry(CTX[op.ctx], op.page, op.big, op.out, op.attrs);
              t.insert(e);
              model.set(`${e.ctx.id}:${e.base / 4096}`, e);
              break;
            }
            case 'inv-ctx':
              t.invalidate((c) => c === CTX[op.ctx]);
              for (const [k, e] of model) if (e.ctx === CTX[op.ctx]) model.delete(k);
              break;
            case 'inv-page': {
              const va = op.page * 4096;
              const covers = (e: TlbEntry): boolean => va >= e.base && va < e.base + e.size;
              t.invalidate(() => true, covers);
              for (const [k, e] of model) if (covers(e)) model.delete(k);
              break;
            }
            case 'clear':
              t.clear();
              model = new Map();
              break;
            case 'snap':
              snaps.push({ snap: t.snapshot(), model: new Map(model) });
              break;
            case 'restore':
              if (snaps.length === 0) break;
              t.restore(snaps[op.which % snaps.length].snap);
              model = new Map(snaps[op.which % snaps.length].model);
              break;
          }
          assert.deepEqual(tlbView(t), modelView(model), op.k);
          assert.equal(t.size, model.size);
          for (const e of model.values()) assert.equal(t.lookup(e.ctx, e.base + 8, SIZES), e, `lookup after ${op.k}`);
          if (i % hashEvery === 0) assert.equal(t.digest(), freshDigest(model), `fingerprint after ${op.k}`);
        }
        assert.equal(t.digest(), freshDigest(model), 'fingerprint at the end');
        for (const s of snaps) {
          t.restore(s.snap);
          assert.deepEqual(tlbView(t), modelView(s.model), 'every snapshot is still what it was');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a snapshot with no change since the previous one is the same object; a change copies only its context map', () => {
    const t = new Tlb();
    for (let i = 0; i < 100; i++) t.insert(entry(CTX[0], i, false, 0, 0));
    t.insert(entry(CTX[1], 0, false, 0, 0));
    const a = t.snapshot();
    assert.equal(t.snapshot(), a);
    t.insert(entry(CTX[1], 1, false, 1, 0));
    const b = t.snapshot();
    assert.notEqual(b, a);
    assert.equal(b.maps.get(CTX[0].id), a.maps.get(CTX[0].id), 'the 100-entry map of the unchanged context is shared');
    assert.notEqual(b.maps.get(CTX[1].id), a.maps.get(CTX[1].id));
  });
});

/** Everything architectural the GIC holds, deep-copied. */
function gicView(g: Gic): string {
  const arrays: Record<string, ArrayLike<number>> = {
    enabled: g.enabled,
    pendingLatch: g.pendingLatch,
    level: g.level,
    active: g.active,
    igroup: g.igroup,
    igrpmod: g.igrpmod,
    priority: g.priority,
    edge: g.edge,
    routeLo: g.routeLo,
    routeAff3: g.routeAff3,
    pmr: g.pmr,
    bpr0: g.bpr0,
    bpr1s: g.bpr1s,
    bpr1ns: g.bpr1ns,
    igrpen0: g.igrpen0,
    igrpen1s: g.igrpen1s,
    igrpen1ns: g.igrpen1ns,
    eoiModeS: g.eoiModeS,
    eoiModeNs: g.eoiModeNs,
    eoiModeEl3: g.eoiModeEl3,
    cbprS: g.cbprS,
    cbprNs: g.cbprNs,
    ap0: g.ap0,
    ap1s: g.ap1s,
    ap1ns: g.ap1ns,
    waker: g.waker,
  };
  return JSON.stringify({ ctlr: g.ctlr, ...Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, Array.from(a).join(',')])) });
}

type GicOp =
  | { k: 'raise'; intid: number; pe: number }
  | { k: 'enable'; intid: number; on: boolean }
  | { k: 'priority'; intid: number; p: number }
  | { k: 'group'; intid: number; g: '0' | '1s' | '1ns' }
  | { k: 'ack'; pe: number }
  | { k: 'eoi'; pe: number; intid: number }
  | { k: 'mmio'; reg: 'ctlr' | 'isenabler' | 'ipriorityr' | 'irouter' | 'waker'; v: number; pe: number }
  | { k: 'msr'; pe: number; reg: 'ICC_PMR_EL1' | 'ICC_BPR1_EL1' | 'ICC_IGRPEN1_EL1' | 'ICC_CTLR_EL1'; v: number }
  | { k: 'snap' }
  | { k: 'restore'; which: number };

const intid = fc.constantFrom(1, 27, 33, 40, 64);
const gicOp: fc.Arbitrary<GicOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('raise' as const), intid, pe: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('enable' as const), intid, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('priority' as const), intid, p: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('group' as const), intid, g: fc.constantFrom('0' as const, '1s' as const, '1ns' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('ack' as const), pe: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('eoi' as const), pe: fc.integer({ min: 0, max: 1 }), intid }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('mmio' as const),
      reg: fc.constantFrom('ctlr' as const, 'isenabler' as const, 'ipriorityr' as const, 'irouter' as const, 'waker' as const),
      v: fc.integer({ min: 0, max: 0xffff_ffff }),
      pe: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('msr' as const),
      pe: fc.integer({ min: 0, max: 1 }),
      reg: fc.constantFrom('ICC_PMR_EL1' as const, 'ICC_BPR1_EL1' as const, 'ICC_IGRPEN1_EL1' as const, 'ICC_CTLR_EL1' as const),
      v: fc.integer({ min: 0, max: 0xff }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ k: 'snap' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('restore' as const), which: fc.nat() }) },
);

function applyGic(m: Machine, op: GicOp): void {
  const g = m.gic;
  switch (op.k) {
    case 'raise':
      g.raise(op.intid, op.pe);
      return;
    case 'enable':
      g.setEnabled(op.intid, op.on);
      return;
    case 'priority':
      g.setPriority(op.intid, op.p);
      return;
    case 'group':
      g.setGroup(op.intid, op.g);
      return;
    case 'ack':
      mrs(m, op.pe, 'ICC_IAR1_EL1');
      return;
    case 'eoi':
      msr(m, op.pe, 'ICC_EOIR1_EL1', BigInt(op.intid));
      return;
    case 'mmio': {
      const at = { ctlr: GICD, isenabler: GICD + 0x104, ipriorityr: GICD + 0x420, irouter: GICD + 0x6100, waker: GICR + op.pe * 0x2_0000 + 0x14 }[op.reg];
      wr(m, op.pe, op.reg === 'isenabler' && op.v % 2 === 0 ? GICR + SGI_BASE + 0x100 : at, op.v);
      return;
    }
    case 'msr':
      msr(m, op.pe, op.reg, BigInt(op.v));
      return;
    default:
  }
}

describe('GIC: one state buffer, captured and hashed once per change (fast-check against a deep copy)', () => {
  it('every operation (API, MMIO, CPU interface registers) is captured and restored; the fingerprint follows every change', () => {
    const scenario = idle({ pes: 2, el: 1, security: 'secure' }).model;
    fc.assert(
      fc.property(fc.array(gicOp, { maxLength: 60 }), (ops) => {
        const m = Machine.create(scenario, { cacheModel: 'off' });
        const g = m.gic;
        const snaps: { snap: unknown; view: string; hash: number }[] = [];
        const other = Machine.create(scenario, { cacheModel: 'off' }).gic;
        for (const op of ops) {
          if (op.k === 'snap') snaps.push({ snap: g.snapshot(), view: gicView(g), hash: g.stateHash() });
          else if (op.k === 'restore') {
            if (snaps.length === 0) continue;
            const s = snaps[op.which % snaps.length];
            g.restore(s.snap);
            assert.equal(gicView(g), s.view);
            assert.equal(g.stateHash(), s.hash);
          } else applyGic(m, op);
          // A fresh GIC given this one's capture: its fingerprint is computed from nothing cached, and it holds the same state.
          other.restore(g.snapshot());
          assert.equal(gicView(other), gicView(g), `capture after ${op.k}`);
          assert.equal(other.stateHash(), g.stateHash(), `fingerprint after ${op.k}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
