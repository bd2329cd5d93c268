/**
 * The GICv3 CPU interface system registers (IHI 0069 chapter 12.2, "AArch64
 * System register descriptions of the CPU interface"): MRS/MSR of ICC_*
 * reach the GIC through `SystemModel.setSysregHandler`, after the register
 * table's access checks (simulator/arch/registers/gicCpuInterface.ts defines
 * which EL may access each register and whether it is read- or write-only).
 *
 * Banking with two Security states (GICD_CTLR.DS=0): ICC_IGRPEN1_EL1,
 * ICC_BPR1_EL1, ICC_CTLR_EL1 and ICC_AP1R0_EL1 have a Secure and a
 * Non-secure copy; an access reaches the copy of the current Security state
 * (at EL3: the one SCR_EL3.NS selects). Non-secure accesses see the
 * Non-secure view of priorities (IHI 0069 §4.8.6): a priority value v is
 * stored as (v >> 1) | 0x80 and read back shifted left.
 *
 * The GIC's state is the truth; after every change the architectural value
 * each register shows in the PE's current state is mirrored into the PE's
 * register storage, so views, expectations and checkpoints of the PE see it.
 *
 * At EL1 with HCR_EL2.IMO/FMO=1 the same encodings reach the virtual CPU
 * interface (ICV_*, virtual.ts).
 *
 * Not modelled: the SCR_EL3.IRQ/FIQ traps of ICC_* accesses to EL3, ICC_SRE_ELx.SRE=0
 * (the memory-mapped GICC interface): SRE, DFB and DIB read as one.
 */
import { compose, ICC_BPR, ICC_CTLR_EL1, ICC_CTLR_EL3, ICC_IGRPEN, ICC_IGRPEN1_EL3, ICC_INTID, ICC_PMR_EL1, ICC_SRE, SCR_EL3 } from '../arch/registers/fields';
import { isSecure, refreshConfig } from '../pe/config';
import type { Pe } from '../pe/pe';
import type { SysregHandler } from '../pe/sysregs';
import type { Gic } from './gic';
import { findRegister } from '../arch/registers';
import { EC, SyncException } from '../pe/exception';
import { sysregIss } from '../pe/sysregs';
import { icvAccess, VirtualCpuInterface } from './virtual';
import { BPR0_MIN, BPR1_MIN, G0, G1NS, G1S, INTID_SPURIOUS, PRIORITY_MASK, PRI_BITS } from './types';

/** Where handlers are installed: `SystemModel.setSysregHandler`. */
export interface SysregHandlerRegistry {
  setSysregHandler(name: string, h: SysregHandler): void;
}

function isSecureNow(pe: Pe): boolean {
  refreshConfig(pe);
  return isSecure(pe);
}

/** Security state whose banked copy an access reaches: at EL3 SCR_EL3.NS selects it (IHI 0069 §12.1.6). */
function bankSecure(pe: Pe): boolean {
  refreshConfig(pe);
  if (pe.el === 3) return (pe.scrLo & SCR_EL3.NS.lo) === 0;
  return isSecure(pe);
}

/**
 * A Non-secure access sees the Non-secure view of ICC_PMR_EL1/ICC_RPR_EL1 when
 * Group 0 is not accessible to it, i.e. SCR_EL3.FIQ=1 (IHI 0069 §4.8.6; as
 * QEMU's arm_gicv3_cpuif.c implements it).
 */
function nsView(pe: Pe): boolean {
  refreshConfig(pe);
  return pe.hasEl3 && !isSecure(pe) && (pe.scrLo & SCR_EL3.FIQ.lo) !== 0;
}

/** ICC_CTLR_EL1 read-only fields: PRIbits = bits-1, IDbits = 0 (16-bit INTIDs). */
const CTLR_EL1_RO = compose(ICC_CTLR_EL1, { PRIbits: PRI_BITS - 1 });
/** ICC_CTLR_EL3 adds nDS = 1 (GICD_CTLR.DS cannot be set). */
const CTLR_EL3_RO = compose(ICC_CTLR_EL3, { PRIbits: PRI_BITS - 1, nDS: 1 });

