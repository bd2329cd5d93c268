/**
 * An edit inside the body of one code block, applied to the last parse in
 * place: instruction lines typed, deleted or pasted, blank or comment lines
 * added or removed. Blocks are independent after layout, so only the edited
 * block B is laid out again; everything after the edit moves by the number of
 * lines added (tokens, statements, ranges, diagnostics, references), and in B
 * only the instructions whose assembly inputs changed are assembled again:
 *
 * - an instruction whose address, symbol values and literal slots are the
 *   ones its assembly read keeps its `Instr` (relabelled with its line);
 * - a PC-relative one (branch, ADR, literal load — never ADRP, which reads
 *   the page of its address) moved by δ bytes keeps it when its targets moved
 *   by δ too: the encoding holds only their difference;
 * - every other instruction goes through `layoutPass2` again, one line at a
 *   time, with the assembly memo (asmCache.ts).
 *
 * It refuses (answers 'refused', changing nothing) whenever that reasoning
 * could fail: labels, directives, literals (`=`), braces, quotes, `;` or block
 * comments on an edited line; a directive anywhere in B; a moved label that is
 * named outside B; a change of B's extent that another block, an entry point,
 * a memory region or the EL inference would see; the diagnostics cap. After
 * it started changing the model it may still answer 'stale' (a re-assembly
 * read other symbols than before): the caller parses the whole text.
 * test/lsp/incremental.test.ts checks every answer against a full parse.
 */
import { withOffsetMoved } from '../isa/decode';
import type { Instr } from '../isa/instr';
import type { AsmRecord } from './asmCache';
import { splitStatements } from './blocks';
import { assembleLines, atLineOf, directTarget, overlaps, extentChangeIsLocal, localLabelsOf, offsetChange, relabel, sameReads, type Pending } from './blockAssembly';
import { splitAsmLine } from './codeBlock';
import { Reporter } from './diagnostics';
import { lexLinesAt, type Token } from './lexer';
import { alignUp } from './directives';
import { blockChunks } from './layout';
import { MAX_BLOCK_BYTES, MAX_DIAGNOSTICS, MAX_IMAGE_BYTES } from './limits';
import type { Diagnostic, ScenarioModel, SymbolDef, SymbolRef } from './model';
import { sortDiagnostics, type ParseInternals } from './parse';
import { firstLineAfter, firstTokenAfter, moved, moveStatements, moveTokens, plan } from './shift';
import type { TokenList } from './tokenList';
import type { CodeInternals, LineInternals, ParseState } from './state';
import { blockLookup, isLocalLabel } from './symbols';
import { attachSuggestions } from './suggest';

/** Characters whose meaning reaches beyond one statement of one line, or that add a literal-pool slot. */
const STRUCTURAL = /[{}";=]|\/\*|\*\//;
/** The same without `=`: a deleted line may be a literal load whose value an earlier line also loads. */
const STRUCTURAL_DELETED = /[{}";]|\/\*|\*\//;
const LOCAL_LABEL_REF = /^[0-9]+[bf]$/;
const LINE_NUMBER = /\bline \d/;
/** Words that start a top-level statement at a line start, even inside a body (blocks.ts). */
const ALWAYS_TOP = new Set(['scenario', 'system', 'const', 'event']);
const POOL_SLOT = 8;
const IMPLICIT_ENTRY = 'start';

export interface BodyEdit {
  /** Lines [first, lastOld] of the parsed text became lines [first, lastNew] of `text`. */
  first: number;
  lastOld: number;
  lastNew: number;
  before: string[];
  after: string[];
  /** Offset of line `first` in `text`. */
  offset: number;
  /** The new document. */
  text: string;
  /**
   * Whether the old or the new text may hold `/*` (a block comment spans lines, which these edits
   * do not follow): false only when the caller knows neither does, so the text is never scanned.
   */
  blockComments: boolean;
}

export type BodyEditResult = { kind: 'refused' } | { kind: 'stale' } | { kind: 'applied'; assembled: number; kept: number; relocated: number };

const REFUSED: BodyEditResult = { kind: 'refused' };
const STALE: BodyEditResult = { kind: 'stale' };

const isDirective = (li: LineInternals): boolean => li.asm.mnemonic !== undefined && li.asm.mnemonic.charCodeAt(0) === 46;

/** An instruction statement the edit may add or remove: no label, no directive, on one line. */
function plainStatement(li: LineInternals): boolean {
  return li.asm.labels.length === 0 && li.asm.mnemonic !== undefined && !isDirective(li) && li.asm.range.start.line === li.asm.range.end.line;
}

/**
 * Whether no token outside lines [first, last] and no diagnostic names one of `labels` (defined on
 * those lines): removing them then changes no lookup, reference, entry point or suggestion.
 */
function unnamedElsewhere(model: ScenarioModel, tokens: TokenList, labels: readonly SymbolDef[], first: number, last: number): boolean {
  const names = new Set(labels.map((d) => d.name));
  // `start` is read by name: the entry of a PE without `entry` (check.ts, engine/init.ts).
  if (names.has(IMPLICIT_ENTRY)) return false;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens.kindAt(k) === 'ident' && names.has(tokens.textAt(k)) && (tokens.lineAt(k) < first || tokens.lineAt(k) > last)) return false;
  }
  for (const d of model.diagnostics) for (const n of names) if (d.message.includes(n) || d.suggestion?.includes(n)) return false;
  return true;
}

