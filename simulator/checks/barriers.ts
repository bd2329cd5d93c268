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
  /** The PE's DSBs so far, this one included (its *epoch*: see `DsbRecord.writeEpoch`). */
  epoch: number;
}

/** Per PE: DSBs so far, the step of the latest, and the count before that step (`writeEpoch`). */
interface DsbCount {
  count: number;
  step: number;
  before: number;
}

export interface DsbSnapshot {
  last: (DsbMark | undefined)[][];
  counts: DsbCount[];
}

/**
 * Every PE's latest DSB of each shareability.
 *
 * The rule compares step numbers (a DSB at or after the write's step), but
 * the step count depends on how the PEs' steps interleave: two orders of
 * independent steps would leave different stamps for the same state. The
 * fingerprint uses each PE's own DSB count instead (its *epoch*): a write by
 * PE w is stamped with the number of DSBs w executed in steps before the
 * write's step, a DSB with the number up to and including it, and "a DSB at
 * or after the write's step" is exactly "DSB epoch > write epoch" (both
 * events are PE w's, and w's steps keep their order whatever the
 * interleaving). `stateHash` and the shadow memory's write epochs hash these.
 */
export class DsbRecord {
  /** [pe][scope index] → the latest DSB of that scope. */
  private last: (DsbMark | undefined)[][];
  private counts: DsbCount[];

  constructor(
    pes: number,
    private readonly domains: ShareabilityDomains,
  ) {
    this.last = Array.from({ length: pes }, () => SCOPES.map(() => undefined));
    this.counts = Array.from({ length: pes }, () => ({ count: 0, step: -1, before: 0 }));
  }

  onDsb(pe: number, scope: DomainScope, step: number, line: number | undefined): void {
    const row = this.last[pe];
    const c = this.counts[pe];
    if (row === undefined || c === undefined) return;
    const n = { count: c.count + 1, step, before: c.step === step ? c.before : c.count };
    this.counts[pe] = n;
    row[SCOPES.indexOf(scope)] = { step, line, scope, epoch: n.count };
  }

  /** The epoch of a write by PE `pe` at step `step` (the current step): its DSBs in earlier steps. */
  writeEpoch(pe: number, step: number): number {
    const c = this.counts[pe];
    if (c === undefined) return 0;
    return c.step === step ? c.before : c.count;
  }

  /** Fingerprint: per PE, its DSB count and each scope's latest DSB epoch (not its step, nor its line: provenance). */
  stateHash(h: { word(w: number): unknown }): void {
    this.last.forEach((row, pe) => {
      h.word(this.counts[pe].count);
      for (const m of row) h.word(m === undefined ? -1 : m.epoch);
    });
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

  snapshot(): DsbSnapshot {
    return { last: this.last.map((row) => row.slice()), counts: this.counts.slice() };
  }

  restore(s: DsbSnapshot | undefined): void {
    this.last = this.last.map((row, i) => s?.last[i]?.slice() ?? row.map(() => undefined));
    this.counts = this.counts.map((_, i) => s?.counts[i] ?? { count: 0, step: -1, before: 0 });
  }
}
