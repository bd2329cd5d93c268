/**
 * The GICv3 virtual CPU interface (IHI 0069 chapter 6 "Virtual interrupt
 * handling and prioritization"): a hypervisor at EL2 presents virtual
 * interrupts to the EL1 guest through the List Registers ICH_LR<n>_EL2; with
 * HCR_EL2.IMO/FMO = 1 the guest's ICC_* accesses reach the virtual registers
 * ICV_* (same encodings), and the virtual interface drives the PE's vIRQ and
 * vFIQ lines (the PE takes them as in simulator/pe/interrupts.ts).
 *
 * State lives in the PE's ICH_* registers (plain storage the hypervisor reads
 * and writes with MRS/MSR): ICH_HCR_EL2 (En, EOIcount [31:27]), ICH_VMCR_EL2
 * (VPMR, VBPR0/1, VEOIM, VCBPR, VENG0/1), ICH_LR<n>_EL2 (State [63:62], HW
 * [61], Group [60], Priority [55:48], pINTID [44:32] / EOI [41], vINTID
 * [31:0]) and ICH_AP0R0/AP1R0_EL2 (virtual active priorities). ICH_VTR_EL2,
 * ICH_ELRSR_EL2, ICH_EISR_EL2 and ICH_MISR_EL2 are computed. The maintenance
 * interrupt (PPI 25) is asserted while ICH_HCR_EL2.En=1 and ICH_MISR_EL2≠0.
 *
 * Implemented: 16 List Registers, 5 virtual priority and preemption bits,
 * ICV_IAR0/1, EOIR0/1, DIR, HPPIR0/1, PMR, RPR, BPR0/1, AP0R0/AP1R0,
 * IGRPEN0/1, CTLR; HW=1 deactivation of the physical interrupt; EOIcount;
 * maintenance conditions EOI, U, LRENP, NP, VGrp0E/D, VGrp1E/D. Not
 * implemented: ICH_HCR_EL2 trap bits (TC, TALL0/1, TDIR, TSEI), vSGIs, NMIs.
 */
import { compose, HCR_EL2, ICC_BPR, ICC_CTLR_EL1, ICC_IGRPEN, ICC_PMR_EL1, ICH_HCR_EL2, ICH_LR, ICH_MISR_EL2, ICH_VMCR_EL2, ICH_VTR_EL2 } from '../arch/registers/fields';
import { el2Enabled, refreshConfig } from '../pe/config';
import type { Pe } from '../pe/pe';
import type { SysregHandler } from '../pe/sysregs';
import type { Gic } from './gic';
import { INTID_SPURIOUS } from './types';

const LRS = 16;
const V = ICH_VMCR_EL2;
const MAINTENANCE_PPI = 25;
/** ICH_VTR_EL2: PRIbits=4, PREbits=4 (5 bits each), IDbits=0, TDS=0, nV4=1, ListRegs=15. */
const VTR = compose(ICH_VTR_EL2, { PRIbits: 4, PREbits: 4, nV4: 1, ListRegs: LRS - 1 });

const ST_PENDING = 1n;
const ST_ACTIVE = 2n;

function lrName(n: number): string {
  return `ICH_LR${n}_EL2`;
}

function lrState(lr: bigint): bigint {
  return ICH_LR.State.of(lr);
}

function lrGroup(lr: bigint): number {
  return ICH_LR.Group.num(lr);
}

/** The LR's priority with the bits below the 5 implemented ones (ICH_VTR_EL2.PRIbits) masked. */
function lrPriority(lr: bigint): number {
  return ICH_LR.Priority.num(lr) & 0xf8;
}

function lrVintid(lr: bigint): number {
  return ICH_LR.vINTID.num(lr);
}

function withState(lr: bigint, st: bigint): bigint {
  return ICH_LR.State.set(lr, st);
}

