/**
 * `pe N { … }` / `pe 1-3 { … }`: initial state of one or more PEs.
 */
import type { RawBlock } from './blocks';
import { didYouMean, spanRange, tokRange } from './diagnostics';
import { PE_SETTINGS } from './keywords';
import type { Token } from './lexer';
import type { ExceptionLevel, PeDecl, SourceRange } from './model';
import { Cursor, type ParseState } from './state';
import { MAX_PES } from './limits';
import { hex, parseInteger } from '../util/hex';

/** A literal PE index list: `0`, `1-3`, `0, 2-3`. */
export function parseIdList(c: Cursor, what: string): { ids: number[]; range: SourceRange } | undefined {
  // A set: `pe 0,0,0…` or overlapping ranges keep at most MAX_PES ids, whatever the length of the list.
  const ids = new Set<number>();
  const first = c.peek();
  if (!first) return c.expected(`a ${what} number`);
  const numberAt = (t: Token | undefined): bigint | undefined => (t && t.kind === 'number' ? parseInteger(t.text) : undefined);
  for (;;) {
    const a = c.next();
    const av = numberAt(a);
    if (!a || av === undefined) {
      if (a) c.i--;
      return c.expected(`a ${what} number`);
    }
    let bv = av;
    let last = a;
    const dash = c.peek();
    if (dash && dash.text === '-') {
      c.next();
      const b = c.next();
      const v = numberAt(b);
      if (!b || v === undefined) {
        if (b) c.i--;
        return c.expected(`the last ${what} number of the range`, '-');
      }
      if (v < av) {
        c.rep.error(spanRange(a, b), `empty ${what} range ${av}-${v}: write the lower number first`);
        return undefined;
      }
      bv = v;
      last = b;
    }
    // No system has more than MAX_PES PEs: a larger number is an error here, before any loop over the range.
    if (bv >= BigInt(MAX_PES)) {
      c.rep.error(spanRange(a, last), `${what} ${bv > 0xffffn ? hex(bv) : bv} does not exist: a system has at most ${MAX_PES} PEs (0-${MAX_PES - 1})`, 'pe-range');
      return undefined;
    }
    for (let v = Number(av); v <= Number(bv); v++) ids.add(v);
    if (!c.acceptPunct(',')) break;
  }
  return { ids: [...ids], range: spanRange(first, c.prev()) };
}

/** Where each PE id of a header came from, for range-exact "pe 9 does not exist" diagnostics. */
export interface PeHeaderInfo {
  decl: PeDecl;
  idsRange: SourceRange;
  /** The `security …` line, when present. */
  securityRange?: SourceRange;
}

export function interpretPe(st: ParseState, block: RawBlock, headers: PeHeaderInfo[]): void {
  const hc = new Cursor(block.header, st, block.keyword);
  if (block.header.length === 0) {
    st.rep.error(block.open ? tokRange(block.open) : tokRange(block.keyword), "expected a PE number or range (e.g. 'pe 0' or 'pe 1-3') after 'pe'");
    return;
  }
  const list = parseIdList(hc, 'PE');
  if (!list) return;
  hc.expectEnd("the 'pe' header");
  const decl: PeDecl = { ids: list.ids, registers: [], range: block.range };
  st.model.pes.push(decl);
  const header: PeHeaderInfo = { decl, idsRange: list.range };
  headers.push(header);

  let elSeen = false;
  for (const stmt of block.body) {
    const c = new Cursor(stmt.tokens, st);
    const key = c.next() as Token;
    const k = key.text.toLowerCase();
    if (key.kind !== 'ident') {
      st.rep.error(tokRange(key), `expected a setting ('el', 'security', 'entry') or a register assignment, found '${key.text}'`);
      continue;
    }
    if (c.peek()?.text === '=') {
      c.next();
      const value = c.expr();
      if (!value) {
        c.expected('a value', '=');
        continue;
      }
      decl.registers.push({ name: k, value, range: stmt.range });
      st.late.push({ expr: value, what: `the value of ${k}` });
      continue;
    }
    switch (k) {
      case 'el': {
        const e = c.expr();
        if (!e) {
          c.expected('an exception level (0-3)', 'el');
          break;
        }
        if (elSeen) st.rep.warning(tokRange(key), "'el' is set twice; the last value wins", 'duplicate');
        elSeen = true;
        st.late.push({ expr: e, what: 'the exception level', min: 0n, max: 3n, apply: (v) => (decl.el = Number(v) as ExceptionLevel) });
        // Layout infers code blocks' ELs from it before late values are applied (codeEl.ts).
        st.peEls.set(decl, e);
        break;
      }
      case 'security': {
        const t = c.next();
        if (!t) {
          c.expected("'nonsecure' or 'secure'", 'security');
          break;
        }
        const v = t.text.toLowerCase();
        if (v !== 'secure' && v !== 'nonsecure') {
          st.rep.error(tokRange(t), `invalid security state '${t.text}': expected 'nonsecure' or 'secure'${didYouMean(v, ['nonsecure', 'secure'])}`);
          break;
        }
        decl.security = v;
        header.securityRange = stmt.range;
        c.expectEnd("the 'security' setting");
        break;
      }
      case 'entry': {
        const e = c.expr();
        if (!e) {
          c.expected('a label or address', 'entry');
          break;
        }
        decl.entry = e;
        st.late.push({ expr: e, what: 'the entry point', min: 0n, max: (1n << 64n) - 1n });
        break;
      }
      default: {
        const hint = didYouMean(k, PE_SETTINGS);
        if (hint) st.rep.error(tokRange(key), `unknown setting '${key.text}' in pe block${hint}`, 'unknown-setting');
        else if (c.atEnd()) st.rep.error(tokRange(key), `expected '=' and a value after '${key.text}' (register assignment) or one of 'el', 'security', 'entry'`);
        else st.rep.error(tokRange(c.peek() as Token), `expected '=' after register name '${key.text}', found '${(c.peek() as Token).text}'`);
      }
    }
  }
}
