/**
 * The GIC scope (simulator/gic): the interrupts pending or active for the
 * stopped PE (its SGIs and PPIs, and the SPIs), with group, priority and
 * whether they are enabled, and its priority mask. Shown only for scenarios
 * with a GIC (simulator/gic/presence.ts).
 */
import type { Gic } from '../../simulator/gic/gic';
import { describeInterrupts } from '../../simulator/gic/view';
import type { Pe } from '../../simulator/pe/pe';
import { hex } from '../../simulator/util/hex';
import { named, type Children, type VarNode } from '../handles';

export function gicScope(g: Gic, pe: Pe): Children {
  return named(() => {
    const out: VarNode[] = describeInterrupts(g, pe.id)
      .filter((r) => r.pending || r.active)
      .map((r) => ({
        name: `INTID ${r.intid} (${r.kind})`,
        value: `${[r.pending ? 'pending' : '', r.active ? 'active' : ''].filter((x) => x).join(' and ')}, ${r.enabled ? 'enabled' : 'disabled'}, priority ${hex(r.priority, 2)}, ${r.group}`,
      }));
    if (out.length === 0) out.push({ name: 'no interrupt pending or active', value: '' });
    out.push({ name: 'ICC_PMR_EL1', value: hex(g.pmr[pe.id] ?? 0, 2) });
    return out;
  });
}
