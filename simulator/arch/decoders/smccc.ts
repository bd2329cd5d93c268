/**
 * SMC Calling Convention function identifiers (Arm DEN 0028 "SMC Calling
 * Convention" §2.5 "Function Identifier"), with the names of the Arm
 * architecture calls, PSCI (DEN 0022) and FF-A (DEN 0077) functions.
 * FFA_FUNCTIONS is THE table of FF-A function IDs: firmware models use it.
 * arch-facts.md §1.
 */
import { hex } from '../../util/hex';

/** SMCCC owning entity numbers, FID[29:24] (DEN 0028 Table 2-1). */
export const OWNING_ENTITIES: Readonly<Record<number, string>> = {
  0: 'Arm Architecture Calls',
  1: 'CPU Service Calls',
  2: 'SiP Service Calls',
  3: 'OEM Service Calls',
  4: 'Standard Secure Service Calls',
  5: 'Standard Hypervisor Service Calls',
  6: 'Vendor Specific Hypervisor Service Calls',
  7: 'Vendor Specific EL3 Monitor Calls',
};

function oenName(oen: number): string {
  if (OWNING_ENTITIES[oen]) return OWNING_ENTITIES[oen];
  if (oen >= 48 && oen <= 49) return 'Trusted Application Calls';
  if (oen >= 50) return 'Trusted OS Calls';
  return 'Reserved';
}

/** Which calling widths define a function: SMC32 only, SMC64 only, or both. */
export type CallWidth = '32' | '64' | 'b';

/**
 * FF-A functions: [name without prefix, function number, widths] — widths from
 * Hafnium inc/vmapi/hf/ffa.h; the TF-A-only widths (ERROR/64, NOTIFICATION_INFO_GET/32)
 * are included because TF-A's SPMD accepts them.
 */
const FFA_TABLE = [
  ['ERROR', 0x60, 'b'],
  ['SUCCESS', 0x61, 'b'],
  ['INTERRUPT', 0x62, '32'],
  ['VERSION', 0x63, '32'],
  ['FEATURES', 0x64, '32'],
  ['RX_RELEASE', 0x65, '32'],
  ['RXTX_MAP', 0x66, 'b'],
  ['RXTX_UNMAP', 0x67, '32'],
  ['PARTITION_INFO_GET', 0x68, '32'],
  ['ID_GET', 0x69, '32'],
  ['MSG_POLL', 0x6a, '32'],
  ['MSG_WAIT', 0x6b, '32'],
  ['YIELD', 0x6c, '32'],
  ['RUN', 0x6d, '32'],
  ['MSG_SEND', 0x6e, '32'],
  ['MSG_SEND_DIRECT_REQ', 0x6f, 'b'],
  ['MSG_SEND_DIRECT_RESP', 0x70, 'b'],
  ['MEM_DONATE', 0x71, 'b'],
  ['MEM_LEND', 0x72, 'b'],
  ['MEM_SHARE', 0x73, 'b'],
  ['MEM_RETRIEVE_REQ', 0x74, 'b'],
  ['MEM_RETRIEVE_RESP', 0x75, '32'],
  ['MEM_RELINQUISH', 0x76, '32'],
  ['MEM_RECLAIM', 0x77, '32'],
  ['MEM_FRAG_RX', 0x7a, '32'],
  ['MEM_FRAG_TX', 0x7b, '32'],
  ['NORMAL_WORLD_RESUME', 0x7c, '32'],
  ['NOTIFICATION_BITMAP_CREATE', 0x7d, '32'],
  ['NOTIFICATION_BITMAP_DESTROY', 0x7e, '32'],
  ['NOTIFICATION_BIND', 0x7f, '32'],
  ['NOTIFICATION_UNBIND', 0x80, '32'],
  ['NOTIFICATION_SET', 0x81, '32'],
  ['NOTIFICATION_GET', 0x82, '32'],
  ['NOTIFICATION_INFO_GET', 0x83, 'b'],
  ['RX_ACQUIRE', 0x84, '32'],
  ['SPM_ID_GET', 0x85, '32'],
  ['MSG_SEND2', 0x86, '32'],
  ['SECONDARY_EP_REGISTER', 0x87, '64'],
  ['MEM_PERM_GET', 0x88, 'b'],
  ['MEM_PERM_SET', 0x89, 'b'],
  ['CONSOLE_LOG', 0x8a, 'b'],
  ['PARTITION_INFO_GET_REGS', 0x8b, '64'],
  ['EL3_INTR_HANDLE', 0x8c, '32'],
  ['MSG_SEND_DIRECT_REQ2', 0x8d, '64'],
  ['MSG_SEND_DIRECT_RESP2', 0x8e, '64'],
  ['NS_RES_INFO_GET', 0x8f, '64'],
  ['ABORT', 0x90, 'b'],
  ['NOTIFICATION_BIND2', 0x94, '64'],
  ['NOTIFICATION_UNBIND2', 0x95, '64'],
  ['NOTIFICATION_SET2', 0x96, '64'],
  ['NOTIFICATION_GET2', 0x97, '64'],
] as const;

