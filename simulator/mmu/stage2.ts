/**
 * The stage-2 walker: IPA → PA for the EL1&0 regime (Arm ARM D8.2.5 "Stage 2
 * translation"; VTTBR_EL2/VTCR_EL2, and VSTTBR_EL2/VSTCR_EL2 for the Secure IPA
 * space, FEAT_SEL2). The start level comes from VTCR_EL2.SL0 and may index up
 * to 16 concatenated tables (D8.2.5 "Concatenated translation tables").
 */
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import { decodeS2MemAttr, makeNonCacheable } from './attributes';
import { blockAllowed, D, desc, highAddressBits, modPow2, outputAddress, POW2, readDescriptor, tableIndex, writeDescriptor } from './descriptor';
import { MmuFault } from './faults';
import type { Stage2Config, TableTree } from './regime';
import { levelShift } from './regime';
import { P2 } from './tlb';
import type { MmuObserver } from './types';

export interface Stage2Result {
  /** Block/page containing the IPA: input base, size, output base. */
  base: number;
  size: number;
  outBase: number;
  level: number;
  memAttr: number;
  sh: number;
  attrs: MemAttrs;
  perm: number;
  ns: boolean;
}

/** Stage-2 permission bits from S2AP[7:6] and XN[54:53] (FEAT_XNX: 00 both, 01 EL0 only, 10 none, 11 EL1 only). */
export function stage2Permissions(lo: number, hi: number): number {
  const s2ap = (lo >>> 6) & 3;
  const xn = (hi >>> 21) & 3;
  let p = 0;
  if (s2ap & 1) p |= P2.R;
  if (s2ap & 2) p |= P2.W;
  if (xn === 0 || xn === 1) p |= P2.X0;
  if (xn === 0 || xn === 3) p |= P2.X1;
  return p;
}

/**
 * Walk stage 2 for `ipa`. Throws MmuFault (stage 2, with `s1ptw` when this walk serves a
 * stage-1 table access). `va` is reported to observers.
 */
export function walkStage2(
  pe: Pe,
  s2: Stage2Config,
  tree: TableTree,
  ipa: number,
  s1ptw: boolean,
  va: number,
  observer: MmuObserver | undefined,
): Stage2Result {
  const what = s1ptw ? 'stage 1 table walk access to IPA' : 'IPA';
  if (tree.invalid) {
    // Reported at level 0, as QEMU's check_s2_mmu_setup does (the Arm ARM makes the walk CONSTRAINED UNPREDICTABLE).
    throw new MmuFault('translation', 2, 0, s1ptw, ipa, `stage 2 translation fault at level 0: ${tree.name} start level ${tree.startLevel} (SL0) is inconsistent with T0SZ (${tree.inputBits}-bit input)`);
  }
  if (ipa < 0 || ipa >= POW2[tree.inputBits]) {
    throw new MmuFault('translation', 2, 0, s1ptw, ipa, `stage 2 translation fault at level 0: ${what} ${hex(ipa)} is outside the ${tree.inputBits}-bit input range (VTCR_EL2.T0SZ)`);
  }
  if (tree.baseOutOfRange) {
    throw new MmuFault('address-size', 2, 0, s1ptw, ipa, `stage 2 address size fault at level 0: ${tree.name} base ${hex(tree.base)} exceeds the ${s2.oaBits}-bit output size`);
  }
  const g = tree.granuleBits;
  const walk = s2.cd ? makeNonCacheable(tree.walk) : tree.walk;
  let level = tree.startLevel;
  let tableBase = tree.base;
  let indexBits = tree.startIndexBits;
  for (;;) {
    const shift = levelShift(g, level);
    const descPa = tableBase + tableIndex(ipa, shift, indexBits) * 8;
    readDescriptor(pe, descPa, walk, 2, level, va, ipa, observer);
    const lo = desc.lo;
    const hi = desc.hi;
    if ((lo & D.VALID) === 0) {
      throw new MmuFault('translation', 2, level, s1ptw, ipa, `stage 2 translation fault at level ${level}: ${what} ${hex(ipa)}, descriptor at ${hex(descPa)} is invalid (${hex(hi * 4294967296 + lo)})`);
    }
    const isTable = (lo & D.TABLE_OR_PAGE) !== 0 && level < 3;
    if (!isTable) {
      if (level < 3 && !blockAllowed(g, level)) {
        throw new MmuFault('translation', 2, level, s1ptw, ipa, `stage 2 translation fault at level ${level}: block descriptor at ${hex(descPa)} not allowed at this level`);
      }
      if (level === 3 && (lo & D.TABLE_OR_PAGE) === 0) {
        throw new MmuFault('translation', 2, level, s1ptw, ipa, `stage 2 translation fault at level 3: descriptor at ${hex(descPa)} is reserved (0b01)`);
      }
      const outBase = outputAddress(lo, hi, shift);
      if (highAddressBits(hi) !== 0 || outBase >= POW2[s2.oaBits]) {
        throw new MmuFault('address-size', 2, level, s1ptw, ipa, `stage 2 address size fault at level ${level}: output address ${hex(outBase)} exceeds ${s2.oaBits} bits (VTCR_EL2.PS)`);
      }
      let l = lo;
      if ((lo & D.AF) === 0) {
        if (!s2.ha) {
          throw new MmuFault('access-flag', 2, level, s1ptw, ipa, `stage 2 access flag fault at level ${level}: descriptor at ${hex(descPa)} has AF=0`, outBase + modPow2(ipa, shift));
        }
        l = (lo | D.AF) >>> 0;
        writeDescriptor(pe, descPa, l, hi, walk, observer);
      }
      const memAttr = (l >>> 2) & 0xf;
      const sh = (l >>> 8) & 3;
      const size = POW2[shift];
      const secureIpa = tree === s2.secure;
      return {
        base: Math.floor(ipa / size) * size,
        size,
        outBase,
        level,
        memAttr,
        sh,
        attrs: decodeS2MemAttr(memAttr, sh),
        perm: stage2Permissions(l, hi),
        ns: secureIpa ? s2.sa : s2.nsa,
      };
    }
    const next = outputAddress(lo, hi, g);
    if (highAddressBits(hi) !== 0 || next >= POW2[s2.oaBits]) {
      throw new MmuFault('address-size', 2, level, s1ptw, ipa, `stage 2 address size fault at level ${level}: next-level table ${hex(next)} exceeds ${s2.oaBits} bits`);
    }
    tableBase = next;
    level++;
    indexBits = g - 3;
  }
}
