/**
 * The work the exhaustive search saves under the memory model (issue #14 item 7), each saving checked for what it
 * must not change: a revisit of a state expanded with nothing asleep is known without expanding it
 * (visited.ts `takenAll`); a thread's model state is shared with its snapshots until it changes (memory/ordering/
 * local.ts, copy on write); a PE's read choices are remembered (explore/relaxed.ts `stepChoices`), so the search
 * runs fewer engine steps than it dry-runs PE steps — with herd7's outcomes.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../simulator/engine/machine';
import { exploreLitmus } from '../../simulator/litmus/explore';
import { MessageLog, ReadOrder, ThreadLocal, WriteOrder } from '../../simulator/memory/ordering';
import { VisitedSet } from '../../simulator/explore/visited';
import { CORPUS } from '../litmus/helpers';

describe('explore under the memory model: work saved, outcomes kept', () => {
  it('takenAll: true only for a state expanded with no action asleep (a revisit of it wakes nothing)', () => {
    const v = new VisitedSet(100);
    assert.equal(v.takenAll(42), false, 'never visited');
    assert.equal(v.visit(42, 0, 0)?.fresh, true);
    assert.equal(v.takenAll(42), true);
    v.visit(7, 0b10, 0);
    assert.equal(v.takenAll(7), false, 'action 1 was asleep: a revisit with it awake must take it');
    const again = v.visit(7, 0, 0);
    assert.equal(again?.wake0, 0b10, 'the revisit wakes it');
    assert.equal(v.takenAll(7), true, 'now taken');
    for (let h = 1000; h < 1100; h++) v.visit(h, 0, 0);
    assert.equal(v.takenAll(42), true, 'kept when the table grows');
  });

  it('a thread state restored from a snapshot is the one captured, whatever changed since (copy on write)', () => {
    const mem = new MessageLog(() => ({ lo: 0, hi: 0 }));
    const t = new ThreadLocal(0);
    t.writeNow(mem, 0x1000, 1, 0, 0, 0, { order: WriteOrder.Plain });
    const ms = mem.snapshot();
    const s = t.snapshot();
    // Changes after the capture: coherence (a read), forwarding and promises (writes).
    t.writeNow(mem, 0x2000, 2, 0, 0, 0, { order: WriteOrder.Plain });
    t.read(mem, 0x2000, 2, 0, { order: ReadOrder.Plain });
    t.promise(mem, 0x3000, 3, 0);
    assert.deepEqual([...t.coh.entries()], [[0x1000, 1], [0x2000, 2]]);
    assert.deepEqual([...s.coh.entries()], [[0x1000, 1]], 'the snapshot does not see later changes');
    assert.deepEqual([...s.fwd.keys()], [0x1000]);
    assert.deepEqual(s.promises, []);
    mem.restore(ms);
    t.restore(s);
    assert.deepEqual([...t.coh.entries()], [[0x1000, 1]]);
    assert.deepEqual(t.promises, []);
    // A change after the restore leaves the snapshot as it was: restored twice, the same state.
    t.writeNow(mem, 0x4000, 4, 0, 0, 0, { order: WriteOrder.Plain });
    t.restore(s);
    assert.deepEqual([...t.coh.entries()], [[0x1000, 1]]);
    assert.deepEqual([...t.fwd.keys()], [0x1000]);
  });

  it('MP and SB: herd7\'s states, with fewer engine steps than the search expanded PE steps (read choices remembered)', () => {
    for (const [name, states] of [
      ['MP', ['1:X0=0; 1:X2=0;', '1:X0=0; 1:X2=1;', '1:X0=1; 1:X2=0;', '1:X0=1; 1:X2=1;']],
      ['SB', ['0:X2=0; 1:X2=0;', '0:X2=0; 1:X2=1;', '0:X2=1; 1:X2=0;', '0:X2=1; 1:X2=1;']],
    ] as const) {
      const file = `${name}.litmus`;
      let steps = 0;
      // Counted through the prototype's method as a plain function property (called with the machine as `this`).
      const proto: { take: (this: Machine, ...a: Parameters<Machine['take']>) => void } = Machine.prototype;
      const take = proto.take;
      proto.take = function (this: Machine, ...a: Parameters<typeof take>) {
        steps++;
        take.apply(this, a);
      };
      let r: ReturnType<typeof exploreLitmus>;
      try {
        r = exploreLitmus(readFileSync(join(CORPUS, file), 'utf8'), file);
      } finally {
        proto.take = take;
      }
      assert.ok('herd' in r, `${name} is supported`);
      assert.deepEqual(r.herd.text.split('\n').filter((l) => /^\d:X/.test(l)).sort(), [...states].sort(), name);
      // Each transition is one step, and each state's PEs are dry-run at least once; remembered read choices skip
      // the dry runs of a PE whose state and messages another PE's step did not change.
      assert.ok(steps < r.explore.transitions + r.explore.states * 2, `${name}: ${steps} engine steps for ${r.explore.states} states and ${r.explore.transitions} transitions`);
    }
  });
});
