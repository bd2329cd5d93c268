/**
 * Position queries over a parsed scenario, for the language server and the
 * debug adapter: which symbol is at a position, where it is defined and used,
 * and what a source line is (which block, which assembly line). Built on the
 * model only — never a second parser.
 */
import type { AsmLine, CodeBlock, GenericBlock, PeDecl, ScenarioModel, SourcePosition, SourceRange, SymbolDef } from './model';

export interface SymbolOccurrence {
  name: string;
  range: SourceRange;
  /** `definition` for the label/constant name where it is defined, else `reference`. */
  role: 'definition' | 'reference';
  /** The definition, when the name is defined. */
  def?: SymbolDef;
}

export function contains(r: SourceRange, p: SourcePosition): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.col < r.start.col) return false;
  if (p.line === r.end.line && p.col > r.end.col) return false;
  return true;
}

/** The label or constant name at a position (a definition or a use), if any. */
export function symbolAt(model: ScenarioModel, position: SourcePosition): SymbolOccurrence | undefined {
  for (const def of model.symbols.values()) {
    if (contains(def.range, position)) return { name: def.name, range: def.range, role: 'definition', def };
  }
  for (const ref of model.refs ?? []) {
    if (contains(ref.range, position)) {
      const def = model.symbols.get(ref.name);
      return def ? { name: ref.name, range: ref.range, role: 'reference', def } : { name: ref.name, range: ref.range, role: 'reference' };
    }
  }
  return undefined;
}

export function definitionOf(model: ScenarioModel, name: string): SymbolDef | undefined {
  return model.symbols.get(name);
}

/** Ranges where `name` is used (operands, values, entries, expectations, events), in text order; optionally with its definition. */
export function referencesOf(model: ScenarioModel, name: string, includeDefinition = false): SourceRange[] {
  const seen = new Set<string>();
  const out: SourceRange[] = [];
  const add = (r: SourceRange): void => {
    const key = `${r.start.line}:${r.start.col}:${r.end.line}:${r.end.col}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(r);
  };
  const def = model.symbols.get(name);
  if (includeDefinition && def) add(def.range);
  for (const ref of model.refs ?? []) if (ref.name === name) add(ref.range);
  return out.sort((a, b) => a.start.line - b.start.line || a.start.col - b.start.col);
}

export type LineKind = 'scenario' | 'system' | 'const' | 'pe' | 'code' | 'data' | 'event' | 'expect' | 'extension' | 'none';

export interface LineInfo {
  kind: LineKind;
  /** The code/data block holding the line. */
  code?: CodeBlock;
  /** Assembly statements on the line (usually one; `;` separates several). */
  asm: AsmLine[];
  /** Address of the line's first statement, once laid out. */
  address?: bigint;
  pe?: PeDecl;
  extension?: GenericBlock;
}

function onLine(r: SourceRange, line: number): boolean {
  return r.start.line <= line && line <= r.end.line;
}

/** What a source line belongs to. */
export function lineInfo(model: ScenarioModel, line: number): LineInfo {
  for (const block of model.code) {
    if (!onLine(block.range, line)) continue;
    const asm = block.lines.filter((l) => l.range.start.line === line);
    const info: LineInfo = { kind: block.kind, code: block, asm };
    const addr = asm.find((l) => l.address !== undefined)?.address;
    if (addr !== undefined) info.address = addr;
    return info;
  }
  for (const pe of model.pes) if (onLine(pe.range, line)) return { kind: 'pe', pe, asm: [] };
  if (model.system.range && onLine(model.system.range, line)) return { kind: 'system', asm: [] };
  for (const b of model.blocks) if (onLine(b.range, line)) return { kind: 'extension', extension: b, asm: [] };
  for (const e of model.events) if (onLine(e.range, line)) return { kind: 'event', asm: [] };
  for (const e of model.expectations) if (onLine(e.range, line)) return { kind: 'expect', asm: [] };
  for (const c of model.constants.values()) if (!c.block && onLine(c.range, line)) return { kind: 'const', asm: [] };
  return { kind: 'none', asm: [] };
}

/** The assembly line that produced the code or data at a physical address. */
export function asmLineAt(model: ScenarioModel, address: number): { code: CodeBlock; asm: AsmLine } | undefined {
  const line = model.program.lineOf.get(address);
  if (line === undefined) return undefined;
  for (const code of model.code) {
    if (!onLine(code.range, line)) continue;
    const asm = code.lines.find((l) => l.range.start.line === line);
    if (asm) return { code, asm };
  }
  return undefined;
}
