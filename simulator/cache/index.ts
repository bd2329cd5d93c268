/**
 * Building the cache hierarchy for a scenario (`system { cache_model on }`).
 * The engine passes this as `MachineOptions.memorySystem` when the cache model
 * is on; the memory side (physical memory and MMIO devices) is a
 * FlatMemorySystem behind the caches.
 */
import { FlatMemorySystem, type MmioDevice } from '../memory/flat';
import type { PhysicalMemory } from '../memory/physical';
import type { ScenarioModel } from '../scenario/model';
import { decodeInstruction } from '../isa/decode';
import { parseCacheConfig } from './config';
import { CacheHierarchy } from './hierarchy';

export { CacheHierarchy } from './hierarchy';
export type { LineCopyView, CacheSummary } from './views';
export { parseCacheConfig, defaultCacheConfig, LINE_SIZE } from './config';
export { checkCaches, cacheNames, CACHES_LANGUAGE } from './scenarioPass';
export type { CacheConfig } from './config';

/** What the machine gives the hierarchy to build itself. */
export interface CacheContext {
  model: ScenarioModel;
  physical: PhysicalMemory;
  options: { speculation: 'none' | 'adversarial' };
  step(): number;
  /** Device models to map behind the caches (the machine's Platform: declared devices and the GIC frames). */
  mmio: readonly { base: number; size: number; device: MmioDevice }[];
  /** Every MMIO range, never cached (including declared devices without a model). */
  mmioRanges: readonly { base: number; size: number }[];
}

export function createCacheHierarchy(ctx: CacheContext): CacheHierarchy {
  const model = ctx.model;
  const sys = model.system;
  const backing = new FlatMemorySystem(ctx.physical);
  for (const r of ctx.mmio) backing.mapDevice(r.base, r.size, r.device);
  const devices = [...ctx.mmioRanges];
  const clusterOf = sys.clusterOf.length === sys.pes ? sys.clusterOf : Array.from({ length: sys.pes }, () => 0);
  return new CacheHierarchy({
    physical: ctx.physical,
    backing,
    pes: sys.pes,
    clusterOf,
    config: parseCacheConfig(sys, model.blocks),
    speculation: ctx.options.speculation,
    devices,
    step: () => ctx.step(),
    program: model.program,
    decode: decodeInstruction,
  });
}
