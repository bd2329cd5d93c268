/**
 * Semantic tokens from the scenario lexer's tokens, classified with the model
 * (label definitions, mnemonics, symbols) and the register table — so the
 * editor colours what the parser understood, not what a regex guessed.
 */
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit, SemanticTokensLegend } from 'vscode-languageserver/node';
import { findRegister } from '../simulator/arch/registers';
import { CORE_SYSTEM_SETTINGS, PE_SETTINGS } from '../simulator/scenario/keywords';
import { FULL_LANGUAGE } from '../simulator/language';
import type { Analysis } from './analysis';
import { EXPECTATION_WORDS } from './knowledge';

export const TOKEN_TYPES = ['keyword', 'function', 'variable', 'property', 'number', 'string', 'macro', 'class', 'operator'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;

type TokenType = (typeof TOKEN_TYPES)[number];
type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const TYPE_INDEX = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenType, number>;
const GPR = /^(?:[xw](?:[0-9]|[12][0-9]|30)|sp|wsp|xzr|wzr)$/i;

function mods(list: TokenModifier[]): number {
  let m = 0;
  for (const x of list) m |= 1 << TOKEN_MODIFIERS.indexOf(x);
  return m;
}

export function provideSemanticTokens(a: Analysis): SemanticTokens {
  const m = a.model;
  // Positions as numbers (no string per token: this runs over every token of the document).
  const at = (line: number, col: number): number => line * 0x10_0000 + col;
  const labelDefs = new Set<number>();
  const mnemonics = new Set<number>();
  for (const block of m.code) {
    for (const l of block.lines) {
      for (const lab of l.labels) labelDefs.add(at(lab.range.start.line, lab.range.start.col));
      if (l.mnemonicRange) mnemonics.add(at(l.mnemonicRange.start.line, l.mnemonicRange.start.col));
    }
  }
  const constDefs = new Set<number>();
  for (const c of m.constants.values()) constDefs.add(at(c.range.start.line, c.range.start.col));
  const declaration = mods(['declaration']);
  const readonlyDeclaration = mods(['declaration', 'readonly']);
  const readonly = mods(['readonly']);
  const library = mods(['defaultLibrary']);
  /** Classification of words that do not depend on where they are (registers, keywords), memoised per word. */
  const fixed = new Map<string, [TokenType, number] | null>();
  const fixedClass = (text: string): [TokenType, number] | null => {
    let c = fixed.get(text);
    if (c === undefined) {
      if (GPR.test(text)) c = ['variable', library];
      else if (/^pstate\./i.test(text) || findRegister(text)) c = ['property', library];
      else c = null;
      fixed.set(text, c);
    }
    return c;
  };
  const partitions = new Set<string>();
  for (const b of m.blocks) if (b.keyword === 'partition' && b.args[0]) partitions.add(b.args[0].text);
  // A word that is also a top-level block keyword (e.g. `spmc`) is a setting when it
  // stands inside another block's body (`firmware { monitor builtin; spmc builtin }`):
  // leave it to the grammar like its sibling settings, so both look the same.
  const insideBlockBody = (line: number, col: number): boolean =>
    m.blocks.some((b) => {
      const { start, end } = b.range;
      const afterStart = line > start.line || (line === start.line && col > start.col);
      const beforeEnd = line < end.line || (line === end.line && col < end.col);
      return afterStart && beforeEnd && b.body.some((st) => st.words.some((w) => w.range.start.line === line && w.range.start.col === col));
    });

  const data: number[] = [];
  let prevLine = 0;
  let prevCol = 0;
  const push = (line: number, col: number, length: number, type: TokenType, modifiers = 0): void => {
    const dl = line - prevLine;
    data.push(dl, dl === 0 ? col - prevCol : col, length, TYPE_INDEX[type], modifiers);
    prevLine = line;
    prevCol = col;
  };

  for (const t of a.tokens) {
    const len = t.endCol - t.col;
    if (len <= 0) continue;
    if (t.kind === 'number') {
      push(t.line, t.col, len, 'number');
      continue;
    }
    if (t.kind === 'string') {
      push(t.line, t.col, len, 'string');
      continue;
    }
    if (t.kind !== 'ident') continue;
    const key = at(t.line, t.col);
    const text = t.text;
    const sym = m.symbols.get(text);
    if (labelDefs.has(key)) push(t.line, t.col, len, 'function', declaration);
    else if (mnemonics.has(key)) push(t.line, t.col, len, text.startsWith('.') ? 'macro' : 'keyword');
    else if (constDefs.has(key)) push(t.line, t.col, len, 'variable', readonlyDeclaration);
    else if (sym?.kind === 'label') push(t.line, t.col, len, 'function');
    else if (sym || m.constants.has(text)) push(t.line, t.col, len, 'variable', readonly);
    else if (partitions.has(text)) push(t.line, t.col, len, 'class');
    else if (fixedClass(text)) push(t.line, t.col, len, ...fixedClass(text)!);
    else if (FULL_LANGUAGE.isTopKeyword(text) && insideBlockBody(t.line, t.col)) continue;
    else if (FULL_LANGUAGE.isTopKeyword(text) || CORE_SYSTEM_SETTINGS.includes(text) || PE_SETTINGS.includes(text) || EXPECTATION_WORDS.has(text)) push(t.line, t.col, len, 'keyword');
  }
  return { data };
}

/**
 * `semanticTokens/full` and `semanticTokens/full/delta`: the last tokens sent
 * per document, with a result id; a delta request for that id gets one edit
 * (the differing middle of the two arrays) instead of the whole array.
 */
export class SemanticTokenStore {
  private readonly last = new Map<string, { resultId: string; data: number[]; version: number }>();
  private counter = 0;

  full(a: Analysis): SemanticTokens {
    // The same version of the document has the same tokens: computed once per version, however often asked.
    const prev = this.last.get(a.uri);
    if (prev && prev.version === a.version) return { resultId: prev.resultId, data: prev.data };
    const data = provideSemanticTokens(a).data;
    const resultId = String(++this.counter);
    this.last.set(a.uri, { resultId, data, version: a.version });
    return { resultId, data };
  }

  delta(a: Analysis, previousResultId: string): SemanticTokens | SemanticTokensDelta {
    const prev = this.last.get(a.uri);
    if (!prev || prev.resultId !== previousResultId) return this.full(a);
    if (prev.version === a.version) return { resultId: prev.resultId, edits: [] };
    const next = this.full(a);
    return { resultId: next.resultId, edits: tokenEdits(prev.data, next.data) };
  }

  forget(uri: string): void {
    this.last.delete(uri);
  }

  /** Documents with a result kept. */
  get documents(): number {
    return this.last.size;
  }
}

/** The edits turning `before` into `after`: at most one, replacing what lies between the common prefix and suffix. */
export function tokenEdits(before: readonly number[], after: readonly number[]): SemanticTokensEdit[] {
  let start = 0;
  const min = Math.min(before.length, after.length);
  while (start < min && before[start] === after[start]) start++;
  let end = 0;
  while (end < min - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  if (start === before.length && start === after.length) return [];
  return [{ start, deleteCount: before.length - start - end, data: after.slice(start, after.length - end) }];
}
