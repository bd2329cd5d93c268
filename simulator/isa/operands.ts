/**
 * Operand parsing for the assembler (GNU as AArch64 syntax). Every error is
 * an `AsmError` carrying the exact range of the offending text so the
 * language server can underline it; `assembleLine` turns it into a diagnostic.
 *
 * Register 31 is SP or XZR depending on the encoding (Arm ARM C1.2.5
 * "Register names"): callers say which one an operand position allows.
 */
import type { AsmLine, SourceRange } from '../util/source';
import type { AsmContext } from './instr';
import { evaluateExpression, plainLiteral } from './expr';
import { hex } from '../util/hex';

/** Diagnostic rule ids used by the assembler. */
export type AsmRule = 'syntax' | 'unknown-instruction' | 'operand' | 'immediate-range' | 'undefined-symbol' | 'unpredictable' | 'el-access';

export class AsmError {
  private text: string | (() => string);

  constructor(
    readonly range: SourceRange,
    /** The message, or a function that writes it: the assembler rules out many forms whose message nobody reads. */
    message: string | (() => string),
    readonly rule: AsmRule = 'operand',
    /**
     * A shape mismatch (the operand is another kind than this form takes, e.g. a pre-index address
     * for the register-offset form): the assembler prefers any other form's error to this one.
     */
    readonly weak = false,
  ) {
    this.text = message;
  }

  get message(): string {
    if (typeof this.text === 'function') this.text = this.text();
    return this.text;
  }
}

export interface Reg {
  /** 0..31 (31 = SP or ZR, see `sp`). */
  n: number;
  /** 64-bit (X) rather than 32-bit (W). */
  x: boolean;
  /** Written as SP/WSP. */
  sp: boolean;
  text: string;
  range: SourceRange;
}

/** How an operand position treats register 31. */
export type R31 = 'zr' | 'sp' | 'either';
/** Which widths an operand position accepts. */
export type Width = 'x' | 'w' | 'any';

const REG_ALIASES: Record<string, number> = { fp: 29, lr: 30, ip0: 16, ip1: 17 };

export type GprName = Readonly<{ n: number; x: boolean; sp: boolean }>;

/**
 * Memo of operand texts → register (null: not a register). The editor re-assembles the
 * same few hundred operand spellings on every parse; results are frozen and shared.
 */
const registerMemo = new Map<string, GprName | null>();

/** Parse a general-register name (x0..x30, w0..w30, xzr, wzr, sp, wsp, fp, lr, ip0, ip1). */
export function parseRegister(text: string): GprName | undefined {
  const hit = registerMemo.get(text);
  if (hit !== undefined) return hit ?? undefined;
  const r = parseRegisterText(text);
  if (registerMemo.size >= 4096) registerMemo.clear();
  registerMemo.set(text, r ? Object.freeze(r) : null);
  return r;
}

function parseRegisterText(text: string): { n: number; x: boolean; sp: boolean } | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'sp') return { n: 31, x: true, sp: true };
  if (t === 'wsp') return { n: 31, x: false, sp: true };
  if (t === 'xzr') return { n: 31, x: true, sp: false };
  if (t === 'wzr') return { n: 31, x: false, sp: false };
  if (t in REG_ALIASES) return { n: REG_ALIASES[t], x: true, sp: false };
  const m = /^([xw])([0-9]|[12][0-9]|30)$/.exec(t);
  if (!m) return undefined;
  return { n: Number(m[2]), x: m[1] === 'x', sp: false };
}

export const SHIFT_OPS = ['lsl', 'lsr', 'asr', 'ror'] as const;
export const EXTEND_OPS = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'] as const;

export interface Modifier {
  /** `lsl`, `lsr`, `asr`, `ror` or an extend name. */
  op: string;
  /** Amount, when written. */
  amount?: number;
  range: SourceRange;
  amountRange?: SourceRange;
}

export interface MemOperand {
  base: Reg;
  /** `[Xn, #imm]`: the immediate (0 when absent). */
  offset: bigint;
  offsetRange?: SourceRange;
  /** `[Xn, Xm{, mod}]`. */
  index?: Reg;
  modifier?: Modifier;
  /** `]!` pre-index writeback. */
  writeback: boolean;
  /** Offset came from `:lo12:`. */
  lo12: boolean;
  range: SourceRange;
}

