/**
 * The stage-1 walker (Arm ARM D8.2 "Translation process", D8.3 descriptor formats,
 * D8.4 "Memory access control"): VA → output address (PA, or IPA for EL1&0 under
 * stage 2) with hierarchical permissions (APTable, UXNTable/XNTable, PXNTable,
 * unless TCR.HPDn), NSTable/NS, the Access flag and output address size checks.
 */
import type { MemAttrs } from '../memory/attributes';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import { makeNonCacheable } from './attributes';
import { blockAllowed, D, desc, DH, highAddressBits, modPow2, outputAddress, POW2, readDescriptor, tableIndex, writeDescriptor } from './descriptor';
import { MmuFault } from './faults';
import type { RegimeConfig, TableTree } from './regime';
import { levelShift } from './regime';
import { P1 } from './tlb';
import type { MmuObserver } from './types';

export interface Stage1Result {
  /** VA of the first byte of the block/page, its size and output address. */
  base: number;
  size: number;
  outBase: number;
  level: number;
  attrs: MemAttrs;
  perm: number;
  global: boolean;
  /** Output in the Non-secure space (always true in Non-secure state). */
  ns: boolean;
}

/**
 * Translates a stage-1 table access (an IPA under stage 2) to a PA and the attributes
 * to read it with. Without stage 2 the table address is already a PA.
 */
export interface TableAccess {
  /**
   * PA of the table entry at `ipa`. `ns`: the walk has switched to the Non-secure space
   * (NSTable=1 above, Secure state only).
   */
  translate(ipa: number, level: number, walk: MemAttrs, ns: boolean): number;
  /** Attributes for the read, set by `translate` (walk attributes combined with stage 2). */
  attrs: MemAttrs | undefined;
}

/**
 * Stage-1 permissions (Arm ARM D8.4.1 "Data access permissions", D8.4.2 "Execute-never"):
 * AP[2:1] with APTable (bit 61: no EL0 access below, bit 62: read-only below);
 * a region writable at EL0 is never executable at EL1 (implicit PXN); WXN makes
 * writable regions execute-never. Single-privilege regimes (EL2, EL3) use AP[2] and XN only.
 */
export function stage1Permissions(lo: number, hi: number, apTable: number, uxnTable: boolean, pxnTable: boolean, twoPrivilege: boolean, wxn: boolean): number {
  let ap2 = (lo >>> 7) & 1;
  let ap1 = (lo >>> 6) & 1;
  if (apTable & 2) ap2 = 1;
  let p: number;
  if (twoPrivilege) {
    if (apTable & 1) ap1 = 0;
    const w1 = ap2 === 0;
    const r0 = ap1 === 1;
    const w0 = r0 && ap2 === 0;
    let x0 = (hi & DH.UXN) === 0 && !uxnTable;
    let x1 = (hi & DH.PXN) === 0 && !pxnTable && !w0;
    if (wxn) {
      if (w0) x0 = false;
      if (w1) x1 = false;
    }
    p = P1.R1;
    if (w1) p |= P1.W1;
    if (x1) p |= P1.X1;
    if (r0) p |= P1.R0 | P1.EL0DATA;
    if (w0) p |= P1.W0;
    if (x0) p |= P1.X0;
  } else {
    const w1 = ap2 === 0;
    const x1 = (hi & DH.UXN) === 0 && !uxnTable && !(wxn && w1);
    p = P1.R1;
    if (w1) p |= P1.W1;
    if (x1) p |= P1.X1;
  }
  return p;
}

