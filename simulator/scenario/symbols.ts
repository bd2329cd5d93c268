/**
 * Symbol definition and lookup for the layout passes: labels and constants
 * live in one global table (`model.symbols`); inside code, `.` is the address
 * of the current line and `Nb`/`Nf` refer to GNU as local labels `N:`.
 */
import type { CodeBlock, SymbolDef } from './model';
import { globalLookup, type Lookup, type ParseState } from './state';

export function isLocalLabel(name: string): boolean {
  return /^[0-9]+$/.test(name);
}

/** Define a label or constant; reports duplicates with a link to the first definition. */
export function defineSymbol(st: ParseState, def: SymbolDef): boolean {
  const prev = st.model.symbols.get(def.name);
  if (prev) {
    st.rep.error(def.range, `duplicate symbol '${def.name}': already defined as a ${prev.kind}`, 'duplicate-symbol', [
      { range: prev.range, message: `first definition of '${def.name}'` },
    ]);
    return false;
  }
  st.model.symbols.set(def.name, def);
  if (def.kind === 'constant') st.model.constants.set(def.name, def);
  return true;
}

/** Lookup with `.` (the location counter) and GNU local labels `Nb`/`Nf` relative to a line. */
export function lineLookup(st: ParseState, block: CodeBlock, pc: bigint, lineIndex: number): Lookup {
  const global = globalLookup(st);
  return (name) => {
    if (name === '.') return pc;
    const m = /^([0-9]+)([bf])$/.exec(name);
    if (m) {
      const defs = st.localLabels.get(block)?.get(m[1]);
      if (!defs) return undefined;
      if (m[2] === 'b') {
        for (let k = defs.length - 1; k >= 0; k--) if (defs[k].index <= lineIndex) return defs[k].address;
      } else {
        for (const d of defs) if (d.index > lineIndex) return d.address;
      }
      return undefined;
    }
    return global(name);
  };
}

/** Like lineLookup, but reads the current pc and line index through getters (one closure per block). */
export function blockLookup(st: ParseState, block: CodeBlock, pc: () => bigint, lineIndex: () => number): Lookup {
  const global = globalLookup(st);
  return (name) => {
    if (name === '.') return pc();
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) return lineLookup(st, block, pc(), lineIndex())(name);
    return global(name);
  };
}
