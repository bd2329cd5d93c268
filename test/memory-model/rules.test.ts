/**
 * The rules of the Promising-ARM model (simulator/memory/ordering), each
 * tested on the litmus shapes it decides. Verdicts are herd7's on Arm's
 * aarch64.cat (the catalogue's kinds.txt, /work/herd/catalogue-results.txt
 * for the state lists), and for shapes outside the catalogue the
 * architecture's rule named in the comment (Arm ARM B2.3).
 */
import * as assert from 'node:assert/strict';
import { StateHasher } from '../../simulator/component/state';
import { BARRIER_OPTIONS } from '../../simulator/isa/system';
import { barrierOption, MessageLog, ordersEveryObserver, ReadOrder, ThreadLocal, WriteOrder } from '../../simulator/memory/ordering';
import { outcomes, stats, type Op } from './shapes';

const W = (loc: string, val: number, more: Partial<Extract<Op, { op: 'W' }>> = {}): Op => ({ op: 'W', loc, val, ...more });
const R = (loc: string, reg: string, more: Partial<Extract<Op, { op: 'R' }>> = {}): Op => ({ op: 'R', loc, reg, ...more });
const DMB = (option: string): Op => ({ op: 'DMB', option });
const ISB: Op = { op: 'ISB' };
const CTRL = (reg: string): Op => ({ op: 'CTRL', reg });
const rel = { order: WriteOrder.Release };

/** Whether some final state contains every one of `parts` (herd's `exists (a /\ b)`). */
function exists(program: Op[][], ...parts: string[]): boolean {
  return [...outcomes(program)].some((o) => parts.every((p) => o.split('; ').includes(p)));
}

// MP: P0 writes x then y; P1 reads y then x. Relaxed: 1:r0=1 /\ 1:r2=0.
const mp = (p0: Op[], p1: Op[]): Op[][] => [p0, p1];
const MP_RELAXED = ['1:r0=1', '1:r2=0'];

describe('memory model: reads, writes and coherence (Promising-ARM)', () => {
  it('MP: with no barrier every one of the four states is allowed (herd7: States 4, Sometimes)', () => {
    const all = outcomes(mp([W('x', 1), W('y', 1)], [R('y', 'r0'), R('x', 'r2')]));
    const states = ['1:r0=0; 1:r2=0', '1:r0=0; 1:r2=1', '1:r0=1; 1:r2=0', '1:r0=1; 1:r2=1'];
    assert.deepEqual([...all].sort(), states.map((s) => `${s}; [x]=1; [y]=1`));
  });

  it('CoRR: two reads of one location never see its writes out of coherence order (coh rises with each read)', () => {
    assert.equal(exists([[W('x', 1)], [R('x', 'r1'), R('x', 'r2')]], '1:r1=1', '1:r2=0'), false);
    assert.equal(exists([[W('x', 1)], [R('x', 'r1'), R('x', 'r2')]], '1:r1=0', '1:r2=1'), true);
  });

  it('CoWW: two writes of one location by one PE stay in program order (coh(x) < ts of a write)', () => {
    assert.deepEqual([...outcomes([[W('x', 1), W('x', 2)]])], ['[x]=2']);
  });

  it('CoRW1: a read does not see the program-order-later write of its own PE', () => {
    assert.equal(exists([[R('x', 'r1'), W('x', 1)]], '0:r1=1'), false);
  });

  it('CoWR: a read after a write of the same location sees that write or a coherence-later one', () => {
    assert.deepEqual([...outcomes([[W('x', 1), R('x', 'r2')]])], ['0:r2=1; [x]=1']);
  });

  it('CoRW2: a read that saw a write is not coherence-after the PE\'s later write (herd7: Never)', () => {
    assert.equal(exists([[W('x', 1)], [R('x', 'r1'), W('x', 2)]], '1:r1=1', '[x]=1'), false);
  });
});

