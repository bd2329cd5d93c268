/**
 * A64 decoder: a 32-bit instruction word → an `Instr` whose closure comes from
 * the instruction table's semantics for the decoded fields (table.ts). The
 * assembler encodes, then builds its Instr from the same decode, so code written
 * to memory at run time executes exactly like assembled code. Text and mnemonic
 * are formatted on first use: decoding (the I-cache refills, `.inst` words) does
 * not pay for disassembly nobody reads.
 */
import type { Instr } from './instr';
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

  /** An assembled instruction reads as written (mnemonic and operands as the source spells them). */
  written(mnemonic: string, text: string, line: number): this {
    this.mnemonicText = mnemonic;
    this.fullText = text;
    this.line = line;
    return this;
  }
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
