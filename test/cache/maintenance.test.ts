import * as assert from 'node:assert/strict';
import { DEVICE_nGnRnE, NORMAL_WB_ISH, NORMAL_WB_NSH, NORMAL_WB_OSH } from '../../simulator/memory/attributes';
import { fakeInstr, fixture, rd, states, wr } from './helpers';
import type { Program } from '../../simulator/scenario/model';
import { parseCacheConfig } from '../../simulator/cache/config';
import type { Diagnostic, GenericBlock, SystemConfig } from '../../simulator/scenario/model';

const A = 0x8000_1000;

describe('cache maintenance by VA (Arm ARM D7.5)', () => {
  it('DC CVAC cleans every dirty copy to memory (PoC) and keeps it valid clean', () => {
    const f = fixture();
    wr(f, 0, A, 4, 0x42, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'cvac', A, NORMAL_WB_ISH);
    assert.equal(f.physical.readU32(A), 0x42);
    assert.deepEqual(states(f, A), ['L1D.pe0:E:Normal-WB ISH']);
  });

  it('DC CIVAC cleans and invalidates in every cache of the domain, including other PEs', () => {
    const f = fixture();
    wr(f, 0, A, 4, 0x42, NORMAL_WB_ISH);
    rd(f, 1, A, 4, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[1], 'civac', A, NORMAL_WB_ISH);
    assert.equal(f.physical.readU32(A), 0x42);
    assert.deepEqual(states(f, A), []);
  });

  it('maintenance acts on every attribute variant of the line', () => {
    const f = fixture();
    wr(f, 0, A, 4, 0x1, NORMAL_WB_OSH);
    rd(f, 0, A + 8, 4, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'civac', A, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), []);
    assert.equal(f.physical.readU32(A), 0x1);
  });

  it('DC IVAC discards dirty data', () => {
    const f = fixture();
    f.physical.writeU32(A, 5);
    wr(f, 0, A, 4, 6, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'ivac', A, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), []);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 5);
  });

  it('DC CVAU cleans to the PoU only: with PoU at the L2, memory stays stale', () => {
    const f = fixture({ config: { pou: 'l2' } });
    wr(f, 0, A, 4, 0x99, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'cvau', A, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), ['L1D.pe0:S:Normal-WB ISH', 'L2.cluster0:O:Normal-WB ISH']);
    assert.equal(f.physical.readU32(A), 0, 'PoU ≠ PoC: a non-cacheable observer still reads the old value');
    assert.equal(rd(f, 0, A, 4, DEVICE_nGnRnE), 0);
    f.h.maintainByVa(f.pes[0], 'cvac', A, NORMAL_WB_ISH);
    assert.equal(f.physical.readU32(A), 0x99);
  });

  it('DC CVAU reaches memory when the PoU is the PoC', () => {
    const f = fixture({ config: { l2: undefined, pou: 'memory' } });
    wr(f, 0, A, 4, 0x99, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'cvau', A, NORMAL_WB_ISH);
    assert.equal(f.physical.readU32(A), 0x99);
    assert.deepEqual(states(f, A), ['L1D.pe0:E:Normal-WB ISH']);
  });

  it('with MMU-off (Device) maintenance attributes the operation reaches every PE (Outer Shareable)', () => {
    const f = fixture();
    wr(f, 1, A, 4, 3, NORMAL_WB_NSH);
    f.h.maintainByVa(f.pes[0], 'civac', A, DEVICE_nGnRnE);
    assert.equal(f.physical.readU32(A), 3);
    assert.deepEqual(states(f, A), []);
  });

  it('Non-shareable maintenance reaches only the PE’s own path', () => {
    const f = fixture();
    wr(f, 1, A, 4, 3, NORMAL_WB_NSH);
    f.h.maintainByVa(f.pes[0], 'civac', A, NORMAL_WB_NSH);
    assert.deepEqual(states(f, A), ['L1D.pe1:M:Normal-WB NSH']);
  });
});

