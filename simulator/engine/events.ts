/**
 * Scenario events (`event when … do …`, docs/language.md "Events"): when each
 * is due, and what firing it does. A due event is an enabled action of the
 * machine (component/actions.ts `ScenarioEventAction`); the run policy fires
 * it as soon as it is due.
 *
 * Triggers: `step N` (due from step N; `every`: again one period later),
 * `pe N reaches LABEL` (due when the PE is at the label, once per arrival),
 * `condition COND` (due when the condition becomes true).
 *
 * Windows (`between step A and B`, `after BOUND [before BOUND]`, `anytime`)
 * are choice points (DESIGN.md "One step, two drivers"): the event fires once,
 * at any moment while its window is open. The window opens when its `after`
 * bound is reached (a step count, or the PE arriving at the label — latched),
 * and closes at its `before` bound: at step B the event is *urgent* (nothing
 * else may happen before it fires), and a PE about to execute the `before`
 * label waits until it has fired. A window that closes before it opened is
 * cancelled. The run policy fires an open window's event at once (the
 * earliest moment: `between step 10 and 60` runs as `when step 10`); an
 * explorer may choose any moment (simulator/explore).
 */
import type { Action } from '../component/actions';
import { NORMAL_NC } from '../memory/attributes';
import type { EventBound, EventDecl } from '../scenario/model';
import { CacheHierarchy } from '../cache/hierarchy';
import type { StateHasher } from '../component/state';
import { evaluateCondition } from './evaluate';
import type { Machine } from './machine';

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
  /** Windows: the `after` bound was reached (latched). */
  opened: boolean;
  /** Windows: `after pe N reaches` / `before pe N reaches` as (PE, PC); -1 when the bound is not a reach. */
  openPe: number;
  openPc: number;
  closePe: number;
  closePc: number;
}

/** The part of an event's state checkpoints capture. */
export interface EventSnapshot {
  nextStep: number;
  lastInstret: number;
  fired: number;
  done: boolean;
  armedOff: boolean;
  opened: boolean;
}

export class ScenarioEvents {
  private readonly events: EventState[] = [];
  /** One preallocated action per event (choices without allocation). */
  private readonly actions: Action[] = [];
  /** Per PE: reach-event target PCs (empty when none). */
  readonly reachPcs: number[][];
  /** Some event has a reach trigger: every PE step may make one due. */
  hasReach = false;
  /** Some event has a `condition` trigger: it is evaluated before every step. */
  hasCondition = false;
  /** The earliest step at which a step-triggered event is due or a window opens or closes (Infinity: none); kept up to date by `fire` and `restore`. */
  nextTimedStep = Infinity;
  /** Some event has a window (a choice point for exploration). */
  hasWindows = false;

  constructor(private readonly m: Machine) {
    this.reachPcs = m.pes.map(() => []);
    m.model.events.forEach((decl, index) => {
      const st: EventState = {
        decl,
        nextStep: Infinity,
        reachPe: -1,
        reachPc: NaN,
        lastInstret: -1,
        fired: 0,
        done: false,
        armedOff: false,
        opened: false,
        openPe: -1,
        openPc: NaN,
        closePe: -1,
        closePc: NaN,
      };
      const t = decl.trigger;
      if (t.kind === 'step') st.nextStep = t.step;
      else if (t.kind === 'condition') this.hasCondition = true;
      else if (t.kind === 'window') {
        this.hasWindows = true;
        const open = this.reachBound(t.after);
        const close = this.reachBound(t.before);
        if (open === null || close === null) st.done = true;
        else {
          if (open !== undefined) [st.openPe, st.openPc] = open;
          if (close !== undefined) [st.closePe, st.closePc] = close;
          st.opened = t.after === undefined;
        }
      } else if (t.target.value !== undefined && t.pe < m.pes.length) {
        st.reachPe = t.pe;
        st.reachPc = Number(BigInt.asIntN(64, t.target.value));
        this.reachPcs[st.reachPe].push(st.reachPc);
        this.hasReach = true;
      } else st.done = true;
      this.events.push(st);
      this.actions.push({ kind: 'event', index });
    });
    this.nextTimedStep = this.computeNextTimedStep();
  }

  get count(): number {
    return this.events.length;
  }

  /** A reach bound as (PE, PC), registered as a reach PC (the scheduler looks again on arrival); null when unresolved. */
  private reachBound(b: EventBound | undefined): [number, number] | null | undefined {
    if (b === undefined || b.kind === 'step') return undefined;
    if (b.target.value === undefined || b.pe >= this.m.pes.length) return null;
    const pc = Number(BigInt.asIntN(64, b.target.value));
    this.reachPcs[b.pe].push(pc);
    this.hasReach = true;
    return [b.pe, pc];
  }

