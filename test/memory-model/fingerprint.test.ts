/**
 * The memory model's fingerprints are kept with what they hash (simulator/memory/ordering): a
 * message log's with its newest entry, a thread's local state's until it changes. Equal states
 * must hash alike and a change of any part must change the hash, whether the part was changed
 * in place, replaced, or restored from a capture.
 */
import * as assert from 'node:assert/strict';
import { MessageLog, ReadOrder, ThreadLocal, WriteOrder } from '../../simulator/memory/ordering';

const zero = (): { lo: number; hi: number } => ({ lo: 0, hi: 0 });
const PLAIN_R = { order: ReadOrder.Plain };
const PLAIN_W = { order: WriteOrder.Plain };

describe('memory model: kept fingerprints', () => {
  it('a message log hashes its messages in order: the same appends alike, another order or value differently, a restored capture as when captured', () => {
    const log = (msgs: [number, number, number][]): MessageLog => {
      const m = new MessageLog(zero);
      for (const [loc, lo, tid] of msgs) m.append({ loc, lo, hi: 0, tid });
      return m;
    };
    const a = log([
      [0x8004_0000, 1, 0],
      [0x8004_1000, 2, 1],
    ]);
    const b = log([
      [0x8004_0000, 1, 0],
      [0x8004_1000, 2, 1],
    ]);
    assert.equal(a.digest(), b.digest());
    assert.notEqual(log([[0x8004_1000, 2, 1], [0x8004_0000, 1, 0]]).digest(), a.digest(), 'coherence order is part of the state');
    assert.notEqual(log([[0x8004_0000, 1, 0], [0x8004_1000, 3, 1]]).digest(), a.digest(), 'the value written');
    assert.notEqual(log([[0x8004_0000, 1, 0], [0x8004_1000, 2, 0]]).digest(), a.digest(), 'the writer');
    assert.notEqual(new MessageLog(zero).digest(), log([[0, 0, 0]]).digest(), 'an empty log and one message of zeros');
    // A location above 2^32 (PAs are up to 52 bits): its high word counts.
    assert.notEqual(log([[2 ** 40, 1, 0]]).digest(), log([[0, 1, 0]]).digest());
    const captured = a.digest();
    const snap = a.snapshot();
    a.append({ loc: 0x8004_0000, lo: 5, hi: 0, tid: 1 });
    assert.notEqual(a.digest(), captured);
    a.restore(snap);
    assert.equal(a.digest(), captured);
    // The capture's prefix, extended again the same way: the same digest as the first time.
    a.append({ loc: 0x8004_0000, lo: 5, hi: 0, tid: 1 });
    b.append({ loc: 0x8004_0000, lo: 5, hi: 0, tid: 1 });
    assert.equal(a.digest(), b.digest());
  });

  it("a thread's local digest follows every change: in place, by a rule, by a view written from outside, and back by a restore", () => {
    const mem = new MessageLog(zero);
    const t = new ThreadLocal(0);
    const d0 = t.digest();
    assert.equal(t.digest(), d0, 'unchanged: the same');
    t.writeNow(mem, 0x1000, 1, 0, 0, 0, PLAIN_W);
    const d1 = t.digest();
    assert.notEqual(d1, d0, 'a write (coh, fwd and the views change)');
    // Not shared with a capture: `coh` is changed in place by the next read of another location.
    mem.append({ loc: 0x2000, lo: 7, hi: 0, tid: 1 });
    t.read(mem, 0x2000, 2, 0, PLAIN_R);
    const d2 = t.digest();
    assert.notEqual(d2, d1, 'a read raises coh(0x2000) and the read view');
    const snap = t.snapshot();
    t.vwn = 9;
    assert.notEqual(t.digest(), d2, 'a view set from outside the rules (a DSB)');
    t.restore(snap);
    assert.equal(t.digest(), d2, 'restored: as captured');
    const u = new ThreadLocal(0);
    u.writeNow(new MessageLog(zero), 0x1000, 1, 0, 0, 0, PLAIN_W);
    assert.equal(u.digest(), d1, 'an equal state built apart: the same digest');
  });
});
