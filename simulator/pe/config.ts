/**
 * Control bits the system model consults on hot or warm paths, kept as
 * 32-bit halves on the PE (`hcrLo/hcrHi/scrLo`) and refreshed only when a
 * system register was written (`pe.sysregGen` moved). Bit positions: Arm ARM
 * D24.2 (HCR_EL2, SCR_EL3, SCTLR_EL1); also ../shared/reference/arch-facts.md §3.
 */
import type { Pe } from './pe';

/** HCR_EL2, low word. */
export const HCR = {
  VM: 1 << 0,
  FMO: 1 << 3,
  IMO: 1 << 4,
  AMO: 1 << 5,
  VF: 1 << 6,
  VI: 1 << 7,
  VSE: 1 << 8,
  FB: 1 << 9,
  DC: 1 << 12,
  TWI: 1 << 13,
  TWE: 1 << 14,
  TID3: 1 << 18,
  TIDCP: 1 << 20,
  TACR: 1 << 21,
  TSC: 1 << 19,
  TSW: 1 << 22,
  TVM: 1 << 26,
  TGE: 1 << 27,
  TRVM: 1 << 30,
} as const;
/** HCR_EL2, high word (bit 32+n is 1 << n). */
export const HCR_HI = {
  E2H: 1 << 2,
} as const;

/** SCR_EL3 (low word). */
export const SCR = {
  NS: 1 << 0,
  IRQ: 1 << 1,
  FIQ: 1 << 2,
  EA: 1 << 3,
  SMD: 1 << 7,
  HCE: 1 << 8,
  RW: 1 << 10,
  TWI: 1 << 12,
  TWE: 1 << 13,
  EEL2: 1 << 18,
} as const;

/** SCTLR_EL1 bits that control EL0 (Arm ARM D24.2.160). */
export const SCTLR = {
  UMA: 1 << 9,
  DZE: 1 << 14,
  UCT: 1 << 15,
  nTWI: 1 << 16,
  nTWE: 1 << 18,
  UCI: 1 << 26,
} as const;

/** Refresh the PE's hot copies of HCR_EL2/SCR_EL3 if any system register changed since the last refresh. */
export function refreshConfig(pe: Pe): void {
  if (pe.configGen === pe.sysregGen) return;
  const hcr = pe.sysregs.get('HCR_EL2') ?? 0n;
  pe.hcrLo = Number(hcr & 0xffffffffn) | 0;
  pe.hcrHi = Number((hcr >> 32n) & 0xffffffffn) | 0;
  const scr = pe.sysregs.get('SCR_EL3') ?? 0n;
  pe.scrLo = Number(scr & 0xffffffffn) | 0;
  pe.configGen = pe.sysregGen;
}

/**
 * Current Security state (Arm ARM D1.2 "Security state"): EL3 is always
 * Secure; below EL3 it is SCR_EL3.NS, or fixed by the implementation when EL3
 * is not implemented. Call refreshConfig first.
 */
export function isSecure(pe: Pe): boolean {
  if (!pe.hasEl3) return pe.secureWithoutEl3;
  return pe.el === 3 || (pe.scrLo & SCR.NS) === 0;
}

/**
 * EL2 is enabled in the current Security state (Arm ARM D1.2, EL2Enabled()):
 * implemented, and either Non-secure or Secure with SCR_EL3.EEL2=1.
 */
export function el2Enabled(pe: Pe): boolean {
  if (!pe.hasEl2) return false;
  if (!pe.hasEl3) return true;
  return (pe.scrLo & SCR.NS) !== 0 || (pe.scrLo & SCR.EEL2) !== 0;
}

/** HCR_EL2.E2H in effect (EL2 enabled and E2H set). */
export function e2h(pe: Pe): boolean {
  return (pe.hcrHi & HCR_HI.E2H) !== 0 && el2Enabled(pe);
}

/** HCR_EL2.TGE in effect (EL2 enabled and TGE set). */
export function tge(pe: Pe): boolean {
  return (pe.hcrLo & HCR.TGE) !== 0 && el2Enabled(pe);
}

/** The EL an exception from EL0/EL1 that would target EL1 goes to: EL2 when HCR_EL2.TGE=1 from EL0 (Arm ARM D1.3.1). */
export function defaultSyncTarget(pe: Pe): number {
  if (pe.el === 0) return tge(pe) ? 2 : 1;
  return pe.el;
}

/** Read a system register's low 32 bits from raw storage (warm paths only). */
export function sysregLo(pe: Pe, name: string): number {
  const v = pe.sysregs.get(name);
  return v === undefined ? 0 : Number(v & 0xffffffffn) | 0;
}