interface Piece {
  text: string;
  /** Offset of `text` inside the operand text. */
  at: number;
}

/** Split at top-level commas, keeping offsets. */
function splitTop(text: string, at: number): Piece[] {
  const out: Piece[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (i === text.length || (ch === ',' && depth === 0)) {
      out.push(trimPiece({ text: text.slice(start, i), at: at + start }));
      start = i + 1;
    }
  }
  return out;
}

function trimPiece(p: Piece): Piece {
  const lead = p.text.length - p.text.trimStart().length;
  return { text: p.text.trim(), at: p.at + lead };
}

/** Whether an operand is already what `trimmed` makes of it: printable ASCII at both ends, its range exactly its text. */
function isTrimmed(o: { text: string; range: SourceRange }): boolean {
  const t = o.text;
  const first = t.charCodeAt(0);
  const last = t.charCodeAt(t.length - 1);
  const r = o.range;
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f && r.end.line === r.start.line && r.end.col === r.start.col + t.length;
}

/** An operand without its surrounding blanks, its range starting past the leading ones. */
function trimmed(o: { text: string; range: SourceRange }): { text: string; range: SourceRange } {
  const lead = o.text.length - o.text.trimStart().length;
  const text = o.text.trim();
  const start = { line: o.range.start.line, col: o.range.start.col + lead };
  return { text, range: { start, end: { line: start.line, col: start.col + text.length } } };
}

/** The part of a one-line range from `off` characters in. */
function rangeFrom(range: SourceRange, off: number): SourceRange {
  return { start: { line: range.start.line, col: range.start.col + off }, end: range.end };
}

/** Accessor over one line's operands, bound to the assembly context. */
export class Operands {
  readonly ops: readonly { readonly text: string; readonly range: SourceRange }[];
  /** The memory operand last parsed (MemOperands are read, never changed, by their users). */
  private memo: { index: number; mem: MemOperand } | undefined = undefined;

  constructor(
    readonly line: AsmLine,
    readonly ctx: AsmContext,
    readonly mnemonic: string,
  ) {
    // Normalise: trim each operand and move its range start past leading blanks (the line splitters
    // already did, so most operands are kept as they are).
    const all = line.operands;
    let k = 0;
    while (k < all.length && isTrimmed(all[k])) k++;
    this.ops = k === all.length ? all : all.map((o) => (isTrimmed(o) ? o : trimmed(o)));
  }

  get length(): number {
    return this.ops.length;
  }

  /** Range of the whole operand list (or the mnemonic when there is none). */
  private listRange(): SourceRange {
    if (this.ops.length === 0) return this.line.mnemonicRange ?? this.line.range;
    return { start: this.ops[0].range.start, end: this.ops[this.ops.length - 1].range.end };
  }

  /** Require between min and max operands. */
  count(min: number, max = min, usage?: string): void {
    const n = this.ops.length;
    if (n >= min && n <= max) return;
    const hint = usage ? ` (${this.mnemonic} ${usage})` : '';
    if (n < min) {
      const want = min === max ? `${min}` : `at least ${min}`;
      throw new AsmError(this.listRange(), `${this.mnemonic} expects ${want} operand${min === 1 ? '' : 's'}, got ${n}${hint}`, 'syntax');
    }
    const extra = this.ops[max];
    throw new AsmError(
      { start: extra.range.start, end: this.ops[n - 1].range.end },
      `too many operands for ${this.mnemonic}: expected ${min === max ? max : `at most ${max}`}${hint}`,
      'syntax',
    );
  }

  text(i: number): string {
    return this.ops[i].text;
  }
  lower(i: number): string {
    return this.ops[i].text.toLowerCase();
  }
  range(i: number): SourceRange {
    return this.ops[i].range;
  }
  /** Range of characters [from, to) of operand i. */
  sub(i: number, from: number, to: number): SourceRange {
    const s = this.ops[i].range.start;
    return { start: { line: s.line, col: s.col + from }, end: { line: s.line, col: s.col + to } };
  }

  isRegister(i: number): boolean {
    return i < this.ops.length && parseRegister(this.ops[i].text) !== undefined;
  }

  /** A general register at operand i with width and register-31 rules. */
  gpr(i: number, width: Width, r31: R31): Reg {
    return this.regAt(this.ops[i].text, this.ops[i].range, width, r31);
  }

