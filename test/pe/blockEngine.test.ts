/**
 * The block engine (simulator/pe/block.ts) against single steps: `Machine.run()` on one PE goes
 * through `runPe`, repeated `Machine.step()` through `stepPe` one instruction at a time. Both must
 * give the same run — step count, stop, state hash, faults, findings and every trace event with its
 * step and source line — for every example and fixture scenario, and for code that changes under
 * the blocks: rewritten with stores (stale until IC IVAU), and remapped (stale until TLBI).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { applyPageTables } from '../../simulator/mmu/pagetable/block';
import type { ScenarioModel } from '../../simulator/scenario/model';
import type { TraceKind } from '../../simulator/trace/events';

/**
 * Not `halted` nor `instruction`: a subscriber to either makes the scheduler take every step through
 * `stepPe` (scheduler.ts `traced`), and the block engine would not run at all.
 */
const KINDS: TraceKind[] = ['exception', 'sysreg-write', 'memory-access', 'cache-line', 'finding', 'event-fired', 'ffa-call', 'interrupt'];

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));

interface Outcome {
  steps: number;
  stop: string;
  hash: number;
  pcs: number[];
  x0: bigint[];
  events: string[];
  faults: string;
  findings: string;
}

function outcome(model: ScenarioModel, mode: 'blocks' | 'steps'): Outcome {
  const m = Machine.create(model);
  const events: string[] = [];
  for (const k of KINDS) m.trace.on(k, (e) => events.push(json(e)));
  if (mode === 'blocks') m.run();
  else while (m.step()) continue;
  return {
    steps: m.steps,
    stop: `${m.stopInfo?.kind}: ${m.stopInfo?.reason}`,
    hash: m.stateHash(),
    pcs: m.pes.map((p) => p.pc),
    x0: m.pes.map((p) => p.getX(0)),
    events,
    faults: json(m.faults),
    findings: json(m.findings),
  };
}

function load(text: string, file: string): ScenarioModel {
  const model = parseScenario(text, file);
  assert.deepEqual(
    model.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1}: ${d.message}`),
    [],
    file,
  );
  applyPageTables(model);
  return model;
}

function assertSame(model: ScenarioModel, what: string): Outcome {
  const a = outcome(model, 'blocks');
  const b = outcome(model, 'steps');
  assert.equal(a.steps, b.steps, `${what}: steps`);
  assert.equal(a.stop, b.stop, `${what}: stop`);
  assert.deepEqual(a.events.length, b.events.length, `${what}: number of trace events`);
  for (let i = 0; i < a.events.length; i++) assert.equal(a.events[i], b.events[i], `${what}: trace event ${i}`);
  assert.equal(a.faults, b.faults, `${what}: faults`);
  assert.equal(a.findings, b.findings, `${what}: findings`);
  assert.equal(a.hash, b.hash, `${what}: state hash`);
  return a;
}

function scenarioFiles(): string[] {
  const roots = ['examples', path.join('test', 'scenario', 'fixtures'), path.join('test', 'lsp', 'fixtures')];
  const out: string[] = [];
  for (const root of roots) {
    const dir = path.resolve(process.cwd(), root);
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.armscope')) out.push(path.join(entry.parentPath, entry.name));
    }
  }
  return out.sort();
}

/** A guest loop calling `patch` 3 times; between calls the code at `patch` is rewritten with stores. */
const SELF_MODIFYING = (maintenance: string) => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 2000
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    mov   x1, #0
    ldr   x5, =patch
    ldr   w6, =0xd2800040           // mov x0, #2
loop:
    bl    patch
    add   x1, x1, x0
    str   w6, [x5]                   // rewrite the first instruction of patch
${maintenance}
    add   x6, x6, #0x20              // the next value: mov x0, #3, …
    cmp   x1, #20
    b.lo  loop
    hlt   #0
patch:
    mov   x0, #1
    ret
}
`;

/** Stage 1 maps VA 0x4000_0000 to the page of `one` or of `two`; the loop calls it, then remaps it (descriptor at `slot`). */
const REMAPPED = (tlbi: string, slot = 0n) => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model off
  max_steps 2000
}
const MAIR_DEFAULT = 0x000C_08BB_0444_FF00
const SLOT = ${slot}
pagetable s1 stage 1 at 0x8080_0000 t0sz 25 pool 0x8081_0000 size 0x10_0000 {
  map 0x8000_0000 size 0x100_0000 to 0x8000_0000 normal_wb ish rw x
  map 0x4000_0000 to 0x8020_0000 normal_wb ish rw x
}
pe 0 {
  el 1
  entry start
  mair_el1 = MAIR_DEFAULT
  tcr_el1 = 0x5_0080_3519
  ttbr0_el1 = 0x8080_0000
  sctlr_el1 = 0x30d5_1805
}
code at 0x8000_0000 {
start:
    mov   x1, #0
    mov   x7, #0x4000_0000
    ldr   x5, =SLOT
    ldr   x6, [x5]
    add   x6, x6, #0x1000            // the same attributes, the page of \`two\`
    mov   x9, #3
loop:
    blr   x7
    add   x1, x1, x0
    str   x6, [x5]
    dsb   ish
${tlbi}
    subs  x9, x9, #1
    b.ne  loop
    hlt   #0
}
code one at 0x8020_0000 {
    mov   x0, #1
    ret
}
code two at 0x8020_1000 {
    mov   x0, #2
    ret
}
`;

/** The address of the level-3 descriptor `pagetable` built for VA 0x4000_0000 (a page descriptor to 0x8020_0000). */
function remapSlot(): bigint {
  const model = load(REMAPPED(''), 'probe.armscope');
  const m = Machine.create(model);
  for (let a = 0x8081_0000; a < 0x8082_0000; a += 8) {
    const lo = m.physical.readU32(a);
    if ((lo & 0xffff_f003) >>> 0 === 0x8020_0003 && m.physical.readU32(a + 4) >>> 16 === 0) return BigInt(a);
  }
  throw new Error('no descriptor for VA 0x4000_0000 in the pool');
}

/**
 * Hot loops (their blocks are compiled) where something happens in the middle of a block: a store
 * to GICD_ISPENDR1 makes SPI 40 pending (the IRQ is taken right after that store), a timed `irq`
 * event, and a load that takes an Alignment fault in the 101st run of its block.
 */
const HOT = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model off
  max_steps 20000
}
gic {
  enable group1ns
  interrupt 40 group 1ns priority 0x80 target pe 0 enabled
  interrupt 41 group 1ns priority 0x80 target pe 0 enabled
}
event when step 1500 do irq 41
pe 0 {
  el 1
  entry start
  vbar_el1 = vectors
  pstate.daif = 0b1101                 // IRQs unmasked
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
  x10 = 0x8000_8000
  x11 = 0x2f00_0204                    // GICD_ISPENDR1
  x12 = 0x100                          // SPI 40
}
code at 0x8000_0000 {
start:
    mov   x0, #300
loop:
    ldr   x3, [x10]
    add   x3, x3, #1
    str   x3, [x10]
    cmp   x0, #150
    csel  w13, w12, wzr, eq
    str   w13, [x11]                   // writes 0 (no effect) except at x0 == 150
    subs  x0, x0, #1
    b.ne  loop
    mov   x14, x10
    mov   x15, #8
    mov   x0, #200
walk:
    ldr   x4, [x14]                    // unaligned from the 103rd run on: Device memory with the MMU off
    add   x14, x14, x15
    cmp   x0, #100
    cinc  x15, x15, eq                 // 9 from here on
    subs  x0, x0, #1
    b.ne  walk
    hlt   #0
}
code vectors at 0x8001_0000 {
    hlt   #1                           // + 0x000
}
code at 0x8001_0200 {
    hlt   #2                           // synchronous, current EL with SP_ELx: the Alignment fault
}
code at 0x8001_0280 {
    mrs   x20, icc_iar1_el1            // IRQ, current EL with SP_ELx
    add   x21, x21, #1
    msr   icc_eoir1_el1, x20
    eret
}
`;

