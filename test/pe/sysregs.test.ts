import * as assert from 'node:assert/strict';
import { findRegister, layoutOf } from '../../simulator/arch/registers';
import { reservedMasks } from '../../simulator/arch/registers/define';
import { EC } from '../../simulator/pe/exception';
import type { SystemModel } from '../../simulator/pe/system';
import { peekSysreg } from '../../simulator/pe/sysregs';
import { HCR_BITS, makeHarness, ref, setReg } from './harness';

const IL = 1 << 25;
const CODE = 0x8000_0000;
const VBAR1 = 0x8010_0000;
const VBAR2 = 0x8020_0000;

function machine(el: 0 | 1 | 2 | 3) {
  const h = makeHarness({ el });
  for (const [n, base] of [
    [1, VBAR1],
    [2, VBAR2],
  ] as const) {
    setReg(h.pe, `VBAR_EL${n}`, BigInt(base));
    for (let off = 0; off < 0x800; off += 0x80) h.nop(base + off);
  }
  h.pe.pc = CODE;
  return h;
}

/** Execute one `msr <name>, x<rt>` with x<rt> = value. */
function msr(h: ReturnType<typeof machine>, name: string, rt: number, value: bigint): void {
  h.pe.setXBig(rt, value);
  const r = ref(name);
  h.at(h.pe.pc, `msr ${name}, x${rt}`, (p) => p.sys.msr(p, r, rt));
  h.pe.step();
}

/** Execute one `mrs x<rt>, <name>` and return x<rt>. */
function mrs(h: ReturnType<typeof machine>, name: string, rt: number): bigint {
  const r = ref(name);
  h.at(h.pe.pc, `mrs x${rt}, ${name}`, (p) => p.sys.mrs(p, r, rt));
  h.pe.step();
  return h.pe.getX(rt);
}

/** EC 0x18 ISS from first principles (Arm ARM D24.2.49): Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5] CRm[4:1] Direction[0]. */
function iss18(e: { op0: number; op1: number; crn: number; crm: number; op2: number }, rt: number, read: boolean): number {
  return (e.op0 << 20) + (e.op2 << 17) + (e.op1 << 14) + (e.crn << 10) + (rt << 5) + (e.crm << 1) + (read ? 1 : 0);
}

