/**
 * FF-A memory management (FF-A v1.1 §10–11, Hafnium src/ffa_memory.c):
 * MEM_SHARE / LEND / DONATE read the transaction descriptor from the sender's
 * TX buffer in simulated memory; MEM_RETRIEVE_REQ maps the pages into the
 * receiver's stage 2 (an IPA=PA identity map, as Hafnium's
 * ffa_region_group_identity_map) — the descriptor stores go through the
 * memory system with the SPMC's attributes, then the configured barrier —
 * and writes the response descriptor to the receiver's RX buffer;
 * MEM_RELINQUISH unmaps; MEM_RECLAIM ends the transaction.
 *
 * Every rejection returns the FFA_ERROR code Hafnium returns for it.
 */
import { ffaFid, FfaError } from '../arch/index';
import type { Pe } from '../pe/pe';
import {
  ATTR_NS,
  encodeMemoryTransaction,
  PAGE_SIZE,
  parseMemoryTransaction,
  parseRelinquish,
  TRANSACTION_TYPE_CODE,
  type TransactionType,
} from './descriptors';
import { ffaError, ffaSuccess, type Outcome } from './ffa';
import type { Firmware } from './firmware';
import { h64, type EndpointRef, type MemoryShareState } from './state';
import { unmapPages } from './tables';
import { hex } from '../util/hex';

/** Transactions the SPMC tracks at once (Hafnium MAX_MEM_SHARES is larger; the limit makes NO_MEMORY reachable). */
export const MAX_MEM_SHARES = 32;

const MEMORY_CALLS = /^FFA_MEM_(SHARE|LEND|DONATE|RETRIEVE_REQ|RETRIEVE_RESP|RELINQUISH|RECLAIM|FRAG_RX|FRAG_TX)(_32|_64)?$/;

export function isMemoryCall(name: string): boolean {
  return MEMORY_CALLS.test(name);
}

// ---- what the call did, in words (the `ffa-call` event's `detail`) ----

/** `1 page at 0x8810_0000`, `3 pages in 2 ranges from 0x8810_0000`. */
export function pagesText(cs: readonly { address: number; pages: number }[]): string {
  const n = cs.reduce((t, c) => t + c.pages, 0);
  const pages = `${n} page${n === 1 ? '' : 's'}`;
  if (cs.length === 0) return pages;
  return cs.length === 1 ? `${pages} at ${hex(cs[0].address)}` : `${pages} in ${cs.length} ranges from ${hex(cs[0].address)}`;
}

/** Memory access permissions (FF-A v1.1 §10.11.1 Table 10.15): data [1:0] 1 RO, 2 RW; instruction [3:2] 1 XN, 2 X. */
export function permissionsText(data: number, instr: number): string {
  const d = data === 1 ? 'RO' : data === 2 ? 'RW' : 'data unspecified';
  const i = instr === 1 ? 'XN' : instr === 2 ? 'X' : 'instruction unspecified';
  return `${d}, ${i}`;
}

/** Memory region attributes (FF-A v1.1 §10.10.4 Table 10.18): type [5:4], cacheability [3:2], shareability [1:0]. */
export function attributesText(attributes: number): string {
  const type = (attributes >> 4) & 3;
  if (type === 1) return 'Device';
  if (type !== 2) return 'attributes left to the receiver';
  const cache = ['?', 'Non-cacheable', '?', 'WB'][(attributes >> 2) & 3];
  const sh = ['Non-shareable', '?', 'Outer Shareable', 'Inner Shareable'][attributes & 3];
  return `Normal ${cache} ${sh}`;
}

/** The receiver's translation regime the SPMC maps into: an S-EL1 partition's stage 2, an S-EL0 partition's EL2&0 stage 1. */
function regimeText(fw: Firmware, pi: number): string {
  const p = fw.cfg.partitions[pi];
  return `${hex(p.id, 4)}'s ${fw.st.partitions[pi].s2 ? 'stage 2' : 'EL2&0 stage 1'}`;
}

const ret = (regs: bigint[]): Outcome => ({ kind: 'return', regs });
const err = (code: number): Outcome => ret(ffaError(code));

