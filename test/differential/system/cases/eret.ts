/**
 * Exception return (Arm ARM D1.11 "Exception return", pseudocode
 * AArch64.ExceptionReturn): PSTATE from SPSR_ELx and the PC from ELR_ELx, to
 * each lower EL and to the same EL with SP_EL0; and illegal exception returns
 * (D1.11.4 "Illegal return events from AArch64 state"), which keep EL and SP,
 * set PSTATE.IL, and make the next instruction raise an Illegal Execution state
 * exception (EC 0x0E).
 */
import type { SystemCase } from '../case';
import type { Divergence } from '../case';
import { peCase } from './common';
import { qemuClearsNzcvOnEntry } from './divergences';

interface Eret {
  name: string;
  title: string;
  el: 1 | 2 | 3;
  security?: 'secure' | 'nonsecure';
  /** PE lines: the ERET's SPSR/ELR (and other state). */
  setup: string;
  /** Code before the ERET (at `start`). */
  before?: string;
  /** Code the ERET returns to (at `target`). */
  target: string;
  expect: string;
  focus: string[];
  divergences?: Divergence[];
}

/** `before`, then ERET to `target` (a `hlt #1` after the ERET shows a return that did not happen). */
function eretCase(c: Eret): SystemCase {
  return peCase({ ...c, code: `${c.before ?? ''}
    eret
    hlt   #1
target:
${c.target}` });
}

