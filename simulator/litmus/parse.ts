/**
 * Reading a herd7 AArch64 litmus test (the format of herdtools7
 * `lib/splitter.mll`):
 *
 *   AArch64 NAME ["doc"]               the header
 *   key=value                           metadata lines (Variant=…, EL0=…, Generator=…)
 *   { 0:X1=x; int y=1; [PTE(z)]=(oa:PA(z), valid:0); }     the initial state
 *    P0          | P1          ;        one column per thread, rows end with ';'
 *    MOV W0,#1   | LDR W0,[X1] ;
 *   L0:          |             ;        labels, (* comments *)
 *   locations [x; 0:X2;]                 extra observed locations
 *   filter 0:X0=1                        executions kept
 *   exists (1:X0=1 /\ 1:X2=0)            the final condition (exists, ~exists, forall)
 *
 * `parseLitmus` never throws: a text it cannot read gives diagnostics with
 * line and column, a text that is not a litmus test at all (a stored symbolic
 * link holds a path) is reported as such.
 */
import type { Instruction, LitmusDiagnostic, LitmusTest, Thread } from './ast';
import { LitmusSource, LitmusSyntaxError } from './source';
import { StateParser } from './state';

/** Largest litmus file read (characters): herd7's catalogue tests are under 2 KB. */
export const MAX_LITMUS_CHARS = 1_000_000;
/** Threads of one test: one PE each, and a scenario has at most 64 PEs. */
export const MAX_THREADS = 64;
/** Instructions of one thread (each thread's code fills at most one 4 KB page, with its final `hlt`). */
export const MAX_INSTRUCTIONS = 1_000;

export interface ParsedLitmus {
  /** Absent when the text could not be read; present with `unsupported` diagnostics when it was read but names what the simulator cannot run. */
  test?: LitmusTest;
  diagnostics: LitmusDiagnostic[];
}

const HEADER = /^[ \t\r]*([A-Za-z0-9_]+)[ \t\r]+([A-Za-z0-9_/.+[\]:-]+)[ \t\r]*(?:\(([A-Za-z][A-Za-z0-9_/.-]*)\)[ \t\r]*)?(?:"([^"\n]*)"[ \t\r]*)?;?[ \t\r]*$/;
const INFO = /^[ \t]*([A-Za-z][A-Za-z0-9_/.-]*)[ \t]*=[ \t]*([^\n\r]*)/;
const CONSTRAINT_WORDS = new Set(['final', 'forall', 'exists', 'cases', 'observed', 'Observed', 'locations', 'filter']);
const LABEL = /^([A-Za-z_.$][A-Za-z0-9_.$]*)[ \t]*:/;

/** A text holding only a path (how a git checkout without symbolic links stores one): not a test. */
function looksLikePath(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && !/\s/.test(t) && t.includes('/') && /\.litmus$/.test(t);
}

export function parseLitmus(text: string, file = 'test.litmus'): ParsedLitmus {
  const at = (message: string, kind: LitmusDiagnostic['kind'] = 'syntax'): ParsedLitmus => ({
    diagnostics: [{ kind, message, range: { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } } }],
  });
  if (text.length > MAX_LITMUS_CHARS) return at(`${file}: ${text.length.toLocaleString('en')} characters: Armscope reads litmus tests of at most ${MAX_LITMUS_CHARS.toLocaleString('en')}`);
  if (looksLikePath(text)) return at(`${file}: not a litmus test: its text is a path ('${text.trim().slice(0, 200)}'), as a stored symbolic link holds`, 'not-litmus');
  let src: LitmusSource;
  try {
    src = new LitmusSource(text);
  } catch (e) {
    if (!(e instanceof LitmusSyntaxError)) throw e;
    const r = new LitmusSource(text.replace(/\(\*/g, '  '));
    return { diagnostics: [{ kind: 'syntax', message: e.message, range: r.range(e.start, e.end) }] };
  }
  const diagnostics: LitmusDiagnostic[] = [];
  try {
    // A test with refusals is still a test (the checker adds its own): only syntax errors leave none.
    return { test: read(src, diagnostics), diagnostics };
  } catch (e) {
    if (!(e instanceof LitmusSyntaxError)) throw e;
    diagnostics.push({ kind: 'syntax', message: e.message, range: src.range(e.start, e.end) });
    return { diagnostics };
  }
}