export function handleMemoryCall(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, name: string, a: bigint[]): Outcome {
  const base = name.replace(/_(32|64)$/, '');
  switch (base) {
    case 'FFA_MEM_SHARE':
      return send(fw, pe, caller, callerId, 'share', a);
    case 'FFA_MEM_LEND':
      return send(fw, pe, caller, callerId, 'lend', a);
    case 'FFA_MEM_DONATE':
      return send(fw, pe, caller, callerId, 'donate', a);
    case 'FFA_MEM_RETRIEVE_REQ':
      return retrieve(fw, pe, caller, callerId, a);
    case 'FFA_MEM_RELINQUISH':
      return relinquish(fw, pe, caller, callerId);
    case 'FFA_MEM_RECLAIM':
      return reclaim(fw, pe, caller, callerId, a);
    default:
      // FRAG_RX/FRAG_TX: the SPMC takes whole descriptors only; RETRIEVE_RESP is the SPMC's own answer.
      return err(FfaError.NOT_SUPPORTED);
  }
}

/** Checks shared by send and retrieve-request: w1 total length, w2 fragment length, w3 address (0: TX buffer), w4 page count. */
function readTx(fw: Firmware, pe: Pe, caller: EndpointRef, a: bigint[]): { ok: true; bytes: Uint8Array; total: number } | { ok: false; out: Outcome } {
  const total = Number(a[1] & 0xffffffffn);
  const frag = Number(a[2] & 0xffffffffn);
  if (a[3] !== 0n || (a[4] & 0xffffffffn) !== 0n) return { ok: false, out: err(FfaError.INVALID_PARAMETERS) };
  const buf = fw.rxtxOf(caller).get();
  if (!buf) return { ok: false, out: err(FfaError.INVALID_PARAMETERS) };
  if (frag > total || total === 0 || total > buf.pages * PAGE_SIZE) return { ok: false, out: err(FfaError.INVALID_PARAMETERS) };
  // Fragmented transactions (FFA_MEM_FRAG_TX) are not supported by this SPMC.
  if (frag !== total) return { ok: false, out: err(FfaError.NOT_SUPPORTED) };
  return { ok: true, bytes: fw.readBytes(pe, buf.tx, total), total };
}

function endpointExists(fw: Firmware, id: number): boolean {
  return id === fw.cfg.nwdId || fw.partitionIndex(id) >= 0;
}

function overlaps(a: { address: number; pages: number }, b: { address: number; pages: number }): boolean {
  return a.address < b.address + b.pages * PAGE_SIZE && b.address < a.address + a.pages * PAGE_SIZE;
}

