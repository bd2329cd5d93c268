import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { GICD, idle, mrs, rd, wr } from './helpers';

describe('GIC properties', () => {
  it('set/clear registers (ISENABLER/ICENABLER, ISPENDR/ICPENDR, ISACTIVER/ICACTIVER) behave as sets of INTIDs', () => {
    const m = idle({ security: 'secure' });
    const regs = [
      [0x100, 0x180],
      [0x200, 0x280],
      [0x300, 0x380],
    ] as const;
    fc.assert(
      fc.property(
        fc.array(fc.record({ reg: fc.integer({ min: 0, max: 2 }), clear: fc.boolean(), n: fc.integer({ min: 1, max: 2 }), bits: fc.integer({ min: 0, max: 0xffff_ffff }) }), { maxLength: 30 }),
        (ops) => {
          for (const [, clr] of regs) for (const n of [1, 2]) wr(m, 0, GICD + clr + 4 * n, 0xffff_ffff);
          const model = regs.map(() => [0, 0, 0]);
          for (const op of ops) {
            const [set, clr] = regs[op.reg];
            wr(m, 0, GICD + (op.clear ? clr : set) + 4 * op.n, op.bits >>> 0);
            model[op.reg][op.n] = (op.clear ? model[op.reg][op.n] & ~op.bits : model[op.reg][op.n] | op.bits) >>> 0;
          }
          regs.forEach(([set, clr], k) => {
            for (const n of [1, 2]) {
              assert.equal(rd(m, 0, GICD + set + 4 * n), model[k][n]);
              assert.equal(rd(m, 0, GICD + clr + 4 * n), model[k][n]);
            }
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the signalled interrupt is the highest-priority (lowest INTID on ties) enabled pending one that beats ICC_PMR_EL1', () => {
    const m = idle({ security: 'nonsecure', pe: '  icc_igrpen1_el1 = 1', extra: 'gic {\n  enable group1ns\n}' });
    const ids = [32, 33, 34, 35, 36, 37, 38, 39];
    fc.assert(
      fc.property(
        fc.array(fc.record({ prio: fc.integer({ min: 0, max: 255 }), enabled: fc.boolean(), pending: fc.boolean() }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 255 }),
        (cfg, pmr) => {
          ids.forEach((id, k) => {
            m.gic.configure(id, { group: '1ns', priority: cfg[k].prio, targetPe: 0 });
            m.gic.setEnabled(id, cfg[k].enabled);
            m.gic.setPending(id, cfg[k].pending);
          });
          m.gic.setPriorityMask(0, pmr);
          let want = -1;
          let best = 0x100;
          ids.forEach((id, k) => {
            const p = cfg[k].prio & 0xf8;
            if (cfg[k].enabled && cfg[k].pending && p < best) {
              best = p;
              want = id;
            }
          });
          const signalled = want >= 0 && best < (pmr & 0xf8) ? want : -1;
          assert.equal(m.gic.highestPending(0)?.intid ?? -1, signalled);
          assert.equal(m.pes[0].irqLine, signalled >= 0);
          assert.equal(mrs(m, 0, 'ICC_HPPIR1_EL1'), BigInt(want >= 0 ? want : 1023), 'HPPIR ignores the mask');
        },
      ),
      { numRuns: 200 },
    );
  });
});
