import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { NORMAL_WB_ISH, NORMAL_WB_NSH, DEVICE_nGnRnE } from '../../simulator/memory/attributes';
import { fixture, watchHazards } from './helpers';

/**
 * Properties of the hierarchy under random programs: with one set of
 * attributes whose domain covers every PE, the caches must be invisible
 * (every read returns the latest write, as flat memory would), whatever the
 * evictions, snoops and maintenance; and the MOESI invariants hold.
 */
const BASE = 0x8000_0000;

type Op =
  | { k: 'r'; pe: number; slot: number }
  | { k: 'w'; pe: number; slot: number; v: number }
  | { k: 'm'; pe: number; slot: number; op: 'civac' | 'cvac' | 'cvau' }
  | { k: 'sw'; pe: number; set: number; way: number; op: 'csw' | 'cisw' };

// 24 slots of 8 bytes spread over lines that collide in small caches.
const slotPa = (slot: number): number => BASE + (slot % 6) * 0x100 + Math.floor(slot / 6) * 8;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('r' as const), pe: fc.integer({ min: 0, max: 3 }), slot: fc.integer({ min: 0, max: 23 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({ k: fc.constant('w' as const), pe: fc.integer({ min: 0, max: 3 }), slot: fc.integer({ min: 0, max: 23 }), v: fc.integer({ min: 1, max: 0x7fff_ffff }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('m' as const), pe: fc.integer({ min: 0, max: 3 }), slot: fc.integer({ min: 0, max: 23 }), op: fc.constantFrom('civac' as const, 'cvac' as const, 'cvau' as const) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('sw' as const), pe: fc.integer({ min: 0, max: 3 }), set: fc.integer({ min: 0, max: 1 }), way: fc.integer({ min: 0, max: 1 }), op: fc.constantFrom('csw' as const, 'cisw' as const) }),
  },
);

function smallFixture() {
  return fixture({
    pes: 4,
    clusterOf: [0, 0, 1, 1],
    config: { l1d: { size: 256, ways: 2 }, l2: { size: 512, ways: 2 }, system: { size: 1024, ways: 4 }, pou: 'l2' },
  });
}

describe('cache hierarchy properties (fast-check)', () => {
  it('coherent attributes: every read returns the latest write, and DC CIVAC of every line leaves memory equal to it', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const f = smallFixture();
        const flat = new Map<number, number>();
        for (const op of ops) {
          const pe = f.pes[op.pe];
          if (op.k === 'w') {
            f.h.write(pe, slotPa(op.slot), 8, op.v, 0, NORMAL_WB_ISH);
            flat.set(op.slot, op.v);
          } else if (op.k === 'r') {
            f.h.read(pe, slotPa(op.slot), 8, NORMAL_WB_ISH);
            assert.equal(pe.ldLo, flat.get(op.slot) ?? 0, `slot ${op.slot}`);
          } else if (op.k === 'm') f.h.maintainByVa(pe, op.op, slotPa(op.slot), NORMAL_WB_ISH);
          else f.h.maintainBySetWay(pe, op.op, (BigInt(op.way) << 31n) | (BigInt(op.set) << 6n));
        }
        // Invariants: per line and attributes, at most one dirty copy (the owner); M/E copies are alone.
        for (let line = BASE; line < BASE + 0x600; line += 64) {
          const copies = f.h.linesOf(line);
          assert.ok(copies.filter((c) => c.dirty).length <= 1, JSON.stringify(copies.map((c) => `${c.cache}:${c.state}`)));
          if (copies.some((c) => c.state === 'M' || c.state === 'E')) assert.equal(copies.length, 1, JSON.stringify(copies.map((c) => `${c.cache}:${c.state}`)));
        }
        for (let slot = 0; slot < 24; slot++) f.h.maintainByVa(f.pes[0], 'civac', slotPa(slot), NORMAL_WB_ISH);
        for (let slot = 0; slot < 24; slot++) assert.equal(f.physical.readU32(slotPa(slot)), flat.get(slot) ?? 0);
        assert.equal(f.h.summaries().reduce((n, c) => n + c.valid, 0), 0);
      }),
      { numRuns: 200 },
    );
  });

  it('Device reads see memory exactly: the value of the latest write made visible at the PoC', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const f = smallFixture();
        for (const op of ops) {
          const pe = f.pes[op.pe];
          if (op.k === 'w') f.h.write(pe, slotPa(op.slot), 8, op.v, 0, NORMAL_WB_NSH);
          else if (op.k === 'r') {
            f.h.read(pe, slotPa(op.slot), 8, DEVICE_nGnRnE);
            assert.equal(pe.ldLo, f.physical.readU32(slotPa(op.slot)));
          } else if (op.k === 'm') f.h.maintainByVa(pe, op.op, slotPa(op.slot), NORMAL_WB_NSH);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('snapshot/restore is exact: replaying after a restore gives the same reads', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.array(opArb, { maxLength: 60 }), (before, after) => {
        const f = smallFixture();
        const run = (ops: Op[]): number[] => {
          const out: number[] = [];
          for (const op of ops) {
            const pe = f.pes[op.pe];
            if (op.k === 'w') f.h.write(pe, slotPa(op.slot), 8, op.v, 0, NORMAL_WB_ISH);
            else if (op.k === 'r') {
              f.h.read(pe, slotPa(op.slot), 8, NORMAL_WB_ISH);
              out.push(pe.ldLo);
            } else if (op.k === 'm') f.h.maintainByVa(pe, op.op, slotPa(op.slot), NORMAL_WB_ISH);
          }
          return out;
        };
        run(before);
        const snap = f.h.snapshot();
        const first = run(after);
        const lines1 = JSON.stringify(f.h.summaries().map((c) => c.lines.map((l) => [l.pa, l.state])));
        f.h.restore(snap);
        assert.deepEqual(run(after), first);
        assert.equal(JSON.stringify(f.h.summaries().map((c) => c.lines.map((l) => [l.pa, l.state]))), lines1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('cache hierarchy properties: mixed attributes', () => {
  const attrsArb = fc.constantFrom(NORMAL_WB_ISH, NORMAL_WB_NSH, DEVICE_nGnRnE);
  it('never loses track: after DC CIVAC by an MMU-off (Outer Shareable) address, no copy is left and no dirty count leaks', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(opArb, attrsArb), { maxLength: 100 }), (ops) => {
        const f = smallFixture();
        for (const [op, attrs] of ops) {
          const pe = f.pes[op.pe];
          if (op.k === 'w') f.h.write(pe, slotPa(op.slot), 8, op.v, 0, attrs);
          else if (op.k === 'r') f.h.read(pe, slotPa(op.slot), 8, attrs);
          else if (op.k === 'm') f.h.maintainByVa(pe, op.op, slotPa(op.slot), attrs);
          else f.h.maintainBySetWay(pe, op.op, (BigInt(op.way) << 31n) | (BigInt(op.set) << 6n));
        }
        for (let line = BASE; line < BASE + 0x600; line += 64) f.h.maintainByVa(f.pes[0], 'civac', line, DEVICE_nGnRnE);
        assert.equal(f.h.summaries().reduce((n, c) => n + c.valid, 0), 0);
        // With nothing cached, a Device read of every slot must not report any dirty copy.
        const hazards = watchHazards(f);
        for (let slot = 0; slot < 24; slot++) f.h.read(f.pes[0], slotPa(slot), 8, DEVICE_nGnRnE);
        assert.equal(hazards.length, 0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('caches block parser (fast-check)', () => {
  it('never throws; every problem is a `caches` diagnostic on a line of the block; the result is always usable', async () => {
    const { parseCacheConfig } = await import('../../simulator/cache/config');
    const word = fc.oneof(
      fc.constantFrom('l1d', 'l2', 'system_cache', 'pou', 'poc', 'inner_domain', 'size', 'ways', 'none', 'memory', 'l1', 'system_cache', '0-3', '1'),
      fc.constantFrom('0x1000', '0x4000', '4', '8', '3', '0', '0x', '-1', '64', '128'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), fc.integer({ min: 1, max: 8 }), (lines, pes) => {
        const range = (l: number) => ({ start: { line: l, col: 0 }, end: { line: l, col: 1 } });
        const block = {
          keyword: 'caches',
          args: [],
          range: { start: { line: 0, col: 0 }, end: { line: lines.length + 1, col: 1 } },
          body: lines.map((ws, i) => ({ words: ws.map((text) => ({ text, range: range(i + 1) })), range: range(i + 1) })),
        };
        const diags: import('../../simulator/scenario/model').Diagnostic[] = [];
        const cfg = parseCacheConfig({ pes } as import('../../simulator/scenario/model').SystemConfig, [block], diags);
        for (const d of diags) {
          assert.equal(d.rule, 'caches');
          assert.ok(d.range.start.line >= 0 && d.range.start.line <= lines.length + 1);
        }
        // Whatever was written, the configuration builds a valid hierarchy.
        for (const g of [cfg.l1d, cfg.l2, cfg.system]) {
          if (!g) continue;
          const sets = g.size / (64 * g.ways);
          assert.ok(Number.isInteger(sets) && sets >= 1 && (sets & (sets - 1)) === 0, JSON.stringify(g));
        }
        assert.ok(cfg.innerDomain.every((p) => p >= 0 && p < pes));
        assert.ok(['l1', 'l2', 'system', 'memory'].includes(cfg.pou));
      }),
      { numRuns: 300 },
    );
  });
});
