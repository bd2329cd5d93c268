/**
 * Differential test: user-level instruction snippets run both under
 * qemu-aarch64 (assembled by GNU as/ld into a tiny static Linux binary that
 * loads X0..X30 and NZCV, runs each snippet, stores X0..X30 and NZCV and
 * finally write()s the results to stdout) and on our PE (test/isa/harness.ts).
 * Register values come from fast-check (fixed seed, bounded count) with a bias
 * towards edge values (0, ±1, INT_MIN/MAX of both widths).
 *
 * Skips, printing why, when the Debian cross binutils or qemu-user are missing
 * (in CI, CI=true, that is a failure: prerequisites.ts).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { TestMachine } from '../isa/harness';
import { AS, LD, QEMU, tempDir } from '../isa/gnuToolchain';
import { requireTools } from './prerequisites';
import { TEMPLATES, type Template } from './templates';
import { randomInstructions } from './randomInstructions';

const TEXT_BASE = 0x400000;
const DATA_BASE = 0x600000;
const BUF_SIZE = 256;
/** Per case: 31 registers + NZCV (256 bytes), then the scratch buffer. */
const RESULT_SIZE = 256 + BUF_SIZE;
const CASES_PER_TEMPLATE = 12;
const SEED = 20261122;
/** Random single instructions (randomInstructions.ts), each run with a few random register sets. */
const RANDOM_COUNT = 600;
const CASES_PER_RANDOM = 3;
const RANDOM: Template[] = randomInstructions(RANDOM_COUNT, SEED).map((line) => ({ name: `random: ${line}`, code: [line] }));

interface Case {
  template: Template;
  regs: bigint[]; // x0..x30
  nzcv: number; // bits 31:28
  buf: Uint8Array;
}

const edge64 = fc.constantFrom(
  0n,
  1n,
  2n,
  0xffff_ffff_ffff_ffffn,
  0x7fff_ffff_ffff_ffffn,
  0x8000_0000_0000_0000n,
  0xffff_ffffn,
  0x7fff_ffffn,
  0x8000_0000n,
  0x1_0000_0000n,
  0xffff_ffff_8000_0000n,
  0xffff_fffe_ffff_ffffn,
);
const value64 = fc.oneof(
  { arbitrary: edge64, weight: 2 },
  { arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), weight: 4 },
  { arbitrary: fc.bigInt({ min: 0n, max: 0xffff_ffffn }), weight: 2 },
  { arbitrary: fc.bigInt({ min: -1000n, max: 1000n }).map((v) => BigInt.asUintN(64, v)), weight: 2 },
);

function makeCases(): Case[] {
  const cases: Case[] = [];
  const caseArb = fc.record({
    regs: fc.array(value64, { minLength: 31, maxLength: 31 }),
    nzcv: fc.integer({ min: 0, max: 15 }),
    buf: fc.uint8Array({ minLength: BUF_SIZE, maxLength: BUF_SIZE }),
    index: fc.integer({ min: 0, max: 7 }),
  });
  [...TEMPLATES, ...RANDOM].forEach((template, ti) => {
    const samples = fc.sample(caseArb, { seed: SEED + ti, numRuns: ti < TEMPLATES.length ? CASES_PER_TEMPLATE : CASES_PER_RANDOM });
    for (const s of samples) {
      const regs = s.regs.slice();
      const caseIndex = cases.length;
      regs[20] = BigInt(DATA_BASE + caseIndex * RESULT_SIZE + 256 + BUF_SIZE / 2);
      regs[21] = BigInt(s.index);
      cases.push({ template, regs, nzcv: (s.nzcv << 28) >>> 0, buf: s.buf });
    }
  });
  return cases;
}

/** Snippet lines with numeric local labels made unique per case (`1:` → `c7_1:`, `1f` → `c7_1`). */
function snippet(c: Case, i: number): string[] {
  return c.template.code.map((l) => l.replace(/^(\d+):$/, `c${i}_$1:`).replace(/\b(\d+)[fb]\b/g, `c${i}_$1`));
}

function hex64(v: bigint): string {
  return '0x' + v.toString(16);
}

function gnuProgram(cases: Case[]): string {
  const out: string[] = ['.arch armv8.3-a', '.text', '.globl _start', '_start:'];
  cases.forEach((c, i) => {
    out.push(`// case ${i}: ${c.template.name}`);
    out.push(`  adrp x0, res${i}`, `  add x0, x0, :lo12:res${i}`, '  mov sp, x0');
    out.push(`  adrp x30, init${i}`, `  add x30, x30, :lo12:init${i}`);
    out.push('  ldr x0, [x30, #248]', '  msr nzcv, x0');
    for (let r = 0; r < 30; r += 2) out.push(`  ldp x${r}, x${r + 1}, [x30, #${r * 8}]`);
    out.push('  ldr x30, [x30, #240]');
    out.push(...snippet(c, i).map((l) => (l.endsWith(':') ? l : '  ' + l)));
    for (let r = 0; r < 30; r += 2) out.push(`  stp x${r}, x${r + 1}, [sp, #${r * 8}]`);
    out.push('  str x30, [sp, #240]', '  mrs x0, nzcv', '  str x0, [sp, #248]');
  });
  out.push('  mov x0, #1', '  adrp x1, res0', '  add x1, x1, :lo12:res0', `  ldr x2, =${cases.length * RESULT_SIZE}`, '  mov x8, #64', '  svc #0');
  out.push('  mov x0, #0', '  mov x8, #93', '  svc #0', '  .ltorg');
  out.push('.data', '.balign 16');
  cases.forEach((c, i) => {
    out.push(`res${i}:`, `  .skip 256`, `  .byte ${Array.from(c.buf).join(',')}`);
  });
  out.push('.balign 16');
  cases.forEach((c, i) => {
    out.push(`init${i}:`, ...c.regs.map((v) => `  .quad ${hex64(v)}`), `  .quad ${c.nzcv}`);
  });
  return out.join('\n') + '\n';
}

