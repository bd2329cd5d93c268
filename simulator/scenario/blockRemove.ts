/**
 * Whole top-level `code`/`data` blocks deleted (cut, or their lines removed),
 * applied to the last parse in place: their statements, labels, references,
 * layout, image and diagnostics leave the model, and what follows moves back
 * by the lines removed (shift.ts). The other blocks keep their parse and
 * assembly.
 *
 * The mirror of blockInsert.ts, refused on the same grounds: a label of a
 * removed block named anywhere else, an entry point inside one, a diagnostic
 * elsewhere that points into one (a duplicate label's first definition), a
 * removed diagnostic that may have spent the parse's suggestion budget, and
 * the conditions of `blocksStandAlone`. The removed lines must hold exactly
 * whole blocks (and blank or comment lines) between two top-level statements.
 * test/lsp/blockInsert.test.ts checks every answer against a full parse.
 */
import { blocksStandAlone, endsAt, labelsOf, namedInExtensionBlocks } from './blockInsert';
import type { RawBlock } from './blocks';
import type { ScenarioModel } from './model';
import type { ParseInternals } from './parse';
import { firstTokenAfter, moveTokens, shiftLines } from './shift';
import type { CodeInternals } from './state';

export interface BlockRemoval {
  /** Lines [first, lastOld] of the parsed text became lines [first, lastNew] of `text` (blank or comment lines). */
  first: number;
  lastOld: number;
  lastNew: number;
  /** The new lines as the lexer cleans them (comments blanked). */
  clean: string[];
  text: string;
  /**
   * Whether the old or the new text may hold `/*` (a block comment spans lines, which these edits
   * do not follow): false only when the caller knows neither does, so the text is never scanned.
   */
  blockComments: boolean;
}

export type BlockRemovalResult = { kind: 'refused' } | { kind: 'stale' } | { kind: 'applied'; blocks: number };

const REFUSED: BlockRemovalResult = { kind: 'refused' };
/** Diagnostics whose message may have asked for a suggestion (suggest.ts, check.ts): the budget they spent goes with them. */
const SUGGESTED = /^(unknown|undefined) /;

/** Index of the first token that starts at or after offset `start`. */
function tokenAt(internals: ParseInternals, start: number): number {
  const tokens = internals.tokens;
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens.startAt(mid) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function removeBlocks(model: ScenarioModel, internals: ParseInternals, e: BlockRemoval): BlockRemovalResult {
  const { st, tokens } = internals;
  const { first, lastOld, lastNew } = e;
  const lineDelta = lastNew - lastOld;
  const t0 = firstTokenAfter(tokens, first - 1);
  const t1 = firstTokenAfter(tokens, lastOld);
  if (t0 === t1) return REFUSED;
  // The removed tokens are whole blocks, one after the other, between two top-level statements.
  const raws: RawBlock[] = [];
  let k = t0;
  let bi = internals.blocks.findIndex((b) => b.keyword.start === tokens.startAt(t0));
  const blockAt = bi;
  while (k < t1) {
    const b = bi >= 0 ? internals.blocks[bi] : undefined;
    if (!b || b.keyword.start !== tokens.startAt(k) || (b.keyword.text !== 'code' && b.keyword.text !== 'data') || !b.open || !b.close) return REFUSED;
    raws.push(b);
    k = tokenAt(internals, b.close.start) + 1;
    bi++;
  }
  if (k !== t1 || e.blockComments || !blocksStandAlone(model, true)) return REFUSED;
  if (t0 > 0 && !endsAt(internals, tokens.startAt(t0 - 1))) return REFUSED;
  if (t1 < tokens.length && !internals.blocks.some((b) => b.keyword.start === tokens.startAt(t1))) return REFUSED;
  const gone: CodeInternals[] = [];
  for (const b of raws) {
    const ci = st.code.find((c) => c.block.range.start.line === b.range.start.line && c.block.range.start.col === b.range.start.col);
    const lay = internals.layouts.find((l) => l.ci === ci);
    if (!ci || !lay || ci.start === undefined || ci.end === undefined) return REFUSED;
    if (ci.block.kind === 'data' && model.system.cacheModel === 'on') return REFUSED;
    for (const pe of model.pes) if (pe.entry?.value !== undefined && pe.entry.value >= ci.start && pe.entry.value < ci.end) return REFUSED;
    gone.push(ci);
  }
  const blocks = new Set(gone.map((c) => c.block));
  const own = labelsOf(gone);
  if (!own) return REFUSED;
  const on = (line: number): boolean => line >= first && line <= lastOld;
  for (const r of model.refs ?? []) if (own.has(r.name) && !on(r.range.start.line)) return REFUSED;
  if (namedInExtensionBlocks(model, own)) return REFUSED;
  for (const d of model.diagnostics) {
    if (on(d.range.start.line) ? d.range.end.line > lastOld || SUGGESTED.test(d.message) : d.range.end.line >= first && d.range.start.line < first) return REFUSED;
    if (!on(d.range.start.line) && (d.related ?? []).some((r) => on(r.range.start.line) || on(r.range.end.line))) return REFUSED;
  }

  // ---- From here on the model changes. ----
  for (const n of own) if (blocks.has(model.symbols.get(n)?.block as never)) model.symbols.delete(n);
  if (model.refs) {
    const kept = model.refs.filter((r) => !on(r.range.start.line));
    model.refs.length = 0;
    model.refs.push(...kept);
  }
  model.diagnostics = model.diagnostics.filter((d) => !on(d.range.start.line));
  // The image: each block's chunks lie together, in layout order (layoutPass2).
  const program = model.program;
  let c = 0;
  for (const lay of internals.layouts) {
    const from = c;
    while (c < program.chunks.length && program.chunks[c].address >= Number(lay.base) && program.chunks[c].address < Number(lay.ci.end ?? lay.poolBase)) c++;
    if (blocks.has(lay.ci.block)) {
      program.chunks.splice(from, c - from);
      c = from;
      const lo = Number(lay.base);
      const hi = Number(lay.ci.end ?? lay.poolBase);
      if (lay.ci.lines.some((li) => li.asm.mnemonic?.startsWith('.'))) {
        // Data directives record an address per value: every address of the block goes.
        program.instrs.forEach((_, a) => {
          if (a >= lo && a < hi) program.instrs.delete(a);
        });
        program.lineOf.forEach((_, a) => {
          if (a >= lo && a < hi) program.lineOf.delete(a);
        });
      } else {
        // Instructions only (a label line's address may be the next block's first, when this one is empty).
        for (const li of lay.ci.lines) {
          const a = Number(li.asm.address);
          if (li.asm.mnemonic === undefined || !(a >= lo && a < hi)) continue;
          program.instrs.delete(a);
          program.lineOf.delete(a);
        }
        for (let s = 0; s < (lay.pool ?? []).length; s++) program.lineOf.delete(Number(lay.poolBase) + 8 * s);
      }
    }
  }
  internals.layouts = internals.layouts.filter((l) => !blocks.has(l.ci.block));
  model.code = model.code.filter((b) => !blocks.has(b));
  st.code = st.code.filter((ci) => !blocks.has(ci.block));
  for (const b of blocks) {
    internals.els.delete(b);
    st.localLabels.delete(b);
  }
  internals.blocks.splice(blockAt, raws.length);
  tokens.splice(t0, t1 - t0, []);
  const charDelta = e.text.length - model.text.length;
  if (!shiftLines(model, internals, first, lastOld, lineDelta, e.clean)) return { kind: 'stale' };
  moveTokens(internals, t0, 0, charDelta);
  return { kind: 'applied', blocks: raws.length };
}
