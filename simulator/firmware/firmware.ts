/**
 * The built-in firmware's state and the operations every part of it shares:
 * an EL3 monitor modelled on TF-A (monitor.ts: SMCCC dispatch, PSCI, the SPMD
 * forwarding FF-A between the worlds) and an SPMC at S-EL2 modelled on
 * Hafnium (spmc.ts: FF-A dispatch; messaging.ts, memoryShare.ts,
 * notifications.ts, secureInterrupts.ts), booted by boot.ts and entered
 * through entry.ts.
 *
 * It runs as native code at its EL: the PE system model consults the
 * machine's built-in handler when an exception is taken to an EL whose vector
 * holds no code (a scenario replaces a built-in by giving that EL vectors). A
 * call is handled within the PE step that took the exception — one engine
 * action, published on `hooks.call` — and ends with an exception return into
 * the caller or, after a world or vCPU switch, into another endpoint.
 *
 * The checkers that watch it (isolation.ts, livelock.ts) subscribe to its
 * hooks and the MMU's; they are attached with the other checkers.
 */
import { Hook } from '../component/hook';
import { HAFNIUM_IDS } from '../arch/index';
import { compose, MPIDR_EL1, TTBR, VSTCR_EL2, VTCR_EL2, VTTBR_EL2 } from '../arch/registers/fields';
import type { MemorySystem } from '../memory/system';
import type { PhysicalMemory } from '../memory/physical';
import type { Mmu } from '../mmu/types';
import type { Pe } from '../pe/pe';
import { freshSysregGen } from '../pe/sysregGen';
import type { ChainEntry, Finding, FirmwareCall } from '../trace/events';
import { hex } from '../util/hex';
// MAIR with index 1 = Normal WB: the pagetable blocks' MAIR_DEFAULT (one source).
import { MAIR_DEFAULT } from '../mmu/pagetable/block';
import type { FirmwareConfig } from './config';
import { enterContext, entrySpsr, freshContext, saveContext, type SavedContext } from './context';
import { ffaError, pad8, type Outcome } from './ffa';
import { FfaError } from '../arch/index';
import { HF_VIRTUAL_INTID, setPriorityMask, type SecureInterruptController } from './interrupts';
import { HCR_E2H, HCR_SEL0, HCR_SEL1, HCR_VF, HCR_VI, SCR_EEL2, SCR_FIQ, SCR_NS, SCTLR_EL1_RESET, SCTLR_EL20, TCR_EL20 } from './registers';
import { h64, type CallFrame, type EndpointRef, type FirmwareState, type NotificationState, type PartitionState, type VcpuState } from './state';
import { mapPages, stage1El0PageBits, stage2PageBits, type DescriptorWriter } from './tables';

/** What the firmware needs from the machine (the engine's Machine provides all of it). */
export interface FirmwareHost {
  readonly pes: Pe[];
  readonly memory: MemorySystem;
  readonly mmu: Mmu;
  readonly physical: PhysicalMemory;
  readonly steps: number;
  lineOfPc(pc: number): number | undefined;
  addFinding(f: Finding): void;
  requestStop(reason: string): void;
}

/** An FF-A call as it reaches the firmware: the caller's state at the call (`text` gets ` → result` once handled). */
export interface CallEntry {
  /** `SP 0x8001 (optee) FFA_MSG_SEND_DIRECT_RESP_32(x1=… x2=…)`. */
  text: string;
  line?: number;
  step: number;
  /** Where the caller resumes and its PSTATE. */
  resume: number;
  spsr: number;
}

/** The firmware's hook points (component/hook.ts). */
export interface FirmwareHooks {
  /** An FF-A call reached the firmware, before it is handled. */
  readonly callEntry: Hook<(pe: Pe, call: CallEntry) => void>;
  /** The firmware handled a call (or acted on its own: interrupt injection, managed exit, partition abort). */
  readonly call: Hook<(pe: Pe, call: FirmwareCall) => void>;
  /** A call's outcome was applied: the PE runs whoever comes next. */
  readonly callExit: Hook<(pe: Pe, call: CallEntry) => void>;
}

/** Calls kept in the firmware's log (reports show it; the trace has every call). */
export const CALL_LOG_LIMIT = 500;

function emptyNotifications(): NotificationState {
  return { bindings: [], pendingSp: '0', pendingVm: '0', pendingSpm: '0', created: false };
}

