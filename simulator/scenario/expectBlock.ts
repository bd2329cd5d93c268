/**
 * `expect { … }`: what must hold when the run ends. One expectation per line:
 *
 *   pe N REGISTER (==|!=) VALUE
 *   mem[ADDR] | mem8[…] | mem16[…] | mem32[…] | mem64[…]  (==|!=) VALUE  [in memory | seen by pe N]
 *   no fault
 *   fault KIND [stage 1|2] [level N] [at el N] [to el N] [on pe N] [at LABEL|ADDR]
 *   finding RULE  |  no finding [RULE]
 *   halted pe N
 */
import { isRuleId, RULE_IDS } from '../arch/rules';
import type { RawBlock } from './blocks';
import { didYouMean, spanRange, tokRange } from './diagnostics';
import type { Token } from './lexer';
import type { ExceptionLevel, Expectation, FaultKind, SourceRange } from './model';
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

export function interpretExpect(st: ParseState, block: RawBlock, peMentions: PeMention[], regMentions: RegisterMention[]): void {
  if (block.header.length > 0 && block.open) {
    st.rep.error(spanRange(block.header[0], block.header[block.header.length - 1]), "expected '{' after 'expect'");
  }
  for (const stmt of block.body) {
    const c = new Cursor(stmt.tokens, st);
    const key = c.peek() as Token;
    const k = key.text.toLowerCase();
    const text = (st.clean[stmt.range.start.line] ?? '').slice(stmt.range.start.col, stmt.range.end.line === stmt.range.start.line ? stmt.range.end.col : undefined).trim();
    const range = stmt.range;
    const push = (e: Expectation): void => {
      st.model.expectations.push(e);
    };
    if (k === 'pe' && key.kind === 'ident') {
      c.next();
      const pe = peNumber(c, 'pe', peMentions);
      if (pe === undefined) continue;
      const reg = c.next();
      if (!reg || reg.kind !== 'ident') {
        if (reg) c.i--;
        c.expected('a register name', `pe ${pe}`);
        continue;
      }
      const op = compareOp(c);
      if (!op) continue;
      const value = c.expr();
      if (!value) {
        c.expected('a value', op);
        continue;
      }
      regMentions.push({ register: reg.text.toLowerCase(), range: tokRange(reg) });
      st.late.push({ expr: value, what: 'the expected value' });
      push({ kind: 'register', pe, register: reg.text.toLowerCase(), op, value, range, text });
      continue;
    }
    if (key.kind === 'ident' && k in MEM_SIZES && c.peek(1)?.text === '[') {
      c.next();
      c.next();
      const addr = c.expr([], [']']);
      if (!addr) {
        c.expected('an address', '[');
        continue;
      }
      if (!c.acceptPunct(']')) {
        c.expected("']'");
        continue;
      }
      const size = MEM_SIZES[k];
      const op = compareOp(c);
      if (!op) continue;
      const value = c.expr(['in', 'seen']);
      if (!value) {
        c.expected('a value', op);
        continue;
      }
      const e: Expectation = { kind: 'memory', address: addr, size, op, value, range, text };
      if (c.acceptWord('in')) {
        if (!c.expectWord('memory', 'in')) continue;
        e.view = 'main';
      } else if (c.acceptWord('seen')) {
        if (!c.expectWord('by', 'seen')) continue;
        if (!c.expectWord('pe', 'by')) continue;
        const pe = peNumber(c, 'pe', peMentions);
        if (pe === undefined) continue;
        e.view = { pe };
      }
      c.expectEnd('the memory expectation');
      st.late.push({ expr: addr, what: 'the address', min: 0n, max: (1n << 52n) - 1n });
      st.late.push({
        expr: value,
        what: `the expected ${size}-byte value`,
        min: -(1n << BigInt(size * 8 - 1)),
        max: (1n << BigInt(size * 8)) - 1n,
        apply: (v) => (value.value = BigInt.asUintN(size * 8, v)), // two's complement in the access size
      });
      push(e);
      continue;
    }
    switch (k) {
      case 'no': {
        c.next();
        if (c.acceptWord('fault')) {
          c.expectEnd("'no fault'");
          push({ kind: 'no-fault', range, text });
        } else if (c.acceptWord('finding')) {
          if (c.atEnd()) push({ kind: 'no-finding', range, text });
          else {
            const w = c.word()!;
            c.expectEnd("'no finding RULE'");
            checkRule(st, w);
            push({ kind: 'finding', rule: w.text, negate: true, range, text });
          }
        } else c.expected("'fault' or 'finding'", 'no');
        break;
      }
      case 'finding': {
        c.next();
        const w = c.word();
        if (!w) {
          c.expected('a finding rule (e.g. mismatched-attributes)', 'finding');
          break;
        }
        c.expectEnd("'finding RULE'");
        checkRule(st, w);
        push({ kind: 'finding', rule: w.text, negate: false, range, text });
        break;
      }
      case 'halted': {
        c.next();
        if (!c.expectWord('pe', 'halted')) break;
        const pe = peNumber(c, 'pe', peMentions);
        if (pe === undefined) break;
        c.expectEnd("'halted pe N'");
        push({ kind: 'halted', pe, range, text });
        break;
      }
      case 'fault': {
        c.next();
        const w = c.word();
        if (!w) {
          c.expected(`a fault kind (${FAULT_KINDS.join(', ')})`, 'fault');
          break;
        }
        const kind = w.text.toLowerCase().replace(/_/g, '-') as FaultKind;
        if (!FAULT_KINDS.includes(kind)) {
          st.rep.error(w.range, `unknown fault kind '${w.text}'${didYouMean(w.text, FAULT_KINDS) || `; expected one of ${FAULT_KINDS.join(', ')}`}`);
          break;
        }
        const e: Extract<Expectation, { kind: 'fault' }> = { kind: 'fault', fault: kind, range, text };
        let ok = true;
        while (ok && !c.atEnd()) {
          const t = c.peek() as Token;
          const tw = t.text.toLowerCase();
          if (tw === 'stage') {
            c.next();
            const s = c.next();
            if (!s || (s.text !== '1' && s.text !== '2')) {
              if (s) c.i--;
              c.expected('1 or 2', 'stage');
              ok = false;
              break;
            }
            e.stage = Number(s.text) as 1 | 2;
          } else if (tw === 'level') {
            c.next();
            const s = c.next();
            const lv = s ? Number(s.text) : NaN;
            if (!s || !Number.isInteger(lv) || lv < -1 || lv > 3) {
              if (s) c.i--;
              c.expected('a lookup level 0-3', 'level');
              ok = false;
              break;
            }
            e.level = lv;
          } else if (tw === 'on') {
            c.next();
            if (!c.expectWord('pe', 'on')) {
              ok = false;
              break;
            }
            const pe = peNumber(c, 'pe', peMentions);
            if (pe === undefined) {
              ok = false;
              break;
            }
            e.pe = pe;
          } else if ((tw === 'at' || tw === 'to') && c.isWord('el', 1)) {
            c.next();
            c.next();
            const s = c.next();
            const el = s ? Number(s.text) : NaN;
            if (!s || !Number.isInteger(el) || el < 0 || el > 3) {
              if (s) c.i--;
              c.expected('an exception level 0-3', 'el');
              ok = false;
              break;
            }
            if (tw === 'at') e.el = el as ExceptionLevel;
            else e.toEl = el as ExceptionLevel;
          } else if (tw === 'at') {
            c.next();
            const at = c.expr(['on', 'stage', 'level', 'at', 'to']);
            if (!at) {
              c.expected('a label or address', 'at');
              ok = false;
              break;
            }
            e.at = at;
            st.late.push({ expr: at, what: 'the faulting address', min: 0n, max: (1n << 64n) - 1n });
          } else {
            st.rep.error(tokRange(t), `unexpected '${t.text}' in fault expectation: expected 'stage', 'level', 'at el', 'to el', 'on pe' or 'at LABEL'`);
            ok = false;
          }
        }
        if (ok) push(e);
        break;
      }
      default: {
        const options = ['pe', 'mem', 'mem8', 'mem16', 'mem32', 'mem64', 'no', 'fault', 'finding', 'halted'];
        const hint = key.kind === 'ident' ? didYouMean(k, options) : '';
        st.rep.error(
          tokRange(key),
          `unknown expectation '${key.text}'${hint || ": expected 'pe N REG == V', 'mem[ADDR] == V', 'no fault', 'fault KIND …', 'finding RULE', 'no finding' or 'halted pe N'"}`,
        );
      }
    }
  }
}
