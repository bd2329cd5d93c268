/**
 * The explorer's choices under Arm's concurrency model (engine/promising.ts; docs/explore.md
 * "Memory model"): beside which PE steps, *which write each read takes* and *which writes a PE
 * promises*.
 *
 * - **Read choices.** A PE step whose reads the model serves becomes one action per combination
 *   of messages its reads may take (`pe N read T` for a read of the message with timestamp T; T = 0
 *   is the initial value), found by a dry run of the step from the current state (the step is
 *   taken and undone; the model records what each read could take). A step with one possibility
 *   stays `pe N`. What a PE's dry runs found is remembered by everything they read (`stepChoices`,
 *   `READ_CHOICES_MEMO`): a state where that is unchanged — another PE stepped without writing — reuses it.
 * - **Promises** (promise-first executions: Pulte et al., PLDI 2019, §7 — every Promising-ARM
 *   behaviour has an execution whose promises all come before every other step). Before any PE
 *   has stepped, each PE may promise any write it can make running alone from here with the
 *   current messages (every read choice; its *certification*): the action `pe N promises PA=V`.
 *   An execution that ends with a promise unfulfilled is discarded (search.ts).
 * - **Certification after every step** (Promising-ARM's operational model certifies the thread after each step;
 *   the same outcomes as discarding at the end, with fewer states): a state where a PE owing promises cannot fulfil
 *   them running alone (every read choice, at most `MAX_CERTIFY_STEPS` steps: the bound keeps the state) has no
 *   actions, and its execution is discarded there; so has a state where such a PE has halted. A PE state found able
 *   to is remembered with the messages (`CERTIFIED_MEMO`), and so is every state on the path that fulfilled them;
 *   one found unable to, with everything its run alone reads (`aloneKey`).
 * - **Thread-local steps** (persistent sets: Godefroid, LNCS 1032, ch. 4; with sleep sets ch. 6): once the promises
 *   are made, a PE step that reads nothing through the model and whose footprint (footprint.ts, from its dry run)
 *   writes its own thread alone — MOV, ADD, a branch, a NOP, with what its fetch's walk read — is independent of
 *   every other PE's actions unless one is global or writes what it read (a descriptor, a DSB state). Taken alone
 *   (the state's only action), every final state is still reached: any execution from here is, up to the order of
 *   independent actions, one that takes it first. Only in the exhaustive search (`localSteps`). Whether the other
 *   PEs' actions are independent is checked as they are seen, each step's dry run giving its footprint: a global
 *   action, an action that is not a PE step, or a step writing a resource read by a step taken alone, and the
 *   search is done again without taking steps alone (`conflict`, explore.ts). A HLT is such a step too.
 * - **The other PEs' futures** (future.ts; with `fixedSystem` only: code at its own address, no descriptor written):
 *   a PE step, every read choice of it, is taken alone when nothing another PE can still do touches it
 *   (`othersCannotTouch`: a read while their futures only load, a store while theirs are inert); an inert step
 *   (register-only, a direct branch, DMB, ISB, NOP, HLT) while theirs hold no system instruction, without a dry run
 *   (`inertStep`). A PE whose future holds no store is not certified for promises; a PE running alone is not
 *   captured before an inert step.
 *
 * Bounds: `MAX_READ_VARIANTS` combinations per step, `MAX_CERTIFY_STEPS` steps per
 * certification of promise candidates (engine/promising.ts); each one hit is reported (`read-choices`,
 * `promise-certification`). `CERTIFIED_MEMO` certified states remembered per search.
 */
import type { Action } from '../component/actions';
import type { Machine } from '../engine/machine';
import { restoreMachine, type MachineSnapshot } from '../engine/machineState';
import { Lanes } from '../component/fingerprint';
import { componentHash } from '../component/state';
import { canStep } from '../engine/peCore';
import { digestPe } from '../engine/snapshot';
import { MAX_CERTIFY_STEPS, MAX_READ_VARIANTS, type PromiseCandidate, type PromisingMemory } from '../engine/promising';
import { orderOnlyForChoices, writesOwnOnly, type Footprint, type FootprintRecorder } from './footprint';
import { Future, FutureScan } from './future';

