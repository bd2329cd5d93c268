/**
 * The machine: PEs, memory system, MMU, scenario events — advanced one
 * *action* at a time (DESIGN.md "The machine"). `step()` asks the policy to
 * choose among `enabledActions()`; `run()` is the fast path for the default
 * round-robin policy and does exactly what repeated `step()` would, without
 * allocating an action per step.
 *
 * Determinism: every choice goes through the policy and the seeded PRNG, so
 * the same scenario + options + seed gives the same run step for step; time
 * travel (`goToStep`) restores a checkpoint and replays.
 */
import { CacheHierarchy, createCacheHierarchy } from '../cache';
import { cacheIdRegisters } from '../cache/idRegisters';
import { attachCheckers } from '../checks';
import { createFirmware, type Firmware } from '../firmware';
import { NORMAL_NC } from '../memory/attributes';
import { FlatMemorySystem, type AccessObserver } from '../memory/flat';
import { PhysicalMemory } from '../memory/physical';
import type { MemorySystem } from '../memory/system';
import type { Mmu } from '../mmu/types';
import { MmuDomain, VmsaMmu } from '../mmu/vmsa';
import type { ExceptionRecord } from '../pe/exception';
import { wakeupPending } from '../pe/interrupts';
import { Pe, type PeEnvironment } from '../pe/pe';
import type { EventDecl, ExceptionLevel, ScenarioModel } from '../scenario/model';
import { TraceBus } from '../trace/bus';
import type { FaultRecord, Finding } from '../trace/events';
import type { Action, ActionSource, Policy } from './actions';
import { Platform } from './devices';
import type { Gic } from '../gic/gic';
import type { SystemModel } from '../pe/system';
import { applyPeInit, declsFor } from './init';
import { createSystemOps, resetPe, runPe, stepPe } from './peCore';
import { RoundRobinPolicy } from './policy';
import { prepareModel } from './prepare';
import { evaluateCondition } from './evaluate';
import { Prng } from './prng';
import { InstrIndex } from './program';
import { componentHash, hashPe, isSnapshottable, restorePe, snapshotPe, StateHasher, type PeSnapshot, type Snapshottable } from './snapshot';

export interface MachineOptions {
  cacheModel?: 'on' | 'off';
  speculation?: 'none' | 'adversarial';
  /** Step budget for `run()` (default: the scenario's `max_steps`). */
  maxSteps?: number;
  seed?: number;
  policy?: Policy;
  /** Attach the architectural checkers (default true). */
  checkers?: boolean;
  /** Take a checkpoint every K steps for time travel (0 or absent: only the step-0 checkpoint). */
  checkpointInterval?: number;
  /** Build the memory system; default: the cache hierarchy with `cache_model on`, flat memory otherwise. */
  memorySystem?: (ctx: ComponentContext) => MemorySystem;
  /** Build the MMU; default: the VMSAv8-64 MMU of simulator/mmu. */
  mmu?: (ctx: ComponentContext) => Mmu;
}

/** What component factories get to build themselves. */
export interface ComponentContext {
  model: ScenarioModel;
  physical: PhysicalMemory;
  trace: TraceBus;
  options: Readonly<ResolvedOptions>;
  /** The machine's seeded generator: components draw every random choice from it (checkpoints capture it). */
  prng: Prng;
  /** Current machine step (for trace events components emit). */
  step(): number;
  /** Memory-mapped device models to map (declared devices, GIC frames): set by the machine from its Platform. */
  mmio?: import('../devices/platform').MmioRegion[];
  /** Every MMIO address range (never cached), including declared devices without a model. */
  mmioRanges?: { base: number; size: number }[];
}

export interface ResolvedOptions {
  cacheModel: 'on' | 'off';
  speculation: 'none' | 'adversarial';
  maxSteps: number;
  seed: number;
  checkpointInterval: number;
}

export type StopKind = 'halted' | 'waiting' | 'budget' | 'checker' | 'step-limit';

export interface StopInfo {
  kind: StopKind;
  reason: string;
}

interface EventState {
  decl: EventDecl;
  /** For step triggers: the next step at which it is due. */
  nextStep: number;
  /** For reach triggers: target PC (sign-extended VA form) and the PE. */
  reachPe: number;
  reachPc: number;
  /** PE instret when a reach event last fired (fires once per arrival). */
  lastInstret: number;
  fired: number;
  done: boolean;
  /** Condition triggers: fired and the condition has not been false since (fires on becoming true). */
  armedOff: boolean;
}

interface MachineSnapshot {
  steps: number;
  rr: number;
  pes: PeSnapshot[];
  events: { nextStep: number; lastInstret: number; fired: number; done: boolean; armedOff: boolean }[];
  prng: number[];
  /** Shallow copies: records are immutable, and a forward restore needs the ones after the current step. */
  exceptions: FaultRecord[];
  faults: FaultRecord[];
  findings: Finding[];
  stop?: StopInfo;
  components: unknown[];
}

interface Checkpoint {
  step: number;
  snap: MachineSnapshot;
}

