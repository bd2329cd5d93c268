/**
 * Parser state shared by the block interpreters, layout and checker, plus a
 * small token cursor used to read one statement.
 */
import { evaluateExpression, expressionSymbols } from '../isa/expr';
import { quote, Reporter, spanRange, tokRange } from './diagnostics';
import { editDistance } from './suggest';
import type { ScenarioLanguage } from './keywords';
import type { Token } from './lexer';
import type { AsmRecord } from './asmCache';
import type { Instr } from '../isa/instr';
import type { AsmLine, CodeBlock, Diagnostic, PeDecl, ScenarioModel, SourceRange, SymbolDef, SymbolRef, ValueExpr } from './model';

/** A value evaluated after constants and labels are known; `apply` stores the result in the model. */
export interface DeferredValue {
  expr: ValueExpr;
  /** What the value is, for messages: "PE count", "entry point". */
  what: string;
  min?: bigint;
  max?: bigint;
  /** Rule id for an out-of-range value (default `out-of-range`). */
  rule?: string;
  apply?: (v: bigint) => void;
}

/** The operand tokens of a line once layout pass 2 has read them (shared: nothing adds to it). */
export const NO_OPERANDS: readonly Token[][] = [];

/** Internal per-line data the model does not carry: operand tokens (symbol references). */
export interface LineInternals {
  asm: AsmLine;
  operandTokens: readonly Token[][];
  /** Source line (0-based). */
  line: number;
  /** The assembly memo record this instruction's assembly came from (layout.ts), when the memo is on. */
  rec?: AsmRecord;
  /**
   * A copy of `from` (the record's instruction) labelled with this line, made by an edit that moved
   * the line and private to this model: later edits that move the line again relabel it in place
   * (bodyEdit.ts) instead of copying it again.
   */
  placed?: { from: Instr; instr: Instr };
}

export interface CodeInternals {
  block: CodeBlock;
  lines: LineInternals[];
  headerRange: SourceRange;
  /** Range of the block name, when named. */
  nameRange?: SourceRange;
  /** False when the header has no usable base address (already reported). */
  hasBase: boolean;
  /** Filled by layout: [base, end) including the literal pool. */
  start?: bigint;
  end?: bigint;
}

export interface ConstDecl {
  def: SymbolDef;
  expr: ValueExpr;
  resolved: boolean;
  /** How names resolve for this definition (`.equ` in code: with `.` and local labels of its line). */
  lookup?: Lookup;
}

export interface ParseState {
  model: ScenarioModel;
  /** The language being parsed (its extension blocks, settings and predefined symbols). */
  language: ScenarioLanguage;
  rep: Reporter;
  clean: string[];
  refs: SymbolRef[];
  consts: ConstDecl[];
  code: CodeInternals[];
  /** Values evaluated once constants and labels are known (register values, entries, expectations…). */
  late: DeferredValue[];
  /** Values evaluated right after `const`s (system settings). */
  early: DeferredValue[];
  /** The `el` expression of each PE block (evaluated early by the code-EL inference, codeEl.ts). */
  peEls: Map<PeDecl, ValueExpr>;
  /** Numeric local labels (`1:`) per code block: name → addresses in text order with their line index. */
  localLabels: Map<CodeBlock, Map<string, { address: bigint; index: number }[]>>;
  /** The diagnostics the assembler reported for instruction lines (not symbol misses), for edits that re-assemble a line (bodyEdit.ts). */
  asmReports?: WeakSet<Diagnostic>;
}

/** Build a ValueExpr from a run of tokens on one line. */
export function makeExpr(st: ParseState, toks: Token[]): ValueExpr {
  const a = toks[0];
  const b = toks[toks.length - 1];
  const lineText = st.clean[a.line] ?? '';
  const text = a.line === b.line ? lineText.slice(a.col, b.endCol) : toks.map((t) => t.text).join(' ');
  return { text, range: spanRange(a, b) };
}

/** Symbols referenced by an expression, as ranges (recorded for references/definition queries). */
export function exprSymbols(expr: ValueExpr): { name: string; range: SourceRange }[] {
  const line = expr.range.start.line;
  const col0 = expr.range.start.col;
  const single = expr.range.end.line === line;
  return expressionSymbols(expr.text)
    .filter((s) => s.name !== '.')
    .map((s) => ({
      name: s.name,
      range: single
        ? { start: { line, col: col0 + s.offset }, end: { line, col: col0 + s.offset + s.name.length } }
        : expr.range,
    }));
}

