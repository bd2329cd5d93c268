/**
 * Debugger continue at full speed (DebugController.runForward without `until`:
 * the block engine runs long chunks with the stop conditions as the engine's
 * pause conditions, engine/pause.ts) stops exactly where stepping one step at a
 * time and checking every step stops (runForward with `until`: the reference)
 * — the same steps, stop reasons, PCs, retired counts and machine state — for
 * line, function and instruction breakpoints with conditions and hit counts,
 * data breakpoints on a range and on a cache line, the exception and fault
 * filters, and the FF-A error filter; at the frontier of the run (checkpoints
 * being taken, or none) and behind its horizon (replaying the recorded
 * history). Step back after a fast continue lands at the latest step at which
 * the PE had retired one instruction fewer, with the state single steps give.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DebugController, type Stop } from '../../debug-adapter/controller';
import { exceptionFilters } from '../../debug-adapter/filters';
import { shownAfterItsStep, type LineBreakpoint } from '../../debug-adapter/stops';
import { loadScenario } from '../../simulator';
import type { ScenarioModel } from '../../simulator/scenario/model';
import { model } from '../engine/helpers';
import { findRoot } from './helpers';

/**
 * A loop behind stage-1 translation that, every 64th pass, takes a stage-1 translation fault, an
 * alignment fault and an SVC (its EL1 handler skips the faulting instruction), with an IRQ at step
 * 1500; `pes` PEs run it on one counter.
 */
