/**
 * The A64 assembler the scenario layer uses for instruction lines (`isa`).
 * Kept behind a function so tests of the syntax layer can pass their own.
 */
import { assembleLine } from '../isa';
import type { Assembler } from '../isa/instr';

export function defaultAssembler(): Assembler {
  return assembleLine;
}