const TVM_GROUP = ['SCTLR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'TCR_EL1', 'ESR_EL1', 'FAR_EL1', 'AFSR0_EL1', 'AFSR1_EL1', 'MAIR_EL1', 'AMAIR_EL1', 'CONTEXTIDR_EL1'];

describe('pe: MSR/MRS traps (HCR_EL2.TVM/TRVM, seed 004)', () => {
  it('msr sctlr_el1, x1 at EL1 with TVM=1 traps to EL2 with ESR_EL2 = 0x6230_0420', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM);
    const before = h.pe.readSysreg('SCTLR_EL1');
    msr(h, 'SCTLR_EL1', 1, 0x30d5_0805n);
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.pc, VBAR2 + 0x400);
    const expected = (0x18 << 26) + IL + iss18({ op0: 3, op1: 0, crn: 1, crm: 0, op2: 0 }, 1, false);
    assert.equal(expected, 0x6230_0420);
    assert.equal(h.pe.readSysreg('ESR_EL2'), BigInt(expected));
    assert.equal(h.pe.readSysreg('ELR_EL2'), BigInt(CODE), 'a trap returns to the trapped instruction');
    assert.equal(h.pe.readSysreg('SCTLR_EL1'), before, 'the trapped write did not happen');
    // Decoding the ISS: CRn with the correct mask 0x3c00 is 1; Xen's buggy mask 0x3800 gives 0.
    const iss = Number(h.pe.readSysreg('ESR_EL2') & 0x1ff_ffffn);
    assert.equal((iss & 0x3c00) >> 10, 1);
    assert.equal((iss & 0x3800) >> 10, 0, 'the 0x3800 mask loses CRn bit 0');
    assert.equal((iss & 0x3e0) >> 5, 1, 'Rt');
    assert.equal(iss & 1, 0, 'Direction = write');
  });

  it('the wrong CRn mask misdecodes every odd CRn: CONTEXTIDR_EL1 (CRn=13) decodes as 12', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM);
    msr(h, 'CONTEXTIDR_EL1', 7, 0xffn);
    const iss = Number(h.pe.readSysreg('ESR_EL2') & 0x1ff_ffffn);
    assert.equal(iss, iss18({ op0: 3, op1: 0, crn: 13, crm: 0, op2: 1 }, 7, false));
    assert.equal((iss & 0x3c00) >> 10, 13);
    assert.equal((iss & 0x3800) >> 10, 12);
  });

  it('TVM traps writes of every register of the group and TRVM their reads, with the exact ISS', () => {
    for (const name of TVM_GROUP) {
      const e = findRegister(name)!.encoding!;
      const w = machine(1);
      setReg(w.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM);
      msr(w, name, 3, 0n);
      assert.equal(w.pe.el, 2, `${name} write trapped`);
      assert.equal(w.pe.readSysreg('ESR_EL2'), BigInt((0x18 << 26) + IL + iss18(e, 3, false)), name);

      const r = machine(1);
      setReg(r.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TRVM);
      mrs(r, name, 30);
      assert.equal(r.pe.el, 2, `${name} read trapped`);
      assert.equal(r.pe.readSysreg('ESR_EL2'), BigInt((0x18 << 26) + IL + iss18(e, 30, true)), name);

      // TVM alone does not trap reads.
      const n = machine(1);
      setReg(n.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM);
      mrs(n, name, 2);
      assert.equal(n.pe.el, 1, `${name} read not trapped by TVM`);
    }
  });

  it('TVM does not trap registers outside the group, nor accesses from EL2', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM | HCR_BITS.TRVM);
    msr(h, 'VBAR_EL1', 1, 0x8010_0000n);
    msr(h, 'TPIDR_EL1', 1, 0x1234n);
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('TPIDR_EL1'), 0x1234n);

    const g = machine(2);
    setReg(g.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM | HCR_BITS.TRVM);
    msr(g, 'SCTLR_EL1', 1, 0x30d5_0801n);
    assert.equal(g.pe.el, 2);
    assert.equal(g.pe.pc, CODE + 4, 'no exception');
    assert.equal(g.pe.readSysreg('SCTLR_EL1') & 1n, 1n);
  });

  it('HCR_EL2.TID3 traps EL1 reads of ID group 3 registers', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TID3);
    mrs(h, 'ID_AA64MMFR0_EL1', 4);
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.readSysreg('ESR_EL2'), BigInt((0x18 << 26) + IL + iss18({ op0: 3, op1: 0, crn: 0, crm: 7, op2: 0 }, 4, true)));
  });
});

describe('pe: HCR_EL2.TACR', () => {
  it('traps EL1 reads and writes of ACTLR_EL1 to EL2 (found by the QEMU system differential suite)', () => {
    const e = findRegister('ACTLR_EL1')!.encoding!;
    const w = machine(1);
    setReg(w.pe, 'HCR_EL2', HCR_BITS.RW | (1n << 21n));
    msr(w, 'ACTLR_EL1', 5, 0x1n);
    assert.equal(w.pe.el, 2);
    assert.equal(w.pe.readSysreg('ESR_EL2'), BigInt((0x18 << 26) + IL + iss18(e, 5, false)));
    assert.equal(w.pe.readSysreg('ESR_EL2'), 0x6232_04a0n);
    assert.equal(w.pe.readSysreg('ACTLR_EL1'), 0n, 'the trapped write did not happen');

    const r = machine(1);
    setReg(r.pe, 'HCR_EL2', HCR_BITS.RW | (1n << 21n));
    mrs(r, 'ACTLR_EL1', 2);
    assert.equal(r.pe.el, 2);
    assert.equal(r.pe.readSysreg('ESR_EL2'), BigInt((0x18 << 26) + IL + iss18(e, 2, true)));

    const off = machine(1);
    setReg(off.pe, 'HCR_EL2', HCR_BITS.RW);
    msr(off, 'ACTLR_EL1', 5, 0x1n);
    assert.equal(off.pe.el, 1, 'not trapped with TACR=0');
  });
});

