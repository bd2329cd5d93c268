/**
 * Translation in the memory model (docs/memory-model.md "Translation in the model"): which
 * write of a descriptor a PE's translation may use, after Arm ARM D8.2.6 "Ordering of memory
 * accesses from translation table walks" and D8.13 "TLB maintenance" (completion by DSB), in
 * the terms of herd7's VMSA variant of aarch64.cat (Simner et al., "Relaxed virtual memory in
 * Armv8-A", ESOP 2022) restated over Promising-ARM's views.
 *
 * A translation of an explicit access reads each descriptor written under the model as a
 * read of the message log, with two ways to get a value:
 *
 * - a *walk* now: the newest message to the descriptor at or before the PE's translation view
 *   `vtr` (joined with the access's address view), or any later message. A walk is not ordered
 *   by program order after the PE's own earlier write of the descriptor (no coherence bound):
 *   only a DSB that completes the write, then a context synchronization (ISB) before the
 *   access, makes the walk see it (`dsb` then `isb` raise `vtr`);
 * - a *TLB entry* filled by an earlier walk: any older message whose descriptor is valid
 *   (bit 0: faults are never cached, D8.13.2), unless a completed TLBI that reached the PE and
 *   covers the VA removed it: the TLBI was completed (a DSB after it, of a domain holding the
 *   PE) before the translation (`at` < the translation's view) and the message had been
 *   overwritten by a write ordered before the TLBI (`before`: the views its issuer had
 *   completed by DSB when it executed it).
 *
 * A TLBI without a following DSB is never complete: no other PE is guaranteed to have stopped
 * using the old entry.
 */
import type { FingerprintSink, MessageLog } from './messages';

/** A TLBI the model tracks: the VAs it covers and the PEs for which a DSB completed it. */
export interface TlbiRecord {
  /** As written, e.g. `TLBI VAAE1IS` (messages, hashing). */
  readonly text: string;
  /** The PEs whose TLBs it reached. */
  readonly reaches: readonly number[];
  /** VA range removed: [base, base + length); undefined: every VA. */
  readonly range: { readonly base: number; readonly length: number } | undefined;
  /** Writes completed (DSB) before it by its issuer: a message overwritten at or before this view is removed. */
  readonly before: number;
}

/** A TLBI completed by a DSB: for the PEs of `pes`, after the messages up to `at`. */
interface Completed extends TlbiRecord {
  readonly pes: readonly number[];
  readonly at: number;
}

export interface TranslationSnapshot {
  readonly vdsb: readonly number[];
  readonly vtr: readonly number[];
  readonly pending: readonly (readonly TlbiRecord[])[];
  readonly completed: readonly Completed[];
}

export class TranslationViews {
  /** Per PE: the view of its accesses completed by its last DSB. */
  vdsb: number[];
  /** Per PE: lower bound of its walks (raised by a context synchronization after a DSB). */
  vtr: number[];
  /** Per PE: TLBIs executed and not yet completed by a DSB. */
  pending: TlbiRecord[][];
  completed: Completed[] = [];

  constructor(pes: number) {
    this.vdsb = new Array<number>(pes).fill(0);
    this.vtr = new Array<number>(pes).fill(0);
    this.pending = Array.from({ length: pes }, () => []);
  }

  /** DSB by `pe`: its earlier accesses (view `done`) are complete; its TLBIs are complete for the PEs of `domain`. */
  dsb(pe: number, done: number, domain: readonly number[], log: MessageLog): number {
    if (done > this.vdsb[pe]) this.vdsb = this.with(this.vdsb, pe, done);
    const p = this.pending[pe];
    if (p.length === 0) return 0;
    const at = log.length;
    const inDomain = new Set(domain);
    this.completed = [...this.completed, ...p.map((t) => ({ ...t, pes: t.reaches.filter((q) => inDomain.has(q)), at }))];
    this.pending = this.pending.slice();
    this.pending[pe] = [];
    // Every later access of the issuer is after the completion.
    return at;
  }

  /** A context synchronization (ISB) by `pe`: later walks start after what its DSBs completed and its branches. */
  isb(pe: number, vcap: number): void {
    const v = Math.max(this.vdsb[pe], vcap);
    if (v > this.vtr[pe]) this.vtr = this.with(this.vtr, pe, v);
  }

  tlbi(pe: number, t: Omit<TlbiRecord, 'before'>): void {
    this.pending = this.pending.slice();
    this.pending[pe] = [...this.pending[pe], { ...t, before: this.vdsb[pe] }];
  }

  /**
   * The messages a translation of `va` by `pe` may use for the descriptor at `loc`, oldest first:
   * TLB entries (valid, not removed by a completed TLBI), then the walk's (header comment).
   * `view`: the access's address view; `own`: the PE's unfulfilled promises (never read).
   */
  usable(log: MessageLog, loc: number, pe: number, va: number, view: number, own: readonly number[], valid: (ts: number) => boolean): number[] {
    const bound = Math.max(this.vtr[pe], view);
    const fresh = log.latestTs(loc, bound);
    const stamps = [0, ...log.timestampsOf(loc)];
    const out: number[] = [];
    for (let k = 0; k < stamps.length; k++) {
      const ts = stamps[k];
      if (own.includes(ts)) continue;
      if (ts >= fresh) out.push(ts);
      else if (valid(ts) && !this.removed(pe, va, bound, stamps[k + 1])) out.push(ts);
    }
    return out;
  }

  /** Whether a completed TLBI removed, for `pe` translating `va` at view `bound`, an entry overwritten at `next`. */
  private removed(pe: number, va: number, bound: number, next: number): boolean {
    for (const t of this.completed) {
      if (t.at >= bound || next > t.before || !t.pes.includes(pe)) continue;
      if (t.range === undefined || (va >= t.range.base && va < t.range.base + t.range.length)) return true;
    }
    return false;
  }

  private with(a: number[], i: number, v: number): number[] {
    const b = a.slice();
    b[i] = v;
    return b;
  }

  snapshot(): TranslationSnapshot {
    return { vdsb: this.vdsb, vtr: this.vtr, pending: this.pending, completed: this.completed };
  }

  restore(s: TranslationSnapshot): void {
    this.vdsb = s.vdsb as number[];
    this.vtr = s.vtr as number[];
    this.pending = s.pending as TlbiRecord[][];
    this.completed = s.completed as Completed[];
  }

  hashInto(h: FingerprintSink): void {
    for (const v of this.vdsb) h.word(v);
    for (const v of this.vtr) h.word(v);
    const rec = (t: TlbiRecord): void => {
      h.word(t.text.length);
      for (let i = 0; i < t.text.length; i++) h.word(t.text.charCodeAt(i));
      for (const q of t.reaches) h.word(q);
      h.num(t.range?.base ?? -1);
      h.num(t.range?.length ?? -1);
      h.word(t.before);
    };
    for (const p of this.pending) {
      h.word(0xd5b0 + p.length);
      p.forEach(rec);
    }
    for (const t of this.completed) {
      rec(t);
      h.word(t.at);
      for (const q of t.pes) h.word(q);
    }
  }
}
