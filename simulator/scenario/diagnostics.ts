/**
 * Diagnostic helpers shared by the scenario passes: a collector, token ranges
 * and "did you mean" suggestions.
 */
import type { Token } from './lexer';
import type { Diagnostic, RelatedLocation, Severity, SourceRange } from './model';

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

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** The closest candidate within a small edit distance, if any. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = w.length <= 3 ? 1 : w.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  let bestPrefix = -1;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const d = editDistance(w, lc, limit);
    if (d > limit) continue;
    // Ties go to the candidate sharing the longest prefix ('halt' → 'halted', not 'fault').
    let prefix = 0;
    while (prefix < w.length && prefix < lc.length && w[prefix] === lc[prefix]) prefix++;
    if (d < bestD || (d === bestD && prefix > bestPrefix)) {
      bestD = d;
      best = c;
      bestPrefix = prefix;
    }
  }
  return best;
}

/** `; did you mean 'x'?` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s !== undefined ? `; did you mean '${s}'?` : '';
}
