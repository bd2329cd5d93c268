/**
 * What an action touched — its *footprint* — observed through the machine's
 * hook points while the action runs, and when two actions are independent
 * (the partial-order reduction's test, search.ts).
 *
 * Two actions enabled in the same state are independent when each leaves the
 * other enabled and applying them in either order gives the same state. In
 * this machine that holds when neither writes a resource the other reads or
 * writes, with these resources:
 *
 * | resource | read by | written by |
 * |---|---|---|
 * | a memory line (64 bytes: its data in memory and every cached copy, every attribute; under `memory_model promising`, which of its locations the model holds) | loads, table-walk reads, a speculative fill of a line found by reverse translation (the lines of the descriptors mapping it) | stores, cache maintenance by VA, a copy changing MOESI state (fills, snoops, evictions, write-backs), an agent's `write` event, a location entering the memory model (its first model access) |
 * | a cache set (its ways' validity and replacement order) | — | a cacheable access or table walk (every set on the PE's path: L1, L2, system cache), a copy changing state there |
 * | a PE's DSB state (which granules it wrote since its last DSB: the `stale-descriptor` rule) | every table-walk read | that PE's DSB |
 * | a PE's translation regime (what its speculative fills may read) | its speculative fills | its system-register writes, exceptions and returns (EL changes) |
 * | the fill and eviction counts (when bounded) | — | each fill, each eviction |
 * | an event's own state | — | its firing |
 * | "some PE can step" (window events and cache choices are enabled only while one can) | window events, speculative fills, evictions | a step after which no PE can step |
 * | whether a PE can step (its fills are offered until it halts; "some PE can step" above stays true while one other can) | its speculative fills; a step of another PE after which that PE cannot step but this one still can | a step after which its PE cannot step (halted, or waiting with nothing to wake it) |
 * | the memory model's message list (`memory_model promising`: the order of its messages is state) | — | a write appended to it |
 * | a PE's thread (`memory_model promising`: its steps for different read choices exclude each other) | — | each step of that PE |
 *
 * A PE's registers, PSTATE, TLB, exclusive monitor and interrupt lines are
 * touched only by that PE's own steps and by *global* actions. Global — in
 * conflict with every action — are: anything the GIC or the built-in firmware
 * takes part in (their hooks fired: interrupts signalled, made pending,
 * acknowledged; FF-A calls; with firmware, any exception), TLB invalidation
 * (broadcast, and the checkers' TLBI state), a descriptor walked outside the
 * memory model entering it (every PE's TLBs forget), SEV/SEVL and WFE (other PEs'
 * event registers; a store clearing a reservation sets one), GIC and Generic
 * Timer system registers (read or written), device (MMIO) accesses, writes to
 * code, set/way and instruction-cache maintenance, an action after which an
 * event is urgent (it then disables every PE step), and every action while
 * the step count matters (a step event or window pending, a timer armed, code
 * that reads the counter).
 *
 * Findings and faults are recorded as sets in the fingerprint (the order two
 * independent actions recorded them in does not matter), so they are no
 * resource. test/explore/reduction.test.ts checks the table against a
 * search without reduction on random scenarios.
 */
import { CacheHierarchy } from '../cache/hierarchy';
import type { Action } from '../component/actions';
import type { Machine } from '../engine/machine';
import { canStep } from '../engine/peCore';
import type { Pe } from '../pe/pe';

const enum Kind {
  Line = 0,
  Set = 1,
  Dsb = 2,
  Regime = 3,
  Event = 4,
  Fills = 5,
  Evictions = 6,
  Live = 7,
  Messages = 8,
  Thread = 9,
  Halt = 10,
}

const KINDS = 11;

function res(kind: Kind, value: number): number {
  return value * KINDS + kind;
}

/** Resources an action read and wrote, or `global` (in conflict with every action). */
export interface Footprint {
  readonly reads: readonly number[];
  readonly writes: readonly number[];
  readonly global: boolean;
}

