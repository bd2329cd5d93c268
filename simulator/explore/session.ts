/**
 * A machine set up for exploration or for replaying one of its executions:
 * the scenario's machine with the exploration choices added (choices.ts),
 * and the explorer's view of it — which actions are enabled, what identifies
 * an action across states (its *key*, what a witness records), and the
 * fingerprint states are merged by.
 *
 * Enabled actions are the engine's (`Machine.enabledActions`: due events,
 * component actions, PE steps), with one rule of the explorer's own: an
 * *urgent* action — a trigger event that is due, a window whose `before step`
 * bound is reached, time passing to a timer deadline — happens before any PE
 * steps or cache choice, as in `run`. While one is pending, the enabled
 * actions are the due events (urgent or window) and the urgent component
 * actions, so `run`'s own choice (the first due event) is one of them.
 */
import type { Action } from '../component/actions';
import { CacheHierarchy } from '../cache/hierarchy';
import { Machine } from '../engine/machine';
import type { MachineSnapshot } from '../engine/machineState';
import { restoreMachine } from '../engine/machineState';
import type { ScenarioModel } from '../scenario/model';
import { ExploreChoices } from './choices';
import { parseExploreSettings, type ExploreSettings } from './config';
import { FootprintRecorder } from './footprint';
import { PromisingMemory } from '../engine/promising';
import { RelaxedChoices } from './relaxed';

export interface SessionOptions {
  cacheModel?: 'on' | 'off';
  /** Overrides of the scenario's `explore` block. */
  settings?: Partial<ExploreSettings>;
  /** Time-travel checkpoints (replays in the debugger), as `MachineOptions.checkpointInterval`. */
  checkpointInterval?: number;
  /** Merge states that differ only in which way of a set holds a line (default: when the program has no set/way maintenance); false: never (tests compare). */
  waysBySet?: boolean;
  /** Attach the architectural checkers (default true; `MachineOptions.checkers`). */
  checkers?: boolean;
  /** No descriptor, system register or device changes: the TLBs and the platform are no state (`MachineOptions.fixedSystem`). */
  fixedSystem?: boolean;
  /** Attach the GIC's CPU interfaces and the Generic Timer to the PEs (default true; `MachineOptions.attachPlatform`). */
  attachPlatform?: boolean;
}

/** DC ISW/CSW/CISW: the data cache maintenance instructions that name a set and a way (Arm ARM D7.5.8). */
const SET_WAY_OP = /^\s*dc\s+c?i?sw\b/i;

/** The program has set/way maintenance: a cache's state includes which way holds each line. */
export function namesWays(model: ScenarioModel): boolean {
  for (const i of model.program.instrs.values()) if (i.mnemonic === 'dc' && SET_WAY_OP.test(i.text)) return true;
  return false;
}

/** Keys of plain PE steps and of events, made once (the search asks for them at every state). */
const peKeys: string[] = [];
const eventKeys: string[] = [];

/** The key of an action: the same action in any state has the same key (witnesses record keys). */
export function actionKey(a: Action): string {
  switch (a.kind) {
    case 'pe-step':
      return a.reads === undefined ? (peKeys[a.pe] ??= `pe ${a.pe}`) : `pe ${a.pe} read ${a.reads.join(',')}`;
    case 'event':
      return (eventKeys[a.index] ??= `event ${a.index}`);
    case 'component':
      return a.source instanceof ExploreChoices || a.source instanceof PromisingMemory ? a.label : a.name;
  }
}

export class ExploreSession {
  readonly machine: Machine;
  readonly choices: ExploreChoices;
  readonly recorder: FootprintRecorder;
  readonly settings: ExploreSettings;
  /** Read choices and promises under Arm's concurrency model (`memory_model promising`). */
  readonly relaxed: RelaxedChoices | undefined;