export class Machine {
  readonly model: ScenarioModel;
  readonly options: ResolvedOptions;
  readonly pes: Pe[] = [];
  readonly physical: PhysicalMemory;
  readonly memory: MemorySystem;
  readonly mmu: Mmu;
  readonly trace = new TraceBus();
  readonly prng: Prng;
  /** Every exception taken (faults, traps, calls, interrupts), in order. */
  readonly exceptions: FaultRecord[] = [];
  /** The exceptions that are faults (they have a fault kind). */
  readonly faults: FaultRecord[] = [];
  readonly findings: Finding[] = [];
  /** Components that contribute actions (store buffers, caches, GIC). */
  readonly sources: ActionSource[] = [];
  /** GICv3, UARTs and Generic Timer (simulator/devices/platform.ts). */
  readonly platform: Platform;
  /** The interrupt controller (also the firmware's SecureInterruptController). */
  readonly gic: Gic;
  /** Components whose state checkpoints capture (the memory system and MMU when they implement it). */
  readonly snapshottables: Snapshottable[] = [];
  policy: Policy;
  /** Built-in firmware (EL3 monitor, SPMC) when the scenario declares firmware blocks (simulator/firmware, issue #4). */
  readonly firmware: Firmware | undefined;

  /** Actions applied so far. */
  steps = 0;
  /** Set when the run is over (budget, all PEs stopped, checker). */
  stopInfo: StopInfo | undefined;

  private readonly instrs: InstrIndex;
  private readonly events: EventState[] = [];
  /** Per PE: reach-event target PCs (empty when none: the fast path skips the check). */
  private readonly reachPcs: number[][] = [];
  private hasReach = false;
  /** Some event has a `condition` trigger: it is checked before every step (the general path). */
  private hasCondition = false;
  /** Round-robin pointer: the PE the default policy considers first. */
  private rr = 0;
  private checkpoints: Checkpoint[] = [];
  /** Actions applied by callers instead of the policy, by the step at which they were applied (replayed by goToStep). */
  private choices = new Map<number, Action>();
  private nextCheckpoint = Infinity;
  private stopRequest: string | undefined;
  private pauseRequest: string | undefined;
  /** Set by requestStop/requestPause: the fast loops (and `runPe`, through `StepClock`) check this one field. */
  interrupted = false;
  private inRun = false;
  /** Why the last `run()` returned early (requestPause), if it did. */
  pauseReason: string | undefined;

  static create(model: ScenarioModel, options: MachineOptions = {}): Machine {
    return new Machine(model, options);
  }

