/**
 * `expect { … }`: what must hold when the run ends. One expectation per line:
 *
 *   [always | sometimes | never] CONDITION
 *   exists (CONDITION)  |  ~exists (CONDITION)  |  forall (CONDITION)     herd7's spelling
 *
 *   CONDITION  ATOM | CONDITION && CONDITION | CONDITION || CONDITION | !CONDITION | not CONDITION | (CONDITION)
 *   ATOM       pe N REGISTER (==|!=) VALUE
 *              mem[ADDR] | mem8[…] | mem16[…] | mem32[…] | mem64[…]  (==|!=) VALUE  [in memory | seen by pe N]
 *              no fault
 *              fault KIND [stage 1|2] [level N] [at el N] [to el N] [on pe N] [at LABEL|ADDR]
 *              finding RULE  |  no finding [RULE]
 *              halted pe N
 *
 * A line that is one atom without a quantifier is that atom (today's
 * expectations); a quantifier on one atom keeps the atom's kind; anything
 * else is a `condition` (model.ts). The quantifiers' meaning over executions
 * is in model.ts `Quantifier` and docs/explore.md.
 */
import { isRuleId, RULE_IDS } from '../arch/rules';
import type { RawBlock } from './blocks';
import { didYouMean, spanRange, tokRange } from './diagnostics';
import type { Token } from './lexer';
import type { ExceptionLevel, ExpectAtom, ExpectFormula, Expectation, FaultKind, HerdQuantifier, Quantifier, SourceRange } from './model';
import type { PeMention } from './eventDecl';
import { Cursor, type ParseState } from './state';

export const FAULT_KINDS: readonly FaultKind[] = [
  'translation',
  'access-flag',
  'permission',
  'address-size',
  'alignment',
  'external',
  'undefined',
  'pc-alignment',
  'sp-alignment',
  'illegal-state',
];

const MEM_SIZES: Record<string, 1 | 2 | 4 | 8> = { mem: 8, mem8: 1, mem16: 2, mem32: 4, mem64: 8 };

/** Register expectations still to check against the register table. */
export interface RegisterMention {
  register: string;
  range: SourceRange;
}

function peNumber(c: Cursor, after: string, mentions: PeMention[]): number | undefined {
  const t = c.next();
  const v = t && t.kind === 'number' ? Number(t.text.replace(/_/g, '')) : NaN;
  if (!t || !Number.isSafeInteger(v)) {
    if (t) c.i--;
    c.expected('a PE number', after);
    return undefined;
  }
  mentions.push({ pe: v, range: tokRange(t) });
  return v;
}

/**
 * `finding RULE` / `no finding RULE` name a registered rule (simulator/arch/rules.ts):
 * an unknown word would make `no finding` pass vacuously (issue #9 item 5).
 */
function checkRule(st: ParseState, w: { text: string; range: SourceRange }): void {
  if (isRuleId(w.text)) return;
  const hint = st.rep.suggestion(RULE_IDS.length, () => didYouMean(w.text, RULE_IDS));
  st.rep.error(w.range, `unknown finding rule '${w.text}'${hint || `; the rules are ${RULE_IDS.join(', ')}`}`, 'unknown-rule');
}

function compareOp(c: Cursor): '==' | '!=' | undefined {
  const t = c.peek();
  if (t && (t.text === '==' || t.text === '!=')) {
    c.next();
    return t.text;
  }
  if (t && t.text === '=') {
    c.rep.error(tokRange(t), "expected '==' or '!=': use '==' to compare");
    c.next();
    return '==';
  }
  c.expected("'==' or '!='");
  return undefined;
}

/** Punctuation that ends an atom inside a condition. */
const ATOM_END = ['&&', '||', ')'];
/** Value expressions inside a condition stop at its operators (a closing parenthesis ends them by depth). */
const VALUE_END = ['&&', '||'];

const QUANTIFIERS: readonly Quantifier[] = ['always', 'sometimes', 'never'];
const HERD: Record<string, { herd: HerdQuantifier; quantifier: Quantifier }> = {
  exists: { herd: 'exists', quantifier: 'sometimes' },
  forall: { herd: 'forall', quantifier: 'always' },
};

/** Words an expectation line may start with (completion, semantic tokens, grammar). */
export const EXPECTATION_STARTS: readonly string[] = ['pe', 'mem', 'mem8', 'mem16', 'mem32', 'mem64', 'no', 'fault', 'finding', 'halted', 'not', ...QUANTIFIERS, 'exists', 'forall'];