/** Certified PE states remembered per search (`RelaxedChoices.uncertified`); beyond, they are certified again each time. */
export const CERTIFIED_MEMO = 65_536;

/** PE states whose read choices (and dry-run footprints) are remembered per search (`RelaxedChoices.stepChoices`); beyond, their steps are dry-run again. */
export const READ_CHOICES_MEMO = 65_536;

/** What the dry runs of a PE's step found (`RelaxedChoices.stepChoices`): its read choices, each run's footprint, whether `MAX_READ_VARIANTS` cut them. */
interface StepChoices {
  variants: number[][];
  fps: Footprint[] | undefined;
  cut: boolean;
}

/** The footprint of a step's dry runs (`runs` of them: one when it has one read choice or none). */
interface Watch {
  fp: Footprint | undefined;
  runs: number;
  timeMatters: boolean;
  /** Running a PE alone (`runAlone`): no footprint; whether it has accessed memory through the model before the step. */
  accessSeen?: boolean;
  /** Every run's footprint, in order (`stepChoices` remembers them). */
  fps?: Footprint[];
}

export class RelaxedChoices {
  /** Bounds hit (reported with the search's). */
  readonly bounds = new Set<string>();

  /** Take a thread-local PE step alone (header comment); set by the exhaustive search only (a replay offers every action). */
  localSteps = false;
  /** Discard a state where a PE owing promises cannot fulfil them alone (header comment); off: only at the end. */
  certifySteps = true;
  /** States where a thread-local step was taken alone. */
  alone = 0;
  /** States where a PE's step was taken alone because no other PE's future can touch it (`othersCannotTouch`). */
  aloneByFuture = 0;
  /** The other PEs' futures (future.ts), with `fixedSystem` only (code at its own address, no descriptor written). */
  private readonly futures: FutureScan | undefined;
  /** The footprints of every run of the step `stepChoices` last looked at (one per read choice), when recorded. */
  private lastFps: readonly Footprint[] | undefined = undefined;
  /** A global action, or an action other than a PE step, was seen while `localSteps`: no step is taken alone from then on. */
  globalSeen = false;
  /** Resources read by the steps taken alone, and written by any PE step seen (footprint.ts numbering). */
  private readonly readAlone = new Set<number>();
  private readonly written = new Set<number>();
  /** PEs found able to fulfil their promises alone, by their state and the messages (`uncertified`). */
  private readonly certified = new Set<number>();
  /** PEs found unable to fulfil their promises alone, by everything that run reads (`aloneKey`): the same state fails again. */
  private readonly unfulfillable = new Set<number>();
  /** Read choices of PE steps by what their dry runs read (`stepChoices`). */
  private readonly choicesMemo = new Map<number, StepChoices>();
  /** `MAX_READ_VARIANTS` cut the combinations of the current `readVariants`. */
  private variantsCut = false;
  /** Within `expand`: the capture the machine is in, unchanged since (`capture`, `goTo`): restoring it is skipped. */
  private live: MachineSnapshot | undefined = undefined;

  constructor(
    private readonly m: Machine,
    private readonly model: PromisingMemory,
    private readonly recorder?: FootprintRecorder,
    private readonly timeMatters: () => boolean = () => true,
    fixedSystem = false,
  ) {
    const futures = fixedSystem ? new FutureScan(m.model.program.instrs, m.pes.map((p) => p.pc)) : undefined;
    this.futures = futures?.handlerFree === true ? futures : undefined;
  }

  /**
   * A step of a PE whose next instruction is register-only, a direct branch, DMB, ISB, NOP or HLT (future.ts `Inert`)
   * while no other PE's future holds a system instruction (`Memory` at most: with `fixedSystem` their accesses write
   * data and messages, never what a fetch or a walk reads): it writes its own thread only and reads nothing they
   * write, so it is taken alone without a dry run (a persistent set; header comment).
   */
  private inertStep(actions: readonly Action[]): Action | undefined {
    const futures = this.futures;
    if (futures === undefined) return undefined;
    const pes = this.m.pes;
    for (const a of actions) {
      if (a.kind !== 'pe-step' || a.reads !== undefined || futures.at(pes[a.pe].pc) !== Future.Inert) continue;
      let others = true;
      for (const p of pes) if (p.id !== a.pe && canStep(p) && futures.from(p.pc) > Future.Memory) others = false;
      if (others) return a;
    }
    return undefined;
  }

