/**
 * The generic block layer: splits the token stream into top-level statements
 * `keyword args… [{ body }]`, with the body cut into statements (one per line,
 * or separated by `;` as in GNU as).
 *
 * Recovery rules (so one mistake costs one diagnostic, not the rest of the file):
 * - a line that does not start with a known keyword is reported (`unknown block`)
 *   and skipped, together with its `{ … }` body if it has one;
 * - a block whose `}` is missing is reported at its keyword and closes before the
 *   next line that starts a top-level statement (`system`, `scenario`, `const`,
 *   `event`, or a block keyword whose line opens a `{`);
 * - a block whose `{` is missing is reported; its body is still read when a `}`
 *   closes it before the next top-level statement;
 * - a stray `}` at top level is reported and ignored.
 */
import { CORE_LANGUAGE, type ScenarioLanguage } from './keywords';
import type { Token } from './lexer';
import { Reporter, didYouMean, quote, spanRange, tokRange } from './diagnostics';
import type { SourceRange } from './model';

export interface Statement {
  tokens: Token[];
  range: SourceRange;
}

export interface RawBlock {
  keyword: Token;
  /** Tokens between the keyword and `{` (or the end of the statement). */
  header: Token[];
  open?: Token;
  close?: Token;
  body: Statement[];
  range: SourceRange;
}

/** Keywords that always start a top-level statement, wherever they appear at a line start. */
const ALWAYS_TOP = new Set(['scenario', 'system', 'const', 'event']);

