import * as assert from 'node:assert/strict';
import { GICD, idle, machine, msr, rd, wr } from './helpers';

const ALL_ENABLED = '  icc_pmr_el1 = 0xff\n  icc_igrpen0_el1 = 1\n  icc_igrpen1_el3 = 3';

describe('GIC routing of SPIs (GICD_IROUTER)', () => {
  it('an SPI goes to the PE whose affinity IROUTER names, and only to it', () => {
    const m = idle({ pes: 4, clusters: 2, pe: ALL_ENABLED, extra: 'gic {\n  enable group1ns\n  interrupt 48 group 1ns priority 0x40 target pe 3 enabled\n}' });
    assert.equal(rd(m, 0, GICD + 0x6000 + 8 * 48, 8), 0x101, 'PE 3 = cluster 1, Aff0 1');
    m.gic.raise(48);
    assert.deepEqual(m.pes.map((p) => p.irqLine), [false, false, false, true]);
    wr(m, 0, GICD + 0x6000 + 8 * 48, 0x001, 8); // Aff1=0 Aff0=1 → PE 1
    assert.deepEqual(m.pes.map((p) => p.irqLine), [false, true, false, false]);
    wr(m, 0, GICD + 0x6000 + 8 * 48, 0x201, 8); // no PE has Aff1 = 2
    assert.deepEqual(m.pes.map((p) => p.irqLine), [false, false, false, false], 'no such affinity: not delivered');
    assert.equal(m.gic.isPending(48), true);
  });

  it('IRM=1 ("1 of N"): the SPI goes to a PE that has the group enabled (the lowest-numbered one)', () => {
    const m = idle({ pes: 3, pe: '  icc_pmr_el1 = 0xff', extra: 'gic {\n  enable group1ns\n  interrupt 49 group 1ns priority 0x40 target any enabled\n}' });
    m.gic.raise(49);
    assert.deepEqual(m.pes.map((p) => p.irqLine), [false, false, false], 'no PE has Group 1 enabled');
    msr(m, 2, 'ICC_IGRPEN1_EL1', 1n);
    assert.deepEqual(m.pes.map((p) => p.irqLine), [false, false, true]);
    msr(m, 1, 'ICC_IGRPEN1_EL1', 1n);
    assert.deepEqual(m.pes.map((p) => p.irqLine), [false, true, false]);
  });

  it('acknowledging an SPI on its target PE clears it for everyone', () => {
    const m = idle({ pes: 2, pe: ALL_ENABLED, extra: 'gic {\n  enable group1ns\n  interrupt 50 group 1ns priority 0x40 target pe 1 enabled\n}' });
    m.gic.raise(50);
    assert.equal(m.gic.acknowledge(0, '1ns'), 1023, 'PE 0 is not the target');
    assert.equal(m.gic.acknowledge(1, '1ns'), 50);
    assert.equal(m.pes[1].irqLine, false);
  });
});

