/**
 * Address translation instructions (Arm ARM D8.14 "Address translation
 * instructions"; PAR_EL1 in D24.2): the success form (PA, ATTR from the MAIR
 * byte or the combined stage-1/stage-2 attributes, SH, NS, bit 11 RES1) and the
 * fault form (F, FST, PTW, S), and the stage-2 fault on a stage-1 walk of an AT
 * at EL1, which is taken to EL2 as a Data Abort with CM=1 instead of reported.
 */
import type { Divergence, SystemCase } from '../case';
import { STAGE2_ON, TCR_48, TCR_SINGLE_REGIME, VTCR_48, el1MmuOn, peCase, stage1Tree, stage2Tree } from './common';
import { PAR_ATTR_IMPLEMENTATION_CHOICE, qemuS1ptwLevel } from './divergences';

interface At {
  name: string;
  title: string;
  el: 1 | 2;
  /** Page tables (and constants) of the case. */
  blocks: string;
  /** The AT instruction, on the VA in X1. */
  instr: string;
  x1: string;
  par: string;
  setup?: string;
  divergences?: Divergence[];
}

/** One AT with EL1&0 stage 1 on; PAR_EL1 is compared (and states the expected result). */
function atCase(a: At): SystemCase {
  return peCase({
    name: a.name,
    title: a.title,
    el: a.el,
    blocks: `${TCR_48}\n${VTCR_48}\n${a.blocks}`,
    setup: `${el1MmuOn()}\n${a.setup ?? ''}`,
    code: `    ldr   x1, =${a.x1}\n    ${a.instr}\n    isb\n    hlt   #0`,
    expect: `  pe 0 par_el1 == ${a.par}`,
    focus: ['PAR_EL1'],
    divergences: a.divergences,
  });
}

const DATA_PAGE = '  map 0x4005_0000 to 0x4005_0000 normal_wb rw';

