import * as assert from 'node:assert/strict';
import { GICD, GICR, SGI_BASE, idle, machine, mrs, msr, rd, wr } from './helpers';

/** PE 0 Secure EL1, PE 1 Non-secure EL1: MMIO accesses by each see the Secure / Non-secure view. */
function twoWorlds(extra = '') {
  return machine(`
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
}
pe 0 {
  el 1
  security secure
  entry start
}
pe 1 {
  el 1
  security nonsecure
  entry start
}
code at 0x8000_0000 {
start:
    b     start
}
${extra}
`);
}

describe('GIC distributor registers (GICD_*)', () => {
  it('GICD_TYPER, GICD_IIDR, GICD_PIDR2 identify a GICv3 with INTIDs up to 1019 and two Security states', () => {
    const m = twoWorlds();
    const typer = rd(m, 0, GICD + 0x4);
    assert.equal(typer & 0x1f, 31, 'ITLinesNumber = 31 → 1024 INTIDs');
    assert.equal((typer >>> 10) & 1, 1, 'SecurityExtn');
    assert.equal((typer >>> 19) & 0x1f, 9, 'IDbits = 9 (10-bit INTIDs)');
    assert.equal(rd(m, 0, GICD + 0x8) & 0xfff, 0x43b, 'IIDR implementer Arm');
    assert.equal((rd(m, 0, GICD + 0xffe8) >>> 4) & 0xf, 3, 'PIDR2.ArchRev = 3');
  });

  it('GICD_CTLR: Secure view has EnableGrp0/1NS/1S with ARE_S and ARE_NS fixed at 1; Non-secure view shows EnableGrp1 (bit 0) and ARE_NS (bit 4)', () => {
    const m = twoWorlds();
    assert.equal(rd(m, 0, GICD), 0x30, 'ARE_S | ARE_NS at reset');
    wr(m, 0, GICD, 0x7);
    assert.equal(rd(m, 0, GICD), 0x37);
    assert.equal(rd(m, 1, GICD), 0x11, 'Non-secure: EnableGrp1 (=EnableGrp1NS) and ARE_NS');
    wr(m, 1, GICD, 0x0);
    assert.equal(rd(m, 0, GICD), 0x35, 'a Non-secure write clears only EnableGrp1NS');
    wr(m, 0, GICD, 0x40);
    assert.equal(rd(m, 0, GICD) & 0x40, 0, 'DS cannot be set (two Security states)');
  });

  it('GICD_IGROUPR/IGRPMODR set the group; Non-secure accesses are RAZ/WI', () => {
    const m = twoWorlds();
    wr(m, 0, GICD + 0x80 + 4, 0b101); // INTIDs 32 and 34: IGROUPR=1
    wr(m, 0, GICD + 0xd00 + 4, 0b110); // INTIDs 33 and 34: IGRPMODR=1
    assert.equal(m.gic.groupOf(32), '1ns');
    assert.equal(m.gic.groupOf(33), '1s');
    assert.equal(m.gic.groupOf(34), '1ns', 'IGROUPR=1 with IGRPMODR=1 is reserved: treated as Non-secure Group 1');
    assert.equal(m.gic.groupOf(35), '0');
    assert.equal(rd(m, 0, GICD + 0x84), 0b101);
    assert.equal(rd(m, 1, GICD + 0x84), 0, 'Non-secure read of IGROUPR is RAZ');
    wr(m, 1, GICD + 0x84, 0xffff_ffff);
    assert.equal(m.gic.groupOf(35), '0', 'Non-secure write of IGROUPR is ignored');
    assert.equal(rd(m, 0, GICD + 0x80), 0, 'register 0 (SGIs/PPIs) is RAZ/WI with affinity routing');
  });

  it('GICD_ISENABLER/ICENABLER, ISPENDR/ICPENDR, ISACTIVER/ICACTIVER: set and clear, reads show the state; Secure interrupts are RAZ/WI to Non-secure', () => {
    const m = twoWorlds();
    wr(m, 0, GICD + 0x84, 0b1); // INTID 32 → G1NS; 33 stays G0
    for (const [set, clr, what] of [[0x100, 0x180, 'enable'], [0x200, 0x280, 'pending'], [0x300, 0x380, 'active']] as const) {
      wr(m, 0, GICD + set + 4, 0b11);
      assert.equal(rd(m, 0, GICD + set + 4), 0b11, `${what}: both set (Secure read of the set register)`);
      assert.equal(rd(m, 0, GICD + clr + 4), 0b11, `${what}: the clear register reads the same state`);
      assert.equal(rd(m, 1, GICD + set + 4), 0b01, `${what}: Non-secure sees only the Non-secure Group 1 interrupt`);
      wr(m, 1, GICD + clr + 4, 0b11);
      assert.equal(rd(m, 0, GICD + set + 4), 0b10, `${what}: Non-secure clear reached only INTID 32`);
      wr(m, 0, GICD + clr + 4, 0b10);
      assert.equal(rd(m, 0, GICD + set + 4), 0, `${what}: cleared`);
    }
    assert.equal(m.gic.isEnabled(33), false);
  });

  it('GICD_IPRIORITYR: byte-accessible, 5 priority bits; a Non-secure access sees the Non-secure view of Non-secure interrupts', () => {
    const m = twoWorlds();
    wr(m, 0, GICD + 0x84, 0b1); // INTID 32 G1NS
    wr(m, 0, GICD + 0x400 + 33, 0xa7, 1);
    assert.equal(m.gic.priorityOf(33), 0xa0, 'low 3 bits not implemented');
    wr(m, 0, GICD + 0x420, 0x1122_3344); // INTIDs 32..35 in one word
    assert.equal(rd(m, 0, GICD + 0x420), 0x1020_3040);
    assert.equal(rd(m, 0, GICD + 0x422, 1), 0x20);
    wr(m, 1, GICD + 0x420, 0x40, 1); // Non-secure write to INTID 32: stored (0x40 >> 1) | 0x80
    assert.equal(m.gic.priorityOf(32), 0xa0);
    assert.equal(rd(m, 1, GICD + 0x420, 1), 0x40, 'Non-secure read: (0xa0 << 1) & 0xff');
    assert.equal(rd(m, 1, GICD + 0x421, 1), 0, 'INTID 33 is Group 0: RAZ to Non-secure');
    wr(m, 1, GICD + 0x421, 0x00, 1);
    assert.equal(m.gic.priorityOf(33), 0x30, 'and WI');
  });

  it('GICD_ICFGR: Int_config[1] selects edge-triggered; registers 0 and 1 (SGIs/PPIs) are RAZ/WI', () => {
    const m = twoWorlds();
    wr(m, 0, GICD + 0xc08, 0b10_00_10); // INTIDs 32 and 34 edge
    assert.equal(rd(m, 0, GICD + 0xc08), 0b10_00_10);
    m.gic.setLevel(32, true);
    m.gic.setLevel(32, false);
    assert.equal(m.gic.isPending(32), true, 'edge-triggered: the rising edge latched pending');
    m.gic.setLevel(33, true);
    assert.equal(m.gic.isPending(33), true, 'level-sensitive: pending while high');
    m.gic.setLevel(33, false);
    assert.equal(m.gic.isPending(33), false, 'and not after the line drops');
    assert.equal(rd(m, 0, GICD + 0xc04), 0);
  });

  it('GICD_IROUTER<n>: 64-bit, Aff3.Aff2.Aff1.Aff0 and IRM; routes SPIs by affinity', () => {
    const m = twoWorlds();
    const ir = (n: number): number => GICD + 0x6000 + 8 * n;
    assert.equal(rd(m, 0, ir(40), 8), 0, 'reset: affinity 0.0.0.0');
    wr(m, 0, ir(40), 0x1, 8); // Aff0 = 1 → PE 1
    assert.equal(rd(m, 0, ir(40), 8), 1);
    assert.equal(m.gic.spiTarget(40), 1);
    wr(m, 0, ir(40), 0x0000_00ff_8000_0000, 8);
    assert.equal(rd(m, 0, ir(40), 8), 0x0000_00ff_8000_0000, 'IRM and Aff3 stored');
    wr(m, 0, ir(40), 0xffff_ffff, 4);
    assert.equal(rd(m, 0, ir(40), 4), 0x80ff_ffff, 'RES0 bits [30:24] read as zero');
  });

  it('GICD_SETSPI_NSR / CLRSPI_NSR make a Non-secure SPI pending and clear it; SETSPI_SR is Secure-only', () => {
    const m = twoWorlds();
    wr(m, 0, GICD + 0x84, 0b1); // 32 G1NS, 33 G0
    wr(m, 1, GICD + 0x40, 32);
    assert.equal(m.gic.isPending(32), true);
    wr(m, 1, GICD + 0x48, 32);
    assert.equal(m.gic.isPending(32), false);
    wr(m, 1, GICD + 0x40, 33);
    assert.equal(m.gic.isPending(33), false, 'a Non-secure SETSPI_NSR cannot reach a Group 0 SPI');
    wr(m, 1, GICD + 0x50, 33);
    assert.equal(m.gic.isPending(33), false, 'SETSPI_SR ignores Non-secure writes');
    wr(m, 0, GICD + 0x50, 33);
    assert.equal(m.gic.isPending(33), true);
  });
});

