import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { esrSummary } from '../../simulator/arch';
import { cli, PASSING, scenarioFile, tmp } from './helpers';

/** The `armscope run --json` fields these tests read (simulator/engine/report.ts `reportToJson`). */
interface RunJson {
  result: string;
  steps: number;
  stopKind: string;
  stopReason: string;
  recordTotals: { exceptions: number; faults: number; findings: number };
  expectations: { line: number; text: string; held: boolean; detail: string }[];
  faults: { pe: number; kind: string; el: number; fromEl: number; esr: string; far?: string; stage: number | null; level: number | null; va: string | null; ipa: string | null; line?: number }[];
  exceptions: unknown[];
  findings: { rule: string; line?: number; related: number[] }[];
  pes: { x: string[] }[];
  diagnostics: { line: number; col: number; severity: string; message: string; rule: string }[];
}

function runJson(text: string): RunJson {
  return JSON.parse(text) as RunJson;
}

/** One line, no stack frames. */
function assertOneLine(text: string, pattern: RegExp): void {
  assert.equal(text.split('\n').length, 1, `expected one line, got:\n${text}`);
  assert.doesNotMatch(text, /\n\s+at /);
  assert.match(text, pattern);
}

describe('cli: armscope run', () => {
  it('prints a readable report and exits 0 when every expectation holds', () => {
    const r = cli(['run', scenarioFile('pass.armscope', PASSING)]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /PE 0 {2}EL1 {2}halted/);
    assert.match(r.out, /held {3}line 16: pe 0 x1 == 3/);
    assert.match(r.out, /Result: PASS \(2\/2 expectations held\)/);
  });

  it('exits 1 when an expectation fails, naming its line and what was there', () => {
    const r = cli(['run', scenarioFile('fail.armscope', PASSING.replace('x1 == 3', 'x1 == 4'))]);
    assert.equal(r.code, 1);
    assert.match(r.out, /FAILED line 16: pe 0 x1 == 4 {2}— PE 0 x1 is 0x3/);
    assert.match(r.out, /Result: FAIL \(1\/2 expectations held\)/);
  });

  it('exits 2 when the scenario has errors, with file:line:col diagnostics', () => {
    const f = scenarioFile('bad.armscope', PASSING.replace('entry start', 'entry nowhere'));
    const r = cli(['run', f]);
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8:\\d+: error: .*nowhere`, 'm'));
  });

  it('--json on a scenario with errors: result "error", its diagnostics 1-based, exit 2', () => {
    const r = cli(['run', scenarioFile('bad-json.armscope', PASSING.replace('entry start', 'entry nowhere')), '--json']);
    assert.equal(r.code, 2);
    const j = runJson(r.out);
    assert.equal(j.result, 'error');
    assert.deepEqual(j.expectations, []);
    const d = j.diagnostics.find((x) => x.severity === 'error');
    assert.ok(d);
    assert.equal(d.line, 8);
    assert.match(d.message, /nowhere/);
  });

  it('--json gives the machine-readable shape', () => {
    const r = cli(['run', scenarioFile('json.armscope', PASSING), '--json', '--seed', '3', '--max-steps', '50']);
    assert.equal(r.code, 0);
    const j = runJson(r.out);
    assert.equal(j.result, 'pass');
    assert.deepEqual(j.expectations, [
      { line: 16, text: 'pe 0 x1 == 3', held: true, detail: 'PE 0 x1 is 0x3' },
      { line: 17, text: 'halted pe 0', held: true, detail: 'PE 0 is halted (hlt #0)' },
    ]);
    assert.deepEqual(j.faults, []);
    assert.deepEqual(j.findings, []);
    assert.equal(j.steps, 2);
    assert.equal(j.stopKind, 'halted');
    assert.equal(j.pes[0].x[1], '0x3');
  });

  it('--json faults carry ESR, FAR, stage, level, EL, VA, IPA and the source line (seed 000)', () => {
    const r = cli(['run', 'examples/seed-000/bug-osh-tables.armscope', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = runJson(r.out);
    assert.equal(j.faults.length, 1);
    const f = j.faults[0];
    assert.deepEqual(
      { pe: f.pe, kind: f.kind, el: f.el, fromEl: f.fromEl, esr: f.esr, far: f.far, stage: f.stage, level: f.level, va: f.va, ipa: f.ipa },
      { pe: 0, kind: 'translation', el: 2, fromEl: 1, esr: '0x93c2_8007', far: '0x8810_0000', stage: 2, level: 3, va: '0x8810_0000', ipa: '0x8810_0000' },
    );
    assert.equal(typeof f.line, 'number');
    const touch = j.expectations.find((e) => e.text.startsWith('fault translation'));
    assert.equal(touch?.held, true);
    assert.ok(j.findings.some((x) => x.rule === 'mismatched-attributes' && x.line === f.line && x.related.length > 0));
  });

  it('fault lines explain the ESR with the register table\'s summary (one source of truth)', () => {
    const r = cli(['run', 'examples/seed-000/bug-osh-tables.armscope']);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.includes(`ESR_EL2 0x93c2_8007: ${esrSummary(0x93c2_8007n)}`), r.out);
    assert.match(r.out, /ESR_EL2 0x93c2_8007: Data Abort \(lower EL\): Translation fault, level 3, read, doubleword x2\n\s+FAR_EL2 0x8810_0000 {2}IPA 0x8810_0000\n/);
  });

  it('--max-steps is a budget, reported rather than hanging', () => {
    const loop = PASSING.replace('    hlt   #0\n', '    b     start\n');
    const r = cli(['run', scenarioFile('loop.armscope', loop), '--max-steps', '40', '--json']);
    assert.equal(r.code, 1);
    const j = runJson(r.out);
    assert.equal(j.stopReason, 'stopped: step budget of 40 exhausted');
    assert.equal(j.steps, 40);
  });

  it('bad inputs are one line on stderr, exit 2, never a stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['run', join(tmp, 'missing.armscope')], /^armscope: .*missing\.armscope: no such file$/],
      [['run'], /^armscope: run: expected exactly one FILE$/],
      [['run', scenarioFile('x.armscope', PASSING), '--seed', 'banana'], /^armscope: --seed: 'banana' is not a number from 0 to 4,294,967,295$/],
      [['run', scenarioFile('x.armscope', PASSING), '--cache-model', 'maybe'], /^armscope: --cache-model: expected on or off, got 'maybe'$/],
      [['run', scenarioFile('x.armscope', PASSING), '--frobnicate'], /^armscope: unknown option '--frobnicate'; this command takes --json, --max-steps, --seed, --cache-model, --speculation, --timeout, --replay, --policy$/],
      [['decode', 'FOO_EL9', '0x1'], /^armscope: decode: unknown register 'FOO_EL9'$/],
      [['decode', 'ESR_EL2', '0xZZ'], /^armscope: decode: '0xZZ' is not a number/],
      [['decode', 'ESR_EL2', '0x1_0000_0000_0000_0000'], /^armscope: decode: .* does not fit in ESR_EL2 \(64 bits\)$/],
      [['check', join(tmp, 'nope.armscope')], /no such file$/],
      [['frob'], /^armscope: unknown command 'frob'/],
      [['demo', join(tmp, 'no-such-dir')], /no such directory$/],
    ];
    for (const [args, pattern] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assertOneLine(r.err, pattern);
    }
  });
});

describe('cli: armscope check', () => {
  it('prints path:line:col: severity: message [rule] with 1-based positions and exits 2 on errors', () => {
    const bad = scenarioFile('check.armscope', PASSING.replace('entry start', 'entry nowhere'));
    const good = scenarioFile('good.armscope', PASSING);
    const r = cli(['check', good, bad]);
    assert.equal(r.code, 2);
    const lines = r.out.split('\n').filter((l) => l.length > 0);
    assert.ok(lines.length >= 1);
    for (const l of lines) assert.match(l, /^\S+:\d+:\d+: (error|warning|info): .+ \[[a-z0-9-]+\]$/);
    assert.ok(lines.some((l) => l.startsWith(`${bad}:8:`) && / error: /.test(l)), r.out);
    assert.equal(cli(['check', good]).code, 0);
  });
});

describe('cli: armscope decode', () => {
  it('decodes ESR_EL2 with its ISS sub-fields by architectural names (JSON)', () => {
    const r = cli(['decode', 'esr_el2', '0x6230_0400', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { register: string; value: string; fields: { name: string; msb: number; lsb: number; value: string; meaning: string; parent?: string }[] };
    assert.equal(j.register, 'ESR_EL2');
    assert.equal(j.value, '0x6230_0400');
    // Sub-fields carry their plain architectural name and the field that holds them.
    const field = (name: string) => j.fields.find((f) => f.name === name);
    assert.equal(field('CRn')?.parent, 'ISS');
    assert.equal(field('EC')?.parent, undefined);
    assert.deepEqual({ ...field('EC'), meaning: undefined }, { name: 'EC', msb: 31, lsb: 26, value: '0x18', meaning: undefined });
    assert.equal(field('IL')?.value, '0x1');
    assert.equal(field('Op0')?.value, '0x3');
    assert.equal(field('CRn')?.value, '0x1');
    assert.deepEqual([field('CRn')?.msb, field('CRn')?.lsb], [13, 10]);
    assert.equal(field('Rt')?.value, '0x0');
  });

  it('prints a readable field table', () => {
    const r = cli(['decode', 'HCR_EL2', '0x8400_0000']);
    assert.equal(r.code, 0);
    assert.match(r.out.split('\n')[0], /^HCR_EL2 = 0x8400_0000/);
    assert.match(r.out, /\[26\]\s+TVM\s+0b1\b/);
    assert.match(r.out, /\[31\]\s+RW\s+0b1\b/);
    assert.match(r.out, /\[27\]\s+TGE\s+0b0\b/);
  });
});

describe('cli: armscope demo', () => {
  it('runs every example and prints a short report for each', () => {
    const r = cli(['demo', 'examples']);
    assert.match(r.out, /^PASS {2}examples\/hello\/hello\.armscope/m);
    assert.match(r.out, /^PASS {2}examples\/seed-004\/bug-crn-mask\.armscope/m);
    assert.match(r.out, /^PASS {2}examples\/seed-004\/fix-crn-mask\.armscope/m);
  });
});

describe('cli: arbitrary command lines (fast-check)', () => {
  it('never throws, exits 0/1/2, and reports each problem on one stderr line', () => {
    const arg = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('--json', '--seed', '--max-steps', '--cache-model', 'on', 'off', '0x', '0x6230_0400', 'ESR_EL2', 'HCR_EL2', '-1', '--', '='),
    );
    fc.assert(
      fc.property(fc.constantFrom('run', 'check', 'decode', 'frob', '--help'), fc.array(arg, { maxLength: 4 }), (cmd, args) => {
        const r = cli([cmd, ...args], tmp);
        assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}`);
        if (r.err.length > 0) {
          for (const line of r.err.split('\n')) assert.match(line, /^armscope: (?!internal error)/);
          assert.doesNotMatch(r.err, /^\s+at /m);
        }
      }),
      { numRuns: 300 },
    );
  });
});
