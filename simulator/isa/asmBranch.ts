/**
 * Assembler syntax → encoding for branches (Arm ARM C6.2: B, BL, B.cond,
 * CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET, ERET). Targets are labels or addresses;
 * the offset is relative to this instruction's address (`ctx.pc`).
 */
import { conditionCode } from './conditions';
import { AsmError, Operands } from './operands';
import type { AsmHandler } from './asmTypes';

/** PC-relative word offset to operand i, checked for alignment and a ±2^(bits+1) byte range. */
function branchOffset(o: Operands, i: number, bits: number, rangeText: string): number {
  const t = o.address(i);
  // Modulo 2^64, so a target written as an unsigned address below the PC works.
  const delta = BigInt.asIntN(64, t - o.ctx.pc);
  if ((delta & 3n) !== 0n) throw new AsmError(o.range(i), 'branch target is not 4-byte aligned', 'operand');
  const words = delta >> 2n;
  const limit = 1n << BigInt(bits - 1);
  if (words < -limit || words >= limit) throw new AsmError(o.range(i), `branch target out of ${rangeText} range`, 'immediate-range');
  return Number(BigInt.asUintN(bits, words));
}

const bHandler =
  (link: boolean): AsmHandler =>
  (o) => {
    o.count(1, 1, 'label');
    return ((link ? 1 : 0) << 31) | 0x14000000 | branchOffset(o, 0, 26, '±128 MB');
  };

/** B.cond; `cond` from the mnemonic suffix. */
export function bCondHandler(cond: number): AsmHandler {
  return (o) => {
    o.count(1, 1, 'label');
    return 0x54000000 | (branchOffset(o, 0, 19, '±1 MB') << 5) | cond;
  };
}

const cbHandler =
  (nonZero: boolean): AsmHandler =>
  (o) => {
    o.count(2, 2, 'rt, label');
    const t = o.gpr(0, 'any', 'zr');
    return ((t.x ? 1 : 0) << 31) | 0x34000000 | ((nonZero ? 1 : 0) << 24) | (branchOffset(o, 1, 19, '±1 MB') << 5) | t.n;
  };

const tbHandler =
  (nonZero: boolean): AsmHandler =>
  (o) => {
    o.count(3, 3, 'rt, #bit, label');
    const t = o.gpr(0, 'any', 'zr');
    const bit = o.immRange(1, 0, t.x ? 63 : 31, 'bit number');
    return ((bit >> 5) << 31) | 0x36000000 | ((nonZero ? 1 : 0) << 24) | ((bit & 31) << 19) | (branchOffset(o, 2, 14, '±32 KB') << 5) | t.n;
  };

const brHandler =
  (opc: number, optional: boolean): AsmHandler =>
  (o) => {
    o.count(optional ? 0 : 1, 1, optional ? '{xn}' : 'xn');
    const n = o.length === 0 ? 30 : o.gpr(0, 'x', 'zr').n;
    return 0xd61f0000 | (opc << 21) | (n << 5);
  };

const eretHandler: AsmHandler = (o) => {
  o.count(0, 0);
  // ERET is UNDEFINED at EL0 (Arm ARM C6.2 ERET).
  if (o.ctx.el === 0) o.ctx.report(o.line.mnemonicRange ?? o.line.range, 'ERET is UNDEFINED at EL0', 'el-access', 'warning');
  return 0xd69f03e0;
};

export const BRANCH_HANDLERS: Record<string, AsmHandler> = {
  b: bHandler(false),
  bl: bHandler(true),
  cbz: cbHandler(false),
  cbnz: cbHandler(true),
  tbz: tbHandler(false),
  tbnz: tbHandler(true),
  br: brHandler(0, false),
  blr: brHandler(1, false),
  ret: brHandler(2, true),
  eret: eretHandler,
};

/** `b.eq`, `b.cs`, … → condition code; undefined for other mnemonics. */
export function branchCondition(mnemonic: string): number | undefined {
  const m = /^b\.([a-z]{2})$/.exec(mnemonic);
  return m ? conditionCode(m[1]) : undefined;
}
