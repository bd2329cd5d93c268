/**
 * The open documents: their text (kept in step with the client's
 * incremental changes), the scenario model of their current version
 * (`ScenarioDocument`: one parse per version, reusing what an edit did not
 * touch) and the `Analysis` every feature reads.
 *
 * A document above MAX_ANALYSED_LINES / MAX_ANALYSED_CHARS is not analysed
 * on the main thread (features answer empty; its diagnostics come from the
 * background worker); one above MAX_CHECKED_CHARS is not kept at all. The
 * open documents together are bounded the same way, so the store's memory is
 * bounded whatever a client opens: at most MAX_OPEN_DOCUMENTS of them,
 * MAX_ANALYSED_TOTAL_CHARS analysed and MAX_KEPT_TOTAL_CHARS kept in all (a
 * document past a total is classed as if it were too large itself).
 * Closing a document frees everything of it.
 *
 * The text is a DocumentText (text.ts): a change costs the lines it touches,
 * not a copy of the whole text, and the scenario model is told which lines
 * changed (ScenarioDocument.setText's line edit), so it never compares the
 * whole old and new texts either.
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { ScenarioDocument } from '../simulator/scenario/document';
import { FULL_LANGUAGE } from '../simulator/language';
import { Analysis, fileOf, type VersionEdit } from './analysis';
import { MAX_ANALYSED_CHARS, MAX_ANALYSED_LINES, MAX_ANALYSED_TOTAL_CHARS, MAX_CHECKED_CHARS, MAX_KEPT_TOTAL_CHARS, MAX_OPEN_DOCUMENTS } from './limits';
import { DocumentText, type LineEdit } from './text';

export type SizeClass = 'analysed' | 'checked' | 'dropped';

export interface OpenDocument {
  uri: string;
  version: number;
  /** Undefined for a dropped document (too large to keep). */
  text: DocumentText | undefined;
  size: SizeClass;
  /** Why it is not analysed: its own size, or the open documents' totals (MAX_ANALYSED_TOTAL_CHARS, MAX_KEPT_TOTAL_CHARS). */
  limitedBy: 'document' | 'open-documents' | undefined;
  lines: number;
  chars: number;
  scenario: ScenarioDocument | undefined;
  analysis: Analysis | undefined;
  /** The lines the last change replaced, when the text store described it (from the version before it). */
  edit: VersionEdit | undefined;
}

/** Number of lines of a text (a final line without a newline counts). */
export function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The class of a document of this size, given the room the other open documents leave. */
function sizeOf(chars: number, lines: number, room: { analysed: number; kept: number }): Pick<OpenDocument, 'size' | 'limitedBy'> {
  if (chars > MAX_CHECKED_CHARS) return { size: 'dropped', limitedBy: 'document' };
  if (chars > room.kept) return { size: 'dropped', limitedBy: 'open-documents' };
  if (chars > MAX_ANALYSED_CHARS || lines > MAX_ANALYSED_LINES) return { size: 'checked', limitedBy: 'document' };
  if (chars > room.analysed) return { size: 'checked', limitedBy: 'open-documents' };
  return { size: 'analysed', limitedBy: undefined };
}

export interface StoreCounts {
  documents: number;
  analysed: number;
  /** Characters of the analysed documents, and of every kept one. */
  analysedChars: number;
  keptChars: number;
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();
  /** Characters of the analysed documents, and of all kept ones (analysed or checked). */
  private analysedChars = 0;
  private keptChars = 0;

  /** Open a document; undefined when MAX_OPEN_DOCUMENTS others are open already. */
  open(uri: string, version: number, text: string): OpenDocument | undefined {
    const old = this.docs.get(uri);
    if (!old && this.docs.size >= MAX_OPEN_DOCUMENTS) return undefined;
    // A second didOpen of an open document starts it afresh.
    if (old) this.release(old);
    const doc: OpenDocument = { uri, version, text: undefined, size: 'dropped', limitedBy: undefined, lines: 0, chars: 0, scenario: undefined, analysis: undefined, edit: undefined };
    this.docs.set(uri, doc);
    this.reset(doc, stored(text));
    return doc;
  }

