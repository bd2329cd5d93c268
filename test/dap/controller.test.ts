/**
 * In-process tests of the debugger's execution control (debug-adapter/controller.ts)
 * and the simulator APIs it maps: time travel is exact (step back then forward
 * gives the same machine state hash), step back on one PE among several,
 * reverse continue to the start; translation-table trees, write watches, the
 * call chain and the cache-line timeline on seed 000 and seed 001.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DebugController } from '../../debug-adapter/controller';
import { cacheTimeline } from '../../simulator/engine/timeline';
import { callChain } from '../../simulator/engine/callChain';
import { Machine } from '../../simulator/engine/machine';
import { watchWrites, type WatchedWrite } from '../../simulator/engine/writeWatch';
import { lookupInTree, translationTables, walkNodes } from '../../simulator/mmu/tableTree';
import { loadScenario } from '../../simulator';
import { findRoot } from './helpers';

const ROOT = findRoot();
const SEED000 = path.join(ROOT, 'examples', 'seed-000', 'bug-osh-tables.armscope');
const SEED001 = path.join(ROOT, 'examples', 'seed-001', 'bug-resp-interrupted.armscope');
const SEED004 = path.join(ROOT, 'examples', 'seed-004', 'bug-stale-image.armscope');

describe('debugger execution control and its simulator APIs', () => {
  it('step back then forward reproduces the exact machine state (seed 000)', async () => {
    const ctl = new DebugController(loadScenario(SEED000), { checkpointInterval: 4 });
    ctl.stops.filters.add('fault:translation:2');
    const stop = await ctl.runForward(undefined);
    assert.equal(stop.exceptionId, 'fault:translation:2');
    const at = ctl.steps;
    const hash = ctl.machine.stateHash();
    for (let i = 0; i < 5; i++) ctl.stepBack(0);
    assert.equal(ctl.steps, at - 5);
    assert.notEqual(ctl.machine.stateHash(), hash);
    ctl.stops.filters.clear();
    for (let i = 0; i < 5; i++) await ctl.stepInstruction(0, false);
    assert.equal(ctl.steps, at);
    assert.equal(ctl.machine.stateHash(), hash);
  });

  it('steps back one instruction of one PE among two (seed 004)', async () => {
    const ctl = new DebugController(loadScenario(SEED004));
    for (let i = 0; i < 6; i++) await ctl.stepInstruction(0, false);
    const pe0 = ctl.machine.pes[0].instret;
    const pe1 = ctl.machine.pes[1].instret;
    assert.equal(pe0, 6);
    const stop = ctl.stepBack(0);
    assert.equal(stop.reason, 'step');
    assert.equal(ctl.machine.pes[0].instret, pe0 - 1);
    // The latest such state: PE 1 keeps every instruction it executed after PE 0's last one.
    assert.ok(ctl.machine.pes[1].instret >= pe1 - 1 && ctl.machine.pes[1].instret <= pe1);
  });

  it('reverse continue without breakpoints goes back to the start of the run', async () => {
    const ctl = new DebugController(loadScenario(SEED000));
    await ctl.runForward(undefined);
    assert.ok(ctl.steps > 0);
    const stop = await ctl.reverseContinue();
    assert.equal(stop.reason, 'entry');
    assert.equal(ctl.steps, 0);
  });

  it('translation tables: the stage-2 tree from VSTTBR_EL2 down, as the walker reads it', () => {
    const m = Machine.create(loadScenario(SEED000));
    m.run();
    const tables = translationTables(m.memory, m.pes[0]);
    const s2 = tables.find((t) => t.name === 'VSTTBR_EL2');
    assert.ok(s2 && s2.enabled);
    assert.equal(s2.base, 0x610_0000);
    assert.equal(s2.startLevel, 1);
    assert.equal(s2.walkAttrs, 'Normal-WB ISH');
    const nodes = [...walkNodes(s2.entries)];
    const page = nodes.find((n) => n.level === 3 && n.inputBase === 0x8800_0000);
    assert.ok(page);
    assert.equal(page.decoded.type, 'page');
    assert.equal(lookupInTree(s2.entries, 0x8800_0123), 0x8800_0123);
    // The shared page's descriptor is invisible to the walk (its ISH copy holds 0): not mapped.
    assert.equal(lookupInTree(s2.entries, 0x8810_0000), undefined);
    const s1 = tables.find((t) => t.name === 'TTBR0_EL2');
    assert.ok(s1 && s1.enabled);
    assert.equal(lookupInTree(s1.entries, 0x611_1800), 0x611_1800);
  });

  it('write watches see the descriptor store and nothing else', () => {
    const m = Machine.create(loadScenario(SEED000));
    const seen: WatchedWrite[] = [];
    const off = watchWrites(m, [{ pa: 0x611_1800, size: 8 }], (w) => seen.push(w));
    m.run();
    off();
    assert.equal(seen.length, 1);
    assert.equal(seen[0].pe, 0);
    assert.equal(seen[0].attrs, 'Normal-WB OSH');
    assert.equal(seen[0].lo >>> 0, 0x8810_07ff);
    assert.equal(seen[0].step, 3);
  });

  it('call chain: the exception entry at the seed 000 fault, the FF-A call in seed 001', async () => {
    const m = Machine.create(loadScenario(SEED000));
    m.run();
    const chain = callChain(m, 0);
    assert.equal(chain.length, 1);
    assert.equal(chain[0].kind, 'exception');
    assert.equal(chain[0].ec, 0x24);
    assert.equal(chain[0].line, 84);
    const ctl = new DebugController(loadScenario(SEED001));
    ctl.stops.filters.add('ffa-error');
    await ctl.runForward(undefined);
    const ffa = callChain(ctl.machine, 0).find((e) => e.kind === 'ffa');
    assert.ok(ffa);
    assert.equal(ffa.ffa?.function, 'FFA_MSG_SEND_DIRECT_REQ_32');
    assert.equal(ffa.ffa?.callee, 0x8001);
  });

  it('cache timeline: every state change of the descriptor line with its cause and line', () => {
    const t = cacheTimeline(loadScenario(SEED000), {});
    const line = t.changes.filter((c) => c.pa === 0x611_1800);
    assert.deepEqual(
      line.map((c) => `${c.step} ${c.cache} ${c.attrs} ${c.from}→${c.to} ${c.cause} ${c.line}`),
      ['3 L1D.pe0 Normal-WB OSH I→M write 64', '8 L1D.pe0 Normal-WB ISH I→E stage-2 walk read, level 3, for IPA 0x8810_0000 (VA 0x8810_0000) 84'],
    );
    const partial = cacheTimeline(loadScenario(SEED000), {}, 5);
    assert.equal(partial.steps, 5);
    assert.ok(partial.changes.every((c) => c.step <= 5));
  });
});
