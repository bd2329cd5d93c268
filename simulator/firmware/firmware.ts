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
import { SCTLR_EL1 } from '../arch/registers/fields';
import { SCTLR_EL1_RESET } from '../pe/reset';
import { EC } from '../pe/exception';
import type { ExceptionRecord } from '../pe/exception';
import type { Pe } from '../pe/pe';
import { bigToVa } from '../pe/entry';
import type { MemorySystem } from '../memory/system';
import type { PhysicalMemory } from '../memory/physical';
import type { Mmu } from '../mmu/types';
import type { TraceBus } from '../trace/bus';
import type { FaultRecord, Finding } from '../trace/events';
import { decodeFunctionId, ffaFid, FfaError, ffaErrorName, HAFNIUM_IDS, type FfaFunctionName } from '../arch/index';
import { hex } from '../util/hex';
import { exceptionChain, type ChainEntry } from '../engine/callChain';
import type { Machine } from '../engine/machine';
import type { FirmwareConfig, PartitionDecl } from './config';
import { captureCurrent, enterContext, entrySpsr, freshContext, returnToCaller, saveContext, type SavedContext } from './context';
import { h64, type CallFrame, type EndpointRef, type FirmwareState, type NotificationState, type PartitionState, type VcpuState } from './state';
// MAIR with index 1 = Normal WB: the pagetable blocks' MAIR_DEFAULT (one source).
import { MAIR_DEFAULT } from '../mmu/pagetable/block';
import { mapPages, newStage1Tree, newStage2Tree, stage1El0PageBits, stage2PageBits, TablePoolExhausted, type DescriptorWriter } from './tables';
import { fingerprint, newLivelockState, observeCall, type LivelockState } from './livelock';
import { GIC_HIGHEST_SEC_PRIORITY, HF_VIRTUAL_INTID, SECURE_INTERRUPT_PRIORITY, type SecureInterruptController } from './interrupts';
import { handleMemoryCall, isMemoryCall } from './memoryShare';
import { bootUserSpmc, monitorSmc } from './monitor';
import { notification } from './notifications';
import { directReq, directResp, msgWait, run } from './messaging';
import { hvcCall, monitorInterrupt, setPriorityMask, spmcInterrupt } from './secureInterrupts';


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

/**
 * The FF-A functions the built-in SPMC implements (what FFA_FEATURES reports as
 * supported; docs/firmware.md's table is generated from this list and the FF-A
 * function table, simulator/arch/decoders/smccc.ts). Any other function ID gets
 * FFA_ERROR(NOT_SUPPORTED).
 */
export const SPMC_FUNCTIONS: readonly FfaFunctionName[] = [
  'ERROR', 'SUCCESS', 'INTERRUPT', 'VERSION', 'FEATURES', 'RX_RELEASE', 'RXTX_MAP', 'RXTX_UNMAP',
  'PARTITION_INFO_GET', 'ID_GET', 'SPM_ID_GET', 'MSG_WAIT', 'YIELD', 'RUN', 'MSG_SEND_DIRECT_REQ',
  'MSG_SEND_DIRECT_RESP', 'MEM_DONATE', 'MEM_LEND', 'MEM_SHARE', 'MEM_RETRIEVE_REQ', 'MEM_RETRIEVE_RESP',
  'MEM_RELINQUISH', 'MEM_RECLAIM', 'NOTIFICATION_BITMAP_CREATE', 'NOTIFICATION_BITMAP_DESTROY', 'NOTIFICATION_BIND',
  'NOTIFICATION_UNBIND', 'NOTIFICATION_SET', 'NOTIFICATION_GET', 'NOTIFICATION_INFO_GET',
];

export const FFA_SUCCESS = BigInt(ffaFid('SUCCESS', 32));
export const FFA_ERROR = BigInt(ffaFid('ERROR', 32));
export const FFA_INTERRUPT = BigInt(ffaFid('INTERRUPT', 32));
export const FFA_MSG_WAIT = BigInt(ffaFid('MSG_WAIT', 32));
export const FFA_YIELD = BigInt(ffaFid('YIELD', 32));

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
export const HCR_VI = 1n << 7n;
export const HCR_VF = 1n << 6n;
/** S-EL0 partitions run as host applications: E2H=TGE=1, RW, TID3, TIDCP (Hafnium, TGE only for S-EL0 SPs). */
const HCR_SEL0 = HCR_E2H | HCR_TGE | (1n << 31n) | (1n << 18n) | (1n << 20n);
/** TCR_EL2 with E2H=1 (TCR_EL1 layout): T0SZ=32, IRGN0=ORGN0=WBWA, SH0=Inner, TG0=4K, EPD1, IPS=48 bits. */
const TCR_EL20 = 0x5_0080_3520n;
/** SCTLR_EL2 with E2H=1 (SCTLR_EL1 layout): the reset RES1/nTWx bits plus M, C, I. */
const SCTLR_EL20 = SCTLR_EL1_RESET | SCTLR_EL1.M.mask | SCTLR_EL1.C.mask | SCTLR_EL1.I.mask;

