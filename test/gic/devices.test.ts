import * as assert from 'node:assert/strict';
import { Pl011 } from '../../simulator/devices/uart';
import { parseScenario } from '../../simulator';
import { machine, mrs, msr } from './helpers';

const TIMER = (body: string, opts: { events?: string; regs?: string } = {}) => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 5000
}
gic {
  enable group1ns
  interrupt 30 group 1ns priority 0x80 enabled
  interrupt 27 group 1ns priority 0x80 enabled
}
pe 0 {
  el 1
  security nonsecure
  entry start
  vbar_el1 = 0x8000_0800
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
${opts.regs ?? ''}
}
code at 0x8000_0000 {
start:
${body}
}
code at 0x8000_0a80 {
irq:
    mrs   x20, icc_iar1_el1
    mrs   x21, cntpct_el0
    mrs   x22, cntp_ctl_el0
    msr   cntp_ctl_el0, xzr          // stop the timer: its output drops
    msr   icc_eoir1_el1, x20
    mov   x5, #1
    eret
}
${opts.events ?? ''}
`;

describe('Generic Timer', () => {
  it('CNTPCT_EL0 is the machine step count (one system counter for every PE)', () => {
    const m = machine(TIMER('    nop\n    nop\n    mrs   x1, cntpct_el0\n    mrs   x2, cntpct_el0\n    hlt   #0'));
    m.run();
    assert.equal(m.pes[0].getX(1), 2n, 'two steps before the first MRS');
    assert.equal(m.pes[0].getX(2), 3n);
  });

  it('CNTP_TVAL_EL0 write sets CVAL = count + TVAL; CTL.ISTATUS reads the condition; TVAL counts down', () => {
    const m = machine(TIMER('    hlt   #0'));
    m.steps = 100; // the counter (a machine step count) as the debugger could set it
    msr(m, 0, 'CNTP_TVAL_EL0', 50n);
    assert.equal(mrs(m, 0, 'CNTP_CVAL_EL0'), 150n);
    m.steps = 120;
    assert.equal(mrs(m, 0, 'CNTP_TVAL_EL0'), 30n);
    msr(m, 0, 'CNTP_CTL_EL0', 1n);
    assert.equal(mrs(m, 0, 'CNTP_CTL_EL0'), 1n, 'ISTATUS=0 before CVAL');
    m.steps = 160;
    assert.equal(mrs(m, 0, 'CNTP_CTL_EL0'), 5n, 'ENABLE | ISTATUS');
    assert.equal(mrs(m, 0, 'CNTP_TVAL_EL0'), 0xffff_fff6n, 'TVAL is signed: -10');
    msr(m, 0, 'CNTP_TVAL_EL0', 0xffff_fff0n); // -16: CVAL in the past
    assert.equal(mrs(m, 0, 'CNTP_CVAL_EL0'), 144n);
  });

  it('the EL1 physical timer fires PPI 30 at CVAL: the IRQ is taken when the counter reaches it', () => {
    const m = machine(
      TIMER(`    mov   x1, #200
    msr   cntp_cval_el0, x1
    mov   x1, #1
    msr   cntp_ctl_el0, x1
    msr   daifclr, #2
