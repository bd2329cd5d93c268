/**
 * Re-parse of one edited instruction line, in place: the common keystroke
 * (typing inside `    mov   x0, #1`) changes one instruction and nothing
 * else — no address, label, constant, literal-pool slot or block boundary
 * moves — so the rest of the model stays as the last parse built it. The
 * line goes through the same parser steps as in a full parse (lexer,
 * `splitAsmLine`, `layoutPass2` for that line alone, `attachSuggestions`), and
 * its results replace the old line's in the model: its statement, its
 * instruction, its bytes in the image, its symbol references and its
 * diagnostics.
 *
 * `patchLine` refuses (answers false, changing nothing) whenever that
 * reasoning could fail — a label, a directive, a literal (`=value`), a local
 * label reference (`1f`), braces, quotes, block comments or `;` on either
 * version of the line, a block that overlaps another, an unaligned address —
 * and the caller parses the whole text instead. test/lsp/incremental.test.ts
 * checks the result equals a full parse over random edits.
 */
import { splitStatements } from './blocks';
import { splitAsmLine } from './codeBlock';
import { Reporter } from './diagnostics';
import { lex, type Token } from './lexer';
import { layoutPass2, type BlockLayout } from './layout';
import type { AsmLine, Diagnostic, Program, ScenarioModel, SymbolRef } from './model';
import { sortDiagnostics, type ParseInternals } from './parse';
import type { CodeInternals, LineInternals, ParseState } from './state';
import { firstTokenAfter } from './shift';
import type { TokenList } from './tokenList';
import { attachSuggestions } from './suggest';
import { defaultAssembler } from './assembler';