  /** Append an action for every due event, in declaration order. */
  collectDue(out: Action[]): void {
    for (let i = 0; i < this.events.length; i++) if (this.due(this.events[i])) out.push(this.actions[i]);
  }

  anyDue(): boolean {
    for (const ev of this.events) if (this.due(ev)) return true;
    return false;
  }

  private due(ev: EventState): boolean {
    if (ev.done) return false;
    if (ev.decl.trigger.kind === 'window') return this.windowOpen(ev, ev.decl.trigger);
    // Once every PE has stopped the run is over: a (repeating) step event does not keep it alive.
    if (ev.decl.trigger.kind === 'step') return this.m.steps >= ev.nextStep && !this.allPesHalted();
    if (ev.decl.trigger.kind === 'condition') return this.conditionDue(ev, ev.decl.trigger.condition);
    const pe = this.m.pes[ev.reachPe];
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
      held = evaluateCondition(this.m, condition);
    } catch {
      held = false;
    }
    if (!held) ev.armedOff = false;
    return held && !ev.armedOff;
  }

  /**
   * Whether a window's event may fire now: latches the opening (the `after`
   * bound reached) and cancels a window that closes before it opened. Once
   * every PE has halted no event fires (as for step events).
   */
  private windowOpen(ev: EventState, w: Extract<EventDecl['trigger'], { kind: 'window' }>): boolean {
    if (this.allPesHalted()) return false;
    if (!ev.opened) {
      const a = w.after;
      if (a?.kind === 'step' ? this.m.steps >= a.step : this.atReach(ev.openPe, ev.openPc)) {
        ev.opened = true;
        return true;
      }
      const b = w.before;
      if (b !== undefined && (b.kind === 'step' ? this.m.steps >= b.step : this.atReach(ev.closePe, ev.closePc))) {
        ev.done = true;
        this.nextTimedStep = this.computeNextTimedStep();
      }
      return false;
    }
    return true;
  }

  private atReach(pe: number, pc: number): boolean {
    const p = this.m.pes[pe];
    return p.pc === pc && p.state !== 'halted';
  }

  /** Event `index` is a window event (a choice the explorer makes) rather than one due at a given moment. */
  isWindow(index: number): boolean {
    return this.events[index].decl.trigger.kind === 'window';
  }

  /**
   * A due event that must fire before anything else happens: every due
   * trigger event, and a window event whose `before step` bound is reached.
   */
  urgent(index: number): boolean {
    const ev = this.events[index];
    const t = ev.decl.trigger;
    if (t.kind !== 'window') return true;
    return t.before?.kind === 'step' && this.m.steps >= t.before.step;
  }

  /** A PE that may not step now: it is about to execute the `before` label of an open window whose event has not fired. */
  blocks(pe: number): boolean {
    for (const ev of this.events) if (ev.closePe === pe && ev.opened && !ev.done && this.m.pes[pe].pc === ev.closePc) return true;
    return false;
  }

  private allPesHalted(): boolean {
    for (const pe of this.m.pes) if (pe.state !== 'halted') return false;
    return true;
  }

  private computeNextTimedStep(): number {
    let next = Infinity;
    for (const ev of this.events) {
      if (ev.done) continue;
      const t = ev.decl.trigger;
      if (t.kind === 'step' && ev.nextStep < next) next = ev.nextStep;
      if (t.kind !== 'window') continue;
      // A window opening or closing at a step: the scheduler's quiet path stops there.
      if (!ev.opened && t.after?.kind === 'step' && t.after.step < next) next = t.after.step;
      if (t.before?.kind === 'step' && t.before.step < next) next = t.before.step;
    }
    return next;
  }

  /** The step at which an event not yet due becomes due: its step trigger, or its window's opening step. */
  private timedStep(ev: EventState): number {
    if (ev.done) return Infinity;
    const t = ev.decl.trigger;
    if (t.kind === 'step') return ev.nextStep;
    if (t.kind === 'window' && !ev.opened && t.after?.kind === 'step') return t.after.step;
    return Infinity;
  }

  /** The action of the step-triggered event (or step window) due first, if any: while every PE waits, time passes to it. */
  nextTimed(): Action | undefined {
    let best = -1;
    let bestStep = Infinity;
    for (let i = 0; i < this.events.length; i++) {
      const at = this.timedStep(this.events[i]);
      if (at < bestStep) {
        best = i;
        bestStep = at;
      }
    }
    return best < 0 ? undefined : this.actions[best];
  }

  /** The step at which event `index` is due next (step triggers and step windows). */
  dueStep(index: number): number {
    return this.timedStep(this.events[index]);
  }

  /** Fire event `index` (the machine counts the step). */
  fire(index: number): void {
    const m = this.m;
    const ev = this.events[index];
    const decl = ev.decl;
    ev.fired++;
    // Fired while every PE waits: the steps until it was due pass with nothing to do.
    const at = this.timedStep(ev);
    if (at !== Infinity && m.steps < at) m.steps = at;
    if (decl.trigger.kind === 'window') {
      ev.opened = true;
      ev.done = true;
    } else if (decl.trigger.kind === 'step') {
      const period = decl.trigger.step;
      // Due again at the next multiple of the period — but never at the very next step (the firing is itself
      // a step): `every when step 1` alternates with the PEs instead of starving them.
      if (decl.repeat && period > 0) ev.nextStep = Math.max(ev.nextStep + period, m.steps + 2);
      else ev.done = true;
    } else if (decl.trigger.kind === 'condition') {
      ev.armedOff = true;
      if (!decl.repeat) ev.done = true;
    } else {
      ev.lastInstret = m.pes[ev.reachPe].instret;
      if (!decl.repeat) ev.done = true;
    }
    if (decl.trigger.kind === 'step' || decl.trigger.kind === 'window') this.nextTimedStep = this.computeNextTimedStep();
    m.steps++;
    const description = this.act(decl);
    if (m.trace.wants['event-fired']) m.trace.emit({ kind: 'event-fired', step: m.steps, index, line: decl.range.start.line, description });
  }

  /** Do what the event says; returns the description of what happened. */
  private act(decl: EventDecl): string {
    const m = this.m;
    const a = decl.action;
    switch (a.kind) {
      case 'irq': {
        const target = a.pe ?? 0;
        m.deliverIrq(target, a.intid);
        return `IRQ ${a.intid} to PE ${target}`;
      }
      case 'write': {
        const addr = a.address.value ?? 0n;
        const v = BigInt.asUintN(64, a.value.value ?? 0n);
        // An agent outside the PEs (a DMA master, another OS) writing straight to memory.
        m.memory.write(undefined, Number(addr), a.size, Number(v & 0xffffffffn), Number(v >> 32n), NORMAL_NC);
        return `write ${a.value.text} to [${a.address.text}] (${a.size} bytes)`;
      }
      case 'uart-input': {
        const uart = m.platform.uart(a.device);
        if (uart === undefined) return `uart input ignored: no UART${a.device !== undefined ? ` named '${a.device}'` : ''} is declared`;
        uart.input(a.text);
        return `${JSON.stringify(a.text)} arrives on ${uart.name}`;
      }
      case 'fill': {
        const addr = Number(a.address.value ?? 0n);
        if (!(m.memory instanceof CacheHierarchy)) return `fill of [${a.address.text}] ignored: caches are not modelled (cache_model off)`;
        m.memory.speculation.fill(addr, a.cache);
        return `speculative fill of [${a.address.text}] into ${a.cache}`;
      }
    }
  }

  snapshot(): EventSnapshot[] {
    return this.events.map((e) => ({ nextStep: e.nextStep, lastInstret: e.lastInstret, fired: e.fired, done: e.done, armedOff: e.armedOff, opened: e.opened }));
  }

  restore(s: readonly EventSnapshot[]): void {
    s.forEach((e, i) => Object.assign(this.events[i], e));
    this.nextTimedStep = this.computeNextTimedStep();
  }

  /**
   * Fold the events' state into a state hash (engine/machineState.ts). For an
   * exploration (`canonical`), what decides their future only: whether each
   * fired, opened or waits for its condition to be false again, its next step,
   * and — for a reach trigger — whether it fired on the PE's current arrival
   * (not the counts themselves).
   */
  hashInto(h: StateHasher, canonical = false): void {
    for (const e of this.events) {
      const flags = (e.done ? 1 : 0) | (e.armedOff ? 2 : 0) | (e.opened ? 4 : 0);
      const next = e.nextStep === Infinity ? -1 : e.nextStep;
      if (!canonical) h.num(e.fired).word(flags).num(next).num(e.lastInstret);
      else h.word(flags | (e.reachPe >= 0 && this.m.pes[e.reachPe].instret === e.lastInstret ? 8 : 0)).num(next);
    }
  }

  /** Something still depends on the step count: an event due at a step, or a window that opens or closes at one. */
  stepDependent(): boolean {
    return this.nextTimedStep !== Infinity;
  }
}
