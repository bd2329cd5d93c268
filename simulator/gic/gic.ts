/**
 * A GICv3 interrupt controller (GIC Architecture Specification IHI 0069):
 * one distributor (SPIs), one redistributor per PE (SGIs and PPIs), and the
 * CPU interface state of each PE (PMR, binary points, group enables, EOI
 * mode, active priorities). The MMIO frames (distributor.ts,
 * redistributor.ts) and the ICC_* system registers (cpuInterface.ts) are thin
 * views over the state held here.
 *
 * Configuration: affinity routing always on (GICD_CTLR.ARE_S = ARE_NS = 1),
 * two Security states (GICD_CTLR.DS = 0), 5 priority bits, INTIDs 0-1019
 * (GICD_TYPER.ITLinesNumber = 31), no LPIs, no extended ranges.
 *
 * Signalling (IHI 0069 §4.6 "Interrupt prioritization", §4.6.2 Table 4-5
 * "Interrupt signals"): for each PE the highest-priority pending interrupt
 * (HPPI) that is enabled, whose group is enabled in GICD_CTLR and in the PE's
 * ICC_IGRPEN*, and that is not active, is signalled when its priority is
 * higher than ICC_PMR_EL1 and its group priority higher than the running
 * priority. Its group and the PE's current Security state and EL pick the
 * line: Group 0 → FIQ; Group 1 of the current Security state → IRQ; Group 1
 * of the other Security state → FIQ; at EL3 every Group 1 interrupt → FIQ.
 * The PE's exception routing (SCR_EL3.IRQ/FIQ, HCR_EL2.IMO/FMO/TGE) then
 * chooses the EL (simulator/pe/interrupts.ts).
 *
 * Because the line depends on the PE's EL and Security state, the machine
 * calls `refresh(pe)` after every exception entry, exception return and write
 * of SCR_EL3.
 */
import { ICC_SGI1R_EL1, MPIDR_EL1 } from '../arch/registers/fields';
import { Hook } from '../component/hook';
import { GICD_CTLR, GicState, type GicOptions, type GicSnapshot } from './state';
import { isSecure, refreshConfig } from '../pe/config';
import type { Pe } from '../pe/pe';
import {
  G0,
  G1NS,
  G1S,
  INTID_NONSECURE_G1_AT_EL3,
  INTID_SECURE_G1_AT_EL3,
  INTID_SPURIOUS,
  PPI_LAST,
  PRIORITY_MASK,
  SPI_FIRST,
  SPI_LAST,
  groupCode,
  groupFromName,
  groupName,
  type InterruptGroup,
  type PendingInterrupt,
  type SecureInterruptController,
} from './types';

/** What `onSignal` listeners hear: the interrupt now signalled to a PE (undefined: none). */
export type SignalListener = (pe: number, signalled: PendingInterrupt | undefined) => void;
export type PendingListener = (intid: number, pe: number | undefined) => void;

/** What the GIC did to an interrupt (the `interrupt` hook: trace events, views). */
export type InterruptListener = (what: 'pending' | 'acknowledge' | 'eoi' | 'deactivate', intid: number, pe: number | undefined) => void;

/** The GIC's hook points (component/hook.ts). */
export interface GicHooks {
  /** What a PE is signalled changed (the interrupt now signalled, undefined: none). */
  readonly signal: Hook<SignalListener>;
  /** An interrupt became pending (`pe`: the redistributor for an SGI/PPI; undefined for an SPI). */
  readonly pending: Hook<PendingListener>;
  /** An interrupt became pending, was acknowledged, had its priority dropped or was deactivated. */
  readonly interrupt: Hook<InterruptListener>;
}

export class Gic extends GicState implements SecureInterruptController {
  /** PE objects (set by attach); lines are driven only once attached. */
  private pes: Pe[] = [];
  /** Affinity of each PE (MPIDR_EL1 Aff3.Aff2.Aff1.Aff0 packed as Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0). */
  private affinity: number[] = [];
  readonly hooks: GicHooks = { signal: new Hook('interrupt signalled'), pending: new Hook('interrupt pending'), interrupt: new Hook('interrupt') };
  /** Number of SPIs with their pending latch or level set (skip the SPI scan when 0). */
  private spiPendingHint = 0;

