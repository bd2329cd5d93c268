import * as assert from 'node:assert/strict';
import { AccessType } from '../../simulator/mmu/types';
import { combineFwb, combineS1S2, decodeMairAttr, decodeS2MemAttr } from '../../simulator/mmu/attributes';
import { memAttrs } from '../../simulator/memory/attributes';
import {
  enableEl1,
  enableStage2,
  esrOf,
  fault,
  mmuFixture,
  NORMAL_RW,
  s1Tree,
  s2Tree,
  stage1Leaf,
  stage2Leaf,
  tr,
  writeDescriptors,
} from './helpers';

const S2ROOT = 0x5000_0000;
const S2POOL = 0x5001_0000;
const S2_WB_RW = stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 });

describe('mmu: stage 2', () => {
  it('translates a guest IPA with stage 1 off; unmapped IPA faults to EL2 with the IPA for HPFAR', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(S2ROOT, S2POOL);
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, S2_WB_RW);
    writeDescriptors(f, s2);
    enableStage2(pe, S2ROOT);
    assert.equal(tr(f, pe, 0x8800_0040), 0x9800_0040);
    // Stage 1 off: Device-nGnRnE combined with Normal WB → Device-nGnRnE.
    assert.equal(pe.tAttrs.label, 'Device-nGnRnE');
    const e = fault(f, pe, 0x8800_1010, AccessType.Write);
    assert.equal(esrOf(e), 0x9200_0047); // EC 0x24 (DABT lower EL), WnR, DFSC translation L3
    assert.equal(e.stage, 2);
    assert.equal(e.level, 3);
    assert.equal(e.targetEl, 2);
    assert.equal(e.ipa, 0x8800_1010);
    assert.equal(e.far, 0x8800_1010);
    const i = fault(f, pe, 0x8900_0000, AccessType.Fetch, 4);
    assert.equal(esrOf(i), 0x8200_0006); // EC 0x20 (IABT lower EL), level 2
  });

  it('S2AP and XN permission faults at stage 2', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(S2ROOT, S2POOL);
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 1, xn: 2 }));
    writeDescriptors(f, s2);
    enableStage2(pe, S2ROOT);
    assert.equal(tr(f, pe, 0x8800_0000), 0x9800_0000);
    const w = fault(f, pe, 0x8800_0008, AccessType.Write);
    assert.equal(esrOf(w), 0x9200_004f);
    assert.equal(w.stage, 2);
    assert.equal(w.ipa, 0x8800_0008);
    assert.equal(esrOf(fault(f, pe, 0x8800_0000, AccessType.Fetch, 4)), 0x8200_000f);
  });

  it('concatenated start tables: T0SZ=24 with SL0=1 indexes two level-1 tables', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(S2ROOT, S2POOL, 24, 1);
    assert.equal(s2.geo.startIndexBits, 10);
    s2.map(0x80_8800_0000, 0x1000, 0x9800_0000, S2_WB_RW);
    writeDescriptors(f, s2);
    // Index 0x202 at level 1 → second concatenated table, offset 0x1010.
    assert.ok(s2.writes.some((w) => w.pa === S2ROOT + 0x1010));
    enableStage2(pe, S2ROOT, { t0sz: 24, sl0: 1 });
    assert.equal(tr(f, pe, 0x80_8800_0120), 0x9800_0120);
    // Input above 40 bits: translation fault at level 0.
    const e = fault(f, pe, 0x100_0000_0000);
    assert.equal(esrOf(e), 0x9200_0004);
    // SL0=2 (level 0) is inconsistent with a 32-bit IPA space.
    enableStage2(pe, S2ROOT, { t0sz: 32, sl0: 2 });
    assert.equal(esrOf(fault(f, pe, 0x8800_0000)), 0x9200_0004);
  });

  it('stage-1 walk through stage 2: S1PTW fault reported to EL2 with the table IPA', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s1 = s1Tree(0x4000_0000, 0x4001_0000);
    s1.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, s1);
    const s2 = s2Tree(S2ROOT, S2POOL);
    s2.map(0x4000_0000, 0x1000, 0x4000_0000, S2_WB_RW); // only the level-1 table page
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, S2_WB_RW);
    writeDescriptors(f, s2);
    enableEl1(pe, 0x4000_0000);
    enableStage2(pe, S2ROOT);
    const e = fault(f, pe, 0x1000_0000, AccessType.Write);
    assert.equal(esrOf(e), 0x9200_0087); // S1PTW=1, WnR=0 (the walk reads), DFSC translation L3 (stage 2)
    assert.equal(e.stage, 2);
    assert.equal(e.ipa, 0x4001_0400); // IPA of the level-2 descriptor (first pool page, index 0x80)
    assert.equal(e.far, 0x1000_0000);
    assert.equal(e.targetEl, 2);
    // Map the table pool at stage 2 too (faults are never cached: the next access walks again).
    const fixed = s2Tree(S2ROOT, S2POOL);
    fixed.map(0x4000_0000, 0x1000, 0x4000_0000, S2_WB_RW);
    fixed.map(0x8800_0000, 0x1000, 0x9800_0000, S2_WB_RW);
    fixed.map(0x4001_0000, 0x2000, 0x4001_0000, S2_WB_RW);
    writeDescriptors(f, fixed);
    assert.equal(tr(f, pe, 0x1000_0010), 0x9800_0010);
    assert.equal(pe.tAttrs.label, 'Normal-WB ISH');
  });

  it('HCR_EL2.PTW: stage-1 tables in stage-2 Device memory give an S1PTW permission fault', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s1 = s1Tree(0x4000_0000, 0x4001_0000);
    s1.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, s1);
    const s2 = s2Tree(S2ROOT, S2POOL);
    s2.map(0x4000_0000, 0x20_0000, 0x4000_0000, stage2Leaf({ memAttr: 0, sh: 0, s2ap: 3 }));
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, S2_WB_RW);
    writeDescriptors(f, s2);
    enableEl1(pe, 0x4000_0000);
    enableStage2(pe, S2ROOT, { hcrExtra: 1n << 2n });
    const e = fault(f, pe, 0x1000_0000);
    assert.equal(esrOf(e), 0x9200_008e); // S1PTW, permission fault level 2 (the 2 MB stage-2 block)
  });

  it('HCR_EL2.DC=1: stage 1 treated as off with Normal WB Non-shareable output, stage 2 on', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(S2ROOT, S2POOL);
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, S2_WB_RW);
    writeDescriptors(f, s2);
    enableStage2(pe, S2ROOT);
    pe.writeSysreg('HCR_EL2', (pe.readSysreg('HCR_EL2') & ~1n) | (1n << 12n)); // DC=1, VM=0
    pe.writeSysreg('SCTLR_EL1', pe.readSysreg('SCTLR_EL1') | 1n); // M=1 is ignored
    assert.equal(tr(f, pe, 0x8800_0000), 0x9800_0000);
    assert.equal(pe.tAttrs.label, 'Normal-WB ISH'); // WB NSH (stage 1) combined with WB ISH (stage 2)
    assert.equal(fault(f, pe, 0x8800_1000).stage, 2);
    // DC is ignored with E2H=TGE=1 at EL0 (EL2&0 regime): no stage 2.
    pe.writeSysreg('HCR_EL2', pe.readSysreg('HCR_EL2') | (1n << 34n) | (1n << 27n));
    pe.el = 0;
    assert.equal(tr(f, pe, 0x8800_1000), 0x8800_1000);
    assert.equal(pe.tAttrs.label, 'Device-nGnRnE');
  });

  it('Secure EL1&0 uses VSTTBR_EL2 for the Secure IPA space', () => {
    const f = mmuFixture({ secure: true });
    const pe = f.pes[0];
    const ns = s2Tree(S2ROOT, S2POOL);
    ns.map(0x8800_0000, 0x1000, 0x9800_0000, S2_WB_RW);
    writeDescriptors(f, ns);
    const sec = s2Tree(0x5200_0000, 0x5201_0000);
    sec.map(0x8800_0000, 0x1000, 0xa800_0000, S2_WB_RW);
    writeDescriptors(f, sec);
    enableStage2(pe, S2ROOT);
    pe.writeSysreg('VSTTBR_EL2', 0x5200_0000n);
    pe.writeSysreg('VSTCR_EL2', 32n | (1n << 6n));
    assert.equal(tr(f, pe, 0x8800_0000), 0xa800_0000);
  });

  it('MMU off: data Device-nGnRnE, fetch Normal Outer Shareable NC (SCTLR.I=0) or WT (I=1), PA-size check', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    assert.equal(tr(f, pe, 0x8000_0000), 0x8000_0000);
    assert.equal(pe.tAttrs.label, 'Device-nGnRnE');
    tr(f, pe, 0x8000_0000, AccessType.Fetch, 4);
    assert.equal(pe.tAttrs.label, 'Normal-NC OSH');
    pe.writeSysreg('SCTLR_EL1', pe.readSysreg('SCTLR_EL1') | (1n << 12n));
    tr(f, pe, 0x8000_0000, AccessType.Fetch, 4);
    assert.equal(pe.tAttrs.label, 'Normal-WT OSH');
    assert.equal(esrOf(fault(f, pe, 2 ** 48)), 0x9600_0000);
  });
});