export const ERET_CASES: SystemCase[] = [
  eretCase({
    name: 'eret-el2-to-el1',
    title: 'ERET from EL2 to EL1h restores NZCV and DAIF from SPSR_EL2',
    el: 2,
    setup: '  spsr_el2 = 0x6000_0145          // Z, C; A and F masked; EL1h\n  elr_el2 = target\n  sp_el1 = 0x4000_7000',
    target: '    mov   x1, sp\n    mrs   x2, nzcv\n    hlt   #0',
    expect: '  pe 0 pstate.el == 1\n  pe 0 x1 == 0x4000_7000\n  pe 0 x2 == 0x6000_0000\n  pe 0 pstate.daif == 0b0101',
    focus: ['x1', 'x2'],
  }),
  eretCase({
    name: 'eret-el1-to-el0',
    title: 'ERET from EL1 to EL0t, then an SVC back to EL1',
    el: 1,
    setup: '  spsr_el1 = 0x0                  // EL0t, nothing masked\n  elr_el1 = target\n  sp_el0 = 0x4000_6000',
    target: '    mov   x1, sp\n    svc   #9\n    hlt   #0',
    expect: '  pe 0 x1 == 0x4000_6000\n  pe 0 esr_el1 == 0x5600_0009\n  pe 0 spsr_el1 == 0x0\n  pe 0 elr_el1 == target + 8',
    focus: ['x1', 'ESR_EL1', 'ELR_EL1'],
  }),
  eretCase({
    name: 'eret-el2-to-el1t',
    title: 'ERET to EL1t: EL1 running on SP_EL0',
    el: 2,
    setup: '  spsr_el2 = 0x3c4\n  elr_el2 = target\n  sp_el0 = 0x4000_5000\n  sp_el1 = 0x4000_7000',
    target: '    mov   x1, sp\n    mrs   x2, spsel\n    hlt   #0',
    expect: '  pe 0 x1 == 0x4000_5000\n  pe 0 x2 == 0\n  pe 0 pstate.el == 1',
    focus: ['x1'],
  }),
  eretCase({
    name: 'eret-el3-to-nonsecure-el1',
    title: 'EL3 sets SCR_EL3.NS and returns to Non-secure EL1',
    el: 3,
    security: 'secure',
    setup: '',
    before:
      '    mov   x0, #0x531               // SCR_EL3: NS, HCE, RW, RES1\n    msr   scr_el3, x0\n    adr   x0, target\n    msr   elr_el3, x0\n    mov   x0, #0x3c5\n    msr   spsr_el3, x0',
    target: '    hvc   #4                       // to Non-secure EL2\n    hlt   #0',
    expect: '  pe 0 pstate.el == 2\n  pe 0 esr_el2 == 0x5a00_0004\n  pe 0 scr_el3 == 0x531',
    focus: ['ELR_EL3', 'SPSR_EL3', 'ESR_EL2'],
  }),
  eretCase({
    name: 'eret-el3-to-el2',
    title: 'ERET from EL3 to Non-secure EL2h',
    el: 3,
    security: 'secure',
    setup: '  sp_el2 = 0x4000_7000',
    before:
      '    mov   x0, #0x531\n    msr   scr_el3, x0\n    adr   x0, target\n    msr   elr_el3, x0\n    mov   x0, #0x3c9\n    msr   spsr_el3, x0',
    target: '    mov   x1, sp\n    mrs   x2, currentel\n    hlt   #0',
    expect: '  pe 0 pstate.el == 2\n  pe 0 x1 == 0x4000_7000\n  pe 0 x2 == 8',
    focus: ['x1', 'x2', 'ELR_EL3', 'SPSR_EL3'],
  }),
  eretCase({
    name: 'eret-el3-to-el3t',
    title: 'ERET at EL3 to EL3t: same EL, SP_EL0 selected',
    el: 3,
    security: 'secure',
    setup: '  sp_el0 = 0x4000_6000',
    before: '    adr   x0, target\n    msr   elr_el3, x0\n    mov   x0, #0x28c               // EL3t, D and I masked\n    msr   spsr_el3, x0',
    target: '    mov   x1, sp\n    mrs   x2, daif\n    hlt   #0',
    expect: '  pe 0 pstate.el == 3\n  pe 0 x1 == 0x4000_6000\n  pe 0 x2 == 0x280',
    focus: ['x1', 'x2', 'ELR_EL3', 'SPSR_EL3'],
  }),
  eretCase({
    name: 'eret-illegal-to-higher-el',
    title: 'ERET at EL1 with SPSR_EL1.M = EL2h is an illegal return: IL set, EC 0x0E on the next instruction',
    el: 1,
    setup: '  spsr_el1 = 0x8000_03c9          // N, EL2h\n  elr_el1 = target',
    target: '    mov   x1, #1\n    hlt   #0',
    expect: '  pe 0 esr_el1 == 0x3a00_0000      // EC 0x0E Illegal Execution state, IL\n  pe 0 elr_el1 == target\n  pe 0 spsr_el1 == 0x8010_03c5      // N, IL, EL1h\n  pe 0 x1 == 0\n  fault illegal-state at el 1',
    focus: ['ESR_EL1', 'SPSR_EL1'],
    divergences: [qemuClearsNzcvOnEntry(0b1000)],
  }),
  eretCase({
    name: 'eret-illegal-el0-spx',
    title: 'ERET to M[3:0] = 0b0001 (EL0 with SP_ELx, reserved) is an illegal return',
    el: 1,
    setup: '  spsr_el1 = 0x3c1\n  elr_el1 = target',
    target: '    nop\n    hlt   #0',
    expect: '  pe 0 esr_el1 == 0x3a00_0000\n  pe 0 spsr_el1 == 0x1003c5',
    focus: ['ESR_EL1', 'SPSR_EL1'],
  }),
  eretCase({
    name: 'eret-illegal-aarch32-el1',
    title: 'ERET to an AArch32 EL1 mode while HCR_EL2.RW=1 is an illegal return',
    el: 2,
    setup: '  spsr_el2 = 0x1d3                 // AArch32 Supervisor mode\n  elr_el2 = target',
    target: '    nop\n    hlt   #0',
    expect: '  pe 0 esr_el2 == 0x3a00_0000\n  pe 0 pstate.el == 2\n  pe 0 elr_el2 == target',
    focus: ['ESR_EL2', 'SPSR_EL2'],
  }),
  eretCase({
    name: 'eret-illegal-secure-el2-disabled',
    title: 'ERET from EL3 to Secure EL2 with SCR_EL3.EEL2=0 is an illegal return',
    el: 3,
    security: 'secure',
    setup: '',
    before:
      '    mov   x0, #0x530               // SCR_EL3: NS=0, EEL2=0, HCE, RW\n    msr   scr_el3, x0\n    adr   x0, target\n    msr   elr_el3, x0\n    mov   x0, #0x3c9\n    msr   spsr_el3, x0',
    target: '    nop\n    hlt   #0',
    expect: '  pe 0 esr_el3 == 0x3a00_0000\n  pe 0 pstate.el == 3\n  pe 0 elr_el3 == target',
    focus: ['ESR_EL3'],
  }),
];
