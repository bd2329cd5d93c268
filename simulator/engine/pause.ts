/**
 * Pause conditions: what makes `run()` return after a step without ending the
 * run — a debugger's stop conditions, as data. Each is raised within the step
 * in which it happens (a pause request, scheduler.ts), so a front end can run
 * the machine in long chunks at full speed and examine the state only at the
 * steps where something it watches may have happened, instead of after every
 * step. What the front end then decides (a breakpoint's condition or hit count,
 * a filter) is its own business: a pause is a candidate stop.
 */
import type { Machine } from './machine';
import { watchWrites, type WatchRange } from './writeWatch';

export interface PauseConditions {
  /** PCs (the sign-extended VA form of `Pe.pc`): pause after a step that leaves the PE that stepped at one of them. */
  pcs?: Iterable<number>;
  /** Pause after a step that records an exception (fault, trap, call, interrupt) or a finding. */
  records?: boolean;
  /** Pause after a step in which a PE's EL or Security state may have changed (exception entry or return, SCR_EL3 write). */
  stateChanges?: boolean;
  /** Line addresses (64-byte aligned PAs): pause after a step that changes the MOESI state of a copy of one (`cache_model on`). */
  lines?: Iterable<number>;
  /** Pause after a step that writes a byte of one of these ranges. */
  writes?: readonly WatchRange[];
}

/** Install `c` on `m` (replacing what was installed); returns the function that removes it. */
export function installPauseConditions(m: Machine, c: PauseConditions): () => void {
  const offs: (() => void)[] = [];
  const s = m.scheduler;
  const pcs = new Set(c.pcs ?? []);
  s.watched = true;
  s.setPausePcs(pcs);
  offs.push(() => {
    s.watched = false;
    s.setPausePcs(undefined);
  });
  if (c.records === true) {
    s.pauseOnRecords = true;
    offs.push(() => (s.pauseOnRecords = false));
  }
  if (c.stateChanges === true) offs.push(m.hooks.pe.stateChange.subscribe(() => m.requestPause('a PE changed EL or Security state')));
  const lines = new Set(c.lines ?? []);
  if (lines.size > 0 && m.hooks.cache !== undefined)
    offs.push(
      m.hooks.cache.lineState.subscribe((l) => {
        if (lines.has(l.pa)) m.requestPause('a watched line changed state');
      }),
    );
  if (c.writes !== undefined && c.writes.length > 0) offs.push(watchWrites(m, c.writes, () => m.requestPause('a watched range was written')));
  return () => {
    for (const off of offs.reverse()) off();
  };
}