  private constructor(model: ScenarioModel, opts: MachineOptions) {
    this.model = model;
    const sys = model.system;
    this.options = {
      cacheModel: opts.cacheModel ?? sys.cacheModel,
      speculation: opts.speculation ?? sys.speculation,
      maxSteps: opts.maxSteps ?? sys.maxSteps,
      seed: opts.seed ?? sys.seed,
      checkpointInterval: opts.checkpointInterval ?? 0,
    };
    this.prng = new Prng(this.options.seed);
    this.policy = opts.policy ?? new RoundRobinPolicy();
    this.physical = new PhysicalMemory();
    const ctx: ComponentContext = {
      model,
      physical: this.physical,
      trace: this.trace,
      options: this.options,
      prng: this.prng,
      step: () => this.steps,
    };
    // The platform (issue #4): GICv3, declared devices (UART) and the Generic Timer; its MMIO regions go into the memory system.
    this.platform = new Platform(model);
    this.gic = this.platform.gic;
    ctx.mmio = this.platform.mmio;
    ctx.mmioRanges = this.platform.mmioRanges;
    // `cache_model on`: the cache hierarchy (simulator/cache); off: flat coherent memory.
    this.memory = opts.memorySystem
      ? opts.memorySystem(ctx)
      : this.options.cacheModel === 'on'
        ? createCacheHierarchy(ctx)
        : this.flatMemory();
    // VMSAv8-64 translation (simulator/mmu): with every MMU off it is the identity with the D8.2.11 attributes.
    this.mmu = opts.mmu ? opts.mmu(ctx) : new VmsaMmu(new MmuDomain());
    for (const c of [this.memory, this.mmu, (this.mmu as { domain?: unknown }).domain]) if (isSnapshottable(c)) this.snapshottables.push(c);
    this.wireMemoryTrace();
    this.wireInterruptTrace();

    // Program image: memory chunks (data, literal pools, encodings, built page tables) and the instruction index.
    prepareModel(model);
    for (const chunk of model.program.chunks) this.physical.writeBytes(chunk.address, chunk.bytes);
    this.instrs = new InstrIndex(model.program.instrs);

    const sysOps = createSystemOps();
    // Cache discovery (set/way loops) sees the configured hierarchy: CLIDR_EL1 at reset, CCSIDR_EL1 by CSSELR_EL1 (Arm ARM D24.2).
    const cacheIds = this.memory instanceof CacheHierarchy ? cacheIdRegisters(this.memory.config) : undefined;
    const ccsidrOf = (pe: Pe): bigint => cacheIds?.ccsidr.get(Number(pe.readSysreg('CSSELR_EL1') & 0xfn)) ?? 0n;
    if (cacheIds !== undefined) {
      // MRS reads the selected cache's geometry; the stored value follows CSSELR_EL1 too, for views and expectations.
      (sysOps as SystemModel).setSysregHandler('CCSIDR_EL1', { read: ccsidrOf });
      (sysOps as SystemModel).setSysregHandler('CSSELR_EL1', {
        write: (pe, v) => {
          pe.writeSysreg('CSSELR_EL1', v);
          pe.writeSysreg('CCSIDR_EL1', ccsidrOf(pe));
        },
      });
    }
    const instrs = this.instrs;
    const memory = this.memory;
    for (let id = 0; id < sys.pes; id++) {
      const env: PeEnvironment = {
        mmu: this.mmu,
        memory,
        sys: sysOps,
        // The instruction side of the memory system when it models one (I-cache: may be stale), else the program.
        // (Each PE remembers what it fetched at which PC, `Pe.fetchPc`: source lines of VAs without translating again.)
        fetchInstr: memory.fetchInstr ? (pa, pe) => memory.fetchInstr!(pe, pa, pe.tAttrs) : (pa) => instrs.get(pa),
        instructionGeneration: memory.instructionGeneration !== undefined ? () => memory.instructionGeneration ?? 0 : undefined,
        onException: (pe, info) => {
          // The PE's EL (and maybe Security state) changed: the GIC re-picks IRQ vs FIQ for what it signals.
          this.platform.peStateChanged(pe);
          this.recordException(pe, info);
        },
        onExceptionReturn: (pe) => this.platform.peStateChanged(pe),
        // MSR writes become `sysreg-write` events (the checkers' ISB and MMU-off rules) only while someone listens.
        onSysregWrite: (pe, register, value) => {
          if (register === 'SCR_EL3') this.platform.peStateChanged(pe);
          if (this.trace.wants['sysreg-write'])
            this.trace.emit({ kind: 'sysreg-write', step: this.steps + 1, pe: pe.id, register, value, line: this.lineOfPc(pe.pc, pe.id) });
        },
        // SEV: the event register of every PE in the system (Arm ARM D1.6.1).
        onSendEvent: () => {
          for (const p of this.pes) p.eventRegister = 1;
        },
      };
      const pe = new Pe(id, env);
      const decls = declsFor(model, id);
      const el = decls.reduce<ExceptionLevel | undefined>((acc, d) => d.el ?? acc, undefined);
      const security = decls.reduce<string | undefined>((acc, d) => d.security ?? acc, undefined);
      resetPe(pe, { cluster: sys.clusterOf[id] ?? 0, aff0: indexInCluster(sys.clusterOf, id), el: el ?? 1, secure: security === 'secure' });
      // Before the scenario's own register values, which may still override it.
      if (cacheIds !== undefined) pe.writeSysreg('CLIDR_EL1', cacheIds.CLIDR_EL1);
      applyPeInit(pe, model);
      if (cacheIds !== undefined) pe.writeSysreg('CCSIDR_EL1', ccsidrOf(pe));
      this.pes.push(pe);
      this.reachPcs.push([]);
    }

    // Global exclusive monitor: a store by one PE clears the others' LDXR reservations (Arm ARM B2.9.3).
    (sysOps as SystemModel).setPes(this.pes);

    // The GIC drives the PEs' IRQ/FIQ lines; ICC_* and timer registers reach the platform; the system counter is the step count.
    this.platform.attach(this.pes, sysOps as SystemModel, () => this.steps);
    this.snapshottables.push(this.platform);

    model.events.forEach((decl) => {
      const st: EventState = { decl, nextStep: Infinity, reachPe: -1, reachPc: NaN, lastInstret: -1, fired: 0, done: false, armedOff: false };
      if (decl.trigger.kind === 'step') st.nextStep = decl.trigger.step;
      else if (decl.trigger.kind === 'condition') this.hasCondition = true;
      else if (decl.trigger.target.value !== undefined && decl.trigger.pe < this.pes.length) {
        st.reachPe = decl.trigger.pe;
        st.reachPc = Number(BigInt.asIntN(64, decl.trigger.target.value));
        this.reachPcs[st.reachPe].push(st.reachPc);
        this.hasReach = true;
      } else st.done = true;
      this.events.push(st);
    });

    // Built-in firmware (issue #4): boots the partitions on the PEs that run a Normal world; snapshotted like any component.
    this.firmware = createFirmware(this);
    if (this.firmware) this.snapshottables.push(this.firmware);

    // The architectural checkers (simulator/checks) join before the first checkpoint: their state is part of it.
    if (opts.checkers !== false) attachCheckers(this);
    this.trace.sealInternal();

    this.checkpoints.push({ step: 0, snap: this.snapshot() });
    this.nextCheckpoint = this.options.checkpointInterval > 0 ? this.options.checkpointInterval : Infinity;
  }

  private flatMemory(): MemorySystem {
    const m = new FlatMemorySystem(this.physical);
    for (const r of this.platform.mmio) m.mapDevice(r.base, r.size, r.device);
    return m;
  }

