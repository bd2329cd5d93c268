/**
 * The A64 assembler's entry points. `assembleLine` turns one source line into
 * an `Instr`: the instruction table (table.ts) encodes its operands into the
 * real A64 word, and decoding that word yields the execution closure. So the
 * assembler and the run-time decoder share one semantics, and every assembled
 * instruction carries a verified encoding for the memory image.
 */
import type { AsmLine } from '../util/source';
import type { AsmContext, Instr } from './instr';
import { assembledInstruction } from './decode';
import { ASSEMBLER } from './table';

export { evaluateExpression, expressionSymbols } from './expr';
export type { ExprResult } from './expr';
export { decodeInstruction } from './decode';
export { MNEMONICS, mnemonicInfo } from './mnemonics';
export type { MnemonicInfo } from './mnemonics';
export type { Instr, AsmContext } from './instr';
// Operand vocabularies (language-server completion, hover, docs).
export { BARRIER_OPTIONS, PSTATE_FIELDS, SYS_OPS, NOP_HINTS } from './system';
export { CONDITION_NAMES, CONDITION_SUMMARY } from './conditions';
export { parseRegister } from './operands';

/** Every A64 instruction is 4 bytes. */
export const INSTRUCTION_SIZE = 4;

/** Directives start with a dot (`.quad`, `.align`, `.equ`); the scenario layout handles them. */
export function isDirective(mnemonic: string): boolean {
  return mnemonic.startsWith('.');
}

/** Whether the assembler knows this mnemonic (for the language server). */
export function isInstruction(mnemonic: string): boolean {
  return ASSEMBLER.has(mnemonic.toLowerCase());
}

/** Every mnemonic the assembler accepts, including suffixed variants (`ldaddalb`, `b.eq`). */
export function assemblerMnemonics(): string[] {
  return ASSEMBLER.mnemonics();
}

/**
 * Assemble one instruction line at `ctx.pc`. Problems are reported through
 * `ctx.report` with the range of the offending text; the result is undefined
 * then. Label-only and directive lines give undefined without a report.
 */
export function assembleLine(line: AsmLine, ctx: AsmContext): Instr | undefined {
  const written = line.mnemonic;
  if (!written || isDirective(written)) return undefined;
  const mnemonic = written.toLowerCase();
  if (!ASSEMBLER.has(mnemonic)) {
    ctx.report(line.mnemonicRange ?? line.range, `unknown instruction '${written}'`, 'unknown-instruction');
    return undefined;
  }
  const done = ASSEMBLER.assemble(line, ctx, mnemonic);
  if (done === undefined) return undefined;
  return assembledInstruction(done.entry, done.fields, done.word, mnemonic, done.text, line.range.start.line);
}

/**
 * Assemble a single line of text at `pc` (tests, REPL-style tools, the debug console).
 * Splits operands at top-level commas; labels are resolved through `resolve`.
 */
export function assembleText(
  text: string,
  pc = 0n,
  resolve: (name: string) => bigint | undefined = () => undefined,
  literal?: (value: bigint, size: 4 | 8) => bigint,
): { instr?: Instr; diagnostics: { message: string; rule?: string; severity?: string; start: number; end: number }[] } {
  const diagnostics: { message: string; rule?: string; severity?: string; start: number; end: number }[] = [];
  const line = splitLine(text, 0);
  const ctx: AsmContext = {
    pc,
    resolve,
    literal:
      literal ??
      (() => {
        throw new Error('no literal pool in assembleText');
      }),
    report: (range, message, rule, severity) => diagnostics.push({ message, rule, severity, start: range.start.col, end: range.end.col }),
  };
  const instr = assembleLine(line, ctx);
  return { instr, diagnostics };
}

/** Split `mnemonic op, op, …` into an AsmLine (no labels, no comments). Exposed for tests and tools. */
export function splitLine(text: string, lineNo: number): AsmLine {
  const r = (s: number, e: number) => ({ start: { line: lineNo, col: s }, end: { line: lineNo, col: e } });
  const m = /^\s*(\S+)/.exec(text);
  const line: AsmLine = { labels: [], operands: [], range: r(0, text.length) };
  if (!m) return line;
  const mStart = m[0].length - m[1].length;
  line.mnemonic = m[1].toLowerCase();
  line.mnemonicRange = r(mStart, mStart + m[1].length);
  let i = mStart + m[1].length;
  const rest = text.slice(i);
  if (rest.trim() === '') return line;
  let depth = 0;
  let start = i;
  for (; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '[' || ch === '(' || ch === '{') depth++;
    else if (ch === ']' || ch === ')' || ch === '}') depth--;
    if (i === text.length || (ch === ',' && depth === 0)) {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      const t = raw.trim();
      line.operands.push({ text: t, range: r(start + lead, start + lead + t.length) });
      start = i + 1;
    }
  }
  return line;
}
