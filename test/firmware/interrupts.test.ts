import * as assert from 'node:assert/strict';
import type { TraceEvent } from '../../simulator/trace/events';
import { FID, readResults, runText } from './harness';

const SEEN = 0x0e1e_0000;
const SEEN_ME = 0x0e1e_0010;
const RES = 0x8808_0000;

/** One secure partition that spins on a direct request with IRQ/FIQ unmasked, handles vIRQs and managed exit (vFIQ). */
function scenario(o: { nwd: string; events: string; spSettings?: string; gic?: string }): string {
  return `
system {
  pes 1
  memory spmc_mem  at 0x0600_0000 size 0x20_0000 secure
  memory sp_mem    at 0x0e00_0000 size 0x40_0000 secure
  memory ram       at 0x8800_0000 size 0x20_0000
  cache_model off
  max_steps 20000
}
firmware { monitor builtin; spmc builtin }
spmc { tables 0x0610_0000 size 0x10_0000 }
${o.gic ?? ''}
partition sp1 {
  id 0x8001
  entry sp1_entry
  memory 0x0e10_0000 size 0x10_0000
  stack 0x0e1d_f000
  interrupts 40
${o.spSettings ?? ''}
}
pe 0 { el 1; security nonsecure; entry driver }
${o.events}
code nwd_driver at 0x8800_0000 {
driver:
    ldr   x28, =${RES}
${o.nwd}
    hlt   #0
}
code sp1_image at 0x0e10_0000 {
sp1_entry:
    ldr   x0, =sp1_vectors
    msr   vbar_el1, x0
    ldr   x0, =0x8400006B
sp1_loop:
    smc   #0
sp1_dispatch:
    ldr   x9, =0x84000062
    cmp   x0, x9
    b.eq  sp1_int
    msr   daifclr, #3
    mov   x12, #40
spin:
    subs  x12, x12, #1
    b.ne  spin
    msr   daifset, #3
    mov   x3, #0x600d
    ldr   x0, =0x84000070
    ldr   x1, =0x80010000
    mov   x2, #0
    b     sp1_loop
sp1_int:
    msr   daifclr, #2
    isb
    msr   daifset, #2
    ldr   x0, =0x8400006B
    b     sp1_loop
}
code sp1_vectors at 0x0e10_0800 {
    .skip 0x280
virq:
    stp   x0, x1, [sp, #-16]!
    stp   x2, x3, [sp, #-16]!
    ldr   x0, =0xff04
    hvc   #0
    mov   x3, x0
    ldr   x1, =${SEEN}
    str   w3, [x1]
    mov   x1, x3
    mov   x2, x3
    ldr   x0, =0xff08
    hvc   #0
    ldp   x2, x3, [sp], #16
    ldp   x0, x1, [sp], #16
    eret
}
code sp1_vfiq at 0x0e10_0b00 {
vfiq:
    ldr   x0, =0xff04
    hvc   #0
    ldr   x1, =${SEEN_ME}
    str   w0, [x1]
    mov   x3, #0xdead
    ldr   x0, =0x84000070
    ldr   x1, =0x80010000
    mov   x2, #0
    smc   #0
    b     sp1_dispatch
}
`;
}

