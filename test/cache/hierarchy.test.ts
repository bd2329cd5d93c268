import * as assert from 'node:assert/strict';
import { DEVICE_nGnRnE, NORMAL_NC, NORMAL_WB_ISH, NORMAL_WB_NSH, NORMAL_WB_OSH, memAttrs } from '../../simulator/memory/attributes';
import { STATE_NAMES } from '../../simulator/cache/line';
import { fixture, rd, states, watchHazards, wr } from './helpers';

const A = 0x8000_1000;

describe('cache hierarchy: accesses and MOESI states', () => {
  it('a read miss allocates an Exclusive copy in the L1 with memory data', () => {
    const f = fixture();
    f.physical.writeU32(A, 0x1234_5678);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 0x1234_5678);
    assert.deepEqual(states(f, A), ['L1D.pe0:E:Normal-WB ISH']);
  });

  it('a write makes the copy Modified and leaves memory stale', () => {
    const f = fixture();
    wr(f, 0, A, 4, 0xaa, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), ['L1D.pe0:M:Normal-WB ISH']);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 0xaa);
    assert.equal(f.physical.readU32(A), 0);
    assert.equal(f.h.readMain(A, 4), 0n);
    assert.equal(f.h.readAsSeenBy(0, A, 4), 0xaan);
  });

  it('8-byte accesses round-trip both halves', () => {
    const f = fixture();
    f.h.write(f.pes[0], A + 8, 8, 0xdead_beef, 0x0123_4567, NORMAL_WB_ISH);
    f.h.read(f.pes[0], A + 8, 8, NORMAL_WB_ISH);
    assert.equal(f.pes[0].ldLo, 0xdead_beef);
    assert.equal(f.pes[0].ldHi, 0x0123_4567);
  });

  it('an access crossing a line boundary is split and still coherent', () => {
    const f = fixture();
    f.h.write(f.pes[0], A + 60, 8, 0x4433_2211, 0x8877_6655, NORMAL_WB_ISH);
    f.h.read(f.pes[0], A + 60, 8, NORMAL_WB_ISH);
    assert.equal(f.pes[0].ldLo, 0x4433_2211);
    assert.equal(f.pes[0].ldHi, 0x8877_6655);
    assert.equal(f.h.linesOf(A).length, 1);
    assert.equal(f.h.linesOf(A + 64).length, 1);
  });

  it('snoop: a read by another PE of the Inner Shareable domain finds the dirty copy (M→O, new copy S)', () => {
    const f = fixture();
    wr(f, 0, A, 4, 7, NORMAL_WB_ISH);
    assert.equal(rd(f, 1, A, 4, NORMAL_WB_ISH), 7);
    assert.deepEqual(states(f, A), ['L1D.pe0:O:Normal-WB ISH', 'L1D.pe1:S:Normal-WB ISH']);
  });

  it('a write by a sharer invalidates the other copies of its domain', () => {
    const f = fixture();
    wr(f, 0, A, 4, 7, NORMAL_WB_ISH);
    rd(f, 1, A, 4, NORMAL_WB_ISH);
    wr(f, 1, A, 4, 9, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), ['L1D.pe1:M:Normal-WB ISH']);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 9);
  });

  it('two clean readers: E becomes S when the second reader arrives', () => {
    const f = fixture();
    rd(f, 0, A, 4, NORMAL_WB_ISH);
    rd(f, 1, A, 4, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), ['L1D.pe0:S:Normal-WB ISH', 'L1D.pe1:S:Normal-WB ISH']);
  });

  it('Non-shareable memory is not coherent between PEs', () => {
    const f = fixture();
    wr(f, 0, A, 4, 5, NORMAL_WB_NSH);
    assert.equal(rd(f, 1, A, 4, NORMAL_WB_NSH), 0, 'PE1 does not snoop PE0 for Non-shareable memory');
  });

  it('the Inner Shareable domain is configurable: PEs outside it are not snooped', () => {
    const f = fixture({ pes: 3, config: { innerDomain: [0, 1] } });
    wr(f, 0, A, 4, 5, NORMAL_WB_ISH);
    assert.equal(rd(f, 1, A, 4, NORMAL_WB_ISH), 5);
    assert.equal(rd(f, 2, A, 4, NORMAL_WB_ISH), 0);
    // Outer Shareable reaches every PE.
    wr(f, 0, A + 64, 4, 6, NORMAL_WB_OSH);
    assert.equal(rd(f, 2, A + 64, 4, NORMAL_WB_OSH), 6);
  });

  it('mismatched cacheable attributes hit different copies and lose coherency (B2.8)', () => {
    const f = fixture();
    wr(f, 0, A, 8, 0x1111, NORMAL_WB_OSH);
    assert.equal(rd(f, 0, A, 8, NORMAL_WB_ISH), 0, 'the ISH read misses the OSH copy and reads memory');
    assert.deepEqual(states(f, A).sort(), ['L1D.pe0:E:Normal-WB ISH', 'L1D.pe0:M:Normal-WB OSH']);
  });

  it('Non-cacheable and Device reads bypass dirty cached data; their writes do not update cached copies', () => {
    const f = fixture();
    f.physical.writeU32(A, 1);
    wr(f, 0, A, 4, 2, NORMAL_WB_ISH);
    assert.equal(rd(f, 0, A, 4, DEVICE_nGnRnE), 1);
    assert.equal(rd(f, 1, A, 4, NORMAL_NC), 1);
    f.h.write(f.pes[0], A, 4, 3, 0, DEVICE_nGnRnE);
    assert.equal(f.physical.readU32(A), 3);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 2, 'the cached copy still holds the cacheable write');
    assert.equal(f.h.linesOf(A)[0].stale, true);
  });

  it('MMIO device ranges bypass the caches even with cacheable attributes', () => {
    const f = fixture({ devices: [{ base: 0x0900_0000, size: 0x1000 }] });
    wr(f, 0, 0x0900_0010, 4, 0x55, NORMAL_WB_ISH);
    assert.equal(f.h.linesOf(0x0900_0010).length, 0);
    assert.equal(f.physical.readU32(0x0900_0010), 0x55);
  });

  it('Write-Through writes update memory and never dirty the copy', () => {
    const f = fixture();
    const wt = memAttrs('normal', { inner: 'wt', outer: 'wt', sh: 'ish' });
    rd(f, 0, A, 4, wt);
    wr(f, 0, A, 4, 0x77, wt);
    assert.equal(f.physical.readU32(A), 0x77);
    assert.deepEqual(states(f, A), ['L1D.pe0:E:Normal-WT ISH']);
    assert.equal(rd(f, 0, A, 4, wt), 0x77);
  });
});

