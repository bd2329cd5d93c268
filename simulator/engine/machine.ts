/**
 * The machine (DESIGN.md "The machine"): PEs, memory system, MMU, platform,
 * firmware and checkers, assembled from an explicit component list
 * (components.ts) and advanced one *action* at a time. The parts of the
 * engine beside this wiring:
 *
 * - scheduler.ts — what is enabled, the policy's choice, `step()` and `run()`
 *   (one code path: a run is a sequence of steps);
 * - events.ts    — scenario events (when each is due, what firing does);
 * - history.ts   — checkpoints and time travel (`goToStep`);
 * - machineState.ts — capture, restore and fingerprint the whole state;
 * - trace.ts     — hooks bridged into trace events while front ends listen.
 *
 * Determinism: every choice goes through the policy and the seeded PRNG, so
 * the same scenario + options + seed gives the same run step for step; time
 * travel restores a checkpoint and replays.
 */
import type { Action, ActionSource } from '../component/actions';
import type { Component } from '../component/component';
import { isSnapshottable, type Snapshottable } from '../component/state';
import { parseCacheConfig } from '../cache/config';
import { ShareabilityDomains } from '../memory/shareability';
import { attachCheckers } from '../checks';
import { Platform, type MmioRegion } from '../devices/platform';
import { createFirmware, handleException, type Firmware } from '../firmware';
import type { FirmwareHooks } from '../firmware/firmware';
import type { Gic, GicHooks } from '../gic/gic';
import type { Instr } from '../isa/instr';
import type { MemoryHooks } from '../memory/hooks';
import { PhysicalMemory } from '../memory/physical';
import type { MemorySystem } from '../memory/system';
import { mmuHooks, type Mmu, type MmuHooks } from '../mmu/types';
import type { ExceptionRecord } from '../pe/exception';
import { peHooks, type PeHooks } from '../pe/hooks';
import type { Pe } from '../pe/pe';
import type { ExceptionLevel, ScenarioModel } from '../scenario/model';
import { TraceBus } from '../trace/bus';
import type { FaultRecord, Finding } from '../trace/events';
import { CacheHierarchy } from '../cache/hierarchy';
import type { CacheHooks } from '../cache/hooks';
import { MAX_STEPS_LIMIT } from '../scenario/limits';
import { RunBounds } from './bounds';
import { attachPlatform, buildMemorySystem, buildMmu, buildPes } from './components';
import { ScenarioEvents } from './events';
import { CountedState } from './countedState';
import { History } from './history';
import { hashMachine, type ExplorationHash, type MachineSnapshot } from './machineState';
import { installPauseConditions, type PauseConditions } from './pause';
import { stepPe } from './peCore';
import { RoundRobinPolicy, type Policy } from './policy';
import { prepareModel } from './prepare';
import { Prng } from './prng';
import { PromisingMemory } from './promising';
import { InstrIndex } from './program';
import { Scheduler } from './scheduler';
import { bridgeTrace } from './trace';

export interface MachineOptions {
  cacheModel?: 'on' | 'off';
  speculation?: 'none' | 'adversarial';
  /** Step budget for `run()` (default: the scenario's `max_steps`). */
  maxSteps?: number;
  seed?: number;
  policy?: Policy;
  /** Attach the architectural checkers (default true). */
  checkers?: boolean;
  /**
   * The system stays as configured for the whole run: the caller knows no instruction writes a translation
   * table descriptor or a system register, maintains a TLB, or reaches a device (e.g. a litmus test that names
   * no descriptor and runs no TLBI, MSR, SYS, DC, IC or AT: litmus/explore.ts). The TLBs then only cache the
   * fixed tables (a hit translates as a walk would) and the platform (GIC, Generic Timer, UARTs) never changes:
   * neither is state — both are left out of checkpoints and fingerprints, so the TLBs stay filled across
   * restores and nothing of the platform is captured or restored. Default false.
   */
  fixedSystem?: boolean;
  /**
   * Attach the platform to the PEs (default true): the GIC's CPU interfaces and the Generic Timer serve the ICC_* and
   * timer system registers, and drive the PEs' interrupt lines. false: the caller knows no instruction accesses a
   * system register (MRS, MSR, SYS) or waits for an interrupt (WFI, WFE) and the scenario declares no device,
   * interrupt or firmware — a litmus test (litmus/support.ts refuses all of them) — so nothing could observe them:
   * the platform is built (its GIC frames stay mapped) but not attached, and the PEs' interrupt lines stay low.
   */
  attachPlatform?: boolean;
  /** Take a checkpoint every K steps for time travel (0 or absent: only the step-0 checkpoint). */
  checkpointInterval?: number;
  /** Build the memory system; default: the cache hierarchy with `cache_model on`, flat memory otherwise. */
  memorySystem?: (ctx: ComponentContext) => MemorySystem;
  /** Build the MMU; default: the VMSAv8-64 MMU of simulator/mmu. */
  mmu?: (ctx: ComponentContext) => Mmu;
  /** Wall-clock limit of each `run()` call in ms (default: none); reaching it stops the run (`StopInfo.kind` 'timeout'). */
  timeoutMs?: number;
  /**
   * `promising`: Arm's concurrency model (promising.ts) serves the PEs' Normal-memory accesses, so reads may
   * take older writes (explore, `run --policy random`); default `sc`: every store is visible at once.
   */
  memoryModel?: 'sc' | 'promising';
  /** Under `promising`: translation table descriptors (PAs) the model holds from the build (`explore { descriptors … }`; engine/modelLocations.ts). */
  modelDescriptors?: readonly number[];
}

