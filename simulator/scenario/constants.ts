/**
 * Values of `const NAME = EXPR` and `.equ`/`.set` definitions, which may refer
 * to each other in any order (and to labels, known after layout pass 1).
 *
 * Each definition is evaluated once, in dependency order (Kahn's algorithm
 * over the constants its expression names): a chain of 20,000 constants
 * written last-first costs 20,000 evaluations, where re-evaluating every
 * unresolved constant until nothing changes cost 20,000² / 2.
 */
import { expressionSymbols } from '../isa/expr';
import { evaluate, globalLookup, type ConstDecl, type ParseState } from './state';

/** Evaluate what can be evaluated now. With `final`, report those that still have no value (cycles, undefined names). */
export function resolveConstants(st: ParseState, final: boolean): void {
  const global = globalLookup(st);
  const tryResolve = (c: ConstDecl): boolean => {
    const v = evaluate(st, c.expr, c.lookup ?? global, { quiet: true });
    if (v === undefined) return false;
    c.def.value = v;
    c.resolved = true;
    return true;
  };
  // A dependency may resolve through a name the graph does not see (a label, a predefined symbol):
  // then one more round; rounds end when one makes no progress.
  for (let progress = true; progress; ) {
    progress = false;
    const pending = st.consts.filter((c) => !c.resolved);
    const byDef = new Map(pending.map((c) => [c.def, c]));
    const waiting = new Map<ConstDecl, number>();
    const dependents = new Map<ConstDecl, ConstDecl[]>();
    const ready: ConstDecl[] = [];
    for (const c of pending) {
      let n = 0;
      for (const s of expressionSymbols(c.expr.text)) {
        const def = st.model.symbols.get(s.name);
        const dep = def !== undefined ? byDef.get(def) : undefined;
        if (dep === undefined) continue;
        n++;
        const list = dependents.get(dep);
        if (list) list.push(c);
        else dependents.set(dep, [c]);
      }
      waiting.set(c, n);
      if (n === 0) ready.push(c);
    }
    while (ready.length > 0) {
      const c = ready.pop()!;
      if (!tryResolve(c)) continue;
      progress = true;
      for (const d of dependents.get(c) ?? []) {
        const n = waiting.get(d)! - 1;
        waiting.set(d, n);
        if (n === 0) ready.push(d);
      }
    }
    // Those still waiting: in a cycle, or behind a constant with no value. One direct attempt each.
    for (const c of pending) if (!c.resolved && waiting.get(c)! > 0 && tryResolve(c)) progress = true;
  }
  if (!final) return;
  for (const c of st.consts) {
    if (c.resolved) continue;
    evaluate(st, c.expr, c.lookup ?? global, { reportUnvalued: true });
    c.resolved = true; // reported once
  }
}
