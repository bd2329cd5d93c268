/**
 * Scenario events (`event when … do …`, docs/language.md "Events"): when each
 * is due, and what firing it does. A due event is an enabled action of the
 * machine (component/actions.ts `ScenarioEventAction`); the run policy fires
 * it as soon as it is due.
 *
 * Triggers: `step N` (due from step N; `every`: again one period later),
 * `pe N reaches LABEL` (due when the PE is at the label, once per arrival),
 * `condition COND` (due when the condition becomes true).
 */
import type { Action } from '../component/actions';
import { NORMAL_NC } from '../memory/attributes';
import type { EventDecl } from '../scenario/model';
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
}

/** The part of an event's state checkpoints capture. */
export interface EventSnapshot {
  nextStep: number;
  lastInstret: number;
  fired: number;
  done: boolean;
  armedOff: boolean;
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
  /** The earliest step at which a step-triggered event is due (Infinity: none); kept up to date by `fire` and `restore`. */
  nextTimedStep = Infinity;

  constructor(private readonly m: Machine) {
    this.reachPcs = m.pes.map(() => []);
    m.model.events.forEach((decl, index) => {
      const st: EventState = { decl, nextStep: Infinity, reachPe: -1, reachPc: NaN, lastInstret: -1, fired: 0, done: false, armedOff: false };
      if (decl.trigger.kind === 'step') st.nextStep = decl.trigger.step;
      else if (decl.trigger.kind === 'condition') this.hasCondition = true;
      else if (decl.trigger.target.value !== undefined && decl.trigger.pe < m.pes.length) {
        st.reachPe = decl.trigger.pe;
        st.reachPc = Number(BigInt.asIntN(64, decl.trigger.target.value));
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

  private allPesHalted(): boolean {
    for (const pe of this.m.pes) if (pe.state !== 'halted') return false;
    return true;
  }

  private computeNextTimedStep(): number {
    let next = Infinity;
    for (const ev of this.events) if (!ev.done && ev.decl.trigger.kind === 'step' && ev.nextStep < next) next = ev.nextStep;
    return next;
  }

  /** The action of the step-triggered event due first, if any. */
  nextTimed(): Action | undefined {
    let best = -1;
    for (let i = 0; i < this.events.length; i++) {
      const ev = this.events[i];
      if (ev.done || ev.decl.trigger.kind !== 'step') continue;
      if (best < 0 || ev.nextStep < this.events[best].nextStep) best = i;
    }
    return best < 0 ? undefined : this.actions[best];
  }

  /** The step at which event `index` is due next (step triggers). */
  dueStep(index: number): number {
    return this.events[index].nextStep;
  }

  /** Fire event `index` (the machine counts the step). */
  fire(index: number): void {
    const m = this.m;
    const ev = this.events[index];
    const decl = ev.decl;
    ev.fired++;
    // Fired while every PE waits: the steps until it was due pass with nothing to do.
    if (decl.trigger.kind === 'step' && m.steps < ev.nextStep) m.steps = ev.nextStep;
    if (decl.trigger.kind === 'step') {
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
    if (decl.trigger.kind === 'step') this.nextTimedStep = this.computeNextTimedStep();
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
    return this.events.map((e) => ({ nextStep: e.nextStep, lastInstret: e.lastInstret, fired: e.fired, done: e.done, armedOff: e.armedOff }));
  }

  restore(s: readonly EventSnapshot[]): void {
    s.forEach((e, i) => Object.assign(this.events[i], e));
    this.nextTimedStep = this.computeNextTimedStep();
  }

  /** Fold the events' state into a state hash (engine/machineState.ts). */
  hashInto(h: StateHasher): void {
    for (const e of this.events) h.num(e.fired).word((e.done ? 1 : 0) | (e.armedOff ? 2 : 0)).num(e.nextStep === Infinity ? -1 : e.nextStep).num(e.lastInstret);
  }
}
