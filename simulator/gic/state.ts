/**
 * The GIC's state (GIC Architecture Specification IHI 0069): the distributor
 * and redistributor registers of every interrupt and the CPU interface state
 * of every PE, as typed arrays — what checkpoints capture and the state hash
 * covers. The behaviour over it (signalling, acknowledge, EOI, routing) is
 * gic.ts's `Gic`.
 */
import { BPR0_MIN, BPR1_MIN, G0, G1S, IDLE_PRIORITY, PPI_LAST, SPI_FIRST, SPI_LAST, groupCode, groupName, type InterruptGroup } from './types';

/** GICD_CTLR bits (IHI 0069 §12.9.4, DS=0 Secure view). */
export const GICD_CTLR = {
  EnableGrp0: 1 << 0,
  EnableGrp1NS: 1 << 1,
  EnableGrp1S: 1 << 2,
  ARE_S: 1 << 4,
  ARE_NS: 1 << 5,
  DS: 1 << 6,
} as const;

export interface GicOptions {
  pes: number;
  /** Distributor frame base (GICD_*, 64 KB). */
  distributorBase: number;
  /** First redistributor frame (GICR_*, 128 KB per PE: RD_base then SGI_base). */
  redistributorBase: number;
}

/** Size of the redistributor region of one PE (RD_base + SGI_base frames, IHI 0069 §12.10). */
export const GICR_STRIDE = 0x2_0000;
export const GICD_SIZE = 0x1_0000;

export interface GicSnapshot {
  u8: Uint8Array[];
  u32: Uint32Array[];
  ctlr: number;
}

export class GicState {
  readonly options: GicOptions;
  readonly peCount: number;
  /** GICD_CTLR (ARE_S/ARE_NS always 1). */
  ctlr = GICD_CTLR.ARE_S | GICD_CTLR.ARE_NS;

  // Per-interrupt state. Index: PE*32 + INTID for SGIs/PPIs (banked in each redistributor), peCount*32 + INTID-32 for SPIs.
  readonly enabled: Uint8Array;
  /** Pending latch: set by an edge, ISPENDR or a scenario event; cleared by acknowledge or ICPENDR. */
  readonly pendingLatch: Uint8Array;
  /** Input line level (level-sensitive interrupts are pending while it is high, IHI 0069 §4.1.1). */
  readonly level: Uint8Array;
  readonly active: Uint8Array;
  readonly igroup: Uint8Array;
  readonly igrpmod: Uint8Array;
  readonly priority: Uint8Array;
  /** 1 = edge-triggered (GICD_ICFGR Int_config[1]); SGIs are always edge-triggered. */
  readonly edge: Uint8Array;
  /** GICD_IROUTER<n> bits [31:0] (Aff2.Aff1.Aff0 and IRM bit 31) for SPIs, indexed by INTID-32. */
  readonly routeLo: Uint32Array;
  /** GICD_IROUTER<n> Aff3 (bits [39:32]). */
  readonly routeAff3: Uint8Array;

  // Per-PE CPU interface (ICC_*) and redistributor state.
  readonly pmr: Uint8Array;
  readonly bpr0: Uint8Array;
  readonly bpr1s: Uint8Array;
  readonly bpr1ns: Uint8Array;
  readonly igrpen0: Uint8Array;
  readonly igrpen1s: Uint8Array;
  readonly igrpen1ns: Uint8Array;
  readonly eoiModeS: Uint8Array;
  readonly eoiModeNs: Uint8Array;
  readonly eoiModeEl3: Uint8Array;
  readonly cbprS: Uint8Array;
  readonly cbprNs: Uint8Array;
  /** Active Priorities (ICC_AP0R0_EL1, ICC_AP1R0_EL1 Secure and Non-secure copies): bit k = group priority k<<3 is active. */
  readonly ap0: Uint32Array;
  readonly ap1s: Uint32Array;
  readonly ap1ns: Uint32Array;
  /** GICR_WAKER (ProcessorSleep bit 1; ChildrenAsleep bit 2 follows it). */
  readonly waker: Uint8Array;
  /** INTID currently signalled to each PE (-1: none) and its group code. */
  readonly signalled: Int32Array;
  readonly signalledGroup: Int8Array;

