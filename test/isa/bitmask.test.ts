/**
 * Logical (bitmask) immediates, Arm ARM C6.2 "DecodeBitMasks": the encoder is
 * the exact inverse of the decoder over every encoding, and refuses every value
 * no encoding gives. Also the hex formatting the disassembler prints them with.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBitMasks, encodeBitMask } from '../../simulator/isa/bitmask';
import { hex } from '../../simulator/util/hex';

/** Every value a logical immediate of `width` bits can hold, with the encoding DecodeBitMasks gives it. */
function allValues(width: 32 | 64): Map<bigint, { n: number; immr: number; imms: number }> {
  const out = new Map<bigint, { n: number; immr: number; imms: number }>();
  for (let n = 0; n < (width === 64 ? 2 : 1); n++)
    for (let imms = 0; imms < 64; imms++)
      for (let immr = 0; immr < 64; immr++) {
        const m = decodeBitMasks(n, imms, immr, true, width);
        // The smallest rotation first (immr counts up), as the encoder gives it.
        if (m !== undefined && !out.has(m.wmask)) out.set(m.wmask, { n, immr, imms });
      }
  return out;
}

describe('isa: bitmask immediates', () => {
  const values = { 32: allValues(32), 64: allValues(64) };

  it('has the architecture\'s 5,334 64-bit and 1,302 32-bit values', () => {
    assert.equal(values[64].size, 5334);
    assert.equal(values[32].size, 1302);
  });

  it('encodes every value as DecodeBitMasks decodes it (smallest rotation)', () => {
    for (const width of [32, 64] as const)
      for (const [v, enc] of values[width]) {
        assert.deepEqual(encodeBitMask(v, width), enc, `${hex(v)} (${width}-bit)`);
        // A negative spelling of the same bits encodes the same.
        assert.deepEqual(encodeBitMask(BigInt.asIntN(width, v), width), enc);
      }
  });

  it('refuses every other value: 0, all ones, and values that are no rotated run of ones', () => {
    for (const width of [32, 64] as const) {
      assert.equal(encodeBitMask(0n, width), undefined);
      assert.equal(encodeBitMask(-1n, width), undefined);
    }
    assert.equal(encodeBitMask(0x1234n, 64), undefined);
    assert.equal(encodeBitMask(0x5555_5555_5555_5554n, 64), undefined);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(32 as const, 64 as const), (raw, width) => {
        const v = BigInt.asUintN(width, raw);
        const enc = encodeBitMask(raw, width);
        if (values[width].has(v)) assert.deepEqual(enc, values[width].get(v));
        else assert.equal(enc, undefined);
      }),
      { numRuns: 20_000 },
    );
  });

  it('hex groups digits by four and takes numbers and BigInts alike', () => {
    assert.equal(hex(0), '0x0');
    assert.equal(hex(0xffff), '0xffff');
    assert.equal(hex(0x1_0000), '0x1_0000');
    assert.equal(hex(0x1234_5678), '0x1234_5678');
    assert.equal(hex(0x8_1234_5678), '0x8_1234_5678');
    assert.equal(hex(0xffff_ffff_ffff_ffffn), '0xffff_ffff_ffff_ffff');
    assert.equal(hex(-1), '0xffff_ffff_ffff_ffff');
    assert.equal(hex(-2n), '0xffff_ffff_ffff_fffe');
    assert.equal(hex(5, 4), '0x0005');
    assert.equal(hex(5, 8), '0x0000_0005');
    assert.equal(hex(2 ** 60), '0x1000_0000_0000_0000');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        assert.equal(hex(v).replaceAll('_', ''), '0x' + v.toString(16));
        if (v <= BigInt(Number.MAX_SAFE_INTEGER)) assert.equal(hex(Number(v)), hex(v));
      }),
    );
  });
});
