/**
 * `code [NAME] at ADDR { … }` and `data [NAME] at ADDR { … }`: GNU as AArch64
 * source lines, split here into labels, mnemonic and operands (AsmLine);
 * layout.ts places and assembles them.
 */
import type { RawBlock, Statement } from './blocks';
import { spanRange, tokRange } from './diagnostics';
import type { Token } from './lexer';
import type { AsmLine, CodeBlock, ExceptionLevel, SourcePosition } from './model';
import { Cursor, type LineInternals, type ParseState } from './state';

export function interpretCode(st: ParseState, block: RawBlock): void {
  const kind = block.keyword.text as 'code' | 'data';
  const c = new Cursor(block.header, st, block.keyword);
  let name: string | undefined;
  let nameTok: Token | undefined;
  const first = c.peek();
  if (first && first.kind === 'ident' && first.text !== 'at') {
    nameTok = c.next();
    name = first.text;
  }
  let base = undefined;
  let el: ExceptionLevel | undefined;
  if (block.header.length === 0) {
    st.rep.error(block.open ? tokRange(block.open) : tokRange(block.keyword), `expected 'at' and an address after '${kind}' (e.g. '${kind} at 0x8000_0000 {')`);
  } else if (c.expectWord('at', name ? `${kind} ${name}` : kind)) {
    base = c.expr(['el']);
    if (!base) c.expected('an address', 'at');
    else {
      if (c.acceptWord('el')) {
        const t = c.next();
        const v = t && t.kind === 'number' ? Number(t.text) : NaN;
        if (!t || !Number.isInteger(v) || v < 0 || v > 3) {
          if (t) c.i--;
          c.expected('an exception level 0-3', 'el');
          c.i = c.toks.length; // reported once
        } else el = v as ExceptionLevel;
      }
      c.expectEnd(`the '${kind}' header`);
    }
  }
  const headerEnd = block.header.length > 0 ? block.header[block.header.length - 1] : block.keyword;
  const cb: CodeBlock = {
    kind,
    base: base ?? { text: '', range: spanRange(block.keyword, headerEnd) },
    lines: [],
    range: block.range,
  };
  if (name !== undefined) cb.name = name;
  if (el !== undefined) cb.el = el;
  const lines: LineInternals[] = [];
  for (const stmt of block.body) {
    const li = splitAsmLine(st, stmt);
    if (li) {
      cb.lines.push(li.asm);
      lines.push(li);
    }
  }
  st.model.code.push(cb);
  st.code.push({ block: cb, lines, headerRange: spanRange(block.keyword, headerEnd), nameRange: nameTok ? tokRange(nameTok) : undefined, hasBase: base !== undefined });
}

function isLabelName(t: Token): boolean {
  return t.kind === 'ident' || (t.kind === 'number' && /^[0-9]+$/.test(t.text));
}

/**
 * The texts of mnemonics and operands, shared between lines (a 50,000-line
 * block holds a few thousand distinct ones): one string each instead of one
 * per line. Bounded: past MAX_INTERNED entries it starts over.
 */
const interned = new Map<string, string>();
const MAX_INTERNED = 65_536;

function intern(s: string): string {
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(s, s);
  return s;
}

/** `{ line, col }`: `p` itself when it is that position (positions are values: a line's ranges share its start and end). */
function at(p: SourcePosition, line: number, col: number): SourcePosition {
  return p.line === line && p.col === col ? p : { line, col };
}

/** Split one source statement into labels, mnemonic and operands. */
export function splitAsmLine(st: ParseState, stmt: Statement): LineInternals | undefined {
  const toks = stmt.tokens;
  const asm: AsmLine = { labels: [], operands: [], range: stmt.range };
  const { start, end } = stmt.range;
  let i = 0;
  while (i + 1 < toks.length && isLabelName(toks[i]) && toks[i + 1].text === ':') {
    const t = toks[i];
    asm.labels.push({ name: t.text, range: { start: at(start, t.line, t.col), end: { line: t.line, col: t.endCol } } });
    i += 2;
  }
  const operandTokens: Token[][] = [];
  if (i < toks.length) {
    const m = toks[i];
    if (m.kind !== 'ident') {
      st.rep.error(tokRange(m), `expected an instruction, directive or label, found '${m.text}'`);
      return asm.labels.length > 0 ? { asm, operandTokens, line: stmt.range.start.line } : undefined;
    }
    asm.mnemonic = intern(m.text.toLowerCase());
    asm.mnemonicRange = { start: at(start, m.line, m.col), end: at(end, m.line, m.endCol) };
    i++;
    // Operands at top-level commas; brackets and braces nest. This runs for every line on every
    // keystroke, so it allocates only exact-size arrays: pass 1 finds the commas (into a reused
    // scratch array), pass 2 builds the operands.
    if (i < toks.length) {
      let depth = 0;
      let n = 0;
      for (let k = i; k < toks.length; k++) {
        const c = toks[k].text;
        if (c === '[' || c === '(' || c === '{') depth++;
        else if (c === ']' || c === ')' || c === '}') depth = depth > 0 ? depth - 1 : 0;
        else if (depth === 0 && c === ',') COMMAS[n++] = k;
      }
      COMMAS[n] = toks.length;
      const ops: AsmLine['operands'] = new Array<AsmLine['operands'][number]>(n + 1);
      const opToks: Token[][] = new Array<Token[]>(n + 1);
      let count = 0;
      let from = i;
      let lastComma: Token | undefined;
      for (let k = 0; k <= n; k++) {
        const to = COMMAS[k];
        const comma = k < n ? toks[to] : undefined;
        if (to <= from) {
          st.rep.error(tokRange(comma ?? lastComma ?? m), comma ? `expected an operand before ','` : `expected an operand after ','`);
        } else {
          const a = toks[from];
          const b = toks[to - 1];
          const text = a.line === b.line ? (st.clean[a.line] ?? '').slice(a.col, b.endCol) : toks.slice(from, to).map((t) => t.text).join(' ');
          ops[count] = { text: intern(text), range: { start: { line: a.line, col: a.col }, end: at(end, b.line, b.endCol) } };
          opToks[count++] = toks.slice(from, to);
        }
        lastComma = comma;
        from = to + 1;
      }
      ops.length = count;
      opToks.length = count;
      asm.operands = ops;
      return { asm, operandTokens: opToks, line: stmt.range.start.line };
    }
  }
  return { asm, operandTokens, line: stmt.range.start.line };
}

/** Scratch for splitAsmLine's top-level comma positions (reused: no allocation per line). */
const COMMAS: number[] = [];