describe('mmu: attribute combining (FWB=0 and FWB=1)', () => {
  const wbIsh = decodeMairAttr(0xff, 3);
  it('decodes MAIR bytes and stage-2 MemAttr', () => {
    assert.equal(wbIsh.label, 'Normal-WB ISH');
    assert.equal(decodeMairAttr(0x44, 3).label, 'Normal-NC OSH');
    assert.equal(decodeMairAttr(0xbb, 2).label, 'Normal-WT OSH');
    assert.equal(decodeMairAttr(0x04, 3).label, 'Device-nGnRE');
    assert.equal(decodeS2MemAttr(0b0001, 3).label, 'Device-nGnRE');
    assert.equal(decodeS2MemAttr(0b0111, 3).label, 'Normal-iWB-oNC OSH'.replace('OSH', 'ISH'));
  });
  it('Device beats Normal; the stricter Device type wins', () => {
    assert.equal(combineS1S2(wbIsh, decodeS2MemAttr(0b0010, 0)).label, 'Device-nGRE');
    assert.equal(combineS1S2(decodeMairAttr(0x04, 0), decodeS2MemAttr(0b0000, 0)).label, 'Device-nGnRnE');
    assert.equal(combineS1S2(decodeMairAttr(0x00, 0), decodeS2MemAttr(0b0011, 0)).label, 'Device-nGnRnE');
  });
  it('NC beats WT beats WB; shareability OS > IS > NS, NC counts as OS', () => {
    assert.equal(combineS1S2(wbIsh, decodeS2MemAttr(0b0101, 3)).label, 'Normal-NC OSH');
    assert.equal(combineS1S2(wbIsh, decodeS2MemAttr(0b1010, 3)).label, 'Normal-WT ISH');
    assert.equal(combineS1S2(wbIsh, decodeS2MemAttr(0b1111, 2)).label, 'Normal-WB OSH');
    assert.equal(combineS1S2(decodeMairAttr(0xff, 0), decodeS2MemAttr(0b1111, 3)).label, 'Normal-WB ISH');
    assert.equal(combineS1S2(decodeMairAttr(0xff, 0), decodeS2MemAttr(0b1111, 0)).label, 'Normal-WB NSH');
  });
  it('FWB=1: forced WB, stage-1 passthrough, NC, Device', () => {
    const nc = memAttrs('normal', { inner: 'nc', outer: 'nc' });
    assert.equal(combineFwb(nc, 0b0110, 3).label, 'Normal-WB OSH');
    assert.equal(combineFwb(wbIsh, 0b0111, 3).label, 'Normal-WB ISH');
    assert.equal(combineFwb(wbIsh, 0b0101, 3).label, 'Normal-NC OSH');
    assert.equal(combineFwb(wbIsh, 0b0001, 3).label, 'Device-nGnRE');
    assert.equal(combineFwb(decodeMairAttr(0x00, 0), 0b0101, 3).label, 'Device-nGnRnE');
  });
});

