/**
 * A timeline of cache-line states across the caches over a run: every state
 * change of every copy (which access or maintenance changed it, on which PE,
 * at which scenario line), for views that draw line states over time.
 *
 * Built by re-running the scenario deterministically (same options, same
 * seed) up to a step with a `cache-line` listener, so a paused debug session
 * does not have to record events while it runs.
 */
import { Machine, type MachineOptions } from './machine';
import type { ScenarioModel } from '../scenario/model';

export interface LineChange {
  step: number;
  cache: string;
  pa: number;
  attrs: string;
  from: string;
  to: string;
  cause: string;
  pe?: number;
  /** 0-based scenario line of the instruction that caused it, when a PE did. */
  line?: number;
}

export interface CacheTimeline {
  /** Steps covered (0..steps). */
  steps: number;
  caches: string[];
  changes: LineChange[];
  /** Set when the change list was cut at `limit`. */
  truncated: boolean;
}

/** Re-run `model` with `options` to `untilStep` (default: the end) and collect every cache-line state change. */
export function cacheTimeline(model: ScenarioModel, options: MachineOptions, untilStep?: number, limit = 20_000): CacheTimeline {
  const m = Machine.create(model, { ...options, checkpointInterval: 0 });
  const changes: LineChange[] = [];
  const caches = new Set<string>();
  let truncated = false;
  m.trace.on('cache-line', (e) => {
    caches.add(e.cache);
    if (changes.length >= limit) {
      truncated = true;
      return;
    }
    const pe = e.pe !== undefined ? m.pes[e.pe] : undefined;
    changes.push({ step: e.step, cache: e.cache, pa: e.pa, attrs: e.attrs ?? '', from: e.from, to: e.to, cause: e.cause ?? '', pe: e.pe, line: pe ? m.lineOfPc(pe.pc) : undefined });
  });
  if (untilStep === undefined) m.run();
  else m.run(untilStep);
  const summaries = (m.memory as { summaries?(): { name: string }[] }).summaries?.();
  const order = summaries ? summaries.map((s) => s.name) : [...caches];
  return { steps: m.steps, caches: order, changes, truncated };
}
