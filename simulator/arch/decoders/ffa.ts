/**
 * FF-A data encodings (Arm DEN 0077 "Arm Firmware Framework for Arm A-profile"):
 * error codes (§11.2 "Status reporting"), memory region attributes (§10.10),
 * access permissions (§10.11), memory transaction flags (§10.11.x), endpoint IDs.
 * arch-facts.md §1.
 */
import { hex } from '../../util/hex';

/** FF-A error codes (FFA_ERROR w2, signed 32-bit). */
export const FFA_ERRORS: Readonly<Record<number, string>> = {
  [-1]: 'FFA_NOT_SUPPORTED',
  [-2]: 'FFA_INVALID_PARAMETERS',
  [-3]: 'FFA_NO_MEMORY',
  [-4]: 'FFA_BUSY',
  [-5]: 'FFA_INTERRUPTED',
  [-6]: 'FFA_DENIED',
  [-7]: 'FFA_RETRY',
  [-8]: 'FFA_ABORTED',
  [-9]: 'FFA_NO_DATA',
  [-10]: 'FFA_NOT_READY',
};

/** Error code constants (negative numbers, as in the spec). */
export const FfaError = {
  NOT_SUPPORTED: -1,
  INVALID_PARAMETERS: -2,
  NO_MEMORY: -3,
  BUSY: -4,
  INTERRUPTED: -5,
  DENIED: -6,
  RETRY: -7,
  ABORTED: -8,
  NO_DATA: -9,
  NOT_READY: -10,
} as const;

/** Name of an FF-A error code given as the signed value or the zero-extended w2 (0xFFFF_FFFF → FFA_NOT_SUPPORTED). */
export function ffaErrorName(code: number | bigint): string | undefined {
  const n = Number(BigInt.asIntN(32, BigInt(code)));
  return FFA_ERRORS[n];
}

export type FfaShareability = 'non-shareable' | 'reserved' | 'outer' | 'inner';

export interface FfaMemoryAttributes {
  value: number;
  type: 'not-specified' | 'device' | 'normal' | 'reserved';
  /** Normal: 'non-cacheable' | 'write-back' | 'reserved'; Device: 'nGnRnE' | 'nGnRE' | 'nGRE' | 'GRE'. */
  cacheability: string;
  shareability: FfaShareability;
  /** Bit 6: NS (set only in a retrieve response). */
  ns: boolean;
  /** Bits [15:7] must be zero. */
  mbzViolation: boolean;
  text: string;
}

/** Decode the FF-A memory region attributes field (u16 in v1.1+, u8 in v1.0). */
export function decodeFfaMemoryAttributes(v: number): FfaMemoryAttributes {
  const sh = v & 3;
  const cache = (v >> 2) & 3;
  const typ = (v >> 4) & 3;
  const shareability = (['non-shareable', 'reserved', 'outer', 'inner'] as const)[sh];
  const type = (['not-specified', 'device', 'normal', 'reserved'] as const)[typ];
  let cacheability: string;
  if (type === 'device') cacheability = ['nGnRnE', 'nGnRE', 'nGRE', 'GRE'][cache];
  else if (type === 'normal') cacheability = ['reserved', 'non-cacheable', 'reserved', 'write-back'][cache];
  else cacheability = 'not-specified';
  const ns = (v & 0x40) !== 0;
  const mbzViolation = (v & 0xff80) !== 0;
  const shText = { 'non-shareable': 'Non-shareable', reserved: 'Reserved shareability', outer: 'Outer Shareable', inner: 'Inner Shareable' }[shareability];
  let text: string;
  if (type === 'device') text = `Device-${cacheability}`;
  else if (type === 'normal') text = `Normal ${cacheability === 'write-back' ? 'Write-Back' : cacheability === 'non-cacheable' ? 'Non-cacheable' : 'reserved cacheability'}, ${shText}`;
  else text = type === 'reserved' ? 'Reserved memory type' : 'Memory type not specified';
  if (ns) text += ', NS';
  if (mbzViolation) text += `, bits [15:7] not zero (${hex(v & 0xff80)})`;
  return { value: v, type, cacheability, shareability, ns, mbzViolation, text };
}

/** Encode FF-A memory region attributes. */
export function encodeFfaMemoryAttributes(a: { type: 'device' | 'normal'; cacheability: string; shareability: FfaShareability; ns?: boolean }): number {
  const typ = a.type === 'device' ? 1 : 2;
  const cache = a.type === 'device' ? ['nGnRnE', 'nGnRE', 'nGRE', 'GRE'].indexOf(a.cacheability) : a.cacheability === 'write-back' ? 3 : 1;
  const sh = { 'non-shareable': 0, reserved: 1, outer: 2, inner: 3 }[a.shareability];
  return (typ << 4) | (Math.max(cache, 0) << 2) | sh | (a.ns ? 0x40 : 0);
}

export interface FfaPermissions {
  value: number;
  data: 'not-specified' | 'RO' | 'RW' | 'reserved';
  instruction: 'not-specified' | 'NX' | 'X' | 'reserved';
  /** Bits [7:4] must be zero. */
  mbzViolation: boolean;
  text: string;
}

