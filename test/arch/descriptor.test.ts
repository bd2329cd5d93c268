import * as assert from 'node:assert/strict';
import { decodeDescriptor, decodeMairAttr, decodeStage2MemAttr, decodeStage2MemAttrFwb, levelSize } from '../../simulator/arch';

describe('arch: translation table descriptors', () => {
  it('stage-1 level-3 page: attributes, permissions, XN', () => {
    const d = decodeDescriptor(0x0060_0000_8800_0747n, { stage: 1, level: 3 });
    assert.equal(d.type, 'page');
    assert.equal(d.address, 0x8800_0000n);
    assert.equal(d.size, 4096);
    assert.equal(d.attrIndx, 1);
    assert.equal(d.sh, 3);
    assert.equal(d.ap, 1);
    assert.equal(d.af, true);
    assert.equal(d.pxn, true);
    assert.equal(d.uxn, true);
    assert.equal(d.nG, false);
    assert.equal(d.summary, 'Page 4KB → 0x8800_0000, Attr1, Inner Shareable, EL1 RW, EL0 RW, PXN, UXN');
    assert.equal(d.fields.find((f) => f.name === 'AP')!.meaning, 'EL1 RW, EL0 RW');
  });

  it('stage-1 blocks at level 1 (1GB) and 2 (2MB); the OA drops the offset bits', () => {
    const l2 = decodeDescriptor(0x0000_0000_4020_0401n | (1n << 11n), { stage: 1, level: 2 });
    assert.equal(l2.type, 'block');
    assert.equal(l2.size, 2 * 1024 * 1024);
    assert.equal(l2.address, 0x4020_0000n);
    assert.equal(l2.nG, true);
    const l1 = decodeDescriptor(0x4000_0401n | (2n << 6n), { stage: 1, level: 1, regime: 'EL2' });
    assert.equal(l1.type, 'block');
    assert.equal(l1.size, 2 ** 30);
    assert.equal(l1.address, 0x4000_0000n);
    assert.equal(l1.fields.find((f) => f.name === 'AP')!.meaning, 'RO');
  });

  it('reserved encodings: block at level 0 and 0b01 at level 3', () => {
    assert.equal(decodeDescriptor(0x401n, { stage: 1, level: 0 }).type, 'reserved');
    assert.equal(decodeDescriptor(0x401n, { stage: 1, level: 3 }).type, 'reserved');
    assert.equal(decodeDescriptor(0x8000_0000n, { stage: 2, level: 1 }).type, 'invalid');
  });

  it('stage-1 table descriptor with hierarchical attributes', () => {
    const d = decodeDescriptor(0x8000_0000_8801_0003n | (1n << 61n) | (1n << 59n), { stage: 1, level: 0 });
    assert.equal(d.type, 'table');
    assert.equal(d.address, 0x8801_0000n);
    assert.deepEqual(d.table, { pxnTable: true, uxnTable: false, apTable: 1, nsTable: true });
    assert.equal(d.summary, 'Table → next level at 0x8801_0000 NSTable APTable=1 PXNTable');
  });

  it('stage-2 page: MemAttr, S2AP, XN and Hafnium software bits', () => {
    const d = decodeDescriptor(0x0180_0000_8800_07ffn, { stage: 2, level: 3 });
    assert.equal(d.type, 'page');
    assert.equal(d.memAttr, 0xf);
    assert.equal(d.ap, 3);
    assert.equal(d.sh, 3);
    assert.deepEqual(d.hafnium, { owned: true, exclusive: true, ns: false });
    assert.equal(d.summary, 'Page 4KB → 0x8800_0000, Normal Write-Back, Inner Shareable, S2AP Read/write, [OWNED EXCLUSIVE]');
    const dev = decodeDescriptor(0x0200_0000_0900_0443n | (2n << 53n), { stage: 2, level: 3 });
    assert.equal(dev.fields.find((f) => f.name === 'MemAttr')!.meaning, 'Device-nGnRnE');
    assert.equal(dev.fields.find((f) => f.name === 'S2AP')!.meaning, 'Read-only');
    assert.equal(dev.fields.find((f) => f.name === 'XN')!.meaning, 'Not executable');
    assert.equal(dev.hafnium!.ns, true);
    assert.equal(dev.sh, 0);
    const fwb = decodeDescriptor(0x8800_0000n | 0x400n | (6n << 2n) | 3n, { stage: 2, level: 3, fwb: true });
    assert.equal(fwb.fields.find((f) => f.name === 'MemAttr')!.meaning, 'Normal Write-Back (forced)');
  });

  it('stage-2 table descriptors carry no attributes', () => {
    const d = decodeDescriptor(0x8800_0003n, { stage: 2, level: 1 });
    assert.equal(d.type, 'table');
    assert.equal(d.table, undefined);
    assert.equal(d.address, 0x8800_0000n);
  });

  it('memory attribute helpers', () => {
    assert.equal(decodeMairAttr(0x00).device, 'nGnRnE');
    assert.equal(decodeMairAttr(0xff).inner?.type, 'WB');
    assert.equal(decodeMairAttr(0xff).inner?.writeAllocate, true);
    assert.equal(decodeMairAttr(0x44).inner?.type, 'NC');
    assert.equal(decodeMairAttr(0x40).xs0, true);
    assert.equal(decodeMairAttr(0x02).kind, 'unpredictable');
    assert.equal(decodeStage2MemAttr(0x5), 'Normal Non-cacheable');
    assert.equal(decodeStage2MemAttr(0x1), 'Device-nGnRE');
    assert.equal(decodeStage2MemAttr(0xd), 'Normal Outer Write-Back, Inner Non-cacheable');
    assert.equal(decodeStage2MemAttrFwb(5), 'Normal Non-cacheable (stage-1 Device still wins)');
    assert.equal(decodeStage2MemAttrFwb(7), 'Stage-1 attributes used');
    assert.equal(levelSize(0), 2 ** 39);
    assert.equal(levelSize(2, 16384), 32 * 1024 * 1024);
  });
});
