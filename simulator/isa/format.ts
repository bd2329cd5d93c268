/**
 * Disassembly text helpers shared by the operand codecs: register names and
 * immediates in the form our assembler reads back (GNU as syntax, hex via `hex()`).
 */
import { hex } from '../util/hex';

/** Register names by number, n = 31 as the zero register (built once: disassembly names registers on every word). */
const X_NAMES = Array.from({ length: 32 }, (_, n) => (n === 31 ? 'xzr' : `x${n}`));
const W_NAMES = Array.from({ length: 32 }, (_, n) => (n === 31 ? 'wzr' : `w${n}`));

/** General register name; n=31 is SP/WSP when `sp` is set, else XZR/WZR. */
export function reg(n: number, x: boolean, sp = false): string {
  if (n === 31 && sp) return x ? 'sp' : 'wsp';
  return (x ? X_NAMES : W_NAMES)[n];
}

/** `#0x…` for a non-negative value, `#-0x…` for a negative one. */
export function imm(v: bigint | number): string {
  return v < 0 ? '#-' + hex(-v) : '#' + hex(v);
}

/** `#n` in decimal (shift amounts, bit positions, widths). */
export function dec(v: number): string {
  return '#' + v;
}

/** Sign-extend the low `bits` bits of v. */
export function signExtend(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

/** Branch/literal target text: the absolute address in hex. */
export function target(pc: bigint, offset: number): string {
  return hex(BigInt.asUintN(64, pc + BigInt(offset)));
}
