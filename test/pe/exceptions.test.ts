import * as assert from 'node:assert/strict';
import { EC, SyncException } from '../../simulator/pe/exception';
import { exceptionReturn } from '../../simulator/pe/system';
import { HCR_BITS, makeHarness, setReg } from './harness';

const IL = 1 << 25;
const esr = (ec: number, iss: number): bigint => BigInt(((ec << 26) | IL | iss) >>> 0);
const CODE = 0x8000_0000;
const VBAR1 = 0x8010_0000;
const VBAR2 = 0x8020_0000;
const VBAR3 = 0x8030_0000;

/** A harness with code at CODE and a nop at every vector entry of VBAR_EL1/2/3. */
function machine(el: 0 | 1 | 2 | 3, opts = {}) {
  const h = makeHarness({ el, ...opts });
  for (const [n, base] of [
    [1, VBAR1],
    [2, VBAR2],
    [3, VBAR3],
  ] as const) {
    setReg(h.pe, `VBAR_EL${n}`, BigInt(base));
    for (let off = 0; off < 0x800; off += 0x80) h.nop(base + off);
  }
  h.pe.pc = CODE;
  return h;
}

describe('pe: exception entry', () => {
  it('SVC from EL0 goes to EL1 at VBAR_EL1+0x400 with ESR/ELR/SPSR', () => {
    const h = machine(0);
    const pe = h.pe;
    pe.setNzcv(0x6000_0000); // Z and C
    pe.setDaif(0); // unmasked at EL0
    pe.spsel = 0;
    h.at(CODE, 'svc #0x12', (p) => p.sys.exceptionGenerating(p, 'svc', 0x12));
    pe.step();
    assert.equal(pe.el, 1);
    assert.equal(pe.pc, VBAR1 + 0x400);
    assert.equal(pe.readSysreg('ESR_EL1'), esr(0x15, 0x12));
    assert.equal(pe.readSysreg('ESR_EL1'), 0x5600_0012n);
    assert.equal(pe.readSysreg('ELR_EL1'), BigInt(CODE + 4), 'SVC returns to the next instruction');
    // SPSR: Z|C, DAIF clear, M = EL0t (0b0000).
    assert.equal(pe.readSysreg('SPSR_EL1'), 0x6000_0000n);
    assert.deepEqual([pe.d, pe.a, pe.i, pe.f, pe.spsel], [1, 1, 1, 1, 1]);
    assert.equal(h.exceptions.length, 1);
    assert.equal(h.exceptions[0].toEl, 1);
    assert.equal(h.exceptions[0].fromEl, 0);
    assert.equal(h.exceptions[0].vectorOffset, 0x400);
    assert.equal(h.exceptions[0].handled, true);
  });

  it('uses offset 0x200 at the current EL with SP_ELx and 0x000 with SP_EL0', () => {
    for (const [spsel, off, m] of [
      [1, 0x200, 0b0101],
      [0, 0x000, 0b0100],
    ] as const) {
      const h = machine(1);
      h.pe.spsel = spsel;
      h.at(CODE, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
      h.pe.step();
      assert.equal(h.pe.pc, VBAR1 + off);
      assert.equal(h.pe.readSysreg('SPSR_EL1'), BigInt(0x3c0 | m), 'DAIF masked, M=EL1t/EL1h');
    }
  });

  it('SVC from EL0 with HCR_EL2.TGE=1 goes to EL2 (VBAR_EL2+0x400, ESR_EL2)', () => {
    const h = machine(0);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TGE);
    h.at(CODE, 'svc #1', (p) => p.sys.exceptionGenerating(p, 'svc', 1));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.pc, VBAR2 + 0x400);
    assert.equal(h.pe.readSysreg('ESR_EL2'), esr(0x15, 1));
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0n, 'EL1 syndrome untouched');
  });

  it('Secure EL0 with TGE=1 and SCR_EL3.EEL2=1 (seed 002, S-EL0 partition as host app): SVC goes to S-EL2; with EEL2=0 to S-EL1', () => {
    const h = machine(0, { secure: true });
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TGE | HCR_BITS.E2H);
    h.at(CODE, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.pc, VBAR2 + 0x400);
    const g = machine(0, { secure: true });
    setReg(g.pe, 'SCR_EL3', g.pe.readSysreg('SCR_EL3') & ~(1n << 18n));
    setReg(g.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TGE | HCR_BITS.E2H);
    g.at(CODE, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
    g.pe.step();
    assert.equal(g.pe.el, 1, 'HCR_EL2 has no effect when Secure EL2 is disabled');
  });

  it('HVC from EL1 goes to EL2 with EC 0x16 and returns to the next instruction', () => {
    const h = machine(1);
    h.at(CODE, 'hvc #0x4711', (p) => p.sys.exceptionGenerating(p, 'hvc', 0x4711));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.pc, VBAR2 + 0x400);
    assert.equal(h.pe.readSysreg('ESR_EL2'), 0x5a00_4711n);
    assert.equal(h.pe.readSysreg('ELR_EL2'), BigInt(CODE + 4));
    assert.equal(h.pe.readSysreg('SPSR_EL2'), 0x3c5n);
  });

  it('HVC is UNDEFINED at EL0 and with SCR_EL3.HCE=0', () => {
    const h0 = machine(0);
    h0.at(CODE, 'hvc #0', (p) => p.sys.exceptionGenerating(p, 'hvc', 0));
    h0.pe.step();
    assert.equal(h0.pe.el, 1);
    assert.equal(h0.pe.readSysreg('ESR_EL1'), esr(EC.UNKNOWN, 0));
    assert.equal(h0.pe.readSysreg('ESR_EL1'), 0x0200_0000n);
    assert.equal(h0.pe.readSysreg('ELR_EL1'), BigInt(CODE), 'UNDEFINED returns to the instruction itself');

    const h1 = machine(1);
    setReg(h1.pe, 'SCR_EL3', h1.pe.readSysreg('SCR_EL3') & ~(1n << 8n));
    h1.at(CODE, 'hvc #0', (p) => p.sys.exceptionGenerating(p, 'hvc', 0));
    h1.pe.step();
    assert.equal(h1.pe.el, 1);
    assert.equal(h1.pe.pc, VBAR1 + 0x200);
    assert.equal(h1.pe.readSysreg('ESR_EL1'), 0x0200_0000n);
  });

  it('SMC from EL1 goes to EL3; with HCR_EL2.TSC it is trapped to EL2 and returns to the SMC', () => {
    const h = machine(1);
    h.at(CODE, 'smc #0', (p) => p.sys.exceptionGenerating(p, 'smc', 0));
    h.pe.step();
    assert.equal(h.pe.el, 3);
    assert.equal(h.pe.pc, VBAR3 + 0x400);
    assert.equal(h.pe.readSysreg('ESR_EL3'), 0x5e00_0000n);
    assert.equal(h.pe.readSysreg('ELR_EL3'), BigInt(CODE + 4));

    const t = machine(1);
    setReg(t.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TSC);
    t.at(CODE, 'smc #0x33', (p) => p.sys.exceptionGenerating(p, 'smc', 0x33));
    t.pe.step();
    assert.equal(t.pe.el, 2);
    assert.equal(t.pe.readSysreg('ESR_EL2'), esr(0x17, 0x33));
    assert.equal(t.pe.readSysreg('ELR_EL2'), BigInt(CODE), 'a trapped SMC returns to the SMC itself');
  });

  it('SMC is UNDEFINED with SCR_EL3.SMD=1 and without EL3', () => {
    const h = machine(1);
    setReg(h.pe, 'SCR_EL3', h.pe.readSysreg('SCR_EL3') | (1n << 7n));
    h.at(CODE, 'smc #0', (p) => p.sys.exceptionGenerating(p, 'smc', 0));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0x0200_0000n);
    const n = machine(1, { hasEl3: false });
    n.at(CODE, 'smc #0', (p) => p.sys.exceptionGenerating(p, 'smc', 0));
    n.pe.step();
    assert.equal(n.pe.el, 1);
    assert.equal(n.pe.readSysreg('ESR_EL1'), 0x0200_0000n);
  });

  it('BRK at EL1 goes to EL2 when MDCR_EL2.TDE=1', () => {
    const h = machine(1);
    setReg(h.pe, 'MDCR_EL2', 1n << 8n);
    h.at(CODE, 'brk #1', (p) => p.sys.exceptionGenerating(p, 'brk', 1));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.readSysreg('ESR_EL2'), 0xf200_0001n);
  });

  it('SMC is UNDEFINED at EL0', () => {
    const h = machine(0);
    h.at(CODE, 'smc #0', (p) => p.sys.exceptionGenerating(p, 'smc', 0));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0x0200_0000n);
  });

  it('BRK gives EC 0x3C with the comment and returns to the BRK; UDF gives EC 0x00', () => {
    const h = machine(1);
    h.at(CODE, 'brk #0x3e8', (p) => p.sys.exceptionGenerating(p, 'brk', 0x3e8));
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), esr(0x3c, 0x3e8));
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0xf200_03e8n);
    assert.equal(h.pe.readSysreg('ELR_EL1'), BigInt(CODE));

    const u = machine(1);
    u.at(CODE, 'udf #5', (p) => p.sys.exceptionGenerating(p, 'udf', 5));
    u.pe.step();
    assert.equal(u.pe.readSysreg('ESR_EL1'), 0x0200_0000n);
    assert.equal(u.exceptions[0].fault, 'undefined');
  });

  it('HLT halts the PE at the HLT with stopReason "hlt #0"', () => {
    const h = machine(1);
    h.at(CODE, 'hlt #0', (p) => p.sys.exceptionGenerating(p, 'hlt', 0));
    h.pe.step();
    assert.equal(h.pe.state, 'halted');
    assert.equal(h.pe.stopReason, 'hlt #0');
    assert.equal(h.pe.pc, CODE);
    h.pe.step();
    assert.equal(h.pe.instret, 1, 'a halted PE does not step');
  });

  it('halts with "no code at" when the PC holds no instruction', () => {
    const h = machine(1);
    h.pe.step();
    assert.equal(h.pe.state, 'halted');
    assert.equal(h.pe.stopReason, 'no code at 0x8000_0000');
  });

  it('halts with "unhandled exception … no vector code at VBAR_ELx+0x…" when the vector is empty', () => {
    const h = makeHarness({ el: 1 });
    setReg(h.pe, 'VBAR_EL1', BigInt(VBAR1));
    h.pe.pc = CODE;
    h.at(CODE, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
    h.pe.step();
    assert.equal(h.pe.state, 'halted');
    assert.match(h.pe.stopReason ?? '', /^unhandled exception .*: no vector code at VBAR_EL1\+0x200 \(0x8010_0200\)$/);
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0x5600_0000n, 'the syndrome is still written');
    assert.equal(h.exceptions[0].handled, false);
  });

  it('PC alignment fault: EC 0x22, FAR = PC', () => {
    const h = machine(1);
    h.pe.pc = CODE + 2;
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), esr(EC.PC_ALIGN, 0));
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0x8a00_0000n);
    assert.equal(h.pe.readSysreg('FAR_EL1'), BigInt(CODE + 2));
    assert.equal(h.pe.readSysreg('ELR_EL1'), BigInt(CODE + 2));
    assert.equal(h.exceptions[0].fault, 'pc-alignment');
  });

  it('a stage-2 data abort from EL1 goes to EL2 as EC 0x24 with FAR_EL2 and HPFAR_EL2', () => {
    const h = machine(1);
    const va = 0x4000_1234;
    const ipa = 0x8_8765_4234;
    // The MMU reports a same-EL data abort (it does not know the target); entry picks "lower EL".
    h.mmu.faults.set(va, () => new SyncException(EC.DABT_SAME, 0x47, { far: va, ipa, stage: 2, level: 3, kind: 'translation' }));
    h.at(CODE, 'ldr x0, [x1]', (p) => p.load(va, 8));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.pc, VBAR2 + 0x400);
    assert.equal(h.pe.readSysreg('ESR_EL2'), esr(0x24, 0x47));
    assert.equal(h.pe.readSysreg('FAR_EL2'), BigInt(va));
    // HPFAR_EL2.FIPA[43:4] = IPA[51:12].
    const hpfar = h.pe.readSysreg('HPFAR_EL2');
    assert.equal(hpfar, BigInt(Math.floor(ipa / 4096)) << 4n);
    assert.equal(((hpfar & 0xfff_ffff_fff0n) << 8n) | (BigInt(va) & 0xfffn), (BigInt(ipa) & ~0xfffn) | 0x234n);
    const rec = h.exceptions[0];
    assert.deepEqual([rec.ec, rec.stage, rec.level, rec.fault, rec.ipa, rec.far], [0x24, 2, 3, 'translation', ipa, va]);
  });

  it('a stage-1 data abort at EL1 stays at EL1 as EC 0x25 (no HPFAR)', () => {
    const h = machine(1);
    const va = -0x1000; // 0xffff_ffff_ffff_f000, a TTBR1 address
    h.mmu.faults.set(va, () => new SyncException(EC.DABT_LOWER, 0x7, { far: va, stage: 1, level: 3, kind: 'translation' }));
    h.at(CODE, 'ldr x0, [x1]', (p) => p.load(va, 8));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), esr(0x25, 0x7));
    assert.equal(h.pe.readSysreg('FAR_EL1'), 0xffff_ffff_ffff_f000n);
    assert.equal(h.pe.readSysreg('HPFAR_EL2'), 0n);
  });

  it('an exception never goes to a lower EL (SVC at EL2 stays at EL2)', () => {
    const h = machine(2);
    h.at(CODE, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.pc, VBAR2 + 0x200);
  });
});

