/**
 * The encoder, derived from the class tables: for a mnemonic, its forms (in
 * table order, then `asmOrder`) whose operand shapes fit the line are tried in
 * turn; the first whose codecs read every operand gives the fields, packed into
 * the word by the encoding's pattern. When none fits, the most telling error is
 * reported: a value error before a shape mismatch, then the one that got
 * furthest through the operands, then the first form's.
 */
import type { AsmLine, SourceRange } from '../../util/source';
import type { AsmContext } from '../instr';
import { AsmError, Operands } from '../operands';
import { pack } from './pattern';
import type { DecodeTree, TableEntry } from './tree';
import type { AsmState, Fields, Form } from './types';

interface Candidate {
  readonly form: Form;
  readonly entry: TableEntry;
  /** A new object of the form's fixed and ignored fields: where its field values start. */
  readonly init: () => Fields;
  /** Operand counts the form takes. */
  readonly min: number;
  readonly max: number;
}

/** Usage of one form's operands: `rd|sp, rn|sp, #imm{, lsl #12}`. */
export function formUsage(form: Form): string {
  let out = '';
  for (const c of form.operands) out += out === '' || c.usage.startsWith('{') ? c.usage : `, ${c.usage}`;
  return out;
}

/** Usages of a mnemonic's forms joined: `rd, rm | rd, #imm`; `{c | j | jc}` when a form also takes no operand. */
export function joinUsages(usages: readonly string[]): string {
  const some = usages.filter((u) => u !== '');
  if (some.length === 0) return '';
  return some.length < usages.length ? `{${some.join(' | ')}}` : some.join(' | ');
}

/** Whether operands could be this form's (counts and shapes). */
function shapeFits(c: Candidate, ops: readonly { readonly text: string }[]): boolean {
  const n = ops.length;
  if (n < c.min || n > c.max) return false;
  let i = 0;
  for (const codec of c.form.operands) {
    let k = 0;
    while (k < codec.max && i < n && codec.shape(ops[i].text, k)) {
      k++;
      i++;
    }
    if (k < codec.min) return false;
  }
  return i === n;
}

/**
 * A function returning a new object of these field values. Generated from the table (field names
 * are pattern identifiers, values integers): each form's object literal is allocated in place,
 * where copying a template (spread, Object.assign) of many shapes goes through a slow generic path.
 */
function fieldsFactory(init: Fields): () => Fields {
  const props = Object.entries(init).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || !Number.isInteger(v)) throw new Error(`internal: field ${k} = ${v} is not a table field`);
    return `${k}: ${v}`;
  });
  // Generated on first use (a program assembles a few of the table's forms; generating every one is start-up).
  let make: (() => Fields) | undefined;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the instruction table's forms only
  return () => (make ??= new Function(`return { ${props.join(', ')} };`) as () => Fields)();
}

/** Most forms one mnemonic may have (the candidates are a bit set). */
const MAX_FORMS_PER_MNEMONIC = 31;

export interface Assembled {
  word: number;
  form: Form;
  /** The word decoded again (its encoding must be the form's): what the Instr is built from. */
  entry: TableEntry;
  fields: Fields;
  /** The line as written: mnemonic and trimmed operands. */
  text: string;
}

export class TableAssembler {
  private readonly byMnemonic = new Map<string, Candidate[]>();
  private spare: State | undefined = undefined;

  constructor(private readonly tree: DecodeTree) {
    for (const entry of tree.entries) {
      for (const form of entry.enc.forms) {
        if (form.disasmOnly) continue;
        let min = 0;
        let max = 0;
        for (const c of form.operands) {
          min += c.min;
          max += c.max;
        }
        const list = this.byMnemonic.get(form.mnemonic) ?? [];
        list.push({ form, entry, init: fieldsFactory({ ...form.fixed, ...form.ignored }), min, max });
        this.byMnemonic.set(form.mnemonic, list);
      }
    }
    // Stable: table order within the same asmOrder.
    for (const [mnemonic, list] of this.byMnemonic) {
      list.sort((a, b) => a.form.asmOrder - b.form.asmOrder);
      if (list.length > MAX_FORMS_PER_MNEMONIC) throw new Error(`internal: ${mnemonic} has ${list.length} forms, more than ${MAX_FORMS_PER_MNEMONIC}`);
    }
  }

  has(mnemonic: string): boolean {
    return this.byMnemonic.has(mnemonic);
  }

  mnemonics(): string[] {
    return [...this.byMnemonic.keys()];
  }

  /** The operand usages of a mnemonic's forms, distinct, `|`-separated (count errors, hover). */
  usage(mnemonic: string): string {
    const seen: string[] = [];
    for (const c of this.byMnemonic.get(mnemonic) ?? []) {
      const u = formUsage(c.form);
      if (!seen.includes(u)) seen.push(u);
    }
    return joinUsages(seen);
  }