export function recordRefs(st: ParseState, expr: ValueExpr): void {
  for (const s of exprSymbols(expr)) st.refs.push(s);
}

/**
 * Looks a name up: its value, `undefined` when no such symbol exists, or `null`
 * when the symbol exists but has no value (its own definition failed — already
 * reported — so uses of it stay silent instead of cascading).
 */
export type Lookup = (name: string) => bigint | undefined | null;

export interface EvalOptions {
  /** Report nothing (speculative passes that retry later). */
  quiet?: boolean;
  /** Report uses of symbols that have no value (final pass over constants: cycles). */
  reportUnvalued?: boolean;
}

/**
 * Evaluate an expression (GNU as syntax, `isa/expr.ts`) against the symbols
 * known now. Reports syntax errors and undefined symbols at their exact range.
 * Returns undefined on any error.
 */
export function evaluate(st: ParseState, expr: ValueExpr, lookup: Lookup, opts: EvalOptions = {}): bigint | undefined {
  let unvalued: string | undefined;
  const resolve = (name: string): bigint | undefined => {
    const v = lookup(name);
    if (v === null) {
      unvalued ??= name;
      return 0n;
    }
    return v;
  };
  let r;
  try {
    r = evaluateExpression(expr.text, resolve);
  } catch (e) {
    if (!opts.quiet) st.rep.error(expr.range, `cannot evaluate '${quote(expr.text)}': ${(e as Error).message}`, 'bad-value');
    return undefined;
  }
  if ('value' in r && unvalued === undefined) {
    expr.value = r.value;
    return r.value;
  }
  if (opts.quiet) return undefined;
  if ('value' in r) {
    if (opts.reportUnvalued && unvalued !== undefined) {
      st.rep.error(expr.range, `'${quote(expr.text)}' cannot be computed: '${unvalued}' has no value (circular definition?)`, 'circular-definition');
    }
    return undefined;
  }
  const m = /^undefined symbol '(.*)'$/.exec(r.error);
  const range = offsetRange(expr, r.offset, m ? m[1].length : undefined);
  const local = m ? /^([0-9]+)([bf])$/.exec(m[1]) : null;
  if (local) st.rep.error(range, `no local label '${local[1]}:' ${local[2] === 'b' ? 'before' : 'after'} this line in this block`, 'undefined-symbol');
  else if (m) st.rep.error(range, `undefined symbol '${m[1]}'${symbolHint(st, m[1])}`, 'undefined-symbol');
  else st.rep.error(range, `invalid value '${quote(expr.text)}': ${r.error}`, 'bad-value');
  return undefined;
}

/** The range of the text at `offset` in an expression (length: `len`, or the next word, at least one character). */
function offsetRange(expr: ValueExpr, offset: number | undefined, len: number | undefined): SourceRange {
  const line = expr.range.start.line;
  if (offset === undefined || expr.range.end.line !== line) return expr.range;
  const col = expr.range.start.col + offset;
  const endCol = expr.range.end.col;
  if (col >= endCol) return { start: { line, col: endCol }, end: { line, col: endCol } };
  const word = /^[A-Za-z0-9_.$]+/.exec(expr.text.slice(offset));
  const n = len ?? (word ? word[0].length : 1);
  return { start: { line, col }, end: { line, col: Math.min(endCol, col + n) } };
}

/**
 * "; did you mean 'X'?" for an undefined symbol. Each call compares against
 * every symbol, so the parse's suggestion budget (Reporter) bounds the total:
 * a file of thousands of undefined names among thousands of symbols gets its
 * diagnostics without the quadratic search.
 */
export function symbolHint(st: ParseState, name: string): string {
  const names = st.model.symbols;
  return st.rep.suggestion(names.size, () => closestSymbol(names, name));
}

