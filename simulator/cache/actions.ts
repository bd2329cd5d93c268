/**
 * The cache hierarchy's contribution to the machine's choices (engine/actions.ts
 * `ActionSource`): "a cache evicts a dirty line" and "a PE speculatively refills
 * a line it just cleaned or invalidated" (DESIGN.md "The machine"). Both are
 * non-eager: the default run policy never picks them; exploration and
 * adversarial policies do. Not registered by default — a registered source
 * makes every step go through the general path — so `explore` adds it:
 * `machine.sources.push(new CacheActionSource(hierarchy))`.
 */
import type { Action, ActionSource, ComponentAction } from '../engine/actions';
import type { Machine } from '../engine/machine';
import { hex } from '../util/hex';
import type { CacheHierarchy } from './hierarchy';
import { LineState } from './line';

interface EvictData {
  kind: 'evict';
  cache: number;
  way: number;
}

interface FillData {
  kind: 'spec-fill';
  index: number;
  pe: number;
}

export class CacheActionSource implements ActionSource {
  readonly name = 'caches';

  constructor(private readonly hierarchy: CacheHierarchy) {
    hierarchy.trackRefillCandidates();
  }

  enabledActions(_machine: Machine, out: Action[]): void {
    const h = this.hierarchy;
    for (const c of h.caches) {
      c.lines.forEach((l, way) => {
        if (l.state !== LineState.M && l.state !== LineState.O) return;
        const data: EvictData = { kind: 'evict', cache: c.index, way };
        out.push({ kind: 'component', source: this, name: 'evict', label: `${c.name} evicts ${hex(l.pa)} (${l.attrs.label}, dirty)`, eager: false, data });
      });
    }
    (h.refillCandidates ?? []).forEach((cand, index) => {
      const data: FillData = { kind: 'spec-fill', index, pe: cand.pe };
      out.push({
        kind: 'component',
        source: this,
        name: 'spec-fill',
        label: `L1D.pe${cand.pe} speculatively fills ${hex(cand.line)} (${cand.attrs.label})`,
        eager: false,
        data,
      });
    });
  }

  apply(machine: Machine, action: ComponentAction): void {
    const d = action.data as EvictData | FillData;
    if (d.kind === 'evict') this.hierarchy.evictWay(d.cache, d.way);
    else this.hierarchy.applySpeculativeRefill(machine.pes[d.pe], d.index);
  }
}
