/**
 * The exhaustive search (DESIGN.md "explore mode: every choice is a branch,
 * searched with state hashing and bounds"): a depth-first search over the
 * machine's enabled actions, with
 *
 * - **state hashing**: a state whose fingerprint was expanded before is not
 *   expanded again (session.ts `fingerprint`; visited.ts);
 * - **sleep sets** (Godefroid, "Partial-Order Methods for the Verification of
 *   Concurrent Systems", LNCS 1032, ch. 5): after exploring action a from a
 *   state, a sibling b explored later carries a in its *sleep set* as long as
 *   the actions taken after b are independent of a (footprint.ts) — taking a
 *   there would only reach, in another order, states already reached through
 *   a first. Sleep sets prune transitions, never states: every reachable state
 *   is still reached, so every final state (and outcome) is found. With state
 *   hashing, each visited state keeps the sleep mask it was expanded with, and
 *   a revisit with fewer actions asleep takes the ones it now has awake
 *   (ch. 5.3, "sleep sets and state caching").
 *
 * Bounds: `maxStates` distinct states expanded, `maxDepth` actions along one
 * execution; each one hit is reported (never a silent "all good").
 *
 * Every complete execution ends in a final state; its outcome (outcome.ts)
 * is recorded with the choices that led to it (a witness), and final states
 * are counted once per distinct fingerprint.
 */
import type { Action } from '../component/actions';
import { digestString, Lanes } from '../component/fingerprint';
import { GLOBAL, independent, type Footprint } from './footprint';
import { outcomeOf, type Observation } from './outcome';
import { actionKey, type ExploreSession } from './session';
import type { Visited } from './visited';
import type { Machine } from '../engine/machine';
import type { MachineSnapshot } from '../engine/machineState';

/** An action asleep in a state: its key and its footprint where it was explored. */
export interface SleepEntry {
  key: string;
  fp: Footprint;
}

/** The indices of `keys` in ascending key order; undefined when they are in it already (the usual case). */
export function byKey(keys: readonly string[]): number[] | undefined {
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1] < keys[i];
  if (sorted) return undefined;
  return keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
}

/** `perm`'s inverse: `inverse(p)[p[b]] === b`. */
function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  for (let b = 0; b < perm.length; b++) inv[perm[b]] = b;
  return inv;
}

/** An empty sleep set (shared: never pushed to). */
const NO_SLEEP: SleepEntry[] = [];

/** `IN_ORDER[n]`: 0 … n-1, the order of a fresh state's actions when none is asleep (shared: frames never mutate `order`). */
const IN_ORDER: number[][] = [];

function inOrder(n: number): number[] {
  let o = IN_ORDER[n];
  if (o === undefined) {
    o = [];
    for (let i = 0; i < n; i++) o.push(i);
    if (n <= 64) IN_ORDER[n] = o;
  }
  return o;
}

/** The running hash of a final state's fingerprint (reused: no allocation per final state). */
const finalLanes = new Lanes();

/** One row of the outcome table. */
export interface OutcomeRow {
  state: string;
  failed: number[];
  values: boolean[];
  findings: string[];
  /** Distinct final states with this outcome. */
  count: number;
  /** The choices of one execution that ends in it (the shortest found, then the first in key order). */
  witness: string[];
  /** The machine's exact state fingerprint (`Machine.stateHash()`) at the end of the witness: a replay must end there. */
  finalState: number;
  /** What `SearchOptions.observe` saw at the end of the witness (what a replay of it would see). */
  observed?: unknown;
}

/** Outcomes by their `state` text, and the final states seen (by fingerprint). */
export class OutcomeTable {
  readonly rows = new Map<string, OutcomeRow>();
  readonly finals = new Set<number>();
  private readonly finalsByRow = new Map<string, number[]>();

  /** The final states (fingerprints) behind a row (parallel search merges tables by them). */
  finalsOf(row: OutcomeRow): number[] {
    return this.finalsByRow.get(row.state) ?? [];
  }

