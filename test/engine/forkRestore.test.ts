/**
 * The machine's fork / restore / fingerprint (engine/machineState.ts) and
 * its history (engine/history.ts) on a scenario with everything copy-on-write
 * in play: two PEs behind stage 1+2 translation, caches holding dirty lines,
 * the checkers' shadow memory, a GIC with a pending interrupt and a timer.
 */
import * as assert from 'node:assert/strict';
import { DebugController } from '../../debug-adapter/controller';
import type { Action } from '../../simulator/component/actions';
import type { Snapshottable } from '../../simulator/component/state';
import { CacheHierarchy } from '../../simulator/cache/hierarchy';
import { Machine } from '../../simulator/engine/machine';
import type { VmsaMmu } from '../../simulator/mmu/vmsa';
import { model } from './helpers';

const SCENARIO = `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x400_0000
  cache_model on
  max_steps 200000
}
caches { l1d size 0x400 ways 2; l2 size 0x1000 ways 4 }
gic { enable group1ns; interrupt 40 group 1ns priority 0x80 target pe 1 enabled }
pagetable s1 stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw x pages
  map 0x4000_0000 size 0x4_0000 to 0x8100_0000 normal_wb ish rw xn pages
}
pagetable s2 stage 2 at 0x80a0_0000 t0sz 32 sl0 1 pool 0x80a1_0000 size 0x1_0000 {
  map 0x8000_0000 size 0x200_0000 to 0x8000_0000 normal_wb ish rw x
}
pe 0-1 {
  el 1
  entry start
  hcr_el2 = 0x8000_0001
  vtcr_el2 = 0x8005_3560
  vttbr_el2 = 0x0001_0000_80a0_0000
  mair_el1 = 0x000C_08BB_0444_FF00
  tcr_el1 = 0x5_0080_3519
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = 0x30d5_1805
  pstate.daif = 0
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
  x0 = 300
}
code at 0x8000_0000 {
start:
    mrs   x9, mpidr_el1
    and   x9, x9, #0xff
    ldr   x11, =0x4000_0000
    add   x11, x11, x9, lsl #17
    mov   x5, #0
loop:
    str   x5, [x11], #64          // a new line (and every 64 lines a new page) each iteration
    ldr   x6, [x11, #-64]         // the line just written
    add   x5, x5, x6
    add   x5, x5, #1
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
}
event when step 400 do irq 40
`;

const md = model(SCENARIO);

function cachesOf(m: Machine): CacheHierarchy {
  assert.ok(m.memory instanceof CacheHierarchy);
  return m.memory;
}

/** Everything a fork must bring back: registers, memory, every cached copy, TLB entries, the GIC, records; and the fingerprint. */
function observe(m: Machine): string {
  const mmu = m.mmu as VmsaMmu;
  return JSON.stringify({
    steps: m.steps,
    pes: m.pes.map((p) => [p.pc, p.el, [...p.xlo].join(','), [...p.sysregs].join(';'), p.irqLine]),
    memory: m.physical.pageNumbers().map((no) => [no, Buffer.from(m.physical.page(no * 4096, false)!).toString('base64')]),
    caches: cachesOf(m).cacheReport(),
    tlbs: m.pes.map((p) => mmu.tlbEntries(p).map((e) => `${e.ctx.id}:${e.base}:${e.size}:${e.outBase}`)),
    gic: [m.gic.isPending(40), m.gic.isActive(40), [...m.gic.pendingLatch].join('')],
    records: [m.exceptions.length, m.findings.length],
    hash: m.stateHash(),
  });
}

