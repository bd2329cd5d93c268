/**
 * FF-A results as the firmware returns them in x0–x7 (Arm FF-A v1.1 §7
 * "Function IDs and return values"): FFA_SUCCESS(args…), FFA_ERROR(code),
 * and what a handler decides a call does (`Outcome`).
 */
import { ffaFid } from '../arch/index';
import type { EndpointRef, VcpuState } from './state';

/** How a call reached the firmware: an SMC taken to EL3, an SMC trapped to the SPMC (HCR_EL2.TSC), an HVC, an SVC from S-EL0. */
export type Via = 'el3' | 'smc-trap' | 'hvc' | 'svc';

/** Result of an FF-A call. */
export type Outcome =
  | { kind: 'return'; regs: bigint[] }
  /** Save the caller (new state for an SP caller) and enter `to` with `regs` (undefined: resume it as it was). */
  | { kind: 'switch'; callerState?: VcpuState['state']; to: EndpointRef; regs?: bigint[] };

export const FFA_SUCCESS = BigInt(ffaFid('SUCCESS', 32));
export const FFA_ERROR = BigInt(ffaFid('ERROR', 32));
export const FFA_INTERRUPT = BigInt(ffaFid('INTERRUPT', 32));
export const FFA_MSG_WAIT = BigInt(ffaFid('MSG_WAIT', 32));
export const FFA_YIELD = BigInt(ffaFid('YIELD', 32));

/** FFA_ERROR(code) results. */
export function ffaError(code: number): bigint[] {
  return [FFA_ERROR, 0n, BigInt(code >>> 0), 0n, 0n, 0n, 0n, 0n];
}
export function ffaSuccess(...vals: (bigint | number)[]): bigint[] {
  const r = [FFA_SUCCESS, 0n, 0n, 0n, 0n, 0n, 0n, 0n];
  vals.forEach((v, i) => (r[i + 2] = BigInt(v)));
  return r;
}

/** x0–x7 of a result (missing registers are 0). */
export function pad8(regs: bigint[]): bigint[] {
  const out = regs.slice(0, 8);
  while (out.length < 8) out.push(0n);
  return out;
}
