import * as assert from 'node:assert/strict';
import { AccessType } from '../../simulator/mmu/types';
import { esrOf, fault, mmuFixture, NORMAL_RW, s1Tree, stage1Leaf, tr, writeDescriptors } from './helpers';

const ROOT = 0x4000_0000;
const POOL = 0x4001_0000;
const VA = 0x1000_0000;
/** TCR in the TCR_EL1 layout: T0SZ=25, WB walks, Inner Shareable, 4K, EPD1, IPS 48 bits. */
const TCR_EL1_LAYOUT = 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (5n << 32n);

describe('mmu: translation regimes', () => {
  it('EL2 (E2H=0): TTBR0_EL2, TCR_EL2 PS layout, AP[2] only, faults to EL2 as same-EL aborts', () => {
    const f = mmuFixture({ el: 2 });
    const pe = f.pes[0];
    const b = s1Tree(ROOT, POOL, 16);
    b.map(VA, 0x1000, 0x8800_0000, stage1Leaf({ ...NORMAL_RW, ap: 2 }));
    b.map(VA + 0x1000, 0x1000, 0x8800_1000, stage1Leaf({ ...NORMAL_RW, ap: 1 })); // AP[1] is ignored at EL2
    writeDescriptors(f, b);
    pe.writeSysreg('MAIR_EL2', 0xffn << 8n);
    pe.writeSysreg('TCR_EL2', 0x8080_0000n | 16n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (5n << 16n));
    pe.writeSysreg('TTBR0_EL2', BigInt(ROOT));
    pe.writeSysreg('SCTLR_EL2', pe.readSysreg('SCTLR_EL2') | 1n | 4n);
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    assert.equal(pe.tAttrs.label, 'Normal-WB ISH');
    const e = fault(f, pe, VA, AccessType.Write);
    assert.equal(esrOf(e), 0x9600_004f);
    assert.equal(e.targetEl, 2);
    assert.equal(tr(f, pe, VA + 0x1000, AccessType.Write), 0x8800_1000);
    // EL1&0 tables are not used at EL2.
    assert.equal(esrOf(fault(f, pe, VA + 0x2000)), 0x9600_0007);
  });

  it('EL2&0 (E2H=1, TGE=1): EL0 uses TTBR0_EL2 with EL1-layout TCR_EL2; EL0 faults go to EL2', () => {
    const f = mmuFixture({ el: 2 });
    const pe = f.pes[0];
    const b = s1Tree(ROOT, POOL);
    b.map(VA, 0x1000, 0x8800_0000, stage1Leaf({ ...NORMAL_RW, ap: 0 }));
    b.map(VA + 0x1000, 0x1000, 0x8800_1000, stage1Leaf({ ...NORMAL_RW, ap: 1 }));
    writeDescriptors(f, b);
    pe.writeSysreg('HCR_EL2', pe.readSysreg('HCR_EL2') | (1n << 34n) | (1n << 27n));
    pe.writeSysreg('MAIR_EL2', 0xffn << 8n);
    pe.writeSysreg('TCR_EL2', TCR_EL1_LAYOUT);
    pe.writeSysreg('TTBR0_EL2', BigInt(ROOT));
    pe.writeSysreg('SCTLR_EL2', pe.readSysreg('SCTLR_EL2') | 1n | 4n);
    assert.equal(tr(f, pe, VA), 0x8800_0000); // EL2 itself
    pe.el = 0;
    assert.equal(tr(f, pe, VA + 0x1000), 0x8800_1000);
    const e = fault(f, pe, VA);
    assert.equal(esrOf(e), 0x9200_000f); // EL0 → EL2: lower-EL data abort
    assert.equal(e.targetEl, 2);
    // SCTLR_EL1 / TTBR0_EL1 play no part.
    pe.writeSysreg('SCTLR_EL1', pe.readSysreg('SCTLR_EL1') & ~1n);
    assert.equal(tr(f, pe, VA + 0x1000), 0x8800_1000);
  });

  it('EL3: TTBR0_EL3 / TCR_EL3 / SCTLR_EL3', () => {
    const f = mmuFixture({ el: 3 });
    const pe = f.pes[0];
    const b = s1Tree(ROOT, POOL, 32);
    b.map(VA, 0x1000, 0x8800_0000, stage1Leaf({ ...NORMAL_RW, ns: true }));
    writeDescriptors(f, b);
    pe.writeSysreg('MAIR_EL3', 0xffn << 8n);
    pe.writeSysreg('TCR_EL3', 0x8080_0000n | 32n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (2n << 16n));
    pe.writeSysreg('TTBR0_EL3', BigInt(ROOT));
    pe.writeSysreg('SCTLR_EL3', pe.readSysreg('SCTLR_EL3') | 1n | 4n);
    assert.equal(tr(f, pe, VA + 4), 0x8800_0004);
    assert.equal(f.mmu.addressTranslate(pe, 's1e3r', VA) & (1n << 9n), 1n << 9n, 'NS=1 from the descriptor');
    const e = fault(f, pe, VA + 0x1000);
    assert.equal(e.targetEl, 3);
    assert.equal(esrOf(e), 0x9600_0007);
  });
});