  /**
   * No action another PE can take before PE `pe` steps can touch what this step of `pe` (every read choice: `fps`)
   * reads or writes: its step alone is a persistent set (Godefroid, LNCS 1032, ch. 4). A step writing only its own
   * thread (a read of the model: its choices are the messages already in the list) needs every other PE's future to
   * hold no store, atomic or system instruction (future.ts `Loads`: a load writes nothing another step reads); a step
   * writing memory (a store appending a message) needs them to hold no memory access at all (`Inert`).
   */
  private othersCannotTouch(pe: number, fps: readonly Footprint[]): boolean {
    const futures = this.futures;
    if (futures === undefined || fps.length === 0) return false;
    let limit = Future.Loads;
    for (const fp of fps) {
      if (writesOwnOnly(fp, pe)) continue;
      if (!writesOwnOnly(fp, pe, true)) return false;
      limit = Future.Inert;
    }
    for (const p of this.m.pes) if (p.id !== pe && canStep(p) && futures.from(p.pc) > limit) return false;
    return true;
  }

  /** The enabled actions with every PE step split by its read choices, and the promises when they may be made. */
  expand(actions: readonly Action[]): Action[] {
    const out: Action[] = [];
    // The machine was moved since the last expansion.
    this.live = undefined;
    // Read before the dry runs below move the machine.
    const promising = this.model.promisePhase;
    // A halted PE owing a promise never fulfils it: no continuation counts (the search discards the execution here).
    if (this.doomed()) return [];
    if (!promising && this.certifySteps && this.uncertified()) return [];
    let snap: MachineSnapshot | undefined;
    // Footprints of the dry runs: while taking thread-local steps alone (promises come before every step: none here).
    let watch: Watch | undefined;
    if (this.localSteps && !this.globalSeen && !promising) {
      // Events and components other than cache choices may act on every PE (global).
      if (actions.some((a) => a.kind !== 'pe-step')) this.globalSeen = true;
      else watch = { fp: undefined, runs: 0, timeMatters: this.timeMatters() };
    }
    if (watch !== undefined) {
      const inert = this.inertStep(actions);
      if (inert !== undefined) {
        this.aloneByFuture++;
        return [inert];
      }
    }
    for (const a of actions) {
      if (a.kind !== 'pe-step') {
        out.push(a);
        continue;
      }
      snap ??= this.live ?? this.capture();
      const variants = this.stepChoices(a.pe, snap, watch);
      const fp = watch?.fp;
      if (!this.globalSeen && variants.length === 0 && watch?.runs === 1 && fp !== undefined && writesOwnOnly(fp, a.pe) && !fp.reads.some((r) => this.written.has(r) && !orderOnlyForChoices(r))) {
        // Taken alone (header comment).
        this.alone++;
        for (const r of fp.reads) if (!orderOnlyForChoices(r)) this.readAlone.add(r);
        this.goTo(snap);
        return [a];
      }
      if (!this.globalSeen && this.lastFps !== undefined && this.othersCannotTouch(a.pe, this.lastFps)) {
        // Taken alone, every read choice (header comment: the other PEs' futures).
        this.aloneByFuture++;
        this.goTo(snap);
        return variants.length <= 1 ? [a] : variants.map((reads) => ({ kind: 'pe-step', pe: a.pe, reads }));
      }
      if (variants.length <= 1) out.push(a);
      else for (const reads of variants) out.push({ kind: 'pe-step', pe: a.pe, reads });
    }
    if (promising && actions.some((a) => a.kind === 'pe-step')) {
      snap ??= this.live ?? this.capture();
      for (const pe of this.m.pes) {
        // A PE whose remaining code holds no store, atomic or system instruction writes nothing to promise (future.ts).
        if (!canStep(pe) || (this.futures !== undefined && this.futures.from(pe.pc) <= Future.Loads)) continue;
        for (const c of this.certify(pe.id, snap)) out.push({ kind: 'component', source: this.model, name: 'promise', label: this.model.describe(c), eager: false, data: c });
      }
    }
    if (snap !== undefined) this.goTo(snap);
    return out;
  }

