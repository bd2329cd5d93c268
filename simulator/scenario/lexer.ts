/**
 * Scenario lexer: one pass over the text, producing tokens with exact 0-based
 * line/column ranges (UTF-16 columns, as LSP counts them) and a copy of the
 * text with comments blanked out, so operand and expression texts can be cut
 * from the source without comments while keeping every column unchanged.
 *
 * The lexer never fails: unknown characters become one-character `punct`
 * tokens, unterminated strings and comments are reported and closed at the end
 * of the line / file.
 *
 * Comments are `// …` to end of line and `/* … *\/` (as in GNU as for
 * AArch64). Numbers may use `_` separators (`0x8000_0000`).
 */
import type { Diagnostic } from './model';

export type TokenKind = 'ident' | 'number' | 'string' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (strings keep their quotes). */
  text: string;
  line: number;
  col: number;
  endCol: number;
  /** Offsets into the text. */
  start: number;
  end: number;
  /** True when whitespace or a comment (or a line start) precedes the token. */
  spaced: boolean;
}

export interface LexResult {
  tokens: Token[];
  /** Source lines with comments replaced by spaces (same length as the original lines, `\r` removed). */
  clean: string[];
  diagnostics: Diagnostic[];
}

/** Character codes the lexer tests (plain number constants: V8 folds them, and comparisons stay number to number). */
const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_QUOTE = 34;
const CH_DOLLAR = 36;
const CH_STAR = 42;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_DIGIT_0 = 48;
const CH_DIGIT_9 = 57;
const CH_UPPER_A = 65;
const CH_UPPER_Z = 90;
const CH_BACKSLASH = 92;
const CH_UNDERSCORE = 95;
const CH_LOWER_A = 97;
const CH_LOWER_Z = 122;

function isIdentStart(c: number): boolean {
  return (c >= CH_LOWER_A && c <= CH_LOWER_Z) || (c >= CH_UPPER_A && c <= CH_UPPER_Z) || c === CH_UNDERSCORE || c === CH_DOT || c === CH_DOLLAR;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= CH_DIGIT_0 && c <= CH_DIGIT_9);
}

function isDigit(c: number): boolean {
  return c >= CH_DIGIT_0 && c <= CH_DIGIT_9;
}

/**
 * Lex lines that start at line `line`, character `offset` of a document (an
 * edit's new lines, document.ts): their tokens placed there. Only exact when
 * no block comment is open at that point (the lexer is otherwise line by line).
 */
export function lexLinesAt(lines: readonly string[], line: number, offset: number): LexResult {
  const r = lex(lines.join('\n'));
  for (const t of r.tokens) {
    t.line += line;
    t.start += offset;
    t.end += offset;
  }
  return r;
}

