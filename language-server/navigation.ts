/**
 * Go to definition, find references, document symbols and folding ranges for
 * labels, constants and partitions. Definitions and uses come from the model
 * (`symbols`, `refs`); partitions are the `partition NAME { … }` blocks.
 */
import {
  type DocumentSymbol,
  type FoldingRange,
  FoldingRangeKind,
  type Location,
  type Position,
  type Range,
  SymbolKind,
} from 'vscode-languageserver/node';
import type { SourceRange } from '../simulator/scenario/model';
import { definitionOf, referencesOf, symbolAt } from '../simulator/scenario/query';
import { hex } from '../simulator/util/hex';
import type { Analysis } from './analysis';
import { toRange } from './convert';

interface NamedThing {
  name: string;
  kind: 'label' | 'constant' | 'partition';
  definition: SourceRange;
}

/** Partition names defined by `partition NAME …` blocks, with the range of the name. */
function partitions(a: Analysis): NamedThing[] {
  const out: NamedThing[] = [];
  for (const b of a.model.blocks) {
    if (b.keyword !== 'partition' || b.args.length === 0) continue;
    out.push({ name: b.args[0].text, kind: 'partition', definition: b.args[0].range });
  }
  return out;
}

/** What the name under the cursor refers to (label, constant or partition). */
function thingAt(a: Analysis, pos: Position): NamedThing | undefined {
  const occ = symbolAt(a.model, { line: pos.line, col: pos.character });
  const sym = occ ? (occ.def ?? definitionOf(a.model, occ.name)) : undefined;
  if (sym) return { name: sym.name, kind: sym.kind, definition: sym.range };
  const word = a.wordAt(pos.line, pos.character);
  return word ? partitions(a).find((p) => p.name === word.text) : undefined;
}

/** Every range where the thing is used (not its definition). */
function usesOf(a: Analysis, thing: NamedThing): SourceRange[] {
  if (thing.kind !== 'partition') return referencesOf(a.model, thing.name);
  // Partition names are referred to by name inside other blocks (ids, targets of messages).
  const out: SourceRange[] = [];
  for (const t of a.tokens) {
    if (t.kind !== 'ident' || t.text !== thing.name) continue;
    if (t.line === thing.definition.start.line && t.col === thing.definition.start.col) continue;
    out.push({ start: { line: t.line, col: t.col }, end: { line: t.line, col: t.endCol } });
  }
  return out;
}

export function provideDefinition(a: Analysis, pos: Position): Location | null {
  const thing = thingAt(a, pos);
  return thing ? { uri: a.uri, range: toRange(thing.definition) } : null;
}

export function provideReferences(a: Analysis, pos: Position, includeDeclaration: boolean): Location[] {
  const thing = thingAt(a, pos);
  if (!thing) return [];
  const ranges = usesOf(a, thing);
  if (includeDeclaration) ranges.unshift(thing.definition);
  const seen = new Set<string>();
  const out: Location[] = [];
  for (const r of ranges) {
    const key = `${r.start.line}:${r.start.col}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ uri: a.uri, range: toRange(r) });
  }
  return out;
}

/** Ranges to highlight for the symbol under the cursor (definition and uses). */
export function highlightRanges(a: Analysis, pos: Position): Range[] {
  return provideReferences(a, pos, true).map((l) => l.range);
}

function sym(name: string, kind: SymbolKind, range: SourceRange, selection: SourceRange, detail?: string, children?: DocumentSymbol[]): DocumentSymbol {
  const s: DocumentSymbol = { name, kind, range: toRange(range), selectionRange: toRange(selection) };
  if (detail) s.detail = detail;
  if (children && children.length > 0) s.children = children;
  return s;
}

export function provideDocumentSymbols(a: Analysis): DocumentSymbol[] {
  const m = a.model;
  const out: DocumentSymbol[] = [];
  for (const b of a.blocks) {
    const kw = b.keyword.text;
    const header = b.header.map((t) => t.text).join(' ');
    const kwRange: SourceRange = { start: { line: b.keyword.line, col: b.keyword.col }, end: { line: b.keyword.line, col: b.keyword.endCol } };
    const line = b.keyword.line;
    if (kw === 'code' || kw === 'data') {
      const block = m.code.find((c) => c.range.start.line === line);
      const labels: DocumentSymbol[] = [];
      for (const l of block?.lines ?? []) {
        for (const lab of l.labels) {
          const addr = l.address !== undefined ? hex(l.address) : undefined;
          labels.push(sym(lab.name, SymbolKind.Function, lab.range, lab.range, addr));
        }
        if (l.mnemonic === '.equ' || l.mnemonic === '.set') {
          const name = l.operands[0];
          if (name) labels.push(sym(name.text.trim(), SymbolKind.Constant, l.range, name.range));
        }
      }
      const title = block?.name ? `${kw} ${block.name}` : `${kw} ${header.replace(/\s*\{$/, '')}`;
      out.push(sym(title.trim(), SymbolKind.Module, b.range, kwRange, block?.base.value !== undefined ? hex(block.base.value) : undefined, labels));
    } else if (kw === 'const') {
      const c = [...m.constants.values()].find((s) => s.range.start.line === line);
      out.push(sym(c?.name ?? header, SymbolKind.Constant, b.range, c?.range ?? kwRange, c?.value !== undefined ? hex(c.value) : undefined));
    } else if (kw === 'partition') {
      const name = b.header[0];
      out.push(sym(`partition ${name?.text ?? ''}`.trim(), SymbolKind.Class, b.range, name ? { start: { line: name.line, col: name.col }, end: { line: name.line, col: name.endCol } } : kwRange));
    } else if (kw === 'scenario') {
      out.push(sym(m.title ?? 'scenario', SymbolKind.File, b.range, kwRange));
    } else {
      const kind = kw === 'pe' ? SymbolKind.Object : kw === 'expect' ? SymbolKind.Event : kw === 'event' ? SymbolKind.Event : SymbolKind.Namespace;
      const name = `${kw} ${header.replace(/\s*\{$/, '')}`.trim();
      out.push(sym(name, kind, b.range, kwRange));
    }
  }
  return out;
}

export function provideFoldingRanges(a: Analysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const b of a.blocks) {
    if (b.open && b.close && b.close.line > b.open.line) out.push({ startLine: b.open.line, endLine: b.close.line - 1 });
  }
  // Multi-line block comments, found in the text the lexer skipped.
  let start = -1;
  for (let i = 0; i < a.lines.length; i++) {
    const l = a.lines[i];
    if (start < 0 && /^\s*\/\*/.test(l) && !/\*\//.test(l)) start = i;
    else if (start >= 0 && /\*\//.test(l)) {
      out.push({ startLine: start, endLine: i, kind: FoldingRangeKind.Comment });
      start = -1;
    }
  }
  return out;
}

