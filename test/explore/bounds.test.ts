import * as assert from 'node:assert/strict';
import { boundText, TIME_LIMIT_BOUND } from '../../simulator/explore/bounds';
import { formatExplore } from '../../simulator/cli/explore';
import { exploreScenario } from '../../simulator/explore/explore';
import { scenarioModel, scenarioText } from './scenarios';

describe('explore bound texts (one function for the CLI and the language server)', () => {
  const facts = { maxStates: 1_000_000, maxDepth: 10_000, speculativeLines: 256, timeLimitMs: 30_000 };

  it('each bound a user can raise names the flag or explore-block setting that raises it', () => {
    assert.match(boundText('max-states', facts), /^max-states \(1,000,000 states\): .*raise it with --max-states N or max_states in the explore block$/);
    assert.match(boundText('max-depth', facts), /^max-depth \(10,000 actions\): .*raise it with --max-depth N or max_depth in the explore block$/);
    assert.match(boundText('speculative-lines', facts), /^speculative_lines \(256 lines per PE .*raise speculative_lines in the explore block$/);
    assert.match(boundText('max-states', { ...facts, statesCapped: true }), /the editor's limit .*--max-states N$/);
    assert.match(boundText(TIME_LIMIT_BOUND, facts), /time limit \(30 s .*'armscope explore FILE' for no time limit$/);
  });

  it('fixed limits name their value and docs/limits.md', () => {
    for (const b of ['speculation-footprint', 'read-choices', 'promise-certification']) assert.match(boundText(b, facts), /\(\d[\d,]* [A-Za-z ]+, a fixed limit of docs\/limits\.md\)/, b);
  });

  it('the CLI report uses it: a max-depth cut says how to raise it', () => {
    const r = exploreScenario(scenarioModel(scenarioText({ programs: [['str x5, [x10]', 'ldr x3, [x11]'], ['str x5, [x11]', 'ldr x2, [x10]']], cacheModel: false, mmu: false, fills: 0, evictions: 0 })), { settings: { maxDepth: 3 } });
    assert.deepEqual(r.bounds.hit, ['max-depth']);
    assert.match(formatExplore(r, new Map()), /^ {2}max-depth \(3 actions\): longer executions were cut there; raise it with --max-depth N or max_depth in the explore block$/m);
  });
});
