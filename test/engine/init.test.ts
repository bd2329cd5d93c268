import * as assert from 'node:assert/strict';
import { getRegister, InitError, setRegister } from '../../simulator/engine/init';
import { Machine } from '../../simulator/engine/machine';
import { model } from './helpers';

const text = `
system {
  pes 4
  clusters 2
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
}
pe 0 {
  el 2
  security secure
  entry start
  x0 = 5
  sp = 0x8000_9000
  sp_el1 = 0x8000_8000
  elr_el2 = done
  spsr_el2 = 0x3c5
  hcr_el2 = 0x8000_0000
  pstate.daif = 0b0101
  pstate.nzcv = 0b0100
}
pe 1-3 {
  el 1
  entry done
}
code at 0x8000_0000 {
start:
    nop
done:
    hlt   #0
}
`;

describe('engine: initial PE state', () => {
  it('applies EL, security, entry, SP selection, registers and PSTATE from the pe blocks', () => {
    const m = Machine.create(model(text));
    const [p0, p1, , p3] = m.pes;
    assert.equal(p0.el, 2);
    assert.equal(p0.pc, 0x8000_0000);
    assert.equal(p1.pc, 0x8000_0004, 'entry done');
    assert.equal(p0.getX(0), 5n);
    assert.equal(p0.getSp(2), 0x8000_9000n, '`sp` is SP_EL2 at EL2 with SPSel=1');
    assert.equal(p0.getSp(1), 0x8000_8000n);
    assert.equal(p0.readSysreg('ELR_EL2'), 0x8000_0004n);
    assert.equal(p0.readSysreg('SPSR_EL2'), 0x3c5n);
    assert.equal(p0.readSysreg('HCR_EL2'), 0x8000_0000n);
    assert.deepEqual([p0.d, p0.a, p0.i, p0.f], [0, 1, 0, 1]);
    assert.deepEqual([p0.n, p0.z, p0.c, p0.v], [0, 1, 0, 0]);
    const scr = p0.readSysreg('SCR_EL3');
    assert.equal(scr & 1n, 0n, 'Secure: SCR_EL3.NS=0');
    assert.equal((scr >> 18n) & 1n, 1n, 'Secure EL2: SCR_EL3.EEL2=1');
    assert.equal(p1.readSysreg('SCR_EL3') & 1n, 1n, 'Non-secure by default');
    // Two clusters of two: PE 3 is Aff1=1, Aff0=1.
    assert.equal(p3.readSysreg('MPIDR_EL1'), 0x8000_0101n);
  });

  it('reads and writes registers by their scenario names, through the register table', () => {
    const m = Machine.create(model(text));
    const pe = m.pes[0];
    assert.equal(getRegister(pe, 'nzcv'), 0x4000_0000n);
    assert.equal(getRegister(pe, 'pstate.nzcv'), 0b0100n);
    assert.equal(getRegister(pe, 'daif'), 0x140n);
    assert.equal(getRegister(pe, 'currentel'), 0x8n);
    assert.equal(getRegister(pe, 'w0'), 5n);
    assert.equal(getRegister(pe, 'frob_el9'), undefined);
    setRegister(pe, 'sctlr_el12', 0x30d0_0805n);
    assert.equal(pe.readSysreg('SCTLR_EL1'), 0x30d0_0805n, 'SCTLR_EL12 reaches SCTLR_EL1');
    assert.equal(getRegister(pe, 'SCTLR_EL12'), 0x30d0_0805n);
    assert.throws(() => setRegister(pe, 'frob_el9', 1n), InitError);
    assert.throws(() => setRegister(pe, 'currentel', 4n), /read-only/);
  });
});
