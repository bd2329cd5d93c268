/**
 * Integer expressions as GNU as accepts them in operands and `.equ`
 * (GNU as manual §6 "Expressions", §6.2.4 "Infix Operators"):
 *
 *   highest  unary  -  ~  !
 *            *  /  %  <<  >>
 *            |  &  ^
 *   lowest   +  -
 *
 * GNU as groups `|`, `&` and `^` *above* `+` and `-` (unlike C), so
 * `A + B & C` is `A + (B & C)`; we follow GNU as because scenario code is
 * meant to assemble identically with it. Values are unbounded BigInts;
 * consumers truncate to the width they need (`~0` is -1, i.e. all ones).
 * Right shift is logical on the 64-bit two's-complement value, as in GNU as.
 *
 * Literals use `parseInteger` (decimal, 0x, 0b, 0o, `_` separators). Symbols are
 * `[A-Za-z_.$][A-Za-z0-9_.$]*`; GNU local-label references such as `1b`/`1f`
 * and the location counter `.` are passed to `resolve` as written.
 */
import { parseInteger } from '../util/hex';

export type ExprResult = { value: bigint } | { error: string; offset?: number };

/** Largest shift amount accepted (beyond this GNU as would also give 0 / -1 for 64-bit values). */
const MAX_SHIFT = 128n;

/**
 * Largest magnitude of a literal or any intermediate value: 2^128, twice the
 * widest register. Scenario text is untrusted: without a bound, a 300-digit
 * literal becomes Infinity where a layer converts it to a number, and a
 * product of a few thousand 64-bit literals costs seconds of BigInt work.
 */
export const MAX_EXPRESSION_VALUE = 1n << 128n;

/** Deepest nesting of parentheses and unary operators (GNU as has no limit; the JS stack has one). */
export const MAX_EXPRESSION_DEPTH = 256;

/** Longest expression text evaluated (an operand, a constant's value); longer is an error before tokenizing. */
export const MAX_EXPRESSION_CHARS = 4096;

/** Digits of a literal beyond which it cannot be within MAX_EXPRESSION_VALUE (129 binary digits plus `0b`). */
const MAX_LITERAL_CHARS = 131;

interface Token {
  kind: 'num' | 'sym' | 'op' | 'lparen' | 'rparen';
  text: string;
  value?: bigint;
  offset: number;
}

/**
 * An expression error at a character offset; thrown inside the parser only, caught by
 * evaluateExpression. A plain class, not an Error: the layout evaluates every label reference
 * before all labels are known, so "undefined symbol" is thrown thousands of times per parse and
 * capturing a stack each time would dominate it.
 */
class ExprError {
  constructor(
    readonly message: string,
    readonly offset?: number,
  ) {}
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(ch)) {
      while (i < text.length && /[0-9A-Za-z_]/.test(text[i])) i++;
      const word = text.slice(start, i);
      if (word.replace(/_/g, '').length > MAX_LITERAL_CHARS) throw new ExprError(`number ${word.length > 24 ? `${word.slice(0, 20)}…` : word} is out of range (at most 2^128)`, start);
      const v = parseInteger(word);
      if (v !== undefined && v > MAX_EXPRESSION_VALUE) throw new ExprError(`number ${word.length > 24 ? `${word.slice(0, 20)}…` : word} is out of range (at most 2^128)`, start);
      if (v !== undefined) out.push({ kind: 'num', text: word, value: v, offset: start });
      else if (/^[0-9]+[bf]$/.test(word)) out.push({ kind: 'sym', text: word, offset: start });
      else throw new ExprError(`'${word}' is not a number`, start);
      continue;
    }
    if (/[A-Za-z_.$]/.test(ch)) {
      while (i < text.length && /[A-Za-z0-9_.$]/.test(text[i])) i++;
      out.push({ kind: 'sym', text: text.slice(start, i), offset: start });
      continue;
    }
    if (ch === "'" && i + 2 < text.length && text[i + 2] === "'") {
      // Character constant 'c' (GNU as §3.6.1.2 accepts 'c; we accept the C form too).
      out.push({ kind: 'num', text: text.slice(i, i + 3), value: BigInt(text.charCodeAt(i + 1)), offset: start });
      i += 3;
      continue;
    }
    if (ch === '(') {
      out.push({ kind: 'lparen', text: ch, offset: start });
      i++;
      continue;
    }
    if (ch === ')') {
      out.push({ kind: 'rparen', text: ch, offset: start });
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<<' || two === '>>') {
      out.push({ kind: 'op', text: two, offset: start });
      i += 2;
      continue;
    }
    if ('+-*/%&|^~!'.includes(ch)) {
      out.push({ kind: 'op', text: ch, offset: start });
      i++;
      continue;
    }
    throw new ExprError(`unexpected character '${ch}' in expression`, start);
  }
  return out;
}

