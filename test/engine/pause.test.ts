/**
 * Pause conditions (engine/pause.ts) on the block engine: a 1-PE run with pause
 * conditions goes through `runPe` (pe/block.ts) and must pause after exactly the
 * steps single steps pause after — a watched PC in the middle of a block, at a
 * loop's entry (a compiled block that loops on itself), at an interrupt vector,
 * a recorded exception — and tell the stop conditions the same last step (its
 * PE, PC and retired count before it), which the debugger examines. The IRQ,
 * pending while masked, is taken by the block engine once an MSR unmasks it (a
 * step that retires nothing); the run ends fetching where there is no code
 * (another, after a branch).
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../simulator/engine/machine';
import type { PauseConditions } from '../../simulator/engine/pause';
import { model } from './helpers';

const SCENARIO = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 40000
}
gic {
  enable group1ns
  interrupt 41 group 1ns priority 0x80 target pe 0 enabled
}
event when step 1500 do irq 41
pe 0 {
  el 1
  entry start
  vbar_el1 = vectors
  pstate.daif = 0b1111
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
  x10 = 0x8000_8000
}
code at 0x8000_0000 {
start:
    mov   x0, #400
loop:
    ldr   x3, [x10]
    add   x3, x3, #1
middle:
    str   x3, [x10]
    subs  x0, x0, #1
    b.ne  loop
    msr   daifclr, #2
    svc   #7
    b     past_end
past_end:
}
code vectors at 0x8001_0000 {
    hlt   #1
}
code at 0x8001_0200 {
sync:
    mrs   x22, elr_el1
    add   x23, x23, #1
    msr   elr_el1, x22
    eret
}
code at 0x8001_0280 {
irq:
    mrs   x20, icc_iar1_el1
    add   x21, x21, #1
    msr   icc_eoir1_el1, x20
    eret
}
`;

interface Pause {
  steps: number;
  reason: string | undefined;
  pc: number;
  lastPe: number;
  lastPc: number;
  lastInstret: number;
  lastStep: number;
}

/** Every pause of a run in chunks of `chunk` steps, with the last step the scheduler recorded. */
function pauses(conditions: PauseConditions, perStep: boolean, chunk: number): { pauses: Pause[]; hash: number; blocks: boolean } {
  const md = model(SCENARIO);
  const m = Machine.create(md);
  // An instruction listener makes every PE step a single step (the reference).
  if (perStep) m.trace.on('instruction', () => undefined);
  m.pauseWhen(conditions);
  const out: Pause[] = [];
  for (let guard = 0; m.stopInfo === undefined && guard < 10_000; guard++) {
    m.run(chunk);
    if (m.pauseReason === undefined) continue;
    const s = m.scheduler;
    out.push({ steps: m.steps, reason: m.pauseReason, pc: m.pes[0].pc, lastPe: s.lastPe, lastPc: s.lastPc, lastInstret: s.lastInstret, lastStep: s.lastStep });
  }
  assert.equal(m.stopInfo?.kind, 'halted');
  return { pauses: out, hash: m.stateHash(), blocks: m.pes[0].blocks !== undefined };
}

describe('engine: pause conditions on the block engine', () => {
  const md = model(SCENARIO);
  const at = (label: string): number => Number(md.symbols.get(label)!.value!);

  for (const [what, conditions] of [
    ['watched PCs mid-block, at a loop entry, at the vectors and where there is no code', { pcs: [at('middle'), at('loop'), at('irq'), at('sync') + 4, at('past_end')] }],
    ['recorded exceptions (the IRQ and the SVC)', { records: true }],
    ['state changes (exception entry and return)', { stateChanges: true }],
    ['a watched write', { writes: [{ pa: 0x8000_8000, size: 8 }] }],
  ] as [string, PauseConditions][]) {
    it(`${what}: the same pauses and last steps as single steps`, () => {
      for (const chunk of [1_000_000, 997]) {
        const blocks = pauses(conditions, false, chunk);
        const single = pauses(conditions, true, chunk);
        assert.equal(blocks.blocks, true, 'the run went through the block engine');
        assert.equal(single.blocks, false, 'the reference took single steps');
        assert.ok(single.pauses.length > 0, 'the reference paused');
        assert.deepEqual(blocks.pauses, single.pauses);
        assert.equal(blocks.hash, single.hash);
      }
    });
  }

  it('a PC watched in the middle of a block pauses once per pass of the loop, with the instruction before it as the last step', () => {
    const r = pauses({ pcs: [at('middle')] }, false, 1_000_000);
    assert.equal(r.pauses.length, 400);
    for (const p of r.pauses) {
      assert.equal(p.pc, at('middle'));
      assert.equal(p.lastPc, at('middle') - 4, 'the add before it');
      assert.equal(p.lastStep, p.steps);
    }
  });
});
