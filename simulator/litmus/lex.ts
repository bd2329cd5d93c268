/**
 * Tokens of the initial state, `locations`, `filter` and the final condition
 * (herd7's state language, herdtools7 `lib/stateLexer.mll`): numbers,
 * names (which may contain `.`, `/` and `-`, as `D-MMU`), and punctuation.
 * Offsets are into the whole file so errors point at the right column.
 */
import { LitmusSyntaxError } from './source';

export interface Token {
  kind: 'num' | 'name' | 'punct' | 'string' | 'eof';
  text: string;
  start: number;
  end: number;
}

const PUNCT = ['/\\', '\\/', '==', '!=', '<>', '=>', ',', ';', ':', '[', ']', '(', ')', '{', '}', '=', '~', '*', '&', '+'];

/** herd's `name`: `(alpha|_|.|$)+ (alpha|digit|_|/|.|-)*`. */
const NAME = /[A-Za-z_.$]+[A-Za-z0-9_/.-]*/y;
const NUM = /-?(?:0[xX][0-9a-fA-F]+|[0-9]+)/y;

/** Tokenise text[start, end). Throws LitmusSyntaxError on a character the language does not have. */
export function lex(text: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    NUM.lastIndex = i;
    const num = NUM.exec(text);
    if (num && i + num[0].length <= end) {
      // A number directly followed by name characters is a name-like word (`0x1g`): report it whole.
      const after = i + num[0].length;
      if (after < end && /[A-Za-z_]/.test(text[after])) {
        NAME.lastIndex = after;
        const rest = NAME.exec(text);
        const stop = after + (rest ? rest[0].length : 1);
        throw new LitmusSyntaxError(`'${text.slice(i, stop)}' is not a number`, i, stop);
      }
      out.push({ kind: 'num', text: num[0], start: i, end: after });
      i = after;
      continue;
    }
    if (c === 34 /* " */) {
      const close = text.indexOf('"', i + 1);
      if (close < 0 || close >= end) throw new LitmusSyntaxError('string is not closed by \'"\'', i, i + 1);
      out.push({ kind: 'string', text: text.slice(i, close + 1), start: i, end: close + 1 });
      i = close + 1;
      continue;
    }
    // herd7's symbolic registers (`%r`) are names of their own, refused by the parser.
    const from = c === 37 /* % */ ? i + 1 : i;
    NAME.lastIndex = from;
    const name = NAME.exec(text);
    if (name && from + name[0].length <= end) {
      const stop = from + name[0].length;
      out.push({ kind: 'name', text: text.slice(i, stop), start: i, end: stop });
      i = stop;
      continue;
    }
    const p = PUNCT.find((q) => text.startsWith(q, i) && i + q.length <= end);
    if (p !== undefined) {
      out.push({ kind: 'punct', text: p, start: i, end: i + p.length });
      i += p.length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
    throw new LitmusSyntaxError(`unexpected character '${ch}'`, i, i + ch.length);
  }
  out.push({ kind: 'eof', text: '', start: end, end });
  return out;
}

/** A cursor over tokens with the checks the parsers share. */
export class Tokens {
  i = 0;
  constructor(readonly toks: Token[]) {}

  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  /** The token is punctuation `p` (or the name `p`, for keywords). */
  is(p: string, k = 0): boolean {
    const t = this.peek(k);
    return (t.kind === 'punct' || t.kind === 'name') && t.text === p;
  }

  accept(p: string): Token | undefined {
    if (!this.is(p)) return undefined;
    return this.next();
  }

  expect(p: string, what = `'${p}'`): Token {
    const t = this.accept(p);
    if (t === undefined) throw this.error(`expected ${what}`);
    return t;
  }

  /** A syntax error at the current token. */
  error(message: string, t: Token = this.peek()): LitmusSyntaxError {
    const found = t.kind === 'eof' ? 'the end of the section' : `'${t.text}'`;
    return new LitmusSyntaxError(`${message}, found ${found}`, t.start, Math.max(t.end, t.start + 1));
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }
}
