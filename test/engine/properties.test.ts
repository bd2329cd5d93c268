import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Machine } from '../../simulator/engine/machine';
import { model } from './helpers';

/** A random small multi-PE scenario: PEs race on a counter, some sleep until an interrupt, events write memory. */
function scenario(p: { loops: number[]; stepEvents: [number, number][]; reach: [number, boolean][]; sleeper: boolean; cache: boolean }): string {
  const pes = p.loops.length;
  const peBlocks = p.loops
    .map((n, i) => `pe ${i} {\n  el 1\n  entry ${p.sleeper && i === pes - 1 ? 'sleeper' : 'start'}\n  x0 = ${n}\n  vbar_el1 = 0x8000_0800\n  icc_pmr_el1 = 0xff\n  icc_igrpen1_el1 = 1\n}\n`)
    .join('');
  const events = [
    ...p.stepEvents.map(([step, v], k) => `event ${k % 2 ? 'every ' : ''}when step ${step} do write 0x8000_1008 = ${v} size 8\n`),
    ...p.reach.map(([pe, every]) => `event ${every ? 'every ' : ''}when pe ${pe % pes} reaches loop do irq 33 pe ${pes - 1}\n`),
  ].join('');
  return `
system {
  pes ${pes}
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model ${p.cache ? 'on' : 'off'}
  max_steps 3000
}
gic {
  enable group1ns
  interrupt 33 group 1ns priority 0x80 target pe ${pes - 1} enabled
}
${peBlocks}
code at 0x8000_0000 {
start:
    ldr   x10, =0x8000_1000
loop:
    ldr   x1, [x10]
    add   x1, x1, #1
    str   x1, [x10]
    ldr   x2, [x10, #8]
    add   x3, x3, x2
    subs  x0, x0, #1
    b.ne  loop
    hlt   #0
sleeper:
    msr   daifclr, #2
1:  wfi
    cmp   x5, #3
    b.lo  1b
    hlt   #0
}
code at 0x8000_0a80 {
    mrs   x6, icc_iar1_el1
    add   x5, x5, #1
    msr   icc_eoir1_el1, x6
    eret
}
`+events;
}

const arb = fc.record({
  loops: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
  stepEvents: fc.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 3 }),
  reach: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { maxLength: 2 }),
  sleeper: fc.boolean(),
  cache: fc.boolean(),
});

describe('engine: properties over random scenarios (fast-check)', () => {
  it('run() in any chunking = repeated step() = time travel to any step', function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(arb, fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 }), fc.nat(), (p, chunks, pick) => {
        const md = model(scenario(p));
        const ref = Machine.create(md);
        // By step number (idle time may skip numbers while every PE waits for a timed event).
        const hashes = new Map<number, number>([[0, ref.stateHash()]]);
        while (ref.step()) hashes.set(ref.steps, ref.stateHash());
        const end = ref.steps;
        assert.ok(ref.stopInfo !== undefined);

        const chunked = Machine.create(md);
        for (let i = 0; chunked.stopInfo === undefined; i++) {
          chunked.run(chunks[i % chunks.length]);
          if (chunked.stopInfo === undefined) assert.equal(chunked.stateHash(), hashes.get(chunked.steps), `chunked at ${chunked.steps}`);
        }
        assert.equal(chunked.steps, end);
        assert.equal(chunked.stateHash(), ref.stateHash());
        assert.deepEqual(chunked.stopInfo, ref.stopInfo);

        const tt = Machine.create(md, { checkpointInterval: 1 + (pick % 50) });
        tt.run();
        for (const t of [pick % (end + 1), Math.floor(end / 2), 0, end]) {
          tt.goToStep(t);
          // Idle time jumps the step counter: only steps that exist can be reached exactly.
          if (hashes.has(t)) assert.equal(tt.stateHash(), hashes.get(t), `time travel to ${t}`);
          else assert.ok(tt.steps > t && hashes.has(tt.steps), `time travel to ${t} lands on ${tt.steps}`);
        }
      }),
      { numRuns: 30 },
    );
  });
});