/** Which HCR_EL2 bit sends each ICC_* register to its ICV_* counterpart at EL1 (0: FMO, 1: IMO, common: either). */
const VIRTUAL_GROUP: Record<string, 0 | 1 | 'common'> = {
  ICC_IAR0_EL1: 0,
  ICC_EOIR0_EL1: 0,
  ICC_HPPIR0_EL1: 0,
  ICC_BPR0_EL1: 0,
  ICC_AP0R0_EL1: 0,
  ICC_IGRPEN0_EL1: 0,
  ICC_IAR1_EL1: 1,
  ICC_EOIR1_EL1: 1,
  ICC_HPPIR1_EL1: 1,
  ICC_BPR1_EL1: 1,
  ICC_AP1R0_EL1: 1,
  ICC_IGRPEN1_EL1: 1,
  ICC_PMR_EL1: 'common',
  ICC_RPR_EL1: 'common',
  ICC_CTLR_EL1: 'common',
  ICC_DIR_EL1: 'common',
  ICC_SGI0R_EL1: 0,
  ICC_SGI1R_EL1: 1,
  ICC_ASGI1R_EL1: 1,
};

function virtualRead(v: VirtualCpuInterface, pe: Pe, name: string): bigint {
  if (name === 'ICC_IAR0_EL1') return BigInt(v.acknowledge(pe, 0));
  if (name === 'ICC_IAR1_EL1') return BigInt(v.acknowledge(pe, 1));
  return v.read(pe, name) ?? 0n;
}

function virtualWrite(v: VirtualCpuInterface, pe: Pe, name: string, value: bigint): void {
  const intid = ICC_INTID.INTID.num(value);
  switch (name) {
    case 'ICC_EOIR0_EL1':
      return v.eoi(pe, intid, 0);
    case 'ICC_EOIR1_EL1':
      return v.eoi(pe, intid, 1);
    case 'ICC_DIR_EL1':
      return v.deactivate(pe, intid);
    case 'ICC_SGI0R_EL1':
    case 'ICC_SGI1R_EL1':
    case 'ICC_ASGI1R_EL1': {
      // A guest's SGI is the hypervisor's to emulate: trap to EL2 (EC 0x18; IHI 0069 ICC_SGI1R_EL1 accessibility).
      const e = findRegister(name)!.encoding!;
      // The handler is not told Rt: read it from the MSR being executed (its fetch PA is still in pe.tPa; Rt = bits [4:0]).
      const rt = (pe.env.fetchInstr(pe.tPa, pe)?.encoding ?? 0) & 31;
      throw new SyncException(EC.SYSREG, sysregIss(e.op0, e.op1, e.crn, e.crm, e.op2, rt, false), {
        targetEl: 2,
        reason: `MSR ${name} at EL1 trapped to EL2 by HCR_EL2.${name === 'ICC_SGI0R_EL1' ? 'FMO' : 'IMO'}`,
      });
    }
    default:
      v.write(pe, name, value);
  }
}

export class CpuInterface {
  private readonly gic: Gic;
  private readonly pes: readonly Pe[];
  /** The virtual CPU interface (ICV_* at EL1 with HCR_EL2.IMO/FMO), when the platform provides one. */
  readonly virtual: VirtualCpuInterface | undefined;

  constructor(gic: Gic, pes: readonly Pe[], virtual?: VirtualCpuInterface) {
    this.gic = gic;
    this.pes = pes;
    this.virtual = virtual;
  }

