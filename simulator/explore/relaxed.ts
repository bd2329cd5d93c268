/**
 * The explorer's choices under Arm's concurrency model (engine/promising.ts; docs/explore.md
 * "Memory model"): beside which PE steps, *which write each read takes* and *which writes a PE
 * promises*.
 *
 * - **Read choices.** A PE step whose reads the model serves becomes one action per combination
 *   of messages its reads may take (`pe N read T` for a read of the message with timestamp T; T = 0
 *   is the initial value), found by a dry run of the step from the current state (the step is
 *   taken and undone; the model records what each read could take). A step with one possibility
 *   stays `pe N`.
 * - **Promises** (promise-first executions: Pulte et al., PLDI 2019, §7 — every Promising-ARM
 *   behaviour has an execution whose promises all come before every other step). Before any PE
 *   has stepped, each PE may promise any write it can make running alone from here with the
 *   current messages (every read choice; its *certification*): the action `pe N promises PA=V`.
 *   An execution that ends with a promise unfulfilled is discarded (search.ts).
 *
 * Bounds: `MAX_READ_VARIANTS` combinations per step, `MAX_CERTIFY_STEPS` steps per
 * certification (engine/promising.ts); each one hit is reported (`read-choices`,
 * `promise-certification`).
 */
import type { Action } from '../component/actions';
import type { Machine } from '../engine/machine';
import { restoreMachine, type MachineSnapshot } from '../engine/machineState';
import { canStep } from '../engine/peCore';
import { MAX_CERTIFY_STEPS, MAX_READ_VARIANTS, type PromiseCandidate, type PromisingMemory } from '../engine/promising';

export class RelaxedChoices {
  /** Bounds hit (reported with the search's). */
  readonly bounds = new Set<string>();

  constructor(
    private readonly m: Machine,
    private readonly model: PromisingMemory,
  ) {}

  /** The enabled actions with every PE step split by its read choices, and the promises when they may be made. */
  expand(actions: readonly Action[]): Action[] {
    const out: Action[] = [];
    // Read before the dry runs below move the machine.
    const promising = this.model.promisePhase;
    let snap: MachineSnapshot | undefined;
    for (const a of actions) {
      if (a.kind !== 'pe-step') {
        out.push(a);
        continue;
      }
      snap ??= this.m.fork();
      const variants = this.readVariants(a.pe, snap);
      if (variants.length <= 1) out.push(a);
      else for (const reads of variants) out.push({ kind: 'pe-step', pe: a.pe, reads });
    }
    if (promising && actions.some((a) => a.kind === 'pe-step')) {
      snap ??= this.m.fork();
      for (const pe of this.m.pes) {
        if (!canStep(pe)) continue;
        for (const c of this.certify(pe.id, snap)) out.push({ kind: 'component', source: this.model, name: 'promise', label: this.model.describe(c), eager: false, data: c });
      }
    }
    if (snap !== undefined) restoreMachine(this.m, snap);
    return out;
  }

  /** Take PE `pe`'s step from `from` with these read choices: what each read could take. */
  private dryRun(pe: number, from: MachineSnapshot, reads: readonly number[]): number[][] {
    restoreMachine(this.m, from);
    this.model.recording = [];
    try {
      this.m.take({ kind: 'pe-step', pe, reads });
      return this.model.recording;
    } finally {
      this.model.recording = undefined;
    }
  }

  /** Every combination of messages PE `pe`'s next step may read (an empty list when it reads nothing the model serves). */
  private readVariants(pe: number, from: MachineSnapshot): number[][] {
    const result: number[][] = [];
    const walk = (prefix: number[], rec: number[][]): void => {
      if (rec.length <= prefix.length) {
        result.push(prefix);
        return;
      }
      rec[prefix.length].forEach((t, j) => {
        if (result.length >= MAX_READ_VARIANTS) {
          this.bounds.add('read-choices');
          return;
        }
        const next = [...prefix, t];
        // The run that chose the first option at every read is the run of the first option.
        walk(next, j === 0 ? rec : this.dryRun(pe, from, next));
      });
    };
    walk([], this.dryRun(pe, from, []));
    return result.length === 1 && result[0].length === 0 ? [] : result;
  }

  /**
   * The writes PE `pe` can make running alone from `from` (every read choice, states merged by
   * fingerprint), less those it has promised already: the promises it may make now.
   */
  private certify(pe: number, from: MachineSnapshot): PromiseCandidate[] {
    const found = new Map<string, PromiseCandidate>();
    const seen = new Set<string>();
    let budget = MAX_CERTIFY_STEPS;
    const collected: PromiseCandidate[] = [];
    const dfs = (at: MachineSnapshot, accessSeen: boolean): void => {
      restoreMachine(this.m, at);
      const p = this.m.pes[pe];
      if (!canStep(p) || this.m.stopInfo !== undefined) return;
      const key = `${this.m.stateHash()}|${accessSeen}`;
      if (seen.has(key)) return;
      seen.add(key);
      const variants = this.readVariants(pe, at);
      for (const reads of variants.length === 0 ? [[]] : variants) {
        if (budget-- <= 0) {
          this.bounds.add('promise-certification');
          return;
        }
        restoreMachine(this.m, at);
        this.model.collecting = collected;
        this.model.accessSeen = accessSeen;
        let after: boolean;
        try {
          this.m.take({ kind: 'pe-step', pe, reads });
          after = this.model.accessSeen;
        } finally {
          this.model.collecting = undefined;
          this.model.accessSeen = false;
        }
        dfs(this.m.fork(), after);
      }
    };
    dfs(from, false);
    restoreMachine(this.m, from);
    for (const c of collected) {
      if (c.pe !== pe || this.model.promised(pe, c.pa, c.lo, c.hi)) continue;
      found.set(`${c.pa}|${c.size}|${c.lo}|${c.hi}`, c);
    }
    return [...found.values()];
  }
}
