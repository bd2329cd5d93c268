/**
 * Evictions that may have hidden an effect: a cache evicting the line a
 * finding or a memory expectation is about (docs/language.md "Sets and
 * aliasing"). The run report lists them, so an expectation that held only
 * because a dirty line was written back, or a missing finding, is explained.
 */
import { LINE_SIZE } from './config';
import type { EvictionRecord } from './evictionLog';

/** An eviction of a line something in the report is about. */
export interface EvictedLine {
  step: number;
  cache: string;
  /** Line address. */
  pa: number;
  attrs: string;
  /** The line was dirty: its data was written back to the next level. */
  dirty: boolean;
  /** What depended on the line: `expectation at line 12 (mem[0x8020_0000] == 0)`, `finding stale-descriptor at line 30`. */
  about: string;
}

/** What a report's findings and expectations are about, by address. */
export interface LineSubject {
  pa: number;
  about: string;
}

/** Evictions (up to step `upto`) of the lines of `subjects`, in step order, each eviction once per subject. */
export function evictedLines(log: readonly EvictionRecord[], subjects: readonly LineSubject[], upto: number): EvictedLine[] {
  const out: EvictedLine[] = [];
  for (const s of subjects) {
    const line = s.pa - (s.pa % LINE_SIZE);
    for (const e of log) if (e.pa === line && e.step <= upto) out.push({ ...e, about: s.about });
  }
  return out.sort((a, b) => a.step - b.step);
}