/** Binary operator precedence levels (higher binds tighter), GNU as §6.2.4. */
const PRECEDENCE: Record<string, number> = {
  '*': 3,
  '/': 3,
  '%': 3,
  '<<': 3,
  '>>': 3,
  '|': 2,
  '&': 2,
  '^': 2,
  '+': 1,
  '-': 1,
};

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly resolve: (name: string) => bigint | undefined,
    private readonly length: number,
  ) {}

  parse(): bigint {
    if (this.tokens.length === 0) throw new ExprError('expected an expression', 0);
    const v = this.binary(1);
    const t = this.tokens[this.pos];
    if (t) throw new ExprError(`unexpected '${t.text}' in expression`, t.offset);
    return v;
  }

  private binary(minPrec: number): bigint {
    let left = this.unary();
    for (;;) {
      const t = this.tokens[this.pos];
      if (!t || t.kind !== 'op') return left;
      const prec = PRECEDENCE[t.text];
      if (prec === undefined || prec < minPrec) return left;
      this.pos++;
      const right = this.binary(prec + 1);
      left = this.apply(t, left, right);
      if (left > MAX_EXPRESSION_VALUE || left < -MAX_EXPRESSION_VALUE) throw new ExprError(`the value of this expression is out of range (beyond ±2^128) after '${t.text}'`, t.offset);
    }
  }

  private apply(op: Token, a: bigint, b: bigint): bigint {
    switch (op.text) {
      case '*':
        return a * b;
      case '/':
      case '%':
        if (b === 0n) throw new ExprError('division by zero', op.offset);
        return op.text === '/' ? a / b : a % b;
      case '<<':
      case '>>':
        if (b < 0n || b > MAX_SHIFT) throw new ExprError(`shift amount ${b} out of range 0..${MAX_SHIFT}`, op.offset);
        // GNU as shifts right logically on the 64-bit value (`-8 >> 1` is 0x7fff_ffff_ffff_fffc).
        return op.text === '<<' ? a << b : BigInt.asUintN(64, a) >> b;
      case '|':
        return a | b;
      case '&':
        return a & b;
      case '^':
        return a ^ b;
      case '+':
        return a + b;
      default:
        return a - b;
    }
  }

  private unary(): bigint {
    const t = this.tokens[this.pos];
    if (!t) throw new ExprError('expected a value at end of expression', this.length);
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw new ExprError(`expression nested more than ${MAX_EXPRESSION_DEPTH} deep`, t.offset);
    try {
      return this.operand(t);
    } finally {
      this.depth--;
    }
  }

  private operand(t: Token): bigint {
    if (t.kind === 'op' && (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+')) {
      this.pos++;
      const v = this.unary();
      if (t.text === '-') return -v;
      if (t.text === '~') return ~v;
      if (t.text === '!') return v === 0n ? 1n : 0n;
      return v;
    }
    this.pos++;
    if (t.kind === 'num') return t.value!;
    if (t.kind === 'sym') {
      const v = this.resolve(t.text);
      if (v === undefined) throw new ExprError(`undefined symbol '${t.text}'`, t.offset);
      return v;
    }
    if (t.kind === 'lparen') {
      const v = this.binary(1);
      const close = this.tokens[this.pos];
      if (!close || close.kind !== 'rparen') throw new ExprError("expected ')'", close ? close.offset : this.length);
      this.pos++;
      return v;
    }
    throw new ExprError(`unexpected '${t.text}' in expression`, t.offset);
  }
}

/** Largest decimal literal `plainLiteral` reads as a number (below 2^53: exact as a double). */
const PLAIN_DECIMAL_DIGITS = 15;
/** Largest hex literal `plainLiteral` reads (below 2^128 = MAX_EXPRESSION_VALUE). */
const PLAIN_HEX_DIGITS = 32;

/**
 * The value of the commonest operands, a bare literal `8`, `-8`, `0x10` or `-0x10` (no `_`, no
 * blanks), without tokenizing: the same value the parser gives them; undefined for anything else.
 */
export function plainLiteral(text: string): bigint | undefined {
  const neg = text.charCodeAt(0) === 0x2d;
  const start = neg ? 1 : 0;
  const n = text.length - start;
  let v: bigint;
  if (n > 2 && text.charCodeAt(start) === 0x30 && (text.charCodeAt(start + 1) | 0x20) === 0x78) {
    if (n - 2 > PLAIN_HEX_DIGITS) return undefined;
    for (let i = start + 2; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const lower = c | 0x20;
      if (!((c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66))) return undefined;
    }
    v = BigInt(neg ? text.slice(1) : text);
  } else {
    if (n === 0 || n > PLAIN_DECIMAL_DIGITS) return undefined;
    let x = 0;
    for (let i = start; i < text.length; i++) {
      const d = text.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return undefined;
      x = x * 10 + d;
    }
    v = BigInt(x);
  }
  return neg ? -v : v;
}

/**
 * Evaluate a GNU as integer expression. Never throws: errors come back with
 * the character offset in `text` where they were detected.
 */
export function evaluateExpression(text: string, resolve: (name: string) => bigint | undefined): ExprResult {
  if (text.length > MAX_EXPRESSION_CHARS) return { error: `expression longer than ${MAX_EXPRESSION_CHARS} characters` };
  const literal = plainLiteral(text);
  if (literal !== undefined) return { value: literal };
  try {
    return { value: new Parser(tokenize(text), resolve, text.length).parse() };
  } catch (e) {
    if (e instanceof ExprError) return e.offset === undefined ? { error: e.message } : { error: e.message, offset: e.offset };
    throw e;
  }
}

/** Symbols an expression refers to (for "undefined symbol" diagnostics and go-to-definition). */
export function expressionSymbols(text: string): { name: string; offset: number }[] {
  if (text.length > MAX_EXPRESSION_CHARS) return [];
  try {
    return tokenize(text)
      .filter((t) => t.kind === 'sym')
      .map((t) => ({ name: t.text, offset: t.offset }));
  } catch {
    return [];
  }
}