/** Source text of a range on one line (comments blanked). */
function textOf(st: ParseState, range: SourceRange): string {
  const line = st.clean[range.start.line] ?? '';
  return line.slice(range.start.col, range.end.line === range.start.line ? range.end.col : undefined).trim();
}

/** The atom ends here: the end of the line, or an operator or `)` of the condition around it. */
function atomEnd(c: Cursor): boolean {
  const t = c.peek();
  return t === undefined || (t.kind === 'punct' && ATOM_END.includes(t.text));
}

/** Report what is left of an atom before the next operator as unexpected. */
function endAtom(c: Cursor, context: string): boolean {
  if (atomEnd(c)) return true;
  const first = c.peek() as Token;
  let last = first;
  while (!atomEnd(c)) last = c.next() as Token;
  c.rep.error(spanRange(first, last), `unexpected '${first.text}' at the end of ${context}`);
  return false;
}

/** A rule name (`mismatched-attributes`): adjacent tokens up to a space or an operator of the condition. */
function ruleWord(c: Cursor): { text: string; range: SourceRange } | undefined {
  const first = c.peek();
  if (first === undefined || atomEnd(c)) return undefined;
  let last = c.next() as Token;
  let text = first.text;
  while (!atomEnd(c)) {
    const t = c.peek() as Token;
    if (t.spaced || t.line !== first.line) break;
    text += t.text;
    last = c.next() as Token;
  }
  return { text, range: spanRange(first, last) };
}

export function interpretExpect(st: ParseState, block: RawBlock, peMentions: PeMention[], regMentions: RegisterMention[]): void {
  if (block.header.length > 0 && block.open) {
    st.rep.error(spanRange(block.header[0], block.header[block.header.length - 1]), "expected '{' after 'expect'");
  }
  for (const stmt of block.body) {
    const c = new Cursor(stmt.tokens, st);
    const text = textOf(st, stmt.range);
    const range = stmt.range;
    const e = statement(c, peMentions, regMentions, range, text);
    if (e !== undefined) st.model.expectations.push(e);
  }
}

/** One line: `[QUANTIFIER] CONDITION` or a herd form. */
function statement(c: Cursor, peMentions: PeMention[], regMentions: RegisterMention[], range: SourceRange, text: string): Expectation | undefined {
  let quantifier: Quantifier | undefined;
  let herd: HerdQuantifier | undefined;
  const first = c.peek() as Token;
  const word = first.kind === 'ident' ? first.text.toLowerCase() : '';
  if ((QUANTIFIERS as readonly string[]).includes(word) && c.peek(1) !== undefined) {
    c.next();
    quantifier = word as Quantifier;
  } else if (word in HERD || (first.text === '~' && c.isWord('exists', 1))) {
    // herd7: `exists (C)`, `~exists (C)`, `forall (C)` — the parentheses are required, as in herd7.
    if (first.text === '~') {
      c.next();
      c.next();
      herd = '~exists';
      quantifier = 'never';
    } else {
      c.next();
      ({ herd, quantifier } = HERD[word]);
    }
    if (c.peek()?.text !== '(') return c.expected("'(' (a herd condition is parenthesised: exists (pe 0 x0 == 1 && …))", herd);
  }
  const f = disjunction(c, peMentions, regMentions);
  if (f === undefined) return undefined;
  if (!c.atEnd()) {
    const t = c.peek() as Token;
    c.rep.error(spanRange(t, c.toks[c.toks.length - 1]), t.text === ')' ? "unbalanced ')'" : `unexpected '${t.text}': expected '&&', '||' or the end of the expectation`);
    return undefined;
  }
  const q: { quantifier?: Quantifier; herd?: HerdQuantifier } = {};
  if (quantifier !== undefined) q.quantifier = quantifier;
  if (herd !== undefined) q.herd = herd;
  // One atom, not negated: the atom itself (with its quantifier), as every front end knows it.
  if (f.kind === 'atom') return { ...f.atom, ...q, range, text };
  return { kind: 'condition', formula: f, range, text, ...q };
}

function disjunction(c: Cursor, pm: PeMention[], rm: RegisterMention[]): ExpectFormula | undefined {
  let left = conjunction(c, pm, rm);
  while (left !== undefined && c.acceptPunct('||')) {
    const right = conjunction(c, pm, rm);
    if (right === undefined) return undefined;
    left = { kind: 'or', left, right };
  }
  return left;
}