describe('GIC redistributor registers (GICR_*)', () => {
  it('GICR_TYPER reports each PE affinity and processor number; Last is set on the last frame', () => {
    const m = idle({ pes: 4, clusters: 2 });
    for (let p = 0; p < 4; p++) {
      const base = GICR + p * 0x2_0000;
      const aff = rd(m, 0, base + 0xc);
      const cluster = p < 2 ? 0 : 1;
      assert.equal(aff, (cluster << 8) | (p % 2), `PE ${p}: Aff1 = cluster, Aff0 = index`);
      const lo = rd(m, 0, base + 0x8);
      assert.equal((lo >>> 8) & 0xffff, p);
      assert.equal((lo >>> 4) & 1, p === 3 ? 1 : 0);
    }
    assert.equal(rd(m, 0, GICR + 0x4) & 0xfff, 0x43b);
  });

  it('GICR_WAKER: ProcessorSleep resets to 1; clearing it clears ChildrenAsleep', () => {
    const m = idle();
    assert.equal(rd(m, 0, GICR + 0x14), 0b110);
    wr(m, 0, GICR + 0x14, 0);
    assert.equal(rd(m, 0, GICR + 0x14), 0);
  });

  it('SGI_base frame: IGROUPR0, ISENABLER0/ICENABLER0, ISPENDR0, IPRIORITYR, ICFGR1, IGRPMODR0 are banked per PE', () => {
    const m = idle({ pes: 2, security: 'secure' });
    const r1 = GICR + 0x2_0000 + SGI_BASE;
    wr(m, 0, r1 + 0x80, 1 << 27); // PE 1's PPI 27 → G1NS
    wr(m, 0, r1 + 0xd00, 1 << 29); // PE 1's PPI 29 → G1S
    wr(m, 0, r1 + 0x100, (1 << 27) | (1 << 29));
    wr(m, 0, r1 + 0x400 + 27, 0x50, 1);
    assert.equal(m.gic.groupOf(27, 1), '1ns');
    assert.equal(m.gic.groupOf(29, 1), '1s');
    assert.equal(m.gic.groupOf(27, 0), '0', 'PE 0 has its own copy');
    assert.equal(m.gic.isEnabled(27, 1), true);
    assert.equal(m.gic.isEnabled(27, 0), false);
    assert.equal(m.gic.priorityOf(27, 1), 0x50);
    assert.equal(rd(m, 0, r1 + 0x100), (1 << 27) | (1 << 29));
    wr(m, 0, r1 + 0x180, 1 << 29);
    assert.equal(rd(m, 0, r1 + 0x100), 1 << 27);
    assert.equal(rd(m, 0, r1 + 0xc00), 0xaaaa_aaaa, 'ICFGR0: SGIs are edge-triggered');
    wr(m, 0, r1 + 0xc00, 0);
    assert.equal(rd(m, 0, r1 + 0xc00), 0xaaaa_aaaa, 'and it is read-only');
    wr(m, 0, r1 + 0xc04, 2 << (2 * (27 - 16)));
    assert.equal(rd(m, 0, r1 + 0xc04), 2 << (2 * (27 - 16)));
    wr(m, 0, r1 + 0x200, 1 << 5);
    assert.equal(m.gic.isPending(5, 1), true);
    assert.equal(m.gic.isPending(5, 0), false);
  });
});

