/**
 * PAR_EL1 values an AT instruction produces (Arm ARM D24.2 PAR_EL1), composed
 * with the register table's accessors: the success form (F=0) and the fault
 * form (F=1). Shared by the MMU's AT (at.ts) and the PE's fallback for
 * machines without translation regimes (pe/system.ts).
 */
import { compose, PAR_EL1, PAR_EL1_FAULT } from '../arch/registers/fields';
import type { MemAttrs } from '../memory/attributes';
import { parAttrByte, parShBits } from './attributes';

/** F=0: ATTR (MAIR encoding of `attrs`), PA[51:12], NS, SH, bit 11 RES1. */
export function parSuccess(pa: number, attrs: MemAttrs, ns: boolean): bigint {
  return compose(PAR_EL1, { ATTR: parAttrByte(attrs), PA: Math.floor(pa / 4096), NS: ns, SH: parShBits(attrs) });
}

/** F=1: FST (the fault status code), PTW (stage-2 fault on a stage-1 walk), S (stage 2), bit 11 RES1. */
export function parFault(fsc: number, s1ptw: boolean, stage2: boolean): bigint {
  return compose(PAR_EL1_FAULT, { F: 1, FST: fsc, PTW: s1ptw, S: stage2 });
}
