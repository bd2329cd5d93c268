/**
 * Issue #3 JSON report: every fault carries `stage`, `level`, `va`, `ipa` and
 * `pa`. The PA is the output of a translation that succeeded before the fault
 * (a permission fault after the walk found a valid descriptor); a translation
 * fault has none (`null`).
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../simulator/engine/machine';
import { buildReport, reportToJson } from '../../simulator/engine/report';
import { model } from './helpers';

interface FaultOut {
  kind: string;
  stage: number | null;
  level: number | null;
  va: string | null;
  ipa: string | null;
  pa: string | null;
  esr: string;
}

function faultsOf(text: string): FaultOut[] {
  const m = Machine.create(model(text));
  m.run();
  return (reportToJson(buildReport(m)) as { faults: FaultOut[] }).faults;
}

/** EL2 code with its own stage-1 tables: 0x4000_0000 is a read-only page at PA 0x8000_5000; 0x5000_0000 is unmapped. */
function stage1(access: string): string {
  return `
const MAIR_DEFAULT = 0x000C_08BB_0444_FF00
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
}
pagetable el2_s1 stage 1 regime el2 at 0x8008_0000 t0sz 32 pool 0x8009_0000 size 0x1_0000 {
  map 0x8000_0000 size 0x1000 to 0x8000_0000 normal_wb ish rw x
  map 0x4000_0000 size 0x1000 to 0x8000_5000 normal_wb ish ro xn
}
pe 0 {
  el 2
  entry start
  sctlr_el2 = 0x30c5_1835      // RES1 | M | C | I
  tcr_el2 = 0x8085_3520        // T0SZ=32, 4K, walks WB ISH
  mair_el2 = MAIR_DEFAULT
  ttbr0_el2 = 0x8008_0000
}
code at 0x8000_0000 {
start:
    ${access}
    hlt   #0
}
`;
}

describe('engine: fault addresses in the JSON report (issue #3)', () => {
  it('a stage-1 permission fault carries the PA the walk produced', () => {
    const faults = faultsOf(stage1('ldr x1, =0x4000_0010\n    str x0, [x1]'));
    assert.equal(faults.length, 1);
    const f = faults[0];
    assert.deepEqual(
      { kind: f.kind, stage: f.stage, level: f.level, va: f.va, ipa: f.ipa, pa: f.pa, esr: f.esr },
      // EC 0x25 (Data Abort, same EL), IL, WnR, DFSC 0x0f (permission, level 3).
      { kind: 'permission', stage: 1, level: 3, va: '0x4000_0010', ipa: null, pa: '0x8000_5010', esr: '0x9600_004f' },
    );
  });

  it('an access-flag fault (stage 1, no stage 2) carries the output PA of the descriptor', () => {
    const faults = faultsOf(stage1('ldr x1, =0x4000_0ff8\n    ldr x0, [x1]').replace('normal_wb ish ro xn', 'normal_wb ish ro xn noaf'));
    assert.equal(faults.length, 1);
    const f = faults[0];
    assert.deepEqual(
      { kind: f.kind, stage: f.stage, level: f.level, va: f.va, ipa: f.ipa, pa: f.pa },
      { kind: 'access-flag', stage: 1, level: 3, va: '0x4000_0ff8', ipa: null, pa: '0x8000_5ff8' },
    );
  });

  it('a translation fault has no PA: the key is present and null', () => {
    const faults = faultsOf(stage1('ldr x1, =0x5000_0008\n    ldr x0, [x1]'));
    assert.equal(faults.length, 1);
    const f = faults[0];
    assert.equal(f.kind, 'translation');
    assert.equal(f.stage, 1);
    assert.equal(f.va, '0x5000_0008');
    assert.ok('pa' in f && 'ipa' in f);
    assert.equal(f.pa, null);
    assert.equal(f.ipa, null);
  });

  const stage2 = (attrs: string): string => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
}
pagetable guest_s2 stage 2 at 0x8008_0000 t0sz 32 sl0 1 pool 0x8009_0000 size 0x1_0000 {
  map 0x8000_0000 size 0x1000 to 0x8000_0000 normal_wb ish s2ap rw
  map 0x4000_0000 size 0x1000 to 0x8000_7000 ${attrs}
}
pe 0 {
  el 1
  entry guest
  hcr_el2 = 0x8000_0001          // RW, VM: stage 2 on, stage 1 off
  vtcr_el2 = 0x8000_3560         // T0SZ=32, SL0=1, WB ISH walks, 4K
  vttbr_el2 = 0x8008_0000
}
code at 0x8000_0000 {
guest:
    ldr   x1, =0x4000_0128
    str   x0, [x1]
    hlt   #0
}
`;

  it('a stage-2 permission fault carries both the IPA and the PA', () => {
    const faults = faultsOf(stage2('normal_wb ish s2ap ro xn'));
    assert.equal(faults.length, 1);
    const f = faults[0];
    assert.deepEqual(
      { kind: f.kind, stage: f.stage, level: f.level, va: f.va, ipa: f.ipa, pa: f.pa },
      { kind: 'permission', stage: 2, level: 3, va: '0x4000_0128', ipa: '0x4000_0128', pa: '0x8000_7128' },
    );
  });

  it('a stage-2 access-flag fault carries the PA the stage-2 descriptor gives', () => {
    const faults = faultsOf(stage2('normal_wb ish s2ap rw noaf'));
    assert.equal(faults.length, 1);
    const f = faults[0];
    assert.deepEqual(
      { kind: f.kind, stage: f.stage, level: f.level, ipa: f.ipa, pa: f.pa },
      { kind: 'access-flag', stage: 2, level: 3, ipa: '0x4000_0128', pa: '0x8000_7128' },
    );
  });
});
