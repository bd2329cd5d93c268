import * as assert from 'node:assert/strict';
import { pendingInterrupt, physicalInterruptTarget } from '../../simulator/pe/interrupts';
import { refreshConfig } from '../../simulator/pe/config';
import { HCR_BITS, makeHarness, setReg } from './harness';

const CODE = 0x8000_0000;
const VBARS = [0, 0x8010_0000, 0x8020_0000, 0x8030_0000];
const SCR_IRQ = 1n << 1n;
const SCR_FIQ = 1n << 2n;

function machine(el: 0 | 1 | 2 | 3, opts: { secure?: boolean } = {}) {
  const h = makeHarness({ el, ...opts });
  for (let n = 1; n <= 3; n++) {
    setReg(h.pe, `VBAR_EL${n}`, BigInt(VBARS[n]));
    for (let off = 0; off < 0x800; off += 0x80) h.nop(VBARS[n] + off);
  }
  h.pe.pc = CODE;
  for (let i = 0; i < 8; i++) h.nop(CODE + 4 * i);
  return h;
}

function hcr(h: ReturnType<typeof machine>, bits: bigint): void {
  setReg(h.pe, 'HCR_EL2', HCR_BITS.RW | bits);
}
function scr(h: ReturnType<typeof machine>, set: bigint): void {
  setReg(h.pe, 'SCR_EL3', h.pe.readSysreg('SCR_EL3') | set);
}

/** Expected outcome after one step with the IRQ line raised: the EL/vector it was taken to, or undefined (not taken). */
function stepWithIrq(h: ReturnType<typeof machine>, line: 'irq' | 'fiq' | 'virq' | 'vfiq' = 'irq'): { el: number; offset: number } | undefined {
  if (line === 'irq') h.pe.irqLine = true;
  if (line === 'fiq') h.pe.fiqLine = true;
  if (line === 'virq') h.pe.virqLine = true;
  if (line === 'vfiq') h.pe.vfiqLine = true;
  h.pe.step();
  if (h.exceptions.length === 0) {
    assert.equal(h.pe.pc, CODE + 4, 'not taken: the instruction executed');
    return undefined;
  }
  assert.equal(h.exceptions.length, 1);
  const e = h.exceptions[0];
  assert.equal(h.pe.readSysreg(`ELR_EL${e.toEl}`), BigInt(CODE), 'ELR = the instruction not yet executed');
  return { el: e.toEl, offset: e.vectorOffset };
}

