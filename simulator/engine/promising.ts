/**
 * Arm's concurrency model in the engine (docs/memory-model.md "Concurrency", "In the engine"):
 * the Promising-ARM rules of simulator/memory/ordering applied to the PEs' explicit accesses to
 * Normal memory, when a machine is built with `memoryModel: 'promising'` (`explore` with
 * `explore { memory_model promising }`, every litmus test, `run --policy random`). Without it
 * nothing here is installed and the PEs run exactly as before (each store complete at once).
 *
 * Installed, it wraps each PE's environment: fetched instructions carry the dependency rules
 * (promisingDeps.ts) around their execution; the MMU marks its table walks (descriptor reads stay
 * outside the model); the memory system serves the model's accesses:
 *
 * - a read takes one of the messages `ThreadLocal.readable` allows — the *choice*: scripted by
 *   the explorer (`setScript`, one action per message), drawn from the seeded PRNG under
 *   `run --policy random`, else the oldest allowed;
 * - a write fulfils the PE's oldest matching promise that `writable` allows, else is appended
 *   (`writeNow`); an exclusive store the model does not allow fails (status 1); appended messages
 *   are written through to the memory system, which therefore always holds each location's
 *   coherence-latest value (what `mem[…]`, views and final states read);
 * - promises (`promise`) are component actions the explorer offers before any PE step
 *   (promise-first executions, Pulte et al. PLDI 2019 §7), with the writes a PE can make running
 *   alone (`certify`); an execution that ends with a promise outstanding is discarded.
 *
 * Outside the model (today's semantics, on the memory system's newest data): Device memory
 * (nGnRnE/nGnRE order kept: the PE performs them in program order), MMIO, table walks, an access
 * whose size or alignment differs from the location's first access (mixed sizes), and with
 * `cache_model on` an access whose attributes differ from the location's first model access.
 */
import type { ComponentAction, Action, ActionSource } from '../component/actions';
import type { Snapshottable } from '../component/state';
import { digestWords, Lanes } from '../component/fingerprint';
import { Hook } from '../component/hook';
import { conditionHolds } from '../isa/conditions';
import type { Instr } from '../isa/instr';
import type { MemAttrs } from '../memory/attributes';
import { barrierOption, MAX_MESSAGES, MessageLog, ordersEveryObserver, ThreadLocal, TranslationViews, type BarrierDomain, type LocalSnapshot, type Message, type TranslationSnapshot } from '../memory/ordering';
import { walkInProgress } from '../mmu/descriptor';
import { tlbiScope } from '../mmu/tlbi';
import type { MemorySystem } from '../memory/system';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import { ModelLocations, type LocationsSnapshot } from './modelLocations';
import { FLAGS, instrDeps, type InstrDeps } from './promisingDeps';

/** Offset of the pick views among a PE's register views (see `views`). */
const PICK = 32;

/** Steps one certification (`certify`) may take running a PE alone; beyond it the bound `promise-certification` is reported. */
export const MAX_CERTIFY_STEPS = 4000;
/** Read-choice combinations one instruction may offer (LDP/LDXP read twice). */
export const MAX_READ_VARIANTS = 256;

/** What the model needs of the machine (kept to a contract: the engine wires it). */
export interface PromisingHost {
  readonly pes: readonly Pe[];
  readonly memory: MemorySystem;
  readonly mmioRanges: readonly { base: number; size: number }[];
  /** PEs of each PE's Inner Shareable domain. */
  innerDomain(pe: number): readonly number[];
  /** Uniform choice in [0, n) from the machine's seeded generator, or undefined: take the first. */
  random: ((n: number) => number) | undefined;
  /** End the run with this reason (a bound of the model was reached). */
  stop(reason: string): void;
  /** Translation table descriptors (PAs) the model holds from the build (modelLocations.ts). */
  descriptors?: readonly number[];
  /** No descriptor is ever written and the TLBs are no state (`MachineOptions.fixedSystem`). */
  fixedSystem?: boolean;
}

