import * as assert from 'node:assert/strict';
import { callChain } from '../../simulator/engine/callChain';
import { runText } from './harness';

/** The scenario's own SPMC at S-EL2 (`spmc none`): the built-in SPMD boots it and forwards FF-A calls both ways. */
function text(stopInSpmc: boolean): string {
  return `
system {
  pes 1
  memory spmc_mem at 0x0600_0000 size 0x10_0000 secure
  memory ram at 0x8800_0000 size 0x10_0000
  cache_model off
  max_steps 2000
}
firmware { monitor builtin; spmc none; spmc_entry spmc_init; spmc_stack 0x0608_0000 }
pe 0 { el 1; security nonsecure; entry driver }
code nwd_driver at 0x8800_0000 {
driver:
    ldr   x0, =0x84000069          // FFA_ID_GET
    mov   x7, #7
ask:
    smc   #0
    hlt   #0
}
code spmc at 0x0600_0000 {
spmc_init:
    mrs   x20, currentel
    mov   x21, sp
    ldr   x0, =0x8400006B          // FFA_MSG_WAIT: initialisation done
spmc_loop:
    smc   #0
    mov   x22, x7                  // the Normal world's x7 arrived
${stopInSpmc ? '    hlt   #0\n' : ''}    ldr   x0, =0x84000061          // FFA_SUCCESS, w2 = 0x1234
    mov   x2, #0x1234
    b     spmc_loop
}
`;
}

describe('firmware: the SPMD with a user SPMC (spmc none)', () => {
  it('boots the SPMC at S-EL2 first, forwards the Normal world call and forwards the answer back', () => {
    const { machine } = runText(text(false));
    const pe = machine.pes[0];
    assert.equal(pe.state, 'halted');
    assert.equal(pe.el, 1);
    assert.equal(pe.getX(0), 0x8400_0061n);
    assert.equal(pe.getX(2), 0x1234n);
    assert.equal(pe.readSysreg('SCR_EL3') & 1n, 1n, 'back in the Non-secure state');
  });

  it('inside the SPMC: S-EL2, its stack, the caller registers, and a forward frame in the call chain', () => {
    const { machine } = runText(text(true));
    const pe = machine.pes[0];
    assert.equal(pe.el, 2);
    assert.equal(pe.readSysreg('SCR_EL3') & 1n, 0n, 'Secure');
    assert.equal(pe.getX(20), 2n << 2n, 'CurrentEL = EL2 at boot');
    assert.equal(pe.getX(21), 0x0608_0000n, 'SP_EL2 from spmc_stack');
    assert.equal(pe.getX(22), 7n);
    assert.equal(machine.firmware!.currentEndpoint(0).id, 0x8000);
    const ffa = callChain(machine, 0).filter((c) => c.kind === 'ffa');
    assert.equal(ffa.length, 1);
    assert.equal(ffa[0].ffa?.function, 'FFA_ID_GET_32');
    assert.equal(ffa[0].ffa?.callee, 0x8000);
    assert.equal(ffa[0].line, text(true).split('\n').findIndex((l) => l.startsWith('ask:')) + 1);
  });

  it('partition blocks with spmc none are an error', () => {
    assert.throws(() => runText(text(false).replace('pe 0 {', 'partition p { id 0x8001; entry driver; memory 0x0600_0000 size 0x1000 }\npe 0 {')), /need `spmc builtin`/);
  });
});

describe('firmware: FFA_EL3_INTR_HANDLE from a user SPMC (spmc none)', () => {
  const g0 = (el3: string): string =>
    text(false)
      .replace('firmware { monitor builtin; spmc none; spmc_entry spmc_init; spmc_stack 0x0608_0000 }', `firmware { monitor builtin; spmc none; spmc_entry spmc_init; spmc_stack 0x0608_0000; ${el3} }\nevent when pe 0 reaches g0_pending do irq 60`)
      .replace(
        '    mrs   x20, currentel\n',
        // A Group 0 interrupt arrives while the SPMC initialises with interrupts masked: it sees it in ICC_HPPIR0_EL1 and
        // delegates it to EL3 as Hafnium's fiq_lower does (spmd_group0_intr_delegate).
        '    mrs   x20, currentel\ng0_pending:\n    nop\n    mrs   x23, icc_hppir0_el1\n    ldr   x0, =0x8400008C          // FFA_EL3_INTR_HANDLE\n    smc   #0\n    mov   x24, x0\n    mrs   x25, icc_hppir0_el1\n',
      )
      .replace('    mov   x22, x7                  // the Normal world\'s x7 arrived\n', '    mov   x22, x7                  // the Normal world\'s x7 arrived\n    hlt   #0\n');

  it('the SPMD acknowledges, handles and ends the Group 0 interrupt and returns FFA_SUCCESS to the SPMC (not forwarded)', () => {
    const { machine } = runText(g0('el3_interrupts 60'));
    const pe = machine.pes[0];
    assert.equal(pe.el, 2, 'stopped in the SPMC');
    assert.equal(pe.getX(23), 60n, 'ICC_HPPIR0_EL1 showed INTID 60 pending');
    assert.equal(pe.getX(24), 0x8400_0061n, 'FFA_SUCCESS_32 from the SPMD');
    assert.equal(pe.getX(25), 1023n, 'nothing of Group 0 pending any more');
    assert.equal(machine.gic.isActive(60, 0), false);
    assert.equal(pe.getX(22), 7n, 'the SPMC then served the Normal world call as before');
    const call = machine.firmware!.st.log.find((c) => c.function === 'FFA_EL3_INTR_HANDLE_32');
    assert.equal(call?.result, 'FFA_SUCCESS_32');
    assert.equal(call?.caller, 0x8000);
  });

  it('an INTID that is not one of el3_interrupts: TF-A panics, the SMC never returns', () => {
    const { machine } = runText(g0('el3_interrupts 61').replace('event when pe 0 reaches g0_pending do irq 60', 'gic { interrupt 60 group 0 priority 0x10 enabled }\nevent when pe 0 reaches g0_pending do irq 60'));
    const pe = machine.pes[0];
    assert.equal(pe.state, 'halted');
    assert.match(pe.stopReason ?? '', /^TF-A panic at EL3: Group0 interrupt 60 not handled/);
    assert.equal(pe.getX(24), 0n, 'the SMC did not return');
    assert.ok(machine.findings.some((f) => f.rule === 'el3-panic'));
  });
});
