/**
 * `code [NAME] at ADDR { … }` and `data [NAME] at ADDR { … }`: GNU as AArch64
 * source lines, split here into labels, mnemonic and operands (AsmLine);
 * layout.ts places and assembles them.
 */
import type { RawBlock, Statement } from './blocks';
import { spanRange, tokRange } from './diagnostics';
import type { Token } from './lexer';
import type { AsmLine, CodeBlock, ExceptionLevel } from './model';
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

/** Split one source statement into labels, mnemonic and operands. */
export function splitAsmLine(st: ParseState, stmt: Statement): LineInternals | undefined {
  const toks = stmt.tokens;
  const asm: AsmLine = { labels: [], operands: [], range: stmt.range };
  let i = 0;
  while (i + 1 < toks.length && isLabelName(toks[i]) && toks[i + 1].text === ':') {
    asm.labels.push({ name: toks[i].text, range: tokRange(toks[i]) });
    i += 2;
  }
  const operandTokens: Token[][] = [];
  if (i < toks.length) {
    const m = toks[i];
    if (m.kind !== 'ident') {
      st.rep.error(tokRange(m), `expected an instruction, directive or label, found '${m.text}'`);
      return asm.labels.length > 0 ? { asm, operandTokens, line: stmt.range.start.line } : undefined;
    }
    asm.mnemonic = m.text.toLowerCase();
    asm.mnemonicRange = tokRange(m);
    i++;
    // Operands at top-level commas; brackets and braces nest.
    let depth = 0;
    let cur: Token[] = [];
    let lastComma: Token | undefined;
    const flush = (comma: Token | undefined): void => {
      if (cur.length === 0) {
        const at = comma ?? lastComma ?? m;
        st.rep.error(tokRange(at), comma ? `expected an operand before ','` : `expected an operand after ','`);
      } else {
        const a = cur[0];
        const b = cur[cur.length - 1];
        const text = a.line === b.line ? (st.clean[a.line] ?? '').slice(a.col, b.endCol) : cur.map((t) => t.text).join(' ');
        asm.operands.push({ text, range: spanRange(a, b) });
        operandTokens.push(cur);
      }
      cur = [];
    };
    if (i < toks.length) {
      for (; i < toks.length; i++) {
        const t = toks[i];
        if (t.text === '[' || t.text === '(' || t.text === '{') depth++;
        else if (t.text === ']' || t.text === ')' || t.text === '}') depth = Math.max(0, depth - 1);
        if (depth === 0 && t.text === ',') {
          flush(t);
          lastComma = t;
          continue;
        }
        cur.push(t);
      }
      flush(undefined);
    }
  }
  return { asm, operandTokens, line: stmt.range.start.line };
}