function scenario(pes: number): string {
  return `
system {
  pes ${pes}
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model on
  max_steps 200000
}
gic { enable group1ns; interrupt 41 group 1ns priority 0x80 target pe 0 enabled }
event when step 1500 do irq 41
pagetable s1 stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x20_0000 to 0x8000_0000 normal_wb ish rw x pages
  map 0x4000_0000 size 0x1_0000 to 0x8020_0000 normal_wb ish rw xn pages
}
pe 0-${pes - 1} {
  el 1
  entry start
  vbar_el1 = vectors
  mair_el1 = 0x000C_08BB_0444_FF00
  tcr_el1 = 0x5_0080_3519
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = 0x30d5_1805
  pstate.daif = 0
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
  x10 = 0x4000_0000
  x11 = 0x5000_0000
}
code at 0x8000_0000 {
start:
    mov   x0, #600
loop:
    ldr   x3, [x10]
    add   x3, x3, #1
middle:
    str   x3, [x10]
    str   x0, [x10, #64]
    tst   x0, #63
    b.ne  skip
    ldr   x4, [x11]
    add   x12, x10, #1
    ldxr  x4, [x12]
    svc   #7
skip:
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
}
code vectors at 0x8001_0000 {
    hlt   #1
}
code at 0x8001_0200 {
sync:
    mrs   x22, elr_el1
    mrs   x24, esr_el1
    lsr   x24, x24, #26
    cmp   x24, #0x15
    b.eq  sync_ret
    add   x22, x22, #4
sync_ret:
    msr   elr_el1, x22
    add   x23, x23, #1
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
}

/** The counter's PA (VA 0x4000_0000) and the line after it. */
const COUNTER = 0x8020_0000;

interface Config {
  lines?: { label: string; kind: LineBreakpoint['kind']; condition?: string; hitCondition?: string }[];
  data?: { dataId: string; hitCondition?: string }[];
  filters?: string[];
}

const CONFIGS: [string, Config][] = [
  [
    'line, function and instruction breakpoints (mid-block, loop entry, vector; conditions and hit counts)',
    {
      lines: [
        { label: 'middle', kind: 'line', hitCondition: '% 50' },
        { label: 'loop', kind: 'function', condition: 'x0 == 300' },
        { label: 'irq', kind: 'instruction' },
        { label: 'sync', kind: 'line', hitCondition: '> 20' },
      ],
    },
  ],
  ['data breakpoints on a range and on a cache line', { data: [{ dataId: `mem:${COUNTER}:8`, hitCondition: '% 97' }, { dataId: `line:${COUNTER + 64}` }] }],
  ['every exception taken (SVC, IRQ, faults)', { filters: ['exception:any'] }],
  ['the fault filters on by default (translation, alignment)', { filters: exceptionFilters().filter((f) => f.default).map((f) => f.filter) }],
  [
    'all of them at once',
    {
      lines: [{ label: 'middle', kind: 'line', hitCondition: '% 150' }],
      data: [{ dataId: `mem:${COUNTER + 64}:8`, hitCondition: '% 101' }],
      filters: [...exceptionFilters().filter((f) => f.default).map((f) => f.filter), 'exception:any', 'ffa-error'],
    },
  ],
];

function configure(c: DebugController, md: ScenarioModel, cfg: Config): void {
  const at = (label: string): number => Number(md.symbols.get(label)!.value!);
  c.stops.lineBreakpoints = [];
  c.stops.functionBreakpoints = [];
  c.stops.instructionBreakpoints = [];
  let id = 1;
  for (const b of cfg.lines ?? []) {
    const bp: LineBreakpoint = { id: id++, addresses: [at(b.label)], condition: b.condition, hitCondition: b.hitCondition, hits: 0, kind: b.kind, name: b.kind === 'function' ? b.label : undefined };
    (b.kind === 'line' ? c.stops.lineBreakpoints : b.kind === 'function' ? c.stops.functionBreakpoints : c.stops.instructionBreakpoints).push(bp);
  }
  c.stops.rebuildBreakpointIndex();
  c.stops.setDataBreakpoints((cfg.data ?? []).map((d) => ({ id: id++, dataId: d.dataId, hitCondition: d.hitCondition, hits: 0 })));
  c.stops.filters = new Set(cfg.filters ?? []);
}

/**
 * What a stop shows: where, why, and the whole machine state. A stop shown *before* its step (an
 * exception the built-in firmware handles within it) is described as single steps show it, after
 * its step: that step is taken on a fork and undone.
 */
function seen(c: DebugController, stop: Stop): string {
  const m = c.machine;
  const state = (): object => ({ steps: m.steps, pcs: m.pes.map((p) => p.pc), instret: m.pes.map((p) => p.instret), hash: m.stateHash() });
  let after: object;
  if (stop.before === true) {
    const here = m.fork();
    m.step();
    after = state();
    m.restore(here);
  } else after = state();
  const shown = shownAfterItsStep(stop);
  return JSON.stringify({ reason: shown.reason, pe: shown.pe, description: shown.description, exceptionId: shown.exceptionId, breakpointIds: shown.breakpointIds, ...after });
}

/** Every stop up to the end of the run: `single` steps one step at a time (the reference), otherwise full-speed continues. */
async function stopsOf(c: DebugController, single: boolean): Promise<string[]> {
  const out: string[] = [];
  for (let guard = 0; guard < 2000; guard++) {
    const stop = await c.runForward(single ? () => undefined : undefined);
    out.push(seen(c, stop));
    // The end of the run (a failed expectation or a checker's stop is reported as an exception at the end, again and again).
    if (stop.reason === 'end' || (c.ended && out.length > 1 && out[out.length - 2] === out[out.length - 1])) return out;
  }
  throw new Error('more than 2,000 stops');
}

async function reference(md: ScenarioModel, cfg: Config): Promise<string[]> {
  const c = new DebugController(md, { checkpointInterval: 1000 });
  configure(c, md, cfg);
  return stopsOf(c, true);
}

describe('DAP: continue at full speed stops where single steps stop', function () {
  this.timeout(120_000);

  for (const pes of [1, 2]) {
    const md = model(scenario(pes));
    for (const [what, cfg] of CONFIGS) {
      it(`${pes} PE${pes > 1 ? 's' : ''}, ${what}: at the frontier (with and without checkpoints) and replaying the history`, async () => {
        const want = await reference(md, cfg);
        assert.ok(want.length > 2, `the reference stopped (${want.length} stops)`);
        // An instruction breakpoint at the IRQ vector stops when the interrupt is taken (a step that retires nothing).
        if (cfg.lines?.some((l) => l.label === 'irq')) assert.ok(want.some((w) => w.includes('"reason":"instruction breakpoint"')), 'the breakpoint at the IRQ vector');
        for (const interval of [1000, 0]) {
          const c = new DebugController(md, { checkpointInterval: interval });
          configure(c, md, cfg);
          assert.deepEqual(await stopsOf(c, false), want, `checkpoint interval ${interval}`);
          // Behind the horizon: the machine replays the recorded history (trace muted, logged choices applied).
          c.goTo(0);
          configure(c, md, cfg);
          assert.equal(c.machine.history.horizon > 0, true);
          assert.deepEqual(await stopsOf(c, false), want, `replaying, checkpoint interval ${interval}`);
        }
      });
    }
  }

  for (const [what, extra] of [
    ['the FF-A error filter', ['ffa-error']],
    ['every exception (shown before the step the firmware handles)', ['exception:any']],
  ] as [string, string[]][])
    it(`seed 001, ${what}: the same stops as single steps, at the frontier and replaying`, async () => {
      const md = loadScenario(path.join(findRoot(), 'examples', 'seed-001', 'bug-resp-interrupted.armscope'));
      const cfg: Config = { filters: [...exceptionFilters().filter((f) => f.default).map((f) => f.filter), ...extra] };
      const want = await reference(md, cfg);
      assert.ok(want.some((s) => s.includes(`"exceptionId":"${extra[0]}"`)), `a ${extra[0]} stop in the reference`);
      const c = new DebugController(md, { checkpointInterval: 1000 });
      configure(c, md, cfg);
      assert.deepEqual(await stopsOf(c, false), want);
      c.goTo(0);
      configure(c, md, cfg);
      assert.deepEqual(await stopsOf(c, false), want, 'replaying');
    });

  it('step back after a fast continue lands at the latest step with one instruction fewer, in the state single steps reach; continuing stops there again', async () => {
    const md = model(scenario(2));
    const cfg: Config = { lines: [{ label: 'middle', kind: 'line' }], filters: ['exception:any'] };
    const c = new DebugController(md, { checkpointInterval: 1000 });
    configure(c, md, cfg);
    // A plain machine stepped one step at a time: the instret of each PE after every step, and the state at any step.
    const ref = new DebugController(md, { checkpointInterval: 0 });
    const instret: number[][] = [ref.machine.pes.map((p) => p.instret)];
    let checked = 0;
    for (let k = 0; k < 40; k++) {
      const stop = await c.runForward(undefined);
      if (stop.reason === 'end') break;
      const now = c.steps;
      const here = seen(c, stop);
      while (ref.machine.steps < now && ref.machine.step()) instret.push(ref.machine.pes.map((p) => p.instret));
      const pe = stop.pe;
      const want = c.machine.pes[pe].instret - 1;
      let s = now - 1;
      while (s > 0 && instret[s][pe] > want) s--;
      c.stepBack(pe);
      assert.equal(c.steps, s, `stop ${k} (${stop.description}): stepped back to step ${s}`);
      const back = c.machine.stateHash();
      // The reference's state at step s: a fresh machine stepped there one step at a time.
      const r = new DebugController(md, { checkpointInterval: 0 });
      while (r.machine.steps < s) r.machine.step();
      assert.equal(back, r.machine.stateHash(), `stop ${k}: the state at step ${s}`);
      // Forward again (replaying): the same stop at the same step and state.
      let again = await c.runForward(undefined);
      while (c.steps < now && again.reason !== 'end') again = await c.runForward(undefined);
      assert.equal(seen(c, again), here, `stop ${k}: continuing from the step back`);
      checked++;
    }
    assert.ok(checked >= 20, `${checked} stops checked`);
  });
});
