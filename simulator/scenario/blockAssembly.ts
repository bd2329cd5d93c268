/**
 * What an edit inside one code block (bodyEdit.ts) keeps, moves or assembles
 * again, line by line: a PC-relative line's offset change, the assembly of
 * the lines whose inputs changed (as layoutPass2 does), and whether B's new
 * extent is visible outside B.
 */
import type { AsmRecord } from './asmCache';
import { defaultAssembler } from './assembler';
import { Reporter } from './diagnostics';
import { layoutPass2, type BlockLayout } from './layout';
import type { CodeBlock, Diagnostic, ScenarioModel, SymbolRef } from './model';
import { codeEls, type ParseInternals } from './parse';
import type { CodeInternals, LineInternals, ParseState } from './state';
import { isLocalLabel } from './symbols';
import type { Instr } from '../isa/instr';
import { instructionAtLine } from '../isa/decode';

/** Whether [a0, a1) and [b0, b1) share an address. */
export const overlaps = (a0: bigint, a1: bigint, b0: bigint, b1: bigint): boolean => a0 < b1 && b0 < a1;

/** The two assemblies looked up the same names and both reported, or both did not (so the line's references and misses stand). */
export function sameReads(a: LineInternals['rec'], b: LineInternals['rec']): boolean {
  if (!a || !b || a.lookups.length !== b.lookups.length || (a.reports.length === 0) !== (b.reports.length === 0)) return false;
  for (let k = 0; k < a.lookups.length; k++) if (a.lookups[k][0] !== b.lookups[k][0]) return false;
  return true;
}

/** Assemble one line of B at `pc` as layoutPass2 does (its literal, if any, at `slot`): its instruction, diagnostics and references. */
export interface Pending {
  li: LineInternals;
  at: bigint;
  /** Where the line's literal goes (the pool base when it has none). */
  slot: bigint;
  /** The assembly the line had (absent for a new line). */
  rec?: AsmRecord;
}

/**
 * Assemble lines of B at their addresses as layoutPass2 does, in one pass (their literal, if any, at the
 * group's slot): their instructions by address, diagnostics and references.
 */
export function assembleLines(st: ParseState, ci: CodeInternals, group: Pending[], els: ParseInternals['els']): { instrs: Map<number, Instr>; diags: Diagnostic[]; refs: SymbolRef[] } {
  const rep = new Reporter();
  const scratch: ParseState = { ...st, rep, refs: [], model: { ...st.model, program: { instrs: new Map(), chunks: [], lineOf: new Map() } } };
  const lines = group.map((p) => p.li);
  const lo = group[0].at;
  const hi = group[group.length - 1].at + 4n;
  const lay: BlockLayout = { ci: { ...ci, lines }, base: lo, codeEnd: hi, poolBase: group[0].slot, slots: 0 };
  layoutPass2(scratch, [lay], defaultAssembler(), true, els);
  return { instrs: scratch.model.program.instrs, diags: rep.list, refs: scratch.refs };
}

/**
 * B's extent changes from [start, oldEnd) to [start, end): nothing outside B
 * may see it — no other block in the range it gains, no entry point in the
 * range it gains or loses, the same memory region around it, the same EL for
 * every block.
 */
export function extentChangeIsLocal(model: ScenarioModel, internals: ParseInternals, ci: CodeInternals, oldEnd: bigint, end: bigint): boolean {
  const start = ci.start!;
  for (const o of internals.st.code) if (o !== ci && o.start !== undefined && o.end !== undefined && overlaps(o.start, o.end, start, end)) return false;
  const lo = oldEnd < end ? oldEnd : end;
  const hi = oldEnd < end ? end : oldEnd;
  for (const pe of model.pes) if (pe.entry?.value !== undefined && pe.entry.value >= lo && pe.entry.value < hi) return false;
  const mem = model.system.memory;
  const inside = (e: bigint) => mem.some((m) => start >= m.base && e <= m.base + m.size);
  if (mem.length > 0 && (!inside(oldEnd) || !inside(end))) return false;
  ci.end = end;
  let now: Map<CodeBlock, { el: number; reason?: string }>;
  try {
    now = codeEls(internals.st);
  } finally {
    ci.end = oldEnd;
  }
  for (const b of model.code) {
    const x = internals.els.get(b);
    const y = now.get(b);
    if (x?.el !== y?.el || x?.reason !== y?.reason) return false;
  }
  return true;
}

/** Numeric local labels of a block: name → addresses in text order with their statement index (as layoutPass1 builds them). */
export function localLabelsOf(lines: readonly LineInternals[]): Map<string, { address: bigint; index: number }[]> {
  const out = new Map<string, { address: bigint; index: number }[]>();
  for (let index = 0; index < lines.length; index++) {
    for (const l of lines[index].asm.labels) {
      if (!isLocalLabel(l.name)) continue;
      const list = out.get(l.name) ?? [];
      list.push({ address: lines[index].asm.address!, index });
      out.set(l.name, list);
    }
  }
  return out;
}

/**
 * How far the PC-relative offset of a line assembled as `rec` moves now that the line moved by `d`
 * bytes, when only its offset changed: its symbols read the same values (`same`) and its literal
 * moved to `slot(literal)`, or its one symbol is the target itself and moved (`target()`: old and
 * new value); undefined when something else changed (the line is assembled again).
 */
export function offsetChange(rec: AsmRecord, d: bigint, same: boolean, slot: (l: AsmRecord['literals'][number]) => bigint, target: () => [bigint, bigint] | undefined): bigint | undefined {
  if (rec.literals.length > 1) return undefined;
  if (rec.literals.length === 1) {
    const l = rec.literals[0];
    const s = slot(l);
    return same && s >= 0n ? s - l.address - d : undefined;
  }
  if (same) return -d;
  const t = target();
  return t === undefined ? undefined : t[1] - t[0] - d;
}

/** The old and new value of a line's one symbol when that symbol is an operand as written (the instruction's target). */
export function directTarget(rec: AsmRecord, asm: LineInternals['asm'], lookup: (name: string) => bigint | undefined | null): [bigint, bigint] | undefined {
  if (rec.lookups.length !== 1) return undefined;
  const [name, v] = rec.lookups[0];
  const now = lookup(name);
  if (v === undefined || now === undefined || now === null || !asm.operands.some((o) => o.text === name)) return undefined;
  return [v, now];
}

/** A copy of an instruction labelled with another source line (instructions are shared with the assembly memo). */
export function relabel(instr: Instr, line: number): Instr {
  return instructionAtLine(instr, line);
}

/**
 * `from` (a line's assembled instruction) labelled with the line's source line: `from` itself when
 * it is there already, else the line's own copy (`placed`, made by an earlier edit, private to this
 * model and moved in place), else a new copy kept as the line's own. A line that moves at every
 * edit then costs no allocation after its first move.
 */
export function atLineOf(li: LineInternals, from: Instr | undefined): Instr | undefined {
  if (from === undefined || from.line === li.line) return from;
  const own = li.placed;
  if (own !== undefined && own.from === from) {
    own.instr.line = li.line;
    return own.instr;
  }
  const copy = relabel(from, li.line);
  li.placed = { from, instr: copy };
  return copy;
}