/** Walk stage 1 for `va` in `tree`. Throws MmuFault (stage 1, or stage 2 with S1PTW from `tableAccess`). */
export function walkStage1(pe: Pe, cfg: RegimeConfig, tree: TableTree, va: number, tableAccess: TableAccess | undefined, observer: MmuObserver | undefined): Stage1Result {
  const g = tree.granuleBits;
  const span = POW2[tree.inputBits];
  const ia = va < 0 ? va + span : va;
  // SCTLR_ELx.C=0 also makes the regime's stage-1 table walks Non-cacheable (Arm ARM D19 SCTLR_ELx.C).
  const walk = cfg.dataCacheable ? tree.walk : makeNonCacheable(tree.walk);
  let level = tree.startLevel;
  let tableBase = tree.base;
  let indexBits = tree.startIndexBits;
  let apTable = 0;
  let uxnTable = false;
  let pxnTable = false;
  let ns = !cfg.secure;
  for (;;) {
    const shift = levelShift(g, level);
    const descAddr = tableBase + tableIndex(ia, shift, indexBits) * 8;
    let descPa = descAddr;
    let readAttrs = walk;
    if (tableAccess !== undefined) {
      descPa = tableAccess.translate(descAddr, level, walk, ns);
      readAttrs = tableAccess.attrs ?? walk;
    }
    readDescriptor(pe, descPa, readAttrs, 1, level, va, undefined, observer);
    const lo = desc.lo;
    const hi = desc.hi;
    if ((lo & D.VALID) === 0) {
      throw new MmuFault('translation', 1, level, false, undefined, `stage 1 translation fault at level ${level}: ${tree.name} descriptor at ${hex(descAddr)} is invalid (${hex(hi * 4294967296 + lo)})`);
    }
    const isTable = (lo & D.TABLE_OR_PAGE) !== 0 && level < 3;
    if (!isTable) {
      if (level < 3 && !blockAllowed(g, level)) {
        throw new MmuFault('translation', 1, level, false, undefined, `stage 1 translation fault at level ${level}: block descriptor at ${hex(descAddr)} not allowed at this level`);
      }
      if (level === 3 && (lo & D.TABLE_OR_PAGE) === 0) {
        throw new MmuFault('translation', 1, level, false, undefined, `stage 1 translation fault at level 3: descriptor at ${hex(descAddr)} is reserved (0b01)`);
      }
      const outBase = outputAddress(lo, hi, shift);
      if (highAddressBits(hi) !== 0 || outBase >= POW2[cfg.oaBits]) {
        throw new MmuFault('address-size', 1, level, false, undefined, `stage 1 address size fault at level ${level}: output address ${hex(outBase)} exceeds ${cfg.oaBits} bits`);
      }
      let l = lo;
      if ((lo & D.AF) === 0) {
        if (!cfg.ha) {
          // The output address is the PA only without stage 2 (then no tableAccess); else it is an IPA not yet translated.
          throw new MmuFault('access-flag', 1, level, false, undefined, `stage 1 access flag fault at level ${level}: descriptor at ${hex(descAddr)} has AF=0`, tableAccess === undefined ? outBase + modPow2(ia, shift) : undefined);
        }
        l = (lo | D.AF) >>> 0;
        writeDescriptor(pe, descPa, l, hi, readAttrs, observer);
      }
      if (cfg.secure && (l & D.NS) !== 0) ns = true;
      const size = POW2[shift];
      const attrIndx = (l >>> 2) & 7;
      const sh = (l >>> 8) & 3;
      const hierarchical = !tree.hpd;
      return {
        base: va - modPow2(ia, shift),
        size,
        outBase,
        level,
        attrs: cfg.mair[attrIndx * 4 + sh],
        perm: stage1Permissions(l, hi, hierarchical ? apTable : 0, hierarchical && uxnTable, hierarchical && pxnTable, cfg.twoPrivilege, cfg.wxn),
        global: !cfg.twoPrivilege || (l & D.NG) === 0,
        ns,
      };
    }
    const next = outputAddress(lo, hi, g);
    if (highAddressBits(hi) !== 0 || next >= POW2[cfg.oaBits]) {
      throw new MmuFault('address-size', 1, level, false, undefined, `stage 1 address size fault at level ${level}: next-level table ${hex(next)} exceeds ${cfg.oaBits} bits`);
    }
    apTable |= (hi >>> 29) & 3;
    if (hi & DH.UXN_TABLE) uxnTable = true;
    if (hi & DH.PXN_TABLE) pxnTable = true;
    if (cfg.secure && (hi & DH.NS_TABLE) !== 0) ns = true;
    tableBase = next;
    level++;
    indexBits = g - 3;
  }
}
