/**
 * Access to the Debian cross toolchain (`binutils-aarch64-linux-gnu`, `qemu-user`)
 * for the encoding and differential tests. When a tool is missing the tests skip
 * and say why (install: `apt-get install -y binutils-aarch64-linux-gnu qemu-user`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const AS = 'aarch64-linux-gnu-as';
export const LD = 'aarch64-linux-gnu-ld';
export const OBJDUMP = 'aarch64-linux-gnu-objdump';
export const QEMU = 'qemu-aarch64';

/** Undefined when every tool is present; otherwise the reason to skip. */
export function missingTools(tools: string[]): string | undefined {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  return missing.length === 0 ? undefined : `not installed: ${missing.join(', ')} (apt-get install -y binutils-aarch64-linux-gnu qemu-user)`;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-isa-'));
}

export interface ObjdumpLine {
  address: number;
  word: number;
  mnemonic: string;
  text: string;
}

/** Assemble and link `source` with .text at `base`; returns the disassembly of .text. */
export function assembleWithGnu(source: string, base: number): ObjdumpLine[] {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'a.s'), source);
    execFileSync(AS, ['-o', path.join(dir, 'a.o'), path.join(dir, 'a.s')], { stdio: 'pipe' });
    execFileSync(LD, ['-Ttext=0x' + base.toString(16), '-e', '0x' + base.toString(16), '-o', path.join(dir, 'a.elf'), path.join(dir, 'a.o')], {
      stdio: 'pipe',
    });
    const out = execFileSync(OBJDUMP, ['-d', '-j', '.text', path.join(dir, 'a.elf')], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const lines: ObjdumpLine[] = [];
    for (const l of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(\S+)\s*(.*)$/.exec(l);
      if (m) lines.push({ address: parseInt(m[1], 16), word: parseInt(m[2], 16), mnemonic: m[3], text: m[4].replace(/\s*\/\/.*$/, '') });
    }
    return lines;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
