import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../simulator/engine/machine';
import { parseScenario } from '../../simulator';
import { repoRoot } from '../engine/helpers';

function seed002(file: string, patch?: (t: string) => string): Machine {
  const path = join(repoRoot(), 'examples', 'seed-002', file);
  const text = patch ? patch(readFileSync(path, 'utf8')) : readFileSync(path, 'utf8');
  const model = parseScenario(text, path);
  assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const m = Machine.create(model);
  m.run();
  return m;
}

describe('firmware: VHE SPMC and S-EL0 partitions (seed 002)', () => {
  it('an S-EL0 partition runs with E2H=TGE=1 on its own TTBR0_EL2 (ASID), and EL0 timer names reach the EL2 timer', () => {
    // Stop StMM inside its request handler, after it programmed "its" physical timer.
    const m = seed002('fix-el0-private-tables.armscope', (t) =>
      t.replace('    ldr   x9, =OPTEE_SECRET\nsteal:', '    mov   x10, #0x1234\n    msr   cntp_cval_el0, x10\n    hlt   #0\n    ldr   x9, =OPTEE_SECRET\nsteal:'),
    );
    const pe = m.pes[0];
    assert.equal(pe.el, 0);
    assert.equal(m.firmware!.currentEndpoint(0).id, 0x8002);
    const hcr = pe.readSysreg('HCR_EL2');
    assert.equal((hcr >> 34n) & 1n, 1n, 'E2H');
    assert.equal((hcr >> 27n) & 1n, 1n, 'TGE');
    assert.equal(pe.readSysreg('TTBR0_EL2') >> 48n, 2n, 'ASID = partition index + 1');
    assert.equal(pe.readSysreg('CNTHP_CVAL_EL2'), 0x1234n, 'CNTP_CVAL_EL0 at EL0 in the host reaches CNTHP_CVAL_EL2');
    assert.equal(pe.readSysreg('CNTP_CVAL_EL0'), 0n, 'the EL0 physical timer itself is untouched');
    assert.equal(pe.readSysreg('SCR_EL3') & 1n, 0n, 'Secure state');
  });

  it('private tables: the out-of-manifest read is a stage-1 fault from EL0 taken to EL2; the partition is aborted', () => {
    const m = seed002('fix-el0-private-tables.armscope');
    const f = m.faults[0];
    assert.equal(f.kind, 'translation');
    assert.equal(f.stage, 1);
    assert.equal(f.level, 2);
    assert.equal(f.fromEl, 0);
    assert.equal(f.el, 2, 'HCR_EL2.TGE=1 routes EL0 aborts to EL2');
    assert.equal(f.esr >> 26n, 0x24n, 'Data Abort from a lower EL');
    assert.equal(m.findings.length, 0);
  });

  it('shared tables: the same read succeeds and the isolation check reports it at the load', () => {
    const m = seed002('bug-el0-shared-tables.armscope');
    assert.equal(m.faults.length, 0);
    const f = m.findings.find((x) => x.rule === 'partition-isolation');
    assert.ok(f);
    assert.match(f.message, /S-EL0 partition 0x8002 \(stmm\) reached 0xe18_0000 through the SPMC's own EL2&0 table/);
    assert.match(f.message, /belongs to partition 0x8001 \(optee\)/);
    const text = readFileSync(join(repoRoot(), 'examples', 'seed-002', 'bug-el0-shared-tables.armscope'), 'utf8').split('\n');
    assert.equal(text[f.line!].trim().startsWith('ldr   x3, [x9]'), true, 'the finding points at the load');
  });
});