  /**
   * Record a final state; false when it was seen before. `observe`: called
   * when this final state becomes its row's witness, its value kept as the
   * row's `observed`.
   */
  add(final: number, row: NewOutcome, observe?: () => unknown): boolean {
    if (this.finals.has(final)) return false;
    this.finals.add(final);
    const list = this.finalsByRow.get(row.state);
    if (list === undefined) this.finalsByRow.set(row.state, [final]);
    else list.push(final);
    const r = this.rows.get(row.state);
    if (r === undefined) {
      const n: OutcomeRow = { state: row.state, failed: row.failed, values: row.values, findings: row.findings, witness: row.witness, finalState: finalStateOf(row), count: 1 };
      const o = observe !== undefined ? observe() : row.observed;
      if (o !== undefined) n.observed = o;
      this.rows.set(row.state, n);
    } else {
      r.count++;
      if (betterWitness(row.witness, r.witness)) {
        r.witness = row.witness;
        r.finalState = finalStateOf(row);
        const o = observe !== undefined ? observe() : row.observed;
        if (o !== undefined) r.observed = o;
      }
    }
    return true;
  }
}

/**
 * A final state to record (`OutcomeTable.add`): `finalState` may be given as a function, called only when the
 * state becomes its row's witness — the machine's exact fingerprint hashes every component, and most final
 * states join a row whose witness stays.
 */
export type NewOutcome = Omit<OutcomeRow, 'count' | 'finalState'> & { finalState: number | (() => number) };

function finalStateOf(row: NewOutcome): number {
  return typeof row.finalState === 'number' ? row.finalState : row.finalState();
}

