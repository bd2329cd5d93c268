/**
 * Condition codes (Arm ARM C1.2.4 "Condition code", shared pseudocode ConditionHolds()).
 */
import type { Pe } from '../pe/pe';

/** Display names as objdump prints them (cs/cc rather than hs/lo). */
export const CONDITION_NAMES = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'] as const;

/** Accepted spellings: hs/lo are the same conditions as cs/cc. */
const BY_NAME: Record<string, number> = { hs: 2, lo: 3 };
CONDITION_NAMES.forEach((n, i) => (BY_NAME[n] = i));

export function conditionCode(name: string): number | undefined {
  return BY_NAME[name.toLowerCase()];
}

export const CONDITION_SUMMARY: Record<string, string> = {
  eq: 'equal (Z set)',
  ne: 'not equal (Z clear)',
  cs: 'carry set / unsigned higher or same (C set)',
  cc: 'carry clear / unsigned lower (C clear)',
  mi: 'negative (N set)',
  pl: 'positive or zero (N clear)',
  vs: 'overflow (V set)',
  vc: 'no overflow (V clear)',
  hi: 'unsigned higher (C set and Z clear)',
  ls: 'unsigned lower or same (C clear or Z set)',
  ge: 'signed greater or equal (N == V)',
  lt: 'signed less than (N != V)',
  gt: 'signed greater than (Z clear and N == V)',
  le: 'signed less or equal (Z set or N != V)',
  al: 'always',
  nv: 'always (reserved encoding, behaves as AL)',
};

export type ConditionTest = (pe: Pe) => boolean;

/** One closure per condition so the branch closures need no switch at run time. */
export const CONDITION_TESTS: readonly ConditionTest[] = [
  (pe) => pe.z === 1,
  (pe) => pe.z === 0,
  (pe) => pe.c === 1,
  (pe) => pe.c === 0,
  (pe) => pe.n === 1,
  (pe) => pe.n === 0,
  (pe) => pe.v === 1,
  (pe) => pe.v === 0,
  (pe) => pe.c === 1 && pe.z === 0,
  (pe) => !(pe.c === 1 && pe.z === 0),
  (pe) => pe.n === pe.v,
  (pe) => pe.n !== pe.v,
  (pe) => pe.z === 0 && pe.n === pe.v,
  (pe) => !(pe.z === 0 && pe.n === pe.v),
  () => true,
  () => true,
];

/** ConditionHolds() as a plain function (for non-hot callers). */
export function conditionHolds(pe: Pe, cond: number): boolean {
  return CONDITION_TESTS[cond & 15](pe);
}
