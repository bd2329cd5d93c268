/**
 * FF-A memory management descriptors (Arm DEN 0077 FF-A v1.1 §10.11
 * "Memory region descriptors", v1.2 §11; Hafnium inc/vmapi/hf/ffa.h), parsed
 * from and encoded to plain bytes. The parser is total: any byte string gives
 * either a transaction or the FF-A error code Hafnium returns for it
 * (ffa_memory.c), never an exception.
 *
 * Layout (v1.1+, offsets in bytes):
 *   header (48): @0 u16 sender, @2 u16 attributes, @4 u32 flags, @8 u64 handle,
 *                @16 u64 tag, @24 u32 access-descriptor size, @28 u32 receiver
 *                count, @32 u32 receivers offset, @36 12 reserved bytes.
 *   endpoint access descriptor (16 in v1.1, 32 in v1.2): @0 u16 receiver,
 *                @2 u8 permissions, @3 u8 flags, @4 u32 composite offset, then reserved.
 *   composite (16 + 16·n): @0 u32 total pages, @4 u32 constituent count,
 *                @8 reserved, @16 { u64 address, u32 pages, u32 reserved }[n].
 */
import { FfaError } from '../arch/index';

export const HEADER_SIZE = 48;
export const ACCESS_DESC_SIZE_V1_1 = 16;
export const ACCESS_DESC_SIZE_V1_2 = 32;
export const COMPOSITE_HEADER_SIZE = 16;
export const CONSTITUENT_SIZE = 16;
export const PAGE_SIZE = 4096;

export interface Receiver {
  id: number;
  /** Permissions byte: data [1:0] 1=RO 2=RW, instruction [3:2] 1=NX 2=X. */
  permissions: number;
  flags: number;
}

export interface Constituent {
  address: number;
  pages: number;
}

export interface MemoryTransaction {
  sender: number;
  attributes: number;
  flags: number;
  handle: bigint;
  tag: bigint;
  receivers: Receiver[];
  constituents: Constituent[];
  totalPages: number;
}

export type ParseResult = { ok: true; tx: MemoryTransaction } | { ok: false; error: number; why: string };

const fail = (error: number, why: string): ParseResult => ({ ok: false, error, why });

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): bigint {
  return (BigInt(u32(b, o + 4)) << 32n) | BigInt(u32(b, o));
}

/**
 * Parse a memory transaction descriptor (send or retrieve request) of
 * `length` bytes. Structural problems are FFA_INVALID_PARAMETERS (Hafnium
 * ffa_memory_send_validate / ffa_memory_retrieve_validate).
 */
export function parseMemoryTransaction(b: Uint8Array, length = b.length): ParseResult {
  if (length > b.length) return fail(FfaError.INVALID_PARAMETERS, `length ${length} exceeds the buffer (${b.length} bytes)`);
  if (length < HEADER_SIZE) return fail(FfaError.INVALID_PARAMETERS, `descriptor of ${length} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  const sender = u16(b, 0);
  const attributes = u16(b, 2);
  const flags = u32(b, 4);
  const handle = u64(b, 8);
  const tag = u64(b, 16);
  const descSize = u32(b, 24);
  const count = u32(b, 28);
  const recvOff = u32(b, 32);
  for (let i = 36; i < 48; i++) if (b[i] !== 0) return fail(FfaError.INVALID_PARAMETERS, 'reserved header bytes 36–47 are not zero');
  if (descSize !== ACCESS_DESC_SIZE_V1_1 && descSize !== ACCESS_DESC_SIZE_V1_2) return fail(FfaError.INVALID_PARAMETERS, `endpoint access descriptor size ${descSize} (expected 16 or 32)`);
  if (count === 0) return fail(FfaError.INVALID_PARAMETERS, 'receiver count is 0');
  if (count > 16) return fail(FfaError.INVALID_PARAMETERS, `receiver count ${count} exceeds the SPMC's limit of 16`);
  if (recvOff < HEADER_SIZE || recvOff % 16 !== 0) return fail(FfaError.INVALID_PARAMETERS, `receivers offset ${recvOff} is not a 16-byte aligned offset past the header`);
  if (recvOff + count * descSize > length) return fail(FfaError.INVALID_PARAMETERS, `${count} endpoint access descriptors at offset ${recvOff} run past the descriptor length ${length}`);
  if ((attributes & 0xff80) !== 0) return fail(FfaError.INVALID_PARAMETERS, 'memory region attributes bits [15:7] are not zero');
  const receivers: Receiver[] = [];
  let compositeOff = -1;
  for (let i = 0; i < count; i++) {
    const o = recvOff + i * descSize;
    const r: Receiver = { id: u16(b, o), permissions: b[o + 2], flags: b[o + 3] };
    const co = u32(b, o + 4);
    if (receivers.some((x) => x.id === r.id)) return fail(FfaError.INVALID_PARAMETERS, `receiver ${r.id} appears twice`);
    if ((r.permissions & 0xf0) !== 0 || (r.permissions & 3) === 3 || ((r.permissions >> 2) & 3) === 3) return fail(FfaError.INVALID_PARAMETERS, `receiver ${r.id}: invalid permissions byte ${r.permissions}`);
    // Hafnium requires every receiver to describe the same composite region.
    if (compositeOff >= 0 && co !== compositeOff) return fail(FfaError.INVALID_PARAMETERS, 'receivers name different composite regions');
    compositeOff = co;
    receivers.push(r);
  }
  const constituents: Constituent[] = [];
  let totalPages = 0;
  if (compositeOff !== 0) {
    if (compositeOff % 8 !== 0 || compositeOff < recvOff + count * descSize || compositeOff + COMPOSITE_HEADER_SIZE > length) {
      return fail(FfaError.INVALID_PARAMETERS, `composite region offset ${compositeOff} is outside the descriptor`);
    }
    totalPages = u32(b, compositeOff);
    const n = u32(b, compositeOff + 4);
    if (n === 0) return fail(FfaError.INVALID_PARAMETERS, 'composite region has no constituents');
    if (compositeOff + COMPOSITE_HEADER_SIZE + n * CONSTITUENT_SIZE > length) return fail(FfaError.INVALID_PARAMETERS, `${n} constituents run past the descriptor length ${length}`);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const o = compositeOff + COMPOSITE_HEADER_SIZE + i * CONSTITUENT_SIZE;
      const addr = u64(b, o);
      const pages = u32(b, o + 8);
      if (pages === 0) return fail(FfaError.INVALID_PARAMETERS, `constituent ${i} has 0 pages`);
      if (addr % BigInt(PAGE_SIZE) !== 0n) return fail(FfaError.INVALID_PARAMETERS, `constituent ${i} address is not 4 KB aligned`);
      if (addr + BigInt(pages) * BigInt(PAGE_SIZE) > 1n << 48n) return fail(FfaError.INVALID_PARAMETERS, `constituent ${i} is beyond the 48-bit physical address space`);
      constituents.push({ address: Number(addr), pages });
      sum += pages;
    }
    if (sum !== totalPages) return fail(FfaError.INVALID_PARAMETERS, `composite total page count ${totalPages} ≠ sum of constituents ${sum}`);
  }
  return { ok: true, tx: { sender, attributes, flags, handle, tag, receivers, constituents, totalPages } };
}

