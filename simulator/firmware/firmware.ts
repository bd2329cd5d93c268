/**
 * The built-in firmware: an EL3 monitor modelled on TF-A (SMCCC dispatch,
 * PSCI, the SPMD forwarding FF-A between the worlds) and an SPMC at S-EL2
 * modelled on Hafnium (partitions, FF-A, memory sharing, secure interrupts).
 *
 * It runs as native code at its EL: the PE system model consults
 * `builtinHandler` when an exception is taken to an EL whose vector holds no
 * code (a scenario replaces a built-in by giving that EL vectors). A call is
 * handled within the PE step that took the exception — one engine action,
 * traced as an `ffa-call` event — and ends with an exception return into the
 * caller or, after a world or vCPU switch, into another endpoint.
 */
import { EC } from '../pe/exception';
import type { ExceptionRecord } from '../pe/exception';
import type { Pe } from '../pe/pe';
import { bigToVa } from '../pe/entry';
import type { MemorySystem } from '../memory/system';
import type { PhysicalMemory } from '../memory/physical';
import type { Mmu } from '../mmu/types';
import type { TraceBus } from '../trace/bus';
import type { FaultRecord, Finding } from '../trace/events';
import { decodeFunctionId, ffaFid, FfaError, ffaErrorName, HAFNIUM_IDS, psciFid } from '../arch/index';
import { hex } from '../util/hex';
import { exceptionChain, type ChainEntry } from '../engine/callChain';
import type { Machine } from '../engine/machine';
import type { FirmwareConfig, PartitionDecl } from './config';
import { captureCurrent, enterContext, entrySpsr, freshContext, returnToCaller, saveContext, type SavedContext } from './context';
import { h64, type CallFrame, type EndpointRef, type FirmwareState, type NotificationState, type PartitionState, type VcpuState } from './state';
import { mapPages, newStage1Tree, newStage2Tree, stage1El0PageBits, stage2PageBits, TablePoolExhausted, type DescriptorWriter } from './tables';
import { fingerprint, newLivelockState, observeCall, type LivelockState } from './livelock';
import { HF_CALL, HF_INVALID_INTID, HF_VIRTUAL_INTID, INT_RECONFIGURE, SECURE_INTERRUPT_PRIORITY, SPURIOUS_INTID, type SecureInterruptController } from './interrupts';
import { handleMemoryCall, isMemoryCall } from './memoryShare';

/** What the firmware needs from the machine (the engine's Machine provides all of it). */
export interface FirmwareHost {
  readonly pes: Pe[];
  readonly memory: MemorySystem;
  readonly mmu: Mmu;
  readonly physical: PhysicalMemory;
  readonly trace: TraceBus;
  readonly steps: number;
  readonly exceptions: FaultRecord[];
  lineOfPc(pc: number): number | undefined;
  addFinding(f: Finding): void;
  requestStop(reason: string): void;
}

/** How the call reached the firmware. */
type Via = 'el3' | 'smc-trap' | 'hvc' | 'svc';

/** Result of an FF-A call. */
export type Outcome =
  | { kind: 'return'; regs: bigint[] }
  /** Save the caller (new state for an SP caller) and enter `to` with `regs` (undefined: resume it as it was). */
  | { kind: 'switch'; callerState?: VcpuState['state']; to: EndpointRef; regs?: bigint[] };

export const FFA_SUCCESS = BigInt(ffaFid('SUCCESS', 32));
export const FFA_ERROR = BigInt(ffaFid('ERROR', 32));
const FFA_INTERRUPT = BigInt(ffaFid('INTERRUPT', 32));
const FFA_MSG_WAIT = BigInt(ffaFid('MSG_WAIT', 32));
const FFA_YIELD = BigInt(ffaFid('YIELD', 32));

/** FFA_ERROR(code) results. */
export function ffaError(code: number): bigint[] {
  return [FFA_ERROR, 0n, BigInt(code >>> 0), 0n, 0n, 0n, 0n, 0n];
}
export function ffaSuccess(...vals: (bigint | number)[]): bigint[] {
  const r = [FFA_SUCCESS, 0n, 0n, 0n, 0n, 0n, 0n, 0n];
  vals.forEach((v, i) => (r[i + 2] = BigInt(v)));
  return r;
}

/** HCR_EL2 for S-EL1 partition vCPUs (Hafnium src/arch/aarch64/sysregs.c): VM, PTW, FMO, IMO, FB, BSU=IS, TID3, TSC, TIDCP, TACR, TSW, RW, APK, API. */
const HCR_SEL1 = (1n << 0n) | (1n << 2n) | (1n << 3n) | (1n << 4n) | (1n << 9n) | (1n << 10n) | (1n << 18n) | (1n << 19n) | (1n << 20n) | (1n << 21n) | (1n << 22n) | (1n << 31n) | (1n << 40n) | (1n << 41n);
const HCR_E2H = 1n << 34n;
const HCR_TGE = 1n << 27n;
const HCR_VI = 1n << 7n;
const HCR_VF = 1n << 6n;
/** S-EL0 partitions run as host applications: E2H=TGE=1, RW, TID3, TIDCP (Hafnium, TGE only for S-EL0 SPs). */
const HCR_SEL0 = HCR_E2H | HCR_TGE | (1n << 31n) | (1n << 18n) | (1n << 20n);
/** MAIR with index 1 = Normal WB (pagetable MAIR_DEFAULT). */
const MAIR_DEFAULT = 0x000c_08bb_0444_ff00n;
/** TCR_EL2 with E2H=1 (TCR_EL1 layout): T0SZ=32, IRGN0=ORGN0=WBWA, SH0=Inner, TG0=4K, EPD1, IPS=48 bits. */
const TCR_EL20 = 0x5_0080_3520n;
/** SCTLR_EL2 with E2H=1 (SCTLR_EL1 layout): the reset RES1/nTWx bits plus M, C, I. */
const SCTLR_EL20 = 0x30d5_0800n | 1n | 4n | 0x1000n;
const SCTLR_EL1_RESET = 0x30d5_0800n;

const SCR_NS = 1n;
const SCR_FIQ = 1n << 2n;
const SCR_EEL2 = 1n << 18n;

function emptyNotifications(): NotificationState {
  return { bindings: [], pendingSp: '0', pendingVm: '0', pendingSpm: '0', created: false };
}

export class Firmware {
  readonly cfg: FirmwareConfig;
  readonly host: FirmwareHost;
  st: FirmwareState;
  live: LivelockState;
  /** The GIC, once attached (simulator/gic). */
  gic: SecureInterruptController | undefined;
  private scrNwd: bigint[] = [];

  constructor(host: FirmwareHost, cfg: FirmwareConfig) {
    this.host = host;
    this.cfg = cfg;
    const pool = cfg.tables ? { base: cfg.tables.base, size: cfg.tables.size, next: cfg.tables.base } : { base: 0, size: 0, next: 0 };
    this.st = {
      pes: host.pes.map(() => ({ current: { kind: 'nwd' } as EndpointRef, chain: [], boot: [] })),
      partitions: cfg.partitions.map((p) => ({
        vcpus: Array.from({ length: p.vcpus }, (_, i) => ({ state: 'off' as const, pe: p.vcpus === 1 ? 0 : i, pendingVirq: [], activeVirq: [], enabledVirq: [] })),
        version: cfg.ffaVersion,
        notifications: emptyNotifications(),
      })),
      nwd: { version: cfg.ffaVersion, notifications: emptyNotifications() },
      pool,
      waited: [],
      isolationReported: [],
      shares: [],
      nextHandle: 0,
      calls: 0,
    };
    this.live = newLivelockState(host.pes.length);
  }

  // ---- set-up ----------------------------------------------------------------

  /**
   * Build the partitions' boot-time translation tables into the initial image
   * (as the SPMC leaves them after boot, cleaned to the PoC), install the
   * handler on every PE and start booting the partitions: on each PE that runs
   * a Normal world, the partitions' vCPUs for that PE run first, each until
   * FFA_MSG_WAIT, then the Normal world starts (TF-A's SPMD boot order).
   */
  attach(): void {
    const boot: DescriptorWriter = (pa, lo, hi) => {
      this.host.physical.writeU32(pa, lo);
      this.host.physical.writeU32(pa + 4, hi);
    };
    if (this.cfg.spmc === 'builtin' && this.cfg.tables) {
      let shared: import('./tables').TableTreeState | undefined;
      this.cfg.partitions.forEach((p, i) => {
        const ps = this.st.partitions[i];
        try {
          if (p.el === 1) {
            ps.s2 = newStage2Tree(this.st.pool, this.cfg.vtcr);
            for (const r of p.memory) mapPages(ps.s2, this.st.pool, r.base, r.base, r.size, stage2PageBits({ read: true, write: true, exec: true }), boot);
            for (const r of p.devices) mapPages(ps.s2, this.st.pool, r.base, r.base, r.size, stage2PageBits({ read: true, write: true, exec: false }, true), boot);
          } else if (this.cfg.el0Tables === 'shared') {
            shared ??= newStage1Tree(this.st.pool, 32);
            ps.s1 = shared;
          } else {
            ps.s1 = newStage1Tree(this.st.pool, 32);
            for (const r of p.memory) mapPages(ps.s1, this.st.pool, r.base, r.base, r.size, stage1El0PageBits({ write: true, exec: true }), boot);
            for (const r of p.devices) mapPages(ps.s1, this.st.pool, r.base, r.base, r.size, stage1El0PageBits({ write: true, exec: false }, true), boot);
          }
          if (p.rxtx) ps.rxtx = { ...p.rxtx, rxFull: false };
        } catch (e) {
          if (!(e instanceof TablePoolExhausted)) throw e;
          ps.vcpus.forEach((v) => (v.state = 'aborted'));
        }
      });
      // The SPMC's own EL2&0 table (el0_tables shared): every partition's memory, reachable from EL0 (the isolation hole).
      if (shared) for (const p of this.cfg.partitions) for (const r of p.memory) mapPages(shared, this.st.pool, r.base, r.base, r.size, stage1El0PageBits({ write: true, exec: true }), boot);
    }
    this.watchIsolation();
    for (const pe of this.host.pes) {
      const env = pe.env;
      env.builtinHandler = (p, info) => this.builtinHandler(p, info);
      const scr = pe.readSysreg('SCR_EL3');
      this.scrNwd[pe.id] = scr | SCR_NS | (this.gic && this.cfg.partitions.some((p) => p.interrupts.length > 0) ? SCR_FIQ : 0n);
    }
    if (this.cfg.spmc !== 'builtin') return;
    for (const pe of this.host.pes) {
      const nonsecure = (pe.readSysreg('SCR_EL3') & SCR_NS) !== 0n;
      const runsNwd = nonsecure && pe.state !== 'halted';
      if (!runsNwd && !(pe.id === 0 && pe.state === 'halted' && pe.stopReason === 'no entry point')) continue;
      const fst = this.st.pes[pe.id];
      this.cfg.partitions.forEach((p, i) => {
        const vcpu = p.vcpus === 1 ? (pe.id === 0 ? 0 : -1) : pe.id < p.vcpus ? pe.id : -1;
        if (vcpu >= 0 && this.st.partitions[i].vcpus[vcpu].state === 'off') fst.boot.push([i, vcpu]);
      });
      if (fst.boot.length === 0) continue;
      fst.nwdCtx = runsNwd ? captureCurrent(pe, 2) : undefined;
      pe.state = 'running';
      pe.stopReason = undefined;
      this.bootNext(pe);
    }
  }

