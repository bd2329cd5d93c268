/**
 * The page-table view (simulator/mmu/view.ts `pageTableView`,
 * simulator/mmu/tableTree.ts) on seed 000: the entry the faulting walk read is
 * listed (not hidden among the invalid entries) and marked, with what memory
 * and each cached copy hold; stage-1 AttrIndx is named by its MAIR meaning.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { walkNodes, type DescriptorNode } from '../../simulator/mmu/tableTree';
import { pageTableView } from '../../simulator/mmu/view';
import { VmsaMmu } from '../../simulator/mmu/vmsa';

const SEED000 = path.resolve('examples', 'seed-000', 'bug-osh-tables.armscope');

function machineAt(step: number): Machine {
  const m = Machine.create(loadScenario(SEED000));
  m.run(step);
  return m;
}

function nodes(view: ReturnType<typeof pageTableView>, table: string): DescriptorNode[] {
  const t = view.tables.find((x) => x.name === table);
  assert.ok(t, `no ${table} in ${view.tables.map((x) => x.name).join(', ')}`);
  return [...walkNodes(t.entries)];
}

describe('mmu: the page-table view', () => {
  it('lists the level-3 entry the stage-2 fault walked, marked, with memory and the dirty OSH copy', () => {
    const m = machineAt(8);
    const fault = m.faults[0];
    assert.equal(fault.stage, 2);
    const pe = m.pes[0];
    assert.ok(m.mmu instanceof VmsaMmu);
    const view = pageTableView(m.mmu, m.memory, pe, fault);
    assert.equal(view.el, 2);
    assert.ok(view.focus);
    assert.equal(view.focus.title, 'stage-2 translation fault, level 3, at EL1 taken to EL2 (step 8)');
    assert.equal(view.focus.faultPa, 0x611_1800);
    assert.equal(view.focus.now, 'the walk faults at stage 2 level 3 (translation): the descriptor at 0x611_1800 reads 0x0 (invalid)');
    const s2 = nodes(view, 'VSTTBR_EL2');
    const walked = s2.filter((n) => n.onWalk).map((n) => `${n.level}:${n.index}:${n.decoded.type}`);
    assert.deepEqual(walked, ['1:2:table', '2:64:table', '3:256:invalid']);
    const leaf = s2.find((n) => n.faulted);
    assert.ok(leaf);
    assert.equal(leaf.descriptorPa, 0x611_1800);
    assert.equal(leaf.inputBase, 0x8810_0000);
    assert.equal(leaf.value, 0n);
    assert.equal(leaf.copies, 'memory holds 0x0, L1D.pe0 holds 0x8810_07ff dirty (Normal-WB OSH), L1D.pe0 holds 0x0 clean (Normal-WB ISH)');
    // Entries of other walks are not marked (the Non-secure tree shares these tables: the same descriptors are marked there).
    assert.ok(!s2.some((n) => n.onWalk && n.level === 3 && n.index !== 256));
    // The EL1&0 stage-1 table (off) is listed beside the EL2 ones: it is the faulting access's regime.
    assert.ok(view.tables.some((t) => t.name === 'TTBR0_EL1' && !t.enabled));
  });

  it('before the walk, the same entry is the one the walk will read; no copy differs from another yet except the dirty one', () => {
    const m = machineAt(7);
    const pe = m.pes[0];
    assert.ok(m.mmu instanceof VmsaMmu);
    const view = pageTableView(m.mmu, m.memory, pe, { kind: 'translation', fromEl: 1, el: 2, stage: 2, level: 3, va: 0x8810_0000n, step: 8 });
    const leaf = nodes(view, 'VSTTBR_EL2').find((n) => n.faulted);
    assert.ok(leaf);
    assert.equal(leaf.copies, 'memory holds 0x0, L1D.pe0 holds 0x8810_07ff dirty (Normal-WB OSH)');
  });

  it('without a fault, lists only valid entries, unmarked', () => {
    const m = machineAt(8);
    assert.ok(m.mmu instanceof VmsaMmu);
    const view = pageTableView(m.mmu, m.memory, m.pes[0]);
    assert.equal(view.focus, undefined);
    const s2 = nodes(view, 'VSTTBR_EL2');
    assert.ok(s2.every((n) => n.decoded.type !== 'invalid' && !n.onWalk && !n.faulted));
  });

  it('names stage-1 memory types by their MAIR meaning', () => {
    const m = machineAt(8);
    assert.ok(m.mmu instanceof VmsaMmu);
    const view = pageTableView(m.mmu, m.memory, m.pes[0]);
    const block = nodes(view, 'TTBR0_EL2').find((n) => n.decoded.type === 'block');
    assert.ok(block);
    // MAIR_DEFAULT = 0x000C_08BB_0444_FF00: Attr1 = 0xff.
    assert.match(block.decoded.summary, /^Block 2MB → 0x600_0000, Attr1 Normal WB RWA, Outer Shareable/);
    const field = block.decoded.fields.find((f) => f.name === 'AttrIndx');
    assert.equal(field?.meaning, 'Attr1 Normal WB RWA');
  });
});
