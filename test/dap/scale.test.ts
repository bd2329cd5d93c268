/**
 * Issue #12 item 4: the large scopes are lazy, paged and open with what the
 * stop is about — asserted on work done, not time (the figure is in
 * `npm run bench`, bench/dap.ts): Caches, TLB and Translation are
 * `expensive`; a page of a cache builds only the copies it returns; no
 * response holds more than VARIABLES_PAGE_SIZE variables; a translation table
 * is read when its descriptor is expanded; at seed 000's stage-2 fault the
 * Caches scope opens with both copies of the descriptor line and the
 * Translation scope with the faulting walk.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VARIABLES_PAGE_SIZE } from '../../debug-adapter/limits';
import { contentsWork } from '../../simulator/cache/contents';
import { cachedLinesScenario } from './cachedScenario';
import { findRoot } from './helpers';
import { InlineClient } from './inline';

const SEED000 = path.join(findRoot(), 'examples', 'seed-000', 'bug-osh-tables.armscope');

async function scopes(c: InlineClient, threadId = 1): Promise<DebugProtocol.Scope[]> {
  const frame = (await c.ok<{ stackFrames: DebugProtocol.StackFrame[] }>('stackTrace', { threadId })).stackFrames[0].id;
  return (await c.ok<{ scopes: DebugProtocol.Scope[] }>('scopes', { frameId: frame })).scopes;
}

async function variables(c: InlineClient, args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
  return (await c.ok<{ variables: DebugProtocol.Variable[] }>('variables', args)).variables;
}

describe('DAP: large scopes are lazy and paged (issue #12 item 4)', function () {
  this.timeout(60_000);
  const LINES = 1024;
  let file: string;

  before(() => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-scale-')), 'cached.armscope');
    fs.writeFileSync(file, cachedLinesScenario(2, LINES));
  });

  it('caches: counted when listed, built a page at a time', async () => {
    const c = new InlineClient();
    await c.launch({ program: file }, []);
    const all = await scopes(c);
    const expensive = Object.fromEntries(all.map((s) => [s.name, s.expensive]));
    assert.deepEqual({ Caches: expensive.Caches, TLB: expensive.TLB, Translation: expensive.Translation, Registers: expensive.Registers }, { Caches: true, TLB: true, Translation: true, Registers: false });
    const before = contentsWork.built;
    const caches = await variables(c, { variablesReference: all.find((s) => s.name === 'Caches')!.variablesReference });
    const l1 = caches.find((v) => v.name === 'L1D.pe0')!;
    // The buffer's lines, dirty, and the clean descriptor lines the table walks read.
    const valid = l1.indexedVariables ?? 0;
    assert.ok(valid > LINES && valid < LINES + 16, l1.value);
    assert.equal(l1.value, `${valid} valid, ${LINES} dirty (L1, ${(2 * LINES) / 16} sets × 16 ways, PE 0)`);
    // Listing the caches built no copy: each cache's and the stop's are built when expanded.
    assert.equal(contentsWork.built - before, 0);
    const start = contentsWork.built;
    const page = await variables(c, { variablesReference: l1.variablesReference, filter: 'indexed', start: 100, count: 50 });
    assert.equal(page.length, 50);
    assert.equal(contentsWork.built - start, 50);
    // In address order: the 100th line of PE 0's buffer onwards.
    assert.equal(page[0].name, '0x8010_1900 Normal-WB ISH');
    assert.equal(page[49].name, '0x8010_2540 Normal-WB ISH');
    // A client that asks for everything gets a page and a note, never 1024 variables.
    const unpaged = await variables(c, { variablesReference: l1.variablesReference });
    assert.equal(unpaged.length, VARIABLES_PAGE_SIZE + 1);
    assert.equal(unpaged[VARIABLES_PAGE_SIZE].value, `${valid - VARIABLES_PAGE_SIZE} more: ask with start/count (at most ${VARIABLES_PAGE_SIZE} per request)`);
    await c.close();
  });

  it('translation: tables are read when their descriptor is expanded, a page at a time', async () => {
    const c = new InlineClient();
    await c.launch({ program: file }, []);
    const tr = await variables(c, { variablesReference: (await scopes(c)).find((s) => s.name === 'Translation')!.variablesReference });
    assert.match(tr[0].name, /^walk of the PC 0x8000_000c \(EL1\)$/);
    const s2 = tr.find((v) => v.name === 'VTTBR_EL2 stage 2')!;
    const l1 = await variables(c, { variablesReference: s2.variablesReference, filter: 'indexed', start: 0, count: 10 });
    // One valid level-1 entry (the 16 MB map), and the invalid ones counted.
    assert.deepEqual(l1.map((v) => v.name), ['[2] IPA 0x8000_0000', 'invalid entries']);
    const desc = await variables(c, { variablesReference: l1[0].variablesReference });
    const next = desc.find((v) => v.name === 'level 2 table')!;
    assert.equal(next.indexedVariables, 8 + 1);
    const l2 = await variables(c, { variablesReference: next.variablesReference, filter: 'indexed', start: 0, count: 100 });
    assert.equal(l2.length, 9);
    const l3 = (await variables(c, { variablesReference: l2[0].variablesReference })).find((v) => v.name === 'level 3 table')!;
    assert.equal(l3.indexedVariables, 512);
    const page = await variables(c, { variablesReference: l3.variablesReference, filter: 'indexed', start: 500, count: 100 });
    assert.equal(page.length, 12);
    assert.equal(page[0].name, '[500] IPA 0x801f_4000');
    await c.close();
  });

  it('seed 000 at the stage-2 fault: Caches open with both copies of the descriptor line, Translation with the faulting walk', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED000 }, ['fault:translation:2']);
    const all = await scopes(c);
    const caches = await variables(c, { variablesReference: all.find((s) => s.name === 'Caches')!.variablesReference });
    assert.equal(caches[0].name, 'at this stop');
    const here = (await variables(c, { variablesReference: caches[0].variablesReference })).map((v) => `${v.name} = ${v.value}`);
    assert.ok(here.includes('L1D.pe0 0x611_1800 Normal-WB OSH = M (dirty)'), here.join(' | '));
    assert.ok(here.includes('L1D.pe0 0x611_1800 Normal-WB ISH = E (clean)'), here.join(' | '));
    const tr = await variables(c, { variablesReference: all.find((s) => s.name === 'Translation')!.variablesReference });
    assert.equal(tr[0].name, 'walk of FAR 0x8810_0000 (the faulting access at EL1)');
    // The state shown did not move while the stop's lines were worked out (a peek at the next instruction).
    assert.equal((await c.ok<{ step: number }>('armscope/status')).step, 8);
    assert.match(tr[0].value, /translation fault, stage 2 level 3/);
    const steps = await variables(c, { variablesReference: tr[0].variablesReference });
    const last = steps.filter((s) => s.name.startsWith('stage 2 level 3')).pop();
    assert.match(last?.value ?? '', /^0x0000_0000_0000_0000 .* read Normal-WB ISH at 0x611_1800$/);
    await c.close();
  });

  it('seed 000: before the descriptor store and before the faulting load, the lines the next instruction touches come first', async () => {
    const c = new InlineClient();
    await c.launch({ program: SEED000, stopOnEntry: true }, []);
    await c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'write_desc' }, { name: 'touch' }] });
    const nextInstruction = async (): Promise<string[]> => {
      const caches = await variables(c, { variablesReference: (await scopes(c)).find((s) => s.name === 'Caches')!.variablesReference });
      const here = await variables(c, { variablesReference: caches[0].variablesReference });
      assert.equal(here[0].name, "PE0's next instruction");
      return (await variables(c, { variablesReference: here[0].variablesReference })).map((v) => `${v.name} = ${v.value}`);
    };
    // write_desc: `str x1, [x0]` will write the level-3 descriptor's line, not cached yet.
    await c.stopAfter('continue');
    const before = (await c.ok<{ step: number }>('armscope/status')).step;
    assert.deepEqual(await nextInstruction(), ["0x611_1800 = not cached — PE0's next instruction accesses it"]);
    assert.equal((await c.ok<{ step: number }>('armscope/status')).step, before);
    // touch: `ldr x2, [x1]`'s stage-2 walk will read that line: its dirty Outer Shareable copy is there.
    await c.stopAfter('continue');
    assert.ok((await nextInstruction()).includes('L1D.pe0 0x611_1800 Normal-WB OSH = M (dirty)'));
    // Going on from there is unchanged by the peeks: the stage-2 fault at the same step as without them.
    await c.ok('setExceptionBreakpoints', { filters: ['fault:translation:2'] });
    const fault = await c.stopAfter('continue');
    assert.match(fault.body.description ?? '', /^PE0: translation fault stage 2 level 3 at EL1, taken to EL2/);
    assert.equal((await c.ok<{ step: number }>('armscope/status')).step, 8);
    await c.close();
  });
});