/** A footprint that conflicts with everything. */
export const GLOBAL: Footprint = { reads: [], writes: [], global: true };

/** Neither writes what the other reads or writes (and neither is global). */
export function independent(a: Footprint, b: Footprint): boolean {
  if (a.global || b.global) return false;
  for (const w of a.writes) if (b.writes.includes(w) || b.reads.includes(w)) return false;
  for (const w of b.writes) if (a.reads.includes(w)) return false;
  return true;
}

/**
 * Whether some PE can step and whether each PE can (`Live`, `Halt`): only cache choices and window events are
 * enabled by them; between two PE steps they order nothing but which halting step writes `Live` last, and both
 * orders end in the same state. So when every action seen is a PE step (relaxed.ts takes steps alone only then)
 * they are no dependency.
 */
export function orderOnlyForChoices(r: number): boolean {
  const k = r % KINDS;
  return k === (Kind.Live as number) || k === (Kind.Halt as number);
}

/**
 * A step of PE `pe` that wrote only what is its own or read by no PE step: its thread, its translation regime,
 * whether it can step and whether some PE can (`orderOnlyForChoices`) — a HLT among them.
 * `memory`: the memory model's message list and memory lines may be written too (a store). relaxed.ts takes such a
 * step alone when no other PE's action can touch what it reads or writes.
 */
export function writesOwnOnly(fp: Footprint, pe: number, memory = false): boolean {
  if (fp.global) return false;
  for (const w of fp.writes) {
    if (w === res(Kind.Thread, pe) || w === res(Kind.Regime, pe) || orderOnlyForChoices(w)) continue;
    if (memory && (w === res(Kind.Messages, 0) || w % KINDS === (Kind.Line as number))) continue;
    return false;
  }
  return true;
}

/** More resources than this and a footprint is simply global (a firmware call writing tables, a memset): comparing long lists costs more than it saves. */
const MAX_RESOURCES = 64;

/** GIC and Generic Timer system registers: shared state (the GIC) or the step count (the timer). */
const SHARED_SYSREG = /^(ICC_|ICH_|ICV_|CNT)/i;
/** Instructions whose effect reaches other PEs or the step count without a hook saying so. */
const SHARED_INSTR = /^(sev|sevl|wfe)$/;
/** An MRS/MSR operand naming a shared register. */
const SHARED_OPERAND = /\b(icc_|ich_|icv_|cnt)/i;

/** Per decoded instruction: it reaches other PEs or the step count without a hook saying so (`SHARED_INSTR`, `SHARED_OPERAND`). */
const sharedInstrs = new WeakMap<object, boolean>();

function sharedInstr(instr: { mnemonic: string; text: string }): boolean {
  let shared = sharedInstrs.get(instr);
  if (shared === undefined) {
    shared = SHARED_INSTR.test(instr.mnemonic) || ((instr.mnemonic === 'mrs' || instr.mnemonic === 'msr') && SHARED_OPERAND.test(instr.text));
    sharedInstrs.set(instr, shared);
  }
  return shared;
}

export class FootprintRecorder {
  private reads: number[] = [];
  private writes: number[] = [];
  private global = false;
  private recording = false;
  private readonly offs: (() => void)[] = [];
  private readonly hier: CacheHierarchy | undefined;
  private readonly codeLo: number;
  private readonly codeHi: number;
  private readonly mmio: readonly { base: number; size: number }[];
  /** The program reads or writes the Generic Timer: the step count is state (the system counter). */
  readonly readsCounter: boolean;