describe('pe: physical IRQ/FIQ routing and masking', () => {
  it('EL1, no routing: taken to EL1 at +0x280 when PSTATE.I=0, pending when I=1', () => {
    const h = machine(1);
    h.pe.i = 0;
    assert.deepEqual(stepWithIrq(h), { el: 1, offset: 0x280 });
    assert.equal(h.exceptions[0].type, 'irq');
    assert.equal(h.pe.readSysreg('SPSR_EL1'), 0x345n, 'D,A,F masked, I clear, EL1h');
    assert.equal(h.pe.i, 1, 'entry masks IRQs');

    const m = machine(1);
    assert.equal(stepWithIrq(m), undefined);
  });

  it('EL0 → EL1 is masked by PSTATE.I (target EL1 from EL0)', () => {
    const h = machine(0);
    assert.equal(stepWithIrq(h), undefined);
    const u = machine(0);
    u.pe.i = 0;
    assert.deepEqual(stepWithIrq(u), { el: 1, offset: 0x480 });
  });

  it('SCR_EL3.IRQ=1: taken to EL3 from EL1 and EL2 whatever PSTATE.I; at EL3 masked by I', () => {
    for (const el of [0, 1, 2] as const) {
      const h = machine(el);
      scr(h, SCR_IRQ);
      assert.deepEqual(stepWithIrq(h), { el: 3, offset: 0x480 }, `from EL${el}`);
    }
    const m = machine(3);
    scr(m, SCR_IRQ);
    assert.equal(stepWithIrq(m), undefined);
    const u = machine(3);
    scr(u, SCR_IRQ);
    u.pe.i = 0;
    assert.deepEqual(stepWithIrq(u), { el: 3, offset: 0x280 });
  });

  it('HCR_EL2.IMO=1: taken to EL2 from EL1 whatever PSTATE.I; at EL2 masked by I', () => {
    const h = machine(1);
    hcr(h, HCR_BITS.IMO);
    assert.deepEqual(stepWithIrq(h), { el: 2, offset: 0x480 });
    const m = machine(2);
    hcr(m, HCR_BITS.IMO);
    assert.equal(stepWithIrq(m), undefined);
    const u = machine(2);
    hcr(u, HCR_BITS.IMO);
    u.pe.i = 0;
    assert.deepEqual(stepWithIrq(u), { el: 2, offset: 0x280 });
  });

  it('IMO=0 at EL2: an IRQ routed to EL1 is not taken at EL2, even unmasked; nor at EL3', () => {
    const h = machine(2);
    h.pe.i = 0;
    assert.equal(stepWithIrq(h), undefined);
    const g = machine(3);
    g.pe.i = 0;
    assert.equal(stepWithIrq(g), undefined);
  });

  it('HCR_EL2.TGE=1: an IRQ at EL0 goes to EL2', () => {
    const h = machine(0);
    hcr(h, HCR_BITS.TGE);
    assert.deepEqual(stepWithIrq(h), { el: 2, offset: 0x480 });
    const v = machine(0);
    hcr(v, HCR_BITS.TGE | HCR_BITS.E2H);
    assert.deepEqual(stepWithIrq(v), { el: 2, offset: 0x480 }, 'also in the EL2&0 regime (E2H=TGE=1)');
  });

  it('Secure EL1 with SCR_EL3.EEL2=0 ignores HCR_EL2.IMO (EL2 not enabled)', () => {
    const h = machine(1, { secure: true });
    setReg(h.pe, 'SCR_EL3', h.pe.readSysreg('SCR_EL3') & ~(1n << 18n));
    hcr(h, HCR_BITS.IMO);
    refreshConfig(h.pe);
    assert.equal(physicalInterruptTarget(h.pe, false), 1);
    assert.equal(stepWithIrq(h), undefined, 'routed to EL1 and masked');
    const s = machine(1, { secure: true }); // reset gives EEL2=1 for a Secure PE
    hcr(s, HCR_BITS.IMO);
    assert.deepEqual(stepWithIrq(s), { el: 2, offset: 0x480 }, 'Secure EL2 enabled');
  });

  it('FIQ: SCR_EL3.FIQ routes to EL3, HCR_EL2.FMO to EL2, offset +0x100 group', () => {
    const h = machine(1);
    scr(h, SCR_FIQ);
    assert.deepEqual(stepWithIrq(h, 'fiq'), { el: 3, offset: 0x500 });
    const g = machine(1);
    hcr(g, HCR_BITS.FMO);
    assert.deepEqual(stepWithIrq(g, 'fiq'), { el: 2, offset: 0x500 });
    const f = machine(1);
    f.pe.f = 0;
    assert.deepEqual(stepWithIrq(f, 'fiq'), { el: 1, offset: 0x300 });
    assert.equal(f.exceptions[0].type, 'fiq');
  });
});

