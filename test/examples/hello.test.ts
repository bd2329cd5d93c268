import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../../simulator/engine/run';
import { parseScenario } from '../../simulator';
import { repoRoot } from '../engine/helpers';

describe('examples: hello', () => {
  for (const cacheModel of ['on', 'off'] as const) {
    it(`prints through the UART and sums 1..10 (cache_model ${cacheModel})`, () => {
      const file = join(repoRoot(), 'examples', 'hello', 'hello.armscope');
      const r = runScenario(parseScenario(readFileSync(file, 'utf8'), file), { cacheModel });
      assert.equal(r.result, 'pass');
      assert.deepEqual(r.output, { uart0: 'Hello, Armscope!\n' });
      assert.equal(r.pes[0].x[0], 55n);
      assert.equal(r.steps, 107, '2 + 17 characters × 4 + 2 (the NUL) + 2 + 10 iterations × 3 + 3');
      assert.equal(r.stop.kind, 'halted');
    });
  }
});