  /** Initial CPU interface state from the PE's register storage (values a `pe { icc_… = … }` block set). */
  absorbInitialValues(): void {
    const g = this.gic;
    for (const pe of this.pes) {
      const p = pe.id;
      const get = (n: string): bigint | undefined => pe.sysregs.get(n);
      const secure = bankSecure(pe);
      const pmr = get('ICC_PMR_EL1');
      // As the PE would write it with MSR in its own state: a Non-secure PE's value is in the Non-secure view.
      if (pmr !== undefined) g.pmr[p] = (nsView(pe) ? (ICC_PMR_EL1.Priority.num(pmr) >> 1) | 0x80 : ICC_PMR_EL1.Priority.num(pmr)) & PRIORITY_MASK;
      const en0 = get('ICC_IGRPEN0_EL1');
      if (en0 !== undefined) g.igrpen0[p] = ICC_IGRPEN.Enable.num(en0);
      const en3 = get('ICC_IGRPEN1_EL3');
      if (en3 !== undefined) {
        g.igrpen1ns[p] = ICC_IGRPEN1_EL3.EnableGrp1NS.num(en3);
        g.igrpen1s[p] = ICC_IGRPEN1_EL3.EnableGrp1S.num(en3);
      }
      const en1 = get('ICC_IGRPEN1_EL1');
      if (en1 !== undefined) (secure ? g.igrpen1s : g.igrpen1ns)[p] = ICC_IGRPEN.Enable.num(en1);
      const bpr0 = get('ICC_BPR0_EL1');
      if (bpr0 !== undefined) g.bpr0[p] = Math.max(BPR0_MIN, ICC_BPR.BinaryPoint.num(bpr0));
      const bpr1 = get('ICC_BPR1_EL1');
      if (bpr1 !== undefined) (secure ? g.bpr1s : g.bpr1ns)[p] = Math.max(BPR1_MIN, ICC_BPR.BinaryPoint.num(bpr1));
      const c3 = get('ICC_CTLR_EL3');
      if (c3 !== undefined) this.writeCtlrEl3(p, c3);
      const c1 = get('ICC_CTLR_EL1');
      if (c1 !== undefined) this.writeCtlrEl1(p, secure, c1);
    }
    g.updateAll();
  }

  private writeCtlrEl1(p: number, secure: boolean, v: bigint): void {
    const g = this.gic;
    (secure ? g.eoiModeS : g.eoiModeNs)[p] = ICC_CTLR_EL1.EOImode.num(v);
    (secure ? g.cbprS : g.cbprNs)[p] = ICC_CTLR_EL1.CBPR.num(v);
  }

  private writeCtlrEl3(p: number, v: bigint): void {
    const g = this.gic;
    const c = ICC_CTLR_EL3;
    g.cbprS[p] = c.CBPR_EL1S.num(v);
    g.cbprNs[p] = c.CBPR_EL1NS.num(v);
    g.eoiModeEl3[p] = c.EOImode_EL3.num(v);
    g.eoiModeS[p] = c.EOImode_EL1S.num(v);
    g.eoiModeNs[p] = c.EOImode_EL1NS.num(v);
  }

