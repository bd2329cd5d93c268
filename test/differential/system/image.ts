/**
 * The bare-metal image QEMU boots: an EL3 boot stub (GNU as) and, per case, a
 * descriptor of its initial state and its memory contents. One QEMU boot runs
 * every case: for each, the host resets the machine, writes the case's
 * descriptor address into the mailbox and lets the stub
 *
 *   1. zero the case's memory regions (the simulator's memory starts zeroed),
 *   2. copy the case's memory image into place (its blocks as GNU as assembled
 *      them, and what the simulator built for `pagetable` blocks),
 *   3. write every context register (context.ts) with the simulator's initial
 *      value, the stack pointers, then ELR_EL3/SPSR_EL3 with the entry point and
 *      initial PSTATE, load X0–X30, and ERET into the case.
 *
 * QEMU `virt` memory map (hw/arm/virt.c): flash at 0, Secure RAM at
 * 0x0e00_0000 (16 MB, Secure accesses only), RAM at 0x4000_0000. Cases live in
 * the first 128 MB of RAM or in Secure RAM; the harness lives above them.
 */
import type { ScenarioModel } from '../../../simulator/scenario/model';
import { CONTEXT_REGISTERS, STACK_POINTERS } from './context';

/** RAM size given to QEMU (`-m`). */
export const RAM_MB = 512;
/** Where the harness (stub, descriptors, images) is loaded. */
export const HARNESS_BASE = 0x5000_0000;
/** Holds the address of the descriptor of the case to run; outside every loaded image (a reset restores those). */
export const MAILBOX = 0x4fff_f000;
/** Address windows a case's `memory` regions must lie in. */
export const CASE_WINDOWS: readonly { name: string; base: number; end: number }[] = [
  { name: 'RAM', base: 0x4000_0000, end: 0x4800_0000 },
  { name: 'Secure RAM', base: 0x0e00_0000, end: 0x0f00_0000 },
];
/** Room for the stub's code before the first descriptor. */
const STUB_SPACE = 0x1_0000;

/** Descriptor layout, in 8-byte words (the stub's `.equ`s come from here). */
const D = {
  zeroCount: 0,
  zeroList: 1,
  copyCount: 2,
  copyList: 3,
  sysregs: 4,
  sp: 4 + CONTEXT_REGISTERS.length,
  elr: 4 + CONTEXT_REGISTERS.length + STACK_POINTERS.length,
  spsr: 5 + CONTEXT_REGISTERS.length + STACK_POINTERS.length,
  x: 6 + CONTEXT_REGISTERS.length + STACK_POINTERS.length,
  words: 6 + CONTEXT_REGISTERS.length + STACK_POINTERS.length + 31,
};

/** The EL3 boot stub (GNU as source, linked at HARNESS_BASE). */
export function stubSource(): string {
  const lines = [
    '.arch armv8.6-a',
    '.text',
    '.globl _start',
    '_start:',
    `  ldr x0, =${MAILBOX}`,
    '  ldr x0, [x0]                 // this case\'s descriptor',
    // 1. Zero the case's memory regions (16-byte aligned, sizes multiples of 16).
    `  ldr x1, [x0, #${D.zeroCount * 8}]`,
    `  ldr x2, [x0, #${D.zeroList * 8}]`,
    '1:cbz x1, 3f',
    '  ldp x3, x4, [x2], #16        // base, size',
    '2:cbz x4, 4f',
    '  stp xzr, xzr, [x3], #16',
    '  sub x4, x4, #16',
    '  b 2b',
    '4:sub x1, x1, #1',
    '  b 1b',
    // 2. Copy its memory image (8-byte aligned runs).
    `3:ldr x1, [x0, #${D.copyCount * 8}]`,
    `  ldr x2, [x0, #${D.copyList * 8}]`,
    '5:cbz x1, 7f',
    '  ldp x3, x4, [x2], #16        // destination, source',
    '  ldr x5, [x2], #8             // size',
    '6:cbz x5, 8f',
    '  ldr x6, [x4], #8',
    '  str x6, [x3], #8',
    '  sub x5, x5, #8',
    '  b 6b',
    '8:sub x1, x1, #1',
    '  b 5b',
    // The image holds code: make it visible to instruction fetch; no stale translations.
    '7:dsb sy',
    '  ic iallu',
    '  tlbi alle3',
    '  tlbi alle2',
    '  tlbi alle1',
    '  dsb sy',
    '  isb',
  ];
  // 3. Context registers (SCTLR_EL3 last, see context.ts), stack pointers, the ERET's ELR/SPSR, X0–X30.
  CONTEXT_REGISTERS.forEach((r, i) => lines.push(`  ldr x1, [x0, #${(D.sysregs + i) * 8}]`, `  msr ${r.toLowerCase()}, x1`));
  lines.push('  isb');
  STACK_POINTERS.forEach((r, i) => {
    lines.push(`  ldr x1, [x0, #${(D.sp + i) * 8}]`);
    lines.push(r === 'SP_EL3' ? '  mov sp, x1' : `  msr ${r.toLowerCase()}, x1`);
  });
  lines.push(`  ldr x1, [x0, #${D.elr * 8}]`, '  msr elr_el3, x1', `  ldr x1, [x0, #${D.spsr * 8}]`, '  msr spsr_el3, x1');
  lines.push(`  add x30, x0, #${D.x * 8}`);
  for (let r = 0; r < 30; r += 2) lines.push(`  ldp x${r}, x${r + 1}, [x30, #${r * 8}]`);
  lines.push('  ldr x30, [x30, #240]', '  eret', '  .ltorg');
  return lines.join('\n') + '\n';
}

