/**
 * Instruction-table throughput for `npm run bench` (bench/core.ts prints it):
 * assemble lines/s, decode words/s and decode + disassembly text words/s on
 * the 437-line encoding corpus (test/isa/corpus.ts), and each as a ratio to
 * the hand-written assembler and decoder the table replaced (commit 994cb00).
 *
 * The old code is measured side by side when its compiled tree is available:
 * `ARMSCOPE_BENCH_OLD=/path/to/994cb00/out` (a worktree of 994cb00, built with
 * `npx tsc -p .`). Runs alternate between the two (old, new, old, new, …) so a
 * change in machine load hits both; each figure is the best of N, in CPU time.
 * Without it, the ratios are against REFERENCE_OLD below (measured on this
 * machine class, which is noisy: treat those ratios as ±15 %).
 *
 * `node out/bench/isa.js [rounds]` runs it alone.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as current from '../simulator/isa/index';
import type { AsmContext } from '../simulator/isa/instr';
import type { AsmLine } from '../simulator/util/source';
import { CORPUS } from '../test/isa/corpus';
import { cpuSince, warmUp } from './warm';

/** The part of simulator/isa/index both the old and the current code export. */
interface IsaModule {
  splitLine(text: string, lineNo: number): AsmLine;
  assembleLine(line: AsmLine, ctx: AsmContext): { encoding?: number; text: string } | undefined;
  decodeInstruction(word: number, pc: bigint): { text: string } | undefined;
}

/**
 * The old code's figures (994cb00) on this machine class (2 cores, shared): the median of the
 * best-of figures of 16 side-by-side runs (8–16 interleaved rounds each), 2026-12-07, load average
 * 11–27. Single runs spread about ±10 % around them.
 */
export const REFERENCE_OLD = { date: '2026-12-07', assemble: 377_000, decode: 1_520_000, text: 1_580_000 };

export interface IsaFigure {
  name: string;
  unit: string;
  /** Operations per CPU second, current code. */
  rate: number;
  /** The old code's rate (measured side by side, or REFERENCE_OLD). */
  old: number;
  /** Whether `old` was measured in this run. */
  measured: boolean;
}

const PC = 0x4000_1000n;
const SYMBOLS: Record<string, bigint> = { back: PC, fwd: PC + 0x100n };
const CTX: AsmContext = { pc: PC, resolve: (n) => SYMBOLS[n], literal: () => PC + 0x1000n, report: () => {} };

/** The three workloads for one implementation; each returns how many operations it did. */
function workloads(isa: IsaModule): { assemble: () => number; decode: () => number; text: () => number } {
  const lines = CORPUS.map((t) => isa.splitLine(t, 0));
  const words = lines.map((l) => isa.assembleLine(l, CTX)?.encoding).filter((w): w is number => w !== undefined);
  if (words.length < lines.length * 0.9) throw new Error(`isa bench: only ${words.length} of ${lines.length} corpus lines assembled`);
  return {
    assemble: () => {
      for (let k = 0; k < 10; k++) for (const l of lines) isa.assembleLine(l, CTX);
      return 10 * lines.length;
    },
    decode: () => {
      let n = 0;
      for (let k = 0; k < 40; k++) for (const w of words) if (isa.decodeInstruction(w, PC) !== undefined) n++;
      return n;
    },
    text: () => {
      let n = 0;
      for (let k = 0; k < 20; k++) for (const w of words) n += isa.decodeInstruction(w, PC)!.text.length > 0 ? 1 : 0;
      return n;
    },
  };
}

/** Operations per CPU second of one call. */
function rateOf(fn: () => number): number {
  const t0 = process.cpuUsage();
  const count = fn();
  return count / Math.max(cpuSince(t0), 1e-6);
}

function loadOld(): IsaModule | undefined {
  const dir = process.env.ARMSCOPE_BENCH_OLD;
  if (!dir) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the old tree is a build output found at run time
  return require(join(dir, 'simulator', 'isa', 'index.js')) as IsaModule;
}

/** Best of `rounds` runs of each workload, the old code's runs interleaved with the current code's. */
export function runIsaBench(rounds = 12): { figures: IsaFigure[]; load: number[] } {
  const oldIsa = loadOld();
  const cur = workloads(current);
  const old = oldIsa === undefined ? undefined : workloads(oldIsa);
  const kinds = ['assemble', 'decode', 'text'] as const;
  const best = { assemble: 0, decode: 0, text: 0 };
  const bestOld = { assemble: 0, decode: 0, text: 0 };
  const load = loadavg();
  // Warm-up: V8 optimises on a background thread, which a loaded machine starves; run each workload
  // for a while first so the rounds measure optimised code, not the tiers before it.
  for (const k of kinds) {
    warmUp(cur[k]);
    if (old !== undefined) warmUp(old[k]);
  }
  for (let r = 0; r < rounds; r++) {
    for (const k of kinds) {
      if (old !== undefined) bestOld[k] = Math.max(bestOld[k], rateOf(old[k]));
      best[k] = Math.max(best[k], rateOf(cur[k]));
    }
  }
  const ref = old === undefined ? REFERENCE_OLD : bestOld;
  const measured = old !== undefined;
  return {
    load,
    figures: [
      { name: 'assemble (instruction table, operand matcher)', unit: 'lines/s', rate: best.assemble, old: ref.assemble, measured },
      { name: 'decode (decode tree, closure per word)', unit: 'words/s', rate: best.decode, old: ref.decode, measured },
      { name: 'decode + disassembly text', unit: 'words/s', rate: best.text, old: ref.text, measured },
    ],
  };
}

export function formatIsaBench(r: { figures: IsaFigure[]; load: number[] }, width = 48): string {
  const how = r.figures[0].measured ? 'old code measured side by side, interleaved' : `old code's reference figures of ${REFERENCE_OLD.date}`;
  const out = r.figures.map((f) => {
    const ratio = f.old > 0 ? `${(f.rate / f.old).toFixed(2)}× old (${(f.old / 1e6).toFixed(3)}M)` : 'no old figure';
    return `${f.name.padEnd(width)}  ${(f.rate / 1e6).toFixed(3).padStart(8)}M ${f.unit.padEnd(8)}  ${ratio}`;
  });
  out.push(`(best of N in CPU time; ${how}; old = 994cb00, before the instruction table; load average ${r.load.map((x) => x.toFixed(1)).join(' ')})`);
  return out.join('\n');
}

if (require.main === module) console.log(formatIsaBench(runIsaBench(Number(process.argv[2] ?? 12))));
