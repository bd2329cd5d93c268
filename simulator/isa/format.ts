/**
 * Disassembly text helpers shared by the operand codecs: register names and
 * immediates in the form our assembler reads back (GNU as syntax, hex via `hex()`).
 */
import { hex } from '../util/hex';

/** General register name; n=31 is SP/WSP when `sp` is set, else XZR/WZR. */
export function reg(n: number, x: boolean, sp = false): string {
  if (n === 31) return sp ? (x ? 'sp' : 'wsp') : x ? 'xzr' : 'wzr';
  return (x ? 'x' : 'w') + n;
}

/** `#0x…` for a non-negative value, `#-0x…` for a negative one. */
export function imm(v: bigint | number): string {
  const b = typeof v === 'number' ? BigInt(v) : v;
  return b < 0n ? '#-' + hex(-b) : '#' + hex(b);
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