/** A sparse byte image in 8-byte words (what the stub copies). */
export class WordImage {
  private readonly words = new Map<number, Uint8Array>();

  write(address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const a = address + i;
      const base = a - (a % 8);
      let w = this.words.get(base);
      if (w === undefined) this.words.set(base, (w = new Uint8Array(8)));
      w[a - base] = bytes[i];
    }
  }

  /** Runs of consecutive words: (address, bytes). */
  runs(): { address: number; bytes: Uint8Array }[] {
    const bases = [...this.words.keys()].sort((a, b) => a - b);
    const out: { address: number; bytes: Uint8Array }[] = [];
    let start = -1;
    let parts: Uint8Array[] = [];
    const flush = () => {
      if (start >= 0) out.push({ address: start, bytes: Buffer.concat(parts) });
    };
    bases.forEach((b, i) => {
      if (i === 0 || b !== bases[i - 1] + 8) {
        flush();
        start = b;
        parts = [];
      }
      parts.push(this.words.get(b)!);
    });
    flush();
    return out;
  }
}

/** What the stub needs for one case: initial register values and memory. */
export interface CaseBoot {
  name: string;
  /** Memory regions to zero (the scenario's `memory` declarations). */
  regions: { base: number; size: number }[];
  image: WordImage;
  /** Initial values by canonical register name (every CONTEXT_REGISTERS and STACK_POINTERS entry). */
  sysregs: Map<string, bigint>;
  entry: bigint;
  spsr: bigint;
  x: bigint[];
}

/** Problems that make a scenario unusable as a case (empty when it is fine). */
export function caseProblems(model: ScenarioModel, boot: CaseBoot): string[] {
  const problems: string[] = [];
  if (model.system.pes !== 1) problems.push('a case runs on one PE (QEMU is started with -smp 1)');
  if (boot.regions.length === 0) problems.push('a case declares its memory regions (the boot stub zeroes them)');
  for (const r of boot.regions) {
    const inside = CASE_WINDOWS.some((w) => r.base >= w.base && r.base + r.size <= w.end);
    if (!inside) problems.push(`memory at 0x${r.base.toString(16)} size 0x${r.size.toString(16)} is outside ${CASE_WINDOWS.map((w) => `${w.name} 0x${w.base.toString(16)}-0x${w.end.toString(16)}`).join(' and ')}`);
    if (r.base % 4096 !== 0 || r.size % 4096 !== 0) problems.push(`memory at 0x${r.base.toString(16)}: base and size must be multiples of 4 KB`);
  }
  for (const run of boot.image.runs()) {
    const inside = boot.regions.some((r) => run.address >= r.base && run.address + run.bytes.length <= r.base + r.size);
    if (!inside) problems.push(`initial memory at 0x${run.address.toString(16)} lies outside the case's memory regions`);
  }
  for (const r of ['ELR_EL3', 'SPSR_EL3'])
    if ((boot.sysregs.get(r) ?? 0n) !== 0n) problems.push(`${r} may not have an initial value: it is the boot stub's ERET register (write it in the case's code)`);
  if (((boot.sysregs.get('SCTLR_EL3') ?? 0n) & 1n) !== 0n) problems.push('SCTLR_EL3.M must be 0 initially (the boot stub runs at EL3 until its ERET)');
  return problems;
}

/** The harness blob loaded at HARNESS_BASE: stub, then each case's descriptor, lists and image; and each descriptor's address. */
export function harnessBlob(stub: Uint8Array, cases: CaseBoot[]): { blob: Buffer; descriptors: number[] } {
  if (stub.length > STUB_SPACE) throw new Error(`boot stub of ${stub.length} bytes exceeds ${STUB_SPACE}`);
  const parts: Buffer[] = [Buffer.concat([Buffer.from(stub), Buffer.alloc(STUB_SPACE - stub.length)])];
  let at = HARNESS_BASE + STUB_SPACE;
  const descriptors: number[] = [];
  const quad = (values: (bigint | number)[]) => {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), i * 8));
    return b;
  };
  for (const c of cases) {
    const runs = c.image.runs();
    const desc = at;
    const zeroList = desc + D.words * 8;
    const copyList = zeroList + c.regions.length * 16;
    let data = copyList + runs.length * 24;
    const copies: bigint[] = [];
    for (const r of runs) {
      copies.push(BigInt(r.address), BigInt(data), BigInt(r.bytes.length));
      data += r.bytes.length;
    }
    const words: bigint[] = new Array<bigint>(D.words).fill(0n);
    words[D.zeroCount] = BigInt(c.regions.length);
    words[D.zeroList] = BigInt(zeroList);
    words[D.copyCount] = BigInt(runs.length);
    words[D.copyList] = BigInt(copyList);
    CONTEXT_REGISTERS.forEach((r, i) => (words[D.sysregs + i] = c.sysregs.get(r) ?? 0n));
    STACK_POINTERS.forEach((r, i) => (words[D.sp + i] = c.sysregs.get(r) ?? 0n));
    words[D.elr] = c.entry;
    words[D.spsr] = c.spsr;
    c.x.forEach((v, i) => (words[D.x + i] = v));
    parts.push(quad(words), quad(c.regions.flatMap((r) => [r.base, r.size])), quad(copies), ...runs.map((r) => Buffer.from(r.bytes)));
    descriptors.push(desc);
    at = data;
  }
  const blob = Buffer.concat(parts);
  const ramEnd = 0x4000_0000 + RAM_MB * 0x10_0000;
  if (HARNESS_BASE + blob.length > ramEnd) throw new Error(`the harness image (${blob.length} bytes) does not fit below 0x${ramEnd.toString(16)}: raise RAM_MB`);
  return { blob, descriptors };
}