describe('pe: HCR_EL2.TIDCP', () => {
  it('traps EL1 accesses to the IMPLEMENTATION DEFINED space (CRn=15) to EL2', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | (1n << 20n));
    const imp = { name: 'S3_1_C15_C2_0', op0: 3, op1: 1, crn: 15, crm: 2, op2: 0 };
    h.at(CODE, 'mrs x9, S3_1_C15_C2_0', (p) => p.sys.mrs(p, imp, 9));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.readSysreg('ESR_EL2'), BigInt((0x18 << 26) + IL + iss18(imp, 9, true)));
  });
});

describe('pe: MSR/MRS access rules', () => {
  it('an EL2 register at EL1 is UNDEFINED (EC 0x00 to EL1)', () => {
    const h = machine(1);
    mrs(h, 'HCR_EL2', 0);
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.pc, VBAR1 + 0x200);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
    assert.match(h.exceptions[0].reason, /HCR_EL2 is accessible from EL2/);
  });

  it('EL1 registers at EL0 are UNDEFINED; TPIDR_EL0 is accessible', () => {
    const h = machine(0);
    msr(h, 'TPIDR_EL0', 5, 0xabcn);
    assert.equal(h.pe.el, 0);
    assert.equal(h.pe.readSysreg('TPIDR_EL0'), 0xabcn);
    mrs(h, 'SCTLR_EL1', 0);
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
  });

  it('writing a read-only register (MIDR_EL1) is UNDEFINED; a generic unknown encoding is UNDEFINED', () => {
    const h = machine(1);
    msr(h, 'MIDR_EL1', 0, 0n);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
    const g = machine(1);
    const r = { name: 'S3_0_C3_C9_7', op0: 3, op1: 0, crn: 3, crm: 9, op2: 7 };
    g.at(CODE, 'mrs x0, S3_0_C3_C9_7', (p) => p.sys.mrs(p, r, 0));
    g.pe.step();
    assert.equal(g.pe.readSysreg('ESR_EL1'), BigInt(IL));
    // The IMPLEMENTATION DEFINED space (CRn=15) is plain storage.
    const i = machine(1);
    const imp = { name: 'S3_1_C15_C2_0', op0: 3, op1: 1, crn: 15, crm: 2, op2: 0 };
    i.pe.setXBig(2, 0x55n);
    i.at(CODE, 'msr S3_1_C15_C2_0, x2', (p) => p.sys.msr(p, imp, 2));
    i.at(CODE + 4, 'mrs x3, S3_1_C15_C2_0', (p) => p.sys.mrs(p, imp, 3));
    i.run(2);
    assert.equal(i.pe.getX(3), 0x55n);
    assert.equal(i.exceptions.length, 0);
  });

  it('MSR writes RES1 bits as 1 and RES0 bits as 0 (table masks, E2H-dependent layout)', () => {
    const h = machine(2);
    const def = findRegister('SCTLR_EL2')!;
    msr(h, 'SCTLR_EL2', 1, 0n);
    assert.equal(h.pe.readSysreg('SCTLR_EL2'), 0x30c5_0830n, 'E2H=0 RES1 bits 4, 5, 11, 16, 18, 22, 23, 28, 29');
    msr(h, 'SCTLR_EL2', 1, (1n << 64n) - 1n);
    assert.equal(h.pe.readSysreg('SCTLR_EL2') & def.res0, 0n);
    // With E2H=1 the EL1-style layout applies (written here through the redirected SCTLR_EL1 name).
    const g = machine(2);
    setReg(g.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.E2H);
    msr(g, 'SCTLR_EL1', 1, 0n);
    const vhe = reservedMasks(layoutOf(def, 0n, { e2h: true }));
    assert.equal(g.pe.readSysreg('SCTLR_EL2'), vhe.res1);
    assert.notEqual(vhe.res1, 0x30c5_0830n);
  });

  it('peekSysreg shows PSTATE views and storage without side effects', () => {
    const h = machine(2);
    h.pe.setDaif(0x80);
    assert.equal(peekSysreg(h.pe, 'CurrentEL'), 0x8n);
    assert.equal(peekSysreg(h.pe, 'daif'), 0x80n);
    assert.equal(peekSysreg(h.pe, 'sctlr_el2'), h.pe.readSysreg('SCTLR_EL2'));
    assert.equal(h.exceptions.length, 0);
  });

  it('CurrentEL, DAIF, NZCV and SPSel read and write PSTATE', () => {
    const h = machine(2);
    assert.equal(mrs(h, 'CurrentEL', 0), 0x8n);
    msr(h, 'DAIF', 1, 0x80n); // I only
    assert.deepEqual([h.pe.d, h.pe.a, h.pe.i, h.pe.f], [0, 0, 1, 0]);
    msr(h, 'NZCV', 1, 0x4000_0000n);
    assert.equal(h.pe.z, 1);
    msr(h, 'SPSel', 1, 0n);
    assert.equal(h.pe.spsel, 0);
    assert.equal(mrs(h, 'SPSel', 3), 0n);
  });

  it('SP_EL0 is UNDEFINED while it is the current SP; SP_EL1 from EL2 reaches the EL1 stack pointer', () => {
    const h = machine(1);
    h.pe.spsel = 0;
    mrs(h, 'SP_EL0', 0);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
    const g = machine(1);
    g.pe.setSp(0, 0x1234n);
    assert.equal(mrs(g, 'SP_EL0', 0), 0x1234n);
    const e = machine(2);
    msr(e, 'SP_EL1', 3, 0x8008_0000n);
    assert.equal(e.pe.getSp(1), 0x8008_0000n);
  });

  it('CNTPCT_EL0 counts retired instructions; CNTVCT_EL0 subtracts CNTVOFF_EL2 at EL1', () => {
    const h = machine(1);
    setReg(h.pe, 'CNTVOFF_EL2', 2n);
    h.nop(CODE);
    h.nop(CODE + 4);
    h.pe.step();
    h.pe.step();
    assert.equal(mrs(h, 'CNTPCT_EL0', 0), 2n, 'two instructions retired before the MRS');
    assert.equal(mrs(h, 'CNTVCT_EL0', 1), 1n, '3 retired - CNTVOFF_EL2');
  });

  it('MRS MIDR_EL1/MPIDR_EL1 at EL1 return VPIDR_EL2/VMPIDR_EL2', () => {
    const h = machine(1);
    setReg(h.pe, 'VMPIDR_EL2', 0x8000_0103n);
    assert.equal(mrs(h, 'MPIDR_EL1', 0), 0x8000_0103n);
    const g = machine(2);
    assert.equal(mrs(g, 'MPIDR_EL1', 0), 0x8000_0000n, 'EL2 sees the real MPIDR (Aff0 = PE 0)');
  });

  it('MSR DAIFSet/DAIFClr and SPSel immediates; DAIFSet at EL0 traps with SCTLR_EL1.UMA=0', () => {
    const h = machine(1);
    h.at(CODE, 'msr daifclr, #0xf', (p) => p.sys.msrImmediate(p, 'daifclr', 0xf));
    h.at(CODE + 4, 'msr daifset, #2', (p) => p.sys.msrImmediate(p, 'daifset', 2));
    h.at(CODE + 8, 'msr spsel, #0', (p) => p.sys.msrImmediate(p, 'spsel', 0));
    h.run(3);
    assert.deepEqual([h.pe.d, h.pe.a, h.pe.i, h.pe.f, h.pe.spsel], [0, 0, 1, 0, 0]);

    const u = machine(0);
    u.at(CODE, 'msr daifset, #2', (p) => p.sys.msrImmediate(p, 'daifset', 2));
    u.pe.step();
    assert.equal(u.pe.el, 1);
    assert.equal(u.pe.readSysreg('ESR_EL1'), BigInt((0x18 << 26) + IL + iss18({ op0: 0, op1: 3, crn: 4, crm: 2, op2: 6 }, 31, false)));
  });
});

