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

  it('warns when the walk happened to see the write but no DSB ordered it before the walk', () => {
    const text = scenario({ entries: `0, 0, ${ISH}, 0`, code: code.replace('    dsb   ish\n', '') });
    const { report } = runChecked(text);
    const f = report.findings.find((x) => x.rule === 'stale-descriptor');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /with no DSB since/);
    assert.deepEqual(f.related.map((l) => l + 1), [lineOf(text, '@desc-write')]);
    assert.deepEqual(report.faults, []);
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

  it('fires with cache_model off too (flat memory)', () => {
    const text = scenario({
      entries: `0, ${ISH}, ${ISH}, 0`,
      code: `${warm}
    str   x1, [x0]                      // @replace
    dsb   ish
`,
    });
    const { report } = runChecked(text, { cacheModel: 'off' });
    assert.deepEqual(report.findings.map((f) => [f.rule, f.line! + 1]), [['break-before-make', lineOf(text, '@replace')]]);
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

describe('checker: stale copies are judged per access, not per line', () => {
  it('a cacheable write after the bypassing write makes the copy current again: no finding', () => {
    const text = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 5000
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
    ldr   x0, =0x8000_3000
    ldr   x1, [x0]                      // cached (clean)
    ldr   x3, =0x4000_3000              // the same PA through entry 1: Attr1 = Device-nGnRnE
    mov   x4, #5
    str   x4, [x3]                      // Device write behind the cached copy
    ldr   x5, [x0]                      // @stale: reads the old value
    mov   x6, #6
    str   x6, [x0]                      // cacheable write: the copy is current again
    ldr   x7, [x0]
    hlt   #0
}
data at 0x8000_1000 {
tables:
    .quad 0, 0x8000_0605, 0x8000_0701, 0  // entry 1: Device alias; entry 2: identity Normal WB ISH
}
`;
    const { report, machine } = runChecked(text);
    assert.equal(machine.pes[0].getX(5), 0n, 'the stale read');
    assert.equal(machine.pes[0].getX(7), 6n);
    const f = report.findings.filter((x) => x.rule === 'mismatched-attributes');
    assert.equal(f.length, 1, JSON.stringify(report.findings.map((x) => x.message)));
    assert.equal(f[0].line! + 1, lineOf(text, '@stale'));
  });
});

describe('checker: sysreg-without-isb (in the machine)', () => {
  const text = (isb: string): string => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 5000
}
pe 0 {
  el 1
  entry start
  mair_el1 = 0x00ff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = tables
}
code at 0x8000_0000 {
start:
    ldr   x0, =0x30d0_1805
    ldr   x1, =0x4000_3000
    msr   sctlr_el1, x0                 // @msr: MMU on
${isb}
    ldr   x2, [x1]                      // @use: translated through entry 1
    hlt   #0
}
data at 0x8000_1000 {
tables:
    .quad 0, ${ISH}, ${ISH}, 0
}
`;
  it('fires when a load uses the new SCTLR_EL1 before an ISB, naming the MSR', () => {
    const t = text('');
    const { report } = runChecked(t);
    const f = report.findings.find((x) => x.rule === 'sysreg-without-isb');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.line! + 1, lineOf(t, '@use'));
    assert.deepEqual(f.related.map((l) => l + 1), [lineOf(t, '@msr')]);
  });

  it('does not fire with an ISB after the MSR', () => {
    const { report } = runChecked(text('    isb'));
    assert.deepEqual(report.findings, []);
  });
});

describe('checkers: correct boot-style programs produce no finding', () => {
  it('tables written with the MMU off, DSB, TLBI, DSB, ISB, MMU on; a second PE joins and reads shared data coherently', () => {
    const { report, machine } = runChecked(`
system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 20000
}
pe 0-1 {
  el 1
  entry start
  mair_el1 = 0xff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = tables
}
code at 0x8000_0000 {
start:
    mrs   x9, mpidr_el1
    and   x9, x9, #0xff
    cbnz  x9, secondary
    // PE 0 builds the table with the MMU off (Device-nGnRnE stores reach memory).
    ldr   x0, =tables
    ldr   x1, =0x8000_0701
    str   x1, [x0, #16]                 // entry 2: identity, Normal WB ISH
    str   x1, [x0, #8]                  // entry 1: VA 0x4000_0000 alias
    dsb   ish
    tlbi  vmalle1is
    dsb   ish
    isb
    bl    mmu_on
    ldr   x2, =0x4000_3000
    mov   x3, #42
    str   x3, [x2]                      // cacheable, through the alias: dirty in L1D.pe0
    dsb   ish
    sev                                 // release PE 1
    hlt   #0
secondary:
    wfe
    bl    mmu_on
    ldr   x2, =0x8000_3000
    ldr   x6, [x2]                      // Normal-WB ISH: snoops PE 0's dirty line
    hlt   #0
mmu_on:
    ldr   x0, =0x30d0_1805
    msr   sctlr_el1, x0
    isb
    ret
}
data at 0x8000_1000 {
tables:
    .quad 0, 0, 0, 0
}
`);
    assert.deepEqual(report.findings.map((f) => f.message), []);
    assert.deepEqual(report.faults, []);
    assert.equal(machine.pes[1].getX(6), 42n);
  });
});
