/**
 * A scenario's `code`/`data` blocks assembled by GNU as instead of by the
 * simulator, so QEMU runs bytes the simulator's assembler did not produce.
 *
 * The translation is textual and small, because the scenario language is GNU as
 * syntax (docs/language.md "Code and data") with three additions it removes:
 * digit separators (`0x8000_0000`), `0o` octal, and symbols that live outside
 * the block (top-level `const`, in-code `.equ`, predefined `MAIR_DEFAULT`),
 * which become `.equ` lines with the simulator's resolved values. Each block is
 * its own section, placed at the block's address by `ld --section-start`, so
 * GNU as lays out each block's literal pool itself.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeBlock, ScenarioModel } from '../../../simulator/scenario/model';
import { FULL_LANGUAGE } from '../../../simulator/language';
import { AS, LD } from '../../isa/gnuToolchain';
import { readSections, type ElfSection } from './elf';

/** Directives the simulator ignores or that are replaced by the `.equ` prologue. */
const DROPPED_DIRECTIVES = new Set(['.equ', '.set', '.global', '.globl', '.type', '.size', '.local', '.weak', '.text', '.data', '.section']);

/** Numbers in scenario syntax → GNU as syntax, outside string literals. */
export function gnuNumbers(text: string): string {
  return text
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/\b(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*)\b/g, (n) => {
            const digits = n.replace(/_/g, '');
            return /^0[oO]/.test(digits) ? '0' + digits.slice(2) : digits;
          }),
    )
    .join('');
}

function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

function sectionName(i: number): string {
  return `.armscope_block${i}`;
}

/** GNU as source for every code/data block of the model (one section each). */
export function gnuSource(model: ScenarioModel): string {
  const out = ['.arch armv8.6-a'];
  const own = new Set(model.symbols.keys());
  for (const p of FULL_LANGUAGE.symbols()) if (!own.has(p.name)) out.push(`.equ ${p.name}, ${hex64(p.value)}`);
  for (const [name, def] of model.constants) if (def.value !== undefined) out.push(`.equ ${name}, ${hex64(def.value)}`);
  model.code.forEach((block, i) => {
    out.push(`.section ${sectionName(i)}, "ax", %progbits`);
    for (const line of block.lines) {
      for (const l of line.labels) out.push(`${l.name}:`);
      if (line.mnemonic === undefined || DROPPED_DIRECTIVES.has(line.mnemonic)) continue;
      out.push(`  ${line.mnemonic} ${line.operands.map((o) => gnuNumbers(o.text)).join(', ')}`);
    }
  });
  return out.join('\n') + '\n';
}

export interface GnuBlock {
  block: CodeBlock;
  address: number;
  bytes: Uint8Array;
}

/** Assemble `source` and link it with each named section at its address; the allocated sections of the result. */
export function gnuLink(dir: string, stem: string, source: string, starts: Map<string, number>): Map<string, ElfSection> {
  const src = path.join(dir, `${stem}.s`);
  const obj = path.join(dir, `${stem}.o`);
  const elf = path.join(dir, `${stem}.elf`);
  fs.writeFileSync(src, source);
  execFileSync(AS, ['-o', obj, src], { stdio: 'pipe' });
  const placement = [...starts].map(([name, address]) => `--section-start=${name}=0x${address.toString(16)}`);
  execFileSync(LD, ['-nostdlib', '--no-check-sections', '-e', '0', ...placement, '-o', elf, obj], { stdio: 'pipe' });
  return readSections(fs.readFileSync(elf));
}

/** Assemble and link the model's blocks with GNU as/ld in `dir`; one result per block, in model order. */
export function assembleBlocks(model: ScenarioModel, dir: string, stem: string): GnuBlock[] {
  const starts = new Map(model.code.map((b, i) => [sectionName(i), Number(b.base.value)]));
  const sections = gnuLink(dir, stem, gnuSource(model), starts);
  return model.code.map((block, i) => {
    const s = sections.get(sectionName(i));
    if (s === undefined) throw new Error(`GNU ld produced no section for block ${i}`);
    return { block, address: s.address, bytes: s.bytes };
  });
}

/**
 * Where GNU as and the simulator's assembler disagree on an instruction word
 * (the simulator's encodings, `model.program.instrs`, against GNU's bytes at
 * the same address). Empty when they agree.
 */
export function encodingDifferences(model: ScenarioModel, blocks: GnuBlock[]): string[] {
  const diffs: string[] = [];
  for (const [pa, instr] of model.program.instrs) {
    if (instr.encoding === undefined) continue;
    const b = blocks.find((g) => pa >= g.address && pa + 4 <= g.address + g.bytes.length);
    if (b === undefined) {
      diffs.push(`${instr.text} at 0x${pa.toString(16)}: not in GNU's image`);
      continue;
    }
    const gnu = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.length).readUInt32LE(pa - b.address);
    if (gnu !== instr.encoding >>> 0) diffs.push(`${instr.text} at 0x${pa.toString(16)}: GNU 0x${gnu.toString(16)}, simulator 0x${(instr.encoding >>> 0).toString(16)}`);
  }
  return diffs;
}