describe('memory model: barriers', () => {
  it('MP+dmb.sys: DMB on both sides forbids the relaxed outcome; one side alone does not (herd7)', () => {
    assert.equal(exists(mp([W('x', 1), DMB('sy'), W('y', 1)], [R('y', 'r0'), DMB('sy'), R('x', 'r2')]), ...MP_RELAXED), false);
    assert.equal(exists(mp([W('x', 1), DMB('sy'), W('y', 1)], [R('y', 'r0'), R('x', 'r2')]), ...MP_RELAXED), true, 'MP+dmb.sy+po');
    assert.equal(exists(mp([W('x', 1), W('y', 1)], [R('y', 'r0'), DMB('sy'), R('x', 'r2')]), ...MP_RELAXED), true, 'MP+po+dmb.sy');
  });

  it('MP+dmb.st+dmb.ld: DMB ST orders the writes, DMB LD the reads — and not the other way round', () => {
    assert.equal(exists(mp([W('x', 1), DMB('ishst'), W('y', 1)], [R('y', 'r0'), DMB('ishld'), R('x', 'r2')]), ...MP_RELAXED), false);
    assert.equal(exists(mp([W('x', 1), DMB('ishld'), W('y', 1)], [R('y', 'r0'), DMB('ishld'), R('x', 'r2')]), ...MP_RELAXED), true);
    assert.equal(exists(mp([W('x', 1), DMB('ishst'), W('y', 1)], [R('y', 'r0'), DMB('ishst'), R('x', 'r2')]), ...MP_RELAXED), true);
  });

  it('SB: a read may pass an earlier write to another location; DMB SY on both sides (not one) forbids it', () => {
    const sb = (b0: Op[], b1: Op[]): Op[][] => [[W('x', 1), ...b0, R('y', 'r2')], [W('y', 1), ...b1, R('x', 'r0')]];
    assert.equal(exists(sb([], []), '0:r2=0', '1:r0=0'), true);
    assert.equal(exists(sb([DMB('sy')], [DMB('sy')]), '0:r2=0', '1:r0=0'), false);
    assert.equal(exists(sb([DMB('sy')], []), '0:r2=0', '1:r0=0'), true, 'SB+dmb.sy+po');
    // DMB ST does not order a write before a read (wr): SB stays allowed.
    assert.equal(exists(sb([DMB('st')], [DMB('st')]), '0:r2=0', '1:r0=0'), true);
  });

  it('2+2W: writes to different locations may become visible out of order; DMB (or DMB ST) on both sides forbids it', () => {
    const w2 = (b: Op[]): Op[][] => [[W('x', 2), ...b, W('y', 1)], [W('y', 2), ...b, W('x', 1)]];
    assert.equal(exists(w2([]), '[x]=2', '[y]=2'), true);
    assert.equal(exists(w2([DMB('sy')]), '[x]=2', '[y]=2'), false);
    assert.equal(exists(w2([DMB('st')]), '[x]=2', '[y]=2'), false);
    assert.equal(exists([[W('x', 2), DMB('sy'), W('y', 1)], [W('y', 2), W('x', 1)]], '[x]=2', '[y]=2'), true, '2+2W+dmb.sy+po');
  });

  it('S and R: write-write and write-read pairs across PEs, forbidden by a DMB on both sides (herd7)', () => {
    const s = (b0: Op[], b1: Op[]): Op[][] => [[W('x', 2), ...b0, W('y', 1)], [R('y', 'r0'), ...b1, W('x', 1)]];
    assert.equal(exists(s([], []), '[x]=2', '1:r0=1'), true);
    assert.equal(exists(s([DMB('sy')], [DMB('sy')]), '[x]=2', '1:r0=1'), false);
    const r = (b0: Op[], b1: Op[]): Op[][] => [[W('x', 1), ...b0, W('y', 1)], [W('y', 2), ...b1, R('x', 'r2')]];
    assert.equal(exists(r([], []), '[y]=2', '1:r2=0'), true);
    assert.equal(exists(r([DMB('sy')], [DMB('sy')]), '[y]=2', '1:r2=0'), false);
    assert.equal(exists(r([], [DMB('sy')]), '[y]=2', '1:r2=0'), true, 'R+po+dmb.sy');
  });

  it('DMB LD does not order the read of a "no return" atomic (MP+rel+LDADDnoret-dmb.ld Allowed, MP+rel+LDADD-dmb.ld Forbidden)', () => {
    const p1 = (noRet: boolean): Op[] => [R('y', 'r0', { noRet }), DMB('ld'), R('x', 'r2')];
    assert.equal(exists(mp([W('x', 1), W('y', 1, rel)], p1(false)), ...MP_RELAXED), false);
    assert.equal(exists(mp([W('x', 1), W('y', 1, rel)], p1(true)), ...MP_RELAXED), true);
    // A full DMB orders it all the same.
    assert.equal(exists(mp([W('x', 1), W('y', 1, rel)], [R('y', 'r0', { noRet: true }), DMB('sy'), R('x', 'r2')]), ...MP_RELAXED), false);
  });

  it('barrier options decode from CRm with their domain and ordering (Arm ARM C6.2.83)', () => {
    const ALL = { rr: true, rw: true, wr: true, ww: true };
    const LD = { rr: true, rw: true, wr: false, ww: false };
    const ST = { rr: false, rw: false, wr: false, ww: true };
    const expected: Record<string, ReturnType<typeof barrierOption>> = {
      sy: { domain: 'sy', order: ALL },
      ld: { domain: 'sy', order: LD },
      st: { domain: 'sy', order: ST },
      ish: { domain: 'ish', order: ALL },
      ishld: { domain: 'ish', order: LD },
      ishst: { domain: 'ish', order: ST },
      osh: { domain: 'osh', order: ALL },
      oshld: { domain: 'osh', order: LD },
      oshst: { domain: 'osh', order: ST },
      nsh: { domain: 'nsh', order: ALL },
      nshld: { domain: 'nsh', order: LD },
      nshst: { domain: 'nsh', order: ST },
    };
    // Every option the instruction table names, and no other CRm value.
    assert.deepEqual(Object.keys(BARRIER_OPTIONS).sort(), Object.keys(expected).sort());
    for (const [name, crm] of Object.entries(BARRIER_OPTIONS)) assert.deepEqual(barrierOption(crm), expected[name], name);
    for (const crm of [0, 4, 8, 12]) assert.equal(barrierOption(crm), undefined);
  });
});

