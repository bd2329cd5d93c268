import * as assert from 'node:assert/strict';
import type { Machine } from '../../simulator/engine/machine';
import { idle, machine, mrs, msr } from './helpers';

type Group = '0' | '1s' | '1ns';

/** A PE at `el`/`security` with every group enabled in the distributor and the CPU interface, PMR open. */
function pe(el: number, security: 'secure' | 'nonsecure', pe = ''): Machine {
  return idle({
    el,
    security,
    pe: `  icc_pmr_el1 = 0xff\n  icc_igrpen0_el1 = 1\n  icc_igrpen1_el3 = 3\n${pe}`,
    extra: 'gic {\n  enable group0 group1s group1ns\n}',
  });
}

function signal(m: Machine): 'irq' | 'fiq' | 'none' {
  const p = m.pes[0];
  assert.ok(!(p.irqLine && p.fiqLine), 'one line at a time');
  return p.irqLine ? 'irq' : p.fiqLine ? 'fiq' : 'none';
}

describe('GIC signalling: group → FIQ/IRQ in each Security state and EL (IHI 0069 Table 4-5)', () => {
  const table: [number, 'secure' | 'nonsecure', Record<Group, 'irq' | 'fiq'>][] = [
    [1, 'nonsecure', { '0': 'fiq', '1s': 'fiq', '1ns': 'irq' }],
    [2, 'nonsecure', { '0': 'fiq', '1s': 'fiq', '1ns': 'irq' }],
    [1, 'secure', { '0': 'fiq', '1s': 'irq', '1ns': 'fiq' }],
    [2, 'secure', { '0': 'fiq', '1s': 'irq', '1ns': 'fiq' }],
    [3, 'secure', { '0': 'fiq', '1s': 'fiq', '1ns': 'fiq' }],
  ];
  for (const [el, sec, want] of table) {
    for (const g of ['0', '1s', '1ns'] as Group[]) {
      it(`${g === '0' ? 'Group 0' : g === '1s' ? 'Secure Group 1' : 'Non-secure Group 1'} at ${sec === 'secure' && el < 3 ? 'S-' : el < 3 ? 'NS-' : ''}EL${el} → ${want[g].toUpperCase()}`, () => {
        const m = pe(el, sec);
        m.gic.configure(40, { group: g, priority: 0x40, targetPe: 0 });
        m.gic.setEnabled(40, true);
        assert.equal(signal(m), 'none');
        m.gic.raise(40);
        assert.equal(signal(m), want[g]);
      });
    }
  }

  it('an SCR_EL3.NS write re-picks the line: a Secure Group 1 interrupt is an FIQ once EL3 returns to Non-secure, an IRQ in Secure', () => {
    const m = pe(3, 'secure');
    m.gic.configure(41, { group: '1s', priority: 0x40, targetPe: 0 });
    m.gic.setEnabled(41, true);
    m.gic.raise(41);
    assert.equal(signal(m), 'fiq', 'at EL3');
    // Drop to S-EL1 as firmware would: ERET with SPSR = EL1h, then NS.
    const p = m.pes[0];
    p.writeSysreg('SPSR_EL3', 0x3c5n);
    p.writeSysreg('ELR_EL3', 0x8000_0000n);
    p.sys.eret(p);
    assert.equal(p.el, 1);
    assert.equal(signal(m), 'irq', 'Secure EL1: Secure Group 1 is an IRQ');
  });
});

/** Vectors that record where an interrupt was taken: x9 = 0xVV where VV identifies the EL and offset. */
const VECTORS = (() => {
  let s = '';
  for (const [el, base] of [[1, 0x8001_0000], [2, 0x8002_0000], [3, 0x8003_0000]] as const) {
    for (const off of [0x080, 0x100, 0x280, 0x300, 0x480, 0x500]) {
      s += `code at ${base + off} {\n    mov x9, #${(el << 12) | off}\n    hlt #0\n}\n`;
    }
  }
  return s;
})();

/** One PE running `msr daifclr, #3` then spinning, with all vectors recorded, a pending interrupt of `group`. */
function routed(opts: { el: number; security: 'secure' | 'nonsecure'; group: Group; regs?: string }): Machine {
  return machine(`
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 200
}
gic {
  enable group0 group1s group1ns
  interrupt 45 group ${opts.group} priority 0x40 target pe 0 enabled
}
pe 0 {
  el ${opts.el}
  security ${opts.security}
  entry start
  vbar_el1 = 0x8001_0000
  vbar_el2 = 0x8002_0000
  vbar_el3 = 0x8003_0000
  icc_pmr_el1 = 0xff
  icc_igrpen0_el1 = 1
  icc_igrpen1_el3 = 3
${opts.regs ?? ''}
}
code at 0x8000_0000 {
start:
    msr   daifclr, #3
1:  b     1b
}
${VECTORS}
event when step 5 do irq 45
`);
}