function conjunction(c: Cursor, pm: PeMention[], rm: RegisterMention[]): ExpectFormula | undefined {
  let left = unary(c, pm, rm);
  while (left !== undefined && c.acceptPunct('&&')) {
    const right = unary(c, pm, rm);
    if (right === undefined) return undefined;
    left = { kind: 'and', left, right };
  }
  return left;
}

function unary(c: Cursor, pm: PeMention[], rm: RegisterMention[]): ExpectFormula | undefined {
  if (c.acceptPunct('!') || (c.isWord('not') && c.peek(1) !== undefined && c.next())) {
    const operand = unary(c, pm, rm);
    return operand === undefined ? undefined : { kind: 'not', operand };
  }
  const open = c.acceptPunct('(');
  if (open) {
    const inner = disjunction(c, pm, rm);
    if (inner === undefined) return undefined;
    if (!c.acceptPunct(')')) {
      c.expected("')'");
      return undefined;
    }
    return inner;
  }
  if (c.atEnd() || atomEnd(c)) return c.expected('an expectation (pe N REG == V, mem[ADDR] == V, fault …, finding …, halted pe N)');
  const atom = parseAtom(c, pm, rm);
  return atom === undefined ? undefined : { kind: 'atom', atom };
}

/** One atom, from the cursor to the end of the line or the next `&&`, `||` or `)`. */
function parseAtom(c: Cursor, peMentions: PeMention[], regMentions: RegisterMention[]): ExpectAtom | undefined {
  const st = c.st;
  const key = c.peek() as Token;
  const k = key.text.toLowerCase();
  const startIndex = c.i;
  /** The atom's own range and text (a part of the line inside a condition). */
  const where = (): { range: SourceRange; text: string } => {
    const range = spanRange(c.toks[startIndex], c.toks[Math.max(startIndex, c.i - 1)]);
    return { range, text: textOf(st, range) };
  };
  if (k === 'pe' && key.kind === 'ident') {
    c.next();
    const pe = peNumber(c, 'pe', peMentions);
    if (pe === undefined) return undefined;
    const reg = c.next();
    if (!reg || reg.kind !== 'ident') {
      if (reg) c.i--;
      return c.expected('a register name', `pe ${pe}`);
    }
    const op = compareOp(c);
    if (!op) return undefined;
    const value = c.expr([], VALUE_END);
    if (!value) return c.expected('a value', op);
    regMentions.push({ register: reg.text.toLowerCase(), range: tokRange(reg) });
    st.late.push({ expr: value, what: 'the expected value' });
    return { kind: 'register', pe, register: reg.text.toLowerCase(), op, value, ...where() };
  }
  if (key.kind === 'ident' && k in MEM_SIZES && c.peek(1)?.text === '[') {
    c.next();
    c.next();
    const addr = c.expr([], [']']);
    if (!addr) return c.expected('an address', '[');
    if (!c.acceptPunct(']')) return c.expected("']'");
    const size = MEM_SIZES[k];
    const op = compareOp(c);
    if (!op) return undefined;
    const value = c.expr(['in', 'seen'], VALUE_END);
    if (!value) return c.expected('a value', op);
    let view: 'main' | { pe: number } | undefined;
    if (c.acceptWord('in')) {
      if (!c.expectWord('memory', 'in')) return undefined;
      view = 'main';
    } else if (c.acceptWord('seen')) {
      if (!c.expectWord('by', 'seen')) return undefined;
      if (!c.expectWord('pe', 'by')) return undefined;
      const pe = peNumber(c, 'pe', peMentions);
      if (pe === undefined) return undefined;
      view = { pe };
    }
    if (!endAtom(c, 'the memory expectation')) return undefined;
    st.late.push({ expr: addr, what: 'the address', min: 0n, max: (1n << 52n) - 1n });
    st.late.push({
      expr: value,
      what: `the expected ${size}-byte value`,
      min: -(1n << BigInt(size * 8 - 1)),
      max: (1n << BigInt(size * 8)) - 1n,
      apply: (v) => (value.value = BigInt.asUintN(size * 8, v)), // two's complement in the access size
    });
    const e: ExpectAtom = { kind: 'memory', address: addr, size, op, value, ...where() };
    if (view !== undefined) e.view = view;
    return e;
  }
  switch (k) {
    case 'no': {
      c.next();
      if (c.acceptWord('fault')) {
        if (!endAtom(c, "'no fault'")) return undefined;
        return { kind: 'no-fault', ...where() };
      }
      if (c.acceptWord('finding')) {
        if (atomEnd(c)) return { kind: 'no-finding', ...where() };
        const w = ruleWord(c)!;
        if (!endAtom(c, "'no finding RULE'")) return undefined;
        checkRule(c.st, w);
        return { kind: 'finding', rule: w.text, negate: true, ...where() };
      }
      return c.expected("'fault' or 'finding'", 'no');
    }
    case 'finding': {
      c.next();
      const w = ruleWord(c);
      if (!w) return c.expected('a finding rule (e.g. mismatched-attributes)', 'finding');
      if (!endAtom(c, "'finding RULE'")) return undefined;
      checkRule(c.st, w);
      return { kind: 'finding', rule: w.text, negate: false, ...where() };
    }
    case 'halted': {
      c.next();
      if (!c.expectWord('pe', 'halted')) return undefined;
      const pe = peNumber(c, 'pe', peMentions);
      if (pe === undefined) return undefined;
      if (!endAtom(c, "'halted pe N'")) return undefined;
      return { kind: 'halted', pe, ...where() };
    }
    case 'fault':
      return faultAtom(c, peMentions, where);
    default: {
      const hint = key.kind === 'ident' ? didYouMean(k, EXPECTATION_STARTS) : '';
      st.rep.error(
        tokRange(key),
        `unknown expectation '${key.text}'${hint || ": expected 'pe N REG == V', 'mem[ADDR] == V', 'no fault', 'fault KIND …', 'finding RULE', 'no finding' or 'halted pe N'"}`,
      );
      // Skip to the end of the atom: one message per unknown word.
      while (!atomEnd(c)) c.next();
      return undefined;
    }
  }
}

