/**
 * A memo of assembled instruction lines across parses.
 *
 * The language server re-parses the whole document on every keystroke, but a
 * keystroke changes one line: every other instruction assembles to the same
 * result. The memo is position-independent so that inserting or deleting a
 * line (which moves every line below it) still reuses the rest:
 *
 * - the key is the line's text shape (exception level, mnemonic, operand texts
 *   and their columns relative to the line start), not its line number;
 * - an entry whose assembly read the instruction's address (`ctx.pc`: branches,
 *   ADR/ADRP, literal loads) is additionally keyed by that address;
 * - it is reused only when every input the assembler consumed replays
 *   identically: each symbol it looked up has the same value now, and each
 *   literal-pool request returns the same slot address;
 * - its diagnostics are replayed moved to the line's current position, and its
 *   `Instr` is re-labelled with the current source line.
 *
 * Instr objects are immutable for their consumers (exec closures capture only
 * decoded operands and use `pe.pc`, never the assembly address), so sharing one
 * between two models is safe.
 */
import { instructionAtLine } from '../isa/decode';
import type { Instr } from '../isa/instr';
import type { AsmLine, Severity, SourceRange } from './model';

export interface AsmRecord {
  instr: Instr | undefined;
  /** Symbols looked up, with the value the lookup returned (undefined: not found). */
  lookups: [string, bigint | undefined][];
  literals: { value: bigint; size: 4 | 8; address: bigint }[];
  /** Reported problems; ranges relative to `origin`. */
  reports: { range: SourceRange; message: string; rule?: string; severity?: Severity }[];
  /** Position of the line when it was assembled (reports are rebased from it). */
  origin: { line: number; col: number };
  /** The assembly read the instruction's address: valid only at `pc`. */
  pcDependent: boolean;
  pc: bigint;
  /** Copies of `instr` labelled with the other source lines this record served. */
  atLine?: Map<number, Instr>;
}

/**
 * Bounds (docs/limits.md): at most MAX_ENTRIES records (one per text shape, or
 * per shape and address) and MAX_LINE_COPIES relabelled copies of their
 * instructions (`atLine`). Past the first the memo starts over; past the
 * second only the copies are dropped (a copy is one object to make again, a
 * record an assembly). Every line a document holds needs its own copy, so
 * the copies grow with edits that move lines: without their own bound they
 * would hold every line position a record ever served.
 */
export const MAX_ENTRIES = 50_000;
export const MAX_LINE_COPIES = 100_000;
/** Per text shape: the address-independent record, or the records by address. */
interface Entry {
  free?: AsmRecord;
  byPc?: Map<bigint, AsmRecord>;
}
const cache = new Map<string, Entry>();
let records = 0;
let copies = 0;
/** The records holding copies (so that dropping the copies does not walk the whole memo). */
let copyHolders: AsmRecord[] = [];

/** Position-independent key of a line (see the module comment); `el` is the EL the block runs at (and why, when inferred). */
export function asmKey(line: AsmLine, el: number | undefined, elReason?: string): string {
  const c0 = line.range.start.col;
  let k = `${el}|${elReason ?? ''}|${line.mnemonic}|${(line.mnemonicRange?.start.col ?? c0) - c0}`;
  for (const op of line.operands) k += `|${op.range.start.col - c0}:${op.text}`;
  return k;
}

/** The entry for `key` at address `pc`, if any. */
export function cachedAssembly(key: string, pc: bigint): AsmRecord | undefined {
  const e = cache.get(key);
  if (e === undefined) return undefined;
  return e.free ?? e.byPc?.get(pc);
}

export function storeAssembly(key: string, rec: AsmRecord): void {
  if (records >= MAX_ENTRIES) clearAssemblyCache();
  let e = cache.get(key);
  if (e === undefined) cache.set(key, (e = {}));
  records++;
  if (!rec.pcDependent) {
    // Address-independent now (e.g. a branch whose label became undefined): drop address-keyed ones.
    e.free = rec;
    e.byPc = undefined;
    return;
  }
  e.free = undefined;
  (e.byPc ??= new Map()).set(rec.pc, rec);
}

/** A range moved from the record's origin to a line now at (line, col). */
export function rebase(r: SourceRange, origin: { line: number; col: number }, line: number, col: number): SourceRange {
  if (origin.line === line && origin.col === col) return r;
  const dl = line - origin.line;
  const dc = col - origin.col;
  return { start: { line: r.start.line + dl, col: r.start.col + dc }, end: { line: r.end.line + dl, col: r.end.col + dc } };
}

/** The record's Instr labelled with source line `line` (a copy when it moved, kept for the next parse). */
export function instrAtLine(rec: AsmRecord, line: number): Instr | undefined {
  const i = rec.instr;
  if (i === undefined || i.line === line) return i;
  let copy = rec.atLine?.get(line);
  if (copy === undefined) {
    if (copies >= MAX_LINE_COPIES) dropLineCopies();
    if (rec.atLine === undefined) {
      rec.atLine = new Map();
      copyHolders.push(rec);
    }
    copy = instructionAtLine(i, line);
    rec.atLine.set(line, copy);
    copies++;
  }
  return copy;
}

/** Forget everything (benchmarks of a cold parse). */
export function clearAssemblyCache(): void {
  cache.clear();
  records = 0;
  dropLineCopies();
}

function dropLineCopies(): void {
  for (const r of copyHolders) r.atLine = undefined;
  copyHolders = [];
  copies = 0;
}

/** What the memo holds now: records and relabelled copies (tests of the bounds). */
export function assemblyCacheSize(): { records: number; copies: number } {
  return { records, copies };
}