function read(src: LitmusSource, diagnostics: LitmusDiagnostic[]): LitmusTest {
  const text = src.text;
  // ---- header --------------------------------------------------------------
  let i = 0;
  while (i < text.length && /\s/.test(text[i])) i++;
  const lineEnd = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
  const m = HEADER.exec(text.slice(i, lineEnd));
  if (!m) {
    const first = text.slice(i, lineEnd).trim();
    throw new LitmusSyntaxError(
      first.length === 0 ? 'not a litmus test: the text is empty' : `not a litmus test: expected 'AArch64 NAME' on the first line, found '${first.slice(0, 60)}'`,
      i,
      Math.max(lineEnd, i + 1),
    );
  }
  const test: LitmusTest = {
    arch: m[1],
    // herd7 drops a '.litmus' suffix written in the header (lib/misc.ml clean_name).
    name: m[2].replace(/\.litmus$/, ''),
    info: [],
    init: [],
    threads: [],
    locations: [],
    condition: { quantifier: 'forall', prop: { kind: 'true' }, range: src.range(0, 0) },
    symbols: [],
  };
  if (m[4] !== undefined) test.doc = m[4];
  // ---- metadata lines up to the initial state ----------------------------------
  let p = lineEnd;
  let open = -1;
  while (p < text.length) {
    const eol = text.indexOf('\n', p + 1) < 0 ? text.length : text.indexOf('\n', p + 1);
    const line = text.slice(p, eol).replace(/^\n/, '');
    const start = text[p] === '\n' ? p + 1 : p;
    const info = INFO.exec(line);
    if (info) test.info.push({ key: info[1], value: info[2].trim(), range: src.range(start, start + info[0].length) });
    else if (line.includes('{')) {
      open = start + line.indexOf('{');
      break;
    } else if (test.doc === undefined && /^\s*"([^"]*)"\s*$/.test(line)) test.doc = /"([^"]*)"/.exec(line)?.[1];
    p = eol;
  }
  if (open < 0) throw new LitmusSyntaxError("expected the initial state '{ … }'", text.length, text.length);
  let depth = 0;
  let close = -1;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}' && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close < 0) throw new LitmusSyntaxError("the initial state '{' is not closed by '}'", open, open + 1);
  const state = new StateParser(src, open + 1, close);
  test.init = state.init();
  // ---- program and constraints -----------------------------------------------------
  const constraintStart = findConstraints(text, close + 1);
  test.threads = readProgram(src, close + 1, constraintStart);
  const end = text.indexOf('<<', constraintStart) < 0 ? text.length : text.indexOf('<<', constraintStart);
  const constraints = new StateParser(src, constraintStart, end);
  const c = constraints.constraints();
  test.locations = c.locations;
  test.filter = c.filter;
  test.condition = c.condition;
  for (const s of [...state.symbols, ...constraints.symbols]) if (!test.symbols.includes(s)) test.symbols.push(s);
  for (const r of [...state.refusals, ...constraints.refusals]) diagnostics.push({ kind: 'unsupported', message: r.message, range: src.range(r.start, r.end) });
  return test;
}

/** Offset of the first constraint keyword after the program (herd7's splitter: longest-match names, strings skipped), or the end. */
function findConstraints(text: string, from: number): number {
  const word = /[A-Za-z][A-Za-z0-9_/.-]*/y;
  for (let i = from; i < text.length; ) {
    const c = text[i];
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    if (c === '~') {
      let k = i + 1;
      while (k < text.length && /[ \t\r]/.test(text[k])) k++;
      if (text.startsWith('exists', k) && !/[A-Za-z0-9_/.-]/.test(text[k + 6] ?? '')) return i;
      i++;
      continue;
    }
    if (/[A-Za-z]/.test(c) && (i === 0 || !/[A-Za-z0-9_/.-]/.test(text[i - 1]))) {
      word.lastIndex = i;
      const w = word.exec(text)![0];
      if (CONSTRAINT_WORDS.has(w)) return i;
      i += w.length;
      continue;
    }
    i++;
  }
  return text.length;
}

