/**
 * Exception breakpoint filters (the Breakpoints view's check boxes) and which
 * filter each fault or finding belongs to. One per fault kind and stage, one
 * per rule of the rule registry (simulator/arch/rules.ts: the checkers' and the
 * firmware's), and the firmware's stops.
 *
 * Which are on by default decides what F5 stops at without the user choosing:
 * faults and findings — each is a rule the run broke or an exception the code
 * did not expect —, a livelock, and failed expectations. FF-A error returns and
 * "every exception taken" are off: FFA_ERROR is ordinary protocol traffic
 * (NOT_SUPPORTED answers FFA_FEATURES probes, RETRY/BUSY ask the caller to try
 * again), and in an FF-A ping-pong each return is one turn of a loop the
 * livelock checker reports as a whole (seed 001: one stop, not four).
 */
import { LIVELOCK_RULES, RULES, type RuleId } from '../simulator/arch/rules';
import type { FaultRecord } from '../simulator/trace/events';

export interface ExceptionFilterDef {
  filter: string;
  label: string;
  description: string;
  default: boolean;
}

const FAULT_FILTERS: [string, string][] = [
  ['translation', 'Translation'],
  ['permission', 'Permission'],
  ['access-flag', 'Access flag'],
];

/** The exception breakpoint filters (DAP `exceptionBreakpointFilters`). */
export function exceptionFilters(): ExceptionFilterDef[] {
  const out: ExceptionFilterDef[] = [];
  for (const [kind, label] of FAULT_FILTERS)
    for (const stage of [1, 2])
      out.push({ filter: `fault:${kind}:${stage}`, label: `${label} fault, stage ${stage}`, description: `Stop when a PE takes a stage-${stage} ${label.toLowerCase()} fault`, default: true });
  out.push({ filter: 'fault:alignment', label: 'Alignment fault', description: 'Stop on alignment faults (data, PC and SP alignment)', default: true });
  out.push({ filter: 'fault:other', label: 'Other faults', description: 'Stop on other aborts, undefined instructions and illegal execution state', default: true });
  out.push({ filter: 'exception:any', label: 'Every exception taken', description: 'Stop on every exception a PE takes (SVC/HVC/SMC calls, traps, interrupts)', default: false });
  for (const r of RULES) {
    if (!LIVELOCK_RULES.includes(r.id)) out.push({ filter: `finding:${r.id}`, label: `Finding: ${r.id}`, description: `Stop when a run reports ${r.id}: ${r.summary}`, default: true });
  }
  out.push({ filter: 'ffa-error', label: 'FF-A error return', description: 'Stop when an SMC/HVC/ERET returns FFA_ERROR in w0 (off by default: errors are ordinary FF-A traffic)', default: false });
  out.push({ filter: 'livelock', label: 'Livelock', description: 'Stop when a checker ends the run because it can make no progress (e.g. an FF-A exchange repeating with identical state)', default: true });
  out.push({ filter: 'expectation', label: 'Failed expectation', description: 'Stop at the end of the run when an expectation fails', default: true });
  return out;
}

/** The filter a fault belongs to (`fault:translation:2`, `fault:alignment`, …); undefined for exceptions that are not faults. */
export function faultFilter(f: FaultRecord): string | undefined {
  if (f.kind === undefined) return undefined;
  if (f.kind === 'translation' || f.kind === 'permission' || f.kind === 'access-flag') return `fault:${f.kind}:${f.stage ?? 1}`;
  if (f.kind === 'alignment' || f.kind === 'pc-alignment' || f.kind === 'sp-alignment') return 'fault:alignment';
  return 'fault:other';
}

/** The filter a finding belongs to: its rule's, or `livelock`. */
export function findingFilter(rule: RuleId): string {
  return LIVELOCK_RULES.includes(rule) ? 'livelock' : `finding:${rule}`;
}

/** A DAP hit condition (`3`, `>= 3`, `% 2`) against a hit count; an unreadable one always holds. */
export function hitOk(hitCondition: string | undefined, hits: number): boolean {
  if (!hitCondition) return true;
  const m = /^\s*(==|>=|>|%|<=|<)?\s*(\d+)\s*$/.exec(hitCondition);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return hits >= n;
    case '>':
      return hits > n;
    case '<':
      return hits < n;
    case '<=':
      return hits <= n;
    case '%':
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}
