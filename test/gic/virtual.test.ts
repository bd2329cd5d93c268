import * as assert from 'node:assert/strict';
import { machine, mrs, msr } from './helpers';

/**
 * A hypervisor at EL2 presents virtual INTID 27 through ICH_LR0_EL2 and
 * enters its EL1 guest; the guest takes the vIRQ and acknowledges/EOIs it
 * through the ICC_* encodings (reaching ICV_* because HCR_EL2.IMO=1), then
 * calls the hypervisor (HVC), which reads back the List Register state.
 */
const HYP = (lr: string, guestExtra = '') => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 2000
}
gic {
  enable group1ns
  interrupt 40 group 1ns priority 0x80 target pe 0 enabled
}
pe 0 {
  el 2
  security nonsecure
  entry hyp
  vbar_el2 = 0x8002_0000
  vbar_el1 = 0x8001_0000
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
}
code at 0x8000_0000 {
hyp:
    ldr   x0, =(1 << 31) | (1 << 4) | (1 << 3)   // HCR_EL2: RW, IMO, FMO
    msr   hcr_el2, x0
    ldr   x0, =${lr}
    msr   ich_lr0_el2, x0
    ldr   x0, =(0xf8 << 24) | (1 << 1)           // ICH_VMCR_EL2: VPMR 0xf8, VENG1
    msr   ich_vmcr_el2, x0
    mov   x0, #1                                  // ICH_HCR_EL2.En
    msr   ich_hcr_el2, x0
    mrs   x19, ich_elrsr_el2                      // LR0 is in use
    ldr   x0, =guest
    msr   elr_el2, x0
    mov   x0, #0x5                                // EL1h, DAIF clear
    msr   spsr_el2, x0
    eret
guest:
${guestExtra}
1:  cbz   x5, 1b
    hvc   #0
}
code at 0x8001_0280 {
virq:
    mrs   x20, icc_iar1_el1                       // ICV_IAR1_EL1
    mrs   x21, icc_rpr_el1                        // ICV_RPR_EL1
    msr   icc_eoir1_el1, x20                      // ICV_EOIR1_EL1
    mov   x5, #1
    eret
}
code at 0x8002_0400 {
sync_from_el1:
    mrs   x22, ich_lr0_el2
    mrs   x23, ich_elrsr_el2
    mrs   x24, esr_el2
    hlt   #0
}
`;

describe('GIC virtual CPU interface (ICH_* / ICV_*)', () => {
  it('a List Register entry becomes a vIRQ at EL1; ICV_IAR1 returns the vINTID, ICV_EOIR1 deactivates the List Register', () => {
    // LR: State = pending (1 << 62), Group 1 (1 << 60), Priority 0xa0 << 48, vINTID 27.
    const m = machine(HYP('(1 << 62) | (1 << 60) | (0xa0 << 48) | 27'));
    const stop = m.run();
    const p = m.pes[0];
    assert.equal(p.state, 'halted', stop?.reason);
    assert.equal(p.getX(19), 0xfffen, 'ICH_ELRSR_EL2: LR0 busy, the other 15 empty');
    assert.equal(p.getX(20), 27n, 'ICV_IAR1_EL1 = vINTID');
    assert.equal(p.getX(21), 0xa0n, 'ICV_RPR_EL1 while handling');
    assert.equal(p.getX(22) >> 62n, 0n, 'LR0 invalid after the EOI (VEOIM=0)');
    assert.equal(p.getX(23), 0xffffn, 'every LR empty');
    assert.equal(p.getX(24) >> 26n, 0x16n, 'the guest HVC reached EL2');
    const taken = m.exceptions.filter((e) => e.type === 'virq');
    assert.equal(taken.length, 1);
    assert.equal(taken[0].el, 1);
    assert.equal(m.gic.isActive(40), false, 'the physical GIC was not touched');
  });

  it('HW=1: the guest EOI deactivates the linked physical interrupt (pINTID)', () => {
    // LR: pending, HW (1 << 61), Group 1, priority 0x80, pINTID 40, vINTID 40.
    const m = machine(HYP('(1 << 62) | (1 << 61) | (1 << 60) | (0x80 << 48) | (40 << 32) | 40'));
    // The hypervisor acknowledged the physical SPI 40 (active) and forwarded it: set that state up directly.
    m.gic.raise(40);
    assert.equal(m.gic.acknowledge(0, '1ns'), 40);
    m.gic.eoiModeNs[0] = 1; // EOImode=1, as KVM runs: EOI drops the priority, the interrupt stays active
    m.gic.endOfInterrupt(0, 40);
    assert.equal(m.gic.isActive(40), true);
    const stop = m.run();
    assert.equal(m.pes[0].state, 'halted', stop?.reason);
    assert.equal(m.pes[0].getX(20), 40n);
    assert.equal(m.gic.isActive(40), false, 'deactivated through the List Register');
  });

  it('a guest ICC_SGI1R_EL1 write traps to EL2 (EC 0x18) with HCR_EL2.IMO=1', () => {
    const m = machine(HYP('0', '    mov   x7, #1\n    msr   icc_sgi1r_el1, x7'));
    m.run();
    const p = m.pes[0];
    const esr = p.getX(24);
    assert.equal(esr >> 26n, 0x18n);
    assert.equal((esr >> 5n) & 31n, 7n, 'ISS.Rt = x7');
    assert.equal(esr & 1n, 0n, 'a write');
  });

  it('ICV registers map onto ICH_VMCR_EL2; maintenance interrupt (PPI 25) follows ICH_MISR_EL2', () => {
    const m = machine(HYP('0'));
    const p = m.pes[0];
    // Put the PE at EL1 under the hypervisor's configuration (IMO/FMO set) without running the code.
    p.writeSysreg('HCR_EL2', (1n << 31n) | (1n << 4n) | (1n << 3n));
    p.el = 1;
    msr(m, 0, 'ICC_PMR_EL1', 0x7fn);
    assert.equal((p.readSysreg('ICH_VMCR_EL2') >> 24n) & 0xffn, 0x78n, 'VPMR');
    msr(m, 0, 'ICC_IGRPEN1_EL1', 1n);
    assert.equal(mrs(m, 0, 'ICC_IGRPEN1_EL1'), 1n);
    assert.equal((p.readSysreg('ICH_VMCR_EL2') >> 1n) & 1n, 1n, 'VENG1');
    assert.equal(m.gic.igrpen1ns[0], 1, 'physical enable unchanged by the guest write');
    p.el = 2;
    msr(m, 0, 'ICH_HCR_EL2', 1n | (1n << 3n)); // En | NPIE: no pending LR → maintenance
    assert.equal(mrs(m, 0, 'ICH_MISR_EL2'), 8n, 'NP');
    assert.equal(m.gic.isPending(25, 0), true, 'maintenance interrupt asserted');
    msr(m, 0, 'ICH_LR3_EL2', (1n << 62n) | (1n << 60n) | (0x10n << 48n) | 99n);
    assert.equal(mrs(m, 0, 'ICH_MISR_EL2'), 0n);
    assert.equal(m.gic.isPending(25, 0), false);
    assert.equal(p.virqLine, true, 'priority 0x10 < VPMR 0x78');
    assert.equal(mrs(m, 0, 'ICH_VTR_EL2') & 0x1fn, 15n, '16 List Registers');
  });
});
