/**
 * break-before-make honours the scope of the TLBI (issue #9 item 1): the
 * checker asks the TLB model's own match rule (mmu/tlbi.ts) whether the TLBI
 * removed every translation cached from the descriptor — address, ASID, VMID,
 * regime, last-level form, local or broadcast. Each case below went unreported
 * when any TLBI counted as removing everything.
 */
import * as assert from 'node:assert/strict';
import { runChecked } from './harness';
import type { Finding } from '../../simulator/trace/events';

const ISH_1G = '0x8000_0701'; // stage-1 1 GB block → 0x8000_0000, Normal WB (Attr0), ISH, AF
const NG_1G = '0x8000_0f01'; // the same with nG=1 (ASID-tagged)
const S2_1G = '0x8000_07fd'; // stage-2 1 GB block → 0x8000_0000, MemAttr Normal WB, S2AP RW, ISH, AF

interface PeSpec {
  el: 1 | 2;
  regs: string;
  code: string;
}

/** PE 0 (and PE 1) with stage-1 tables at `tables` (level 1, 1 GB blocks: entry 1 maps VA 0x4000_0000, entry 2 identity-maps the code). */
function scenario(opts: { pes: PeSpec[]; entries: string; s2?: boolean; cacheModel?: 'on' | 'off'; caches?: string }): string {
  const pes = opts.pes
    .map(
      (p, i) => `pe ${i} {
  el ${p.el}
  entry start${i}
${p.regs}
}`,
    )
    .join('\n');
  const code = opts.pes.map((p, i) => `start${i}:\n${p.code}\n    hlt   #0`).join('\n');
  return `
system {
  pes ${opts.pes.length}
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model ${opts.cacheModel ?? 'on'}
  max_steps 20000
}
${opts.caches ?? ''}
${pes}
code at 0x8000_0000 {
${code}
}
data at 0x8000_1000 {
tables:
    .quad ${opts.entries}
}
data at 0x8000_2000 {
s2tables:
    .quad 0, 0, ${S2_1G}, 0
}
data at 0x8000_3000 {
flag:
    .quad 0
}
`;
}

const EL1 = (asid = 0, extra = ''): string => `  mair_el1 = 0x00ff
  tcr_el1 = 0x80_3520
  ttbr0_el1 = tables | ${asid} << 48
  sctlr_el1 = 0x30d0_1805${extra}`;

/** Walk VA 0x4000_3000 through entry 1: the translation may now be in this PE's TLB. */
const WARM = `    ldr   x2, =0x4000_3000
    ldr   x3, [x2]`;

/** Invalidate entry 1, DSB, `tlbi`, DSB, then write it valid again with a new output address. */
const bbm = (tlbi: string, entry = '0x8000_1008', fresh = '0x8000_0705'): string => `    ldr   x0, =${entry}
    ldr   x1, =${fresh}
    str   xzr, [x0]                     // @invalidate
    dsb   ish
    ${tlbi}                             // @tlbi
    dsb   ish
    str   x1, [x0]                      // @remake
    dsb   ish
    isb`;

