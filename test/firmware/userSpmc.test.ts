import * as assert from 'node:assert/strict';
import { callChain } from '../../simulator/firmware/index';
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
