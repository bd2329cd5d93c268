import * as assert from 'node:assert/strict';
import { Machine } from '../../simulator/engine/machine';
import { RandomPolicy } from '../../simulator/engine/policy';
import { buildReport } from '../../simulator/engine/report';
import type { TraceEvent } from '../../simulator/trace/events';
import { model } from './helpers';

/** Two PEs increment one counter without atomics: round-robin interleaving loses updates deterministically. */
function raceScenario(n0: number, n1: number, maxSteps = 100000): string {
  return `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps ${maxSteps}
}
pe 0 {
  el 1
  entry start
  x0 = ${n0}
}
pe 1 {
  el 1
  entry start
  x0 = ${n1}
}
code at 0x8000_0000 {
start:
    ldr   x10, =counter
loop:
    ldr   x1, [x10]
    add   x1, x1, #1
    str   x1, [x10]
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
}
data at 0x8000_1000 {
counter:
    .quad 0
}
`;
}

function counterOf(m: Machine): number {
  return m.physical.readU32(0x8000_1000);
}

describe('engine: Machine', () => {
  it('runs two PEs round-robin to completion with an exact step count and interleaving', () => {
    const m = Machine.create(model(raceScenario(50, 30)));
    const stop = m.run();
    assert.equal(stop?.kind, 'halted');
    assert.equal(stop?.reason, 'all PEs stopped');
    // PE 0: ldr= + 50×5 + hlt = 252 instructions; PE 1: 1 + 30×5 + 1 = 152.
    assert.equal(m.steps, 404);
    assert.equal(m.pes[0].instret, 252);
    assert.equal(m.pes[1].instret, 152);
    // Lock-step for 30 iterations: each round both PEs read the same value, one update is lost.
    assert.equal(counterOf(m), 50);
    assert.equal(m.pes[0].state, 'halted');
    assert.equal(m.pes[1].state, 'halted');
  });

  it('stops at the step budget instead of hanging, and reports it', () => {
    const text = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x1000
  max_steps 100
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    b     start
}
`;
    const m = Machine.create(model(text));
    const stop = m.run();
    assert.equal(stop?.kind, 'budget');
    assert.equal(stop?.reason, 'stopped: step budget of 100 exhausted');
    assert.equal(m.steps, 100);
    const m2 = Machine.create(model(text), { maxSteps: 7 });
    assert.equal(m2.run()?.reason, 'stopped: step budget of 7 exhausted');
    assert.equal(m2.steps, 7);
    // step() respects the budget too.
    const m3 = Machine.create(model(text), { maxSteps: 5 });
    let n = 0;
    while (m3.step()) n++;
    assert.equal(n, 5);
    assert.equal(m3.stopInfo?.kind, 'budget');
  });

  it('run() does exactly what repeated step() does (state hash after every step)', () => {
    const md = model(raceScenario(40, 25));
    const a = Machine.create(md);
    const b = Machine.create(md);
    const hashes: number[] = [];
    while (a.step()) hashes.push(a.stateHash());
    let i = 0;
    while (b.stopInfo === undefined) {
      b.run(1);
      if (b.stopInfo !== undefined && b.steps === hashes.length) break;
      assert.equal(b.stateHash(), hashes[i], `step ${i + 1}`);
      i++;
    }
    assert.equal(b.steps, a.steps);
    // And one long run() matches too.
    const c = Machine.create(md);
    c.run();
    assert.equal(c.stateHash(), a.stateHash());
    assert.equal(counterOf(c), counterOf(a));
  });

  it('is deterministic: same scenario, options and seed give the same run step for step', () => {
    const md = model(raceScenario(60, 60));
    const trace = (seed: number): number[] => {
      const m = Machine.create(md, { seed, policy: new RandomPolicy() });
      const out: number[] = [];
      while (m.step()) out.push(m.stateHash());
      return out;
    };
    const t1 = trace(7);
    const t2 = trace(7);
    assert.deepEqual(t2, t1);
    const t3 = trace(8);
    assert.notDeepEqual(t3, t1, 'a different seed chooses a different interleaving');
  });

  it('fires step-triggered write events into memory', () => {
    const m = Machine.create(
      model(`
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 1000
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    ldr   x10, =flag
wait:
    ldr   x1, [x10]
    cbz   x1, wait
    hlt   #0
}
data at 0x8000_1000 {
flag:
    .quad 0
}
event when step 20 do write flag = 0x1234_5678_9abc size 8
`),
    );
    const fired: TraceEvent[] = [];
    m.trace.on('event-fired', (e) => fired.push(e));
    m.run();
    assert.equal(m.pes[0].getX(1), 0x1234_5678_9abcn);
    assert.equal(m.pes[0].state, 'halted');
    assert.equal(fired.length, 1);
    const ev = fired[0] as Extract<TraceEvent, { kind: 'event-fired' }>;
    assert.equal(ev.step, 21, 'the event is the 21st action: due once 20 steps were taken');
    assert.equal(ev.line, 22);
  });

  /**
   * IRQ 33 (an SPI) reaches PE 0 through the GIC, configured as firmware leaves
   * it: distributor group enabled, the interrupt Non-secure Group 1, routed to
   * PE 0; the CPU interface unmasked (PMR) and Group 1 enabled. The handler
   * acknowledges (ICC_IAR1_EL1) and ends (ICC_EOIR1_EL1) it.
   */
  const irqScenario = (trigger: string): string => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 1000
}
gic {
  enable group1ns
  interrupt 33 group 1ns priority 0x80 target pe 0 enabled
}
pe 0 {
  el 1
  entry start
  vbar_el1 = 0x8000_0800
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
}
code at 0x8000_0000 {
start:
    msr   daifclr, #2
spin:
    cbnz  x5, done
    wfi
    b     spin
done:
    hlt   #0
}
code at 0x8000_0a80 {
irq_handler:
    mrs   x6, icc_iar1_el1
    add   x5, x5, #1
    msr   icc_eoir1_el1, x6
    eret
}
event ${trigger} do irq 33
`;

  it('delivers an irq event on reaching a label: the PE takes the IRQ at VBAR_EL1+0x280', () => {
    const m = Machine.create(model(irqScenario('when pe 0 reaches spin')));
    m.run();
    assert.equal(m.pes[0].state, 'halted');
    assert.equal(m.pes[0].getX(5), 1n, 'handler ran exactly once');
    const irqs = m.exceptions.filter((e) => e.type === 'irq');
    assert.equal(irqs.length, 1);
    assert.equal(irqs[0].el, 1);
    assert.equal(m.faults.length, 0);
    assert.equal(m.pes[0].getX(6), 33n, 'ICC_IAR1_EL1 gave INTID 33');
    assert.equal(m.pes[0].irqLine, false, 'acknowledged and ended: the GIC no longer signals it');
  });

  it('wakes a PE from WFI when a later step event raises its IRQ; ends "waiting" when nothing is pending', () => {
    const m = Machine.create(model(irqScenario('when step 50')));
    m.run();
    assert.equal(m.pes[0].state, 'halted');
    assert.equal(m.pes[0].getX(5), 1n);
    // Without the event the PE sleeps forever: the run ends, it does not spin to the budget.
    const text = irqScenario('when step 50').replace(/event .*\n/, '');
    const w = Machine.create(model(text));
    const stop = w.run();
    assert.equal(stop?.kind, 'waiting');
    assert.match(stop.reason, /PE 0 waiting \(WFI\)/);
    assert.ok(w.steps < 10, `stopped after ${w.steps} steps`);
  });

  it('goToStep restores a checkpoint and replays to exactly the straight-run state', () => {
    const md = model(raceScenario(3000, 2000, 1_000_000));
    const straight = Machine.create(md);
    const want = new Map<number, number>();
    const targets = [0, 1, 999, 1000, 1001, 4321, 12_345, 20_000];
    for (const t of [...targets].sort((a, b) => a - b)) {
      straight.run(t - straight.steps);
      want.set(t, straight.stateHash());
    }
    const tt = Machine.create(md, { checkpointInterval: 1000 });
    tt.run();
    assert.ok(tt.checkpointSteps().length > 20, 'periodic checkpoints were taken');
    for (const t of [4321, 1000, 20_000, 0, 12_345, 999, 1001, 1]) {
      assert.equal(tt.goToStep(t), t);
      assert.equal(tt.stateHash(), want.get(t), `state at step ${t}`);
    }
    // Back to the end: same final state as the straight run.
    tt.goToStep(1e9);
    straight.run();
    assert.equal(tt.stateHash(), straight.stateHash());
    assert.equal(tt.stopInfo?.kind, 'halted');
  });

  it('snapshot/restore round-trips memory, registers and faults', () => {
    const md = model(raceScenario(10, 10));
    const m = Machine.create(md);
    m.run(17);
    const snap = m.snapshot();
    const h = m.stateHash();
    m.run();
    assert.notEqual(m.stateHash(), h);
    m.restore(snap);
    assert.equal(m.stateHash(), h);
    assert.equal(m.steps, 17);
    assert.equal(m.stopInfo, undefined);
  });

  it('emits instruction trace events only while subscribed', () => {
    const m = Machine.create(model(raceScenario(2, 2)));
    assert.equal(m.trace.wants.instruction, false);
    const seen: Extract<TraceEvent, { kind: 'instruction' }>[] = [];
    const off = m.trace.on('instruction', (e) => seen.push(e));
    assert.equal(m.trace.wants.instruction, true);
    m.run(3);
    off();
    assert.equal(m.trace.wants.instruction, false);
    m.run(3);
    assert.equal(seen.length, 3);
    assert.deepEqual(
      seen.map((e) => [e.step, e.pe, e.text]),
      [
        [1, 0, seen[0].text],
        [2, 1, seen[1].text],
        [3, 0, seen[2].text],
      ],
    );
    assert.match(seen[0].text, /^ldr\s+x10/);
    assert.equal(seen[2].line, 20, 'second instruction of PE 0 is the loop head (0-based line 20)');
  });
});