describe('pe: VHE (HCR_EL2.E2H)', () => {
  const E2H = HCR_BITS.RW | HCR_BITS.E2H;
  const redirects: [string, string][] = [
    ['SCTLR_EL1', 'SCTLR_EL2'],
    ['CPACR_EL1', 'CPTR_EL2'],
    ['TTBR0_EL1', 'TTBR0_EL2'],
    ['TTBR1_EL1', 'TTBR1_EL2'],
    ['TCR_EL1', 'TCR_EL2'],
    ['SPSR_EL1', 'SPSR_EL2'],
    ['ELR_EL1', 'ELR_EL2'],
    ['AFSR0_EL1', 'AFSR0_EL2'],
    ['AFSR1_EL1', 'AFSR1_EL2'],
    ['ESR_EL1', 'ESR_EL2'],
    ['FAR_EL1', 'FAR_EL2'],
    ['MAIR_EL1', 'MAIR_EL2'],
    ['AMAIR_EL1', 'AMAIR_EL2'],
    ['VBAR_EL1', 'VBAR_EL2'],
    ['CONTEXTIDR_EL1', 'CONTEXTIDR_EL2'],
    ['CNTKCTL_EL1', 'CNTHCTL_EL2'],
  ];

  it('at EL2 with E2H=1 the _EL1 names reach the _EL2 registers, and _EL12 reaches the real EL1 register', () => {
    for (const [el1, el2] of redirects) {
      const h = machine(2);
      setReg(h.pe, 'HCR_EL2', E2H);
      setReg(h.pe, el1, 0x1000n);
      setReg(h.pe, el2, 0x2000n);
      assert.equal(mrs(h, el1, 0), 0x2000n, `${el1} reads ${el2}`);
      assert.equal(mrs(h, el1.replace(/_EL1$/, '_EL12'), 1), 0x1000n, `${el1.replace(/_EL1$/, '_EL12')} reads ${el1}`);
      assert.equal(h.exceptions.length, 0, el1);
    }
  });

  it('msr sctlr_el1 at EL2 with E2H=1 writes SCTLR_EL2; msr sctlr_el12 writes SCTLR_EL1', () => {
    const h = machine(2);
    setReg(h.pe, 'HCR_EL2', E2H);
    const s1 = h.pe.readSysreg('SCTLR_EL1');
    msr(h, 'SCTLR_EL1', 1, 0x30d0_0801n);
    assert.equal(h.pe.readSysreg('SCTLR_EL2') & 1n, 1n);
    assert.equal(h.pe.readSysreg('SCTLR_EL1'), s1);
    msr(h, 'SCTLR_EL12', 1, 0x30d0_0805n);
    assert.equal(h.pe.readSysreg('SCTLR_EL1') & 0xfn, 0x5n);
  });

  it('with E2H=0 the _EL1 names at EL2 reach the EL1 registers and _EL12 is UNDEFINED', () => {
    const h = machine(2);
    setReg(h.pe, 'VBAR_EL1', 0x1000n);
    assert.equal(mrs(h, 'VBAR_EL1', 0), 0x1000n);
    mrs(h, 'SCTLR_EL12', 0);
    assert.equal(h.pe.pc, VBAR2 + 0x200);
    assert.equal(h.pe.readSysreg('ESR_EL2'), BigInt(IL));
    assert.match(h.exceptions[0].reason, /E2H=1/);
  });

  it('_EL12 is UNDEFINED at EL1 even with E2H=1', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', E2H);
    mrs(h, 'SCTLR_EL12', 0);
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
  });

  it('at EL1 with E2H=1 (TGE=0, a guest) SCTLR_EL1 is the real EL1 register', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', E2H);
    msr(h, 'SCTLR_EL1', 1, 0x30d0_0801n);
    assert.equal(h.pe.readSysreg('SCTLR_EL1') & 1n, 1n);
    assert.equal(h.pe.readSysreg('SCTLR_EL2') & 1n, 0n);
  });

  it('an exception taken to EL2 uses VBAR_EL2 written through the VBAR_EL1 name', () => {
    const h = machine(2);
    setReg(h.pe, 'HCR_EL2', E2H);
    setReg(h.pe, 'VBAR_EL2', 0n);
    msr(h, 'VBAR_EL1', 1, BigInt(VBAR2));
    assert.equal(h.pe.readSysreg('VBAR_EL2'), BigInt(VBAR2));
    h.at(h.pe.pc, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
    h.pe.step();
    assert.equal(h.pe.pc, VBAR2 + 0x200);
  });

  it('with E2H=TGE=1 an SVC from EL0 goes to EL2 and an EL0 timer name reaches the EL2 timer', () => {
    const h = machine(0);
    setReg(h.pe, 'HCR_EL2', E2H | HCR_BITS.TGE);
    setReg(h.pe, 'CNTHP_CTL_EL2', 0x1n);
    assert.equal(mrs(h, 'CNTP_CTL_EL0', 0), 0x1n);
    h.at(h.pe.pc, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.pc, VBAR2 + 0x400);
    assert.equal(h.pe.readSysreg('ESR_EL2'), 0x5600_0000n);
  });
});