/** Encode a transaction descriptor (v1.1 layout, one composite for all receivers). */
export function encodeMemoryTransaction(tx: Omit<MemoryTransaction, 'totalPages'> & { descSize?: number }): Uint8Array {
  const descSize = tx.descSize ?? ACCESS_DESC_SIZE_V1_1;
  const recvOff = HEADER_SIZE;
  const compOff = tx.constituents.length > 0 ? recvOff + tx.receivers.length * descSize : 0;
  const len = compOff === 0 ? recvOff + tx.receivers.length * descSize : compOff + COMPOSITE_HEADER_SIZE + tx.constituents.length * CONSTITUENT_SIZE;
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tx.sender, true);
  dv.setUint16(2, tx.attributes, true);
  dv.setUint32(4, tx.flags >>> 0, true);
  dv.setBigUint64(8, BigInt.asUintN(64, tx.handle), true);
  dv.setBigUint64(16, BigInt.asUintN(64, tx.tag), true);
  dv.setUint32(24, descSize, true);
  dv.setUint32(28, tx.receivers.length, true);
  dv.setUint32(32, recvOff, true);
  tx.receivers.forEach((r, i) => {
    const o = recvOff + i * descSize;
    dv.setUint16(o, r.id, true);
    b[o + 2] = r.permissions;
    b[o + 3] = r.flags;
    dv.setUint32(o + 4, compOff, true);
  });
  if (compOff !== 0) {
    dv.setUint32(compOff, tx.constituents.reduce((s, c) => s + c.pages, 0), true);
    dv.setUint32(compOff + 4, tx.constituents.length, true);
    tx.constituents.forEach((c, i) => {
      const o = compOff + COMPOSITE_HEADER_SIZE + i * CONSTITUENT_SIZE;
      dv.setBigUint64(o, BigInt(c.address), true);
      dv.setUint32(o + 8, c.pages, true);
    });
  }
  return b;
}

/** MEM_RELINQUISH descriptor: { u64 handle, u32 flags, u32 endpoint count, u16 endpoints[] }. */
export function parseRelinquish(b: Uint8Array, length: number): { ok: true; handle: bigint; flags: number; endpoints: number[] } | { ok: false; error: number; why: string } {
  if (length < 16 || length > b.length) return { ok: false, error: FfaError.INVALID_PARAMETERS, why: 'relinquish descriptor shorter than 16 bytes' };
  const count = u32(b, 12);
  if (count === 0 || 16 + count * 2 > length) return { ok: false, error: FfaError.INVALID_PARAMETERS, why: `relinquish endpoint count ${count} does not fit` };
  const endpoints: number[] = [];
  for (let i = 0; i < count; i++) endpoints.push(u16(b, 16 + i * 2));
  return { ok: true, handle: u64(b, 0), flags: u32(b, 8), endpoints };
}

/** Transaction type of a send call (retrieve-request flags [4:3]: 1 share, 2 lend, 3 donate). */
export type TransactionType = 'share' | 'lend' | 'donate';
export const TRANSACTION_TYPE_CODE: Record<TransactionType, number> = { share: 1, lend: 2, donate: 3 };

/** Memory region attributes (FF-A §10.10.4): Normal Write-Back Inner Shareable = 0x2f; the NS bit is 0x40. */
export const ATTR_NORMAL_WB_ISH = 0x2f;
export const ATTR_NS = 0x40;
