/**
 * "Did you mean" for unknown names, computed over the real vocabularies: the
 * assembler's mnemonics (`isa/mnemonics.ts`), the register table
 * (`arch/registers`), the document's labels and constants with the
 * language's predefined symbols, the language's block keywords. The parser's
 * own hints (settings, directives, finding rules…) use the same `closest`
 * through `didYouMean` (diagnostics.ts) and name their word in the message,
 * which becomes the suggestion. Every front end gets the same answer: the
 * parser ends each parse with `attachSuggestions`, which adds
 * `; did you mean 'X'?` to the message of each diagnostic about an unknown
 * name that has a likely intended one, and records `X` as the diagnostic's
 * `suggestion` (the language server offers it as a quick fix; `armscope
 * check` prints the message).
 *
 * Distance is the optimal string alignment distance (Levenshtein plus
 * adjacent transposition: `dbs` → `dsb` is one edit), case-insensitive.
 */
import { allRegisters } from '../arch/registers';
import { MNEMONICS } from '../isa/mnemonics';
import type { ScenarioLanguage } from './keywords';
import { MAX_SUGGESTION_COMPARISONS } from './limits';
import type { Diagnostic, ScenarioModel } from './model';

/** Edits allowed for a word of this length to count as a typo of another. */
export function typoLimit(word: string): number {
  return word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
}

/** Optimal string alignment distance between `a` and `b`, or `limit + 1` as soon as it exceeds `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length];
}

/**
 * The candidate closest to `word` within its typo limit, if any. Ties go to
 * the candidate sharing the longest prefix (`halt` → `halted`, not `fault`),
 * then to the first one.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = typoLimit(w);
  let best: string | undefined;
  let bestD = limit + 1;
  let bestPrefix = -1;
  for (const c of candidates) {
    if (c === word) continue;
    const lc = c.toLowerCase();
    const d = editDistance(w, lc, limit);
    if (d > limit) continue;
    let prefix = 0;
    while (prefix < w.length && prefix < lc.length && w[prefix] === lc[prefix]) prefix++;
    if (d < bestD || (d === bestD && prefix > bestPrefix)) {
      bestD = d;
      best = c;
      bestPrefix = prefix;
    }
  }
  return best;
}

export type VocabularyKind = 'instruction' | 'system-register' | 'symbol' | 'block';

let instructionWords: string[] | undefined;
let registerWords: string[] | undefined;

/** The words a name of `kind` may be in `language` (the document's own symbols and the language's predefined ones for `symbol`). */
export function vocabulary(kind: VocabularyKind, language: ScenarioLanguage, model?: ScenarioModel): string[] {
  switch (kind) {
    case 'instruction':
      instructionWords ??= MNEMONICS.map((m) => m.mnemonic);
      return instructionWords;
    case 'system-register':
      registerWords ??= allRegisters().map((r) => r.name.toLowerCase());
      return registerWords;
    case 'symbol':
      return [...new Set([...(model ? [...model.symbols.keys(), ...model.constants.keys()] : []), ...language.symbols().map((p) => p.name)])];
    case 'block':
      return language.topKeywords();
  }
}

/** Diagnostics about an unknown name: the name is the first quoted word of the message. */
const UNKNOWN_NAME: { test: (d: Diagnostic) => boolean; kind: VocabularyKind }[] = [
  { test: (d) => d.rule === 'unknown-instruction', kind: 'instruction' },
  { test: (d) => /^unknown system register '/.test(d.message), kind: 'system-register' },
  { test: (d) => d.rule === 'undefined-symbol' || /^undefined symbol '/.test(d.message), kind: 'symbol' },
  { test: (d) => d.rule === 'unknown-block', kind: 'block' },
];

const DID_YOU_MEAN = /did you mean '([^']+)'\?/;
const QUOTED = /'([^']+)'/;

/**
 * Bounds the suggestion work of one parse: `suggestion(comparisons, make)`
 * runs `make` (which compares a word with `comparisons` candidates) while
 * the budget lasts, then answers ''. (The parser's diagnostics collector can
 * serve as one.)
 */
export interface SuggestionBudget {
  suggestion(comparisons: number, make: () => string): string;
}

export function suggestionBudget(comparisons = MAX_SUGGESTION_COMPARISONS): SuggestionBudget {
  let left = comparisons;
  return {
    suggestion(n, make) {
      if (n > left) return '';
      left -= n;
      return make();
    },
  };
}

/**
 * Give every diagnostic about an unknown name its suggestion: the one its
 * message already names (`did you mean 'X'?`), else the closest word of its
 * kind, added to the message. Idempotent.
 */
export function attachSuggestions(model: ScenarioModel, language: ScenarioLanguage, budget: SuggestionBudget = suggestionBudget()): void {
  for (const d of model.diagnostics) {
    if (d.suggestion !== undefined) continue;
    const named = DID_YOU_MEAN.exec(d.message);
    if (named) {
      d.suggestion = named[1];
      continue;
    }
    const kind = UNKNOWN_NAME.find((k) => k.test(d))?.kind;
    const word = kind ? QUOTED.exec(d.message)?.[1] : undefined;
    if (!kind || word === undefined) continue;
    const words = vocabulary(kind, language, model);
    const s = budget.suggestion(words.length, () => closest(word, words) ?? '');
    if (s === '') continue;
    d.suggestion = s;
    d.message = `${d.message}; did you mean '${s}'?`;
  }
}
