/**
 * Markdown renderings of simulator answers (decoded registers, register
 * definitions) shared by hover and the Decode command.
 */
import { decodeValue, fieldValueText, findRegister, layoutOf, type DecodeContext, type DecodedField, type RegisterDef } from '../simulator/arch/registers';
import { hex } from '../simulator/util/hex';

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

function fieldRows(fields: DecodedField[], out: string[], indent = ''): void {
  for (const f of fields) {
    if (f.kind !== 'field' && !f.violation) continue;
    const name = f.violation ? `⚠ ${f.name}` : f.name;
    out.push(`| ${bitsText(f.msb, f.lsb)} | ${indent}${name} | \`${fieldValueText(f)}\` | ${cell(f.meaning)} |`);
    if (f.children) fieldRows(f.children, out, indent + '↳ ');
  }
}

/** A value decoded against a register, every named field with its meaning; RES0/RES1 only when violated. */
export function decodedMarkdown(register: string, value: bigint, ctx: DecodeContext = {}, provenance?: string): string | undefined {
  const d = decodeValue(register, value, ctx);
  if (!d) return undefined;
  const out = [`**${d.register}** = \`${hex(d.value)}\`${provenance ? ` — ${provenance}` : ''}`, '', d.description, ''];
  // Long layouts (HCR_EL2, SCTLR_ELx) list the fields that are set, then name the zero ones.
  const named = d.fields.filter((f) => f.kind === 'field' || f.violation);
  const compact = named.length > 12;
  const shown = compact ? d.fields.filter((f) => f.value !== 0n || f.violation) : d.fields;
  out.push('| bits | field | value | meaning |', '|---|---|---|---|');
  fieldRows(shown, out);
  if (compact) {
    const zero = named.filter((f) => f.value === 0n && !f.violation).map((f) => f.name);
    if (zero.length > 0) out.push('', `0: ${zero.join(', ')}`);
  }
  const violations = d.fields.filter((f) => f.violation).length;
  if (violations > 0) out.push('', `⚠ ${violations} reserved field(s) hold the wrong value.`);
  return out.join('\n');
}

/** `0x…` / decimal / binary forms of a number. */
export function numberMarkdown(value: bigint): string {
  const v = BigInt.asUintN(64, value);
  const parts = [`\`${hex(v)}\``, `\`${v.toString(10)}\``];
  if (v < 1n << 16n) parts.push(`\`0b${v.toString(2)}\``);
  if (value < 0n) parts.push(`(\`${value.toString(10)}\`)`);
  return parts.join(' = ');
}
