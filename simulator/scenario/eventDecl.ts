/**
 * `event [NAME] [every] when TRIGGER do ACTION` — something the machine does
 * at a point of the run (an interrupt, a write by an agent outside the PEs, a
 * speculative cache fill) — or `event [NAME] WINDOW do ACTION`: once, at a
 * moment within a window that exploration enumerates (docs/explore.md).
 *
 *   TRIGGER  step N | pe N reaches TARGET | condition COND
 *   WINDOW   between step A and [step] B | after BOUND [before BOUND] | before BOUND | anytime
 *   BOUND    step N | pe N reaches TARGET
 *   ACTION   irq INTID [pe N] | write ADDR = VALUE [size 1|2|4|8] | fill ADDR [in CACHE] | uart [NAME] input "TEXT"
 */
import type { RawBlock } from './blocks';
import { didYouMean, spanRange, tokRange } from './diagnostics';
import type { EventBound, EventDecl } from './model';
import { Cursor, type ParseState } from './state';

/** Where an event names a PE (checked once the PE count is known). */
export interface PeMention {
  pe: number;
  range: import('./model').SourceRange;
}

/** A trigger value ends at `do` (or at an action word when `do` is missing, so the message says so). */
const TRIGGER_END = ['do', 'irq', 'write', 'fill', 'uart'];
/** Words that start a window instead of `when`. */
const WINDOW_WORDS = ['between', 'after', 'before', 'anytime'];

/** A condition's source text from its tokens (spacing kept where the source had it). */
function joinTokens(toks: { text: string; spaced: boolean }[]): string {
  return toks.map((t, i) => (i > 0 && t.spaced ? ' ' : '') + t.text).join('');
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0' };

/** The characters of a string token: quotes removed, C escapes (\\n \\r \\t \\0 \\\\ \\" \\xHH) interpreted. */
function unquote(tok: string): string {
  const body = tok.startsWith('"') ? tok.slice(1, tok.endsWith('"') && tok.length > 1 ? -1 : undefined) : tok;
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? e;
  });
}