  constructor(
    readonly model: ScenarioModel,
    options: SessionOptions = {},
  ) {
    this.settings = { ...parseExploreSettings(model.blocks, [], model.constants), ...options.settings };
    // No step budget: an exploration is bounded by its depth and state bounds (the scenario's max_steps is run's).
    this.machine = Machine.create(model, {
      cacheModel: options.cacheModel,
      maxSteps: Number.MAX_SAFE_INTEGER,
      checkpointInterval: options.checkpointInterval,
      memoryModel: this.settings.memoryModel,
      modelDescriptors: this.settings.descriptors,
      checkers: options.checkers,
      fixedSystem: options.fixedSystem,
      attachPlatform: options.attachPlatform,
    });
    this.choices = new ExploreChoices(this.machine, this.settings);
    this.machine.addComponent({ name: this.choices.name, state: this.choices, actions: this.choices });
    this.recorder = new FootprintRecorder(this.machine);
    const order = this.machine.memoryOrder;
    this.relaxed = order === undefined ? undefined : new RelaxedChoices(this.machine, order, this.recorder, () => this.timeMatters(), options.fixedSystem === true);
    // Which way holds a line is no state unless set/way maintenance can name it (checkpoint.ts `hashWaysBySet`).
    const memory = this.machine.memory;
    if (memory instanceof CacheHierarchy && options.waysBySet !== false && !namesWays(model)) memory.hashWaysBySet();
  }

  /**
   * The actions an explorer may take now (none: the execution is over), and
   * whether an urgent one is pending. Latches window openings (engine/events.ts).
   */
  enabled(): { actions: Action[]; urgent: boolean; capture?: MachineSnapshot } {
    return this.expand(this.engineEnabled());
  }

  /** `enabled` in two parts: the engine's actions (urgent ones only when one is pending), before the memory model's choices… */
  engineEnabled(): { actions: Action[]; urgent: boolean } {
    const m = this.machine;
    if (m.stopInfo !== undefined) return { actions: [], urgent: false };
    const all = m.enabledActions();
    let urgent = false;
    for (let i = 0; i < all.length && !urgent; i++) {
      const a = all[i];
      urgent = (a.kind === 'event' && m.events.urgent(a.index)) || (a.kind === 'component' && a.eager);
    }
    return { actions: urgent ? all.filter((a) => a.kind === 'event' || (a.kind === 'component' && a.eager)) : all, urgent };
  }

  /**
   * …and with them (relaxed.ts: read choices and promises; its dry runs leave the machine as it was). `capture`: a
   * capture of that state the expansion made, if any (the search keeps it rather than capturing the state again).
   */
  expand(en: { actions: Action[]; urgent: boolean }): { actions: Action[]; urgent: boolean; capture?: MachineSnapshot } {
    if (this.relaxed === undefined) return en;
    const actions = this.relaxed.expand(en.actions);
    const capture = this.relaxed.expandedCapture;
    return capture === undefined ? { actions, urgent: en.urgent } : { actions, urgent: en.urgent, capture };
  }

  /** The execution that just ended cannot count: a PE still owes a promised write (Promising-ARM). */
  discarded(): boolean {
    return this.machine.memoryOrder?.outstanding() ?? false;
  }

  /** The step count is state here: a step event or window pending, a timer armed, or code that reads the counter. */
  timeMatters(): boolean {
    const m = this.machine;
    return m.events.stepDependent() || m.platform.nextDeadline() !== Infinity || this.recorder.readsCounter;
  }

  /** The fingerprint states are merged by (engine/machineState.ts `ExplorationHash`). */
  fingerprint(timeMatters: boolean): number {
    return this.machine.stateHash({ steps: timeMatters });
  }

  fork(): MachineSnapshot {
    return this.machine.fork();
  }

  /** Back to a capture (no time-travel bookkeeping: the explorer keeps its own path). */
  restore(s: MachineSnapshot): void {
    restoreMachine(this.machine, s);
  }

  detach(): void {
    this.recorder.detach();
    this.choices.detach();
  }
}