describe('pe: sysreg-write reports', () => {
  it('reports the register actually written (after VHE redirection) and PSTATE immediates', () => {
    const h = machine(2);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.E2H);
    const writes: [string, bigint][] = [];
    h.pe.env.onSysregWrite = (_pe, name, value) => writes.push([name, value]);
    msr(h, 'SCTLR_EL1', 1, 0x30d0_0801n);
    msr(h, 'SCTLR_EL12', 1, 0x30d0_0800n);
    msr(h, 'TPIDR_EL2', 1, 5n);
    h.at(h.pe.pc, 'msr daifclr, #2', (p) => p.sys.msrImmediate(p, 'daifclr', 2));
    h.pe.step();
    assert.deepEqual(
      writes.map(([n]) => n),
      ['SCTLR_EL2', 'SCTLR_EL1', 'TPIDR_EL2', 'DAIF'],
    );
    assert.equal(writes[0][1], h.pe.readSysreg('SCTLR_EL2'));
    assert.equal(writes[2][1], 5n);
    assert.equal(writes[3][1], 0x340n, 'D, A, F still masked');
  });

  it('a trapped or UNDEFINED MSR reports nothing', () => {
    const h = machine(1);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TVM);
    const writes: string[] = [];
    h.pe.env.onSysregWrite = (_pe, name) => writes.push(name);
    msr(h, 'SCTLR_EL1', 1, 0n);
    assert.deepEqual(writes, []);
  });
});

describe('pe: custom register behaviour', () => {
  it('a machine-installed handler (e.g. the GIC CPU interface) runs after the access checks', () => {
    const h = machine(1);
    let acks = 0;
    (h.pe.sys as SystemModel).setSysregHandler('ICC_IAR1_EL1', {
      read: () => {
        acks++;
        return 33n;
      },
    });
    assert.equal(mrs(h, 'ICC_IAR1_EL1', 0), 33n);
    assert.equal(acks, 1);
    // Write-only/read-only rules still come from the table: ICC_IAR1_EL1 is read-only.
    msr(h, 'ICC_IAR1_EL1', 0, 0n);
    assert.equal(h.pe.readSysreg('ESR_EL1'), BigInt(IL));
    assert.equal(h.exceptions[0].ec, EC.UNKNOWN);
    // Another machine's system model is not affected.
    const g = machine(1);
    assert.equal(mrs(g, 'ICC_IAR1_EL1', 0), 0n);
  });
});