  /**
   * Apply the client's changes. Returns undefined when the document is not
   * open, or when it was dropped and the changes are incremental (there is
   * no text to apply them to: its diagnostics say so until a full-text change).
   */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const full = changes.reduce<number>((last, c, i) => ('range' in c && c.range ? last : i), -1);
    let text: DocumentText | string | undefined = doc.text;
    if (full >= 0) {
      // A full-text change replaces everything before it.
      text = stored(changes[full].text);
      changes = changes.slice(full + 1);
    }
    if (typeof text === 'string' && changes.length > 0) text = new DocumentText(text);
    if (!text) {
      doc.version = version;
      return doc;
    }
    // The lines a single incremental change replaced, for the scenario model (none after a full-text change: it compares the texts).
    const edit = typeof text === 'string' ? undefined : text.update(changes);
    this.reset(doc, text, version, full < 0 ? edit : undefined);
    return doc;
  }

  close(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    this.release(doc);
    this.docs.delete(uri);
  }

  /** What the store holds (tests assert these stay bounded). */
  counts(): StoreCounts {
    let analysed = 0;
    for (const d of this.docs.values()) if (d.size === 'analysed') analysed++;
    return { documents: this.docs.size, analysed, analysedChars: this.analysedChars, keptChars: this.keptChars };
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  /** The analysis of the current version (built on first use), or undefined when not analysed here. */
  analysis(uri: string): Analysis | undefined {
    const doc = this.docs.get(uri);
    if (!doc || doc.size !== 'analysed' || !doc.scenario || !doc.text) return undefined;
    if (doc.analysis?.version !== doc.version) {
      const s = doc.scenario;
      doc.analysis = new Analysis(uri, doc.version, s.text, s.model, { tokens: s.tokens, blocks: s.blocks, edit: doc.edit, blockComments: s.blockComments });
    }
    return doc.analysis;
  }

  /** Take a document's characters out of the totals (before it changes class or closes). */
  private release(doc: OpenDocument): void {
    if (doc.size === 'analysed') this.analysedChars -= doc.chars;
    if (doc.size !== 'dropped') this.keptChars -= doc.chars;
    doc.size = 'dropped';
  }

  private reset(doc: OpenDocument, text: DocumentText | string, version = doc.version, edit?: LineEdit): void {
    this.release(doc);
    doc.edit = edit && version !== doc.version ? { from: doc.version, first: edit.first, lastOld: edit.lastOld, lastNew: edit.lastNew } : undefined;
    doc.version = version;
    doc.chars = text.length;
    doc.lines = typeof text === 'string' ? countLines(text) : text.parserLines;
    Object.assign(doc, sizeOf(doc.chars, doc.lines, { analysed: MAX_ANALYSED_TOTAL_CHARS - this.analysedChars, kept: MAX_KEPT_TOTAL_CHARS - this.keptChars }));
    doc.analysis = undefined;
    if (doc.size === 'analysed') this.analysedChars += doc.chars;
    if (doc.size !== 'dropped') this.keptChars += doc.chars;
    if (doc.size === 'dropped') {
      doc.text = undefined;
      doc.scenario = undefined;
      return;
    }
    doc.text = typeof text === 'string' ? new DocumentText(text) : text;
    if (doc.size === 'analysed') {
      if (doc.scenario) doc.scenario.setText(doc.text.getText(), edit);
      else doc.scenario = new ScenarioDocument(fileOf(doc.uri), doc.text.getText(), { language: FULL_LANGUAGE });
    } else doc.scenario = undefined;
  }
}

/** A new text as the store takes it: chunked (text.ts), unless it is too large to keep at all (it is then only measured). */
function stored(text: string): DocumentText | string {
  return text.length > MAX_CHECKED_CHARS ? text : new DocumentText(text);
}