function send(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, type: TransactionType, a: bigint[]): Outcome {
  const rd = readTx(fw, pe, caller, a);
  if (!rd.ok) return rd.out;
  const parsed = parseMemoryTransaction(rd.bytes, rd.total);
  if (!parsed.ok) return err(parsed.error);
  const tx = parsed.tx;
  const receiversText = tx.receivers.map((r) => `${hex(r.id, 4)} ${permissionsText(r.permissions & 3, (r.permissions >> 2) & 3)}`).join('; ');
  fw.callDetail = `${type} of ${pagesText(tx.constituents)} (${attributesText(tx.attributes)}) from ${hex(tx.sender, 4)} to ${receiversText || 'no receiver'}`;
  if (tx.sender !== callerId) return err(FfaError.DENIED);
  if (tx.handle !== 0n) return err(FfaError.INVALID_PARAMETERS);
  if (tx.constituents.length === 0) return err(FfaError.INVALID_PARAMETERS);
  // Send flags: bit0 zero memory, bit1 time slicing, bit2 zero on relinquish; the rest MBZ.
  if ((tx.flags & ~7) !== 0) return err(FfaError.INVALID_PARAMETERS);
  if (type === 'share' && (tx.flags & 1) !== 0) return err(FfaError.INVALID_PARAMETERS);
  if (type === 'donate' && tx.receivers.length !== 1) return err(FfaError.INVALID_PARAMETERS);
  for (const r of tx.receivers) {
    if (r.id === callerId || !endpointExists(fw, r.id)) return err(FfaError.INVALID_PARAMETERS);
    const data = r.permissions & 3;
    const instr = (r.permissions >> 2) & 3;
    if (type === 'donate' ? data !== 0 : data === 0) return err(FfaError.INVALID_PARAMETERS);
    // Executable shared memory, or executable memory lent to several borrowers, is not allowed (FF-A §10.11.3).
    if (instr === 2 && (type === 'share' || tx.receivers.length > 1)) return err(FfaError.INVALID_PARAMETERS);
  }
  // Memory region attributes (FF-A §10.10.4): a share names them, and Hafnium takes only Normal WB Inner Shareable
  // or Device-nGnRnE (otherwise DENIED); a lend or donate to one borrower leaves them to the borrower (MBZ).
  const attrType = (tx.attributes >> 4) & 3;
  if (type === 'share' || tx.receivers.length > 1) {
    const normalWbInner = attrType === 2 && ((tx.attributes >> 2) & 3) === 3 && (tx.attributes & 3) === 3;
    const deviceNgnrne = attrType === 1 && ((tx.attributes >> 2) & 3) === 0;
    if (!normalWbInner && !deviceNgnrne) return err(FfaError.DENIED);
  } else if (tx.attributes !== 0) return err(FfaError.INVALID_PARAMETERS);
  for (const c of tx.constituents) {
    if (!fw.ownsRange(caller, c.address, c.pages * PAGE_SIZE)) return err(FfaError.DENIED);
    // Pages already in a transaction are no longer owned exclusively (Hafnium: DENIED).
    if (fw.st.shares.some((s) => s.sender === callerId && s.constituents.some((o) => overlaps(o, c)))) return err(FfaError.DENIED);
  }
  if (fw.st.shares.length >= MAX_MEM_SHARES) return err(FfaError.NO_MEMORY);
  // Handle: allocated by the SPMC (bit 63 = 0), Hafnium's share-state index.
  const handle = BigInt(fw.st.nextHandle++);
  const rec: MemoryShareState = {
    handle: h64(handle),
    type,
    sender: callerId,
    attributes: tx.attributes,
    flags: tx.flags,
    tag: h64(tx.tag),
    receivers: tx.receivers.map((r) => ({ id: r.id, permissions: r.permissions, retrieved: 0 })),
    constituents: tx.constituents.map((c) => ({ ...c })),
  };
  fw.st.shares.push(rec);
  fw.callDetail = `handle ${hex(handle)}: ${fw.callDetail}`;
  if (caller.kind === 'sp' && type !== 'share') {
    // Lend and donate take the pages away from the sending partition (Hafnium: sender mode loses access).
    const ps = fw.st.partitions[caller.part];
    const w = fw.runtimeWriter(pe);
    if (ps.s2) fw.callDetail += `; unmapping it from ${regimeText(fw, caller.part)}`;
    for (const c of tx.constituents) if (ps.s2) unmapPages(ps.s2, c.address, c.pages * PAGE_SIZE, w);
    fw.tableBarrier(pe);
    pe.env.mmu.tlbi?.(pe, 'vmalls12e1is', undefined);
  }
  if ((tx.flags & 1) !== 0) zeroPages(fw, pe, tx.constituents);
  return ret(ffaSuccess(handle & 0xffffffffn, handle >> 32n));
}

function zeroPages(fw: Firmware, pe: Pe, cs: { address: number; pages: number }[]): void {
  for (const c of cs) for (let off = 0; off < c.pages * PAGE_SIZE; off += 4) fw.writeMem(pe, c.address + off, 4, 0);
}

