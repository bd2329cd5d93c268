/**
 * Translation faults: the MMU-internal description (`MmuFault`) and its
 * conversion into the architectural exception (`SyncException`) with the exact
 * ESR_ELx syndrome, FAR and the IPA that HPFAR_EL2 reports.
 *
 * Arm ARM D17.2.37/ESR_ELx "ISS encoding for an exception from a Data Abort"
 * and "… from an Instruction Abort"; fault status codes from D17 (DFSC/IFSC).
 */
import { EC, ISS, SyncException, type FaultKind } from '../pe/exception';
import { AccessType } from './types';
import { hex } from '../util/hex';

/** Fault status code bases (level is added for the leveled kinds). */
export const FSC = {
  ADDRESS_SIZE: 0x00,
  TRANSLATION: 0x04,
  ACCESS_FLAG: 0x08,
  PERMISSION: 0x0c,
  ALIGNMENT: 0x21,
} as const;

export type MmuFaultKind = 'translation' | 'access-flag' | 'permission' | 'address-size' | 'alignment';

/**
 * A translation fault as the walker found it, before routing. Thrown inside
 * the MMU (not an Error: no stack capture) and converted by `toSyncException`
 * or by AT into PAR_EL1.FST.
 */
export class MmuFault {
  constructor(
    readonly kind: MmuFaultKind,
    readonly stage: 1 | 2,
    /** Lookup level (0..3) for leveled kinds; -1 for alignment. */
    readonly level: number,
    /** The fault happened on a stage-2 translation of a stage-1 table walk access (ISS.S1PTW). */
    readonly s1ptw: boolean,
    /** Faulting IPA (stage-2 faults; for S1PTW the IPA of the stage-1 table access). */
    readonly ipa: number | undefined,
    /** Why, in architectural words (reports). */
    readonly reason: string,
    /** Output PA when the walk produced one before the fault (permission, access flag, alignment): reports only. */
    public pa?: number,
  ) {}

  /** DFSC/IFSC value (Arm ARM D17 ESR_ELx ISS, "Fault status code"). */
  get fsc(): number {
    switch (this.kind) {
      case 'address-size':
        return FSC.ADDRESS_SIZE + this.level;
      case 'translation':
        return FSC.TRANSLATION + this.level;
      case 'access-flag':
        return FSC.ACCESS_FLAG + this.level;
      case 'permission':
        return FSC.PERMISSION + this.level;
      case 'alignment':
        return FSC.ALIGNMENT;
    }
  }
}

/**
 * Build the exception for a fault on an access by `pe` at `fromEl` to `va`.
 * `stage1TargetEl` is where stage-1 faults of the regime are taken (EL1, or EL2 for
 * EL0 with HCR_EL2.TGE=1, EL2 for the EL2 regimes, EL3 for EL3); stage-2 faults go to EL2.
 * EC: 0x20/0x21 instruction abort from a lower/the same EL, 0x24/0x25 data abort.
 * ISS: DFSC/IFSC, S1PTW[7], and for data aborts WnR[6] and CM[8] (cache maintenance
 * and AT report WnR=1, Arm ARM D17 "WnR"). FnV=0: FAR is valid for every fault here.
 */
export function toSyncException(f: MmuFault, fromEl: number, stage1TargetEl: number, va: number, access: AccessType): SyncException {
  const targetEl = f.stage === 2 ? 2 : stage1TargetEl;
  const lower = targetEl > fromEl;
  let ec: number;
  let iss = f.fsc;
  if (access === AccessType.Fetch) {
    ec = lower ? EC.IABT_LOWER : EC.IABT_SAME;
  } else {
    ec = lower ? EC.DABT_LOWER : EC.DABT_SAME;
    if (access === AccessType.Maintenance) iss |= ISS.CM | ISS.WNR;
    else if (access === AccessType.Write && !f.s1ptw) iss |= ISS.WNR;
  }
  if (f.s1ptw) iss |= ISS.S1PTW;
  const kind: FaultKind = f.kind;
  return new SyncException(ec, iss, {
    far: va,
    ipa: f.ipa,
    pa: f.pa,
    targetEl,
    kind,
    stage: f.stage,
    level: f.level >= 0 ? f.level : undefined,
    reason: `${f.reason} (VA ${hex(va)})`,
  });
}