describe('engine: report and expectations', () => {
  const text = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    mov   x1, #3
    ldr   x2, =0x8000_2000
    str   x1, [x2]
bad:
    udf   #0
}
expect {
  pe 0 x1 == 3
  pe 0 x1 == 4
  mem32[0x8000_2000] == 3
  fault undefined at el 1 on pe 0 at bad
  no fault
  halted pe 0
  no finding
}
`;

  it('evaluates each expectation against the final state, with the faults taken', () => {
    const m = Machine.create(model(text));
    const exceptions: TraceEvent[] = [];
    m.trace.on('exception', (e) => exceptions.push(e));
    m.run();
    const r = buildReport(m);
    assert.deepEqual(
      r.expectations.map((e) => [e.line + 1, e.held]),
      [
        [19, true],
        [20, false],
        [21, true],
        [22, true],
        [23, false],
        [24, true],
        [25, true],
      ],
    );
    assert.equal(r.expectations[1].detail, 'PE 0 x1 is 0x3');
    assert.equal(r.result, 'fail');
    assert.equal(r.faults.length, 1);
    const f = r.faults[0];
    assert.equal(f.kind, 'undefined');
    assert.equal(f.el, 1);
    assert.equal(f.esr, 0x0200_0000n, 'EC 0x00 (Unknown reason), IL=1');
    assert.equal(f.line, 15, 'the udf line (0-based)');
    assert.equal(f.pc, 0x8000_000cn);
    assert.equal(f.handled, false, 'VBAR_EL1+0x200 holds no code');
    assert.equal(exceptions.length, 1);
    assert.match(r.pes[0].stopReason ?? '', /unhandled exception/);
  });
});

describe('engine: repeating events and idle time', () => {
  it('`every when step N` fires every N steps; while every PE waits, time passes to the next one', () => {
    const text = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
  max_steps 400
}
gic {
  enable group1ns
  interrupt 33 group 1ns priority 0x80 target pe 0 enabled
}
pe 0 {
  el 1
  entry start
  vbar_el1 = 0x8000_0800
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
}
code at 0x8000_0000 {
start:
    msr   daifclr, #2
sleep:
    wfi
    b     sleep
}
code at 0x8000_0a80 {
irq_handler:
    mrs   x6, icc_iar1_el1
    add   x5, x5, #1
    msr   icc_eoir1_el1, x6
    eret
}
event every when step 100 do irq 33
`;
    const m = Machine.create(model(text));
    const fired: number[] = [];
    m.trace.on('event-fired', (e) => fired.push(e.step));
    const stop = m.run();
    assert.deepEqual(fired, [101, 201, 301], 'due at 100, 200, 300; each firing is one action');
    assert.equal(m.pes[0].getX(5), 3n, 'the handler ran once per interrupt');
    assert.equal(stop?.kind, 'waiting', 'the next firing (400) is beyond the budget: the run ends with PE 0 waiting');
    assert.ok(m.steps > 300 && m.steps < 400, `ended at step ${m.steps}`);
  });

  const halting = (events: string, pes = 1): string => `
system {
  pes ${pes}
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
  max_steps 100_000
}
pe 0-${pes - 1} {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    mov   x1, #1
    mov   x1, #2
loop:
    add   x2, x2, #1
    cmp   x2, #3
    b.ne  loop
    hlt   #0
}
${events}
`;

  it('a repeating step event does not keep the run alive once every PE has halted', () => {
    const m = Machine.create(model(halting('event every when step 4 do write 0x8000_8000 = 1 size 1\nevent every when step 3 do write 0x8000_8008 = 1 size 1', 2)));
    const halts: number[] = [];
    m.trace.on('halted', (e) => halts.push(e.step));
    let fired = 0;
    m.trace.on('event-fired', () => fired++);
    const stop = m.run();
    assert.equal(stop?.kind, 'halted', stop?.reason);
    assert.ok(m.pes.every((p) => p.state === 'halted'));
    assert.equal(halts.length, 2);
    assert.equal(m.steps, Math.max(...halts), 'the run ends at the step the last PE halted');
    assert.equal(m.steps, 24 + fired, 'every step is a PE instruction (2 × 12) or a firing');
  });

  it('`every when step 1` alternates with the PEs instead of starving them (a firing is itself a step)', () => {
    const m = Machine.create(model(halting('event tick every when step 1 do write 0x8000_8000 = 1 size 1')));
    const fired: number[] = [];
    m.trace.on('event-fired', (e) => fired.push(e.step));
    const stop = m.run();
    assert.equal(stop?.kind, 'halted', stop?.reason);
    // PE 0 executes 2 + 3×3 + 1 = 12 instructions; the event fires after each PE step from step 1 on.
    assert.equal(m.pes[0].instret, 12);
    assert.deepEqual(fired, [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24].slice(0, fired.length));
    assert.equal(fired.length, 11, 'between every two PE steps after the first, and none after the PE halted');
    assert.equal(m.steps, 12 + 11);
  });

  it('a `reaches` event fires once per arrival (every) or once (one-shot)', () => {
    const count = (decl: string): number => {
      const m = Machine.create(model(halting(decl)));
      let n = 0;
      m.trace.on('event-fired', () => n++);
      m.run();
      assert.equal(m.stopInfo?.kind, 'halted');
      return n;
    };
    assert.equal(count('event every when pe 0 reaches loop do write 0x8000_8000 = 1 size 1'), 3, 'the loop head is reached three times');
    assert.equal(count('event when pe 0 reaches loop do write 0x8000_8000 = 1 size 1'), 1);
  });
});
