/**
 * New top-level `code`/`data` blocks pasted or typed between the blocks of the
 * last parse (most often at the end of the document), applied in place: only
 * the new blocks are lexed, interpreted, laid out and assembled; every other
 * block keeps its parse, assembly and image, and what follows the new lines
 * moves by the number of lines added (shift.ts).
 *
 * Blocks are independent after layout: a new block B changes nothing else
 * when no other statement reads it. So this refuses (answers 'refused',
 * changing nothing) whenever something else could: a label of B named
 * anywhere else (references, entry points, constants) or already defined; an
 * entry point inside B; B overlapping another block; a PE that starts at "the
 * first code block" (no `entry`); B's base reading a constant that depends on
 * labels (a full parse evaluates it before labels have values); `.equ`/`.set`
 * in B; a word of an extension block holding one of B's labels (their passes
 * — page tables, firmware, GIC — read symbols by name; none reads the code
 * blocks or the image); a data block when the cache model reads data
 * addresses (cache/aliasing.ts); an undefined symbol anywhere (its "did
 * you mean" compares every symbol); a diagnostic of B that asks for a
 * suggestion (it would spend the parse's budget); the diagnostics cap. The new lines must
 * hold whole blocks, each closed, between two top-level statements.
 *
 * The pieces land where a full parse puts them: B's statements, layout and
 * image chunks after the blocks before it; its labels after the earlier
 * blocks' labels in the symbol table; its header's references among the
 * interpretation-phase references, its operands' among the assembly ones
 * (model.ts: references are in text order per pass).
 * test/lsp/blockInsert.test.ts checks every answer against a full parse.
 */
import { expressionSymbols } from '../isa/expr';
import { defaultAssembler } from './assembler';
import { overlaps } from './blockAssembly';
import { splitBlocks, type RawBlock } from './blocks';
import { interpretCode } from './codeBlock';
import { Reporter } from './diagnostics';
import { checkPlacement, layoutPass1, layoutPass2 } from './layout';
import { lexLinesAt, type Token } from './lexer';
import { MAX_DIAGNOSTICS, MAX_IMAGE_BYTES, MAX_SUGGESTION_COMPARISONS } from './limits';
import type { ScenarioModel, SymbolRef } from './model';
import { codeEls, sortDiagnostics, type ParseInternals } from './parse';
import { firstTokenAfter, moveTokens, shiftLines } from './shift';
import { NO_OPERANDS, type CodeInternals, type ParseState } from './state';
import { attachSuggestions } from './suggest';
import { isLocalLabel } from './symbols';

export interface BlockInsert {
  /** Lines [first, lastOld] of the parsed text (blank or comment lines) became lines [first, lastNew] of `text`. */
  first: number;
  lastOld: number;
  lastNew: number;
  after: string[];
  /** Offset of line `first` in `text`. */
  offset: number;
  text: string;
  /** Whether anything of the model lies after the edit (it then moves by the lines added). */
  moves: boolean;
  /**
   * Whether the old or the new text may hold `/*` (a block comment spans lines, which these edits
   * do not follow): false only when the caller knows neither does, so the text is never scanned.
   */
  blockComments: boolean;
}

export type BlockInsertResult = { kind: 'refused' } | { kind: 'applied'; blocks: number; assembled: number; lastLine: number };

export const REFUSED: BlockInsertResult = { kind: 'refused' };
const LINE_NUMBER = /\bline \d/;
/** Directives that define a symbol (a constant: its value may be read before B in a full parse). */
const DEFINES = new Set(['.equ', '.set']);
/** Read by name: the entry of a PE without `entry` (check.ts, engine/init.ts). */
const IMPLICIT_ENTRY = 'start';

/**
 * Whether `name` is a top-level constant whose value a full parse knows before
 * any label: only such constants and the language's predefined symbols, at
 * any depth (a cycle or an unknown name refuses).
 */
function valuedBeforeLabels(st: ParseState, name: string, seen: Set<string>): boolean {
  const def = st.model.symbols.get(name);
  if (!def) return st.language.symbol(name) !== undefined;
  if (def.kind !== 'constant' || seen.has(name) || def.value === undefined) return false;
  const decl = st.consts.find((c) => c.def === def);
  if (!decl || decl.lookup !== undefined) return false;
  seen.add(name);
  return expressionSymbols(decl.expr.text).every((s) => s.name !== '.' && valuedBeforeLabels(st, s.name, seen));
}

