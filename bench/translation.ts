/**
 * Translation benchmarks: simulated instructions per CPU second with the
 * MMU on, through the real parser (`pagetable` blocks) and Machine.
 *
 *   - loop, stage 1 on: the run.ts loop at EL1 with 4 KB pages, caches on —
 *     the target workload (≥ 5M instr/s with caches and translation on);
 *   - page stride, stage 1 + stage 2: every load/store touches a new page of a
 *     4 MB buffer (1,024 pages: they fit the 4,096-slot micro-TLB, so after the first sweep translations mostly hit; every access still misses both cache levels);
 *     in the second variant a `tlbi vmalle1; dsb ish; isb` after each sweep makes every page walk again
 *     (stage-1 walk with each table access translated at stage 2, then the final
 *     stage-2 lookup), walks reading through the caches.
 *
 * `bench/run.ts` calls `runTranslationBench()`; `node out/bench/translation.js`
 * runs it alone.
 */
import { Machine } from '../simulator/engine/machine';
import { parseScenario } from '../simulator';
import { applyPageTables } from '../simulator/mmu/pagetable/block';
import { cpuTimed, warmUp } from './warm';

export interface TranslationBenchResult {
  name: string;
  steps: number;
  seconds: number;
  rate: number;
  /** Walks per 1,000 instructions (descriptor reads / 3 is roughly one stage-1 walk). */
  walkReadsPerKiloInstr: number;
}

const MAIR_DEFAULT = '0x000C_08BB_0444_FF00';
/** TCR_EL1: T0SZ=25, IRGN0=ORGN0=WB-WA, SH0=Inner, TG0=4K, EPD1=1, IPS=48 bits. */
const TCR_EL1 = '0x5_0080_3519';
/** SCTLR_EL1: reset RES1 value | M | C | I. */
const SCTLR_EL1 = '0x30d5_1805';

export function loopScenario(iterations: number): string {
  return `scenario "bench: loop with stage 1 on"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model on
  max_steps ${iterations * 7 + 1000}
}
pagetable s1 stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw x pages
}
pe 0 {
  el 1
  entry start
  mair_el1 = ${MAIR_DEFAULT}
  tcr_el1 = ${TCR_EL1}
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = ${SCTLR_EL1}
  x0 = ${iterations}
  x10 = 0x8000_8000
}
code at 0x8000_0000 {
start:
loop:
    add   x1, x1, #1
    eor   x2, x2, x1
    ldr   x3, [x10]
    add   x3, x3, x2
    str   x3, [x10]
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
}
`;
}

const PAGES = 1024;
const STRIDE_INSTRS = PAGES * 6 + 5;

/**
 * A one-PE scenario at EL1 with caches, stage 1 (4 KB pages; the code identity-mapped at
 * 0x8000_0000, `dataSize` bytes of data at VA 0x4000_0000 → PA 0x8100_0000) and stage 2 on,
 * running `code` (which starts at `start:`) with the registers `regs` set.
 */
export function stage12Scenario(name: string, maxSteps: number, dataSize: string, regs: Record<string, string | number>, code: string): string {
  const init = Object.entries(regs)
    .map(([r, v]) => `  ${r} = ${v}\n`)
    .join('');
  return `scenario "bench: ${name}"
system {
  pes 1
  memory ram at 0x8000_0000 size 0x200_0000
  cache_model on
  max_steps ${maxSteps}
}
pagetable s1 stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw x pages
  map 0x4000_0000 size ${dataSize} to 0x8100_0000 normal_wb ish rw xn pages
}
pagetable s2 stage 2 at 0x80a0_0000 t0sz 32 sl0 1 pool 0x80a1_0000 size 0x1_0000 {
  map 0x8000_0000 size 0x200_0000 to 0x8000_0000 normal_wb ish rw x
}
pe 0 {
  el 1
  entry start
  hcr_el2 = 0x8000_0001
  vtcr_el2 = 0x8005_3560
  vttbr_el2 = 0x0001_0000_80a0_0000
  mair_el1 = ${MAIR_DEFAULT}
  tcr_el1 = ${TCR_EL1}
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = ${SCTLR_EL1}
${init}}
code at 0x8000_0000 {
start:
${code}}
`;
}

export function strideScenario(sweeps: number, tlbi = true): string {
  return stage12Scenario(
    'page stride with stage 1 + stage 2 and TLB misses',
    sweeps * STRIDE_INSTRS + 1000,
    '0x40_0000',
    { x0: sweeps, x11: '0x4000_0000' },
    `outer:
    mov   x5, #${PAGES}
    mov   x6, x11
inner:
    ldr   x3, [x6]
    add   x3, x3, #1
    str   x3, [x6]
    add   x6, x6, #4096
    subs  x5, x5, #1
    b.ne  inner
${tlbi ? '    tlbi  vmalle1\n    dsb   ish\n    isb\n' : ''}    subs  x0, x0, #1
    b.ne  outer
    hlt   #0
`,
  );
}

function measure(name: string, text: string, repeats = 3): TranslationBenchResult {
  const model = parseScenario(text, `${name}.armscope`);
  applyPageTables(model);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${name}: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  warmUp(() => Machine.create(model, { maxSteps: 1_000_000 }).run());
  let best: TranslationBenchResult | undefined;
  for (let i = 0; i < repeats; i++) {
    const m = Machine.create(model);
    let walkReads = 0;
    // Count walk reads beside the machine's own subscribers (the checkers).
    m.hooks.mmu.walkStep.subscribe(() => walkReads++);
    const { seconds } = cpuTimed(() => m.run());
    if (m.stopInfo?.kind !== 'halted') throw new Error(`${name}: did not finish (${m.stopInfo?.reason})`);
    const r = { name, steps: m.steps, seconds, rate: m.steps / seconds, walkReadsPerKiloInstr: (walkReads * 1000) / m.steps };
    if (!best || r.rate > best.rate) best = r;
  }
  return best!;
}

/** The translation workloads (bench/sideBySide.ts runs them in the old tree too). */
export function translationWorkloads(): { name: string; text: string }[] {
  return [
    { name: 'loop, 1 PE, cache_model on, stage 1 on (4 KB pages)', text: loopScenario(1_500_000) },
    { name: 'page stride, 1 PE, cache_model on, stage 1+2, no TLBI (TLB hits)', text: strideScenario(300, false) },
    { name: 'page stride, 1 PE, cache_model on, stage 1+2, TLBI per sweep', text: strideScenario(150) },
  ];
}

export function runTranslationBench(): TranslationBenchResult[] {
  return translationWorkloads().map((w) => measure(w.name, w.text));
}

if (require.main === module) {
  for (const r of runTranslationBench()) {
    console.log(
      `  ${r.name.padEnd(64)} ${(r.rate / 1e6).toFixed(1).padStart(6)}M instr/s  (${r.steps.toLocaleString('en')} steps in ${r.seconds.toFixed(3)} s CPU, ${r.walkReadsPerKiloInstr.toFixed(1)} descriptor reads / 1k instr)`,
    );
  }
}