/** Is an EL1 access to an ICC_* register redirected to ICV_* (HCR_EL2.IMO for Group 1, FMO for Group 0; either for common registers)? */
export function icvAccess(pe: Pe, group: 0 | 1 | 'common'): boolean {
  if (pe.el !== 1) return false;
  refreshConfig(pe);
  if (!el2Enabled(pe) || (pe.hcrLo & HCR_EL2.TGE.lo) !== 0) return false;
  const mask = group === 0 ? HCR_EL2.FMO.lo : group === 1 ? HCR_EL2.IMO.lo : HCR_EL2.FMO.lo | HCR_EL2.IMO.lo;
  return (pe.hcrLo & mask) !== 0;
}

export class VirtualCpuInterface {
  private readonly gic: Gic;
  private readonly pes: readonly Pe[];

  constructor(gic: Gic, pes: readonly Pe[]) {
    this.gic = gic;
    this.pes = pes;
  }

  private reg(pe: Pe, name: string): bigint {
    return pe.sysregs.get(name) ?? 0n;
  }

  private set(pe: Pe, name: string, v: bigint): void {
    pe.sysregs.set(name, BigInt.asUintN(64, v));
  }

  private vmcr(pe: Pe): bigint {
    return this.reg(pe, 'ICH_VMCR_EL2');
  }

  private groupEnabled(pe: Pe, g: number): boolean {
    return (g === 0 ? ICH_VMCR_EL2.VENG0 : ICH_VMCR_EL2.VENG1).isSet(this.vmcr(pe));
  }

  /** Virtual running priority: lowest set bit of ICH_AP0R0/AP1R0_EL2 (bit k = priority k<<3), 0xFF when idle. */
  runningPriority(pe: Pe): number {
    const bits = Number((this.reg(pe, 'ICH_AP0R0_EL2') | this.reg(pe, 'ICH_AP1R0_EL2')) & 0xffff_ffffn) >>> 0;
    if (bits === 0) return 0xff;
    return (31 - Math.clz32(bits & -bits)) << 3;
  }

  /** Virtual group priority (VBPR0 for Group 0 or with VCBPR; VBPR1 − 1 for Group 1). */
  private groupPriority(pe: Pe, prio: number, g: number): number {
    const vmcr = this.vmcr(pe);
    const vbpr0 = ICH_VMCR_EL2.VBPR0.num(vmcr);
    const vbpr1 = ICH_VMCR_EL2.VBPR1.num(vmcr);
    const bpr = g === 0 || ICH_VMCR_EL2.VCBPR.isSet(vmcr) ? vbpr0 : Math.max(0, vbpr1 - 1);
    return prio & ((0xff << (bpr + 1)) & 0xff);
  }

  /** Index of the highest-priority pending List Register of an enabled group (ties: lowest index), or -1. */
  hppiLr(pe: Pe): number {
    let best = -1;
    let bestPrio = 0x100;
    for (let n = 0; n < LRS; n++) {
      const lr = this.reg(pe, lrName(n));
      if (lrState(lr) !== ST_PENDING) continue;
      const g = lrGroup(lr);
      if (!this.groupEnabled(pe, g)) continue;
      const pr = lrPriority(lr);
      if (pr < bestPrio) {
        best = n;
        bestPrio = pr;
      }
    }
    return best;
  }

  private canSignal(pe: Pe, n: number): boolean {
    const lr = this.reg(pe, lrName(n));
    const pr = lrPriority(lr);
    const vpmr = ICH_VMCR_EL2.VPMR.num(this.vmcr(pe));
    return pr < vpmr && this.groupPriority(pe, pr, lrGroup(lr)) < this.runningPriority(pe);
  }

