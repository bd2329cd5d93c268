/**
 * The cache-line timeline (simulator/cache/timeline.ts) on seed 000: table-walk
 * reads are labelled by the walk that made them (stage, level, VA/IPA), every
 * change carries what the copy held once its step was done, and a run cut at a
 * step reports only the changes up to it.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadScenario } from '../../simulator';
import { cacheTimeline, walkText } from '../../simulator/engine/timeline';

const SEED000 = path.resolve('examples', 'seed-000', 'bug-osh-tables.armscope');

describe('cache: the cache-line timeline', () => {
  const model = loadScenario(SEED000);
  const t = cacheTimeline(model, {}, 8);
  const at = (pa: number, attrs: string) => t.changes.filter((c) => c.pa === pa && c.attrs === attrs);

  it('labels the stage-2 walk read that allocates the Inner Shareable copy of the descriptor line', () => {
    const [walk] = at(0x611_1800, 'Normal-WB ISH');
    assert.ok(walk, JSON.stringify(t.changes));
    assert.equal(walk.step, 8);
    assert.equal(`${walk.from}→${walk.to}`, 'I→E');
    assert.deepEqual(walk.walk, { stage: 2, level: 3, va: 0x8810_0000, ipa: 0x8810_0000 });
    assert.equal(walk.cause, 'stage-2 walk read, level 3, for IPA 0x8810_0000 (VA 0x8810_0000)');
    // The instruction whose translation walked: `ldr x2, [x1]` at touch (0-based line 84).
    assert.equal(walk.line, 84);
    // The walk read memory's stale zero descriptor, not the dirty OSH copy.
    assert.equal(walk.data?.split(' ')[0], '0x0');
  });

  it('labels the SPMC stage-1 walk reads of its own tables by level', () => {
    const l1 = at(0x620_0000, 'Normal-WB ISH')[0];
    const l2 = at(0x621_0180, 'Normal-WB ISH')[0];
    assert.equal(l1.cause, 'stage-1 walk read, level 1, for VA 0x600_0000');
    assert.equal(l2.cause, 'stage-1 walk read, level 2, for VA 0x600_0000');
    assert.equal(l1.walk?.stage, 1);
    assert.equal(l2.walk?.level, 2);
  });

  it('does not call a data access a walk read, and records the data each copy holds after its step', () => {
    const [write] = at(0x611_1800, 'Normal-WB OSH');
    assert.equal(write.cause, 'write');
    assert.equal(write.walk, undefined);
    assert.equal(write.step, 3);
    assert.equal(write.line, 64);
    // SHARED | S2_PAGE: the new level-3 descriptor, dirty in the Outer Shareable copy.
    assert.equal(write.data?.split(' ')[0], '0x8810_07ff');
    assert.equal(write.stateAfterStep, 'M');
  });

  it('covers only the steps asked for', () => {
    const upTo7 = cacheTimeline(model, {}, 7);
    assert.equal(upTo7.steps, 7);
    assert.ok(upTo7.changes.every((c) => c.step <= 7));
    assert.ok(!upTo7.changes.some((c) => c.pa === 0x611_1800 && c.attrs === 'Normal-WB ISH'));
    assert.equal(upTo7.changes.length, t.changes.filter((c) => c.step <= 7).length);
  });

  it('formats a stage-1 walk of an upper-half VA as its 64-bit value', () => {
    assert.equal(walkText({ stage: 1, level: 0, va: -0x1_0000_0000_0000 }), 'stage-1 walk read, level 0, for VA 0xffff_0000_0000_0000');
  });
});