describe('cache hierarchy: eviction', () => {
  it('LRU replacement writes a dirty victim back to the L2, and the L2 victim to memory', () => {
    // L1: 2 sets × 1 way; L2: 1 set × 1 way: three lines in the same L1 set force evictions.
    const f = fixture({ config: { l1d: { size: 128, ways: 1 }, l2: { size: 64, ways: 1 } } });
    wr(f, 0, A, 4, 0xa, NORMAL_WB_ISH);
    wr(f, 0, A + 128, 4, 0xb, NORMAL_WB_ISH);
    assert.deepEqual(states(f, A), ['L2.cluster0:M:Normal-WB ISH'], 'A was evicted from the L1 into the L2');
    assert.equal(f.physical.readU32(A), 0);
    wr(f, 0, A + 256, 4, 0xc, NORMAL_WB_ISH);
    // A+128 evicted from L1 into the L2 (1 way), which evicts A to memory.
    assert.equal(f.physical.readU32(A), 0xa);
    assert.deepEqual(states(f, A), []);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 0xa);
  });

  it('a sweep past both caches over two pages: every line reaches memory whole and every refill reads it back', () => {
    // L1: 2 sets × 1 way; L2: 1 way. One key: refills from memory read the line after the allocation's
    // write-backs (coherence.ts `acquire`), and write-backs after a page's first go a word at a time (writeback.ts).
    const f = fixture({ pes: 1, config: { l1d: { size: 128, ways: 1 }, l2: { size: 64, ways: 1 } } });
    const LINES = 70; // 64 lines per 4 KB page: the sweep crosses into a second page.
    const value = (i: number, k: number): number => (i * 8 + k + 1) * 0x0101;
    for (let i = 0; i < LINES; i++) for (let k = 0; k < 8; k++) wr(f, 0, A + i * 64 + k * 8, 4, value(i, k), NORMAL_WB_ISH);
    // All but the lines still cached (the last in each L1 set and the L2's one way) are in memory.
    for (let i = 0; i < LINES - 3; i++) for (let k = 0; k < 8; k++) assert.equal(f.physical.readU32(A + i * 64 + k * 8), value(i, k), `line ${i} word ${k} in memory`);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), value(0, 0));
    assert.deepEqual(states(f, A), ['L1D.pe0:E:Normal-WB ISH'], 'a refill from memory is Exclusive');
    for (let i = 0; i < LINES; i++) for (let k = 0; k < 8; k++) assert.equal(rd(f, 0, A + i * 64 + k * 8, 4, NORMAL_WB_ISH), value(i, k), `line ${i} word ${k} read back`);
  });

  it('without an L2 a dirty L1 victim goes straight to memory', () => {
    const f = fixture({ config: { l1d: { size: 64, ways: 1 }, l2: undefined, pou: 'memory' } });
    wr(f, 0, A, 4, 0xa, NORMAL_WB_ISH);
    rd(f, 0, A + 64, 4, NORMAL_WB_ISH);
    assert.equal(f.physical.readU32(A), 0xa);
  });

  it('the least recently used way is the victim', () => {
    const f = fixture({ config: { l1d: { size: 128, ways: 2 }, l2: undefined, pou: 'memory' } });
    rd(f, 0, A, 4, NORMAL_WB_ISH);
    rd(f, 0, A + 64, 4, NORMAL_WB_ISH);
    rd(f, 0, A, 4, NORMAL_WB_ISH); // A is now more recent
    rd(f, 0, A + 128, 4, NORMAL_WB_ISH);
    assert.equal(f.h.linesOf(A).length, 1);
    assert.equal(f.h.linesOf(A + 64).length, 0);
  });
});