  constructor(options: GicOptions) {
    super(options);
    for (let p = 0; p < this.peCount; p++) this.affinity.push(p);
  }

  // ---- wiring -------------------------------------------------------------

  /**
   * Connect the PEs: the GIC drives their irqLine/fiqLine. Affinities come
   * from MPIDR_EL1 (GICR_TYPER.Affinity_Value, IROUTER matching); SPIs reset
   * to route to the PE with affinity 0.0.0.0.
   */
  attach(pes: readonly Pe[]): void {
    this.pes = pes.slice();
    this.affinity = this.pes.map((pe) => {
      const m = pe.sysregs.get('MPIDR_EL1') ?? BigInt(pe.id);
      return packAffinity(MPIDR_EL1.Aff3.num(m), MPIDR_EL1.Aff2.num(m), MPIDR_EL1.Aff1.num(m), MPIDR_EL1.Aff0.num(m));
    });
    for (let p = 0; p < this.peCount; p++) this.update(p);
  }

  /** PE affinity packed by `packAffinity` (the GICR_TYPER.Affinity_Value / GICD_IROUTER layout). */
  affinityOf(pe: number): number {
    return this.affinity[pe] ?? pe;
  }

  /** The PE with affinity `aff` (packed as in affinityOf), or -1. */
  peWithAffinity(aff: number): number {
    return this.affinity.indexOf(aff);
  }

  /** Subscribe to `hooks.signal`; returns the unsubscribe function. */
  onSignal(fn: SignalListener): () => void {
    return this.hooks.signal.subscribe(fn);
  }

  /** Subscribe to `hooks.pending`; returns the unsubscribe function. */
  onPending(fn: PendingListener): () => void {
    return this.hooks.pending.subscribe(fn);
  }

  // ---- interrupt inputs ---------------------------------------------------

  /**
   * Make an interrupt pending (an edge on its input, a scenario `irq` event,
   * GICD_ISPENDR). For SGIs/PPIs `pe` selects the redistributor (default 0).
   */
  raise(intid: number, pe = 0): void {
    this.setPending(intid, true, pe);
  }

  /**
   * Drive a device's interrupt output (UART, generic timer): a level-sensitive
   * interrupt is pending while the level is high; an edge-triggered one
   * latches pending on a rising edge (IHI 0069 §4.1.1).
   */
  setLevel(intid: number, high: boolean, pe = 0): void {
    const i = this.index(intid, pe);
    if (i < 0) return;
    const v = high ? 1 : 0;
    if (this.level[i] === v) return;
    this.level[i] = v;
    if (high && this.edge[i] !== 0) this.pendingLatch[i] = 1;
    if (high) this.notifyPending(intid, intid <= PPI_LAST ? pe : undefined);
    this.changed(intid, pe);
  }

  /** Set or clear the pending latch (GICD_ISPENDR/ICPENDR, firmware). */
  setPending(intid: number, pending: boolean, pe = 0): void {
    const i = this.index(intid, pe);
    if (i < 0) return;
    const v = pending ? 1 : 0;
    if (this.pendingLatch[i] === v) return;
    this.pendingLatch[i] = v;
    if (pending) this.notifyPending(intid, intid <= PPI_LAST ? pe : undefined);
    this.changed(intid, pe);
  }

  setActive(intid: number, on: boolean, pe = 0): void {
    const i = this.index(intid, pe);
    if (i < 0) return;
    this.active[i] = on ? 1 : 0;
    this.changed(intid, pe);
  }

  /** Pending: the latch, or a level-sensitive input held high. */
  isPending(intid: number, pe = 0): boolean {
    const i = this.index(intid, pe);
    return i >= 0 && this.pendingAt(i);
  }

  isActive(intid: number, pe = 0): boolean {
    const i = this.index(intid, pe);
    return i >= 0 && this.active[i] !== 0;
  }

