/**
 * Side-effect-free views of the GIC for the debugger, the CLI and reports:
 * which interrupts are configured, pending or active, and what each PE's CPU
 * interface is signalled — in the architecture's words (INTID kinds, groups,
 * priorities as stored, IROUTER targets).
 */
import type { Gic } from './gic';
import { PPI_LAST, SPI_FIRST, SPI_LAST, groupLabel, intidKind } from './types';

export interface InterruptRow {
  intid: number;
  kind: 'SGI' | 'PPI' | 'SPI' | 'special';
  /** Redistributor (SGI/PPI) or routing target (SPI; -1: none, e.g. IRM=1 with no PE participating). */
  pe: number;
  group: string;
  priority: number;
  enabled: boolean;
  pending: boolean;
  active: boolean;
  trigger: 'edge' | 'level';
}

/**
 * Interrupts worth showing: enabled, pending or active ones (SGIs/PPIs of
 * every redistributor, or only PE `pe`'s when given, and every SPI).
 */
export function describeInterrupts(gic: Gic, pe?: number): InterruptRow[] {
  const rows: InterruptRow[] = [];
  const add = (intid: number, p: number): void => {
    const i = gic.index(intid, p);
    const enabled = gic.enabled[i] !== 0;
    const pending = gic.isPending(intid, p);
    const active = gic.active[i] !== 0;
    if (!enabled && !pending && !active) return;
    rows.push({
      intid,
      kind: intidKind(intid),
      pe: intid <= PPI_LAST ? p : gic.spiTarget(intid),
      group: groupLabel(gic.groupCodeOf(intid, p)),
      priority: gic.priority[i],
      enabled,
      pending,
      active,
      trigger: gic.edge[i] !== 0 ? 'edge' : 'level',
    });
  };
  for (let p = 0; p < gic.peCount; p++) {
    if (pe !== undefined && p !== pe) continue;
    for (let intid = 0; intid <= PPI_LAST; intid++) add(intid, p);
  }
  for (let intid = SPI_FIRST; intid <= SPI_LAST; intid++) add(intid, 0);
  return rows;
}

/** One line per PE: what its CPU interface signals and its running priority, e.g. `PE 0: INTID 33 (Non-secure Group 1, priority 0xa0) → IRQ; running priority 0xff`. */
export function describeCpuInterface(gic: Gic, pe: number): string {
  const sig = gic.signalled[pe];
  const rp = gic.runningPriority(pe);
  const rpText = `running priority 0x${rp.toString(16)}`;
  if (sig < 0) return `PE ${pe}: nothing signalled; ${rpText}`;
  const g = gic.signalledGroup[pe];
  return `PE ${pe}: INTID ${sig} (${groupLabel(g)}, priority 0x${gic.priorityOf(sig, pe).toString(16)}); ${rpText}`;
}
