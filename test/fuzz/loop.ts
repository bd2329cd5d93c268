/**
 * The loop every isolated campaign runs: sample inputs from the arbitrary in
 * seeded batches until the deadline, check each in a worker (isolated.ts),
 * save what fails (artifacts.ts), log progress every minute.
 */
import fc from 'fast-check';
import { Findings } from './artifacts';
import type { FuzzCampaign } from './campaign';
import { Isolated, maxRssMb } from './isolated';

type RunOptions = Parameters<FuzzCampaign['run']>[0];
type RunResult = Awaited<ReturnType<FuzzCampaign['run']>>;

export interface IsolatedCampaign<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  /** Compiled module and exported check function `(input: T) => string | undefined`. */
  module: string;
  fn: string;
  hangMs: number;
  heapMb: number;
  /** How a failing input is saved: its text and file extension. */
  save: (input: T) => { text: string; ext: string };
  /** Inputs slower than this are logged (not failures). */
  slowMs?: number;
  /** A further check of some inputs outside the worker (e.g. the built CLI as a process). */
  extra?: (input: T, index: number) => { kind: 'crash' | 'hang'; detail: string } | undefined;
}

const BATCH = 50;

export async function runIsolated<T>(c: IsolatedCampaign<T>, { seed, deadline, log }: RunOptions): Promise<RunResult> {
  const findings = new Findings(c.name);
  const isolated = new Isolated(c.module, c.fn, { hangMs: c.hangMs, heapMb: c.heapMb });
  let inputs = 0;
  let lastLog = Date.now();
  try {
    for (let batch = 0; Date.now() < deadline; batch++) {
      for (const input of fc.sample(c.arb, { seed: seed + batch, numRuns: BATCH })) {
        if (Date.now() >= deadline) break;
        const t0 = Date.now();
        const v = await isolated.check(input);
        const ms = Date.now() - t0;
        inputs++;
        const keep = (kind: 'crash' | 'hang' | 'slow', detail: string): string => {
          const { text, ext } = c.save(input);
          return findings.add(kind, detail, text, ext);
        };
        if (v.kind === 'problem' || v.kind === 'crash') keep('crash', v.detail);
        else if (v.kind === 'hang') keep('hang', `no answer within ${c.hangMs / 1000} s`);
        else if (c.slowMs !== undefined && ms > c.slowMs) log(`${c.name}: slow input: ${keep('slow', `${ms} ms`)}`);
        const more = c.extra?.(input, inputs);
        if (more) keep(more.kind, more.detail);
        if (Date.now() - lastLog > 60_000) {
          lastLog = Date.now();
          log(`${c.name}: ${inputs} inputs, ${findings.crashes.length} crashes, ${findings.hangs.length} hangs, max RSS ${maxRssMb()} MB`);
        }
      }
    }
  } finally {
    await isolated.close();
  }
  return { inputs, crashes: findings.crashes, hangs: findings.hangs, maxRssMb: maxRssMb() };
}