  private pendingAt(i: number): boolean {
    return this.pendingLatch[i] !== 0 || (this.level[i] !== 0 && this.edge[i] === 0);
  }

  private notifyPending(intid: number, pe: number | undefined): void {
    if (this.hooks.pending.active) this.hooks.pending.emit(intid, pe);
    if (this.hooks.interrupt.active) this.hooks.interrupt.emit('pending', intid, pe);
  }

  // ---- configuration (the firmware's SecureInterruptController + MMIO) ---------------

  setEnabled(intid: number, enabled: boolean, pe?: number): void {
    const i = this.index(intid, pe ?? 0);
    if (i < 0) return;
    this.enabled[i] = enabled ? 1 : 0;
    this.changed(intid, pe ?? 0);
  }

  /** Set the group of an interrupt (GICD_IGROUPR + GICD_IGRPMODR). */
  setGroup(intid: number, group: InterruptGroup, pe = 0): void {
    const i = this.index(intid, pe);
    if (i < 0) return;
    const g = groupFromName(group);
    this.igroup[i] = g === G1NS ? 1 : 0;
    this.igrpmod[i] = g === G1S ? 1 : 0;
    this.changed(intid, pe);
  }

  setPriority(intid: number, priority: number, pe = 0): void {
    const i = this.index(intid, pe);
    if (i < 0) return;
    this.priority[i] = priority & PRIORITY_MASK;
    this.changed(intid, pe);
  }

  /** Edge (true) or level-sensitive (false). SGIs stay edge-triggered. */
  setEdge(intid: number, edge: boolean, pe = 0): void {
    const i = this.index(intid, pe);
    if (i < 0 || intid < 16) return;
    this.edge[i] = edge ? 1 : 0;
    this.changed(intid, pe);
  }

  /** Route an SPI to one PE (GICD_IROUTER<n>.IRM=0, Aff3.Aff2.Aff1.Aff0 = the PE's affinity). */
  setTarget(intid: number, pe: number): void {
    if (intid < SPI_FIRST || intid > SPI_LAST) return;
    const aff = this.affinityOf(pe);
    this.routeLo[intid - SPI_FIRST] = aff & 0xff_ffff;
    this.routeAff3[intid - SPI_FIRST] = (aff >>> 24) & 0xff;
    this.updateAll();
  }

  /** Route an SPI to "any participating PE" (GICD_IROUTER<n>.IRM=1). */
  setAnyTarget(intid: number): void {
    if (intid < SPI_FIRST || intid > SPI_LAST) return;
    this.routeLo[intid - SPI_FIRST] = 0x8000_0000;
    this.routeAff3[intid - SPI_FIRST] = 0;
    this.updateAll();
  }

  configure(intid: number, cfg: { group?: InterruptGroup; priority?: number; targetPe?: number }): void {
    const pe = cfg.targetPe ?? 0;
    const banked = intid <= PPI_LAST;
    const pes = banked && cfg.targetPe === undefined ? [...Array(this.peCount).keys()] : [pe];
    for (const p of pes) {
      if (cfg.group !== undefined) this.setGroup(intid, cfg.group, p);
      if (cfg.priority !== undefined) this.setPriority(intid, cfg.priority, p);
    }
    if (!banked && cfg.targetPe !== undefined) this.setTarget(intid, cfg.targetPe);
  }

  /**
   * The state TF-A (plat_gic_init, gicv3_cpuif_enable) and the SPMC leave
   * behind for the built-in firmware (simulator/firmware): every group enabled
   * in GICD_CTLR and in each CPU interface (ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL3),
   * priority mask open (ICC_PMR_EL1 = 0xff, 0xf8 with 5 priority bits).
   */
  initialiseForFirmware(): void {
    this.ctlr |= GICD_CTLR.EnableGrp0 | GICD_CTLR.EnableGrp1NS | GICD_CTLR.EnableGrp1S;
    this.pmr.fill(0xff & PRIORITY_MASK);
    this.igrpen0.fill(1);
    this.igrpen1s.fill(1);
    this.igrpen1ns.fill(1);
    this.updateAll();
  }

