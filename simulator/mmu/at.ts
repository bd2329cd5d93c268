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
import { HCR_EL2 } from '../arch/registers/fields';
import type { Pe } from '../pe/pe';
import { MmuFault, toSyncException } from './faults';
import { parFault, parSuccess } from './par';
import { deriveConfig, el2Enabled, isSecure, Regime } from './regime';
import { AccessType } from './types';
import type { TableWalker } from './domain';
import { allowedMask, panBits, permissionFault, PSTATE_PAN } from './permissions';

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
  const e2hTge = HCR_EL2.E2H.isSet(hcr) && HCR_EL2.TGE.isSet(hcr);
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
    return parSuccess(pa, attrs, e.ns);
  } catch (f) {
    if (!(f instanceof MmuFault)) throw f;
    // A stage-2 fault on a stage-1 table access of AT S1E0x/S1E1x from EL1 is taken to EL2 (Arm ARM D8.14.2).
    if (f.stage === 2 && !both && pe.el === 1) throw toSyncException(f, pe.el, 2, va, AccessType.Maintenance);
    return parFault(f.fsc, f.s1ptw, f.stage === 2);
  }
}
