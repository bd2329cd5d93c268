import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../simulator/cli/commands';
import { herdResult, observe, type FinalStateReader } from '../../simulator/litmus';
import { litmusToScenario } from '../../simulator/litmus';
import { CORPUS, readTest, runOnce } from './helpers';

const MP = readTest(readFileSync(join(CORPUS, 'MP.litmus'), 'utf8'), 'MP.litmus');

/** A final state of MP's scenario with P1's X0 and X2 as given. */
function mpState(x0: number, x2: number): ReturnType<typeof observe> {
  const layout = litmusToScenario(MP).layout;
  const reader: FinalStateReader = { register: (pe, reg) => (pe === 1 && reg === 0 ? BigInt(x0) : pe === 1 && reg === 2 ? BigInt(x2) : 0n), memory: () => 0n, faults: [] };
  return observe(MP, layout, reader);
}

describe("litmus: herd7's result format", function () {
  it("prints MP's four states as herd7 does (its catalogue output without Time and Hash)", function () {
    const layout = litmusToScenario(MP).layout;
    const outcomes = [mpState(1, 1), mpState(0, 1), mpState(1, 0), mpState(0, 0)].map((state) => ({ state, executions: 1 }));
    const r = herdResult(MP, layout, outcomes);
    assert.equal(
      r.text,
      [
        'Test MP Allowed',
        'States 4',
        '1:X0=0; 1:X2=0;',
        '1:X0=0; 1:X2=1;',
        '1:X0=1; 1:X2=0;',
        '1:X0=1; 1:X2=1;',
        'Ok',
        'Witnesses',
        'Positive: 1 Negative: 3',
        'Condition exists (1:X0=1 /\\ 1:X2=0)',
        'Observation MP Sometimes 1 3',
        '',
      ].join('\n'),
    );
  });

  it('merges equal states, counts executions, and says No / Never when no execution satisfies exists', function () {
    const layout = litmusToScenario(MP).layout;
    const r = herdResult(MP, layout, [
      { state: mpState(1, 1), executions: 2 },
      { state: mpState(1, 1), executions: 3 },
      { state: mpState(0, 0), executions: 1 },
    ], { time: 0.004 });
    assert.equal(r.states, 2);
    assert.equal(r.verdict, 'Forbidden');
    assert.equal(herdResult(MP, layout, [{ state: mpState(1, 0), executions: 1 }]).verdict, 'Allowed');
    assert.match(r.text, /^No\nWitnesses\nPositive: 0 Negative: 6\n/m);
    assert.match(r.text, /^Observation MP Never 0 6\nTime MP 0\.00\n$/m);
  });

  it('~exists is Forbidden, Ok when no execution satisfies it, with Positive and Negative swapped as herd7 does', function () {
    const t = readTest(readFileSync(join(CORPUS, 'MP.litmus'), 'utf8').replace('exists', '~exists'), 'MP.litmus');
    const layout = litmusToScenario(t).layout;
    const reader = (x0: number, x2: number): FinalStateReader => ({ register: (pe, reg) => (pe === 1 && reg === 0 ? BigInt(x0) : pe === 1 && reg === 2 ? BigInt(x2) : 0n), memory: () => 0n, faults: [] });
    const r = herdResult(t, layout, [{ state: observe(t, layout, reader(1, 1)), executions: 1 }, { state: observe(t, layout, reader(0, 0)), executions: 2 }]);
    assert.match(r.text, /^Test MP Forbidden\n/);
    assert.equal(r.verdict, 'Forbidden');
    assert.match(r.text, /\nOk\nWitnesses\nPositive: 3 Negative: 0\nCondition ~exists \(1:X0=1 \/\\ 1:X2=0\)\nObservation MP Never 0 3\n/);
  });

  it("prints a run's final state of a VMSA test: descriptors in herd7's spelling, a fault taken and one not taken", function () {
    const text = `AArch64 V
Variant=vmsa
{ [x]=1; [PTE(x)]=(oa:PA(x), valid:0); [PTE(y)]=(oa:PA(y), db:0); 0:X1=x; 0:X3=y; }
 P0              ;
 L0: LDR W0,[X1] ;
locations [PTE(y);]
exists (0:X0=1 \\/ fault(P0:L0,x) \\/ fault(P0,y))`;
    const t = readTest(text, 'V.litmus');
    const { generated, state } = runOnce(t);
    const r = herdResult(t, generated.layout, [{ state, executions: 1 }]);
    assert.equal(
      r.text.split('\n').slice(0, 3).join('\n'),
      'Test V Allowed\nStates 1\n0:X0=0; [PTE(y)]=(oa:PA(y), db:0); Fault(P0:L0,x,D-MMU:Translation); ~Fault(P0,y);',
    );
    assert.match(r.text, /\nOk\n/);
    assert.match(r.text, /\nCondition exists \(0:X0=1 \\\/ fault\(P0:L0,x\) \\\/ fault\(P0,y\)\)\n/);
  });

  it("prints herd7's condition with its own parenthesisation: not (…), => in parentheses under /\\", function () {
    const t = readTest(`AArch64 C
{ 0:X1=x; }
 P0 ;
 LDR W2,[X1] ;
forall (0:X2=1 \\/ ~(0:X2=0 /\\ x=1) /\\ true => 0:X0 != 2)`);
    const r = herdResult(t, litmusToScenario(t).layout, []);
    assert.match(r.text, /\nCondition forall \(0:X2=1 \\\/ not \(0:X2=0 \/\\ \[x\]=1\) \/\\ \(true => not \(0:X0=2\)\)\)\n/);
  });
});