describe('GIC SGIs between PEs (ICC_SGI0R/SGI1R/ASGI1R_EL1)', () => {
  /** SGI register value: INTID [27:24], Aff1 [23:16], TargetList [15:0], IRM [40]. */
  const sgi = (intid: number, targets: number, opts: { aff1?: number; irm?: boolean } = {}): bigint =>
    (BigInt(intid) << 24n) | (BigInt(opts.aff1 ?? 0) << 16n) | BigInt(targets) | (opts.irm ? 1n << 40n : 0n);

  function four(security: 'secure' | 'nonsecure', gic = '') {
    return idle({
      pes: 4,
      clusters: 2,
      security,
      pe: ALL_ENABLED,
      extra: `gic {\n  enable group0 group1s group1ns\n  interrupt 1 group 1ns priority 0x40 enabled\n  interrupt 2 group 1s priority 0x40 enabled\n  interrupt 3 group 0 priority 0x40 enabled\n${gic}}`,
    });
  }
  const pending = (m: ReturnType<typeof four>, intid: number): boolean[] => m.pes.map((_, p) => m.gic.isPending(intid, p));

  it('ICC_SGI1R_EL1 from Non-secure EL1 targets PEs by Aff1 and TargetList; the SGI is pending on each target redistributor', () => {
    const m = four('nonsecure');
    msr(m, 0, 'ICC_SGI1R_EL1', sgi(1, 0b10, { aff1: 1 })); // cluster 1, Aff0 1 → PE 3
    assert.deepEqual(pending(m, 1), [false, false, false, true]);
    assert.equal(m.pes[3].irqLine, true);
    msr(m, 3, 'ICC_SGI1R_EL1', sgi(1, 0b11)); // cluster 0, Aff0 0 and 1
    assert.deepEqual(pending(m, 1), [true, true, false, true]);
    assert.equal(m.gic.acknowledge(3, '1ns'), 1);
  });

  it('IRM=1 sends to every PE but the sender', () => {
    const m = four('nonsecure');
    msr(m, 2, 'ICC_SGI1R_EL1', sgi(1, 0, { irm: true }));
    assert.deepEqual(pending(m, 1), [true, true, false, true]);
  });

  it('forwarding follows the Security rules: Non-secure SGI1R reaches only Non-secure Group 1 SGIs; SGI0R and ASGI1R from Non-secure are not forwarded', () => {
    const m = four('nonsecure');
    msr(m, 0, 'ICC_SGI1R_EL1', sgi(2, 0b10)); // SGI 2 is Secure Group 1
    assert.deepEqual(pending(m, 2), [false, false, false, false]);
    msr(m, 0, 'ICC_SGI0R_EL1', sgi(3, 0b10));
    assert.deepEqual(pending(m, 3), [false, false, false, false]);
    msr(m, 0, 'ICC_ASGI1R_EL1', sgi(2, 0b10));
    assert.deepEqual(pending(m, 2), [false, false, false, false]);
  });

  it('from Secure state: SGI1R → Secure Group 1, SGI0R → Group 0, ASGI1R → Non-secure Group 1', () => {
    const m = four('secure');
    msr(m, 0, 'ICC_SGI1R_EL1', sgi(2, 0b10));
    assert.deepEqual(pending(m, 2), [false, true, false, false]);
    msr(m, 0, 'ICC_SGI1R_EL1', sgi(1, 0b10));
    assert.deepEqual(pending(m, 1), [false, false, false, false], 'SGI1R from Secure does not reach a Non-secure SGI');
    msr(m, 0, 'ICC_ASGI1R_EL1', sgi(1, 0b10));
    assert.deepEqual(pending(m, 1), [false, true, false, false]);
    msr(m, 0, 'ICC_SGI0R_EL1', sgi(3, 0b01, { aff1: 1 }));
    assert.deepEqual(pending(m, 3), [false, false, true, false]);
    assert.equal(m.pes[2].fiqLine, true, 'Group 0 → FIQ');
  });

  it('an SGI wakes a PE sleeping in WFI and its handler acknowledges it (end to end, two PEs)', () => {
    const m = machine(`
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 5000
}
gic {
  enable group1ns
  interrupt 7 group 1ns priority 0x40 enabled
}
pe 0-1 {
  el 1
  security nonsecure
  entry start
  vbar_el1 = 0x8000_0800
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
}
code at 0x8000_0000 {
start:
    mrs   x0, mpidr_el1
    and   x0, x0, #0xff
    cbnz  x0, sleeper
    // PE 0: send SGI 7 to PE 1 (Aff0 = 1).
    ldr   x1, =(7 << 24) | 0b10
    msr   icc_sgi1r_el1, x1
    hlt   #0
sleeper:
    msr   daifclr, #2
1:  cbnz  x5, 2f
    wfi
    b     1b
2:  hlt   #0
}
code at 0x8000_0a80 {
    mrs   x4, icc_iar1_el1
    msr   icc_eoir1_el1, x4
    mov   x5, #1
    eret
}
`);
    const stop = m.run();
    assert.equal(m.pes[1].state, 'halted', stop?.reason);
    assert.equal(m.pes[1].getX(4), 7n, 'PE 1 acknowledged SGI 7');
    assert.equal(m.gic.isActive(7, 1), false);
  });
});
