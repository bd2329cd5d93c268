/**
 * Traps (Arm ARM D1.11 "Configurable instruction enables and disables, and trap
 * controls"; syndromes D24.2 ESR_ELx): HCR_EL2.{TVM,TRVM,TSC,TID3,TWI,TSW,
 * TTLB,TACR}, MDCR_EL2.TDE, SCR_EL3.TWI and the EL0 controls in SCTLR_EL1.
 *
 * ISS for a trapped MSR/MRS/SYS (EC 0x18): Op0 [21:20], Op2 [19:17], Op1 [16:14],
 * CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read).
 * ISS for a trapped WFI (EC 0x01): CV=1 and COND=0b1110 from AArch64, TI [1:0].
 *
 * Not compared: HCR_EL2.TWE. A WFE may complete at any time, and its trap is
 * only guaranteed when it would otherwise wait (Arm ARM D24.2 HCR_EL2.TWE); QEMU
 * runs WFE as a yield that always completes, so it never traps, which the
 * architecture permits.
 */
import type { SystemCase } from '../case';
import { peCase } from './common';

const HCR = {
  RW: '(1 << 31)',
  TRVM: '(1 << 30)',
  TVM: '(1 << 26)',
  TTLB: '(1 << 25)',
  TACR: '(1 << 21)',
  TSC: '(1 << 19)',
  TID3: '(1 << 18)',
  TSW: '(1 << 22)',
  TWI: '(1 << 13)',
};

interface Trap {
  name: string;
  title: string;
  /** Initial PE register lines. */
  setup: string;
  el: 0 | 1 | 2;
  /** The trapped instruction (at label `trapped`). */
  instr: string;
  to: 1 | 2 | 3;
  esr: string;
  extraExpect?: string;
}

/** `instr` at `trapped`, taken to EL`to` with ELR the trapped instruction itself. */
function trapCase(t: Trap): SystemCase {
  return peCase({
    name: t.name,
    title: t.title,
    el: t.el,
    setup: `  x0 = 0x4000_0f00\n  x1 = 0x4000_0f00\n${t.setup}`,
    code: `    mov   x5, #5\ntrapped:\n    ${t.instr}\n    hlt   #0`,
    expect: `  pe 0 esr_el${t.to} == ${t.esr}\n  pe 0 elr_el${t.to} == trapped\n  pe 0 pstate.el == ${t.to}\n${t.extraExpect ?? ''}`,
    focus: [`ESR_EL${t.to}`, `ELR_EL${t.to}`],
  });
}

