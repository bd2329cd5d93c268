/**
 * Speculative fills of lines a PE never accessed (issue #13 item 1): a PE may
 * fill any line its current regime maps Normal cacheable (Arm ARM B2.7.1),
 * found by reverse translation of its tables (simulator/explore/mapped.ts).
 * Here PE 1 maps `flag` Normal-WB but never touches it; PE 0 writes it with
 * its MMU off (Device: to memory, past any cached copy), turns its MMU on
 * and reads it back, Normal-WB Inner Shareable — coherent with PE 1's cache.
 * Only a fill of the line by PE 1 before PE 0's store makes that read stale.
 */
import * as assert from 'node:assert/strict';
import { exploreScenario } from '../../simulator/explore/explore';
import { makeWitness, replayWitness } from '../../simulator/explore/witness';
import { parseExploreSettings } from '../../simulator/explore/config';
import { scenarioModel } from './scenarios';

const TEXT = `scenario "PE 1 never touches the line PE 0 writes"

system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 2000
}

explore {
  speculative_fills 1
  evictions 0
}

const MAIR = 0xff
const TCR = 0x80_3520
const SCTLR_ON = 0x30d0_1805
const BLOCK_NORMAL_ISH = 0x8000_0701

pe 0 {
  el 1
  entry writer
  mair_el1 = MAIR
  tcr_el1 = TCR
  ttbr0_el1 = tables
}

pe 1 {
  el 1
  entry bystander
  mair_el1 = MAIR
  tcr_el1 = TCR
  ttbr0_el1 = tables
  sctlr_el1 = SCTLR_ON
}

code at 0x8000_0000 {
writer:
    adr   x4, flag
    mov   x5, #0x1234
    str   x5, [x4]
    ldr   x0, =SCTLR_ON
    msr   sctlr_el1, x0
    isb
    ldr   x6, [x4]
    hlt   #0
bystander:
    nop
    nop
    hlt   #0
}

data at 0x8000_1000 {
tables:
    .quad 0, 0, BLOCK_NORMAL_ISH, 0
}

data at 0x8000_3000 {
flag:
    .quad 0
}

expect {
  pe 0 x6 == 0x1234
  sometimes pe 0 x6 == 0
}
`;

/** The scenario with `speculative_lines N` in its explore block. */
function withLines(n: number): string {
  return TEXT.replace('  evictions 0\n', `  evictions 0\n  speculative_lines ${n}\n`);
}

const STALE = 'pe0.x6=0x0; findings: mismatched-attributes; end: halted';

describe('explore: speculative fills of lines a PE never accessed', function () {
  this.timeout(120_000);

  it("finds the stale read that only PE 1's fill of PE 0's line causes, and its witness replays", () => {
    const model = scenarioModel(TEXT);
    const r = exploreScenario(model);
    assert.deepEqual(r.bounds.hit, []);
    assert.equal(r.result, 'fail');
    const stale = r.outcomes.find((o) => o.state === STALE);
    assert.ok(stale, r.outcomes.map((o) => o.state).join('\n'));
    assert.deepEqual(stale.failed, [64]);
    // The execution: PE 1 fills flag's line (0x8000_3000) with the attributes its own mapping gives, before PE 0's store.
    assert.equal(stale.witness[0], 'fill pe 1 0x8000_3000 Normal-WB ISH');
    assert.ok(!stale.witness.some((c) => c.startsWith('fill pe 0')));
    assert.deepEqual(r.expectations.map((e) => [e.line, e.holds, e.ok]), [[64, 'sometimes', false], [65, 'sometimes', true]]);
    const w = makeWitness(model, parseExploreSettings(model.blocks), undefined, { choices: stale.witness, outcome: stale.state, failed: stale.failed, finalState: stale.finalState });
    const again = replayWitness(scenarioModel(TEXT), w);
    again.session.detach();
    assert.equal(again.divergence, undefined);
    assert.equal(again.sameFinalState, true);
    assert.equal(again.session.machine.pes[0].getX(6), 0n);
  });

  it('speculative_lines 0 enumerates only the lines each PE accessed itself: the stale read is not found', () => {
    const r = exploreScenario(scenarioModel(withLines(0)));
    assert.deepEqual(r.bounds.hit, []);
    assert.deepEqual(r.outcomes.map((o) => o.state), ['pe0.x6=0x1234; end: halted']);
  });

  it('speculative_lines is a bound: lines beyond it are not enumerated, and the report says so', () => {
    // The candidate lines in order: the literal pool (0x8000_0000), the tables (0x8000_1000), flag (0x8000_3000).
    const two = exploreScenario(scenarioModel(withLines(2)));
    assert.deepEqual(two.bounds.hit, ['speculative-lines']);
    assert.equal(two.bounds.speculativeLines, 2);
    assert.equal(two.result, 'bounded');
    assert.ok(!two.outcomes.some((o) => o.state === STALE));
    const three = exploreScenario(scenarioModel(withLines(3)));
    assert.deepEqual(three.bounds.hit, []);
    assert.ok(three.outcomes.some((o) => o.state === STALE));
  });
});
