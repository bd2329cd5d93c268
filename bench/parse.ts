/**
 * Parse figures for `npm run bench` (not a test: CPU time on a shared machine
 * is not behaviour). Target: a 2,000-line scenario parses from scratch, and
 * re-parses after a one-line edit or an inserted line (the language server's
 * case), in under 30 ms of CPU time each, median of 15 runs after a warm-up.
 * Also: scenarios of 20,000, 50,000 and 100,000 lines (the line limit) and one
 * of the character limit, with CPU time and resident memory, to show that
 * parsing stays linear up to the limits (docs/limits.md) and what they cost at
 * their worst.
 */
import { parseScenario } from '../simulator';
import { count, byteSize, MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES } from '../simulator/scenario/limits';
import { warmUp } from './warm';

export interface ParseBenchResult {
  name: string;
  /** Median CPU milliseconds of this process. */
  cpuMs: number;
  /** Median wall milliseconds. */
  wallMs: number;
  targetMs?: number;
  /** Resident memory of this process (MB) right after the parse, its result still held. */
  rssMb?: number;
}

/** A generated scenario of about `lines` lines mixing every construct. */
export function generateScenario(lines: number): string {
  const out: string[] = ['scenario "generated"', 'system {', '  pes 4', '  clusters 2', '  memory ram at 0x8000_0000 size 0x1000_0000', '}'];
  out.push('const BASE = 0x8000_0000');
  for (let p = 0; p < 4; p++) out.push(`pe ${p} {`, '  el 1', `  entry f${p}_${p}`, `  x0 = ${p}`, '  sctlr_el1 = 0x30d0_0800', '}');
  let block = 0;
  while (out.length < lines - 20) {
    out.push(`code at BASE + ${hexish(block * 0x1_0000)} {`);
    for (let f = 0; f < 40 && out.length < lines - 20; f++) {
      out.push(`f${block * 40 + f}_${block === 0 && f < 4 ? f : 'x'}:`);
      out.push('    mov   x1, #0x10          // comment');
      out.push('    add   x2, x1, x0, lsl #2');
      out.push('    ldr   x3, =0x1122_3344_5566_7788');
      out.push('    ldr   x4, [x3, #8]');
      out.push('    str   x4, [sp, #-16]!');
      out.push('    cmp   x2, #3');
      out.push(`    b.ne  f${block * 40 + f}_${block === 0 && f < 4 ? f : 'x'}`);
      out.push('    msr   hcr_el2, x1');
      out.push('    .quad BASE + 0x100, 0');
      out.push('    .align 3');
    }
    out.push('}');
    block++;
  }
  out.push('event when step 100 do irq 33 pe 1');
  out.push('expect {', '  pe 0 x1 == 0x10', '  mem32[BASE] != 0', '  no fault', '  halted pe 0', '}');
  while (out.length < lines) out.push('// padding');
  return out.join('\n') + '\n';
}

/**
 * A generated scenario of at most `chars` characters (and close to it) in
 * MAX_SCENARIO_LINES / 2 lines: the comments of its instruction lines are
 * widened until the text reaches the size.
 */
export function generateScenarioOfChars(chars: number): string {
  const base = generateScenario(MAX_SCENARIO_LINES / 2);
  const comments = base.split('// comment').length - 1;
  const widen = Math.max(0, Math.floor((chars - base.length) / comments));
  return base.replaceAll('// comment', '// comment' + '-'.repeat(widen));
}

function hexish(v: number): string {
  return '0x' + v.toString(16);
}

/** Median CPU and wall time of `runs` calls after at least `warm` unmeasured ones (and the shared warm-up's CPU time, bench/warm.ts). */
function measure(name: string, runs: number, warm: number, f: (i: number) => unknown, targetMs?: number): ParseBenchResult {
  let calls = 0;
  warmUp(() => f(calls++));
  for (; calls < warm; calls++) f(calls);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f(calls + i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { name, cpuMs: median(cpu), wallMs: median(wall), ...(targetMs !== undefined ? { targetMs } : {}) };
}

/** One parse of a large text from scratch: CPU and wall time, and the process's RSS with the result held. */
function measureLarge(name: string, text: string): ParseBenchResult {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const parsed = parseScenario(text, 'x', { cache: false });
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const rssMb = process.memoryUsage().rss / (1024 * 1024);
  if (parsed.diagnostics.some((d) => d.rule === 'file-too-large')) throw new Error(`${name}: refused as too large`);
  return { name, cpuMs: (c.user + c.system) / 1000, wallMs, rssMb };
}

/** The text of `lines` after edit number `i` of one instruction line near the top (the language server's case). */
export function oneLineEdit(lines: readonly string[], i: number): string {
  const copy = [...lines];
  copy[40] = `    mov   x1, #${i % 200}          // edited`;
  return copy.join('\n');
}

export function benchParse(): ParseBenchResult[] {
  const text = generateScenario(2000);
  const lines = text.split('\n');
  const edited = (i: number): string => oneLineEdit(lines, i);
  const grown = [...lines];
  const inserted = (i: number): string => {
    grown.splice(40, 0, `    add   x9, x9, #${i % 4000}`);
    return grown.join('\n');
  };
  const results = [
    measure('parse a 2,000-line scenario from scratch', 15, 8, () => parseScenario(text, 'x', { cache: false }), 30),
    measure('re-parse it after a one-line edit', 15, 8, (i) => parseScenario(edited(i)), 30),
    measure('re-parse it after inserting a line near the top', 15, 8, (i) => parseScenario(inserted(i)), 30),
  ];
  // Largest last, one at a time, so each RSS figure is that size's (the
  // earlier texts are garbage by then). The trailing newline makes one more
  // (empty) line: MAX_SCENARIO_LINES - 1 generated lines is the line limit.
  for (const lines of [20_000, 50_000, MAX_SCENARIO_LINES]) {
    const large = generateScenario(Math.min(lines, MAX_SCENARIO_LINES - 1));
    const limit = lines === MAX_SCENARIO_LINES ? ' (the line limit)' : '';
    results.push(measureLarge(`parse a ${count(lines)}-line scenario${limit} (${count(large.length)} characters) from scratch`, large));
  }
  const widest = generateScenarioOfChars(MAX_SCENARIO_CHARS);
  results.push(measureLarge(`parse a ${count(widest.length)}-character scenario (the ${byteSize(MAX_SCENARIO_CHARS)} limit) from scratch`, widest));
  return results;
}

export function formatParseBench(results: ParseBenchResult[], width: number): string {
  return results
    .map((r) => {
      const verdict = r.targetMs === undefined ? '' : r.cpuMs <= r.targetMs ? `  (target < ${r.targetMs} ms: met)` : `  (target < ${r.targetMs} ms: MISSED)`;
      const rss = r.rssMb === undefined ? '' : `  ${r.rssMb.toFixed(0).padStart(5)} MB RSS`;
      return `${r.name.padEnd(width)}  ${r.cpuMs.toFixed(1).padStart(10)} ms CPU  ${r.wallMs.toFixed(1).padStart(8)} ms wall${rss}${verdict}`;
    })
    .join('\n');
}
