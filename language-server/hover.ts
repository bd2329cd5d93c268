/**
 * Hover: instructions (summary, operands, address, encoding), system
 * registers (description and every field; decoded when the value is known),
 * numbers (decoded against the register they end up in, FF-A/SMCCC function
 * IDs named), labels and constants (their address or value).
 */
import { FULL_LANGUAGE } from '../simulator/language';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { decodeContextOf, findRegister } from '../simulator/arch/registers';
import { valueDestinationAt, registerValueAt } from '../simulator/scenario/valueFlow';
import { hex, parseInteger } from '../simulator/util/hex';
import type { AsmLine } from '../simulator/scenario/model';
import type { Analysis, Word } from './analysis';
import { toRange } from './convert';
import { directiveSummary, functionIdText, mnemonicSummary } from './knowledge';
import { decodedMarkdown, numberMarkdown, registerMarkdown } from './markdown';

function hover(markdown: string, word: Word): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: toRange(word.range) };
}

function lineRef(a: Analysis, line: number): string {
  const text = (a.lines[line] ?? '').trim().replace(/\s*\/\/.*$/, '');
  return `line ${line + 1} \`${text}\``;
}

/** E2H decides the layout of several EL2 registers: take it from the PE blocks when one sets HCR_EL2. */
function decodeContext(a: Analysis): { e2h?: boolean } {
  for (const pe of a.model.pes) {
    for (const r of pe.registers) {
      if (r.name.toLowerCase() === 'hcr_el2' && r.value.value !== undefined) return decodeContextOf(r.value.value);
    }
  }
  return {};
}

function instructionHover(a: Analysis, asm: AsmLine): string | undefined {
  const m = asm.mnemonic;
  if (!m) return undefined;
  const out: string[] = [];
  if (m.startsWith('.')) {
    const summary = directiveSummary(m);
    if (!summary) return unknownHover(m, 'directive', a, asm);
    out.push(`**${m}** — ${summary}`);
  } else {
    const summary = mnemonicSummary(m);
    if (!summary) return unknownHover(m, 'instruction', a, asm);
    out.push(`**${m}** — ${summary}`);
  }
  if (asm.operands.length > 0) out.push('', 'Operands: ' + asm.operands.map((o) => `\`${o.text.trim()}\``).join(', '));
  if (asm.address !== undefined) {
    const instr = a.model.program.instrs.get(Number(asm.address));
    const enc = instr?.encoding !== undefined ? ` · encoding \`${hex(instr.encoding >>> 0, 8)}\`` : '';
    out.push('', `Address \`${hex(asm.address)}\`${enc}`);
  }
  return out.join('\n');
}

/** A word in the mnemonic position that the assembler does not know: say so, with the parser's suggestion. */
function unknownHover(m: string, what: 'instruction' | 'directive', a: Analysis, asm: AsmLine): string {
  const at = asm.mnemonicRange;
  const d = at ? a.model.diagnostics.find((x) => x.range.start.line === at.start.line && x.range.start.col === at.start.col && x.suggestion !== undefined) : undefined;
  return `**${m}** is not ${what === 'instruction' ? 'an instruction' : 'a directive'} the assembler knows${d?.suggestion !== undefined ? ` — did you mean **${d.suggestion}**?` : ''}`;
}

