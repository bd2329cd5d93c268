/**
 * The Generic Timer (Arm ARM D11 "The Generic Timer in AArch64 state"): one
 * system counter shared by every PE, and per PE the EL1 physical (CNTP),
 * virtual (CNTV), EL2 physical (CNTHP), EL2 virtual (CNTHV), Secure physical
 * (CNTPS) and Secure EL2 (CNTHPS, CNTHVS) timers, each with CTL/CVAL/TVAL.
 *
 * The counter is deterministic: CNTPCT_EL0 = the number of machine steps
 * taken so far (the machine passes a clock); CNTVCT_EL0 = CNTPCT_EL0 −
 * CNTVOFF_EL2 (D11.1.2). A timer's condition is met when the counter
 * reaches CVAL (D11.2.4 "Operation of the CompareValue views"); its
 * interrupt output is ENABLE ∧ ¬IMASK ∧ ISTATUS, a level-sensitive PPI:
 * by the Server Base System Architecture convention CNTP → 30, CNTV → 27,
 * CNTHP → 26, CNTHV → 28, CNTPS → 29, CNTHPS → 20, CNTHVS → 19.
 *
 * CTL (ENABLE, IMASK) and CVAL live in the PE's register storage; TVAL is a
 * view (D11.2.4: TVAL = CVAL − count as a signed 32-bit value; writing TVAL
 * sets CVAL = count + SignExtend(TVAL)). ISTATUS is computed on read.
 * The machine asks `nextDeadline()` for the step at which an output will
 * rise, so its fast loop stops exactly there and calls `tick()`.
 */
import { CNT_CTL } from '../arch/registers/fields';
import type { StateHasher } from '../component/state';
import type { Pe } from '../pe/pe';
import type { SysregHandler } from '../pe/sysregs';

export interface TimerDef {
  /** Register prefix and suffix: CNTP + _EL0 → CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0. */
  prefix: string;
  suffix: string;
  ppi: number;
  /** Compares against the virtual count (CNTPCT − CNTVOFF_EL2). */
  virtual: boolean;
}

export const TIMERS: readonly TimerDef[] = [
  { prefix: 'CNTP', suffix: 'EL0', ppi: 30, virtual: false },
  { prefix: 'CNTV', suffix: 'EL0', ppi: 27, virtual: true },
  { prefix: 'CNTHP', suffix: 'EL2', ppi: 26, virtual: false },
  { prefix: 'CNTHV', suffix: 'EL2', ppi: 28, virtual: true },
  { prefix: 'CNTPS', suffix: 'EL1', ppi: 29, virtual: false },
  { prefix: 'CNTHPS', suffix: 'EL2', ppi: 20, virtual: false },
  { prefix: 'CNTHVS', suffix: 'EL2', ppi: 19, virtual: true },
];

/** Where a timer's interrupt output goes (a GIC PPI input of that PE). */
export type PpiLine = (pe: number, ppi: number, high: boolean) => void;

const CTL_ENABLE = CNT_CTL.ENABLE.mask;
const CTL_IMASK = CNT_CTL.IMASK.mask;
const CTL_ISTATUS = CNT_CTL.ISTATUS.mask;

export class GenericTimer {
  private readonly pes: readonly Pe[];
  private readonly now: () => number;
  private readonly line: PpiLine;
  /** Output level per PE × timer (for edge detection). */
  private readonly output: Uint8Array;
  /** The earliest step at which a currently low output will rise (Infinity: none). */
  private deadline = Infinity;

  constructor(pes: readonly Pe[], now: () => number, line: PpiLine) {
    this.pes = pes;
    this.now = now;
    this.line = line;
    this.output = new Uint8Array(pes.length * TIMERS.length);
  }

  /** Physical count (CNTPCT_EL0). */
  count(): bigint {
    return BigInt(this.now());
  }

  private offset(pe: Pe, t: TimerDef): bigint {
    return t.virtual ? pe.sysregs.get('CNTVOFF_EL2') ?? 0n : 0n;
  }

  /** The count a timer compares against. */
  timerCount(pe: Pe, t: TimerDef): bigint {
    return BigInt.asUintN(64, this.count() - this.offset(pe, t));
  }

  private ctl(pe: Pe, t: TimerDef): bigint {
    return pe.sysregs.get(`${t.prefix}_CTL_${t.suffix}`) ?? 0n;
  }

  private cval(pe: Pe, t: TimerDef): bigint {
    return pe.sysregs.get(`${t.prefix}_CVAL_${t.suffix}`) ?? 0n;
  }

  /** ISTATUS: enabled and the count has reached CVAL (Arm ARM D11.2.4). */
  conditionMet(pe: Pe, t: TimerDef): boolean {
    return (this.ctl(pe, t) & CTL_ENABLE) !== 0n && this.timerCount(pe, t) >= this.cval(pe, t);
  }

