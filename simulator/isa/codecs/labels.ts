/**
 * PC-relative operands: branch targets (B/BL imm26, B.cond/CBZ imm19, TBZ imm14),
 * ADR/ADRP (immhi:immlo), LDR/PRFM (literal) imm19, and GNU as's `ldr Rt, =value`
 * literal-pool form. Targets are labels or addresses; offsets are relative to this
 * instruction's address (`ctx.pc` when assembling, the decoded address when printing).
 */
import { hex } from '../../util/hex';
import { isImm, operand } from '../decodetree/form';
import type { AsmState, Codec, Fields } from '../decodetree/types';
import { signExtend, target } from '../format';
import { AsmError } from '../operands';

/** Signed word offset × 4 of a field of `bits` bits. */
function wordOffset(f: Fields, field: string, bits: number): number {
  return signExtend(f[field], bits) * 4;
}

/**
 * How a PC-relative operand's offset field moves when the instruction or its target moves by `by`
 * bytes (the offset becomes offset + by): false, leaving `f` as it was, when the new offset is
 * misaligned or out of the field's range (assembling the line again reports that).
 */
export type OffsetMover = (f: Fields, by: bigint) => boolean;

/** The offset movers of the PC-relative codecs (never ADRP's page offset, which reads the page of the PC). */
const OFFSET_MOVERS = new WeakMap<Codec, OffsetMover>();

/** The offset mover of operand codec `c`, when it encodes an offset from the instruction's address. */
export function offsetMover(c: Codec): OffsetMover | undefined {
  return OFFSET_MOVERS.get(c);
}

/** A mover for a signed word offset in `field` (`bits` wide). */
function wordOffsetMover(field: string, bits: number): OffsetMover {
  const limit = 1n << BigInt(bits - 1);
  return (f, by) => {
    if ((by & 3n) !== 0n) return false;
    const words = BigInt(signExtend(f[field], bits)) + (by >> 2n);
    if (words < -limit || words >= limit) return false;
    f[field] = Number(BigInt.asUintN(bits, words));
    return true;
  };
}

/** One `label` operand (a label or an address): `encode` puts the target `t` into the fields. */
function labelOperand(encode: (a: AsmState, f: Fields, t: bigint) => void, print: Codec['print']): Codec {
  return operand({
    usage: 'label',
    shape: isImm,
    parse(a: AsmState, f: Fields): void {
      encode(a, f, a.ops.address(a.i));
      a.i++;
    },
    print,
  });
}

/**
 * A branch or literal target into `field` (`bits` wide, in words). `messages`: what to say when
 * the target is misaligned or too far (`branch target …` or `literal …`).
 */
export function pcRelative(field: string, bits: number, messages: { align: string; range: string }): Codec {
  const codec = labelOperand(
    (a, f, t) => {
      // Modulo 2^64, so a target written as an unsigned address below the PC works.
      const delta = BigInt.asIntN(64, t - a.ctx.pc);
      const range = a.ops.range(a.i);
      if ((delta & 3n) !== 0n) throw new AsmError(range, messages.align, 'operand');
      const words = delta >> 2n;
      const limit = 1n << BigInt(bits - 1);
      if (words < -limit || words >= limit) throw new AsmError(range, messages.range, 'immediate-range');
      f[field] = Number(BigInt.asUintN(bits, words));
    },
    (f, p) => target(p.pc, wordOffset(f, field, bits)),
  );
  OFFSET_MOVERS.set(codec, wordOffsetMover(field, bits));
  return codec;
}

const branchMessages = (range: string) => ({ align: 'branch target is not 4-byte aligned', range: `branch target out of ${range} range` });
export const BRANCH26 = pcRelative('imm26', 26, branchMessages('±128 MB'));
export const BRANCH19 = pcRelative('imm19', 19, branchMessages('±1 MB'));
export const BRANCH14 = pcRelative('imm14', 14, branchMessages('±32 KB'));
export const LITERAL19 = pcRelative('imm19', 19, { align: 'literal address is not 4-byte aligned', range: 'literal out of ±1 MB range' });
export const PRFM_LITERAL = pcRelative('imm19', 19, {
  align: 'prefetch literal out of ±1 MB range or not 4-byte aligned',
  range: 'prefetch literal out of ±1 MB range or not 4-byte aligned',
});

