/**
 * Watchpoints on physical addresses: be told when a PE's store (or a
 * scenario `write` event) writes bytes of a watched range — the mechanism
 * behind debugger data breakpoints, usable by any front end.
 *
 * Installed only while ranges are watched: each PE's memory system and the
 * machine's (which built-in firmware and scenario events write through) are
 * wrapped, so the hot path of an unwatched run is untouched. The wrapper
 * forwards every other member to the real memory system, so caches,
 * maintenance and views see no difference.
 */
import type { MemAttrs } from '../memory/attributes';
import type { MemorySystem } from '../memory/system';
import type { Pe } from '../pe/pe';
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

function wrap(real: MemorySystem, onWrite: (pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs) => void): MemorySystem {
  const bound = new Map<PropertyKey, unknown>();
  const write = (pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void => {
    onWrite(pe, pa, size, lo, hi, attrs);
    real.write(pe, pa, size, lo, hi, attrs);
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'write') return write;
      if (prop === '__watchedReal') return real;
      const v = (target as unknown as Record<PropertyKey, unknown>)[prop];
      if (typeof v !== 'function') return v;
      let b = bound.get(prop);
      if (b === undefined) {
        b = (v as (...a: unknown[]) => unknown).bind(target);
        bound.set(prop, b);
      }
      return b;
    },
  });
}

/**
 * Watch `ranges` on `machine`; `onWrite` is called before each overlapping
 * write lands. Returns the function that removes the watch.
 */
export function watchWrites(machine: Machine, ranges: readonly WatchRange[], onWrite: (w: WatchedWrite) => void): () => void {
  if (ranges.length === 0) return () => undefined;
  const hit = (pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void => {
    for (const r of ranges) {
      if (pa < r.pa + r.size && r.pa < pa + size) {
        onWrite({ pe: pe?.id, pa, size, lo, hi, attrs: attrs.label, step: machine.steps + 1 });
        return;
      }
    }
  };
  const originals = machine.pes.map((pe) => pe.env.memory);
  for (const pe of machine.pes) pe.env.memory = wrap(pe.env.memory, hit);
  // `memory` is readonly for the machine's users; the watch swaps it for the wrapper and puts it back.
  const host = machine as unknown as { memory: MemorySystem };
  const real = host.memory;
  host.memory = wrap(real, hit);
  return () => {
    machine.pes.forEach((pe, i) => {
      pe.env.memory = originals[i];
    });
    host.memory = real;
  };
}
