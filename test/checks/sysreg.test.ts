import * as assert from 'node:assert/strict';
import { FindingSink, type CheckerHost } from '../../simulator/checks/host';
import { SysregRules, affectsRegime } from '../../simulator/checks/sysregRules';
import { MmuOffTracker } from '../../simulator/checks/memoryRules';
import { Pe, type PeEnvironment } from '../../simulator/pe/pe';
import type { Finding } from '../../simulator/trace/events';

function host(): { host: CheckerHost; findings: Finding[]; pe: Pe } {
  const findings: Finding[] = [];
  const pe = new Pe(0, { mmu: {}, memory: {}, sys: {}, fetchInstr: () => undefined } as unknown as PeEnvironment);
  const h: CheckerHost = {
    pes: [pe],
    memory: {} as CheckerHost['memory'],
    firmware: undefined,
    hooks: {} as CheckerHost['hooks'],
    steps: 0,
    requestStop: () => undefined,
    findings,
    addFinding: (f) => findings.push(f),
    // Code at 0x8000_0000, one instruction per line from line 10.
    lineOfPc: (pc) => 10 + (pc - 0x8000_0000) / 4,
  };
  return { host: h, findings, pe };
}

describe('checker: sysreg-without-isb', () => {
  it('fires when a data translation uses SCTLR_EL1 written at the same EL with no ISB', () => {
    const { host: h, findings, pe } = host();
    const r = new SysregRules(new FindingSink(h), 1);
    pe.el = 1;
    pe.pc = 0x8000_0000;
    r.onSysregWrite(pe, 'SCTLR_EL1', 10);
    pe.pc = 0x8000_0004;
    r.access(pe, 0x8000_0004); // the fetch of the next instruction: not a use
    assert.equal(findings.length, 0);
    r.access(pe, 0x8000_3000);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].rule, 'sysreg-without-isb');
    assert.equal(findings[0].line, 11);
    assert.deepEqual(findings[0].related, [10]);
    assert.match(findings[0].message, /SCTLR_EL1 at line 11 with no ISB/);
  });

  it('does not fire after an ISB, an exception, or in another regime', () => {
    const { host: h, findings, pe } = host();
    const r = new SysregRules(new FindingSink(h), 1);
    pe.el = 1;
    pe.pc = 0x8000_0000;
    r.onSysregWrite(pe, 'TCR_EL1', 10);
    r.synchronized(0); // ISB
    r.access(pe, 0x8000_3000);
    // Written at EL2, used at EL2: VTTBR_EL2 does not translate EL2's own accesses.
    pe.el = 2;
    r.onSysregWrite(pe, 'VTTBR_EL2', 10);
    r.access(pe, 0x8000_3000);
    // …then ERET to EL1: the EL changed, so context was synchronized.
    pe.el = 1;
    r.access(pe, 0x8000_3000);
    r.access(pe, 0x8000_3008);
    assert.deepEqual(findings, []);
  });

  it('knows which registers translate which EL', () => {
    assert.equal(affectsRegime('SCTLR_EL1', 0), true);
    assert.equal(affectsRegime('SCTLR_EL1', 2), false);
    assert.equal(affectsRegime('TTBR0_EL2', 2), true);
    assert.equal(affectsRegime('HCR_EL2', 1), true);
    assert.equal(affectsRegime('HCR_EL2', 2), false);
    assert.equal(affectsRegime('VBAR_EL1', 1), false);
  });
});

describe('MMU-off tracking', () => {
  it('remembers the SCTLR_ELx write that cleared M, per PE and EL', () => {
    const t = new MmuOffTracker();
    t.onSysregWrite(0, 'SCTLR_EL1', 0x30d0_1804n, 42);
    assert.equal(t.lineFor(0, 1), 42);
    assert.equal(t.lineFor(0, 0), 42, 'EL0 uses the EL1&0 regime');
    assert.equal(t.lineFor(1, 1), undefined);
    t.onSysregWrite(0, 'SCTLR_EL1', 0x30d0_1805n, 50);
    assert.equal(t.lineFor(0, 1), undefined);
  });
});
