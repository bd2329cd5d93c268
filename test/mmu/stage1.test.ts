import * as assert from 'node:assert/strict';
import { AccessType } from '../../simulator/mmu/types';
import { enableEl1, esrOf, fault, mmuFixture, NORMAL_RW, s1Tree, stage1Leaf, tr, writeDescriptors } from './helpers';

const ROOT = 0x4000_0000;
const POOL = 0x4001_0000;

describe('mmu: stage 1 (EL1&0, 4 KB granule)', () => {
  function setup(map: (b: ReturnType<typeof s1Tree>) => void, tcr = 0n, sctlr = 0n) {
    const f = mmuFixture();
    const pe = f.pes[0];
    const b = s1Tree(ROOT, POOL);
    map(b);
    writeDescriptors(f, b);
    enableEl1(pe, ROOT, tcr, sctlr);
    return { f, pe, b };
  }

  it('translates a 4 KB page and a 2 MB block with MAIR attributes', () => {
    const { f, pe, b } = setup((b) => {
      b.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
      b.map(0x2000_0000, 0x20_0000, 0x8a00_0000, stage1Leaf({ attrIndx: 0, sh: 0, ap: 0 }));
    });
    assert.equal(tr(f, pe, 0x1000_0123), 0x8800_0123);
    assert.equal(pe.tAttrs.label, 'Normal-WB ISH');
    assert.equal(tr(f, pe, 0x2012_3450), 0x8a12_3450);
    assert.equal(pe.tAttrs.label, 'Device-nGnRnE');
    // 2 MB mapping aligned on both sides → one level-2 block descriptor (type 0b01).
    const blockDesc = b.writes.find((w) => ((w.lo & 0xffff_f000) >>> 0) === 0x8a00_0000)!;
    assert.equal(blockDesc.lo & 3, 1);
  });

  it('reports a level-3 translation fault with exact ESR and FAR (read and write)', () => {
    const { f, pe } = setup((b) => b.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW)));
    const r = fault(f, pe, 0x1000_1008);
    assert.equal(esrOf(r), 0x9600_0007); // EC 0x25 (DABT same EL), IL, DFSC translation L3
    assert.equal(r.far, 0x1000_1008);
    assert.equal(r.kind, 'translation');
    assert.equal(r.stage, 1);
    assert.equal(r.level, 3);
    assert.equal(r.targetEl, 1);
    const w = fault(f, pe, 0x1000_1008, AccessType.Write);
    assert.equal(esrOf(w), 0x9600_0047); // WnR=1
    const i = fault(f, pe, 0x1000_1000, AccessType.Fetch, 4);
    assert.equal(esrOf(i), 0x8600_0007); // EC 0x21 IABT same EL
  });

  it('reports translation faults at levels 1 and 2, and level 0 outside the T0SZ range', () => {
    const { f, pe } = setup((b) => b.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW)));
    assert.equal(esrOf(fault(f, pe, 0x4000_0000)), 0x9600_0005); // level 1 entry for 1 GB at 0x4000_0000 empty
    assert.equal(esrOf(fault(f, pe, 0x1020_0000)), 0x9600_0006); // level 2 entry empty
    const out = fault(f, pe, 0x80_0000_0000); // bit 39 set, T0SZ=25 covers 39 bits
    assert.equal(esrOf(out), 0x9600_0004);
    assert.equal(out.level, 0);
  });

  it('EL0 access to an EL1-only page: permission fault to EL1 as a lower-EL abort', () => {
    const { f, pe } = setup((b) => b.map(0x1000_0000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW)));
    pe.el = 0;
    const e = fault(f, pe, 0x1000_0000);
    assert.equal(esrOf(e), 0x9200_000f); // EC 0x24, permission L3
    assert.equal(e.targetEl, 1);
    pe.el = 1;
    assert.equal(tr(f, pe, 0x1000_0000), 0x8800_0000);
  });

  it('access flag fault without TCR.HA; hardware update with TCR.HA=1', () => {
    const leaf = stage1Leaf({ ...NORMAL_RW, af: false });
    const a = setup((b) => b.map(0x1000_0000, 0x1000, 0x8800_0000, leaf));
    const e = fault(a.f, a.pe, 0x1000_0000);
    assert.equal(esrOf(e), 0x9600_000b);
    assert.equal(e.kind, 'access-flag');
    const h = setup((b) => b.map(0x1000_0000, 0x1000, 0x8800_0000, leaf), 1n << 39n);
    assert.equal(tr(h.f, h.pe, 0x1000_0000), 0x8800_0000);
    const d = h.b.writes.find((w) => ((w.lo & 0xffff_f000) >>> 0) === 0x8800_0000)!;
    assert.equal(h.f.physical.readU32(d.pa) & 0x400, 0x400, 'AF set in memory');
  });

  it('address size faults: output address above TCR.IPS, table base above TCR.IPS', () => {
    const { f, pe } = setup((b) => b.map(0x1000_0000, 0x1000, 0x1_0000_0000, stage1Leaf(NORMAL_RW)));
    assert.equal(tr(f, pe, 0x1000_0000), 0x1_0000_0000);
    // IPS=0 (32 bits): OA 0x1_0000_0000 is out of range at level 3 (after TLBI: the entry was cached).
    pe.writeSysreg('TCR_EL1', (pe.readSysreg('TCR_EL1') & ~(7n << 32n)) | (0n << 32n));
    f.mmu.tlbi(pe, 'vmalle1', undefined);
    assert.equal(esrOf(fault(f, pe, 0x1000_0000)), 0x9600_0003);
    pe.writeSysreg('TTBR0_EL1', 0x1_0000_0000n);
    const e = fault(f, pe, 0x1000_0000);
    assert.equal(esrOf(e), 0x9600_0000);
    assert.equal(e.kind, 'address-size');
  });

  it('upper VA range through TTBR1_EL1 (sign-extended VAs)', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const b = s1Tree(0x4100_0000, 0x4110_0000, 25, true);
    const va = -(2 ** 39) + 0x1000_0000; // 0xFFFF_FF80_1000_0000
    b.map(va, 0x1000, 0x8900_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, b);
    enableEl1(pe, ROOT);
    // T1SZ=25, TG1=0b10 (4K), EPD1=0.
    pe.writeSysreg('TCR_EL1', (pe.readSysreg('TCR_EL1') & ~(1n << 23n)) | (25n << 16n) | (2n << 30n) | (1n << 24n) | (1n << 26n) | (3n << 28n));
    pe.writeSysreg('TTBR1_EL1', 0x4100_0000n);
    assert.equal(tr(f, pe, va + 0x18), 0x8900_0018);
    assert.equal(esrOf(fault(f, pe, -(2 ** 39) - 0x1000)), 0x9600_0004);
  });

  describe('permissions', () => {
    const VA = 0x1000_0000;
    function withLeaf(o: Parameters<typeof stage1Leaf>[0], tcr = 0n, sctlr = 0n) {
      return setup((b) => b.map(VA, 0x1000, 0x8800_0000, stage1Leaf(o)), tcr, sctlr);
    }
    it('AP[2]=1 is read-only at EL1', () => {
      const { f, pe } = withLeaf({ ...NORMAL_RW, ap: 2 });
      assert.equal(tr(f, pe, VA), 0x8800_0000);
      assert.equal(esrOf(fault(f, pe, VA, AccessType.Write)), 0x9600_004f);
    });
    it('AP=01 is RW at EL0 and then never executable at EL1 (implicit PXN)', () => {
      const { f, pe } = withLeaf({ ...NORMAL_RW, ap: 1 });
      pe.el = 0;
      assert.equal(tr(f, pe, VA, AccessType.Write), 0x8800_0000);
      assert.equal(tr(f, pe, VA, AccessType.Fetch, 4), 0x8800_0000);
      pe.el = 1;
      assert.equal(esrOf(fault(f, pe, VA, AccessType.Fetch, 4)), 0x8600_000f);
    });
    it('PXN and UXN', () => {
      const { f, pe } = withLeaf({ ...NORMAL_RW, ap: 3, pxn: true });
      assert.equal(esrOf(fault(f, pe, VA, AccessType.Fetch, 4)), 0x8600_000f);
      pe.el = 0;
      assert.equal(tr(f, pe, VA, AccessType.Fetch, 4), 0x8800_0000);
      const u = withLeaf({ ...NORMAL_RW, ap: 3, uxn: true });
      u.pe.el = 0;
      assert.equal(esrOf(fault(u.f, u.pe, VA, AccessType.Fetch, 4)), 0x8200_000f); // EC 0x20 IABT lower EL
    });
    it('SCTLR_EL1.WXN makes writable memory execute-never', () => {
      const { f, pe } = withLeaf(NORMAL_RW, 0n, 1n << 19n);
      assert.equal(esrOf(fault(f, pe, VA, AccessType.Fetch, 4)), 0x8600_000f);
    });
    it('PSTATE.PAN blocks EL1 data access to EL0-accessible pages', () => {
      const { f, pe } = withLeaf({ ...NORMAL_RW, ap: 1 });
      assert.equal(tr(f, pe, VA), 0x8800_0000);
      pe.pstateOther |= 1 << 22;
      const e = fault(f, pe, VA);
      assert.equal(esrOf(e), 0x9600_000f);
      assert.match(e.reason ?? '', /PAN/);
    });
    it('SCTLR_EL1.EPAN: PAN also covers EL0 execute-only pages', () => {
      const { f, pe } = withLeaf({ ...NORMAL_RW, ap: 0 }); // EL0 execute-only (UXN=0)
      pe.pstateOther |= 1 << 22;
      assert.equal(tr(f, pe, VA), 0x8800_0000);
      pe.writeSysreg('SCTLR_EL1', pe.readSysreg('SCTLR_EL1') | (1n << 57n));
      assert.equal(esrOf(fault(f, pe, VA)), 0x9600_000f);
    });
    it('APTable[1] makes everything below read-only; TCR.HPD0 disables it', () => {
      const make = (tcr: bigint) => {
        const r = withLeaf(NORMAL_RW, tcr);
        // Set APTable=0b10 on the level-1 table descriptor.
        const l1 = r.b.writes[0];
        r.f.physical.writeU32(l1.pa + 4, l1.hi | (1 << 30));
        return r;
      };
      const a = make(0n);
      assert.equal(esrOf(fault(a.f, a.pe, VA, AccessType.Write)), 0x9600_004f);
      const h = make(1n << 41n);
      assert.equal(tr(h.f, h.pe, VA, AccessType.Write), 0x8800_0000);
    });
  });

  describe('alignment', () => {
    it('SCTLR_EL1.A=1: unaligned access faults with DFSC 0x21 before translation', () => {
      const { f, pe } = setup(() => undefined, 0n, 1n << 1n);
      const e = fault(f, pe, 0x1000_0004, AccessType.Read, 8);
      assert.equal(esrOf(e), 0x9600_0021);
      assert.equal(e.kind, 'alignment');
    });
    it('unaligned access to Device memory faults; to Normal memory it does not', () => {
      const { f, pe } = setup((b) => {
        b.map(0x1000_0000, 0x1000, 0x0900_0000, stage1Leaf({ attrIndx: 0, sh: 0, ap: 0 }));
        b.map(0x1000_1000, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
      });
      assert.equal(esrOf(fault(f, pe, 0x1000_0002, AccessType.Write, 4)), 0x9600_0061);
      assert.equal(tr(f, pe, 0x1000_1002, AccessType.Read, 4), 0x8800_0002);
    });
  });
});