function lineOf(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker} not found`);
  return i + 1;
}

function bbmFindings(text: string): Finding[] {
  return runChecked(text).report.findings.filter((f) => f.rule === 'break-before-make');
}

function expectMissed(text: string, why: RegExp): void {
  const fs = bbmFindings(text);
  assert.equal(fs.length, 1, JSON.stringify(fs.map((f) => f.message)));
  const f = fs[0];
  assert.equal(f.line! + 1, lineOf(text, '@remake'));
  assert.deepEqual(f.related.map((l) => l + 1), [lineOf(text, '@invalidate'), lineOf(text, '@tlbi')]);
  assert.match(f.message, why);
}

describe('checker: break-before-make honours the TLBI scope', () => {
  it('a TLBI by VA for another page leaves the entry', () => {
    const miss = scenario({ pes: [{ el: 1, regs: EL1(), code: `${WARM}\n    ldr   x9, =0x80000\n${bbm('tlbi  vae1, x9')}` }], entries: `0, ${ISH_1G}, ${ISH_1G}, 0` });
    expectMissed(miss, /TLBI VAE1 at line \d+ does not remove every entry cached from it: TLBI VAE1 names VA 0x8000_0000; the entry maps the 1GB at VA 0x4000_0000/);
    const hit = scenario({ pes: [{ el: 1, regs: EL1(), code: `${WARM}\n    ldr   x9, =0x40003\n${bbm('tlbi  vae1, x9')}` }], entries: `0, ${ISH_1G}, ${ISH_1G}, 0` });
    assert.deepEqual(bbmFindings(hit), []);
  });

  it('a TLBI for another ASID leaves a non-global entry; the right ASID removes it', () => {
    const code = (asid: number): string => `${WARM}\n    ldr   x9, =(${asid} << 48) | 0x40003\n${bbm('tlbi  vae1, x9')}`;
    const miss = scenario({ pes: [{ el: 1, regs: EL1(1), code: code(2) }], entries: `0, ${NG_1G}, ${ISH_1G}, 0` });
    expectMissed(miss, /names ASID 2; the entry is ASID 1/);
    assert.deepEqual(bbmFindings(scenario({ pes: [{ el: 1, regs: EL1(1), code: code(1) }], entries: `0, ${NG_1G}, ${ISH_1G}, 0` })), []);
    // ASIDE1 of the entry's ASID removes it; a global entry (nG=0) is kept by ASIDE1.
    assert.deepEqual(bbmFindings(scenario({ pes: [{ el: 1, regs: EL1(1), code: `${WARM}\n    ldr   x9, =1 << 48\n${bbm('tlbi  aside1, x9')}` }], entries: `0, ${NG_1G}, ${ISH_1G}, 0` })), []);
    expectMissed(scenario({ pes: [{ el: 1, regs: EL1(1), code: `${WARM}\n    ldr   x9, =1 << 48\n${bbm('tlbi  aside1, x9')}` }], entries: `0, ${ISH_1G}, ${ISH_1G}, 0` }), /keeps global entries \(nG=0\)/);
  });

  it('a TLBI of another regime leaves the entry (EL2 tables, TLBI VMALLE1)', () => {
    const el2 = `  mair_el2 = 0x00ff
  tcr_el2 = 0x8080_3520
  ttbr0_el2 = tables
  sctlr_el2 = 0x30c5_1835`;
    expectMissed(scenario({ pes: [{ el: 2, regs: el2, code: `${WARM}\n${bbm('tlbi  vmalle1')}` }], entries: `0, ${ISH_1G}, ${ISH_1G}, 0` }), /acts on the EL1&0 regime; the entry is in the EL2 regime/);
    assert.deepEqual(bbmFindings(scenario({ pes: [{ el: 2, regs: el2, code: `${WARM}\n${bbm('tlbi  alle2')}` }], entries: `0, ${ISH_1G}, ${ISH_1G}, 0` })), []);
  });

  it('a local TLBI leaves the entry another PE holds; the IS form reaches it', () => {
    // PE 1 walks first and raises the flag; PE 0 then breaks and makes the descriptor.
    const warmer: PeSpec = { el: 1, regs: EL1(), code: `${WARM}\n    ldr   x5, =flag\n    mov   x6, #1\n    str   x6, [x5]` };
    const breaker = (tlbi: string): PeSpec => ({ el: 1, regs: EL1(), code: `    ldr   x5, =flag\nwait:\n    ldr   x6, [x5]\n    cbz   x6, wait\n${bbm(tlbi)}` });
    const miss = scenario({ pes: [breaker('tlbi  vmalle1'), warmer], entries: `0, ${ISH_1G}, ${ISH_1G}, 0` });
    expectMissed(miss, /TLBI VMALLE1 is local to PE 0; PE 1 holds the entry \(use the IS form to broadcast\)/);
    assert.deepEqual(bbmFindings(scenario({ pes: [breaker('tlbi  vmalle1is'), warmer], entries: `0, ${ISH_1G}, ${ISH_1G}, 0` })), []);
    // An IS TLBI reaches only the executing PE's Inner Shareable domain (caches { inner_domain }): PE 1 outside it keeps the entry.
    // (Flat memory: with caches, PE 1's Inner Shareable flag write would not reach PE 0 outside its domain either.)
    const split = { entries: `0, ${ISH_1G}, ${ISH_1G}, 0`, caches: 'caches {\n  inner_domain 0\n}', cacheModel: 'off' as const };
    expectMissed(scenario({ pes: [breaker('tlbi  vmalle1is'), warmer], ...split }), /reaches the Inner Shareable domain of PE 0 \(PE 0 alone\); PE 1 is outside it \(use the OS form\)/);
    assert.deepEqual(bbmFindings(scenario({ pes: [breaker('tlbi  vmalle1os'), warmer], ...split })), []);
  });

  it('a TLBI for another VMID leaves the guest entry', () => {
    // PE 0: a guest at EL1 under stage 2 (VMID 1). PE 1: the hypervisor at EL2, its VTTBR_EL2 naming VMID `vmid`.
    const guest: PeSpec = {
      el: 1,
      regs: `${EL1()}
  hcr_el2 = 0x8000_0001
  vtcr_el2 = 0x8000_3560
  vttbr_el2 = s2tables | 1 << 48`,
      code: `${WARM}\n    ldr   x5, =flag\n    mov   x6, #1\n    str   x6, [x5]`,
    };
    const hyp = (vmid: number): PeSpec => ({
      el: 2,
      regs: `  hcr_el2 = 0x8000_0001\n  vtcr_el2 = 0x8000_3560\n  vttbr_el2 = s2tables | ${vmid} << 48`,
      code: `    ldr   x5, =flag\nwait1:\n    ldr   x6, [x5]\n    cbz   x6, wait1\n${bbm('tlbi  vmalls12e1is')}`,
    });
    expectMissed(scenario({ pes: [guest, hyp(2)], entries: `0, ${ISH_1G}, ${ISH_1G}, 0`, cacheModel: 'off' }), /acts on VMID 2; the entry is VMID 1/);
    assert.deepEqual(bbmFindings(scenario({ pes: [guest, hyp(1)], entries: `0, ${ISH_1G}, ${ISH_1G}, 0`, cacheModel: 'off' })), []);
  });

  it('a last-level TLBI leaves what a table descriptor left in walk caches', () => {
    // Entry 1 is a table descriptor → a level-2 table at 0x8000_4000 (entry 0: 2 MB block → 0x8000_0000).
    const text = (tlbi: string): string =>
      scenario({ pes: [{ el: 1, regs: EL1(), code: `${WARM}\n    ldr   x9, =0x40003\n${bbm(tlbi, '0x8000_1008', '0x8000_5003')}` }], entries: `0, 0x8000_4003, ${ISH_1G}, 0` }).replace(
        'data at 0x8000_3000 {',
        'data at 0x8000_4000 {\nl2:\n    .quad 0x8000_0701\n}\ndata at 0x8000_3000 {',
      );
    expectMissed(text('tlbi  vale1, x9'), /TLBI VALE1 is a last-level form; the descriptor is a table descriptor/);
    assert.deepEqual(bbmFindings(text('tlbi  vae1, x9')), []);
  });
});