/** What component factories get to build themselves. */
export interface ComponentContext {
  model: ScenarioModel;
  physical: PhysicalMemory;
  options: Readonly<ResolvedOptions>;
  /** The machine's seeded generator: components draw every random choice from it (checkpoints capture it). */
  prng: Prng;
  /** Current machine step (for provenance components record). */
  step(): number;
  /** Memory-mapped device models to map (declared devices, GIC frames), from the machine's platform. */
  mmio: readonly MmioRegion[];
  /** Every MMIO address range (never cached), including declared devices without a model. */
  mmioRanges: readonly { base: number; size: number }[];
}

export interface ResolvedOptions {
  cacheModel: 'on' | 'off';
  speculation: 'none' | 'adversarial';
  maxSteps: number;
  seed: number;
  checkpointInterval: number;
}

/** `budget`: the step budget; `timeout`, `memory`: the run bounds of engine/bounds.ts. */
export type StopKind = 'halted' | 'waiting' | 'budget' | 'checker' | 'step-limit' | 'timeout' | 'memory';

export interface StopInfo {
  kind: StopKind;
  reason: string;
}

/** Every hook point of a machine, by the component that publishes it (docs/architecture.md "Hook points"). */
export interface MachineHooks {
  readonly pe: PeHooks;
  readonly memory: MemoryHooks;
  /** The MMU's, when it publishes any (the default VMSA MMU does). */
  readonly mmu: MmuHooks;
  readonly gic: GicHooks;
  /** The cache hierarchy's own (`cache_model on`). */
  readonly cache: CacheHooks | undefined;
  /** The built-in firmware's (scenarios with firmware blocks). */
  readonly firmware: FirmwareHooks | undefined;
}

export class Machine {
  readonly model: ScenarioModel;
  readonly options: ResolvedOptions;
  readonly pes: Pe[] = [];
  readonly physical: PhysicalMemory;
  readonly memory: MemorySystem;
  readonly mmu: Mmu;
  /** Shareability domains (the scenario's `caches { inner_domain }`): broadcast TLBI and the checkers' barrier completion use them. */
  readonly shareability: ShareabilityDomains;
  readonly trace = new TraceBus();
  readonly prng: Prng;
  readonly hooks: MachineHooks;
  /** The components, in the order they were built (components.ts). */
  readonly components: Component[] = [];
  /** The components' states, in component order (what checkpoints capture); `addComponent` adds to it. */
  readonly snapshottables: readonly Snapshottable[] = [];
  /** The components' choice points, in component order; `addComponent` adds to it. */
  readonly sources: readonly ActionSource[] = [];
  /** Every exception taken (faults, traps, calls, interrupts), in order. */
  readonly exceptions: FaultRecord[] = [];
  /** The exceptions that are faults (they have a fault kind). */
  readonly faults: FaultRecord[] = [];
  readonly findings: Finding[] = [];
  /** GICv3, UARTs and Generic Timer (simulator/devices/platform.ts). */
  readonly platform: Platform;
  /** The interrupt controller (also the firmware's SecureInterruptController). */
  readonly gic: Gic;
  /** Built-in firmware (EL3 monitor, SPMC) when the scenario declares firmware blocks. */
  readonly firmware: Firmware | undefined;
  readonly events: ScenarioEvents;
  readonly scheduler: Scheduler;
  readonly history: History;
  policy: Policy;
  /** Record caps, touched-memory and wall-clock bounds (engine/bounds.ts). */
  readonly bounds: RunBounds;
  /** Arm's concurrency model when the machine runs it (`MachineOptions.memoryModel`). */
  readonly memoryOrder: PromisingMemory | undefined;