export const AT_CASES: SystemCase[] = [
  atCase({
    name: 'at-s1e1r-success',
    title: 'AT S1E1R of a mapped VA: PA, ATTR 0xff (MAIR_DEFAULT index 1), SH Inner, NS',
    el: 1,
    blocks: stage1Tree('  map 0x4005_0000 to 0x4006_0000 normal_wb rw'),
    instr: 'at    s1e1r, x1',
    x1: '0x4005_0123',
    par: '0xff00_0000_4006_0b80',
  }),
  atCase({
    name: 'at-s1e1r-device',
    title: 'AT S1E1R of a Device-nGnRE page: ATTR 0x04, SH reported Outer Shareable',
    el: 1,
    blocks: stage1Tree('  map 0x4005_0000 to 0x4005_0000 device_ngnre rw'),
    instr: 'at    s1e1r, x1',
    x1: '0x4005_0000',
    par: '0x0400_0000_4005_0b00',
  }),
  atCase({
    name: 'at-s1e1w-permission',
    title: 'AT S1E1W of a read-only page: fault form, FST permission level 3',
    el: 1,
    blocks: stage1Tree('  map 0x4005_0000 to 0x4005_0000 normal_wb ro'),
    instr: 'at    s1e1w, x1',
    x1: '0x4005_0000',
    par: '0x81f',
  }),
  atCase({
    name: 'at-s1e1r-translation',
    title: 'AT S1E1R of an unmapped VA: fault form, FST translation level 2',
    el: 1,
    blocks: stage1Tree(''),
    instr: 'at    s1e1r, x1',
    x1: '0x4020_0000',
    par: '0x80d',
  }),
  atCase({
    name: 'at-s1e0r-privileged-page',
    title: 'AT S1E0R at EL1 of a page EL0 may not access: fault form, FST permission level 3',
    el: 1,
    blocks: stage1Tree(DATA_PAGE),
    instr: 'at    s1e0r, x1',
    x1: '0x4005_0000',
    par: '0x81f',
  }),
  peCase({
    name: 'at-s1e1r-hcr-dc',
    title: 'HCR_EL2.DC=1 with the EL1 MMU off: AT S1E1R returns the VA as IPA with Normal Write-Back Non-shareable attributes',
    el: 1,
    blocks: `${VTCR_48}\n${stage2Tree(DATA_PAGE)}`,
    setup: `  hcr_el2 = (1 << 31) | (1 << 12) | 1    // RW, DC, VM\n  vtcr_el2 = VTCR\n  vttbr_el2 = 0x4002_0000\n  x1 = 0x4005_0040`,
    code: '    at    s1e1r, x1\n    isb\n    hlt   #0',
    expect: '  pe 0 par_el1 == 0xff00_0000_4005_0a00      // ATTR Normal WB RWA, NS, SH Non-shareable',
    focus: ['PAR_EL1'],
  }),
  atCase({
    name: 'at-s12e1r-success',
    title: 'AT S12E1R at EL2: stage 1 then stage 2, PA of stage 2 with the combined attributes (Normal NC: Outer Shareable)',
    el: 2,
    // Stage 2 maps the code and the stage-1 tables (0x4000_0000-0x4001_ffff) at their own addresses.
    blocks: `${stage1Tree(DATA_PAGE)}\n${stage2Tree('  map 0x4005_0000 to 0x4007_0000 normal_nc s2ap rw', '0x2_0000')}`,
    instr: 'at    s12e1r, x1',
    x1: '0x4005_0040',
    par: '0x4400_0000_4007_0b00',
    setup: STAGE2_ON,
  }),
  atCase({
    name: 'at-s12e1r-stage2-fault',
    title: 'AT S12E1R at EL2 where stage 2 does not map the output IPA: fault form with S=1, FST translation level 3',
    el: 2,
    blocks: `${stage1Tree(DATA_PAGE)}\n${stage2Tree('', '0x2_0000')}`,
    instr: 'at    s12e1r, x1',
    x1: '0x4005_0040',
    par: '0xa0f',
    setup: STAGE2_ON,
  }),
  atCase({
    name: 'at-s12e1r-s1-walk-fault',
    title: 'AT S12E1R at EL2 where stage 2 does not map the stage-1 tables: fault form with S=1, PTW=1, FST of the stage-2 lookup',
    el: 2,
    blocks: `${stage1Tree(DATA_PAGE)}\n${stage2Tree('')}`,
    instr: 'at    s12e1r, x1',
    x1: '0x4005_0040',
    par: '0xb0f',
    setup: STAGE2_ON,
    divergences: [qemuS1ptwLevel('PAR_EL1', 3)],
  }),
  peCase({
    name: 'at-s1e1r-s2-walk-fault',
    title: 'AT S1E1R at EL1 whose stage-1 walk faults at stage 2: a Data Abort to EL2 with CM=1, S1PTW=1 instead of a PAR_EL1 result',
    el: 1,
    // Pool layout: the code map takes level 1-3 tables at 0x4006_1000-0x4006_3000, the second map's
    // level 1 table is 0x4006_4000, which stage 2 does not map.
    blocks: `${TCR_48}\n${VTCR_48}
${stage1Tree('  map 0x80_0000_0000 to 0x4005_0000 normal_wb rw', { root: '0x4006_0000', pool: '0x4006_1000' })}
${stage2Tree('  map 0x4006_0000 size 0x4000 to 0x4006_0000 normal_wb s2ap rw pages')}`,
    setup: `${STAGE2_ON}\n${el1MmuOn('0x4006_0000')}\n  x1 = 0x80_0000_0000`,
    code: 'translate:\n    at    s1e1r, x1\n    hlt   #0',
    expect: `  pe 0 esr_el2 == 0x9200_01c7      // EC 0x24, CM, S1PTW, WnR, DFSC translation level 3 (of the stage-2 lookup)
  pe 0 hpfar_el2 == (0x4006_4000 >> 12) << 4
  pe 0 far_el2 == 0x80_0000_0000
  pe 0 elr_el2 == translate
  pe 0 par_el1 == 0`,
    focus: ['ESR_EL2', 'HPFAR_EL2', 'FAR_EL2'],
    divergences: [qemuS1ptwLevel('ESR_EL2', 3)],
  }),
  atCase({
    name: 'at-s1e2r-el2-regime',
    title: 'AT S1E2R at EL2 (E2H=0) of a VA the EL2 tables map Write-Through',
    el: 2,
    blocks: stage1Tree('  map 0x4005_0000 to 0x4008_0000 normal_wt rw', { regime: 'el2', root: '0x4003_0000', pool: '0x4003_1000', t0sz: 25 }),
    instr: 'at    s1e2r, x1',
    x1: '0x4005_0010',
    par: '0xaa00_0000_4008_0b80',
    setup: `  mair_el2 = MAIR_DEFAULT\n  tcr_el2 = ${TCR_SINGLE_REGIME}\n  ttbr0_el2 = 0x4003_0000\n  sctlr_el2 = 0x30c5_0831`,
    divergences: [PAR_ATTR_IMPLEMENTATION_CHOICE],
  }),
];