describe('pe: virtual interrupts', () => {
  it('HCR_EL2.VI with IMO=1 at EL1: a vIRQ to EL1, masked by PSTATE.I', () => {
    const h = machine(1);
    hcr(h, HCR_BITS.IMO | HCR_BITS.VI);
    assert.equal(pendingInterrupt(h.pe), undefined);
    h.pe.step();
    assert.equal(h.exceptions.length, 0);
    const u = machine(1);
    hcr(u, HCR_BITS.IMO | HCR_BITS.VI);
    u.pe.i = 0;
    u.pe.step();
    assert.equal(u.exceptions[0].type, 'virq');
    assert.equal(u.exceptions[0].toEl, 1);
    assert.equal(u.pe.pc, VBARS[1] + 0x280);
  });

  it('virqLine/vfiqLine behave like HCR_EL2.VI/VF; from EL0 the vector is +0x480/+0x500', () => {
    const h = machine(0);
    hcr(h, HCR_BITS.IMO);
    h.pe.i = 0;
    assert.deepEqual(stepWithIrq(h, 'virq'), { el: 1, offset: 0x480 });
    const f = machine(0);
    hcr(f, HCR_BITS.FMO);
    f.pe.f = 0;
    assert.deepEqual(stepWithIrq(f, 'vfiq'), { el: 1, offset: 0x500 });
    assert.equal(f.exceptions[0].type, 'vfiq');
  });

  it('no virtual interrupts with IMO=0, with TGE=1, or at EL2', () => {
    for (const [el, bits] of [
      [1, HCR_BITS.VI],
      [0, HCR_BITS.IMO | HCR_BITS.TGE | HCR_BITS.VI],
      [2, HCR_BITS.IMO | HCR_BITS.VI],
    ] as const) {
      const h = machine(el);
      hcr(h, bits);
      h.pe.i = 0;
      h.pe.step();
      assert.equal(h.exceptions.length, 0, `EL${el} HCR ${bits.toString(16)}`);
    }
  });

  it('a physical IRQ routed to EL2 is taken before a pending vIRQ', () => {
    const h = machine(1);
    hcr(h, HCR_BITS.IMO | HCR_BITS.VI);
    h.pe.i = 0;
    assert.deepEqual(stepWithIrq(h, 'irq'), { el: 2, offset: 0x480 });
    assert.equal(h.exceptions[0].type, 'irq');
  });
});

