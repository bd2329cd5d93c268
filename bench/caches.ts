/**
 * Cache-hierarchy workloads for `npm run bench` (bench/run.ts adds them to
 * its WORKLOADS): caches and stage-1 translation on, 1 and 4 PEs. The 4-PE
 * loop shares one line that every PE writes each iteration, so the line
 * moves between the L1s (snoop, M→O→I) all the time: the coherence path, not
 * just L1 hits.
 */
import type { MachineOptions } from '../simulator/engine/machine';

export interface CacheWorkload {
  name: string;
  text: string;
  options?: MachineOptions;
}

/** Loop body: 9 instructions; a private line read-modify-write and a shared line read and written. */
const BODY = `
loop:
    add   x1, x1, #1
    ldr   x3, [x10]
    add   x3, x3, x1
    str   x3, [x10]
    ldr   x4, [x11]
    add   x4, x4, #1
    str   x4, [x11, x12]
    subs  x0, x0, #1
    b.ne  loop
`;
export const CACHE_INSTRS_PER_ITERATION = 9;

function scenario(pes: number, iterations: number, mmu: boolean): string {
  const regs = mmu
    ? `  mair_el1 = 0xff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = tables
  sctlr_el1 = 0x30d0_1805
`
    : '';
  const peBlocks = Array.from(
    { length: pes },
    (_, i) => `pe ${i} {
  el 1
  entry start
  x0 = ${iterations}
  x10 = ${0x8010_0000 + i * 0x1000}
  x11 = 0x8020_0000
  x12 = ${i * 8}
${regs}}
`,
  ).join('\n');
  return `scenario "bench: caches, ${pes} PE(s)"
system {
  pes ${pes}
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model on
  max_steps ${iterations * CACHE_INSTRS_PER_ITERATION * pes + 1000}
}
${peBlocks}
code at 0x8000_0000 {
start:
${BODY}
    hlt   #0
}
data at 0x8000_8000 {
tables:
    .quad 0, 0, 0x8000_0701, 0      // level 1: 0x8000_0000 → identity 1 GB block, Normal WB Inner Shareable
}
`;
}

/** Workloads for bench/run.ts: `iterations` loop iterations in total (split between the PEs). */
export function cacheWorkloads(iterations = 2_000_000): CacheWorkload[] {
  return [
    { name: 'loop, 1 PE, cache_model on, MMU on', text: scenario(1, iterations, true) },
    { name: 'loop, 4 PEs sharing a line, cache_model on, MMU on', text: scenario(4, Math.floor(iterations / 4), true) },
  ];
}
