/**
 * THE instruction table: every class table in decode priority order, and the
 * decoder and encoder derived from them (decodetree/). Adding an instruction is
 * adding a row (or a form) to a class table; nothing else knows an encoding.
 */
import { ADD_SUB } from './classes/addSub';
import { ATOMICS } from './classes/atomics';
import { BITFIELD } from './classes/bitfield';
import { BRANCHES } from './classes/branches';
import { CONDITIONAL } from './classes/conditional';
import { EXCLUSIVE } from './classes/exclusive';
import { LOAD_STORE } from './classes/loadStore';
import { LOAD_STORE_PAIR } from './classes/loadStorePair';
import { LOGICAL } from './classes/logical';
import { MOVES } from './classes/moves';
import { MULTIPLY_DIVIDE } from './classes/multiplyDivide';
import { SYSTEM } from './classes/system';
import { TableAssembler } from './decodetree/assembler';
import { DecodeTree } from './decodetree/tree';
import type { InstrClass } from './decodetree/types';

export const INSTRUCTION_CLASSES: readonly InstrClass[] = [
  ADD_SUB,
  LOGICAL,
  MOVES,
  BITFIELD,
  CONDITIONAL,
  MULTIPLY_DIVIDE,
  BRANCHES,
  LOAD_STORE,
  LOAD_STORE_PAIR,
  EXCLUSIVE,
  ATOMICS,
  SYSTEM,
];

export const DECODE_TREE = new DecodeTree(INSTRUCTION_CLASSES);
export const ASSEMBLER = new TableAssembler(DECODE_TREE);
