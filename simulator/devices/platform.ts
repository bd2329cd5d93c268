/**
 * The platform around the PEs: the GICv3 (simulator/gic), the memory-mapped
 * devices declared in `system { device … }` (a PL011 UART for `uart`/`pl011`)
 * and the Generic Timer. The machine builds one per run, maps `mmio` into its
 * memory system, attaches it to the PEs and the system model, and asks it for
 * timer deadlines.
 *
 * Wiring: a UART's interrupt output drives its declared SPI (`irq INTID`) as
 * a level-sensitive input; each PE's timers drive their PPIs on that PE's
 * redistributor; scenario `irq` events make an interrupt pending at the GIC;
 * `uart input` events feed a UART's receive FIFO.
 */
import { CpuInterface, type SysregHandlerRegistry } from '../gic/cpuInterface';
import { parseGicConfig, gicFrames, type GicConfig } from '../gic/config';
import { Gic } from '../gic/gic';
import { Distributor, Redistributors } from '../gic/mmio';
import { VirtualCpuInterface } from '../gic/virtual';
import { ISR_HANDLER } from '../gic/isr';
import { PPI_LAST } from '../gic/types';
import type { MmioDevice } from '../memory/flat';
import type { Pe } from '../pe/pe';
import type { DeviceDecl, ScenarioModel } from '../scenario/model';
import { hashValue, StateHasher } from '../component/state';
import { GenericTimer } from './timer';
import { Pl011 } from './uart';

export interface MmioRegion {
  base: number;
  size: number;
  device: MmioDevice;
}

export function createDevice(decl: DeviceDecl): MmioDevice | undefined {
  switch (decl.model.toLowerCase()) {
    case 'uart':
    case 'pl011':
      return new Pl011(decl.name, decl.irq);
    default:
      return undefined;
  }
}

export class Platform {
  readonly gic: Gic;
  readonly config: GicConfig;
  /** Every memory-mapped region to map: the declared devices with a model, then the GIC frames. */
  readonly mmio: MmioRegion[] = [];
  /** Ranges that are MMIO (never cached): every declared device (modelled or not) and the GIC frames. */
  readonly mmioRanges: { base: number; size: number }[] = [];
  readonly uarts: Pl011[] = [];
  private timer: GenericTimer | undefined;
  private cpu: CpuInterface | undefined;

  constructor(model: ScenarioModel) {
    const sys = model.system;
    this.config = parseGicConfig(model);
    this.gic = new Gic({ pes: sys.pes, distributorBase: this.config.distributorBase, redistributorBase: this.config.redistributorBase });
    for (const d of sys.devices) {
      const dev = createDevice(d);
      this.mmioRanges.push({ base: Number(d.base), size: Number(d.size) });
      if (dev === undefined) continue;
      this.mmio.push({ base: Number(d.base), size: Number(d.size), device: dev });
      if (dev instanceof Pl011) this.uarts.push(dev);
    }
    // The GIC frames; the default (FVP) placement is skipped where it would shadow declared memory or devices.
    const frames = gicFrames(this.config, sys.pes);
    const devices: MmioDevice[] = [new Distributor(this.gic), new Redistributors(this.gic)];
    frames.forEach(([, base, size], k) => {
      const clash = [...sys.memory, ...sys.devices].some((r) => base < Number(r.base) + Number(r.size) && Number(r.base) < base + size);
      if (clash && !this.config.explicit) return;
      this.mmio.push({ base, size, device: devices[k] });
      this.mmioRanges.push({ base, size });
    });
    this.applyConfig(this.config);
    for (const u of this.uarts) {
      const irq = u.irq;
      if (irq !== undefined) u.connect((high) => this.gic.setLevel(irq, high));
    }
  }

  private applyConfig(cfg: GicConfig): void {
    const g = this.gic;
    g.ctlr |= (cfg.enableGroups.g0 ? 1 : 0) | (cfg.enableGroups.g1ns ? 2 : 0) | (cfg.enableGroups.g1s ? 4 : 0);
    for (const d of cfg.interrupts) {
      const pes = d.intid <= PPI_LAST ? (d.pes ?? [...Array(g.peCount).keys()]) : [0];
      for (const p of pes) {
        if (d.group !== undefined) g.setGroup(d.intid, d.group, p);
        if (d.priority !== undefined) g.setPriority(d.intid, d.priority, p);
        if (d.edge !== undefined) g.setEdge(d.intid, d.edge, p);
        if (d.enabled !== undefined) g.setEnabled(d.intid, d.enabled, p);
        if (d.pending) g.setPending(d.intid, true, p);
      }
      if (d.target === 'any') g.setAnyTarget(d.intid);
      else if (d.target !== undefined) g.setTarget(d.intid, d.target);
    }
  }