describe('cache maintenance by set/way (local cache only)', () => {
  // L1: 16 sets × 4 ways: set = bits [9:6], way = bits [31:30], level = bits [3:1].
  const setWay = (set: number, way: number, level: number): bigint => (BigInt(way) << 30n) | (BigInt(set) << 6n) | (BigInt(level) << 1n);

  it('DC CISW writes the way back to the next level and invalidates it, in this PE’s L1 only', () => {
    const f = fixture();
    wr(f, 0, A, 4, 1, NORMAL_WB_NSH);
    wr(f, 1, A, 4, 2, NORMAL_WB_NSH);
    const v = f.h.linesOf(A).find((l) => l.cache === 'L1D.pe0')!;
    f.h.maintainBySetWay(f.pes[0], 'cisw', setWay(v.set, v.way, 0));
    assert.deepEqual(states(f, A).sort(), ['L1D.pe1:M:Normal-WB NSH', 'L2.cluster0:M:Normal-WB NSH']);
    assert.equal(f.physical.readU32(A), 0, 'set/way cleans to the next level, not to the PoC');
  });

  it('DC CSW keeps the line valid and clean; DC ISW discards it', () => {
    const f = fixture({ config: { l2: undefined, pou: 'memory' } });
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    const v = f.h.linesOf(A)[0];
    f.h.maintainBySetWay(f.pes[0], 'csw', setWay(v.set, v.way, 0));
    assert.equal(f.physical.readU32(A), 1);
    assert.deepEqual(states(f, A), ['L1D.pe0:E:Normal-WB ISH']);
    wr(f, 0, A, 4, 2, NORMAL_WB_ISH);
    f.h.maintainBySetWay(f.pes[0], 'isw', setWay(v.set, v.way, 0));
    assert.deepEqual(states(f, A), []);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 1);
  });

  it('a set/way operand naming another way does nothing to the line', () => {
    const f = fixture();
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    const v = f.h.linesOf(A)[0];
    f.h.maintainBySetWay(f.pes[0], 'cisw', setWay(v.set, (v.way + 1) % 4, 0));
    assert.deepEqual(states(f, A), ['L1D.pe0:M:Normal-WB ISH']);
  });
});

describe('speculation', () => {
  it('adversarial: right after DC CIVAC the line is refilled speculatively (clean) for a cacheable mapping', () => {
    const f = fixture({ speculation: 'adversarial' });
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'civac', A, NORMAL_WB_ISH);
    const l = f.h.linesOf(A);
    assert.equal(l.length, 1);
    assert.equal(l[0].state, 'E');
    assert.equal(l[0].speculative, true);
    // A later MMU-off (Device) write goes to memory behind the refilled copy: a cacheable read sees the old value.
    f.h.write(f.pes[0], A, 4, 2, 0, DEVICE_nGnRnE);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 1);
  });

  it('adversarial: no refill when the maintenance address is not cacheable (MMU off)', () => {
    const f = fixture({ speculation: 'adversarial' });
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'civac', A, DEVICE_nGnRnE);
    assert.deepEqual(states(f, A), []);
  });

  it('none: no refill', () => {
    const f = fixture();
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'civac', A, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), []);
  });

  it('scenario fill events put a clean copy into the named cache', () => {
    const f = fixture();
    f.physical.writeU32(A, 9);
    f.h.speculation.fill(A, 'L2.cluster0');
    assert.deepEqual(states(f, A), ['L2.cluster0:E:Normal-WB ISH']);
    f.h.speculation.fill(A, 'l1d.pe1');
    assert.deepEqual(states(f, A), ['L1D.pe1:S:Normal-WB ISH', 'L2.cluster0:S:Normal-WB ISH']);
  });
});