/** An FF-A function name without the `FFA_` prefix and width suffix, e.g. `MEM_SHARE`. */
export type FfaFunctionName = (typeof FFA_TABLE)[number][0];

export interface FfaFunction {
  /** Base name with prefix, e.g. `FFA_MEM_SHARE`. */
  name: string;
  /** Function number, FID[15:0]. */
  number: number;
  widths: CallWidth;
  /** SMC32 FID (0x8400_00NN) when defined. */
  fid32?: number;
  /** SMC64 FID (0xC400_00NN) when defined. */
  fid64?: number;
  /** Legacy (FF-A v1.0 only, removed later): MSG_POLL, MSG_SEND. */
  legacy?: boolean;
}

const SMC32_FAST = 0x8400_0000;
const SMC64_FAST = 0xc400_0000;

export const FFA_FUNCTIONS: readonly FfaFunction[] = FFA_TABLE.map(([n, num, w]) => {
  const fn: FfaFunction = { name: `FFA_${n}`, number: num, widths: w };
  if (w !== '64') fn.fid32 = (SMC32_FAST | num) >>> 0;
  if (w !== '32') fn.fid64 = (SMC64_FAST | num) >>> 0;
  if (n === 'MSG_POLL' || n === 'MSG_SEND') fn.legacy = true;
  return fn;
});

/** The FID of an FF-A function: `ffaFid('MEM_SHARE', 64)` → 0xC400_0073. Throws for a width the function does not define. */
export function ffaFid(name: FfaFunctionName, width: 32 | 64 = 32): number {
  const fn = FFA_FUNCTIONS.find((x) => x.name === `FFA_${name}`)!;
  const fid = width === 64 ? fn.fid64 : fn.fid32;
  if (fid === undefined) throw new Error(`FFA_${name} has no SMC${width} form`);
  return fid;
}

/** PSCI functions (DEN 0022): [name, number, widths]. */
const PSCI_TABLE: readonly (readonly [string, number, CallWidth])[] = [
  ['PSCI_VERSION', 0x00, '32'],
  ['CPU_SUSPEND', 0x01, 'b'],
  ['CPU_OFF', 0x02, '32'],
  ['CPU_ON', 0x03, 'b'],
  ['AFFINITY_INFO', 0x04, 'b'],
  ['MIGRATE', 0x05, 'b'],
  ['MIGRATE_INFO_TYPE', 0x06, '32'],
  ['MIGRATE_INFO_UP_CPU', 0x07, 'b'],
  ['SYSTEM_OFF', 0x08, '32'],
  ['SYSTEM_RESET', 0x09, '32'],
  ['PSCI_FEATURES', 0x0a, '32'],
  ['CPU_FREEZE', 0x0b, '32'],
  ['CPU_DEFAULT_SUSPEND', 0x0c, 'b'],
  ['NODE_HW_STATE', 0x0d, 'b'],
  ['SYSTEM_SUSPEND', 0x0e, 'b'],
  ['PSCI_SET_SUSPEND_MODE', 0x0f, '32'],
  ['PSCI_STAT_RESIDENCY', 0x10, 'b'],
  ['PSCI_STAT_COUNT', 0x11, 'b'],
  ['SYSTEM_RESET2', 0x12, 'b'],
  ['MEM_PROTECT', 0x13, '32'],
  ['MEM_PROTECT_CHECK_RANGE', 0x14, 'b'],
  ['SYSTEM_OFF2', 0x15, 'b'],
];

/** Arm Architecture Calls (OEN 0, DEN 0028 §7). */
const ARM_ARCH_CALLS: Readonly<Record<number, string>> = {
  0x0000: 'SMCCC_VERSION',
  0x0001: 'SMCCC_ARCH_FEATURES',
  0x0002: 'SMCCC_ARCH_SOC_ID',
  0x3fff: 'SMCCC_ARCH_WORKAROUND_3',
  0x7fff: 'SMCCC_ARCH_WORKAROUND_2',
  0x8000: 'SMCCC_ARCH_WORKAROUND_1',
};

export interface DecodedFunctionId {
  fid: number;
  /** FID[31]: 1 = Fast Call, 0 = Yielding Call. */
  fast: boolean;
  callType: 'fast' | 'yielding';
  /** FID[30]: SMC64/HVC64 calling convention. */
  smc64: boolean;
  convention: 'SMC32' | 'SMC64';
  /** Owning Entity Number, FID[29:24]. */
  oen: number;
  oenName: string;
  /** FID[16]: SVE live state hint (SMCCC v1.3). */
  sveHint: boolean;
  /** FID[23:17] must be zero for fast calls. */
  mbzViolation: boolean;
  /** Function number, FID[15:0]. */
  functionNumber: number;
  /** Architectural name with width suffix for FF-A (`FFA_MEM_SHARE_32`), plain for PSCI (`CPU_ON`) when known. */
  name?: string;
  /** Service family. */
  service?: 'ffa' | 'psci' | 'arm-arch';
  ffa?: FfaFunction;
  /** The width is not defined for this function (e.g. FFA_VERSION with SMC64). */
  widthUndefined?: boolean;
  /** One-line summary. */
  summary: string;
}

