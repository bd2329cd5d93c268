/**
 * Set aliasing in the configured caches: a line's set is (PA / 64) mod sets,
 * so addresses `sets × 64` bytes apart share one — with the default L1D (16
 * sets × 4 ways) every 1 KB, so every page-aligned address lands in set 0.
 * When a scenario uses more lines of one set than the cache has ways, they
 * evict one another, and an eviction can hide the effect the scenario means
 * to show (a dirty line written back, a stale copy dropped). `armscope check`
 * warns about it (rule `cache-set-alias`), naming the addresses.
 *
 * The addresses looked at are the data a scenario names: the start of every
 * `data` block, every descriptor a `pagetable` block writes (walks read them
 * through the data caches), and the addresses of memory expectations. Code is
 * fetched through the instruction side and is not counted.
 */
import type { Diagnostic, ScenarioModel, SourceRange } from '../scenario/model';
import { hex } from '../util/hex';
import { LINE_SIZE, type CacheConfig, type CacheGeometry } from './config';

/** An address the scenario names, with where it names it. */
export interface NamedAddress {
  pa: number;
  range: SourceRange;
  what: string;
}

/** The addresses a scenario names (besides its page tables, which the caller adds). */
export function namedAddresses(model: ScenarioModel): NamedAddress[] {
  const out: NamedAddress[] = [];
  for (const b of model.code) {
    if (b.kind !== 'data') continue;
    const v = b.base.value;
    if (v !== undefined) out.push({ pa: Number(v), range: b.range, what: `data ${b.name ?? 'block'}` });
  }
  for (const e of model.expectations) {
    if (e.kind !== 'memory' || e.address.value === undefined) continue;
    out.push({ pa: Number(e.address.value), range: e.range, what: `expectation '${e.text}'` });
  }
  return out;
}

/** The sets of one cache. */
function sets(g: CacheGeometry): number {
  return Math.max(1, g.size / (LINE_SIZE * g.ways));
}

/** Warnings for every set of L1D and L2 that more distinct named lines map to than the cache has ways. */
export function cacheSetAliases(cfg: CacheConfig, addresses: readonly NamedAddress[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const levels: [string, CacheGeometry | undefined][] = [
    ['L1D', cfg.l1d],
    ['L2', cfg.l2],
  ];
  for (const [name, g] of levels) {
    if (g === undefined) continue;
    const n = sets(g);
    const bySet = new Map<number, NamedAddress[]>();
    const seen = new Set<number>();
    for (const a of addresses) {
      const line = Math.floor(a.pa / LINE_SIZE);
      if (seen.has(line)) continue;
      seen.add(line);
      const set = line % n;
      let list = bySet.get(set);
      if (list === undefined) bySet.set(set, (list = []));
      list.push(a);
    }
    for (const [set, list] of bySet) {
      if (list.length <= g.ways) continue;
      const over = list[g.ways];
      out.push({
        range: over.range,
        severity: 'warning',
        rule: 'cache-set-alias',
        message:
          `${list.length} lines this scenario uses map to set ${set} of ${name} (${n} sets × ${g.ways} ways: addresses ${hex(n * LINE_SIZE)} apart share a set): ` +
          `${list.map((a) => `${hex(a.pa - (a.pa % LINE_SIZE))} (${a.what})`).join(', ')}. More lines than ways evict one another, and an eviction can hide ` +
          `an effect (a dirty line written back, a stale copy dropped). Give ${name} more sets or ways (caches { ${name === 'L1D' ? 'l1d' : 'l2'} size … ways … }) or move the data.`,
        related: list.filter((a) => a !== over).map((a) => ({ range: a.range, message: `${a.what}: ${hex(a.pa)}` })),
      });
    }
  }
  return out;
}