/** The 21-bit immhi:immlo of ADR/ADRP (C6.2.10, C6.2.11). */
export function adrImmediate(f: Fields): number {
  return signExtend((f.immhi << 2) | f.immlo, 21);
}

/** ADR `label` (±1 MB) or ADRP `label` (its 4 KB page, ±4 GB; `:pg_hi21:label` also). */
export function adrTarget(page: boolean): Codec {
  const codec = labelOperand(
    (a, f, t) => {
      const pc = a.ctx.pc;
      const name = a.mnemonic.toUpperCase();
      let delta: bigint;
      if (page) {
        delta = BigInt.asIntN(64, (BigInt.asUintN(64, t) & ~0xfffn) - (BigInt.asUintN(64, pc) & ~0xfffn)) >> 12n;
        if (delta < -(1n << 20n) || delta >= 1n << 20n) throw new AsmError(a.ops.range(a.i), `${name} target out of ±4 GB range`, 'immediate-range');
      } else {
        delta = BigInt.asIntN(64, t - pc);
        if (delta < -(1n << 20n) || delta >= 1n << 20n) throw new AsmError(a.ops.range(a.i), `${name} target out of ±1 MB range`, 'immediate-range');
      }
      const v = Number(BigInt.asUintN(21, delta));
      f.immlo = v & 3;
      f.immhi = v >>> 2;
    },
    (f, p) => (page ? target((p.pc & ~0xfffn) + BigInt(adrImmediate(f) * 4096), 0) : target(p.pc, adrImmediate(f))),
  );
  if (!page) {
    // ADR: a byte offset in immhi:immlo, ±1 MB (C6.2.10).
    OFFSET_MOVERS.set(codec, (f, by) => {
      const v = BigInt(adrImmediate(f)) + by;
      if (v < -(1n << 20n) || v >= 1n << 20n) return false;
      const u = Number(BigInt.asUintN(21, v));
      f.immlo = u & 3;
      f.immhi = u >>> 2;
      return true;
    });
  }
  return codec;
}

/**
 * GNU as `ldr Rt, =expr`: the value goes to the block's literal pool (`ctx.literal`, 4 or 8 bytes
 * by the register width) and the instruction becomes LDR (literal) of that slot.
 */
export const LITERAL_POOL: Codec = operand({
  usage: '=value',
  shape: (t) => t.startsWith('='),
  parse(a: AsmState, f: Fields): void {
    const text = a.ops.text(a.i);
    const lrange = a.ops.sub(a.i, 1, text.length);
    const value = a.ops.evaluate(text.slice(1).trim(), lrange);
    const lsize: 4 | 8 = f.opc === 1 ? 8 : 4;
    const limit = lsize === 8 ? 1n << 64n : 1n << 32n;
    if (value >= limit || value < -(limit >> 1n)) throw new AsmError(lrange, `literal ${hex(value)} does not fit in ${lsize * 8} bits`, 'immediate-range');
    const at = a.ctx.literal(BigInt.asUintN(lsize * 8, value), lsize);
    const delta = BigInt.asIntN(64, at - a.ctx.pc);
    if ((delta & 3n) !== 0n) throw new AsmError(a.ops.range(a.i), 'literal address is not 4-byte aligned', 'operand');
    if (delta < -(1n << 20n) || delta >= 1n << 20n) throw new AsmError(a.ops.range(a.i), 'literal out of ±1 MB range', 'immediate-range');
    f.imm19 = Number(BigInt.asUintN(19, delta >> 2n));
    a.i++;
  },
  print: (f, p) => target(p.pc, wordOffset(f, 'imm19', 19)),
});
OFFSET_MOVERS.set(LITERAL_POOL, wordOffsetMover('imm19', 19));