  /** Turn the GIC's observations into `interrupt` trace events only while someone listens. */
  private wireInterruptTrace(): void {
    const bus = this.trace;
    const gic = this.gic;
    bus.onWantsChange((kind) => {
      if (kind !== 'interrupt') return;
      gic.observer = bus.wants.interrupt
        ? (what, intid, pe) => {
            const p = pe === undefined ? undefined : this.pes[pe];
            bus.emit({
              kind: 'interrupt',
              step: this.steps + 1,
              pe,
              intid,
              what,
              group: gic.groupOf(intid, pe ?? 0),
              priority: gic.priorityOf(intid, pe ?? 0),
              line: p === undefined || what === 'pending' ? undefined : this.lineOfPc(p.pc, p.id),
            });
          }
        : undefined;
    });
  }

  /**
   * Turn memory-system observations into `memory-access` events only while
   * someone listens (flat memory: `observer`; cache hierarchy: `accessObserver`,
   * one report per access with the value loaded or stored). Nobody listening:
   * no observer is installed and the hot path pays one undefined check.
   */
  private wireMemoryTrace(): void {
    const mem = this.memory;
    if (!(mem instanceof FlatMemorySystem) && !(mem instanceof CacheHierarchy)) return;
    const bus = this.trace;
    bus.onWantsChange((kind) => {
      if (kind !== 'memory-access') return;
      const obs: AccessObserver | undefined = bus.wants['memory-access']
        ? (pe, pa, size, write, lo, hi, attrs) =>
            bus.emit({ kind: 'memory-access', step: this.steps + 1, pe: pe?.id, pa, size, write, lo, hi, attrs: attrs.label })
        : undefined;
      if (mem instanceof FlatMemorySystem) mem.observer = obs;
      else mem.accessObserver = obs;
    });
  }

  // ---- services for the system model and checkers -------------------------

  /**
   * Record an exception the system model took (`PeEnvironment.onException`).
   * Every exception goes to `exceptions`; those with a fault classification
   * (aborts, undefined instructions, alignment…) also to `faults`.
   */
  private recordException(pe: Pe, info: ExceptionRecord): void {
    const rec: FaultRecord = {
      pe: pe.id,
      kind: info.fault,
      el: info.toEl as ExceptionLevel,
      fromEl: info.fromEl as ExceptionLevel,
      // ESR as an unsigned value (a 32-bit result may arrive as a negative int32; ISS2 sits above bit 31).
      esr: (info.esr ?? 0) < 0 ? BigInt((info.esr ?? 0) >>> 0) : BigInt(info.esr ?? 0),
      far: info.far !== undefined ? BigInt.asUintN(64, BigInt(info.far)) : undefined,
      stage: info.stage,
      level: info.level,
      va: info.far !== undefined ? BigInt.asUintN(64, BigInt(info.far)) : undefined,
      ipa: info.ipa !== undefined ? BigInt(info.ipa) : undefined,
      pa: info.pa !== undefined ? BigInt(info.pa) : undefined,
      pc: BigInt.asUintN(64, BigInt(info.pc)),
      line: this.lineOfPc(info.pc, pe.id),
      step: this.steps + 1,
      reason: info.reason,
      type: info.type,
      handled: info.handled,
    };
    this.exceptions.push(rec);
    if (info.fault !== undefined) this.faults.push(rec);
    if (this.trace.wants.exception) this.trace.emit({ kind: 'exception', step: rec.step, fault: rec });
  }

  /** A checker reports a finding. */
  addFinding(f: Finding): void {
    const finding = { ...f, step: f.step ?? this.steps };
    this.findings.push(finding);
    if (this.trace.wants.finding) this.trace.emit({ kind: 'finding', step: this.steps, finding });
  }

  /** A checker asks the run to stop (e.g. livelock detected): the run is over. */
  requestStop(reason: string): void {
    this.stopRequest = reason;
    this.interrupted = true;
  }

  /**
   * Ask `run()` to return after the current step without ending the run
   * (a debugger's breakpoint hit, seen from a trace listener). `pauseReason`
   * tells why; the next `run()` continues.
   */
  requestPause(reason: string): void {
    this.pauseRequest = reason;
    this.interrupted = true;
  }

  /**
   * Source line of the instruction at a PC. With `pe`, the instruction that
   * PE last fetched at that PC (right whatever the translation); otherwise, or
   * when it has not fetched there, the code placed at that address (VA = PA).
   */
  lineOfPc(pc: number, pe?: number): number | undefined {
    const p = pe === undefined ? undefined : this.pes[pe];
    if (p !== undefined && p.fetchPc === pc) {
      const line = p.fetchInstr?.line;
      if (line !== undefined) return line;
    }
    if (pc < 0) return undefined;
    return this.instrs.get(pc)?.line ?? this.model.program.lineOf.get(pc);
  }

  /** Instruction at a physical address (views, disassembly). */
  instrAt(pa: number): ReturnType<InstrIndex['get']> {
    return this.instrs.get(pa);
  }