  /**
   * Right after `expand`: a capture of the state it left the machine in (the one it was called in), when it made one
   * (the search keeps it instead of capturing that state again); undefined otherwise.
   */
  get expandedCapture(): MachineSnapshot | undefined {
    return this.live;
  }

  /** Capture the machine's state (it is in that capture: `live`). */
  private capture(): MachineSnapshot {
    const s = this.m.fork();
    this.live = s;
    return s;
  }

  /** Put the machine in capture `s` (nothing to do when it is in it, unchanged: `live`). */
  private goTo(s: MachineSnapshot): void {
    if (this.live === s) return;
    restoreMachine(this.m, s);
    this.live = s;
  }

  /** Some step was taken alone and some action seen may depend on it: the search must be done again without (explore.ts). */
  get conflict(): boolean {
    return this.alone + this.aloneByFuture > 0 && this.globalSeen;
  }

  /**
   * Some PE owing promises cannot fulfil them running alone from here (Promising-ARM's certification after every
   * step): no execution from here counts (the search discards it). A PE found able to is remembered by its state
   * and the messages (`CERTIFIED_MEMO`).
   */
  private uncertified(): boolean {
    let from: MachineSnapshot | undefined;
    let failed = false;
    for (let pe = 0; pe < this.m.pes.length && !failed; pe++) {
      if (this.model.locals[pe].promises.length === 0) continue;
      if (this.certified.has(this.certKey(pe))) continue;
      const key = this.aloneKey(pe);
      if (this.unfulfillable.has(key)) {
        failed = true;
        break;
      }
      from ??= this.capture();
      if (!this.fulfillable(pe, from)) {
        failed = true;
        if (this.unfulfillable.size < CERTIFIED_MEMO) this.unfulfillable.add(key);
      }
    }
    if (from !== undefined) this.goTo(from);
    return failed;
  }

  /** What certification of PE `pe` depends on (the state the machine is in): its state, its thread's, the messages. */
  private certKey(pe: number): number {
    return new Lanes().reset(0xce27_0000 + pe).digest(digestPe(this.m.pes[pe])).digest(this.model.threadHash(pe)).value();
  }

  /**
   * What PE `pe` running alone from the state the machine is in reads: its state and its thread's (`certKey`), the
   * physical memory, the model's translation views, every other component (TLBs, caches, GIC, checkers), the PRNG
   * and the step count when it matters — all but the other PEs, which do not step in that run. Two states with the same key have the same runs alone.
   */
  private aloneKey(pe: number): number {
    const h = new Lanes().reset(0xce28_0000 + pe).digest(this.certKey(pe)).digest(this.m.physical.stateHash());
    this.model.translation.hashInto(h);
    for (const c of this.m.snapshottables) if (c !== this.model) h.digest(c.explorationHash !== undefined ? c.explorationHash() : componentHash(c));
    for (const w of this.m.prng.state()) h.word(w);
    // The step count, when something reads it (the counter, a step event or timer: `timeMatters`).
    if (this.timeMatters()) h.num(this.m.steps);
    return h.value();
  }

  /** Some PE has halted with a promise outstanding (Promising-ARM: only its own writes fulfil it). */
  private doomed(): boolean {
    const pes = this.m.pes;
    for (let i = 0; i < pes.length; i++) if (pes[i].state === 'halted' && this.model.locals[i].promises.length > 0) return true;
    return false;
  }

  /** Take PE `pe`'s step from `from` with these read choices: what each read could take. `watch`: its footprint is recorded. */
  private dryRun(pe: number, from: MachineSnapshot, reads: readonly number[], watch?: Watch): number[][] {
    this.goTo(from);
    this.model.recording = [];
    try {
      const action = { kind: 'pe-step', pe, reads } as const;
      if (watch === undefined || watch.accessSeen !== undefined || this.recorder === undefined) {
        if (watch?.accessSeen !== undefined) this.model.accessSeen = watch.accessSeen;
        this.live = undefined;
        this.m.take(action);
      } else {
        this.live = undefined;
        const fp = this.recorder.take(action, watch.timeMatters);
        this.noteFootprint(fp, watch);
        watch.fps?.push(fp);
      }
      return this.model.recording;
    } finally {
      this.model.recording = undefined;
    }
  }

