import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from './harness';
import type { Finding } from '../../simulator/trace/events';

/**
 * A one-PE EL1 scenario with the MMU on: stage 1, 4 KB granule, T0SZ=32, one
 * level-1 table (`tables`, entry n maps VA n GB as a 1 GB block).
 * MAIR Attr0 = Normal WB, Attr1 = Device-nGnRnE.
 */
function scenario(opts: { tcr?: string; entries: string; code: string; speculation?: string; caches?: string }): string {
  return `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  speculation ${opts.speculation ?? 'none'}
  max_steps 5000
}
${opts.caches ?? ''}
pe 0 {
  el 1
  entry start
  mair_el1 = 0x00ff
  tcr_el1 = ${opts.tcr ?? '0x80_3520'}
  ttbr0_el1 = tables
  sctlr_el1 = 0x30d0_1805
}
code at 0x8000_0000 {
start:
${opts.code}
    hlt   #0
}
data at 0x8000_1000 {
tables:
    .quad ${opts.entries}
}
`;
}

/** 1-based line of the first source line containing `marker`. */
function lineOf(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker} not found`);
  return i + 1;
}

function rules(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

const ISH = '0x8000_0701'; // 1 GB block → 0x8000_0000, Normal WB, Inner Shareable
const OSH = '0x8000_0601'; // the same, Outer Shareable

describe('checker: mismatched-attributes', () => {
  const code = `
    ldr   x0, =0x4000_3000              // alias of 0x8000_3000 through table entry 1
    ldr   x1, =0x8000_3000
    mov   x2, #7
    str   x2, [x0]                      // @write
    ldr   x3, [x1]                      // @read
`;
  it('fires when one location is written Outer Shareable and read Inner Shareable, naming both accesses', () => {
    const text = scenario({ entries: `0, ${OSH}, ${ISH}, 0`, code });
    const { report, machine } = runChecked(text);
    assert.equal(machine.pes[0].getX(3), 0n, 'the ISH read missed the OSH copy');
    const f = report.findings.find((x) => x.rule === 'mismatched-attributes');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.line! + 1, lineOf(text, '@read'));
    assert.deepEqual(f.related.map((l) => l + 1), [lineOf(text, '@write')]);
    assert.match(f.message, /Normal-WB ISH read of line 0x8000_3000.*Normal-WB OSH/);
  });

  it('does not fire when both mappings use the same attributes', () => {
    const { report, machine } = runChecked(scenario({ entries: `0, ${ISH}, ${ISH}, 0`, code }));
    assert.equal(machine.pes[0].getX(3), 7n);
    assert.deepEqual(report.findings, []);
  });
});

describe('checker: stale-descriptor', () => {
  const code = `
    ldr   x0, =tables + 8               // level-1 entry 1 (VA 0x4000_0000), invalid so far
    ldr   x1, =${ISH}
    str   x1, [x0]                      // @desc-write (Normal-WB ISH, through the identity map)
    dsb   ish
    isb
    ldr   x2, =0x4000_3000
    ldr   x3, [x2]                      // @use
`;
  it('fires when a Non-cacheable walk reads the descriptor that a cacheable write left dirty', () => {
    // TCR_EL1: T0SZ=32, IRGN0=ORGN0=Non-cacheable, SH0=Non-shareable, EPD1.
    const text = scenario({ tcr: '0x80_0020', entries: `0, 0, ${ISH}, 0`, code });
    const { report } = runChecked(text);
    const f = report.findings.find((x) => x.rule === 'stale-descriptor');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.line! + 1, lineOf(text, '@use'));
    assert.deepEqual(f.related.map((l) => l + 1), [lineOf(text, '@desc-write')]);
    assert.match(f.message, /stage-1 level 1 walk for 0x4000_3000 read descriptor 0x8000_1008 = 0x0000_0000_0000_0000/);
    assert.ok(report.faults.some((x) => x.kind === 'translation'), 'the walk saw an invalid descriptor');
  });

  it('does not fire when the walk is Write-Back Inner Shareable like the write', () => {
    const { report } = runChecked(scenario({ entries: `0, 0, ${ISH}, 0`, code }));
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.faults, []);
  });
});

describe('checker: break-before-make', () => {
  const warm = `
    ldr   x2, =0x4000_3000
    ldr   x3, [x2]                      // a walk uses entry 1: it may now be in the TLB
    ldr   x0, =tables + 8
    ldr   x1, =0x8000_0705              // same output address, AttrIndx=1 (Device)
`;
  it('fires when a valid descriptor is replaced by a different valid one directly', () => {
    const text = scenario({
      entries: `0, ${ISH}, ${ISH}, 0`,
      code: `${warm}
    str   x1, [x0]                      // @replace
    dsb   ish
    tlbi  vmalle1
    dsb   ish
    isb
