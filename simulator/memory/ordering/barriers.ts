/**
 * DMB and DSB options (Arm ARM C6.2.83 DMB and DSB: the CRm field; their names are the
 * instruction table's, `BARRIER_OPTIONS` in isa/system.ts) as
 * the orderings of the memory model: the access types a barrier orders
 * (CRm[1:0]: 0b11 all, 0b10 stores after stores — ST, 0b01 loads before
 * anything — LD) and its shareability domain (CRm[3:2]: 0b11 full system,
 * 0b10 Inner Shareable, 0b01 Non-shareable, 0b00 Outer Shareable).
 *
 * For explicit memory accesses a DSB orders at least what the DMB with the
 * same option does (B2.3 "DSB-ordered-before" contains the DMB cases), which
 * is all the model of accesses needs; its completion of TLB and cache
 * maintenance is not part of these views.
 */
import type { BarrierOrder } from './local';

export type BarrierDomain = 'sy' | 'ish' | 'nsh' | 'osh';

export interface BarrierOption {
  domain: BarrierDomain;
  order: BarrierOrder;
}

const ALL: BarrierOrder = { rr: true, rw: true, wr: true, ww: true };
const LD: BarrierOrder = { rr: true, rw: true, wr: false, ww: false };
const ST: BarrierOrder = { rr: false, rw: false, wr: false, ww: true };
const DOMAINS: readonly BarrierDomain[] = ['osh', 'nsh', 'ish', 'sy'];

/**
 * The option with CRm `crm` (0..15). CRm[1:0] = 0b00 encodes no DMB option
 * (those CRm values are SSBB, PSSBB and reserved forms handled by the
 * instruction table), so they are undefined here.
 */
export function barrierOption(crm: number): BarrierOption | undefined {
  const type = crm & 3;
  if (type === 0) return undefined;
  const domain = DOMAINS[(crm >> 2) & 3];
  const order = type === 3 ? ALL : type === 2 ? ST : LD;
  return { domain, order };
}

/**
 * Whether a barrier of `domain` executed by a PE orders its accesses for
 * *every* observer of the machine: the model's one message list is one
 * order for all observers (other-multi-copy atomicity), so a barrier can be
 * given its ordering only when its domain contains every PE (Arm ARM B2.3.12
 * "Memory barriers": a DMB orders accesses only as observed by the observers
 * in its shareability domain). Otherwise it
 * orders nothing, which keeps every behaviour the architecture allows
 * possible (observers outside the domain may see the accesses in any order)
 * at the price of allowing reorderings that observers inside it cannot see.
 *
 * `pes`: the PEs of the machine; `innerDomain`: the PEs of the barrier's
 * PE's Inner Shareable domain. The Outer Shareable domain and the full
 * system contain every PE here (one outer domain per machine); the
 * Non-shareable domain is the PE alone. herd7 puts every thread in one Inner
 * Shareable domain and gives NSH barriers the same ordering as the others
 * (aarch64fences.cat), so with more than one PE an NSH barrier is where the
 * two differ.
 */
export function ordersEveryObserver(domain: BarrierDomain, pes: number, innerDomain: readonly number[]): boolean {
  switch (domain) {
    case 'sy':
    case 'osh':
      return true;
    case 'ish':
      return new Set(innerDomain).size >= pes;
    case 'nsh':
      return pes === 1;
  }
}
