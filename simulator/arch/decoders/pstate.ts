/**
 * PSTATE / SPSR_ELx mode field (Arm ARM D1.4 "Process state, PSTATE";
 * C5.2.18 SPSR_EL1 M[4:0]; arch-facts.md §3).
 */

/** AArch64 M[3:0] → mode name (M[4]=0). */
export const AARCH64_MODES: Readonly<Record<number, string>> = {
  0b0000: 'EL0t',
  0b0100: 'EL1t',
  0b0101: 'EL1h',
  0b1000: 'EL2t',
  0b1001: 'EL2h',
  0b1100: 'EL3t',
  0b1101: 'EL3h',
};

/** AArch32 M[3:0] → mode name (M[4]=1). */
export const AARCH32_MODES: Readonly<Record<number, string>> = {
  0x0: 'User', 0x1: 'FIQ', 0x2: 'IRQ', 0x3: 'Supervisor', 0x6: 'Monitor', 0x7: 'Abort', 0xa: 'Hyp', 0xb: 'Undefined', 0xf: 'System',
};

export interface PstateMode {
  aarch32: boolean;
  /** Exception level (AArch64 modes only). */
  el?: 0 | 1 | 2 | 3;
  /** SP selection: 'h' uses SP_ELx, 't' uses SP_EL0 (AArch64 only). */
  sp?: 't' | 'h';
  name: string;
  /** False for reserved encodings (an ERET to them is an illegal exception return). */
  valid: boolean;
}

/** Decode SPSR.M[4:0]. */
export function decodeMode(m: number): PstateMode {
  const low = m & 0xf;
  if (m & 0x10) {
    const name = AARCH32_MODES[low];
    return { aarch32: true, name: name ?? 'Reserved (AArch32)', valid: name !== undefined };
  }
  const name = AARCH64_MODES[low];
  if (!name) return { aarch32: false, name: 'Reserved', valid: false };
  return { aarch32: false, el: (low >> 2) as 0 | 1 | 2 | 3, sp: low & 1 ? 'h' : 't', name, valid: true };
}

/** The M[3:0] encoding of an AArch64 mode name (`EL2h` → 0b1001), case-insensitive. */
export function modeEncoding(name: string): number | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of Object.entries(AARCH64_MODES)) if (v.toLowerCase() === n) return Number(k);
  return undefined;
}

/** DAIFSet/DAIFClr immediate bits (Arm ARM C5.2.x): D=8 A=4 I=2 F=1. */
export const DAIF_IMMEDIATE = { D: 8, A: 4, I: 2, F: 1 } as const;