describe('mmu: descriptor fields', () => {
  it('outputAddress keeps bits [47:shift] for page, 2 MB, 1 GB and 512 GB sizes', async () => {
    const { outputAddress, tableIndex } = await import('../../simulator/mmu/descriptor');
    const lo = 0xdead_b7ff >>> 0;
    const hi = 0xffff_1234 >>> 0; // bits [63:48] are attributes: never part of the address
    assert.equal(outputAddress(lo, hi, 12), 0x1234_dead_b000);
    assert.equal(outputAddress(lo, hi, 21), 0x1234_dea0_0000);
    assert.equal(outputAddress(lo, hi, 30), 0x1234_c000_0000);
    assert.equal(outputAddress(lo, hi, 39), 0x1200_0000_0000);
    assert.equal(tableIndex(0x7f_c020_1000, 30, 9), 0x1ff);
    assert.equal(tableIndex(0x7f_c020_1000, 21, 9), 1);
  });
});

describe('mmu: 64 KB and 16 KB granules', () => {
  for (const [name, g, tg0] of [
    ['64 KB', 16, 1n],
    ['16 KB', 14, 2n],
  ] as const) {
    it(`${name} granule: pages and level-2 blocks (TCR_EL1.TG0)`, async () => {
      const { TableBuilder, stage1Geometry } = await import('../../simulator/mmu/pagetable/builder');
      const f = mmuFixture();
      const pe = f.pes[0];
      const geo = stage1Geometry(22, g);
      const b = new TableBuilder({ stage: 1, root: 0x4000_0000, poolBase: 0x4010_0000, poolSize: 0x10_0000, granuleBits: g, ...geo });
      const page = 2 ** g;
      const block = 2 ** (g + (g - 3));
      b.map(0x1000_0000, page, 0x8800_0000, stage1Leaf(NORMAL_RW));
      b.map(block * 9, block, 0x9000_0000 - (0x9000_0000 % block), stage1Leaf(NORMAL_RW));
      writeDescriptors(f, b);
      pe.writeSysreg('MAIR_EL1', 0xffn << 8n);
      pe.writeSysreg('TCR_EL1', 22n | (tg0 << 14n) | (3n << 12n) | (1n << 23n) | (5n << 32n));
      pe.writeSysreg('TTBR0_EL1', 0x4000_0000n);
      pe.writeSysreg('SCTLR_EL1', pe.readSysreg('SCTLR_EL1') | 1n);
      assert.equal(tr(f, pe, 0x1000_0000 + page - 8), 0x8800_0000 + page - 8);
      assert.equal(tr(f, pe, block * 9 + 0x1230), 0x9000_0000 - (0x9000_0000 % block) + 0x1230);
      assert.equal(fault(f, pe, 0x1000_0000 + page).level, 3);
    });
  }
});
