/**
 * `explore` on a litmus test (docs/litmus.md): read it, generate its scenario
 * (toScenario.ts), explore every execution of that scenario
 * (explore/explore.ts), read each outcome's final state back as herd7 sees it
 * (the litmus locations and faults) at the end of the outcome's witness —
 * in the search itself, when it reaches that final state (`observe`), which
 * is what a replay of the witness would read — and report in herd7's result
 * format (herdFormat.ts).
 *
 * The engine does not yet run Arm's relaxed memory model (issue #14 items
 * 1–3), so the executions explored are the sequentially consistent
 * interleavings: every state found is one herd7 allows, but relaxed outcomes
 * (MP, SB, LB, …) are not found and such tests come out Forbidden.
 *
 * An explore outcome is one per distinct value of what the scenario's
 * expectation observes (the condition's locations and every fault); states
 * that differ only in a location named by `locations […]` alone are merged
 * into the first one found.
 */
import { parseScenario } from '../index';
import { exploreScenario, type ExploreOptions } from '../explore/explore';
import type { ExploreResult } from '../explore/result';
import type { LitmusDiagnostic, LitmusTest } from './ast';
import { herdResult, type HerdResult, type Outcome } from './herdFormat';
import { machineReader } from './machineReader';
import { observe } from './outcome';
import { litmusToScenario } from './toScenario';
import { readLitmus } from '.';

/** Instructions that reach the system model the checkers watch: TLB maintenance, system register writes, cache maintenance. */
const SYSTEM_INSTRUCTION = /^\s*(?:tlbi|msr|sys|sysl|dc|ic|at)\b/i;

/** `kind` values that name a translation table descriptor (`PTE(x)`, `[PTE(x)]`, a descriptor value). */
const DESCRIPTOR_KINDS = new Set(['pte', 'pte-address']);

function namesDescriptor(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  if (Array.isArray(x)) return x.some(namesDescriptor);
  const o = x as Record<string, unknown>;
  if (typeof o.kind === 'string' && DESCRIPTOR_KINDS.has(o.kind)) return true;
  return Object.values(o).some(namesDescriptor);
}

/**
 * Whether the architectural checkers (checks/index.ts) can report anything for this test. With
 * `cache_model off` and no firmware, every checker rule is about descriptors written, TLB
 * maintenance or system-register writes (stale-descriptor, break-before-make, tlbi-without-sync,
 * sysreg-without-isb): a test that names no descriptor (`PTE(x)`) and runs no TLBI, MSR, SYS, DC,
 * IC or AT can raise none of them, and their state (the descriptors walks used) would only split
 * final states that herd7 sees as one. Such a test is explored without them.
 */
export function litmusNeedsCheckers(test: LitmusTest): boolean {
  if (test.threads.some((t) => t.code.some((i) => SYSTEM_INSTRUCTION.test(i.text)))) return true;
  return namesDescriptor([test.init, test.locations, test.filter, test.condition]);
}

/**
 * Whether the test may change the system around its threads: the same test as `litmusNeedsCheckers` (a
 * descriptor named, or TLBI, MSR, SYS, DC, IC or AT run). A test that names no descriptor cannot write one (its
 * threads access its locations only, and the generated `litmus` table maps nothing else: no device), and without
 * TLB maintenance or system-register writes its translations stay that table's: its TLBs only cache it (Arm ARM
 * D8.13 "Translation Lookaside Buffers": a TLB holds the results of walks) and its GIC and timer stay as reset.
 * Such a test is explored with neither as state (`ExploreOptions.fixedSystem`): the TLBs stay filled across the
 * search's restores and the platform is never captured or restored.
 */
export function litmusChangesSystem(test: LitmusTest): boolean {
  return litmusNeedsCheckers(test);
}

export interface LitmusExplore {
  test: LitmusTest;
  /** The generated scenario's exploration (outcomes, bounds, counts). */
  explore: ExploreResult;
  herd: HerdResult;
}

/** Explore a litmus test: its herd7-format result, or the diagnostics that refuse it (never throws on bad input). */
export function exploreLitmus(text: string, file: string, options: Omit<ExploreOptions, 'cacheModel'> = {}): LitmusExplore | { diagnostics: LitmusDiagnostic[] } {
  const read = readLitmus(text, file);
  if (read.test === undefined) return { diagnostics: read.diagnostics };
  const test = read.test;
  const generated = litmusToScenario(test, file);
  const model = parseScenario(generated.text, file.replace(/\.litmus$/, '.armscope'));
  const errors = model.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    // The generator emits only what the scenario language accepts; an error here is a generator defect, reported as a refusal naming it.
    const at = { line: 0, col: 0 };
    return { diagnostics: errors.map((d) => ({ kind: 'unsupported' as const, message: `the generated scenario does not parse (line ${d.range.start.line + 1}: ${d.message})`, range: { start: at, end: at } })) };
  }
  const explore = exploreScenario(model, {
    ...options,
    cacheModel: 'off',
    checkers: litmusNeedsCheckers(test),
    fixedSystem: !litmusChangesSystem(test),
    // No litmus instruction reaches the GIC or the timer (MRS, MSR, SYS, WFI, WFE are refused: support.ts).
    attachPlatform: false,
    observe: (m) => observe(test, generated.layout, machineReader(m)),
  });
  const outcomes: Outcome[] = explore.outcomes.map((o) => ({ state: o.observed as Outcome['state'], executions: o.count }));
  return { test, explore, herd: herdResult(test, generated.layout, outcomes, { time: explore.seconds }) };
}