function retrieve(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, a: bigint[]): Outcome {
  // The Normal world has no stage 2 here (no hypervisor): nothing to map, and Hafnium's SPMC takes retrieves from SPs.
  if (caller.kind !== 'sp') return err(FfaError.NOT_SUPPORTED);
  const rd = readTx(fw, pe, caller, a);
  if (!rd.ok) return rd.out;
  const parsed = parseMemoryTransaction(rd.bytes, rd.total);
  if (!parsed.ok) return err(parsed.error);
  const req = parsed.tx;
  const share = fw.st.shares.find((s) => BigInt(s.handle) === req.handle);
  fw.callDetail = `retrieving handle ${hex(req.handle)}${share ? ` (${share.type} of ${pagesText(share.constituents)} from ${hex(share.sender, 4)})` : ', which names no transaction'}`;
  if (!share) return err(FfaError.INVALID_PARAMETERS);
  if (req.sender !== share.sender) return err(FfaError.INVALID_PARAMETERS);
  if (req.tag !== BigInt(share.tag)) return err(FfaError.INVALID_PARAMETERS);
  // Retrieve flags [4:3]: transaction type (0 = any).
  const t = (req.flags >> 3) & 3;
  if (t !== 0 && t !== TRANSACTION_TYPE_CODE[share.type]) return err(FfaError.INVALID_PARAMETERS);
  const mine = req.receivers.find((r) => r.id === callerId);
  const granted = share.receivers.find((r) => r.id === callerId);
  if (!mine || !granted) return err(FfaError.INVALID_PARAMETERS);
  if (granted.retrieved > 0) return err(FfaError.DENIED);
  // Requested permissions: at most what the sender granted (Hafnium ffa_memory_permissions_to_mode).
  const gData = granted.permissions & 3;
  const gInstr = (granted.permissions >> 2) & 3;
  const rData = mine.permissions & 3;
  const rInstr = (mine.permissions >> 2) & 3;
  const data = rData === 0 ? (gData === 0 ? 2 : gData) : rData;
  if (gData !== 0 && data > gData) return err(FfaError.DENIED);
  const instr = rInstr === 0 ? (gInstr === 0 ? 1 : gInstr) : rInstr;
  if (gInstr !== 0 && instr > gInstr) return err(FfaError.DENIED);
  if (share.type === 'share' && instr === 2) return err(FfaError.DENIED);
  // Retrieving Device memory as Normal (or the reverse) is DENIED.
  const reqType = (req.attributes >> 4) & 3;
  const shType = (share.attributes >> 4) & 3;
  if (reqType !== 0 && shType !== 0 && reqType !== shType) return err(FfaError.DENIED);
  if (req.constituents.length > 0) {
    const same = req.constituents.length === share.constituents.length && req.constituents.every((c, i) => c.address === share.constituents[i].address && c.pages === share.constituents[i].pages);
    if (!same) return err(FfaError.INVALID_PARAMETERS);
  }
  const buf = fw.rxtxOf(caller).get()!;
  if (buf.rxFull) return err(FfaError.BUSY);
  const pi = caller.part;
  const perm = { write: data === 2, exec: instr === 2 };
  fw.callDetail = `mapping handle ${hex(BigInt(share.handle))} (${pagesText(share.constituents)}, ${permissionsText(data, instr)}) into ${regimeText(fw, pi)}`;
  for (const c of share.constituents) fw.mapForPartition(pe, pi, c.address, c.pages * PAGE_SIZE, perm);
  granted.retrieved = 1;
  const nsMemory = share.sender === fw.cfg.nwdId;
  const attributes = (share.attributes === 0 ? 0x2f : share.attributes) | (nsMemory ? ATTR_NS : 0);
  const resp = encodeMemoryTransaction({
    sender: share.sender,
    attributes,
    flags: TRANSACTION_TYPE_CODE[share.type] << 3,
    handle: BigInt(share.handle),
    tag: BigInt(share.tag),
    receivers: [{ id: callerId, permissions: data | (instr << 2), flags: 0 }],
    constituents: share.constituents,
  });
  if (resp.length > buf.pages * PAGE_SIZE) return err(FfaError.NO_MEMORY);
  fw.writeBytes(pe, buf.rx, resp);
  buf.rxFull = true;
  // A donation ends when it is retrieved: the pages belong to the receiver now.
  if (share.type === 'donate') fw.st.shares = fw.st.shares.filter((s) => s !== share);
  return ret([BigInt(ffaFid('MEM_RETRIEVE_RESP')), BigInt(resp.length), BigInt(resp.length), 0n, 0n, 0n, 0n, 0n]);
}

