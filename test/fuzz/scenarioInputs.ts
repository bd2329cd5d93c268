/**
 * Hostile scenario texts (issue #10), shared by the fuzz tests in `npm test`
 * (test/fuzz/scenario.test.ts, fixed seeds, a few seconds) and the long
 * campaign of `npm run fuzz` (scenario.campaign.ts): huge and boundary numbers
 * in every numeric slot of every block, blocks repeated thousands of times,
 * extreme cache and table geometry, and random edits of the example scenarios.
 *
 * `checkScenarioText` is the oracle: parsing and building never throw, never
 * report an internal error, keep at most the diagnostics cap, and a short run
 * of an error-free scenario stays within its budget and record caps.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import { RECORDS_KEPT_FIRST, RECORDS_KEPT_LAST } from '../../simulator/engine/bounds';
import { InitError } from '../../simulator/engine/init';
import { prepareModel } from '../../simulator/engine/prepare';
import { runScenario } from '../../simulator/engine/run';
import { MAX_DIAGNOSTICS, MAX_SCENARIO_LINES } from '../../simulator/scenario/limits';

/** Numbers a hostile file would use: far beyond every field, at every boundary, and malformed. */
export const hugeNumber: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 20, max: 400 }).map((n) => '9'.repeat(n)),
  fc.integer({ min: 17, max: 300 }).map((n) => `0x${'f'.repeat(n)}`),
  fc.integer({ min: 65, max: 300 }).map((n) => `0b${'1'.repeat(n)}`),
  fc.constantFrom('1e308', '1e5', 'Infinity', 'NaN', '-0', '0x', '0x_', '1__0', '(1<<128)', '(1<<64)*(1<<64)', '-(1<<127)', '~0', '1<<200', '((((((((1))))))))'),
);

const BOUNDARIES = [0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 65, 255, 256, 1019, 1020, 4095, 4096, 0xffff, 0x1_0000, 2 ** 24, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 48, 2 ** 52, 2 ** 53, 2 ** 53 + 2];
const BIG_BOUNDARIES = [2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, 100_000_000n, 100_000_001n, 9_007_199_254_740_991n];

/** Any number: small, at a boundary, negative, or huge. */
export const anyNumber: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 64 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom(...BOUNDARIES).map((v) => `0x${v.toString(16)}`) },
  { weight: 1, arbitrary: fc.constantFrom(...BIG_BOUNDARIES).map((v) => `0x${v.toString(16)}`) },
  { weight: 1, arbitrary: fc.integer({ min: -70000, max: -1 }).map(String) },
  { weight: 2, arbitrary: hugeNumber },
);