function takenAt(m: Machine): { el: number; offset: number; type: string } {
  m.run();
  const x9 = Number(m.pes[0].getX(9));
  const irqs = m.exceptions.filter((e) => e.type === 'irq' || e.type === 'fiq');
  assert.equal(irqs.length, 1, 'one interrupt exception');
  return { el: x9 >> 12, offset: x9 & 0xfff, type: irqs[0].type ?? '' };
}

// SCR_EL3 values: RES1 [5:4] | RW [10] | HCE [8] (+ NS [0], IRQ [1], FIQ [2], EEL2 [18]).
const SCR_NS = 0x531;
const SCR_S_EEL2 = 0x4_0530;

describe('GIC interrupts are taken where SCR_EL3 and HCR_EL2 route them', () => {
  it('NS-EL1, Non-secure Group 1 → IRQ at EL1 (current EL with SPx, +0x280)', () => {
    assert.deepEqual(takenAt(routed({ el: 1, security: 'nonsecure', group: '1ns' })), { el: 1, offset: 0x280, type: 'irq' });
  });

  it('NS-EL1 with HCR_EL2.IMO=1 → IRQ at EL2 (lower EL, +0x480)', () => {
    const hcr = (1n << 31n) | (1n << 4n);
    assert.deepEqual(takenAt(routed({ el: 1, security: 'nonsecure', group: '1ns', regs: `  hcr_el2 = ${hcr}` })), { el: 2, offset: 0x480, type: 'irq' });
  });

  it('NS-EL1, Secure Group 1 with SCR_EL3.FIQ=1 → FIQ at EL3 (+0x500)', () => {
    assert.deepEqual(takenAt(routed({ el: 1, security: 'nonsecure', group: '1s', regs: `  scr_el3 = ${SCR_NS | 4}` })), { el: 3, offset: 0x500, type: 'fiq' });
  });

  it('NS-EL1, Group 0 with SCR_EL3.FIQ=0 → FIQ at EL1 (+0x300)', () => {
    assert.deepEqual(takenAt(routed({ el: 1, security: 'nonsecure', group: '0' })), { el: 1, offset: 0x300, type: 'fiq' });
  });

  it('S-EL1 under S-EL2 with HCR_EL2.FMO=1: a Non-secure Group 1 interrupt reaches S-EL2 as an FIQ (+0x500), as Hafnium expects', () => {
    const hcr = (1n << 31n) | (1n << 3n);
    const m = routed({ el: 1, security: 'secure', group: '1ns', regs: `  scr_el3 = ${SCR_S_EEL2}\n  hcr_el2 = ${hcr}` });
    assert.deepEqual(takenAt(m), { el: 2, offset: 0x500, type: 'fiq' });
  });

  it('S-EL1, Secure Group 1 → IRQ at S-EL1 (+0x280)', () => {
    assert.deepEqual(takenAt(routed({ el: 1, security: 'secure', group: '1s', regs: `  scr_el3 = ${SCR_S_EEL2}` })), { el: 1, offset: 0x280, type: 'irq' });
  });

  it('EL3: a Non-secure Group 1 interrupt is an FIQ, taken at EL3 with SCR_EL3.FIQ=1 (+0x300)', () => {
    assert.deepEqual(takenAt(routed({ el: 3, security: 'secure', group: '1ns', regs: `  scr_el3 = ${0x530 | 4}` })), { el: 3, offset: 0x300, type: 'fiq' });
  });

  it('exception entry re-picks the line: a masked Non-secure IRQ at NS-EL1 becomes an FIQ while an SMC runs at EL3, and an IRQ again after ERET', () => {
    const m = machine(`
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 200
}
gic {
  enable group1ns
  interrupt 46 group 1ns priority 0x40 target pe 0 enabled pending
}
pe 0 {
  el 1
  security nonsecure
  entry start
  vbar_el3 = 0x8003_0000
  icc_pmr_el1 = 0xff
  icc_igrpen1_el3 = 3
  pstate.daif = 0b1111
}
code at 0x8000_0000 {
start:
    smc   #0
back:
    hlt   #0
}
code at 0x8003_0400 {
    mov   x1, #1
el3_spin:
    b     el3_spin
}
`);
    const p = m.pes[0];
    assert.equal(signal(m), 'irq');
    while (p.el !== 3) m.step();
    assert.equal(signal(m), 'fiq', 'at EL3 every Group 1 interrupt is an FIQ');
    p.writeSysreg('ELR_EL3', 0x8000_0004n);
    p.sys.eret(p);
    assert.equal(p.el, 1);
    assert.equal(signal(m), 'irq');
  });
});