describe('pe: exception return', () => {
  it('ERET round trip: EL0 → SVC → EL1 handler → ERET back to EL0 after the SVC', () => {
    const h = machine(0);
    const pe = h.pe;
    pe.setDaif(0);
    pe.spsel = 0;
    pe.setNzcv(0x9000_0000);
    h.at(CODE, 'svc #0', (p) => p.sys.exceptionGenerating(p, 'svc', 0));
    h.at(VBAR1 + 0x400, 'eret', (p) => p.sys.eret(p));
    h.nop(CODE + 4);
    pe.step(); // svc
    assert.equal(pe.el, 1);
    pe.setNzcv(0); // handler clobbers flags
    pe.step(); // eret
    assert.equal(pe.el, 0);
    assert.equal(pe.pc, CODE + 4);
    assert.equal(pe.nzcv(), 0x9000_0000);
    assert.deepEqual([pe.d, pe.a, pe.i, pe.f, pe.spsel, pe.il], [0, 0, 0, 0, 0, 0]);
    assert.equal(pe.eventRegister, 1, 'exception return sets the event register');
  });

  it('ERET from EL2 to EL1h restores SP selection and EL', () => {
    const h = machine(2);
    setReg(h.pe, 'SPSR_EL2', 0x3c5n); // EL1h, DAIF masked
    setReg(h.pe, 'ELR_EL2', 0x8000_1000n);
    h.at(CODE, 'eret', (p) => p.sys.eret(p));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.spsel, 1);
    assert.equal(h.pe.pc, 0x8000_1000);
  });

  it('illegal return to a higher EL sets PSTATE.IL and the next instruction raises EC 0x0E', () => {
    const h = machine(1);
    setReg(h.pe, 'SPSR_EL1', 0x3c9n); // EL2h from EL1: illegal
    setReg(h.pe, 'ELR_EL1', 0x8000_2000n);
    h.at(CODE, 'eret', (p) => p.sys.eret(p));
    h.nop(0x8000_2000);
    h.pe.step();
    assert.equal(h.pe.el, 1, 'EL unchanged');
    assert.equal(h.pe.il, 1);
    assert.equal(h.pe.pc, 0x8000_2000, 'PC still comes from ELR');
    h.pe.step();
    assert.equal(h.pe.readSysreg('ESR_EL1'), esr(EC.ILLEGAL_STATE, 0));
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0x3a00_0000n);
    assert.equal(h.pe.readSysreg('ELR_EL1'), 0x8000_2000n);
    assert.equal(h.pe.readSysreg('SPSR_EL1') & (1n << 20n), 1n << 20n, 'SPSR.IL records the illegal state');
    assert.equal(h.pe.il, 0, 'exception entry clears PSTATE.IL');
    assert.equal(h.exceptions[0].fault, 'illegal-state');
    assert.match(h.exceptions[0].reason, /return to EL2 from EL1/);
  });

  it('ERET to EL1 with HCR_EL2.TGE=1 is illegal', () => {
    const h = machine(2);
    setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | HCR_BITS.TGE);
    setReg(h.pe, 'SPSR_EL2', 0x3c5n);
    setReg(h.pe, 'ELR_EL2', 0x8000_1000n);
    h.at(CODE, 'eret', (p) => p.sys.eret(p));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    assert.equal(h.pe.il, 1);
  });

  it('ERET from EL3 to Secure EL2 with SCR_EL3.EEL2=0 is illegal, with EEL2=1 legal', () => {
    for (const [eel2, legal] of [
      [0n, false],
      [1n, true],
    ] as const) {
      const h = machine(3, { secure: true });
      setReg(h.pe, 'SCR_EL3', (h.pe.readSysreg('SCR_EL3') & ~(1n << 18n) & ~1n) | (eel2 << 18n));
      setReg(h.pe, 'SPSR_EL3', 0x3c9n);
      setReg(h.pe, 'ELR_EL3', 0x8000_1000n);
      h.at(CODE, 'eret', (p) => p.sys.eret(p));
      h.pe.step();
      assert.equal(h.pe.el, legal ? 2 : 3);
      assert.equal(h.pe.il, legal ? 0 : 1);
    }
  });

  it('ERET is UNDEFINED at EL0; an EL0h return is illegal', () => {
    const h = machine(0);
    h.at(CODE, 'eret', (p) => p.sys.eret(p));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0x0200_0000n);

    const g = machine(1);
    setReg(g.pe, 'SPSR_EL1', 0x3c1n); // M = 0b0001: EL0 with SP_ELx does not exist
    g.at(CODE, 'eret', (p) => p.sys.eret(p));
    g.pe.step();
    assert.equal(g.pe.il, 1);
  });
});