  /** The value each ICC_* register reads as on PE p in its current state (no side effects). */
  view(pe: Pe, name: string): bigint | undefined {
    const g = this.gic;
    const p = pe.id;
    const secure = bankSecure(pe);
    const ns = nsView(pe);
    switch (name) {
      case 'ICC_PMR_EL1': {
        const v = g.pmr[p];
        // Non-secure view (IHI 0069 §4.8.6): a Secure value (bit 7 clear) reads as 0.
        return BigInt(ns ? ((v & 0x80) !== 0 ? (v << 1) & 0xff : 0) : v);
      }
      case 'ICC_RPR_EL1': {
        const v = g.runningPriority(p);
        // Non-secure view: Secure-half priorities read as 0; idle stays 0xFF.
        return BigInt(ns && v !== 0xff ? ((v & 0x80) !== 0 ? (v << 1) & 0xff : 0) : v);
      }
      case 'ICC_HPPIR0_EL1':
      case 'ICC_HPPIR1_EL1': {
        const intid = g.hppi(p);
        if (intid < 0) return BigInt(INTID_SPURIOUS);
        if (name === 'ICC_HPPIR1_EL1') {
          // Group 1 visibility (pseudocode CheckGroup1ForSpecialIdentifiers): Secure G1 only in Secure state, NS G1 not at Secure EL1/EL2; EL3 sees both.
          if (g.hppiGroup === G0) return BigInt(INTID_SPURIOUS);
          if (pe.el === 3 || g.hppiGroup === (isSecureNow(pe) ? G1S : G1NS)) return BigInt(intid);
          return BigInt(INTID_SPURIOUS);
        }
        if (g.hppiGroup === G0) return BigInt(intid);
        // At EL3, HPPIR0 reports a pending Group 1 interrupt as 1020/1021 (IHI 0069 §2.2.1).
        if (name === 'ICC_HPPIR0_EL1' && pe.el === 3 && g.hppiGroup !== G0) return BigInt(g.hppiGroup === G1S ? 1020 : 1021);
        return BigInt(INTID_SPURIOUS);
      }
      case 'ICC_BPR0_EL1':
        return BigInt(g.bpr0[p]);
      case 'ICC_BPR1_EL1': {
        // With CBPR set, BPR1 reads BPR0 (+1 in the Non-secure copy, saturated at 7) (IHI 0069 ICC_BPR1_EL1).
        const cbpr = (secure ? g.cbprS : g.cbprNs)[p] !== 0;
        if (cbpr) return BigInt(secure ? g.bpr0[p] : Math.min(7, g.bpr0[p] + 1));
        return BigInt((secure ? g.bpr1s : g.bpr1ns)[p]);
      }
      case 'ICC_IGRPEN0_EL1':
        return BigInt(g.igrpen0[p]);
      case 'ICC_IGRPEN1_EL1':
        return BigInt((secure ? g.igrpen1s : g.igrpen1ns)[p]);
      case 'ICC_IGRPEN1_EL3':
        return compose(ICC_IGRPEN1_EL3, { EnableGrp1NS: g.igrpen1ns[p], EnableGrp1S: g.igrpen1s[p] });
      case 'ICC_CTLR_EL1':
        return CTLR_EL1_RO | compose(ICC_CTLR_EL1, { EOImode: (secure ? g.eoiModeS : g.eoiModeNs)[p], CBPR: (secure ? g.cbprS : g.cbprNs)[p] });
      case 'ICC_CTLR_EL3': {
        const c = ICC_CTLR_EL3;
        return CTLR_EL3_RO | compose(c, { CBPR_EL1S: g.cbprS[p], CBPR_EL1NS: g.cbprNs[p], EOImode_EL3: g.eoiModeEl3[p], EOImode_EL1S: g.eoiModeS[p], EOImode_EL1NS: g.eoiModeNs[p] });
      }
      case 'ICC_AP0R0_EL1':
        return BigInt(g.ap0[p] >>> 0);
      case 'ICC_AP1R0_EL1':
        return BigInt((secure ? g.ap1s : g.ap1ns)[p] >>> 0);
      // System register interface only, FIQ and IRQ bypass disabled (and lower-EL access enabled at EL2/EL3).
      case 'ICC_SRE_EL1':
        return compose(ICC_SRE, { SRE: 1, DFB: 1, DIB: 1 });
      case 'ICC_SRE_EL2':
      case 'ICC_SRE_EL3':
        return compose(ICC_SRE, { SRE: 1, DFB: 1, DIB: 1, Enable: 1 });
      default:
        return undefined;
    }
  }

  /** Registers mirrored into PE storage after every change (side-effect-free views). */
  static readonly MIRRORED = [
    'ICC_PMR_EL1', 'ICC_RPR_EL1', 'ICC_HPPIR0_EL1', 'ICC_HPPIR1_EL1', 'ICC_BPR0_EL1', 'ICC_BPR1_EL1', 'ICC_IGRPEN0_EL1', 'ICC_IGRPEN1_EL1',
    'ICC_IGRPEN1_EL3', 'ICC_CTLR_EL1', 'ICC_CTLR_EL3', 'ICC_AP0R0_EL1', 'ICC_AP1R0_EL1', 'ICC_SRE_EL1', 'ICC_SRE_EL2', 'ICC_SRE_EL3',
  ];

  /** Bank (1 Secure, 0 Non-secure) and NS-view flag each PE's storage was last mirrored for (-1: never). */
  private mirroredFor = new Int8Array(64).fill(-1);
  /** Per PE: the `sysregGen` and EL `mirroredFor` was computed at (`mirrorIfBankChanged` skips its key while both hold). */
  private readonly mirroredGen = new Float64Array(64).fill(NaN);
  private readonly mirroredEl = new Int8Array(64).fill(-1);

  /** After an EL/Security change: re-mirror only when the banked copies or the Non-secure view changed. */
  mirrorIfBankChanged(p: number): void {
    const pe = this.pes[p];
    if (pe === undefined) return;
    // The key is a function of the EL and SCR_EL3 (a write to it moves `sysregGen`): the same pair, the same key.
    if (pe.sysregGen === this.mirroredGen[p] && pe.el === this.mirroredEl[p]) return;
    const key = (bankSecure(pe) ? 1 : 0) | (nsView(pe) ? 2 : 0) | (isSecureNow(pe) ? 4 : 0) | (pe.el === 3 ? 8 : 0);
    if (this.mirroredFor[p] !== key) this.mirror(p);
  }