  /** Write ICC_PMR_EL1 of PE `pe` on the firmware's behalf (stored value, Secure view); returns the previous value. */
  setPriorityMask(pe: number, pmr: number): number {
    const prev = this.pmr[pe];
    this.pmr[pe] = pmr & PRIORITY_MASK;
    this.update(pe);
    return prev;
  }

  /** GICD_CTLR write (Secure view; ARE bits stay 1, DS stays 0). */
  setDistributorControl(value: number): void {
    this.ctlr = (value & (GICD_CTLR.EnableGrp0 | GICD_CTLR.EnableGrp1NS | GICD_CTLR.EnableGrp1S)) | GICD_CTLR.ARE_S | GICD_CTLR.ARE_NS;
    this.updateAll();
  }

  // ---- routing --------------------------------------------------------------

  /** The PE an SPI is routed to now, or -1 (IRM=1: the lowest-numbered PE that has the group enabled). */
  spiTarget(intid: number): number {
    const k = intid - SPI_FIRST;
    const lo = this.routeLo[k];
    if ((lo & 0x8000_0000) !== 0) {
      const g = this.groupCodeOf(intid);
      for (let p = 0; p < this.peCount; p++) if (this.cpuGroupEnabled(p, g)) return p;
      return -1;
    }
    return this.peWithAffinity(((this.routeAff3[k] << 24) >>> 0) + (lo & 0xff_ffff));
  }

  // ---- signalling -----------------------------------------------------------

  /**
   * The highest-priority pending interrupt for a PE among enabled, not active
   * interrupts of groups enabled in GICD_CTLR and the PE's ICC_IGRPEN*
   * (ties: lowest INTID). Returns the INTID or -1; `hppiPriority`/`hppiGroup` hold the rest.
   */
  hppi(p: number): number {
    let best = -1;
    let bestPrio = 0x100;
    let bestGroup = -1;
    const base = p * 32;
    for (let intid = 0; intid <= PPI_LAST; intid++) {
      const i = base + intid;
      if (this.enabled[i] === 0 || this.active[i] !== 0 || !this.pendingAt(i)) continue;
      const pr = this.priority[i];
      if (pr >= bestPrio) continue;
      const g = groupCode(this.igroup[i], this.igrpmod[i]);
      if (!this.distGroupEnabled(g) || !this.cpuGroupEnabled(p, g)) continue;
      best = intid;
      bestPrio = pr;
      bestGroup = g;
    }
    if (this.spiPendingHint > 0) {
      const off = this.peCount * 32 - SPI_FIRST;
      for (let intid = SPI_FIRST; intid <= SPI_LAST; intid++) {
        const i = off + intid;
        if (this.enabled[i] === 0 || this.active[i] !== 0 || !this.pendingAt(i)) continue;
        const pr = this.priority[i];
        if (pr >= bestPrio) continue;
        const g = groupCode(this.igroup[i], this.igrpmod[i]);
        if (!this.distGroupEnabled(g) || !this.cpuGroupEnabled(p, g)) continue;
        if (this.spiTarget(intid) !== p) continue;
        best = intid;
        bestPrio = pr;
        bestGroup = g;
      }
    }
    this.hppiPriority = bestPrio;
    this.hppiGroup = bestGroup;
    return best;
  }

  /** Priority and group code of the last `hppi()` result. */
  hppiPriority = 0x100;
  hppiGroup = -1;

  /** Does the HPPI of PE p (from the last hppi() call) pass the PMR and running-priority checks? */
  private hppiPassesMasks(p: number): boolean {
    return this.hppiPriority < this.pmr[p] && this.groupPriority(p, this.hppiPriority, this.hppiGroup) < this.runningPriority(p);
  }

  /** The interrupt signalled to PE p (HPPI passing PMR and running priority), or undefined. Part of the firmware's SecureInterruptController. */
  highestPending(pe: number): PendingInterrupt | undefined {
    const intid = this.hppi(pe);
    if (intid < 0 || !this.hppiPassesMasks(pe)) return undefined;
    return { intid, priority: this.hppiPriority, group: groupName(this.hppiGroup) };
  }