/** Split the tokens into top-level statements of `language` (its block keywords start statements). */
export function splitBlocks(tokens: Token[], rep: Reporter, language: ScenarioLanguage = CORE_LANGUAGE): RawBlock[] {
  const needsBody = (keyword: string): boolean => language.opensBody(keyword);
  const blocks: RawBlock[] = [];
  const n = tokens.length;

  // Index of the last token on each token's line, computed once: a line of many statements (`[[[…{…}-…`)
  // asks for it once per statement, and a scan per question was quadratic in the line's length.
  const lineEnd = new Int32Array(n);
  for (let k = n - 1; k >= 0; k--) lineEnd[k] = k + 1 < n && tokens[k + 1].line === tokens[k].line ? lineEnd[k + 1] : k;
  const lineEndIndex = (i: number): number => lineEnd[i];

  /** Does the line starting at token i begin a new top-level statement? */
  const startsTopStatement = (i: number): boolean => {
    const t = tokens[i];
    if (t.kind !== 'ident') return false;
    if (i + 1 < n && tokens[i + 1].line === t.line && tokens[i + 1].text === ':') return false; // a label
    if (ALWAYS_TOP.has(t.text)) return true;
    if (!language.isTopKeyword(t.text)) return false;
    // A block keyword starts a statement when its line opens a body (`pe 0 {`, `pe 0 { entry x }`).
    const end = lineEndIndex(i);
    for (let k = i + 1; k <= end; k++) if (tokens[k].text === '{') return true;
    return false;
  };

  /**
   * Read a `{ … }` body starting after the `{` at index `openIdx`.
   * Returns the index after the body and the closing token if found.
   */
  const readBody = (openIdx: number, stopAtTop: boolean): { next: number; close?: Token; body: Token[] } => {
    let depth = 1;
    let i = openIdx + 1;
    const body: Token[] = [];
    while (i < n) {
      const t = tokens[i];
      const atLineStart = tokens[i - 1].line !== t.line;
      if (stopAtTop && atLineStart && startsTopStatement(i)) return { next: i, body };
      if (t.text === '{') depth++;
      else if (t.text === '}') {
        depth--;
        if (depth === 0) return { next: i + 1, close: t, body };
      }
      body.push(t);
      i++;
    }
    return { next: n, body };
  };

  let i = 0;
  while (i < n) {
    const t = tokens[i];
    if (t.text === '}') {
      rep.error(tokRange(t), "unexpected '}': no block is open here");
      i++;
      continue;
    }
    if (t.kind !== 'ident' || !language.isTopKeyword(t.text)) {
      // Unknown statement: report and skip the line (and its body, if it opens one).
      if (t.kind === 'ident') {
        const kw = t.text;
        const hint = didYouMean(kw, language.topKeywords());
        rep.error(tokRange(t), `unknown block '${kw}'${hint || `; expected one of ${language.topKeywords().map((k) => `'${k}'`).join(', ')}`}`, 'unknown-block');
      } else {
        rep.error(tokRange(t), `unexpected '${quote(t.text)}': expected a top-level statement such as 'system', 'pe', 'code' or 'expect'`);
      }
      const end = lineEndIndex(i);
      let openIdx = -1;
      for (let k = i; k <= end; k++) if (tokens[k].text === '{') { openIdx = k; break; }
      i = openIdx >= 0 ? readBody(openIdx, true).next : end + 1;
      continue;
    }

    const keyword = t;
    const header: Token[] = [];
    let j = i + 1;
    while (j < n && tokens[j].line === keyword.line && tokens[j].text !== '{' && tokens[j].text !== '}') {
      header.push(tokens[j]);
      j++;
    }
    let open: Token | undefined;
    if (j < n && tokens[j].text === '{' && tokens[j].line === keyword.line) open = tokens[j];
    else if (needsBody(keyword.text) && j < n && tokens[j].text === '{' && tokens[j - 1].line < tokens[j].line) {
      // `system` on one line and `{` first on the next: allowed.
      open = tokens[j];
    }

    if (!open) {
      const last = header.length > 0 ? header[header.length - 1] : keyword;
      const range = spanRange(keyword, last);
      if (needsBody(keyword.text)) {
        const hdr = header.length > 0 ? ` ${header.map((h) => h.text).join(' ')}` : '';
        rep.error(header.length > 0 ? tokRange(last) : tokRange(keyword), `expected '{' after '${keyword.text}${hdr}'`);
        // The body may still follow (only the `{` is missing): read it up to a `}` that closes it,
        // so its labels and settings stay in the model; stop at the next top-level statement.
        let k = j;
        let depth = 0;
        let close: Token | undefined;
        while (k < n) {
          const t = tokens[k];
          if (k > j && tokens[k - 1].line !== t.line && startsTopStatement(k)) break;
          if (k === j && startsTopStatement(k)) break;
          if (t.text === '{') depth++;
          else if (t.text === '}') {
            if (depth === 0) {
              close = t;
              break;
            }
            depth--;
          }
          k++;
        }
        if (close) {
          blocks.push({ keyword, header, close, body: splitStatements(tokens.slice(j, k)), range: spanRange(keyword, close) });
          i = k + 1;
        } else {
          blocks.push({ keyword, header, body: [], range });
          i = k;
        }
        continue;
      }
      blocks.push({ keyword, header, body: [], range });
      // A `}` right after a one-line statement on the same line is an error.
      if (j < n && tokens[j].line === keyword.line && tokens[j].text === '}') {
        rep.error(tokRange(tokens[j]), "unexpected '}': no block is open here");
        j++;
      }
      i = j;
      continue;
    }

    if (!needsBody(keyword.text)) {
      rep.error(tokRange(open), `'${keyword.text}' does not take a '{ … }' body`);
    }
    const { next, close, body } = readBody(j, true);
    if (!close) {
      rep.error(tokRange(keyword), `missing '}' for this '${keyword.text}' block (opened at line ${open.line + 1})`, 'syntax', [
        { range: tokRange(open), message: "the '{' that is not closed" },
      ]);
    }
    const lastTok = close ?? (body.length > 0 ? body[body.length - 1] : open);
    blocks.push({ keyword, header, open, close, body: splitStatements(body), range: spanRange(keyword, lastTok) });
    // Tokens after `}` on the same line are not allowed.
    let k = next;
    if (close) {
      while (k < n && tokens[k].line === close.line && tokens[k].text === ';') k++;
      if (k < n && tokens[k].line === close.line) {
        rep.error(tokRange(tokens[k]), `unexpected '${quote(tokens[k].text)}' after '}': start the next statement on a new line`);
        const end = lineEndIndex(k);
        let openK = -1;
        for (let m = k; m <= end; m++) if (tokens[m].text === '{') { openK = m; break; }
        k = openK >= 0 ? readBody(openK, true).next : end + 1;
      }
    }
    i = k;
  }
  return blocks;
}

/** Cut body tokens into statements: one per line, `;` also separates. */
export function splitStatements(body: Token[]): Statement[] {
  // Runs over every body token on every keystroke: each statement is one exact-size slice.
  const out: Statement[] = [];
  let from = 0;
  const flush = (to: number): void => {
    if (to > from) out.push({ tokens: body.slice(from, to), range: spanRange(body[from], body[to - 1]) });
  };
  for (let k = 0; k < body.length; k++) {
    const t = body[k];
    if (k > from && body[k - 1].line !== t.line) {
      flush(k);
      from = k;
    }
    if (t.text === ';') {
      flush(k);
      from = k + 1;
    }
  }
  flush(body.length);
  return out;
}