  regAt(text: string, range: SourceRange, width: Width, r31: R31): Reg {
    const r = this.regOrError(text, range, width, r31);
    if (r instanceof AsmError) throw r;
    return r;
  }

  /**
   * `regAt` returning its error instead of throwing it: the operand matcher rules out forms by
   * register width and register 31 on many lines, and a thrown exception costs microseconds.
   */
  regOrError(text: string, range: SourceRange, width: Width, r31: R31): Reg | AsmError {
    const r = this.regNameOrError(text, range, width, r31);
    return r instanceof AsmError ? r : { n: r.n, x: r.x, sp: r.sp, text: text.trim(), range };
  }

  /** `regOrError` without the Reg: the register's number and width (shared, nothing allocated). */
  regNameOrError(text: string, range: SourceRange, width: Width, r31: R31): GprName | AsmError {
    const r = parseRegister(text);
    if (!r) {
      const what = width === 'x' ? 'a 64-bit general register' : width === 'w' ? 'a 32-bit general register' : 'a general register';
      return new AsmError(range, () => `expected ${what}, got '${text.trim()}'`);
    }
    if (width === 'x' && !r.x) return new AsmError(range, () => `expected a 64-bit general register, got ${text.trim().toLowerCase()}`);
    if (width === 'w' && r.x) return new AsmError(range, () => `expected a 32-bit general register, got ${text.trim().toLowerCase()}`);
    if (r31 !== 'either' && r.n === 31) {
      const e = this.error31({ n: r.n, x: r.x, sp: r.sp, text: text.trim(), range }, r31);
      if (e !== undefined) return e;
    }
    return r;
  }

  /** Reject register 31 written with the wrong meaning for this position. */
  check31(r: Reg, r31: 'zr' | 'sp'): void {
    const e = this.error31(r, r31);
    if (e !== undefined) throw e;
  }

  /** Why register 31 as written is wrong for this position (undefined: it is right). */
  private error31(r: Reg, r31: 'zr' | 'sp'): AsmError | undefined {
    if (r.n !== 31) return undefined;
    const mnemonic = this.mnemonic;
    const t = r.text.toLowerCase();
    if (r.sp && r31 === 'zr')
      return new AsmError(r.range, () => `${t} is not allowed here: register 31 is ${r.x ? 'xzr' : 'wzr'} in this position of ${mnemonic.toUpperCase()}`);
    if (!r.sp && r31 === 'sp')
      return new AsmError(r.range, () => `${t} is not allowed here: register 31 is ${r.x ? 'sp' : 'wsp'} in this position of ${mnemonic.toUpperCase()}`);
    return undefined;
  }

  /** Evaluate an expression in the context, reporting errors at the right place. */
  evaluate(text: string, range: SourceRange): bigint {
    const res = evaluateExpression(text, (name) => (name === '.' ? this.ctx.pc : this.ctx.resolve(name)));
    if ('value' in res) return res.value;
    const undefinedSym = /^undefined symbol '(.*)'$/.exec(res.error);
    if (undefinedSym && res.offset !== undefined) {
      const start = range.start.col + res.offset;
      throw new AsmError(
        { start: { line: range.start.line, col: start }, end: { line: range.start.line, col: start + undefinedSym[1].length } },
        res.error,
        'undefined-symbol',
      );
    }
    throw new AsmError(range, res.error, 'syntax');
  }

