/**
 * A memo of assembled instruction lines across parses.
 *
 * The language server re-parses the whole document on every keystroke, but a
 * keystroke changes one line: every other instruction assembles to the same
 * result. An entry is reused only when the line is textually identical at the
 * same source position, address and exception level, and every input the assembler consumed
 * replays identically: each symbol it looked up has the same value now, and
 * each literal-pool request returns the same slot address. Diagnostics the
 * assembler reported are replayed. Anything else re-assembles.
 *
 * Instr objects are immutable for their consumers (exec closures capture only
 * decoded operands), so sharing one between two models is safe.
 */
import type { Instr } from '../isa/instr';
import type { AsmLine, Severity, SourceRange } from './model';

export interface AsmRecord {
  instr: Instr | undefined;
  /** Symbols looked up, with the value the lookup returned (undefined: not found). */
  lookups: [string, bigint | undefined][];
  literals: { value: bigint; size: 4 | 8; address: bigint }[];
  reports: { range: SourceRange; message: string; rule?: string; severity?: Severity }[];
}

const MAX_ENTRIES = 50_000;
const cache = new Map<string, AsmRecord>();

export function asmKey(line: AsmLine, pc: bigint, el: number | undefined): string {
  let k = `${pc}|${el}|${line.range.start.line}|${line.range.start.col}|${line.mnemonic}`;
  for (const op of line.operands) k += `|${op.range.start.col}:${op.text}`;
  return k;
}

export function cachedAssembly(key: string): AsmRecord | undefined {
  return cache.get(key);
}

export function storeAssembly(key: string, rec: AsmRecord): void {
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, rec);
}

/** Forget everything (benchmarks of a cold parse). */
export function clearAssemblyCache(): void {
  cache.clear();
}
