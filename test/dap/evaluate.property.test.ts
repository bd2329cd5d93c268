/**
 * Expressions and memory references as the adapter parses them (fast-check):
 * `evaluate` either answers or throws an EvalError with a message — never
 * anything else — on arbitrary input and on expression-shaped input;
 * memory references round-trip through hex(); conditions agree with the
 * values they compare.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { EvalError, evaluate, evaluateCondition } from '../../simulator/engine/evaluate';
import { Machine } from '../../simulator/engine/machine';
import { loadScenario } from '../../simulator';
import { hex } from '../../simulator/util/hex';
import { formatMemoryReference, parseMemoryReference } from '../../debug-adapter/memory';
import { RequestError } from '../../debug-adapter/errors';
import { findRoot } from './helpers';

const SEED = path.join(findRoot(), 'examples', 'seed-000', 'bug-osh-tables.armscope');

describe('DAP expressions and memory references (fast-check)', () => {
  const machine = Machine.create(loadScenario(SEED));
  machine.run();

  const shaped = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom('', 'pe0.', 'pe1.', 'pe 0 . '), fc.constantFrom('x0', 'w3', 'sp', 'pc', 'esr_el2', 'vtcr_el2', 'pstate.el', 'nosuch', 'x31')).map(([a, b]) => a + b),
    fc.tuple(fc.constantFrom('mem', 'mem8', 'mem16', 'mem32', 'mem64'), fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 48n }).map((v) => hex(v)), fc.constantFrom('touch', 'S2_L3_SLOT', 'x0', ''))).map(([m, a]) => `${m}[${a}]`),
    fc.tuple(fc.constantFrom('decode(', 'decode( '), fc.constantFrom('esr_el2', 'pe0.tcr_el2', 'x0', 'sctlr_el2, 0x30c5_1835', ''), fc.constantFrom(')', '')).map(([a, b, c]) => a + b + c),
  );

  it('evaluate answers or throws EvalError, never anything else', () => {
    fc.assert(
      fc.property(shaped, (expr) => {
        try {
          const r = evaluate(machine, expr, 0);
          assert.equal(typeof r.text, 'string');
          if (r.value !== undefined) assert.ok(r.value >= 0n && r.value < 2n ** 64n);
        } catch (e) {
          assert.ok(e instanceof EvalError, `${expr}: ${String(e)}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('registers read through evaluate match the PE', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (n) => {
        assert.equal(evaluate(machine, `pe0.x${n}`).value, machine.pes[0].getX(n));
      }),
    );
  });

  it('memory references round-trip exactly through hex() over the whole 64-bit range, with and without a view prefix', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom('', 'main:', 'pe0:', 'pe12:'), (address, prefix) => {
        const r = parseMemoryReference(prefix + hex(address));
        assert.equal(r.address, address);
        assert.deepEqual(r.view, prefix.startsWith('pe') ? { pe: Number(prefix.slice(2, -1)) } : 'main');
        assert.equal(formatMemoryReference(r.view, r.address), `${prefix || 'main:'}${hex(address)}`);
      }),
    );
  });

  it('negative references are two\'s complement 64-bit addresses; 2^64 and beyond are refused with the reference named', () => {
    assert.equal(parseMemoryReference('-1').address, 2n ** 64n - 1n);
    assert.equal(parseMemoryReference('main:-16').address, 2n ** 64n - 16n);
    assert.throws(() => parseMemoryReference('0x1_0000_0000_0000_0000'), /memoryReference "0x1_0000_0000_0000_0000": address 0x1_0000_0000_0000_0000 is past 2\^64/);
    assert.throws(() => parseMemoryReference('main:zz'), /memoryReference "main:zz": address "zz" is not a number/);
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 64n, max: 2n ** 80n }), (v) => {
        assert.throws(() => parseMemoryReference(hex(v)), RequestError);
      }),
    );
  });

  it('mem[…] past the physical address space is an EvalError, not an address past 2^64', () => {
    assert.throws(() => evaluate(machine, 'mem64[0xffff_ffff_ffff_fff9]'), (e) => e instanceof EvalError && /0xffff_ffff_ffff_fff9: 8 bytes there are outside the 52-bit physical address space/.test(e.message));
    assert.throws(() => evaluate(machine, 'mem[0xf_ffff_ffff_fffc]'), EvalError);
    assert.equal(evaluate(machine, 'mem32[0xf_ffff_ffff_fffc]').address, 2 ** 52 - 4);
  });

  it('conditions compare as unsigned 64-bit values', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (a, b) => {
        assert.equal(evaluateCondition(machine, `${hex(a)} == ${hex(b)}`), a === b);
        assert.equal(evaluateCondition(machine, `${hex(a)} < ${hex(b)}`), a < b);
        assert.equal(evaluateCondition(machine, `${hex(a)} >= ${hex(b)}`), a >= b);
      }),
    );
  });
});