describe('cache hierarchy: trace and views', () => {
  it('emits cache-line events with the cache, the transition and the cause', () => {
    const f = fixture();
    const ev: string[] = [];
    f.h.cacheHooks.lineState.subscribe((l, from, to, cause, pe) => ev.push(`${l.cache.name} ${STATE_NAMES[from]}->${STATE_NAMES[to]} ${cause} pe${pe}`));
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    rd(f, 1, A, 4, NORMAL_WB_ISH);
    assert.deepEqual(ev, ['L1D.pe0 I->M write pe0', 'L1D.pe0 M->O snoop pe1', 'L1D.pe1 I->S read pe1']);
  });

  it('summaries list every cache with valid and dirty counts', () => {
    const f = fixture({ pes: 4, clusterOf: [0, 0, 1, 1], config: { system: { size: 0x8000, ways: 8 } } });
    wr(f, 2, A, 4, 1, NORMAL_WB_ISH);
    const s = f.h.summaries();
    assert.deepEqual(
      s.map((c) => c.name),
      ['L1D.pe0', 'L1D.pe1', 'L1D.pe2', 'L1D.pe3', 'L2.cluster0', 'L2.cluster1', 'SystemCache'],
    );
    const pe2 = s.find((c) => c.name === 'L1D.pe2')!;
    assert.equal(pe2.valid, 1);
    assert.equal(pe2.dirty, 1);
    assert.equal(pe2.lines[0].data[0], 1);
  });

  it('snapshot and restore bring back lines, data and memory', () => {
    const f = fixture();
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    const snap = f.h.snapshot();
    wr(f, 0, A, 4, 2, NORMAL_WB_ISH);
    wr(f, 1, A + 64, 4, 3, NORMAL_WB_ISH);
    f.h.maintainByVa(f.pes[0], 'civac', A, NORMAL_WB_ISH);
    f.h.restore(snap);
    assert.deepEqual(states(f, A), ['L1D.pe0:M:Normal-WB ISH']);
    assert.deepEqual(states(f, A + 64), []);
    assert.equal(f.physical.readU32(A), 0);
    assert.equal(rd(f, 0, A, 4, NORMAL_WB_ISH), 1);
  });
});

