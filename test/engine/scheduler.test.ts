/**
 * The scheduler's one stepping path: quiet PE steps (chosen without building
 * the action list) must give way to the full list the moment anything else
 * may be enabled — a component added later, a pause — and a run interrupted
 * anywhere ends where an uninterrupted one does.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Action, ActionSource } from '../../simulator/component/actions';
import { CacheActionSource } from '../../simulator/cache/actions';
import { CacheHierarchy } from '../../simulator/cache';
import { Machine } from '../../simulator/engine/machine';
import { model } from './helpers';

const LOOP = `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 100000
}
pe 0-1 {
  el 1
  entry start
  x0 = 40
  mair_el1 = 0xff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = tables
  sctlr_el1 = 0x30d0_1805
}
code at 0x8000_0000 {
start:
    ldr   x10, =0x8004_0000
loop:
    str   x0, [x10]
    dc    cvac, x10
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
}
data at 0x8000_8000 {
tables:
    .quad 0, 0, 0x8000_0701, 0      // level 1: 0x8000_0000 → identity 1 GB block, Normal WB Inner Shareable
}
`;

/** A component with one eager action, enabled once: the round-robin policy takes it before any PE step. */
class OneShot implements ActionSource {
  readonly name = 'one-shot';
  applied = -1;
  constructor(private readonly m: Machine) {}
  enabledActions(out: Action[]): void {
    if (this.applied < 0) out.push({ kind: 'component', source: this, name: 'tick', label: 'one shot', eager: true });
  }
  apply(): void {
    this.applied = this.m.steps;
  }
}

describe('engine: scheduler', () => {
  it('a component added in the middle of quiet PE steps has its action taken at the very next step', () => {
    const m = Machine.create(model(LOOP));
    m.run(50);
    const src = new OneShot(m);
    m.addComponent({ name: 'one-shot', actions: src });
    const at = m.steps;
    m.step();
    assert.equal(src.applied, at, 'the eager action, not a PE step, was the next step');
    m.run();
    assert.equal(m.stopInfo?.kind, 'halted');
  });

  it("exploration's cache choices become enabled actions once added: evictions of dirty lines and refills of maintained lines", () => {
    const m = Machine.create(model(LOOP));
    assert.ok(m.memory instanceof CacheHierarchy);
    m.addComponent({ name: 'cache choices', actions: new CacheActionSource(m.memory, m.pes) });
    m.run(30);
    const names = new Set(m.enabledActions().map((a) => (a.kind === 'component' ? a.name : a.kind)));
    assert.ok(names.has('pe-step'));
    assert.ok(names.has('spec-fill'), 'a line cleaned by DC CVAC while mapped Normal cacheable may be refilled');
    const fill = m.enabledActions().find((a) => a.kind === 'component' && a.name === 'spec-fill')!;
    m.apply(fill);
    assert.ok(m.memory.linesOf(0x8004_0000).some((l) => l.speculative));
  });

  it('a run paused at random steps by a trace listener ends in the state of an uninterrupted run (property)', () => {
    const straight = Machine.create(model(LOOP));
    straight.run();
    const end = straight.stateHash();
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: straight.steps }), { maxLength: 5 }), (pauses) => {
        const m = Machine.create(model(LOOP));
        const off = m.trace.on('memory-access', (e) => {
          if (pauses.includes(e.step)) m.requestPause(`at ${e.step}`);
        });
        let runs = 0;
        while (m.stopInfo === undefined && runs++ < 20) m.run();
        off();
        assert.equal(m.stopInfo?.kind, 'halted');
        assert.equal(m.steps, straight.steps);
        assert.equal(m.stateHash(), end);
      }),
      { numRuns: 8 },
    );
  });
});
