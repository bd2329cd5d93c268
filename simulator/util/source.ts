/**
 * Positions in scenario text and what is reported at them: ranges (0-based
 * lines and columns, the LSP convention), diagnostics, and a line of assembly
 * as the assembler receives it. The scenario layer produces them, the
 * assembler (simulator/isa) and every front end read them.
 */

export interface SourcePosition {
  line: number;
  col: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  range: SourceRange;
  message: string;
}

export interface Diagnostic {
  range: SourceRange;
  severity: Severity;
  message: string;
  /** Stable identifier, e.g. `syntax`, `undefined-label`, `res1-violated`, `mismatched-attributes`. */
  rule: string;
  related?: RelatedLocation[];
  /** For an unknown name: the name probably meant, which replaces the text at `range` (scenario/suggest.ts). */
  suggestion?: string;
}

export interface AsmLine {
  labels: { name: string; range: SourceRange }[];
  /** Lower-case mnemonic or directive (`mov`, `b.eq`, `.quad`), absent for label-only lines. */
  mnemonic?: string;
  mnemonicRange?: SourceRange;
  /** Operand texts split at top-level commas (brackets and braces respected). */
  operands: { text: string; range: SourceRange }[];
  range: SourceRange;
  /** Filled by layout: address of this line's first byte. */
  address?: bigint;
}