interface StepState {
  deps: InstrDeps;
  /** The view of the address registers (what orders a read). */
  addrView: number;
  /** With their pick views (what orders a write, and `vcap` after a read). */
  addrPickView: number;
  reads: number[];
  /** Each read's pick view (`ThreadLocal.readPick`: a forwarded CAS write's comparison). */
  readPicks: number[];
  writes: number;
  exFailed: boolean;
}

/** A promise the explorer may offer: PE `pe` promises to write (lo, hi) at `pa`. */
export interface PromiseCandidate {
  pe: number;
  pa: number;
  size: number;
  lo: number;
  hi: number;
  attrs: MemAttrs;
}

interface PromisingSnapshot {
  log: readonly Message[];
  locals: LocalSnapshot[];
  views: Int32Array[];
  locs: LocationsSnapshot;
  promisePhase: boolean;
  translation: TranslationSnapshot;
  /** `stateHash()` of the state captured, once known (a memo, not state: set when the live state is hashed unchanged since its capture or restore). */
  hash?: number;
}

export class PromisingMemory implements Snapshottable, ActionSource {
  readonly name = 'memory model';
  readonly log: MessageLog;
  readonly locals: ThreadLocal[];
  /**
   * Per PE: the view of X0..X30 and NZCV (`FLAGS`), then at `PICK + r` the register's pick view: the view of reads
   * it depends on only through a choice (herd7's aarch64deps.cat `pick-dtrm`: the Rs of a CAS that succeeded keeps its
   * own value, chosen by the comparison with the value read). A pick dependency orders later writes (B2.3
   * "Pick-ordered-before": pick-addr-dep/pick-data-dep/pick-ctrl-dep to a write) but not reads.
   */
  private views: Int32Array[];
  /** Locations the model holds: size, attributes and initial value, by PA. */
  readonly locations: ModelLocations;
  /** No PE has stepped yet in this execution: promises may be made (promise-first). */
  promisePhase = true;
  private readonly cur: (StepState | undefined)[];
  private walking = 0;
  private readonly deps = new WeakMap<Instr, Instr>();
  /** Translation in the model (memory/ordering/translation.ts): walk and TLB views, TLBIs and their completion. */
  readonly translation: TranslationViews;
  /** A walk of the current translation read a descriptor the model holds: the PE's TLBs must not keep the result. */
  private walkedModel = false;
  private script: readonly number[] | undefined = undefined;
  /** Reads so far in the current step (the index into `script`). */
  private readNo = 0;
  /** Set while the explorer asks which messages a step's reads may take: the alternatives of each read. */
  recording: number[][] | undefined = undefined;
  /** Set while certifying: the writes appended after another access (candidates of promises). */
  collecting: PromiseCandidate[] | undefined = undefined;
  /** While certifying: the PE has accessed memory through the model on the path being run (kept by the certifier along its paths). */
  accessSeen = false;
  /** A message was appended (a write or a promise): every other append is ordered against it (the explorer's footprints). */
  readonly appended = new Hook<() => void>('message appended');
  private version = 0;
  private hashVersion = -1;
  private lastHash = 0;
  /** The snapshot the live state equals (taken or restored at `snapVersion`): its `hash` is set when the state is hashed unchanged. */
  private lastSnap: PromisingSnapshot | undefined = undefined;
  private snapVersion = -1;
  /** Per PE: the views array last digested (`viewsDigest`) and its digest. */
  private readonly viewsMemo: [Int32Array | undefined, number][] = [];

  constructor(private readonly host: PromisingHost) {
    const forgetAll = (): void => {
      for (const p of host.pes) p.env.mmu.forgetTranslations?.(p);
    };
    this.locations = new ModelLocations(host.memory.physical, host.mmioRanges, forgetAll, host.descriptors ?? [], host.fixedSystem === true);
    this.log = new MessageLog((loc) => this.locations.get(loc) ?? { lo: 0, hi: 0 });
    this.locals = host.pes.map((p) => new ThreadLocal(p.id));
    this.views = host.pes.map(() => new Int32Array(2 * PICK));
    this.cur = host.pes.map(() => undefined);
    this.translation = new TranslationViews(host.pes.length);
    for (const pe of host.pes) this.wrap(pe);
  }

