/** Every case of the system differential suite, by topic. */
import type { SystemCase } from '../case';
import { AT_CASES } from './at';
import { ERET_CASES } from './eret';
import { EXCEPTION_CASES } from './exceptions';
import { TLBI_CASES } from './tlbi';
import { TRANSLATION_CASES } from './translation';
import { TRAP_CASES } from './traps';
import { VHE_CASES } from './vhe';

export const SYSTEM_CASES: SystemCase[] = [...EXCEPTION_CASES, ...TRANSLATION_CASES, ...TRAP_CASES, ...VHE_CASES, ...AT_CASES, ...TLBI_CASES, ...ERET_CASES];
