/**
 * Semantic tokens from the scenario lexer's tokens, classified with the model
 * (label definitions, mnemonics, symbols) and the register table — so the
 * editor colours what the parser understood, not what a regex guessed.
 */
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit, SemanticTokensLegend } from 'vscode-languageserver/node';
import { findRegister } from '../simulator/arch/registers';
import { CORE_SYSTEM_SETTINGS, PE_SETTINGS } from '../simulator/scenario/keywords';
import { FULL_LANGUAGE } from '../simulator/language';
import type { TokenList } from '../simulator/scenario/tokenList';
import { changedLines } from '../simulator/scenario/document';
import { firstTokenAfter } from '../simulator/scenario/shift';
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

/** Token `k`'s type index and modifier bits (`type | modifiers << 8`), or NONE when the TextMate grammar colours it. */
type Classify = (tokens: TokenList, k: number) => number;
const NONE = -1;
const cls = (type: TokenType, modifiers = 0): number => TYPE_INDEX[type] | (modifiers << 8);

/**
 * The classifier of the tokens on lines [from, to] (all lines by default):
 * label definitions, mnemonics and constant definitions are collected from
 * the model on those lines only, so classifying an edited range costs that
 * range, not the document.
 */
function classifier(a: Analysis, from = 0, to = Number.MAX_SAFE_INTEGER): Classify {
  const m = a.model;
  const at = positionKey;
  const within = (line: number): boolean => line >= from && line <= to;
  const labelDefs = new Set<number | string>();
  const mnemonics = new Set<number | string>();
  for (const block of m.code) {
    if (block.range.end.line < from || block.range.start.line > to) continue;
    for (const l of block.lines) {
      for (const lab of l.labels) if (within(lab.range.start.line)) labelDefs.add(at(lab.range.start.line, lab.range.start.col));
      if (l.mnemonicRange && within(l.mnemonicRange.start.line)) mnemonics.add(at(l.mnemonicRange.start.line, l.mnemonicRange.start.col));
    }
  }
  const constDefs = new Set<number | string>();
  for (const c of m.constants.values()) if (within(c.range.start.line)) constDefs.add(at(c.range.start.line, c.range.start.col));
  const declaration = mods(['declaration']);
  const readonlyDeclaration = mods(['declaration', 'readonly']);
  const readonly = mods(['readonly']);
  const library = mods(['defaultLibrary']);
  /** Classification of words that do not depend on where they are (registers, keywords), memoised per word. */
  const fixed = new Map<string, number>();
  const fixedClass = (text: string): number => {
    let c = fixed.get(text);
    if (c === undefined) {
      if (GPR.test(text)) c = cls('variable', library);
      else if (/^pstate\./i.test(text) || findRegister(text)) c = cls('property', library);
      else c = NONE;
      fixed.set(text, c);
    }
    return c;
  };
  const NUMBER = cls('number');
  const STRING = cls('string');
  const LABEL_DEF = cls('function', declaration);
  const LABEL = cls('function');
  const MACRO = cls('macro');
  const KEYWORD = cls('keyword');
  const CONST_DEF = cls('variable', readonlyDeclaration);
  const CONST = cls('variable', readonly);
  const PARTITION = cls('class');
  const partitions = partitionNames(a);
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
  // Read from the token list's arrays: no Token object per token (this runs over every token of the document).
  return (tokens, k) => {
    const kind = tokens.kindAt(k);
    if (kind === 'number') return NUMBER;
    if (kind === 'string') return STRING;
    if (kind !== 'ident') return NONE;
    const line = tokens.lineAt(k);
    const col = tokens.colAt(k);
    const key = at(line, col);
    const text = tokens.textAt(k);
    const sym = m.symbols.get(text);
    if (labelDefs.has(key)) return LABEL_DEF;
    if (mnemonics.has(key)) return text.startsWith('.') ? MACRO : KEYWORD;
    if (constDefs.has(key)) return CONST_DEF;
    if (sym?.kind === 'label') return LABEL;
    if (sym || m.constants.has(text)) return CONST;
    if (partitions.has(text)) return PARTITION;
    const f = fixedClass(text);
    if (f !== NONE) return f;
    if (FULL_LANGUAGE.isTopKeyword(text) && insideBlockBody(line, col)) return NONE;
    if (FULL_LANGUAGE.isTopKeyword(text) || CORE_SYSTEM_SETTINGS.includes(text) || PE_SETTINGS.includes(text) || EXPECTATION_WORDS.has(text)) return KEYWORD;
    return NONE;
  };
}

