/**
 * Virtualization Host Extensions (Arm ARM D5.11 "Virtualization Host
 * Extensions"; the redirection tables in D24.1): at EL2 with HCR_EL2.E2H=1 the
 * `_EL1` names reach the `_EL2` registers and the `_EL12` names reach the EL1
 * registers; without E2H the `_EL12` names are UNDEFINED. With E2H=1 the EL2
 * translation regime is EL2&0 (TCR_EL2 in the TCR_EL1 layout, TTBR0/1_EL2).
 */
import type { SystemCase } from '../case';
import { TCR_48, peCase, stage1Tree } from './common';
import { QEMU_ISV_ON_STAGE1_EL2, qemuMissesException } from './divergences';

const RW_E2H = '  hcr_el2 = (1 << 31) | (1 << 34)';

export const VHE_CASES: SystemCase[] = [
  peCase({
    name: 'vhe-redirection',
    title: 'E2H=1 at EL2: _EL1 names reach _EL2 registers, _EL12 names reach EL1',
    el: 2,
    setup: RW_E2H,
    code: `    ldr   x0, =0x4000_6000
    msr   vbar_el1, x0             // VBAR_EL2
    ldr   x1, =0x4000_7000
    msr   vbar_el12, x1            // VBAR_EL1
    mrs   x2, vbar_el1             // VBAR_EL2
    mrs   x3, vbar_el12            // VBAR_EL1
    ldr   x4, =0x8080_3510
    msr   tcr_el1, x4              // TCR_EL2 (MMU off: no effect yet)
    mov   x5, #0x77
    msr   contextidr_el1, x5       // CONTEXTIDR_EL2
    ldr   x6, =0x4000_0400
    msr   elr_el1, x6              // ELR_EL2
    mov   x7, #0x3c4
    msr   spsr_el12, x7            // SPSR_EL1
    ldr   x8, =0x5600_0001
    msr   esr_el12, x8             // ESR_EL1
    ldr   x9, =0x4000_0abc
    msr   far_el1, x9              // FAR_EL2
    hlt   #0`,
    expect: `  pe 0 vbar_el2 == 0x4000_6000
  pe 0 vbar_el1 == 0x4000_7000
  pe 0 x2 == 0x4000_6000
  pe 0 x3 == 0x4000_7000
  pe 0 tcr_el2 == 0x8080_3510
  pe 0 contextidr_el2 == 0x77
  pe 0 contextidr_el1 == 0
  pe 0 elr_el2 == 0x4000_0400
  pe 0 spsr_el1 == 0x3c4
  pe 0 esr_el1 == 0x5600_0001
  pe 0 far_el2 == 0x4000_0abc
  pe 0 far_el1 == 0`,
    focus: ['VBAR_EL2', 'VBAR_EL1', 'TCR_EL2', 'CONTEXTIDR_EL2', 'ELR_EL2', 'SPSR_EL1', 'ESR_EL1', 'FAR_EL2', 'x2', 'x3'],
  }),
  peCase({
    name: 'vhe-sctlr-el12',
    title: 'E2H=1: SCTLR_EL12 writes SCTLR_EL1 while SCTLR_EL1 reads SCTLR_EL2',
    el: 2,
    setup: RW_E2H,
    code: `    ldr   x0, =0x30d5_0804         // the EL1 reset value with C set
    msr   sctlr_el12, x0
    mrs   x1, sctlr_el12
    mrs   x2, sctlr_el1            // SCTLR_EL2
    hlt   #0`,
    expect: '  pe 0 sctlr_el1 == 0x30d5_0804\n  pe 0 x1 == 0x30d5_0804\n  pe 0 x2 == 0x30c5_0830',
    focus: ['SCTLR_EL1', 'x1', 'x2'],
  }),
  peCase({
    name: 'vhe-el12-undefined-without-e2h',
    title: 'E2H=0: an _EL12 name is UNDEFINED at EL2',
    el: 2,
    code: '    nop\nbad:\n    mrs   x0, sctlr_el12\n    hlt   #0',
    expect: '  pe 0 esr_el2 == 0x0200_0000\n  pe 0 elr_el2 == bad\n  fault undefined at el 2',
    focus: ['ESR_EL2', 'ELR_EL2'],
    divergences: qemuMissesException(
      { pc: 0x4000_9200n, x0: 0n, ESR_EL2: 0x0200_0000n, ELR_EL2: 0x4000_0004n, SPSR_EL2: 0x3c9n },
      'the _EL12 encodings are UNDEFINED unless HCR_EL2.E2H is 1 (Arm ARM D24.2 SCTLR_EL1, "Accessing SCTLR_EL1": MRS SCTLR_EL12 at EL2 with E2H=0 is UNDEFINED); QEMU 7.2 reads SCTLR_EL1 (fixed later by el2_e2h_e12_access)',
    ),
  }),
  peCase({
    name: 'vhe-host-el0-svc',
    title: 'E2H=1, TGE=1: an SVC from host EL0 is taken to EL2 through VBAR_EL2',
    el: 0,
    setup: `${RW_E2H} | (1 << 27)`,
    code: '    svc   #0x11\n    hlt   #0',
    expect: '  pe 0 esr_el2 == 0x5600_0011\n  pe 0 elr_el2 == start + 4\n  pe 0 spsr_el2 == 0x3c0\n  pe 0 pc == 0x4000_9400',
    focus: ['ESR_EL2', 'ELR_EL2', 'SPSR_EL2'],
  }),
  peCase({
    name: 'vhe-el20-translation-fault',
    title: 'E2H=1: MSR SCTLR_EL1 turns on the EL2&0 MMU; a load from an unmapped VA faults at EL2',
    el: 2,
    blocks: `${TCR_48}\n${stage1Tree('', { regime: 'el20' })}`,
    setup: `${RW_E2H}\n  mair_el2 = MAIR_DEFAULT\n  tcr_el2 = TCR\n  ttbr0_el2 = 0x4001_0000\n  x1 = 0x4002_0008`,
    code: `    ldr   x0, =0x30c5_0831         // SCTLR_EL2 with M (written through the SCTLR_EL1 name)
    msr   sctlr_el1, x0
    isb
access:
    ldr   x2, [x1]
    hlt   #0`,
    expect: `  pe 0 sctlr_el2 == 0x30c5_0831
  pe 0 esr_el2 == 0x9600_0007      // EC 0x25 (same EL), translation level 3
  pe 0 far_el2 == 0x4002_0008
  pe 0 elr_el2 == access`,
    focus: ['ESR_EL2', 'FAR_EL2', 'SCTLR_EL2'],
    divergences: [QEMU_ISV_ON_STAGE1_EL2],
  }),
];
