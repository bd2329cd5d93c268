import * as assert from 'node:assert/strict';
import { AccessType } from '../../simulator/mmu/types';
import { SyncException } from '../../simulator/pe/exception';
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

const VA = 0x1000_0000;

function guest(opts: { mapTables?: boolean } = {}) {
  const f = mmuFixture();
  const pe = f.pes[0];
  const s1 = s1Tree(0x4000_0000, 0x4001_0000);
  s1.map(VA, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
  s1.map(VA + 0x1000, 0x1000, 0x8800_1000, stage1Leaf({ ...NORMAL_RW, ap: 2 }));
  s1.map(VA + 0x2000, 0x1000, 0x8800_2000, stage1Leaf(NORMAL_RW));
  writeDescriptors(f, s1);
  const s2 = s2Tree(0x5000_0000, 0x5001_0000);
  if (opts.mapTables ?? true) s2.map(0x4000_0000, 0x20_0000, 0x4000_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
  else s2.map(0x4000_0000, 0x1000, 0x4000_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
  s2.map(0x8800_0000, 0x2000, 0x9800_0000, stage2Leaf({ memAttr: 0b0101, sh: 0, s2ap: 3 }));
  writeDescriptors(f, s2);
  enableEl1(pe, 0x4000_0000);
  return { f, pe };
}

describe('mmu: AT instructions → PAR_EL1', () => {
  it('S1E1R without stage 2: PA, ATTR from MAIR, SH, NS', () => {
    const { f, pe } = guest();
    // ATTR=0xFF (Normal WB), NS=1, SH=0b11 (Inner), bit 11 RES1, PA 0x8800_0000.
    assert.equal(f.mmu.addressTranslate(pe, 's1e1r', VA + 0x234), 0xff00_0000_8800_0b80n);
  });

  it('S1E1W on a read-only page: F=1, FST permission level 3', () => {
    const { f, pe } = guest();
    assert.equal(f.mmu.addressTranslate(pe, 's1e1w', VA + 0x1000), 0x81fn);
    assert.equal(f.mmu.addressTranslate(pe, 's1e1r', VA + 0x1000) & 1n, 0n);
  });

  it('S1E1R of an unmapped VA: FST translation level 3', () => {
    const { f, pe } = guest();
    assert.equal(f.mmu.addressTranslate(pe, 's1e1r', VA + 0x3000), 0x80fn);
  });

  it('with stage 2 on, S1E1R returns the IPA and S12E1R the PA with combined attributes', () => {
    const { f, pe } = guest();
    enableStage2(pe, 0x5000_0000);
    assert.equal(f.mmu.addressTranslate(pe, 's1e1r', VA), 0xff00_0000_8800_0b80n);
    pe.el = 2;
    // Stage 2 NC: combined Normal NC → ATTR 0x44, SH reported Outer (0b10).
    assert.equal(f.mmu.addressTranslate(pe, 's12e1r', VA), 0x4400_0000_9800_0b00n);
    // Stage-2 fault on the final IPA: F=1, S=1, FST translation level 3.
    assert.equal(f.mmu.addressTranslate(pe, 's12e1r', VA + 0x2000), 0xa0fn);
  });

  it('S1E1R from EL1 with a stage-2 fault on the walk is taken to EL2 (S1PTW, CM); from EL2 it is reported in PAR', () => {
    const { f, pe } = guest({ mapTables: false });
    enableStage2(pe, 0x5000_0000);
    let thrown: SyncException | undefined;
    try {
      f.mmu.addressTranslate(pe, 's1e1r', VA);
    } catch (e) {
      thrown = e as SyncException;
    }
    assert.ok(thrown instanceof SyncException);
    assert.equal(esrOf(thrown), 0x9200_01c7); // EC 0x24, CM, S1PTW, WnR, stage-2 translation L3
    assert.equal(thrown.targetEl, 2);
    pe.el = 2;
    assert.equal(f.mmu.addressTranslate(pe, 's1e1r', VA), 0xb0fn); // F, FST 0x07, PTW, S, RES1
  });

  it('S1E0R checks EL0 permissions; AT does not fill the TLB', () => {
    const { f, pe } = guest();
    assert.equal(f.mmu.addressTranslate(pe, 's1e0r', VA), 0x81fn);
    assert.equal(f.mmu.tlbEntries(pe).length, 0);
    assert.equal(tr(f, pe, VA, AccessType.Read), 0x8800_0000);
    assert.equal(esrOf(fault(f, pe, VA + 0x1000, AccessType.Write)), 0x9600_004f);
  });
});