  /** The ICC-independent output level: ENABLE, not IMASK, ISTATUS. */
  outputHigh(pe: Pe, t: TimerDef): boolean {
    return (this.ctl(pe, t) & CTL_IMASK) === 0n && this.conditionMet(pe, t);
  }

  /** Handlers for CNTPCT/CNTVCT and every timer's CTL/CVAL/TVAL (keyed by storage name). */
  handlers(): [string, SysregHandler][] {
    const out: [string, SysregHandler][] = [];
    out.push(['CNTPCT_EL0', { read: () => this.count() }]);
    out.push(['CNTPCTSS_EL0', { read: () => this.count() }]);
    const vct = (pe: Pe): bigint => BigInt.asUintN(64, this.count() - (pe.sysregs.get('CNTVOFF_EL2') ?? 0n));
    out.push(['CNTVCT_EL0', { read: vct }]);
    out.push(['CNTVCTSS_EL0', { read: vct }]);
    for (const t of TIMERS) {
      const ctlName = `${t.prefix}_CTL_${t.suffix}`;
      const cvalName = `${t.prefix}_CVAL_${t.suffix}`;
      out.push([
        ctlName,
        {
          read: (pe) => (this.ctl(pe, t) & (CTL_ENABLE | CTL_IMASK)) | (this.conditionMet(pe, t) ? CTL_ISTATUS : 0n),
          write: (pe, v) => {
            pe.sysregs.set(ctlName, v & (CTL_ENABLE | CTL_IMASK));
            this.evaluate();
          },
        },
      ]);
      out.push([
        cvalName,
        {
          read: (pe) => this.cval(pe, t),
          write: (pe, v) => {
            pe.sysregs.set(cvalName, BigInt.asUintN(64, v));
            this.evaluate();
          },
        },
      ]);
      out.push([
        `${t.prefix}_TVAL_${t.suffix}`,
        {
          read: (pe) => BigInt.asUintN(32, this.cval(pe, t) - this.timerCount(pe, t)),
          write: (pe, v) => {
            pe.sysregs.set(cvalName, BigInt.asUintN(64, this.timerCount(pe, t) + BigInt.asIntN(32, v)));
            this.evaluate();
          },
        },
      ]);
    }
    // CNTVOFF_EL2 moves every virtual timer's condition.
    out.push([
      'CNTVOFF_EL2',
      {
        read: (pe) => pe.sysregs.get('CNTVOFF_EL2') ?? 0n,
        write: (pe, v) => {
          pe.sysregs.set('CNTVOFF_EL2', v);
          this.evaluate();
        },
      },
    ]);
    return out;
  }

  /** The step at which the next output rises (Infinity when none will without a register write). */
  nextDeadline(): number {
    return this.deadline;
  }

  /**
   * Recompute every output (drive the PPIs that changed) and the next
   * deadline. Called after timer register writes and when the machine
   * reaches the deadline.
   */
  evaluate(): void {
    let next = Infinity;
    const now = this.now();
    for (let p = 0; p < this.pes.length; p++) {
      const pe = this.pes[p];
      for (let k = 0; k < TIMERS.length; k++) {
        const t = TIMERS[k];
        const ctl = this.ctl(pe, t);
        const high = this.outputHigh(pe, t);
        const slot = p * TIMERS.length + k;
        if ((high ? 1 : 0) !== this.output[slot]) {
          this.output[slot] = high ? 1 : 0;
          this.line(p, t.ppi, high);
        }
        if (!high && (ctl & CTL_ENABLE) !== 0n && (ctl & CTL_IMASK) === 0n) {
          // Fires when count − offset ≥ CVAL, i.e. at step CVAL + offset (unsigned 64-bit arithmetic).
          const at = BigInt.asUintN(64, this.cval(pe, t) + this.offset(pe, t));
          const step = at > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(at);
          if (step > now && step < next) next = step;
        }
      }
    }
    this.deadline = next;
    if (this.onDeadline !== undefined) this.onDeadline(next);
  }

  /** Told every time the next deadline is recomputed (the platform keeps a plain field the machine's fast loop reads). */
  onDeadline: ((step: number) => void) | undefined = undefined;

  /** Fingerprint: the output levels and the next deadline (as the structural hash of a capture, without making one). */
  hashInto(h: StateHasher): void {
    h.bytes(this.output);
    if (Number.isFinite(this.deadline)) h.num(this.deadline);
    else h.word(0x7ff0_0000);
  }

  /** The last capture: given again while the output levels and the deadline equal it (captures are immutable). */
  private lastSnap: { output: Uint8Array; deadline: number } | undefined = undefined;

  snapshot(): unknown {
    const last = this.lastSnap;
    if (last !== undefined && last.deadline === this.deadline && sameBytes(last.output, this.output)) return last;
    return (this.lastSnap = { output: this.output.slice(), deadline: this.deadline });
  }

  restore(s: unknown): void {
    const snap = s as { output: Uint8Array; deadline: number };
    this.output.set(snap.output);
    this.deadline = snap.deadline;
    if (this.onDeadline !== undefined) this.onDeadline(snap.deadline);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