/** `fault KIND [stage 1|2] [level N] [at el N] [to el N] [on pe N] [at LABEL|ADDR]`. */
function faultAtom(c: Cursor, peMentions: PeMention[], where: () => { range: SourceRange; text: string }): ExpectAtom | undefined {
  const st = c.st;
  c.next();
  const w = ruleWord(c);
  if (!w) return c.expected(`a fault kind (${FAULT_KINDS.join(', ')})`, 'fault');
  const kind = w.text.toLowerCase().replace(/_/g, '-') as FaultKind;
  if (!FAULT_KINDS.includes(kind)) {
    st.rep.error(w.range, `unknown fault kind '${w.text}'${didYouMean(w.text, FAULT_KINDS) || `; expected one of ${FAULT_KINDS.join(', ')}`}`);
    return undefined;
  }
  const e: Extract<ExpectAtom, { kind: 'fault' }> = { kind: 'fault', fault: kind, range: w.range, text: '' };
  while (!atomEnd(c)) {
    const t = c.peek() as Token;
    const tw = t.text.toLowerCase();
    if (tw === 'stage') {
      c.next();
      const s = c.next();
      if (!s || (s.text !== '1' && s.text !== '2')) {
        if (s) c.i--;
        return c.expected('1 or 2', 'stage');
      }
      e.stage = Number(s.text) as 1 | 2;
    } else if (tw === 'level') {
      c.next();
      const s = c.next();
      const lv = s ? Number(s.text) : NaN;
      if (!s || !Number.isInteger(lv) || lv < -1 || lv > 3) {
        if (s) c.i--;
        return c.expected('a lookup level 0-3', 'level');
      }
      e.level = lv;
    } else if (tw === 'on') {
      c.next();
      if (!c.expectWord('pe', 'on')) return undefined;
      const pe = peNumber(c, 'pe', peMentions);
      if (pe === undefined) return undefined;
      e.pe = pe;
    } else if ((tw === 'at' || tw === 'to') && c.isWord('el', 1)) {
      c.next();
      c.next();
      const s = c.next();
      const el = s ? Number(s.text) : NaN;
      if (!s || !Number.isInteger(el) || el < 0 || el > 3) {
        if (s) c.i--;
        return c.expected('an exception level 0-3', 'el');
      }
      if (tw === 'at') e.el = el as ExceptionLevel;
      else e.toEl = el as ExceptionLevel;
    } else if (tw === 'at') {
      c.next();
      const at = c.expr(['on', 'stage', 'level', 'at', 'to'], VALUE_END);
      if (!at) return c.expected('a label or address', 'at');
      e.at = at;
      st.late.push({ expr: at, what: 'the faulting address', min: 0n, max: (1n << 64n) - 1n });
    } else {
      st.rep.error(tokRange(t), `unexpected '${t.text}' in fault expectation: expected 'stage', 'level', 'at el', 'to el', 'on pe' or 'at LABEL'`);
      return undefined;
    }
  }
  return { ...e, ...where() };
}