  /**
   * A scenario `irq INTID [pe N]` event: the interrupt becomes pending at the
   * GIC (an edge on its input). For an SGI or PPI, `peId` selects the
   * redistributor; an SPI goes where GICD_IROUTER routes it (`peId` unused).
   * Whether and how the PE takes it is the GIC's business (enables, groups,
   * priorities, PMR) and then the PE's exception routing.
   */
  deliverIrq(peId: number, intid: number): void {
    this.gic.raise(intid, peId);
  }

  // ---- actions ------------------------------------------------------------

  /** The PE the round-robin policy considers first. */
  roundRobinNext(): number {
    return this.rr;
  }

  /** Every PE waits and a timer is armed: the clock jumps to its deadline, whose output then rises (a GIC input). */
  private timePasses(deadline: number): Action {
    const source: ActionSource = {
      name: 'timer',
      enabledActions: () => undefined,
      // applyAction counts this action as the step that reaches the deadline; the next step() ticks the timer.
      apply: (m) => void (m.steps = Math.max(m.steps, deadline - 1)),
    };
    return { kind: 'component', source, name: 'timer', label: `time passes to step ${deadline} (Generic Timer deadline)`, eager: true };
  }

  /** Everything that could happen next, in a stable order: due events, component actions, PE steps. */
  enabledActions(): Action[] {
    const out: Action[] = [];
    if (this.stopInfo) return out;
    for (let i = 0; i < this.events.length; i++) if (this.eventDue(this.events[i])) out.push({ kind: 'event', index: i });
    for (const s of this.sources) s.enabledActions(this, out);
    let anyPe = false;
    for (const pe of this.pes) {
      if (canStep(pe)) {
        out.push({ kind: 'pe-step', pe: pe.id });
        anyPe = true;
      }
    }
    if (!anyPe && out.length === 0 && this.pes.some((p) => p.state === 'wfi' || p.state === 'wfe')) {
      // Nothing can run but a PE waits: time passes to the next step-triggered event, if it is within
      // the budget (once every PE has stopped, the run is over whatever events remain).
      const next = this.nextTimedEvent();
      // A Generic Timer that will fire first: time passes to its deadline (the system counter is the step count).
      const deadline = this.platform.nextDeadline();
      if (deadline < this.options.maxSteps && (next < 0 || deadline < this.events[next].nextStep)) out.push(this.timePasses(deadline));
      else if (next >= 0 && this.events[next].nextStep < this.options.maxSteps) out.push({ kind: 'event', index: next });
    }
    return out;
  }

  /**
   * Apply an action chosen by the caller (debug adapter, exploration) rather
   * than the policy. The choice is logged so time travel replays it, and
   * whatever was recorded beyond this step (checkpoints, later choices) is
   * dropped: the future may now differ.
   */
  apply(action: Action): void {
    this.invalidateFuture();
    this.choices.set(this.steps, action);
    this.applyAction(action);
  }

  /**
   * Forget checkpoints and logged choices after the current step. Call after
   * changing state from outside (e.g. a debugger writing a register).
   */
  invalidateFuture(): void {
    for (const k of [...this.choices.keys()]) if (k >= this.steps) this.choices.delete(k);
    while (this.checkpoints.length > 1 && this.checkpoints[this.checkpoints.length - 1].step > this.steps) this.checkpoints.pop();
  }

  private applyAction(action: Action): void {
    switch (action.kind) {
      case 'pe-step':
        this.stepOne(this.pes[action.pe]);
        this.rr = (action.pe + 1) % this.pes.length;
        return;
      case 'event':
        this.fireEvent(action.index);
        return;
      case 'component':
        action.source.apply(this, action);
        this.steps++;
        return;
    }
  }

  /** One action chosen by the policy. Returns false (and sets stopInfo) when the run is over. */
  step(): boolean {
    if (this.stopInfo) return false;
    if (this.checkStop()) return false;
    if (this.steps >= this.nextCheckpoint) this.takeCheckpoint();
    if (this.steps >= this.platform.nextDeadline()) this.platform.tick();
    const enabled = this.enabledActions();
    if (enabled.length === 0) {
      this.finishIdle();
      return false;
    }
    this.applyAction(enabled.length === 1 ? enabled[0] : this.policy.choose(enabled, this));
    if (this.pauseRequest !== undefined && this.stopRequest === undefined && !this.inRun) {
      // A single step is paused afterwards anyway: consume the request so the next run() continues.
      this.pauseReason = this.pauseRequest;
      this.pauseRequest = undefined;
      this.interrupted = false;
    }
    return true;
  }

  /**
   * Run until the run is over or `maxSteps` more steps (default: the step
   * budget) were taken. Same result as repeated `step()` with the round-robin
   * policy; falls back to `step()` whenever something other than a plain PE
   * step is enabled.
   */
  run(maxSteps?: number): StopInfo | undefined {
    const budget = this.options.maxSteps;
    const limitAll = maxSteps === undefined ? budget : Math.min(budget, this.steps + maxSteps);
    this.pauseReason = undefined;
    this.inRun = true;
    try {
      return this.runLoop(limitAll, budget);
    } finally {
      this.inRun = false;
    }
  }