  /** Put the model between PE `pe` and its MMU, memory system and instruction fetch. */
  private wrap(pe: Pe): void {
    const env = pe.env;
    const inner = env.memory;
    const fetch = env.fetchInstr.bind(env);
    env.fetchInstr = (pa, p) => {
      const i = fetch(pa, p);
      return i === undefined ? undefined : this.instr(i);
    };
    const mmu = env.mmu;
    const translate = mmu.translate.bind(mmu);
    // The wrappers are made once (every access of every step goes through them: no closure per access).
    const modelTranslate = (p: Pe, va: number, size: number, access: Parameters<typeof translate>[3]): void => {
      this.walking++;
      this.walkedModel = false;
      try {
        translate(p, va, size, access);
      } finally {
        this.walking--;
        // The model, not the TLB, decides which descriptor write a later translation uses (TLB entries are its choices).
        if (this.walkedModel) mmu.forgetTranslations?.(p);
        this.walkedModel = false;
      }
    };
    const tlbi = mmu.tlbi?.bind(mmu);
    const modelTlbi =
      tlbi === undefined
        ? undefined
        : (p: Pe, op: string, operand: bigint | undefined): void => {
            this.tlbi(p, op, operand);
            tlbi(p, op, operand);
          };
    env.mmu = new Proxy(mmu, {
      get: (t, prop) => {
        if (prop === 'translate') return modelTranslate;
        if (prop === 'tlbi' && modelTlbi !== undefined) return modelTlbi;
        const v = Reflect.get(t, prop, t) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    const modelRead = (p: Pe | undefined, pa: number, size: number, attrs: MemAttrs): void => {
      if (!this.read(p, pa, size, attrs)) inner.read(p, pa, size, attrs);
    };
    const modelWrite = (p: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): void => {
      if (!this.write(p, pa, size, lo, hi, attrs)) inner.write(p, pa, size, lo, hi, attrs);
    };
    env.memory = new Proxy(inner, {
      get: (t, prop) => {
        // No shortcut around `read`/`write` (memory/system.ts): the model sees every access.
        if (prop === 'readTranslated' || prop === 'writeTranslated') return undefined;
        if (prop === 'read') return modelRead;
        if (prop === 'write') return modelWrite;
        const v = Reflect.get(t, prop, t) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
  }

  /** The instruction with the model's bookkeeping around its execution (one wrapper per instruction). */
  private instr(i: Instr): Instr {
    let w = this.deps.get(i);
    if (w === undefined) {
      const deps = instrDeps(i);
      const dsb = i.mnemonic === 'dsb';
      // Exception entry and return are context synchronization events (Arm ARM D24.1.2): for translation, as an ISB.
      const sync = /^(eret|eretaa|eretab|svc|hvc|smc)$/.test(i.mnemonic);
      const exec = i.exec;
      // A copy of the instruction with its class (its `mnemonic` and `text` are getters: explorers classify steps by them).
      w = Object.defineProperty(Object.assign(Object.create(Object.getPrototypeOf(i) as object) as Instr, i), 'exec', {
        value: (pe: Pe) => {
          this.before(pe, deps, dsb, sync);
          exec(pe);
          this.after(pe, deps);
        },
      });
      this.deps.set(i, w);
    }
    return w;
  }

  private view(pe: number, r: number): number {
    return r < 0 ? 0 : this.views[pe][r];
  }

  /** The view of `r` with its pick view: what a write depending on `r` is ordered after. */
  private pickView(pe: number, r: number): number {
    if (r < 0) return 0;
    const a = this.views[pe];
    return a[r] > a[PICK + r] ? a[r] : a[PICK + r];
  }

  private maxView(pe: number, rs: readonly number[], pick = false): number {
    let v = 0;
    for (const r of rs) {
      const x = pick ? this.pickView(pe, r) : this.view(pe, r);
      if (x > v) v = x;
    }
    return v;
  }

  private setView(pe: number, r: number, v: number, pick = 0): void {
    if (r >= 0 && (this.views[pe][r] !== v || this.views[pe][PICK + r] !== pick)) {
      this.views = this.views.slice();
      const a = Int32Array.from(this.views[pe]);
      a[r] = v;
      a[PICK + r] = pick;
      this.views[pe] = a;
    }
  }

  private before(pe: Pe, deps: InstrDeps, dsb: boolean, sync: boolean): void {
    // Promise-first: every promise is made before the first step.
    if (this.promisePhase) this.promisePhase = false;
    this.version++;
    this.readNo = 0;
    this.cur[pe.id] = { deps, addrView: this.maxView(pe.id, deps.addr), addrPickView: this.maxView(pe.id, deps.addr, true), reads: [], readPicks: [], writes: 0, exFailed: false };
    const local = this.locals[pe.id];
    if (deps.barrierCrm >= 0) {
      const opt = barrierOption(deps.barrierCrm);
      if (opt !== undefined && ordersEveryObserver(opt.domain, this.host.pes.length, this.host.innerDomain(pe.id))) local.dmb(opt.order);
      if (dsb && opt !== undefined) this.dsb(pe.id, opt.domain);
    }
    if (deps.isb) local.isb();
    if (deps.isb || sync) this.translation.isb(pe.id, local.vcap);
    for (const r of deps.control) local.control(this.pickView(pe.id, r));
  }

  private after(pe: Pe, deps: InstrDeps): void {
    const s = this.cur[pe.id];
    this.cur[pe.id] = undefined;
    if (s === undefined) return;
    const id = pe.id;
    switch (deps.group) {
      case 'data-processing': {
        let v = this.maxView(id, deps.srcs);
        let pick = this.maxView(id, deps.srcs, true);
        if (deps.selectCond >= 0) {
          // A conditional select depends on the register it selected only (Rn when the condition holds), as herd7.
          const r = deps.selected[conditionHolds(pe, deps.selectCond) ? 0 : 1];
          v = this.view(id, r);
          pick = this.pickView(id, r);
        }
        this.setView(id, deps.dst, v, pick);
        if (deps.setsFlags) this.setView(id, FLAGS, v, pick);
        break;
      }
      case 'branch':
        if (deps.link) this.setView(id, 30, 0);
        break;
      case 'system':
        this.setView(id, deps.sysDst, 0);
        break;
      case 'load-store':
        deps.loadDst.forEach((r, k) => {
          if (k >= s.reads.length) return;
          if (deps.compareAndSwap && s.writes > 0) {
            // A CAS that succeeded: herd7 (AArch64Sem `cas`, aarch64_cas_ok) allows either source for Rs's new value:
            // Rs itself, equal to the value read, with the read as a pick dependency (`DataFromRRs`), or the read
            // (`DataFromRx`). An access ordered after either is allowed: a read after the smaller of the two views,
            // a write after the read, which both order (MP+rel+CAS-ok-MRs-addr and LB+rel+CAS-ok-RsRs-addr Allowed,
            // LB+rel+CAS-ok-MRs-addr Forbidden). The choice is per instruction in herd7, per access here: a superset.
            const own = this.view(id, r);
            this.setView(id, r, own < s.reads[k] ? own : s.reads[k], s.reads[k]);
          } else this.setView(id, r, s.reads[k], s.readPicks[k]);
        });
        if (deps.status >= 0) {
          this.setView(id, deps.status, 0);
          if (s.exFailed) {
            pe.setW(deps.status, 1);
            this.locals[id].writeFailure();
          }
        }
        break;
      default:
        break;
    }
  }

  /** Whether the model serves an access (header comment); its location enters the model on first use (modelLocations.ts). */
  private location(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): boolean {
    if (pe === undefined || this.walking > 0 || this.cur[pe.id] === undefined || attrs.kind !== 'normal') return false;
    const g = this.locations.generation;
    const served = this.locations.of(pa, size, attrs) !== undefined;
    // A location entering the model changes the state whether or not this access is served.
    if (this.locations.generation !== g) this.version++;
    return served;
  }

  /** A model read into pe.ldLo/ldHi; false when the access is outside the model. */
  private read(pe: Pe | undefined, pa: number, size: number, attrs: MemAttrs): boolean {
    if (this.walking > 0) return this.walkRead(pe, pa, size);
    if (!this.location(pe, pa, size, attrs)) return false;
    const p = pe!;
    const s = this.cur[p.id]!;
    const local = this.locals[p.id];
    const kind = s.deps.read;
    let options = local.readable(this.log, pa, s.addrView, kind);
    // An atomic's write must follow the message its read took in coherence order: it reads the newest one.
    // With promises, it reads the message just before one of its own promises to `pa` (the write it will fulfil), or the
    // newest message when that is not its own promise (a thread never reads its own unfulfilled promise: otherwise an
    // LDADD would promise, read its promise and promise again, without end).
    if (kind.exclusive === true && s.deps.write.atomic === true) {
      const own = local.promises.filter((t) => this.log.get(t)!.loc === pa);
      const newest = this.log.latestTs(pa, this.log.length);
      const set = new Set(own.map((t) => this.log.latestTs(pa, t - 1)));
      if (!own.includes(newest)) set.add(newest);
      options = [...set].filter((t) => !own.includes(t)).sort((a, b) => a - b);
      if (options.length === 0) options = [newest];
    }
    const ts = this.choose(options);
    const v = this.log.valueAt(pa, ts);
    const post = local.read(this.log, pa, ts, s.addrView, kind);
    // A pick address dependency orders the writes after the read (`pick-addr-dep; [M]; po; [W]`).
    local.control(s.addrPickView);
    s.reads.push(post);
    s.readPicks.push(local.readPick);
    if (this.collecting !== undefined) this.accessSeen = true;
    this.version++;
    p.ldLo = v.lo;
    p.ldHi = size === 8 ? v.hi : 0;
    const hooks = this.host.memory.hooks;
    if (hooks.read.active) hooks.read.emit(p, pa, size, p.ldLo, p.ldHi, attrs);
    return true;
  }

  /**
   * A descriptor read of a translation for an explicit access (translation.ts): a walk now or a TLB entry, one of
   * `TranslationViews.usable`. Descriptors no model write reached, and walks for instruction fetches, stay outside.
   */
  private walkRead(pe: Pe | undefined, pa: number, size: number): boolean {
    if (pe === undefined || size !== 8 || !walkInProgress.active) return false;
    const s = this.cur[pe.id];
    if (s === undefined) return false;
    const loc = this.locations.get(pa);
    if (loc === undefined || loc.size !== 8) {
      const g = this.locations.generation;
      this.locations.walkedOutside(pa);
      if (this.locations.generation !== g) this.version++;
      return false;
    }
    this.walkedModel = true;
    const local = this.locals[pe.id];
    const own = local.promises.filter((t) => this.log.get(t)!.loc === pa);
    const options = this.translation.usable(this.log, pa, pe.id, walkInProgress.va, s.addrView, own, (ts) => (this.log.valueAt(pa, ts).lo & 1) !== 0);
    const ts = this.choose(options);
    const v = this.log.valueAt(pa, ts);
    // The access is ordered after its translation (its address comes from the descriptor).
    if (ts > s.addrView) s.addrView = ts;
    if (ts > s.addrPickView) s.addrPickView = ts;
    this.version++;
    pe.ldLo = v.lo;
    pe.ldHi = v.hi;
    return true;
  }

  /** DSB by `pe`: completes its accesses for its own walks and its TLBIs for the PEs of its domain. */
  private dsb(pe: number, domain: BarrierDomain): void {
    const local = this.locals[pe];
    const all = this.host.pes.map((p) => p.id);
    const pes = domain === 'ish' ? this.host.innerDomain(pe) : domain === 'nsh' ? [pe] : all;
    const at = this.translation.dsb(pe, Math.max(local.vro, local.vwo), pes, this.log);
    if (at > local.vwn) local.vwn = at;
    this.version++;
  }

  /** A TLBI by `pe` enters the model pending: a DSB completes it (`dsb`). */
  private tlbi(pe: Pe, op: string, operand: bigint | undefined): void {
    if (this.cur[pe.id] === undefined) return;
    const scope = tlbiScope(pe, op, operand);
    // The IPAS2 forms remove stage-2 entries only: a translation cached combined survives them (docs/memory-model.md).
    if (scope.combined === undefined) return;
    const all = this.host.pes.map((p) => p.id);
    const reaches = scope.reach === 'outer' ? all : scope.reach === 'inner' ? this.host.innerDomain(pe.id) : [pe.id];
    this.translation.tlbi(pe.id, { text: scope.text, reaches: [...reaches], range: scope.everything ? undefined : scope.range });
    this.version++;
  }

  private choose(options: number[]): number {
    const k = this.readNo++;
    if (this.recording !== undefined) this.recording.push(options);
    const scripted = this.script?.[k];
    if (scripted !== undefined && options.includes(scripted)) return scripted;
    if (this.host.random !== undefined && options.length > 1) return options[this.host.random(options.length)];
    return options[0];
  }

  /** A model write; false when the access is outside the model. */
  private write(pe: Pe | undefined, pa: number, size: number, lo: number, hi: number, attrs: MemAttrs): boolean {
    if (!this.location(pe, pa, size, attrs)) return false;
    if (this.log.length >= MAX_MESSAGES) {
      // The bound of the message list (docs/limits.md): the run ends; this write lands outside the model.
      this.host.stop(`the memory model holds at most ${MAX_MESSAGES} writes per execution`);
      return false;
    }
    const p = pe!;
    const s = this.cur[p.id]!;
    const local = this.locals[p.id];
    const kind = s.deps.write;
    const mask = size >= 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    const vlo = (lo & mask) >>> 0;
    const vhi = size === 8 ? hi >>> 0 : 0;
    const dataView = this.pickView(p.id, s.deps.data[s.writes] ?? -1);
    // A CAS writes only when Rs equals the value read: its write is ordered after Rs (herd7 `cas`: the comparison's
    // branch orders the write, LB+rel+CAS Forbidden), but that order is not passed on to a read of the write
    // (forwarded: its view is the address and data views; MP+rel+CAS-addr Allowed). A write appended at the end of
    // the log (`writeNow`) is after every view.
    const orderView = s.deps.compareAndSwap ? Math.max(dataView, this.pickView(p.id, s.deps.loadDst[0])) : dataView;
    // A read of a CAS's write (forwarded) depends on the comparison through a choice: its pick view (`Forward.pick`).
    const pick = s.deps.compareAndSwap ? Math.max(orderView, s.reads[0] ?? 0) : 0;
    s.writes++;
    this.version++;
    for (const ts of local.promises) {
      if (local.fulfils(this.log, ts, pa, vlo, vhi) && local.writable(this.log, pa, ts, s.addrPickView, orderView, kind)) {
        local.fulfil(pa, ts, s.addrPickView, dataView, kind, pick);
        return true;
      }
    }
    const ts = local.writeNow(this.log, pa, vlo, vhi, s.addrPickView, dataView, kind, pick);
    if (ts === undefined) {
      // An exclusive store the model does not allow (another PE wrote in between): it fails.
      s.exFailed = true;
      return true;
    }
    if (this.appended.active) this.appended.emit();
    // A PE's first access needs no promise: the PE can simply run up to it whenever it should appear.
    if (this.collecting !== undefined) {
      if (this.accessSeen) this.collecting.push({ pe: p.id, pa, size, lo: vlo, hi: vhi, attrs });
      this.accessSeen = true;
    }
    this.host.memory.write(p, pa, size, vlo, vhi, attrs);
    return true;
  }

  /** The explorer's read choices for the next step: the timestamps each read takes, in order. */
  setScript(reads: readonly number[] | undefined): void {
    this.script = reads;
  }

  /** Some PE still owes a promised write (the execution cannot be completed: the explorer discards it). */
  outstanding(): boolean {
    return this.locals.some((l) => l.promises.length > 0);
  }

  /** PE `c.pe` promises the write `c` (appended now; written through: it is the coherence-latest). */
  promise(c: PromiseCandidate): void {
    this.locations.of(c.pa, c.size, c.attrs);
    this.locals[c.pe].promise(this.log, c.pa, c.lo, c.hi);
    this.version++;
    if (this.appended.active) this.appended.emit();
    this.host.memory.write(this.host.pes[c.pe], c.pa, c.size, c.lo, c.hi, c.attrs);
  }

  /** Whether PE `pe` has an outstanding promise of this write already (one promise per (location, value)). */
  promised(pe: number, pa: number, lo: number, hi: number): boolean {
    const l = this.locals[pe];
    return l.promises.some((ts) => l.fulfils(this.log, ts, pa, lo, hi));
  }

  /** Promises are offered by the explorer (explore/relaxed.ts), not by the run policy: nothing to add here. */
  enabledActions(out: Action[]): void {
    void out;
  }

  apply(action: ComponentAction): void {
    this.promise(action.data as PromiseCandidate);
  }

  describe(c: PromiseCandidate): string {
    return `pe ${c.pe} promises ${hex(c.pa)}=${hex(BigInt(c.hi) * 2n ** 32n + BigInt(c.lo))}`;
  }

  snapshot(): PromisingSnapshot {
    const translation = this.translation.snapshot();
    const snap: PromisingSnapshot = { log: this.log.snapshot(), locals: this.locals.map((l) => l.snapshot()), views: this.views, locs: this.locations.snapshot(), promisePhase: this.promisePhase, translation };
    if (this.hashVersion === this.version) snap.hash = this.lastHash;
    this.lastSnap = snap;
    this.snapVersion = this.version;
    return snap;
  }

  restore(s: unknown): void {
    const snap = s as PromisingSnapshot;
    this.log.restore(snap.log);
    this.locals.forEach((l, i) => l.restore(snap.locals[i]));
    this.views = snap.views;
    this.locations.restore(snap.locs);
    this.promisePhase = snap.promisePhase;
    this.translation.restore(snap.translation);
    this.cur.fill(undefined);
    this.version++;
    // The same state as when captured: the same fingerprint.
    if (snap.hash !== undefined) {
      this.lastHash = snap.hash;
      this.hashVersion = this.version;
    }
    this.lastSnap = snap;
    this.snapVersion = this.version;
  }

  /** Digest of PE `pe`'s register views (an array is never changed once in `views`: its digest is kept with it). */
  private viewsDigest(pe: number): number {
    const a = this.views[pe];
    const m = (this.viewsMemo[pe] ??= [undefined, 0]);
    if (m[0] !== a) [m[0], m[1]] = [a, digestWords(a, 0x7669_6577)];
    return m[1];
  }

  /** Fingerprint of what PE `pe` running alone depends on in the model: the messages, the locations held, its thread state and its register views. */
  threadHash(pe: number): number {
    const h = modelLanes.reset(0x9a0e_0000 + pe).digest(this.log.digest()).digest(this.locals[pe].digest()).digest(this.viewsDigest(pe));
    this.locations.hashInto(h);
    return h.value();
  }

  stateHash(): number {
    if (this.hashVersion === this.version) return this.lastHash;
    // The parts' digests, each kept while its part is unchanged (a step changes one PE's).
    const h = modelLanes.reset(0x9a0d_0000).digest(this.log.digest());
    for (const l of this.locals) h.digest(l.digest());
    this.translation.hashInto(h);
    this.locations.hashInto(h);
    for (let pe = 0; pe < this.views.length; pe++) h.digest(this.viewsDigest(pe));
    h.word(this.promisePhase ? 1 : 0);
    this.lastHash = h.value();
    this.hashVersion = this.version;
    if (this.snapVersion === this.version && this.lastSnap !== undefined) this.lastSnap.hash = this.lastHash;
    return this.lastHash;
  }
}

/** `stateHash`'s and `threadHash`'s running hash (neither is re-entered: the parts keep digests of their own). */
const modelLanes = new Lanes();