describe('litmus: armscope litmus2scenario and scenario2litmus', function () {
  const tmp = mkdtempSync(join(tmpdir(), 'armscope-litmus-'));
  function cli(args: string[]): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: tmp }) as number;
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('writes a scenario with -o and a litmus test back to stdout', function () {
    const a = cli(['litmus2scenario', join(CORPUS, 'SB+dmb.sys.litmus'), '-o', 'sb.armscope']);
    assert.deepEqual([a.code, a.err], [0, '']);
    const scenario = readFileSync(join(tmp, 'sb.armscope'), 'utf8');
    assert.match(scenario, /^ {2}exists \(pe 0 w2 == 0 && pe 1 w2 == 0\)$/m);
    assert.match(scenario, /^ {4}DMB SY$/m);
    writeFileSync(join(tmp, 'sb-plain.armscope'), scenario.replace(/^ {2}exists .*$/m, '  pe 0 w2 == 1'));
    const b = cli(['scenario2litmus', 'sb-plain.armscope', '--name', 'SB+dmb.sys']);
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /^AArch64 SB\+dmb\.sys\n/);
    assert.match(b.out, /^ P0 {10}\| P1 {10};\n MOV W0,#1 {3}\| MOV W0,#1 {3};$/m);
    assert.match(b.out, /\nforall \(0:X2=1\)$/);
  });

  it('refuses with FILE:LINE:COL and exit code 2: a symbolic link, an unsupported instruction, a scenario that does not fit', function () {
    writeFileSync(join(tmp, 'link.litmus'), '../../x/MP.litmus');
    const a = cli(['litmus2scenario', 'link.litmus']);
    assert.equal(a.code, 2);
    assert.match(a.err, /^link\.litmus:1:1: error: link\.litmus: not a litmus test: its text is a path/);
    writeFileSync(join(tmp, 'svc.litmus'), 'AArch64 S\n{ }\n P0 ;\n SVC #0 ;\nexists (0:X0=0)\n');
    const b = cli(['litmus2scenario', 'svc.litmus']);
    assert.deepEqual([b.code, b.err], [2, "svc.litmus:4:2: error: P0: 'SVC #0' is not supported: a supervisor call (an exception) [litmus-unsupported]"]);
    writeFileSync(
      join(tmp, 'el2.armscope'),
      'scenario "e"\nsystem {\n  pes 1\n  memory ram at 0x8000_0000 size 0x1000\n}\npe 0 {\n  el 2\n  entry s\n  vbar_el2 = 0x8000_0800\n}\ncode at 0x8000_0000 {\ns:\n  nop\n}\nexpect {\n  halted pe 0\n}\n',
    );
    const c = cli(['scenario2litmus', 'el2.armscope']);
    assert.equal(c.code, 2);
    assert.deepEqual(c.err.split('\n'), [
      'el2.armscope:6:1: error: PE 0 runs at EL2: litmus threads run at EL0 or EL1 [litmus-unsupported]',
      'el2.armscope:9:3: error: PE 0: register vbar_el2 has no litmus form (X0–X30, and the MMU set-up mair_el1, tcr_el1, ttbr0_el1, sctlr_el1) [litmus-unsupported]',
      "el2.armscope:16:3: error: expectation 'halted pe 0' has no litmus form (register, memory and fault expectations do) [litmus-unsupported]",
    ]);
  });
});
