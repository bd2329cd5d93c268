/**
 * Control bits the system model consults on hot or warm paths, kept as
 * 32-bit halves on the PE (`hcrLo/hcrHi/scrLo`) and refreshed only when a
 * system register was written (`pe.sysregGen` moved). Test fields with the
 * register table's accessors on the halves: `(pe.hcrLo & HCR_EL2.TGE.lo) !== 0`,
 * `(pe.hcrHi & HCR_EL2.E2H.hi) !== 0` (simulator/arch/registers/fields.ts).
 */
import { HCR_EL2, SCR_EL3 } from '../arch/registers/fields';
import type { Pe } from './pe';

/** Refresh the PE's hot copies of HCR_EL2/SCR_EL3 if any system register changed since the last refresh. */
export function refreshConfig(pe: Pe): void {
  if (pe.configGen === pe.sysregGen) return;
  const hcr = pe.sysregs.get('HCR_EL2') ?? 0n;
  pe.hcrLo = lowWord(hcr);
  pe.hcrHi = highWord(hcr);
  pe.scrLo = lowWord(pe.sysregs.get('SCR_EL3') ?? 0n);
  pe.configGen = pe.sysregGen;
}

/**
 * Current Security state (Arm ARM D1.2 "Security state"): EL3 is always
 * Secure; below EL3 it is SCR_EL3.NS, or fixed by the implementation when EL3
 * is not implemented. Call refreshConfig first.
 */
export function isSecure(pe: Pe): boolean {
  if (!pe.hasEl3) return pe.secureWithoutEl3;
  return pe.el === 3 || (pe.scrLo & SCR_EL3.NS.lo) === 0;
}

/**
 * EL2 is enabled in the current Security state (Arm ARM D1.2, EL2Enabled()):
 * implemented, and either Non-secure or Secure with SCR_EL3.EEL2=1.
 */
export function el2Enabled(pe: Pe): boolean {
  if (!pe.hasEl2) return false;
  if (!pe.hasEl3) return true;
  return (pe.scrLo & SCR_EL3.NS.lo) !== 0 || (pe.scrLo & SCR_EL3.EEL2.lo) !== 0;
}

/** HCR_EL2.E2H in effect (EL2 enabled and E2H set). */
export function e2h(pe: Pe): boolean {
  return (pe.hcrHi & HCR_EL2.E2H.hi) !== 0 && el2Enabled(pe);
}

/** HCR_EL2.TGE in effect (EL2 enabled and TGE set). */
export function tge(pe: Pe): boolean {
  return (pe.hcrLo & HCR_EL2.TGE.lo) !== 0 && el2Enabled(pe);
}

/** The EL an exception from EL0/EL1 that would target EL1 goes to: EL2 when HCR_EL2.TGE=1 from EL0 (Arm ARM D1.3.1). */
export function defaultSyncTarget(pe: Pe): number {
  if (pe.el === 0) return tge(pe) ? 2 : 1;
  return pe.el;
}

/** Read a system register's low 32 bits from raw storage (warm paths only). */
export function sysregLo(pe: Pe, name: string): number {
  const v = pe.sysregs.get(name);
  return v === undefined ? 0 : lowWord(v);
}

/** Bits [31:0] of a 64-bit register value as an int32 (the form the word masks `.lo` test). */
export function lowWord(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** Bits [63:32] of a 64-bit register value as an int32 (the form the word masks `.hi` test). */
export function highWord(v: bigint): number {
  return Number(BigInt.asIntN(32, v >> 32n));
}
