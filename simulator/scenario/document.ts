/**
 * A scenario being edited: its text and the model of that text, kept across
 * edits so that a new version costs what the edit changed (the language
 * server re-parses on every keystroke). `setText` takes the whole new text;
 * `model` compares it with the text of the last model and takes the cheapest
 * exact path:
 *
 * - only blank or `//` comment lines changed: the model stands (its `text`
 *   updated), with what follows moved when lines were added or removed
 *   (shift.ts);
 * - one instruction line changed in place: `patchLine` re-parses that line
 *   (linePatch.ts);
 * - whole new code blocks between the others: those blocks alone are parsed
 *   (blockInsert.ts); whole code blocks deleted: they leave the model
 *   (blockRemove.ts);
 * - anything else: a full `parseScenario`, whose line-level assembly memo
 *   (asmCache.ts) still skips the unchanged instructions.
 *
 * Every path gives the model `parseScenario(text, { file, language })` gives
 * (test/lsp/incremental.test.ts: random edits, compared field by field).
 *
 * A caller that knows which lines an edit replaced (the language server's
 * text store) says so (`setText(text, edit)`): the model then reads those
 * lines instead of comparing the whole old and new texts, so a keystroke
 * never copies or scans the document (the texts may be ropes, V8 cons
 * strings, that a scan would flatten).
 */
import type { RawBlock } from './blocks';
import { lex } from './lexer';
import { MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES } from './limits';
import { editBlockBody, type BodyEdit } from './bodyEdit';
import { insertBlocks } from './blockInsert';
import { removeBlocks } from './blockRemove';
import { patchLine } from './linePatch';
import { firstTokenAfter, moveTokens, shiftLines } from './shift';
import type { TokenList } from './tokenList';
import type { ScenarioLanguage } from './keywords';
import type { ScenarioModel } from './model';
import { parseWithInternals, type ParseInternals, type ParseOptions } from './parse';
import { NO_OPERANDS } from './state';

export interface DocumentStats {
  /** Full parses. */
  parses: number;
  /** Edits applied by re-parsing one line. */
  patchedLines: number;
  /** Edits that left the model as it was (comments, blank lines, nothing after them moving). */
  unchanged: number;
  /** Edits that added or removed blank or comment lines: what follows was moved (shift.ts). */
  shifted: number;
  /** Edits inside one code block's body applied by laying out that block alone (bodyEdit.ts). */
  blockEdits: number;
  /** Instructions those edits assembled again (new lines, and lines whose assembly inputs changed). */
  assembled: number;
  /** PC-relative instructions those edits re-encoded with a moved offset instead of assembling them again. */
  relocated: number;
  /** Edits that added whole code blocks between the others, applied by parsing those blocks alone (blockInsert.ts). */
  blockInserts: number;
  /** Edits that deleted whole code blocks, applied by taking them out of the model (blockRemove.ts). */
  blockRemovals: number;
}

/**
 * An edit described by its caller: the lines it replaced, as bodyEdit.ts takes
 * them (lines split at `\n`; `offset` where line `first` starts in the new
 * text), and `lines`, the new text's line count.
 */
export type LineEdit = Omit<BodyEdit, 'text' | 'blockComments'> & { lines: number };

/**
 * Lines [first, lastOld] of `before` became lines [first, lastNew] of `after`
 * (an empty range — last = first - 1 — for a pure insertion or deletion);
 * every other line is equal, in order.
 */
interface LineChange {
  first: number;
  lastOld: number;
  lastNew: number;
  oldLines: number;
  newLines: number;
}

function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function countLines(text: string): number {
  return lineOf(text, text.length) + 1;
}