function symbolHover(a: Analysis, name: string): string | undefined {
  const sym = a.model.symbols.get(name) ?? a.model.constants.get(name);
  if (!sym) return undefined;
  const where = `defined at line ${sym.range.start.line + 1}`;
  if (sym.kind === 'label') {
    const block = sym.block?.name ? ` in \`${sym.block.kind} ${sym.block.name}\`` : '';
    return `label **${sym.name}**${sym.value !== undefined ? ` at \`${hex(sym.value)}\`` : ''}${block} — ${where}`;
  }
  return `constant **${sym.name}** = ${sym.value !== undefined ? numberMarkdown(sym.value) : '(unresolved)'} — ${where}`;
}

/** Hover on a number: its forms, the register it ends up in, and an SMCCC/FF-A function name. */
function numberHover(a: Analysis, word: Word, value: bigint): string {
  const out = [numberMarkdown(value)];
  const dest = valueDestinationAt(a.model, word.range.start.line, word.range.start.col);
  const rd = a.asmLinesAt(word.range.start.line).find((r) => r.line.operands.some((o) => o.range.start.col <= word.range.start.col && word.range.end.col <= o.range.end.col))?.line.operands[0]?.text.trim();
  // A function ID by position: in w0, and not on its way into a system register.
  const fn = functionIdText(value, rd !== undefined && /^[wx]0$/i.test(rd) && !(dest && findRegister(dest.register)));
  if (fn) out.push('', fn);
  if (dest && findRegister(dest.register)) {
    const via = dest.lines.length > 1 ? `ends up in it via ${dest.lines.map((l) => `line ${l + 1}`).join(' → ')}` : undefined;
    const md = decodedMarkdown(dest.register, dest.value, decodeContext(a), via);
    if (md) out.push('', md);
  }
  return out.join('\n');
}

function registerHover(a: Analysis, word: Word, name: string): string | undefined {
  const line = word.range.start.line;
  // A register being written here with a known value: decode that value.
  const dest = valueDestinationAt(a.model, line, word.range.start.col);
  if (dest && dest.register === name.toLowerCase()) {
    const via = dest.lines.length > 1 ? `value from ${dest.lines.slice(0, -1).map((l) => lineRef(a, l)).join(', ')}` : undefined;
    const md = decodedMarkdown(name, dest.value, decodeContext(a), via);
    if (md) return md;
  }
  return registerMarkdown(name, decodeContext(a));
}

function gprHover(a: Analysis, word: Word): string | undefined {
  const v = registerValueAt(a.model, word.range.start.line, word.text);
  if (!v) return undefined;
  const from = v.lines.length > 0 ? ` (set at ${v.lines.map((l) => `line ${l + 1}`).join(', ')})` : '';
  const fn = functionIdText(v.value, /^[wx]0$/i.test(word.text));
  return `**${word.text.toLowerCase()}** holds ${numberMarkdown(v.value)} here${from}${fn ? '\n\n' + fn : ''}`;
}

export function provideHover(a: Analysis, pos: Position): Hover | null {
  const word = a.wordAt(pos.line, pos.character);
  if (!word) return null;
  const asm = a.asmLinesAt(pos.line).find((r) => r.line.mnemonicRange?.start.col === word.range.start.col);
  if (asm) {
    const md = instructionHover(a, asm.line);
    return md ? hover(md, word) : null;
  }
  const text = word.text;
  const num = parseInteger(text);
  if (num !== undefined) return hover(numberHover(a, word, num), word);
  if (a.model.symbols.has(text) || a.model.constants.has(text)) {
    const md = symbolHover(a, text);
    if (md) {
      // A constant written to a register (`tcr_el1 = TCR`, `ldr x0, =TCR` + `msr`): decode it there too.
      const dest = valueDestinationAt(a.model, pos.line, word.range.start.col);
      const decoded = dest && findRegister(dest.register) ? decodedMarkdown(dest.register, dest.value, decodeContext(a)) : undefined;
      return hover(decoded ? `${md}\n\n${decoded}` : md, word);
    }
  }
  const pre = FULL_LANGUAGE.symbol(text);
  if (pre) {
    const md = `predefined constant **${pre.name}** = ${numberMarkdown(pre.value)}\n\n${pre.description}`;
    const dest = valueDestinationAt(a.model, pos.line, word.range.start.col);
    const decoded = dest && findRegister(dest.register) ? decodedMarkdown(dest.register, dest.value, decodeContext(a)) : undefined;
    return hover(decoded ? `${md}\n\n${decoded}` : md, word);
  }
  if (/^[xw]([0-9]|[12][0-9]|30)$/i.test(text)) {
    const md = gprHover(a, word);
    return md ? hover(md, word) : null;
  }
  if (findRegister(text)) {
    const md = registerHover(a, word, text);
    if (md) return hover(md, word);
  }
  return null;
}