  /** Actions applied so far. */
  steps = 0;
  /** Set when the run is over (budget, all PEs stopped, checker). */
  stopInfo: StopInfo | undefined;
  /** Why the last `run()` returned early (requestPause), if it did. */
  pauseReason: string | undefined;

  /**
   * A stop or pause was requested: the block engine (`runPe`, whose clock the machine is) returns after
   * the current step. Pause conditions (pause.ts) are examined here after each step it takes.
   */
  get interrupted(): boolean {
    const s = this.scheduler;
    return s.blockPe === undefined ? s.interrupted : s.afterBlockStep();
  }

  /** `interrupted` examines every step the block engine takes (pause conditions are installed): pe/block.ts `StepClock`. */
  get eachStep(): boolean {
    return this.scheduler.blockPe !== undefined;
  }

  private readonly instrs: InstrIndex;
  private removePause: (() => void) | undefined = undefined;
  private readonly firmwareState: CountedState | undefined;

  static create(model: ScenarioModel, options: MachineOptions = {}): Machine {
    return new Machine(model, options);
  }

  private constructor(model: ScenarioModel, opts: MachineOptions) {
    this.model = model;
    const sys = model.system;
    this.options = {
      cacheModel: opts.cacheModel ?? sys.cacheModel,
      speculation: opts.speculation ?? sys.speculation,
      // The documented maximum (docs/limits.md) whatever a caller asks for.
      maxSteps: Math.min(opts.maxSteps ?? sys.maxSteps, MAX_STEPS_LIMIT),
      seed: opts.seed ?? sys.seed,
      checkpointInterval: opts.checkpointInterval ?? 0,
    };
    this.prng = new Prng(this.options.seed);
    this.bounds = new RunBounds(opts.timeoutMs);
    this.policy = opts.policy ?? new RoundRobinPolicy();
    this.physical = new PhysicalMemory();

    // 1. The platform: GICv3, declared devices (UART) and the Generic Timer; its MMIO regions go into the memory system.
    this.platform = new Platform(model);
    this.gic = this.platform.gic;
    const ctx: ComponentContext = {
      model,
      physical: this.physical,
      options: this.options,
      prng: this.prng,
      step: () => this.steps,
      mmio: this.platform.mmio,
      mmioRanges: this.platform.mmioRanges,
    };
    // 2. The memory system, 3. the MMU.
    this.memory = buildMemorySystem(ctx, opts.memorySystem);
    // Shareability domains (the scenario's `caches { inner_domain }`): broadcast TLBI and the checkers' barrier completion.
    this.shareability = new ShareabilityDomains(sys.pes, parseCacheConfig(sys, model.blocks).innerDomain);
    this.mmu = buildMmu(ctx, opts.mmu, this.shareability);
    const pe = peHooks();
    this.addComponent({ name: 'memory system', state: isSnapshottable(this.memory) ? this.memory : undefined });
    const domain = (this.mmu as { domain?: unknown }).domain;
    this.addComponent({ name: 'MMU', state: isSnapshottable(domain) && opts.fixedSystem !== true ? domain : undefined });
    this.addComponent({ name: 'run bounds', state: this.bounds });

    // Program image: memory chunks (data, literal pools, encodings, built page tables) and the instruction index.
    prepareModel(model);
    for (const chunk of model.program.chunks) this.physical.writeBytes(chunk.address, chunk.bytes);
    this.instrs = new InstrIndex(model.program.instrs);

    // 4. The PEs, and the platform attached to them; the machine records every exception they take.
    const sysOps = buildPes(this, pe, this.instrs);
    if (opts.attachPlatform !== false) attachPlatform(this, this.platform, sysOps, pe);
    this.addComponent({ name: 'platform', state: opts.fixedSystem !== true ? this.platform : undefined });
    pe.exception.subscribe((p, info) => this.recordException(p, info));
    this.events = new ScenarioEvents(this);

    // 5. Built-in firmware: boots the partitions on the PEs that run a Normal world.
    this.firmware = createFirmware(this, model, this.gic);
    // Its state changes only while it handles an exception (`handleInFirmware` counts them): captured once per change.
    this.firmwareState = this.firmware !== undefined ? new CountedState(this.firmware) : undefined;
    if (this.firmwareState) this.addComponent({ name: 'firmware', state: this.firmwareState });
    this.hooks = {
      pe,
      memory: this.memory.hooks,
      mmu: this.mmu.hooks ?? mmuHooks(),
      gic: this.gic.hooks,
      cache: this.memory instanceof CacheHierarchy ? this.memory.cacheHooks : undefined,
      firmware: this.firmware?.hooks,
    };

    // 6. The architectural checkers join before the first checkpoint: their state is part of it.
    if (opts.checkers !== false) this.addComponent({ name: 'checkers', state: attachCheckers(this) });
    // 7. Arm's concurrency model, when asked for: between the PEs and their memory system (promising.ts).
    this.memoryOrder = opts.memoryModel === 'promising' ? this.installMemoryModel(opts) : undefined;

    bridgeTrace(this);
    this.scheduler = new Scheduler(this);
    this.history = new History(this, this.options.checkpointInterval);
    this.history.start();
  }