function closestSymbol(names: ReadonlyMap<string, unknown>, name: string): string {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = 3;
  for (const n of names.keys()) {
    if (n.toLowerCase() === lower) return `; did you mean '${n}'? (symbols are case-sensitive)`;
    if (Math.abs(n.length - name.length) > 2) continue;
    const d = editDistance(n, name, 2);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best && bestD <= (name.length <= 4 ? 1 : 2) ? `; did you mean '${best}'?` : '';
}

/** Lookup over the global symbol table (constants and labels), then the language's predefined symbols (keywords.ts). */
export function globalLookup(st: ParseState): Lookup {
  return (name) => {
    const s = st.model.symbols.get(name);
    if (!s) return st.language.symbol(name)?.value;
    return s.value ?? null;
  };
}

/** Reads the tokens of one statement. */
export class Cursor {
  i = 0;
  constructor(
    readonly toks: Token[],
    readonly st: ParseState,
    /** Token to report at when the statement is empty (the block keyword). */
    readonly anchor?: Token,
  ) {}

  get rep(): Reporter {
    return this.st.rep;
  }

  peek(k = 0): Token | undefined {
    return this.toks[this.i + k];
  }

  next(): Token | undefined {
    return this.toks[this.i++];
  }

  atEnd(): boolean {
    return this.i >= this.toks.length;
  }

  /** The last consumed token (or the first token if nothing was consumed). */
  prev(): Token {
    return this.toks[Math.max(0, this.i - 1)] ?? this.toks[0] ?? (this.anchor as Token);
  }

  isWord(text: string, k = 0): boolean {
    const t = this.toks[this.i + k];
    return t !== undefined && t.kind === 'ident' && t.text.toLowerCase() === text;
  }

  acceptWord(text: string): Token | undefined {
    if (this.isWord(text)) return this.next();
    return undefined;
  }

  acceptPunct(text: string): Token | undefined {
    const t = this.peek();
    if (t && t.kind === 'punct' && t.text === text) return this.next();
    return undefined;
  }

  /** Range to report "expected …" at: the offending token, or the token after which something is missing. */
  errorRange(): SourceRange {
    const t = this.peek();
    return t ? tokRange(t) : tokRange(this.prev());
  }

  /** Report `expected X after Y` (Y = the previous token) and return undefined. */
  expected(what: string, after?: string): undefined {
    const t = this.peek();
    const a = after ?? this.prev().text;
    const found = t ? `, found '${quote(t.text)}'` : '';
    this.rep.error(this.errorRange(), `expected ${what} after '${quote(a)}'${found}`);
    return undefined;
  }

  expectWord(text: string, after?: string): Token | undefined {
    const t = this.acceptWord(text);
    if (!t) this.expected(`'${text}'`, after);
    return t;
  }

  /**
   * A "word" made of adjacent tokens with no space between them (`access-flag`,
   * `mismatched-attributes`, `normal-wb`).
   */
  word(): { text: string; range: SourceRange; toks: Token[] } | undefined {
    const first = this.peek();
    if (!first) return undefined;
    const toks = [first];
    this.i++;
    while (!this.atEnd()) {
      const t = this.peek() as Token;
      if (t.spaced || t.line !== first.line) break;
      if (t.kind === 'string' || t.text === '[' || t.text === '{' || t.text === ',') break;
      toks.push(t);
      this.i++;
    }
    return { text: toks.map((t) => t.text).join(''), range: spanRange(first, toks[toks.length - 1]), toks };
  }

  /**
   * Consume an expression: tokens up to (not including) a stop word at bracket
   * depth 0, a stop punctuation, or the end of the statement.
   */
  expr(stopWords: readonly string[] = [], stopPunct: readonly string[] = []): ValueExpr | undefined {
    const start = this.i;
    let depth = 0;
    while (!this.atEnd()) {
      const t = this.peek() as Token;
      if (depth === 0) {
        if (t.kind === 'ident' && stopWords.includes(t.text.toLowerCase())) break;
        if (t.kind === 'punct' && stopPunct.includes(t.text)) break;
      }
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') {
        if (depth === 0) break;
        depth--;
      }
      this.i++;
    }
    if (this.i === start) return undefined;
    const e = makeExpr(this.st, this.toks.slice(start, this.i));
    recordRefs(this.st, e);
    return e;
  }

  /** Report the rest of the statement as unexpected. */
  expectEnd(context: string): void {
    if (this.atEnd()) return;
    const t = this.peek() as Token;
    const last = this.toks[this.toks.length - 1];
    this.rep.error(spanRange(t, last), `unexpected '${quote(t.text)}' at the end of ${context}`);
    this.i = this.toks.length;
  }
}

