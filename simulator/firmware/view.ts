/**
 * The built-in firmware's state as plain view data for front ends (the
 * debugger's FF-A scope, reports): the endpoint on each PE with its FF-A calls
 * in progress, the partitions with their vCPUs, and the memory transactions
 * by handle. Also where a PE runs, in the words firmware engineers use
 * (`S-EL1 optee`, `NS-EL1`, `EL3`).
 *
 * Read-only. FF-A v1.1 (DEN0077A): §4.10 partition runtime models (vCPU
 * states), §10 memory management (transactions, handles, constituents).
 */
import { decodeFfaMemoryAttributes } from '../arch/index';
import { isSecure } from '../mmu/regime';
import type { Pe } from '../pe/pe';
import type { Firmware } from './firmware';
import { endpointOn, type EndpointOnPe } from './query';
import type { CallFrame } from './state';

/**
 * `EL3`, `S-EL2`, `NS-EL1`… : the Security state of `el` (Arm ARM D1.2
 * "Security state": EL3 is always Secure — it is named without a prefix —
 * below it SCR_EL3.NS decides).
 */
export function worldEl(pe: Pe, el: number = pe.el): string {
  if (el === 3) return 'EL3';
  return `${isSecure(pe, el) ? 'S' : 'NS'}-EL${el}`;
}

/** Where PE `pe` runs now: `S-EL1 optee`, `NS-EL1`, `S-EL2` (the partition's name when the firmware runs one). */
export function runsAt(pe: Pe, fw: Firmware | undefined): string {
  const partition = fw ? endpointOn(fw, pe.id).partition : undefined;
  return partition !== undefined ? `${worldEl(pe)} ${partition}` : worldEl(pe);
}

/** An FF-A call in progress on a PE, as the firmware's call chain records it. */
export type FfaCallInProgress = Pick<CallFrame, 'name' | 'caller' | 'callee' | 'secure' | 'el' | 'step' | 'line' | 'args'>;

export interface PartitionView {
  name: string;
  id: number;
  el: number;
  uuid: string;
  entry: number;
  /** `1.1` */
  version: string;
  vcpus: { state: string; pe: number; pendingVirq: number[]; activeVirq: number[] }[];
  memory: { base: number; size: number }[];
  rxtx?: { tx: number; rx: number; pages: number; rxFull: boolean };
  /** Root of the partition's stage-2 tables, when the SPMC built them. */
  s2Root?: number;
}

export interface TransactionView {
  handle: string;
  type: string;
  sender: number;
  /** The memory region attributes word and its meaning (FF-A v1.1 §10.10.4, Table 10.18). */
  attributes: number;
  attributesText: string;
  flags: number;
  receivers: { id: number; permissions: number; retrieved: number }[];
  constituents: { address: number; pages: number }[];
}

export interface FfaStateView {
  endpoints: { pe: number; endpoint: EndpointOnPe; calls: FfaCallInProgress[] }[];
  partitions: PartitionView[];
  transactions: TransactionView[];
}

export function ffaStateView(fw: Firmware, peCount: number): FfaStateView {
  const endpoints = Array.from({ length: peCount }, (_, pe) => ({
    pe,
    endpoint: endpointOn(fw, pe),
    calls: (fw.st.pes[pe]?.chain ?? []).map((f) => ({ name: f.name, caller: f.caller, callee: f.callee, secure: f.secure, el: f.el, step: f.step, line: f.line, args: f.args.slice() })),
  }));
  const partitions = fw.cfg.partitions.map((decl, i): PartitionView => {
    const st = fw.st.partitions[i];
    const root = st.s2?.root;
    return {
      name: decl.name,
      id: decl.id,
      el: decl.el,
      uuid: decl.uuidText,
      entry: decl.entry,
      version: `${st.version >> 16}.${st.version & 0xffff}`,
      vcpus: st.vcpus.map((v) => ({ state: v.state, pe: v.pe, pendingVirq: v.pendingVirq.slice(), activeVirq: v.activeVirq.slice() })),
      memory: decl.memory.map((m) => ({ base: m.base, size: m.size })),
      ...(st.rxtx ? { rxtx: { ...st.rxtx } } : {}),
      ...(root !== undefined ? { s2Root: root } : {}),
    };
  });
  const transactions = fw.st.shares.map((t): TransactionView => {
    const a = decodeFfaMemoryAttributes(t.attributes);
    return {
      handle: t.handle,
      type: t.type,
      sender: t.sender,
      attributes: t.attributes,
      attributesText: `${a.type} ${a.cacheability} ${a.shareability}`,
      flags: t.flags,
      receivers: t.receivers.map((r) => ({ ...r })),
      constituents: t.constituents.map((c) => ({ ...c })),
    };
  });
  return { endpoints, partitions, transactions };
}
