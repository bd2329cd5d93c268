/**
 * Bit patterns of the class tables, decodetree style: the 32 bits of an A64
 * instruction written most significant first as fixed bits (`0`, `1`) and named
 * fields (`Rd:5`), e.g. ADD (immediate) is
 *
 *     sf:1 op:1 S:1 100010 0 sh:1 imm12:12 Rn:5 Rd:5
 *
 * A pattern compiles to a mask/value pair (the fixed bits) and the field
 * positions; `extract` reads the fields of a word, `pack` writes them.
 */
import type { Fields } from './types';

export interface FieldSpec {
  readonly name: string;
  /** Lowest bit. */
  readonly lo: number;
  readonly width: number;
}

export interface CompiledPattern {
  readonly text: string;
  /** Bits fixed by the pattern, and their values. */
  readonly mask: number;
  readonly value: number;
  readonly fields: readonly FieldSpec[];
  /** The fields of a word as one object literal (every word of a pattern gets the same shape). */
  readonly extract: (w: number) => Fields;
  /** The word of field values, or undefined when one is missing or does not fit its width. */
  readonly pack: (f: Fields) => number | undefined;
}

const FIELD = /^([A-Za-z][A-Za-z0-9]*):([1-9][0-9]?)$/;
const BITS = /^[01]+$/;

/** Compile a pattern; throws on a malformed one (a table error, caught by the ISA tests at load). */
export function compilePattern(text: string): CompiledPattern {
  let bit = 32;
  let mask = 0;
  let value = 0;
  const fields: FieldSpec[] = [];
  for (const tok of text.trim().split(/\s+/)) {
    const f = FIELD.exec(tok);
    if (f) {
      const width = Number(f[2]);
      bit -= width;
      if (fields.some((x) => x.name === f[1])) throw new Error(`pattern '${text}': field ${f[1]} twice`);
      fields.push({ name: f[1], lo: bit, width });
      continue;
    }
    if (!BITS.test(tok)) throw new Error(`pattern '${text}': bad token '${tok}'`);
    for (const c of tok) {
      bit--;
      mask |= 1 << bit;
      if (c === '1') value |= 1 << bit;
    }
  }
  if (bit !== 0) throw new Error(`pattern '${text}' has ${32 - bit} bits, not 32`);
  // The extractor and packer are generated on first use: a program uses a few of the table's encodings, and
  // generating every one's (`new Function`) is most of the table's start-up.
  const p: { -readonly [K in keyof CompiledPattern]: CompiledPattern[K] } = {
    text,
    mask: mask >>> 0,
    value: value >>> 0,
    fields,
    extract: (w) => (p.extract = extractor(fields))(w),
    pack: (f) => (p.pack = packer(value >>> 0, fields))(f),
  };
  return p;
}

/*
 * The extractor and packer are generated from the pattern's field list (table data, never user
 * input): an object literal per word keeps one hidden class per encoding, which the semantics and
 * printers then read monomorphically, and the packer needs no loop over field descriptions.
 */
function extractor(fields: readonly FieldSpec[]): (w: number) => Fields {
  const props = fields.map((s) => `${s.name}: (w >>> ${s.lo}) & ${2 ** s.width - 1}`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the instruction table's patterns only
  return new Function('w', `return { ${props} };`) as (w: number) => Fields;
}

function packer(value: number, fields: readonly FieldSpec[]): (f: Fields) => number | undefined {
  // Each field value must be an integer in 0 .. 2^width - 1 (an undefined field fails the test too).
  // Each field is read once (the objects come in many shapes, so every read is a lookup).
  const reads = fields.map((s, k) => `const v${k} = f.${s.name};`).join(' ');
  const checks = fields.map((s, k) => `!(v${k} >= 0 && v${k} <= ${2 ** s.width - 1} && (v${k} | 0) === v${k})`).join(' || ');
  const word = fields.map((s, k) => `(v${k} << ${s.lo})`).join(' | ');
  const body = fields.length === 0 ? `return ${value};` : `${reads} if (${checks}) return undefined; return (${value} | ${word}) >>> 0;`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the instruction table's patterns only
  return new Function('f', body) as (f: Fields) => number | undefined;
}

/** Whether word `w` has the pattern's fixed bits. */
export function matches(p: CompiledPattern, w: number): boolean {
  return (w & p.mask) >>> 0 === p.value;
}

/** The named fields of `w`. */
export function extract(p: CompiledPattern, w: number): Fields {
  return p.extract(w);
}

/**
 * The word with the pattern's fixed bits and field values `f`. Every field must be set and fit
 * its width: a form that leaves one unset is a table error.
 */
export function pack(p: CompiledPattern, f: Fields): number {
  const w = p.pack(f);
  if (w === undefined) {
    const bad = p.fields.find((s) => !(f[s.name] >= 0 && f[s.name] < 2 ** s.width && Number.isInteger(f[s.name])))!;
    throw new Error(`internal: field ${bad.name} = ${String(f[bad.name])} does not fit ${bad.width} bits of '${p.text}'`);
  }
  return w;
}
