import * as assert from 'node:assert/strict';
import { describeTlb, describeTranslation } from '../../simulator/mmu/view';
import { enableEl1, enableStage2, mmuFixture, NORMAL_RW, s1Tree, s2Tree, stage1Leaf, stage2Leaf, tr, writeDescriptors } from './helpers';

describe('mmu: translation views', () => {
  it('shows every descriptor of a stage-1 walk through stage 2, decoded, without filling the TLB', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s1 = s1Tree(0x4000_0000, 0x4001_0000);
    s1.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, s1);
    const s2 = s2Tree(0x5000_0000, 0x5001_0000);
    s2.map(0x4000_0000, 0x20_0000, 0x4000_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
    writeDescriptors(f, s2);
    enableEl1(pe, 0x4000_0000);
    enableStage2(pe, 0x5000_0000);
    const v = describeTranslation(f.mmu, pe, 0x1000_0010);
    assert.equal(v.regime, 'EL1&0');
    assert.equal(v.pa, 0x9800_0010);
    assert.equal(v.ipa, 0x8800_0010);
    assert.equal(v.attrs, 'Normal-WB ISH');
    // Each of the 3 stage-1 table accesses needs a stage-2 walk (2 reads: L1, L2 block), then stage 2 of the output (3 reads).
    assert.deepEqual(
      v.steps.map((s) => `${s.stage}:${s.level}:${s.decoded.type}`),
      ['2:1:table', '2:2:block', '1:1:table', '2:1:table', '2:2:block', '1:2:table', '2:1:table', '2:2:block', '1:3:page', '2:1:table', '2:2:table', '2:3:page'],
    );
    assert.equal(f.mmu.tlbEntries(pe).length, 0);
  });

  it('flags a stale TLB entry and lists the TLB', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const b = s1Tree(0x4000_0000, 0x4001_0000);
    b.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf({ ...NORMAL_RW, ng: true }));
    writeDescriptors(f, b);
    enableEl1(pe, 0x4000_0000);
    pe.writeSysreg('TTBR0_EL1', 0x4000_0000n | (5n << 48n));
    tr(f, pe, 0x1000_0000);
    const leaf = b.writes[b.writes.length - 1];
    f.physical.writeU32(leaf.pa, 0);
    const v = describeTranslation(f.mmu, pe, 0x1000_0000);
    assert.equal(v.fault?.kind, 'translation');
    assert.equal(v.fault?.level, 3);
    assert.deepEqual(v.tlb, { pa: 0x8800_0000, attrs: 'Normal-WB ISH', stale: true });
    const rows = describeTlb(f.mmu, pe);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].context, 'EL1&0 NS VMID 0 ASID 5');
    assert.equal(rows[0].input, '0x1000_0000..0x1000_0fff');
    assert.equal(rows[0].permissions, 'EL1 RWX EL0 --X'); // AP=00, UXN=0: EL0 execute-only (hence FEAT_EPAN)
  });
});
