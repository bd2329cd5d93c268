import * as assert from 'node:assert/strict';
import { AccessType } from '../../simulator/mmu/types';
import { performTlbi } from '../../simulator/mmu/tlbi';
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
  type MmuFixture,
} from './helpers';
import type { TableBuilder } from '../../simulator/mmu/pagetable/builder';

const ROOT = 0x4000_0000;
const POOL = 0x4001_0000;
const VA = 0x1000_0000;

/** Rewrite the leaf descriptor that maps `oldPa` to map `newPa` instead (a plain store: no TLB maintenance). */
function retarget(f: MmuFixture, b: TableBuilder, oldPa: number, newPa: number): void {
  const w = b.writes.find((x) => ((x.lo & 0xffff_f000) >>> 0) === oldPa && (x.lo & 0x400) !== 0)!;
  f.physical.writeU32(w.pa, ((w.lo & 0xfff) | newPa) >>> 0);
}

function setup(pes = 1, ng = false) {
  const f = mmuFixture({ pes });
  const b = s1Tree(ROOT, POOL);
  b.map(VA, 0x1000, 0x8800_0000, stage1Leaf({ ...NORMAL_RW, ng }));
  b.map(VA + 0x1000, 0x1000, 0x8800_1000, stage1Leaf({ ...NORMAL_RW, ng }));
  writeDescriptors(f, b);
  for (const pe of f.pes) enableEl1(pe, ROOT);
  return { f, b };
}

