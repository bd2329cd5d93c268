/**
 * Building the cache hierarchy for a scenario (`system { cache_model on }`).
 * The engine passes this as `MachineOptions.memorySystem` when the cache model
 * is on; the memory side (physical memory and MMIO devices) is a
 * FlatMemorySystem behind the caches.
 */
import { FlatMemorySystem } from '../memory/flat';
import type { PhysicalMemory } from '../memory/physical';
import type { ScenarioModel } from '../scenario/model';
import type { TraceBus } from '../trace/bus';
import { createDevice } from '../engine/devices';
import { decodeInstruction } from '../isa/decode';
import { parseCacheConfig } from './config';
import { CacheHierarchy } from './hierarchy';
import './scenarioPass';

export { CacheHierarchy } from './hierarchy';
export type { LineCopyView, CacheSummary } from './hierarchy';
export { parseCacheConfig, defaultCacheConfig, LINE_SIZE } from './config';
export { checkCaches, cacheNames } from './scenarioPass';
export type { CacheConfig } from './config';

/** The subset of the engine's ComponentContext the hierarchy needs. */
export interface CacheContext {
  model: ScenarioModel;
  physical: PhysicalMemory;
  trace?: TraceBus;
  options: { speculation: 'none' | 'adversarial' };
  step(): number;
  /** Device models to map behind the caches (the machine's Platform: declared devices and the GIC frames); default: the declared devices. */
  mmio?: { base: number; size: number; device: import('../memory/flat').MmioDevice }[];
  /** Every MMIO range, never cached (with `mmio`). */
  mmioRanges?: { base: number; size: number }[];
}

export function createCacheHierarchy(ctx: CacheContext): CacheHierarchy {
  const model = ctx.model;
  const sys = model.system;
  const backing = new FlatMemorySystem(ctx.physical);
  const devices: { base: number; size: number }[] = [];
  if (ctx.mmio !== undefined) {
    for (const r of ctx.mmio) backing.mapDevice(r.base, r.size, r.device);
    devices.push(...(ctx.mmioRanges ?? ctx.mmio));
  } else for (const d of sys.devices) {
    const dev = createDevice(d);
    if (dev) backing.mapDevice(Number(d.base), Number(d.size), dev);
    // Every declared device range is MMIO: never cached, whether or not it has a model.
    devices.push({ base: Number(d.base), size: Number(d.size) });
  }
  const clusterOf = sys.clusterOf.length === sys.pes ? sys.clusterOf : Array.from({ length: sys.pes }, () => 0);
  return new CacheHierarchy({
    physical: ctx.physical,
    backing,
    pes: sys.pes,
    clusterOf,
    config: parseCacheConfig(sys, model.blocks),
    speculation: ctx.options.speculation,
    devices,
    trace: ctx.trace,
    step: () => ctx.step(),
    program: model.program,
    // Code sits at physical addresses (identity-mapped when the MMU is on), as in Machine.lineOfPc.
    lineOfPc: (pc) => (pc < 0 ? undefined : (model.program.instrs.get(pc)?.line ?? model.program.lineOf.get(pc))),
    decode: decodeInstruction,
  });
}
