import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { allRegisters, checkReservedBits, decodeDescriptor, decodeFunctionId, decodeValue } from '../../simulator/arch';
import type { DecodedField } from '../../simulator/arch';

/** Fields must be msb-first, contiguous, non-overlapping over [msb:lsb], and OR back to the value. */
function assertTiles(fields: DecodedField[], msb: number, lsb: number, value: bigint, where: string): void {
  let next = msb;
  let acc = 0n;
  for (const f of fields) {
    assert.equal(f.msb, next, `${where}: ${f.name} starts at ${f.msb}, expected ${next}`);
    assert.ok(f.lsb <= f.msb && f.lsb >= lsb, `${where}: ${f.name}`);
    assert.ok(f.value < 1n << BigInt(f.msb - f.lsb + 1), `${where}: ${f.name} value too wide`);
    acc |= f.value << BigInt(f.lsb);
    next = f.lsb - 1;
    if (f.children) assertTiles(f.children, f.msb, f.lsb, value, `${where}.${f.name}`);
  }
  assert.equal(next, lsb - 1, `${where}: bits [${next}:${lsb}] not covered`);
  const mask = ((1n << BigInt(msb - lsb + 1)) - 1n) << BigInt(lsb);
  assert.equal(acc, value & mask, `${where}: fields do not re-assemble`);
}

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('arch: decode properties (fast-check)', () => {
  it('every register: decoded fields tile the register and re-assemble to the value', () => {
    const regs = allRegisters();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: regs.length - 1 }), u64, fc.boolean(), (i, raw, e2h) => {
        const r = regs[i];
        const d = decodeValue(r.name, raw, { e2h })!;
        const v = BigInt.asUintN(r.width, raw);
        assert.equal(d.value, v);
        assertTiles(d.fields, r.width - 1, 0, v, r.name);
        // RES violations reported by checkReservedBits match the flagged fields
        const flagged = new Set<number>();
        for (const f of d.fields) {
          if (!f.violation) continue;
          for (let bit = f.lsb; bit <= f.msb; bit++) {
            const set = ((v >> BigInt(bit)) & 1n) === 1n;
            if ((f.kind === 'res0' && set) || (f.kind === 'res1' && !set)) flagged.add(bit);
          }
        }
        assert.deepEqual(checkReservedBits(r.name, v, { e2h }).map((x) => x.bit), [...flagged].sort((a, b) => a - b));
      }),
      { numRuns: 3000 },
    );
  });

  it('every register decodes all-zero and all-one values in both E2H contexts', () => {
    for (const r of allRegisters()) {
      for (const e2h of [false, true]) {
        for (const v of [0n, (1n << BigInt(r.width)) - 1n]) assertTiles(decodeValue(r.name, v, { e2h })!.fields, r.width - 1, 0, v, r.name);
      }
    }
  });

  it('ESR: any EC and ISS decodes into tiling children', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0x1ff_ffff }), (ec, iss) => {
        const v = (BigInt(ec) << 26n) | (1n << 25n) | BigInt(iss);
        const d = decodeValue('ESR_EL1', v)!;
        assertTiles(d.fields, 63, 0, v, `ESR ec=${ec}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('descriptors: fields tile 64 bits for any value, stage and level', () => {
    fc.assert(
      fc.property(u64, fc.constantFrom(1 as const, 2 as const), fc.integer({ min: 0, max: 3 }), (v, stage, level) => {
        const d = decodeDescriptor(v, { stage, level });
        assertTiles(d.fields, 63, 0, v, `descriptor s${stage} l${level}`);
        if (d.type === 'block' || d.type === 'page') {
          // OA = descriptor bits [47:log2(size)]
          const oaMask = ((1n << 48n) - 1n) & ~BigInt(d.size! - 1);
          assert.equal(d.address, v & oaMask);
          assert.equal(d.fields.find((f) => f.name === 'OA')!.lsb, Math.log2(d.size!));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('function IDs: the decoded parts re-assemble the FID', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (w0) => {
        const d = decodeFunctionId(w0);
        const rebuilt = ((d.fast ? 0x8000_0000 : 0) | (d.smc64 ? 0x4000_0000 : 0) | (d.oen << 24) | (w0 & 0x00ff_0000) | d.functionNumber) >>> 0;
        assert.equal(rebuilt, w0 >>> 0);
        if (d.ffa) assert.equal(d.ffa.number, d.functionNumber);
        if (d.name) assert.equal(d.mbzViolation, false);
      }),
      { numRuns: 3000 },
    );
  });
});
