/**
 * The hook points every memory system publishes (component/hook.ts): what
 * reaches memory, in the order agents issue it. The engine's trace bridge,
 * the checkers' shadow memory and views subscribe; nobody replaces `read` or
 * `write`.
 */
import { Hook } from '../component/hook';
import type { Pe } from '../pe/pe';
import type { MemAttrs } from './attributes';

/** A read with the value it returned, or a write with the value it stores (low `size` bytes of hi:lo). */
export type AccessSubscriber = (pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs) => void;

export type BarrierKind = 'dmb' | 'dsb' | 'isb';

export interface MemoryHooks {
  /** A read by `pe` (undefined: an agent outside the PEs) returned this value — reported after the read. */
  readonly read: Hook<AccessSubscriber>;
  /** A write is about to land — reported before the data reaches any cache or memory. */
  readonly write: Hook<AccessSubscriber>;
  /** DMB, DSB or ISB with its shareability domain (Arm ARM B2.3.12 "Memory barriers"). */
  readonly barrier: Hook<(pe: Pe, kind: BarrierKind, domain: string) => void>;
  /**
   * Cache maintenance took effect (Arm ARM D7.5): `op` is the DC operation
   * (`civac`, `cvau`, `zva`, `isw`…) or `ic OP`; `pa` and `attrs` are those of
   * the translated VA (undefined for set/way and whole-cache operations).
   */
  readonly maintenance: Hook<(pe: Pe, op: string, pa: number | undefined, attrs: MemAttrs | undefined) => void>;
}

export function memoryHooks(): MemoryHooks {
  return {
    read: new Hook('memory read'),
    write: new Hook('memory write'),
    barrier: new Hook('barrier'),
    maintenance: new Hook('cache maintenance'),
  };
}
