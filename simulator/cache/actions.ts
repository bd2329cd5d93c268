/**
 * The cache hierarchy's choice points (component/actions.ts `ActionSource`):
 * "a cache evicts a dirty line" and "a PE speculatively refills a line it
 * recently cleaned or invalidated" (DESIGN.md "The machine"). Both are
 * non-eager: the run policy never picks them; exploration and adversarial
 * policies do. Not part of a machine by default — a registered source makes
 * every step compute the enabled set — so exploration adds it:
 * `machine.addComponent({ name: 'cache choices', actions: new CacheActionSource(hierarchy, machine.pes) })`.
 */
import type { Action, ActionSource, ComponentAction } from '../component/actions';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import type { CacheHierarchy } from './hierarchy';
import { LineState } from './line';
import { evict } from './writeback';

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

  constructor(
    private readonly hierarchy: CacheHierarchy,
    private readonly pes: readonly Pe[],
  ) {
    hierarchy.speculation.trackRefillCandidates();
  }

  enabledActions(out: Action[]): void {
    const h = this.hierarchy;
    for (const c of h.caches) {
      c.lines.forEach((l, way) => {
        if (l.state !== LineState.M && l.state !== LineState.O) return;
        const data: EvictData = { kind: 'evict', cache: c.index, way };
        out.push({ kind: 'component', source: this, name: 'evict', label: `${c.name} evicts ${hex(l.pa)} (${l.attrs.label}, dirty)`, eager: false, data });
      });
    }
    (h.speculation.refillCandidates ?? []).forEach((cand, index) => {
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

  apply(action: ComponentAction): void {
    const d = action.data as EvictData | FillData;
    const h = this.hierarchy;
    if (d.kind === 'spec-fill') {
      h.speculation.applyCandidate(this.pes[d.pe], d.index);
      return;
    }
    // The cache evicts the way (write-back when dirty): no PE's instruction causes it.
    const l = h.caches[d.cache]?.lines[d.way];
    h.curPc = NaN;
    if (l !== undefined && l.state !== LineState.I) {
      h.evictions.log(l, h.stepFn() + 1);
      evict(h, l, 'evict', -1);
    }
  }
}
