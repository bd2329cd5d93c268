/**
 * The disassembler, derived from the class tables: the preferred form of an
 * encoding is its first form (aliases come first, as in the Arm ARM) whose fixed
 * fields match and whose alias condition holds; its operands print themselves.
 */
import type { TableEntry } from './tree';
import type { Fields, Form } from './types';

interface Candidate {
  readonly form: Form;
  /** The form's fixed fields as bits of the word (the fields' positions come from the pattern). */
  readonly mask: number;
  readonly value: number;
  readonly fits: readonly ((f: Fields) => boolean)[];
}

const formsOf = new Map<TableEntry, readonly Candidate[]>();

function candidate(entry: TableEntry, form: Form): Candidate {
  let mask = 0;
  let value = 0;
  for (const [name, v] of Object.entries(form.fixed)) {
    const spec = entry.pat.fields.find((s) => s.name === name);
    if (spec === undefined) throw new Error(`internal: form ${form.mnemonic} of ${entry.enc.name} fixes ${name}, not a field of '${entry.pat.text}'`);
    const m = 2 ** spec.width - 1;
    mask |= m << spec.lo;
    value |= (v & m) << spec.lo;
  }
  return { form, mask: mask >>> 0, value: value >>> 0, fits: form.operands.flatMap((c) => (c.fits === undefined ? [] : [c.fits.bind(c)])) };
}

function disassemblyForms(entry: TableEntry): readonly Candidate[] {
  let forms = formsOf.get(entry);
  if (forms === undefined) {
    forms = entry.enc.forms.filter((f) => !f.asmOnly).map((form) => candidate(entry, form));
    formsOf.set(entry, forms);
  }
  return forms;
}

/** The preferred disassembly form of word `w` with fields `f`. */
export function preferredForm(entry: TableEntry, w: number, f: Fields): Form {
  for (const c of disassemblyForms(entry)) {
    if ((w & c.mask) >>> 0 !== c.value || (c.form.when !== undefined && !c.form.when(f))) continue;
    let ok = true;
    for (const fits of c.fits) ok &&= fits(f);
    if (ok) return c.form;
  }
  throw new Error(`internal: no form of ${entry.enc.name} disassembles ${JSON.stringify(f)}`);
}

/** `mnemonic op, op, …` of a form for the fields, at address `pc`. */
export function formatForm(form: Form, f: Fields, pc: bigint): string {
  const p = { pc };
  let out = form.mnemonic;
  let first = true;
  for (const c of form.operands) {
    const t = c.print(f, p);
    if (t === undefined) continue;
    out += first ? ` ${t}` : `, ${t}`;
    first = false;
  }
  return out;
}
