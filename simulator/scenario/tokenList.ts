/**
 * The lexer's tokens of a document as it is kept between edits (document.ts,
 * the language server's features): one entry per token in typed arrays
 * (kind and `spaced` in one byte; line, column, start and end offsets) and the
 * token texts interned, about 21 bytes per token instead of a `Token` object
 * (88 bytes on a 64-bit V8) and its own string. A 50,000-line scenario has
 * about 257,000 tokens: 5.4 MB here, 26 MB as objects and strings.
 *
 * `at(k)` and iteration make a `Token` on demand; the edits that keep the
 * list in step with the text move or replace entries (`move`, `splice`).
 * Tokens never span lines (strings end at the end of their line, comments are
 * not tokens), so a token's end column is its column plus its length.
 */
import type { Token, TokenKind } from './lexer';

const KINDS: readonly TokenKind[] = ['ident', 'number', 'string', 'punct'];
const KIND_CODE: Record<TokenKind, number> = { ident: 0, number: 1, string: 2, punct: 3 };
const SPACED = 4;

export class TokenList implements Iterable<Token> {
  private flags: Uint8Array;
  private lines: Int32Array;
  private cols: Int32Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private textIds: Int32Array;
  /** Distinct token texts; `ids` maps a text to its index. Rebuilt when edits leave it mostly unused. */
  private texts: string[] = [];
  private ids = new Map<string, number>();
  private count = 0;

  private constructor(capacity: number) {
    this.flags = new Uint8Array(capacity);
    this.lines = new Int32Array(capacity);
    this.cols = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.textIds = new Int32Array(capacity);
  }

  static from(tokens: readonly Token[]): TokenList {
    const list = new TokenList(tokens.length);
    for (let k = 0; k < tokens.length; k++) list.put(k, tokens[k]);
    list.count = tokens.length;
    return list;
  }

  get length(): number {
    return this.count;
  }

  /** Token `k` (a new object each call; changing it does not change the list). */
  at(k: number): Token {
    const start = this.starts[k];
    const end = this.ends[k];
    const col = this.cols[k];
    const f = this.flags[k];
    return { kind: KINDS[f & 3], text: this.texts[this.textIds[k]], line: this.lines[k], col, endCol: col + end - start, start, end, spaced: (f & SPACED) !== 0 };
  }

  /** The start offset of token `k` (no object made). */
  startAt(k: number): number {
    return this.starts[k];
  }

  /** The line of token `k` (no object made). */
  lineAt(k: number): number {
    return this.lines[k];
  }

  /** The column of token `k`, and the one after its last character (no object made). */
  colAt(k: number): number {
    return this.cols[k];
  }

  endColAt(k: number): number {
    return this.cols[k] + this.ends[k] - this.starts[k];
  }

  kindAt(k: number): TokenKind {
    return KINDS[this.flags[k] & 3];
  }

  textAt(k: number): string {
    return this.texts[this.textIds[k]];
  }

  *[Symbol.iterator](): Iterator<Token> {
    for (let k = 0; k < this.count; k++) yield this.at(k);
  }

  toArray(): Token[] {
    const out = new Array<Token>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.at(k);
    return out;
  }

  /** Move tokens [from, length) by `lineDelta` lines and `charDelta` characters (their columns stay). */
  move(from: number, lineDelta: number, charDelta: number): void {
    for (let k = from; k < this.count; k++) {
      this.lines[k] += lineDelta;
      this.starts[k] += charDelta;
      this.ends[k] += charDelta;
    }
  }

  /** Replace tokens [from, from + deleteCount) with `tokens`. */
  splice(from: number, deleteCount: number, tokens: readonly Token[]): void {
    const tail = this.count - from - deleteCount;
    const n = from + tokens.length + tail;
    if (n > this.flags.length) this.grow(Math.max(n, Math.ceil(this.flags.length * 1.5) + 16));
    const to = from + tokens.length;
    if (to !== from + deleteCount) {
      for (const a of [this.flags, this.lines, this.cols, this.starts, this.ends, this.textIds]) a.copyWithin(to, from + deleteCount, this.count);
    }
    for (let k = 0; k < tokens.length; k++) this.put(from + k, tokens[k]);
    this.count = n;
    if (this.texts.length > 1024 && this.texts.length > 2 * this.count) this.reintern();
  }

  private put(k: number, t: Token): void {
    this.flags[k] = KIND_CODE[t.kind] | (t.spaced ? SPACED : 0);
    this.lines[k] = t.line;
    this.cols[k] = t.col;
    this.starts[k] = t.start;
    this.ends[k] = t.end;
    let id = this.ids.get(t.text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(t.text);
      this.ids.set(t.text, id);
    }
    this.textIds[k] = id;
  }

  private grow(capacity: number): void {
    const copy = <A extends Uint8Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(capacity);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.lines = copy(this.lines, (n) => new Int32Array(n));
    this.cols = copy(this.cols, (n) => new Int32Array(n));
    this.starts = copy(this.starts, (n) => new Int32Array(n));
    this.ends = copy(this.ends, (n) => new Int32Array(n));
    this.textIds = copy(this.textIds, (n) => new Int32Array(n));
  }

  /** Drop the texts no token uses any more (edits replace tokens; their old texts stay in the table until this). */
  private reintern(): void {
    const old = this.texts;
    this.texts = [];
    this.ids = new Map();
    for (let k = 0; k < this.count; k++) {
      const text = old[this.textIds[k]];
      let id = this.ids.get(text);
      if (id === undefined) {
        id = this.texts.length;
        this.texts.push(text);
        this.ids.set(text, id);
      }
      this.textIds[k] = id;
    }
  }
}