function relinquish(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number): Outcome {
  if (caller.kind !== 'sp') return err(FfaError.NOT_SUPPORTED);
  const buf = fw.rxtxOf(caller).get();
  if (!buf) return err(FfaError.INVALID_PARAMETERS);
  const head = fw.readBytes(pe, buf.tx, 16);
  const count = head[12] | (head[13] << 8) | (head[14] << 16) | (head[15] << 24);
  const length = 16 + Math.min(count >>> 0, 2048) * 2;
  if (length > buf.pages * PAGE_SIZE) return err(FfaError.INVALID_PARAMETERS);
  const p = parseRelinquish(fw.readBytes(pe, buf.tx, length), length);
  if (!p.ok) return err(p.error);
  if (p.endpoints.length !== 1 || p.endpoints[0] !== callerId) return err(FfaError.INVALID_PARAMETERS);
  if ((p.flags & ~1) !== 0) return err(FfaError.INVALID_PARAMETERS);
  const share = fw.st.shares.find((s) => BigInt(s.handle) === p.handle);
  fw.callDetail = share
    ? `unmapping handle ${hex(p.handle)} (${pagesText(share.constituents)}) from ${regimeText(fw, caller.part)}`
    : `relinquishing handle ${hex(p.handle)}, which names no transaction`;
  if (!share) return err(FfaError.INVALID_PARAMETERS);
  const r = share.receivers.find((x) => x.id === callerId);
  if (!r || r.retrieved === 0) return err(FfaError.DENIED);
  if ((p.flags & 1) !== 0 && share.type === 'share') return err(FfaError.INVALID_PARAMETERS);
  const ps = fw.st.partitions[caller.part];
  const w = fw.runtimeWriter(pe);
  for (const c of share.constituents) {
    if (ps.s2) unmapPages(ps.s2, c.address, c.pages * PAGE_SIZE, w);
    else if (ps.s1) unmapPages(ps.s1, c.address, c.pages * PAGE_SIZE, w);
  }
  fw.tableBarrier(pe);
  // Break-before-make's second half: the old translations must go (Arm ARM D8.13; Hafnium arch_mm_invalidate_stage2_range).
  pe.env.mmu.tlbi?.(pe, ps.s2 ? 'vmalls12e1is' : 'alle2is', undefined);
  if ((p.flags & 1) !== 0) zeroPages(fw, pe, share.constituents);
  r.retrieved = 0;
  return ret(ffaSuccess());
}

function reclaim(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, a: bigint[]): Outcome {
  const handle = ((a[2] & 0xffffffffn) << 32n) | (a[1] & 0xffffffffn);
  const flags = Number(a[3] & 0xffffffffn);
  if ((flags & ~1) !== 0) return err(FfaError.INVALID_PARAMETERS);
  const share = fw.st.shares.find((s) => BigInt(s.handle) === handle);
  fw.callDetail = share
    ? `reclaiming handle ${hex(handle)} (${share.type} of ${pagesText(share.constituents)})${caller.kind === 'sp' && share.type !== 'share' ? ` and mapping it back into ${regimeText(fw, caller.part)}` : ''}`
    : `reclaiming handle ${hex(handle)}, which names no transaction`;
  if (!share) return err(FfaError.INVALID_PARAMETERS);
  if (share.sender !== callerId) return err(FfaError.DENIED);
  if (share.receivers.some((r) => r.retrieved > 0)) return err(FfaError.DENIED);
  fw.st.shares = fw.st.shares.filter((s) => s !== share);
  if (caller.kind === 'sp' && share.type !== 'share') {
    // The owner gets its pages back in its stage 2.
    for (const c of share.constituents) fw.mapForPartition(pe, caller.part, c.address, c.pages * PAGE_SIZE, { write: true, exec: true });
  }
  if ((flags & 1) !== 0) zeroPages(fw, pe, share.constituents);
  return ret(ffaSuccess());
}
