/**
 * `sysreg-without-isb`: a write to a register that controls translation
 * (SCTLR, TCR, TTBR0/1, MAIR of the regime; HCR_EL2/VTCR_EL2/VTTBR_EL2 for
 * EL1&0) followed by a memory access in that regime before a context
 * synchronization event (ISB, exception entry or return). Until then the
 * PE may use the old or the new value (Arm ARM D24.1.2 "Synchronization of
 * changes to System registers"), even if the run happened to work.
 */
import type { Pe } from '../pe/pe';
import type { FindingSink } from './host';

interface Pending {
  register: string;
  line: number | undefined;
  el: number;
}

const REGIME_REGS = ['SCTLR', 'TCR', 'TTBR0', 'TTBR1', 'MAIR'];
const STAGE2_REGS = ['HCR_EL2', 'VTCR_EL2', 'VTTBR_EL2'];

/** Whether a write to `register` changes how accesses at `el` are translated. */
export function affectsRegime(register: string, el: number): boolean {
  const r = register.toUpperCase();
  if (el <= 1 && STAGE2_REGS.includes(r)) return true;
  const m = /^([A-Z0-9]+)_EL([123])$/.exec(r);
  if (!m || !REGIME_REGS.includes(m[1])) return false;
  return Number(m[2]) === Math.max(1, el);
}

export class SysregRules {
  private readonly pending: (Pending | undefined)[];
  /** The capture of the current state (undefined after a change): checkpoints and fingerprints reuse it. */
  private snap: unknown = undefined;

  constructor(
    private readonly sink: FindingSink,
    pes: number,
  ) {
    this.pending = Array.from({ length: pes }, () => undefined);
  }

  onSysregWrite(pe: Pe, register: string, line: number | undefined): void {
    if (!/^(SCTLR|TCR|TTBR0|TTBR1|MAIR)_EL[123]$|^(HCR|VTCR|VTTBR)_EL2$/.test(register.toUpperCase())) return;
    this.pending[pe.id] = { register: register.toUpperCase(), line, el: pe.el };
    this.snap = undefined;
  }

  snapshot(): unknown {
    this.snap ??= this.pending.map((p) => (p ? { ...p } : undefined));
    return this.snap;
  }

  /** Back to a checkpoint; `undefined` = the state at attach time. */
  restore(s: unknown): void {
    const snap = s as (Pending | undefined)[] | undefined;
    for (let i = 0; i < this.pending.length; i++) this.pending[i] = snap?.[i] ? { ...snap[i]! } : undefined;
    this.snap = s;
  }

  /** ISB or an exception: context synchronization. */
  synchronized(pe: number): void {
    if (this.pending[pe] === undefined) return;
    this.pending[pe] = undefined;
    this.snap = undefined;
  }

  /**
   * A translation by `pe` of `va` (a walk or a TLB use, from the MMU's
   * observer): the use of the translation configuration.
   */
  access(pe: Pe, va?: number): void {
    const p = this.pending[pe.id];
    if (p === undefined) return;
    // A fetch of the instruction itself is not a use of the new data-side configuration.
    if (va !== undefined && va >= pe.pc && va < pe.pc + 4) return;
    if (pe.el !== p.el) {
      // The EL changed: an exception entry or return happened, which synchronizes context.
      this.synchronized(pe.id);
      return;
    }
    if (!affectsRegime(p.register, pe.el)) return;
    const s = this.sink;
    s.report(
      'sysreg-without-isb',
      'warning',
      `the memory access at ${s.where(s.lineOf(pe.pc))} uses the translation configuration after the write to ${p.register} at ${s.where(p.line)} ` +
        `with no ISB in between: the PE may use the old or the new value. Put an ISB after the write (Arm ARM D24.1.2).`,
      s.lineOf(pe.pc),
      [{ line: p.line, message: `${p.register} written here, no ISB before its use` }],
      pe.id,
    );
    this.synchronized(pe.id);
  }
}

