/**
 * The debugging views' requests over stdio (issue #9 items 10 and 11): the
 * page tables focused on the fault's walk — also at a stop shown before its
 * step, when the fault has no record yet —, the timeline's walk labels and
 * next-step changes, and `armscope/goToStep` (the timeline's "go back to this
 * change") with its argument checked.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { debugClientPerTest, findRoot, launchStopped } from './helpers';

const ROOT = findRoot();
const SEED000 = path.join(ROOT, 'examples', 'seed-000', 'bug-osh-tables.armscope');
const SEED000_FFA = path.join(ROOT, 'examples', 'seed-000', 'bug-ffa-share-osh.armscope');

interface Node {
  level: number;
  index: number;
  descriptorPa: number;
  onWalk?: boolean;
  faulted?: boolean;
  copies?: string;
  decoded: { type: string };
  children?: Node[];
}
interface Tables {
  step: number;
  focus?: { title: string; faultPa?: number; now: string };
  tables: { name: string; entries: Node[] }[];
}
interface Change {
  step: number;
  pa: number;
  attrs: string;
  cause: string;
  data?: string;
}

function flat(nodes: Node[]): Node[] {
  return nodes.flatMap((n) => [n, ...flat(n.children ?? [])]);
}

describe('DAP: the views focus on the fault', function () {
  this.timeout(60_000);
  const client = debugClientPerTest(ROOT);

  it('page tables: the faulting level-3 entry of the stage-2 walk, with memory and the dirty copy', async () => {
    const dc = client.dc;
    await launchStopped(dc, { program: SEED000 }, { filters: ['fault:translation:2'] });
    const pt = (await dc.customRequest('armscope/pageTables', { threadId: 1 })).body as Tables;
    assert.equal(pt.focus?.title, 'stage-2 translation fault, level 3, at EL1 taken to EL2 (step 8)');
    assert.equal(pt.focus?.faultPa, 0x611_1800);
    const leaf = flat(pt.tables.find((t) => t.name === 'VSTTBR_EL2')!.entries).find((n) => n.faulted);
    assert.ok(leaf);
    assert.equal(leaf.decoded.type, 'invalid');
    assert.match(leaf.copies ?? '', /^memory holds 0x0, L1D\.pe0 holds 0x8810_07ff dirty \(Normal-WB OSH\)/);
  });

  it('page tables at a stop shown before its step (seed 000 through FF-A): the walk the next step faults on', async () => {
    const dc = client.dc;
    const stop = await launchStopped(dc, { program: SEED000_FFA }, { filters: ['fault:translation:2'] });
    assert.match(stop.body.description ?? '', /taken by the next step/);
    const pt = (await dc.customRequest('armscope/pageTables', { threadId: stop.body.threadId })).body as Tables;
    assert.ok(pt.focus, 'a focus at the before-stop');
    assert.match(pt.focus.title, /^stage-2 translation fault, level 3, at EL1 taken to EL2/);
    const leaf = pt.tables.flatMap((t) => flat(t.entries)).find((n) => n.faulted);
    assert.ok(leaf, 'the faulting entry is listed');
    assert.equal(leaf.descriptorPa, pt.focus.faultPa);
    assert.match(leaf.copies ?? '', /^memory holds 0x0, L1D\.pe0 holds 0x40_0000_8810_07ff dirty \(Normal-WB OSH\)$/);
  });

  it('timeline: the next step\'s walk read is there, labelled; goToStep goes back just before a change', async () => {
    const dc = client.dc;
    const stop = await launchStopped(dc, { program: SEED000_FFA }, { filters: ['fault:translation:2'] });
    const t = (await dc.customRequest('armscope/cacheTimeline', {})).body as { current: number; changes: Change[] };
    const walk = t.changes.find((c) => c.step === t.current + 1 && c.attrs === 'Normal-WB ISH' && /^stage-2 walk read, level 3, for IPA 0x8810_0000/.test(c.cause));
    assert.ok(walk, JSON.stringify(t.changes.slice(-5)));
    // The SPMC's descriptor write, earlier: go back to just before it.
    const write = t.changes.find((c) => c.pa === walk.pa && c.attrs === 'Normal-WB OSH' && c.cause === 'write');
    assert.ok(write);
    // The new descriptor (XN, OA 0x8810_0000, Normal-WB Inner Shareable, AF, page) in the copy's data.
    assert.ok(write.data?.split(' ').includes('0x40_0000_8810_07ff'), write.data);
    const stopped = dc.waitForEvent('stopped');
    await dc.customRequest('armscope/goToStep', { step: write.step - 1, pe: (stop.body.threadId ?? 1) - 1 });
    const ev = (await stopped) as DebugProtocol.StoppedEvent;
    assert.equal(ev.body.reason, 'goto');
    const status = (await dc.customRequest('armscope/status', {})).body as { step: number };
    assert.equal(status.step, write.step - 1);
    const again = (await dc.customRequest('armscope/cacheTimeline', {})).body as { current: number; changes: Change[] };
    assert.ok(again.changes.some((c) => c.step === again.current + 1 && c.pa === write.pa && c.cause === 'write'), 'the write is the next step');
  });

  it('goToStep refuses a step outside the history', async () => {
    const dc = client.dc;
    await launchStopped(dc, { program: SEED000 }, { filters: ['fault:translation:2'] });
    for (const step of [-1, 1.5, 10_000, '3', undefined]) {
      await assert.rejects(dc.customRequest('armscope/goToStep', { step }), /step: expected an integer from 0 to 8/);
    }
  });
});
