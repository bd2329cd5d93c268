/**
 * Small scenarios for the explorer's tests: two or three PEs at EL1 running a
 * few loads, stores, cache maintenance and barriers on two shared lines, with
 * the MMU on (Normal write-back, so speculative fills and evictions are
 * choices) or off, the cache model on or off. `randomScenario` is the
 * fast-check arbitrary the reduction is checked over.
 */
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import type { ScenarioModel } from '../../simulator/scenario/model';

/** One instruction of a generated program (x10 = &a, x11 = &b, x5 = the PE's own value). */
export const OPS = [
  'str x5, [x10]',
  'str x5, [x11]',
  'ldr x2, [x10]',
  'ldr x3, [x11]',
  'dc civac, x10',
  'dsb sy',
  'add x5, x5, #1',
] as const;

export interface ScenarioSpec {
  programs: string[][];
  cacheModel: boolean;
  mmu: boolean;
  fills: number;
  evictions: number;
  /** A window event (an agent's write), or none. */
  event?: string;
  /** `mapped_fills`: fills of lines the PE did not access itself, per execution (default: the explore block's default). */
  mappedFills?: number;
}

/** Window events the generator may add: an agent outside the PEs writes a shared location. */
export const EVENTS = ['event anytime do write b = 0x7', 'event between step 3 and 9 do write a = 0x9', 'event after pe 0 reaches p0 before pe 1 reaches p1_end do write b = 0x8'] as const;

const MAIR = '0xff';
const TCR = '0x80_3520';
const SCTLR_ON = '0x30d0_1805';
const BLOCK_NORMAL_ISH = '0x8000_0701';

/** The scenario text of a spec. */
export function scenarioText(s: ScenarioSpec): string {
  const pes = s.programs.length;
  const out: string[] = [];
  out.push('scenario "explore test"');
  out.push('system {', `  pes ${pes}`, '  memory ram at 0x8000_0000 size 0x10_0000', `  cache_model ${s.cacheModel ? 'on' : 'off'}`, '  max_steps 1000', '}');
  out.push('explore {', `  speculative_fills ${s.fills}`, `  evictions ${s.evictions}`, ...(s.mappedFills !== undefined ? [`  mapped_fills ${s.mappedFills}`] : []), '}');
  s.programs.forEach((_, i) => {
    out.push(`pe ${i} {`, '  el 1', `  entry p${i}`);
    if (s.mmu) out.push(`  mair_el1 = ${MAIR}`, `  tcr_el1 = ${TCR}`, '  ttbr0_el1 = tables', `  sctlr_el1 = ${SCTLR_ON}`);
    out.push('}');
  });
  out.push('code at 0x8000_0000 {');
  s.programs.forEach((prog, i) => {
    out.push(`p${i}:`, '    adr x10, a', '    adr x11, b', `    mov x5, #${i + 1}`);
    for (const op of prog) out.push(`    ${op}`);
    out.push(`p${i}_end:`, '    hlt #0');
  });
  out.push('}');
  out.push('data at 0x8000_1000 {', 'tables:', `    .quad 0, 0, ${BLOCK_NORMAL_ISH}, 0`, '}');
  out.push('data at 0x8000_2000 {', 'a:', '    .quad 0', '}');
  out.push('data at 0x8000_2040 {', 'b:', '    .quad 0', '}');
  if (s.event !== undefined) out.push(s.event);
  out.push('expect {');
  s.programs.forEach((_, i) => out.push(`  pe ${i} x2 == 0`, `  pe ${i} x3 == 0`));
  out.push('  mem[a] == 0', '  mem[b] == 0', '}');
  return out.join('\n') + '\n';
}

/** Parse a spec; throws when the scenario has errors (a bug of the generator). */
export function scenarioModel(s: ScenarioSpec | string, file = 'explore-test.armscope'): ScenarioModel {
  const text = typeof s === 'string' ? s : scenarioText(s);
  const model = parseScenario(text, file);
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`generated scenario has errors: ${errors.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}\n${text}`);
  return model;
}

/** Random specs: `pes` PEs, up to `maxOps` operations each. */
export function randomScenario(pes: number, maxOps: number, caches: boolean): fc.Arbitrary<ScenarioSpec> {
  return fc.record({
    programs: fc.array(fc.array(fc.constantFrom(...OPS), { minLength: 1, maxLength: maxOps }), { minLength: pes, maxLength: pes }),
    cacheModel: fc.constant(caches),
    mmu: caches ? fc.boolean() : fc.constant(false),
    fills: caches ? fc.integer({ min: 0, max: 1 }) : fc.constant(0),
    evictions: caches ? fc.integer({ min: 0, max: 1 }) : fc.constant(0),
    event: fc.option(fc.constantFrom(...EVENTS), { nil: undefined, freq: 3 }),
  });
}

/** Four PEs, each storing `n` times to its own line (cache model off): (2n+4)^4 states, (4n+12)!/((n+3)!^4) naive interleavings (bench/explore.ts; 20,736 states for 4). */
export function fourPeText(n: number): string {
  const out = ['scenario "four independent PEs"', 'system {', '  pes 4', '  memory ram at 0x8000_0000 size 0x10_0000', '  max_steps 10000', '}'];
  for (let i = 0; i < 4; i++) out.push(`pe ${i} {`, '  el 1', `  entry p${i}`, '}');
  out.push('code at 0x8000_0000 {');
  for (let i = 0; i < 4; i++) {
    out.push(`p${i}:`, `    adr x10, d${i}`, `    mov x5, #${i + 1}`);
    for (let k = 0; k < n; k++) out.push('    str x5, [x10]', '    add x5, x5, #4');
    out.push('    hlt #0');
  }
  out.push('}');
  for (let i = 0; i < 4; i++) out.push(`data at ${0x8000_2000 + i * 0x40} {`, `d${i}:`, '    .quad 0', '}');
  out.push('expect {', '  mem[d0] != 0', '}');
  return out.join('\n') + '\n';
}
