/**
 * A64 decoder: a 32-bit instruction word → an `Instr` whose closure is the
 * same one the assembler produces (the assembler encodes, then decodes), so
 * code written to memory at run time executes exactly like assembled code.
 *
 * Top-level dispatch on op0 = bits[28:25] (Arm ARM C4.1 "A64 instruction set encoding").
 */
import type { Instr } from './instr';
import { decodeBranchRegister, decodeCompareBranch, decodeConditional, decodeTestBranch, decodeUnconditional } from './branch';
import { decodeDataProcessingImmediate, decodeDataProcessingRegister } from './dataProcessing';
import type { Decoded } from './format';
import { decodeLoadStore } from './loadStore';
import { decodeExceptionGenerating, decodeSystem, decodeUdf } from './system';

/** Decode without building the Instr wrapper (used by the assembler, which sets its own text). */
export function decodeWord(word: number, pc: bigint): Decoded | undefined {
  const w = word >>> 0;
  const op0 = (w >>> 25) & 15;
  switch (op0) {
    case 0b0000:
      return decodeUdf(w);
    case 0b1000:
    case 0b1001:
      return decodeDataProcessingImmediate(w, pc);
    case 0b1010:
    case 0b1011:
      return decodeBranchSystem(w, pc);
    case 0b0101:
    case 0b1101:
      return decodeDataProcessingRegister(w);
    default:
      // x1x0: loads and stores
      if ((op0 & 0b0101) === 0b0100) return decodeLoadStore(w, pc);
      return undefined;
  }
}

function decodeBranchSystem(w: number, pc: bigint): Decoded | undefined {
  if ((w & 0x7c000000) === 0x14000000) return decodeUnconditional(w, pc);
  if ((w & 0x7e000000) === 0x34000000) return decodeCompareBranch(w, pc);
  if ((w & 0x7e000000) === 0x36000000) return decodeTestBranch(w, pc);
  if ((w & 0xff000000) >>> 0 === 0x54000000) return decodeConditional(w, pc);
  if ((w & 0xff000000) >>> 0 === 0xd4000000) return decodeExceptionGenerating(w);
  if ((w & 0xff000000) >>> 0 === 0xd5000000) return decodeSystem(w);
  if ((w & 0xfe000000) >>> 0 === 0xd6000000) return decodeBranchRegister(w);
  return undefined;
}

/** Decode one instruction word at `pc`; undefined when the encoding is not one we model. */
export function decodeInstruction(word: number, pc: bigint): Instr | undefined {
  const d = decodeWord(word, pc);
  if (!d) return undefined;
  return { mnemonic: d.mnemonic, text: d.text, encoding: word >>> 0, exec: d.exec };
}
