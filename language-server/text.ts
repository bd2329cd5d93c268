/**
 * The text of an open document, kept in step with the client's incremental
 * changes without a copy of the whole text per change: whole lines in chunks
 * of about CHUNK_LINES lines, each chunk a string of its own. A change
 * rewrites the chunks it touches (and one on each side, so that a `\r\n`
 * formed or split at the edit's ends is seen); `getText()` joins the chunks
 * into one string made of the chunks (a rope of V8 cons strings, no
 * character copied) and keeps it until the next change. Lines are counted
 * per chunk, so the line count follows each change without a scan of the
 * text.
 *
 * Positions are read as vscode-languageserver-textdocument reads them (LSP:
 * lines end at `\r\n`, `\r` or `\n`; a character past the end of its line is
 * the end of the line; a line past the last is the end of the text; a range
 * whose end is before its start is turned round), so the text after any
 * sequence of changes is the text that library gives (test/lsp/text.test.ts).
 */
import type { LineEdit } from '../simulator/scenario/document';

/** Lines per chunk when a change's text is cut into chunks (a chunk edited often may grow to any size; it is cut again when it passes 2 × CHUNK_LINES). */
export const CHUNK_LINES = 64;

export interface TextPosition {
  line: number;
  character: number;
}

/** One change as the client sends it (`TextDocumentContentChangeEvent`): a range and its new text, or the whole new text. */
export type TextChange = { range: { start: TextPosition; end: TextPosition }; text: string } | { text: string };

/** The lines a change replaced, as the scenario model reads them (simulator/scenario/document.ts). */
export type { LineEdit };

/** Lines of `text`, each with its line break (`\r\n`, `\r` or `\n`, as LSP counts lines); the last one (possibly empty) has none. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 10 && ch !== 13) continue;
    if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
  out.push(text.slice(start));
  return out;
}

/** Length of a line without its line break. */
function contentLength(line: string): number {
  if (line.endsWith('\r\n')) return line.length - 2;
  if (line.endsWith('\n') || line.endsWith('\r')) return line.length - 1;
  return line.length;
}

/** Line breaks of a chunk that are a lone `\r` (not lines for the scenario parser, which splits at `\n`). */
function loneCrOf(chunk: string): number {
  let n = 0;
  for (let i = chunk.indexOf('\r'); i >= 0; i = chunk.indexOf('\r', i + 1)) if (chunk.charCodeAt(i + 1) !== 10) n++;
  return n;
}

interface Chunk {
  text: string;
  /** Lines that start in the chunk (every chunk but the last ends with a line break; the last one holds the unterminated last line). */
  lines: number;
  loneCr: number;
}

/** Join strings pairwise into a balanced rope (V8 concatenation of long strings makes cons strings: nothing is copied). */
function rope(parts: string[], from = 0, to = parts.length): string {
  if (to - from === 1) return parts[from];
  if (to - from === 0) return '';
  const mid = (from + to) >> 1;
  return rope(parts, from, mid) + rope(parts, mid, to);
}

export class DocumentText {
  private chunks: Chunk[] = [];
  private lineTotal = 0;
  private loneCrTotal = 0;
  private chars = 0;
  private joined: string | undefined;

  constructor(text: string) {
    this.replaceAll(text);
  }

  /** Characters of the text. */
  get length(): number {
    return this.chars;
  }

  /** Lines as LSP counts them (`\r\n`, `\r` or `\n` ends a line). */
  get lineCount(): number {
    return this.lineTotal;
  }

  /** Lines as the scenario parser counts them (`\n` ends a line): `countLines(getText())`. */
  get parserLines(): number {
    return this.lineTotal - this.loneCrTotal;
  }

  /** The whole text (kept until the next change). */
  getText(): string {
    this.joined ??= rope(this.chunks.map((c) => c.text));
    return this.joined;
  }

  /**
   * Apply the client's changes in order. Returns the lines the change
   * replaced when there was exactly one incremental change and every line
   * ends at `\n` (so LSP lines are the parser's lines); undefined otherwise.
   */
  update(changes: readonly TextChange[]): LineEdit | undefined {
    let edit: LineEdit | undefined;
    for (const c of changes) edit = 'range' in c && c.range ? this.edit(c.range, c.text, changes.length === 1) : this.replaceAll(c.text);
    return changes.length === 1 ? edit : undefined;
  }

