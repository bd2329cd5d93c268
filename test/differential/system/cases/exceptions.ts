/**
 * Exception entry at EL1, EL2 and EL3 (Arm ARM D1.10 "Exception entry",
 * pseudocode AArch64.TakeException): the syndrome (ESR_ELx, D24.2 "ESR_EL1"),
 * return address (ELR_ELx), saved PSTATE (SPSR_ELx) and the vector taken
 * (D1.10.2: the PE stops at a vector without code on both sides).
 *
 * Initial PSTATE after reset: DAIF all masked, SP_ELx selected, so SPSR values
 * read 0x3c0 | EL << 2 | SPSel (EL1h 0x3c5, EL2h 0x3c9, EL3h 0x3cd).
 */
import type { SystemCase } from '../case';
import { peCase } from './common';
import { qemuClearsNzcvOnEntry, qemuMissesException } from './divergences';

export const EXCEPTION_CASES: SystemCase[] = [
  peCase({
    name: 'svc-el0-to-el1',
    title: 'SVC from EL0 is taken to EL1, lower EL AArch64 vector',
    el: 0,
    code: '    mov   x1, #7\n    svc   #5\n    hlt   #0',
    expect: `  pe 0 esr_el1 == 0x5600_0005      // EC 0x15 SVC64, IL=1, imm16
  pe 0 elr_el1 == start + 8        // preferred return: the next instruction
  pe 0 spsr_el1 == 0x3c0           // EL0t, DAIF masked
  pe 0 pc == 0x4000_8400           // VBAR_EL1 + 0x400: lower EL, AArch64, synchronous
  pe 0 pstate.el == 1`,
    focus: ['ESR_EL1', 'ELR_EL1', 'SPSR_EL1'],
  }),
  peCase({
    name: 'hvc-el1-to-el2',
    title: 'HVC from EL1 is taken to EL2',
    el: 1,
    code: '    mov   x0, #1\n    hvc   #0x42\n    hlt   #0',
    expect: `  pe 0 esr_el2 == 0x5a00_0042      // EC 0x16 HVC64
  pe 0 elr_el2 == start + 8
  pe 0 spsr_el2 == 0x3c5
  pe 0 pc == 0x4000_9400`,
    focus: ['ESR_EL2', 'ELR_EL2', 'SPSR_EL2'],
  }),
  peCase({
    name: 'smc-el1-to-el3',
    title: 'SMC from Non-secure EL1 is taken to EL3',
    el: 1,
    code: '    smc   #0x17\n    hlt   #0',
    expect: `  pe 0 esr_el3 == 0x5e00_0017      // EC 0x17 SMC64
  pe 0 elr_el3 == start + 4        // SMC: the next instruction (not trapped)
  pe 0 spsr_el3 == 0x3c5
  pe 0 pc == 0x4000_a400`,
    focus: ['ESR_EL3', 'ELR_EL3', 'SPSR_EL3'],
  }),
  peCase({
    name: 'smc-el2-to-el3',
    title: 'SMC from EL2 is taken to EL3, with NZCV saved and kept',
    el: 2,
    setup: '  pstate.nzcv = 0b1010\n  pstate.daif = 0b0101',
    code: '    smc   #1\n    hlt   #0',
    expect: `  pe 0 esr_el3 == 0x5e00_0001
  pe 0 spsr_el3 == 0xa000_0149     // N, C; D=0 A=1 I=0 F=1; EL2h
  pe 0 pstate.daif == 0b1111
  pe 0 pstate.nzcv == 0b1010       // exception entry leaves NZCV alone`,
    focus: ['ESR_EL3', 'ELR_EL3', 'SPSR_EL3'],
    divergences: [qemuClearsNzcvOnEntry(0b1010)],
  }),
  peCase({
    name: 'svc-el2-same-el',
    title: 'SVC at EL2 is taken to EL2, current EL with SP_ELx',
    el: 2,
    code: '    svc   #0xabc\n    hlt   #0',
    expect: '  pe 0 esr_el2 == 0x5600_0abc\n  pe 0 spsr_el2 == 0x3c9\n  pe 0 pc == 0x4000_9200',
    focus: ['ESR_EL2', 'ELR_EL2', 'SPSR_EL2'],
  }),
  peCase({
    name: 'svc-el1-sp-el0',
    title: 'SVC at EL1 with PSTATE.SP=0 uses the current EL with SP_EL0 vector',
    el: 1,
    setup: '  pstate.sp = 0\n  sp_el0 = 0x4000_7000',
    code: '    svc   #0\n    hlt   #0',
    expect: `  pe 0 spsr_el1 == 0x3c4           // EL1t
  pe 0 pc == 0x4000_8000           // VBAR_EL1 + 0x000
  pe 0 sp == 0x0                   // SP_EL1 is selected on entry`,
    focus: ['ESR_EL1', 'SPSR_EL1'],
  }),
  peCase({
    name: 'udf-el1',
    title: 'A permanently undefined instruction at EL1',
    el: 1,
    code: '    nop\nbad:\n    udf   #0x1234\n    hlt   #0',
    expect: `  pe 0 esr_el1 == 0x0200_0000      // EC 0x00 Unknown reason, IL=1, ISS 0
  pe 0 elr_el1 == bad              // the undefined instruction itself
  fault undefined at el 1`,
    focus: ['ESR_EL1', 'ELR_EL1', 'SPSR_EL1'],
  }),
  peCase({
    name: 'brk-el1',
    title: 'BRK at EL1: a Breakpoint Instruction exception',
    el: 1,
    code: '    brk   #0x99\n    hlt   #0',
    expect: `  pe 0 esr_el1 == 0xf200_0099      // EC 0x3C BRK64, IL=1, comment
  pe 0 elr_el1 == start            // the BRK itself`,
    focus: ['ESR_EL1', 'ELR_EL1'],
  }),
  peCase({
    name: 'udf-el3',
    title: 'An undefined instruction at EL3 is taken to EL3',
    el: 3,
    security: 'secure',
    code: '    mov   x3, #3\n    udf   #1\n    hlt   #0',
    expect: '  pe 0 esr_el3 == 0x0200_0000\n  pe 0 elr_el3 == start + 4\n  pe 0 spsr_el3 == 0x3cd\n  pe 0 pc == 0x4000_a200',
    focus: ['ESR_EL3'],
  }),
  peCase({
    name: 'tge-routes-el0-to-el2',
    title: 'HCR_EL2.TGE=1: an SVC from EL0 is taken to EL2 (D1.3.1)',
    el: 0,
    setup: '  hcr_el2 = (1 << 31) | (1 << 27)      // RW, TGE',
    code: '    svc   #3\n    hlt   #0',
    expect: '  pe 0 esr_el2 == 0x5600_0003\n  pe 0 spsr_el2 == 0x3c0\n  pe 0 esr_el1 == 0\n  pe 0 pc == 0x4000_9400',
    focus: ['ESR_EL2', 'ELR_EL2', 'SPSR_EL2'],
  }),
  peCase({
    name: 'secure-el1-smc',
    title: 'Secure EL1: SMC to EL3',
    el: 1,
    security: 'secure',
    code: '    smc   #0x22\n    hlt   #0',
    expect: '  pe 0 esr_el3 == 0x5e00_0022',
    focus: ['ESR_EL3', 'ELR_EL3'],
  }),
  peCase({
    name: 'secure-el1-hvc-to-sel2',
    title: 'Secure EL1 with SCR_EL3.EEL2=1: HVC is taken to Secure EL2',
    el: 1,
    security: 'secure',
    code: '    hvc   #0x33\n    hlt   #0',
    expect: '  pe 0 esr_el2 == 0x5a00_0033\n  pe 0 spsr_el2 == 0x3c5\n  pe 0 pc == 0x4000_9400',
    focus: ['ESR_EL2', 'SPSR_EL2'],
  }),
  peCase({
    name: 'hvc-undefined-hce0',
    title: 'SCR_EL3.HCE=0: HVC at EL1 is UNDEFINED (EC 0x00 to EL1)',
    el: 1,
    setup: '  scr_el3 = 0x431                  // NS, RW, RES1; HCE=0',
    code: '    hvc   #1\n    hlt   #0',
    expect: '  pe 0 esr_el1 == 0x0200_0000\n  pe 0 elr_el1 == start\n  pe 0 esr_el2 == 0',
    focus: ['ESR_EL1', 'ELR_EL1'],
  }),
  peCase({
    name: 'pc-alignment-el1',
    title: 'A branch to a misaligned address: PC alignment fault on the next fetch',
    el: 1,
    setup: '  x1 = 0x4000_0102',
    code: '    br    x1\n    hlt   #0',
    expect: `  pe 0 esr_el1 == 0x8a00_0000      // EC 0x22 PC alignment, IL=1
  pe 0 far_el1 == 0x4000_0102
  pe 0 elr_el1 == 0x4000_0102
  fault pc-alignment`,
    focus: ['ESR_EL1', 'FAR_EL1', 'ELR_EL1'],
  }),
  peCase({
    name: 'alignment-mmu-off-el1',
    title: 'With the MMU off data accesses are Device-nGnRnE: an unaligned load takes an Alignment fault',
    el: 1,
    setup: '  x1 = 0x4000_0f01',
    code: '    nop\naccess:\n    ldr   x2, [x1]\n    hlt   #0',
    expect: `  pe 0 esr_el1 == 0x9600_0021      // EC 0x25, DFSC 0x21 alignment fault
  pe 0 far_el1 == 0x4000_0f01
  pe 0 elr_el1 == access
  fault alignment at el 1`,
    focus: ['ESR_EL1', 'FAR_EL1', 'ELR_EL1'],
    // QEMU 7.2 does not check alignment for accesses made with the MMU off (QEMU gitlab issue 1204).
    divergences: qemuMissesException(
      { pc: 0x4000_8200n, ESR_EL1: 0x9600_0021n, FAR_EL1: 0x4000_0f01n, ELR_EL1: 0x4000_0004n, SPSR_EL1: 0x3c5n },
      'with stage 1 disabled data accesses are Device-nGnRnE (Arm ARM D8.2.10 "The effects of disabling an address translation stage") and an unaligned access to Device memory is an Alignment fault (B2.5.2); QEMU 7.2 performs it',
    ),
  }),
];