1:  cbz   x5, 1b
    hlt   #0`),
    );
    m.run();
    const p = m.pes[0];
    assert.equal(p.getX(20), 30n, 'ICC_IAR1_EL1 = 30 (CNTP)');
    // Taken at step 200 exactly: the exception entry is step 200, the IAR read 201, the CNTPCT read 202.
    assert.equal(p.getX(21), 202n, 'taken exactly when CNTPCT reached CVAL');
    const irq = m.exceptions.find((e) => e.type === 'irq');
    assert.equal(irq?.step, 201, 'the 201st action (steps are counted from 1 in records)');
    assert.equal(p.getX(22), 5n, 'CTL: ENABLE | ISTATUS in the handler');
    assert.equal(m.gic.isPending(30, 0), false, 'output dropped once the timer was disabled');
  });

  it('a PE asleep in WFI wakes when its timer fires: time passes to the deadline', () => {
    const m = machine(
      TIMER(`    mov   x1, #1000
    msr   cntp_cval_el0, x1
    mov   x1, #1
    msr   cntp_ctl_el0, x1
    msr   daifclr, #2
1:  cbnz  x5, 2f
    wfi
    b     1b
2:  hlt   #0`),
    );
    const stop = m.run();
    assert.equal(m.pes[0].state, 'halted', stop?.reason);
    assert.equal(m.pes[0].getX(20), 30n);
    assert.ok(m.pes[0].getX(21) >= 1000n, `CNTPCT ${m.pes[0].getX(21)} ≥ CVAL`);
    assert.ok(m.steps < 1100, `the idle time was skipped in one action (steps ${m.steps})`);
  });

  it('the virtual timer compares CNTVCT = CNTPCT − CNTVOFF_EL2 and fires PPI 27; IMASK holds the output low', () => {
    const m = machine(TIMER('    hlt   #0', { regs: '  cntvoff_el2 = 40' }));
    m.steps = 100;
    msr(m, 0, 'CNTV_CVAL_EL0', 70n);
    msr(m, 0, 'CNTV_CTL_EL0', 3n); // ENABLE | IMASK
    assert.equal(mrs(m, 0, 'CNTVCT_EL0'), 60n);
    assert.equal(mrs(m, 0, 'CNTV_CTL_EL0'), 3n);
    m.steps = 110;
    m.platform.tick();
    assert.equal(mrs(m, 0, 'CNTV_CTL_EL0'), 7n, 'condition met');
    assert.equal(m.gic.isPending(27, 0), false, 'IMASK=1: no interrupt');
    msr(m, 0, 'CNTV_CTL_EL0', 1n);
    assert.equal(m.gic.isPending(27, 0), true);
    assert.equal(m.pes[0].irqLine, true);
  });
});