  constructor(private readonly m: Machine) {
    const hier = m.memory instanceof CacheHierarchy ? m.memory : undefined;
    this.hier = hier;
    const pas = [...m.model.program.instrs.keys()];
    this.codeLo = pas.length > 0 ? Math.min(...pas) : Infinity;
    this.codeHi = pas.length > 0 ? Math.max(...pas) + 4 : -Infinity;
    this.mmio = m.platform.mmioRanges;
    this.readsCounter = [...m.model.program.instrs.values()].some((i) => SHARED_OPERAND.test(i.text) && /cnt/i.test(i.text));
    const h = m.hooks;
    const line = (pa: number): number => Math.floor(pa / 64);
    this.offs.push(
      h.memory.read.subscribe((pe, pa, size, _lo, _hi, attrs) => {
        if (!this.recording) return;
        if (this.isDevice(pa)) return this.setGlobal();
        this.read(res(Kind.Line, line(pa)));
        if (line(pa + size - 1) !== line(pa)) this.read(res(Kind.Line, line(pa + size - 1)));
        if (attrs.cacheable) this.touchPath(pe, pa);
      }),
      h.memory.write.subscribe((pe, pa, size, _lo, _hi, attrs) => {
        if (!this.recording) return;
        if (this.isDevice(pa) || (pa < this.codeHi && pa + size > this.codeLo)) return this.setGlobal();
        this.write(res(Kind.Line, line(pa)));
        if (line(pa + size - 1) !== line(pa)) this.write(res(Kind.Line, line(pa + size - 1)));
        if (pe !== undefined && attrs.cacheable) this.touchPath(pe, pa);
      }),
      h.memory.maintenance.subscribe((_pe, op, pa) => {
        if (!this.recording) return;
        if (pa === undefined || op.startsWith('ic ')) return this.setGlobal();
        this.write(res(Kind.Line, line(pa)));
      }),
      h.memory.barrier.subscribe((pe, kind) => {
        if (this.recording && kind === 'dsb') this.write(res(Kind.Dsb, pe.id));
      }),
      h.mmu.walkStep.subscribe((pe, r) => {
        if (!this.recording) return;
        this.read(res(Kind.Line, line(r.pa)));
        // A walk reads through the caches when its tables are cacheable (TCR_ELx.IRGN/ORGN): their sets' order may change.
        this.touchPath(pe, r.pa);
        for (let q = 0; q < m.pes.length; q++) this.read(res(Kind.Dsb, q));
      }),
      h.mmu.tlbi.subscribe(() => this.setGlobal()),
      h.pe.sysregWrite.subscribe((pe, register) => {
        if (!this.recording) return;
        if (SHARED_SYSREG.test(register)) return this.setGlobal();
        this.write(res(Kind.Regime, pe.id));
      }),
      h.pe.stateChange.subscribe((pe) => {
        if (this.recording) this.write(res(Kind.Regime, pe.id));
      }),
      h.pe.exception.subscribe((pe) => {
        if (!this.recording) return;
        if (m.firmware !== undefined) return this.setGlobal();
        this.write(res(Kind.Regime, pe.id));
      }),
      h.gic.signal.subscribe(() => this.setGlobal()),
      h.gic.pending.subscribe(() => this.setGlobal()),
      h.gic.interrupt.subscribe(() => this.setGlobal()),
    );
    // Under the memory model every appended message is ordered against every other one (one message list).
    if (m.memoryOrder !== undefined) {
      this.offs.push(
        m.memoryOrder.appended.subscribe(() => {
          if (this.recording) this.write(res(Kind.Messages, 0));
        }),
        // A location entering the model changes how every later access and walk of it is served (engine/modelLocations.ts);
        // when every PE's TLBs forgot their translations, other PEs' steps that would have hit them change too.
        m.memoryOrder.locations.entered.subscribe((pa, forgot) => {
          if (!this.recording) return;
          if (forgot) return this.setGlobal();
          this.write(res(Kind.Line, line(pa)));
        }),
      );
    }
    if (h.cache !== undefined) {
      this.offs.push(
        h.cache.lineState.subscribe((l) => {
          if (!this.recording) return;
          this.write(res(Kind.Line, line(l.pa)));
          this.write(res(Kind.Set, l.cache.index * 2 ** 24 + Math.floor(l.index / l.cache.ways)));
        }),
      );
    }
    if (h.firmware !== undefined) {
      this.offs.push(
        h.firmware.callEntry.subscribe(() => this.setGlobal()),
        h.firmware.call.subscribe(() => this.setGlobal()),
        h.firmware.callExit.subscribe(() => this.setGlobal()),
      );
    }
  }

