/**
 * Moving a parse's positions when lines that hold no token (blank or `//`
 * comment lines) are inserted or deleted: Enter at the end of a line, a
 * comment line pasted or removed. Such an edit changes no statement, address
 * or value — the model a full parse would give is the old one with every
 * position after the edit moved by the number of lines added — so
 * `shiftLines` moves them in place (document.ts), at a cost proportional to
 * what lies after the edit.
 *
 * The walk is generic over the model's plain data: ranges and positions after
 * the edit are replaced by moved copies where they are held (they may be
 * shared, e.g. with the assembly memo), objects of the parse with a `line`
 * (tokens, statements' lines, image chunks) are moved in place, each once; a
 * subtree whose `range` ends before the edit is skipped. Instructions (objects
 * with `exec`) are shared with the assembly memo too and are replaced by
 * relabelled copies. It refuses (answers false, changing nothing) when a
 * position lies on an edited line, or a diagnostic's message quotes a line
 * number (`opened at line 12`).
 */
import type { Token } from './lexer';
import type { TokenList } from './tokenList';
import type { AsmLine, ScenarioModel } from './model';
import type { ParseInternals } from './parse';
import type { CodeInternals, LineInternals } from './state';

interface WithLine {
  line: number;
}

interface Position {
  line: number;
  col: number;
}

interface Range {
  start: Position;
  end: Position;
}

type Holder = Record<string | number, unknown>;

const LINE_NUMBER = /\bline \d/;

/** `{ line, col }` (a token has them too, with `endCol`). */
function isPosition(x: unknown): x is Position {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Partial<Position>;
  return typeof p.line === 'number' && typeof p.col === 'number' && !('endCol' in p);
}

function isRange(x: unknown): x is Range {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Partial<Range>;
  return isPosition(r.start) && isPosition(r.end);
}

/** What to move: objects whose own `line` moves, and the places holding a range or position that moves. */
export interface Plan {
  objects: WithLine[];
  slots: { holder: Holder; key: string | number; value: Range | Position }[];
}

/**
 * Plan the move of everything after line `last`; undefined when something
 * lies on the edited lines [first, last]. Ranges and positions are values,
 * possibly shared (with the assembly memo, asmCache.ts, among others): they
 * are replaced where they are held, never changed. Other objects with a
 * `line` (tokens, statements' lines, image chunks) belong to this parse and
 * move in place.
 */
export function plan(roots: unknown[], first: number, last: number, skip: ReadonlySet<unknown>): Plan | undefined {
  const seen = new Set<object>(skip as Set<object>);
  const out: Plan = { objects: [], slots: [] };
  const on = (line: number) => line >= first && line <= last;
  const stack: unknown[] = [...roots];
  /** A field's value: a range or position to replace, or an object to visit. False: something is on an edited line. */
  const field = (holder: Holder, key: string | number, v: unknown): boolean => {
    if (typeof v !== 'object' || v === null) return true;
    if (isRange(v)) {
      if (on(v.start.line) || on(v.end.line)) return false;
      if (v.end.line > last) out.slots.push({ holder, key, value: v });
      return true;
    }
    if (isPosition(v)) {
      if (on(v.line)) return false;
      if (v.line > last) out.slots.push({ holder, key, value: v });
      return true;
    }
    stack.push(v);
    return true;
  };
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    if (ArrayBuffer.isView(x)) continue;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) if (!field(x as unknown as Holder, i, x[i])) return undefined;
      continue;
    }
    if (x instanceof Map) {
      for (const v of x.values()) if (typeof v === 'object' && v !== null) stack.push(v);
      continue;
    }
    const o = x as Holder;
    if (typeof o.exec === 'function') continue; // an Instr: relabelled separately
    // A subtree that ends before the edit holds nothing to move (a diagnostic's related locations may lie anywhere).
    if (!('related' in o) && isRange(o.range) && o.range.end.line < first) continue;
    if (typeof o.line === 'number') {
      if (on(o.line)) return undefined;
      if (o.line > last) out.objects.push(o as unknown as WithLine);
    }
    for (const k in o) if (!field(o, k, o[k])) return undefined;
  }
  return out;
}

