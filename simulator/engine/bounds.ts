/**
 * Bounds on a run besides its step budget (docs/limits.md "Runs"): how many
 * exception, fault and finding records it keeps, how much physical memory it
 * may touch, and how long it may take in wall-clock time when the caller asks
 * for a timeout. A run that hits one stops with a `StopInfo` naming the bound,
 * so every front end reports which bound ended it.
 *
 * Records: a run that takes an exception on every step must not keep every
 * record (three million steps once held about 1 GB). The machine keeps the
 * first RECORDS_KEPT_FIRST and at least the last RECORDS_KEPT_LAST of each
 * kind and counts the rest. Which records are kept depends only on how many
 * were made, so a replay (time travel) keeps the same ones.
 */
import { count } from '../scenario/limits';
import type { Snapshottable } from '../component/state';

/** Records of each kind kept from the start of a run. */
export const RECORDS_KEPT_FIRST = 1_000;

/** Records of each kind kept from the end of a run (between this and twice this many). */
export const RECORDS_KEPT_LAST = 1_000;

/** Pages of physical memory (4 KiB) a run may hold, image included: 64 MiB. */
export const MAX_TOUCHED_PAGES = 16_384;

/** Wall-clock limit of `armscope run` and `armscope demo` per scenario, unless `--timeout` says otherwise. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 60;

/** Largest `--timeout` the CLI accepts (one hour). */
export const MAX_RUN_TIMEOUT_SECONDS = 3_600;

/** Steps between two checks of the memory and time bounds (the checks cost a map size and a clock read). */
export const BOUNDS_CHECK_INTERVAL = 4_096;

export type RecordKind = 'exceptions' | 'faults' | 'findings';

export type RecordTotals = Record<RecordKind, number>;

/** Why a bound other than the step budget stopped a run (engine/machine.ts `StopInfo`). */
export interface BoundStop {
  kind: 'timeout' | 'memory';
  reason: string;
}

export class RunBounds implements Snapshottable {
  /** Records made so far, kept or not. */
  readonly totals: RecordTotals = { exceptions: 0, faults: 0, findings: 0 };
  /** Wall-clock deadline of the current `run()` (Date.now() ms), or Infinity (no run, or no timeout). */
  private deadline = Infinity;
  private timeoutMs: number | undefined;
  /** Step at or after which the next check is due (a multiple of BOUNDS_CHECK_INTERVAL). */
  nextCheck = BOUNDS_CHECK_INTERVAL;

  constructor(timeoutMs?: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Append `rec` to the machine's `list` of `kind`, dropping a run of middle records when it grows past the bound. */
  record<T>(kind: RecordKind, list: T[], rec: T): void {
    list.push(rec);
    this.totals[kind]++;
    // Drop RECORDS_KEPT_LAST at a time: amortised O(1), and the kept set is a function of the total alone.
    if (list.length >= RECORDS_KEPT_FIRST + 2 * RECORDS_KEPT_LAST) list.splice(RECORDS_KEPT_FIRST, RECORDS_KEPT_LAST);
  }

  /** Records of `kind` made but no longer kept. */
  dropped(kind: RecordKind, list: readonly unknown[]): number {
    return this.totals[kind] - list.length;
  }

  /**
   * The kept records of `kind` made after the first `seen` (a total read
   * earlier): what a front end that reports records as they come has not seen.
   */
  since<T>(kind: RecordKind, list: readonly T[], seen: number): T[] {
    const dropped = this.totals[kind] - list.length;
    const start = seen < RECORDS_KEPT_FIRST ? seen : Math.max(RECORDS_KEPT_FIRST, seen - dropped);
    return list.slice(Math.min(start, list.length));
  }

  /** A `run()` starts: its wall-clock deadline, when the machine has a timeout. */
  startRun(): void {
    this.deadline = this.timeoutMs !== undefined ? Date.now() + this.timeoutMs : Infinity;
  }

  /**
   * A `run()` returned: no deadline until the next one. The timeout bounds one
   * `run()`; steps taken after it (`step()`, a debugger's single steps) would
   * otherwise be stopped by a deadline long passed.
   */
  endRun(): void {
    this.deadline = Infinity;
  }

  /** Is a check due at `steps`? (Also after time travel took the machine back.) */
  due(steps: number): boolean {
    return steps >= this.nextCheck || steps < this.nextCheck - BOUNDS_CHECK_INTERVAL;
  }

  /** Check the memory and time bounds at `steps`; the stop it calls for, if any. */
  check(steps: number, pages: number): BoundStop | undefined {
    this.nextCheck = (Math.floor(steps / BOUNDS_CHECK_INTERVAL) + 1) * BOUNDS_CHECK_INTERVAL;
    if (pages > MAX_TOUCHED_PAGES) {
      return {
        kind: 'memory',
        reason: `stopped: the run touched ${count(pages)} pages of physical memory (the limit is ${count(MAX_TOUCHED_PAGES)} pages, ${(MAX_TOUCHED_PAGES * 4) / 1024} MiB)`,
      };
    }
    if (Date.now() > this.deadline) {
      return { kind: 'timeout', reason: `stopped: wall-clock timeout of ${formatSeconds(this.timeoutMs ?? 0)} reached` };
    }
    return undefined;
  }

  snapshot(): RecordTotals {
    return { ...this.totals };
  }

  restore(s: unknown): void {
    Object.assign(this.totals, s as RecordTotals);
  }

  /** Record counts are bookkeeping, not machine state: two states that differ only in them have the same future. */
  stateHash(): number {
    return 0;
  }
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** "3,000,000 taken, the first 1,000 and the last 1,412 kept" when records were dropped, else undefined. */
export function keptSummary(total: number, kept: number): string | undefined {
  if (total <= kept) return undefined;
  return `${count(total)} in all; the first ${count(RECORDS_KEPT_FIRST)} and the last ${count(kept - RECORDS_KEPT_FIRST)} are kept`;
}
