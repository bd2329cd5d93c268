/**
 * Diagnostic helpers shared by the scenario passes: a collector, token ranges
 * and "did you mean" suggestions.
 */
import type { Token } from './lexer';
import { count, MAX_DIAGNOSTICS, MAX_SUGGESTION_COMPARISONS } from './limits';
import type { Diagnostic, RelatedLocation, Severity, SourceRange } from './model';
import { closest } from './suggest';

/**
 * Collects a parse's diagnostics. Past MAX_DIAGNOSTICS it only counts them
 * (one line of a million commas must not cost a million objects);
 * `capDiagnostics` turns the count into one final diagnostic.
 */
export class Reporter {
  readonly list: Diagnostic[] = [];
  /** Diagnostics reported past the cap: counted, not kept. */
  readonly dropped: DroppedDiagnostics = { count: 0, errors: 0 };
  /** Candidate comparisons left for "did you mean" suggestions (MAX_SUGGESTION_COMPARISONS per parse). */
  suggestionBudget = MAX_SUGGESTION_COMPARISONS;

  /** True once further diagnostics are only counted: callers may skip work that only improves a message. */
  get full(): boolean {
    return this.list.length >= MAX_DIAGNOSTICS;
  }

  /**
   * A "did you mean" suffix from `make`, which compares the word with
   * `comparisons` candidates; '' once the budget is spent or the diagnostic
   * would be dropped anyway. Bounds the suggestion work of a whole parse.
   */
  suggestion(comparisons: number, make: () => string): string {
    if (this.full || this.suggestionBudget < comparisons) return '';
    this.suggestionBudget -= comparisons;
    return make();
  }

  report(range: SourceRange, message: string, rule: string, severity: Severity = 'error', related?: RelatedLocation[]): void {
    if (this.full) {
      noteDropped(this.dropped, range, severity);
      return;
    }
    const d: Diagnostic = { range, severity, message, rule };
    if (related && related.length > 0) d.related = related;
    this.list.push(d);
  }

  error(range: SourceRange, message: string, rule = 'syntax', related?: RelatedLocation[]): void {
    this.report(range, message, rule, 'error', related);
  }

  warning(range: SourceRange, message: string, rule: string, related?: RelatedLocation[]): void {
    this.report(range, message, rule, 'warning', related);
  }
}

/** Longest diagnostic message kept whole (its range shows the text it is about). */
const MAX_MESSAGE_CHARS = 400;

/** Diagnostics counted but not kept: how many, how many of them errors, and where the first was. */
export interface DroppedDiagnostics {
  count: number;
  errors: number;
  first?: SourceRange;
}

function noteDropped(d: DroppedDiagnostics, range: SourceRange, severity: Severity): void {
  d.count++;
  if (severity === 'error') d.errors++;
  if (d.first === undefined || before(range, d.first)) d.first = range;
}

function before(a: SourceRange, b: SourceRange): boolean {
  return a.start.line < b.start.line || (a.start.line === b.start.line && a.start.col < b.start.col);
}

/**
 * Sort diagnostics by position and keep the first MAX_DIAGNOSTICS; the rest
 * (and those a Reporter already counted) become one diagnostic that counts
 * them. It is an error when any dropped one was, so a file whose errors are
 * all past the cap still counts as having errors (and is not run).
 *
 * The count sits at the end of the last kept diagnostic's range, not at the
 * first dropped one: the Reporter keeps the first diagnostics *reported*, and
 * a later pass may report one at an earlier position (a warning at 1:1 after
 * a line of a million syntax errors), so the first dropped one can lie before
 * everything kept. After the last kept one, the list stays in position order
 * with the count last, where an editor's problem list and a reader of the
 * CLI's output reach it after everything shown; its message names where the
 * first dropped diagnostic is.
 */
export function capDiagnostics(list: Diagnostic[], dropped: DroppedDiagnostics = { count: 0, errors: 0 }): Diagnostic[] {
  // Messages quote source text; whatever quotes a long token, a message stays one readable line.
  for (const d of list) if (d.message.length > MAX_MESSAGE_CHARS) d.message = `${d.message.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
  const sorted = list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.range.start.line - b.d.range.start.line || a.d.range.start.col - b.d.range.start.col || a.i - b.i)
    .map((x) => x.d);
  if (sorted.length <= MAX_DIAGNOSTICS && dropped.count === 0) return sorted;
  const rest = { ...dropped };
  for (const d of sorted.slice(MAX_DIAGNOSTICS)) noteDropped(rest, d.range, d.severity);
  const kept = sorted.slice(0, MAX_DIAGNOSTICS);
  const at = kept.reduce((end, d) => (before({ start: end, end }, { start: d.range.end, end: d.range.end }) ? d.range.end : end), { line: 0, col: 0 });
  const first = rest.first === undefined ? '' : ` (the first at line ${rest.first.start.line + 1}, column ${rest.first.start.col + 1})`;
  kept.push({
    range: { start: at, end: at },
    severity: rest.errors > 0 ? 'error' : 'warning',
    message: `${count(rest.count)} more problem${rest.count === 1 ? '' : 's'} (${count(rest.errors)} error${rest.errors === 1 ? '' : 's'}) not shown${first}: at most ${count(MAX_DIAGNOSTICS)} are reported per file`,
    rule: 'too-many-diagnostics',
  });
  return kept;
}

/** Source text quoted in a message, elided past 60 characters (the diagnostic's range shows all of it). */
export function quote(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}…`;
}

export function tokRange(t: Token): SourceRange {
  return { start: { line: t.line, col: t.col }, end: { line: t.line, col: t.endCol } };
}

/** Range from the start of `a` to the end of `b`. */
export function spanRange(a: Token, b: Token): SourceRange {
  return { start: { line: a.line, col: a.col }, end: { line: b.line, col: b.endCol } };
}

/** The closest candidate within a small edit distance, if any (suggest.ts: one distance for every "did you mean"). */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  return closest(word, candidates);
}

/** `; did you mean 'x'?` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s !== undefined ? `; did you mean '${s}'?` : '';
}