/** One block or statement with numeric holes, in every block the language has. */
export const templateBlock: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(anyNumber).map(([n]) => `system { pes ${n} }`),
  fc.tuple(anyNumber).map(([n]) => `system { clusters ${n} }`),
  fc.tuple(anyNumber, anyNumber, anyNumber).map(([c, a, b]) => `system { cluster ${c} pes ${a}-${b} }`),
  fc.tuple(anyNumber).map(([n]) => `system { max_steps ${n} }`),
  fc.tuple(anyNumber).map(([n]) => `system { seed ${n} }`),
  fc.tuple(anyNumber, anyNumber).map(([a, s]) => `system { memory r at ${a} size ${s} }`),
  fc.tuple(anyNumber, anyNumber, anyNumber).map(([a, s, i]) => `system { device u uart at ${a} size ${s} irq ${i} }`),
  fc.tuple(fc.constantFrom('l1d', 'l2', 'system_cache'), anyNumber, anyNumber).map(([c, s, w]) => `caches { ${c} size ${s} ways ${w} }`),
  fc.tuple(anyNumber, anyNumber).map(([a, b]) => `caches { inner_domain ${a}-${b} }`),
  fc.tuple(anyNumber, anyNumber, anyNumber, anyNumber).map(([a, n, u, v]) => `code at ${a} { .fill ${n}, ${u}, ${v} }`),
  fc.tuple(anyNumber, fc.constantFrom('.zero', '.space', '.skip', '.align', '.balign', '.p2align', '.quad', '.word', '.byte'), anyNumber).map(([a, d, n]) => `code at ${a} { ${d} ${n} }`),
  fc.tuple(anyNumber, anyNumber).map(([a, n]) => `code at ${a} { start: ldr x0, =${n}\n mov x1, #${n}\n .equ E, ${n}\n hlt #0 }`),
  fc
    .tuple(fc.constantFrom('1', '2', '3'), anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, fc.boolean())
    .map(([st, at, tsz, sl0, pool, psize, ia, size, oa, pages]) => `pagetable t stage ${st} at ${at} t0sz ${tsz} sl0 ${sl0} pool ${pool} size ${psize} {\n  map ${ia} size ${size} to ${oa} normal_wb ish${pages ? ' pages' : ''}\n}`),
  fc
    .tuple(anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber)
    .map(([at, s, r, pa, pn, f, h, t]) => `ffa_descriptor d at ${at} { sender ${s}; receiver ${r} rw nx; pages ${pa} ${pn}; flags ${f}; handle ${h}; tag ${t}; attributes ${s} }`),
  fc.tuple(anyNumber, anyNumber, anyNumber).map(([i, p, t]) => `gic { interrupt ${i} group 1ns priority ${p} target pe ${t} enabled }`),
  fc.tuple(anyNumber, anyNumber, anyNumber, anyNumber).map(([id, el, m, s]) => `partition p { id ${id}; el ${el}; entry start; memory ${m} size ${s} }`),
  fc.tuple(anyNumber, anyNumber).map(([a, s]) => `spmc { tables ${a} size ${s} }`),
  fc.tuple(anyNumber, anyNumber, anyNumber, anyNumber).map(([p, el, x, v]) => `pe ${p} { el ${el}; entry start; x0 = ${x}; sctlr_el1 = ${v}; vbar_el1 = ${v} }`),
  fc.tuple(anyNumber, anyNumber).map(([a, b]) => `pe ${a}-${b} { el 1 }`),
  fc.tuple(anyNumber, anyNumber, anyNumber).map(([s, i, p]) => `event when step ${s} do irq ${i} pe ${p}`),
  fc.tuple(anyNumber, anyNumber, anyNumber, fc.constantFrom('1', '2', '4', '8')).map(([s, a, v, z]) => `event every when step ${s} do write ${a} = ${v} size ${z}`),
  fc.tuple(anyNumber, anyNumber).map(([a, v]) => `expect { mem[${a}] == ${v}; pe 0 x1 == ${v}; fault translation stage 2 level ${v} at el ${v} }`),
  fc.tuple(anyNumber).map(([n]) => `const C = ${n}`),
);

/** The example scenarios (valid starting points for edits). */
export function exampleScenarios(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.armscope')) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(join(root, 'examples'));
  return out;
}

/** Text an edit inserts: language fragments, huge numbers, punctuation runs. */
const fragment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '}', '\n', ',', ':', '[', ']', '(', ')', '"', '//', '/*', '*/', '#', '=', 'pes 64', 'cluster 63 pes 0-63', '.fill 16777216, 1, 0', 'pages', 'code at 0x8000_0000 { nop }'),
  hugeNumber,
  fc.tuple(fc.constantFrom(',', '(', '[', '{', '-', '~'), fc.integer({ min: 10, max: 5000 })).map(([c, n]) => c.repeat(n)),
  fc.string({ maxLength: 12 }),
);

export interface ScenarioInputSizes {
  /** Most copies of a repeated block (the line limit is 20,000). */
  maxRepeat: number;
  /** Most blocks in a generated file. */
  maxBlocks: number;
}