describe('instruction side', () => {
  const NOP = 0xd503_201f;
  const HLT = 0xd440_0000;
  const CODE = 0x8000_0000;
  function program(): Program {
    const instrs = new Map([
      [CODE, fakeInstr('nop', NOP, 3)],
      [CODE + 4, fakeInstr('nop', NOP, 4)],
    ]);
    return { instrs, chunks: [], lineOf: new Map() };
  }
  const decode = (w: number): ReturnType<typeof fakeInstr> => fakeInstr(`decoded ${w.toString(16)}`, w);

  it('fetch returns the assembled instruction with its source line', () => {
    const f = fixture({ program: program(), decode });
    assert.equal(f.h.fetchInstr(f.pes[0], CODE + 4, NORMAL_WB_ISH)?.line, 4);
  });

  it('code written without maintenance stays stale in the I-cache; DC CVAU + IC IVAU make it visible', () => {
    const f = fixture({ program: program(), decode });
    f.physical.writeU32(CODE, NOP);
    f.physical.writeU32(CODE + 4, NOP);
    assert.equal(f.h.fetchInstr(f.pes[0], CODE + 4, NORMAL_WB_ISH)?.text, 'nop');
    wr(f, 0, CODE + 4, 4, HLT, NORMAL_WB_ISH);
    assert.equal(f.h.fetchInstr(f.pes[0], CODE + 4, NORMAL_WB_ISH)?.text, 'nop', 'the I-cache still holds the old line');
    f.h.instructionCacheMaintenance(f.pes[0], 'ivau', CODE + 4);
    assert.equal(f.h.fetchInstr(f.pes[0], CODE + 4, NORMAL_WB_ISH)?.text, 'nop', 'refilled from the PoU (L2), which the dirty L1D data has not reached');
    f.h.maintainByVa(f.pes[0], 'cvau', CODE + 4, NORMAL_WB_ISH);
    f.h.instructionCacheMaintenance(f.pes[0], 'ivau', CODE + 4);
    assert.equal(f.h.fetchInstr(f.pes[0], CODE + 4, NORMAL_WB_ISH)?.text, `decoded ${HLT.toString(16)}`);
    assert.equal(f.h.fetchInstr(f.pes[0], CODE, NORMAL_WB_ISH)?.line, 3, 'unchanged words keep the assembled instruction');
  });

  it('the view lists the lines each instruction cache holds, with the instructions it would execute', () => {
    const f = fixture({ program: program(), decode });
    f.h.fetchInstr(f.pes[1], CODE, NORMAL_WB_ISH);
    assert.deepEqual(f.h.icache.view(0), []);
    const v = f.h.icache.view(1);
    assert.equal(v.length, 1);
    assert.equal(v[0].pa, CODE);
    assert.deepEqual(v[0].instrs.slice(0, 3), ['nop', 'nop', undefined]);
  });

  it('IC IALLU invalidates only this PE; IC IALLUIS every PE of the domain', () => {
    const f = fixture({ program: program(), decode, config: { l2: undefined, pou: 'memory' } });
    f.h.fetchInstr(f.pes[0], CODE, NORMAL_WB_ISH);
    f.h.fetchInstr(f.pes[1], CODE, NORMAL_WB_ISH);
    f.h.instructionCacheMaintenance(f.pes[0], 'iallu', undefined);
    assert.equal(f.h.icache.holds(0, CODE), false);
    assert.equal(f.h.icache.holds(1, CODE), true);
    f.h.instructionCacheMaintenance(f.pes[0], 'ialluis', undefined);
    assert.equal(f.h.icache.holds(1, CODE), false);
  });
});