  private runLoop(limitAll: number, budget: number): StopInfo | undefined {
    const fast = this.policy instanceof RoundRobinPolicy;
    const pes = this.pes;
    const n = pes.length;
    while (this.stopInfo === undefined) {
      if (this.pauseRequest !== undefined && this.stopRequest === undefined) {
        this.pauseReason = this.pauseRequest;
        this.pauseRequest = undefined;
        this.interrupted = false;
        break;
      }
      if (this.steps >= limitAll) {
        if (this.steps >= budget) {
          if (this.enabledActions().length === 0) this.finishIdle();
          else this.stopInfo = { kind: 'budget', reason: `stopped: step budget of ${budget} exhausted` };
        }
        break;
      }
      // A Generic Timer output rises at this step (simulator/devices/timer.ts): drive its PPI before anything runs.
      if (this.steps >= this.platform.nextDeadline()) this.platform.tick();
      if (!fast || this.sources.length > 0 || this.trace.wants.instruction || this.interrupted || this.hasCondition) {
        if (!this.step()) break;
        continue;
      }
      if (this.steps >= this.nextCheckpoint) this.takeCheckpoint();
      if (this.anyEventDue()) {
        if (!this.step()) break;
        continue;
      }
      const pe = pes[this.rr];
      if (n === 1 && pe.state !== 'running') {
        // Waking, skipping stopped PEs, idle time and the end of the run: the general path.
        if (!this.step()) break;
        continue;
      }
      // Plain PE steps until something else could become enabled.
      const limit = Math.min(limitAll, this.nextCheckpoint, this.nextTimedStep(), this.platform.nextDeadline());
      const wantsHalted = this.trace.wants.halted;
      const platform = this.platform;
      if (n === 1 && !this.hasReach) {
        // (platform.deadline: an MSR to a timer register may arm a timer during this loop.)
        // The block engine (pe/block.ts): the same steps as stepPe one at a time, with the fetch work done per block.
        while (this.steps < limit && this.steps < platform.deadline && pe.state === 'running' && !this.interrupted) {
          runPe(pe, this, Math.min(limit, platform.deadline));
        }
        if (isHalted(pe) && wantsHalted) this.emitHalted(pe);
        continue;
      }
      // Several PEs (or reach events): round-robin while the next PE runs.
      const reach = this.hasReach ? this.reachPcs : undefined;
      const before = this.steps;
      let rr = this.rr;
      while (this.steps < limit && this.steps < platform.deadline && !this.interrupted) {
        let p = pes[rr];
        if (p.state !== 'running') {
          // As the policy does: the nearest PE after rr that can step; one that must wake goes through step().
          if (canStep(p)) break;
          let found = -1;
          for (let k = 1, j = rr; k < n; k++) {
            j = j + 1 === n ? 0 : j + 1;
            const q = pes[j];
            if (q.state === 'running') {
              found = j;
              break;
            }
            if (canStep(q)) break;
          }
          if (found < 0) break;
          rr = found;
          p = pes[rr];
        }
        stepPe(p);
        this.steps++;
        rr = rr + 1 === n ? 0 : rr + 1;
        if (isHalted(p) && wantsHalted) this.emitHalted(p);
        if (reach !== undefined && reach[p.id].length > 0 && reach[p.id].includes(p.pc)) break;
      }
      this.rr = rr;
      // No PE could step here (waking, idle time, the end of the run): the general path decides.
      if (this.steps === before && !this.step()) break;
    }
    return this.stopInfo;
  }

  /** Execute one instruction on `pe` (waking it first when it waits and may wake). */
  private stepOne(pe: Pe): void {
    const pc = pe.pc;
    const wants = this.trace.wants.instruction;
    if (wants) pe.fetchPc = NaN;
    stepPe(pe);
    this.steps++;
    // Retired (or faulted) this step: the instruction the PE fetched at `pc` — none when it took an interrupt instead.
    const instr = wants && pe.fetchPc === pc ? pe.fetchInstr : undefined;
    if (instr !== undefined) this.trace.emit({ kind: 'instruction', step: this.steps, pe: pe.id, pc, line: instr.line, text: instr.text });
    if (pe.state === 'halted' && this.trace.wants.halted) this.emitHalted(pe);
  }

  private emitHalted(pe: Pe): void {
    this.trace.emit({ kind: 'halted', step: this.steps, pe: pe.id, reason: pe.stopReason ?? 'halted' });
  }

  private checkStop(): boolean {
    if (this.stopRequest !== undefined) {
      this.stopInfo = { kind: 'checker', reason: this.stopRequest };
      return true;
    }
    if (this.steps >= this.options.maxSteps && this.enabledActions().length > 0) {
      this.stopInfo = { kind: 'budget', reason: `stopped: step budget of ${this.options.maxSteps} exhausted` };
      return true;
    }
    return false;
  }

  private finishIdle(): void {
    const waiting = this.pes.filter((p) => p.state === 'wfi' || p.state === 'wfe');
    if (waiting.length > 0) {
      this.stopInfo = {
        kind: 'waiting',
        reason: `stopped: ${waiting.map((p) => `PE ${p.id}`).join(', ')} waiting (${waiting.map((p) => p.state.toUpperCase()).join(', ')}) with nothing pending`,
      };
    } else this.stopInfo = { kind: 'halted', reason: 'all PEs stopped' };
  }

