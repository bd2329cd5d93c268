/**
 * `fault … at el N` names the EL of the faulting instruction and `to el N` the
 * EL the exception was taken to (docs/language.md "Expectations"). A stage-2
 * fault of an EL1 access is the case where they differ (taken to EL2, Arm ARM D8.3).
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../simulator/engine/machine';
import { buildReport } from '../../simulator/engine/report';
import { model } from './helpers';

function scenario(expectations: string[]): string {
  return `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model off
}
pe 0 {
  el 1
  entry guest
  hcr_el2 = 0x8000_0001          // RW, VM: stage 2 on
  vtcr_el2 = 0x8002_3558         // T0SZ=24, SL0=1 (start at L1), IRGN0=ORGN0=WBWA, SH0=IS, PS=40-bit
  vttbr_el2 = 0x8080_0000        // empty stage-2 tables: every IPA faults at level 1
}
code at 0x8000_0000 {
guest:
    ldr   x1, =0x8100_0000
touch:
    ldr   x0, [x1]
    hlt   #0
}
expect {
${expectations.map((e) => '  ' + e).join('\n')}
}
`;
}

function held(expectation: string): boolean {
  const m = Machine.create(model(scenario([expectation])));
  m.run();
  return buildReport(m).expectations[0].held;
}

describe('engine: fault expectations distinguish the faulting EL from the target EL', () => {
  it('an EL1 load that faults at stage 2 is taken to EL2', () => {
    const m = Machine.create(model(scenario(['fault translation stage 2'])));
    m.run();
    const r = buildReport(m);
    assert.equal(r.faults.length, 1);
    assert.equal(r.faults[0].fromEl, 1);
    assert.equal(r.faults[0].el, 2);
    assert.equal(r.faults[0].stage, 2);
  });

  it('`at el` matches the faulting instruction\'s EL, `to el` the EL it was taken to', () => {
    assert.equal(held('fault translation stage 2 at el 1 to el 2'), true);
    assert.equal(held('fault translation stage 2 at el 1'), true);
    assert.equal(held('fault translation stage 2 to el 2'), true);
    assert.equal(held('fault translation stage 2 at el 2'), false);
    assert.equal(held('fault translation stage 2 to el 1'), false);
  });
});
