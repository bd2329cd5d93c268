/**
 * Stage-1 and stage-2 faults (Arm ARM D8.15 "Translation fault", "Access flag
 * fault", "Permission fault"; syndromes D24.2 ESR_ELx "ISS encoding for an
 * exception from a Data Abort / Instruction Abort"): at each lookup level the
 * 4 KB granule has (0 to 3, with 48-bit inputs), for data accesses and
 * instruction fetches, taken to EL1, EL2 and EL3, with FAR_ELx and HPFAR_EL2.
 *
 * Tables come from `pagetable` blocks (built by the simulator into the initial
 * image; the same bytes are loaded into QEMU). The code page is identity mapped.
 */
import type { Divergence, SystemCase } from '../case';
import { STAGE2_ON, TCR_48, TCR_SINGLE_REGIME, VTCR_48, el1MmuOn, peCase, stage1Tree, stage2Tree } from './common';
import { QEMU_ISV_ON_STAGE1_EL2, qemuS1ptwLevel } from './divergences';

/** VAs (or IPAs) whose walk through a tree mapping only 0x4000_0000-0x4000_ffff ends at each level. */
const UNMAPPED_AT_LEVEL = ['0x80_0000_0000', '0x8000_0000', '0x4020_0000', '0x4002_0000'];

interface Fault {
  name: string;
  title: string;
  maps?: string;
  /** Value of X1 (the VA accessed). */
  x1: string;
  code: string;
  expect: string;
  focus: string[];
  el?: 0 | 1;
  divergences?: Divergence[];
}

/** EL1 (or EL0) with stage 1 on. */
function stage1Fault(f: Fault): SystemCase {
  return peCase({
    ...f,
    el: f.el ?? 1,
    blocks: `${TCR_48}\n${stage1Tree(f.maps ?? '', { codeAttrs: f.el === 0 ? ' el0' : '' })}`,
    setup: `${el1MmuOn()}\n  x1 = ${f.x1}\n  x2 = 0x1234`,
    code: `${f.code}\n    hlt   #0`,
  });
}

/** EL1 with stage 1 off (VA = IPA) and stage 2 on. */
function stage2Fault(f: Fault): SystemCase {
  return peCase({
    ...f,
    el: 1,
    blocks: `${VTCR_48}\n${stage2Tree(f.maps ?? '')}`,
    setup: `${STAGE2_ON}\n  x1 = ${f.x1}\n  x2 = 0x1234`,
    code: `${f.code}\n    hlt   #0`,
  });
}

const stage1Level = (level: number): SystemCase =>
  stage1Fault({
    name: `s1-translation-level${level}`,
    title: `Stage 1 translation fault at level ${level} (load at EL1)`,
    x1: UNMAPPED_AT_LEVEL[level],
    code: 'access:\n    ldr   x2, [x1]',
    expect: `  pe 0 esr_el1 == 0x9600_000${4 + level}      // EC 0x25, IL, DFSC translation level ${level}
  pe 0 far_el1 == ${UNMAPPED_AT_LEVEL[level]}
  pe 0 elr_el1 == access
  fault translation stage 1 level ${level} at el 1`,
    focus: ['ESR_EL1', 'FAR_EL1', 'ELR_EL1'],
  });

const stage2Level = (level: number): SystemCase =>
  stage2Fault({
    name: `s2-translation-level${level}`,
    title: `Stage 2 translation fault at level ${level} (load at EL1, stage 1 off)`,
    x1: UNMAPPED_AT_LEVEL[level],
    code: 'access:\n    ldr   x2, [x1]',
    expect: `  pe 0 esr_el2 == 0x93c2_800${4 + level}      // EC 0x24, IL, ISV: SAS 3, SRT 2, SF; DFSC translation level ${level}
  pe 0 far_el2 == ${UNMAPPED_AT_LEVEL[level]}
  pe 0 hpfar_el2 == (${UNMAPPED_AT_LEVEL[level]} >> 12) << 4
  pe 0 elr_el2 == access
  fault translation stage 2 level ${level} at el 1 to el 2`,
    focus: ['ESR_EL2', 'FAR_EL2', 'HPFAR_EL2'],
  });

