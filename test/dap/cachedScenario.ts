/**
 * A scenario with many cached lines, for the debugger's scale tests and
 * bench (issue #12 item 4): `pes` PEs at EL1 with stage 1 and stage 2
 * translation (4 KB pages, so the tables are deep and wide), each writing
 * `linesPerPe` consecutive cache lines of its own buffer; the L1s hold them all.
 */
import { MAX_CACHE_BYTES } from '../../simulator/scenario/limits';

export function cachedLinesScenario(pes: number, linesPerPe: number): string {
  // Twice the buffer: the table walks' descriptor lines fit beside it, nothing is evicted — up to
  // the cache model's largest cache (MAX_CACHE_BYTES, 1 MiB: docs/limits.md): past it the lines a walk brings in push
  // buffer lines down to the L2, where the copies stay.
  const l1 = Math.min(MAX_CACHE_BYTES, Math.max(0x1000, 2 ** Math.ceil(Math.log2(linesPerPe * 64)) * 2));
  const l2 = Math.min(MAX_CACHE_BYTES, Math.max(0x4000, l1 * 4));
  const peBlocks = Array.from(
    { length: pes },
    (_, i) => `pe ${i} {
  el 1
  entry start
  x10 = ${0x8010_0000 + i * 0x10_0000}
  x0 = ${linesPerPe}
  hcr_el2 = 0x8000_0001                 // RW, VM: stage 2 on
  vttbr_el2 = 0x80a0_0000
  vtcr_el2 = 0x8000_3560                // T0SZ=32, SL0=1, Normal WB Inner Shareable walks, 4 KB
  mair_el1 = MAIR_DEFAULT
  tcr_el1 = 0x80_3519                   // T0SZ=25, Normal WB Inner Shareable walks, 4 KB, EPD1
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = 0x30d0_1805               // M, C, I
}`,
  ).join('\n');
  return `scenario "${pes} PEs × ${linesPerPe} cached lines, stage 1 + 2"
system {
  pes ${pes}
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model on
  max_steps ${pes * linesPerPe * 3 + 1000}
}
caches { l1d size ${l1} ways 16; l2 size ${l2} ways 16 }
pagetable s1 stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x40_0000 to 0x8000_0000 normal_wb ish rw x pages
}
pagetable s2 stage 2 at 0x80a0_0000 t0sz 32 sl0 1 pool 0x80a1_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x100_0000 to 0x8000_0000 normal_wb ish s2ap rw pages
}
${peBlocks}
code at 0x8000_0000 {
start:
    str   x0, [x10], #64
    subs  x0, x0, #1
    b.ne  start
done:
    hlt   #0
}
`;
}