  /** A dry run's footprint seen (`watch`): what it writes against the steps taken alone. */
  private noteFootprint(fp: Footprint, watch: Watch): void {
    if (fp.global) this.globalSeen = true;
    for (const w of fp.writes) {
      // Who halts last (footprint.ts `orderOnlyForChoices`) matters only to cache choices and window events, which end taking steps alone anyway.
      if (this.readAlone.has(w) && !orderOnlyForChoices(w)) this.globalSeen = true;
      this.written.add(w);
    }
    watch.fp = fp;
    watch.runs++;
  }

  /**
   * `readVariants` for the search's expansion, remembered (`READ_CHOICES_MEMO`) by everything the step's dry runs read
   * (`aloneKey`: the PE, its thread and the messages, memory and the components; with the promise phase and whether
   * and how footprints are recorded): a PE met again in the same state — another PE stepped meanwhile without
   * writing — takes the choices and footprints found before, its step not run again (the same runs would find them).
   */
  private stepChoices(pe: number, from: MachineSnapshot, watch: Watch | undefined): number[][] {
    this.goTo(from);
    const key = new Lanes()
      .reset(0xd7e0_0000)
      .digest(this.aloneKey(pe))
      .word(watch === undefined ? 0 : watch.timeMatters ? 2 : 1)
      .word(this.model.promisePhase ? 1 : 0)
      .value();
    const known = this.choicesMemo.get(key);
    this.lastFps = undefined;
    if (known !== undefined && (watch === undefined || known.fps !== undefined)) {
      if (watch !== undefined) this.lastFps = known.fps;
      if (known.cut) this.bounds.add('read-choices');
      if (watch !== undefined) {
        watch.runs = 0;
        for (const fp of known.fps!) this.noteFootprint(fp, watch);
      }
      return known.variants;
    }
    if (watch !== undefined) watch.fps = [];
    this.variantsCut = false;
    const variants = this.readVariants(pe, from, watch);
    if (this.choicesMemo.size < READ_CHOICES_MEMO) this.choicesMemo.set(key, { variants, fps: watch?.fps, cut: this.variantsCut });
    this.lastFps = watch?.fps;
    if (watch !== undefined) watch.fps = undefined;
    return variants;
  }

  /**
   * Every combination of messages PE `pe`'s next step may read (an empty list when it reads nothing the model
   * serves). `leaf`: called for each combination with the machine in the state that step leaves (each combination is
   * one run of the step: the run that chose the first option at every read from some point on is that option's);
   * true: no more combinations are wanted.
   */
  private readVariants(pe: number, from: MachineSnapshot, watch?: Watch, leaf?: (reads: number[]) => boolean): number[][] {
    const result: number[][] = [];
    /** `leaf` said there is no need for more combinations. */
    let enough = false;
    const walk = (prefix: number[], rec: number[][]): void => {
      if (rec.length <= prefix.length) {
        result.push(prefix);
        if (leaf?.(prefix) === true) enough = true;
        return;
      }
      rec[prefix.length].forEach((t, j) => {
        if (enough) return;
        if (result.length >= MAX_READ_VARIANTS) {
          this.bounds.add('read-choices');
          this.variantsCut = true;
          return;
        }
        const next = [...prefix, t];
        walk(next, j === 0 ? rec : this.dryRun(pe, from, next, watch));
      });
    };
    if (watch !== undefined) watch.runs = 0;
    walk([], this.dryRun(pe, from, [], watch));
    return result.length === 1 && result[0].length === 0 ? [] : result;
  }