/** Characters whose meaning reaches beyond one statement of one line. */
const STRUCTURAL = /[{}";=]|\/\*|\*\//;
const LOCAL_LABEL_REF = /^[0-9]+[bf]$/;

/** A statement the patch may replace: one instruction, no label, no literal, no local-label reference (among `tokens`), on one line. */
function plainInstruction(li: LineInternals, line: number, tokens: readonly Token[]): boolean {
  const asm = li.asm;
  if (asm.labels.length > 0 || asm.mnemonic === undefined || asm.mnemonic.startsWith('.')) return false;
  if (asm.range.start.line !== line || asm.range.end.line !== line) return false;
  return tokens.every((t) => !(t.kind === 'ident' && LOCAL_LABEL_REF.test(t.text)));
}

function sameLine(r: { start: { line: number } }, line: number): boolean {
  return r.start.line === line;
}

/** Where line `line`'s statement is: its block and index, if it is exactly one statement of a code/data block body. */
function locate(st: ParseState, line: number): { ci: CodeInternals; index: number } | undefined {
  for (const ci of st.code) {
    const r = ci.block.range;
    if (line <= r.start.line || line >= r.end.line) continue;
    let index = -1;
    for (let k = 0; k < ci.lines.length; k++) {
      if (ci.lines[k].line !== line) continue;
      if (index >= 0) return undefined; // two statements on the line
      index = k;
    }
    return index >= 0 ? { ci, index } : undefined;
  }
  return undefined;
}

/**
 * The image chunks of a block rebuilt with the instruction at `pc` now
 * `encoding` (unknown bytes when undefined), as layoutPass2 cuts them: runs
 * of known bytes. Answers the splice to apply, or undefined when the block
 * has no chunk yet (then where its chunks go depends on the other blocks).
 */
function chunkSplice(program: Program, lay: BlockLayout, pc: number, encoding: number | undefined): (() => void) | undefined {
  const base = Number(lay.base);
  const size = Number(lay.codeEnd - lay.base);
  const inBlock = (c: { address: number }) => c.address >= base && c.address < base + size;
  const first = program.chunks.findIndex(inBlock);
  if (first < 0) return undefined;
  let count = 0;
  while (first + count < program.chunks.length && inBlock(program.chunks[first + count])) count++;
  return () => {
    const bytes = new Uint8Array(size);
    const known = new Uint8Array(size);
    for (let k = first; k < first + count; k++) {
      const c = program.chunks[k];
      bytes.set(c.bytes, c.address - base);
      known.fill(1, c.address - base, c.address - base + c.bytes.length);
    }
    const off = pc - base;
    if (encoding === undefined) known.fill(0, off, off + 4);
    else {
      for (let b = 0; b < 4; b++) bytes[off + b] = (encoding >>> (8 * b)) & 0xff;
      known.fill(1, off, off + 4);
    }
    const chunks: Program['chunks'] = [];
    for (let k = 0; k < size; ) {
      if (!known[k]) {
        k++;
        continue;
      }
      const start = k;
      while (k < size && known[k]) k++;
      chunks.push({ address: base + start, bytes: bytes.slice(start, k), line: program.lineOf.get(base + start) });
    }
    program.chunks.splice(first, count, ...chunks);
  };
}

/** The splice replacing the refs of `line` (a run in text order) with `fresh`; undefined when there is no anchor to keep the order. */
function refSplice(refs: SymbolRef[], line: number, fresh: SymbolRef[]): (() => void) | undefined {
  const first = refs.findIndex((r) => sameLine(r.range, line));
  if (first < 0) return fresh.length === 0 ? () => undefined : undefined;
  let count = 0;
  while (first + count < refs.length && sameLine(refs[first + count].range, line)) count++;
  return () => void refs.splice(first, count, ...fresh);
}

/** Replace the tokens of `line` in the document's token list (sorted by position) with `fresh`. */
function spliceTokens(tokens: TokenList, line: number, fresh: Token[]): void {
  const from = firstTokenAfter(tokens, line - 1);
  let end = from;
  while (end < tokens.length && tokens.lineAt(end) === line) end++;
  tokens.splice(from, end - from, fresh);
}

/**
 * Re-parse line `line` (starting at offset `lineStart`) of the model in place
 * for the new line text `text` (the rest of the document unchanged, same
 * number of lines). Returns false
 * without changing anything when the edit is not one it can apply exactly.
 */
export function patchLine(model: ScenarioModel, internals: ParseInternals, line: number, lineStart: number, oldText: string, text: string, newDocument: string, cacheable = true): boolean {
  if (STRUCTURAL.test(oldText) || STRUCTURAL.test(text)) return false;
  // Past the cap on diagnostics per file the list is not complete: only a full parse knows what to show.
  if (model.diagnostics.some((d) => d.rule === 'too-many-diagnostics')) return false;
  const { st, layouts, els } = internals;
  const where = locate(st, line);
  if (!where) return false;
  const { ci, index } = where;
  const old = ci.lines[index];
  const lay = layouts.find((l) => l.ci === ci);
  if (!lay || old.asm.address === undefined || old.asm.address % 4n !== 0n || !plainInstruction(old, line, lex(oldText).tokens)) return false;
  if (st.code.some((o) => o !== ci && o.start !== undefined && o.end !== undefined && ci.start !== undefined && ci.end !== undefined && o.start < ci.end && ci.start < o.end)) return false;

  // The new line, lexed and split like a full parse does.
  const lexed = lex(text);
  if (lexed.diagnostics.length > 0) return false;
  for (const t of lexed.tokens) {
    t.line = line;
    t.start += lineStart;
    t.end += lineStart;
  }
  const statements = splitStatements(lexed.tokens);
  if (statements.length !== 1) return false;
  const rep = new Reporter();
  const clean = st.clean[line];
  st.clean[line] = lexed.clean[0] ?? '';
  const scratch: ParseState = { ...st, rep, refs: [], model: { ...model, program: { instrs: new Map(), chunks: [], lineOf: new Map() } } };
  const li = splitAsmLine(scratch, statements[0]);
  if (!li || !plainInstruction(li, line, lexed.tokens)) {
    st.clean[line] = clean;
    return false;
  }
  const pc = old.asm.address;
  li.asm.address = pc;

  // Assemble the line alone: same block, address, EL and literal pool base as in the full parse.
  const one: CodeInternals = { ...ci, lines: [li] };
  layoutPass2(scratch, [{ ci: one, base: pc, codeEnd: pc + 4n, poolBase: lay.poolBase, slots: 0 }], defaultAssembler(), cacheable, els);
  const pcNum = Number(pc);
  const instr = scratch.model.program.instrs.get(pcNum);
  const refs = refSplice(st.refs, line, scratch.refs);
  const chunks = chunkSplice(model.program, lay, pcNum, instr?.encoding !== undefined ? instr.encoding >>> 0 : undefined);
  const asmIndex = ci.block.lines.indexOf(old.asm);
  if (!refs || !chunks || asmIndex < 0) {
    st.clean[line] = clean;
    return false;
  }

  // Commit: statement, instruction, bytes, references, tokens, diagnostics.
  spliceTokens(internals.tokens, line, lexed.tokens);
  ci.lines[index] = li;
  ci.block.lines[asmIndex] = li.asm satisfies AsmLine;
  if (instr) model.program.instrs.set(pcNum, instr);
  else model.program.instrs.delete(pcNum);
  chunks();
  refs();

  const fresh: Diagnostic[] = rep.list;
  const kept = model.diagnostics.filter((d) => !sameLine(d.range, line));
  model.diagnostics = fresh;
  attachSuggestions(model, st.language);
  model.diagnostics = sortDiagnostics([...kept, ...fresh]);
  model.text = newDocument;
  return true;
}