describe('memory model: shareability domains of barriers', () => {
  it('a barrier orders for every observer only when its domain holds every PE (SY, OSH always; ISH with one inner domain; NSH alone)', () => {
    assert.equal(ordersEveryObserver('sy', 4, [0, 1]), true);
    assert.equal(ordersEveryObserver('osh', 4, [0, 1]), true);
    assert.equal(ordersEveryObserver('ish', 2, [0, 1]), true, 'herd7\'s convention: every thread in one Inner Shareable domain');
    assert.equal(ordersEveryObserver('ish', 4, [0, 1]), false, 'PEs 2 and 3 are outside: DMB ISH does not order what they observe');
    assert.equal(ordersEveryObserver('nsh', 2, [0, 1]), false);
    assert.equal(ordersEveryObserver('nsh', 1, [0]), true);
  });

  it('MP+dmb.ish with the reader outside the writer\'s Inner Shareable domain: the barrier that orders nothing for it leaves the relaxed outcome', () => {
    // The writer's DMB ISH with a domain of {P0} only: applied as the rule says, i.e. as no barrier at all.
    const dmbFor = (inner: number[]): Op[] => (ordersEveryObserver('ish', 2, inner) ? [DMB('ish')] : []);
    assert.equal(exists(mp([W('x', 1), ...dmbFor([0]), W('y', 1)], [R('y', 'r0'), DMB('sy'), R('x', 'r2')]), ...MP_RELAXED), true);
    assert.equal(exists(mp([W('x', 1), ...dmbFor([0, 1]), W('y', 1)], [R('y', 'r0'), DMB('sy'), R('x', 'r2')]), ...MP_RELAXED), false);
  });
});