export const SCR_NS = 1n;
export const SCR_FIQ = 1n << 2n;
export const SCR_EEL2 = 1n << 18n;

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
  scrNwd: bigint[] = [];
  /**
   * What the call being handled did, in words (`mapping handle 0x1 (1 page at
   * 0x8810_0000, RW, XN) into 0x8001's stage 2`): set by the handlers, carried
   * by the call's `ffa-call` event and call-log entry, so findings about the
   * SPMC's own writes can name the transaction. Reset for every call.
   */
  callDetail: string | undefined = undefined;

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
      log: [],
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
      // SCR_EL3.FIQ in the Normal world: Secure Group 1 (an FIQ there) goes to the SPMD for the SPMC, and Group 0 to the
      // SPMD's spmd_group0_interrupt_handler_nwd (TF-A registers both for NON_SECURE with EL3_EXCEPTION_HANDLING=0).
      const routeFiq = this.gic && (this.cfg.partitions.some((p) => p.interrupts.length > 0) || this.cfg.el3Interrupts.length > 0);
      this.scrNwd[pe.id] = scr | SCR_NS | (routeFiq ? SCR_FIQ : 0n);
    }
    if (this.cfg.spmc !== 'builtin') {
      if (this.cfg.monitor === 'builtin' && this.cfg.spmcEntry !== undefined) bootUserSpmc(this);
      return;
    }
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
  watchIsolation(): void {
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

  checkIsolation(pe: Pe, stage: 1 | 2, addr: number): void {
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
    gic.initialiseForFirmware?.();
    // The partitions' manifest interrupts: Secure Group 1, enabled, routed to PE 0 (Hafnium plat_interrupts_configure_interrupt).
    for (const p of this.cfg.partitions)
      for (const intid of p.interrupts) {
        gic.configure(intid, { group: '1s', priority: SECURE_INTERRUPT_PRIORITY, targetPe: 0 });
        gic.setEnabled(intid, true, 0);
      }
    // The platform's Group 0 interrupts (TF-A gicv3_distif_init / gicv3_rdistif_init with PLAT_ARM_G0_IRQ_PROPS):
    // Group 0, GIC_HIGHEST_SEC_PRIORITY, enabled; an SPI routed to the boot PE, a PPI/SGI on every PE.
    for (const intid of this.cfg.el3Interrupts) {
      const banked = intid <= 31;
      gic.configure(intid, { group: '0', priority: GIC_HIGHEST_SEC_PRIORITY, ...(banked ? {} : { targetPe: 0 }) });
      if (banked) this.host.pes.forEach((_, pe) => gic.setEnabled(intid, true, pe));
      else gic.setEnabled(intid, true, 0);
    }
  }

  /** Boot the next partition vCPU of this PE, or start the Normal world. */
  bootNext(pe: Pe): void {
    const fst = this.st.pes[pe.id];
    const next = fst.boot.shift();
    if (next === undefined) {
      this.resumeNwd(pe, undefined);
      return;
    }
    const [pi, vi] = next;
    this.st.partitions[pi].vcpus[vi].ctx = this.bootContext(pi, vi);
    this.enter(pe, { kind: 'sp', part: pi, vcpu: vi }, undefined);
  }

  /** A partition vCPU's first context: its entry, EL1h (or EL0t) with DAIF masked, its stack; x4 = vCPU index (Hafnium's boot protocol). */
  bootContext(pi: number, vi: number): SavedContext {
    const p = this.cfg.partitions[pi];
    const ctx = freshContext(p.entry, entrySpsr(p.el), p.el === 1 ? [['SCTLR_EL1', SCTLR_EL1_RESET]] : [], p.stack !== undefined ? { el: p.el, value: p.stack } : undefined);
    ctx.xlo[4] = vi;
    return ctx;
  }

  /** Resume the Normal world (regs: the call's results; undefined: as it was). */
  resumeNwd(pe: Pe, regs: bigint[] | undefined): void {
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
  el2Config(pi: number, vi: number): [string, bigint][] {
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
  isFiqVirq(pi: number, intid: number): boolean {
    return intid === HF_VIRTUAL_INTID.MANAGED_EXIT && !this.cfg.partitions[pi].managedExitVirq;
  }

  /** Enter an endpoint's saved context on `pe`. */
  enter(pe: Pe, to: EndpointRef, regs: bigint[] | undefined): void {
    const fst = this.st.pes[pe.id];
    fst.current = to;
    if (to.kind === 'nwd') {
      // Non-secure interrupts were masked in PMR while the SP ran (managed exit, queued): unmask them for the Normal world.
      if (fst.pmrRestore !== undefined && this.gic) setPriorityMask(this.gic, pe.id, fst.pmrRestore);
      fst.pmrRestore = undefined;
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
  clearSwitchable(pe: Pe, upTo: 1 | 2): void {
    for (const k of [...pe.sysregs.keys()]) {
      const m = k.match(/_EL([0-2])$/);
      if (!m || Number(m[1]) > upTo) continue;
      if (/^(ICC_|ICH_|ID_|CNTPCT|CNTVCT|CNTFRQ|MIDR|MPIDR|REVIDR|CTR_|CLIDR|DCZID|CCSIDR|VPIDR|VMPIDR)/.test(k)) continue;
      pe.sysregs.delete(k);
    }
  }

  /** Save the live context of the PE's current endpoint (resuming at pc with spsr). */
  saveCurrent(pe: Pe, pc: number, spsr: number, state?: VcpuState['state']): void {
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
      if (info.type === 'sync' && info.ec === EC.SMC64) return monitorSmc(this, pe);
      if (info.type === 'fiq' || info.type === 'irq') return monitorInterrupt(this, pe, info);
      return false;
    }
    if (info.toEl !== 2 || this.cfg.spmc !== 'builtin' || fst.current.kind !== 'sp') return false;
    if (info.type === 'sync') {
      if (info.ec === EC.SMC64) return this.ffaCall(pe, 'smc-trap');
      if (info.ec === EC.SVC64 && info.fromEl === 0) return this.ffaCall(pe, 'svc');
      if (info.ec === EC.HVC64) return hvcCall(this, pe);
      return this.partitionFault(pe, info);
    }
    if (info.type === 'irq' || info.type === 'fiq') return spmcInterrupt(this, pe, info);
    return false;
  }

  // ---- FF-A calls ----------------------------------------------------------------------

  readArgs(pe: Pe, n = 18): bigint[] {
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) out.push(pe.getX(i));
    return out;
  }

  /** Where the caller resumes and its PSTATE, from the EL that took the call. */
  callSite(pe: Pe, via: Via): { resume: number; spsr: number; callPc: number } {
    const el = via === 'el3' ? 3 : 2;
    const elr = bigToVa(pe.readSysreg(`ELR_EL${el}`));
    const spsr = Number(pe.readSysreg(`SPSR_EL${el}`) & 0xffffffffn);
    // A TSC-trapped SMC reports itself; SMC/SVC/HVC taken normally report the next instruction (Arm ARM D1.10.1).
    return via === 'smc-trap' ? { resume: elr + 4, spsr, callPc: elr } : { resume: elr, spsr, callPc: elr - 4 };
  }

  ffaCall(pe: Pe, via: Via): boolean {
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
    const fp = fingerprint(pe, site.resume, site.spsr, this.digest());
    const note = { text: `${this.endpointName(caller)} ${name}(${this.argText(name, args)})`, line, step: this.host.steps + 1 };
    const cycle = observeCall(this.live, pe.id, fp, this.host.physical, note);
    let out: Outcome;
    // While the SPMC works for this call, the PE's PC names the calling instruction: observers that attribute
    // accesses by PC (the cache checkers) see the SPMC's table and RX stores as part of this FF-A call.
    pe.pc = site.callPc;
    this.callDetail = undefined;
    try {
      out = this.dispatch(pe, caller, callerId, fid, name, args, site);
    } catch (e) {
      if (!(e instanceof TablePoolExhausted)) throw e;
      out = { kind: 'return', regs: ffaError(FfaError.NO_MEMORY) };
    }
    const result = this.outcomeText(out);
    note.text += ` → ${result}`;
    this.emit(pe, name, args[0], callerId, this.calleeOf(out), args.slice(1, 8), result, line, this.callDetail);
    this.callDetail = undefined;
    this.apply(pe, out, site, via);
    if (cycle) this.reportLivelock(pe, cycle);
    return true;
  }

  apply(pe: Pe, out: Outcome, site: { resume: number; spsr: number }, via: Via): void {
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
  digest(): string {
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

  argText(name: string, args: bigint[]): string {
    const n = /DIRECT|MEM_|NOTIFICATION|RXTX|PARTITION_INFO|ERROR|RUN|FEATURES|VERSION/.test(name) ? 5 : 2;
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) if (args[i] !== 0n || i <= 2) parts.push(`x${i}=${hex(args[i])}`);
    if (name.startsWith('FFA_ERROR')) {
      const e = ffaErrorName(args[2]);
      if (e) parts.push(`(${e})`);
    }
    return parts.join(' ');
  }

  calleeOf(out: Outcome): number | undefined {
    return out.kind === 'switch' ? this.endpointId(out.to) : HAFNIUM_IDS.SPMC;
  }

  outcomeText(out: Outcome): string {
    const regs = out.regs;
    if (!regs) return out.kind === 'switch' ? `resume ${this.endpointName(out.to)}` : '';
    const fid = Number(regs[0] & 0xffffffffn);
    const nm = decodeFunctionId(fid).name ?? hex(regs[0]);
    const err = nm.startsWith('FFA_ERROR') ? ` ${ffaErrorName(regs[2]) ?? hex(regs[2])}` : '';
    return `${out.kind === 'switch' ? `${this.endpointName(out.to)} gets ` : ''}${nm}${err}`;
  }

  /** Emit an `ffa-call` trace event. */
  emit(pe: Pe, fn: string, fid: bigint, caller: number, callee: number | undefined, args: bigint[], result: string, line?: number, detail?: string): void {
    const log = this.st.log;
    if (log.length >= CALL_LOG_LIMIT) log.splice(0, log.length - CALL_LOG_LIMIT + 1);
    log.push({ step: this.host.steps + 1, pe: pe.id, line, function: fn, caller, callee, args: args.map(h64), result, ...(detail !== undefined ? { detail } : {}) });
    const trace = this.host.trace;
    if (!trace.wants['ffa-call']) return;
    trace.emit({ kind: 'ffa-call', step: this.host.steps + 1, pe: pe.id, function: fn, fid: Number(fid & 0xffffffffn), caller, callee, args, result, line, ...(detail !== undefined ? { detail } : {}) });
  }

  reportLivelock(pe: Pe, cycle: { text: string; line?: number; step: number }[]): void {
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

  dispatch(pe: Pe, caller: EndpointRef, callerId: number, fid: number, name: string, a: bigint[], site: { resume: number; spsr: number; callPc: number }): Outcome {
    const ret = (regs: bigint[]): Outcome => ({ kind: 'return', regs });
    const err = (code: number): Outcome => ret(ffaError(code));
    const w = (i: number): number => Number(a[i] & 0xffffffffn);
    // The function by name without its width (FID table: simulator/arch); a width the function does not define is not supported.
    const d = decodeFunctionId(fid);
    const base = d.widthUndefined ? '' : name.replace(/_(32|64)$/, '');
    const is = (n: string): boolean => base === `FFA_${n}`;
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
    if (is('MSG_SEND_DIRECT_REQ')) return directReq(this, pe, caller, callerId, fid, a, site);
    if (is('MSG_SEND_DIRECT_RESP')) return directResp(this, pe, caller, callerId, fid, a);
    if (is('MSG_WAIT')) return msgWait(this, pe, caller);
    if (is('RUN')) return run(this, pe, caller, a, site);
    if (is('YIELD')) {
      if (!vcpu) return err(FfaError.NOT_SUPPORTED);
      const frame = this.topFrameFor(pe, callerId);
      if (!frame) return err(FfaError.DENIED);
      // The SP gives the CPU back to whoever called it; they resume it with FFA_RUN (FF-A §13.7). The request it
      // works on stays in progress (its response answers that RUN); a RUN it was resumed by is over.
      if (frame.kind === 'run') this.st.pes[pe.id].chain.pop();
      vcpu.yielded = true;
      const vi = caller.kind === 'sp' ? caller.vcpu : 0;
      return { kind: 'switch', callerState: 'preempted', to: frame.callerRef, regs: [FFA_YIELD, BigInt(((callerId << 16) | vi) >>> 0), a[2], a[3]] };
    }
    if (is('ERROR')) {
      // Hafnium plat_ffa_error_32: an SP reporting an error outside its initialisation gets FFA_NOT_SUPPORTED back.
      if (vcpu && this.isBooting(pe, caller)) return this.abortCurrent(pe, 'FFA_ERROR during initialisation');
      return err(FfaError.NOT_SUPPORTED);
    }
    if (isMemoryCall(name)) return handleMemoryCall(this, pe, caller, callerId, name, a);
    if (name.startsWith('FFA_NOTIFICATION')) return ret(notification(this, pe, caller, callerId, name, a));
    return err(FfaError.NOT_SUPPORTED);
  }

  isBooting(_pe: Pe, caller: EndpointRef): boolean {
    return caller.kind === 'sp' && !this.everWaited(caller.part, caller.vcpu);
  }
  everWaited(pi: number, vi: number): boolean {
    return this.st.waited.includes(`${pi}:${vi}`);
  }
  markWaited(pi: number, vi: number): void {
    if (!this.everWaited(pi, vi)) this.st.waited.push(`${pi}:${vi}`);
  }

  /** FFA_FEATURES (FF-A §13.3): a function ID, or a feature ID (NPI 1, SRI 2, MEI 3). */
  features(caller: EndpointRef, q: number): bigint[] {
    if (q === 1) return caller.kind === 'sp' ? ffaSuccess(HF_VIRTUAL_INTID.NOTIFICATION_PENDING) : ffaError(FfaError.NOT_SUPPORTED);
    if (q === 2) return caller.kind === 'nwd' ? ffaSuccess(HF_VIRTUAL_INTID.SCHEDULE_RECEIVER) : ffaError(FfaError.NOT_SUPPORTED);
    if (q === 3) return caller.kind === 'sp' ? ffaSuccess(HF_VIRTUAL_INTID.MANAGED_EXIT) : ffaError(FfaError.NOT_SUPPORTED);
    if ((q & 0x8000_0000) === 0) return ffaError(FfaError.NOT_SUPPORTED);
    const d = decodeFunctionId(q);
    const base = (d.name ?? '').replace(/_(32|64)$/, '').replace(/^FFA_/, '');
    if (!(SPMC_FUNCTIONS as readonly string[]).includes(base)) return ffaError(FfaError.NOT_SUPPORTED);
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
  rxtxMap(caller: EndpointRef, a: bigint[]): bigint[] {
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
  partitionInfo(pe: Pe, caller: EndpointRef, a: bigint[]): bigint[] {
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

  pushFrame(pe: Pe, f: Omit<CallFrame, 'step' | 'line'>): void {
    this.st.pes[pe.id].chain.push({ ...f, line: this.host.lineOfPc(f.pc - 4) ?? this.host.lineOfPc(f.pc), step: this.host.steps + 1 });
  }

  topFrameFor(pe: Pe, calleeId: number): CallFrame | undefined {
    const chain = this.st.pes[pe.id].chain;
    const top = chain[chain.length - 1];
    return top && top.callee === calleeId ? top : undefined;
  }





  // ---- notifications ---------------------------------------------------------------



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



  // ---- secure interrupts at S-EL2 ---------------------------------------------------



  // ---- partition faults -------------------------------------------------------------

  /**
   * A synchronous exception from a partition that the SPMC does not emulate
   * (a stage-2 abort, an undefined instruction): the partition is aborted and
   * whoever called it gets FFA_ERROR(ABORTED) (FF-A v1.2 §"Partition abort"; Hafnium api_abort).
   */
  partitionFault(pe: Pe, info: ExceptionRecord): boolean {
    return this.applyAbort(pe, this.abortCurrent(pe, info.reason));
  }

  applyAbort(pe: Pe, out: Outcome): boolean {
    if (out.kind === 'switch') {
      if (out.to.kind === 'nwd') this.resumeNwd(pe, out.regs && pad8(out.regs));
      else this.enter(pe, out.to, out.regs && pad8(out.regs));
    } else {
      pe.state = 'halted';
      pe.stopReason = 'partition aborted with no caller to return to';
    }
    return true;
  }

  abortCurrent(pe: Pe, why: string): Outcome {
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

  isBootingRef(ref: EndpointRef): boolean {
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
    if (this.st.pes[peId].userSpmc?.running) return { id: HAFNIUM_IDS.SPMC, name: `SPMC ${hex(HAFNIUM_IDS.SPMC, 4)} (scenario code at S-EL2)`, secure: true };
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

/** Calls kept in the firmware's log (reports show it; the trace has every call). */
export const CALL_LOG_LIMIT = 500;

export function pad8(regs: bigint[]): bigint[] {
  const out = regs.slice(0, 8);
  while (out.length < 8) out.push(0n);
  return out;
}

export type { PartitionDecl };
