/**
 * What each bound of an exploration means, in one place for every front end
 * (the CLI report, the language server's diagnostic): what it cut and what
 * raises it — a flag or explore-block setting, or, for a fixed limit, where
 * docs/limits.md gives it.
 */
import { MAX_CERTIFY_STEPS, MAX_READ_VARIANTS } from '../engine/promising';
import { count } from '../scenario/limits';
import { MAX_FOOTPRINT_LINES } from './choices';

/** What the texts read from a result. */
export interface BoundFacts {
  maxStates: number;
  maxDepth: number;
  speculativeLines?: number;
  /** The editor capped `max-states` at its own limit (language server). */
  statesCapped?: boolean;
  /** The editor's time limit (language server), ms. */
  timeLimitMs?: number;
}

/** The language server's bound for a search stopped by its time limit. */
export const TIME_LIMIT_BOUND = 'time-limit';

/** Bound `b` (a name in `bounds.hit`) for the user: what it cut and what raises it. */
export function boundText(b: string, f: BoundFacts): string {
  switch (b) {
    case 'max-states':
      return f.statesCapped === true
        ? `max-states (${count(f.maxStates)} states, the editor's limit — docs/limits.md): states beyond it were not explored; raise it on the command line with --max-states N`
        : `max-states (${count(f.maxStates)} states): states beyond it were not explored; raise it with --max-states N or max_states in the explore block`;
    case 'max-depth':
      return `max-depth (${count(f.maxDepth)} actions): longer executions were cut there; raise it with --max-depth N or max_depth in the explore block`;
    case 'speculation-footprint':
      return `speculation footprint (${count(MAX_FOOTPRINT_LINES)} lines per PE, a fixed limit of docs/limits.md): speculative fills of further lines were not enumerated`;
    case 'speculative-lines':
      return `speculative_lines (${count(f.speculativeLines ?? 0)} lines per PE beyond its own accesses, or a fixed limit of docs/limits.md): speculative fills of further mapped lines were not enumerated; raise speculative_lines in the explore block`;
    case 'read-choices':
      return `read choices (${count(MAX_READ_VARIANTS)} per step, a fixed limit of docs/limits.md): further values a read may take were not enumerated`;
    case 'promise-certification':
      return `promise certification (${count(MAX_CERTIFY_STEPS)} steps, a fixed limit of docs/limits.md): promises needing longer certification were not made`;
    case 'cancelled':
      return 'cancelled: the search was stopped';
    case TIME_LIMIT_BOUND:
      return `the editor's time limit (${(f.timeLimitMs ?? 0) / 1000} s — docs/limits.md): the search was stopped there; run 'armscope explore FILE' for no time limit`;
    default:
      return b;
  }
}