describe('mmu: TLBs and TLB maintenance', () => {
  it('a changed descriptor stays invisible until TLBI (stale entry), then the new PA is used', () => {
    const { f, b } = setup();
    const pe = f.pes[0];
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    assert.equal(tr(f, pe, VA + 8), 0x8800_0008, 'stale TLB entry still used');
    // Register writes (e.g. an ISB-separated MSR) do not drop TLB entries.
    pe.writeSysreg('TPIDR_EL1', 1n);
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    f.mmu.tlbi(pe, 'vae1', BigInt(VA / 4096));
    assert.equal(tr(f, pe, VA), 0x8900_0000);
  });

  it('TLBI VAE1 only removes the entry covering that VA', () => {
    const { f, b } = setup();
    const pe = f.pes[0];
    tr(f, pe, VA);
    tr(f, pe, VA + 0x1000);
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    retarget(f, b, 0x8800_1000, 0x8900_1000);
    assert.equal(performTlbi(f.mmu.domain, pe, 'vale1', BigInt((VA + 0x1000) / 4096)), 1);
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    assert.equal(tr(f, pe, VA + 0x1000), 0x8900_1000);
    f.mmu.tlbi(pe, 'vmalle1', undefined);
    assert.equal(tr(f, pe, VA), 0x8900_0000);
  });

  it('TLBI VMALLE1IS reaches every PE; TLBI VMALLE1 only the executing PE', () => {
    const { f, b } = setup(2);
    const [p0, p1] = f.pes;
    tr(f, p0, VA);
    tr(f, p1, VA);
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    f.mmu.tlbi(p0, 'vmalle1', undefined);
    assert.equal(tr(f, p0, VA), 0x8900_0000);
    assert.equal(tr(f, p1, VA), 0x8800_0000, 'PE 1 still holds the stale entry');
    f.mmu.tlbi(p0, 'vmalle1is', undefined);
    assert.equal(tr(f, p1, VA), 0x8900_0000);
  });

  it('HCR_EL2.FB=1 upgrades EL1 TLBI to broadcast', () => {
    const { f, b } = setup(2);
    const [p0, p1] = f.pes;
    tr(f, p1, VA);
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    p0.writeSysreg('HCR_EL2', p0.readSysreg('HCR_EL2') | (1n << 9n));
    f.mmu.tlbi(p0, 'vae1', BigInt(VA / 4096));
    assert.equal(tr(f, p1, VA), 0x8900_0000);
  });

  it('entries are tagged by ASID (nG=1): TLBI ASIDE1 removes one ASID only', () => {
    const { f, b } = setup(1, true);
    const pe = f.pes[0];
    pe.writeSysreg('TTBR0_EL1', BigInt(ROOT) | (1n << 48n));
    tr(f, pe, VA);
    pe.writeSysreg('TTBR0_EL1', BigInt(ROOT) | (2n << 48n));
    tr(f, pe, VA);
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    f.mmu.tlbi(pe, 'aside1', 2n << 48n);
    assert.equal(tr(f, pe, VA), 0x8900_0000, 'ASID 2 walked again');
    pe.writeSysreg('TTBR0_EL1', BigInt(ROOT) | (1n << 48n));
    assert.equal(tr(f, pe, VA), 0x8800_0000, 'ASID 1 entry survived');
    f.mmu.tlbi(pe, 'vaae1', BigInt(VA / 4096));
    assert.equal(tr(f, pe, VA), 0x8900_0000);
  });

  it('entries are tagged by VMID; IPAS2E1 leaves combined entries until VMALLE1 (architectural two-step)', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(0x5000_0000, 0x5001_0000);
    const leaf = stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 });
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, leaf);
    writeDescriptors(f, s2);
    enableStage2(pe, 0x5000_0000, { vmid: 1 });
    assert.equal(tr(f, pe, 0x8800_0000), 0x9800_0000);
    retarget(f, s2, 0x9800_0000, 0x9900_0000);
    // Another VMID does not hit VMID 1's entry.
    pe.writeSysreg('VTTBR_EL2', 0x5000_0000n | (2n << 48n));
    assert.equal(tr(f, pe, 0x8800_0000), 0x9900_0000);
    pe.writeSysreg('VTTBR_EL2', 0x5000_0000n | (1n << 48n));
    assert.equal(tr(f, pe, 0x8800_0000), 0x9800_0000);
    pe.el = 2;
    f.mmu.tlbi(pe, 'ipas2e1is', BigInt(0x8800_0000 / 4096));
    pe.el = 1;
    assert.equal(tr(f, pe, 0x8800_0000), 0x9800_0000, 'combined entry survives IPAS2E1');
    pe.el = 2;
    f.mmu.tlbi(pe, 'vmalle1is', undefined);
    pe.el = 1;
    assert.equal(tr(f, pe, 0x8800_0000), 0x9900_0000);
  });

  it('TLBI ALLE2 / VAE2 act on the EL2 regime only', () => {
    const f = mmuFixture({ el: 2 });
    const pe = f.pes[0];
    const b = s1Tree(ROOT, POOL, 16);
    b.map(VA, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, b);
    pe.writeSysreg('MAIR_EL2', 0xffn << 8n);
    pe.writeSysreg('TCR_EL2', 0x8080_0000n | 16n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (5n << 16n));
    pe.writeSysreg('TTBR0_EL2', BigInt(ROOT));
    pe.writeSysreg('SCTLR_EL2', pe.readSysreg('SCTLR_EL2') | 1n | 4n);
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    f.mmu.tlbi(pe, 'vmalle1', undefined);
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    f.mmu.tlbi(pe, 'vae2', BigInt(VA / 4096));
    assert.equal(tr(f, pe, VA), 0x8900_0000);
  });

  it('a translation fault is never cached; a permission-faulting entry is', () => {
    const { f, b } = setup();
    const pe = f.pes[0];
    assert.equal(esrOf(fault(f, pe, VA + 0x2000)), 0x9600_0007);
    b.map(VA + 0x2000, 0x1000, 0x8800_2000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, b);
    assert.equal(tr(f, pe, VA + 0x2000), 0x8800_2000);
    pe.el = 0;
    assert.equal(esrOf(fault(f, pe, VA)), 0x9200_000f);
    assert.ok(f.mmu.tlbEntries(pe).length >= 2);
  });

  it('snapshot/restore of the domain brings TLB contents back', () => {
    const { f, b } = setup();
    const pe = f.pes[0];
    tr(f, pe, VA);
    const snap = f.mmu.domain.snapshot();
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    f.mmu.tlbi(pe, 'vmalle1', undefined);
    assert.equal(tr(f, pe, VA), 0x8900_0000);
    f.mmu.domain.restore(snap);
    assert.equal(tr(f, pe, VA), 0x8800_0000);
  });

  it('the micro-TLB does not bypass permission checks for a different access type or EL', () => {
    const { f } = setup();
    const pe = f.pes[0];
    assert.equal(tr(f, pe, VA), 0x8800_0000);
    assert.equal(tr(f, pe, VA, AccessType.Write), 0x8800_0000);
    pe.el = 0;
    assert.equal(esrOf(fault(f, pe, VA)), 0x9200_000f);
  });
});

