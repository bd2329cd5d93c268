/** Test fixtures: a hierarchy with bare PEs (no MMU: tests pass PAs and attributes directly). */
import { FlatMemorySystem } from '../../simulator/memory/flat';
import { PhysicalMemory } from '../../simulator/memory/physical';
import { Pe, type PeEnvironment } from '../../simulator/pe/pe';
import { CacheHierarchy, type CacheHierarchyOptions } from '../../simulator/cache/hierarchy';
import { defaultCacheConfig, type CacheConfig } from '../../simulator/cache/config';
import { HazardDetector, type Hazard } from '../../simulator/cache/hazards';
import { ShadowMemory } from '../../simulator/cache/shadow';
import type { Instr } from '../../simulator/isa/instr';
import type { Program } from '../../simulator/scenario/model';

export interface Fixture {
  h: CacheHierarchy;
  pes: Pe[];
  physical: PhysicalMemory;
  step: { n: number };
}

export function fixture(
  opts: {
    pes?: number;
    clusterOf?: number[];
    config?: Partial<CacheConfig>;
    speculation?: 'none' | 'adversarial';
    program?: Program;
    decode?: CacheHierarchyOptions['decode'];
    devices?: { base: number; size: number }[];
  } = {},
): Fixture {
  const n = opts.pes ?? 2;
  const physical = new PhysicalMemory();
  const backing = new FlatMemorySystem(physical);
  const step = { n: 0 };
  const config = { ...defaultCacheConfig(n), ...opts.config };
  const h = new CacheHierarchy({
    physical,
    backing,
    pes: n,
    clusterOf: opts.clusterOf ?? Array.from({ length: n }, () => 0),
    config,
    speculation: opts.speculation,
    step: () => step.n,
    program: opts.program,
    decode: opts.decode,
    devices: opts.devices,
  });
  const pes: Pe[] = [];
  for (let i = 0; i < n; i++) {
    const env = { mmu: {}, memory: h, sys: {}, fetchInstr: () => undefined } as unknown as PeEnvironment;
    pes.push(new Pe(i, env));
  }
  return { h, pes, physical, step };
}

export function rd(f: Fixture, pe: number, pa: number, size: number, attrs: import('../../simulator/memory/attributes').MemAttrs): number {
  f.h.read(f.pes[pe], pa, size, attrs);
  return f.pes[pe].ldLo;
}

export function wr(f: Fixture, pe: number, pa: number, size: number, v: number, attrs: import('../../simulator/memory/attributes').MemAttrs): void {
  f.h.write(f.pes[pe], pa, size, v >>> 0, 0, attrs);
}

/** State letters of every copy of the line, as `cache:state:attrs`. */
export function states(f: Fixture, pa: number): string[] {
  return f.h.linesOf(pa).map((l) => `${l.cache}:${l.state}:${l.attrs}`);
}

/** The hazards the hierarchy's detector reports from now on, judged against a shadow of every write (as the checkers attach it). */
export function watchHazards(f: Fixture): Hazard[] {
  const shadow = new ShadowMemory(f.physical);
  f.h.hooks.write.subscribe((pe, pa, size, lo, hi) => shadow.write(pe?.id ?? -1, pe?.pc ?? NaN, f.step.n + 1, pa, size, lo, hi));
  const seen: Hazard[] = [];
  new HazardDetector(f.h, shadow).hazard.subscribe((h) => seen.push(h));
  return seen;
}

export function fakeInstr(text: string, encoding: number, line?: number): Instr {
  return { mnemonic: text.split(' ')[0], text, encoding, line, exec: () => undefined };
}