/** Index of the first statement whose range ends after `line` (statements are in text order). */
function firstEndingAfter(lines: readonly AsmLine[], line: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid].range.end.line <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first token on a line after `line`. */
export function firstTokenAfter(tokens: TokenList, line: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens.lineAt(mid) <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Move the document's tokens from index `from` on by `lineDelta` lines and
 * `charDelta` characters, and the top-level blocks' own tokens among them
 * (keyword, header, braces: the parse's objects, which the compact list does
 * not hold).
 */
export function moveTokens(internals: ParseInternals, from: number, lineDelta: number, charDelta: number): void {
  const tokens = internals.tokens;
  if (from >= tokens.length || (lineDelta === 0 && charDelta === 0)) return;
  const fromStart = tokens.startAt(from);
  tokens.move(from, lineDelta, charDelta);
  const seen = new Set<Token>();
  const move = (t: Token | undefined): void => {
    if (t === undefined || t.start < fromStart || seen.has(t)) return;
    seen.add(t);
    t.line += lineDelta;
    t.start += charDelta;
    t.end += charDelta;
  };
  for (const b of internals.blocks) {
    move(b.keyword);
    for (const t of b.header) move(t);
    move(b.open);
    move(b.close);
  }
}

export function moved<T extends Position | Range>(v: T, delta: number, last: number, memo: Map<object, object>): T {
  const done = memo.get(v);
  if (done) return done as T;
  const pos = (p: Position): Position => (p.line > last ? { line: p.line + delta, col: p.col } : p);
  const out = (isRange(v) ? { start: pos(v.start), end: pos(v.end) } : pos(v)) as T;
  memo.set(v, out);
  return out;
}

/**
 * Lines [first, last] of the parsed text, which held no token, became
 * `delta + last - first + 1` lines holding none (`clean`: their text with
 * comments blanked, as the lexer gives it). Move everything after them by
 * `delta` lines in the model and the internals. False when the edit is not
 * one this can apply exactly; nothing is changed then.
 */
export function shiftLines(model: ScenarioModel, internals: ParseInternals, first: number, last: number, delta: number, clean: string[]): boolean {
  for (const d of model.diagnostics) {
    if (LINE_NUMBER.test(d.message) || (d.related ?? []).some((r) => LINE_NUMBER.test(r.message))) return false;
  }
  // The bulk — every statement and token — by their known shapes; the rest by the generic walk.
  const codeLines = model.code.map((b) => b.lines);
  const statementLines = internals.st.code.map((ci) => ci.lines);
  const p = plan([model, internals.st.code], first, last, new Set<unknown>([internals.tokens, ...codeLines, ...statementLines]));
  if (!p) return false;
  // Top-level blocks: their tokens move with the token list (moveTokens); their ranges are replaced.
  const blocks = internals.blocks.filter((b) => b.range.end.line > last);
  if (blocks.some((b) => b.range.start.line >= first && b.range.start.line <= last)) return false;
  const asms: AsmLine[] = [];
  for (const lines of codeLines) {
    for (let k = firstEndingAfter(lines, last); k < lines.length; k++) {
      const asm = lines[k];
      if (asm.range.start.line >= first && asm.range.start.line <= last) return false;
      asms.push(asm);
    }
  }
  const statements: WithLine[] = [];
  for (const lines of statementLines) for (let k = firstEndingAfter(lines.map((l) => l.asm), last); k < lines.length; k++) statements.push(lines[k]);

  const memo = new Map<object, object>();
  for (const s of p.slots) s.holder[s.key] = moved(s.value, delta, last, memo);
  for (const o of p.objects) o.line += delta;
  for (const asm of asms) {
    asm.range = moved(asm.range, delta, last, memo);
    if (asm.mnemonicRange) asm.mnemonicRange = moved(asm.mnemonicRange, delta, last, memo);
    for (const l of asm.labels) l.range = moved(l.range, delta, last, memo);
    for (const o of asm.operands) o.range = moved(o.range, delta, last, memo);
  }
  for (const st of statements) st.line += delta;
  for (const b of blocks) b.range = moved(b.range, delta, last, memo);
  moveTokens(internals, firstTokenAfter(internals.tokens, last), delta, 0);
  const program = model.program;
  for (const [pc, instr] of program.instrs) {
    if (instr.line === undefined || instr.line <= last) continue;
    program.instrs.set(pc, Object.assign(Object.create(Object.getPrototypeOf(instr) as object) as typeof instr, instr, { line: instr.line + delta }));
  }
  for (const [address, line] of program.lineOf) if (line > last) program.lineOf.set(address, line + delta);
  // Literal pools: each slot keeps the line of its first user (the pool chunk's line when a block edit cuts it again).
  for (const l of internals.layouts) for (const p of l.pool ?? []) if (p.line > last) p.line += delta;
  internals.st.clean.splice(first, last - first + 1, ...clean);
  return true;
}

/** Index of the first statement of `lines` on a line after `line`. */
export function firstLineAfter(lines: readonly LineInternals[], line: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid].line <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The statements after line `last` move by `delta` lines, in place (their ranges belong to the
 * model): in `ci` from statement `from` on, in every other block those after `last`. A statement's
 * other ranges may share its start and end (codeBlock.ts): those move once. Index loops: this runs
 * for every statement after an edit (no iterator or closure per statement).
 */
export function moveStatements(code: readonly CodeInternals[], ci: CodeInternals, from: number, last: number, delta: number): void {
  for (let b = 0; b < code.length; b++) {
    const c = code[b];
    if (c.block.range.end.line <= last + delta && c !== ci) continue;
    const lines = c.lines;
    for (let k = c === ci ? from : firstLineAfter(lines, last); k < lines.length; k++) {
      const li = lines[k];
      li.line += delta;
      const asm = li.asm;
      const start = asm.range.start;
      const end = asm.range.end;
      if (start.line > last) start.line += delta;
      if (end !== start && end.line > last) end.line += delta;
      if (asm.mnemonicRange) moveRange(asm.mnemonicRange, start, end, last, delta);
      for (let j = 0; j < asm.labels.length; j++) moveRange(asm.labels[j].range, start, end, last, delta);
      for (let j = 0; j < asm.operands.length; j++) moveRange(asm.operands[j].range, start, end, last, delta);
    }
  }
}

/** Move range `r` of a statement whose own start and end (moved already) it may share. */
function moveRange(r: Range, start: Position, end: Position, last: number, delta: number): void {
  if (r.start !== start && r.start !== end && r.start.line > last) r.start.line += delta;
  if (r.end !== start && r.end !== end && r.end !== r.start && r.end.line > last) r.end.line += delta;
}
