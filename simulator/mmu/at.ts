/**
 * Address translation instructions (Arm ARM C5.5 "A64 Address Translation
 * instructions", D8.14; result format D19 PAR_EL1).
 *
 * AT S1E0R/W, S1E1R/W(P), S1E2R/W, S1E3R/W: stage 1 of the named regime (with
 * stage 2 enabled, S1E0/S1E1 return the IPA; their stage-1 table accesses still go
 * through stage 2, and a stage-2 fault on them from EL1 is taken to EL2 as a Data
 * Abort with S1PTW=1, CM=1). AT S12E0R/W, S12E1R/W: both stages.
 * AT performs a fresh walk (the architecture lets AT use or bypass cached entries;
 * a fresh walk shows what memory says now, next to what the TLB may still hold).
 */
import type { Pe } from '../pe/pe';
import { MmuFault, toSyncException } from './faults';
import { parAttrByte, parShBits } from './attributes';
import { deriveConfig, el2Enabled, isSecure, Regime } from './regime';
import { AccessType } from './types';
import type { TableWalker } from './domain';
import { allowedMask, panBits, permissionFault, PSTATE_PAN } from './permissions';

/** PAR_EL1 with F=0 (Arm ARM D19 PAR_EL1): ATTR[63:56], PA[47:12], NS[9], SH[8:7], bit 11 RES1. */
function parSuccess(pa: number, attrByte: number, sh: number, ns: boolean): bigint {
  const page = BigInt(Math.floor(pa / 4096)) << 12n;
  return (BigInt(attrByte) << 56n) | (page & 0x0000_ffff_ffff_f000n) | (1n << 11n) | ((ns ? 1n : 0n) << 9n) | (BigInt(sh) << 7n);
}

/** PAR_EL1 with F=1: FST[6:1], PTW[8] (stage-2 fault on a stage-1 walk), S[9] (stage 2), bit 11 RES1. */
function parFault(f: MmuFault): bigint {
  return 1n | (BigInt(f.fsc) << 1n) | ((f.s1ptw ? 1n : 0n) << 8n) | ((f.stage === 2 ? 1n : 0n) << 9n) | (1n << 11n);
}

export function performAt(mmu: TableWalker, pe: Pe, opIn: string, va: number): bigint {
  const op = opIn.toLowerCase();
  const m = /^s1(2)?e([0-3])(r|w|a)(p)?$/.exec(op);
  if (m === null) throw new Error(`AT ${opIn}: unknown address translation operation`);
  const both = m[1] === '2';
  const el = Number(m[2]);
  const access = m[3] === 'w' ? AccessType.Write : AccessType.Read;
  const panAware = m[4] === 'p';
  const secure = isSecure(pe, el);
  const hcr = el2Enabled(pe, secure) && el < 3 ? pe.readSysreg('HCR_EL2') : 0n;
  const e2hTge = ((hcr >> 34n) & 1n) === 1n && ((hcr >> 27n) & 1n) === 1n;
  // S1E0x/S1E1x at EL2 with E2H=TGE=1 translate in the EL2&0 regime.
  const force = el <= 1 && pe.el === 2 && e2hTge ? Regime.EL20 : undefined;
  const cfg = deriveConfig(pe, el, force);
  const d = mmu.derive(cfg);
  const st = mmu.domain.stateFor(pe);
  try {
    const e = mmu.resolve(pe, st, d, va, false, both);
    const pan = panAware && cfg.privileged && cfg.twoPrivilege && (pe.pstateOther & PSTATE_PAN) !== 0 ? panBits(cfg) : 0;
    if (((allowedMask(e, cfg.privileged, pan, el) >> access) & 1) === 0) throw permissionFault(e, cfg, va, access, pan);
    const pa = e.outBase + (va - e.base);
    const attrs = both ? e.dataAttrs : e.s1Attrs;
    return parSuccess(pa, parAttrByte(attrs), parShBits(attrs), e.ns);
  } catch (f) {
    if (!(f instanceof MmuFault)) throw f;
    // A stage-2 fault on a stage-1 table access of AT S1E0x/S1E1x from EL1 is taken to EL2 (Arm ARM D8.14.2).
    if (f.stage === 2 && !both && pe.el === 1) throw toSyncException(f, pe.el, 2, va, AccessType.Maintenance);
    return parFault(f);
  }
}