describe('pe: WFI/WFE', () => {
  it('WFI waits until an interrupt arrives, even a masked one, then continues after the WFI', () => {
    const h = machine(1);
    h.at(CODE, 'wfi', (p) => p.sys.hint(p, 'wfi'));
    h.pe.step();
    assert.equal(h.pe.state, 'wfi');
    assert.equal(h.pe.pc, CODE + 4);
    h.run(3);
    assert.equal(h.pe.state, 'wfi');
    assert.equal(h.pe.instret, 1);
    h.pe.irqLine = true; // masked (I=1): wakes, not taken
    h.pe.step();
    assert.equal(h.pe.state, 'running');
    assert.equal(h.pe.pc, CODE + 8);
    assert.equal(h.exceptions.length, 0);
  });

  it('WFI woken by an unmasked IRQ takes it with ELR = the instruction after the WFI', () => {
    const h = machine(1);
    h.pe.i = 0;
    h.at(CODE, 'wfi', (p) => p.sys.hint(p, 'wfi'));
    h.pe.step();
    h.pe.irqLine = true;
    h.pe.step();
    assert.equal(h.pe.pc, VBARS[1] + 0x280);
    assert.equal(h.pe.readSysreg('ELR_EL1'), BigInt(CODE + 4));
  });

  it('HCR_EL2.TWI traps WFI at EL1 to EL2 with EC 0x01 (ESR 0x07E0_0000)', () => {
    const h = machine(1);
    hcr(h, HCR_BITS.TWI);
    h.at(CODE, 'wfi', (p) => p.sys.hint(p, 'wfi'));
    h.pe.step();
    assert.equal(h.pe.el, 2);
    // EC=0x01, IL=1, CV=1, COND=0b1110, TI=0 (WFI).
    assert.equal(h.pe.readSysreg('ESR_EL2'), BigInt(((0x01 << 26) | (1 << 25) | (1 << 24) | (0xe << 20) | 0) >>> 0));
    assert.equal(h.pe.readSysreg('ESR_EL2'), 0x07e0_0000n);
    assert.equal(h.pe.readSysreg('ELR_EL2'), BigInt(CODE));
    const e = machine(1);
    hcr(e, HCR_BITS.TWE);
    e.at(CODE, 'wfe', (p) => p.sys.hint(p, 'wfe'));
    e.pe.step();
    assert.equal(e.pe.readSysreg('ESR_EL2'), 0x07e0_0001n);
  });

  it('WFI at EL0 traps to EL1 when SCTLR_EL1.nTWI=0; SCR_EL3.TWI traps WFI at EL2 to EL3', () => {
    const h = machine(0);
    setReg(h.pe, 'SCTLR_EL1', h.pe.readSysreg('SCTLR_EL1') & ~(1n << 16n));
    h.at(CODE, 'wfi', (p) => p.sys.hint(p, 'wfi'));
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0x07e0_0000n);
    assert.match(h.exceptions[0].reason, /SCTLR_EL1\.nTWI=0/);
    const g = machine(2);
    scr(g, 1n << 12n);
    g.at(CODE, 'wfi', (p) => p.sys.hint(p, 'wfi'));
    g.pe.step();
    assert.equal(g.pe.el, 3);
    assert.equal(g.pe.readSysreg('ESR_EL3'), 0x07e0_0000n);
  });

  it('WFE consumes a pending event (SEVL) and waits otherwise; SEV wakes it', () => {
    const h = machine(1);
    h.at(CODE, 'sevl', (p) => p.sys.hint(p, 'sevl'));
    h.at(CODE + 4, 'wfe', (p) => p.sys.hint(p, 'wfe'));
    h.at(CODE + 8, 'wfe', (p) => p.sys.hint(p, 'wfe'));
    h.run(3);
    assert.equal(h.pe.state, 'wfe', 'the second WFE waits');
    assert.equal(h.pe.eventRegister, 0);
    h.pe.step();
    assert.equal(h.pe.state, 'wfe');
    h.pe.eventRegister = 1; // another PE's SEV
    h.pe.step();
    assert.equal(h.pe.state, 'running');
    assert.equal(h.pe.eventRegister, 0);
    assert.equal(h.pe.pc, CODE + 16, 'woke and executed the next instruction');
  });
});

describe('pe: SError', () => {
  it('a physical SError at EL1 is taken at +0x380 with ESR EC 0x2F when PSTATE.A=0; SCR_EL3.EA routes it to EL3', () => {
    const h = machine(1);
    h.pe.a = 0;
    h.pe.serrorLine = true;
    h.pe.step();
    assert.equal(h.pe.pc, VBARS[1] + 0x380);
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0xbe00_0000n);
    assert.equal(h.exceptions[0].type, 'serror');

    const m = machine(1);
    m.pe.serrorLine = true;
    m.pe.step();
    assert.equal(m.exceptions.length, 0, 'masked by PSTATE.A');

    const e = machine(1);
    scr(e, 1n << 3n);
    e.pe.serrorLine = true;
    e.pe.step();
    assert.equal(e.pe.el, 3);
    assert.equal(e.pe.pc, VBARS[3] + 0x580);
  });

  it('HCR_EL2.VSE with AMO=1 gives the guest a virtual SError and is cleared when taken', () => {
    const h = machine(1);
    hcr(h, (1n << 5n) | (1n << 8n)); // AMO | VSE
    h.pe.a = 0;
    h.pe.step();
    assert.equal(h.pe.el, 1);
    assert.equal(h.pe.pc, VBARS[1] + 0x380);
    assert.equal(h.pe.readSysreg('ESR_EL1'), 0xbe00_0000n);
    assert.equal(h.pe.readSysreg('HCR_EL2') & (1n << 8n), 0n, 'VSE cleared');
    assert.match(h.exceptions[0].reason, /virtual SError/);
  });
});