  detach(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private isDevice(pa: number): boolean {
    for (const r of this.mmio) if (pa >= r.base && pa < r.base + r.size) return true;
    return this.hier?.isDevice(pa) ?? false;
  }

  /**
   * A cacheable access by PE `pe` may use (hit or allocate in) a set of every
   * cache on its path — its L1, its cluster's L2, the system cache: each
   * set's replacement order may change.
   */
  private touchPath(pe: Pe | undefined, pa: number): void {
    const h = this.hier;
    if (h === undefined || pe === undefined || h.isDevice(pa)) return;
    for (const c of h.paths[pe.id]) this.write(res(Kind.Set, c.index * 2 ** 24 + ((pa >>> 6) & c.setMask)));
  }

  private read(r: number): void {
    if (!this.reads.includes(r)) this.reads.push(r);
    if (this.reads.length > MAX_RESOURCES) this.global = true;
  }

  private write(r: number): void {
    if (!this.writes.includes(r)) this.writes.push(r);
    if (this.writes.length > MAX_RESOURCES) this.global = true;
  }

  private setGlobal(): void {
    if (this.recording) this.global = true;
  }

  /**
   * Apply `action` to the machine and return its footprint. `timeMatters`:
   * the step count is state at this point (every action is then global).
   */
  take(action: Action, timeMatters: boolean): Footprint {
    const m = this.m;
    this.reads = [];
    this.writes = [];
    this.global = timeMatters;
    let pe: Pe | undefined;
    let pc = NaN;
    if (action.kind === 'pe-step') {
      pe = m.pes[action.pe];
      // Under the memory model one PE may have several steps enabled (one per read choice): they exclude each other.
      if (m.memoryOrder !== undefined) this.write(res(Kind.Thread, pe.id));
      pc = pe.pc;
      m.clearFetch(pe.id);
    } else if (action.kind === 'event') {
      this.write(res(Kind.Event, action.index));
      if (m.events.isWindow(action.index)) this.read(res(Kind.Live, 0));
    } else {
      const d = action.data as { kind?: string; pe?: number; deps?: number[] } | undefined;
      // Cache choices are enabled only while some PE can step (choices.ts).
      if (d?.kind === 'fill') {
        this.read(res(Kind.Regime, d.pe ?? 0));
        // A PE's fills are offered only while it has not halted (choices.ts).
        this.read(res(Kind.Halt, d.pe ?? 0));
        // A fill of a mapped line takes its attributes from these descriptors: a write to them may change it.
        for (const l of d.deps ?? []) this.read(res(Kind.Line, Math.floor(l / 64)));
        this.write(res(Kind.Fills, 0));
        this.read(res(Kind.Live, 0));
      } else if (d?.kind === 'evict') {
        this.write(res(Kind.Evictions, 0));
        this.read(res(Kind.Live, 0));
      } else this.global = true;
    }
    this.recording = true;
    try {
      m.take(action);
    } finally {
      this.recording = false;
    }
    if (pe !== undefined) {
      const instr = m.fetchedAt(pe.id, pc);
      if (instr !== undefined && sharedInstr(instr)) this.global = true;
      // The PE stopped being able to step (halted, or waiting with nothing to wake it): "some PE can step" changed
      // when no other PE can step; else it holds because another can, which such a step of that PE would change.
      if (!canStep(pe)) {
        const pes = m.pes;
        let others = false;
        for (let q = 0; q < pes.length && !others; q++) others = q !== pe.id && canStep(pes[q]);
        this.write(res(Kind.Halt, pe.id));
        if (!others) this.write(res(Kind.Live, 0));
        else for (let q = 0; q < pes.length; q++) if (q !== pe.id) this.read(res(Kind.Halt, q));
      }
    }
    return this.global ? GLOBAL : { reads: this.reads, writes: this.writes, global: false };
  }
}
