/**
 * Rules about translation tables and TLBs, observed through the MMU's
 * walk/TLB hooks (mmu/types.ts `MmuObserver`), TLBI, barriers and writes to
 * descriptors the walker has used:
 *
 * - `stale-descriptor`: a walk read a descriptor older than the latest write
 *   to it, or one written without a DSB before the walk (Arm ARM D8.2.6
 *   "Ordering of memory accesses from translation table walks": a DSB is
 *   required for a table write to be observed by a walk).
 * - `break-before-make`: a valid descriptor replaced by a different valid one
 *   (output address, memory type or shareability) without first writing an
 *   invalid descriptor and invalidating the TLB (D8.16.1 "Using
 *   break-before-make when updating translation table entries").
 * - `tlbi-without-sync`: a translation used the TLB after a TLBI that no DSB
 *   had completed yet (D8.13.x "Ordering and completion of TLB maintenance
 *   instructions": TLBI; DSB; ISB).
 */
import type { MemAttrs } from '../memory/attributes';
import type { WalkRead, TlbUse } from '../mmu/types';
import type { Pe } from '../pe/pe';
import type { ShadowMemory } from '../cache/shadow';
import { hex } from '../util/hex';
import type { FindingSink } from './host';

interface LiveDescriptor {
  lo: number;
  hi: number;
  /** live: seen valid by a walk; invalidated: an invalid value was written; synced: a TLBI followed it. */
  state: 'live' | 'invalidated' | 'synced';
  invLine?: number;
}

interface PendingTlbi {
  op: string;
  line: number | undefined;
  pc: number;
  broadcast: boolean;
}

/** Descriptor bits whose change requires break-before-make: OA [47:12], AttrIndx/MemAttr [5:2], SH [9:8], type [1]. */
function bbmRelevant(lo: number, hi: number): string {
  return `${(hi & 0xffff) >>> 0}:${(lo & 0xfffff000) >>> 0}:${(lo >>> 2) & 0xf}:${(lo >>> 8) & 3}:${(lo >>> 1) & 1}`;
}

function valid(lo: number): boolean {
  return (lo & 1) === 1;
}

function desc(lo: number, hi: number): string {
  return hex((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), 16);
}

export class TranslationRules {
  private readonly live = new Map<number, LiveDescriptor>();
  private readonly pendingTlbi: (PendingTlbi | undefined)[] = [];
  /** Step of each PE's last DSB. */
  private readonly lastDsb: number[] = [];
  /** Moves on every change to the state above: a checkpoint taken at the same version reuses the last capture. */
  private version = 0;
  private snapVersion = -1;
  private lastSnap: unknown = undefined;

  constructor(
    private readonly sink: FindingSink,
    pes: readonly Pe[],
    private readonly step: () => number,
    private readonly shadow: ShadowMemory | undefined,
    /** Ask the memory system to report writes to a descriptor (absent: break-before-make cannot be checked). */
    private readonly watch: ((pa: number) => void) | undefined,
    /** Dirty copies of a line with attributes other than the walk's (for the explanation). */
    private readonly otherCopies: (pa: number, attrs: MemAttrs) => string[],
  ) {
    for (let i = 0; i < pes.length; i++) {
      this.pendingTlbi.push(undefined);
      this.lastDsb.push(-1);
    }
  }

  snapshot(): unknown {
    if (this.snapVersion !== this.version) {
      this.lastSnap = {
        live: [...this.live].map(([k, v]) => [k, { ...v }] as const),
        pendingTlbi: this.pendingTlbi.map((p) => (p ? { ...p } : undefined)),
        lastDsb: this.lastDsb.slice(),
      };
      this.snapVersion = this.version;
    }
    return this.lastSnap;
  }

  /** Back to a checkpoint; `undefined` = the state at attach time. */
  restore(s: unknown): void {
    // Unchanged since this very capture was taken or restored: nothing to do.
    if (s !== undefined && s === this.lastSnap && this.snapVersion === this.version) return;
    const snap = s as { live: [number, LiveDescriptor][]; pendingTlbi: (PendingTlbi | undefined)[]; lastDsb: number[] } | undefined;
    this.version++;
    this.live.clear();
    for (const [k, v] of snap?.live ?? []) this.live.set(k, { ...v });
    for (let i = 0; i < this.pendingTlbi.length; i++) {
      const p = snap?.pendingTlbi[i];
      this.pendingTlbi[i] = p ? { ...p } : undefined;
      this.lastDsb[i] = snap?.lastDsb[i] ?? -1;
    }
    // The live state is this capture again (copies of it): the next snapshot may hand it back.
    if (s !== undefined) {
      this.lastSnap = s;
      this.snapVersion = this.version;
    }
  }

  get canCheckBbm(): boolean {
    return this.watch !== undefined;
  }

  onWalkRead(pe: Pe, r: WalkRead): void {
    this.translationUsed(pe, r.va);
    this.checkStale(pe, r);
    if (valid(r.lo) && this.watch !== undefined) {
      this.version++;
      const e = this.live.get(r.pa);
      if (e === undefined) this.watch(r.pa);
      this.live.set(r.pa, { lo: r.lo, hi: r.hi, state: 'live' });
    }
  }

  onTlbUse(pe: Pe, u: TlbUse): void {
    this.translationUsed(pe, u.va);
  }

  onTlbi(pe: Pe, op: string): void {
    this.version++;
    this.pendingTlbi[pe.id] = { op, line: this.sink.lineOf(pe.pc), pc: pe.pc, broadcast: /(is|os)(nxs)?$/.test(op) };
    for (const e of this.live.values()) if (e.state === 'invalidated') e.state = 'synced';
  }