  /**
   * Partition isolation (issue #4 part 4): every stage-1 walk an S-EL0
   * partition makes (its only translation stage under E2H=TGE=1) and every
   * stage-2 walk of an S-EL1 partition must end in its manifest memory or in
   * memory shared with it. A walk that reaches anything else is a hole in the
   * isolation the SPMC promises: reported once per partition and page.
   */
  private watchIsolation(): void {
    const mmu = this.host.mmu;
    const prev = mmu.observer;
    mmu.observer = {
      onWalkRead: (pe, r) => {
        prev?.onWalkRead?.(pe, r);
        if (r.level === 3 && (r.lo & 3) === 3) this.checkIsolation(pe, r.stage, r.stage === 2 ? (r.ipa ?? r.va) : r.va);
      },
      onTlbUse: prev?.onTlbUse ? (pe, u) => prev.onTlbUse!(pe, u) : undefined,
    };
  }

  private checkIsolation(pe: Pe, stage: 1 | 2, addr: number): void {
    const cur = this.st.pes[pe.id]?.current;
    if (!cur || cur.kind !== 'sp') return;
    const p = this.cfg.partitions[cur.part];
    if ((p.el === 0) !== (stage === 1)) return;
    const page = Math.floor(addr / 4096) * 4096;
    const inside = (r: { base: number; size: number }): boolean => page >= r.base && page < r.base + r.size;
    if (p.memory.some(inside) || p.devices.some(inside)) return;
    const shared = this.st.shares.some((s) => s.receivers.some((x) => x.id === p.id && x.retrieved > 0) && s.constituents.some((c) => inside({ base: c.address, size: c.pages * 4096 })));
    if (shared) return;
    const key = `${cur.part}:${page}`;
    if (this.st.isolationReported.includes(key)) return;
    this.st.isolationReported.push(key);
    const owner = this.cfg.partitions.find((q) => q !== p && q.memory.some(inside));
    const how =
      p.el === 0
        ? `through ${this.cfg.el0Tables === 'shared' ? "the SPMC's own EL2&0 table" : 'its EL2&0 table'} (TTBR0_EL2): under HCR_EL2.{E2H,TGE}={1,1} that stage-1 table is its only translation stage`
        : 'through its stage-2 tables';
    this.host.addFinding({
      rule: 'partition-isolation',
      severity: 'error',
      message: `${p.el === 0 ? 'S-EL0' : 'S-EL1'} partition ${hex(p.id, 4)} (${p.name}) reached ${hex(page)} ${how}; that page is outside its manifest${owner ? ` and belongs to partition ${hex(owner.id, 4)} (${owner.name})` : ''} and was never shared with it`,
      line: this.host.lineOfPc(pe.pc),
      related: [p.range.start.line],
      relatedInfo: [{ line: p.range.start.line, message: `partition ${p.name}: its manifest` }],
      pe: pe.id,
    });
  }

  /** Attach the interrupt controller (the GIC layer calls this, or the machine after building both). */
  setInterruptController(gic: SecureInterruptController): void {
    this.gic = gic;
    if (gic.initialiseForFirmware) gic.initialiseForFirmware();
    else initialiseGicState(gic);
    // The partitions' manifest interrupts: Secure Group 1, enabled, routed to PE 0 (Hafnium plat_interrupts_configure_interrupt).
    for (const p of this.cfg.partitions)
      for (const intid of p.interrupts) {
        gic.configure(intid, { group: '1s', priority: SECURE_INTERRUPT_PRIORITY, targetPe: 0 });
        gic.setEnabled(intid, true, 0);
      }
  }

  /** Boot the next partition vCPU of this PE, or start the Normal world. */
  private bootNext(pe: Pe): void {
    const fst = this.st.pes[pe.id];
    const next = fst.boot.shift();
    if (next === undefined) {
      this.resumeNwd(pe, undefined);
      return;
    }
    const [pi, vi] = next;
    const p = this.cfg.partitions[pi];
    const vcpu = this.st.partitions[pi].vcpus[vi];
    vcpu.ctx = this.bootContext(pi, vi);
    this.enter(pe, { kind: 'sp', part: pi, vcpu: vi }, undefined);
  }

  /** A partition vCPU's first context: its entry, EL1h (or EL0t) with DAIF masked, its stack; x4 = vCPU index (Hafnium's boot protocol). */
  private bootContext(pi: number, vi: number): SavedContext {
    const p = this.cfg.partitions[pi];
    const ctx = freshContext(p.entry, entrySpsr(p.el), p.el === 1 ? [['SCTLR_EL1', SCTLR_EL1_RESET]] : [], p.stack !== undefined ? { el: p.el, value: p.stack } : undefined);
    ctx.xlo[4] = vi;
    return ctx;
  }

  /** Resume the Normal world (regs: the call's results; undefined: as it was). */
  private resumeNwd(pe: Pe, regs: bigint[] | undefined): void {
    const fst = this.st.pes[pe.id];
    if (!fst.nwdCtx) {
      fst.current = { kind: 'nwd' };
      pe.state = 'halted';
      pe.stopReason = 'partitions booted; the Normal world has no entry point on this PE';
      pe.sysregs.set('SCR_EL3', this.scrNwd[pe.id]);
      pe.sysregGen++;
      return;
    }
    this.enter(pe, { kind: 'nwd' }, regs);
  }

  // ---- endpoints and contexts ---------------------------------------------------

  endpointId(ref: EndpointRef): number {
    return ref.kind === 'nwd' ? this.cfg.nwdId : this.cfg.partitions[ref.part].id;
  }

  partitionIndex(id: number): number {
    return this.cfg.partitions.findIndex((p) => p.id === id);
  }

  vcpuOf(ref: EndpointRef): VcpuState | undefined {
    return ref.kind === 'sp' ? this.st.partitions[ref.part].vcpus[ref.vcpu] : undefined;
  }

  /** The SPMC's EL2 configuration while partition `pi` runs (HCR_EL2, stage-2 or EL2&0 tables). */
  private el2Config(pi: number, vi: number): [string, bigint][] {
    const p = this.cfg.partitions[pi];
    const ps = this.st.partitions[pi];
    const vcpu = ps.vcpus[vi];
    const out: [string, bigint][] = [['VMPIDR_EL2', (1n << 31n) | BigInt(vi)]];
    const vi_ = vcpu.pendingVirq.some((v) => !this.isFiqVirq(pi, v)) ? HCR_VI : 0n;
    const vf_ = vcpu.pendingVirq.some((v) => this.isFiqVirq(pi, v)) ? HCR_VF : 0n;
    if (p.el === 1) {
      const vmid = BigInt(pi + 1);
      out.push(['HCR_EL2', HCR_SEL1 | (this.cfg.vhe ? HCR_E2H : 0n) | vi_ | vf_]);
      out.push(['VTCR_EL2', this.cfg.vtcr]);
      out.push(['VSTCR_EL2', this.cfg.vtcr & 0xc0ffn]);
      const root = BigInt(ps.s2?.root ?? 0);
      out.push(['VTTBR_EL2', root | (vmid << 48n)]);
      out.push(['VSTTBR_EL2', root]);
    } else {
      const asid = BigInt(pi + 1);
      out.push(['HCR_EL2', HCR_SEL0]);
      out.push(['TTBR0_EL2', BigInt(ps.s1?.root ?? 0) | (asid << 48n)]);
      out.push(['TCR_EL2', TCR_EL20]);
      out.push(['MAIR_EL2', MAIR_DEFAULT]);
      out.push(['SCTLR_EL2', SCTLR_EL20]);
    }
    return out;
  }

  /** Managed exit may be signalled as a vFIQ (default) or a vIRQ (manifest managed-exit-virq). */
  private isFiqVirq(pi: number, intid: number): boolean {
    return intid === HF_VIRTUAL_INTID.MANAGED_EXIT && !this.cfg.partitions[pi].managedExitVirq;
  }

  /** Enter an endpoint's saved context on `pe`. */
  enter(pe: Pe, to: EndpointRef, regs: bigint[] | undefined): void {
    const fst = this.st.pes[pe.id];
    fst.current = to;
    if (to.kind === 'nwd') {
      const ctx = fst.nwdCtx!;
      fst.nwdCtx = undefined;
      this.clearSwitchable(pe, 2);
      enterContext(pe, ctx, regs, this.scrNwd[pe.id]);
      return;
    }
    const vcpu = this.st.partitions[to.part].vcpus[to.vcpu];
    vcpu.state = 'running';
    vcpu.pe = pe.id;
    const ctx = vcpu.ctx!;
    vcpu.ctx = undefined;
    this.clearSwitchable(pe, 1);
    const scr = (this.scrNwd[pe.id] & ~(SCR_NS | SCR_FIQ)) | SCR_EEL2;
    enterContext(pe, ctx, regs, scr, this.el2Config(to.part, to.vcpu));
  }

