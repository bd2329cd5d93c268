/**
 * Text formatting of decoded registers, descriptors and function IDs: an
 * aligned table (bits, field, value, meaning). Used by `armscope decode`,
 * hovers and reports — one look everywhere.
 */
import { hex } from '../util/hex';
import { fieldValueText } from './registers/index';
import type { DecodedField, DecodedRegister } from './registers/types';
import type { DecodedDescriptor } from './decoders/descriptor';
import type { DecodedFunctionId } from './decoders/smccc';

export interface FormatOptions {
  /** Show RES0 fields that hold zero (default false: only violations are shown). */
  showReserved?: boolean;
  /** Show children (ESR ISS sub-fields). Default true. */
  children?: boolean;
  /** Indentation of the table rows. Default two spaces. */
  indent?: string;
}

function bitsText(f: DecodedField): string {
  return f.msb === f.lsb ? `[${f.msb}]` : `[${f.msb}:${f.lsb}]`;
}

interface Row {
  depth: number;
  bits: string;
  name: string;
  value: string;
  meaning: string;
}

/**
 * Fields in the order users read them: the table's `primary` fields first
 * (lowest bits first: T0SZ, IRGN0, ORGN0, SH0, TG0), then the others most
 * significant first, `rare` ones last. Every view of a decoded value lists
 * fields in this order (CLI, hovers, the debugger's variables, the page-table view).
 */
export function byRelevance<F extends { msb: number; relevance?: 'primary' | 'rare' }>(fields: readonly F[]): F[] {
  const rank = (f: F): number => (f.relevance === 'primary' ? 0 : f.relevance === 'rare' ? 2 : 1);
  return fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || (rank(a.f) === 0 ? a.f.msb - b.f.msb : a.i - b.i))
    .map((x) => x.f);
}

function collect(fields: DecodedField[], depth: number, opts: FormatOptions, rows: Row[]): void {
  for (const f of byRelevance(fields)) {
    if (f.kind === 'res0' && !f.violation && !opts.showReserved) continue;
    rows.push({
      depth,
      bits: bitsText(f),
      name: f.name,
      value: fieldValueText(f),
      meaning: f.violation ? `!! ${f.meaning}` : f.meaning,
    });
    if (f.children && opts.children !== false) collect(f.children, depth + 1, opts, rows);
  }
}

/** Format a list of decoded fields as an aligned table (no header line). */
export function formatFields(fields: DecodedField[], opts: FormatOptions = {}): string {
  const rows: Row[] = [];
  collect(fields, 0, opts, rows);
  const indent = opts.indent ?? '  ';
  const sub = (r: Row) => '  '.repeat(r.depth);
  const wBits = Math.max(4, ...rows.map((r) => sub(r).length + r.bits.length));
  const wName = Math.max(5, ...rows.map((r) => r.name.length));
  const wValue = Math.max(5, ...rows.map((r) => r.value.length));
  const lines = [`${indent}${'bits'.padEnd(wBits)}  ${'field'.padEnd(wName)}  ${'value'.padEnd(wValue)}  meaning`];
  for (const r of rows) {
    lines.push(`${indent}${(sub(r) + r.bits).padEnd(wBits)}  ${r.name.padEnd(wName)}  ${r.value.padEnd(wValue)}  ${r.meaning}`.trimEnd());
  }
  return lines.join('\n');
}

/** `ESR_EL2 = 0x9600_0047 — Exception Syndrome Register (EL2): …` followed by the field table. */
export function formatDecoded(d: DecodedRegister, opts: FormatOptions = {}): string {
  return `${d.register} = ${hex(d.value)} — ${d.description}\n${formatFields(d.fields, opts)}`;
}

/** A descriptor: summary line then its fields. */
export function formatDescriptor(d: DecodedDescriptor, opts: FormatOptions = {}): string {
  return `Stage ${d.stage} level ${d.level} descriptor ${hex(d.value)}: ${d.summary}\n${formatFields(d.fields, opts)}`;
}

/** One line per field, for compact hovers: `EC=0x25 (Data Abort …), IL=1, …`. Skips zero RES0. */
export function formatInline(fields: DecodedField[]): string {
  return byRelevance(fields)
    .filter((f) => f.kind !== 'res0' || f.violation)
    .map((f) => `${f.name}=${fieldValueText(f)}${f.meaning && f.meaning !== f.description ? ` (${f.meaning})` : ''}`)
    .join(', ');
}

export interface MarkdownOptions {
  /** Where the value comes from, after the value (`ends up in it via line 18 → line 19`). */
  provenance?: string;
  /** Layouts with more named fields than this list only non-zero fields, then name the zero ones (default 12). */
  compactOver?: number;
}

function mdBits(f: DecodedField): string {
  return f.msb === f.lsb ? `${f.msb}` : `${f.msb}:${f.lsb}`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdRows(fields: DecodedField[], out: string[], indent = ''): void {
  for (const f of byRelevance(fields)) {
    if (f.kind !== 'field' && !f.violation) continue;
    const name = f.violation ? `⚠ ${f.name}` : f.name;
    out.push(`| ${mdBits(f)} | ${indent}${name} | \`${fieldValueText(f)}\` | ${mdCell(f.meaning)} |`);
    if (f.children) mdRows(f.children, out, indent + '↳ ');
  }
}

/**
 * A decoded register as Markdown (editor hovers, the Decode command, any
 * front end): value and description, then `| bits | field | value | meaning |`
 * with the named fields (ESR ISS sub-fields indented with ↳) and RES0/RES1
 * fields only when violated (⚠). Long layouts (HCR_EL2, SCTLR_ELx) list the
 * fields that are set and the multi-bit ones, then name the zero single-bit ones.
 */
export function formatMarkdown(d: DecodedRegister, opts: MarkdownOptions = {}): string {
  const out = [`**${d.register}** = \`${hex(d.value)}\`${opts.provenance ? ` — ${opts.provenance}` : ''}`, '', d.description, ''];
  const named = d.fields.filter((f) => f.kind === 'field' || f.violation);
  const compact = named.length > (opts.compactOver ?? 12);
  // A zero multi-bit field is an encoding with a meaning of its own (TG0 0b00 = 4KB granule, SH0 0b00 = Non-shareable): keep it.
  const shown = compact ? d.fields.filter((f) => f.value !== 0n || f.violation || (f.kind === 'field' && f.msb > f.lsb)) : d.fields;
  out.push('| bits | field | value | meaning |', '|---|---|---|---|');
  mdRows(shown, out);
  if (compact) {
    const zero = byRelevance(named.filter((f) => f.value === 0n && !f.violation && f.msb === f.lsb)).map((f) => f.name);
    if (zero.length > 0) out.push('', `0: ${zero.join(', ')}`);
  }
  const violations = d.fields.filter((f) => f.violation).length;
  if (violations > 0) out.push('', `⚠ ${violations} reserved field(s) hold the wrong value.`);
  return out.join('\n');
}

/** A decoded SMCCC function ID as text: `0x8400_0073 FFA_MEM_SHARE_32: Fast SMC32, OEN 4 (…), function 0x73`. */
export function formatFunctionId(d: DecodedFunctionId): string {
  return `${hex(d.fid)} ${d.summary}`;
}