describe('mmu: TLB entries across SCTLR_EL1.M changes', () => {
  it('entries made with stage 1 off never serve stage-1-on lookups (and vice versa)', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(0x5000_0000, 0x5001_0000);
    s2.map(0x1000_0000, 0x1000, 0x9000_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
    s2.map(0x4000_0000, 0x20_0000, 0x4000_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
    writeDescriptors(f, s2);
    const s1 = s1Tree(ROOT, POOL);
    s1.map(VA, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, s1);
    enableStage2(pe, 0x5000_0000);
    assert.equal(tr(f, pe, VA), 0x9000_0000); // stage 1 off: IPA = VA
    enableEl1(pe, ROOT);
    assert.equal(tr(f, pe, VA), 0x9800_0000); // stage 1 on: VA → IPA 0x8800_0000 → PA
    pe.writeSysreg('SCTLR_EL1', pe.readSysreg('SCTLR_EL1') & ~1n);
    assert.equal(tr(f, pe, VA), 0x9000_0000);
  });

  it('an unknown TLBI operation invalidates conservatively (always permitted)', () => {
    const { f, b } = setup();
    const pe = f.pes[0];
    tr(f, pe, VA);
    retarget(f, b, 0x8800_0000, 0x8900_0000);
    f.mmu.tlbi(pe, 'paall', undefined);
    assert.equal(tr(f, pe, VA), 0x8900_0000);
  });
});

describe('mmu: more TLBI forms', () => {
  it('range TLBI RVAE1 removes every entry in the range, and only those', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const b = s1Tree(ROOT, POOL);
    for (let i = 0; i < 4; i++) b.map(VA + i * 0x1000, 0x1000, 0x8800_0000 + i * 0x1000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, b);
    enableEl1(pe, ROOT);
    for (let i = 0; i < 4; i++) tr(f, pe, VA + i * 0x1000);
    // TG=01 (4K), SCALE=0, NUM=0 → (0+1) * 2^1 = 2 pages from BaseADDR = VA+0x1000.
    const op = (1n << 46n) | BigInt((VA + 0x1000) / 4096);
    assert.equal(performTlbi(f.mmu.domain, pe, 'rvae1', op), 2);
    assert.equal(f.mmu.tlbEntries(pe).length, 2);
  });

  it('VMALLS12E1 drops stage-1 and stage-2 entries of the current VMID only; ALLE1 of every VMID', () => {
    const f = mmuFixture();
    const pe = f.pes[0];
    const s2 = s2Tree(0x5000_0000, 0x5001_0000);
    s2.map(0x8800_0000, 0x1000, 0x9800_0000, stage2Leaf({ memAttr: 0xf, sh: 3, s2ap: 3 }));
    writeDescriptors(f, s2);
    enableStage2(pe, 0x5000_0000, { vmid: 1 });
    tr(f, pe, 0x8800_0000);
    enableStage2(pe, 0x5000_0000, { vmid: 2 });
    tr(f, pe, 0x8800_0000);
    assert.equal(f.mmu.tlbEntries(pe).length, 4); // a stage-2 and a combined entry per VMID
    pe.el = 2;
    f.mmu.tlbi(pe, 'vmalls12e1', undefined);
    assert.deepEqual(f.mmu.tlbEntries(pe).map((e) => e.ctx.vmid), [1, 1]);
    f.mmu.tlbi(pe, 'alle1is', undefined);
    assert.equal(f.mmu.tlbEntries(pe).length, 0);
  });

  it('TLBI VMALLE1 at EL2 with E2H=TGE=1 invalidates the EL2&0 regime', () => {
    const f = mmuFixture({ el: 2 });
    const pe = f.pes[0];
    const b = s1Tree(ROOT, POOL);
    b.map(VA, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, b);
    pe.writeSysreg('HCR_EL2', pe.readSysreg('HCR_EL2') | (1n << 34n) | (1n << 27n));
    pe.writeSysreg('MAIR_EL2', 0xffn << 8n);
    pe.writeSysreg('TCR_EL2', 25n | (3n << 12n) | (1n << 23n) | (5n << 32n));
    pe.writeSysreg('TTBR0_EL2', BigInt(ROOT));
    pe.writeSysreg('SCTLR_EL2', pe.readSysreg('SCTLR_EL2') | 1n);
    tr(f, pe, VA);
    assert.equal(f.mmu.tlbEntries(pe)[0].ctx.regime, 1 /* Regime.EL20 */);
    f.mmu.tlbi(pe, 'vmalle1', undefined);
    assert.equal(f.mmu.tlbEntries(pe).length, 0);
  });

  it('Secure and Non-secure entries are separate: TLBI from Non-secure EL1 leaves Secure entries', () => {
    const f = mmuFixture({ pes: 2 });
    const [ns, s] = f.pes;
    s.writeSysreg('SCR_EL3', s.readSysreg('SCR_EL3') & ~1n); // PE 1 Secure
    const b = s1Tree(ROOT, POOL);
    b.map(VA, 0x1000, 0x8800_0000, stage1Leaf(NORMAL_RW));
    writeDescriptors(f, b);
    enableEl1(ns, ROOT);
    enableEl1(s, ROOT);
    tr(f, ns, VA);
    tr(f, s, VA);
    f.mmu.tlbi(ns, 'vmalle1is', undefined);
    assert.equal(f.mmu.tlbEntries(ns).length, 0);
    assert.equal(f.mmu.tlbEntries(s).length, 1);
    assert.equal(f.mmu.tlbEntries(s)[0].ctx.secure, true);
  });
});