  /** Drive vIRQ/vFIQ (Group 1 → vIRQ, Group 0 → vFIQ) and the maintenance interrupt of PE `pe`. */
  update(pe: Pe): void {
    const en = ICH_HCR_EL2.En.isSet(this.reg(pe, 'ICH_HCR_EL2'));
    let virq = false;
    let vfiq = false;
    if (en) {
      const n = this.hppiLr(pe);
      if (n >= 0 && this.canSignal(pe, n)) {
        if (lrGroup(this.reg(pe, lrName(n))) === 1) virq = true;
        else vfiq = true;
      }
    }
    pe.virqLine = virq;
    pe.vfiqLine = vfiq;
    this.gic.setLevel(MAINTENANCE_PPI, en && this.misr(pe) !== 0n, pe.id);
  }

  /** ICH_ELRSR_EL2: LRs with no valid interrupt (and no pending EOI maintenance). */
  elrsr(pe: Pe): bigint {
    let v = 0n;
    for (let n = 0; n < LRS; n++) {
      const lr = this.reg(pe, lrName(n));
      if (lrState(lr) === 0n && !this.eoiPending(lr)) v |= 1n << BigInt(n);
    }
    return v;
  }

  /** An invalid, software (HW=0) LR with the EOI bit (41): deactivated by the guest, the hypervisor asked to be told. */
  private eoiPending(lr: bigint): boolean {
    return lrState(lr) === 0n && !ICH_LR.HW.isSet(lr) && ICH_LR.EOI.isSet(lr);
  }

  /** ICH_EISR_EL2. */
  eisr(pe: Pe): bigint {
    let v = 0n;
    for (let n = 0; n < LRS; n++) if (this.eoiPending(this.reg(pe, lrName(n)))) v |= 1n << BigInt(n);
    return v;
  }

  /** ICH_MISR_EL2 (IHI 0069 ICH_MISR_EL2): the maintenance conditions enabled in ICH_HCR_EL2. */
  misr(pe: Pe): bigint {
    const hcr = this.reg(pe, 'ICH_HCR_EL2');
    const H = ICH_HCR_EL2;
    let valid = 0;
    let pending = false;
    for (let n = 0; n < LRS; n++) {
      const st = lrState(this.reg(pe, lrName(n)));
      if (st !== 0n) valid++;
      if (st === ST_PENDING) pending = true;
    }
    const veng0 = this.groupEnabled(pe, 0);
    const veng1 = this.groupEnabled(pe, 1);
    return compose(ICH_MISR_EL2, {
      EOI: this.eisr(pe) !== 0n,
      U: H.UIE.isSet(hcr) && valid <= 1, // underflow
      LRENP: H.LRENPIE.isSet(hcr) && H.EOIcount.isSet(hcr),
      NP: H.NPIE.isSet(hcr) && !pending,
      VGrp0E: H.VGrp0EIE.isSet(hcr) && veng0,
      VGrp0D: H.VGrp0DIE.isSet(hcr) && !veng0,
      VGrp1E: H.VGrp1EIE.isSet(hcr) && veng1,
      VGrp1D: H.VGrp1DIE.isSet(hcr) && !veng1,
    });
  }

  /** ICV_IAR0/1_EL1: acknowledge the highest-priority pending virtual interrupt of group `g`. */
  acknowledge(pe: Pe, g: number): number {
    const n = this.hppiLr(pe);
    if (n < 0) return INTID_SPURIOUS;
    const lr = this.reg(pe, lrName(n));
    if (lrGroup(lr) !== g || !this.canSignal(pe, n)) return INTID_SPURIOUS;
    this.set(pe, lrName(n), withState(lr, ST_ACTIVE));
    const ap = g === 0 ? 'ICH_AP0R0_EL2' : 'ICH_AP1R0_EL2';
    const bit = 1n << BigInt(this.groupPriority(pe, lrPriority(lr), g) >>> 3);
    this.set(pe, ap, this.reg(pe, ap) | bit);
    this.update(pe);
    return lrVintid(lr);
  }

  private findActive(pe: Pe, vintid: number): number {
    for (let n = 0; n < LRS; n++) {
      const lr = this.reg(pe, lrName(n));
      if ((lrState(lr) & ST_ACTIVE) !== 0n && lrVintid(lr) === vintid) return n;
    }
    return -1;
  }

