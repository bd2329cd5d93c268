/**
 * A64 decoder: a 32-bit instruction word → an `Instr` whose closure comes from
 * the instruction table's semantics for the decoded fields (table.ts). The
 * assembler encodes, then builds its Instr from the same decode, so code written
 * to memory at run time executes exactly like assembled code. Text and mnemonic
 * are formatted on first use: decoding (the I-cache refills, `.inst` words) does
 * not pay for disassembly nobody reads.
 */
import type { Instr } from './instr';
import { offsetMover } from './codecs/labels';
import { pack } from './decodetree/pattern';
import { formatForm, preferredForm } from './decodetree/disassembler';
import type { TableEntry } from './decodetree/tree';
import type { Exec, Fields, Flow, Form } from './decodetree/types';
import { DECODE_TREE } from './table';

class TableInstr implements Instr {
  line?: number;
  private closure: Exec | undefined = undefined;
  private mnemonicText: string | undefined = undefined;
  private fullText: string | undefined = undefined;
  private preferred: Form | undefined = undefined;

  constructor(
    private readonly entry: TableEntry,
    private readonly fields: Fields,
    readonly encoding: number,
    private readonly pc: bigint,
  ) {}

  /**
   * The execution closure, specialised on the fields when first asked for (the first execution,
   * or the block engine's compile): assembling and disassembling do not pay for it.
   */
  get exec(): Exec {
    if (this.closure === undefined) this.closure = this.entry.enc.exec(this.fields);
    return this.closure;
  }

  get flow(): Flow {
    const flow = this.entry.enc.flow;
    return typeof flow === 'function' ? flow(this.fields) : flow;
  }

  get iss(): number {
    const syndrome = this.entry.enc.syndrome;
    return syndrome === undefined ? 0 : syndrome(this.fields);
  }

  get mnemonic(): string {
    if (this.mnemonicText === undefined) this.mnemonicText = this.form().mnemonic;
    return this.mnemonicText;
  }

  get text(): string {
    if (this.fullText === undefined) this.fullText = formatForm(this.form(), this.fields, this.pc);
    return this.fullText;
  }

  private form(): Form {
    this.preferred ??= preferredForm(this.entry, this.encoding, this.fields);
    return this.preferred;
  }

  /** The same instruction labelled with source line `line` (its closure is made again on first use, not copied). */
  atLine(line: number): TableInstr {
    const out = new TableInstr(this.entry, this.fields, this.encoding, this.pc);
    out.mnemonicText = this.mnemonicText;
    out.fullText = this.fullText;
    out.preferred = this.preferred;
    out.closure = this.closure;
    out.line = line;
    return out;
  }

  /**
   * The instruction with the offset of its PC-relative operand moved by `by` bytes (the form's
   * offset field re-encoded from the decoded fields, then packed by the table's pattern), reading
   * as before; undefined when no form of this word has such an operand or the offset does not fit.
   */
  offsetMoved(by: bigint, line: number): TableInstr | undefined {
    for (const form of this.entry.enc.forms) {
      if (!fixedFieldsMatch(form, this.fields)) continue;
      for (const codec of form.operands) {
        const move = offsetMover(codec);
        if (move === undefined) continue;
        const fields = { ...this.fields };
        if (!move(fields, by)) return undefined;
        return new TableInstr(this.entry, fields, pack(this.entry.pat, fields), this.pc).written(this.mnemonic, this.text, line);
      }
    }
    return undefined;
  }

  /** An assembled instruction reads as written (mnemonic and operands as the source spells them). */
  written(mnemonic: string, text: string, line: number): this {
    this.mnemonicText = mnemonic;
    this.fullText = text;
    this.line = line;
    return this;
  }
}

/** Each form's fixed fields as [name, value] pairs, made once (a relocation checks them for every moved branch). */
const fixedOf = new WeakMap<Form, [string, number][]>();

function fixedFieldsMatch(form: Form, fields: Fields): boolean {
  let fixed = fixedOf.get(form);
  if (fixed === undefined) fixedOf.set(form, (fixed = Object.entries(form.fixed)));
  for (let j = 0; j < fixed.length; j++) if (fields[fixed[j][0]] !== fixed[j][1]) return false;
  return true;
}

/** Decode one instruction word at `pc`; undefined when the encoding is not one we model. */
export function decodeInstruction(word: number, pc: bigint): Instr | undefined {
  const hit = DECODE_TREE.lookup(word >>> 0);
  return hit === undefined ? undefined : new TableInstr(hit.entry, hit.fields, word >>> 0, pc);
}

/**
 * The Instr of a word the assembler produced (its decode: table entry and fields), reading as written. Its
 * closure is position-independent (it uses pe.pc), so the decode address does not matter: 0 lets the
 * parser's memo reuse the line anywhere.
 */
export function assembledInstruction(entry: TableEntry, fields: Fields, word: number, mnemonic: string, text: string, line: number): Instr {
  return new TableInstr(entry, fields, word >>> 0, 0n).written(mnemonic, text, line);
}

/**
 * `instr` labelled with source line `line`: a table instruction keeps its decode (no closure is
 * made for the copy until it runs), any other is copied field by field.
 */
export function instructionAtLine(instr: Instr, line: number): Instr {
  if (instr instanceof TableInstr) return instr.atLine(line);
  return { mnemonic: instr.mnemonic, text: instr.text, encoding: instr.encoding, line, exec: instr.exec, flow: instr.flow, iss: instr.iss };
}

/**
 * A PC-relative instruction (B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, ADR, LDR/PRFM literal) whose
 * offset moves by `by` bytes, at source line `line` (Arm ARM C6.2: each encodes its target as an
 * offset from its own address); undefined when `instr` is not one or the offset does not fit.
 */
export function withOffsetMoved(instr: Instr, by: bigint, line: number): Instr | undefined {
  if (!(instr instanceof TableInstr)) return undefined;
  return by === 0n ? instr.atLine(line) : instr.offsetMoved(by, line);
}