describe('firmware: secure interrupts', () => {
  it('a secure interrupt while the Normal world runs: FIQ to EL3, the SPMD hands it to the SPMC, the owner runs with FFA_INTERRUPT and the Normal world resumes untouched', () => {
    const { machine } = runText(
      scenario({
        nwd: '    mov   x20, #7\nnwd_spin:\n    add   x20, x20, #1',
        events: 'event when pe 0 reaches nwd_spin do irq 40',
      }),
    );
    assert.equal(machine.physical.readU32(SEEN), 40, 'the partition fetched INTID 40 with HF_INTERRUPT_GET');
    assert.equal(machine.pes[0].getX(20), 8n, 'the Normal world resumed where it was interrupted');
    const fiq = machine.exceptions.find((e) => e.type === 'fiq');
    assert.ok(fiq, 'a FIQ was taken');
    assert.equal(fiq.el, 3, 'Secure Group 1 in the Non-secure state is a FIQ, routed to EL3 by SCR_EL3.FIQ');
    assert.equal(fiq.fromEl, 1);
    assert.equal(machine.gic.isActive(40, 0), false, 'deactivated by HF_INTERRUPT_DEACTIVATE');
    assert.equal(machine.pes[0].state, 'halted');
  });

  it('a secure interrupt while its partition runs: IRQ to S-EL2, injected as a virtual IRQ (HCR_EL2.VI), handled through the HVC interface', () => {
    const { machine } = runText(
      scenario({
        nwd: `    ldr x0, =${FID.DIRECT_REQ}\n    ldr x1, =0x8001\n    smc #0\n    stp x0, x1, [x28], #16\n    stp x2, x3, [x28], #16`,
        events: 'event when pe 0 reaches spin do irq 40',
      }),
    );
    assert.equal(machine.physical.readU32(SEEN), 40);
    const [r] = readResults(machine, RES, 1);
    assert.deepEqual(r.slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 0x600dn]);
    const irq = machine.exceptions.find((e) => e.type === 'irq');
    assert.equal(irq?.el, 2, 'physical IRQ to S-EL2 (HCR_EL2.IMO=1)');
    const virq = machine.exceptions.find((e) => e.type === 'virq');
    assert.equal(virq?.el, 1, 'virtual IRQ taken at S-EL1');
  });

  it('managed exit: a Non-secure interrupt while the SP runs becomes virtual INTID 4 (vFIQ); the SP answers; PMR masked meanwhile, restored for the Normal world', () => {
    const events: TraceEvent[] = [];
    const text = scenario({
      nwd: `    ldr x0, =${FID.DIRECT_REQ}\n    ldr x1, =0x8001\n    smc #0\n    stp x0, x1, [x28], #16\n    stp x2, x3, [x28], #16`,
      events: 'event when pe 0 reaches spin do irq 50',
      spSettings: '  ns_interrupts managed_exit',
      gic: 'gic { interrupt 50 group 1ns priority 0xa0 enabled }',
    });
    const { machine } = runText(text);
    void events;
    assert.equal(machine.physical.readU32(SEEN_ME), 4, 'HF_INTERRUPT_GET returned the managed-exit INTID');
    const [r] = readResults(machine, RES, 1);
    assert.deepEqual(r.slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 0xdeadn], 'the managed-exit response reached the Normal world');
    const fiq = machine.exceptions.find((e) => e.type === 'fiq');
    assert.equal(fiq?.el, 2, 'Non-secure Group 1 in the Secure state is a FIQ, to S-EL2 (HCR_EL2.FMO)');
    assert.ok(machine.exceptions.some((e) => e.type === 'vfiq' && e.el === 1), 'virtual FIQ at S-EL1');
    assert.equal(machine.gic.pmr[0], 0xf8, 'PMR restored to fully open (0xff with 5 priority bits reads 0xf8)');
    assert.equal(machine.gic.isPending(50, 0), true, 'the Normal world still has its interrupt to take');
  });

  it('signaled: a Non-secure interrupt preempts the SP, the Normal world gets FFA_INTERRUPT, acknowledges its interrupt and resumes the SP with FFA_RUN', () => {
    const nwd = [
      `    ldr x0, =${FID.DIRECT_REQ}`,
      '    ldr x1, =0x8001',
      '    smc #0',
      '    stp x0, x1, [x28], #16',
      '    stp x2, x3, [x28], #16',
      '    mrs x21, icc_iar1_el1',
      '    msr icc_eoir1_el1, x21',
      `    ldr x0, =${FID.RUN}`,
      '    ldr x1, =0x80010000',
      '    smc #0',
      '    stp x0, x1, [x28], #16',
      '    stp x2, x3, [x28], #16',
    ].join('\n');
    const { machine } = runText(scenario({ nwd, events: 'event when pe 0 reaches spin do irq 50', gic: 'gic { interrupt 50 group 1ns priority 0xa0 enabled }' }));
    const r = readResults(machine, RES, 2);
    assert.deepEqual(r[0].slice(0, 2), [FID.INTERRUPT, 0x8001_0000n], 'FFA_INTERRUPT names the preempted SP and vCPU');
    assert.equal(machine.pes[0].getX(21), 50n, 'the Normal world acknowledged INTID 50');
    assert.deepEqual(r[1].slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 0x600dn], 'FFA_RUN returned the response of the interrupted request');
  });

  it('HF_INTERRUPT_GET with nothing pending returns HF_INVALID_INTID; DEACTIVATE of an inactive INTID fails', () => {
    const text = scenario({
      nwd: `    ldr x0, =${FID.DIRECT_REQ}\n    ldr x1, =0x8001\n    smc #0`,
      events: '',
    }).replace('    msr   daifclr, #3\n    mov   x12, #40', `    ldr x0, =0xff04\n    hvc #0\n    mov x20, x0\n    mov x1, #40\n    mov x2, #40\n    ldr x0, =0xff08\n    hvc #0\n    mov x21, x0\n    ldr x0, =0xff03\n    mov x1, #77\n    mov x2, #1\n    hvc #0\n    mov x22, x0\n    msr   daifclr, #3\n    mov   x12, #40`);
    const { machine } = runText(text.replace('mov   x3, #0x600d', 'mov   x3, x20\n    mov   x4, x21\n    mov   x5, x22'));
    assert.equal(machine.pes[0].getX(3), 0xffff_ffffn, 'HF_INVALID_INTID');
    assert.equal(machine.pes[0].getX(4), 0xffff_ffff_ffff_ffffn, 'deactivate: -1');
    assert.equal(machine.pes[0].getX(5), 0xffff_ffff_ffff_ffffn, 'enable an INTID the partition does not own: -1');
  });
});