  /**
   * Encode one line (`mnemonic` lower-case, known to `has`). Problems are reported through
   * `ctx.report`; the result is undefined then. Warnings of the chosen form are reported too.
   */
  assemble(line: AsmLine, ctx: AsmContext, mnemonic: string): Assembled | undefined {
    const list = this.byMnemonic.get(mnemonic)!;
    const ops = new Operands(line, ctx, mnemonic);
    const n = ops.length;
    // The forms to try, as bits of `list`: those whose operand shapes fit, else those whose operand
    // count fits (their codecs then say what is wrong). A single form is tried whatever the shapes.
    let tries = 0;
    if (list.length > 1) for (let k = 0; k < list.length; k++) if (shapeFits(list[k], ops.ops)) tries |= 1 << k;
    if (tries === 0) for (let k = 0; k < list.length; k++) if (n >= list[k].min && n <= list[k].max) tries |= 1 << k;
    if (tries === 0) {
      const usage = this.usage(mnemonic);
      try {
        ops.count(Math.min(...list.map((c) => c.min)), Math.max(...list.map((c) => c.max)), usage === '' ? undefined : usage);
      } catch (e) {
        if (e instanceof AsmError) ctx.report(e.range, e.message, e.rule);
        else throw e;
      }
      return undefined;
    }
    let best: { error: AsmError; progress: number } | undefined;
    // One State reused line after line (taken while in use, so a nested assembly gets its own).
    const a = this.spare?.start(ops, ctx, mnemonic) ?? new State(ops, ctx, mnemonic);
    this.spare = undefined;
    for (let k = 0; k < list.length; k++) {
      if ((tries & (1 << k)) === 0) continue;
      const c = list[k];
      a.i = 0;
      a.warnings.length = 0;
      a.failure = undefined;
      let word: number | AsmError;
      try {
        word = encode(c, a, n);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        word = e;
      }
      if (word instanceof AsmError) {
        if (best === undefined || better(word, a.i, best)) best = { error: word, progress: a.i };
        continue;
      }
      const hit = this.tree.lookup(word);
      if (hit?.entry !== c.entry) throw new Error(`internal: ${mnemonic} (${c.entry.enc.name}) produced a word that does not decode as it`);
      for (const w of a.warnings) ctx.report(w.range, w.message, 'el-access', 'warning');
      let text = mnemonic;
      for (let i = 0; i < n; i++) text += (i === 0 ? ' ' : ', ') + ops.ops[i].text;
      this.spare = a.park();
      return { word, form: c.form, entry: hit.entry, fields: hit.fields, text };
    }
    this.spare = a.park();
    ctx.report(best!.error.range, best!.error.message, best!.error.rule);
    return undefined;
  }
}

/** A value error beats a shape mismatch; then the error further into the operands. */
function better(e: AsmError, progress: number, than: { error: AsmError; progress: number }): boolean {
  if (e.weak !== than.error.weak) return !e.weak;
  return progress > than.progress;
}

/** What a parked State refers to: no line, no document. */
const PARKED_CTX: AsmContext = { pc: 0n, resolve: () => undefined, literal: () => 0n, report: () => undefined };
const NO_RANGE: SourceRange = { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
const PARKED_OPS = new Operands({ labels: [], operands: [], range: NO_RANGE }, PARKED_CTX, '');

/** The cursor of one line; the assembler keeps one and restarts it for each line (`start`). */
class State implements AsmState {
  i = 0;
  failure: AsmError | undefined = undefined;
  at: Record<string, SourceRange> = {};
  readonly warnings: { range: SourceRange; message: string }[] = [];

  constructor(
    public ops: Operands,
    public ctx: AsmContext,
    public mnemonic: string,
  ) {}

  /** Restart for another line (its own `at`: codecs' checks may keep what they read). */
  start(ops: Operands, ctx: AsmContext, mnemonic: string): this {
    this.ops = ops;
    this.ctx = ctx;
    this.mnemonic = mnemonic;
    this.at = {};
    return this;
  }

  /**
   * Let go of the line (kept as the assembler's spare between lines): its
   * context closes over the whole parse that asked for it, which a parked
   * State would otherwise keep alive after that parse's model is dropped.
   */
  park(): this {
    this.ops = PARKED_OPS;
    this.ctx = PARKED_CTX;
    this.at = {};
    this.warnings.length = 0;
    this.failure = undefined;
    return this;
  }

  reject(e: AsmError): void {
    this.failure = e;
  }

  source(range: SourceRange): string {
    for (const o of this.ops.ops) {
      const s = o.range.start;
      if (s.line === range.start.line && s.col <= range.start.col && range.end.col <= o.range.end.col) return o.text.slice(range.start.col - s.col, range.end.col - s.col);
    }
    return '';
  }
}

/** The word of candidate `c` for the line, or the error that rules the form out (codecs may also throw it). */
function encode(c: Candidate, a: State, count: number): number | AsmError {
  const f = c.init();
  for (const codec of c.form.operands) {
    codec.parse(a, f);
    if (a.failure !== undefined) return a.failure;
  }
  if (a.i !== count) return new AsmError(a.ops.range(a.i), `too many operands for ${a.mnemonic}`, 'syntax', true);
  if (c.form.asmWhen && !c.form.asmWhen(f)) return new AsmError(a.ops.line.mnemonicRange ?? a.ops.line.range, `${a.mnemonic} does not take these operands`, 'operand', true);
  c.form.check?.(f, a);
  if (a.failure !== undefined) return a.failure;
  return pack(c.entry.pat, f);
}