describe('caches block', () => {
  const sys = { pes: 4 } as SystemConfig;
  const block = (lines: string[]): GenericBlock => ({
    keyword: 'caches',
    args: [],
    range: { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
    body: lines.map((l, i) => ({
      words: l.split(/\s+/).map((text) => ({ text, range: { start: { line: i + 1, col: 0 }, end: { line: i + 1, col: 0 } } })),
      range: { start: { line: i + 1, col: 0 }, end: { line: i + 1, col: l.length } },
    })),
  });

  it('parses geometry, points and the inner domain', () => {
    const d: Diagnostic[] = [];
    const c = parseCacheConfig(sys, [block(['l1d size 0x200 ways 2', 'l2 none', 'system_cache size 0x1000 ways 4', 'pou memory', 'poc memory', 'inner_domain 0-1 3'])], d);
    assert.deepEqual(d, []);
    assert.deepEqual(c.l1d, { size: 0x200, ways: 2 });
    assert.equal(c.l2, undefined);
    assert.deepEqual(c.system, { size: 0x1000, ways: 4 });
    assert.equal(c.pou, 'memory');
    assert.deepEqual(c.innerDomain, [0, 1, 3]);
  });

  it('reports bad settings at their line', () => {
    const d: Diagnostic[] = [];
    parseCacheConfig(sys, [block(['l1d size 100 ways 3', 'pou l9', 'colour blue'])], d);
    assert.deepEqual(
      d.map((x) => [x.range.start.line, x.rule]),
      [
        [1, 'caches'],
        [2, 'caches'],
        [3, 'caches'],
      ],
    );
    assert.match(d[0].message, /ways must be a power of two/);
  });
});

describe('caches scenario pass', () => {
  it('reports caches-block errors and unknown fill targets as diagnostics of the scenario', async () => {
    await import('../../simulator/cache');
    const { parseScenario } = await import('../../simulator');
    const text = [
      'system {',
      '  pes 2',
      '}',
      'caches {',
      '  l2 size 0x4000 ways 3',
      '}',
      'event when step 3 do fill 0x8000_0000 in L3.pe0',
      'event when step 4 do fill 0x8000_0000 in l2.cluster0',
    ].join('\n');
    const m = parseScenario(text, 't.armscope');
    const mine = m.diagnostics.filter((d) => d.rule === 'caches' || d.rule === 'unknown-cache').map((d) => [d.range.start.line, d.rule]);
    assert.deepEqual(mine, [
      [4, 'caches'],
      [6, 'unknown-cache'],
    ]);
  });
});

describe('cache actions (exploration)', () => {
  it('offers an eviction per dirty line and a speculative refill per recently maintained line', async () => {
    const { CacheActionSource } = await import('../../simulator/cache/actions');
    const f = fixture();
    const src = new CacheActionSource(f.h, f.pes);
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    wr(f, 0, A + 64, 4, 2, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'civac', A + 64, NORMAL_WB_ISH);
    const out: import('../../simulator/component/actions').Action[] = [];
    src.enabledActions(out);
    const labels = out.map((a) => (a.kind === 'component' ? a.label : ''));
    assert.deepEqual(labels, ['L1D.pe0 evicts 0x8000_1000 (Normal-WB ISH, dirty)', 'L1D.pe0 speculatively fills 0x8000_1040 (Normal-WB ISH)']);
    for (const a of out) if (a.kind === 'component') src.apply(a);
    assert.deepEqual(states(f, A), ['L2.cluster0:M:Normal-WB ISH'], 'the eviction wrote the line back to the L2');
    assert.deepEqual(states(f, A + 64), ['L1D.pe0:E:Normal-WB ISH']);
    assert.equal(f.h.linesOf(A + 64)[0].speculative, true);
  });
});

describe('identification registers for the configured hierarchy', () => {
  it('CLIDR_EL1 and CCSIDR_EL1 describe the default hierarchy like a Cortex-A53 (LoUU=1, LoC=2)', async () => {
    const { cacheIdRegisters, ccsidr } = await import('../../simulator/cache/idRegisters');
    const { defaultCacheConfig } = await import('../../simulator/cache/config');
    const r = cacheIdRegisters(defaultCacheConfig(2));
    assert.equal(r.CLIDR_EL1, 0x0a20_0023n);
    // 4 KB, 4 ways: 16 sets → NumSets-1 = 15, Associativity-1 = 3, LineSize = 2 (64 bytes).
    assert.equal(ccsidr({ size: 4096, ways: 4 }), (15n << 13n) | (3n << 3n) | 2n);
    assert.equal(r.ccsidr.get(2), ccsidr({ size: 0x4000, ways: 8 }));
  });

  it('a single level with PoU = PoC = memory: LoUU = LoC = 1', async () => {
    const { cacheIdRegisters } = await import('../../simulator/cache/idRegisters');
    const { defaultCacheConfig } = await import('../../simulator/cache/config');
    const r = cacheIdRegisters({ ...defaultCacheConfig(1), l2: undefined, pou: 'memory' });
    assert.equal(r.CLIDR_EL1, 0x0920_0003n);
  });
});
