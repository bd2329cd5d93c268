/**
 * `armscope check` warns when more lines of a scenario's data than a cache has
 * ways fall in one set (issue #9, documentation gaps: page-aligned addresses
 * alias to one set with the default geometry, and an eviction can hide an effect).
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';

function scenario(cacheModel: 'on' | 'off', caches: string, pages: number): string {
  const data = Array.from({ length: pages }, (_, i) => `data at 0x8001_${i.toString(16)}000 {\n    .quad ${i}\n}`).join('\n');
  return `system {
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model ${cacheModel}
}
${caches}
pe 0 {
  entry start
}
code at 0x8000_0000 {
start:
    hlt   #0
}
${data}
expect {
  mem[0x8001_0000] == 0
}
`;
}

function aliasWarnings(text: string) {
  return parseScenario(text, 'alias.armscope').diagnostics.filter((d) => d.rule === 'cache-set-alias');
}

describe('check: cache set aliasing', () => {
  it('five page-aligned data lines overflow set 0 of the default L1D (16 sets × 4 ways)', () => {
    const w = aliasWarnings(scenario('on', '', 5));
    assert.equal(w.length, 1, JSON.stringify(w.map((d) => d.message)));
    assert.equal(w[0].severity, 'warning');
    assert.match(w[0].message, /^5 lines this scenario uses map to set 0 of L1D \(16 sets × 4 ways: addresses 0x400 apart share a set\): 0x8001_0000 \(data block\), /);
    assert.equal(w[0].range.start.line, 24, 'at the fifth data block');
    assert.equal(w[0].related?.length, 4);
  });

  it('four lines fit; a bigger L1D or cache_model off gives no warning', () => {
    assert.deepEqual(aliasWarnings(scenario('on', '', 4)), []);
    assert.deepEqual(aliasWarnings(scenario('on', 'caches {\n  l1d size 0x10000 ways 4\n  l2 size 0x40000 ways 8\n}', 5)), []);
    assert.deepEqual(aliasWarnings(scenario('off', '', 9)), []);
  });

  it('L2 too: nine page-aligned lines overflow its 8 ways', () => {
    const w = aliasWarnings(scenario('on', 'caches {\n  l1d size 0x10000 ways 4\n}', 9));
    assert.deepEqual(w.map((d) => /set 0 of (L\w+)/.exec(d.message)?.[1]), ['L2']);
  });
});