export class Firmware {
  readonly cfg: FirmwareConfig;
  readonly host: FirmwareHost;
  readonly hooks: FirmwareHooks = { callEntry: new Hook('FF-A call entry'), call: new Hook('FF-A call'), callExit: new Hook('FF-A call exit') };
  st: FirmwareState;
  /** The GIC, once attached (simulator/gic). */
  gic: SecureInterruptController | undefined;
  scrNwd: bigint[] = [];
  /** Non-secure memory regions of the system (what the Normal world owns). */
  nsRegions: { base: number; size: number }[] = [];
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
      pes: host.pes.map(() => ({ current: { kind: 'nwd' }, chain: [], boot: [] })),
      partitions: cfg.partitions.map((p) => ({
        vcpus: Array.from({ length: p.vcpus }, (_, i) => ({ state: 'off' as const, pe: p.vcpus === 1 ? 0 : i, pendingVirq: [], activeVirq: [], enabledVirq: [] })),
        version: cfg.ffaVersion,
        notifications: emptyNotifications(),
      })),
      nwd: { version: cfg.ffaVersion, notifications: emptyNotifications() },
      pool,
      waited: [],
      log: [],
      shares: [],
      nextHandle: 0,
      calls: 0,
    };
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
      pe.sysregGen = freshSysregGen();
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
    const out: [string, bigint][] = [['VMPIDR_EL2', compose(MPIDR_EL1, { Aff0: vi })]];
    const vi_ = vcpu.pendingVirq.some((v) => !this.isFiqVirq(pi, v)) ? HCR_VI : 0n;
    const vf_ = vcpu.pendingVirq.some((v) => this.isFiqVirq(pi, v)) ? HCR_VF : 0n;
    if (p.el === 1) {
      const vmid = BigInt(pi + 1);
      out.push(['HCR_EL2', HCR_SEL1 | (this.cfg.vhe ? HCR_E2H : 0n) | vi_ | vf_]);
      out.push(['VTCR_EL2', this.cfg.vtcr]);
      // The Secure stage 2 has the Non-secure one's geometry (Hafnium arch_mm_init).
      const vtcr = this.cfg.vtcr;
      out.push(['VSTCR_EL2', compose(VSTCR_EL2, { T0SZ: VTCR_EL2.T0SZ.of(vtcr), SL0: VTCR_EL2.SL0.of(vtcr), TG0: VTCR_EL2.TG0.of(vtcr) })]);
      const root = BigInt(ps.s2?.root ?? 0);
      out.push(['VTTBR_EL2', root | VTTBR_EL2.VMID.val(vmid)]);
      out.push(['VSTTBR_EL2', root]);
    } else {
      const asid = BigInt(pi + 1);
      out.push(['HCR_EL2', HCR_SEL0]);
      out.push(['TTBR0_EL2', BigInt(ps.s1?.root ?? 0) | TTBR.ASID.val(asid)]);
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

  /**
   * A call the firmware handled, or an action of its own (`ffa-call` trace
   * events): kept in the call log (reports) and published on `hooks.call`.
   */
  emit(pe: Pe, fn: string, fid: bigint, caller: number, callee: number | undefined, args: bigint[], result: string, line?: number, detail?: string): void {
    const log = this.st.log;
    const step = this.host.steps + 1;
    if (log.length >= CALL_LOG_LIMIT) log.splice(0, log.length - CALL_LOG_LIMIT + 1);
    log.push({ step, pe: pe.id, line, function: fn, caller, callee, args: args.map(h64), result, ...(detail !== undefined ? { detail } : {}) });
    const hook = this.hooks.call;
    if (hook.active) hook.emit(pe, { step, pe: pe.id, function: fn, fid: Number(fid & 0xffffffffn), caller, callee, args, result, line, ...(detail !== undefined ? { detail } : {}) });
  }

  everWaited(pi: number, vi: number): boolean {
    return this.st.waited.includes(`${pi}:${vi}`);
  }
  markWaited(pi: number, vi: number): void {
    if (!this.everWaited(pi, vi)) this.st.waited.push(`${pi}:${vi}`);
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





  // ---- memory helpers (the SPMC's own stores and table updates) ------------------------

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

  // ---- partition aborts ---------------------------------------------------------------

  /** Carry out an abort's outcome: the caller resumes with the error, the next partition boots, or the PE stops. */
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

  /**
   * Abort the partition running on `pe` (FF-A v1.2 "Partition abort"; Hafnium
   * api_abort): whoever called it gets FFA_ERROR(ABORTED); a partition that
   * aborts while booting lets the next one boot.
   */
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

  // ---- queries (views, the engine's call chain) -----------------------------------------

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

  /** Which endpoint runs on a PE (views: "PE 0: SP 0x8001 (optee) vCPU 0"). */
  currentEndpoint(peId: number): { id: number; name: string; secure: boolean } {
    if (this.st.pes[peId].userSpmc?.running) return { id: HAFNIUM_IDS.SPMC, name: `SPMC ${hex(HAFNIUM_IDS.SPMC, 4)} (scenario code at S-EL2)`, secure: true };
    const cur = this.st.pes[peId].current;
    return { id: this.endpointId(cur), name: this.endpointName(cur), secure: cur.kind === 'sp' };
  }

  // ---- checkpoints ---------------------------------------------------------------------

  snapshot(): unknown {
    return structuredClone({ st: this.st, scr: this.scrNwd });
  }

  restore(s: unknown): void {
    const c = structuredClone(s) as { st: FirmwareState; scr: bigint[] };
    this.st = c.st;
    this.scrNwd = c.scr;
  }
}