  /**
   * Connect the PEs: the GIC drives their IRQ/FIQ lines, the ICC_* and timer
   * registers get their behaviour in `sys`, and `now()` is the system
   * counter (machine steps).
   */
  attach(pes: readonly Pe[], sys: SysregHandlerRegistry, now: () => number): void {
    const g = this.gic;
    // SPIs declared without a target route to PE 0's affinity, now that affinities are known.
    const targets = this.config.interrupts.filter((d) => typeof d.target === 'number');
    g.attach(pes);
    for (const d of targets) g.setTarget(d.intid, d.target as number);
    const virt = new VirtualCpuInterface(g, pes);
    const cpu = new CpuInterface(g, pes, virt);
    cpu.install(sys);
    for (const [name, h] of virt.handlers()) sys.setSysregHandler(name, h);
    sys.setSysregHandler('ISR_EL1', ISR_HANDLER);
    cpu.absorbInitialValues();
    g.afterUpdate = (p) => cpu.mirror(p);
    g.afterRefresh = (p) => cpu.mirrorIfBankChanged(p);
    for (let p = 0; p < pes.length; p++) cpu.mirror(p);
    this.cpu = cpu;
    const timer = new GenericTimer(pes, now, (pe, ppi, high) => g.setLevel(ppi, high, pe));
    timer.onDeadline = (step) => void (this.deadline = step);
    for (const [name, h] of timer.handlers()) sys.setSysregHandler(name, h);
    timer.evaluate();
    this.timer = timer;
    virt.start();
  }

  /**
   * The step at which a timer output will rise (Infinity: none armed). A plain
   * field: the machine's fast loop reads it every step, since an MSR to a
   * timer register can move it in the middle of a run of PE steps.
   */
  deadline = Infinity;

  nextDeadline(): number {
    return this.deadline;
  }

  /** Time reached a deadline (or anything else changed): update the timer outputs. */
  tick(): void {
    this.timer?.evaluate();
  }

  /** A PE changed EL or Security state: the GIC re-picks IRQ vs FIQ for it. */
  peStateChanged(pe: Pe): void {
    this.gic.refresh(pe);
  }

  /** The UART called `name` (or the only/first one when omitted). */
  uart(name?: string): Pl011 | undefined {
    if (name === undefined) return this.uarts[0];
    return this.uarts.find((u) => u.name.toLowerCase() === name.toLowerCase());
  }

  snapshot(): unknown {
    return { gic: this.gic.snapshot(), timer: this.timer?.snapshot() };
  }

  restore(s: unknown): void {
    const snap = s as { gic: unknown; timer: unknown };
    this.timer?.restore(snap.timer);
    this.gic.restore(snap.gic);
  }

  /**
   * Fingerprint of everything the platform decides from here on: the GIC,
   * the Generic Timer's output levels and next deadline (the CNT*_CTL/CVAL
   * values themselves are PE registers, hashed with the PE) and each UART's
   * FIFOs, registers and transmitted text. `Machine.stateHash()` folds it in,
   * so determinism and time-travel checks see a timer firing or a character
   * arriving. (The UARTs are also hashed by the memory system that maps them;
   * hashing them here keeps the platform's fingerprint complete on its own.)
   */
  stateHash(): number {
    const gic = this.gic.stateHash();
    // Without UARTs the parts are the GIC's digest and the timer's capture (the same object while its levels and
    // deadline are unchanged): the last value serves while both are the same — an explorer asks at every state.
    const timer = this.uarts.length === 0 ? this.timer?.snapshot() : undefined;
    const memo = this.hashMemo;
    if (this.uarts.length === 0 && memo !== undefined && memo.gic === gic && memo.timer === timer) return memo.value;
    const h = new StateHasher().hash(gic);
    this.timer?.hashInto(h);
    for (const u of this.uarts) hashValue(h, u.snapshot());
    const value = h.value();
    this.hashMemo = { gic, timer, value };
    return value;
  }

  /** `stateHash`'s last value and the parts it was computed from (used without UARTs only). */
  private hashMemo: { gic: number; timer: unknown; value: number } | undefined = undefined;

  /** The CPU interface (views: ICC_* values of a PE without side effects). */
  cpuInterface(): CpuInterface | undefined {
    return this.cpu;
  }
}