  // ---- scenario events ----------------------------------------------------

  private eventDue(ev: EventState): boolean {
    if (ev.done) return false;
    // Once every PE has stopped the run is over: a (repeating) step event does not keep it alive.
    if (ev.decl.trigger.kind === 'step') return this.steps >= ev.nextStep && !this.allPesHalted();
    if (ev.decl.trigger.kind === 'condition') return this.conditionDue(ev, ev.decl.trigger.condition);
    const pe = this.pes[ev.reachPe];
    return pe.pc === ev.reachPc && pe.instret !== ev.lastInstret && pe.state !== 'halted';
  }

  /**
   * A `condition` trigger is due when its condition holds and has not held
   * continuously since it last fired (it fires on becoming true). A condition
   * that cannot be evaluated (e.g. `mem[X]` of an unknown symbol) is false.
   */
  private conditionDue(ev: EventState, condition: string): boolean {
    if (this.allPesHalted()) return false;
    let held: boolean;
    try {
      held = evaluateCondition(this, condition);
    } catch {
      held = false;
    }
    if (!held) ev.armedOff = false;
    return held && !ev.armedOff;
  }

  private allPesHalted(): boolean {
    for (const pe of this.pes) if (pe.state !== 'halted') return false;
    return true;
  }

  private anyEventDue(): boolean {
    for (const ev of this.events) if (this.eventDue(ev)) return true;
    return false;
  }

  private nextTimedStep(): number {
    let next = Infinity;
    for (const ev of this.events) if (!ev.done && ev.decl.trigger.kind === 'step' && ev.nextStep < next) next = ev.nextStep;
    return next;
  }

  private nextTimedEvent(): number {
    let best = -1;
    for (let i = 0; i < this.events.length; i++) {
      const ev = this.events[i];
      if (ev.done || ev.decl.trigger.kind !== 'step') continue;
      if (best < 0 || ev.nextStep < this.events[best].nextStep) best = i;
    }
    return best;
  }

  private fireEvent(index: number): void {
    const ev = this.events[index];
    const decl = ev.decl;
    ev.fired++;
    // Fired while every PE waits: the steps until it was due pass with nothing to do.
    if (decl.trigger.kind === 'step' && this.steps < ev.nextStep) this.steps = ev.nextStep;
    if (decl.trigger.kind === 'step') {
      const period = decl.trigger.step;
      // Due again at the next multiple of the period — but never at the very next step (the firing is itself
      // a step): `every when step 1` alternates with the PEs instead of starving them.
      if (decl.repeat && period > 0) ev.nextStep = Math.max(ev.nextStep + period, this.steps + 2);
      else ev.done = true;
    } else if (decl.trigger.kind === 'condition') {
      ev.armedOff = true;
      if (!decl.repeat) ev.done = true;
    } else {
      ev.lastInstret = this.pes[ev.reachPe].instret;
      if (!decl.repeat) ev.done = true;
    }
    this.steps++;
    const a = decl.action;
    let description: string;
    switch (a.kind) {
      case 'irq': {
        const target = a.pe ?? 0;
        this.deliverIrq(target, a.intid);
        description = `IRQ ${a.intid} to PE ${target}`;
        break;
      }
      case 'write': {
        const addr = a.address.value ?? 0n;
        const v = BigInt.asUintN(64, a.value.value ?? 0n);
        // An agent outside the PEs (a DMA master, another OS) writing straight to memory.
        this.memory.write(undefined, Number(addr), a.size, Number(v & 0xffffffffn), Number(v >> 32n), NORMAL_NC);
        description = `write ${a.value.text} to [${a.address.text}] (${a.size} bytes)`;
        break;
      }
      case 'uart-input': {
        const uart = this.platform.uart(a.device);
        if (uart !== undefined) {
          uart.input(a.text);
          description = `${JSON.stringify(a.text)} arrives on ${uart.name}`;
        } else description = `uart input ignored: no UART${a.device !== undefined ? ` named '${a.device}'` : ''} is declared`;
        break;
      }
      case 'fill': {
        const fill = (this.memory as Partial<SpeculativeFill>).speculativeFill;
        const addr = Number(a.address.value ?? 0n);
        if (fill) {
          fill.call(this.memory, addr, a.cache);
          description = `speculative fill of [${a.address.text}] into ${a.cache}`;
        } else description = `fill of [${a.address.text}] ignored: caches are not modelled (cache_model off)`;
        break;
      }
    }
    if (this.trace.wants['event-fired']) this.trace.emit({ kind: 'event-fired', step: this.steps, index, line: decl.range.start.line, description });
  }

  // ---- checkpoints and time travel ------------------------------------------

  snapshot(): MachineSnapshot {
    return {
      steps: this.steps,
      rr: this.rr,
      pes: this.pes.map(snapshotPe),
      events: this.events.map((e) => ({ nextStep: e.nextStep, lastInstret: e.lastInstret, fired: e.fired, done: e.done, armedOff: e.armedOff })),
      prng: this.prng.state(),
      exceptions: this.exceptions.slice(),
      faults: this.faults.slice(),
      findings: this.findings.slice(),
      stop: this.stopInfo,
      components: this.snapshottables.map((c) => c.snapshot()),
    };
  }