/** Whether a PE block starts at "the first code block" (check.ts): a new first block would change its warning. */
function implicitEntry(model: ScenarioModel): boolean {
  const pes = model.system.pes;
  const entered = new Set<number>();
  for (const decl of model.pes) if (decl.entry) for (const id of decl.ids) entered.add(id);
  return model.pes.some((decl) => !decl.entry && decl.ids.some((id) => id < pes && !entered.has(id)));
}

/**
 * What a code block added or removed needs of the rest of the model, whatever
 * the block: PEs that start at their `entry` (not at "the first code block"),
 * no undefined symbol (its "did you mean" compares every symbol), no
 * overlapping blocks or image over its limit, room under the diagnostics cap,
 * and — when what follows moves — no message quoting a line number. Other
 * suggestions (instructions, registers, keywords) stand: their words do not
 * depend on the model, and the block added or removed may spend none of the
 * parse's suggestion budget (checked by the callers).
 */
export function blocksStandAlone(model: ScenarioModel, moves: boolean): boolean {
  if (model.pes.length === 0 || implicitEntry(model)) return false;
  for (const d of model.diagnostics) {
    if (d.rule === 'too-many-diagnostics' || d.rule === 'undefined-symbol' || d.rule === 'overlapping-blocks' || d.rule === 'image-too-large' || /^undefined symbol '/.test(d.message)) return false;
    if (moves && (LINE_NUMBER.test(d.message) || (d.related ?? []).some((r) => LINE_NUMBER.test(r.message)))) return false;
  }
  return true;
}

/** The top-level block whose last token starts at offset `start` and that nothing continues (closed, or without a body). */
export function endsAt(internals: ParseInternals, start: number): RawBlock | undefined {
  const language = internals.st.language;
  for (const b of internals.blocks) {
    const last = b.close ?? (b.open ? undefined : b.header.length > 0 ? b.header[b.header.length - 1] : b.keyword);
    if (last && last.start === start && (b.close !== undefined || !language.opensBody(b.keyword.text))) return b;
  }
  return undefined;
}

export function insertBlocks(model: ScenarioModel, internals: ParseInternals, e: BlockInsert): BlockInsertResult {
  const { st } = internals;
  const { first, lastOld, lastNew } = e;
  const lineDelta = lastNew - lastOld;
  const tokens = internals.tokens;
  const at = firstTokenAfter(tokens, first - 1);
  if (at !== firstTokenAfter(tokens, lastOld)) return REFUSED;

  // The new lines, lexed and split into top-level blocks as a full parse does (the lexer is line by line without block comments).
  const lexed = lexLinesAt(e.after, first, e.offset);
  if (lexed.diagnostics.length > 0) return REFUSED;
  const fresh: Token[] = lexed.tokens;
  const split = new Reporter();
  const raws = splitBlocks(fresh, split, st.language);
  if (split.list.length > 0 || raws.length === 0) return REFUSED;
  for (const b of raws) if ((b.keyword.text !== 'code' && b.keyword.text !== 'data') || !b.open || !b.close) return REFUSED;
  // The whole-document conditions come last: a typed instruction line is refused above, at the cost of its own line.
  // Tokens after the edit move with the model even where no model part lies after it (a title).
  const moves = e.moves || at < tokens.length;
  if (e.blockComments || !blocksStandAlone(model, moves)) return REFUSED;

  // Between two top-level statements: the token before ends one, the token after starts one.
  if (at > 0 && !endsAt(internals, tokens.startAt(at - 1))) return REFUSED;
  if (at < tokens.length && !internals.blocks.some((b) => b.keyword.start === tokens.startAt(at))) return REFUSED;
  const blockAt = internals.blocks.filter((b) => b.keyword.line < first).length;
  const codeAt = st.code.filter((c) => c.block.range.start.line < first).length;
  const later = new Set(st.code.slice(codeAt).map((c) => c.block));
  if (later.size > 0 && st.consts.some((c) => c.lookup !== undefined)) return REFUSED;

  // B alone, as the full parse's phases see it: interpretation, layout pass 1, EL inference, pass 2, placement.
  const rep = new Reporter();
  const clean: string[] = [];
  for (let k = 0; k <= lastNew - first; k++) clean[first + k] = lexed.clean[k] ?? '';
  const scratchModel: ScenarioModel = { ...model, code: [], program: { instrs: new Map(), chunks: [], lineOf: new Map() }, diagnostics: [], refs: [] };
  const scratch: ParseState = { ...st, model: scratchModel, rep, clean, refs: scratchModel.refs!, code: [], consts: [], late: [], early: [], localLabels: new Map() };
  for (const b of raws) interpretCode(scratch, b);
  const headerRefs = scratch.refs.length;
  for (const ci of scratch.code) {
    if (!ci.hasBase) return REFUSED;
    if (!exprNames(ci).every((n) => valuedBeforeLabels(st, n, new Set()))) return REFUSED;
  }
  const own = labelsOf(scratch.code);
  if (!own) return REFUSED;
  for (const n of own) if (model.symbols.has(n)) return REFUSED;
  for (const r of model.refs ?? []) if (own.has(r.name)) return REFUSED;
  if (namedInExtensionBlocks(model, own)) return REFUSED;

  // B's labels go into the symbol table (new names only: removing them again restores it).
  const undo = (): BlockInsertResult => {
    for (const n of own) model.symbols.delete(n);
    return REFUSED;
  };
  const layouts = layoutPass1(scratch);
  if (layouts.length !== scratch.code.length) return undo();
  let image = 0n;
  for (const l of [...internals.layouts, ...layouts]) image += (l.ci.end ?? l.poolBase) - l.base;
  if (image > BigInt(MAX_IMAGE_BYTES)) return undo();
  for (const ci of scratch.code) {
    for (const o of [...st.code, ...scratch.code]) if (o !== ci && o.start !== undefined && o.end !== undefined && overlaps(o.start, o.end, ci.start!, ci.end!)) return undo();
    for (const pe of model.pes) if (pe.entry?.value !== undefined && pe.entry.value >= ci.start! && pe.entry.value < ci.end!) return undo();
    if (ci.block.kind === 'data' && model.system.cacheModel === 'on') return undo();
  }
  const els = codeEls(scratch);
  layoutPass2(scratch, layouts, defaultAssembler(), true, els);
  checkPlacement(scratch);
  // "Did you mean" depends on the whole symbol table and on the parse's budget: B may not need one.
  scratchModel.diagnostics = rep.list;
  const budget = new Reporter();
  attachSuggestions(scratchModel, st.language, budget);
  if (rep.suggestionBudget !== MAX_SUGGESTION_COMPARISONS || budget.suggestionBudget !== MAX_SUGGESTION_COMPARISONS) return undo();
  if (rep.list.some((d) => d.rule === 'undefined-symbol' || d.suggestion !== undefined || LINE_NUMBER.test(d.message))) return undo();
  if (model.diagnostics.length + rep.list.length > MAX_DIAGNOSTICS) return undo();

  // Where B's pieces go (in the old text's lines, before anything moves).
  const refs = model.refs ?? [];
  const inBody = (r: SymbolRef): boolean => st.code.some((c) => c.block.range.start.line <= r.range.start.line && r.range.end.line <= c.block.range.end.line && after(r.range.start, c.headerRange.end));
  let pass2 = refs.findIndex(inBody);
  if (pass2 < 0) pass2 = refs.length;
  let headerAt = pass2;
  for (let k = 0; k < pass2; k++) if (refs[k].range.start.line > lastOld) { headerAt = k; break; }
  let bodyAt = refs.length;
  for (let k = pass2; k < refs.length; k++) if (refs[k].range.start.line > lastOld) { bodyAt = k; break; }
  const layoutAt = internals.layouts.filter((l) => !later.has(l.ci.block)).length;
  let chunkAt = 0;
  const chunks = model.program.chunks;
  for (const l of internals.layouts.slice(0, layoutAt)) while (chunkAt < chunks.length && chunks[chunkAt].address >= Number(l.base) && chunks[chunkAt].address < Number(l.ci.end ?? l.poolBase)) chunkAt++;
  const defs = [...own].map((n) => model.symbols.get(n)!);

  // ---- From here on the model changes. ----
  for (const n of own) model.symbols.delete(n);
  const charDelta = e.text.length - model.text.length;
  if (moves) {
    if (!shiftLines(model, internals, first, lastOld, lineDelta, clean.slice(first))) return REFUSED;
  } else st.clean.splice(first, lastOld - first + 1, ...clean.slice(first));
  moveTokens(internals, at, 0, charDelta);
  tokens.splice(at, 0, fresh);
  internals.blocks.splice(blockAt, 0, ...raws.map((b) => ({ ...b, body: [] })));
  model.code.splice(codeAt, 0, ...scratchModel.code);
  st.code.splice(codeAt, 0, ...scratch.code);
  internals.layouts.splice(layoutAt, 0, ...layouts);
  for (const [b, el] of els) internals.els.set(b, el);
  for (const [b, l] of scratch.localLabels) st.localLabels.set(b, l);
  for (const ci of scratch.code) for (const li of ci.lines) li.operandTokens = NO_OPERANDS;
  // Symbols: after the labels of the blocks before B (layout pass 1 defines them block by block).
  if (later.size === 0) for (const d of defs) model.symbols.set(d.name, d);
  else {
    const old = [...model.symbols.values()];
    model.symbols.clear();
    let placed = false;
    for (const d of old) {
      if (!placed && d.block !== undefined && later.has(d.block)) {
        for (const x of defs) model.symbols.set(x.name, x);
        placed = true;
      }
      model.symbols.set(d.name, d);
    }
    if (!placed) for (const x of defs) model.symbols.set(x.name, x);
  }
  const program = scratchModel.program;
  program.instrs.forEach((instr, a) => model.program.instrs.set(a, instr));
  program.lineOf.forEach((l, a) => model.program.lineOf.set(a, l));
  chunks.splice(chunkAt, 0, ...program.chunks);
  refs.splice(bodyAt, 0, ...scratch.refs.slice(headerRefs));
  refs.splice(headerAt, 0, ...scratch.refs.slice(0, headerRefs));
  model.diagnostics = sortDiagnostics([...model.diagnostics, ...rep.list]);
  let lastLine = 0;
  for (const b of raws) lastLine = Math.max(lastLine, b.range.end.line);
  let assembled = 0;
  for (const ci of scratch.code) assembled += ci.lines.length;
  return { kind: 'applied', blocks: raws.length, assembled, lastLine };
}

/**
 * Whether an extension block's word may name one of `names` (its pass reads
 * symbols by name: page-table, firmware and GIC addresses); any word holding
 * the name counts, so an expression `label + 0x10` does too.
 */
export function namedInExtensionBlocks(model: ScenarioModel, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  const named = (w: { text: string }): boolean => {
    for (const n of names) if (w.text.includes(n)) return true;
    return false;
  };
  return model.blocks.some((b) => b.args.some(named) || b.body.some((s) => s.words.some(named)));
}

/**
 * The labels blocks define, in the order layout pass 1 defines them (a
 * block's name, then its lines'); undefined when they define a constant
 * (`.equ`, `.set`) or the label a PE without `entry` starts at.
 */
export function labelsOf(cis: readonly CodeInternals[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const ci of cis) {
    if (ci.block.name !== undefined) names.add(ci.block.name);
    for (const li of ci.lines) {
      if (li.asm.mnemonic !== undefined && DEFINES.has(li.asm.mnemonic)) return undefined;
      for (const l of li.asm.labels) if (!isLocalLabel(l.name)) names.add(l.name);
    }
  }
  return names.has(IMPLICIT_ENTRY) ? undefined : names;
}

/** The names B's base address reads. */
function exprNames(ci: CodeInternals): string[] {
  return expressionSymbols(ci.block.base.text).map((s) => s.name);
}

const after = (p: { line: number; col: number }, q: { line: number; col: number }): boolean => p.line > q.line || (p.line === q.line && p.col >= q.col);