  /** Drop the EL0/EL1 (and EL2) registers of the endpoint leaving, so nothing leaks into the one entering. */
  private clearSwitchable(pe: Pe, upTo: 1 | 2): void {
    for (const k of [...pe.sysregs.keys()]) {
      const m = k.match(/_EL([0-2])$/);
      if (!m || Number(m[1]) > upTo) continue;
      if (/^(ICC_|ICH_|ID_|CNTPCT|CNTVCT|CNTFRQ|MIDR|MPIDR|REVIDR|CTR_|CLIDR|DCZID|CCSIDR|VPIDR|VMPIDR)/.test(k)) continue;
      pe.sysregs.delete(k);
    }
  }

  /** Save the live context of the PE's current endpoint (resuming at pc with spsr). */
  private saveCurrent(pe: Pe, pc: number, spsr: number, state?: VcpuState['state']): void {
    const fst = this.st.pes[pe.id];
    const cur = fst.current;
    if (cur.kind === 'nwd') {
      fst.nwdCtx = saveContext(pe, pc, spsr, 2);
      return;
    }
    const vcpu = this.st.partitions[cur.part].vcpus[cur.vcpu];
    vcpu.ctx = saveContext(pe, pc, spsr, 1);
    if (state) vcpu.state = state;
  }

  // ---- exception entry -----------------------------------------------------------

  builtinHandler(pe: Pe, info: ExceptionRecord): boolean {
    const fst = this.st.pes[pe.id];
    if (info.toEl === 3) {
      if (this.cfg.monitor !== 'builtin') return false;
      if (info.type === 'sync' && info.ec === EC.SMC64) return this.monitorSmc(pe);
      if (info.type === 'fiq' || info.type === 'irq') return this.monitorInterrupt(pe, info);
      return false;
    }
    if (info.toEl !== 2 || this.cfg.spmc !== 'builtin' || fst.current.kind !== 'sp') return false;
    if (info.type === 'sync') {
      if (info.ec === EC.SMC64) return this.ffaCall(pe, 'smc-trap');
      if (info.ec === EC.SVC64 && info.fromEl === 0) return this.ffaCall(pe, 'svc');
      if (info.ec === EC.HVC64) return this.hvcCall(pe);
      return this.partitionFault(pe, info);
    }
    if (info.type === 'irq' || info.type === 'fiq') return this.spmcInterrupt(pe, info);
    return false;
  }

  // ---- EL3 monitor ------------------------------------------------------------------

  /** SMCCC dispatch (SMC Calling Convention DEN 0028 §2; TF-A std_svc / spmd). */
  private monitorSmc(pe: Pe): boolean {
    const w0 = Number(pe.getX(0) & 0xffffffffn);
    const d = decodeFunctionId(w0);
    const ret = (v: bigint): boolean => {
      returnToCaller(pe, [v], false);
      return true;
    };
    if (w0 === 0x8000_0000) return ret(0x1_0002n); // SMCCC_VERSION: v1.2
    if (w0 === 0x8000_0001) {
      // SMCCC_ARCH_FEATURES: SMCCC_VERSION and ARCH_FEATURES themselves only.
      const q = Number(pe.getX(1) & 0xffffffffn);
      return ret(q === 0x8000_0000 || q === 0x8000_0001 ? 0n : BigInt.asUintN(64, -1n));
    }
    if (w0 === psciFid('PSCI_VERSION')) return ret(0x1_0001n); // PSCI 1.1
    if (w0 === psciFid('CPU_ON', 32) || w0 === psciFid('CPU_ON', 64)) return ret(BigInt.asUintN(64, BigInt(this.cpuOn(pe))));
    if (w0 === psciFid('CPU_OFF')) {
      pe.state = 'halted';
      pe.stopReason = 'PSCI CPU_OFF';
      return true;
    }
    if (d.service === 'ffa' || (((w0 >>> 24) & 0x3f) === 4 && (w0 & 0xffff) >= 0x60 && (w0 & 0xffff) <= 0x97)) {
      if ((pe.readSysreg('SCR_EL3') & SCR_NS) === 0n || this.cfg.spmc !== 'builtin') {
        // An FF-A call the SPMD cannot forward (no built-in SPMC, or from the Secure world at EL3).
        returnToCaller(pe, ffaError(FfaError.NOT_SUPPORTED), false);
        return true;
      }
      return this.ffaCall(pe, 'el3');
    }
    return ret(BigInt.asUintN(64, -1n)); // SMC_UNK
  }

  /** PSCI CPU_ON (DEN 0022 §5.6): x1 target MPIDR, x2 entry, x3 context ID. */
  private cpuOn(pe: Pe): number {
    const mpidr = pe.getX(1) & 0xff_00ff_ffffn;
    const target = this.host.pes.find((p) => (p.readSysreg('MPIDR_EL1') & 0xff_00ff_ffffn) === mpidr);
    if (!target) return -2; // INVALID_PARAMETERS
    if (target.state !== 'halted') return -4; // ALREADY_ON
    const entry = bigToVa(pe.getX(2));
    // The new PE starts at the caller's EL (EL2 for a hypervisor, else EL1), MMU off (PSCI §6.4 "CPU_ON").
    const callerEl = (Number(pe.readSysreg('SPSR_EL3') & 0xffffffffn) >>> 2) & 3;
    const ctx = freshContext(entry, entrySpsr(callerEl === 2 ? 2 : 1), [['SCTLR_EL1', SCTLR_EL1_RESET]]);
    ctx.xlo[0] = Number(pe.getX(3) & 0xffffffffn);
    ctx.xhi[0] = Number(pe.getX(3) >> 32n);
    target.state = 'running';
    target.stopReason = undefined;
    const fst = this.st.pes[target.id];
    fst.nwdCtx = ctx;
    this.scrNwd[target.id] = this.scrNwd[pe.id];
    this.enter(target, { kind: 'nwd' }, undefined);
    return 0;
  }

  /** A physical interrupt taken to EL3 (SCR_EL3.FIQ/IRQ): a secure interrupt while the Normal world runs goes to the SPMC. */
  private monitorInterrupt(pe: Pe, _info: ExceptionRecord): boolean {
    const gic = this.gic;
    const fst = this.st.pes[pe.id];
    if (!gic || fst.current.kind !== 'nwd' || this.cfg.spmc !== 'builtin') return false;
    const pend = gic.highestPending(pe.id);
    if (!pend || pend.group !== '1s') return false;
    const intid = gic.acknowledge(pe.id, '1s');
    if (intid === SPURIOUS_INTID) {
      returnToCaller(pe, [], false);
      return true;
    }
    // Acknowledged (active) until the partition deactivates it with HF_INTERRUPT_DEACTIVATE: a level-sensitive
    // source that stays high is not signalled again meanwhile (GICv3 §4.1.2 active and pending).
    const owner = this.interruptOwner(intid);
    this.emit(pe, 'FFA_INTERRUPT', BigInt(ffaFid('INTERRUPT')), this.cfg.nwdId, owner >= 0 ? this.cfg.partitions[owner].id : undefined, [BigInt(intid)], 'secure interrupt while the Normal world runs: the SPMD hands it to the SPMC');
    if (owner < 0) {
      returnToCaller(pe, [], false);
      return true;
    }
    // Preempt the Normal world; the owner runs with FFA_INTERRUPT and the vIRQ pending (FF-A §8.3 "Secure interrupt signalling").
    const vcpu = this.targetVcpu(owner, pe.id);
    const v = this.st.partitions[owner].vcpus[vcpu];
    v.pendingVirq.push(intid);
    const elr = bigToVa(pe.readSysreg('ELR_EL3'));
    const spsr = Number(pe.readSysreg('SPSR_EL3') & 0xffffffffn);
    if (v.state !== 'waiting') {
      // The owner is busy elsewhere: the interrupt stays pending for it.
      returnToCaller(pe, [], false);
      return true;
    }
    this.saveCurrent(pe, elr, spsr);
    v.interruptRun = true;
    this.pushFrame(pe, { kind: 'interrupt', caller: this.cfg.nwdId, callee: this.cfg.partitions[owner].id, callerRef: { kind: 'nwd' }, fid: Number(FFA_INTERRUPT), name: 'FFA_INTERRUPT', args: [h64(intid)], pc: elr, el: (spsr >>> 2) & 3, secure: false });
    this.enter(pe, { kind: 'sp', part: owner, vcpu }, [FFA_INTERRUPT, 0n, BigInt(intid), 0n, 0n, 0n, 0n, 0n]);
    return true;
  }

  // ---- FF-A calls ----------------------------------------------------------------------