function runQemu(cases: Case[]): Buffer {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'd.s'), gnuProgram(cases));
    execFileSync(AS, ['-o', path.join(dir, 'd.o'), path.join(dir, 'd.s')], { stdio: 'pipe' });
    execFileSync(LD, ['-static', `-Ttext=0x${TEXT_BASE.toString(16)}`, `-Tdata=0x${DATA_BASE.toString(16)}`, '-o', path.join(dir, 'd.elf'), path.join(dir, 'd.o')], {
      stdio: 'pipe',
    });
    return execFileSync(QEMU, [path.join(dir, 'd.elf')], { maxBuffer: 64 << 20 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Outcome {
  regs: bigint[];
  nzcv: number;
  buf: Uint8Array;
}

function fromQemu(out: Buffer, i: number): Outcome {
  const base = i * RESULT_SIZE;
  const regs: bigint[] = [];
  for (let r = 0; r < 31; r++) regs.push(out.readBigUInt64LE(base + r * 8));
  return { regs, nzcv: Number(out.readBigUInt64LE(base + 248)), buf: new Uint8Array(out.subarray(base + 256, base + RESULT_SIZE)) };
}

function runOurs(c: Case, i: number): Outcome {
  const m = new TestMachine();
  const bufAddr = DATA_BASE + i * RESULT_SIZE + 256;
  for (let k = 0; k < BUF_SIZE; k++) m.write(bufAddr + k, 1, BigInt(c.buf[k]));
  m.load([...snippet(c, i), 'hlt #0'].join('\n'), 0x10000);
  c.regs.forEach((v, r) => m.setX(r, v));
  m.pe.setNzcv(c.nzcv);
  m.run(1000);
  const buf = new Uint8Array(BUF_SIZE);
  for (let k = 0; k < BUF_SIZE; k++) buf[k] = Number(m.read(bufAddr + k, 1));
  return { regs: c.regs.map((_, r) => m.x(r)), nzcv: m.pe.nzcv(), buf };
}

describe('differential: our PE vs qemu-aarch64', function () {
  this.timeout(120000);
  let cases: Case[] = [];
  let qemuOut: Buffer;

  before(function () {
    requireTools(this, [AS, LD, QEMU]);
    cases = makeCases();
    qemuOut = runQemu(cases);
    assert.equal(qemuOut.length, cases.length * RESULT_SIZE, 'qemu output size');
  });

  function compare(accept: (t: Template) => boolean): string[] {
    const failures: string[] = [];
    cases.forEach((c, i) => {
      if (!accept(c.template)) return;
      const q = fromQemu(qemuOut, i);
      const o = runOurs(c, i);
      const diffs: string[] = [];
      for (let r = 0; r < 31; r++) if (q.regs[r] !== o.regs[r]) diffs.push(`x${r}: qemu ${hex64(q.regs[r])} ours ${hex64(o.regs[r])}`);
      if ((q.nzcv >>> 0) !== (o.nzcv >>> 0)) diffs.push(`nzcv: qemu ${(q.nzcv >>> 28).toString(2).padStart(4, '0')} ours ${(o.nzcv >>> 28).toString(2).padStart(4, '0')}`);
      for (let k = 0; k < BUF_SIZE; k++) {
        if (q.buf[k] !== o.buf[k]) {
          diffs.push(`buf[${k - BUF_SIZE / 2}]: qemu ${q.buf[k]} ours ${o.buf[k]}`);
          break;
        }
      }
      if (diffs.length)
        failures.push(
          `case ${i} (${c.template.name}) with ${c.regs.slice(0, 22).map((v, r) => `x${r}=${hex64(v)}`).join(' ')} nzcv=${(c.nzcv >>> 28).toString(2)}: ${diffs.join(', ')}`,
        );
    });
    return failures;
  }

  for (const template of TEMPLATES) {
    it(`${template.name}: ${template.code.filter((l) => !l.endsWith(':')).join('; ')}`, () => {
      assert.deepEqual(compare((t) => t === template), []);
    });
  }

  it(`${RANDOM_COUNT} random data-processing instructions × ${CASES_PER_RANDOM} register sets`, () => {
    assert.deepEqual(compare((t) => RANDOM.includes(t)), []);
  });
});