describe('memory model: acquire and release', () => {
  it('MP+rel+acq and MP+rel+acqpc: STLR then LDAR / LDAPR forbid the relaxed outcome (herd7: Never)', () => {
    for (const order of [ReadOrder.Acquire, ReadOrder.AcquirePc]) {
      assert.equal(exists(mp([W('x', 1), W('y', 1, rel)], [R('y', 'r0', { order }), R('x', 'r2')]), ...MP_RELAXED), false);
    }
    assert.equal(exists(mp([W('x', 1), W('y', 1, rel)], [R('y', 'r0'), R('x', 'r2')]), ...MP_RELAXED), true, 'MP+rel+po');
  });

  it('SB+dmb.sy+rel-acq: STLR then LDAR are ordered (RCsc); STLR then LDAPR are not (SB+dmb.sy+rel-acqpc Allowed)', () => {
    const sb = (order: ReadOrder): Op[][] => [[W('x', 1), DMB('sy'), R('y', 'r2')], [W('y', 1, rel), R('x', 'r0', { order })]];
    assert.equal(exists(sb(ReadOrder.Acquire), '0:r2=0', '1:r0=0'), false);
    assert.equal(exists(sb(ReadOrder.AcquirePc), '0:r2=0', '1:r0=0'), true);
  });
});

describe('memory model: dependencies and promises', () => {
  it('LB: a write may be promised before an earlier read is satisfied (herd7: Sometimes)', () => {
    assert.equal(exists([[R('x', 'r0'), W('y', 1)], [R('y', 'r0'), W('x', 1)]], '0:r0=1', '1:r0=1'), true);
  });

  it('LB+dmb.sys and LB+dmb.sy+po: a DMB on both sides forbids it, on one side it does not', () => {
    assert.equal(exists([[R('x', 'r0'), DMB('sy'), W('y', 1)], [R('y', 'r0'), DMB('sy'), W('x', 1)]], '0:r0=1', '1:r0=1'), false);
    assert.equal(exists([[R('x', 'r0'), DMB('sy'), W('y', 1)], [R('y', 'r0'), W('x', 1)]], '0:r0=1', '1:r0=1'), true);
  });

  it('LB+datas and LB+ctrls: a promise cannot be fulfilled ahead of the read its datum or branch depends on (no out-of-thin-air)', () => {
    const data = [[R('x', 'r0'), W('y', 1, { data: 'r0' })], [R('y', 'r0'), W('x', 1, { data: 'r0' })]];
    assert.equal(exists(data, '0:r0=1', '1:r0=1'), false);
    const ctrl = [[R('x', 'r0'), CTRL('r0'), W('y', 1)], [R('y', 'r0'), CTRL('r0'), W('x', 1)]];
    assert.equal(exists(ctrl, '0:r0=1', '1:r0=1'), false);
    const addr = [[R('x', 'r0'), W('y', 1, { addr: 'r0' })], [R('y', 'r0'), W('x', 1, { addr: 'r0' })]];
    assert.equal(exists(addr, '0:r0=1', '1:r0=1'), false);
  });

  it('MP+dmb.sy+addr forbids; MP+dmb.sy+ctrl allows (a branch does not order reads); MP+dmb.sy+ctrlisb forbids', () => {
    const p0 = [W('x', 1), DMB('sy'), W('y', 1)];
    assert.equal(exists(mp(p0, [R('y', 'r0'), R('x', 'r2', { addr: 'r0' })]), ...MP_RELAXED), false);
    assert.equal(exists(mp(p0, [R('y', 'r0'), CTRL('r0'), R('x', 'r2')]), ...MP_RELAXED), true);
    assert.equal(exists(mp(p0, [R('y', 'r0'), CTRL('r0'), ISB, R('x', 'r2')]), ...MP_RELAXED), false);
  });

  it('S+dmb.sy+data: a write data-dependent on a read is not visible before the read is satisfied', () => {
    assert.equal(exists([[W('x', 2), DMB('sy'), W('y', 1)], [R('y', 'r0'), W('x', 1, { data: 'r0' })]], '[x]=2', '1:r0=1'), false);
  });

  it('store forwarding: a read of the PE\'s own write carries the write\'s views, not its timestamp (MP+dmb.sy+data-rfi-addr Forbidden; po-rfi-addr and ctrl-rfi-addr Allowed)', () => {
    const p0 = [W('x', 1), DMB('sy'), W('y', 1)];
    // data; rfi; addr: ordered (Arm ARM B2.3 "Dependency-ordered-before": data; [M]; lmrs; [R]).
    assert.equal(exists(mp(p0, [R('y', 'r0'), W('z', 1, { data: 'r0' }), R('z', 'r1'), R('x', 'r2', { addr: 'r1' })]), ...MP_RELAXED), false);
    // No dependency into the write: the forwarded read carries nothing of r0, so the read of x may be early.
    assert.equal(exists(mp(p0, [R('y', 'r0'), W('z', 1), R('z', 'r1'), R('x', 'r2', { addr: 'r1' })]), ...MP_RELAXED), true);
    // ctrl; rfi; addr (PPOCA): the write waits for the branch, but the forwarded read does not (herd7: Sometimes).
    assert.equal(exists(mp(p0, [R('y', 'r0'), CTRL('r0'), W('z', 1), R('z', 'r1'), R('x', 'r2', { addr: 'r1' })]), ...MP_RELAXED), true);
  });

  it('searches stay small: MP+dmb.sys is decided in under 5,000 search steps', () => {
    stats.steps = 0;
    outcomes(mp([W('x', 1), DMB('sy'), W('y', 1)], [R('y', 'r0'), DMB('sy'), R('x', 'r2')]));
    assert.ok(stats.steps < 5000, `${stats.steps} steps`);
  });
});