export const TRAP_CASES: SystemCase[] = [
  trapCase({
    name: 'trap-tvm-msr-sctlr',
    title: 'HCR_EL2.TVM traps an EL1 write of SCTLR_EL1 to EL2 (EC 0x18)',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TVM}`,
    el: 1,
    instr: 'msr   sctlr_el1, x0',
    to: 2,
    esr: '0x6230_0400      // Op0=3 Op2=0 Op1=0 CRn=1 Rt=0 CRm=0, write',
    extraExpect: '  pe 0 sctlr_el1 == 0x30d5_0800   // not written',
  }),
  trapCase({
    name: 'trap-tvm-msr-tcr',
    title: 'HCR_EL2.TVM traps an EL1 write of TCR_EL1',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TVM}`,
    el: 1,
    instr: 'msr   tcr_el1, x5',
    to: 2,
    esr: '0x6234_08a0      // Op0=3 Op2=2 Op1=0 CRn=2 Rt=5 CRm=0',
  }),
  trapCase({
    name: 'trap-trvm-mrs-ttbr0',
    title: 'HCR_EL2.TRVM traps an EL1 read of TTBR0_EL1',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TRVM}\n  ttbr0_el1 = 0x4004_0000`,
    el: 1,
    instr: 'mrs   x3, ttbr0_el1',
    to: 2,
    esr: '0x6230_0861      // CRn=2 Rt=3, read',
    extraExpect: '  pe 0 x3 == 0',
  }),
  trapCase({
    name: 'trap-tsc-smc',
    title: 'HCR_EL2.TSC traps SMC from EL1 to EL2 (EC 0x17, return address the SMC itself)',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TSC}`,
    el: 1,
    instr: 'smc   #0x2a',
    to: 2,
    esr: '0x5e00_002a',
    extraExpect: '  pe 0 esr_el3 == 0',
  }),
  trapCase({
    name: 'trap-tsc-smc-smd',
    title: 'HCR_EL2.TSC traps SMC even when SCR_EL3.SMD disables it',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TSC}\n  scr_el3 = 0x531 | (1 << 7)      // the reset value with SMD`,
    el: 1,
    instr: 'smc   #7',
    to: 2,
    esr: '0x5e00_0007',
  }),
  trapCase({
    name: 'trap-tid3-id-register',
    title: 'HCR_EL2.TID3 traps an EL1 read of ID_AA64MMFR0_EL1',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TID3}`,
    el: 1,
    instr: 'mrs   x4, id_aa64mmfr0_el1',
    to: 2,
    esr: '0x6230_008f      // Op0=3 Op1=0 CRn=0 CRm=7 Op2=0 Rt=4, read',
    extraExpect: '  pe 0 x4 == 0',
  }),
  trapCase({
    name: 'trap-twi-wfi',
    title: 'HCR_EL2.TWI traps WFI at EL1 (EC 0x01, CV=1, COND=0b1110, TI=0b00)',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TWI}`,
    el: 1,
    instr: 'wfi',
    to: 2,
    esr: '0x07e0_0000',
  }),
  trapCase({
    name: 'trap-scr-twi-el2',
    title: 'SCR_EL3.TWI traps WFI at EL2 to EL3',
    setup: '  scr_el3 = 0x531 | (1 << 12)',
    el: 2,
    instr: 'wfi',
    to: 3,
    esr: '0x07e0_0000',
  }),
  trapCase({
    name: 'trap-tsw-dc-isw',
    title: 'HCR_EL2.TSW traps DC ISW at EL1 (EC 0x18, Op0=1)',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TSW}`,
    el: 1,
    instr: 'dc    isw, x0',
    to: 2,
    esr: '0x6214_1c0c      // Op0=1 Op2=2 Op1=0 CRn=7 Rt=0 CRm=6',
  }),
  trapCase({
    name: 'trap-ttlb-tlbi',
    title: 'HCR_EL2.TTLB traps TLBI VMALLE1 at EL1 (Rt=31)',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TTLB}`,
    el: 1,
    instr: 'tlbi  vmalle1',
    to: 2,
    esr: '0x6210_23ee      // Op0=1 Op2=0 Op1=0 CRn=8 Rt=31 CRm=7',
  }),
  trapCase({
    name: 'trap-tacr-actlr',
    title: 'HCR_EL2.TACR traps an EL1 write of ACTLR_EL1',
    setup: `  hcr_el2 = ${HCR.RW} | ${HCR.TACR}`,
    el: 1,
    instr: 'msr   actlr_el1, x5',
    to: 2,
    esr: '0x6232_04a0      // Op0=3 Op2=1 Op1=0 CRn=1 Rt=5 CRm=0',
  }),
  trapCase({
    name: 'trap-tde-brk',
    title: 'MDCR_EL2.TDE routes a BRK at EL1 to EL2',
    setup: `  hcr_el2 = ${HCR.RW}\n  mdcr_el2 = 1 << 8`,
    el: 1,
    instr: 'brk   #3',
    to: 2,
    esr: '0xf200_0003',
  }),
  trapCase({
    name: 'trap-el0-uct',
    title: 'SCTLR_EL1.UCT=0 traps an EL0 read of CTR_EL0 to EL1',
    setup: '',
    el: 0,
    instr: 'mrs   x2, ctr_el0',
    to: 1,
    esr: '0x6232_c041      // Op0=3 Op2=1 Op1=3 CRn=0 Rt=2 CRm=0, read',
  }),
  trapCase({
    name: 'trap-el0-uci',
    title: 'SCTLR_EL1.UCI=0 traps DC CVAC at EL0 to EL1',
    setup: '',
    el: 0,
    instr: 'dc    cvac, x1',
    to: 1,
    esr: '0x6212_dc34      // Op0=1 Op2=1 Op1=3 CRn=7 Rt=1 CRm=10',
  }),
  trapCase({
    name: 'undef-msr-el2-reg-at-el1',
    title: 'MSR SCTLR_EL2 at EL1 is UNDEFINED (EC 0x00 at EL1)',
    setup: '',
    el: 1,
    instr: 'msr   sctlr_el2, x5',
    to: 1,
    esr: '0x0200_0000',
  }),
];