/** The block whose body strictly contains lines [first, last], with its closing brace. */
function enclosingBlock(internals: ParseInternals, first: number, last: number): CodeInternals | undefined {
  for (const ci of internals.st.code) {
    const r = ci.block.range;
    if (r.start.line < first && last < r.end.line) {
      const raw = internals.blocks.find((b) => b.keyword.line === r.start.line);
      if (!raw || !raw.open || !raw.close || raw.open.line !== r.start.line || raw.close.line !== r.end.line) return undefined;
      return ci;
    }
  }
  return undefined;
}

export function editBlockBody(model: ScenarioModel, internals: ParseInternals, e: BodyEdit): BodyEditResult {
  const { st, layouts } = internals;
  const { first, lastOld, lastNew } = e;
  const lineDelta = lastNew - lastOld;
  if (e.before.some((l) => STRUCTURAL_DELETED.test(l)) || e.after.some((l) => STRUCTURAL.test(l))) return REFUSED;
  if (e.blockComments) return REFUSED;
  if (model.diagnostics.some((d) => d.rule === 'too-many-diagnostics')) return REFUSED;
  const ci = enclosingBlock(internals, first, lastOld);
  if (!ci || !ci.hasBase || ci.start === undefined || ci.end === undefined) return REFUSED;
  const lay = layouts.find((l) => l.ci === ci);
  if (!lay) return REFUSED;
  const block = ci.block;
  const base = lay.base;
  if (base % 4n !== 0n) return REFUSED;
  for (const o of st.code) if (o !== ci && o.start !== undefined && o.end !== undefined && overlaps(o.start, o.end, ci.start, ci.end)) return REFUSED;
  const lines = ci.lines;
  if (lines.some(isDirective)) return REFUSED;
  const i0 = firstLineAfter(lines, first - 1);
  const i1 = firstLineAfter(lines, lastOld);
  // Removed statements: instructions, and labels nothing else names (their symbols go with them).
  const removedLabels: SymbolDef[] = [];
  let removedInstrs = 0;
  let removedSlots = 0;
  for (let k = i0; k < i1; k++) {
    const li = lines[k];
    if (li.asm.mnemonic !== undefined) removedInstrs++;
    // A literal load leaves the pool as it was when an earlier line loads the same value (its slot is the first user's).
    for (const o of li.asm.operands) {
      if (!o.text.startsWith('=')) continue;
      if (!li.rec || li.rec.literals.length !== 1 || !(lay.pool ?? []).some((p) => p.value === li.rec!.literals[0].value && p.size === li.rec!.literals[0].size && p.line < first)) return REFUSED;
      removedSlots++;
    }
    if (plainStatement(li)) continue;
    if (isDirective(li) || li.asm.range.start.line !== li.asm.range.end.line || li.asm.labels.length === 0) return REFUSED;
    for (const l of li.asm.labels) {
      const def = model.symbols.get(l.name);
      if (isLocalLabel(l.name) || !def || def.kind !== 'label' || def.block !== ci.block || def.range.start.line !== l.range.start.line || def.range.start.col !== l.range.start.col) return REFUSED;
      removedLabels.push(def);
    }
  }
  if (removedLabels.length > 0 && !unnamedElsewhere(model, internals.tokens, removedLabels, first, lastOld)) return REFUSED;

  // Diagnostics: those on the edited lines go; none may reach into them from elsewhere, none after them may quote a line number.
  const on = (line: number): boolean => line >= first && line <= lastOld;
  for (const d of model.diagnostics) {
    const s = d.range.start.line;
    if (on(s) ? d.range.end.line > lastOld : d.range.end.line >= first && s < first) return REFUSED;
    if ((d.related ?? []).some((r) => on(r.range.start.line) || on(r.range.end.line))) return REFUSED;
    if (d.range.end.line >= first && (LINE_NUMBER.test(d.message) || (d.related ?? []).some((r) => LINE_NUMBER.test(r.message)))) return REFUSED;
  }

  // The new lines, lexed and split as a full parse does (lexer.ts is line by line without block comments and strings).
  const lexed = lexLinesAt(e.after, first, e.offset);
  if (lexed.diagnostics.length > 0) return REFUSED;
  const fresh: Token[] = lexed.tokens;
  for (let k = 0; k < fresh.length; k++) {
    const t = fresh[k];
    const lineStart = k === 0 || fresh[k - 1].line !== t.line;
    if (lineStart && t.kind === 'ident' && (ALWAYS_TOP.has(t.text) || st.language.isTopKeyword(t.text))) return REFUSED;
    if (t.kind === 'ident' && LOCAL_LABEL_REF.test(t.text)) return REFUSED;
  }
  const rep = new Reporter();
  const clean: string[] = [];
  for (let k = 0; k < lexed.clean.length && k <= lastNew - first; k++) clean[first + k] = lexed.clean[k];
  const scratch: ParseState = { ...st, rep, clean, refs: [] };
  const added: LineInternals[] = [];
  for (const s of splitStatements(fresh)) {
    const li = splitAsmLine(scratch, s);
    if (!li) continue;
    if (!plainStatement(li)) return REFUSED;
    added.push(li);
  }
  const interpretDiags = rep.list.slice();

  // Pass 1: before the edit nothing moves; after it every address moves by δ (4 bytes per instruction, no directive in B).
  const delta = BigInt(4 * (added.length - removedInstrs));
  const oldCodeEndBig = lay.codeEnd;
  const aOld = i0 < lines.length ? lines[i0].asm.address : oldCodeEndBig;
  const bOld = i1 < lines.length ? lines[i1].asm.address : oldCodeEndBig;
  if (aOld === undefined || bOld === undefined) return REFUSED;
  const moves: SymbolDef[] = [];
  if (delta !== 0n) {
    for (let k = i1; k < lines.length; k++) {
      const labels = lines[k].asm.labels;
      for (let j = 0; j < labels.length; j++) {
        const l = labels[j];
        if (isLocalLabel(l.name)) continue;
        const def = model.symbols.get(l.name);
        if (def && def.kind === 'label' && def.block === block && def.value !== undefined && def.range.start.line === l.range.start.line && def.range.start.col === l.range.start.col) moves.push(def);
      }
    }
  }
  const hasLocals = (st.localLabels.get(block)?.size ?? 0) > 0;
  const codeEnd = oldCodeEndBig + delta;
  const slots = lay.slots - removedSlots;
  const poolBase = slots > 0 ? alignUp(codeEnd, BigInt(POOL_SLOT)) : codeEnd;
  const end = poolBase + BigInt(slots * POOL_SLOT);
  const oldEnd = ci.end;
  if (end - base > BigInt(MAX_BLOCK_BYTES)) return REFUSED;
  let image = 0n;
  for (const l of layouts) image += l === lay ? end - base : (l.ci.end ?? l.poolBase) - l.base;
  if (image > BigInt(MAX_IMAGE_BYTES)) return REFUSED;
  if (end !== oldEnd && !extentChangeIsLocal(model, internals, ci, oldEnd, end)) return REFUSED;
  // A label that moved may only be read inside B (where every reader is checked below).
  const movedNames = new Set(moves.map((d) => d.name));
  if (moves.length > 0) {
    const toks = internals.tokens;
    const inB0 = firstTokenAfter(toks, block.range.start.line - 1);
    const inB1 = firstTokenAfter(toks, block.range.end.line);
    for (let k = 0; k < toks.length; k = k === inB0 - 1 ? inB1 : k + 1) {
      if (k >= inB0 && k < inB1) continue;
      if (toks.kindAt(k) === 'ident' && movedNames.has(toks.textAt(k))) return REFUSED;
    }
  }
  const oldPool = lay.pool ?? [];
  if (oldPool.length === 0 && slots > 0 && lines.some((li) => li.rec && li.rec.literals.length > 0)) return REFUSED;
  // Everything else that lies after the edit and is not handled by shape below (system, PEs, events, blocks' ranges…).
  const codeLines = model.code.map((b) => b.lines);
  const statementLines = st.code.map((c) => c.lines);
  const shiftPlan =
    lineDelta === 0
      ? undefined
      : plan([model, st.code], first, lastOld, new Set<unknown>([internals.tokens, model.refs, model.diagnostics, model.program, ...codeLines, ...statementLines, ...removedLabels]));
  if (lineDelta !== 0 && !shiftPlan) return REFUSED;
  const refs = model.refs ?? [];
  // Where the new lines' references go: after B's references that come before them (pass-2 references are in text order).
  let refAt = -1;
  for (let k = 0; k < refs.length; k++) {
    const l = refs[k].range.start.line;
    if (l > block.range.start.line && l < first) refAt = k + 1;
    else if (refAt < 0 && l > lastOld && l < block.range.end.line) refAt = k;
  }

  // ---- From here on the model changes. ----
  const asmReports = st.asmReports ?? new WeakSet<Diagnostic>();
  st.asmReports = asmReports;
  const memo = new Map<object, object>();
  const shift = <T extends { line: number; col: number }>(p: T): void => {
    if (p.line > lastOld) p.line += lineDelta;
  };
  // Diagnostics: drop the edited lines', move the later ones (copies: their ranges may be shared with the memo).
  const kept: Diagnostic[] = [];
  for (const d of model.diagnostics) {
    if (on(d.range.start.line)) continue;
    if (lineDelta !== 0 && (d.range.end.line > lastOld || (d.related ?? []).some((r) => r.range.end.line > lastOld))) {
      const c: Diagnostic = { ...d, range: moved(d.range, lineDelta, lastOld, memo) };
      if (d.related) c.related = d.related.map((r) => ({ ...r, range: moved(r.range, lineDelta, lastOld, memo) }));
      if (asmReports.has(d)) asmReports.add(c);
      kept.push(c);
    } else kept.push(d);
  }
  // References: drop the edited lines', move the later ones (each owns its range).
  const keptRefs: SymbolRef[] = [];
  let newRefAt = -1;
  for (let k = 0; k < refs.length; k++) {
    if (k === refAt) newRefAt = keptRefs.length;
    const r = refs[k];
    if (on(r.range.start.line)) continue;
    if (lineDelta !== 0) {
      shift(r.range.start);
      shift(r.range.end);
    }
    keptRefs.push(r);
  }
  if (refAt === refs.length) newRefAt = keptRefs.length;
  // Tokens and comment-free lines.
  const tokens = internals.tokens;
  const t0 = firstTokenAfter(tokens, first - 1);
  const t1 = firstTokenAfter(tokens, lastOld);
  const charDelta = e.text.length - model.text.length;
  moveTokens(internals, t1, lineDelta, charDelta);
  tokens.splice(t0, t1 - t0, fresh);
  st.clean.splice(first, lastOld - first + 1, ...lexed.clean.slice(0, lastNew - first + 1));
  // The rest of the model, generically; top-level blocks' ranges.
  if (shiftPlan) {
    for (const s of shiftPlan.slots) s.holder[s.key] = moved(s.value, lineDelta, lastOld, memo);
    for (let j = 0; j < shiftPlan.objects.length; j++) shiftPlan.objects[j].line += lineDelta;
    for (const b of internals.blocks) if (b.range.end.line > lastOld) b.range = moved(b.range, lineDelta, lastOld, memo);
  }
  // Statements after the edit, in place (their ranges belong to this model).
  const program = model.program;
  const bStart = Number(ci.start);
  const bOldEnd = Number(oldEnd);
  if (lineDelta !== 0) {
    moveStatements(st.code, ci, i1, lastOld, lineDelta);
    // Other blocks' instructions and lines (B's are rebuilt below).
    // forEach, not for…of: no entry array per element (these maps hold every instruction of the document).
    program.instrs.forEach((instr, a) => {
      if (a >= bStart && a < bOldEnd) return;
      if (instr.line !== undefined && instr.line > lastOld) program.instrs.set(a, relabel(instr, instr.line + lineDelta));
    });
    program.lineOf.forEach((l, a) => {
      if (l > lastOld && (a < bStart || a >= bOldEnd)) program.lineOf.set(a, l + lineDelta);
    });
    for (const c of program.chunks) if (c.line !== undefined && c.line > lastOld && (c.address < bStart || c.address >= bOldEnd)) c.line += lineDelta;
  }
  // B's literal pool leaves the program (its instructions' addresses are overwritten below, the ones past the new end removed).
  for (let a = Number(lay.poolBase); a < bOldEnd; a += POOL_SLOT) program.lineOf.delete(a);
  const oldCodeEnd = Number(oldCodeEndBig);
  // B's statements as they now are.
  lines.splice(i0, i1 - i0, ...added);
  for (const def of removedLabels) model.symbols.delete(def.name);
  block.lines.splice(i0, i1 - i0, ...added.map((li) => li.asm));

  // Pass 1 results.
  for (const def of moves) def.value = def.value! + delta;
  const poolMoved = poolBase - lay.poolBase;
  lay.codeEnd = codeEnd;
  lay.poolBase = poolBase;
  lay.slots = slots;
  ci.end = end;
  const firstAfter = i0 + added.length;
  if (delta !== 0n) for (let k = firstAfter; k < lines.length; k++) lines[k].asm.address = lines[k].asm.address! + delta;
  {
    let pcAdded = aOld;
    for (const li of added) {
      li.asm.address = pcAdded;
      pcAdded += 4n;
    }
  }
  if (hasLocals) st.localLabels.set(block, localLabelsOf(lines));

  // B's image: the old bytes before and after the edit (moved by δ), then what is assembled again.
  const oldSize = Number(oldCodeEndBig - base);
  const size = Number(codeEnd - base);
  const oldBytes = new Uint8Array(oldSize);
  const oldKnown = new Uint8Array(oldSize);
  const c0 = program.chunks.findIndex((c) => c.address >= bStart && c.address < bOldEnd);
  let cn = 0;
  if (c0 >= 0) while (c0 + cn < program.chunks.length && program.chunks[c0 + cn].address >= bStart && program.chunks[c0 + cn].address < bOldEnd) cn++;
  for (let k = c0; k >= 0 && k < c0 + cn; k++) {
    const c = program.chunks[k];
    const off = c.address - bStart;
    if (off >= oldSize) continue;
    oldBytes.set(c.bytes.subarray(0, oldSize - off), off);
    oldKnown.fill(1, off, Math.min(oldSize, off + c.bytes.length));
  }
  const bytes = new Uint8Array(size);
  const known = new Uint8Array(size);
  const aOff = Number(aOld - base);
  const bOff = Number(bOld - base);
  bytes.set(oldBytes.subarray(0, aOff));
  known.set(oldKnown.subarray(0, aOff));
  bytes.set(oldBytes.subarray(bOff), bOff + Number(delta));
  known.set(oldKnown.subarray(bOff), bOff + Number(delta));

  // Pass 2: keep what still holds, assemble the rest.
  const pool = oldPool;
  for (const l of layouts) for (const p of l.pool ?? []) if (p.line > lastOld) p.line += lineDelta;
  // Slot index by size, then value (bigint keys: no key string made per lookup).
  let poolIndex: Map<number, Map<bigint, number>> | undefined;
  const slotOf = (value: bigint, size: number): bigint => {
    if (!poolIndex) {
      poolIndex = new Map();
      for (let i = 0; i < pool.length; i++) {
        const bySize = poolIndex.get(pool[i].size) ?? new Map<bigint, number>();
        poolIndex.set(pool[i].size, bySize.set(pool[i].value, i));
      }
    }
    const k = poolIndex.get(size)?.get(value);
    return k === undefined ? -1n : poolBase + BigInt(k * POOL_SLOT);
  };
  let curPc = base;
  let curIndex = 0;
  const lookup = blockLookup(st, block, () => curPc, () => curIndex);
  const freshDiags: Diagnostic[] = [...interpretDiags];
  const reassembledLines = new Set<number>();
  const newRefs: SymbolRef[] = [];
  const els = internals.els;
  let assembled = 0;
  let keptCount = 0;
  let relocatedCount = 0;
  /** Whether line `li` (not new) keeps its assembly at its new place, from names alone: true, false (assemble again) or undefined (compare values). */
  const quick = (li: LineInternals, after: boolean): boolean | undefined => {
    const R = li.rec!;
    let moved = 0;
    // Index loops, not for…of with destructuring: no iterator per record (this runs for every line of B).
    for (let j = 0; j < R.lookups.length; j++) {
      const name = R.lookups[j][0];
      const end = name.charCodeAt(name.length - 1);
      if ((end === 98 || end === 102) && isLocalLabel(name.slice(0, -1))) return undefined; // `1b`, `1f`
      if (movedNames.has(name)) moved++;
    }
    const lits = R.literals.length;
    if (!after) return moved === 0 && (lits === 0 || poolMoved === 0n) ? true : undefined;
    if (delta === 0n) return moved === 0 ? true : undefined;
    const relative = R.pcDependent && R.reports.length === 0 && li.asm.mnemonic !== 'adrp';
    if (!R.pcDependent) return moved === 0 && lits === 0 ? true : undefined;
    if (lits > 0) return relative && moved === 0 && poolMoved === delta ? true : undefined;
    if (relative && R.lookups.length > 0 && moved === R.lookups.length && R.lookups.every(([n]) => li.asm.operands.some((o) => o.text === n))) return true;
    return undefined;
  };
  const write = (a: number, instr: Instr | undefined): void => {
    const off = a - bStart;
    if (instr?.encoding === undefined) {
      known.fill(0, off, off + 4);
      return;
    }
    const w = instr.encoding >>> 0;
    for (let b = 0; b < 4; b++) bytes[off + b] = (w >>> (8 * b)) & 0xff;
    known.fill(1, off, off + 4);
  };
  /** Lines assembled after the walk: new ones (no record) and those whose inputs changed. */
  const toAssemble: Pending[] = [];
  const place = (li: LineInternals, a: number, instr: Instr | undefined): void => {
    write(a, instr);
    if (program.lineOf.get(a) !== li.line) program.lineOf.set(a, li.line);
    const cur = program.instrs.get(a);
    if (!instr) {
      if (cur) program.instrs.delete(a);
    } else if (cur !== instr) program.instrs.set(a, instr);
  };
  for (let k = 0; k < lines.length; k++) {
    const li = lines[k];
    const asm = li.asm;
    if (asm.mnemonic === undefined) continue;
    const isNew = k >= i0 && k < firstAfter;
    const after = k >= firstAfter;
    const R = li.rec;
    if (!isNew && !R) return STALE;
    if (!isNew && !after && (R!.lookups.length === 0 || movedNames.size === 0 && !hasLocals) && (R!.literals.length === 0 || poolMoved === 0n)) continue;
    const at = asm.address!;
    const a = Number(at);
    curPc = at;
    curIndex = k;
    let instr: Instr | undefined;
    if (!isNew) {
      const q = quick(li, after);
      if (q === true) {
        keptCount++;
        if (!after) continue;
        instr = atLineOf(li, R!.instr);
      } else {
        const rec = R!;
        const d = at - rec.pc;
        let same = true;
        let shifted = rec.lookups.length > 0;
        for (let j = 0; j < rec.lookups.length; j++) {
          const name = rec.lookups[j][0];
          const v = rec.lookups[j][1];
          const now = lookup(name);
          const value = now === null ? undefined : now;
          if (value !== v) same = false;
          if (v === undefined || value !== v + d || !asm.operands.some((o) => o.text === name)) shifted = false;
        }
        let slotsSame = true;
        let slotsRelative = true;
        for (let j = 0; j < rec.literals.length; j++) {
          const l = rec.literals[j];
          const s = slotOf(l.value, l.size);
          if (s !== l.address) slotsSame = false;
          if (s - at !== l.address - rec.pc) slotsRelative = false;
        }
        const relative = rec.pcDependent && rec.reports.length === 0 && asm.mnemonic !== 'adrp';
        const keep =
          (same && slotsSame && (d === 0n || !rec.pcDependent)) || (relative && same && rec.literals.length > 0 && slotsRelative) || (relative && rec.literals.length === 0 && d !== 0n && shifted);
        const by = keep || !relative || rec.instr === undefined ? undefined : offsetChange(rec, d, same, (l) => slotOf(l.value, l.size), () => directTarget(rec, asm, lookup));
        const relocated = by === undefined ? undefined : withOffsetMoved(rec.instr!, by, li.line);
        if (keep) {
          keptCount++;
          instr = atLineOf(li, rec.instr);
        } else if (relocated) {
          // Only the offset changed: the word re-encoded from its decoded fields, the record now at this address.
          relocatedCount++;
          instr = relocated;
          li.rec = relocatedRecord(rec, relocated, at, lookup, slotOf);
        } else {
          // Only a line whose literal values are known can be given its slot before it is assembled; a numeric
          // local label resolves by the line's index in its block, which a one-line layout does not have.
          if (rec.literals.length > 1 || (rec.literals.length === 1 && !same)) return STALE;
          if (rec.lookups.some(([n]) => LOCAL_LABEL_REF.test(n))) return STALE;
          const slot = rec.literals.length === 1 ? slotOf(rec.literals[0].value, rec.literals[0].size) : poolBase;
          if (slot < 0n) return STALE;
          // Assembled below, with the other lines that use the same literal slot (one layout pass per group).
          toAssemble.push({ li, at, slot, rec });
          continue;
        }
      }
    } else {
      toAssemble.push({ li, at, slot: poolBase });
      continue;
    }
    place(li, a, instr);
  }
  // New lines in one group (their references are new too), the others by literal slot.
  const groups = new Map<string, Pending[]>();
  for (const p of toAssemble) {
    const key = p.rec ? String(p.slot) : 'new';
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  for (const [key, group] of groups) {
    const done = assembleLines(st, ci, group, els);
    assembled += group.length;
    if (key === 'new') {
      freshDiags.push(...done.diags);
      newRefs.push(...done.refs);
    } else for (const x of done.diags) if (asmReports.has(x)) freshDiags.push(x);
    for (const p of group) {
      if (p.rec && !sameReads(p.rec, p.li.rec)) return STALE;
      if (p.rec) reassembledLines.add(p.li.line);
      place(p.li, Number(p.at), done.instrs.get(Number(p.at)));
    }
  }
  // Addresses past the new end of the code held instructions before (the block shrank).
  for (let a = Number(codeEnd); a < oldCodeEnd; a += 4) {
    program.instrs.delete(a);
    program.lineOf.delete(a);
  }
  // B's image chunks, cut as layoutPass2 cuts them.
  const chunks = blockChunks(program, Number(base), bytes, known, pool, Number(poolBase));
  if (c0 < 0 && chunks.length > 0) return STALE;
  if (c0 >= 0) program.chunks.splice(c0, cn, ...chunks);

  // Diagnostics: the re-assembled lines' reports replaced, the new lines' added, suggestions for those only.
  const rest = reassembledLines.size === 0 ? kept : kept.filter((d) => !(asmReports.has(d) && reassembledLines.has(d.range.start.line)));
  model.diagnostics = freshDiags;
  attachSuggestions(model, st.language);
  model.diagnostics = sortDiagnostics([...rest, ...freshDiags]);
  if (model.diagnostics.length > MAX_DIAGNOSTICS) return STALE;
  if (newRefs.length > 0 && newRefAt < 0) return STALE;
  if (newRefs.length > 0) keptRefs.splice(newRefAt, 0, ...newRefs);
  model.refs = keptRefs;
  st.refs = keptRefs;
  model.text = e.text;
  return { kind: 'applied', assembled, kept: keptCount, relocated: relocatedCount };
}

/** Records made by relocations (below): this model's own, not the assembly memo's. */
const ownRecords = new WeakSet<AsmRecord>();

/**
 * The record of a relocated line: `rec` with the new instruction, address, symbol values and literal
 * slots. A record of the memo is copied (other lines and parses share it); one a relocation made is
 * this line's own and changes in place (a line relocated at every edit then costs no new record).
 */
function relocatedRecord(rec: AsmRecord, instr: Instr, pc: bigint, lookup: (name: string) => bigint | undefined | null, slot: (value: bigint, size: number) => bigint): AsmRecord {
  if (ownRecords.has(rec)) {
    rec.instr = instr;
    rec.pc = pc;
    for (let j = 0; j < rec.lookups.length; j++) rec.lookups[j][1] = lookup(rec.lookups[j][0]) ?? undefined;
    for (let j = 0; j < rec.literals.length; j++) rec.literals[j].address = slot(rec.literals[j].value, rec.literals[j].size);
    return rec;
  }
  const own: AsmRecord = {
    instr,
    lookups: rec.lookups.map((r) => [r[0], lookup(r[0]) ?? undefined]),
    literals: rec.literals.map((l) => ({ value: l.value, size: l.size, address: slot(l.value, l.size) })),
    reports: rec.reports,
    origin: rec.origin,
    pcDependent: rec.pcDependent,
    pc,
  };
  ownRecords.add(own);
  return own;
}
