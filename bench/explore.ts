/**
 * Explore figures for `npm run bench` (issue #13 item 8): for each seed's
 * explore example (every `examples/seed-NNN/explore-*.armscope`, and seed
 * 000's `bug-two-pes`), the search with and without the partial-order
 * reduction (states, actions, CPU and wall seconds, states/s and the ratio of
 * actions); the states/s of a two-PE scenario with caches on; and a four-PE
 * scenario whose naive interleaving count is far beyond 10^9, which must
 * finish with the reduction (every PE works on its own line: all its steps
 * commute with the others'). The load average is printed with them: the
 * machine is shared, and wall time follows it.
 *
 * `node out/bench/explore.js` runs it alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../simulator';
import { exploreScenario } from '../simulator/explore/explore';
import { fourPeText, scenarioText } from '../test/explore/scenarios';

export interface ExploreFigure {
  name: string;
  reduced: Run;
  full?: Run;
  note?: string;
}

interface Run {
  states: number;
  transitions: number;
  /** CPU seconds (user + system) of this thread's search. */
  seconds: number;
  /** Wall seconds. */
  wall: number;
  bounded: boolean;
}

function root(): string {
  return join(__dirname, '..', '..');
}

function measure(text: string, file: string, reduction: boolean): Run {
  const model = parseScenario(text, file);
  const w0 = process.hrtime.bigint();
  const t0 = process.cpuUsage();
  const r = exploreScenario(model, { reduction, settings: { maxStates: 2_000_000 } });
  const u = process.cpuUsage(t0);
  const wall = Number(process.hrtime.bigint() - w0) / 1e9;
  return { states: r.states, transitions: r.transitions, seconds: (u.user + u.system) / 1e6, wall, bounded: r.bounds.hit.length > 0 };
}

/** Every seed's explore examples, and seed 000's two-PE bug (the scenario the issue's first figures were taken on). */
function seedExamples(): string[] {
  const dir = join(root(), 'examples');
  const out: string[] = [];
  for (const seed of readdirSync(dir).filter((d) => d.startsWith('seed-')).sort()) {
    for (const f of readdirSync(join(dir, seed)).sort()) if (f.startsWith('explore-') && f.endsWith('.armscope')) out.push(`${seed}/${f}`);
  }
  return ['seed-000/bug-two-pes.armscope', ...out];
}

/** log10 of the number of interleavings of 4 sequences of `len` steps: (4 len)! / (len!)^4. */
function log10Interleavings(len: number): number {
  let s = 0;
  for (let k = 1; k <= 4 * len; k++) s += Math.log10(k);
  for (let k = 1; k <= len; k++) s -= 4 * Math.log10(k);
  return s;
}

export function benchExplore(): ExploreFigure[] {
  const figures: ExploreFigure[] = [];
  for (const rel of seedExamples()) {
    const text = readFileSync(join(root(), 'examples', rel), 'utf8');
    figures.push({ name: rel, reduced: measure(text, rel, true), full: measure(text, rel, false) });
  }
  const cached = scenarioText({
    programs: [
      ['str x5, [x10]', 'ldr x3, [x11]', 'dc civac, x10', 'str x5, [x11]', 'ldr x2, [x10]'],
      ['str x5, [x11]', 'ldr x2, [x10]', 'dsb sy', 'str x5, [x10]', 'ldr x3, [x11]'],
    ],
    cacheModel: true,
    mmu: true,
    fills: 1,
    evictions: 1,
  });
  figures.push({ name: 'two PEs, caches on, 1 fill + 1 eviction', reduced: measure(cached, 'cached.armscope', true), full: measure(cached, 'cached.armscope', false) });
  const n = 8;
  const steps = 2 * n + 3;
  figures.push({ name: `four PEs × ${steps} steps on their own lines`, reduced: measure(fourPeText(n), 'four.armscope', true), note: `10^${log10Interleavings(steps).toFixed(1)} naive interleavings` });
  return figures;
}

function rate(r: Run): string {
  return `${Math.round(r.states / r.seconds).toLocaleString('en-US')} states/s`;
}

function line(label: string, r: Run): string {
  return `${label}: ${r.states.toLocaleString('en-US')} states, ${r.transitions.toLocaleString('en-US')} actions, ${r.seconds.toFixed(2)} s CPU (${r.wall.toFixed(2)} s wall), ${rate(r)}${r.bounded ? ' (BOUNDED)' : ''}`;
}

export function formatExploreBench(figures: ExploreFigure[], load = loadavg()): string {
  const out: string[] = [`load average ${load.map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min) on ${availableParallelism()} CPU(s); states/s per CPU second`];
  for (const f of figures) {
    out.push(`${f.name}${f.note ? ` (${f.note})` : ''}`);
    out.push(`  ${line('reduction', f.reduced)}`);
    if (f.full) {
      out.push(`  ${line('none     ', f.full)}`);
      out.push(`  ratio (actions without / with): ${(f.full.transitions / Math.max(1, f.reduced.transitions)).toFixed(2)}`);
    }
  }
  return out.join('\n');
}

if (require.main === module) console.log(formatExploreBench(benchExplore()));
