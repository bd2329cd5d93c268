/**
 * herd7's result format (herdtools7 `herd/top_herd.ml`, the printer's facts,
 * not its code), so a user can diff Armscope's answer with herd7's:
 *
 *   Test MP Allowed                       exists: Allowed, ~exists: Forbidden, forall: Required
 *   States 4
 *   1:X0=0; 1:X2=0;                       one line per distinct final state, sorted
 *   …
 *   Ok                                    exists: some state satisfies; ~exists: none; forall: all
 *   Witnesses
 *   Positive: 1 Negative: 3               (for ~exists the two counts are swapped, as herd7 does)
 *   Condition exists (1:X0=1 /\ 1:X2=0)   herd7's spelling: [x] for memory, `not (…)`, minimal parentheses
 *   Observation MP Sometimes 1 3          Never when no execution satisfies, Always when all do
 *   Time MP 0.01                          only when a time is given
 *
 * Positive and Negative count executions. herd7 counts candidate executions
 * of its axiomatic model; an operational explorer counts what it found (the
 * caller says how many executions ended in each state), so these two figures
 * may differ from herd7's while the states, Ok/No and the Observation word
 * agree. herd7's `Hash=` line (a digest of its own normalised test) is not
 * printed. docs/litmus.md says the same for users.
 */
import type { Atom, LitmusTest, LitmusValue, Prop } from './ast';
import type { Layout } from './layout';
import { locationKey } from './layout';
import { faultText, herdPteText, holds, stateLine, type LitmusState } from './outcome';

/** One distinct final state and how many executions ended in it. */
export interface Outcome {
  state: LitmusState;
  executions: number;
}

const KIND = { exists: 'Allowed', '~exists': 'Forbidden', forall: 'Required' } as const;

/** `Allowed`, `Forbidden` or `Required`: what the test's quantifier claims (herd7's "kind"). */
export function testKind(test: LitmusTest): 'Allowed' | 'Forbidden' | 'Required' {
  return KIND[test.condition.quantifier];
}

/** A litmus value as herd7 writes it in a condition or an initial state. */
export function herdValueText(v: LitmusValue): string {
  switch (v.kind) {
    case 'int':
      return v.value.toString();
    case 'va':
      return v.sym;
    case 'pa':
      return `PA(${v.sym})`;
    case 'pte-address':
      return `PTE(${v.sym})`;
    case 'pte':
      return herdPteText(v.pte);
  }
}

function atomText(a: Atom): string {
  return a.kind === 'fault' ? faultText(a) : `${locationKey(a.loc)}=${herdValueText(a.value)}`;
}

type Op = 'top' | 'and' | 'or' | 'implies';

/** herd7's parenthesisation (lib/constrGen.ml is_paren): only where precedence needs it. */
function paren(above: Op, here: Exclude<Op, 'top'>, s: string): string {
  const needs = above !== 'top' && !(above === here) && !(above === 'or' && here === 'and');
  return needs ? `(${s})` : s;
}

/** A proposition as herd7 prints it in its `Condition` line. */
export function propText(p: Prop, above: Op = 'top'): string {
  switch (p.kind) {
    case 'atom':
      return atomText(p.atom);
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'not':
      return `not (${propText(p.operand)})`;
    case 'and':
      return paren(above, 'and', p.operands.map((q) => propText(q, 'and')).join(' /\\ '));
    case 'or':
      return paren(above, 'or', p.operands.map((q) => propText(q, 'or')).join(' \\/ '));
    case 'implies':
      return paren(above, 'implies', `${propText(p.left, 'implies')} => ${propText(p.right, 'implies')}`);
  }
}

/** The `Condition` line's text: `exists (…)`, `~exists (…)`, `forall (…)`. */
export function conditionText(test: LitmusTest): string {
  return `${test.condition.quantifier} (${propText(test.condition.prop)})`;
}

function compareStates(a: LitmusState, b: LitmusState): number {
  for (let i = 0; i < Math.min(a.values.length, b.values.length); i++) {
    const x = a.values[i];
    const y = b.values[i];
    const vx = x.type.signed ? BigInt.asIntN(x.type.size * 8, x.value) : x.value;
    const vy = y.type.signed ? BigInt.asIntN(y.type.size * 8, y.value) : y.value;
    if (vx !== vy) return vx < vy ? -1 : 1;
  }
  for (let i = 0; i < Math.min(a.faults.length, b.faults.length); i++) {
    const d = Number(a.faults[i].taken !== undefined) - Number(b.faults[i].taken !== undefined);
    if (d !== 0) return -d;
  }
  return 0;
}

export interface HerdResult {
  text: string;
  /** Executions (kept by the filter) that satisfy the condition's proposition, and that do not. */
  positive: number;
  negative: number;
  /** herd7's `Ok`: the test's claim holds over the executions given. */
  ok: boolean;
  observation: 'Always' | 'Sometimes' | 'Never';
  /** Distinct final states kept by the filter. */
  states: number;
  /**
   * The verdict in the words of herd7's `kinds.txt`: `Required` when a `forall`
   * condition holds in every execution, otherwise `Allowed` when some execution
   * satisfies the proposition and `Forbidden` when none does (for `exists` and
   * `~exists` alike: the proposition is the same, the quantifier is the claim).
   */
  verdict: 'Allowed' | 'Forbidden' | 'Required';
}

/**
 * herd7's report for `test` from the final states of its executions. States
 * the test's `filter` rejects are left out, as herd7 drops those executions;
 * equal states (same line) are merged and their executions added.
 */
export function herdResult(test: LitmusTest, layout: Layout, outcomes: readonly Outcome[], options: { time?: number } = {}): HerdResult {
  const merged = new Map<string, Outcome>();
  for (const o of outcomes) {
    if (test.filter !== undefined && !holds(test.filter, o.state, layout)) continue;
    const line = stateLine(o.state, layout);
    const seen = merged.get(line);
    if (seen) seen.executions += o.executions;
    else merged.set(line, { state: o.state, executions: o.executions });
  }
  const states = [...merged.values()].sort((a, b) => compareStates(a.state, b.state));
  let positive = 0;
  let negative = 0;
  for (const s of states) {
    if (holds(test.condition.prop, s.state, layout)) positive += s.executions;
    else negative += s.executions;
  }
  const q = test.condition.quantifier;
  const ok = q === 'exists' ? positive > 0 : q === '~exists' ? positive === 0 : negative === 0;
  const [wPos, wNeg] = q === '~exists' ? [negative, positive] : [positive, negative];
  const observation = positive === 0 ? 'Never' : negative === 0 ? 'Always' : 'Sometimes';
  const lines = [`Test ${test.name} ${testKind(test)}`, `States ${states.length}`, ...states.map((s) => stateLine(s.state, layout))];
  lines.push(ok ? 'Ok' : 'No', 'Witnesses', `Positive: ${wPos} Negative: ${wNeg}`, `Condition ${conditionText(test)}`, `Observation ${test.name} ${observation} ${positive} ${negative}`);
  if (options.time !== undefined) lines.push(`Time ${test.name} ${options.time.toFixed(2)}`);
  const verdict = q === 'forall' && negative === 0 ? 'Required' : positive > 0 ? 'Allowed' : 'Forbidden';
  return { text: lines.join('\n') + '\n', positive, negative, ok, observation, states: states.length, verdict };
}
