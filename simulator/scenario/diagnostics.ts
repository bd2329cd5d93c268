/**
 * Diagnostic helpers shared by the scenario passes: a collector, token ranges
 * and "did you mean" suggestions.
 */
import type { Token } from './lexer';
import type { Diagnostic, RelatedLocation, Severity, SourceRange } from './model';
import { closest } from './suggest';

export class Reporter {
  readonly list: Diagnostic[] = [];

  report(range: SourceRange, message: string, rule: string, severity: Severity = 'error', related?: RelatedLocation[]): void {
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
