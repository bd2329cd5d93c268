/**
 * The cache hierarchy's own hook points (component/hook.ts), beside the
 * memory hooks every memory system publishes (memory/hooks.ts).
 *
 * `lineState` reports every MOESI state change (views, the cache timeline,
 * trace events). The others are the moments at which the architecture's
 * guarantees may be lost — the hazard detector (hazards.ts, a checker over
 * these hooks) decides whether one was, and the checkers which rule explains
 * it. None of them builds anything while nobody subscribes.
 */
import { Hook } from '../component/hook';
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import type { CacheLine, LineState } from './line';

export interface CacheHooks {
  /** A copy changed state (after the change); `pe` is -1 and `pc` NaN when no PE's instruction caused it. */
  readonly lineState: Hook<(line: CacheLine, from: LineState, to: LineState, cause: string, pe: number, pc: number) => void>;
  /** A non-cacheable or Device read by `pe` went to memory while some cached copy is dirty (after the read: value in pe.ldLo/ldHi). */
  readonly bypassRead: Hook<(pe: Pe, pa: number, size: number, attrs: MemAttrs) => void>;
  /** A write that bypassed the caches reached memory behind the valid copies of `line` (now marked stale). */
  readonly bypassWrite: Hook<(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs, line: number) => void>;
  /** A cacheable access with `attrs` missed while some cached copy is dirty (before the fill). */
  readonly miss: Hook<(pe: Pe | undefined, peId: number, line: number, attrs: MemAttrs, write: boolean) => void>;
  /** `pe` made its copy `mine` of `line` dirty; copies the write did not reach (other attributes, outside the domain) are now stale. */
  readonly foreignWrite: Hook<(pe: Pe, line: number, attrs: MemAttrs, mine: CacheLine | undefined) => void>;
  /** A cacheable read hit a copy that memory was written behind. */
  readonly staleHit: Hook<(pe: Pe, pa: number, size: number, attrs: MemAttrs, copy: CacheLine) => void>;
  /** A dirty copy that memory was written behind is being written back over the newer data. */
  readonly staleWriteBack: Hook<(copy: CacheLine) => void>;
}

export function cacheHooks(): CacheHooks {
  return {
    lineState: new Hook('cache line state'),
    bypassRead: new Hook('bypassing read'),
    bypassWrite: new Hook('bypassing write'),
    miss: new Hook('cacheable miss'),
    foreignWrite: new Hook('write beside foreign copies'),
    staleHit: new Hook('stale hit'),
    staleWriteBack: new Hook('stale write-back'),
  };
}
