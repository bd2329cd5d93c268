/**
 * Shareability domains (Arm ARM B2.7.1 "Shareable, Inner Shareable and Outer
 * Shareable memory"): which PEs an access, a barrier or a broadcast
 * maintenance operation reaches. One model for every layer that needs it:
 * coherence of the caches, the completion a DSB gives (B2.3.12 "Data
 * Synchronization Barrier": completion for the observers of its domain), and
 * the PEs a broadcast TLBI reaches (D8.13.x "Broadcast TLB maintenance").
 *
 * The scenario's `caches { inner_domain 0-1 }` lists one Inner Shareable
 * domain (default: every PE). A PE it does not list is an Inner Shareable
 * domain of its own. Every PE is in the one Outer Shareable domain (the full
 * system).
 */

/** A barrier or maintenance domain as written after DSB/DMB (`ish`, `oshst`, `sy`…): its shareability. */
export type DomainScope = 'nsh' | 'ish' | 'osh' | 'sy';

export class ShareabilityDomains {
  private readonly inner: ReadonlySet<number>;
  private readonly innerList: readonly number[];
  private readonly all: readonly number[];
  private readonly alone: (readonly number[])[];

  /** `inner`: the PEs of the configured Inner Shareable domain (undefined: every PE). */
  constructor(
    readonly pes: number,
    inner?: readonly number[],
  ) {
    this.all = Array.from({ length: pes }, (_, i) => i);
    this.innerList = inner === undefined ? this.all : [...inner].filter((p) => p >= 0 && p < pes).sort((a, b) => a - b);
    this.inner = new Set(this.innerList);
    this.alone = this.all.map((p) => [p]);
  }

  /** The Inner Shareable domain of PE `pe`: the configured one when it lists `pe`, else `pe` alone. */
  innerOf(pe: number): readonly number[] {
    return this.inner.has(pe) ? this.innerList : (this.alone[pe] ?? [pe]);
  }

  /** Whether `a` and `b` are in one Inner Shareable domain. */
  sameInner(a: number, b: number): boolean {
    return a === b || (this.inner.has(a) && this.inner.has(b));
  }

  /** The PEs of `pe`'s domain of a scope: itself (NSH), its Inner Shareable domain, or every PE (OSH, SY). */
  of(pe: number, scope: DomainScope): readonly number[] {
    switch (scope) {
      case 'nsh':
        return this.alone[pe] ?? [pe];
      case 'ish':
        return this.innerOf(pe);
      default:
        return this.all;
    }
  }

  /** Whether PE `observer` is in `pe`'s domain of `scope`. */
  reaches(pe: number, scope: DomainScope, observer: number): boolean {
    if (scope === 'nsh') return pe === observer;
    if (scope === 'ish') return this.sameInner(pe, observer);
    return observer >= 0 && observer < this.pes;
  }

  /** Words for messages: `the Inner Shareable domain of PE 2 (PE 2 alone)`. */
  describe(pe: number, scope: DomainScope): string {
    const list = this.of(pe, scope);
    const who = list.length === 1 ? `PE ${list[0]} alone` : `PEs ${peList(list)}`;
    switch (scope) {
      case 'nsh':
        return `PE ${pe} alone (Non-shareable)`;
      case 'ish':
        return `the Inner Shareable domain of PE ${pe} (${who})`;
      default:
        return `every PE (${scope === 'osh' ? 'Outer Shareable' : 'full system'})`;
    }
  }
}

/** `0-3`, `0-1, 3`. */
function peList(list: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    parts.push(j > i ? `${list[i]}-${list[j]}` : `${list[i]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The shareability of a DSB/DMB option (`ishst` → `ish`, `st`/`ld`/`sy` → `sy`). */
export function barrierScope(option: string): DomainScope {
  const o = option.toLowerCase();
  if (o.startsWith('nsh')) return 'nsh';
  if (o.startsWith('ish')) return 'ish';
  if (o.startsWith('osh')) return 'osh';
  return 'sy';
}

/** The wider of two scopes (HCR_EL2.BSU upgrades the shareability of EL1/EL0 barriers, Arm ARM D24.2 HCR_EL2.BSU). */
export function widerScope(a: DomainScope, b: DomainScope): DomainScope {
  const rank: Record<DomainScope, number> = { nsh: 0, ish: 1, osh: 2, sy: 3 };
  return rank[a] >= rank[b] ? a : b;
}