describe('cache hierarchy: read and write hooks (memory-access events)', () => {
  it('reports each access once, reads with the value they returned, split accesses whole', () => {
    const f = fixture();
    const seen: string[] = [];
    const at = (write: boolean) => (pe: { id: number } | undefined, pa: number, size: number, lo: number, hi: number, attrs: { label: string }): number =>
      seen.push(`${pe?.id} ${pa.toString(16)} ${size} ${write ? 'W' : 'R'} ${hi.toString(16)}:${lo.toString(16)} ${attrs.label}`);
    f.h.hooks.read.subscribe(at(false));
    f.h.hooks.write.subscribe(at(true));
    f.h.write(f.pes[0], A + 60, 8, 0x4433_2211, 0x8877_6655, NORMAL_WB_ISH);
    f.h.read(f.pes[1], A + 60, 8, NORMAL_WB_ISH);
    f.h.read(f.pes[1], A, 4, DEVICE_nGnRnE);
    assert.deepEqual(seen, [
      '0 8000103c 8 W 88776655:44332211 Normal-WB ISH',
      '1 8000103c 8 R 88776655:44332211 Normal-WB ISH',
      '1 80001000 4 R 0:0 Device-nGnRnE',
    ]);
  });
});

describe('cache hierarchy: state hash', () => {
  it('changes with states and data, and comes back with them', () => {
    const f = fixture();
    const empty = f.h.stateHash();
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    const one = f.h.stateHash();
    assert.notEqual(one, empty);
    wr(f, 0, A, 4, 2, NORMAL_WB_ISH);
    assert.notEqual(f.h.stateHash(), one, 'data is part of it');
    const snap = f.h.snapshot();
    const two = f.h.stateHash();
    wr(f, 0, A, 4, 1, NORMAL_WB_ISH);
    f.h.restore(snap);
    assert.equal(f.h.stateHash(), two, 'a restored snapshot hashes as before');
    f.h.maintainByVa(f.pes[0], 'cvac', A, NORMAL_WB_ISH);
    assert.notEqual(f.h.stateHash(), two, 'M → E');
  });
});

describe('cache hierarchy: hazards for the checkers', () => {
  it('a Device read of a dirty word is a hazard; of another word of the same dirty line, not (B2.8 is per Location)', () => {
    const f = fixture();
    const seen = watchHazards(f);
    const kinds = (): string[] => seen.map((h) => `${h.kind} ${h.kind === 'stale-writeback' ? '' : h.pa.toString(16)}`);
    wr(f, 0, A, 8, 5, NORMAL_WB_ISH);
    rd(f, 0, A + 8, 8, DEVICE_nGnRnE);
    assert.deepEqual(kinds(), []);
    rd(f, 0, A, 8, DEVICE_nGnRnE);
    assert.deepEqual(kinds(), ['bypass-dirty 80001000']);
  });

  it('a Device write into a dirty line is always a hazard: the write-back will overwrite it', () => {
    const f = fixture();
    const seen = watchHazards(f);
    wr(f, 0, A, 8, 5, NORMAL_WB_ISH);
    f.h.write(f.pes[0], A + 8, 8, 6, 0, DEVICE_nGnRnE);
    f.h.maintainByVa(f.pes[0], 'cvac', A, NORMAL_WB_ISH);
    assert.deepEqual(seen.map((h) => h.kind), ['bypass-dirty', 'stale-writeback']);
    assert.equal(f.physical.readU32(A + 8), 0, 'the Device write was lost');
  });
});