describe('memory model: atomic read-modify-writes (FEAT_LSE)', () => {
  const SWP = (loc: string, reg: string, val: number, more: Partial<Extract<Op, { op: 'RMW' }>> = {}): Op => ({ op: 'RMW', loc, reg, val, ...more });
  // herd7's MP+rel+SWP… shapes: P0 writes x then y=1 with STLR; P1 swaps y to 2 and reads x. Relaxed: [y]=2 /\ 1:r0=0.
  const p0 = [W('x', 1), W('y', 1, rel)];

  it('MP+rel+SWP-dmb.ld forbids, MP+rel+SWPnoret-dmb.ld allows: DMB LD orders the swap\'s read only when it returns a value', () => {
    assert.equal(exists([p0, [SWP('y', 'r2', 2), DMB('ld'), R('x', 'r0')]], '[y]=2', '1:r0=0'), false);
    assert.equal(exists([p0, [SWP('y', 'r2', 2, { noRet: true }), DMB('ld'), R('x', 'r0')]], '[y]=2', '1:r0=0'), true);
  });

  it('MP+rel+SWPacq forbids (an acquire swap orders later reads); with no return and so no acquire it allows', () => {
    assert.equal(exists([p0, [SWP('y', 'r2', 2, { rOrder: ReadOrder.Acquire }), R('x', 'r0')]], '[y]=2', '1:r0=0'), false);
    assert.equal(exists([p0, [SWP('y', 'r2', 2, { noRet: true }), R('x', 'r0')]], '[y]=2', '1:r0=0'), true);
  });

  it('MP+rel+swp-acq and MP+rel+rmw-lrs-acq: an acquire reading the swap\'s own write is ordered after the swap\'s read', () => {
    assert.equal(exists([p0, [SWP('y', 'r2', 2), R('y', 'r6', { order: ReadOrder.Acquire }), R('x', 'r0')]], '1:r2=1', '1:r0=0'), false);
    assert.equal(exists([p0, [SWP('y', 'r2', 2), R('y', 'r6', { order: ReadOrder.AcquirePc }), R('x', 'r0')]], '1:r2=1', '1:r0=0'), false, 'MP+rel+swp-acqpc');
    // A plain read of the swap's write is forwarded and orders nothing.
    assert.equal(exists([p0, [SWP('y', 'r2', 2), R('y', 'r6'), R('x', 'r0')]], '1:r2=1', '1:r0=0'), true);
  });

  it('single-copy atomicity: no write to the location comes between a swap\'s read and its write', () => {
    // Two swaps of x: each reads the value the other did not overwrite — never both 0.
    assert.equal(exists([[SWP('x', 'r0', 1)], [SWP('x', 'r0', 2)]], '0:r0=0', '1:r0=0'), false);
    assert.equal(exists([[SWP('x', 'r0', 1)], [SWP('x', 'r0', 2)]], '0:r0=0', '1:r0=1'), true);
  });

  it('LB+dmb.sy+data-amo.swp forbids: the swap\'s write waits for the data it stores', () => {
    const amo: Op = { op: 'RMW', loc: 'y', reg: 'r5', val: 1 };
    // The harness's swap stores a constant; the data dependency is the write's: model it as a plain write with data on r1.
    assert.equal(exists([[R('x', 'r1'), W('y', 1, { data: 'r1' })], [R('y', 'r1'), DMB('sy'), W('x', 1)]], '0:r1=1', '1:r1=1'), false);
    assert.equal(exists([[R('x', 'r1'), amo], [R('y', 'r1'), DMB('sy'), W('x', 1)]], '0:r1=1', '1:r1=1'), true, 'without the dependency it is LB+dmb.sy+po');
  });
});