describe('engine: fork, restore and fingerprint of the whole machine', () => {
  it('restore gives back memory, caches, TLBs, GIC and registers bit for bit, the same fingerprint, and the same future', () => {
    const m = Machine.create(md);
    m.run(300);
    const fork = m.fork();
    const atFork = observe(m);
    m.run(1500);
    const later = observe(m);
    assert.notEqual(later, atFork);
    m.restore(fork);
    assert.equal(observe(m), atFork);
    m.run(1500);
    assert.equal(observe(m), later, 'the same future');
    // And a fresh machine run straight there agrees (the fingerprint is not an artefact of restores).
    const straight = Machine.create(md);
    straight.run(1800);
    assert.equal(straight.stateHash(), m.stateHash());
  });

  it('explore-style: fork, apply a choice, fork, go back, apply another, come back: each capture is exactly its state', () => {
    const m = Machine.create(md);
    m.run(200);
    const s0 = m.fork();
    const pe1: Action = { kind: 'pe-step', pe: 1 };
    const pe0: Action = { kind: 'pe-step', pe: 0 };
    for (let i = 0; i < 40; i++) m.apply(pe1);
    const s1 = m.fork();
    const at1 = observe(m);
    m.restore(s0);
    for (let i = 0; i < 40; i++) m.apply(pe0);
    const at2 = observe(m);
    assert.notEqual(at2, at1);
    m.restore(s1);
    assert.equal(observe(m), at1);
    m.run(100);
    const after1 = observe(m);
    m.restore(s1);
    m.run(100);
    assert.equal(observe(m), after1);
  });

  it('costs what changed: a fork after a few steps copies a few pages and cache ways, not the state', () => {
    const m = Machine.create(md);
    m.run(2000);
    m.fork();
    const pages = m.physical.pagesCopied;
    // 10 loop iterations per PE write 20 new lines: at most 2 pages (and their shadow pages) change.
    m.run(120);
    m.fork();
    assert.ok(m.physical.pagesCopied - pages <= 2, `${m.physical.pagesCopied - pages} pages copied`);
    // No step, no change: the components hand back their previous captures.
    const a = m.fork();
    const b = m.fork();
    type Parts = [{ caches: unknown[]; memory: { pages: unknown } }, { tlbs: unknown[] }, { gic: unknown }];
    const [ma, ta, pa] = a.components as Parts;
    const [mb, tb, pb] = b.components as Parts;
    mb.caches.forEach((c, i) => assert.equal(c, ma.caches[i], 'every cache capture is shared'));
    assert.equal(mb.memory.pages, ma.memory.pages, 'the memory capture is shared');
    tb.tlbs.forEach((t, i) => assert.equal(t, ta.tlbs[i], 'every TLB capture is shared'));
    assert.equal(pb.gic, pa.gic, 'the GIC capture is shared');
    assert.equal(b.pes[0].sysregs, a.pes[0].sysregs, 'unchanged system registers are shared');
  });
});

describe('engine: history behind the horizon', () => {
  it('stepping forward after going back replays logged choices by itself, restores and captures nothing, and is muted until the horizon', () => {
    const m = Machine.create(md, { checkpointInterval: 100 });
    // A component that counts captures and restores (its state never changes).
    let captures = 0;
    let restores = 0;
    const spy: Snapshottable = {
      snapshot: () => {
        captures++;
        return 0;
      },
      restore: () => restores++,
      stateHash: () => 0,
    };
    m.addComponent({ name: 'spy', state: spy });
    m.run(250);
    for (let i = 0; i < 30; i++) m.apply({ kind: 'pe-step', pe: 1 });
    m.run(220);
    const horizon = m.steps;
    const want = observe(m);
    let heard = 0;
    m.trace.on('instruction', () => heard++);
    m.goToStep(150);
    assert.equal(m.horizon, horizon);
    assert.equal(restores, 1, 'going back restored one checkpoint');
    restores = 0;
    captures = 0;
    while (m.steps < horizon) assert.ok(m.step());
    assert.equal(restores, 0, 'no checkpoint restored while stepping forward');
    assert.equal(captures, 0, 'no checkpoint taken again behind the horizon');
    assert.equal(heard, 0, 'replayed steps are not traced');
    assert.equal(observe(m), want, 'the logged choices were applied at their steps');
    m.step();
    assert.equal(heard, 1, 'beyond the horizon, steps are traced again');
  });

  it('restoring a capture of a forgotten future starts a new history at it', () => {
    const m = Machine.create(md, { checkpointInterval: 100 });
    m.run(500);
    const future = m.fork();
    m.goToStep(200);
    m.apply({ kind: 'pe-step', pe: 0 });
    assert.deepEqual(m.checkpointSteps(), [0, 100, 200]);
    m.restore(future);
    assert.deepEqual(m.checkpointSteps(), [500]);
    assert.equal(m.goToStep(50), 500, 'nothing before the capture is known to this history');
  });
});