/** Decode an SMCCC function identifier (w0 of SMC/HVC). */
export function decodeFunctionId(w0: number): DecodedFunctionId {
  const fid = w0 >>> 0;
  const fast = (fid & 0x8000_0000) !== 0;
  const smc64 = (fid & 0x4000_0000) !== 0;
  const oen = (fid >>> 24) & 0x3f;
  const functionNumber = fid & 0xffff;
  const d: DecodedFunctionId = {
    fid,
    fast,
    callType: fast ? 'fast' : 'yielding',
    smc64,
    convention: smc64 ? 'SMC64' : 'SMC32',
    oen,
    oenName: oenName(oen),
    sveHint: (fid & 0x1_0000) !== 0,
    mbzViolation: fast && ((fid >>> 17) & 0x7f) !== 0,
    functionNumber,
    summary: '',
  };
  const clean = fast && !d.mbzViolation;
  const width = smc64 ? '64' : '32';
  const allows = (w: CallWidth) => w === 'b' || w === width;
  if (clean && oen === 4) {
    if (functionNumber >= 0x60 && functionNumber <= 0xef) {
      const fn = FFA_FUNCTIONS.find((x) => x.number === functionNumber);
      if (fn) {
        d.service = 'ffa';
        d.ffa = fn;
        d.name = `${fn.name}_${width}`;
        if (!allows(fn.widths)) d.widthUndefined = true;
      }
    } else if (functionNumber <= 0x1f) {
      const p = PSCI_TABLE.find((x) => x[1] === functionNumber);
      if (p) {
        d.service = 'psci';
        d.name = smc64 ? `${p[0]}_64` : p[0];
        if (!allows(p[2])) d.widthUndefined = true;
      }
    }
  } else if (clean && oen === 0 && !smc64) {
    const n = ARM_ARCH_CALLS[functionNumber];
    if (n) {
      d.service = 'arm-arch';
      d.name = n;
    }
  }
  const bits = [`${d.callType === 'fast' ? 'Fast' : 'Yielding'} ${d.convention}`, `OEN ${oen} (${d.oenName})`, `function ${hex(functionNumber)}`];
  if (d.sveHint) bits.push('SVE state not live');
  if (d.mbzViolation) bits.push('FID[23:17] not zero');
  d.summary = `${d.name ?? 'Unknown function'}${d.widthUndefined ? ' (not defined for ' + d.convention + ')' : ''}: ${bits.join(', ')}`;
  return d;
}

/** FID of a PSCI function by name (`CPU_ON`, 64 → 0xC400_0003). */
export function psciFid(name: string, width: 32 | 64 = 32): number | undefined {
  const p = PSCI_TABLE.find((x) => x[0] === name);
  if (!p) return undefined;
  if (p[2] !== 'b' && p[2] !== String(width)) return undefined;
  return ((width === 64 ? SMC64_FAST : SMC32_FAST) | p[1]) >>> 0;
}

/** SMCCC_VERSION FID and the NOT_SUPPORTED return value (DEN 0028 §7.1, §5.2). */
export const SMCCC_VERSION = 0x8000_0000;
export const SMCCC_NOT_SUPPORTED = -1;

/** PSCI return codes (DEN 0022 §5.2.2). */
export const PSCI_RETURN: Readonly<Record<number, string>> = {
  0: 'SUCCESS',
  [-1]: 'NOT_SUPPORTED',
  [-2]: 'INVALID_PARAMETERS',
  [-3]: 'DENIED',
  [-4]: 'ALREADY_ON',
  [-5]: 'ON_PENDING',
  [-6]: 'INTERNAL_FAILURE',
  [-7]: 'NOT_PRESENT',
  [-8]: 'DISABLED',
  [-9]: 'INVALID_ADDRESS',
};

/** All PSCI functions as data: name, number and the FIDs each width defines. */
export const PSCI_FUNCTIONS: readonly { name: string; number: number; fid32?: number; fid64?: number }[] = PSCI_TABLE.map(([name, num, w]) => {
  const out: { name: string; number: number; fid32?: number; fid64?: number } = { name, number: num };
  if (w !== '64') out.fid32 = (SMC32_FAST | num) >>> 0;
  if (w !== '32') out.fid64 = (SMC64_FAST | num) >>> 0;
  return out;
});