describe('GIC priority masking and preemption', () => {
  function ready(extraPe = ''): Machine {
    return idle({
      security: 'nonsecure',
      pe: `  icc_igrpen1_el1 = 1\n${extraPe}`,
      extra: 'gic {\n  enable group1ns\n  interrupt 32 group 1ns priority 0x88 enabled\n  interrupt 33 group 1ns priority 0x80 enabled\n  interrupt 34 group 1ns priority 0x88 enabled\n  interrupt 35 group 1ns priority 0x60 enabled\n}',
    });
  }

  it('ICC_PMR_EL1: an interrupt is signalled only when its priority is higher (lower value) than the mask', () => {
    const m = ready();
    m.gic.raise(33);
    assert.equal(signal(m), 'none', 'PMR resets to 0: everything masked');
    msr(m, 0, 'ICC_PMR_EL1', 0x80n);
    assert.equal(signal(m), 'none', 'priority 0x80 is not higher than PMR 0x80');
    msr(m, 0, 'ICC_PMR_EL1', 0x88n);
    assert.equal(signal(m), 'irq');
    assert.equal(mrs(m, 0, 'ICC_HPPIR1_EL1'), 33n, 'HPPIR ignores the mask');
  });

  it('running priority: only a higher group priority preempts an active interrupt; EOI lets the next one through', () => {
    const m = ready('  icc_pmr_el1 = 0xff');
    m.gic.raise(32);
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 32n);
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0x88n);
    m.gic.raise(34);
    assert.equal(signal(m), 'none', 'same priority 0x88 does not preempt');
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 1023n, 'IAR returns spurious');
    m.gic.raise(33);
    assert.equal(signal(m), 'irq', '0x80 preempts 0x88');
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 33n);
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0x80n, 'nested: running priority 0x80');
    msr(m, 0, 'ICC_EOIR1_EL1', 33n);
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0x88n, 'back to the outer handler');
    msr(m, 0, 'ICC_EOIR1_EL1', 32n);
    assert.equal(signal(m), 'irq', 'INTID 34 now goes through');
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 34n);
  });

  it('ICC_BPR1_EL1: with a coarser binary point, priorities in the same group priority do not preempt', () => {
    const m = ready('  icc_pmr_el1 = 0xff');
    msr(m, 0, 'ICC_BPR1_EL1', 5n); // group priority = priority[7:5]
    m.gic.raise(32);
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 32n);
    assert.equal(mrs(m, 0, 'ICC_RPR_EL1'), 0x80n, 'running priority is the group priority 0x88 & 0xe0');
    m.gic.raise(33);
    assert.equal(signal(m), 'none', '0x80 has the same group priority: no preemption');
    m.gic.raise(35);
    assert.equal(signal(m), 'irq', '0x60 is a higher group priority');
  });

  it('group enables: GICD_CTLR.EnableGrp1NS and ICC_IGRPEN1_EL1 both gate signalling; a disabled interrupt stays pending', () => {
    const m = ready('  icc_pmr_el1 = 0xff');
    m.gic.raise(33);
    assert.equal(signal(m), 'irq');
    msr(m, 0, 'ICC_IGRPEN1_EL1', 0n);
    assert.equal(signal(m), 'none');
    msr(m, 0, 'ICC_IGRPEN1_EL1', 1n);
    m.gic.setDistributorControl(0);
    assert.equal(signal(m), 'none');
    m.gic.setDistributorControl(2);
    m.gic.setEnabled(33, false);
    assert.equal(signal(m), 'none');
    assert.equal(m.gic.isPending(33), true);
    m.gic.setEnabled(33, true);
    assert.equal(signal(m), 'irq');
  });

  it('a level-sensitive interrupt still asserted after IAR is active and pending: not signalled again until deactivated', () => {
    const m = ready('  icc_pmr_el1 = 0xff');
    m.gic.setLevel(33, true);
    assert.equal(mrs(m, 0, 'ICC_IAR1_EL1'), 33n);
    assert.equal(m.gic.isActive(33) && m.gic.isPending(33), true, 'active and pending');
    assert.equal(signal(m), 'none');
    msr(m, 0, 'ICC_EOIR1_EL1', 33n);
    assert.equal(signal(m), 'irq', 'pending again once inactive');
    m.gic.setLevel(33, false);
    assert.equal(signal(m), 'none', 'the device dropped its line');
  });
});

describe('ISR_EL1', () => {
  it('shows the interrupt the GIC signals whatever PSTATE masks; at EL1 with HCR_EL2.IMO=1, the virtual IRQ instead', () => {
    const m = pe(1, 'nonsecure', '  pstate.daif = 0b1111');
    m.gic.configure(40, { group: '1ns', priority: 0x40, targetPe: 0 });
    m.gic.configure(41, { group: '0', priority: 0x20, targetPe: 0 });
    m.gic.setEnabled(40, true);
    m.gic.setEnabled(41, true);
    assert.equal(mrs(m, 0, 'ISR_EL1'), 0n);
    m.gic.raise(40);
    assert.equal(mrs(m, 0, 'ISR_EL1'), 0x80n, 'I: the Non-secure Group 1 interrupt is an IRQ');
    m.gic.raise(41);
    assert.equal(mrs(m, 0, 'ISR_EL1'), 0x40n, 'F: the higher-priority Group 0 interrupt is signalled now');
    const p = m.pes[0];
    p.writeSysreg('HCR_EL2', (1n << 31n) | (1n << 4n) | (1n << 7n)); // RW | IMO | VI
    assert.equal(mrs(m, 0, 'ISR_EL1'), 0xc0n, 'I from HCR_EL2.VI (virtual), F still physical (FMO=0)');
  });
});
