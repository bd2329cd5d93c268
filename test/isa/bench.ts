/**
 * Throughput of the instruction closures on one PE (not a test; run with
 * `npx tsc -p . && node out/test/isa/bench.js [steps]`): a tight ALU/branch/
 * load-store loop on the test harness (identity MMU, flat memory), i.e. the
 * "MMU off, flat memory" configuration of the ≥20M instructions/s target,
 * and the same loop under qemu-aarch64 for comparison (`npm run bench` may call both).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestMachine } from './harness';
import { AS, LD, QEMU, missingTools, tempDir } from './gnuToolchain';

/** The measured loop: 7 instructions per iteration (ALU, load, store, flags, branch). */
export const LOOP_BODY = `
  loop:
    add  x1, x1, #1
    ldr  x2, [x3]
    add  x2, x2, x1
    str  x2, [x3, #8]
    eor  x4, x4, x2, lsl #3
    subs x0, x0, #1
    b.ne loop
`;
export const LOOP_INSTRUCTIONS_PER_ITERATION = 7;

export function measureLoop(steps: number): { steps: number; seconds: number; perSecond: number } {
  const m = new TestMachine();
  m.load(`
    movz x0, #0x4000, lsl #16
    mov  x3, #0x8000
${LOOP_BODY}
    hlt  #0
  `);
  const pe = m.pe;
  // Warm up the JIT, then measure.
  for (let i = 0; i < 200_000; i++) m.step();
  const t0 = process.hrtime.bigint();
  let n = 0;
  while (n < steps && pe.state === 'running') {
    m.step();
    n++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { steps: n, seconds, perSecond: n / seconds };
}

/**
 * The same loop as a static Linux binary under qemu-aarch64 (wall-clock, including
 * qemu start-up): undefined when GNU binutils or qemu-user are missing.
 */
export function measureQemuLoop(steps: number): { steps: number; seconds: number; perSecond: number } | { skipped: string } {
  const why = missingTools([AS, LD, QEMU]);
  if (why) return { skipped: why };
  const iterations = Math.max(1, Math.floor(steps / LOOP_INSTRUCTIONS_PER_ITERATION));
  const dir = tempDir();
  try {
    const src = [
      '.text',
      '.globl _start',
      '_start:',
      `  ldr x0, =${iterations}`,
      '  adrp x3, buf',
      '  add x3, x3, :lo12:buf',
      LOOP_BODY,
      '  mov x0, #0',
      '  mov x8, #93',
      '  svc #0',
      '  .ltorg',
      '.data',
      '.balign 16',
      'buf: .skip 16',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'l.s'), src);
    execFileSync(AS, ['-o', path.join(dir, 'l.o'), path.join(dir, 'l.s')], { stdio: 'pipe' });
    execFileSync(LD, ['-static', '-o', path.join(dir, 'l.elf'), path.join(dir, 'l.o')], { stdio: 'pipe' });
    const t0 = process.hrtime.bigint();
    execFileSync(QEMU, [path.join(dir, 'l.elf')], { stdio: 'pipe' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const n = iterations * LOOP_INSTRUCTIONS_PER_ITERATION;
    return { steps: n, seconds, perSecond: n / seconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const steps = Number(process.argv[2] ?? 10_000_000);
  const r = measureLoop(steps);
  console.log(`armscope PE: ${r.steps} steps in ${r.seconds.toFixed(3)} s: ${(r.perSecond / 1e6).toFixed(1)} M instructions/s`);
  const q = measureQemuLoop(steps);
  if ('skipped' in q) console.log(`qemu-aarch64: skipped (${q.skipped})`);
  else console.log(`qemu-aarch64: ${q.steps} instructions in ${q.seconds.toFixed(3)} s: ${(q.perSecond / 1e6).toFixed(1)} M instructions/s`);
}