/**
 * A position as a set key: a small integer (a V8 Smi: no allocation, hashed as
 * an integer) for every line the parser reads (MAX_SCENARIO_LINES < 2^17) and
 * columns below 2^13; a string for a column past that (lines that long are rare).
 */
function positionKey(line: number, col: number): number | string {
  return col < 0x2000 && line < 0x2_0000 ? line * 0x2000 + col : `${line}:${col}`;
}

function partitionNames(a: Analysis): Set<string> {
  const out = new Set<string>();
  for (const b of a.model.blocks) if (b.keyword === 'partition' && b.args[0]) out.add(b.args[0].text);
  return out;
}

/**
 * The classes of the tokens being encoded (classify's answers for tokens [from, to), at k - from):
 * a scratch grown to the most tokens encoded at once (at most an analysed document's tokens).
 * The encoded numbers are pushed onto a packed array: an array made at its final length
 * (`new Array(n)`) is holey, and JSON.stringify serialises a holey array of 150,000 numbers
 * (10,000 lines) 4-10 times slower than a packed one, on every request that sends it.
 */
let classes = new Int32Array(4096);

/** Classify tokens [from, to) into `classes`. */
function classifyRange(tokens: TokenList, from: number, to: number, classify: Classify): void {
  if (classes.length < to - from) classes = new Int32Array(Math.max(to - from, classes.length * 2));
  for (let k = from; k < to; k++) classes[k - from] = tokens.endColAt(k) > tokens.colAt(k) ? classify(tokens, k) : NONE;
}

/**
 * LSP's relative encoding (deltaLine, deltaStart, length, type, modifiers) of the tokens
 * [from, to) classified last (classifyRange), appended to `data` after a token at `prev` (updated).
 */
function encode(data: number[], tokens: TokenList, from: number, to: number, prev: { line: number; col: number }): void {
  for (let k = from; k < to; k++) {
    const c = classes[k - from];
    if (c === NONE) continue;
    const line = tokens.lineAt(k);
    const col = tokens.colAt(k);
    const dl = line - prev.line;
    data.push(dl, dl === 0 ? col - prev.col : col, tokens.endColAt(k) - col, c & 0xff, c >> 8);
    prev.line = line;
    prev.col = col;
  }
}

export function provideSemanticTokens(a: Analysis): SemanticTokens {
  const tokens = a.tokens;
  const data: number[] = [];
  classifyRange(tokens, 0, tokens.length, classifier(a));
  encode(data, tokens, 0, tokens.length, { line: 0, col: 0 });
  return { data };
}

/**
 * What the tokens of an unchanged line read beyond the line itself: the
 * names the model defines (symbols with their kind, constants, partitions)
 * and the top-level blocks (keyword and range). Equal before and after an
 * edit, the unchanged lines keep their tokens (`reuse`).
 */
interface TokenContext {
  names: string;
  blocks: { keyword: string; start: { line: number; col: number }; end: { line: number; col: number } }[];
  /** A block comment can reach across lines: no reuse when either text has one. */
  blockComment: boolean;
}

function contextOf(a: Analysis): TokenContext {
  const names: string[] = [];
  for (const [name, def] of a.model.symbols) names.push(`${name}:${def.kind}`);
  for (const name of a.model.constants.keys()) names.push(name);
  names.push('|', ...partitionNames(a));
  return {
    names: names.join(' '),
    blocks: a.blocks.map((b) => ({ keyword: b.keyword.text, start: { line: b.range.start.line, col: b.range.start.col }, end: { line: b.range.end.line, col: b.range.end.col } })),
    blockComment: a.blockComments ?? a.text.includes('/*'),
  };
}

interface KeptTokens {
  resultId: string;
  data: number[];
  version: number;
  /** The text and context the tokens were computed from (for the next version's `reuse`). */
  text: string;
  context: TokenContext;
}