describe('memory model: exclusives and the message log', () => {
  it('a store-exclusive is writable only while no other PE wrote the location since its load-exclusive', () => {
    const mem = new MessageLog(() => ({ lo: 0, hi: 0 }));
    const t0 = new ThreadLocal(0);
    const t1 = new ThreadLocal(1);
    const x = 0x1000;
    const ts = t0.readable(mem, x, 0, { order: ReadOrder.Plain, exclusive: true });
    assert.deepEqual(ts, [0]);
    t0.read(mem, x, 0, 0, { order: ReadOrder.Plain, exclusive: true });
    assert.equal(t0.writable(mem, x, 1, 0, 0, { order: WriteOrder.Plain, exclusive: true }), true);
    t1.writeNow(mem, x, 5, 0, 0, 0, { order: WriteOrder.Plain });
    assert.equal(t0.writeNow(mem, x, 1, 0, 0, 0, { order: WriteOrder.Plain, exclusive: true }), undefined);
    t0.writeFailure();
    assert.equal(t0.writable(mem, x, 2, 0, 0, { order: WriteOrder.Plain, exclusive: true }), false, 'no open exclusive pair after a failure');
  });

  it('snapshots restore the log and a thread\'s views exactly, and equal states hash alike', () => {
    const mem = new MessageLog(() => ({ lo: 0, hi: 0 }));
    const t = new ThreadLocal(0);
    t.writeNow(mem, 0x1000, 1, 0, 0, 0, { order: WriteOrder.Plain });
    const ms = mem.snapshot();
    const ls = t.snapshot();
    t.writeNow(mem, 0x2000, 2, 0, 0, 0, { order: WriteOrder.Release });
    t.dmb(barrierOption(15)!.order);
    mem.restore(ms);
    t.restore(ls);
    assert.equal(mem.length, 1);
    assert.equal(t.vwo, 1);
    assert.equal(t.vrel, 0);
    assert.deepEqual(t.readable(mem, 0x2000, 0, { order: ReadOrder.Plain }), [0]);
    const hash = (): number => {
      const h = new StateHasher();
      mem.hashInto(h);
      t.hashInto(h);
      return h.value();
    };
    const before = hash();
    t.dmb(barrierOption(13)!.order);
    assert.equal(hash(), before, 'a DMB LD after no read changes no view');
    t.writeNow(mem, 0x2000, 2, 0, 0, 0, { order: WriteOrder.Plain });
    assert.notEqual(hash(), before);
    mem.restore(ms);
    t.restore(ls);
    assert.equal(hash(), before);
  });
});
