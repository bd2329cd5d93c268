/**
 * A timeline of cache-line states across the caches over a run: every state
 * change of every copy (which access or maintenance changed it, on which PE,
 * at which scenario line), for views that draw line states over time.
 *
 * Built by re-running the scenario deterministically (same options, same
 * seed) up to a step with a `cache-line` listener, so a paused debug session
 * does not have to record events while it runs. The run pauses after each step
 * that changed a line, to record what the changed copies hold then.
 *
 * Table-walk reads are labelled as such (stage, level, the VA/IPA being
 * translated) from `walkInProgress`, which the MMU sets around the descriptor
 * read itself (simulator/mmu/descriptor.ts): the access says what it is.
 */
import { Machine, type MachineOptions } from './machine';
import { walkInProgress } from '../mmu/descriptor';
import type { ScenarioModel } from '../scenario/model';
import { hex } from '../util/hex';
import { lineWords, type LineCopyView } from '../cache/views';

/** The translation-table walk an access belonged to (Arm ARM D8.2 "Translation table walks"). */
export interface WalkAccess {
  stage: 1 | 2;
  level: number;
  /** VA being translated (sign-extended from bit 63, as the simulator keeps VAs). */
  va: number;
  /** IPA being translated (stage-2 walks). */
  ipa?: number;
}

export interface LineChange {
  /** The step during which the change happened (the machine has taken `step` steps once it is done). */
  step: number;
  cache: string;
  pa: number;
  attrs: string;
  from: string;
  to: string;
  /** What changed it: `read`, `write`, `dc civac`, `evict`, … or the walk read (`stage-2 walk read, level 3, for IPA …`). */
  cause: string;
  pe?: number;
  /** 0-based scenario line of the instruction that caused it, when a PE did. */
  line?: number;
  /** Set when the access was a translation-table walk's descriptor read. */
  walk?: WalkAccess;
  /** The copy's 64 bytes as eight 64-bit words (`0x…`) once the step was done; absent when it no longer holds the line. */
  data?: string;
  /** The copy's state once the step was done (differs from `to` when the same step changed it again). */
  stateAfterStep?: string;
}

export interface CacheTimeline {
  /** Steps covered (0..steps). */
  steps: number;
  caches: string[];
  changes: LineChange[];
  /** Set when the change list was cut at `limit`. */
  truncated: boolean;
}

/** `stage-2 walk read, level 3, for IPA 0x8810_0000 (VA 0x8810_0000)`. */
export function walkText(w: WalkAccess): string {
  const what = w.stage === 2 && w.ipa !== undefined ? `IPA ${hex(w.ipa)} (VA ${hex(w.va)})` : `VA ${hex(w.va)}`;
  return `stage-${w.stage} walk read, level ${w.level}, for ${what}`;
}

interface ViewableMemory {
  summaries?(): { name: string }[];
  linesOf?(pa: number): LineCopyView[];
}

/** Changes recorded per run; the documented default cap (docs/debugging.md "Limits"). */
export const TIMELINE_CHANGE_LIMIT = 20_000;

/** Re-run `model` with `options` to `untilStep` (default: the end) and collect every cache-line state change. */
export function cacheTimeline(model: ScenarioModel, options: MachineOptions, untilStep?: number, limit = TIMELINE_CHANGE_LIMIT): CacheTimeline {
  const m = Machine.create(model, { ...options, checkpointInterval: 0 });
  const memory = m.memory as unknown as ViewableMemory;
  const changes: LineChange[] = [];
  const caches = new Set<string>();
  /** Changes of the step in progress: their data is read once the step is done. */
  let pending: LineChange[] = [];
  let truncated = false;
  m.trace.on('cache-line', (e) => {
    caches.add(e.cache);
    if (changes.length >= limit) {
      truncated = true;
      return;
    }
    const pe = e.pe !== undefined ? m.pes[e.pe] : undefined;
    const c: LineChange = { step: e.step, cache: e.cache, pa: e.pa, attrs: e.attrs ?? '', from: e.from, to: e.to, cause: e.cause ?? '', pe: e.pe, line: pe ? m.lineOfPc(pe.pc) : undefined };
    const w = walkInProgress;
    if (w.active && w.pe === e.pe) {
      c.walk = { stage: w.stage, level: w.level, va: w.va, ipa: w.ipa };
      c.cause = c.cause === 'read' ? walkText(c.walk) : `${c.cause} for a ${walkText(c.walk)}`;
    }
    changes.push(c);
    pending.push(c);
    if (memory.linesOf !== undefined) m.requestPause('cache-line timeline');
  });
  const recordData = (): void => {
    if (memory.linesOf === undefined) return;
    for (const c of pending) {
      const copy = memory.linesOf(c.pa).find((l) => l.cache === c.cache && l.attrs === c.attrs);
      if (copy) {
        c.data = lineWords(copy.data);
        c.stateAfterStep = copy.state;
      } else c.stateAfterStep = 'I';
    }
    pending = [];
  };
  const target = untilStep ?? m.options.maxSteps;
  while (m.stopInfo === undefined && m.steps < target) {
    const before = m.steps;
    m.run(target - m.steps);
    recordData();
    if (m.steps === before) break;
  }
  recordData();
  const order = memory.summaries ? memory.summaries().map((s) => s.name) : [...caches];
  return { steps: m.steps, caches: order, changes, truncated };
}