  /** Recompute what PE p is signalled and drive its IRQ/FIQ lines (every change to the GIC's state ends here). */
  update(p: number): void {
    if (p < 0 || p >= this.peCount) return;
    this.stateChanged();
    this.recountSpis();
    this.signal(p);
  }

  /** What PE p is signalled, from the current state (the SPI count up to date): its lines and the CPU interface's views. */
  private signal(p: number): void {
    const intid = this.hppi(p);
    const sig = intid >= 0 && this.hppiPassesMasks(p) ? intid : -1;
    const g = sig >= 0 ? this.hppiGroup : -1;
    const changed = this.signalled[p] !== sig || this.signalledGroup[p] !== g;
    this.signalled[p] = sig;
    this.signalledGroup[p] = g;
    this.drive(p);
    if (changed && this.hooks.signal.active) {
      const info = sig >= 0 ? { intid: sig, priority: this.hppiPriority, group: groupName(g) } : undefined;
      this.hooks.signal.emit(p, info);
    }
    if (this.afterUpdate !== undefined) this.afterUpdate(p);
  }

  /** Called after every update of PE p (the CPU interface mirrors its register views into the PE's storage). */
  afterUpdate: ((p: number) => void) | undefined = undefined;

  updateAll(): void {
    for (let p = 0; p < this.peCount; p++) this.update(p);
  }

  /** The PE changed EL or Security state (exception entry/return, SCR_EL3 write): re-pick the line. */
  refresh(pe: Pe | number): void {
    const p = typeof pe === 'number' ? pe : pe.id;
    if (p < 0 || p >= this.peCount) return;
    this.drive(p);
    // Banked ICC_* registers show another copy after a Security state change.
    if (this.afterRefresh !== undefined) this.afterRefresh(p);
  }

  /** Called after `refresh` (the CPU interface re-mirrors banked registers when the Security state changed). */
  afterRefresh: ((p: number) => void) | undefined = undefined;

  /** IHI 0069 §4.6.2 Table 4-5: which exception a signalled interrupt of group g raises on the PE in its current state. */
  signalIsFiq(pe: Pe, g: number): boolean {
    if (g === G0) return true;
    refreshConfig(pe);
    if (pe.el === 3) return true;
    const secure = isSecure(pe);
    return g === G1S ? !secure : secure;
  }

  private drive(p: number): void {
    const pe = this.pes[p];
    if (pe === undefined) return;
    if (this.signalled[p] < 0) {
      pe.irqLine = false;
      pe.fiqLine = false;
      return;
    }
    const fiq = this.signalIsFiq(pe, this.signalledGroup[p]);
    pe.fiqLine = fiq;
    pe.irqLine = !fiq;
  }

  private recountSpis(): void {
    const off = this.peCount * 32;
    let n = 0;
    for (let i = off; i < this.pendingLatch.length; i++) if (this.pendingLatch[i] !== 0 || this.level[i] !== 0) n++;
    this.spiPendingHint = n;
  }

  /** State of `intid` changed: update the PEs it can reach. */
  private changed(intid: number, pe: number): void {
    if (intid <= PPI_LAST) this.update(pe);
    else this.updateAll();
  }

  // ---- the CPU interface operations (ICC_IAR/EOIR/DIR, also used by firmware) ----

  /**
   * Acknowledge (ICC_IARn_EL1, IHI 0069 §4.7.1 and the ICC_IAR0/1_EL1
   * descriptions): the HPPI, if it is of `group` and passes PMR and running
   * priority, becomes active (its pending latch clears; a level-sensitive
   * input still high leaves it active and pending) and its group priority is
   * marked in the Active Priorities registers. Otherwise 1023 (spurious).
   */
  acknowledge(pe: number, group: InterruptGroup): number {
    return this.acknowledgeGroup(pe, groupFromName(group));
  }

  acknowledgeGroup(p: number, g: number): number {
    return this.acknowledgeGroups(p, g, g);
  }