describe('engine: pause conditions', () => {
  it('run() pauses after the step that reaches a watched PC, records an exception, or writes a watched range', () => {
    const m = Machine.create(md);
    const loop = md.symbols.get('loop')!.value!;
    m.pauseWhen({ pcs: [Number(loop)] });
    m.run(10_000);
    assert.equal(m.pes.some((p) => p.pc === Number(loop)), true);
    assert.match(m.pauseReason ?? '', /watched PC/);
    const at = m.steps;
    m.run(10_000);
    assert.ok(m.steps > at && m.pes.some((p) => p.pc === Number(loop)));
    m.pauseWhen({ records: true });
    m.run(10_000);
    assert.match(m.pauseReason ?? '', /exception/);
    assert.equal(m.exceptions.length, 1, 'the interrupt of step 400, taken');
    assert.equal(m.exceptions[0].step, m.steps, 'paused right after the step that took it');
    m.pauseWhen({ writes: [{ pa: 0x8100_0000 + 100 * 64, size: 8 }] });
    m.run(10_000);
    assert.match(m.pauseReason ?? '', /watched range/);
    assert.equal(m.physical.readU32(0x8100_0000 + 100 * 64) !== 0 || cachesOf(m).linesOf(0x8100_0000 + 100 * 64).length > 0, true);
    m.pauseWhen(undefined);
    m.run();
    assert.equal(m.stopInfo?.kind, 'halted');
  });
});

describe('engine: time travel costs the distance travelled', () => {
  // Two PEs: every step is a choice of the policy (with one enabled action the scheduler need not ask).
  const LOOP = `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 100000
}
pe 0-1 {
  el 1
  entry start
  x0 = 5000
}
code at 0x8000_0000 {
start:
    add   x1, x1, #1
    subs  x0, x0, #1
    b.ne  start
    hlt   #0
}
`;

  /** A debugger at step 12,000 of the loop, with a policy that counts the steps it chooses. */
  function counted(): { c: DebugController; chosen: () => number } {
    const c = new DebugController(model(LOOP), { checkpointInterval: 1000 });
    c.machine.run(12_000);
    c.frontier = c.machine.steps;
    let n = 0;
    const base = c.machine.policy;
    c.machine.policy = {
      name: 'counting',
      choose: (enabled, m) => {
        n++;
        return base.choose(enabled, m);
      },
      choosePe: (pes, m) => {
        n++;
        return base.choosePe!(pes, m);
      },
    };
    return { c, chosen: () => n };
  }

  it('reverse continue over the whole history replays each checkpoint interval once', async () => {
    const { c, chosen } = counted();
    const stop = await c.reverseContinue();
    assert.equal(stop.reason, 'entry');
    assert.equal(c.machine.steps, 0);
    // 12 intervals of 1,000 steps, each replayed once to look for a stop: 12,000 steps, not 12 × 12,000 / 2.
    assert.equal(chosen(), 12_000);
  });

  it('continuing forward from a step back runs each step once, and the state is the one the first run reached', () => {
    const { c, chosen } = counted();
    const want = c.machine.stateHash();
    c.goTo(3_500);
    const n = chosen();
    while (c.machine.steps < 12_000) c.machine.step();
    assert.equal(chosen() - n, 12_000 - 3_500);
    assert.equal(c.machine.stateHash(), want);
  });
});
