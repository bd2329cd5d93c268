/**
 * The Xt operand of the TLB maintenance instructions (Arm ARM C5.5 "A64 TLB
 * maintenance instructions", "TLBI operand" encodings): by VA (ASID, TTL,
 * VA[55:12]), by IPA (NS, TTL, IPA[51:12]) and the range forms of
 * FEAT_TLBIRANGE (ASID, TG, SCALE, NUM, TTL, BaseADDR). Layouts in the
 * register table's form, with accessors for the TLB model (simulator/mmu/tlbi.ts).
 */
import { accessors } from '../registers/accessors';
import { decodeLayout } from '../registers/index';
import { b, f, fmt } from '../registers/define';
import type { DecodedField } from '../registers/types';
import { hex } from '../../util/hex';

const TTL = { 0: 'No level hint', 1: 'Level hint (FEAT_TTL): level 1', 2: 'Level hint (FEAT_TTL): level 2', 3: 'Level hint (FEAT_TTL): level 3' };
const TG = { 0: 'Reserved', 1: '4KB granule', 2: '16KB granule', 3: '64KB granule' };

const BY_VA = [
  fmt('ASID', 63, 48, 'ASID the operation applies to (ignored by the VAA/ALL forms)', (v) => hex(v)),
  f('TTL', 47, 44, 'Translation table level hint'),
  fmt('VA', 43, 0, 'VA[55:12]', (v) => `VA page ${hex(v << 12n)}`),
];

const BY_IPA = [
  b('NS', 63, 'IPA space (Secure state only)', { 0: 'Secure IPA space', 1: 'Non-secure IPA space' }),
  f('TTL', 47, 44, 'Translation table level hint'),
  fmt('IPA', 39, 0, 'IPA[51:12]', (v) => `IPA page ${hex(v << 12n)}`),
];

const RANGE = [
  fmt('ASID', 63, 48, 'ASID the operation applies to (ignored by the VAA forms)', (v) => hex(v)),
  f('TG', 47, 46, 'Granule of the range', TG),
  f('SCALE', 45, 44, 'Range scale: (NUM+1) x 2^(5*SCALE+1) pages'),
  f('NUM', 43, 39, 'Range number: (NUM+1) x 2^(5*SCALE+1) pages'),
  f('TTL', 38, 37, 'Translation table level hint', TTL),
  fmt('BaseADDR', 36, 0, 'Start address [48:12] for 4KB (shifted by the granule)', (v) => hex(v)),
];

/** Accessors of the TLBI operand forms. */
export const TLBI_BY_VA = accessors(BY_VA);
export const TLBI_BY_IPA = accessors(BY_IPA);
export const TLBI_RANGE = accessors(RANGE);

/** Decode a TLBI operand for views: the form follows the operation's name (`rvae1is`, `ipas2e1`, `vae1`). */
export function decodeTlbiOperand(op: string, value: bigint): DecodedField[] {
  const o = op.toLowerCase();
  const layout = o.startsWith('r') ? RANGE : o.includes('ipas2') ? BY_IPA : BY_VA;
  return decodeLayout(layout, value);
}
