/**
 * Conversions between the scenario model (0-based lines/columns, the LSP
 * convention already) and LSP types.
 */
import {
  type Diagnostic as LspDiagnostic,
  DiagnosticSeverity,
  type Range,
  type Position,
} from 'vscode-languageserver/node';
import type { Diagnostic, Severity, SourcePosition, SourceRange } from '../simulator/scenario/model';

export function toRange(r: SourceRange): Range {
  return { start: { line: r.start.line, character: r.start.col }, end: { line: r.end.line, character: r.end.col } };
}

export function toSourcePosition(p: Position): SourcePosition {
  return { line: p.line, col: p.character };
}

export function severityOf(s: Severity): DiagnosticSeverity {
  return s === 'error' ? DiagnosticSeverity.Error : s === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
}

/** `data` of a parse diagnostic about an unknown name. */
export interface SuggestionData {
  suggestion: string;
}

export function toLspDiagnostic(d: Diagnostic, uri: string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(d.range),
    severity: severityOf(d.severity),
    message: d.message,
    source: 'armscope',
    code: d.rule,
  };
  // The name probably meant (simulator/scenario/suggest.ts): the quick fix reads it back from `data`.
  if (d.suggestion !== undefined) out.data = { suggestion: d.suggestion } satisfies SuggestionData;
  if (d.related && d.related.length > 0) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri, range: toRange(r.range) }, message: r.message }));
  }
  return out;
}

/** Is `pos` inside `r` (end inclusive, so a cursor just after a word still counts)? */
export function contains(r: SourceRange, line: number, col: number): boolean {
  if (line < r.start.line || line > r.end.line) return false;
  if (line === r.start.line && col < r.start.col) return false;
  if (line === r.end.line && col > r.end.col) return false;
  return true;
}

/** Whole-line range of a 0-based line. */
export function lineRange(lines: readonly string[], line: number): Range {
  const text = lines[line] ?? '';
  const first = text.search(/\S/);
  return { start: { line, character: first < 0 ? 0 : first }, end: { line, character: text.length } };
}