  /**
   * `#expr` (or bare `expr`, as GNU as allows), optionally with a relocation operator:
   * `:lo12:` (ADD immediate, load/store offsets) or `:abs_g0:`…`:abs_g3:` and their `_nc`
   * forms (MOVZ/MOVK, `allowAbs`), which select a 16-bit group of the value. Returns the value.
   */
  immAt(text: string, range: SourceRange, allowLo12 = false, allowAbs = false): { value: bigint; lo12: boolean; absGroup?: number } {
    let t = text.trim();
    let off = text.length - text.trimStart().length;
    if (t.startsWith('#')) {
      const rest = t.slice(1);
      off += 1 + (rest.length - rest.trimStart().length);
      t = rest.trim();
    }
    if (t.length === 0) throw new AsmError(range, 'expected an immediate value', 'syntax');
    let lo12 = false;
    let absGroup: number | undefined;
    let absCheck = false;
    // Relocation operators start with ':' (most immediates are plain values: no regex for them).
    if (t.charCodeAt(0) === 0x3a) {
      const abs = /^:abs_g([0-3])(_nc)?:/i.exec(t);
      if (/^:lo12:/i.test(t)) {
        if (!allowLo12) throw new AsmError(range, `:lo12: is not allowed in this operand of ${this.mnemonic.toUpperCase()} (only ADD immediate and load/store offsets)`);
        lo12 = true;
        off += 6;
        t = t.slice(6);
      } else if (abs) {
        if (!allowAbs) throw new AsmError(range, `${abs[0]} is only allowed in MOVZ/MOVK immediates`);
        absGroup = Number(abs[1]);
        absCheck = abs[2] === undefined;
        off += abs[0].length;
        t = t.slice(abs[0].length);
      } else if (/^:[a-z0-9_]+:/i.test(t)) {
        throw new AsmError(range, `unsupported relocation operator '${/^:[a-z0-9_]+:/i.exec(t)![0]}' (supported: :lo12:, :abs_g0:…:abs_g3:{_nc}, :pg_hi21:)`, 'syntax');
      }
    }
    let value = plainLiteral(t) ?? this.evaluate(t, rangeFrom(range, off));
    if (lo12) value = BigInt.asUintN(64, value) & 0xfffn;
    if (absGroup !== undefined) {
      const u = BigInt.asUintN(64, value);
      // The checking forms require the value to fit in the groups up to this one (GNU as R_AARCH64_MOVW_UABS_Gn).
      if (absCheck && absGroup < 3 && u >> BigInt(16 * (absGroup + 1)) !== 0n)
        throw new AsmError(rangeFrom(range, off), `${hex(u)} does not fit in ${16 * (absGroup + 1)} bits for :abs_g${absGroup}: (use :abs_g${absGroup}_nc: with MOVK)`, 'immediate-range');
      value = (u >> BigInt(16 * absGroup)) & 0xffffn;
    }
    return { value, lo12, absGroup };
  }

  imm(i: number, allowLo12 = false): bigint {
    return this.immAt(this.ops[i].text, this.ops[i].range, allowLo12).value;
  }

  /** Immediate checked against [min, max]. */
  immRange(i: number, min: bigint | number, max: bigint | number, what: string): number {
    const v = this.imm(i);
    if (v < BigInt(min) || v > BigInt(max)) {
      // One style for the value and the bounds: hex when the field is wide (imm16), decimal otherwise.
      const f = BigInt(max) > 4095n ? (x: bigint) => (x < 0n ? '-' + hex(-x) : hex(x)) : (x: bigint) => x.toString();
      throw new AsmError(this.range(i), `${what} ${f(v)} out of range ${f(BigInt(min))}..${f(BigInt(max))}`, 'immediate-range');
    }
    return Number(v);
  }

  /** A bare expression (label or address), e.g. a branch target. */
  address(i: number): bigint {
    let t = this.ops[i].text;
    let range = this.ops[i].range;
    // `adrp x0, :pg_hi21:sym` is the explicit spelling of `adrp x0, sym`.
    const pg = t.charCodeAt(0) === 0x3a ? /^:pg_hi21:/i.exec(t) : null;
    if (pg) {
      if (this.mnemonic !== 'adrp') throw new AsmError(range, ':pg_hi21: is only allowed in ADRP', 'operand');
      t = t.slice(pg[0].length);
      range = this.sub(i, pg[0].length, this.ops[i].text.length);
    }
    const v = t.startsWith('#') ? this.immAt(t, range).value : this.evaluate(t, range);
    if (v < -(1n << 63n) || v >= 1n << 64n) throw new AsmError(this.range(i), `address ${fmt(v)} is not a 64-bit value`, 'immediate-range');
    return v;
  }

  /** An identifier operand (condition, barrier option, sysreg), lower-cased. */
  word(i: number): string {
    return this.ops[i].text.toLowerCase();
  }

