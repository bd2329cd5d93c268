/**
 * The built-in firmware's captures (engine/countedState.ts): its state changes
 * only while it handles an exception, so between two of its calls a fork
 * returns the same capture, a restore of it copies nothing, and its digest is
 * computed once; after a call, a new capture and the same future as before.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Snapshottable } from '../../simulator/component/state';
import { CountedState } from '../../simulator/engine/countedState';
import { Machine } from '../../simulator/engine/machine';
import { model } from './helpers';

class Counted implements Snapshottable {
  value = 0;
  snapshots = 0;
  restores = 0;
  snapshot(): unknown {
    this.snapshots++;
    return { value: this.value };
  }
  restore(s: unknown): void {
    this.restores++;
    this.value = (s as { value: number }).value;
  }
}

describe('engine: state captured once per counted change', () => {
  it('a capture is taken, restored and hashed once while the count does not move', () => {
    const inner = new Counted();
    const c = new CountedState(inner);
    const a = c.snapshot();
    assert.equal(c.snapshot(), a);
    const h = c.stateHash();
    assert.equal(c.stateHash(), h);
    c.restore(a);
    assert.deepEqual([inner.snapshots, inner.restores], [1, 0]);
    c.changes++;
    inner.value = 7;
    const b = c.snapshot();
    assert.notEqual(b, a);
    assert.notEqual(c.stateHash(), h);
    c.restore(a);
    assert.deepEqual([inner.value, inner.snapshots, inner.restores], [0, 2, 1]);
    assert.equal(c.stateHash(), h);
    c.restore(b);
    assert.equal(inner.value, 7);
  });

  it('seed 001: forks between firmware calls share the firmware capture; restores give the same end state', () => {
    const file = path.resolve(process.cwd(), 'examples', 'seed-001', 'bug-resp-interrupted.armscope');
    const md = model(fs.readFileSync(file, 'utf8'), file);
    const straight = Machine.create(md);
    straight.run();
    const end = straight.stateHash();
    const m = Machine.create(md);
    const at = m.snapshottables.findIndex((s) => s instanceof CountedState);
    assert.ok(at >= 0, 'the firmware is a counted component');
    const forks = [m.fork()];
    let shared = 0;
    while (m.step()) {
      const f = m.fork();
      if (f.components[at] === forks[forks.length - 1].components[at]) shared++;
      forks.push(f);
    }
    assert.equal(m.stateHash(), end);
    assert.ok(shared > forks.length / 2, `${shared} of ${forks.length} forks share the previous firmware capture`);
    assert.ok(shared < forks.length - 1, 'the firmware handled calls: some forks hold a new capture');
    for (const i of [forks.length - 1, 0, Math.floor(forks.length / 2), 1]) {
      m.restore(forks[i]);
      m.run();
      assert.equal(m.stateHash(), end, `from fork ${i}`);
    }
  });
});