/** The fewest whole lines that differ: the equal lines at the start and at the end are left out. */
export function changedLines(before: string, after: string): LineChange {
  const min = Math.min(before.length, after.length);
  let p = 0;
  while (p < min && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < min && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  const oldLines = countLines(before);
  const newLines = countLines(after);
  // Lines before the one holding the first difference are equal; so are the lines that start inside the common suffix.
  const first = lineOf(before, p);
  let tail = 0;
  for (let i = before.indexOf('\n', before.length - s); i >= 0; i = before.indexOf('\n', i + 1)) tail++;
  tail = Math.min(tail, Math.min(oldLines, newLines) - first);
  return { first, lastOld: oldLines - tail - 1, lastNew: newLines - tail - 1, oldLines, newLines };
}

/** Lines [first, last] of `text`, and the offset where the first one starts. */
function lineRange(text: string, first: number, last: number): { lines: string[]; offset: number } {
  let start = 0;
  for (let k = 0; k < first; k++) start = text.indexOf('\n', start) + 1;
  const offset = start;
  const out: string[] = [];
  for (let k = first; k <= last; k++) {
    const end = text.indexOf('\n', start);
    out.push(end < 0 ? text.slice(start) : text.slice(start, end));
    start = end + 1;
  }
  return { lines: out, offset };
}

/** A line that holds no token: blank, or a `//` comment without block-comment delimiters. */
const NO_TOKENS = /^[ \t]*(\/\/[^\n]*)?\r?$/;
const isQuiet = (l: string): boolean => NO_TOKENS.test(l) && !l.includes('/*') && !l.includes('*/');

export class ScenarioDocument {
  private current: string;
  /** Bumped by every setText: the model is of the current text when it was built or updated at this generation. */
  private generation = 0;
  /** The edit the last setText was given, and the generation it starts from. */
  private edit: { from: number; edit: LineEdit } | undefined;
  /**
   * The last model and what edits read of its text: `blockComments`, whether the text may hold `/*`
   * (found by the full parse's scan, then kept from the lines each edit adds, never by a scan of the
   * whole text: a text that lost its last `/*` keeps the flag until the next full parse).
   */
  private built: { text: string; generation: number; model: ScenarioModel; internals?: ParseInternals; lastLine: number; blockComments: boolean } | undefined;
  readonly stats: DocumentStats = { parses: 0, patchedLines: 0, unchanged: 0, shifted: 0, blockEdits: 0, assembled: 0, relocated: 0, blockInserts: 0, blockRemovals: 0 };

  constructor(
    readonly file: string,
    text: string,
    private readonly options: ParseOptions & { language: ScenarioLanguage },
  ) {
    this.current = text;
  }

  get text(): string {
    return this.current;
  }

  /**
   * The lexer's tokens and the top-level blocks of the current text (after
   * `model`; undefined when the last parse failed internally). A line patch
   * keeps them current; the blocks carry their keyword, header, braces and
   * range, not their body statements.
   */
  get tokens(): TokenList | undefined {
    void this.model;
    return this.built?.internals?.tokens;
  }

  get blocks(): RawBlock[] | undefined {
    void this.model;
    return this.built?.internals?.blocks;
  }

  /** Whether the current text may hold `/*` (after `model`; false only when it holds none), known without a scan of the text. */
  get blockComments(): boolean {
    void this.model;
    return this.built?.blockComments ?? this.current.includes('/*');
  }

  /**
   * Replace the text (the model follows on first use). `edit`, when given,
   * says which lines changed from the text of the previous call.
   */
  setText(text: string, edit?: LineEdit): void {
    this.edit = edit ? { from: this.generation, edit } : undefined;
    this.generation++;
    this.current = text;
  }

  /** The model of the current text, equal to `parseScenario(text, { ...options, file })`. */
  get model(): ScenarioModel {
    const b = this.built;
    if (b?.generation === this.generation) return b.model;
    // An edit described from the model's own text: its lines are read, the texts never compared.
    const edit = b && this.edit?.from === b.generation ? this.edit.edit : undefined;
    if (b && !edit && b.text === this.current) {
      b.generation = this.generation;
      return b.model;
    }
    if (b && this.update(b, edit)) {
      b.generation = this.generation;
      return b.model;
    }
    // The old model goes before the new one is built: one model in memory at a time.
    this.built = undefined;
    this.stats.parses++;
    const { model, internals } = parseWithInternals(this.current, { ...this.options, file: this.file });
    if (internals) keepOnlyWhatPatchesRead(internals);
    this.built = { text: this.current, generation: this.generation, model, internals, lastLine: lastUsedLine(model), blockComments: this.current.includes('/*') };
    return model;
  }

  /** Apply the edit from `b.text` to the current text in place (`edit`: the lines it replaced, when known); false when a full parse is needed. */
  private update(b: NonNullable<ScenarioDocument['built']>, edit: LineEdit | undefined): boolean {
    // A refused text (over the parser's size limits) or an internal error keeps no internals: parse again.
    const internals = b.internals;
    if (!internals) return false;
    const c = edit ? { ...edit, oldLines: edit.lines - (edit.lastNew - edit.lastOld), newLines: edit.lines } : changedLines(b.text, this.current);
    // An edit that takes the text over a size limit is refused as a whole, whatever it touched (limits.ts).
    if (this.current.length > MAX_SCENARIO_CHARS || c.newLines > MAX_SCENARIO_LINES) return false;
    const before = edit ? edit.before : lineRange(b.text, c.first, c.lastOld).lines;
    const { lines: after, offset } = edit ? { lines: edit.after, offset: edit.offset } : lineRange(this.current, c.first, c.lastNew);
    const charDelta = this.current.length - b.text.length;
    const lineDelta = c.newLines - c.oldLines;
    const quiet = before.every(isQuiet) && after.every(isQuiet);
    const moves = lineDelta !== 0 && c.first <= b.lastLine;
    const single = c.first === c.lastOld && c.first === c.lastNew;
    // The new text holds `/*` only where the old one did or on the lines the edit wrote (a `/*` never spans a line break).
    const blockComments = b.blockComments || after.some((l) => l.includes('/*'));
    if (blockComments) b.blockComments = true;
    const ownAssembler = this.options.assembler === undefined;
    if (quiet && !moves) {
      // Blank or comment lines changed, nothing after them moves.
      moveTokens(internals, firstTokenAfter(internals.tokens, c.lastOld), 0, charDelta);
      this.stats.unchanged++;
      b.model.text = this.current;
      b.text = this.current;
      return true;
    }
    if (single && !quiet && ownAssembler && patchLine(b.model, internals, c.first, offset, before[0], after[0], this.current, this.options.cache !== false)) {
      moveTokens(internals, firstTokenAfter(internals.tokens, c.first), 0, charDelta);
      b.text = this.current;
      this.stats.patchedLines++;
      return true;
    }
    if (ownAssembler && this.options.cache !== false && before.every(isQuiet) && !quiet) {
      // Whole new blocks between the others: those blocks alone are parsed (blockInsert.ts).
      const r = insertBlocks(b.model, internals, { first: c.first, lastOld: c.lastOld, lastNew: c.lastNew, after, offset, text: this.current, moves, blockComments });
      if (r.kind === 'applied') {
        b.lastLine = Math.max(c.first <= b.lastLine ? b.lastLine + lineDelta : b.lastLine, r.lastLine);
        b.model.text = this.current;
        b.text = this.current;
        this.stats.blockInserts++;
        this.stats.assembled += r.assembled;
        return true;
      }
    }
    if (!quiet && after.every(isQuiet)) {
      // Whole blocks deleted: they leave the model, what follows moves back (blockRemove.ts).
      const r = removeBlocks(b.model, internals, { first: c.first, lastOld: c.lastOld, lastNew: c.lastNew, clean: after.map((l) => lex(l).clean[0] ?? ''), text: this.current, blockComments });
      if (r.kind === 'stale') return false;
      if (r.kind === 'applied') {
        if (c.first <= b.lastLine) b.lastLine += lineDelta;
        b.model.text = this.current;
        b.text = this.current;
        this.stats.blockRemovals++;
        return true;
      }
    }
    if (ownAssembler && this.options.cache !== false) {
      // Inside one code block: that block alone is laid out again (bodyEdit.ts).
      const r = editBlockBody(b.model, internals, { first: c.first, lastOld: c.lastOld, lastNew: c.lastNew, before, after, offset, text: this.current, blockComments });
      if (r.kind === 'stale') return false;
      if (r.kind === 'applied') {
        if (c.first <= b.lastLine) b.lastLine += lineDelta;
        b.text = this.current;
        this.stats.blockEdits++;
        this.stats.assembled += r.assembled;
        this.stats.relocated += r.relocated;
        return true;
      }
    }
    if (!quiet) return false;
    // Lines with no token were added or removed before other text: move what follows.
    const from = firstTokenAfter(internals.tokens, c.lastOld);
    const clean = after.map((l) => lex(l).clean[0] ?? '');
    if (!shiftLines(b.model, internals, c.first, c.lastOld, lineDelta, clean)) return false;
    b.lastLine += lineDelta;
    this.stats.shifted++;
    moveTokens(internals, from, 0, charDelta);
    b.model.text = this.current;
    b.text = this.current;
    return true;
  }
}

/**
 * Release the parts of a parse's internals that a line patch never reads
 * (they are a third of its memory): statement tokens inside block bodies and
 * the operand tokens of each assembled line (patchLine lexes the lines it
 * replaces again).
 */
function keepOnlyWhatPatchesRead(internals: ParseInternals): void {
  internals.blocks = internals.blocks.map((b) => ({ ...b, body: [] }));
  for (const ci of internals.st.code) for (const li of ci.lines) li.operandTokens = NO_OPERANDS;
}

/** The last line any part of the model refers to (a quiet edit after it moves nothing). */
function lastUsedLine(model: ScenarioModel): number {
  let last = 0;
  const see = (r: { end: { line: number } }) => {
    if (r.end.line > last) last = r.end.line;
  };
  for (const x of [...model.code, ...model.pes, ...model.events, ...model.expectations, ...model.blocks, ...model.symbols.values()]) see(x.range);
  for (const d of model.diagnostics) {
    see(d.range);
    for (const r of d.related ?? []) see(r.range);
  }
  if (model.system.range) see(model.system.range);
  for (const r of model.refs ?? []) see(r.range);
  return last;
}