export function interpretEvent(st: ParseState, block: RawBlock, peMentions: PeMention[]): void {
  const c = new Cursor(block.header, st, block.keyword);
  let name: string | undefined;
  const first = c.peek();
  // A name only when `every`/`when` or a window follows it, so `event step 5 …` reports the missing `when`.
  const starts = ['every', 'when', ...WINDOW_WORDS];
  if (first && first.kind === 'ident' && !starts.includes(first.text) && starts.some((w) => c.isWord(w, 1))) {
    c.next();
    name = first.text;
  }
  const everyTok = c.acceptWord('every');
  const repeat = everyTok !== undefined;
  let trigger: EventDecl['trigger'];
  if (WINDOW_WORDS.some((w) => c.isWord(w))) {
    if (everyTok) st.rep.error(tokRange(everyTok), "an event with a window fires once: remove 'every'");
    const w = interpretWindow(c, peMentions);
    if (w === undefined) return;
    trigger = w;
  } else if (!c.acceptWord('when')) {
    c.expected("'when' or a window ('between step A and B', 'after …', 'before …', 'anytime')", c.i === 0 ? 'event' : c.prev().text);
    return;
  } else {
    const t = interpretTrigger(c, block, peMentions, repeat);
    if (t === undefined) return;
    trigger = t;
  }
  if (!c.expectWord('do')) return;
  const ak = c.peek();
  let action: EventDecl['action'];
  if (c.acceptWord('irq')) {
    const e = c.expr(['pe']);
    if (!e) return c.expected('an interrupt ID', 'irq');
    const a: EventDecl['action'] = { kind: 'irq', intid: 0 };
    action = a;
    st.late.push({ expr: e, what: 'the interrupt ID', min: 0n, max: 1019n, apply: (v) => ((a as { intid: number }).intid = Number(v)) });
    if (c.acceptWord('pe')) {
      const pe = peNumber(c, peMentions);
      if (pe === undefined) return;
      (a as { pe?: number }).pe = pe;
    }
  } else if (c.acceptWord('write')) {
    const addr = c.expr(['size'], ['=']);
    if (!addr) return c.expected('an address', 'write');
    if (!c.acceptPunct('=')) return c.expected("'='");
    const value = c.expr(['size']);
    if (!value) return c.expected('a value', '=');
    let size: 1 | 2 | 4 | 8 = 8;
    if (c.acceptWord('size')) {
      const s = c.next();
      const sv = s ? Number(s.text) : NaN;
      if (!s || ![1, 2, 4, 8].includes(sv)) {
        if (s) c.i--;
        return c.expected('a size of 1, 2, 4 or 8 bytes', 'size');
      }
      size = sv as 1 | 2 | 4 | 8;
    }
    action = { kind: 'write', address: addr, value, size };
    st.late.push({ expr: addr, what: 'the address', min: 0n, max: (1n << 52n) - 1n });
    const bytes = size;
    st.late.push({
      expr: value,
      what: 'the value',
      min: -(1n << BigInt(size * 8 - 1)),
      max: (1n << BigInt(size * 8)) - 1n,
      apply: (v) => (value.value = BigInt.asUintN(bytes * 8, v)), // two's complement in the write size
    });
  } else if (c.acceptWord('fill')) {
    const addr = c.expr(['in']);
    if (!addr) return c.expected('an address', 'fill');
    let cache = 'any';
    if (c.acceptWord('in')) {
      const w = c.word();
      if (!w) return c.expected('a cache name', 'in');
      cache = w.text;
    }
    action = { kind: 'fill', address: addr, cache };
    st.late.push({ expr: addr, what: 'the address', min: 0n, max: (1n << 52n) - 1n });
  } else if (c.acceptWord('uart')) {
    // `uart [NAME] input "TEXT"` (docs/language.md "Interrupts").
    let device: string | undefined;
    const n = c.peek();
    if (n && n.kind === 'ident' && n.text !== 'input') {
      c.next();
      device = n.text;
    }
    if (!c.expectWord('input', device ?? 'uart')) return;
    const str = c.next();
    if (!str || str.kind !== 'string') {
      if (str) c.i--;
      return c.expected('a string of characters, e.g. "hello\\n"', 'input');
    }
    const a: EventDecl['action'] = { kind: 'uart-input', text: unquote(str.text), range: tokRange(str) };
    if (device !== undefined) a.device = device;
    action = a;
  } else {
    const hint = ak ? didYouMean(ak.text, ['irq', 'write', 'fill', 'uart']) : '';
    if (ak && hint) {
      st.rep.error(tokRange(ak), `unknown action '${ak.text}'${hint}`);
      return;
    }
    return c.expected("an action ('irq N', 'write ADDR = VALUE', 'fill ADDR' or 'uart input \"TEXT\"')", 'do');
  }
  c.expectEnd('the event');
  const ev: EventDecl = { trigger, action, repeat, range: spanRange(block.keyword, block.header[block.header.length - 1]) };
  if (name !== undefined) ev.name = name;
  st.model.events.push(ev);
}

/**
 * A window (`between step A and B`, `after BOUND [before BOUND]`, `before
 * BOUND`, `anytime`), up to `do`. A step window must not close before it opens.
 */
function interpretWindow(c: Cursor, peMentions: PeMention[]): Extract<EventDecl['trigger'], { kind: 'window' }> | undefined {
  const st = c.st;
  const start = c.peek()!;
  const w: Extract<EventDecl['trigger'], { kind: 'window' }> = { kind: 'window' };
  if (c.acceptWord('anytime')) return w;
  // A step window must not close before it opens: checked when the closing step is resolved (after the opening one).
  const closing = (v: number): void => {
    if (w.after?.kind === 'step' && v < w.after.step) st.rep.error(spanRange(start, c.prev()), `the window closes (step ${v}) before it opens (step ${w.after.step})`);
  };
  if (c.acceptWord('between')) {
    if (!c.expectWord('step', 'between')) return undefined;
    const a = stepBound(c, ['and', ...TRIGGER_END], 'step');
    if (a === undefined) return undefined;
    if (!c.expectWord('and', a.text)) return undefined;
    // `between step A and B` (issue #13's form) or `between step A and step B`.
    c.acceptWord('step');
    const b = stepBound(c, TRIGGER_END, 'step', closing);
    if (b === undefined) return undefined;
    w.after = a.bound;
    w.before = b.bound;
  } else {
    if (c.acceptWord('after')) {
      const a = bound(c, peMentions, ['before', ...TRIGGER_END], 'after');
      if (a === undefined) return undefined;
      w.after = a;
    }
    if (c.acceptWord('before')) {
      const b = bound(c, peMentions, TRIGGER_END, 'before', closing);
      if (b === undefined) return undefined;
      w.before = b;
    }
  }
  return w;
}