/** Decode the FF-A memory access permissions byte: data [1:0] (1 RO, 2 RW), instruction [3:2] (1 NX, 2 X). */
export function decodeFfaPermissions(v: number): FfaPermissions {
  const data = (['not-specified', 'RO', 'RW', 'reserved'] as const)[v & 3];
  const instruction = (['not-specified', 'NX', 'X', 'reserved'] as const)[(v >> 2) & 3];
  const mbzViolation = (v & 0xf0) !== 0;
  const text = `data ${data}, instruction ${instruction}${mbzViolation ? ', bits [7:4] not zero' : ''}`;
  return { value: v, data, instruction, mbzViolation, text };
}

export function encodeFfaPermissions(p: { data?: 'RO' | 'RW'; instruction?: 'NX' | 'X' }): number {
  const d = p.data === 'RO' ? 1 : p.data === 'RW' ? 2 : 0;
  const i = p.instruction === 'NX' ? 1 : p.instruction === 'X' ? 2 : 0;
  return (i << 2) | d;
}

export interface FfaMemoryFlags {
  value: number;
  zeroMemory: boolean;
  timeSlicing: boolean;
  zeroOnRelinquish: boolean;
  /** Retrieve request only: [4:3] 1 share, 2 lend, 3 donate (0: not specified). */
  transactionType?: 'not-specified' | 'share' | 'lend' | 'donate';
  addressRangeHint?: number;
  addressRangeHintValid?: boolean;
  text: string;
}

/** Decode the memory transaction flags (w/ retrieve-request fields when `retrieve`). */
export function decodeFfaMemoryFlags(v: number, retrieve = false): FfaMemoryFlags {
  const r: FfaMemoryFlags = {
    value: v >>> 0,
    zeroMemory: (v & 1) !== 0,
    timeSlicing: (v & 2) !== 0,
    zeroOnRelinquish: (v & 4) !== 0,
    text: '',
  };
  const parts: string[] = [];
  if (r.zeroMemory) parts.push('zero memory');
  if (r.timeSlicing) parts.push('time slicing');
  if (r.zeroOnRelinquish) parts.push('zero on relinquish');
  if (retrieve) {
    r.transactionType = (['not-specified', 'share', 'lend', 'donate'] as const)[(v >> 3) & 3];
    r.addressRangeHint = (v >> 5) & 0xf;
    r.addressRangeHintValid = (v & 0x200) !== 0;
    parts.push(`transaction ${r.transactionType}`);
    if (r.addressRangeHintValid) parts.push(`address hint ${r.addressRangeHint}`);
  }
  r.text = parts.length ? parts.join(', ') : 'none';
  return r;
}

/** FF-A endpoint IDs: bit 15 set means a secure partition (SP) [Hafnium]. */
export function isSecureEndpoint(id: number): boolean {
  return (id & 0x8000) !== 0;
}

/** Hafnium's well-known IDs. */
export const HAFNIUM_IDS = { HYPERVISOR: 0x0000, SPMC: 0x8000, SPMD: 0xffff } as const;

/** Two 16-bit IDs packed in one register: hi[31:16] | lo[15:0]. */
export function unpackIds(w: number): { hi: number; lo: number } {
  return { hi: (w >>> 16) & 0xffff, lo: w & 0xffff };
}

/** FFA_VERSION encoding: bit 31 MBZ, major [30:16], minor [15:0] (DEN 0077 §13.2). */
export function decodeFfaVersion(w: number): { major: number; minor: number; valid: boolean; text: string } {
  const v = w >>> 0;
  if (v === 0xffff_ffff) return { major: 0, minor: 0, valid: false, text: 'FFA_NOT_SUPPORTED' };
  const major = (v >>> 16) & 0x7fff;
  const minor = v & 0xffff;
  const valid = (v & 0x8000_0000) === 0;
  return { major, minor, valid, text: valid ? `v${major}.${minor}` : 'invalid (bit 31 set)' };
}

export function encodeFfaVersion(major: number, minor: number): number {
  return ((major & 0x7fff) << 16) | (minor & 0xffff);
}

/** FFA_FEATURES feature IDs (w1 < 0x8000_0000): NPI=1, SRI=2, MEI=3 (arch-facts §1). */
export const FFA_FEATURE_IDS = { NPI: 1, SRI: 2, MEI: 3 } as const;

/** Direct-message framework message types in x2[7:0] when x2 bit 31 is set (FF-A v1.1 §18.3; arch-facts §1, Hafnium call.h). */
export const FFA_FRAMEWORK_MESSAGES: Readonly<Record<number, string>> = {
  0: 'PSCI power management request',
  2: 'PSCI power management response',
  4: 'VM created request',
  5: 'VM created response',
  6: 'VM destroyed request',
  7: 'VM destroyed response',
};

/** Decode the direct-message flags in x2: framework (bit 31) or partition message. */
export function decodeDirectMessageFlags(x2: number): { framework: boolean; type?: number; text: string } {
  const v = x2 >>> 0;
  if (!(v & 0x8000_0000)) return { framework: false, text: 'partition message' };
  const type = v & 0xff;
  return { framework: true, type, text: `framework message: ${FFA_FRAMEWORK_MESSAGES[type] ?? `type ${type}`}` };
}
