/**
 * `armscope explore FILE.litmus`: herd7's result format for the corpus tests,
 * the exit codes, `--json`, and a refused test.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { runCli } from '../../simulator/cli/commands';
import { exploreScenario } from '../../simulator/explore/explore';
import { litmusToScenario, readLitmus } from '../../simulator/litmus';
import { litmusChangesSystem, litmusNeedsCheckers } from '../../simulator/litmus/explore';
import { ExploreSession } from '../../simulator/explore/session';
import { MmuDomain } from '../../simulator/mmu/domain';
import { Platform } from '../../simulator/devices/platform';
import { CORPUS } from './helpers';

function cli(args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: CORPUS });
  assert.equal(typeof code, 'number');
  return { code: code as number, out: out.join('\n'), err: err.join('\n') };
}

const readCorpus = (f: string) => readLitmus(readFileSync(join(CORPUS, f), 'utf8'), f).test!;

/** MP+dmb.sys (names no descriptor, maintains no TLB) and its generated scenario, parsed. */
function mpDmb() {
  const test = readCorpus('MP+dmb.sys.litmus');
  return { test, model: parseScenario(litmusToScenario(test, 'MP+dmb.sys.litmus').text, 'MP+dmb.sys.armscope') };
}

describe('armscope explore FILE.litmus', function () {
  it("prints herd7's result for CoRR (coherence forbids the condition: No, exit 1; its 3 distinct final machine states, as herd7 counts them)", function () {
    const r = cli(['explore', 'CoRR.litmus']);
    assert.equal(r.code, 1);
    const lines = r.out.split('\n');
    assert.deepEqual(lines.slice(0, 10), [
      'Test CoRR Allowed',
      'States 3',
      '1:X0=0; 1:X2=0;',
      '1:X0=0; 1:X2=1;',
      '1:X0=1; 1:X2=1;',
      'No',
      'Witnesses',
      'Positive: 0 Negative: 3',
      'Condition exists (1:X0=1 /\\ 1:X2=0)',
      'Observation CoRR Never 0 3',
    ]);
    assert.match(lines[10], /^Time CoRR \d+\.\d\d$/);
  });

  it('reports the verdict in --json (SB+dmb.sys: Forbidden, 3 states)', function () {
    const r = cli(['explore', 'SB+dmb.sys.litmus', '--json']);
    const j = JSON.parse(r.out) as { test: string; verdict: string; ok: boolean; observation: string; states: number; herd: string };
    assert.equal(j.test, 'SB+dmb.sys');
    assert.equal(j.verdict, 'Forbidden');
    assert.equal(j.observation, 'Never');
    assert.equal(j.states, 3);
    assert.equal(r.code, j.ok ? 0 : 1);
    assert.match(j.herd, /^Test SB\+dmb\.sys /);
  });

  it('explores several litmus files in one command, one result after the other (exit: the worst, 1 for CoRR\'s No)', function () {
    const r = cli(['explore', 'SB+dmb.sys.litmus', 'CoRR.litmus']);
    assert.equal(r.code, 1);
    const tests = r.out.split('\n').filter((l) => l.startsWith('Test '));
    assert.deepEqual(tests, ['Test SB+dmb.sys Allowed', 'Test CoRR Allowed']);
    const j = JSON.parse(cli(['explore', 'SB+dmb.sys.litmus', 'CoRR.litmus', '--json']).out) as { test: string; states: number }[];
    assert.deepEqual(
      j.map((t) => [t.test, t.states]),
      [
        ['SB+dmb.sys', 3],
        ['CoRR', 3],
      ],
    );
  });

  it('refuses a file that is not a litmus test with a positioned error and exit 2', function () {
    const dir = mkdtempSync(join(tmpdir(), 'armscope-litmus-'));
    writeFileSync(join(dir, 'link.litmus'), '../MP.litmus');
    const r = cli(['explore', join(dir, 'link.litmus')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /link\.litmus:1:1: error: .*not a litmus test/);
  });

  it('explores a test that names no descriptor and maintains no TLB without the checkers: the same outcomes and counts (MP+dmb.sys); VMSA tests keep them', function () {
    const { test: mp, model } = mpDmb();
    assert.equal(litmusNeedsCheckers(mp), false);
    assert.equal(litmusNeedsCheckers(readCorpus('VMSA-BBM+tlbi.litmus')), true, 'TLBI and PTE(x)');
    assert.equal(litmusNeedsCheckers(readCorpus('VMSA-desc+po.litmus')), true, 'PTE(x) without TLBI');
    const rows = (checkers: boolean) => exploreScenario(model, { cacheModel: 'off', checkers }).outcomes.map((o) => `${o.state} ×${o.count}`);
    const on = rows(true);
    assert.equal(on.length, 3, 'MP+dmb.sys: 3 outcomes');
    assert.deepEqual(rows(false), on);
  });

  it('explores a test that cannot change its system with the TLBs and the platform as no state: the same outcomes, counts and state count, and neither in a capture (MP+dmb.sys); VMSA tests keep them', function () {
    const { test: mp, model } = mpDmb();
    assert.equal(litmusChangesSystem(mp), false);
    assert.equal(litmusChangesSystem(readCorpus('VMSA-BBM+tlbi.litmus')), true, 'TLBI and PTE(x)');
    const run = (fixedSystem: boolean) => {
      const r = exploreScenario(model, { cacheModel: 'off', checkers: false, fixedSystem });
      return { rows: r.outcomes.map((o) => `${o.state} ×${o.count}`), states: r.states };
    };
    const kept = run(false);
    assert.equal(kept.rows.length, 3, 'MP+dmb.sys: 3 outcomes');
    assert.deepEqual(run(true), kept);
    const inState = (fixedSystem: boolean) => new ExploreSession(model, { cacheModel: 'off', checkers: false, fixedSystem }).machine.snapshottables.some((c) => c instanceof MmuDomain || c instanceof Platform);
    assert.equal(inState(false), true);
    assert.equal(inState(true), false);
  });

  it('explores a litmus test with the platform not attached: the same outcomes, counts and state count, no GIC CPU interface and no timer deadline (MP+dmb.sys)', function () {
    const { model } = mpDmb();
    const run = (attachPlatform: boolean) => {
      const r = exploreScenario(model, { cacheModel: 'off', checkers: false, fixedSystem: true, attachPlatform });
      return { rows: r.outcomes.map((o) => `${o.state} ×${o.count}`), states: r.states };
    };
    const attached = run(true);
    assert.equal(attached.rows.length, 3, 'MP+dmb.sys: 3 outcomes');
    assert.deepEqual(run(false), attached);
    const machine = (attachPlatform: boolean) => new ExploreSession(model, { cacheModel: 'off', checkers: false, fixedSystem: true, attachPlatform }).machine;
    assert.notEqual(machine(true).platform.cpuInterface(), undefined);
    assert.equal(machine(false).platform.cpuInterface(), undefined);
    assert.equal(machine(false).platform.nextDeadline(), Infinity, 'no timer armed');
  });
});
