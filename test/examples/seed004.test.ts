import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../simulator/engine/machine';
import { parseScenario } from '../../simulator';
import { repoRoot } from '../engine/helpers';

function load(name: string): Machine {
  const file = join(repoRoot(), 'examples', 'seed-004', name);
  const m = Machine.create(parseScenario(readFileSync(file, 'utf8'), file));
  m.run();
  return m;
}

describe('examples: seed 004 CRn mask', () => {
  it('bug: the trap syndrome is right, the 0x3800 decode loses CRn and the write is lost', () => {
    const m = load('bug-crn-mask.armscope');
    const pe = m.pes[0];
    const traps = m.exceptions.filter((e) => e.type === 'sync');
    assert.equal(traps.length, 1);
    assert.equal(traps[0].esr, 0x6230_0400n);
    assert.equal(traps[0].fromEl, 1);
    assert.equal(traps[0].el, 2);
    assert.equal(pe.getX(20), 0x30_0000n);
    assert.equal(pe.el, 2);
    assert.equal(pe.readSysreg('SCTLR_EL1'), 0x30d5_0800n, 'reset value kept');
    assert.equal(pe.state, 'halted');
  });

  it('fix: the 0x3c00 decode emulates the write and returns to the guest', () => {
    const m = load('fix-crn-mask.armscope');
    const pe = m.pes[0];
    assert.equal(m.exceptions.length, 1);
    assert.equal(pe.readSysreg('SCTLR_EL1'), 0x30d0_1804n);
    assert.equal(pe.getX(1), 0x30d0_1804n);
    assert.equal(pe.el, 1);
    assert.equal(pe.readSysreg('ELR_EL2'), 0x8000_0008n, 'write_sctlr + 4');
    assert.equal(pe.stopReason, 'hlt #0');
  });
});