describe('GIC CPU interface registers (ICC_*)', () => {
  it('ICC_PMR_EL1 keeps 5 priority bits; ICC_CTLR_EL1 reports PRIbits=4, IDbits=0', () => {
    const m = idle({ security: 'secure' });
    msr(m, 0, 'ICC_PMR_EL1', 0xffn);
    assert.equal(mrs(m, 0, 'ICC_PMR_EL1'), 0xf8n);
    const ctlr = mrs(m, 0, 'ICC_CTLR_EL1');
    assert.equal((ctlr >> 8n) & 7n, 4n);
    assert.equal((ctlr >> 11n) & 7n, 0n);
  });

  it('ICC_BPR0_EL1 and ICC_BPR1_EL1 clamp to their minimums (2 and 3); with CBPR, BPR1 reads BPR0 (+1 saturated in Non-secure)', () => {
    const m = idle({ security: 'nonsecure' });
    assert.equal(mrs(m, 0, 'ICC_BPR0_EL1'), 2n);
    assert.equal(mrs(m, 0, 'ICC_BPR1_EL1'), 3n);
    msr(m, 0, 'ICC_BPR0_EL1', 0n);
    assert.equal(mrs(m, 0, 'ICC_BPR0_EL1'), 2n);
    msr(m, 0, 'ICC_BPR1_EL1', 6n);
    assert.equal(mrs(m, 0, 'ICC_BPR1_EL1'), 6n);
    msr(m, 0, 'ICC_BPR0_EL1', 7n);
    msr(m, 0, 'ICC_CTLR_EL1', 1n); // CBPR
    assert.equal(mrs(m, 0, 'ICC_BPR1_EL1'), 7n, 'BPR0 + 1 saturated at 7');
    msr(m, 0, 'ICC_BPR1_EL1', 4n);
    msr(m, 0, 'ICC_CTLR_EL1', 0n);
    assert.equal(mrs(m, 0, 'ICC_BPR1_EL1'), 6n, 'the write with CBPR=1 was ignored');
  });

  it('ICC_IGRPEN1_EL1, ICC_CTLR_EL1 are banked by Security state; ICC_IGRPEN1_EL3 and ICC_CTLR_EL3 see both copies', () => {
    const m = idle({ el: 3, security: 'secure' });
    // EL3 with SCR_EL3.NS=0 reaches the Secure copies.
    msr(m, 0, 'ICC_IGRPEN1_EL1', 1n);
    assert.equal(mrs(m, 0, 'ICC_IGRPEN1_EL3'), 0b10n, 'EnableGrp1S');
    msr(m, 0, 'SCR_EL3', m.pes[0].readSysreg('SCR_EL3') | 1n);
    assert.equal(mrs(m, 0, 'ICC_IGRPEN1_EL1'), 0n, 'SCR_EL3.NS=1 selects the Non-secure copy');
    msr(m, 0, 'ICC_IGRPEN1_EL3', 0b01n);
    assert.equal(mrs(m, 0, 'ICC_IGRPEN1_EL1'), 1n);
    msr(m, 0, 'ICC_CTLR_EL1', 0b10n); // Non-secure EOImode
    assert.equal(mrs(m, 0, 'ICC_CTLR_EL3') & 0x1fn, 0b10000n, 'EOImode_EL1NS');
    msr(m, 0, 'ICC_CTLR_EL3', 0b01100n); // EOImode_EL1S | EOImode_EL3
    assert.equal((mrs(m, 0, 'ICC_CTLR_EL3') >> 17n) & 1n, 1n, 'nDS: DS cannot be set');
    msr(m, 0, 'SCR_EL3', m.pes[0].readSysreg('SCR_EL3') & ~1n);
    assert.equal(mrs(m, 0, 'ICC_CTLR_EL1') & 2n, 2n, 'Secure copy EOImode from CTLR_EL3.EOImode_EL1S');
    assert.equal(m.gic.eoiModeEl3[0], 1);
  });

  it('ICC_SRE_ELx read as system-register interface enabled (SRE, DFB, DIB; Enable at EL2/EL3)', () => {
    const m = idle({ el: 3, security: 'secure' });
    assert.equal(mrs(m, 0, 'ICC_SRE_EL1'), 7n);
    assert.equal(mrs(m, 0, 'ICC_SRE_EL3'), 0xfn);
    msr(m, 0, 'ICC_SRE_EL3', 0n);
    assert.equal(mrs(m, 0, 'ICC_SRE_EL3'), 0xfn, 'SRE is RAO/WI');
  });

  it('ICC_HPPIR1, ICC_IAR1, ICC_AP1R0, ICC_RPR, ICC_EOIR1 and ICC_DIR with EOImode=1', () => {
    const m = idle({
      security: 'nonsecure',
      pe: '  icc_pmr_el1 = 0xff\n  icc_igrpen1_el1 = 1',
      extra: 'gic {\n  enable group1ns\n  interrupt 50 group 1ns priority 0x90 enabled\n}',
    });
    m.gic.raise(50);
    assert.equal(mrs(m, 0, 'ICC_HPPIR1_EL1'), 50n);
    assert.equal(mrs(m, 0, 'ICC_HPPIR0_EL1'), 1023n, 'not Group 0');
    msr(m, 0, 'ICC_CTLR_EL1', 2n); // EOImode = 1
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 50n);
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 1023n, 'nothing else pending');
    assert.equal(mrs(m, 0, 'ICC_AP1R0_EL1'), 1n << BigInt(0x90 >> 3), 'active priority bit for group priority 0x90');
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0x90n);
    msr(m, 0, 'ICC_EOIR1_EL1', 50n);
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0xffn, 'priority dropped');
    assert.equal(m.gic.isActive(50), true, 'EOImode=1: still active until ICC_DIR_EL1');
    msr(m, 0, 'ICC_DIR_EL1', 50n);
    assert.equal(m.gic.isActive(50), false);
    // Views for the debugger and expectations: the PE storage mirrors the ICC_* state.
    assert.equal(m.pes[0].readSysreg('ICC_CTLR_EL1') & 2n, 2n);
    assert.equal(m.pes[0].readSysreg('ICC_RPR_EL1'), 0xffn);
  });

  it('ICC_EOIR1_EL1 of an interrupt of another group than the highest active priority is ignored', () => {
    const m = idle({
      el: 3,
      security: 'secure',
      pe: '  icc_pmr_el1 = 0xff\n  icc_igrpen0_el1 = 1\n  icc_igrpen1_el3 = 3',
      extra: 'gic {\n  enable group0 group1s\n  interrupt 60 group 0 priority 0x40 enabled\n}',
    });
    m.gic.raise(60);
    assert.equal(mrs(m, 0, 'ICC_IAR0_EL1'), 60n);
    msr(m, 0, 'ICC_EOIR1_EL1', 60n);
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0x40n, 'EOIR1 does not drop a Group 0 priority');
    msr(m, 0, 'ICC_EOIR0_EL1', 60n);
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0xffn);
    assert.equal(m.gic.isActive(60), false);
  });

  it('ICC_IAR0_EL1 at EL3 returns 1020/1021 for a pending Secure/Non-secure Group 1 interrupt without acknowledging it', () => {
    const m = idle({
      el: 3,
      security: 'secure',
      pe: '  icc_pmr_el1 = 0xff\n  icc_igrpen1_el3 = 3',
      extra: 'gic {\n  enable group1s group1ns\n  interrupt 70 group 1s priority 0x40 enabled\n  interrupt 71 group 1ns priority 0x80 enabled\n}',
    });
    m.gic.raise(70);
    m.gic.raise(71);
    assert.equal(mrs(m, 0, 'ICC_IAR0_EL1'), 1020n);
    assert.equal(mrs(m, 0, 'ICC_HPPIR0_EL1'), 1020n);
    assert.equal(m.gic.isPending(70), true);
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 70n, 'at EL3, IAR1 acknowledges Group 1 of either Security state');
    assert.equal(mrs(m, 0, 'ICC_IAR0_EL1'), 1023n, 'INTID 71 (0x80) cannot preempt the running 0x40');
  });
});