  /** Acknowledge the HPPI when its group is `g` or `alt` (ICC_IAR1_EL1 at EL3 sees both Group 1s). */
  acknowledgeGroups(p: number, g: number, alt: number): number {
    const intid = this.hppi(p);
    if (intid < 0 || (this.hppiGroup !== g && this.hppiGroup !== alt) || !this.hppiPassesMasks(p)) return INTID_SPURIOUS;
    g = this.hppiGroup;
    const i = this.index(intid, p);
    this.pendingLatch[i] = 0;
    this.active[i] = 1;
    const bit = 1 << (this.groupPriority(p, this.hppiPriority, g) >>> 3);
    if (g === G0) this.ap0[p] |= bit;
    else if (g === G1S) this.ap1s[p] |= bit;
    else this.ap1ns[p] |= bit;
    if (this.hooks.interrupt.active) this.hooks.interrupt.emit('acknowledge', intid, p);
    if (intid <= PPI_LAST) this.update(p);
    else this.updateAll();
    return intid;
  }

  /**
   * ICC_IAR0_EL1 read at EL3 when the HPPI is Group 1 (IHI 0069 §2.2.1):
   * 1020 (Secure Group 1) or 1021 (Non-secure Group 1), nothing acknowledged.
   */
  el3Group1Special(p: number): number {
    const intid = this.hppi(p);
    if (intid < 0 || !this.hppiPassesMasks(p)) return INTID_SPURIOUS;
    if (this.hppiGroup === G1S) return INTID_SECURE_G1_AT_EL3;
    if (this.hppiGroup === G1NS) return INTID_NONSECURE_G1_AT_EL3;
    return -1;
  }

  /**
   * Priority drop (pseudocode PriorityDrop): clear the highest active
   * priority bit. `deactivateToo` (EOImode=0) also deactivates `intid`.
   */
  priorityDrop(p: number): void {
    const bits = this.ap0[p] | this.ap1s[p] | this.ap1ns[p];
    if (bits === 0) return;
    const low = bits & -bits;
    if ((this.ap0[p] & low) !== 0) this.ap0[p] &= ~low;
    else if ((this.ap1s[p] & low) !== 0) this.ap1s[p] &= ~low;
    else this.ap1ns[p] &= ~low;
  }

  /** Priority drop, plus deactivation when the EOI mode of the PE's current Security state/EL is 0. Part of the firmware's SecureInterruptController. */
  endOfInterrupt(pe: number, intid: number): void {
    const p = this.pes[pe];
    const mode = p === undefined ? this.eoiModeNs[pe] : this.eoiModeFor(p);
    this.eoi(pe, intid, mode === 0, this.groupCodeOf(intid, pe));
  }

  /** The group whose Active Priorities bit is the highest active priority (ties: G0, then G1S), or -1. */
  highestActiveGroup(p: number): number {
    const bits = this.ap0[p] | this.ap1s[p] | this.ap1ns[p];
    if (bits === 0) return -1;
    const low = bits & -bits;
    return (this.ap0[p] & low) !== 0 ? G0 : (this.ap1s[p] & low) !== 0 ? G1S : G1NS;
  }

  /**
   * ICC_EOIR0/1_EL1 (IHI 0069 §4.7.2, pseudocode ICC_EOIR*): ignored for the
   * special INTIDs and when the highest active priority does not belong to
   * group `g` (EOIR0: Group 0; EOIR1: Group 1 of the current Security state);
   * otherwise a priority drop, and with EOImode=0 the deactivation of `intid`.
   */
  eoi(p: number, intid: number, deactivate: boolean, g: number): void {
    if (intid > SPI_LAST) return;
    if (this.highestActiveGroup(p) !== g) return;
    this.priorityDrop(p);
    if (this.hooks.interrupt.active) this.hooks.interrupt.emit('eoi', intid, p);
    if (deactivate) {
      const i = this.index(intid, p);
      if (i >= 0) this.active[i] = 0;
      if (this.hooks.interrupt.active) this.hooks.interrupt.emit('deactivate', intid, p);
    }
    if (intid <= PPI_LAST) this.update(p);
    else this.updateAll();
  }