/** A whole hostile file: blocks from the templates, some repeated many times, or an example with edits and duplications. */
export function scenarioText(examples: readonly string[], sizes: ScenarioInputSizes): fc.Arbitrary<string> {
  const repeated = fc.tuple(templateBlock, fc.integer({ min: 2, max: sizes.maxRepeat })).map(([b, n]) => Array(n).fill(b).join('\n'));
  const blocks = fc.array(fc.oneof({ weight: 4, arbitrary: templateBlock }, { weight: 1, arbitrary: repeated }), { minLength: 1, maxLength: sizes.maxBlocks }).map((bs) => bs.join('\n'));
  if (examples.length === 0) return blocks;
  const edited = fc
    .tuple(
      fc.nat(examples.length - 1),
      fc.array(
        fc.record({
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          remove: fc.nat(40),
          insert: fragment,
          // Duplicate a slice of the text this many times (repeated blocks, half-blocks).
          copies: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: sizes.maxRepeat }) }),
          span: fc.integer({ min: 1, max: 400 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    )
    .map(([k, edits]) => {
      let text = examples[k];
      for (const e of edits) {
        const i = Math.floor(e.at * text.length);
        const insert = e.copies > 0 ? text.slice(i, i + e.span).repeat(e.copies) : e.insert;
        text = text.slice(0, i) + insert + text.slice(i + e.remove);
        // Keep generated files within the documented limits most of the time; the limits themselves are tested too.
        if (text.length > 3_000_000) text = text.slice(0, 3_000_000);
      }
      return text;
    });
  return fc.oneof({ weight: 2, arbitrary: blocks }, { weight: 2, arbitrary: edited }, { weight: 1, arbitrary: fc.string({ maxLength: 2000, unit: 'binary' }) });
}

/** What a run of an error-free fuzzed scenario may take (steps), so the oracle stays fast. */
export const FUZZ_RUN_STEPS = 2_000;

/**
 * The oracle: undefined when the text was handled as the limits promise,
 * else what went wrong (a crash). Hangs are the caller's business (a hang
 * guard or a worker with a watchdog).
 */
export function checkScenarioText(text: string, run = true): string | undefined {
  let model;
  try {
    model = prepareModel(parseScenario(text, 'fuzz.armscope'));
  } catch (e) {
    return `parse threw: ${describe(e)}`;
  }
  const internal = model.diagnostics.find((d) => d.rule === 'internal-error');
  if (internal) return `internal error diagnostic at ${internal.range.start.line + 1}:${internal.range.start.col + 1}: ${internal.message}`;
  if (model.diagnostics.length > MAX_DIAGNOSTICS + 1) return `${model.diagnostics.length} diagnostics (the cap is ${MAX_DIAGNOSTICS} + 1)`;
  for (const d of model.diagnostics) {
    if (d.message.length > 2000) return `a ${d.message.length}-character message: ${d.message.slice(0, 80)}…`;
    if (d.range.start.line > MAX_SCENARIO_LINES || d.range.start.line < 0) return `diagnostic outside the text: ${JSON.stringify(d.range)}`;
  }
  if (!run || model.diagnostics.some((d) => d.severity === 'error')) return undefined;
  try {
    const r = runScenario(model, { maxSteps: FUZZ_RUN_STEPS });
    // A step can fire an event besides a PE step; the budget is checked between steps.
    if (r.steps > FUZZ_RUN_STEPS + 2) return `run took ${r.steps} steps with a budget of ${FUZZ_RUN_STEPS}`;
    for (const k of ['exceptions', 'faults', 'findings'] as const) {
      if (r[k].length >= RECORDS_KEPT_FIRST + 2 * RECORDS_KEPT_LAST) return `run kept ${r[k].length} ${k}`;
    }
  } catch (e) {
    // Initial register values the parser accepts but the machine cannot apply are a one-line user error (cli/commands.ts).
    if (e instanceof InitError) return undefined;
    return `run threw: ${describe(e)}`;
  }
  return undefined;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0].slice(0, 300)}${e.stack ? ` @ ${e.stack.split('\n')[1]?.trim() ?? ''}` : ''}`;
  return String(e).slice(0, 300);
}