  private readArgs(pe: Pe, n = 18): bigint[] {
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) out.push(pe.getX(i));
    return out;
  }

  /** Where the caller resumes and its PSTATE, from the EL that took the call. */
  private callSite(pe: Pe, via: Via): { resume: number; spsr: number; callPc: number } {
    const el = via === 'el3' ? 3 : 2;
    const elr = bigToVa(pe.readSysreg(`ELR_EL${el}`));
    const spsr = Number(pe.readSysreg(`SPSR_EL${el}`) & 0xffffffffn);
    // A TSC-trapped SMC reports itself; SMC/SVC/HVC taken normally report the next instruction (Arm ARM D1.10.1).
    return via === 'smc-trap' ? { resume: elr + 4, spsr, callPc: elr } : { resume: elr, spsr, callPc: elr - 4 };
  }

  private ffaCall(pe: Pe, via: Via): boolean {
    const fst = this.st.pes[pe.id];
    const caller = fst.current;
    const callerId = this.endpointId(caller);
    const args = this.readArgs(pe);
    const fid = Number(args[0] & 0xffffffffn);
    const site = this.callSite(pe, via);
    const name = decodeFunctionId(fid).name ?? `FID ${hex(fid)}`;
    this.st.calls++;
    const line = this.host.lineOfPc(site.callPc);
    // Livelock: the same caller state at the same call, a third time.
    const fp = fingerprint(pe, site.resume, site.spsr, this.digest(), this.host.physical);
    const note = { text: `${this.endpointName(caller)} ${name}(${this.argText(name, args)})`, line, step: this.host.steps + 1 };
    const cycle = observeCall(this.live, pe.id, fp, note);
    let out: Outcome;
    try {
      out = this.dispatch(pe, caller, callerId, fid, name, args, site);
    } catch (e) {
      if (!(e instanceof TablePoolExhausted)) throw e;
      out = { kind: 'return', regs: ffaError(FfaError.NO_MEMORY) };
    }
    const result = this.outcomeText(out);
    note.text += ` → ${result}`;
    this.emit(pe, name, args[0], callerId, this.calleeOf(out), args.slice(1, 8), result, line);
    this.apply(pe, out, site, via);
    if (cycle) this.reportLivelock(pe, cycle);
    return true;
  }

  private apply(pe: Pe, out: Outcome, site: { resume: number; spsr: number }, via: Via): void {
    if (out.kind === 'return') {
      returnToCaller(pe, pad8(out.regs), via === 'smc-trap');
      return;
    }
    this.saveCurrent(pe, site.resume, site.spsr, out.callerState);
    const to = out.to;
    if (to.kind === 'nwd') this.resumeNwd(pe, out.regs && pad8(out.regs));
    else this.enter(pe, to, out.regs && pad8(out.regs));
  }

  /** A compact digest of the firmware state for livelock fingerprints. */
  private digest(): string {
    const parts: string[] = [];
    for (const ps of this.st.partitions) for (const v of ps.vcpus) parts.push(`${v.state}${v.pendingVirq.join('.')}/${v.activeVirq.join('.')}${v.intercepted ? 'i' : ''}`);
    for (const f of this.st.pes) parts.push(`${f.current.kind === 'nwd' ? 'n' : `${f.current.part}.${f.current.vcpu}`}:${f.chain.length}`);
    parts.push(String(this.st.shares.length));
    return parts.join(',');
  }

  endpointName(ref: EndpointRef): string {
    if (ref.kind === 'nwd') return `NWd ${hex(this.cfg.nwdId, 4)}`;
    const p = this.cfg.partitions[ref.part];
    return `SP ${hex(p.id, 4)} (${p.name})`;
  }

  private argText(name: string, args: bigint[]): string {
    const n = /DIRECT|MEM_|NOTIFICATION|RXTX|PARTITION_INFO|ERROR|RUN|FEATURES|VERSION/.test(name) ? 5 : 2;
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) if (args[i] !== 0n || i <= 2) parts.push(`x${i}=${hex(args[i])}`);
    if (name.startsWith('FFA_ERROR')) {
      const e = ffaErrorName(args[2]);
      if (e) parts.push(`(${e})`);
    }
    return parts.join(' ');
  }

  private calleeOf(out: Outcome): number | undefined {
    return out.kind === 'switch' ? this.endpointId(out.to) : HAFNIUM_IDS.SPMC;
  }

  private outcomeText(out: Outcome): string {
    const regs = out.kind === 'return' ? out.regs : out.regs;
    if (!regs) return out.kind === 'switch' ? `resume ${this.endpointName(out.to)}` : '';
    const fid = Number(regs[0] & 0xffffffffn);
    const nm = decodeFunctionId(fid).name ?? hex(regs[0]);
    const err = nm.startsWith('FFA_ERROR') ? ` ${ffaErrorName(regs[2]) ?? hex(regs[2])}` : '';
    return `${out.kind === 'switch' ? `${this.endpointName(out.to)} gets ` : ''}${nm}${err}`;
  }

  /** Emit an `ffa-call` trace event. */
  private emit(pe: Pe, fn: string, fid: bigint, caller: number, callee: number | undefined, args: bigint[], result: string, line?: number): void {
    const trace = this.host.trace;
    if (!trace.wants['ffa-call']) return;
    trace.emit({ kind: 'ffa-call', step: this.host.steps + 1, pe: pe.id, function: fn, fid: Number(fid & 0xffffffffn), caller, callee, args, result, line });
  }

  private reportLivelock(pe: Pe, cycle: { text: string; line?: number; step: number }[]): void {
    const lines = cycle.map((c) => c.line).filter((l): l is number => l !== undefined);
    // What led into the cycle: the calls just before its first turn.
    const calls = this.live.calls[pe.id];
    const first = calls.length - 1 - 2 * cycle.length;
    const lead = calls.slice(Math.max(0, first - 2), Math.max(0, first + 1)).map((c) => `${c.text}${c.line !== undefined ? ` (line ${c.line + 1})` : ''}`);
    const message = `PE ${pe.id} livelock: the same FF-A call sequence repeats with identical state and no forward progress — [${cycle.map((c) => `${c.text}${c.line !== undefined ? ` (line ${c.line + 1})` : ''}`).join('; ')}] again and again${lead.length > 0 ? `, entered after: ${lead.join('; ')}` : ''}`;
    this.host.addFinding({
      rule: 'ffa-livelock',
      severity: 'error',
      message,
      line: lines[0],
      related: lines.slice(1),
      relatedInfo: cycle.slice(1).filter((c) => c.line !== undefined).map((c) => ({ line: c.line!, message: c.text })),
      pe: pe.id,
    });
    this.host.requestStop(`livelock on PE ${pe.id}: ${cycle.map((c) => c.text).join(' → ')}`);
  }

  // ---- dispatch --------------------------------------------------------------------

  private dispatch(pe: Pe, caller: EndpointRef, callerId: number, fid: number, name: string, a: bigint[], site: { resume: number; spsr: number; callPc: number }): Outcome {
    const ret = (regs: bigint[]): Outcome => ({ kind: 'return', regs });
    const err = (code: number): Outcome => ret(ffaError(code));
    const w = (i: number): number => Number(a[i] & 0xffffffffn);
    const is = (n: Parameters<typeof ffaFid>[0]): boolean => {
      try {
        if (fid === ffaFid(n, 32)) return true;
      } catch {
        /* no 32-bit form */
      }
      try {
        return fid === ffaFid(n, 64);
      } catch {
        return false;
      }
    };
    const vcpu = this.vcpuOf(caller);
    if (is('VERSION')) {
      // FF-A §13.2: w1 = requested version (bit 31 MBZ); returns the implemented version, or NOT_SUPPORTED for another major.
      const req = w(1);
      if ((req & 0x8000_0000) !== 0 || req >>> 16 !== this.cfg.ffaVersion >>> 16) return ret([BigInt(FfaError.NOT_SUPPORTED >>> 0)]);
      const v = Math.min(req, this.cfg.ffaVersion);
      if (caller.kind === 'nwd') this.st.nwd.version = v;
      else this.st.partitions[caller.part].version = v;
      return ret([BigInt(this.cfg.ffaVersion)]);
    }
    if (is('ID_GET')) return ret(ffaSuccess(callerId));
    if (is('SPM_ID_GET')) return ret(ffaSuccess(HAFNIUM_IDS.SPMC));
    if (is('FEATURES')) return ret(this.features(caller, w(1)));
    if (is('PARTITION_INFO_GET')) return ret(this.partitionInfo(pe, caller, a));
    if (is('RXTX_MAP')) return ret(this.rxtxMap(caller, a));
    if (is('RXTX_UNMAP')) {
      const rx = this.rxtxOf(caller);
      if (!rx.get()) return err(FfaError.INVALID_PARAMETERS);
      const id = w(1) >>> 16;
      if (id !== 0 && id !== callerId) return err(FfaError.INVALID_PARAMETERS);
      rx.set(undefined);
      return ret(ffaSuccess());
    }
    if (is('RX_RELEASE')) {
      const b = this.rxtxOf(caller).get();
      if (!b || !b.rxFull) return err(FfaError.DENIED);
      b.rxFull = false;
      return ret(ffaSuccess());
    }
    if (is('MSG_SEND_DIRECT_REQ')) return this.directReq(pe, caller, callerId, fid, a, site);
    if (is('MSG_SEND_DIRECT_RESP')) return this.directResp(pe, caller, callerId, fid, a);
    if (is('MSG_WAIT')) return this.msgWait(pe, caller);
    if (is('RUN')) return this.run(pe, caller, a, site);
    if (is('YIELD')) {
      if (!vcpu) return err(FfaError.NOT_SUPPORTED);
      const frame = this.topFrameFor(pe, callerId);
      if (!frame) return err(FfaError.DENIED);
      // The SP gives the CPU back to whoever called it; they resume it with FFA_RUN (FF-A §13.7).
      this.st.pes[pe.id].chain.pop();
      const vi = caller.kind === 'sp' ? caller.vcpu : 0;
      return { kind: 'switch', callerState: 'preempted', to: frame.callerRef, regs: [FFA_YIELD, BigInt(((callerId << 16) | vi) >>> 0), a[2], a[3]] };
    }
    if (is('ERROR')) {
      // Hafnium plat_ffa_error_32: an SP reporting an error outside its initialisation gets FFA_NOT_SUPPORTED back.
      if (vcpu && this.isBooting(pe, caller)) return this.abortCurrent(pe, 'FFA_ERROR during initialisation');
      return err(FfaError.NOT_SUPPORTED);
    }
    if (isMemoryCall(name)) return handleMemoryCall(this, pe, caller, callerId, name, a);
    if (name.startsWith('FFA_NOTIFICATION')) return ret(this.notification(pe, caller, callerId, name, a));
    return err(FfaError.NOT_SUPPORTED);
  }

  private isBooting(_pe: Pe, caller: EndpointRef): boolean {
    return caller.kind === 'sp' && !this.everWaited(caller.part, caller.vcpu);
  }
  private everWaited(pi: number, vi: number): boolean {
    return this.st.waited.includes(`${pi}:${vi}`);
  }
  private markWaited(pi: number, vi: number): void {
    if (!this.everWaited(pi, vi)) this.st.waited.push(`${pi}:${vi}`);
  }

  /** FFA_FEATURES (FF-A §13.3): a function ID, or a feature ID (NPI 1, SRI 2, MEI 3). */
  private features(caller: EndpointRef, q: number): bigint[] {
    if (q === 1) return caller.kind === 'sp' ? ffaSuccess(0, HF_VIRTUAL_INTID.NOTIFICATION_PENDING) : ffaError(FfaError.NOT_SUPPORTED);
    if (q === 2) return caller.kind === 'nwd' ? ffaSuccess(0, HF_VIRTUAL_INTID.SCHEDULE_RECEIVER) : ffaError(FfaError.NOT_SUPPORTED);
    if (q === 3) return caller.kind === 'sp' ? ffaSuccess(0, HF_VIRTUAL_INTID.MANAGED_EXIT) : ffaError(FfaError.NOT_SUPPORTED);
    if ((q & 0x8000_0000) === 0) return ffaError(FfaError.NOT_SUPPORTED);
    const d = decodeFunctionId(q);
    const supported = new Set([
      'FFA_ERROR', 'FFA_SUCCESS', 'FFA_INTERRUPT', 'FFA_VERSION', 'FFA_FEATURES', 'FFA_RX_RELEASE', 'FFA_RXTX_MAP', 'FFA_RXTX_UNMAP',
      'FFA_PARTITION_INFO_GET', 'FFA_ID_GET', 'FFA_SPM_ID_GET', 'FFA_MSG_WAIT', 'FFA_YIELD', 'FFA_RUN', 'FFA_MSG_SEND_DIRECT_REQ',
      'FFA_MSG_SEND_DIRECT_RESP', 'FFA_MEM_DONATE', 'FFA_MEM_LEND', 'FFA_MEM_SHARE', 'FFA_MEM_RETRIEVE_REQ', 'FFA_MEM_RETRIEVE_RESP',
      'FFA_MEM_RELINQUISH', 'FFA_MEM_RECLAIM', 'FFA_NOTIFICATION_BITMAP_CREATE', 'FFA_NOTIFICATION_BITMAP_DESTROY', 'FFA_NOTIFICATION_BIND',
      'FFA_NOTIFICATION_UNBIND', 'FFA_NOTIFICATION_SET', 'FFA_NOTIFICATION_GET', 'FFA_NOTIFICATION_INFO_GET',
    ]);
    const base = (d.name ?? '').replace(/_(32|64)$/, '');
    if (!supported.has(base)) return ffaError(FfaError.NOT_SUPPORTED);
    // RXTX_MAP: w2[1:0] = minimum buffer size and alignment 0 (4 KB). MEM_RETRIEVE_REQ: w2 bit0 dynamic buffer support = 0.
    return ffaSuccess(0);
  }

  /** The caller's RX/TX buffer pair. */
  rxtxOf(caller: EndpointRef): { get(): PartitionState['rxtx']; set(v: PartitionState['rxtx']): void } {
    if (caller.kind === 'nwd') return { get: () => this.st.nwd.rxtx, set: (v) => (this.st.nwd.rxtx = v) };
    const ps = this.st.partitions[caller.part];
    return { get: () => ps.rxtx, set: (v) => (ps.rxtx = v) };
  }

  /** Memory an endpoint owns: an SP its manifest regions, the Normal world every non-secure memory region of the system. */
  ownsRange(caller: EndpointRef, base: number, size: number): boolean {
    if (caller.kind === 'sp') return this.cfg.partitions[caller.part].memory.some((r) => base >= r.base && base + size <= r.base + r.size);
    return this.nsRegions.some((r) => base >= r.base && base + size <= r.base + r.size);
  }
  nsRegions: { base: number; size: number }[] = [];

  /** FFA_RXTX_MAP (FF-A §13.5): x1 TX, x2 RX, w3 page count. */
  private rxtxMap(caller: EndpointRef, a: bigint[]): bigint[] {
    const rx = this.rxtxOf(caller);
    if (rx.get()) return ffaError(FfaError.DENIED);
    const tx = Number(a[1]);
    const rxa = Number(a[2]);
    const pages = Number(a[3] & 0xffffffffn);
    if (pages === 0 || pages > 64) return ffaError(FfaError.INVALID_PARAMETERS);
    if (tx % 4096 !== 0 || rxa % 4096 !== 0 || tx === 0 || rxa === 0) return ffaError(FfaError.INVALID_PARAMETERS);
    const bytes = pages * 4096;
    if (Math.abs(tx - rxa) < bytes) return ffaError(FfaError.INVALID_PARAMETERS);
    if (!this.ownsRange(caller, tx, bytes) || !this.ownsRange(caller, rxa, bytes)) return ffaError(FfaError.DENIED);
    rx.set({ tx, rx: rxa, pages, rxFull: false });
    return ffaSuccess();
  }

  /** FFA_PARTITION_INFO_GET (FF-A §13.8): w1–w4 UUID (zero: all), w5 bit0 count only; descriptors (24 bytes each) to the caller's RX buffer. */
  private partitionInfo(pe: Pe, caller: EndpointRef, a: bigint[]): bigint[] {
    const uuid = [1, 2, 3, 4].map((i) => Number(a[i] & 0xffffffffn));
    const all = uuid.every((x) => x === 0);
    const list = this.cfg.partitions.filter((p) => all || p.uuid.every((x, i) => x === uuid[i]));
    if (list.length === 0) return ffaError(FfaError.INVALID_PARAMETERS);
    const countOnly = (Number(a[5]) & 1) !== 0;
    if (!countOnly) {
      const buf = this.rxtxOf(caller).get();
      if (!buf || buf.rxFull) return ffaError(FfaError.BUSY);
      if (list.length * 24 > buf.pages * 4096) return ffaError(FfaError.NO_MEMORY);
      list.forEach((p, i) => {
        const o = buf.rx + i * 24;
        // Properties (FF-A v1.1 Table 13.37): bit0 direct req receipt, bit1 send, bit3 notifications, bit8 AArch64.
        const props = (p.receive ? 1 : 0) | (p.send ? 2 : 0) | (p.notifications ? 8 : 0) | (1 << 8);
        this.writeMem(pe, o, 4, p.id | (p.vcpus << 16));
        this.writeMem(pe, o + 4, 4, props);
        for (let k = 0; k < 4; k++) this.writeMem(pe, o + 8 + k * 4, 4, all ? p.uuid[k] : 0);
      });
      buf.rxFull = true;
    }
    return ffaSuccess(list.length, countOnly ? 0 : 24);
  }

  // ---- direct messaging --------------------------------------------------------------

  /** vCPU of partition `pi` that serves PE `peId`: the only one of a UP partition (it migrates), else the PE's own. */
  targetVcpu(pi: number, peId: number): number {
    return this.cfg.partitions[pi].vcpus === 1 ? 0 : peId;
  }

  private pushFrame(pe: Pe, f: Omit<CallFrame, 'step' | 'line'>): void {
    this.st.pes[pe.id].chain.push({ ...f, line: this.host.lineOfPc(f.pc - 4) ?? this.host.lineOfPc(f.pc), step: this.host.steps + 1 });
  }

  private topFrameFor(pe: Pe, calleeId: number): CallFrame | undefined {
    const chain = this.st.pes[pe.id].chain;
    const top = chain[chain.length - 1];
    return top && top.callee === calleeId ? top : undefined;
  }

  /** FFA_MSG_SEND_DIRECT_REQ (FF-A §15.2): w1 = sender | receiver, x2 flags, payload x3–x7. */
  private directReq(pe: Pe, caller: EndpointRef, callerId: number, fid: number, a: bigint[], site: { resume: number; spsr: number; callPc: number }): Outcome {
    const err = (c: number): Outcome => ({ kind: 'return', regs: ffaError(c) });
    const w1 = Number(a[1] & 0xffffffffn);
    const sender = w1 >>> 16;
    const receiver = w1 & 0xffff;
    if (sender !== callerId) return err(FfaError.INVALID_PARAMETERS);
    if (receiver === callerId) return err(FfaError.INVALID_PARAMETERS);
    const flags = Number(a[2] & 0xffffffffn);
    // x2 bit31: framework message (PSCI, VM lifecycle); the SPMC does not send these to partitions on behalf of others.
    if ((flags & 0x8000_0000) !== 0 && caller.kind === 'sp') return err(FfaError.INVALID_PARAMETERS);
    const pi = this.partitionIndex(receiver);
    if (pi < 0) return err(FfaError.INVALID_PARAMETERS);
    const p = this.cfg.partitions[pi];
    if (!p.receive) return err(FfaError.DENIED);
    if (caller.kind === 'sp' && !this.cfg.partitions[caller.part].send) return err(FfaError.DENIED);
    const vi = this.targetVcpu(pi, pe.id);
    if (vi >= p.vcpus) return err(FfaError.INVALID_PARAMETERS);
    const v = this.st.partitions[pi].vcpus[vi];
    if (v.state === 'aborted') return err(FfaError.ABORTED);
    // A loop in the call chain (the receiver already waits for an answer further up) is BUSY, as is any vCPU not waiting.
    if (v.state !== 'waiting') return err(FfaError.BUSY);
    this.pushFrame(pe, { kind: 'direct-req', caller: callerId, callee: receiver, callerRef: caller, fid, name: decodeFunctionId(fid).name ?? 'FFA_MSG_SEND_DIRECT_REQ', args: a.slice(1, 8).map(h64), pc: site.callPc + 4, el: (site.spsr >>> 2) & 3, secure: caller.kind === 'sp' });
    const regs = [BigInt(fid), BigInt(w1), a[2] & 0xffffffffn, a[3], a[4], a[5], a[6], a[7]];
    return { kind: 'switch', callerState: caller.kind === 'sp' ? 'blocked' : undefined, to: { kind: 'sp', part: pi, vcpu: vi }, regs };
  }

  /** FFA_MSG_SEND_DIRECT_RESP (FF-A §15.3), including Hafnium's handling of a response that hits a pending virtual interrupt. */
  private directResp(pe: Pe, caller: EndpointRef, callerId: number, fid: number, a: bigint[]): Outcome {
    const err = (c: number): Outcome => ({ kind: 'return', regs: ffaError(c) });
    if (caller.kind !== 'sp') return err(FfaError.NOT_SUPPORTED);
    const frame = this.topFrameFor(pe, callerId);
    if (!frame || frame.kind !== 'direct-req') return err(FfaError.DENIED);
    const w1 = Number(a[1] & 0xffffffffn);
    if (w1 >>> 16 !== callerId || (w1 & 0xffff) !== frame.caller) return err(FfaError.INVALID_PARAMETERS);
    const vcpu = this.vcpuOf(caller)!;
    const spsr = Number(pe.readSysreg('SPSR_EL2') & 0xffffffffn);
    const irqMasked = (spsr & (1 << 7)) !== 0;
    const pendingSecure = vcpu.pendingVirq.filter((x) => x !== HF_VIRTUAL_INTID.MANAGED_EXIT);
    if (vcpu.managedExit) {
      // Managed exit complete: restore the priority mask the SPMC lowered (Hafnium handler.c).
      vcpu.pendingVirq = vcpu.pendingVirq.filter((x) => x !== HF_VIRTUAL_INTID.MANAGED_EXIT);
      vcpu.managedExit = undefined;
    } else if (pendingSecure.length > 0 && irqMasked) {
      if (this.cfg.directRespInterrupted === 'error') {
        // Hafnium 5fd32488 … 151c2e7f (plat_ffa_is_direct_response_interrupted): FFA_ERROR(INTERRUPTED) back to the SP.
        return err(FfaError.INTERRUPTED);
      }
      // Later Hafnium (ffa_interrupts_intercept_call): preempt with FFA_INTERRUPT, replay the response after FFA_MSG_WAIT.
      vcpu.intercepted = a.slice(0, 8).map(h64);
      return { kind: 'return', regs: [FFA_INTERRUPT, 0n, BigInt(pendingSecure[0]), 0n, 0n, 0n, 0n, 0n] };
    }
    this.st.pes[pe.id].chain.pop();
    return { kind: 'switch', callerState: 'waiting', to: frame.callerRef, regs: [BigInt(fid), BigInt(w1), 0n, a[3], a[4], a[5], a[6], a[7]] };
  }

  /** FFA_MSG_WAIT (FF-A §15.4): end of initialisation, end of interrupt handling, or the replay of an intercepted response. */
  private msgWait(pe: Pe, caller: EndpointRef): Outcome {
    if (caller.kind !== 'sp') return { kind: 'return', regs: ffaError(FfaError.NOT_SUPPORTED) };
    const vcpu = this.vcpuOf(caller)!;
    const callerId = this.endpointId(caller);
    const fst = this.st.pes[pe.id];
    if (!this.everWaited(caller.part, caller.vcpu)) {
      this.markWaited(caller.part, caller.vcpu);
      // Boot: the next partition, or the Normal world.
      const next = fst.boot[0];
      if (next) {
        fst.boot.shift();
        const [pi, vi] = next;
        const nv = this.st.partitions[pi].vcpus[vi];
        nv.ctx = this.bootContext(pi, vi);
        return { kind: 'switch', callerState: 'waiting', to: { kind: 'sp', part: pi, vcpu: vi } };
      }
      return { kind: 'switch', callerState: 'waiting', to: { kind: 'nwd' } };
    }
    if (vcpu.intercepted) {
      // Replay the intercepted FFA_MSG_SEND_DIRECT_RESP (Hafnium 151c2e7f).
      const regs = vcpu.intercepted.map((x) => BigInt(x));
      vcpu.intercepted = undefined;
      const frame = this.topFrameFor(pe, callerId);
      if (frame) {
        fst.chain.pop();
        return { kind: 'switch', callerState: 'waiting', to: frame.callerRef, regs: [regs[0], regs[1], 0n, regs[3], regs[4], regs[5], regs[6], regs[7]] };
      }
    }
    const top = this.topFrameFor(pe, callerId);
    if (top && top.kind === 'interrupt') {
      // Interrupt handled: whoever was preempted resumes as it was (the SPMD's FFA_NORMAL_WORLD_RESUME for the Normal world).
      fst.chain.pop();
      vcpu.interruptRun = undefined;
      return { kind: 'switch', callerState: 'waiting', to: top.callerRef };
    }
    if (top && top.kind === 'run') {
      fst.chain.pop();
      return { kind: 'switch', callerState: 'waiting', to: top.callerRef, regs: [FFA_MSG_WAIT, BigInt(callerId << 16), 0n, 0n, 0n, 0n, 0n, 0n] };
    }
    // Waiting while a direct request is in progress: the SP owes a response (FF-A §15.4: DENIED).
    if (top) return { kind: 'return', regs: ffaError(FfaError.DENIED) };
    return { kind: 'switch', callerState: 'waiting', to: { kind: 'nwd' } };
  }

  /** FFA_RUN (FF-A §13.6): w1 = target ID [31:16] | vCPU [15:0]; Normal world only here. */
  private run(pe: Pe, caller: EndpointRef, a: bigint[], site: { resume: number; spsr: number; callPc: number }): Outcome {
    const err = (c: number): Outcome => ({ kind: 'return', regs: ffaError(c) });
    if (caller.kind !== 'nwd') return err(FfaError.NOT_SUPPORTED);
    const w1 = Number(a[1] & 0xffffffffn);
    const pi = this.partitionIndex(w1 >>> 16);
    if (pi < 0) return err(FfaError.INVALID_PARAMETERS);
    const vi = w1 & 0xffff;
    const ps = this.st.partitions[pi];
    if (vi >= ps.vcpus.length) return err(FfaError.INVALID_PARAMETERS);
    const v = ps.vcpus[vi];
    if (v.state === 'aborted') return err(FfaError.ABORTED);
    if (v.state === 'running' || v.state === 'blocked') return err(FfaError.BUSY);
    if (v.state === 'waiting' && v.pendingVirq.length === 0) return { kind: 'return', regs: [FFA_MSG_WAIT, BigInt(w1 & 0xffff0000), 0n, 0n, 0n, 0n, 0n, 0n] };
    if (v.state === 'off') return err(FfaError.DENIED);
    this.pushFrame(pe, { kind: 'run', caller: this.cfg.nwdId, callee: this.cfg.partitions[pi].id, callerRef: caller, fid: Number(a[0] & 0xffffffffn), name: 'FFA_RUN', args: a.slice(1, 8).map(h64), pc: site.callPc + 4, el: (site.spsr >>> 2) & 3, secure: false });
    const regs = v.state === 'waiting' ? [FFA_INTERRUPT, 0n, BigInt(v.pendingVirq[0]), 0n, 0n, 0n, 0n, 0n] : undefined;
    return { kind: 'switch', to: { kind: 'sp', part: pi, vcpu: vi }, regs };
  }

  // ---- notifications ---------------------------------------------------------------

  private notificationsOf(id: number): NotificationState | undefined {
    if (id === this.cfg.nwdId) return this.st.nwd.notifications;
    const pi = this.partitionIndex(id);
    if (pi < 0) return undefined;
    return this.cfg.partitions[pi].notifications ? this.st.partitions[pi].notifications : undefined;
  }

  /** FFA_NOTIFICATION_* (FF-A v1.1 §10 "Notifications"; Hafnium api.c). */
  private notification(pe: Pe, caller: EndpointRef, callerId: number, name: string, a: bigint[]): bigint[] {
    const w = (i: number): number => Number(a[i] & 0xffffffffn);
    const bitmap = (BigInt(w(4)) << 32n) | BigInt(w(3));
    const base = name.replace(/_(32|64)$/, '');
    switch (base) {
      case 'FFA_NOTIFICATION_BITMAP_CREATE': {
        if (caller.kind !== 'nwd') return ffaError(FfaError.NOT_SUPPORTED);
        if (w(1) !== this.cfg.nwdId) return ffaError(FfaError.INVALID_PARAMETERS);
        if (this.st.nwd.notifications.created) return ffaError(FfaError.DENIED);
        this.st.nwd.notifications.created = true;
        return ffaSuccess();
      }
      case 'FFA_NOTIFICATION_BITMAP_DESTROY': {
        if (caller.kind !== 'nwd') return ffaError(FfaError.NOT_SUPPORTED);
        const n = this.st.nwd.notifications;
        if (!n.created) return ffaError(FfaError.DENIED);
        if (n.bindings.length > 0 || n.pendingSp !== '0') return ffaError(FfaError.DENIED);
        n.created = false;
        return ffaSuccess();
      }
      case 'FFA_NOTIFICATION_BIND':
      case 'FFA_NOTIFICATION_UNBIND': {
        const sender = w(1) >>> 16;
        const receiver = w(1) & 0xffff;
        if (receiver !== callerId) return ffaError(FfaError.INVALID_PARAMETERS);
        if (sender === receiver || (sender !== this.cfg.nwdId && this.partitionIndex(sender) < 0)) return ffaError(FfaError.INVALID_PARAMETERS);
        const n = this.notificationsOf(receiver);
        if (!n) return ffaError(FfaError.NOT_SUPPORTED);
        if (caller.kind === 'nwd' && !n.created) return ffaError(FfaError.DENIED);
        if (bitmap === 0n) return ffaError(FfaError.INVALID_PARAMETERS);
        const bits: number[] = [];
        for (let b = 0; b < 64; b++) if ((bitmap >> BigInt(b)) & 1n) bits.push(b);
        const bound = new Map(n.bindings);
        if (base === 'FFA_NOTIFICATION_BIND') {
          if (bits.some((b) => bound.has(b) && bound.get(b) !== sender)) return ffaError(FfaError.DENIED);
          for (const b of bits) bound.set(b, sender);
        } else {
          if (bits.some((b) => bound.get(b) !== sender)) return ffaError(FfaError.DENIED);
          for (const b of bits) bound.delete(b);
        }
        n.bindings = [...bound];
        return ffaSuccess();
      }
      case 'FFA_NOTIFICATION_SET': {
        const sender = w(1) >>> 16;
        const receiver = w(1) & 0xffff;
        if (sender !== callerId) return ffaError(FfaError.INVALID_PARAMETERS);
        const n = this.notificationsOf(receiver);
        if (!n) return ffaError(FfaError.INVALID_PARAMETERS);
        if (bitmap === 0n) return ffaError(FfaError.INVALID_PARAMETERS);
        const bound = new Map(n.bindings);
        for (let b = 0; b < 64; b++) if (((bitmap >> BigInt(b)) & 1n) !== 0n && bound.get(b) !== sender) return ffaError(FfaError.DENIED);
        if (caller.kind === 'sp') n.pendingSp = h64(BigInt(n.pendingSp) | bitmap);
        else n.pendingVm = h64(BigInt(n.pendingVm) | bitmap);
        const pi = this.partitionIndex(receiver);
        if (pi >= 0) {
          // The receiver SP gets the Notification Pending Interrupt (virtual INTID 5) on its vCPU 0.
          const v = this.st.partitions[pi].vcpus[0];
          if (!v.pendingVirq.includes(HF_VIRTUAL_INTID.NOTIFICATION_PENDING)) v.pendingVirq.push(HF_VIRTUAL_INTID.NOTIFICATION_PENDING);
        }
        return ffaSuccess();
      }
      case 'FFA_NOTIFICATION_GET': {
        const receiver = w(1) & 0xffff;
        if (receiver !== callerId) return ffaError(FfaError.INVALID_PARAMETERS);
        const n = this.notificationsOf(receiver);
        if (!n) return ffaError(FfaError.NOT_SUPPORTED);
        const flags = w(2);
        const take = (bit: number, key: 'pendingSp' | 'pendingVm' | 'pendingSpm'): bigint => {
          if ((flags & bit) === 0) return 0n;
          const v = BigInt(n[key]);
          n[key] = '0';
          return v;
        };
        const sp = take(1, 'pendingSp');
        const vm = take(2, 'pendingVm');
        const spm = take(4, 'pendingSpm');
        const pi = this.partitionIndex(receiver);
        if (pi >= 0) {
          const v = this.st.partitions[pi].vcpus[0];
          v.pendingVirq = v.pendingVirq.filter((x) => x !== HF_VIRTUAL_INTID.NOTIFICATION_PENDING);
        }
        const lo = (x: bigint): bigint => x & 0xffffffffn;
        const hi = (x: bigint): bigint => x >> 32n;
        return [FFA_SUCCESS, 0n, lo(sp), hi(sp), lo(vm), hi(vm), lo(spm), hi(spm)];
      }
      case 'FFA_NOTIFICATION_INFO_GET': {
        if (caller.kind !== 'nwd') return ffaError(FfaError.NOT_SUPPORTED);
        const ids: number[] = [];
        this.cfg.partitions.forEach((p, pi) => {
          const n = this.st.partitions[pi].notifications;
          if (p.notifications && (n.pendingSp !== '0' || n.pendingVm !== '0')) ids.push(p.id);
        });
        if (ids.length === 0) return ffaError(FfaError.NO_DATA);
        // w2: [11:7] number of ID lists − 1 … here one ID per list; x3… packed 16-bit IDs.
        const regs = [FFA_SUCCESS, 0n, BigInt(((ids.length - 1) << 7) >>> 0), 0n, 0n, 0n, 0n, 0n];
        ids.slice(0, 20).forEach((id, i) => {
          const r = 3 + Math.floor(i / 4);
          regs[r] |= BigInt(id) << BigInt((i % 4) * 16);
        });
        return regs;
      }
    }
    return ffaError(FfaError.NOT_SUPPORTED);
  }

  // ---- memory helpers used by memoryShare.ts ------------------------------------------

  /** The SPMC's own store, through the memory system with its memory attributes. */
  writeMem(pe: Pe, pa: number, size: number, v: number): void {
    this.host.memory.write(pe, pa, size, v >>> 0, 0, this.cfg.memoryAttributes);
  }

  readBytes(pe: Pe, pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      this.host.memory.read(pe, pa + i, 4, this.cfg.memoryAttributes);
      const v = pe.ldLo;
      for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return out;
  }

  writeBytes(pe: Pe, pa: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += 4) {
      let v = 0;
      for (let k = 0; k < 4; k++) v |= (bytes[i + k] ?? 0) << (8 * k);
      this.writeMem(pe, pa + i, 4, v);
    }
  }

  /** A descriptor writer for run-time table updates: the SPMC's stores, then the configured barrier. */
  runtimeWriter(pe: Pe): DescriptorWriter {
    return (pa, lo, hi) => this.host.memory.write(pe, pa, 8, lo >>> 0, hi >>> 0, this.cfg.memoryAttributes);
  }

  /** The barrier Hafnium issues after updating tables (arch_mm_sync_table_writes: dsb ish). */
  tableBarrier(pe: Pe): void {
    this.host.memory.barrier?.(pe, this.cfg.barrier.kind, this.cfg.barrier.domain);
  }

  /** Map pages into a partition's stage 2 (or EL2&0 stage 1) at run time. */
  mapForPartition(pe: Pe, pi: number, base: number, size: number, perm: { write: boolean; exec: boolean }): void {
    const ps = this.st.partitions[pi];
    const w = this.runtimeWriter(pe);
    if (ps.s2) mapPages(ps.s2, this.st.pool, base, base, size, stage2PageBits({ read: true, write: perm.write, exec: perm.exec }), w);
    else if (ps.s1) mapPages(ps.s1, this.st.pool, base, base, size, stage1El0PageBits(perm), w);
    this.tableBarrier(pe);
  }

  // ---- Hafnium paravirtualised interrupt interface (HVC) -------------------------------

  private hvcCall(pe: Pe): boolean {
    const fst = this.st.pes[pe.id];
    const cur = fst.current;
    if (cur.kind !== 'sp') return false;
    const x0 = Number(pe.getX(0) & 0xffffffffn);
    if ((x0 & 0xffff_0000) !== 0 && ((x0 >>> 24) & 0x3f) === 4) return this.ffaCall(pe, 'hvc');
    const vcpu = this.st.partitions[cur.part].vcpus[cur.vcpu];
    const p = this.cfg.partitions[cur.part];
    const x1 = Number(pe.getX(1) & 0xffffffffn);
    const x2 = Number(pe.getX(2) & 0xffffffffn);
    let r: bigint;
    const valid = (intid: number): boolean => p.interrupts.includes(intid) || Object.values(HF_VIRTUAL_INTID).includes(intid as 4);
    switch (x0) {
      case HF_CALL.INTERRUPT_ENABLE: {
        if (!valid(x1)) {
          r = BigInt.asUintN(64, -1n);
          break;
        }
        vcpu.enabledVirq = vcpu.enabledVirq.filter((x) => x !== x1);
        if (x2 !== 0) vcpu.enabledVirq.push(x1);
        if (p.interrupts.includes(x1)) this.gic?.setEnabled(x1, x2 !== 0, pe.id);
        r = 0n;
        break;
      }
      case HF_CALL.INTERRUPT_GET: {
        const intid = vcpu.pendingVirq.shift();
        if (intid === undefined) r = BigInt(HF_INVALID_INTID);
        else {
          vcpu.activeVirq.push(intid);
          r = BigInt(intid);
        }
        break;
      }
      case HF_CALL.INTERRUPT_DEACTIVATE: {
        // x1 = physical INTID, x2 = virtual INTID (Hafnium api_interrupt_deactivate).
        const i = vcpu.activeVirq.indexOf(x2);
        if (x1 !== x2 || i < 0) r = BigInt.asUintN(64, -1n);
        else {
          vcpu.activeVirq.splice(i, 1);
          // Priority drop and deactivation of the physical interrupt (ICC_EOIR1_EL1 with EOImode=0) on this PE.
          if (p.interrupts.includes(x1)) this.gic?.endOfInterrupt(pe.id, x1);
          r = 0n;
        }
        break;
      }
      case HF_CALL.INTERRUPT_RECONFIGURE: {
        if (!p.interrupts.includes(x1) || !this.gic) {
          r = BigInt.asUintN(64, -1n);
          break;
        }
        if (x2 === INT_RECONFIGURE.ENABLE) this.gic.setEnabled(x1, (Number(pe.getX(3)) & 1) !== 0, pe.id);
        else if (x2 === INT_RECONFIGURE.TARGET_PE) this.gic.configure(x1, { targetPe: Number(pe.getX(3)) });
        else if (x2 === INT_RECONFIGURE.SEC_STATE) this.gic.configure(x1, { group: (Number(pe.getX(3)) & 1) === 0 ? '1s' : '1ns' });
        else {
          r = BigInt.asUintN(64, -1n);
          break;
        }
        r = 0n;
        break;
      }
      default:
        r = BigInt.asUintN(64, -1n);
    }
    this.emit(pe, hfName(x0), BigInt(x0), this.endpointId(cur), HAFNIUM_IDS.SPMC, [pe.getX(1), pe.getX(2), pe.getX(3)], hex(r), this.host.lineOfPc(bigToVa(pe.readSysreg('ELR_EL2')) - 4));
    this.refreshVirtualLines(pe, cur.part, cur.vcpu);
    returnToCaller(pe, [r], false);
    return true;
  }

  /** HCR_EL2.VI/VF of the running vCPU follow its pending virtual interrupts (Hafnium sets them at every vCPU entry). */
  refreshVirtualLines(pe: Pe, pi: number, vi: number): void {
    const v = this.st.partitions[pi].vcpus[vi];
    let hcr = pe.readSysreg('HCR_EL2') & ~(HCR_VI | HCR_VF);
    if (v.pendingVirq.some((x) => !this.isFiqVirq(pi, x))) hcr |= HCR_VI;
    if (v.pendingVirq.some((x) => this.isFiqVirq(pi, x))) hcr |= HCR_VF;
    pe.writeSysreg('HCR_EL2', hcr);
  }

  // ---- secure interrupts at S-EL2 ---------------------------------------------------

  interruptOwner(intid: number): number {
    return this.cfg.partitions.findIndex((p) => p.interrupts.includes(intid));
  }

  /**
   * A physical interrupt taken to S-EL2 while a partition runs (HCR_EL2.IMO/FMO=1):
   * a secure interrupt is acknowledged, ended, and injected as a virtual
   * interrupt into its partition (Hafnium ffa_interrupts_handle_secure_interrupt);
   * a Non-secure one (signalled as FIQ in the Secure state) triggers the
   * partition's ns-interrupts-action: managed exit, or signaled (preempt and
   * return FFA_INTERRUPT to the Normal world).
   */
  private spmcInterrupt(pe: Pe, info: ExceptionRecord): boolean {
    const gic = this.gic;
    const fst = this.st.pes[pe.id];
    const cur = fst.current;
    if (!gic || cur.kind !== 'sp') return false;
    const pend = gic.highestPending(pe.id);
    const elr = bigToVa(pe.readSysreg('ELR_EL2'));
    const spsr = Number(pe.readSysreg('SPSR_EL2') & 0xffffffffn);
    const curId = this.endpointId(cur);
    if (!pend) {
      returnToCaller(pe, [], false);
      return true;
    }
    if (pend.group === '1ns') {
      const p = this.cfg.partitions[cur.part];
      const vcpu = this.st.partitions[cur.part].vcpus[cur.vcpu];
      if (p.nsInterrupts === 'managed_exit' || p.nsInterrupts === 'queued') {
        // Mask Non-secure interrupts in the priority mask so the SP can run (Hafnium plat_interrupts_set_priority_mask).
        const gx = gic as SecureInterruptController & { setPriorityMask?(pe: number, pmr: number): number };
        const prev = gx.setPriorityMask ? gx.setPriorityMask(pe.id, pend.priority) : 0xff;
        if (p.nsInterrupts === 'managed_exit' && !vcpu.managedExit) {
          vcpu.managedExit = { pmr: prev };
          vcpu.pendingVirq.push(HF_VIRTUAL_INTID.MANAGED_EXIT);
          this.emit(pe, 'managed exit', 0n, HAFNIUM_IDS.SPMC, curId, [BigInt(pend.intid)], `Non-secure interrupt ${pend.intid}: virtual INTID 4 injected into ${this.endpointName(cur)}`);
          this.refreshVirtualLines(pe, cur.part, cur.vcpu);
        }
        returnToCaller(pe, [], false);
        return true;
      }
      // Signaled: preempt the SP, unwind to the Normal world with FFA_INTERRUPT (FF-A §8.3.2).
      const chain = fst.chain;
      const bottom = chain.findIndex((f) => f.callerRef.kind === 'nwd');
      if (bottom < 0) {
        returnToCaller(pe, [], false);
        return true;
      }
      this.saveCurrent(pe, elr, spsr, 'preempted');
      const frames = chain.splice(bottom);
      this.st.pes[pe.id].chain = chain;
      for (const f of frames.slice(1)) {
        const ref = f.callerRef;
        if (ref.kind === 'sp') this.st.partitions[ref.part].vcpus[ref.vcpu].state = 'preempted';
      }
      this.emit(pe, 'FFA_INTERRUPT', FFA_INTERRUPT, HAFNIUM_IDS.SPMC, this.cfg.nwdId, [BigInt(pend.intid)], `Non-secure interrupt ${pend.intid} preempts ${this.endpointName(cur)}`);
      this.resumeNwd(pe, pad8([FFA_INTERRUPT, BigInt(((curId << 16) | cur.vcpu) >>> 0)]));
      return true;
    }
    const intid = gic.acknowledge(pe.id, pend.group);
    if (intid === SPURIOUS_INTID) {
      returnToCaller(pe, [], false);
      return true;
    }
    // Stays active until HF_INTERRUPT_DEACTIVATE (see monitorInterrupt).
    const owner = this.interruptOwner(intid);
    if (owner < 0) gic.endOfInterrupt(pe.id, intid);
    this.emit(pe, 'secure interrupt', 0n, HAFNIUM_IDS.SPMC, owner >= 0 ? this.cfg.partitions[owner].id : undefined, [BigInt(intid)], owner >= 0 ? `virtual interrupt ${intid} injected into ${this.cfg.partitions[owner].name}` : 'no partition owns it');
    if (owner >= 0) {
      const vi = this.targetVcpu(owner, pe.id);
      const v = this.st.partitions[owner].vcpus[vi];
      if (!v.pendingVirq.includes(intid)) v.pendingVirq.push(intid);
      if (owner === cur.part) this.refreshVirtualLines(pe, cur.part, cur.vcpu);
      else if (v.state === 'waiting') {
        // The owner waits: preempt the running SP, run the owner with FFA_INTERRUPT; its FFA_MSG_WAIT resumes the preempted one.
        this.saveCurrent(pe, elr, spsr, 'preempted');
        v.interruptRun = true;
        this.pushFrame(pe, { kind: 'interrupt', caller: curId, callee: this.cfg.partitions[owner].id, callerRef: cur, fid: Number(FFA_INTERRUPT), name: 'FFA_INTERRUPT', args: [h64(intid)], pc: elr, el: (spsr >>> 2) & 3, secure: true });
        this.enter(pe, { kind: 'sp', part: owner, vcpu: vi }, pad8([FFA_INTERRUPT, 0n, BigInt(intid)]));
        void info;
        return true;
      }
    }
    returnToCaller(pe, [], false);
    return true;
  }

  // ---- partition faults -------------------------------------------------------------

  /**
   * A synchronous exception from a partition that the SPMC does not emulate
   * (a stage-2 abort, an undefined instruction): the partition is aborted and
   * whoever called it gets FFA_ERROR(ABORTED) (FF-A v1.2 §"Partition abort"; Hafnium api_abort).
   */
  private partitionFault(pe: Pe, info: ExceptionRecord): boolean {
    return this.applyAbort(pe, this.abortCurrent(pe, info.reason));
  }

  private applyAbort(pe: Pe, out: Outcome): boolean {
    if (out.kind === 'switch') {
      if (out.to.kind === 'nwd') this.resumeNwd(pe, out.regs && pad8(out.regs));
      else this.enter(pe, out.to, out.regs && pad8(out.regs));
    } else {
      pe.state = 'halted';
      pe.stopReason = 'partition aborted with no caller to return to';
    }
    return true;
  }

  private abortCurrent(pe: Pe, why: string): Outcome {
    const fst = this.st.pes[pe.id];
    const cur = fst.current;
    if (cur.kind !== 'sp') return { kind: 'return', regs: ffaError(FfaError.NOT_SUPPORTED) };
    const v = this.st.partitions[cur.part].vcpus[cur.vcpu];
    v.state = 'aborted';
    v.ctx = undefined;
    const id = this.endpointId(cur);
    this.emit(pe, 'partition abort', 0n, id, HAFNIUM_IDS.SPMC, [], `${this.endpointName(cur)} aborted: ${why}`);
    const frame = this.topFrameFor(pe, id);
    if (frame) {
      fst.chain.pop();
      return { kind: 'switch', to: frame.callerRef, regs: ffaError(FfaError.ABORTED) };
    }
    if (this.isBootingRef(cur)) {
      this.markWaited(cur.part, cur.vcpu);
      const next = fst.boot.shift();
      if (next) {
        const [pi, vi] = next;
        const nv = this.st.partitions[pi].vcpus[vi];
        nv.ctx = this.bootContext(pi, vi);
        return { kind: 'switch', to: { kind: 'sp', part: pi, vcpu: vi } };
      }
      if (fst.nwdCtx) return { kind: 'switch', to: { kind: 'nwd' } };
    }
    return { kind: 'return', regs: [] };
  }

  private isBootingRef(ref: EndpointRef): boolean {
    return ref.kind === 'sp' && !this.everWaited(ref.part, ref.vcpu);
  }

  // ---- call chain (issue #4 part 6) ----------------------------------------------------

  /** FF-A frames of PE `peId`, innermost first (the engine adds the exception entries of the live context). */
  ffaChain(peId: number): ChainEntry[] {
    const chain = this.st.pes[peId]?.chain ?? [];
    return chain
      .slice()
      .reverse()
      .map((f) => ({
        kind: 'ffa' as const,
        label: `${f.name} ${hex(f.caller, 4)}→${hex(f.callee, 4)} (${f.secure ? 'Secure' : 'Non-secure'} EL${f.el})`,
        pc: f.pc - 4,
        line: f.line,
        fromEl: f.el,
        toEl: f.secure ? 2 : 3,
        secure: f.secure,
        step: f.step,
        ffa: { function: f.name, caller: f.caller, callee: f.callee, args: f.args.map((x) => BigInt(x)) },
      }));
  }

  /** The whole chain of PE `peId` (engine CallChainSource): live exceptions, then FF-A calls, innermost first. */
  callChain(peId: number): ChainEntry[] {
    return [...exceptionChain(this.host as unknown as Machine, peId), ...this.ffaChain(peId)];
  }

  /** Which endpoint runs on a PE (views: "PE 0: SP 0x8001 (optee) vCPU 0"). */
  currentEndpoint(peId: number): { id: number; name: string; secure: boolean } {
    const cur = this.st.pes[peId].current;
    return { id: this.endpointId(cur), name: this.endpointName(cur), secure: cur.kind === 'sp' };
  }

  // ---- checkpoints ---------------------------------------------------------------------

  snapshot(): unknown {
    return structuredClone({ st: this.st, live: this.live, scr: this.scrNwd });
  }

  restore(s: unknown): void {
    const c = structuredClone(s) as { st: FirmwareState; live: LivelockState; scr: bigint[] };
    this.st = c.st;
    this.live = c.live;
    this.scrNwd = c.scr;
  }
}

