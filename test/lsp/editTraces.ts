/**
 * Random edit traces for the incremental paths' property tests (the model,
 * test/lsp/incremental.test.ts; semantic tokens, test/lsp/semanticTokens.test.ts):
 * typing in instruction and comment lines, line insertions, deletions and
 * pastes, new blocks, and edits anywhere in the text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';

function scenarios(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) scenarios(p, out);
    else if (e.endsWith('.armscope')) out.push(p);
  }
  return out;
}

export const SEEDS = [...scenarios('examples'), ...scenarios('test/lsp/fixtures')].map((f) => readFileSync(f, 'utf8'));

/** Apply an edit at a fraction of the text: delete `remove` characters, insert `insert`. */
export function applyEdit(text: string, at: number, remove: number, insert: string): string {
  const start = Math.floor(at * text.length);
  return text.slice(0, start) + insert + text.slice(Math.min(text.length, start + remove));
}

/** Typing inside an instruction line: the edits the fast path takes, and the ones it must refuse. */
export function typingEdit(text: string, pick: number, col: number, insert: string, remove: number): string {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s+[a-z]/.test(l));
  if (candidates.length === 0) return text;
  const [l, i] = candidates[pick % candidates.length];
  const at = Math.min(l.length, 4 + (col % Math.max(1, l.length - 3)));
  lines[i] = l.slice(0, at) + insert + l.slice(Math.min(l.length, at + remove));
  return lines.join('\n');
}

/** Typing in a comment or blank line, appending a comment line at the end, adding or removing blank or comment lines anywhere. */
export function commentEdit(text: string, pick: number, insert: string, append: boolean, added = 0): string {
  if (append) return `${text}${text.endsWith('\n') ? '' : '\n'}// ${insert}\n`;
  if (added !== 0) {
    const ls = text.split('\n');
    const at = pick % ls.length;
    if (added > 0) ls.splice(at, 0, ...Array.from({ length: added }, (_, k) => (k % 2 ? '' : `  // ${insert}`)));
    else if (/^\s*(\/\/[^*]*)?$/.test(ls[at]) && !ls[at].includes('/*')) ls.splice(at, 1);
    return ls.join('\n');
  }
  const lines = text.split('\n');
  const quiet = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(\/\/.*)?$/.test(l));
  if (quiet.length === 0) return text;
  const [l, i] = quiet[pick % quiet.length];
  lines[i] = l.trim() === '' ? `  // ${insert}` : `${l}${insert}`;
  return lines.join('\n');
}

const FRAGMENTS = ['x1', 'w2', '#4', ', ', ' ', 'ish', 'sy', '0x10', 'loop', 'start', 'hcr_el2', 'sctlr_el1', '[x1]', ', #8]', 'lsl #2', '=', ':', '{', '}', '//', '/*', '"', ';', '1f', '.', 'q', 'dbs'];

/** Statement lines an editor adds: instructions, branches to labels, literal loads, comments, blank lines, labels. */
const NEW_LINES = ['    nop', '1:', '    cbnz  x0, 1b', '    b     1f', '    add   x9, x9, #1', '    b.ne  fail', '    cbz   x0, done', '    ldr   x1, =BASE', '    mov   x2, #3', '    adr   x3, fail', '    adrp  x4, fail', '', '  // note', 'again:', '    msr   hcr_el2, x0', '    bogus x1', '    ldr   x1, =0x1234', '    b     0x8000_0100', '    tbz   x1, #3, done', 'l50:'];

/** Lines added (typed or pasted), lines deleted, or a new block: the edit kinds of issue #12. */
export function lineEdit(text: string, pick: number, kind: 'insert' | 'delete' | 'block', count: number, which: number[]): string {
  const lines = text.split('\n');
  const at = pick % lines.length;
  if (kind === 'delete') {
    lines.splice(at, 1 + (count % 3));
    return lines.join('\n');
  }
  if (kind === 'block') {
    lines.splice(at, 0, `code extra${count} at 0x8${(count % 8) + 1}00_0000 {`, ...which.map((w) => NEW_LINES[w % NEW_LINES.length]), '}');
    return lines.join('\n');
  }
  lines.splice(at, 0, ...which.slice(0, 1 + (count % 4)).map((w) => NEW_LINES[w % NEW_LINES.length]));
  return lines.join('\n');
}

export const editArb = fc.oneof(
  fc.record({ kind: fc.constant('comment' as const), pick: fc.nat(), insert: fc.constantFrom('x', 'note', ' ', 'later'), append: fc.boolean(), lines: fc.integer({ min: -1, max: 2 }) }),
  fc.record({ kind: fc.constant('typing' as const), pick: fc.nat(), col: fc.nat(), insert: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), remove: fc.nat({ max: 4 }) }),
  fc.record({ kind: fc.constantFrom('insert' as const, 'delete' as const, 'block' as const), pick: fc.nat(), count: fc.nat({ max: 11 }), which: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('anywhere' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat({ max: 12 }), insert: fc.oneof(fc.constantFrom(...FRAGMENTS, '\n', '\n// note\n', '    nop\n'), fc.string({ maxLength: 6 })) }),
);


export type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

/** The text after one edit of a trace. */
export function applyTraceEdit(text: string, e: Edit): string {
  return e.kind === 'typing'
    ? typingEdit(text, e.pick, e.col, e.insert, e.remove)
    : e.kind === 'comment'
      ? commentEdit(text, e.pick, e.insert, e.append, e.lines)
      : e.kind === 'anywhere'
        ? applyEdit(text, e.at, e.remove, e.insert)
        : lineEdit(text, e.pick, e.kind, e.count, e.which);
}