  /** ICC_DIR_EL1 (deactivate only). */
  deactivate(pe: number, intid: number): void {
    const i = this.index(intid, pe);
    if (i < 0) return;
    this.active[i] = 0;
    if (this.hooks.interrupt.active) this.hooks.interrupt.emit('deactivate', intid, pe);
    if (intid <= PPI_LAST) this.update(pe);
    else this.updateAll();
  }

  /** EOImode in effect: ICC_CTLR_EL3.EOImode_EL3 at EL3, else ICC_CTLR_EL1.EOImode of the current Security state. */
  eoiModeFor(pe: Pe): number {
    refreshConfig(pe);
    if (pe.el === 3) return this.eoiModeEl3[pe.id];
    return isSecure(pe) ? this.eoiModeS[pe.id] : this.eoiModeNs[pe.id];
  }

  // ---- SGIs -------------------------------------------------------------------

  /**
   * Generate an SGI from an ICC_SGI0R/SGI1R/ASGI1R_EL1 write (IHI 0069 §12.2
   * register layout; Table 12-14 forwarding rules, GICR_NSACR = 0):
   * - Secure SGI0R → target's G0; Secure SGI1R → G1S; Secure ASGI1R → G1NS;
   * - Non-secure SGI1R → G1NS; Non-secure SGI0R/ASGI1R → not forwarded.
   * Returns the PEs the SGI was made pending on.
   */
  generateSgi(from: number, value: bigint, register: 'SGI0R' | 'SGI1R' | 'ASGI1R', secure: boolean): number[] {
    const S = ICC_SGI1R_EL1;
    const intid = S.INTID.num(value);
    const targetList = S.TargetList.num(value);
    const irm = S.IRM.isSet(value);
    const rs = S.RS.num(value);
    const target = packAffinity(S.Aff3.num(value), S.Aff2.num(value), S.Aff1.num(value), 0);
    const want = register === 'SGI0R' ? (secure ? G0 : -1) : register === 'SGI1R' ? (secure ? G1S : G1NS) : secure ? G1NS : -1;
    const out: number[] = [];
    if (want < 0) return out;
    for (let p = 0; p < this.peCount; p++) {
      if (irm) {
        if (p === from) continue;
      } else {
        const aff = this.affinityOf(p);
        if (aff - (aff & 0xff) !== target) continue;
        const a0 = aff & 0xff;
        if (a0 < rs * 16 || a0 >= rs * 16 + 16 || ((targetList >>> (a0 - rs * 16)) & 1) === 0) continue;
      }
      if (this.groupCodeOf(intid, p) !== want) continue;
      out.push(p);
      this.setPending(intid, true, p);
    }
    return out;
  }

  // ---- checkpoints (the state's capture and fingerprint are state.ts's) -------------

  restore(snap: unknown): void {
    const s = snap as GicSnapshot;
    // The live state: what it signals is unchanged; lines and mirrored views came back with the PEs (restored
    // first), but not the mirror's record of each PE's bank: a PE restored into another bank is re-mirrored.
    if (this.holds(s)) {
      for (let p = 0; p < this.peCount; p++) this.afterRefresh?.(p);
      return;
    }
    this.restoreState(s);
    // Another state: `updateAll` (lines and mirrored views re-driven), the SPIs counted once.
    this.signalled.fill(-1);
    this.signalledGroup.fill(-1);
    this.stateChanged();
    this.recountSpis();
    for (let p = 0; p < this.peCount; p++) this.signal(p);
    this.restoredFrom(s);
  }
}

/**
 * An affinity as the GIC packs it (GICR_TYPER.Affinity_Value, GICD_IROUTER
 * bits [23:0] plus Aff3): Aff3.Aff2.Aff1.Aff0, one byte each, as a non-negative number.
 */
export function packAffinity(aff3: number, aff2: number, aff1: number, aff0: number): number {
  return aff3 * 0x100_0000 + ((aff2 << 16) | (aff1 << 8) | aff0);
}