/** Shorter first, then lexicographic by key: the same witness whatever the order executions were found in. */
export function betterWitness(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

export interface SearchOptions {
  maxStates: number;
  maxDepth: number;
  /** Sleep sets (the partial-order reduction); false: every enabled action from every state. */
  reduction: boolean;
  /** The visited set (state hashing); undefined: none — a tree search (tests compare against it on small scenarios). */
  visited: Visited | undefined;
  /**
   * Called at a final state that becomes its outcome's witness (the machine
   * is in that state): what it returns is the outcome's `observed` — what a
   * replay of the witness would read there, without replaying it.
   */
  observe?: (m: Machine) => unknown;
  /** Called every `progressEvery` transitions. */
  onProgress?: (s: SearchStats) => void;
  progressEvery?: number;
  /** Checked with progress: true stops the search (reported as the bound `cancelled`). */
  cancelled?: () => boolean;
  /**
   * Work sharing (parallel.ts, work stealing): polled before each action;
   * when `wanted()` says another thread is idle, the search hands it the
   * actions not yet taken from its oldest state that has some (the stack
   * frame nearest the root: the biggest subtrees) and takes them no more.
   */
  share?: { wanted(): boolean; give(branch: Branch): void };
  /**
   * Search a handed-over branch (`share.give` of another search): the
   * machine is in its state, expanded already by the search that gave it —
   * take only `branch.keys`, with `branch.done` taken before them there.
   */
  resume?: Branch;
}

/**
 * Untaken actions of a state on a search's stack, handed to another search:
 * the state is reached by `path` from the initial state; `sleep` was asleep
 * there and `done` (taken before, with their footprints) goes asleep for the
 * next ones as in the search that gave it — so the taker prunes what that
 * search would have pruned.
 */
export interface Branch {
  path: string[];
  sleep: SleepEntry[];
  done: SleepEntry[];
  keys: string[];
}

export interface SearchStats {
  /** Distinct states expanded plus distinct final states. */
  states: number;
  /** Actions taken. */
  transitions: number;
  /** Deepest execution so far. */
  depth: number;
  /** Bounds that stopped part of the search (`max-states`, `max-depth`, `cancelled`, …). */
  bounds: Set<string>;
}

interface Frame {
  /** The state's capture, to come back to for the next action; none when only one action is taken from it. */
  snap: MachineSnapshot | undefined;
  actions: Action[];
  keys: string[];
  /** Indices of `actions` to take from this state, in order. */
  order: number[];
  pos: number;
  sleep: SleepEntry[];
  done: SleepEntry[];
  timeMatters: boolean;
}

/**
 * Search every execution from the session machine's current state (reached
 * by `prefix`, asleep: `sleep`), recording outcomes in `table`.
 */
export function search(session: ExploreSession, obs: Observation, table: OutcomeTable, options: SearchOptions, prefix: string[] = [], sleep: SleepEntry[] = []): SearchStats {
  const m = session.machine;
  const stats: SearchStats = { states: 0, transitions: 0, depth: prefix.length, bounds: new Set() };
  const path = prefix.slice();
  const stack: Frame[] = [];
  const every = options.progressEvery ?? 10_000;
  let nextProgress = every;

  /**
   * Expand the state the machine is in (`enabled` computed already): a frame to iterate, or null (final, visited, or
   * cut). `known`: its fingerprint, computed already with that `timeMatters`.
   */
  const enter = (en: { actions: Action[]; capture?: MachineSnapshot }, asleep: SleepEntry[], known?: { hash: number; timeMatters: boolean }): Frame | null => {
    const actions = en.actions;
    if (actions.length === 0) {
      if (session.discarded()) return null;
      m.finish();
      // The fingerprint states are merged by, with how the execution ended.
      const final = finalLanes.reset(0x0f1a_0000).digest(session.fingerprint(session.timeMatters())).digest(digestString(m.stopInfo?.reason ?? '')).value();
      // A final state seen before adds nothing (its outcome and witness are recorded).
      if (table.finals.has(final)) return null;
      const o = outcomeOf(m, obs);
      const observe = options.observe;
      if (table.add(final, { state: o.state, failed: o.failed, values: o.values, findings: o.findings, witness: path.slice(), finalState: () => m.stateHash() }, observe !== undefined ? () => observe(m) : undefined)) stats.states++;
      return null;
    }
    if (path.length >= options.maxDepth) {
      stats.bounds.add('max-depth');
      return null;
    }
    const timeMatters = session.timeMatters();
    const keys = actions.map(actionKey);
    // Mask bits name actions by their place in key order (`byKey`), not in `actions`: a state merged with this one
    // (the same fingerprint) may list the same actions in another order — evictions by way, fills by footprint order.
    const perm = byKey(keys);
    // Mask bits: `bitOf[i]` is action i's place in key order (i itself when `actions` are in key order).
    const bitOf = perm === undefined ? undefined : inverse(perm);
    // Asleep here: the sleep entries whose action is enabled (mask bits over the first 64 actions in key order).
    let live: SleepEntry[] = NO_SLEEP;
    let m0 = 0;
    let m1 = 0;
    if (options.reduction && asleep.length > 0) {
      live = [];
      for (const e of asleep) {
        const i = keys.indexOf(e.key);
        if (i < 0) continue;
        live.push(e);
        const b = bitOf === undefined ? i : bitOf[i];
        if (b < 32) m0 |= 1 << b;
        else if (b < 64) m1 |= 1 << (b - 32);
      }
    }
    let order: number[];
    const v = options.visited === undefined ? undefined : options.visited.visit(known !== undefined && known.timeMatters === timeMatters ? known.hash : session.fingerprint(timeMatters), m0 >>> 0, m1 >>> 0);
    if (options.visited !== undefined && v === undefined) {
      stats.bounds.add('max-states');
      return null;
    }
    if (v === undefined || v.fresh) {
      stats.states++;
      if (m0 === 0 && m1 === 0) order = inOrder(actions.length);
      else {
        order = [];
        for (let i = 0; i < actions.length; i++) {
          const b = bitOf === undefined ? i : bitOf[i];
          if ((b < 32 ? (m0 >>> b) & 1 : b < 64 ? (m1 >>> (b - 32)) & 1 : 0) === 0) order.push(i);
        }
      }
    } else {
      // Taken before except those asleep then: take the ones asleep then and awake now.
      order = [];
      for (let b = 0; b < Math.min(64, actions.length); b++) if ((b < 32 ? (v.wake0 >>> b) & 1 : (v.wake1 >>> (b - 32)) & 1) === 1) order.push(perm === undefined ? b : perm[b]);
      if (perm !== undefined) order.sort((a, b) => a - b);
    }
    if (order.length === 0) return null;
    if (stats.states >= options.maxStates) {
      stats.bounds.add('max-states');
      return null;
    }
    // A state left by one action only is never come back to: no capture.
    return { snap: order.length > 1 ? (en.capture ?? session.fork()) : undefined, actions, keys, order, pos: 0, sleep: live, done: [], timeMatters };
  };

  /** A handed-over branch's frame (`resume`): its state was expanded by the search that gave it. */
  const resumed = (b: Branch): Frame | null => {
    const actions = session.enabled().actions;
    const keys = actions.map(actionKey);
    // The same state the giver was in (the machine is deterministic): the same actions in the same order.
    const order = b.keys.map((k) => keys.indexOf(k)).filter((i) => i >= 0);
    if (order.length === 0) return null;
    return { snap: order.length > 1 ? session.fork() : undefined, actions, keys, order, pos: 0, sleep: b.sleep, done: b.done.slice(), timeMatters: session.timeMatters() };
  };
  /** Hand the untaken actions of the oldest frame that has some to `share.give` (path: the top frame's state). */
  const giveOldest = (share: NonNullable<SearchOptions['share']>): void => {
    for (let d = 0; d < stack.length; d++) {
      const f = stack[d];
      if (f.pos >= f.order.length) continue;
      share.give({ path: path.slice(0, prefix.length + d), sleep: f.sleep, done: f.done.slice(), keys: f.order.slice(f.pos).map((i) => f.keys[i]) });
      f.order = f.order.slice(0, f.pos);
      return;
    }
  };

  const root = options.resume !== undefined ? resumed(options.resume) : enter(session.enabled(), sleep);
  if (root !== null) stack.push(root);
  // The machine is in the top frame's state (false after a child returned without a frame).
  let atTop = true;
  while (stack.length > 0) {
    if (options.share?.wanted() === true) giveOldest(options.share);
    const top = stack[stack.length - 1];
    if (top.pos >= top.order.length) {
      stack.pop();
      path.pop();
      atTop = false;
      continue;
    }
    if (stats.transitions >= nextProgress) {
      nextProgress += every;
      options.onProgress?.(stats);
      if (options.cancelled?.() === true) {
        stats.bounds.add('cancelled');
        break;
      }
    }
    const i = top.order[top.pos++];
    if (!atTop) session.restore(top.snap!);
    atTop = false;
    let fp = session.recorder.take(top.actions[i], top.timeMatters);
    stats.transitions++;
    const pre = session.engineEnabled();
    // An action after which something urgent is pending disables every PE step: it commutes with nothing.
    if (pre.urgent) fp = GLOBAL;
    // Allocated at its first entry (most children have nothing asleep).
    let childSleep = NO_SLEEP;
    if (options.reduction) {
      for (const e of top.sleep) if (independent(e.fp, fp)) (childSleep === NO_SLEEP ? (childSleep = []) : childSleep).push(e);
      for (const e of top.done) if (independent(e.fp, fp)) (childSleep === NO_SLEEP ? (childSleep = []) : childSleep).push(e);
    }
    top.done.push({ key: top.keys[i], fp });
    path.push(top.keys[i]);
    if (path.length > stats.depth) stats.depth = path.length;
    // A state expanded before with no action asleep takes nothing again (visited.ts `takenAll`): not expanded (the
    // memory model's dry runs) to find that out. Below the depth bound only (there `enter` reports the bound).
    let known: { hash: number; timeMatters: boolean } | undefined;
    if (pre.actions.length > 0 && path.length < options.maxDepth && options.visited?.takenAll !== undefined) {
      const timeMatters = session.timeMatters();
      known = { hash: session.fingerprint(timeMatters), timeMatters };
      if (options.visited.takenAll(known.hash)) {
        path.pop();
        continue;
      }
    }
    const child = enter(session.expand(pre), childSleep, known);
    if (child === null) path.pop();
    else {
      stack.push(child);
      atTop = true;
    }
  }
  options.onProgress?.(stats);
  return stats;
}
