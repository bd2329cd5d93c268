/**
 * Watchpoints on physical addresses: be told when a PE's store, built-in
 * firmware's store or a scenario `write` event writes bytes of a watched
 * range — the mechanism behind debugger data breakpoints, usable by any
 * front end. It is a watcher on the memory system's watched writes
 * (memory/watch.ts): an unwatched run pays nothing.
 */
import type { Machine } from './machine';

export interface WatchRange {
  pa: number;
  size: number;
}

export interface WatchedWrite {
  pe?: number;
  pa: number;
  size: number;
  lo: number;
  hi: number;
  attrs: string;
  /** The machine step that performs the write (steps + 1 while it executes). */
  step: number;
}

/**
 * Watch `ranges` on `machine`; `onWrite` is called before each overlapping
 * write lands. Returns the function that removes the watch.
 */
export function watchWrites(machine: Machine, ranges: readonly WatchRange[], onWrite: (w: WatchedWrite) => void): () => void {
  if (ranges.length === 0) return () => undefined;
  const watcher = machine.memory.watch.watcher((pe, pa, size, lo, hi, attrs) => onWrite({ pe: pe?.id, pa, size, lo, hi, attrs: attrs.label, step: machine.steps + 1 }));
  for (const r of ranges) watcher.add(r.pa, r.size);
  return () => watcher.dispose();
}
