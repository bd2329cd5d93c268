/**
 * TLB maintenance (Arm ARM D8.13 "TLB maintenance instructions", D8.16
 * "Translation Lookaside Buffers"): a translation used once is cached; after
 * its descriptor is rewritten the PE may keep using the old translation until a
 * TLBI that covers it completes (DSB) and an ISB follows. Both the simulator
 * and QEMU keep the entry until then (the architecture permits, but does not
 * require, the stale use), and drop it after a TLBI of that VA, of everything,
 * or of its ASID; a TLBI of another page leaves it.
 *
 * The level-3 descriptors are found from the `pagetable` pool layout
 * (docs/language.md "Page tables"): the level-3 table of the first map is the
 * third pool table. VA/IPA 0x4005_0000 maps to 0x4006_0000 (holding 0x1111);
 * the case rewrites its descriptor to 0x4007_0000 (holding 0x2222).
 */
import type { SystemCase } from '../case';
import { STAGE2_ON, TCR_48, VTCR_48, el1MmuOn, peCase, stage1Tree, stage2Tree } from './common';

const DATA = `
data at 0x4006_0000 {
    .quad 0x1111
}

data at 0x4007_0000 {
    .quad 0x2222
}
`;

/** Move the descriptor at [x3]'s output address 0x4006_0000 to 0x4007_0000 (x4, x8 scratch). */
const REWRITE = `    ldr   x4, [x3]
    mov   x8, #0x1_0000
    add   x4, x4, x8
    str   x4, [x3]
    dsb   ish`;

function stage1Tlbi(name: string, title: string, tlbi: string, x7: string, asid = false): SystemCase {
  return peCase({
    name,
    title,
    el: 1,
    blocks: `${TCR_48}
const L3_DESCRIPTOR = 0x4001_3000 + (0x4005_0000 >> 12 & 0x1ff) * 8
${stage1Tree(`  map 0x4001_3000 to 0x4001_3000 normal_wb rw xn      // the level-3 table, so EL1 can rewrite it
  map 0x4005_0000 to 0x4006_0000 normal_wb rw xn${asid ? ' ng' : ''}`)}`,
    setup: asid ? el1MmuOn('0x4001_0000 | (5 << 48)         // ASID 5') : el1MmuOn(),
    code: `    ldr   x1, =0x4005_0000
    ldr   x2, [x1]                 // 0x1111 through the old mapping, now in the TLB
    ldr   x3, =L3_DESCRIPTOR
${REWRITE}
    isb
    ldr   x5, [x1]                 // the old translation is still cached
    ${tlbi}
    dsb   ish
    isb
    ldr   x7, [x1]
    hlt   #0`,
    after: DATA,
    expect: `  pe 0 x2 == 0x1111\n  pe 0 x5 == 0x1111\n  pe 0 x7 == ${x7}`,
    focus: ['x2', 'x5', 'x7'],
  });
}

export const TLBI_CASES: SystemCase[] = [
  stage1Tlbi('tlbi-vae1', 'A stale stage-1 entry is used until TLBI VAE1 of its page, DSB, ISB', 'lsr   x6, x1, #12\n    tlbi  vae1, x6', '0x2222'),
  stage1Tlbi('tlbi-vae1-other-page', 'TLBI VAE1 of another page leaves the stale entry in use', 'ldr   x6, =0x4000_4000 >> 12\n    tlbi  vae1, x6', '0x1111'),
  stage1Tlbi('tlbi-vmalle1', 'TLBI VMALLE1 removes the stale entry', 'tlbi  vmalle1', '0x2222'),
  stage1Tlbi('tlbi-vale1', 'TLBI VALE1 (last level) of the page removes the stale leaf entry', 'lsr   x6, x1, #12\n    tlbi  vale1, x6', '0x2222'),
  stage1Tlbi(
    'tlbi-aside1',
    'TLBI ASIDE1 of the ASID a non-global entry was cached with removes it',
    'mov   x6, #5\n    lsl   x6, x6, #48\n    tlbi  aside1, x6',
    '0x2222',
    true,
  ),
  peCase({
    name: 'tlbi-ipas2e1',
    title: 'A stale stage-2 entry is used until TLBI IPAS2E1 + TLBI VMALLE1 at EL2',
    el: 1,
    blocks: `${VTCR_48}\n${stage2Tree('  map 0x4005_0000 to 0x4006_0000 normal_wb s2ap rw xn')}`,
    setup: `${STAGE2_ON}
  x10 = 0
  x11 = 0x4005_0000 >> 12          // IPA[47:12] for TLBI IPAS2E1
  x3 = 0x4002_3000 + (0x4005_0000 >> 12 & 0x1ff) * 8   // the stage-2 level-3 descriptor`,
    code: `    ldr   x1, =0x4005_0000         // stage 1 off: IPA = VA
    ldr   x2, [x1]                 // 0x1111 through the old stage-2 mapping
    hvc   #0                       // EL2 rewrites the stage-2 descriptor, no TLBI
    ldr   x5, [x1]                 // the old translation is still cached
    hvc   #1                       // EL2: TLBI IPAS2E1, DSB, TLBI VMALLE1, DSB
    ldr   x7, [x1]
    hlt   #0`,
    after: `
code el2_vectors at 0x4000_9000 el 2 {
    .zero 0x400
lower_sync:                        // +0x400: HVC from EL1
    cbnz  x10, 1f
${REWRITE}
    mov   x10, #1
    eret
1:  tlbi  ipas2e1, x11
    dsb   ish
    tlbi  vmalle1
    dsb   ish
    isb
    eret
}
${DATA}`,
    expect: '  pe 0 x2 == 0x1111\n  pe 0 x5 == 0x1111\n  pe 0 x7 == 0x2222',
    focus: ['x2', 'x5', 'x7'],
  }),
];