  private installMemoryModel(opts: MachineOptions): PromisingMemory {
    const model = new PromisingMemory({
      pes: this.pes,
      memory: this.memory,
      mmioRanges: this.platform.mmioRanges,
      innerDomain: (pe) => this.shareability.innerOf(pe),
      random: this.policy.name === 'random' ? (n) => this.prng.below(n) : undefined,
      stop: (reason) => this.requestStop(reason),
      descriptors: opts.modelDescriptors,
      fixedSystem: opts.fixedSystem === true,
    });
    this.addComponent({ name: model.name, state: model, actions: model });
    return model;
  }

  /** Add a component (state and/or choice points) to the machine; exploration adds its action sources this way. */
  addComponent(c: Component): void {
    this.components.push(c);
    if (c.state !== undefined) (this.snapshottables as Snapshottable[]).push(c.state);
    if (c.actions !== undefined) (this.sources as ActionSource[]).push(c.actions);
    // Built during construction before the scheduler exists; later (exploration) its choices may change what is enabled.
    (this.scheduler as Scheduler | undefined)?.enabledMayHaveChanged();
  }

  // ---- services for components and checkers ---------------------------------------

  /** An exception taken to an EL whose vector holds no code: the built-in firmware handles it when the scenario has one. */
  handleInFirmware(pe: Pe, info: ExceptionRecord): boolean {
    if (this.firmware === undefined) return false;
    this.firmwareState!.changes++;
    return handleException(this.firmware, pe, info);
  }

  /**
   * Record an exception a PE took. Every exception goes to `exceptions`; those
   * with a fault classification (aborts, undefined instructions, alignment…) also to `faults`.
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
    this.bounds.record('exceptions', this.exceptions, rec);
    if (info.fault !== undefined) this.bounds.record('faults', this.faults, rec);
    if (this.scheduler.pauseOnRecords) this.requestPause('an exception was taken');
    if (this.trace.wants.exception) this.trace.emit({ kind: 'exception', step: rec.step, fault: rec });
  }

  /** A checker reports a finding. */
  addFinding(f: Finding): void {
    const finding = { ...f, step: f.step ?? this.steps };
    this.bounds.record('findings', this.findings, finding);
    if (this.scheduler.pauseOnRecords) this.requestPause('a finding was reported');
    if (this.trace.wants.finding) this.trace.emit({ kind: 'finding', step: this.steps, finding });
  }

  /** The memory and time bounds (engine/bounds.ts), when a check is due; true when one stopped the run. */
  checkBounds(): boolean {
    if (!this.bounds.due(this.steps)) return false;
    const stop = this.bounds.check(this.steps, this.physical.pageCount);
    if (stop !== undefined) this.stopInfo = stop;
    return stop !== undefined;
  }

  /** A checker asks the run to stop (e.g. livelock detected): the run is over. */
  requestStop(reason: string): void {
    this.scheduler.requestStop(reason);
  }

