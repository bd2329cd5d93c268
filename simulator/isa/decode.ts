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
  readonly exec: Exec;
  readonly flow: Flow;
  readonly iss: number;
  line?: number;
  private mnemonicText: string | undefined;
  private fullText: string | undefined;
  private preferred: Form | undefined;

  constructor(
    private readonly entry: TableEntry,
    private readonly fields: Fields,
    readonly encoding: number,
    private readonly pc: bigint,
  ) {
    const enc = entry.enc;
    this.exec = enc.exec(fields);
    this.flow = typeof enc.flow === 'function' ? enc.flow(fields) : enc.flow;
    this.iss = enc.syndrome === undefined ? 0 : enc.syndrome(fields);
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