const UART = (handler: string, events: string) => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  device uart0 uart at 0x0900_0000 size 0x1000 irq 33
  max_steps 5000
}
gic {
  enable group1ns
  interrupt 33 group 1ns priority 0x80 target pe 0 enabled
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
    ldr   x10, =0x0900_0000
    mov   w1, #(1 << 4)              // UARTIMSC.RXIM
    str   w1, [x10, #0x38]
    ldr   x11, =buffer
    msr   daifclr, #2
1:  cmp   x5, #3
    b.ge  2f
    wfi
    b     1b
2:  hlt   #0
}
code at 0x8000_0a80 {
irq:
${handler}
}
data at 0x8001_0000 {
buffer:
    .space 16
}
${events}
`;

describe('PL011 UART', () => {
  it('uart input raises the UART SPI; the handler drains UARTDR until UARTFR.RXFE and echoes, then the line drops', () => {
    const m = machine(
      UART(
        `    mrs   x20, icc_iar1_el1
    ldr   w2, [x10, #0x40]           // UARTMIS
    mov   x12, x2
3:  ldr   w3, [x10, #0x18]           // UARTFR
    tbnz  w3, #4, 4f                 // RXFE: receive FIFO empty
    ldr   w4, [x10]                  // UARTDR
    strb  w4, [x11], #1
    str   w4, [x10]                  // echo
    add   x5, x5, #1
    b     3b
4:  msr   icc_eoir1_el1, x20
    eret`,
        'event when step 30 do uart input "abc"',
      ),
    );
    const stop = m.run();
    const p = m.pes[0];
    assert.equal(p.state, 'halted', stop?.reason);
    assert.equal(p.getX(20), 33n, 'the UART SPI');
    assert.equal(p.getX(12), 0x10n, 'UARTMIS.RXMIS');
    assert.equal(p.getX(5), 3n);
    assert.equal(m.physical.readU32(0x8001_0000) & 0xff_ffff, 0x63_6261, '"abc" in the buffer');
    assert.equal(m.platform.uart('uart0')?.output, 'abc', 'echoed');
    assert.equal(m.gic.isPending(33), false, 'RX FIFO empty: UARTINTR low');
  });

  it('registers: UARTFR RXFE/RXFF, UARTRIS/MIS, UARTICR clears the transmit interrupt, overrun past 32 characters, PrimeCell ID', () => {
    const u = new Pl011('u', 33);
    const levels: boolean[] = [];
    u.connect((h) => levels.push(h));
    const out = { ldLo: 0, ldHi: 0 };
    const r = (off: number): number => (u.read(off, 4, out), out.ldLo);
    assert.equal(r(0x18) & 0x10, 0x10, 'RXFE');
    u.write(0x38, 4, 0x30, 0); // RXIM | TXIM
    u.input('x'.repeat(33));
    assert.equal(r(0x18) & 0x40, 0x40, 'RXFF');
    assert.equal(r(0x04) & 0x8, 0x8, 'UARTRSR.OE: the 33rd character overran');
    assert.equal(r(0x3c), 0x10);
    assert.deepEqual(levels, [true]);
    u.write(0x0, 4, 0x41, 0);
    assert.equal(r(0x40), 0x30, 'TXMIS after a transmit');
    u.write(0x44, 4, 0x20, 0);
    assert.equal(r(0x40), 0x10, 'UARTICR.TXIC cleared it');
    for (let i = 0; i < 32; i++) r(0x0);
    assert.equal(r(0x3c), 0);
    assert.deepEqual(levels, [true, false], 'UARTINTR dropped with the FIFO empty');
    assert.deepEqual([0xff0, 0xff4, 0xff8, 0xffc].map(r), [0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('scenario checks: uart input needs a declared UART; the string escapes are decoded', () => {
    const bad = parseScenario('system {\n  pes 1\n}\nevent when step 1 do uart input "x"\n', 't.armscope');
    assert.ok(bad.diagnostics.some((d) => d.rule === 'unknown-device' && d.range.start.line === 3));
    const named = parseScenario('system {\n  pes 1\n  device u0 uart at 0x0900_0000 size 0x1000 irq 33\n}\nevent when step 1 do uart u1 input "x"\n', 't.armscope');
    assert.ok(named.diagnostics.some((d) => d.rule === 'unknown-device' && /no UART named 'u1'/.test(d.message)));
    const ok = parseScenario('system {\n  pes 1\n  device u0 uart at 0x0900_0000 size 0x1000 irq 33\n}\nevent when step 1 do uart u0 input "a\\n\\x41"\n', 't.armscope');
    assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error'), []);
    const a = ok.events[0].action;
    assert.equal(a.kind === 'uart-input' ? a.text : '', 'a\nA');
  });
});

describe('platform state hash (determinism, time travel)', () => {
  const PLATFORM = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  device uart0 uart at 0x0900_0000 size 0x1000
  max_steps 100
}
pe 0 {
  el 1
  security nonsecure
  entry start
}
code at 0x8000_0000 {
start:
    hlt   #0
}
`;

  it('arming the Generic Timer changes the platform hash although the GIC is untouched; restoring brings it back', () => {
    const m = machine(PLATFORM);
    const gic0 = m.gic.stateHash();
    const h0 = m.platform.stateHash();
    const snap = m.platform.snapshot();
    msr(m, 0, 'CNTP_CVAL_EL0', 50n);
    msr(m, 0, 'CNTP_CTL_EL0', 1n); // armed: next deadline at step 50, output still low
    assert.equal(m.platform.deadline, 50);
    assert.equal(m.gic.stateHash(), gic0, 'no interrupt yet: the GIC state is the same');
    const h1 = m.platform.stateHash();
    assert.notEqual(h1, h0, 'the timer deadline is in the platform hash');
    m.steps = 60;
    m.platform.tick(); // the output rises: PPI 30 pending, no further deadline
    assert.equal(m.gic.isPending(30, 0), true);
    assert.notEqual(m.platform.stateHash(), h1);
    m.platform.restore(snap);
    assert.equal(m.platform.deadline, Infinity);
    assert.equal(m.gic.isPending(30, 0), false);
    assert.equal(m.platform.stateHash(), h0, 'same state, same hash');
  });

  it('a character arriving at a UART changes the platform hash and Machine.stateHash()', () => {
    const m = machine(PLATFORM);
    const h0 = m.platform.stateHash();
    const mh0 = m.stateHash();
    const gic0 = m.gic.stateHash();
    m.platform.uart('uart0')?.input('x'); // no interrupt declared: only the UART's receive FIFO changes
    assert.equal(m.gic.stateHash(), gic0);
    assert.notEqual(m.platform.stateHash(), h0);
    assert.notEqual(m.stateHash(), mh0);
  });
});