/**
 * What TF-A's plat_gic_init / gicv3_cpuif_enable and the SPMC leave behind, for
 * a controller that does not offer `initialiseForFirmware`: the distributor's
 * groups enabled, each CPU interface's group enables set, PMR open. Works on
 * the plain state of simulator/gic's Gic (GICD_CTLR, ICC_PMR/IGRPEN per PE).
 */
function initialiseGicState(gic: SecureInterruptController): void {
  const g = gic as unknown as { ctlr?: number; pmr?: Uint8Array; igrpen0?: Uint8Array; igrpen1s?: Uint8Array; igrpen1ns?: Uint8Array; updateAll?(): void };
  if (g.ctlr !== undefined) g.ctlr |= 0b111;
  g.pmr?.fill(0xff);
  g.igrpen0?.fill(1);
  g.igrpen1s?.fill(1);
  g.igrpen1ns?.fill(1);
  g.updateAll?.();
}

function pad8(regs: bigint[]): bigint[] {
  const out = regs.slice(0, 8);
  while (out.length < 8) out.push(0n);
  return out;
}

function hfName(x0: number): string {
  switch (x0) {
    case HF_CALL.INTERRUPT_ENABLE:
      return 'HF_INTERRUPT_ENABLE';
    case HF_CALL.INTERRUPT_GET:
      return 'HF_INTERRUPT_GET';
    case HF_CALL.INTERRUPT_DEACTIVATE:
      return 'HF_INTERRUPT_DEACTIVATE';
    case HF_CALL.INTERRUPT_RECONFIGURE:
      return 'HF_INTERRUPT_RECONFIGURE';
    default:
      return `HVC ${hex(x0)}`;
  }
}

export type { PartitionDecl };