  constructor(options: GicOptions) {
    this.options = options;
    const n = options.pes;
    this.peCount = n;
    const total = n * 32 + (SPI_LAST + 1 - SPI_FIRST);
    const u8 = (len: number): Uint8Array => new Uint8Array(len);
    this.enabled = u8(total);
    this.pendingLatch = u8(total);
    this.level = u8(total);
    this.active = u8(total);
    this.igroup = u8(total);
    this.igrpmod = u8(total);
    this.priority = u8(total);
    this.edge = u8(total);
    this.routeLo = new Uint32Array(SPI_LAST + 1 - SPI_FIRST);
    this.routeAff3 = u8(SPI_LAST + 1 - SPI_FIRST);
    this.pmr = u8(n);
    this.bpr0 = u8(n).fill(BPR0_MIN);
    this.bpr1s = u8(n).fill(BPR1_MIN);
    this.bpr1ns = u8(n).fill(BPR1_MIN);
    this.igrpen0 = u8(n);
    this.igrpen1s = u8(n);
    this.igrpen1ns = u8(n);
    this.eoiModeS = u8(n);
    this.eoiModeNs = u8(n);
    this.eoiModeEl3 = u8(n);
    this.cbprS = u8(n);
    this.cbprNs = u8(n);
    this.ap0 = new Uint32Array(n);
    this.ap1s = new Uint32Array(n);
    this.ap1ns = new Uint32Array(n);
    this.waker = u8(n).fill(0b110);
    this.signalled = new Int32Array(n).fill(-1);
    this.signalledGroup = new Int8Array(n).fill(-1);
    // SGIs are edge-triggered; PPIs reset to level-sensitive (GICR_ICFGR1 IMPLEMENTATION DEFINED; the timers are level).
    for (let p = 0; p < n; p++) for (let i = 0; i < 16; i++) this.edge[p * 32 + i] = 1;
  }

  // ---- indexing ------------------------------------------------------------

  /** Index of (intid, pe) in the per-interrupt arrays; -1 when the INTID is not implemented. */
  index(intid: number, pe = 0): number {
    if (intid < 0 || intid > SPI_LAST || !Number.isInteger(intid)) return -1;
    if (intid <= PPI_LAST) return pe >= 0 && pe < this.peCount ? pe * 32 + intid : -1;
    return this.peCount * 32 + intid - SPI_FIRST;
  }

  // ---- what the state says ----------------------------------------------------

  isEnabled(intid: number, pe?: number): boolean {
    const i = this.index(intid, pe ?? 0);
    return i >= 0 && this.enabled[i] !== 0;
  }

  /** Group code (G0/G1NS/G1S) of an interrupt. */
  groupCodeOf(intid: number, pe = 0): number {
    const i = this.index(intid, pe);
    return i < 0 ? G0 : groupCode(this.igroup[i], this.igrpmod[i]);
  }

  groupOf(intid: number, pe = 0): InterruptGroup {
    return groupName(this.groupCodeOf(intid, pe));
  }

  priorityOf(intid: number, pe = 0): number {
    const i = this.index(intid, pe);
    return i < 0 ? 0 : this.priority[i];
  }

  protected cpuGroupEnabled(p: number, g: number): boolean {
    return g === G0 ? this.igrpen0[p] !== 0 : g === G1S ? this.igrpen1s[p] !== 0 : this.igrpen1ns[p] !== 0;
  }

  protected distGroupEnabled(g: number): boolean {
    return (this.ctlr & (g === G0 ? GICD_CTLR.EnableGrp0 : g === G1S ? GICD_CTLR.EnableGrp1S : GICD_CTLR.EnableGrp1NS)) !== 0;
  }

  /** Running priority of a PE (ICC_RPR_EL1): the highest active group priority, 0xFF when idle. */
  runningPriority(pe: number): number {
    const bits = this.ap0[pe] | this.ap1s[pe] | this.ap1ns[pe];
    if (bits === 0) return IDLE_PRIORITY;
    return (31 - Math.clz32(bits & -bits)) << 3;
  }

  /**
   * Group priority used for preemption (IHI 0069 §4.8.3, pseudocode
   * GroupPriority): the priority with the subpriority bits below the binary
   * point cleared; Group 0 (or Group 1 with ICC_CTLR_EL1.CBPR) uses BPR0,
   * Group 1 uses BPR1 - 1.
   */
  groupPriority(pe: number, prio: number, g: number): number {
    let bpr: number;
    if (g === G0) bpr = this.bpr0[pe];
    else if (g === G1S) bpr = this.cbprS[pe] !== 0 ? this.bpr0[pe] : this.bpr1s[pe] - 1;
    else bpr = this.cbprNs[pe] !== 0 ? this.bpr0[pe] : this.bpr1ns[pe] - 1;
    return prio & ((0xff << (bpr + 1)) & 0xff);
  }

  // ---- checkpoints ----------------------------------------------------------

  protected u8Arrays(): Uint8Array[] {
    return [
      this.enabled, this.pendingLatch, this.level, this.active, this.igroup, this.igrpmod, this.priority, this.edge, this.routeAff3,
      this.pmr, this.bpr0, this.bpr1s, this.bpr1ns, this.igrpen0, this.igrpen1s, this.igrpen1ns,
      this.eoiModeS, this.eoiModeNs, this.eoiModeEl3, this.cbprS, this.cbprNs, this.waker,
    ];
  }

  protected u32Arrays(): Uint32Array[] {
    return [this.routeLo, this.ap0, this.ap1s, this.ap1ns];
  }

  stateHash(): number {
    let h = 0x811c9dc5 ^ this.ctlr;
    const mix = (v: number): void => {
      h = Math.imul(h ^ v, 0x01000193);
    };
    for (const a of this.u8Arrays()) for (let i = 0; i < a.length; i++) if (a[i] !== 0) mix(i * 131 + a[i]);
    for (const a of this.u32Arrays()) for (let i = 0; i < a.length; i++) if (a[i] !== 0) mix(a[i] ^ i);
    return h >>> 0;
  }
}