/** `==` `!=` `<<` `>>` `<=` `>=` `&&` `||`, told by character codes (no string made per punctuation token). */
function isTwoCharPunct(a: number, b: number): boolean {
  switch (a) {
    case 61: // =
    case 33: // !
      return b === 61;
    case 60: // <
      return b === 60 || b === 61;
    case 62: // >
      return b === 62 || b === 61;
    case 38: // &
      return b === 38;
    case 124: // |
      return b === 124;
    default:
      return false;
  }
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const n = text.length;
  // Characters of the "clean" text; comment characters become spaces, everything else is kept.
  const cleanParts: string[] = [];
  let cleanFrom = 0; // start of the not-yet-copied stretch of text
  let line = 0;
  let lineStart = 0;
  let spaced = true;
  let i = 0;

  const blank = (from: number, to: number): void => {
    // Copy text[cleanFrom, from) verbatim, then the comment [from, to) as spaces (keeping newlines).
    cleanParts.push(text.slice(cleanFrom, from));
    const comment = text.slice(from, to);
    cleanParts.push(comment.replace(/[^\n\r]/g, ' '));
    cleanFrom = to;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CH_LF) {
      line++;
      i++;
      lineStart = i;
      spaced = true;
      continue;
    }
    if (c === CH_SPACE || c === CH_TAB || c === CH_CR || c === 11 || c === 12 || c === 0xfeff || c === 0xa0) {
      i++;
      spaced = true;
      continue;
    }
    if (c === CH_SLASH && i + 1 < n) {
      const c2 = text.charCodeAt(i + 1);
      if (c2 === CH_SLASH) {
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== CH_LF) j++;
        blank(i, j);
        i = j;
        spaced = true;
        continue;
      }
      if (c2 === CH_STAR) {
        const startLine = line;
        const startCol = i - lineStart;
        let j = i + 2;
        let closed = false;
        while (j < n) {
          const cj = text.charCodeAt(j);
          if (cj === CH_STAR && j + 1 < n && text.charCodeAt(j + 1) === CH_SLASH) {
            j += 2;
            closed = true;
            break;
          }
          if (cj === CH_LF) {
            line++;
            lineStart = j + 1;
          }
          j++;
        }
        if (!closed) {
          diagnostics.push({
            range: { start: { line: startLine, col: startCol }, end: { line: startLine, col: startCol + 2 } },
            severity: 'error',
            message: "unterminated comment: expected '*/' before the end of the file",
            rule: 'syntax',
          });
        }
        blank(i, j);
        i = j;
        spaced = true;
        continue;
      }
    }
    const start = i;
    const col = i - lineStart;
    let kind: TokenKind;
    let numberText: string | undefined;
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      kind = 'ident';
    } else if (isDigit(c)) {
      // A run of digits, letters and `_`: a number (`0x8000_0000`) or a GNU as
      // local label reference (`1f`, `2b`); anything else is kept as one token
      // so the value checker reports it whole.
      i++;
      while (i < n && isIdentPart(text.charCodeAt(i)) && text.charCodeAt(i) !== CH_DOT && text.charCodeAt(i) !== CH_DOLLAR) i++;
      numberText = text.slice(start, i);
      kind = /^[0-9]+[fb]$/.test(numberText) ? 'ident' : 'number';
    } else if (c === CH_QUOTE) {
      i++;
      let closed = false;
      while (i < n) {
        const ci = text.charCodeAt(i);
        if (ci === CH_BACKSLASH && i + 1 < n && text.charCodeAt(i + 1) !== CH_LF && text.charCodeAt(i + 1) !== CH_CR) {
          i += 2;
          continue;
        }
        if (ci === CH_LF || (ci === CH_CR && (i + 1 >= n || text.charCodeAt(i + 1) === CH_LF))) break; // end of line (LF or CRLF)
        i++;
        if (ci === CH_QUOTE) {
          closed = true;
          break;
        }
      }
      if (!closed) {
        diagnostics.push({
          range: { start: { line, col }, end: { line, col: i - lineStart } },
          severity: 'error',
          message: "unterminated string: expected '\"' before the end of the line",
          rule: 'syntax',
        });
      }
      kind = 'string';
    } else {
      i++;
      if (i < n && isTwoCharPunct(c, text.charCodeAt(i))) i++;
      kind = 'punct';
    }
    tokens.push({ kind, text: numberText ?? text.slice(start, i), line, col, endCol: i - lineStart, start, end: i, spaced });
    spaced = false;
  }
  cleanParts.push(text.slice(cleanFrom));
  const clean = cleanParts.join('').split('\n');
  for (let k = 0; k < clean.length; k++) {
    const l = clean[k];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === CH_CR) clean[k] = l.slice(0, -1);
  }
  return { tokens, clean, diagnostics };
}

/** Decode the contents of a string token (GNU as escapes: \n \t \r \\ \" \0 \xNN and octal). */
export function decodeString(tokenText: string): string {
  const body = tokenText.endsWith('"') && tokenText.length >= 2 ? tokenText.slice(1, -1) : tokenText.slice(1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += 'x';
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
          out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
          i += m[0].length - 1;
        } else out += e;
    }
  }
  return out;
}