/** The instruction columns: rows end with ';', cells are separated by '|', the first row names the threads. */
function readProgram(src: LitmusSource, start: number, end: number): Thread[] {
  const text = src.text;
  const rows: { start: number; end: number }[] = [];
  let rowStart = start;
  for (let k = start; k < end; k++) {
    if (text[k] === ';') {
      rows.push({ start: rowStart, end: k });
      rowStart = k + 1;
    }
  }
  if (text.slice(rowStart, end).trim().length > 0) {
    const s = rowStart + text.slice(rowStart, end).search(/\S/);
    throw new LitmusSyntaxError("expected ';' at the end of this row of instructions", s, s + text.slice(s, end).trimEnd().length);
  }
  const nonEmpty = rows.filter((r) => text.slice(r.start, r.end).trim().length > 0);
  if (nonEmpty.length === 0) throw new LitmusSyntaxError("expected the thread names ('P0 | P1 ;') after the initial state", start, Math.max(start + 1, end));
  const cellsOf = (r: { start: number; end: number }): { start: number; end: number; text: string }[] => {
    const out: { start: number; end: number; text: string }[] = [];
    let s = r.start;
    for (let k = r.start; k <= r.end; k++) {
      if (k === r.end || text[k] === '|') {
        const raw = text.slice(s, k);
        const lead = raw.length - raw.trimStart().length;
        const t = raw.trim();
        out.push({ start: s + lead, end: s + lead + t.length, text: t });
        s = k + 1;
      }
    }
    return out;
  };
  const header = cellsOf(nonEmpty[0]);
  const threads: Thread[] = [];
  for (const cell of header) {
    const pm = /^P([0-9]+)$/.exec(cell.text);
    if (!pm) {
      if (/^P[0-9]+\.F$/.test(cell.text)) throw new LitmusSyntaxError(`fault handler thread '${cell.text}' is not supported`, cell.start, cell.end);
      if (/^P[0-9]+\s*[:@]/.test(cell.text)) throw new LitmusSyntaxError(`thread annotations ('${cell.text}') are not supported`, cell.start, cell.end);
      throw new LitmusSyntaxError(`expected a thread name (P0, P1, …), found '${cell.text.slice(0, 40)}'`, cell.start, Math.max(cell.end, cell.start + 1));
    }
    const id = Number(pm[1]);
    if (threads.some((t) => t.id === id)) throw new LitmusSyntaxError(`thread P${id} is named twice`, cell.start, cell.end);
    threads.push({ id, code: [], range: src.range(cell.start, cell.end) });
  }
  if (threads.length > MAX_THREADS) throw new LitmusSyntaxError(`${threads.length} threads: Armscope runs at most ${MAX_THREADS} (one PE each)`, header[0].start, header[header.length - 1].end);
  for (let id = 0; id < threads.length; id++) {
    if (!threads.some((t) => t.id === id)) throw new LitmusSyntaxError(`the threads are not numbered P0 to P${threads.length - 1}: P${id} is missing`, header[0].start, header[header.length - 1].end);
  }
  for (const row of nonEmpty.slice(1)) {
    const cells = cellsOf(row);
    if (cells.length > threads.length) {
      const extra = cells[threads.length];
      throw new LitmusSyntaxError(`this row has ${cells.length} columns but there are ${threads.length} threads`, extra.start, Math.max(extra.end, extra.start + 1));
    }
    cells.forEach((cell, k) => {
      if (cell.text.length === 0) return;
      const thread = threads[k];
      const ins = readCell(src, cell);
      if (thread.code.length >= MAX_INSTRUCTIONS) throw new LitmusSyntaxError(`thread P${thread.id} has more than ${MAX_INSTRUCTIONS} instructions`, cell.start, cell.end);
      thread.code.push(ins);
    });
  }
  return threads.sort((a, b) => a.id - b.id);
}

/** `L0: L1: LDR W0,[X1]`, `L0:`, `NOP`. */
function readCell(src: LitmusSource, cell: { start: number; end: number; text: string }): Instruction {
  const labels: string[] = [];
  let rest = cell.text;
  let offset = cell.start;
  for (let lm = LABEL.exec(rest); lm; lm = LABEL.exec(rest)) {
    labels.push(lm[1]);
    const skip = lm[0].length + (rest.slice(lm[0].length).length - rest.slice(lm[0].length).trimStart().length);
    rest = rest.slice(skip);
    offset += skip;
  }
  return { labels, text: rest.trim(), range: src.range(offset, offset + rest.trim().length) };
}