describe('mmu: stage-2 alignment', () => {
  it('an unaligned access to memory that only stage 2 makes Device is a stage-2 alignment fault (to EL2)', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(S2ROOT, S2POOL);
    s2.map(0x4000_0000, 0x20_0000, 0x4000_0000, S2_WB_RW);
    s2.map(0x0900_0000, 0x1000, 0x0900_0000, stage2Leaf({ memAttr: 0b0000, sh: 0, s2ap: 3 }));
    writeDescriptors(f, s2);
    const s1 = s1Tree(0x4000_0000, 0x4001_0000);
    s1.map(0x1000_0000, 0x1000, 0x0900_0000, stage1Leaf(NORMAL_RW)); // Normal at stage 1
    writeDescriptors(f, s1);
    enableEl1(pe, 0x4000_0000);
    enableStage2(pe, S2ROOT);
    const e = fault(f, pe, 0x1000_0002, AccessType.Read, 4);
    assert.equal(esrOf(e), 0x9200_0021);
    assert.equal(e.stage, 2);
    assert.equal(e.targetEl, 2);
    assert.equal(e.ipa, 0x0900_0002);
  });
});

describe('mmu: fault priority between the stages', () => {
  it('a stage-1 permission fault is reported before stage 2 translates the output address', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(S2ROOT, S2POOL);
    s2.map(0x4000_0000, 0x20_0000, 0x4000_0000, S2_WB_RW); // tables only: the output IPA is unmapped
    writeDescriptors(f, s2);
    const s1 = s1Tree(0x4000_0000, 0x4001_0000);
    s1.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf({ ...NORMAL_RW, ap: 2 }));
    writeDescriptors(f, s1);
    enableEl1(pe, 0x4000_0000);
    enableStage2(pe, S2ROOT);
    const w = fault(f, pe, 0x1000_0000, AccessType.Write);
    assert.equal(esrOf(w), 0x9600_004f); // stage 1, to EL1
    assert.equal(w.targetEl, 1);
    const r = fault(f, pe, 0x1000_0000, AccessType.Read);
    assert.equal(esrOf(r), 0x9200_0005); // the read passes stage 1, then stage 2 faults (level 1: no entry for 0x8000_0000)
    assert.equal(r.targetEl, 2);
  });
});
