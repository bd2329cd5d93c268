/**
 * Markdown renderings of simulator answers (decoded registers, register
 * definitions) shared by hover and the Decode command.
 */
import { formatMarkdown } from '../simulator/arch/format';
import { decodeValue, findRegister, layoutOf, type DecodeContext, type RegisterDef } from '../simulator/arch/registers';
import { binary, hex } from '../simulator/util/hex';

function bitsText(msb: number, lsb: number): string {
  return msb === lsb ? `${msb}` : `${msb}:${lsb}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function accessText(def: RegisterDef): string {
  const rw = def.access.read && def.access.write ? 'read/write' : def.access.read ? 'read-only' : 'write-only';
  const parts = [`${def.width}-bit`, `EL${def.access.minEl} and above`, rw];
  if (def.encoding) {
    const e = def.encoding;
    parts.push(`\`S${e.op0}_${e.op1}_C${e.crn}_C${e.crm}_${e.op2}\``);
  }
  if (def.security === 'secure') parts.push('Secure only');
  if (def.trapGroup) parts.push(`HCR_EL2.${def.trapGroup} trap group`);
  if (def.vhe?.aliasOf) parts.push(`E2H alias of ${def.vhe.aliasOf}`);
  if (def.vhe?.redirectTo) parts.push(`redirected to ${def.vhe.redirectTo} at EL2 when HCR_EL2.E2H=1`);
  return parts.join(' · ');
}

/** A register's description and its field layout (no value). */
export function registerMarkdown(name: string, ctx: DecodeContext = {}): string | undefined {
  const def = findRegister(name);
  if (!def) return undefined;
  const out = [`**${def.name}** — ${def.description}`, '', accessText(def), '', '| bits | field | description |', '|---|---|---|'];
  for (const f of layoutOf(def, 0n, ctx)) {
    if (f.kind === 'res0') continue;
    out.push(`| ${bitsText(f.msb, f.lsb)} | ${f.kind === 'res1' ? 'RES1' : f.name} | ${cell(f.description)} |`);
  }
  return out.join('\n');
}

/** A decoded register value as Markdown (the register table's one renderer, simulator/arch/format.ts). */
export function decodedMarkdown(register: string, value: bigint, ctx: DecodeContext = {}, provenance?: string): string | undefined {
  const d = decodeValue(register, value, ctx);
  return d ? formatMarkdown(d, { provenance }) : undefined;
}

/** The set bits of a value, highest first, runs compressed: `bits 31, 5:4`. */
export function setBitsText(v: bigint): string {
  const bits: number[] = [];
  for (let b = 63; b >= 0; b--) if ((v >> BigInt(b)) & 1n) bits.push(b);
  if (bits.length === 0) return 'no bits set';
  const parts: string[] = [];
  for (let i = 0; i < bits.length; ) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === bits[j] - 1) j++;
    parts.push(i === j ? `${bits[i]}` : `${bits[i]}:${bits[j]}`);
    i = j + 1;
  }
  return `${bits.length === 1 ? 'bit' : 'bits'} ${parts.join(', ')} set`;
}

/** `0x…` / decimal / binary forms of a number (64-bit two's complement for a negative one), and its set bits. */
export function numberMarkdown(value: bigint): string {
  const v = BigInt.asUintN(64, value);
  const parts = [`\`${hex(v)}\``, `\`${v.toString(10)}\``];
  if (value < 0n) parts.push(`(\`${value.toString(10)}\`)`);
  parts.push(`\`${binary(v)}\``);
  return `${parts.join(' = ')} (${setBitsText(v)})`;
}
