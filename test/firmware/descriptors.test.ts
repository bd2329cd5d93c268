import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { FfaError } from '../../simulator/arch/index';
import {
  encodeMemoryTransaction,
  parseMemoryTransaction,
  parseRelinquish,
  HEADER_SIZE,
  type MemoryTransaction,
} from '../../simulator/firmware/descriptors';

const base = (): Omit<MemoryTransaction, 'totalPages'> => ({
  sender: 0x0001,
  attributes: 0x2f,
  flags: 0,
  handle: 0n,
  tag: 0n,
  receivers: [{ id: 0x8001, permissions: 0b0110, flags: 0 }],
  constituents: [{ address: 0x8810_0000, pages: 2 }],
});

/** Little-endian field poke into a copy of an encoded descriptor. */
function poke(b: Uint8Array, off: number, size: 1 | 2 | 4 | 8, v: number | bigint): Uint8Array {
  const c = b.slice();
  const dv = new DataView(c.buffer);
  if (size === 1) c[off] = Number(v);
  else if (size === 2) dv.setUint16(off, Number(v), true);
  else if (size === 4) dv.setUint32(off, Number(v) >>> 0, true);
  else dv.setBigUint64(off, BigInt(v), true);
  return c;
}

describe('firmware: FF-A memory transaction descriptors', () => {
  it('encodes the v1.1 layout (header 48, access descriptor 16, composite at 64, constituent at 80)', () => {
    const b = encodeMemoryTransaction(base());
    assert.equal(b.length, 96);
    const dv = new DataView(b.buffer);
    assert.equal(dv.getUint16(0, true), 0x0001);
    assert.equal(dv.getUint16(2, true), 0x2f);
    assert.equal(dv.getUint32(24, true), 16, 'access descriptor size');
    assert.equal(dv.getUint32(28, true), 1, 'receiver count');
    assert.equal(dv.getUint32(32, true), 48, 'receivers offset');
    assert.equal(dv.getUint16(48, true), 0x8001);
    assert.equal(b[50], 0b0110);
    assert.equal(dv.getUint32(52, true), 64, 'composite offset');
    assert.equal(dv.getUint32(64, true), 2, 'total pages');
    assert.equal(dv.getUint32(68, true), 1, 'constituent count');
    assert.equal(dv.getBigUint64(80, true), 0x8810_0000n);
    assert.equal(dv.getUint32(88, true), 2);
  });

  it('parses what it encodes', () => {
    const r = parseMemoryTransaction(encodeMemoryTransaction(base()));
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.tx.sender, 1);
    assert.equal(r.tx.totalPages, 2);
    assert.deepEqual(r.tx.receivers, [{ id: 0x8001, permissions: 6, flags: 0 }]);
    assert.deepEqual(r.tx.constituents, [{ address: 0x8810_0000, pages: 2 }]);
  });

  const good = encodeMemoryTransaction(base());
  const cases: [string, Uint8Array, number?][] = [
    ['shorter than the header', good.slice(0, 40)],
    ['reserved header bytes set', poke(good, 40, 1, 1)],
    ['access descriptor size 8', poke(good, 24, 4, 8)],
    ['receiver count 0', poke(good, 28, 4, 0)],
    ['receiver count 17', poke(good, 28, 4, 17)],
    ['receivers offset inside the header', poke(good, 32, 4, 16)],
    ['receivers offset misaligned', poke(good, 32, 4, 52)],
    ['receivers past the end', poke(good, 32, 4, 96)],
    ['attributes bits [15:7] set', poke(good, 2, 2, 0x2f | 0x100)],
    ['permissions reserved value 3', poke(good, 50, 1, 3)],
    ['permissions high bits', poke(good, 50, 1, 0x12)],
    ['composite offset past the end', poke(good, 52, 4, 200)],
    ['composite offset misaligned', poke(good, 52, 4, 66)],
    ['no constituents', poke(good, 68, 4, 0)],
    ['constituents past the end', poke(good, 68, 4, 5)],
    ['constituent with 0 pages', poke(poke(good, 88, 4, 0), 64, 4, 0)],
    ['constituent misaligned', poke(good, 80, 8, 0x8810_0010n)],
    ['total ≠ sum of constituents', poke(good, 64, 4, 3)],
    ['constituent beyond 48-bit PA space', poke(good, 80, 8, 1n << 48n)],
  ];
  for (const [why, bytes] of cases) {
    it(`rejects a descriptor with ${why}: FFA_INVALID_PARAMETERS`, () => {
      const r = parseMemoryTransaction(bytes);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error, FfaError.INVALID_PARAMETERS);
    });
  }

  it('rejects a length beyond the buffer and duplicate receivers', () => {
    const r = parseMemoryTransaction(good, good.length + 1);
    assert.equal(r.ok, false);
    const two = encodeMemoryTransaction({ ...base(), receivers: [{ id: 0x8001, permissions: 2, flags: 0 }, { id: 0x8001, permissions: 2, flags: 0 }] });
    const r2 = parseMemoryTransaction(two);
    assert.equal(r2.ok, false);
    if (!r2.ok) assert.match(r2.why, /twice/);
  });

  it('v1.2 access descriptors (32 bytes) parse too', () => {
    const b = encodeMemoryTransaction({ ...base(), descSize: 32 });
    assert.equal(b.length, 48 + 32 + 16 + 16);
    const r = parseMemoryTransaction(b);
    assert.ok(r.ok);
  });

  it('property: any byte string parses to a transaction or an FF-A error code, never throws', () => {
    const codes = new Set<number>(Object.values(FfaError));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 256 }), fc.nat(300), (bytes, len) => {
        const r = parseMemoryTransaction(bytes, Math.min(len, bytes.length));
        if (!r.ok) assert.ok(codes.has(r.error));
        else assert.ok(r.tx.receivers.length >= 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: single-field mutations of a valid descriptor never throw', () => {
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (off, v) => {
        const b = good.slice();
        b[off] = v;
        const r = parseMemoryTransaction(b);
        assert.ok(r.ok || r.error === FfaError.INVALID_PARAMETERS);
      }),
      { numRuns: 3000 },
    );
  });

  it('relinquish descriptors: handle, flags, endpoints; short or overlong counts are invalid', () => {
    const b = new Uint8Array(18);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, 5n, true);
    dv.setUint32(8, 1, true);
    dv.setUint32(12, 1, true);
    dv.setUint16(16, 0x8001, true);
    const r = parseRelinquish(b, 18);
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([r.handle, r.flags, r.endpoints], [5n, 1, [0x8001]]);
    dv.setUint32(12, 4, true);
    const bad = parseRelinquish(b, 18);
    assert.equal(bad.ok, false);
    assert.equal(parseRelinquish(b, 10).ok, false);
    assert.equal(HEADER_SIZE, 48);
  });
});
