/**
 * Memory attribute indirection: MAIR_ELx (each Attr<n> byte decoded) and
 * AMAIR_ELx. Arm ARM D24.2 MAIR_ELx; arch-facts.md §3.
 */
import { hex } from '../../util/hex';
import { decodeMairAttr } from '../decoders/memoryAttributes';
import { accessors, type FieldAccessor } from './accessors';
import { enc, fmt, reg, whole } from './define';
import type { FieldDef, RegisterDef, SysregEncoding } from './types';

function mairFields(): FieldDef[] {
  const out: FieldDef[] = [];
  for (let n = 7; n >= 0; n--) {
    out.push(fmt(`Attr${n}`, n * 8 + 7, n * 8, `Memory attributes for AttrIndx=${n}`, (v) => `${hex(v, 2)} ${decodeMairAttr(Number(v)).text}`));
  }
  return out;
}

function mair(el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `MAIR_EL${el}`,
    description: `Memory Attribute Indirection Register (EL${el}): the attribute encodings selected by descriptor AttrIndx`,
    encoding: e,
    fields: mairFields(),
    trapGroup: el === 1 ? 'TVM' : undefined,
    redirectTo: el === 1 ? 'MAIR_EL2' : undefined,
  });
}

function amair(el: 1 | 2 | 3, e: SysregEncoding): RegisterDef {
  return reg({
    name: `AMAIR_EL${el}`,
    description: `Auxiliary Memory Attribute Indirection Register (EL${el}): IMPLEMENTATION DEFINED`,
    encoding: e,
    fields: whole('IMPDEF', 'IMPLEMENTATION DEFINED'),
    trapGroup: el === 1 ? 'TVM' : undefined,
    redirectTo: el === 1 ? 'AMAIR_EL2' : undefined,
  });
}

export const MEMORY_ATTRIBUTE_REGISTERS: RegisterDef[] = [
  mair(1, enc(3, 0, 10, 2, 0)),
  mair(2, enc(3, 4, 10, 2, 0)),
  mair(3, enc(3, 6, 10, 2, 0)),
  amair(1, enc(3, 0, 10, 3, 0)),
  amair(2, enc(3, 4, 10, 3, 0)),
  amair(3, enc(3, 6, 10, 3, 0)),
];

/** Field accessors (accessors.ts): MAIR_ELx.Attr<n> by name, and `MAIR_ATTR[n]` by descriptor AttrIndx. */
export const MAIR = accessors(mairFields());
export const MAIR_ATTR: readonly FieldAccessor[] = Array.from({ length: 8 }, (_, n) => MAIR[`Attr${n}`]);