  /** Copy the current views into PE p's storage (bypassing sysregGen: none of these affects translation or routing). */
  mirror(p: number): void {
    const pe = this.pes[p];
    if (pe === undefined) return;
    this.mirroredFor[p] = (bankSecure(pe) ? 1 : 0) | (nsView(pe) ? 2 : 0) | (isSecureNow(pe) ? 4 : 0) | (pe.el === 3 ? 8 : 0);
    this.mirroredGen[p] = pe.sysregGen;
    this.mirroredEl[p] = pe.el;
    const regs = pe.sysregs;
    for (const n of CpuInterface.MIRRORED) {
      const v = this.view(pe, n);
      // Only a change moves the register map's version: an unchanged mirror keeps checkpoints and digests of the registers shared.
      if (v !== undefined && regs.get(n) !== v) regs.set(n, v);
    }
  }

  /** Install the ICC_* handlers. */
  install(registry: SysregHandlerRegistry): void {
    const g = this.gic;
    const viewOnly = (name: string): SysregHandler => ({ read: (pe) => this.view(pe, name) ?? 0n });
    const after = (pe: Pe): void => g.update(pe.id);
    const virt = this.virtual;
    // At EL1 with HCR_EL2.IMO/FMO=1 the ICC_* encodings reach the virtual CPU interface (ICV_*, IHI 0069 §6.1);
    // SGI generation from the guest traps to EL2 (ICC_SGI*R_EL1 pseudocode).
    const reg: SysregHandlerRegistry = {
      setSysregHandler: (name, h) => {
        const group = VIRTUAL_GROUP[name];
        if (group === undefined || virt === undefined) return registry.setSysregHandler(name, h);
        registry.setSysregHandler(name, {
          read: h.read === undefined ? undefined : (pe) => (icvAccess(pe, group) ? virtualRead(virt, pe, name) : h.read!(pe)),
          write:
            h.write === undefined
              ? undefined
              : (pe, v) => {
                  if (icvAccess(pe, group)) virtualWrite(virt, pe, name, v);
                  else h.write!(pe, v);
                },
        });
      },
    };

    reg.setSysregHandler('ICC_PMR_EL1', {
      read: (pe) => this.view(pe, 'ICC_PMR_EL1')!,
      write: (pe, v) => {
        const x = ICC_PMR_EL1.Priority.num(v);
        if (nsView(pe)) {
          // Non-secure write (IHI 0069 §4.8.6): ignored while the PMR holds a Secure value; else stored as (v >> 1) | 0x80.
          if ((g.pmr[pe.id] & 0x80) === 0) return;
          g.pmr[pe.id] = ((x >> 1) | 0x80) & PRIORITY_MASK;
        } else g.pmr[pe.id] = x & PRIORITY_MASK;
        after(pe);
      },
    });
    reg.setSysregHandler('ICC_RPR_EL1', viewOnly('ICC_RPR_EL1'));
    reg.setSysregHandler('ICC_HPPIR0_EL1', viewOnly('ICC_HPPIR0_EL1'));
    reg.setSysregHandler('ICC_HPPIR1_EL1', viewOnly('ICC_HPPIR1_EL1'));
    reg.setSysregHandler('ICC_IAR0_EL1', {
      read: (pe) => {
        if (pe.el === 3) {
          const special = g.el3Group1Special(pe.id);
          if (special >= 0) return BigInt(special);
        }
        return BigInt(g.acknowledgeGroup(pe.id, G0));
      },
    });
    reg.setSysregHandler('ICC_IAR1_EL1', {
      read: (pe) => {
        if (pe.el === 3) return BigInt(g.acknowledgeGroups(pe.id, G1S, G1NS));
        return BigInt(g.acknowledgeGroup(pe.id, isSecureNow(pe) ? G1S : G1NS));
      },
    });
    reg.setSysregHandler('ICC_EOIR0_EL1', { write: (pe, v) => g.eoi(pe.id, ICC_INTID.INTID.num(v), g.eoiModeFor(pe) === 0, G0) });
    reg.setSysregHandler('ICC_EOIR1_EL1', {
      write: (pe, v) => g.eoi(pe.id, ICC_INTID.INTID.num(v), g.eoiModeFor(pe) === 0, isSecureNow(pe) ? G1S : G1NS),
    });
    reg.setSysregHandler('ICC_DIR_EL1', { write: (pe, v) => g.deactivate(pe.id, ICC_INTID.INTID.num(v)) });
    reg.setSysregHandler('ICC_BPR0_EL1', {
      read: (pe) => this.view(pe, 'ICC_BPR0_EL1')!,
      write: (pe, v) => {
        g.bpr0[pe.id] = Math.max(BPR0_MIN, ICC_BPR.BinaryPoint.num(v));
        after(pe);
      },
    });
    reg.setSysregHandler('ICC_BPR1_EL1', {
      read: (pe) => this.view(pe, 'ICC_BPR1_EL1')!,
      write: (pe, v) => {
        const s = bankSecure(pe);
        if ((s ? g.cbprS : g.cbprNs)[pe.id] !== 0) return; // CBPR=1: writes are ignored (IHI 0069 ICC_BPR1_EL1)
        (s ? g.bpr1s : g.bpr1ns)[pe.id] = Math.max(BPR1_MIN, ICC_BPR.BinaryPoint.num(v));
        after(pe);
      },
    });
    reg.setSysregHandler('ICC_IGRPEN0_EL1', {
      read: (pe) => this.view(pe, 'ICC_IGRPEN0_EL1')!,
      write: (pe, v) => {
        g.igrpen0[pe.id] = ICC_IGRPEN.Enable.num(v);
        g.updateAll(); // an SPI with IRM=1 may now go to another PE
      },
    });
    reg.setSysregHandler('ICC_IGRPEN1_EL1', {
      read: (pe) => this.view(pe, 'ICC_IGRPEN1_EL1')!,
      write: (pe, v) => {
        (bankSecure(pe) ? g.igrpen1s : g.igrpen1ns)[pe.id] = ICC_IGRPEN.Enable.num(v);
        g.updateAll();
      },
    });
    reg.setSysregHandler('ICC_IGRPEN1_EL3', {
      read: (pe) => this.view(pe, 'ICC_IGRPEN1_EL3')!,
      write: (pe, v) => {
        g.igrpen1ns[pe.id] = ICC_IGRPEN1_EL3.EnableGrp1NS.num(v);
        g.igrpen1s[pe.id] = ICC_IGRPEN1_EL3.EnableGrp1S.num(v);
        g.updateAll();
      },
    });
    reg.setSysregHandler('ICC_CTLR_EL1', {
      read: (pe) => this.view(pe, 'ICC_CTLR_EL1')!,
      write: (pe, v) => {
        this.writeCtlrEl1(pe.id, bankSecure(pe), v);
        after(pe);
      },
    });
    reg.setSysregHandler('ICC_CTLR_EL3', {
      read: (pe) => this.view(pe, 'ICC_CTLR_EL3')!,
      write: (pe, v) => {
        this.writeCtlrEl3(pe.id, v);
        after(pe);
      },
    });
    reg.setSysregHandler('ICC_AP0R0_EL1', {
      read: (pe) => this.view(pe, 'ICC_AP0R0_EL1')!,
      write: (pe, v) => {
        g.ap0[pe.id] = Number(v & 0xffff_ffffn) >>> 0;
        after(pe);
      },
    });
    reg.setSysregHandler('ICC_AP1R0_EL1', {
      read: (pe) => this.view(pe, 'ICC_AP1R0_EL1')!,
      write: (pe, v) => {
        (bankSecure(pe) ? g.ap1s : g.ap1ns)[pe.id] = Number(v & 0xffff_ffffn) >>> 0;
        after(pe);
      },
    });
    for (const n of ['ICC_SRE_EL1', 'ICC_SRE_EL2', 'ICC_SRE_EL3']) reg.setSysregHandler(n, { read: (pe) => this.view(pe, n)!, write: () => undefined });
    const sgi = (register: 'SGI0R' | 'SGI1R' | 'ASGI1R'): SysregHandler => ({
      write: (pe, v) => {
        refreshConfig(pe);
        g.generateSgi(pe.id, v, register, isSecure(pe));
      },
    });
    reg.setSysregHandler('ICC_SGI0R_EL1', sgi('SGI0R'));
    reg.setSysregHandler('ICC_SGI1R_EL1', sgi('SGI1R'));
    reg.setSysregHandler('ICC_ASGI1R_EL1', sgi('ASGI1R'));
  }
}
