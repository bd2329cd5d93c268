/**
 * Formatting of code/data blocks: lower-case mnemonics and register names,
 * labels at column 0, instructions indented, operands aligned in one column
 * per block and separated by `, `, trailing comments kept (and kept aligned
 * where they fit). Other lines lose trailing whitespace only. Only lines the
 * parser split into an `AsmLine` are touched, and only when the statement is
 * alone on its line (not in a one-line block `data x at A { .word 0 }`), so a
 * half-typed line is never rewritten into something else.
 */
import type { FormattingOptions, TextEdit } from 'vscode-languageserver/node';
import { findRegister } from '../simulator/arch/registers';
import type { AsmLine } from '../simulator/scenario/model';
import type { Analysis } from './analysis';

const GPR = /^(?:[xw](?:[0-9]|[12][0-9]|30)|sp|wsp|xzr|wzr)$/i;

/** Lower-case register names inside one operand; symbols keep their case (GNU as symbols are case-sensitive). */
function normaliseOperand(text: string, a: Analysis): string {
  return text.trim().replace(/[A-Za-z_][\w.]*/g, (w) => {
    if (a.model.symbols.has(w) || a.model.constants.has(w)) return w;
    return GPR.test(w) || findRegister(w) ? w.toLowerCase() : w;
  });
}

/** Where the comment on a line starts (after the code), or -1. */
function commentStart(text: string, from: number): number {
  const rest = text.slice(from);
  const i = rest.search(/\/\/|\/\*/);
  return i < 0 ? -1 : from + i;
}

function codeEnd(asm: AsmLine): number {
  if (asm.operands.length > 0) return asm.operands[asm.operands.length - 1].range.end.col;
  if (asm.mnemonicRange) return asm.mnemonicRange.end.col;
  const last = asm.labels[asm.labels.length - 1];
  return last ? last.range.end.col + 1 : 0;
}

export function formatDocument(a: Analysis, options: FormattingOptions): TextEdit[] {
  const indent = options.insertSpaces ? ' '.repeat(options.tabSize || 4) : '\t';
  const indentWidth = options.insertSpaces ? options.tabSize || 4 : 8;
  const edits: TextEdit[] = [];
  const formatted = new Set<number>();
  for (const block of a.model.code) {
    // One operand column per block: after the longest mnemonic.
    let width = 0;
    for (const l of block.lines) if (l.mnemonic) width = Math.max(width, l.mnemonic.length);
    const operandCol = Math.max(width + 1, 6);
    for (const asm of block.lines) {
      const line = asm.range.start.line;
      // Several `;`-separated statements on one line are left as written.
      if (asm.range.end.line !== line || a.asmLinesAt(line).length !== 1) continue;
      const text = a.lines[line] ?? '';
      const end = codeEnd(asm);
      const cStart = commentStart(text, end);
      if (cStart >= 0 && text.slice(cStart).startsWith('/*') && !text.slice(cStart).includes('*/')) continue;
      // A statement sharing its line with other text (a one-line block, `data x at A { .word 0 }`) is left as written.
      if (text.slice(0, asm.range.start.col).trim() !== '' || text.slice(end, cStart >= 0 ? cStart : text.length).trim() !== '') continue;
      const comment = cStart >= 0 ? text.slice(cStart).trimEnd() : '';
      let code = asm.labels.map((l) => `${l.name}:`).join(' ');
      if (asm.mnemonic) {
        const instr = asm.operands.length > 0 ? asm.mnemonic.padEnd(operandCol) + asm.operands.map((o) => normaliseOperand(o.text, a)).join(', ') : asm.mnemonic;
        if (code.length === 0) code = indent + instr;
        else code = code + ' '.repeat(Math.max(1, indentWidth - code.length)) + instr;
      }
      let out = code;
      if (comment) {
        const col = cStart;
        out = code.length === 0 ? text.slice(0, cStart).replace(/\S/g, ' ') + comment : code.length < col ? code.padEnd(col) + comment : `${code} ${comment}`;
      }
      formatted.add(line);
      if (out !== text) edits.push({ range: { start: { line, character: 0 }, end: { line, character: text.length } }, newText: out });
    }
  }
  for (let i = 0; i < a.lines.length; i++) {
    if (formatted.has(i)) continue;
    const t = a.lines[i];
    const trimmed = t.replace(/[ \t]+$/, '');
    if (trimmed !== t) edits.push({ range: { start: { line: i, character: trimmed.length }, end: { line: i, character: t.length } }, newText: '' });
  }
  return edits;
}
