/**
 * The A64 assembler's entry points. `assembleLine` turns one source line into
 * an `Instr`: the mnemonic's handler parses the operands and produces the real
 * A64 encoding; decoding that encoding yields the execution closure. So the
 * assembler and the run-time decoder share one semantics (decode.ts), and every
 * assembled instruction carries a verified encoding for the memory image.
 */
import type { AsmLine } from '../scenario/model';
import type { AsmContext, Instr } from './instr';
import { AsmError, Operands } from './operands';
import type { AsmHandler } from './asmTypes';
import { DATA_PROCESSING_HANDLERS } from './asmDataProcessing';
import { BRANCH_HANDLERS, bCondHandler, branchCondition } from './asmBranch';
import { LOAD_STORE_HANDLERS } from './asmLoadStore';
import { SYSTEM_HANDLERS } from './asmSystem';
import { decodeWord } from './decode';
import { hex } from '../util/hex';

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

const HANDLERS: Record<string, AsmHandler> = {
  ...DATA_PROCESSING_HANDLERS,
  ...BRANCH_HANDLERS,
  ...LOAD_STORE_HANDLERS,
  ...SYSTEM_HANDLERS,
};

/** Directives start with a dot (`.quad`, `.align`, `.equ`); the scenario layout handles them. */
export function isDirective(mnemonic: string): boolean {
  return mnemonic.startsWith('.');
}

/** Whether the assembler knows this mnemonic (for the language server). */
export function isInstruction(mnemonic: string): boolean {
  const m = mnemonic.toLowerCase();
  return m in HANDLERS || branchCondition(m) !== undefined;
}

/** Every mnemonic the assembler accepts, including suffixed atomic variants (not the b.cond spellings). */
export function assemblerMnemonics(): string[] {
  return Object.keys(HANDLERS);
}

function handlerFor(mnemonic: string): AsmHandler | undefined {
  const h = HANDLERS[mnemonic];
  if (h && Object.prototype.hasOwnProperty.call(HANDLERS, mnemonic)) return h;
  const cond = branchCondition(mnemonic);
  return cond === undefined ? undefined : bCondHandler(cond);
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
  const handler = handlerFor(mnemonic);
  if (!handler) {
    ctx.report(line.mnemonicRange ?? line.range, `unknown instruction '${written}'`, 'unknown-instruction');
    return undefined;
  }
  const ops = new Operands(line, ctx, mnemonic);
  let encoding: number;
  try {
    encoding = handler(ops, mnemonic) >>> 0;
  } catch (e) {
    if (e instanceof AsmError) {
      ctx.report(e.range, e.message, e.rule);
      return undefined;
    }
    throw e;
  }
  // Only `exec` is kept, and it is position-independent (it uses pe.pc); the address matters only to the
  // decoded text, which is not used here. Not reading ctx.pc lets the parser's memo reuse this line at any address.
  const decoded = decodeWord(encoding, 0n);
  if (!decoded) {
    // Every handler emits an encoding decode.ts models; reaching here is an assembler bug.
    throw new Error(`internal: ${mnemonic} produced undecodable encoding ${hex(encoding >>> 0, 8)}`);
  }
  const text = ops.ops.length === 0 ? mnemonic : `${mnemonic} ${ops.ops.map((o) => o.text).join(', ')}`;
  return { mnemonic, text, encoding, line: line.range.start.line, exec: decoded.exec };
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