  restore(s: MachineSnapshot): void {
    this.steps = s.steps;
    this.rr = s.rr;
    this.pes.forEach((pe, i) => {
      restorePe(pe, s.pes[i]);
      this.mmu.invalidateConfig?.(pe);
    });
    s.events.forEach((e, i) => Object.assign(this.events[i], e));
    this.prng.setState(s.prng);
    setContents(this.exceptions, s.exceptions);
    setContents(this.faults, s.faults);
    setContents(this.findings, s.findings);
    this.stopInfo = s.stop;
    this.stopRequest = undefined;
    this.pauseRequest = undefined;
    this.interrupted = false;
    this.snapshottables.forEach((c, i) => c.restore(s.components[i]));
    const k = this.options.checkpointInterval;
    this.nextCheckpoint = k > 0 ? (Math.floor(this.steps / k) + 1) * k : Infinity;
  }

  private takeCheckpoint(): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last.step < this.steps) this.checkpoints.push({ step: this.steps, snap: this.snapshot() });
    const k = this.options.checkpointInterval;
    this.nextCheckpoint = k > 0 ? (Math.floor(this.steps / k) + 1) * k : Infinity;
  }

  /** Steps of the checkpoints taken so far. */
  checkpointSteps(): number[] {
    return this.checkpoints.map((c) => c.step);
  }

  /**
   * Put the machine in the state it had after `target` steps: restore the
   * nearest checkpoint at or before it and replay (trace muted). Going forward
   * simply runs. Returns the step reached (less than `target` if the run ended first).
   */
  goToStep(target: number): number {
    // The latest checkpoint at or before the target; restoring it is worth it going back, and going
    // forward past it (checkpoints beyond the current step belong to this same history, else
    // invalidateFuture() would have dropped them).
    let cp = this.checkpoints[0];
    for (const c of this.checkpoints) if (c.step <= target && c.step >= cp.step) cp = c;
    if (target < this.steps || cp.step > this.steps) this.restore(cp.snap);
    if (target > this.steps) {
      this.trace.mute();
      try {
        this.replayTo(target);
      } finally {
        this.trace.unmute();
      }
    }
    return this.steps;
  }

  /** Run forward to `target`, applying logged caller choices at their steps and the policy elsewhere. */
  private replayTo(target: number): void {
    const logged = [...this.choices.keys()].filter((k) => k >= this.steps && k < target).sort((a, b) => a - b);
    for (const at of logged) {
      if (at > this.steps) this.run(at - this.steps);
      if (this.stopInfo !== undefined || this.steps !== at) return;
      this.applyAction(this.choices.get(at)!);
    }
    if (target > this.steps && this.stopInfo === undefined) this.run(target - this.steps);
  }

  /**
   * Fingerprint of the complete machine state: PEs, physical memory, events,
   * the PRNG, and every Snapshottable component (caches, TLBs, GIC, firmware,
   * checkers) — by its own `stateHash()` or else the structural hash of its snapshot.
   * Equal hashes mean the same future (exploration, determinism tests).
   */
  stateHash(): number {
    const h = new StateHasher();
    h.word(this.steps).word(this.rr);
    for (const pe of this.pes) hashPe(h, pe);
    for (const no of this.physical.pageNumbers()) h.num(no).bytes(this.physical.page(no * 4096, false)!);
    for (const e of this.events) h.num(e.fired).word((e.done ? 1 : 0) | (e.armedOff ? 2 : 0)).num(e.nextStep === Infinity ? -1 : e.nextStep).num(e.lastInstret);
    for (const w of this.prng.state()) h.num(w);
    for (const c of this.snapshottables) h.hash(componentHash(c));
    return h.value();
  }
}

/** Optional memory-system hook for `event … do fill ADDR cache NAME`. */
export interface SpeculativeFill {
  speculativeFill(pa: number, cache: string): void;
}

/** Replace an array's contents in place (others hold references to these arrays). */
function setContents<T>(target: T[], source: readonly T[]): void {
  target.length = source.length;
  for (let i = 0; i < source.length; i++) target[i] = source[i];
}

function indexInCluster(clusterOf: number[], id: number): number {
  let k = 0;
  for (let i = 0; i < id; i++) if (clusterOf[i] === clusterOf[id]) k++;
  return k;
}

/** After a step (TypeScript cannot see that stepping changed `state`). */
function isHalted(pe: Pe): boolean {
  return pe.state === 'halted';
}

/** A PE may take a step: it runs, or it waits and a wake-up event is pending (Arm ARM D1.6.1 WFE, D1.6.2 WFI). */
function canStep(pe: Pe): boolean {
  switch (pe.state) {
    case 'running':
      return true;
    case 'wfi':
      return wakeupPending(pe);
    case 'wfe':
      return pe.eventRegister !== 0 || wakeupPending(pe);
    default:
      return false;
  }
}