/** `step N`, `pe N reaches TARGET` or `condition COND`, after `when`. */
function interpretTrigger(c: Cursor, block: RawBlock, peMentions: PeMention[], repeat: boolean): EventDecl['trigger'] | undefined {
  const st = c.st;
  const tk = c.peek();
  if (c.acceptWord('step')) {
    const e = c.expr(TRIGGER_END);
    if (!e) return c.expected('a step number', 'step');
    const t: EventDecl['trigger'] = { kind: 'step', step: 0 };
    st.late.push({ expr: e, what: 'the step number', min: repeat ? 1n : 0n, max: BigInt(Number.MAX_SAFE_INTEGER), apply: (v) => ((t as { step: number }).step = Number(v)) });
    return t;
  }
  if (c.acceptWord('pe')) {
    const pe = peNumber(c, peMentions);
    if (pe === undefined) return undefined;
    if (!c.expectWord('reaches', `pe ${c.prev().text}`)) return undefined;
    const target = c.expr(TRIGGER_END);
    if (!target) return c.expected('a label or address', 'reaches');
    st.late.push({ expr: target, what: 'the address to reach', min: 0n, max: (1n << 64n) - 1n });
    return { kind: 'reach', pe, target };
  }
  if (c.acceptWord('condition')) {
    // `condition COND do …`: the tokens up to `do` (docs/language.md "Interrupts").
    const start = c.i;
    while (c.peek() !== undefined && !c.isWord('do')) c.next();
    const toks = block.header.slice(start, c.i);
    if (toks.length === 0) return c.expected("a condition, e.g. 'x5 == 3' or 'mem32[FLAG] != 0'", 'condition');
    return { kind: 'condition', condition: joinTokens(toks), range: spanRange(toks[0], toks[toks.length - 1]) };
  }
  const hint = tk ? didYouMean(tk.text, ['step', 'pe', 'condition']) : '';
  if (tk && hint) {
    st.rep.error(tokRange(tk), `unknown trigger '${tk.text}'${hint}`);
    return undefined;
  }
  return c.expected("a trigger ('step N', 'pe N reaches LABEL' or 'condition COND')", 'when');
}

/** `step N` or `pe N reaches TARGET`, after `after` or `before`. */
function bound(c: Cursor, peMentions: PeMention[], end: string[], after: string, onStep?: (v: number) => void): EventBound | undefined {
  if (c.acceptWord('step')) return stepBound(c, end, 'step', onStep)?.bound;
  if (c.acceptWord('pe')) {
    const pe = peNumber(c, peMentions);
    if (pe === undefined) return undefined;
    if (!c.expectWord('reaches', `pe ${c.prev().text}`)) return undefined;
    const target = c.expr(end);
    if (!target) return c.expected('a label or address', 'reaches');
    c.st.late.push({ expr: target, what: 'the address to reach', min: 0n, max: (1n << 64n) - 1n });
    return { kind: 'reach', pe, target };
  }
  return c.expected("'step N' or 'pe N reaches LABEL'", after);
}

function stepBound(c: Cursor, end: string[], after: string, onStep?: (v: number) => void): { bound: EventBound; text: string } | undefined {
  const e = c.expr(end);
  if (!e) return c.expected('a step number', after);
  const b: EventBound = { kind: 'step', step: 0 };
  const apply = (v: bigint): void => {
    (b as { step: number }).step = Number(v);
    onStep?.(Number(v));
  };
  c.st.late.push({ expr: e, what: 'the step number', min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER), apply });
  return { bound: b, text: e.text };
}

/** The PE number after `pe` (recorded for the PE-range check), or undefined after reporting. */
function peNumber(c: Cursor, peMentions: PeMention[]): number | undefined {
  const peTok = c.next();
  const pe = peTok && peTok.kind === 'number' ? Number(peTok.text.replace(/_/g, '')) : NaN;
  if (!peTok || !Number.isSafeInteger(pe)) {
    if (peTok) c.i--;
    c.expected('a PE number', 'pe');
    return undefined;
  }
  peMentions.push({ pe, range: tokRange(peTok) });
  return pe;
}
