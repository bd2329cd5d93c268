/**
 * Barrier domains for the checkers (Arm ARM B2.3.12 "Data Synchronization
 * Barrier"): a DSB completes the PE's earlier memory accesses and maintenance
 * only for the observers of its shareability domain — DSB NSH for the PE
 * itself, DSB ISH for its Inner Shareable domain, DSB OSH/SY for every PE.
 * The domains are the ones coherence uses (memory/shareability.ts, the
 * scenario's `inner_domain`). At EL1/EL0, HCR_EL2.BSU upgrades the
 * shareability of barriers (Arm ARM D24.2 HCR_EL2.BSU).
 */
import { HCR_EL2 } from '../arch/registers/fields';
import { barrierScope, widerScope, type DomainScope, type ShareabilityDomains } from '../memory/shareability';
import { el2Enabled, refreshConfig } from '../pe/config';
import type { Pe } from '../pe/pe';

const SCOPES: readonly DomainScope[] = ['nsh', 'ish', 'osh', 'sy'];
const BSU: readonly (DomainScope | undefined)[] = [undefined, 'ish', 'osh', 'sy'];

/** The shareability a DSB/DMB option has when `pe` executes it (the option, upgraded by HCR_EL2.BSU at EL1/EL0). */
export function effectiveBarrierScope(pe: Pe, option: string): DomainScope {
  const scope = barrierScope(option);
  if (pe.el > 1) return scope;
  refreshConfig(pe);
  if (!el2Enabled(pe)) return scope;
  const bsu = BSU[HCR_EL2.BSU.ofLo(pe.hcrLo)];
  return bsu === undefined ? scope : widerScope(scope, bsu);
}

export interface DsbMark {
  step: number;
  line: number | undefined;
  scope: DomainScope;
}

/** Every PE's latest DSB of each shareability. */
export class DsbRecord {
  /** [pe][scope index] → the latest DSB of that scope. */
  private last: (DsbMark | undefined)[][];

  constructor(
    pes: number,
    private readonly domains: ShareabilityDomains,
  ) {
    this.last = Array.from({ length: pes }, () => SCOPES.map(() => undefined));
  }

  onDsb(pe: number, scope: DomainScope, step: number, line: number | undefined): void {
    const row = this.last[pe];
    if (row !== undefined) row[SCOPES.indexOf(scope)] = { step, line, scope };
  }

  /**
   * A DSB by `writer` at or after `step` (built-in firmware writes and then
   * issues its barrier within one step) that completed the write for `observer`
   * (`done`), else the widest one after `step` that did not (its domain leaves
   * `observer` out), else nothing.
   */
  completion(writer: number, step: number, observer: number): { done: true } | { done: false; narrower?: DsbMark } {
    let narrower: DsbMark | undefined;
    for (const m of this.last[writer] ?? []) {
      // The same step counts: built-in firmware writes tables and then issues its barrier within one step.
      if (m === undefined || m.step < step) continue;
      if (this.domains.reaches(writer, m.scope, observer)) return { done: true };
      narrower = m;
    }
    return { done: false, narrower };
  }

  /** Words for a domain: `the Inner Shareable domain of PE 0 (PEs 0-1)`. */
  describe(pe: number, scope: DomainScope): string {
    return this.domains.describe(pe, scope);
  }

  reaches(pe: number, scope: DomainScope, observer: number): boolean {
    return this.domains.reaches(pe, scope, observer);
  }

  snapshot(): (DsbMark | undefined)[][] {
    return this.last.map((row) => row.slice());
  }

  restore(s: (DsbMark | undefined)[][] | undefined): void {
    this.last = this.last.map((row, i) => s?.[i]?.slice() ?? row.map(() => undefined));
  }
}