describe('firmware: Group 0 interrupts at EL3 (TF-A SPMD, EL3_EXCEPTION_HANDLING=0)', () => {
  const withEl3 = (text: string, el3 = 'el3_interrupts 60'): string => text.replace('firmware { monitor builtin; spmc builtin }', `firmware { monitor builtin; spmc builtin; ${el3} }`);
  const DIRECT = `    ldr x0, =${FID.DIRECT_REQ}\n    ldr x1, =0x8001\n    smc #0\n    stp x0, x1, [x28], #16\n    stp x2, x3, [x28], #16`;
  const group0Calls = (m: ReturnType<typeof runText>['machine']) => m.firmware!.st.log.filter((c) => /Group 0|EL3_INTR_HANDLE/.test(c.function));

  it('while the Normal world runs: FIQ to EL3 (SCR_EL3.FIQ), acknowledged with ICC_IAR0_EL1, handled, ended; the Normal world resumes, no partition runs', () => {
    const { machine } = runText(withEl3(scenario({ nwd: '    mov   x20, #7\nnwd_spin:\n    add   x20, x20, #1', events: 'event when pe 0 reaches nwd_spin do irq 60' })));
    const fiq = machine.exceptions.find((e) => e.type === 'fiq');
    assert.equal(fiq?.el, 3, 'Group 0 is always an FIQ; SCR_EL3.FIQ=1 in the Normal world takes it to EL3');
    assert.equal(fiq?.fromEl, 1);
    assert.equal(machine.gic.groupOf(60), '0', 'el3_interrupts are configured as Group 0');
    assert.equal(machine.gic.priorityOf(60), 0, 'at GIC_HIGHEST_SEC_PRIORITY');
    assert.equal(machine.gic.isActive(60, 0), false, 'ICC_EOIR0_EL1 ended it');
    assert.equal(machine.gic.isPending(60, 0), false);
    assert.equal(machine.pes[0].getX(20), 8n, 'the Normal world resumed where it was interrupted');
    assert.equal(machine.physical.readU32(SEEN), 0, 'no partition was involved');
    const calls = group0Calls(machine);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].result, 'handled at EL3; the Normal world resumes');
    assert.match(calls[0].detail ?? '', /^INTID 60 \(Group 0\) taken to EL3 as an FIQ while the Normal world ran: spmd_group0_interrupt_handler_nwd acknowledged it \(ICC_IAR0_EL1\), plat_spmd_handle_group0_interrupt handled it, ICC_EOIR0_EL1 ended it$/);
    assert.equal(machine.pes[0].state, 'halted');
    assert.equal(machine.pes[0].stopReason?.startsWith('TF-A panic'), false);
  });

  it('while a partition runs: FIQ to S-EL2 (HCR_EL2.FMO), the SPMC delegates it with FFA_EL3_INTR_HANDLE, gets FFA_SUCCESS and resumes the partition', () => {
    const { machine } = runText(withEl3(scenario({ nwd: DIRECT, events: 'event when pe 0 reaches spin do irq 60' })));
    const fiq = machine.exceptions.find((e) => e.type === 'fiq');
    assert.equal(fiq?.el, 2, 'SCR_EL3.FIQ=0 in the Secure world: the FIQ goes to S-EL2');
    assert.equal(fiq?.fromEl, 1);
    const calls = group0Calls(machine);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].function, 'FFA_EL3_INTR_HANDLE_32');
    assert.equal(calls[0].caller, 0x8000, 'called by the SPMC');
    assert.equal(calls[0].result, 'FFA_SUCCESS_32');
    assert.match(calls[0].detail ?? '', /while SP 0x8001 \(sp1\) ran: the SPMC delegated it to EL3 \(fiq_lower\); .* SP 0x8001 \(sp1\) resumes$/);
    assert.equal(machine.gic.isActive(60, 0), false);
    const [r] = readResults(machine, RES, 1);
    assert.deepEqual(r.slice(0, 4), [FID.DIRECT_RESP, 0x8001_0000n, 0n, 0x600dn], 'the partition finished its request undisturbed');
    assert.equal(machine.physical.readU32(SEEN), 0, 'no virtual interrupt was injected');
  });

  it('a Group 0 interrupt the platform does not handle: TF-A panics at EL3 (finding el3-panic, the run stops, the interrupt stays active)', () => {
    const text = withEl3(scenario({ nwd: '    mov   x20, #7\nnwd_spin:\n    add   x20, x20, #1\n    b     nwd_spin', events: 'event when pe 0 reaches nwd_spin do irq 61', gic: 'gic { interrupt 61 group 0 priority 0x10 enabled }' }));
    const { machine } = runText(text);
    const f = machine.findings.find((x) => x.rule === 'el3-panic');
    assert.ok(f, machine.findings.map((x) => x.rule).join(', '));
    assert.match(f.message, /^TF-A panic at EL3: Group0 interrupt 61 not handled .*INTID 61 is Group 0 but not one of the platform's el3_interrupts/);
    assert.equal(f.line, text.split('\n').findIndex((l) => l.startsWith('nwd_spin:')) + 1, 'at the interrupted instruction (the add after the label)');
    assert.equal(machine.pes[0].state, 'halted');
    assert.match(machine.pes[0].stopReason ?? '', /^TF-A panic at EL3/);
    assert.equal(machine.pes[0].el, 3);
    assert.equal(machine.gic.isActive(61, 0), true, 'acknowledged, never ended');
  });

  it('FFA_EL3_INTR_HANDLE from the Normal world → FFA_ERROR(NOT_SUPPORTED), not forwarded to the SPMC', () => {
    const { machine } = runText(withEl3(scenario({ nwd: '    ldr x0, =0x8400008C\n    smc #0\n    stp x0, x1, [x28], #16\n    stp x2, x3, [x28], #16', events: '' })));
    const [r] = readResults(machine, RES, 1);
    assert.deepEqual(r.slice(0, 3), [FID.ERROR, 0n, 0xffff_ffffn], 'NOT_SUPPORTED (-1) in w2');
  });

  it('el3_interrupts is checked: an INTID past 1019 is an error at its word', async () => {
    const { parseScenario } = await import('../../simulator');
    const m = parseScenario('system {\n  pes 1\n}\nfirmware { monitor builtin; el3_interrupts 2000 }\n', 't.armscope');
    const d = m.diagnostics.find((x) => /SGI \(0–15\), PPI/.test(x.message));
    assert.ok(d, m.diagnostics.map((x) => x.message).join('\n'));
    assert.equal(d.range.start.line, 3);
  });
});
