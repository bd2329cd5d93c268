/**
 * The explorer's reductions under Arm's concurrency model (explore/relaxed.ts): thread-local steps
 * taken alone and certification after every step keep every outcome — the same final states, each
 * with as many distinct final machine states — with fewer states searched; a global action seen after
 * a step was taken alone makes the search run again without taking steps alone.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { exploreScenario } from '../../simulator/explore/explore';
import { exploreInWorkers } from '../../simulator/explore/parallel';
import type { ExploreResult } from '../../simulator/explore/result';
import { litmusToScenario } from '../../simulator/litmus';
import type { ScenarioModel } from '../../simulator/scenario/model';
import { readTest } from '../litmus/helpers';

/** herd7's base catalogue test with the most states before these reductions (3,086; 2,356 with a halted PE owing a promise ending its execution). */
const CAS_DATA1 = `AArch64 CAS+data1
{ 0:X1=x; 0:X3=y; 1:X1=x; 1:X3=y; }
 P0            | P1               ;
 NOP           | LDR W0,[X1]      ;
 NOP           | MOV W5,W0        ;
 NOP           | MOV W6,#1        ;
 MOV W0,#1     | CAS W0,W6,[X1]   ;
 STR W0,[X3]   | STR W4,[X3]      ;
 STLR W0,[X1]  | NOP              ;
exists (1:X5=1 /\\ y=1)`;

const LB = `AArch64 LB
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 LDR W0,[X1] | LDR W0,[X1] ;
 MOV W2,#1   | MOV W2,#1   ;
 STR W2,[X3] | STR W2,[X3] ;
exists (0:X0=1 /\\ 1:X0=1)`;

const MP = `AArch64 MP
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | LDR W2,[X3] ;
 MOV W2,#1   |             ;
 STR W2,[X3] |             ;
exists (1:X0=1 /\\ 1:X2=0)`;

const TWO_PLUS_TWO_W = `AArch64 2+2W
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#2   | MOV W0,#2   ;
 STR W0,[X1] | STR W0,[X1] ;
 MOV W2,#1   | MOV W2,#1   ;
 STR W2,[X3] | STR W2,[X3] ;
exists (x=2 /\\ y=2)`;

function scenario(text: string): ScenarioModel {
  const model = parseScenario(text, 't.armscope');
  assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error'), []);
  return model;
}

function litmus(text: string): string {
  return litmusToScenario(readTest(text)).text;
}

/** Each outcome with its count of distinct final states. */
function rows(r: ExploreResult): string[] {
  assert.deepEqual(r.bounds.hit, []);
  return r.outcomes.map((o) => `${o.state} ×${o.count}`).sort();
}

describe('explore under memory_model promising: thread-local steps alone, certification after every step', function () {
  it('CAS+data1: each reduction and both keep every outcome and its count; together 2,356 states become 183', function () {
    const m = scenario(litmus(CAS_DATA1));
    const neither = exploreScenario(m, { cacheModel: 'off', localSteps: false, certifySteps: false });
    const local = exploreScenario(m, { cacheModel: 'off', certifySteps: false });
    const certified = exploreScenario(m, { cacheModel: 'off', localSteps: false });
    const both = exploreScenario(m, { cacheModel: 'off' });
    const expected = rows(neither);
    assert.equal(expected.length, 4);
    for (const r of [local, certified, both]) assert.deepEqual(rows(r), expected);
    assert.equal(neither.states, 2356);
    assert.equal(both.states, 183);
    assert.ok(local.states < neither.states && certified.states < neither.states, `${local.states} / ${certified.states} of ${neither.states}`);
    assert.ok(both.states < local.states && both.states < certified.states);
  });

  for (const [name, text] of [['LB', LB], ['MP', MP], ['2+2W', TWO_PLUS_TWO_W]] as const) {
    it(`${name}: the same outcomes and counts as without either, in fewer states`, function () {
      const m = scenario(litmus(text));
      const full = exploreScenario(m, { cacheModel: 'off', localSteps: false, certifySteps: false });
      const reduced = exploreScenario(m, { cacheModel: 'off' });
      assert.deepEqual(rows(reduced), rows(full));
      assert.ok(reduced.states < full.states, `${reduced.states} of ${full.states}`);
    });
  }

  it('without the partial-order reduction no step is taken alone (the comparison search stays the full one)', function () {
    const m = scenario(litmus(MP));
    const off = exploreScenario(m, { cacheModel: 'off', reduction: false, certifySteps: false });
    const full = exploreScenario(m, { cacheModel: 'off', reduction: false, localSteps: false, certifySteps: false });
    assert.equal(off.states, full.states);
    assert.deepEqual(rows(off), rows(full));
  });

  it('a global action (SEV) seen after a step was taken alone: searched again without, the same states as the full search', function () {
    // P1 ends with SEV (footprint.ts: global, it sets every PE's event register) after P0's NOPs were taken alone.
    const text = litmus(CAS_DATA1).replace(/(code P1 at [^{]*\{[\s\S]*?)NOP/, '$1SEV');
    assert.match(text, /SEV/);
    const m = scenario(text);
    const reduced = exploreScenario(m, { cacheModel: 'off', certifySteps: false });
    const full = exploreScenario(m, { cacheModel: 'off', localSteps: false, certifySteps: false });
    assert.deepEqual(rows(reduced), rows(full));
    assert.equal(reduced.states, full.states);
  });

  it('--jobs N searches in one thread with the same reduction: the states and outcomes --jobs 1 finds', async function () {
    // The check that no action seen depends on a step taken alone is over the whole search (relaxed.ts `conflict`).
    for (const text of [litmus(CAS_DATA1), litmus(MP)]) {
      const one = exploreScenario(scenario(text), { cacheModel: 'off' });
      const two = await exploreInWorkers(text, 't.armscope', { cacheModel: 'off', jobs: 2, parallelFrom: 0 });
      assert.equal(two.enumerated.jobs, 1);
      assert.equal(two.states, one.states);
      assert.deepEqual(rows(two), rows(one));
    }
  });
});
