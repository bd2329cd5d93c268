/**
 * Quick fixes: insert the barriers a checker finding asks for after the
 * write it flags (e.g. `dsb ish` + `isb` after a table write or a system
 * register write), and replace an unknown name with the parser's
 * "did you mean" suggestion.
 */
import { type CodeAction, CodeActionKind, type Diagnostic as LspDiagnostic, type TextEdit } from 'vscode-languageserver/node';
import { checkReservedBits } from '../simulator/arch/registers';
import { hex, parseInteger } from '../simulator/util/hex';
import type { Analysis } from './analysis';
import type { SuggestionData } from './convert';
import type { LiveDiagnosticData } from './liveRun';

const DID_YOU_MEAN = /did you mean '([^']+)'\?/;

/**
 * `data` of a background-run diagnostic, as the client echoes it back: a line
 * of this document and the barrier instructions to insert (knowledge.ts
 * barrierFixFor writes at most two), checked before use.
 */
function liveData(a: Analysis, x: unknown): LiveDiagnosticData | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const { fixLine, insert } = x as Record<string, unknown>;
  if (!Array.isArray(insert) || insert.length === 0 || insert.length > 4) return undefined;
  if (!insert.every((i): i is string => typeof i === 'string' && /^[a-z]+( [a-z]+)?$/.test(i))) return undefined;
  if (typeof fixLine !== 'number' || !Number.isInteger(fixLine) || fixLine < 0 || fixLine >= a.lines.length) return undefined;
  return { fixLine, insert };
}

/** Indentation of the instruction on `line` (so inserted lines line up with it). */
function indentOf(a: Analysis, line: number): string {
  const asm = a.asmAt(line)?.line;
  const text = a.lines[line] ?? '';
  if (asm?.mnemonicRange) {
    const col = asm.mnemonicRange.start.col;
    return /^\s*$/.test(text.slice(0, col)) ? text.slice(0, col) : '    ';
  }
  return /^\s*/.exec(text)?.[0] ?? '';
}

function barrierFix(a: Analysis, d: LspDiagnostic, data: LiveDiagnosticData): CodeAction | undefined {
  const line = data.fixLine;
  const insert = data.insert;
  if (line === undefined || !insert || insert.length === 0) return undefined;
  // Skip barriers already present right after the write.
  const next = (a.lines[line + 1] ?? '').trim().toLowerCase();
  const missing = insert.filter((ins, i) => !(i === 0 && next.startsWith(ins)));
  if (missing.length === 0) return undefined;
  const indent = indentOf(a, line);
  const edit: TextEdit = {
    range: { start: { line: line + 1, character: 0 }, end: { line: line + 1, character: 0 } },
    newText: missing.map((s) => `${indent}${s}\n`).join(''),
  };
  return {
    title: `Insert ${missing.map((s) => `'${s}'`).join(' + ')} after line ${line + 1}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [a.uri]: [edit] } },
  };
}

/**
 * The replacement for an unknown name: the simulator's suggestion, carried in
 * the diagnostic's `data` (clients that drop `data` still have it in the
 * message: "did you mean 'X'?").
 */
function suggestionOf(d: LspDiagnostic): string | undefined {
  const data = d.data as Partial<SuggestionData> | undefined;
  if (typeof data === 'object' && data !== null && typeof data.suggestion === 'string') return data.suggestion;
  return DID_YOU_MEAN.exec(d.message)?.[1];
}

function didYouMeanFix(a: Analysis, d: LspDiagnostic): CodeAction | undefined {
  // Only when the diagnostic covers exactly the misspelt word.
  const r = d.range;
  if (r.start.line !== r.end.line) return undefined;
  const word = (a.lines[r.start.line] ?? '').slice(r.start.character, r.end.character);
  if (!/^[\w.$-]+$/.test(word)) return undefined;
  const suggestion = suggestionOf(d);
  if (suggestion === undefined || suggestion === word || !/^[\w.$-]+$/.test(suggestion)) return undefined;
  return {
    title: `Change to '${suggestion}'`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [a.uri]: [{ range: d.range, newText: suggestion }] } },
  };
}

/**
 * `res0-violated` / `res1-violated` on a `pe` block value: the same value with
 * the RES0 bits cleared and the RES1 bits set (Arm ARM "RES0"/"RES1" in the
 * glossary: software must write 0 / 1), as a literal, or around the expression.
 */
function reservedBitsFix(a: Analysis, d: LspDiagnostic): CodeAction | undefined {
  if (d.code !== 'res0-violated' && d.code !== 'res1-violated') return undefined;
  const r = d.range;
  for (const pe of a.model.pes) {
    for (const init of pe.registers) {
      const vr = init.value.range;
      if (vr.start.line !== r.start.line || vr.start.col !== r.start.character || init.value.value === undefined) continue;
      const v = init.value.value;
      let clear = 0n;
      let set = 0n;
      for (const b of checkReservedBits(init.name, v)) {
        if (b.expected === 0) clear |= 1n << BigInt(b.bit);
        else set |= 1n << BigInt(b.bit);
      }
      if (clear === 0n && set === 0n) return undefined;
      const fixed = (v & ~clear) | set;
      const literal = parseInteger(init.value.text) !== undefined;
      let text = literal ? hex(fixed) : `(${init.value.text})`;
      if (!literal && clear !== 0n) text = `(${text} & ~${hex(clear)})`;
      if (!literal && set !== 0n) text = `(${text} | ${hex(set)})`;
      return {
        title: `Use ${hex(fixed)} (${[clear !== 0n ? `clear RES0 ${hex(clear)}` : '', set !== 0n ? `set RES1 ${hex(set)}` : ''].filter((x) => x).join(', ')})`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [a.uri]: [{ range: { start: { line: vr.start.line, character: vr.start.col }, end: { line: vr.end.line, character: vr.end.col } }, newText: text }] } },
      };
    }
  }
  return undefined;
}

export function provideCodeActions(a: Analysis, diagnostics: LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== undefined && !d.source.startsWith('armscope')) continue;
    const data = liveData(a, d.data);
    const fix = data ? barrierFix(a, d, data) : (reservedBitsFix(a, d) ?? didYouMeanFix(a, d));
    if (fix) out.push(fix);
  }
  return out;
}
