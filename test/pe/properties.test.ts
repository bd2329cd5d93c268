import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { findRegister } from '../../simulator/arch/registers';
import { HCR_BITS, makeHarness, ref, setReg } from './harness';

const CODE = 0x8000_0000;
const VBAR1 = 0x8010_0000;
const TVM_GROUP = ['SCTLR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'TCR_EL1', 'ESR_EL1', 'FAR_EL1', 'AFSR0_EL1', 'AFSR1_EL1', 'MAIR_EL1', 'AMAIR_EL1', 'CONTEXTIDR_EL1'];

describe('pe: properties', () => {
  it('a trapped MRS/MSR syndrome decodes back to the instruction (Op0/Op1/CRn/CRm/Op2/Rt/Direction)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TVM_GROUP), fc.integer({ min: 0, max: 30 }), fc.boolean(), (name, rt, read) => {
        const h = makeHarness({ el: 1 });
        setReg(h.pe, 'VBAR_EL2', 0x8020_0000n);
        h.nop(0x8020_0400);
        setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM | HCR_BITS.TRVM);
        h.pe.pc = CODE;
        const r = ref(name);
        h.at(CODE, name, (p) => (read ? p.sys.mrs(p, r, rt) : p.sys.msr(p, r, rt)));
        h.pe.step();
        const esr = Number(h.pe.readSysreg('ESR_EL2'));
        const e = findRegister(name)!.encoding!;
        assert.equal(esr >>> 26, 0x18);
        assert.equal((esr >>> 25) & 1, 1);
        assert.deepEqual(
          {
            op0: (esr >>> 20) & 3,
            op2: (esr >>> 17) & 7,
            op1: (esr >>> 14) & 7,
            crn: (esr >>> 10) & 0xf,
            rt: (esr >>> 5) & 0x1f,
            crm: (esr >>> 1) & 0xf,
            read: (esr & 1) === 1,
          },
          { ...e, rt, read },
        );
      }),
      { numRuns: 200 },
    );
  });

  it('SVC then ERET restores PSTATE and returns after the SVC, from EL0 or EL1', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0 as const, 1 as const),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0x3ff }),
        (el, nzcv, daif, spsel, imm, slot) => {
          const h = makeHarness({ el });
          setReg(h.pe, 'VBAR_EL1', BigInt(VBAR1));
          for (let off = 0; off < 0x800; off += 0x80) h.at(VBAR1 + off, 'eret', (p) => p.sys.eret(p));
          const pc = CODE + slot * 4;
          h.pe.pc = pc;
          h.at(pc, 'svc', (p) => p.sys.exceptionGenerating(p, 'svc', imm));
          h.pe.setNzcv((nzcv << 28) >>> 0);
          h.pe.setDaif(daif << 6);
          h.pe.spsel = el === 0 ? 0 : spsel;
          h.pe.pstateOther = 1 << 12; // SSBS
          h.pe.step();
          assert.equal(h.pe.el, 1);
          assert.equal(Number(h.pe.readSysreg('ESR_EL1')), ((0x15 << 26) | (1 << 25) | imm) >>> 0);
          h.pe.setNzcv(0);
          h.pe.step();
          assert.deepEqual(
            [h.pe.el, h.pe.nzcv() >>> 28, h.pe.daif() >>> 6, h.pe.spsel, h.pe.pc, h.pe.il, h.pe.pstateOther],
            [el, nzcv, daif, el === 0 ? 0 : spsel, pc + 4, 0, 1 << 12],
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
