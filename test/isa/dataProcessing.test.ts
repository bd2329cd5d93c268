import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { runSnippet } from './harness';

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);

describe('isa: data processing', () => {
  describe('ADDS/SUBS flags (AddWithCarry)', () => {
    const flags = (op: string, a: bigint, b: bigint) => {
      const m = runSnippet(`${op} x0, x1, x2\nhlt #0`, { 1: a, 2: b });
      return { r: m.x(0), f: m.nzcv() };
    };
    it('adds: unsigned carry out without signed overflow', () => {
      assert.deepEqual(flags('adds', M64, 1n), { r: 0n, f: 'nZCv' });
    });
    it('adds: signed overflow positive + positive', () => {
      assert.deepEqual(flags('adds', 0x7fff_ffff_ffff_ffffn, 1n), { r: 0x8000_0000_0000_0000n, f: 'NzcV' });
    });
    it('adds: signed overflow negative + negative with carry', () => {
      assert.deepEqual(flags('adds', 0x8000_0000_0000_0000n, 0x8000_0000_0000_0000n), { r: 0n, f: 'nZCV' });
    });
    it('subs: C is NOT borrow (equal operands set C and Z)', () => {
      assert.deepEqual(flags('subs', 5n, 5n), { r: 0n, f: 'nZCv' });
    });
    it('subs: borrow clears C', () => {
      assert.deepEqual(flags('subs', 1n, 2n), { r: M64, f: 'Nzcv' });
    });
    it('subs: INT64_MIN - 1 overflows', () => {
      assert.deepEqual(flags('subs', 0x8000_0000_0000_0000n, 1n), { r: 0x7fff_ffff_ffff_ffffn, f: 'nzCV' });
    });
    it('subs: 0 - 0 sets C (no borrow)', () => {
      assert.deepEqual(flags('subs', 0n, 0n), { r: 0n, f: 'nZCv' });
    });
    it('32-bit adds: flags from bit 31 and a carry out of bit 31', () => {
      const m = runSnippet('adds w0, w1, w2\nhlt #0', { 1: 0xffff_ffff_7fff_ffffn, 2: 1n });
      assert.equal(m.x(0), 0x8000_0000n);
      assert.equal(m.nzcv(), 'NzcV');
      const m2 = runSnippet('subs w0, w1, #1\nhlt #0', { 1: 0n });
      assert.equal(m2.x(0), 0xffff_ffffn);
      assert.equal(m2.nzcv(), 'Nzcv');
    });
    it('property: ADDS x result and flags match the Arm ARM definition', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: M64 }), fc.bigInt({ min: 0n, max: M64 }), (a, b) => {
          const m = runSnippet('adds x0, x1, x2\nhlt #0', { 1: a, 2: b });
          const u = a + b;
          const s = s64(a) + s64(b);
          const r = u & M64;
          const exp = `${r >> 63n ? 'N' : 'n'}${r === 0n ? 'Z' : 'z'}${u > M64 ? 'C' : 'c'}${s64(r) !== s ? 'V' : 'v'}`;
          assert.equal(m.x(0), r);
          assert.equal(m.nzcv(), exp);
        }),
        { numRuns: 300, seed: 3 },
      );
    });
    it('CMP/CMN/TST write only flags', () => {
      const m = runSnippet('cmp x1, #3\ncset x3, hi\ncmn x1, #3\ncset x4, eq\ntst x1, #4\ncset x5, ne\nhlt #0', { 1: 4n, 2: 0x55n });
      assert.equal(m.x(1), 4n);
      assert.deepEqual([m.x(3), m.x(4), m.x(5)], [1n, 0n, 1n]);
    });
  });

  describe('register 31 and W destinations', () => {
    it('writing a W register zero-extends into X', () => {
      const m = runSnippet('add w0, w1, #1\nmov w2, w3\norr w4, w5, #1\nhlt #0', { 0: M64, 1: 0xffff_ffff_0000_0001n, 2: M64, 3: 0x1234_5678_9abc_def0n, 4: M64, 5: M64 });
      assert.equal(m.x(0), 2n);
      assert.equal(m.x(2), 0x9abc_def0n);
      assert.equal(m.x(4), 0xffff_ffffn);
    });
    it('ADD (immediate) uses SP for register 31; ADD (shifted) uses XZR', () => {
      const m = runSnippet('add x0, sp, #16\nadd x1, xzr, x2\nmov x3, sp\nadd sp, sp, #0x100\nhlt #0', { 2: 7n });
      assert.equal(m.x(0), 0x80010n);
      assert.equal(m.x(1), 7n);
      assert.equal(m.x(3), 0x80000n);
      assert.equal(m.pe.getSp(1), 0x80100n);
    });
    it('ADDS to XZR discards the result but sets flags; ORR to XZR is a no-op', () => {
      const m = runSnippet('adds xzr, x1, x1\norr xzr, x1, x1\nhlt #0', { 1: 0x8000_0000_0000_0000n });
      assert.equal(m.nzcv(), 'nZCV');
      assert.equal(m.pe.xlo[31], 0, 'index 31 must never be written');
      assert.equal(m.pe.xhi[31], 0);
    });
    it('ADD (extended) with SP: add x0, sp, w1, uxtw #2', () => {
      const m = runSnippet('add x0, sp, w1, uxtw #2\nsub sp, sp, x2\nhlt #0', { 1: 0xffff_ffff_0000_0003n, 2: 0x10n });
      assert.equal(m.x(0), 0x80000n + 12n);
      assert.equal(m.pe.getSp(1), 0x7fff0n);
    });
    it('the SP in use follows PSTATE.SP and the EL', () => {
      const m = runSnippet('add x0, sp, #0\nhlt #0', {}, (mm) => {
        mm.pe.spsel = 0;
        mm.pe.setSp(0, 0x1230n);
      });
      assert.equal(m.x(0), 0x1230n);
    });
  });

  describe('moves', () => {
    it('MOV immediate chooses MOVZ, MOVN or ORR and loads the value', () => {
      const m = runSnippet(
        'mov x0, #0x1234_0000\nmov x1, #-2\nmov x2, #0x5555555555555555\nmov w3, #0xffff1234\nmovk x0, #0xbeef, lsl #48\nmovz x4, #1, lsl #32\nmovn w5, #0\nhlt #0',
        { 3: M64, 5: M64 },
      );
      assert.equal(m.x(0), 0xbeef_0000_1234_0000n);
      assert.equal(m.x(1), M64 - 1n);
      assert.equal(m.x(2), 0x5555_5555_5555_5555n);
      assert.equal(m.x(3), 0xffff_1234n);
      assert.equal(m.x(4), 0x1_0000_0000n);
      assert.equal(m.x(5), 0xffff_ffffn);
    });
    it('MOVK keeps the other bits', () => {
      const m = runSnippet('movk x0, #0x1, lsl #16\nmovk w1, #0xaaaa\nhlt #0', { 0: M64, 1: 0x1234_5678_9abc_def0n });
      assert.equal(m.x(0), 0xffff_ffff_0001_ffffn);
      assert.equal(m.x(1), 0x9abc_aaaan);
    });
  });

  describe('logical and shifts', () => {
    it('ANDS sets N and Z and clears C and V', () => {
      const m = runSnippet('cmp x1, x1\nadds x9, x2, x2\nands x0, x1, #0x8000000000000000\nhlt #0', { 1: M64, 2: 0x8000_0000_0000_0000n });
      assert.equal(m.x(0), 0x8000_0000_0000_0000n);
      assert.equal(m.nzcv(), 'Nzcv');
    });
    it('shifted-register operands: ror in logical ops, asr in arithmetic', () => {
      const m = runSnippet('orr x0, xzr, x1, ror #4\nadd x2, xzr, x1, asr #60\neon w3, wzr, w1, lsl #31\nhlt #0', { 1: 0x8000_0000_0000_000fn });
      assert.equal(m.x(0), 0xf800_0000_0000_0000n);
      assert.equal(m.x(2), M64 - 7n);
      assert.equal(m.x(3), 0x7fff_ffffn);
    });
    it('LSL/LSR/ASR/ROR by register use the amount modulo the width', () => {
      const m = runSnippet('lsl x0, x1, x2\nlsr w3, w1, w2\nasr x4, x5, x6\nror x7, x1, x6\nhlt #0', {
        1: 0x8000_0000_0000_0001n,
        2: 65n,
        5: 0x8000_0000_0000_0000n,
        6: 127n,
      });
      assert.equal(m.x(0), 2n);
      assert.equal(m.x(3), 0n);
      assert.equal(m.x(4), M64);
      assert.equal(m.x(7), 0x0000_0000_0000_0003n);
    });
    it('bitfield moves and their aliases', () => {
      const m = runSnippet(
        'ubfx x0, x1, #60, #4\nsbfx x2, x1, #60, #4\nbfi x3, x1, #8, #4\nbfxil w4, w1, #0, #4\nubfiz x5, x1, #62, #2\nsxtw x6, w7\nsxtb w8, w7\nuxth w9, w7\nhlt #0',
        { 1: 0x9000_0000_0000_000dn, 3: M64, 4: M64, 7: 0x8000_8080n },
      );
      assert.equal(m.x(0), 9n);
      assert.equal(m.x(2), M64 - 6n);
      assert.equal(m.x(3), 0xffff_ffff_ffff_fdffn);
      assert.equal(m.x(4), 0xffff_fffdn);
      assert.equal(m.x(5), 0x4000_0000_0000_0000n);
      assert.equal(m.x(6), 0xffff_ffff_8000_8080n);
      assert.equal(m.x(8), 0xffff_ff80n);
      assert.equal(m.x(9), 0x8080n);
    });
  });

  describe('conditional select and compare', () => {
    it('CSEL family and aliases', () => {
      const m = runSnippet('cmp x1, x2\ncsel x3, x1, x2, lt\ncsinc x4, x1, x2, ge\ncsneg x5, x1, x2, ge\ncset w6, lt\ncsetm x7, lt\ncinc x8, x1, lt\nhlt #0', {
        1: M64,
        2: 5n,
      });
      assert.equal(m.x(3), M64);
      assert.equal(m.x(4), 6n);
      assert.equal(m.x(5), M64 - 4n);
      assert.equal(m.x(6), 1n);
      assert.equal(m.x(7), M64);
      assert.equal(m.x(8), 0n);
    });
    it('CCMP sets the immediate NZCV when the condition fails', () => {
      const m = runSnippet('cmp x1, #1\nccmp x1, #9, #0b0110, ne\nhlt #0', { 1: 1n });
      assert.equal(m.nzcv(), 'nZCv');
      const m2 = runSnippet('cmp x1, #2\nccmp x1, #9, #0b0110, ne\nhlt #0', { 1: 1n });
      assert.equal(m2.nzcv(), 'Nzcv');
    });
  });

  describe('multiply and divide', () => {
    it('MUL/UMULH/SMULH give the 128-bit product halves', () => {
      const m = runSnippet('mul x0, x1, x2\numulh x3, x1, x2\nsmulh x4, x1, x2\nhlt #0', { 1: M64, 2: M64 });
      assert.equal(m.x(0), 1n);
      assert.equal(m.x(3), M64 - 1n);
      assert.equal(m.x(4), 0n);
    });
    it('property: 64-bit MUL, UMULH, SMULH, MSUB match BigInt', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: M64 }), fc.bigInt({ min: 0n, max: M64 }), fc.bigInt({ min: 0n, max: M64 }), (a, b, c) => {
          const m = runSnippet('mul x0, x1, x2\numulh x4, x1, x2\nsmulh x5, x1, x2\nmsub x6, x1, x2, x3\nsmull x7, w1, w2\nhlt #0', { 1: a, 2: b, 3: c });
          assert.equal(m.x(0), (a * b) & M64);
          assert.equal(m.x(4), (a * b) >> 64n);
          assert.equal(m.x(5), BigInt.asUintN(64, (s64(a) * s64(b)) >> 64n));
          assert.equal(m.x(6), BigInt.asUintN(64, c - a * b));
          assert.equal(m.x(7), BigInt.asUintN(64, BigInt.asIntN(32, a) * BigInt.asIntN(32, b)));
        }),
        { numRuns: 300, seed: 5 },
      );
    });
    it('division by zero gives 0; INT_MIN / -1 gives INT_MIN', () => {
      const m = runSnippet('udiv x0, x1, xzr\nsdiv x2, x3, x4\nsdiv w5, w6, w7\nsdiv x8, x9, x10\nhlt #0', {
        1: 5n,
        3: 0x8000_0000_0000_0000n,
        4: M64,
        6: 0x8000_0000n,
        7: 0xffff_ffffn,
        9: M64 - 6n,
        10: 2n,
      });
      assert.equal(m.x(0), 0n);
      assert.equal(m.x(2), 0x8000_0000_0000_0000n);
      assert.equal(m.x(5), 0x8000_0000n);
      assert.equal(m.x(8), M64 - 2n, '-7 / 2 rounds toward zero');
    });
    it('property: UDIV/SDIV (64-bit) match BigInt on every path (float, 64÷32 digits, estimate and correct)', () => {
      const val = fc.oneof(fc.bigInt({ min: 0n, max: M64 }), fc.bigInt({ min: 0n, max: 1n << 53n }), fc.bigInt({ min: 1n, max: 0xffff_ffffn }), fc.bigInt({ min: 1n, max: 1000n }));
      fc.assert(
        fc.property(val, val, (a, b) => {
          const m = runSnippet('udiv x0, x1, x2\nsdiv x3, x1, x2\nhlt #0', { 1: a, 2: b });
          assert.equal(m.x(0), b === 0n ? 0n : a / b);
          const sa = s64(a);
          const sb = s64(b);
          assert.equal(m.x(3), sb === 0n ? 0n : BigInt.asUintN(64, sa / sb));
        }),
        { numRuns: 1500, seed: 9 },
      );
    });
  });

  describe('bit manipulation and PC-relative', () => {
    it('CLZ/CLS/RBIT/REV', () => {
      const m = runSnippet('clz x0, x1\ncls x2, x3\nrbit w4, w5\nrev x6, x7\nrev16 w8, w7\ncls w9, wzr\nhlt #0', {
        1: 0x0000_0100_0000_0000n,
        3: 0xffff_0000_0000_0000n,
        5: 1n,
        7: 0x0102_0304_0506_0708n,
      });
      assert.equal(m.x(0), 23n);
      assert.equal(m.x(2), 15n);
      assert.equal(m.x(4), 0x8000_0000n);
      assert.equal(m.x(6), 0x0807_0605_0403_0201n);
      assert.equal(m.x(8), 0x0605_0807n);
      assert.equal(m.x(9), 31n);
    });
    it('ADR and ADRP are relative to the instruction', () => {
      const m = runSnippet('nop\nadr x0, target\nadrp x1, target\ntarget: hlt #0');
      assert.equal(m.x(0), 0x100cn);
      assert.equal(m.x(1), 0x1000n);
    });
  });
});
