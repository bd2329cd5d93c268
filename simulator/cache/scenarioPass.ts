/**
 * The cache layer's part of the scenario language (scenario/keywords.ts):
 * the `caches { … }` block, and a pass that checks it and the cache names of
 * `fill … in CACHE` events while the user types, with the same parser the
 * machine uses.
 */
import type { LanguageExtension } from '../scenario/keywords';
import type { ScenarioModel } from '../scenario/model';
import { buildPageTables } from '../mmu/pagetable/block';
import { cacheSetAliases, namedAddresses } from './aliasing';
import { parseCacheConfig } from './config';

/** Names of the caches a configuration builds (the names views and `fill … in` use). */
export function cacheNames(model: ScenarioModel): string[] {
  const sys = model.system;
  const cfg = parseCacheConfig(sys, model.blocks);
  const names = Array.from({ length: sys.pes }, (_, i) => `L1D.pe${i}`);
  if (cfg.l2) for (let k = 0; k < Math.max(1, sys.clusters); k++) names.push(`L2.cluster${k}`);
  if (cfg.system && cfg.poc !== 'system') names.push('SystemCache');
  return names;
}

export function checkCaches(model: ScenarioModel): void {
  const cfg = parseCacheConfig(model.system, model.blocks, model.diagnostics);
  if (model.system.cacheModel === 'on') {
    // Set aliasing (aliasing.ts): the scenario's blocks, expectations and page tables.
    const tables = buildPageTables(model).tables.flatMap((t) => t.builder.writes.map((w) => ({ pa: w.pa, range: t.spec.range, what: `pagetable ${t.spec.name} descriptor` })));
    model.diagnostics.push(...cacheSetAliases(cfg, [...namedAddresses(model), ...tables]));
  }
  const names = cacheNames(model);
  for (const ev of model.events) {
    const a = ev.action;
    if (a.kind !== 'fill' || a.cache === 'any') continue;
    if (!names.some((n) => n.toLowerCase() === a.cache.toLowerCase())) {
      model.diagnostics.push({
        range: ev.range,
        severity: 'error',
        message: `unknown cache '${a.cache}' (this system has ${names.join(', ')})`,
        rule: 'unknown-cache',
      });
    }
  }
}

export const CACHES_LANGUAGE: LanguageExtension = { name: 'caches', blocks: ['caches'], pass: checkCaches };