  private deactivateLr(pe: Pe, n: number): void {
    const lr = this.reg(pe, lrName(n));
    this.set(pe, lrName(n), withState(lr, lrState(lr) & ST_PENDING));
    // HW=1: the virtual interrupt is linked to a physical one, deactivated with it (IHI 0069 §6.2.1).
    if (ICH_LR.HW.isSet(lr)) {
      const pintid = ICH_LR.pINTID.num(lr);
      if (pintid < 1020) this.gic.deactivate(pe.id, pintid);
    }
  }

  private incrementEoiCount(pe: Pe): void {
    const hcr = this.reg(pe, 'ICH_HCR_EL2');
    this.set(pe, 'ICH_HCR_EL2', ICH_HCR_EL2.EOIcount.set(hcr, ICH_HCR_EL2.EOIcount.of(hcr) + 1n));
  }

  /** ICV_EOIR0/1_EL1: drop the virtual priority; with VEOIM=0 also deactivate the matching List Register. */
  eoi(pe: Pe, vintid: number, g: number): void {
    if (vintid >= 1020 && vintid <= 1023) return;
    const ap0 = this.reg(pe, 'ICH_AP0R0_EL2');
    const ap1 = this.reg(pe, 'ICH_AP1R0_EL2');
    const bits = ap0 | ap1;
    if (bits === 0n) return;
    const low = bits & -bits;
    if ((ap0 & low) !== 0n) this.set(pe, 'ICH_AP0R0_EL2', ap0 & ~low);
    else this.set(pe, 'ICH_AP1R0_EL2', ap1 & ~low);
    const n = this.findActive(pe, vintid);
    if (n < 0) this.incrementEoiCount(pe);
    else if (!ICH_VMCR_EL2.VEOIM.isSet(this.vmcr(pe)) && lrGroup(this.reg(pe, lrName(n))) === g) this.deactivateLr(pe, n);
    this.update(pe);
  }

  /** ICV_DIR_EL1 (VEOIM=1). */
  deactivate(pe: Pe, vintid: number): void {
    if (!ICH_VMCR_EL2.VEOIM.isSet(this.vmcr(pe))) return;
    const n = this.findActive(pe, vintid);
    if (n < 0) this.incrementEoiCount(pe);
    else this.deactivateLr(pe, n);
    this.update(pe);
  }

  /** The ICV_* view of a register at EL1 (undefined: not a register the virtual interface provides). */
  read(pe: Pe, name: string): bigint | undefined {
    const vmcr = this.vmcr(pe);
    switch (name) {
      case 'ICC_PMR_EL1':
        return V.VPMR.of(vmcr);
      case 'ICC_RPR_EL1':
        return BigInt(this.runningPriority(pe));
      case 'ICC_BPR0_EL1':
        return V.VBPR0.of(vmcr);
      case 'ICC_BPR1_EL1':
        return V.VCBPR.isSet(vmcr) ? BigInt(Math.min(7, V.VBPR0.num(vmcr) + 1)) : V.VBPR1.of(vmcr);
      case 'ICC_IGRPEN0_EL1':
        return V.VENG0.of(vmcr);
      case 'ICC_IGRPEN1_EL1':
        return V.VENG1.of(vmcr);
      case 'ICC_CTLR_EL1':
        // ICV_CTLR_EL1: PRIbits = 4 (5 virtual priority bits), EOImode = VEOIM, CBPR = VCBPR.
        return compose(ICC_CTLR_EL1, { PRIbits: 4, EOImode: V.VEOIM.of(vmcr), CBPR: V.VCBPR.of(vmcr) });
      case 'ICC_AP0R0_EL1':
        return this.reg(pe, 'ICH_AP0R0_EL2') & 0xffff_ffffn;
      case 'ICC_AP1R0_EL1':
        return this.reg(pe, 'ICH_AP1R0_EL2') & 0xffff_ffffn;
      case 'ICC_HPPIR0_EL1':
      case 'ICC_HPPIR1_EL1': {
        const n = this.hppiLr(pe);
        if (n < 0) return BigInt(INTID_SPURIOUS);
        const lr = this.reg(pe, lrName(n));
        return lrGroup(lr) === (name === 'ICC_HPPIR0_EL1' ? 0 : 1) ? BigInt(lrVintid(lr)) : BigInt(INTID_SPURIOUS);
      }
      default:
        return undefined;
    }
  }

