/**
 * Building blocks of the class tables: `form()` for one assembler syntax, and
 * the shape tests codecs use to say which operand texts they could read.
 */
import { parseRegister } from '../operands';
import type { Codec, Fields, Form } from './types';

export interface FormOptions {
  fixed?: Fields;
  ignored?: Fields;
  when?: (f: Fields) => boolean;
  asmWhen?: (f: Fields) => boolean;
  asmOnly?: boolean;
  disasmOnly?: boolean;
  check?: Form['check'];
  family?: string;
  asmOrder?: number;
}

/** One syntax of an encoding: `form('cmp', [RnSP, AIMM], { fixed: { S: 1, Rd: 31 } })`. */
export function form(mnemonic: string, operands: readonly Codec[], opts: FormOptions = {}): Form {
  return {
    mnemonic,
    operands,
    fixed: opts.fixed ?? {},
    ignored: opts.ignored ?? {},
    when: opts.when,
    asmWhen: opts.asmWhen,
    asmOnly: opts.asmOnly,
    disasmOnly: opts.disasmOnly,
    check: opts.check,
    family: opts.family,
    asmOrder: opts.asmOrder ?? 0,
  };
}

/** A codec that consumes exactly one source operand. */
export function operand(c: Omit<Codec, 'min' | 'max'>): Codec {
  return { ...c, min: 1, max: 1 };
}

/** Shape: a general-register name (x0, w3, sp, xzr, fp, lr, ip0, ip1). */
export function isReg(t: string): boolean {
  return parseRegister(t) !== undefined;
}

/** Shape: a memory operand `[…]`. */
export function isMem(t: string): boolean {
  return t.startsWith('[');
}

/**
 * Shape: an immediate or an expression (`#8`, `#:lo12:sym`, or a bare expression as GNU as allows);
 * not a literal-pool operand `=value`, which only LDR (literal) takes.
 */
export function isImm(t: string): boolean {
  return t.length > 0 && t.charCodeAt(0) !== 0x3d && !isMem(t) && !isReg(t);
}

/** Shape: a shift or extend modifier (`lsl #3`, `uxtw`, `sxtw #2`). */
export function isModifier(t: string): boolean {
  return /^(lsl|lsr|asr|ror|[us]xt[bhwx])(\s|$)/i.test(t);
}

/** Shape: an identifier operand (condition, barrier option, system register, operation name). */
export function isWord(t: string): boolean {
  return /^[a-z_][a-z0-9_]*$/i.test(t) && !isReg(t);
}