/** EL2 (E2H=0) or EL3 with their own stage 1 on; `x1` unmapped. */
function singleRegimeFault(el: 2 | 3, code: string, x1: string, expect: string, divergences?: Divergence[]): SystemCase {
  return peCase({
    name: `s1-el${el}-translation`,
    title: `EL${el} regime: an access to an unmapped VA faults at EL${el}`,
    el,
    security: el === 3 ? 'secure' : 'nonsecure',
    blocks: stage1Tree('', { regime: `el${el}`, root: '0x4003_0000', pool: '0x4003_1000', t0sz: 25 }),
    setup: `  mair_el${el} = MAIR_DEFAULT\n  tcr_el${el} = ${TCR_SINGLE_REGIME}\n  ttbr0_el${el} = 0x4003_0000\n  x1 = ${x1}${el === 2 ? '\n  sctlr_el2 = 0x30c5_0831' : ''}`,
    code,
    expect,
    focus: [`ESR_EL${el}`, `FAR_EL${el}`, `ELR_EL${el}`],
    divergences,
  });
}

export const TRANSLATION_CASES: SystemCase[] = [
  ...[0, 1, 2, 3].map(stage1Level),
  stage1Fault({
    name: 's1-va-out-of-range',
    title: 'A VA above the 48-bit TTBR0 range: Translation fault, level 0',
    x1: '0x1_0000_0000_0000',
    code: '    ldr   x2, [x1]',
    expect: '  pe 0 esr_el1 == 0x9600_0004\n  pe 0 far_el1 == 0x1_0000_0000_0000',
    focus: ['ESR_EL1', 'FAR_EL1'],
  }),
  stage1Fault({
    name: 's1-instruction-abort',
    title: 'A branch to an unmapped VA: Instruction Abort, translation level 3',
    x1: '0x4002_0000',
    code: '    br    x1',
    expect: `  pe 0 esr_el1 == 0x8600_0007      // EC 0x21 (same EL), IFSC translation level 3
  pe 0 far_el1 == 0x4002_0000
  pe 0 elr_el1 == 0x4002_0000`,
    focus: ['ESR_EL1', 'FAR_EL1', 'ELR_EL1'],
  }),
  stage1Fault({
    name: 's1-permission-write',
    title: 'A store to a read-only page: Permission fault, level 3, WnR=1',
    maps: '  map 0x4005_0000 to 0x4005_0000 normal_wb ro',
    x1: '0x4005_0010',
    code: '    ldr   x3, [x1]\n    str   x2, [x1]',
    expect: '  pe 0 esr_el1 == 0x9600_004f      // WnR, DFSC permission level 3\n  pe 0 far_el1 == 0x4005_0010\n  pe 0 x3 == 0',
    focus: ['ESR_EL1', 'FAR_EL1'],
  }),
  stage1Fault({
    name: 's1-permission-block-level2',
    title: 'A store into a read-only 2 MB block: Permission fault, level 2',
    maps: '  map 0x4020_0000 size 0x20_0000 to 0x4020_0000 normal_wb ro',
    x1: '0x4030_0008',
    code: '    str   x2, [x1]',
    expect: '  pe 0 esr_el1 == 0x9600_004e\n  pe 0 far_el1 == 0x4030_0008',
    focus: ['ESR_EL1', 'FAR_EL1'],
  }),
  stage1Fault({
    name: 's1-access-flag',
    title: 'A load from a page with AF=0: Access flag fault, level 3',
    maps: '  map 0x4005_0000 to 0x4005_0000 normal_wb rw noaf',
    x1: '0x4005_0020',
    code: '    ldr   x2, [x1]',
    expect: '  pe 0 esr_el1 == 0x9600_000b\n  pe 0 far_el1 == 0x4005_0020',
    focus: ['ESR_EL1', 'FAR_EL1'],
  }),
  stage1Fault({
    name: 's1-el0-privileged-page',
    title: 'EL0 loads from a page only EL1 may access: Permission fault taken to EL1',
    el: 0,
    maps: '  map 0x4005_0000 to 0x4005_0000 normal_wb rw',
    x1: '0x4005_0000',
    code: '    ldr   x2, [x1]',
    expect: '  pe 0 esr_el1 == 0x9200_000f      // EC 0x24 (from a lower EL), permission level 3\n  pe 0 far_el1 == 0x4005_0000\n  pe 0 spsr_el1 == 0x3c0',
    focus: ['ESR_EL1', 'FAR_EL1', 'SPSR_EL1'],
  }),
  stage1Fault({
    name: 's1-el1-execute-never',
    title: 'A branch to a PXN page at EL1: Instruction Abort, permission level 3',
    maps: '  map 0x4005_0000 to 0x4005_0000 normal_wb rw xn',
    x1: '0x4005_0000',
    code: '    br    x1',
    expect: '  pe 0 esr_el1 == 0x8600_000f\n  pe 0 far_el1 == 0x4005_0000',
    focus: ['ESR_EL1', 'FAR_EL1'],
  }),
  ...[0, 1, 2, 3].map(stage2Level),
  peCase({
    name: 's2-fault-on-s1-walk',
    title: 'Stage 1 tables at an IPA stage 2 does not map: Instruction Abort to EL2 with S1PTW=1',
    el: 1,
    blocks: `${TCR_48}\n${VTCR_48}\n${stage1Tree('', { root: '0x4006_0000', pool: '0x4006_1000' })}\n${stage2Tree('')}`,
    // M=1: the first fetch walks stage 1, whose root stage 2 does not map.
    setup: `${STAGE2_ON}\n${el1MmuOn('0x4006_0000')}`,
    code: '    hlt   #0',
    expect: `  pe 0 esr_el2 == 0x8200_0087      // EC 0x20 from a lower EL, S1PTW, IFSC translation level 3 (of the stage-2 lookup)
  pe 0 far_el2 == start
  pe 0 hpfar_el2 == (0x4006_0000 >> 12) << 4`,
    focus: ['ESR_EL2', 'FAR_EL2', 'HPFAR_EL2'],
    divergences: [qemuS1ptwLevel('ESR_EL2', 3)],
  }),
  stage2Fault({
    name: 's2-permission-write',
    title: 'A store to an IPA stage 2 maps read-only: stage-2 Permission fault',
    maps: '  map 0x4005_0000 to 0x4005_0000 normal_wb s2ap ro',
    x1: '0x4005_0008',
    code: 'access:\n    ldr   x3, [x1]\n    str   x2, [x1]',
    expect: '  pe 0 esr_el2 == 0x93c2_804f      // EC 0x24, ISV (str x2: SAS 3, SRT 2, SF), WnR, DFSC permission level 3\n  pe 0 far_el2 == 0x4005_0008\n  pe 0 elr_el2 == access + 4',
    focus: ['ESR_EL2', 'FAR_EL2', 'HPFAR_EL2'],
  }),
  stage2Fault({
    name: 's2-access-flag',
    title: 'A load from an IPA whose stage-2 descriptor has AF=0: stage-2 Access flag fault',
    maps: '  map 0x4005_0000 to 0x4005_0000 normal_wb s2ap rw noaf',
    x1: '0x4005_0018',
    code: '    ldr   x2, [x1]',
    expect: '  pe 0 esr_el2 == 0x93c2_800b      // ISV (ldr x2), DFSC access flag level 3\n  pe 0 hpfar_el2 == (0x4005_0000 >> 12) << 4',
    focus: ['ESR_EL2', 'FAR_EL2', 'HPFAR_EL2'],
  }),
  stage2Fault({
    name: 's2-execute-never',
    title: 'A branch to an IPA stage 2 maps execute-never: Instruction Abort to EL2',
    maps: '  map 0x4005_0000 to 0x4005_0000 normal_wb s2ap rw xn',
    x1: '0x4005_0000',
    code: '    br    x1',
    expect: `  pe 0 esr_el2 == 0x8200_000f      // EC 0x20, IFSC permission level 3
  pe 0 far_el2 == 0x4005_0000
  pe 0 hpfar_el2 == (0x4005_0000 >> 12) << 4`,
    focus: ['ESR_EL2', 'FAR_EL2', 'HPFAR_EL2'],
  }),
  singleRegimeFault(
    2,
    'access:\n    ldr   x2, [x1]\n    hlt   #0',
    '0x4040_0000',
    '  pe 0 esr_el2 == 0x9600_0006      // translation level 2\n  pe 0 far_el2 == 0x4040_0000\n  pe 0 elr_el2 == access',
    [QEMU_ISV_ON_STAGE1_EL2],
  ),
  singleRegimeFault(
    3,
    `    ldr   x0, =0x30c5_0831         // SCTLR_EL3 with M: the MMU goes on in the case's code
    msr   sctlr_el3, x0
    isb
access:
    str   x2, [x1]
    hlt   #0`,
    '0x4001_0000',
    '  pe 0 esr_el3 == 0x9600_0047      // WnR, translation level 3\n  pe 0 far_el3 == 0x4001_0000\n  pe 0 elr_el3 == access',
  ),
];
