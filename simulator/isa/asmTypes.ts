/**
 * Shape of one mnemonic's assembler: operands in, the 32-bit A64 encoding out.
 * Errors are thrown as `AsmError` (operands.ts) with the exact source range.
 */
import type { Operands } from './operands';

export type AsmHandler = (o: Operands, mnemonic: string) => number;
