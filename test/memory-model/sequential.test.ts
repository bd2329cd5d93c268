/**
 * One PE alone sees its own program order (Arm ARM B2.3: the model relaxes
 * only what other observers see): for any single-threaded sequence of
 * reads, writes and barriers, every execution the model allows — with every
 * read choice and every promise — ends in exactly the sequential result.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { ReadOrder, WriteOrder } from '../../simulator/memory/ordering';
import { outcomes, type Op } from './shapes';

const LOCS = ['x', 'y'];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('W' as const), loc: fc.constantFrom(...LOCS), val: fc.integer({ min: 1, max: 3 }), order: fc.constantFrom(WriteOrder.Plain, WriteOrder.Release) }),
  fc.record({ op: fc.constant('R' as const), loc: fc.constantFrom(...LOCS), reg: fc.constantFrom('r0', 'r1', 'r2'), order: fc.constantFrom(ReadOrder.Plain, ReadOrder.AcquirePc, ReadOrder.Acquire) }),
  fc.record({ op: fc.constant('DMB' as const), option: fc.constantFrom('sy', 'ld', 'st') }),
);

/** The program run one instruction after the other on a plain memory. */
function sequential(ops: Op[]): string {
  const mem = new Map<string, number>();
  const regs = new Map<string, number>();
  for (const o of ops) {
    if (o.op === 'W') mem.set(o.loc, o.val);
    if (o.op === 'R') regs.set(o.reg, mem.get(o.loc) ?? 0);
  }
  const parts = [...regs.keys()].sort().map((r) => `0:${r}=${regs.get(r)}`);
  for (const l of [...mem.keys()].sort()) parts.push(`[${l}]=${mem.get(l)}`);
  return parts.join('; ');
}

describe('memory model: a single PE', () => {
  it('every execution of a single-threaded program ends in the sequential result (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 6 }), (ops) => {
        assert.deepEqual([...outcomes([ops])], [sequential(ops)]);
      }),
      { numRuns: 150 },
    );
  });
});
