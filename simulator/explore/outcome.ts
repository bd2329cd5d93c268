/**
 * An execution's *outcome* (herd7's "final state"): what its end shows of
 * everything the scenario's expectations observe — the registers and memory
 * locations they name, the PEs whose state they name, every fault taken and
 * every rule found — plus how it ended. Two executions with the same outcome
 * are one row of the report however they got there; the row counts the
 * distinct final machine states behind it.
 *
 * Which expectations an outcome breaks follows from the quantifier
 * (scenario/model.ts `Quantifier`): `always` (and a plain expectation) is
 * broken by an outcome whose condition is false, `never` by one whose
 * condition is true; no single outcome breaks `sometimes`.
 */
import { conditionValue, faultText, readForExpectation } from '../engine/report';
import { getRegister } from '../engine/init';
import type { Machine } from '../engine/machine';
import type { ExpectAtom, ExpectFormula, Expectation, ScenarioModel } from '../scenario/model';
import { hex } from '../util/hex';

/** What the outcome of an execution observes, derived once from the expectations. */
export interface Observation {
  registers: { pe: number; register: string }[];
  memory: { address: number; size: number; view: 'main' | { pe: number }; name: string }[];
  pes: number[];
}

export interface Outcome {
  /** One line, herd-style: `pe0.x0=0x1; mem32[0x8800_0000]=0x0; pe1 halted; faults: …; findings: …; end: …`. */
  state: string;
  /** Indices (into model.expectations) of the expectations this outcome breaks. */
  failed: number[];
  /** Per expectation: its condition's value in this outcome. */
  values: boolean[];
  /** Finding rules seen, sorted. */
  findings: string[];
}

const SIZE_NAMES: Record<number, string> = { 1: 'mem8', 2: 'mem16', 4: 'mem32', 8: 'mem' };

function atomsOf(e: Expectation): ExpectAtom[] {
  if (e.kind !== 'condition') return [e];
  const out: ExpectAtom[] = [];
  const walk = (f: ExpectFormula): void => {
    if (f.kind === 'atom') out.push(f.atom);
    else if (f.kind === 'not') walk(f.operand);
    else {
      walk(f.left);
      walk(f.right);
    }
  };
  walk(e.formula);
  return out;
}

export function observationOf(model: ScenarioModel): Observation {
  const obs: Observation = { registers: [], memory: [], pes: [] };
  const seen = new Set<string>();
  for (const e of model.expectations) {
    for (const a of atomsOf(e)) {
      if (a.kind === 'register') {
        const k = `r|${a.pe}|${a.register}`;
        if (!seen.has(k)) obs.registers.push({ pe: a.pe, register: a.register });
        seen.add(k);
      } else if (a.kind === 'memory' && a.address.value !== undefined) {
        const view = a.view ?? 'main';
        const address = Number(a.address.value);
        const where = view === 'main' ? (a.view === 'main' ? ' in memory' : '') : ` seen by pe ${view.pe}`;
        const name = `${SIZE_NAMES[a.size]}[${hex(address)}]${where}`;
        if (!seen.has(name)) obs.memory.push({ address, size: a.size, view, name });
        seen.add(name);
      } else if (a.kind === 'halted' && !obs.pes.includes(a.pe)) obs.pes.push(a.pe);
    }
  }
  return obs;
}

/** Breaks the expectation: `always`/plain with a false condition, `never` with a true one. */
export function breaks(e: Expectation, value: boolean): boolean {
  return e.quantifier === 'never' ? value : e.quantifier === 'sometimes' ? false : !value;
}

/** The outcome of the execution that ended in the machine's current state. */
export function outcomeOf(m: Machine, obs: Observation): Outcome {
  const parts: string[] = [];
  for (const r of obs.registers) {
    const pe = m.pes[r.pe];
    const v = pe === undefined ? undefined : getRegister(pe, r.register);
    parts.push(`pe${r.pe}.${r.register}=${v === undefined ? '?' : hex(v)}`);
  }
  for (const x of obs.memory) parts.push(`${x.name}=${hex(readForExpectation(m, x.address, x.size, x.view))}`);
  for (const p of obs.pes) {
    const pe = m.pes[p];
    if (pe !== undefined) parts.push(`pe${p} ${pe.state}`);
  }
  const faults = [...new Set(m.faults.map(faultText))];
  if (faults.length > 0) parts.push(`faults: ${faults.join(', ')}`);
  const findings = [...new Set(m.findings.map((f) => f.rule))].sort();
  if (findings.length > 0) parts.push(`findings: ${findings.join(', ')}`);
  const stop = m.stopInfo;
  parts.push(`end: ${stop === undefined ? 'running' : stop.kind === 'checker' ? stop.reason : stop.kind}`);
  const values = m.model.expectations.map((e) => conditionValue(m, e).held);
  const failed: number[] = [];
  m.model.expectations.forEach((e, i) => {
    if (breaks(e, values[i])) failed.push(i);
  });
  return { state: parts.join('; '), failed, values, findings };
}
