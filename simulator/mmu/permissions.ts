/**
 * Permission and alignment checks of a translation (Arm ARM D8.4 "Memory
 * access control", D8.5 "Memory region attributes" alignment): which accesses
 * a TLB entry permits at a privilege, and the fault for one it denies.
 */
import type { MemAttrs } from '../memory/attributes';
import { hex } from '../util/hex';
import { MmuFault } from './faults';
import type { RegimeConfig } from './regime';
import { SPSR } from '../arch/registers/fields';
import { P1, P2, type TlbEntry } from './tlb';
import { AccessType } from './types';

/** PSTATE.PAN as carried in `pe.pstateOther` (its SPSR position). */
export const PSTATE_PAN = SPSR.PAN.lo;

/**
 * The stage-1 permission bits PSTATE.PAN acts on: EL0 data access (FEAT_PAN), and
 * with SCTLR_ELx.EPAN=1 also EL0 execute permission (FEAT_PAN3). 0 when PAN is off.
 */
export function panBits(cfg: RegimeConfig): number {
  return P1.EL0DATA | (cfg.epan ? P1.X0 : 0);
}

/**
 * Bit (1 << AccessType) for each access the entry permits at this privilege (stage 1,
 * stage 2, and PSTATE.PAN: `pan` holds the `panBits` in effect, 0 without PAN).
 */
export function allowedMask(e: TlbEntry, privileged: boolean, pan: number, el: number): number {
  const p = e.s1perm;
  const q = e.s2perm;
  let r: boolean, w: boolean, x: boolean;
  if (privileged) {
    r = (p & P1.R1) !== 0;
    w = (p & P1.W1) !== 0;
    x = (p & P1.X1) !== 0;
    if ((p & pan) !== 0) r = w = false;
  } else {
    r = (p & P1.R0) !== 0;
    w = (p & P1.W0) !== 0;
    x = (p & P1.X0) !== 0;
  }
  const mr = (p & (privileged ? P1.R1 : P1.R0)) !== 0;
  r = r && (q & P2.R) !== 0;
  w = w && (q & P2.W) !== 0;
  x = x && (q & (el === 0 ? P2.X0 : P2.X1)) !== 0;
  const m = mr && (q & P2.R) !== 0;
  return (r ? 1 << AccessType.Read : 0) | (w ? 1 << AccessType.Write : 0) | (x ? 1 << AccessType.Fetch : 0) | (m ? 1 << AccessType.Maintenance : 0);
}

/** The permission fault for a denied access: stage 1 when stage 1 denies, else stage 2 (Arm ARM D8.4, D8.5). */
export function permissionFault(e: TlbEntry, cfg: RegimeConfig, va: number, access: AccessType, pan: number): MmuFault {
  if (!stage1Allows(e.s1perm, cfg.privileged, pan, access)) return stage1PermissionFault(cfg, e.s1perm, e.level, access, pan);
  const ipa = e.ipaBase + (va - e.base);
  return new MmuFault('permission', 2, e.s2level, false, ipa, `stage 2 permission fault at level ${e.s2level}: ${accessText(access)} at ${privilegeText(cfg)} to IPA ${hex(ipa)} not permitted (S2AP/XN)`);
}

function accessText(access: AccessType): string {
  return access === AccessType.Fetch ? 'instruction fetch' : access === AccessType.Write ? 'write' : access === AccessType.Maintenance ? 'cache maintenance' : 'read';
}

function privilegeText(cfg: RegimeConfig): string {
  return cfg.privileged ? `EL${cfg.el}` : 'EL0';
}

function stage1PermissionFault(cfg: RegimeConfig, perm: number, level: number, access: AccessType, pan: number): MmuFault {
  const why = (perm & pan) !== 0 && access !== AccessType.Fetch ? ' (PSTATE.PAN=1 and the page is EL0-accessible)' : '';
  return new MmuFault('permission', 1, level, false, undefined, `stage 1 permission fault at level ${level}: ${accessText(access)} at ${privilegeText(cfg)} not permitted by the descriptor${why}`);
}

/** The access a walk is made for, so stage-1 faults can be raised before stage 2 runs. */
export interface AccessCheck {
  access: AccessType;
  /** `panBits` in effect, 0 without PSTATE.PAN. */
  pan: number;
  unaligned: boolean;
  size: number;
}

/** Stage-1 permission for one access type (the stage-1 half of `allowedMask`). */
function stage1Allows(p: number, privileged: boolean, pan: number, access: AccessType): boolean {
  switch (access) {
    case AccessType.Fetch:
      return (p & (privileged ? P1.X1 : P1.X0)) !== 0;
    case AccessType.Write:
      return (p & (privileged ? P1.W1 : P1.W0)) !== 0 && (p & pan) === 0;
    case AccessType.Maintenance:
      return (p & (privileged ? P1.R1 : P1.R0)) !== 0;
    default:
      return (p & (privileged ? P1.R1 : P1.R0)) !== 0 && (p & pan) === 0;
  }
}

/** Stage-1 alignment (Device) and permission checks of a fresh stage-1 result, before its stage 2. */
export function stage1Check(cfg: RegimeConfig, c: AccessCheck, attrs: MemAttrs, perm: number, level: number, va: number): void {
  if (c.unaligned && attrs.kind === 'device' && c.access !== AccessType.Fetch) {
    throw new MmuFault('alignment', 1, -1, false, undefined, `alignment fault: unaligned ${c.size}-byte access to Device memory at ${hex(va)}`);
  }
  if (level >= 0 && !stage1Allows(perm, cfg.privileged, c.pan, c.access)) throw stage1PermissionFault(cfg, perm, level, c.access, c.pan);
}
