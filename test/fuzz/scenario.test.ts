/**
 * The scenario part of the fuzz suite in `npm test` (issue #10): fixed seeds,
 * a few seconds each. The same generators run for minutes to hours in
 * `npm run fuzz` (scenario.campaign.ts). Each input: no throw, no internal
 * error, at most the diagnostics cap, and a short run within its budget and
 * record caps. The suite timeout is the hang guard for the work an input
 * may cost.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { repoRoot } from '../engine/helpers';
import { checkScenarioText, exampleScenarios, scenarioText, templateBlock } from './scenarioInputs';

const examples = exampleScenarios(repoRoot());

function holds(text: string, run = true): void {
  const problem = checkScenarioText(text, run);
  assert.equal(problem, undefined, `${problem ?? ''}\ninput (${text.length} chars): ${JSON.stringify(text.slice(0, 400))}`);
}

describe('fuzz: scenario text (fast-check, fixed seeds)', function () {
  this.timeout(120_000);

  it('every block with huge, boundary and malformed numbers in each numeric slot', () => {
    fc.assert(
      fc.property(templateBlock, (b) => holds(b)),
      { seed: 10_001, numRuns: 400 },
    );
  });

  it('whole files: blocks, repeated blocks (up to 300 copies), edited and duplicated examples', () => {
    assert.ok(examples.length >= 10);
    fc.assert(
      fc.property(scenarioText(examples, { maxRepeat: 300, maxBlocks: 12 }), (t) => holds(t)),
      { seed: 10_002, numRuns: 150 },
    );
  });

  it('one block repeated to the line limit, for each template (parse only)', () => {
    fc.assert(
      fc.property(templateBlock, (b) => holds(Array(Math.floor(19_000 / (b.split('\n').length + 1))).fill(b).join('\n'), false)),
      { seed: 10_003, numRuns: 6 },
    );
  });
});