  /**
   * Ask `run()` to return after the current step without ending the run
   * (a debugger's breakpoint hit, seen from a trace listener). `pauseReason`
   * tells why; the next `run()` continues.
   */
  requestPause(reason: string): void {
    this.scheduler.requestPause(reason);
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

  /** Forget what PE `pe` fetched last: `fetchedAt` then tells whether its next step fetched an instruction (explorers classify steps). */
  clearFetch(pe: number): void {
    this.pes[pe].fetchPc = NaN;
  }

  /** The instruction PE `pe` fetched at `pc`, when its last fetch was there. */
  fetchedAt(pe: number, pc: number): Instr | undefined {
    const p = this.pes[pe];
    return p.fetchPc === pc ? p.fetchInstr : undefined;
  }

  /** Instruction at a physical address (views, disassembly). */
  instrAt(pa: number): Instr | undefined {
    return this.instrs.get(pa);
  }

  /**
   * A scenario `irq INTID [pe N]` event: the interrupt becomes pending at the
   * GIC (an edge on its input). For an SGI or PPI, `peId` selects the
   * redistributor; an SPI goes where GICD_IROUTER routes it (`peId` unused).
   */
  deliverIrq(peId: number, intid: number): void {
    this.gic.raise(intid, peId);
  }

  /** One PE step while `instruction` trace events are wanted: the instruction the PE retired (or faulted on) at its PC. */
  stepTraced(pe: Pe): void {
    const pc = pe.pc;
    pe.fetchPc = NaN;
    stepPe(pe);
    this.steps++;
    // None when it took an interrupt instead of fetching at `pc`.
    const instr = pe.fetchPc === pc ? pe.fetchInstr : undefined;
    if (instr !== undefined) this.trace.emit({ kind: 'instruction', step: this.steps, pe: pe.id, pc, line: instr.line, text: instr.text });
  }

  // ---- stepping (scheduler.ts) ------------------------------------------------------

  /** Everything that could happen next, in a stable order: due events, component actions, PE steps. */
  enabledActions(): Action[] {
    return this.scheduler.enabledActions();
  }

  /** One action chosen by the policy. Returns false (and sets stopInfo) when the run is over. */
  step(): boolean {
    return this.scheduler.step();
  }

  /** Run until the run is over or `maxSteps` more steps (default: the step budget) were taken. */
  run(maxSteps?: number): StopInfo | undefined {
    return this.scheduler.run(maxSteps);
  }

  /**
   * Apply an action chosen by the caller (debug adapter, exploration) rather
   * than the policy. The choice is logged so time travel replays it, and
   * whatever was recorded beyond this step (checkpoints, later choices) is
   * dropped: the future may now differ.
   */
  apply(action: Action): void {
    this.history.logChoice(action);
    this.scheduler.take(action);
  }

  /**
   * Apply an action an explorer chose (simulator/explore), without logging it
   * for time travel: an explorer moves between states with `fork`/`restore`
   * itself. A checker's stop request ends the run (`stopInfo`).
   */
  take(action: Action): void {
    this.scheduler.take(action);
  }

  /** An explorer found nothing enabled: end the run as `run` would (halted, or waiting with nothing pending). */
  finish(): void {
    this.scheduler.finish();
  }

  /**
   * Pause `run()` after any step in which one of `conditions` happens
   * (pause.ts): a debugger runs long chunks and examines only those steps.
   * Replaces the conditions installed before; `undefined` removes them.
   */
  pauseWhen(conditions: PauseConditions | undefined): void {
    this.removePause?.();
    this.removePause = conditions === undefined ? undefined : installPauseConditions(this, conditions);
  }

  /** The PE the round-robin policy considers first. */
  roundRobinNext(): number {
    return this.scheduler.rr;
  }

  // ---- state and time travel (machineState.ts, history.ts) ------------------------------

  /**
   * An immutable capture of the whole machine state (machineState.ts), cheap:
   * it shares everything unchanged with the previous capture (copy-on-write),
   * so it costs what changed since. Restore it any number of times.
   */
  fork(): MachineSnapshot {
    return this.history.capture();
  }

  /** The same as `fork()`. */
  snapshot(): MachineSnapshot {
    return this.history.capture();
  }

  /**
   * Make a capture the machine's state; costs what differs between the live
   * state and the capture. A capture of this history keeps the recorded future
   * (stepping forward replays it); any other starts a new history at it (history.ts).
   */
  restore(s: MachineSnapshot): void {
    this.history.restore(s);
  }

  /**
   * Fingerprint of the complete machine state (machineState.ts): a 53-bit
   * integer; equal fingerprints mean the same future. Incremental: it rehashes
   * only what changed since the last call.
   */
  stateHash(exploration?: ExplorationHash): number {
    return hashMachine(this, exploration);
  }

  /** The furthest step reached along the current history (behind it, stepping replays; history.ts). */
  get horizon(): number {
    return this.history.horizon;
  }

  /** Put the machine in the state it had after `target` steps (history.ts). Returns the step reached. */
  goToStep(target: number): number {
    return this.history.goToStep(target);
  }

  /** Forget checkpoints and logged choices after the current step (after changing state from outside). */
  invalidateFuture(): void {
    this.history.invalidateFuture();
    this.scheduler.enabledMayHaveChanged();
  }

  /** Steps of the checkpoints taken so far. */
  checkpointSteps(): number[] {
    return this.history.checkpointSteps();
  }
}
