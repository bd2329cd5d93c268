import * as assert from 'node:assert/strict';
import { machine } from './helpers';

/** An EL1 kernel: unmask IRQs, wait; the IRQ handler acknowledges (IAR1), records the INTID, and EOIs. */
const KERNEL = (extra: string, events: string) => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 2000
}
gic {
  enable group1ns
  interrupt 40 group 1ns priority 0xc0 target pe 0 enabled
}
pe 0 {
  el 1
  security nonsecure
  entry start
  vbar_el1 = 0x8000_0800
  icc_pmr_el1 = 0xf0
  icc_igrpen1_el1 = 1
${extra}
}
code at 0x8000_0000 {
start:
    msr   daifclr, #3
spin:
    cbnz  x5, done
    wfi
    b     spin
done:
    hlt   #0
}
code at 0x8000_0a80 {
irq_handler:
    mrs   x0, icc_iar1_el1
    mov   x6, x0
    mrs   x7, icc_rpr_el1
    msr   icc_eoir1_el1, x0
    mrs   x8, icc_rpr_el1
    add   x5, x5, #1
    eret
}
code at 0x8000_0b00 {
fiq_handler:
    mov   x9, #0xf1
    hlt   #0
}
${events}
`;

describe('GIC: an EL1 handler acknowledges, handles and EOIs an interrupt', () => {
  it('a scenario irq event on an SPI reaches the NS-EL1 IRQ vector; IAR1 returns the INTID, RPR shows the running priority', () => {
    const m = machine(KERNEL('', 'event when step 20 do irq 40'));
    const stop = m.run();
    const pe = m.pes[0];
    assert.equal(pe.state, 'halted', stop?.reason);
    assert.equal(pe.getX(6), 40n, 'ICC_IAR1_EL1 returned INTID 40');
    // SCR_EL3.FIQ=0: Group 0 is accessible to Non-secure state, so RPR shows the priority as stored.
    assert.equal(pe.getX(7), 0xc0n, 'ICC_RPR_EL1 while handling');
    assert.equal(pe.getX(8), 0xffn, 'idle after EOI');
    assert.equal(pe.getX(5), 1n, 'handled exactly once');
    const irqs = m.exceptions.filter((e) => e.type === 'irq');
    assert.equal(irqs.length, 1);
    assert.equal(irqs[0].el, 1);
    assert.equal(m.gic.isActive(40), false, 'EOImode=0: EOIR deactivated it');
    assert.equal(m.gic.isPending(40), false);
    assert.equal(pe.irqLine, false);
  });

  it('with SCR_EL3.FIQ=1 a Non-secure read of ICC_RPR_EL1 sees the Non-secure view (priority << 1); idle still reads 0xFF', () => {
    // SCR_EL3 = RES1 [5:4] | NS | FIQ | HCE | RW.
    const m = machine(KERNEL('  scr_el3 = 0x535', 'event when step 20 do irq 40'));
    m.run();
    const pe = m.pes[0];
    assert.equal(pe.getX(6), 40n);
    assert.equal(pe.getX(7), 0x80n, 'stored 0xc0 reads (0xc0 << 1) & 0xff');
    assert.equal(pe.getX(8), 0xffn);
  });

  it('a condition trigger raises the interrupt when the condition becomes true (and, with every, each time again)', () => {
    const text = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 3000
}
gic {
  enable group1ns
  interrupt 40 group 1ns priority 0x80 target pe 0 enabled
}
pe 0 {
  el 1
  security nonsecure
  entry start
  vbar_el1 = 0x8000_0800
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
}
code at 0x8000_0000 {
start:
    msr   daifclr, #2
    mov   x3, #0
1:  add   x3, x3, #1
    and   x4, x3, #0xf                   // x4 cycles 0..15
    cmp   x3, #100
    b.lt  1b
    hlt   #0
}
code at 0x8000_0a80 {
    mrs   x0, icc_iar1_el1
    add   x5, x5, #1
    msr   icc_eoir1_el1, x0
    eret
}
event every when condition x4 == 7 do irq 40
`;
    const m = machine(text);
    m.run();
    const p = m.pes[0];
    assert.equal(p.state, 'halted');
    // x3 runs 1..100, x4 = x3 & 0xf equals 7 for x3 = 7, 23, 39, 55, 71, 87: six rising edges.
    assert.equal(p.getX(5), 6n);
    const once = machine(text.replace('event every when', 'event when'));
    once.run();
    assert.equal(once.pes[0].getX(5), 1n, 'without every: once');
  });

  it('interrupt trace events: pending, acknowledge (at the IAR line), eoi and deactivate (at the EOIR line)', () => {
    const text = KERNEL('', 'event when step 20 do irq 40');
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));
    const m = machine(text);
    const seen: string[] = [];
    m.trace.on('interrupt', (e) => seen.push(`${e.what} ${e.intid} pe=${e.pe ?? '-'} ${e.group} 0x${e.priority.toString(16)} line=${e.line ?? '-'}`));
    m.run();
    const iar = lineOf('mrs   x0, icc_iar1_el1');
    const eoir = lineOf('msr   icc_eoir1_el1');
    assert.deepEqual(seen, [
      'pending 40 pe=- 1ns 0xc0 line=-',
      `acknowledge 40 pe=0 1ns 0xc0 line=${iar}`,
      `eoi 40 pe=0 1ns 0xc0 line=${eoir}`,
      `deactivate 40 pe=0 1ns 0xc0 line=${eoir}`,
    ]);
  });
});
