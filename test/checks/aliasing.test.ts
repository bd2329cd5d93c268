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

describe('run report: evictions of lines findings and expectations are about', () => {
  it('names the eviction of the expectation\'s line (five page-aligned stores, 4 L1D ways)', async () => {
    const { runChecked } = await import('./harness');
    const stores = [0, 1, 2, 3, 4].map((i) => `    ldr   x0, =0x4001_${i}000\n    str   x1, [x0]`).join('\n');
    const text = `system {
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
}
pe 0 {
  el 1
  entry start
  mair_el1 = 0x00ff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = tables
  sctlr_el1 = 0x30d0_1805
}
code at 0x8000_0000 {
start:
    mov   x1, #1
${stores}
    hlt   #0
}
data at 0x8000_f000 {
tables:
    .quad 0, 0x8000_0701, 0x8000_0701, 0
}
expect {
  mem[0x8001_0000] == 0                  // still dirty in L2: main memory has not seen it
}
`;
    const { report } = runChecked(text);
    assert.equal(report.result, 'pass');
    const ev = report.evictions ?? [];
    assert.equal(ev.length, 1, JSON.stringify(ev));
    assert.deepEqual([ev[0].cache, ev[0].pa, ev[0].dirty], ['L1D.pe0', 0x8001_0000, true]);
    const line = text.split('\n').findIndex((l) => l.includes('mem[0x8001_0000] == 0')) + 1;
    assert.equal(ev[0].about, `expectation at line ${line} (mem[0x8001_0000] == 0)`);
  });
});
