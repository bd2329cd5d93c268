/**
 * A scenario being edited: its text and the model of that text, kept across
 * edits so that a new version costs what the edit changed (the language
 * server re-parses on every keystroke). `setText` takes the whole new text;
 * `model` compares it with the text of the last model and takes the cheapest
 * exact path:
 *
 * - only blank or `//` comment lines changed, and nothing after them moved:
 *   the model stands (its `text` updated);
 * - one instruction line changed in place: `patchLine` re-parses that line
 *   (linePatch.ts);
 * - anything else: a full `parseScenario`, whose line-level assembly memo
 *   (asmCache.ts) still skips the unchanged instructions.
 *
 * Every path gives the model `parseScenario(text, file)` gives
 * (test/lsp/incremental.test.ts: random edits, compared field by field).
 */
import { patchLine } from './linePatch';
import type { ScenarioModel } from './model';
import { parseWithInternals, type ParseInternals, type ParseOptions } from './parse';

export interface DocumentStats {
  /** Full parses. */
  parses: number;
  /** Edits applied by re-parsing one line. */
  patchedLines: number;
  /** Edits that left the model as it was (comments, blank lines). */
  unchanged: number;
}

/** The lines [first, lastOld] of `before` became [first, lastNew] of `after`; the rest is equal. */
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

/** The smallest run of whole lines that differs between the two texts. */
export function changedLines(before: string, after: string): LineChange {
  const min = Math.min(before.length, after.length);
  let p = 0;
  while (p < min && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < min - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  // Whole lines: from the start of the line holding the first difference to the end of the line holding the last.
  const first = lineOf(before, p);
  const oldLines = countLines(before);
  const newLines = countLines(after);
  const tailLines = lineOf(before.slice(before.length - s), s); // complete lines in the common suffix
  const lastOld = Math.max(first, oldLines - 1 - tailLines);
  const lastNew = Math.max(first, newLines - 1 - tailLines);
  return { first, lastOld, lastNew, oldLines, newLines };
}

function lineRange(text: string, first: number, last: number): string[] {
  let start = 0;
  for (let k = 0; k < first; k++) start = text.indexOf('\n', start) + 1;
  const out: string[] = [];
  for (let k = first; k <= last; k++) {
    const end = text.indexOf('\n', start);
    out.push(end < 0 ? text.slice(start) : text.slice(start, end));
    start = end + 1;
  }
  return out;
}

/** A line that holds no token: blank, or a `//` comment without block-comment delimiters. */
const NO_TOKENS = /^[ \t]*(\/\/[^\n]*)?\r?$/;
const isQuiet = (l: string): boolean => NO_TOKENS.test(l) && !l.includes('/*') && !l.includes('*/');

export class ScenarioDocument {
  private current: string;
  private built: { text: string; model: ScenarioModel; internals?: ParseInternals; lastLine: number } | undefined;
  readonly stats: DocumentStats = { parses: 0, patchedLines: 0, unchanged: 0 };

  constructor(
    readonly file: string,
    text: string,
    private readonly options: ParseOptions = {},
  ) {
    this.current = text;
  }

  get text(): string {
    return this.current;
  }

  /** Replace the text (the model follows on first use). */
  setText(text: string): void {
    this.current = text;
  }

  /** The model of the current text, equal to `parseScenario(text, file, options)`. */
  get model(): ScenarioModel {
    const b = this.built;
    if (b && b.text === this.current) return b.model;
    if (b && this.update(b)) return b.model;
    this.stats.parses++;
    const { model, internals } = parseWithInternals(this.current, this.file, this.options);
    this.built = { text: this.current, model, internals, lastLine: lastUsedLine(model) };
    return model;
  }

  /** Apply the edit from `b.text` to the current text in place; false when a full parse is needed. */
  private update(b: NonNullable<ScenarioDocument['built']>): boolean {
    const c = changedLines(b.text, this.current);
    const before = lineRange(b.text, c.first, c.lastOld);
    const after = lineRange(this.current, c.first, c.lastNew);
    if (before.every(isQuiet) && after.every(isQuiet) && (c.oldLines === c.newLines || c.first > b.lastLine)) {
      b.model.text = this.current;
      b.text = this.current;
      this.stats.unchanged++;
      return true;
    }
    if (c.oldLines !== c.newLines || c.first !== c.lastOld || !b.internals || this.options.assembler !== undefined) return false;
    if (!patchLine(b.model, b.internals, c.first, before[0], after[0], this.current, this.options.cache !== false)) return false;
    b.text = this.current;
    this.stats.patchedLines++;
    return true;
  }
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