describe('pe: built-in handlers', () => {
  it('a built-in EL3 handler serves an SMC when EL3 has no vector code, then returns to the caller', () => {
    const h = makeHarness({ el: 1 });
    const seen: number[] = [];
    h.pe.env.builtinHandler = (pe, info) => {
      if (info.toEl !== 3 || info.ec !== 0x17) return false;
      seen.push(Number(pe.readSysreg('ESR_EL3')));
      pe.setXBig(0, 0x84000061n); // FFA_SUCCESS
      exceptionReturn(pe);
      return true;
    };
    h.pe.pc = CODE;
    h.pe.setXBig(0, 0x84000063n);
    h.at(CODE, 'smc #0', (p) => p.sys.exceptionGenerating(p, 'smc', 0));
    h.nop(CODE + 4);
    h.pe.step();
    assert.deepEqual(seen, [0x5e00_0000]);
    assert.equal(h.pe.state, 'running');
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.pc, CODE + 4);
    assert.equal(h.pe.getX(0), 0x84000061n);
    assert.equal(h.exceptions[0].handled, true);
  });

  it('user vector code wins over the built-in handler; a declining handler leaves the PE halted', () => {
    const h = machine(1);
    let calls = 0;
    h.pe.env.builtinHandler = () => {
      calls++;
      return true;
    };
    h.at(CODE, 'smc #0', (p) => p.sys.exceptionGenerating(p, 'smc', 0));
    h.pe.step();
    assert.equal(calls, 0);
    assert.equal(h.pe.pc, VBAR3 + 0x400);

    const g = makeHarness({ el: 1 });
    g.pe.env.builtinHandler = () => false;
    g.pe.pc = CODE;
    g.at(CODE, 'smc #0', (p) => p.sys.exceptionGenerating(p, 'smc', 0));
    g.pe.step();
    assert.equal(g.pe.state, 'halted');
    assert.match(g.pe.stopReason ?? '', /no vector code at VBAR_EL3\+0x400/);
  });
});
