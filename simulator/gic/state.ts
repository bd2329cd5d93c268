/**
 * The GIC's state (GIC Architecture Specification IHI 0069): the distributor
 * and redistributor registers of every interrupt and the CPU interface state
 * of every PE, as typed arrays — what checkpoints capture and the state hash
 * covers. The behaviour over it (signalling, acknowledge, EOI, routing) is
 * gic.ts's `Gic`.
 *
 * Checkpoints (DESIGN.md "State that is cheap to fork"): every architectural
 * field lives in one buffer (typed-array views into it), so a capture is one
 * copy — and none while nothing changed: every change ends in `Gic.update()`
 * (or sets GICD_CTLR), which moves `version`, and a capture or fingerprint
 * taken at the same version is reused.
 */
import { digestWords } from '../component/fingerprint';
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

/** A capture of the GIC's state: its one buffer, copied (immutable). */
export interface GicSnapshot {
  readonly state: ArrayBuffer;
}

/** The fingerprint of each capture's state, once computed (captures are immutable). */
const captureDigests = new WeakMap<GicSnapshot, number>();

export class GicState {
  readonly options: GicOptions;
  readonly peCount: number;
  private readonly state: ArrayBuffer;
  private readonly words: Uint32Array;
  /** Moves on every change to the state (`stateChanged`). */
  private version = 0;
  private snapVersion = -1;
  private lastSnap: GicSnapshot | undefined;
  private digestVersion = -1;
  private lastDigest = 0;

  /** GICD_CTLR (ARE_S/ARE_NS always 1). */
  get ctlr(): number {
    return this.words[this.words.length - 1];
  }
  set ctlr(v: number) {
    this.words[this.words.length - 1] = v;
    this.version++;
  }

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
    const spis = SPI_LAST + 1 - SPI_FIRST;
    // Layout: 32-bit fields first (IROUTER, active priorities, GICD_CTLR last), then the byte fields.
    const wordCount = spis + 3 * n + 1;
    const byteCount = 8 * total + spis + 13 * n;
    this.state = new ArrayBuffer(4 * wordCount + Math.ceil(byteCount / 4) * 4);
    this.words = new Uint32Array(this.state, 0, wordCount);
    let w = 0;
    const u32 = (len: number): Uint32Array => {
      const a = new Uint32Array(this.state, 4 * w, len);
      w += len;
      return a;
    };
    let b = 4 * wordCount;
    const u8 = (len: number): Uint8Array => {
      const a = new Uint8Array(this.state, b, len);
      b += len;
      return a;
    };
    this.routeLo = u32(spis);
    this.ap0 = u32(n);
    this.ap1s = u32(n);
    this.ap1ns = u32(n);
    this.ctlr = GICD_CTLR.ARE_S | GICD_CTLR.ARE_NS;
    this.enabled = u8(total);
    this.pendingLatch = u8(total);
    this.level = u8(total);
    this.active = u8(total);
    this.igroup = u8(total);
    this.igrpmod = u8(total);
    this.priority = u8(total);
    this.edge = u8(total);
    this.routeAff3 = u8(spis);
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

  /** The state changed (`Gic.update` ends every change with it): captures and fingerprints are out of date. */
  protected stateChanged(): void {
    this.version++;
  }

  /** A copy of the state buffer (the same capture again while nothing changed). */
  /** Capture for checkpoints (the GIC's `restore` takes it back). */
  snapshot(): unknown {
    return this.captureState();
  }

  protected captureState(): GicSnapshot {
    if (this.snapVersion !== this.version || this.lastSnap === undefined) {
      this.lastSnap = { state: this.state.slice(0) };
      this.snapVersion = this.version;
      if (this.digestVersion === this.version) captureDigests.set(this.lastSnap, this.lastDigest);
    }
    return this.lastSnap;
  }

  /** The live state is capture `s` (nothing changed since it was taken or restored). */
  protected holds(s: GicSnapshot): boolean {
    return s === this.lastSnap && this.snapVersion === this.version;
  }

  /** Copy a capture into the state buffer (no copy when the state is that capture, unchanged). */
  protected restoreState(s: GicSnapshot): void {
    if (!this.holds(s)) new Uint8Array(this.state).set(new Uint8Array(s.state));
  }

  /** After a restore and the re-driving it calls for: the state is the capture's, and so is its fingerprint when known. */
  protected restoredFrom(s: GicSnapshot): void {
    this.lastSnap = s;
    this.snapVersion = this.version;
    const d = captureDigests.get(s);
    if (d !== undefined) {
      this.lastDigest = d;
      this.digestVersion = this.version;
    }
  }

  /** Fingerprint (53 bits) of the whole state buffer, recomputed only after a change. */
  stateHash(): number {
    if (this.digestVersion !== this.version) {
      this.lastDigest = digestWords(new Uint32Array(this.state));
      this.digestVersion = this.version;
      if (this.lastSnap !== undefined && this.snapVersion === this.version) captureDigests.set(this.lastSnap, this.lastDigest);
    }
    return this.lastDigest;
  }
}
