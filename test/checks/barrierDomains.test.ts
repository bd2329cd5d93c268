/**
 * Barrier domains (issue #9 item 2): a DSB completes a write only for the
 * observers of its shareability domain — the domains coherence uses
 * (`caches { inner_domain }`). A descriptor written and walked with matching
 * Outer Shareable attributes, completed only with `dsb ish`, walked by a PE
 * outside the writer's Inner Shareable domain: the walk is not guaranteed to
 * observe it (Arm ARM B2.3.12, D8.2.6).
 */
import * as assert from 'node:assert/strict';
import { runChecked } from './harness';
import type { Finding } from '../../simulator/trace/events';

const OSH_1G = '0x8000_0601'; // stage-1 1 GB block → 0x8000_0000, Normal WB, Outer Shareable, AF

/** PE 0 writes entry 1 (OSH mapping) then `barrier`, raises the flag; PE 1 then walks VA 0x4000_3000 through entry 1 (OSH walks). */
function scenario(barrier: string, innerDomain: string, hcr = ''): string {
  const el1 = `  el 1
  mair_el1 = 0x00ff
  tcr_el1 = 0x80_2520                // SH0 = Outer Shareable walks
  ttbr0_el1 = tables
  sctlr_el1 = 0x30d0_1805${hcr}`;
  return `
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 20000
}
caches {
  inner_domain ${innerDomain}
}
pe 0 {
  entry writer
${el1}
}
pe 1 {
  entry walker
${el1}
}
code at 0x8000_0000 {
writer:
    ldr   x0, =0x8000_1008
    ldr   x1, =${OSH_1G}
    str   x1, [x0]                      // @write
    ${barrier}                          // @barrier
    ldr   x5, =flag
    mov   x6, #1
    str   x6, [x5]
    hlt   #0
walker:
    ldr   x5, =flag
wait:
    ldr   x6, [x5]
    cbz   x6, wait
    ldr   x2, =0x4000_3000
    ldr   x3, [x2]                      // @walk
    hlt   #0
}
data at 0x8000_1000 {
tables:
    .quad 0, 0, ${OSH_1G}, 0
}
data at 0x8000_3000 {
flag:
    .quad 0
}
`;
}

function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex((l) => l.includes(marker)) + 1;
}

function stale(text: string): Finding[] {
  const { report } = runChecked(text);
  assert.equal(report.stop.kind, 'halted', report.stop.reason);
  return report.findings.filter((f) => f.rule === 'stale-descriptor');
}

describe('checker: stale-descriptor honours the DSB domain', () => {
  it('DSB ISH by a PE whose Inner Shareable domain leaves the walker out does not complete the write for it', () => {
    const text = scenario('dsb   ish', '0');
    const fs = stale(text);
    assert.equal(fs.length, 1, JSON.stringify(fs.map((f) => f.message)));
    const f = fs[0];
    assert.equal(f.severity, 'warning');
    assert.equal(f.pe, 1);
    assert.equal(f.line! + 1, lineOf(text, '@walk'));
    assert.deepEqual(f.related.map((l) => l + 1), [lineOf(text, '@write'), lineOf(text, '@barrier')]);
    assert.match(f.message, /completed the write only with DSB ISH at line \d+: that completes it for the Inner Shareable domain of PE 0 \(PE 0 alone\), and PE 1 is outside it/);
  });

  it('DSB OSH (or SY) completes it for every PE; DSB ISH suffices when the walker shares the domain', () => {
    assert.deepEqual(stale(scenario('dsb   osh', '0')), []);
    assert.deepEqual(stale(scenario('dsb   sy', '0')), []);
    assert.deepEqual(stale(scenario('dsb   ish', '0-1')), []);
  });

  it('DSB NSH completes it only for the writer itself', () => {
    assert.match(stale(scenario('dsb   nsh', '0-1'))[0]?.message ?? '', /only with DSB NSH at line \d+: that completes it for PE 0 alone \(Non-shareable\)/);
  });

  it('HCR_EL2.BSU upgrades EL1 barriers: BSU=Outer Shareable makes DSB ISH complete the write for every PE', () => {
    assert.deepEqual(stale(scenario('dsb   ish', '0', '\n  hcr_el2 = 0x8000_0800')), []);
  });
});