/**
 * The tokens of `a` from those of the previous version when the edit changed
 * no context (TokenContext) and no block boundary: the tokens before and
 * after the changed lines are kept (only the first one after them gets its
 * line delta again), the changed lines are classified alone. Undefined when
 * that does not hold: the caller computes every token.
 */
function reuse(prev: KeptTokens, a: Analysis, context: TokenContext): number[] | undefined {
  if (prev.context.blockComment || context.blockComment || prev.context.names !== context.names) return undefined;
  if (prev.context.blocks.length !== context.blocks.length) return undefined;
  // The change the text store described, when it is the one from the previous tokens' version: the texts are not compared (nor flattened).
  const c = a.edit?.from === prev.version ? a.edit : changedLines(prev.text, a.text);
  const lineDelta = c.lastNew - c.lastOld;
  // Every block boundary lies outside the changed lines and is where the edit moved it.
  const same = (p: { line: number; col: number }, q: { line: number; col: number }): boolean => {
    if (p.line >= c.first && p.line <= c.lastOld) return false;
    if (q.line >= c.first && q.line <= c.lastNew) return false;
    return q.col === p.col && q.line === (p.line > c.lastOld ? p.line + lineDelta : p.line);
  };
  for (let i = 0; i < context.blocks.length; i++) {
    const p = prev.context.blocks[i];
    const q = context.blocks[i];
    if (p.keyword !== q.keyword || !same(p.start, q.start) || !same(p.end, q.end)) return undefined;
  }
  // The previous tokens on lines before the change (k0 numbers) and after it (from k1 on).
  const old = prev.data;
  let line = 0;
  let col = 0;
  let k0 = -1;
  let k1 = old.length;
  let last = { line: 0, col: 0 };
  for (let k = 0; k < old.length; k += 5) {
    line += old[k];
    col = old[k] === 0 ? col + old[k + 1] : old[k + 1];
    if (k0 < 0 && line >= c.first) k0 = k;
    if (line > c.lastOld) {
      k1 = k;
      break;
    }
    if (line < c.first) last = { line, col };
  }
  if (k0 < 0) k0 = old.length;
  const tokens = a.tokens;
  const t0 = firstTokenAfter(tokens, c.first - 1);
  const t1 = firstTokenAfter(tokens, c.lastNew);
  classifyRange(tokens, t0, t1, classifier(a, c.first, c.lastNew));
  const data = old.slice(0, k0);
  const prevPos = { ...last };
  encode(data, tokens, t0, t1, prevPos);
  if (k1 < old.length) {
    // The first token after the change: its line relative to the last token before it (its column is absolute: it starts a line).
    data.push(line + lineDelta - prevPos.line, old[k1 + 1], old[k1 + 2], old[k1 + 3], old[k1 + 4]);
    return data.concat(old.slice(k1 + 5));
  }
  return data;
}

/**
 * `semanticTokens/full` and `semanticTokens/full/delta`: the last tokens sent
 * per document, with a result id; a delta request for that id gets one edit
 * (the differing middle of the two arrays) instead of the whole array. A new
 * version reuses the previous version's tokens outside the lines its edit
 * changed (`reuse`), so an edit costs the lines it touched plus a copy.
 */
export class SemanticTokenStore {
  private readonly last = new Map<string, KeptTokens>();
  private counter = 0;
  /** Versions whose tokens were computed in full, and those that reused the previous version's. */
  readonly stats = { computed: 0, reused: 0 };

  full(a: Analysis): SemanticTokens {
    // The same version of the document has the same tokens: computed once per version, however often asked.
    const prev = this.last.get(a.uri);
    if (prev && prev.version === a.version) return { resultId: prev.resultId, data: prev.data };
    const context = contextOf(a);
    let data = prev ? reuse(prev, a, context) : undefined;
    if (data) this.stats.reused++;
    else {
      data = provideSemanticTokens(a).data;
      this.stats.computed++;
    }
    const resultId = String(++this.counter);
    this.last.set(a.uri, { resultId, data, version: a.version, text: a.text, context });
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