  /**
   * Run PE `pe` alone from `from`, every read choice, states merged by fingerprint (with whether it has accessed
   * memory through the model on the path: `PromisingMemory.accessSeen`), at most `MAX_CERTIFY_STEPS` steps. `stop`
   * is asked at each state reached (the machine in it): true ends the run. 'stopped', 'done' (every state reached),
   * or 'bound' (the step bound cut it).
   */
  private runAlone(pe: number, from: MachineSnapshot, stop: () => boolean, trail?: { key(): number; keys: number[] }): 'stopped' | 'done' | 'bound' {
    // States reached, by fingerprint: without and with an access through the model on the path.
    const seen = [new Set<number>(), new Set<number>()];
    let budget = MAX_CERTIFY_STEPS;
    let ended: 'stopped' | 'bound' | undefined;
    const p = this.m.pes[pe];
    /** The state the machine is in, reached with `accessSeen`: false when there is nothing to run from it. */
    const fresh = (accessSeen: boolean): boolean => {
      if (stop()) {
        ended = 'stopped';
        return false;
      }
      if (!canStep(p) || this.m.stopInfo !== undefined) return false;
      const key = this.m.stateHash();
      const set = seen[accessSeen ? 1 : 0];
      if (set.has(key)) return false;
      set.add(key);
      return true;
    };
    /** Run from `at`, or from the state the machine is in when its next step is inert (`inertNext`: one run, no capture). */
    const dfs = (at: MachineSnapshot | undefined, accessSeen: boolean): void => {
      const leaf = (): boolean => {
        if (ended === undefined && budget-- <= 0) ended = 'bound';
        if (ended !== undefined) return true;
        const after = this.model.accessSeen;
        // Captured only when it is run from (a state seen before, or where the PE stopped, is not) and may branch.
        if (fresh(after)) {
          trail?.keys.push(trail.key());
          dfs(this.inertNext(pe) ? undefined : this.capture(), after);
          if (ended === undefined) trail?.keys.pop();
        }
        return ended !== undefined;
      };
      if (at !== undefined) {
        this.readVariants(pe, at, { fp: undefined, runs: 0, timeMatters: false, accessSeen }, leaf);
        return;
      }
      this.model.accessSeen = accessSeen;
      this.live = undefined;
      this.m.take({ kind: 'pe-step', pe });
      leaf();
    };
    try {
      this.goTo(from);
      if (fresh(false)) {
        trail?.keys.push(trail.key());
        dfs(from, false);
      }
    } finally {
      this.model.accessSeen = false;
    }
    this.goTo(from);
    return ended ?? 'done';
  }

  /** PE `pe`'s next instruction reads and writes nothing through the model (future.ts `Inert`): its step has one run. */
  private inertNext(pe: number): boolean {
    return this.futures !== undefined && this.futures.at(this.m.pes[pe].pc) === Future.Inert;
  }

  /** Whether PE `pe` running alone from `from` can fulfil every promise it owes (true when the step bound is hit). */
  private fulfillable(pe: number, from: MachineSnapshot): boolean {
    const local = this.model.locals[pe];
    const trail = { key: () => this.certKey(pe), keys: [] as number[] };
    const r = this.runAlone(pe, from, () => local.promises.length === 0, trail);
    // Every state on a path that fulfils them is certified too (the search may step the PE along it).
    if (r === 'stopped') for (const k of trail.keys) if (this.certified.size < CERTIFIED_MEMO) this.certified.add(k);
    return r !== 'done';
  }

  /**
   * The writes PE `pe` can make running alone from `from` (`runAlone`), less those it has promised already: the
   * promises it may make now.
   */
  private certify(pe: number, from: MachineSnapshot): PromiseCandidate[] {
    const collected: PromiseCandidate[] = [];
    this.model.collecting = collected;
    try {
      if (this.runAlone(pe, from, () => false) === 'bound') this.bounds.add('promise-certification');
    } finally {
      this.model.collecting = undefined;
    }
    const found = new Map<string, PromiseCandidate>();
    for (const c of collected) {
      if (c.pe !== pe || this.model.promised(pe, c.pa, c.lo, c.hi)) continue;
      found.set(`${c.pa}|${c.size}|${c.lo}|${c.hi}`, c);
    }
    return [...found.values()];
  }
}