describe('pe: the block engine runs exactly as single steps', function () {
  this.timeout(120_000);

  for (const file of scenarioFiles()) {
    it(path.relative(process.cwd(), file), () => {
      const model = load(fs.readFileSync(file, 'utf8'), file);
      // (With several PEs the run interleaves single steps; it must match all the same.)
      assertSame(model, file);
    });
  }

  it('compiled hot blocks stop for an interrupt made pending by their own store, a timed interrupt and a fault', () => {
    const model = load(HOT, 'hot.armscope');
    const r = assertSame(model, 'hot');
    const m = Machine.create(model);
    m.run();
    const pe = m.pes[0];
    assert.equal(pe.getX(21), 2n, 'both IRQs were taken');
    assert.equal(m.faults.length, 1);
    assert.equal(m.faults[0].kind, 'alignment');
    assert.equal(pe.getX(0), 98n, 'the walk faulted in the 103rd run of its block (compiled)');
    assert.match(r.stop, /^halted/);
    assert.ok(
      pe.blocks !== undefined && (pe.blocks as unknown as { pages: Map<number, ({ fast?: unknown } | undefined)[]> }).pages.get(0x8000_0000)!.some((b) => b?.fast !== undefined),
      'the loop blocks were compiled',
    );
  });

  it('code rewritten with stores stays stale without IC maintenance (the I-cache holds the line)', () => {
    const r = assertSame(load(SELF_MODIFYING(''), 'smc-stale.armscope'), 'stale');
    // patch keeps returning 1: the I-cache line filled at the first call is never invalidated.
    assert.equal(r.x0[0], 1n);
    assert.match(r.stop, /^halted/);
  });

  it('code rewritten with stores runs after DC CVAU, DSB, IC IVAU, DSB, ISB', () => {
    const r = assertSame(load(SELF_MODIFYING('    dc    cvau, x5\n    dsb   ish\n    ic    ivau, x5\n    dsb   ish\n    isb'), 'smc-ivau.armscope'), 'ivau');
    // 1, then 2, 3, …: each call runs the instruction written before it.
    assert.equal(r.x0[0], 6n);
  });

  it('IC IALLU also makes rewritten code visible', () => {
    const r = assertSame(load(SELF_MODIFYING('    dc    cvau, x5\n    dsb   ish\n    ic    iallu\n    dsb   ish\n    isb'), 'smc-iallu.armscope'), 'iallu');
    assert.equal(r.x0[0], 6n);
  });

  it('a block whose page is remapped runs the new code after TLBI, the old code without', () => {
    const slot = remapSlot();
    const stale = assertSame(load(REMAPPED('', slot), 'remap-stale.armscope'), 'no tlbi');
    assert.equal(stale.x0[0], 1n, 'the TLB keeps the old translation: the block at the old PA still runs');
    const fresh = assertSame(load(REMAPPED('    tlbi  vmalle1\n    dsb   ish\n    isb', slot), 'remap-tlbi.armscope'), 'tlbi');
    assert.equal(fresh.x0[0], 2n, 'after TLBI the fetch translates to the new page and its block');
  });
});