`,
    });
    const { report } = runChecked(text);
    const f = report.findings.find((x) => x.rule === 'break-before-make');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.line! + 1, lineOf(text, '@replace'));
  });

  it('does not fire for invalid, DSB, TLBI, DSB, new', () => {
    const { report } = runChecked(
      scenario({
        entries: `0, ${ISH}, ${ISH}, 0`,
        code: `${warm}
    str   xzr, [x0]
    dsb   ish
    tlbi  vmalle1
    dsb   ish
    str   x1, [x0]
    dsb   ish
    isb
    ldr   x3, [x2]
`,
      }),
    );
    assert.deepEqual(report.findings, []);
  });

  it('fires when the invalid descriptor is made valid again without a TLBI', () => {
    const text = scenario({
      entries: `0, ${ISH}, ${ISH}, 0`,
      code: `${warm}
    str   xzr, [x0]                     // @invalidate
    dsb   ish
    str   x1, [x0]                      // @remake
    dsb   ish
    isb
`,
    });
    const { report } = runChecked(text);
    const f = report.findings.find((x) => x.rule === 'break-before-make');
    assert.ok(f);
    assert.equal(f.line! + 1, lineOf(text, '@remake'));
    assert.deepEqual(f.related.map((l) => l + 1), [lineOf(text, '@invalidate')]);
  });
});

describe('checker: tlbi-without-sync', () => {
  const warm = `
    ldr   x2, =0x4000_3000
    ldr   x3, [x2]
`;
  it('fires when a translation uses the TLB before a DSB completed the TLBI', () => {
    const text = scenario({
      entries: `0, ${ISH}, ${ISH}, 0`,
      code: `${warm}
    tlbi  vmalle1                       // @tlbi
    ldr   x3, [x2]                      // @use
`,
    });
    const { report } = runChecked(text);
    const f = report.findings.find((x) => x.rule === 'tlbi-without-sync');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.line! + 1, lineOf(text, '@use'));
    assert.deepEqual(f.related.map((l) => l + 1), [lineOf(text, '@tlbi')]);
  });

  it('does not fire with TLBI; DSB; ISB', () => {
    const { report } = runChecked(
      scenario({
        entries: `0, ${ISH}, ${ISH}, 0`,
        code: `${warm}
    tlbi  vmalle1
    dsb   ish
    isb
    ldr   x3, [x2]
`,
      }),
    );
    assert.deepEqual(report.findings, []);
  });
});

describe('checker: a correct program produces no finding', () => {
  it('maintenance, barriers and table updates done by the book', () => {
    const { report } = runChecked(
      scenario({
        entries: `0, ${ISH}, ${ISH}, 0`,
        caches: 'caches {\n  l1d size 0x200 ways 2\n  l2 size 0x400 ways 2\n}',
        code: `
    ldr   x0, =0x8000_3000
    mov   x1, #0
fill:
    str   x1, [x0, x1, lsl #3]          // enough lines to force evictions
    add   x1, x1, #1
    cmp   x1, #128
    b.ne  fill
    dc    cvac, x0
    dsb   sy
    ldr   x2, =0x4000_3000
    ldr   x3, [x2, #8]
`,
      }),
    );
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.faults, []);
  });
});

describe('examples (seed-003, seed-004 cache half): every expectation holds', () => {
  const files = [
    'seed-003/bug-stale-phys-end.armscope',
    'seed-003/bug-clean-before-disable.armscope',
    'seed-003/fix-cvau.armscope',
    'seed-003/bug-cvau-pou-ne-poc.armscope',
    'seed-003/fix-cvac.armscope',
    'seed-004/bug-stale-image.armscope',
    'seed-004/fix-flush.armscope',
    'seed-004/fix-hcr-dc.armscope',
  ];
  for (const f of files) {
    it(f, () => {
      const path = join(process.cwd(), 'examples', f);
      const { report } = runChecked(readFileSync(path, 'utf8'), {}, path);
      const failed = report.expectations.filter((e) => !e.held);
      assert.deepEqual(failed, [], JSON.stringify(report.findings.map((x) => [x.rule, x.message])));
      assert.equal(report.result, 'pass');
    });
  }

  it('the bugs disappear with cache_model off (flat memory is coherent)', () => {
    const path = join(process.cwd(), 'examples', 'seed-003/bug-stale-phys-end.armscope');
    const { machine, report } = runChecked(readFileSync(path, 'utf8'), { cacheModel: 'off' }, path);
    assert.equal(machine.pes[0].getX(1), 0x8000_4000n);
    assert.deepEqual(rules(report.findings), []);
  });
});