  /** Shift or extend modifier at operand i: `lsl #3`, `sxtw`, `uxtb #2`. */
  modifier(i: number): Modifier {
    const o = this.ops[i];
    const m = /^([a-z]+)(\s+(.*))?$/i.exec(o.text);
    if (!m) throw new AsmError(o.range, `expected a shift (lsl, lsr, asr, ror) or extend (uxtb … sxtx), got '${o.text}'`, 'syntax');
    const op = m[1].toLowerCase();
    if (!(SHIFT_OPS as readonly string[]).includes(op) && !(EXTEND_OPS as readonly string[]).includes(op))
      throw new AsmError(o.range, `expected a shift (lsl, lsr, asr, ror) or extend (uxtb … sxtx), got '${o.text}'`, 'syntax');
    if (m[3] === undefined) return { op, range: o.range };
    const at = o.text.indexOf(m[3], m[1].length);
    const amountRange = this.sub(i, at, o.text.length);
    const v = this.immAt(m[3], amountRange).value;
    if (v < 0n || v > 63n) throw new AsmError(amountRange, `shift amount ${v} out of range 0..63`, 'immediate-range');
    return { op, amount: Number(v), range: o.range, amountRange };
  }

  /** Memory operand `[Xn|SP{, #imm | , Rm{, mod}}]{!}` at operand i. */
  mem(i: number): MemOperand {
    // Codecs read the same memory operand more than once (its mode, then its parts): parse it once.
    if (this.memo?.index === i) return this.memo.mem;
    const mem = this.parseMem(i);
    this.memo = { index: i, mem };
    return mem;
  }

  private parseMem(i: number): MemOperand {
    const o = this.ops[i];
    const t = o.text;
    if (!t.startsWith('['))
      throw new AsmError(o.range, `expected a memory operand like [x1] or [x1, #8], got '${t}'`, 'syntax');
    const close = t.lastIndexOf(']');
    if (close < 0) throw new AsmError(o.range, "missing ']' in memory operand", 'syntax');
    const after = t.slice(close + 1).trim();
    if (after !== '' && after !== '!') throw new AsmError(this.sub(i, close + 1, t.length), `unexpected '${after}' after memory operand`, 'syntax');
    const parts = splitTop(t.slice(1, close), 1);
    const pr = (p: Piece): SourceRange => this.sub(i, p.at, p.at + p.text.length);
    if (parts.length === 0 || parts[0].text === '') throw new AsmError(o.range, 'missing base register in memory operand', 'syntax');
    const base = this.regAt(parts[0].text, pr(parts[0]), 'x', 'sp');
    const mem: MemOperand = { base, offset: 0n, writeback: after === '!', lo12: false, range: o.range };
    if (parts.length > 3) throw new AsmError(pr(parts[3]), 'too many parts in memory operand', 'syntax');
    if (parts.length >= 2) {
      const p = parts[1];
      if (parseRegister(p.text)) {
        mem.index = this.regAt(p.text, pr(p), 'any', 'zr');
        if (parts.length === 3) {
          const q = parts[2];
          const m = /^([a-z]+)(\s+(.*))?$/i.exec(q.text);
          const op = m ? m[1].toLowerCase() : '';
          if (!m || !['lsl', 'uxtw', 'sxtw', 'sxtx'].includes(op))
            throw new AsmError(pr(q), `expected lsl, uxtw, sxtw or sxtx in a register-offset address, got '${q.text}'`, 'syntax');
          const mod: Modifier = { op, range: pr(q) };
          if (m[3] !== undefined) {
            const at = q.at + q.text.indexOf(m[3], m[1].length);
            mod.amountRange = this.sub(i, at, q.at + q.text.length);
            mod.amount = Number(this.immAt(m[3], mod.amountRange).value);
          }
          mem.modifier = mod;
        }
      } else {
        if (parts.length === 3) throw new AsmError(pr(parts[2]), 'unexpected modifier after an immediate offset', 'syntax');
        const r = this.immAt(p.text, pr(p), true);
        mem.offset = r.value;
        mem.lo12 = r.lo12;
        mem.offsetRange = pr(p);
      }
    }
    return mem;
  }

  isMem(i: number): boolean {
    return i < this.ops.length && this.ops[i].text.startsWith('[');
  }
}

/** Format a value for diagnostics: decimal when small, hex otherwise. */
export function fmt(v: bigint): string {
  if (v > -65536n && v < 65536n) return v.toString();
  return v < 0n ? '-' + hex(-v) : hex(v);
}