  /** An ICV_* write at EL1; returns false when the register is not one the virtual interface provides. */
  write(pe: Pe, name: string, v: bigint): boolean {
    let vmcr = this.vmcr(pe);
    switch (name) {
      case 'ICC_PMR_EL1':
        vmcr = V.VPMR.set(vmcr, ICC_PMR_EL1.Priority.of(v) & 0xf8n);
        break;
      case 'ICC_BPR0_EL1': {
        const bp = ICC_BPR.BinaryPoint.of(v);
        vmcr = V.VBPR0.set(vmcr, bp < 2n ? 2n : bp);
        break;
      }
      case 'ICC_BPR1_EL1': {
        if (V.VCBPR.isSet(vmcr)) return true; // VCBPR: writes ignored
        const bp = ICC_BPR.BinaryPoint.of(v);
        vmcr = V.VBPR1.set(vmcr, bp < 3n ? 3n : bp);
        break;
      }
      case 'ICC_IGRPEN0_EL1':
        vmcr = V.VENG0.set(vmcr, ICC_IGRPEN.Enable.of(v));
        break;
      case 'ICC_IGRPEN1_EL1':
        vmcr = V.VENG1.set(vmcr, ICC_IGRPEN.Enable.of(v));
        break;
      case 'ICC_CTLR_EL1':
        vmcr = V.VCBPR.set(V.VEOIM.set(vmcr, ICC_CTLR_EL1.EOImode.of(v)), ICC_CTLR_EL1.CBPR.of(v));
        break;
      case 'ICC_AP0R0_EL1':
        this.set(pe, 'ICH_AP0R0_EL2', v & 0xffff_ffffn);
        this.update(pe);
        return true;
      case 'ICC_AP1R0_EL1':
        this.set(pe, 'ICH_AP1R0_EL2', v & 0xffff_ffffn);
        this.update(pe);
        return true;
      default:
        return false;
    }
    this.set(pe, 'ICH_VMCR_EL2', vmcr);
    this.update(pe);
    return true;
  }

  /** Handlers for the ICH_* registers the hypervisor writes (re-evaluate the virtual lines) and the computed ones. */
  handlers(): [string, SysregHandler][] {
    const out: [string, SysregHandler][] = [];
    const stored = (name: string): SysregHandler => ({
      read: (pe) => this.reg(pe, name),
      write: (pe, v) => {
        this.set(pe, name, v);
        this.update(pe);
      },
    });
    for (const n of ['ICH_HCR_EL2', 'ICH_VMCR_EL2', 'ICH_AP0R0_EL2', 'ICH_AP1R0_EL2']) out.push([n, stored(n)]);
    for (let n = 0; n < LRS; n++) out.push([lrName(n), stored(lrName(n))]);
    out.push(['ICH_VTR_EL2', { read: () => VTR }]);
    out.push(['ICH_ELRSR_EL2', { read: (pe) => this.elrsr(pe) }]);
    out.push(['ICH_EISR_EL2', { read: (pe) => this.eisr(pe) }]);
    out.push(['ICH_MISR_EL2', { read: (pe) => this.misr(pe) }]);
    return out;
  }

  /** Initial state from `pe` blocks (ICH_* values): drive the lines. */
  start(): void {
    for (const pe of this.pes) this.update(pe);
  }
}