  /**
   * The whole text replaced: its chunks are slices of `text` (V8 sliced strings share its characters:
   * nothing is copied, no string is made per line), and `getText()` answers `text` itself until the
   * next change, so a full-text change costs one scan for line breaks.
   */
  private replaceAll(text: string): undefined {
    this.chunks = [];
    this.lineTotal = 0;
    this.loneCrTotal = 0;
    let start = 0;
    let lines = 0;
    const cut = (end: number, n: number): void => {
      const chunk = text.slice(start, end);
      const loneCr = loneCrOf(chunk);
      this.chunks.push({ text: chunk, lines: n, loneCr });
      this.lineTotal += n;
      this.loneCrTotal += loneCr;
      start = end;
    };
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (++lines === CHUNK_LINES) {
        cut(i + 1, lines);
        lines = 0;
      }
    }
    // The last line, without a line break (possibly empty), ends the last chunk.
    cut(text.length, lines + 1);
    this.chars = text.length;
    this.joined = text;
    return undefined;
  }

  /** Cut `lines` into chunks inserted at `index` (`last`: they end the text). */
  private insertChunks(index: number, lines: string[], last: boolean): void {
    const made: Chunk[] = [];
    for (let k = 0; k < lines.length; k += CHUNK_LINES) {
      const text = lines.slice(k, k + CHUNK_LINES).join('');
      made.push({ text, lines: Math.min(CHUNK_LINES, lines.length - k), loneCr: loneCrOf(text) });
    }
    if (made.length === 0 && last) made.push({ text: '', lines: 1, loneCr: 0 });
    for (const c of made) {
      this.lineTotal += c.lines;
      this.loneCrTotal += c.loneCr;
    }
    this.chunks.splice(index, 0, ...made);
  }

  /** The chunk holding line `line` (clamped to the text) and the number of the chunk's first line. */
  private chunkOf(line: number): { index: number; base: number } {
    let base = 0;
    for (let i = 0; i < this.chunks.length - 1; i++) {
      if (line < base + this.chunks[i].lines) return { index: i, base };
      base += this.chunks[i].lines;
    }
    return { index: this.chunks.length - 1, base };
  }

  /** Lines [from, to] (LSP numbering, with their line breaks). */
  private linesAt(from: number, to: number): string[] {
    const out: string[] = [];
    let { index, base } = this.chunkOf(from);
    while (out.length < to - from + 1 && index < this.chunks.length) {
      const lines = splitLines(this.chunks[index].text).slice(0, this.chunks[index].lines);
      for (let k = Math.max(0, from - base); k < lines.length && base + k <= to; k++) out.push(lines[k]);
      base += this.chunks[index].lines;
      index++;
    }
    return out;
  }

  /** Where a position is, read as TextDocument.offsetAt reads it: a line and a column within its content. */
  private clamp(p: TextPosition): { line: number; col: number } {
    if (p.line >= this.lineTotal) {
      const line = this.lineTotal - 1;
      return { line, col: contentLength(this.linesAt(line, line)[0]) };
    }
    if (p.line < 0) return { line: 0, col: 0 };
    if (p.character <= 0) return { line: p.line, col: 0 };
    return { line: p.line, col: Math.min(p.character, contentLength(this.linesAt(p.line, p.line)[0])) };
  }

  private edit(range: { start: TextPosition; end: TextPosition }, text: string, describe: boolean): LineEdit | undefined {
    const swap = range.start.line > range.end.line || (range.start.line === range.end.line && range.start.character > range.end.character);
    const start = this.clamp(swap ? range.end : range.start);
    const end = this.clamp(swap ? range.start : range.end);
    const plain = describe && this.loneCrTotal === 0;
    const before = plain ? this.linesAt(start.line, end.line) : [];
    const linesBefore = this.lineTotal;
    // The chunks holding the range, and one more on each side: a `\r\n` formed or split at either end of the edit is inside them.
    let { index: first, base } = this.chunkOf(start.line);
    let last = this.chunkOf(end.line).index;
    if (first > 0) {
      first--;
      base -= this.chunks[first].lines;
    }
    if (last < this.chunks.length - 1) last++;
    const atEnd = last === this.chunks.length - 1;
    const old = this.chunks.splice(first, last - first + 1);
    const lines = splitLines(old.map((c) => c.text).join(''));
    const s = start.line - base;
    const e = end.line - base;
    // The region again, split anew: a `\r` and a `\n` brought together by the edit are one line break.
    const region = splitLines(lines.slice(0, s).join('') + lines[s].slice(0, start.col) + text + lines[e].slice(end.col) + lines.slice(e + 1).join(''));
    // A region before the last chunk ends with a line break: what follows it is the next chunk's, not an empty line.
    if (!atEnd) region.pop();
    for (const c of old) {
      this.lineTotal -= c.lines;
      this.loneCrTotal -= c.loneCr;
      this.chars -= c.text.length;
    }
    const count = this.chunks.length;
    this.insertChunks(first, region, atEnd);
    for (let i = first; i < first + this.chunks.length - count; i++) this.chars += this.chunks[i].text.length;
    this.joined = undefined;
    if (this.chunks.length > 2 * Math.ceil(this.lineTotal / CHUNK_LINES) + 8) this.replaceAll(this.getText());
    if (!plain || this.loneCrTotal !== 0) return undefined;
    return this.describe(start.line, end.line, end.line + this.lineTotal - linesBefore, before);
  }

  /** Where line `line` starts in the text. */
  private offsetOf(line: number): number {
    let offset = 0;
    const { index, base } = this.chunkOf(line);
    for (let i = 0; i < index; i++) offset += this.chunks[i].text.length;
    for (const l of splitLines(this.chunks[index].text).slice(0, line - base)) offset += l.length;
    return offset;
  }

  /** The LineEdit of an edit that replaced lines [first, lastOld] (`before`, with their breaks) by lines [first, lastNew]: the equal lines at its ends left out. */
  private describe(first: number, lastOld: number, lastNew: number, before: string[]): LineEdit {
    const after = this.linesAt(first, lastNew);
    let f = 0;
    while (f < before.length && f < after.length && before[f] === after[f]) f++;
    let t = 0;
    while (t < before.length - f && t < after.length - f && before[before.length - 1 - t] === after[after.length - 1 - t]) t++;
    // The parser's lines end at `\n` (a `\r` before it stays in the line).
    const bare = (l: string): string => (l.endsWith('\n') ? l.slice(0, -1) : l);
    return {
      first: first + f,
      lastOld: lastOld - t,
      lastNew: lastNew - t,
      before: before.slice(f, before.length - t).map(bare),
      after: after.slice(f, after.length - t).map(bare),
      offset: this.offsetOf(first + f),
      lines: this.parserLines,
    };
  }
}
