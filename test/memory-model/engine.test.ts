/**
 * Arm's concurrency model in the engine (engine/promising.ts, explore/relaxed.ts): explored,
 * the relaxed outcomes appear and barriers, dependencies and acquire/release remove them; `run`
 * without a policy never installs the model; `run --policy random` is the model with random
 * read choices, the same for the same seed.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { RandomPolicy } from '../../simulator/engine/policy';
import { exploreScenario } from '../../simulator/explore/explore';
import { litmusToScenario } from '../../simulator/litmus';
import { readTest } from '../litmus/helpers';

function scenarioOf(litmus: string): ReturnType<typeof parseScenario> {
  const model = parseScenario(litmusToScenario(readTest(litmus)).text, 't.armscope');
  assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error'), []);
  return model;
}

/** The final (pe, register) values of every explored outcome, as `pe1.w0=0x1; …` texts. */
function outcomes(litmus: string): string[] {
  const r = exploreScenario(scenarioOf(litmus), { cacheModel: 'off' });
  assert.deepEqual(r.bounds.hit, []);
  return r.outcomes.map((o) => o.state.replace(/; end:.*$/, '')).sort();
}

const MP = (p0: string, p1: string): string => `AArch64 MP
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | ${p1.padEnd(11)} ;
 ${p0.padEnd(11)} | LDR W2,[X3] ;
 MOV W2,#1   |             ;
 STR W2,[X3] |             ;
exists (1:X0=1 /\\ 1:X2=0)`;

const SB = `AArch64 SB
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | MOV W0,#1   ;
 STR W0,[X1] | STR W0,[X1] ;
 LDR W2,[X3] | LDR W2,[X3] ;
exists (0:X2=0 /\\ 1:X2=0)`;

const RELAXED_MP = 'pe1.w0=0x1; pe1.w2=0x0';

describe('memory model in the engine', function () {
  this.timeout(600_000);

  it('explores the relaxed MP outcome (the reader sees the flag, then the old data)', function () {
    const found = outcomes(MP('NOP', 'NOP'));
    assert.ok(found.some((o) => o.includes(RELAXED_MP)), found.join('\n'));
    assert.equal(found.length, 4);
  });

  it('DMB SY on both sides, and an address dependency after it, forbid it', function () {
    assert.ok(!outcomes(MP('DMB SY', 'DMB SY')).some((o) => o.includes(RELAXED_MP)));
    assert.equal(outcomes(MP('DMB SY', 'DMB SY')).length, 3);
    // DMB ST orders the writes, DMB LD the reads.
    assert.equal(outcomes(MP('DMB ST', 'DMB LD')).length, 3);
    // One side alone does not.
    assert.equal(outcomes(MP('DMB SY', 'NOP')).length, 4);
  });

  it('load buffering needs a promise: LB is found, LB with data dependencies is not (no value out of thin air)', function () {
    const lb = (dep: boolean): string => `AArch64 LB
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0           | P1           ;
 LDR W0,[X1]  | LDR W0,[X1]  ;
 ${dep ? 'EOR W4,W0,W0' : 'MOV W4,#0   '} | ${dep ? 'EOR W4,W0,W0' : 'MOV W4,#0   '} ;
 ADD W4,W4,#1 | ADD W4,W4,#1 ;
 STR W4,[X3]  | STR W4,[X3]  ;
exists (0:X0=1 /\\ 1:X0=1)`;
    assert.ok(outcomes(lb(false)).some((o) => o.includes('pe0.w0=0x1; pe1.w0=0x1')));
    assert.ok(!outcomes(lb(true)).some((o) => o.includes('pe0.w0=0x1; pe1.w0=0x1')));
  });

  it('run without a policy does not install the model: SB ends sequentially consistent, every PE steps in turn', function () {
    const m = Machine.create(scenarioOf(SB), {});
    assert.equal(m.memoryOrder, undefined);
    m.run();
    assert.equal(m.pes[0].getX(2) + m.pes[1].getX(2) >= 1n, true);
  });

  it('run --policy random: the same seed gives the same execution, and some seed shows SB relaxed', function () {
    const finals = (seed: number): string => {
      const m = Machine.create(scenarioOf(SB), { policy: new RandomPolicy(), memoryModel: 'promising', seed });
      assert.notEqual(m.memoryOrder, undefined);
      m.run();
      return `${m.pes[0].getX(2)},${m.pes[1].getX(2)}`;
    };
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const f = finals(seed);
      assert.equal(finals(seed), f, `seed ${seed}`);
      seen.add(f);
    }
    assert.ok(seen.has('0,0'), [...seen].join(' '));
  });
});