  onBarrier(pe: Pe, kind: 'dmb' | 'dsb' | 'isb'): void {
    if (kind !== 'dsb') return;
    this.version++;
    this.lastDsb[pe.id] = this.step();
    this.pendingTlbi[pe.id] = undefined;
  }

  /** A write to a descriptor a walk has used. */
  onDescriptorWrite(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number): void {
    const g = pa - (pa % 8);
    const e = this.live.get(g);
    if (e === undefined) return;
    this.version++;
    if (size !== 8 || pa !== g) {
      // A partial write: treat as making a new value (rare in table code).
      return;
    }
    if (!valid(lo)) {
      e.state = 'invalidated';
      e.invLine = pe ? this.sink.lineOf(pe.pc) : undefined;
      e.lo = lo;
      e.hi = hi;
      return;
    }
    const s = this.sink;
    const line = pe ? s.lineOf(pe.pc) : undefined;
    if (e.state === 'live' && valid(e.lo) && bbmRelevant(e.lo, e.hi) !== bbmRelevant(lo, hi)) {
      s.report(
        'break-before-make',
        'error',
        `valid descriptor at ${hex(pa)} replaced (${desc(e.lo, e.hi)} → ${desc(lo, hi)}) while the old entry may be cached in TLBs: ` +
          `write an invalid descriptor, DSB, TLBI for the address, DSB, then write the new one (Arm ARM D8.16.1 break-before-make).`,
        line,
        [],
        pe?.id,
      );
    } else if (e.state === 'invalidated') {
      s.report(
        'break-before-make',
        'error',
        `descriptor at ${hex(pa)} made valid again (${desc(lo, hi)}) after the invalid write at ${s.where(e.invLine)} without a TLBI in between: ` +
          `the old translation may still be in a TLB (Arm ARM D8.16.1).`,
        line,
        [{ line: e.invLine, message: 'descriptor invalidated here' }],
        pe?.id,
      );
    }
    e.lo = lo;
    e.hi = hi;
    e.state = 'synced';
  }

  private translationUsed(pe: Pe, va: number): void {
    // The fetch of the next instruction is translated too: only data translations count
    // (a translation of the instruction's own address is its fetch).
    if (va >= pe.pc && va < pe.pc + 4) return;
    for (let q = 0; q < this.pendingTlbi.length; q++) {
      const t = this.pendingTlbi[q];
      if (t === undefined || (q !== pe.id && !t.broadcast)) continue;
      const s = this.sink;
      s.report(
        'tlbi-without-sync',
        'warning',
        `translation of ${hex(BigInt.asUintN(64, BigInt(va)))} by PE ${pe.id} used the TLB after TLBI ${t.op.toUpperCase()} at ${s.where(t.line)} ` +
          `with no DSB to complete it: the old translation may still be used. Follow TLBI with DSB (and ISB) (Arm ARM D8.13).`,
        s.lineOf(pe.pc),
        [{ line: t.line, message: `TLBI ${t.op.toUpperCase()} not completed by a DSB` }],
        pe.id,
      );
      this.pendingTlbi[q] = undefined;
      this.version++;
    }
  }

  private checkStale(pe: Pe, r: WalkRead): void {
    const shadow = this.shadow;
    if (shadow === undefined || !shadow.written(r.pa)) return;
    const latest = shadow.value(r.pa, 8);
    const got = (BigInt(r.hi >>> 0) << 32n) | BigInt(r.lo >>> 0);
    const w = shadow.writer(r.pa);
    const s = this.sink;
    const site = w ? s.writeSite(w.pe, w.pc, w.step) : undefined;
    const wline = site?.line;
    const walk = `stage-${r.stage} level ${r.level} walk for ${hex(BigInt.asUintN(64, BigInt(r.va)))}${r.ipa !== undefined ? ` (IPA ${hex(r.ipa)})` : ''}`;
    if (latest !== got) {
      const others = this.otherCopies(r.pa, r.attrs);
      const why =
        others.length > 0
          ? ` The write left the descriptor dirty in ${others.join(', ')}, and the walk reads with ${r.attrs.label} (TCR_ELx/VTCR_EL2 IRGN/ORGN/SH): ` +
            `mismatched attributes hit a different copy (Arm ARM B2.8). Make the table memory attributes match the walk attributes.`
          : ` Make the write visible to the walker: DSB after the write, and clean to the PoC if the walk is not coherent with the write (Arm ARM D8.2.6).`;
      s.report(
        'stale-descriptor',
        'error',
        `${walk} read descriptor ${hex(r.pa)} = ${hex(got, 16)}, but ${site?.subject ?? 'an unknown line'} wrote ${hex(latest, 16)} there.${why}`,
        s.lineOf(pe.pc),
        [{ line: wline, message: `descriptor write (${hex(latest, 16)}) the walk did not see${site?.firmware ? `, by ${site.subject}` : ''}` }],
        pe.id,
      );
      return;
    }
    if (w !== undefined && w.pe >= 0 && this.lastDsb[w.pe] < w.step) {
      s.report(
        'stale-descriptor',
        'warning',
        `${walk} read descriptor ${hex(r.pa)} written ${site?.written ?? 'at an unknown line'} by PE ${w.pe} with no DSB since: ` +
          `the walk is not guaranteed to observe the write (Arm ARM D8.2.6); it happened to here.`,
        s.lineOf(pe.pc),
        [{ line: wline, message: 'descriptor write not followed by a DSB' }],
        pe.id,
      );
    }
  }
}
