/**
 * Layout and assembly of `code`/`data` blocks, in two passes as GNU as does:
 *
 * 1. addresses: every instruction is 4 bytes (A64), data directives take their
 *    size, `.align n` aligns to 2^n bytes (AArch64 GAS semantics, GNU as manual
 *    §7 ".align" — "the number of low-order zero bits"), `.balign n` to n bytes,
 *    `.p2align n` to 2^n; labels and `.equ`/`.set` constants are collected, and
 *    `ldr Rt, =value` operands reserve one 8-byte literal-pool slot each. The
 *    pool goes at the end of the block, 8-byte aligned.
 * 2. assembly: symbols are resolved, instructions go to the `isa` assembler
 *    (`assembleLine`), data directives are encoded little-endian, and the
 *    program image (`model.program`) is filled.
 *
 * Addresses are physical: code runs at PA = VA while the MMU is off; with the
 * MMU on, the page tables decide which VA reaches it.
 */
import { hex } from '../util/hex';
import type { Assembler, AsmContext, Instr } from '../isa/instr';
import { decodeString, type Token } from './lexer';
import type { AsmLine, CodeBlock, Program, SourceRange, SymbolDef, ValueExpr } from './model';
import { didYouMean, tokRange } from './diagnostics';
import { asmKey, cachedAssembly, storeAssembly, type AsmRecord } from './asmCache';
import { evaluate, globalLookup, type CodeInternals, type ConstDecl, type LineInternals, type Lookup, type ParseState } from './state';

import { INSTRUCTION_SIZE, decodeInstruction } from '../isa';

export const INSTRUCTION_BYTES = INSTRUCTION_SIZE;
const POOL_SLOT = 8;

const DATA_SIZES: Record<string, number> = {
  '.byte': 1,
  '.hword': 2,
  '.short': 2,
  '.2byte': 2,
  '.word': 4,
  '.long': 4,
  '.int': 4,
  '.4byte': 4,
  '.inst': 4,
  '.quad': 8,
  '.xword': 8,
  '.dword': 8,
  '.8byte': 8,
};

/** Directives with no effect on the image (symbol visibility, ELF bookkeeping). */
const IGNORED = new Set(['.global', '.globl', '.type', '.size', '.local', '.weak', '.hidden', '.cfi_startproc', '.cfi_endproc', '.arch', '.cpu', '.file', '.ident']);

const SECTIONING = new Set(['.text', '.data', '.bss', '.section', '.pushsection', '.popsection', '.previous']);

export const KNOWN_DIRECTIVES: readonly string[] = [
  ...Object.keys(DATA_SIZES),
  '.zero',
  '.space',
  '.skip',
  '.fill',
  '.ascii',
  '.asciz',
  '.string',
  '.align',
  '.balign',
  '.p2align',
  '.equ',
  '.set',
  '.ltorg',
  '.pool',
  ...IGNORED,
  ...SECTIONING,
];

/** Largest image a block may produce (16 MiB). */
const MAX_BLOCK_BYTES = 1 << 24;

/** Largest alignment accepted (2^16 = 64 KiB, the largest translation granule). */
const MAX_ALIGN_LOG2 = 16;

function alignUp(v: bigint, a: bigint): bigint {
  return (v + a - 1n) & ~(a - 1n);
}

function isLocalLabel(name: string): boolean {
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

interface BlockLayout {
  ci: CodeInternals;
  base: bigint;
  /** End of code/data, before the literal pool. */
  codeEnd: bigint;
  poolBase: bigint;
  slots: number;
  /** Lines in order with the address where each starts (after its own alignment). */
}

/** Lookup with `.` (the location counter) and GNU local labels `Nb`/`Nf` relative to a line. */
function lineLookup(st: ParseState, block: CodeBlock, pc: bigint, lineIndex: number): Lookup {
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
function blockLookup(st: ParseState, block: CodeBlock, pc: () => bigint, lineIndex: () => number): Lookup {
  const global = globalLookup(st);
  return (name) => {
    if (name === '.') return pc();
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) return lineLookup(st, block, pc(), lineIndex())(name);
    return global(name);
  };
}

/** Pass 1 over all blocks. Returns the layouts of the blocks that have an address. */
export function layoutPass1(st: ParseState): BlockLayout[] {
  const out: BlockLayout[] = [];
  for (const ci of st.code) {
    const block = ci.block;
    let base: bigint | undefined;
    if (ci.hasBase) {
      base = evaluate(st, block.base, globalLookup(st));
      if (base !== undefined && (base < 0n || base >= 1n << 52n)) {
        st.rep.error(block.base.range, `address ${hex(base < 0n ? BigInt.asUintN(64, base) : base)} is not a physical address (0 to 2^52-1)`, 'bad-address');
        base = undefined;
      } else if (base !== undefined && base % 4n !== 0n && block.kind === 'code') {
        st.rep.error(block.base.range, `code must start at a 4-byte aligned address, not ${hex(base)}`, 'misaligned-instruction');
      }
    }
    // Named blocks define a label at their base.
    if (block.name !== undefined && ci.nameRange) {
      defineSymbol(st, { name: block.name, kind: 'label', range: ci.nameRange, block, ...(base !== undefined ? { value: base } : {}) });
    }
    const locals = new Map<string, { address: bigint; index: number }[]>();
    st.localLabels.set(block, locals);
    let pc = base ?? 0n;
    let slots = 0;
    for (let index = 0; index < ci.lines.length; index++) {
      const li = ci.lines[index];
      const asm = li.asm;
      for (const l of asm.labels) {
        if (isLocalLabel(l.name)) {
          const list = locals.get(l.name) ?? [];
          list.push({ address: pc, index });
          locals.set(l.name, list);
          continue;
        }
        defineSymbol(st, { name: l.name, kind: 'label', range: l.range, block, ...(base !== undefined ? { value: pc } : {}) });
      }
      asm.address = base !== undefined ? pc : undefined;
      if (asm.address === undefined) delete asm.address;
      const mn = asm.mnemonic;
      if (mn === undefined) continue;
      if (!mn.startsWith('.')) {
        if (base !== undefined && pc % 4n !== 0n) {
          st.rep.error(asm.mnemonicRange ?? asm.range, `instruction at unaligned address ${hex(pc)}: add '.align 2' before it`, 'misaligned-instruction');
        }
        for (const op of asm.operands) if (op.text.startsWith('=')) slots++;
        pc += BigInt(INSTRUCTION_BYTES);
        continue;
      }
      pc = directivePass1(st, block, li, index, pc, base !== undefined);
      if (asm.address !== undefined && (mn === '.align' || mn === '.balign' || mn === '.p2align')) asm.address = pc;
    }
    if (base === undefined) continue;
    const poolBase = slots > 0 ? alignUp(pc, BigInt(POOL_SLOT)) : pc;
    const total = poolBase + BigInt(slots * POOL_SLOT) - base;
    if (total > BigInt(MAX_BLOCK_BYTES)) {
      // The image of a block is built in one buffer; keep that bounded (the editor re-parses on every keystroke).
      st.rep.error(ci.headerRange, `this ${block.kind} block is ${hex(total)} bytes: a block holds at most ${hex(MAX_BLOCK_BYTES)} (16 MiB); split it or use a smaller '.zero'`, 'block-too-large');
      continue;
    }
    out.push({ ci, base, codeEnd: pc, poolBase, slots });
    ci.start = base;
    ci.end = poolBase + BigInt(slots * POOL_SLOT);
  }
  return out;
}

/** Size effect of a directive in pass 1; returns the new location counter. */
function directivePass1(st: ParseState, block: CodeBlock, li: LineInternals, index: number, pc: bigint, placed: boolean): bigint {
  const asm = li.asm;
  const mn = asm.mnemonic as string;
  const at = asm.mnemonicRange ?? asm.range;
  const ops = asm.operands;
  const lookup = lineLookup(st, block, pc, index);
  const size = DATA_SIZES[mn];
  if (size !== undefined) {
    if (ops.length === 0) st.rep.error(at, `expected at least one value after '${mn}'`);
    if (mn === '.inst' && placed && pc % 4n !== 0n) st.rep.error(at, `instruction at unaligned address ${hex(pc)}`, 'misaligned-instruction');
    return pc + BigInt(size * ops.length);
  }
  const operandExpr = (k: number): ValueExpr => ({ text: ops[k].text, range: ops[k].range });
  switch (mn) {
    case '.zero':
    case '.space':
    case '.skip':
    case '.fill': {
      if (ops.length === 0) {
        st.rep.error(at, `expected a size after '${mn}'`);
        return pc;
      }
      const maxOps = mn === '.fill' ? 3 : 2;
      if (ops.length > maxOps) st.rep.error(ops[maxOps].range, `'${mn}' takes at most ${maxOps} operands`);
      const n = evaluate(st, operandExpr(0), lookup);
      if (n === undefined) return pc;
      let unit = 1n;
      if (mn === '.fill' && ops.length >= 2) {
        const u = evaluate(st, operandExpr(1), lookup);
        if (u !== undefined) {
          if (u < 0n || u > 8n) st.rep.error(ops[1].range, `'.fill' unit size must be 0 to 8 bytes`, 'bad-value');
          else unit = u;
        }
      }
      const total = n * unit;
      if (n < 0n || total > 1n << 32n) {
        st.rep.error(ops[0].range, `'${mn}' size ${n} is out of range (0 to 4 GiB)`, 'bad-value');
        return pc;
      }
      return pc + total;
    }
    case '.ascii':
    case '.asciz':
    case '.string': {
      let total = 0n;
      if (ops.length === 0) st.rep.error(at, `expected a string after '${mn}'`);
      for (let k = 0; k < ops.length; k++) {
        const toks = li.operandTokens[k];
        if (toks.length !== 1 || toks[0].kind !== 'string') {
          st.rep.error(ops[k].range, `expected a string ("…") in '${mn}', found '${ops[k].text}'`);
          continue;
        }
        total += BigInt(decodeString(toks[0].text).length + (mn === '.ascii' ? 0 : 1));
      }
      return pc + total;
    }
    case '.align':
    case '.p2align':
    case '.balign': {
      if (ops.length === 0) {
        st.rep.error(at, `expected an alignment after '${mn}'`);
        return pc;
      }
      const n = evaluate(st, operandExpr(0), lookup);
      if (n === undefined) return pc;
      let bytes: bigint;
      if (mn === '.balign') {
        if (n <= 0n || (n & (n - 1n)) !== 0n || n > 1n << BigInt(MAX_ALIGN_LOG2)) {
          st.rep.error(ops[0].range, `'.balign' needs a power of two up to ${1 << MAX_ALIGN_LOG2}, not ${n}`, 'bad-value');
          return pc;
        }
        bytes = n;
      } else {
        if (n < 0n || n > BigInt(MAX_ALIGN_LOG2)) {
          st.rep.error(ops[0].range, `'${mn} ${n}' is out of range: the alignment is 2^n bytes with n from 0 to ${MAX_ALIGN_LOG2} (use '.balign' for a byte count)`, 'bad-value');
          return pc;
        }
        bytes = 1n << n;
      }
      return alignUp(pc, bytes);
    }
    case '.equ':
    case '.set': {
      if (ops.length !== 2) {
        st.rep.error(at, `expected '${mn} NAME, VALUE'`);
        return pc;
      }
      const nameTok = li.operandTokens[0];
      if (nameTok.length !== 1 || nameTok[0].kind !== 'ident') {
        st.rep.error(ops[0].range, `expected a symbol name after '${mn}', found '${ops[0].text}'`);
        return pc;
      }
      const name = nameTok[0].text;
      const expr = operandExpr(1);
      const prev = st.model.symbols.get(name);
      if (mn === '.set' && prev && prev.kind === 'constant') {
        // GNU as lets `.set` redefine a symbol, with the value depending on the position of each use.
        // Scenario symbols have one value each, so a redefinition would silently change earlier uses.
        st.rep.error(tokRange(nameTok[0]), `'${name}' is already defined: redefining a symbol with '.set' is not supported, use a new name`, 'duplicate-symbol', [
          { range: prev.range, message: `first definition of '${name}'` },
        ]);
        return pc;
      }
      const def: SymbolDef = { name, kind: 'constant', range: tokRange(nameTok[0]) };
      if (!defineSymbol(st, def)) return pc;
      // Keep this line's view of `.` and local labels for a later retry (forward references).
      const decl: ConstDecl = { def, expr, resolved: false, lookup };
      st.consts.push(decl);
      const v = evaluate(st, expr, lookup, { quiet: true });
      if (v !== undefined) {
        def.value = v;
        decl.resolved = true;
      }
      return pc;
    }
    case '.ltorg':
    case '.pool':
      st.rep.warning(at, `'${mn}' is not needed: the literal pool is placed at the end of the block`, 'ignored-directive');
      return pc;
    default:
      if (IGNORED.has(mn)) return pc;
      if (SECTIONING.has(mn)) {
        st.rep.warning(at, `'${mn}' is ignored: each 'code'/'data' block is placed at its own address`, 'ignored-directive');
        return pc;
      }
      st.rep.error(at, `unknown directive '${mn}'${didYouMean(mn, KNOWN_DIRECTIVES)}`, 'unknown-directive');
      return pc;
  }
}

/**
 * Record symbol uses in operands. In directives every name is a symbol; in
 * instructions, names that are symbols or that the assembler looked up (the
 * others are registers, shifts, condition names…).
 */
function recordOperandRefs(st: ParseState, li: LineInternals, asked: Set<string> | undefined): void {
  const skipFirst = li.asm.mnemonic === '.equ' || li.asm.mnemonic === '.set'; // operand 0 is the definition
  for (let k = skipFirst ? 1 : 0; k < li.operandTokens.length; k++) {
    const toks = li.operandTokens[k];
    for (const t of toks) {
      if (t.kind !== 'ident') continue;
      if (asked === undefined ? !/^[0-9]+[bf]$/.test(t.text) : st.model.symbols.has(t.text) || asked.has(t.text)) st.refs.push({ name: t.text, range: tokRange(t) });
    }
  }
}

/** Pass 2: assemble instructions, encode data, fill `model.program`. */
export function layoutPass2(st: ParseState, layouts: BlockLayout[], assembler: Assembler | undefined, cacheable = false): void {
  const program = st.model.program;
  for (const lay of layouts) {
    const { ci, base } = lay;
    const block = ci.block;
    const size = Number(lay.codeEnd - base);
    const bytes = new Uint8Array(size);
    const known = new Uint8Array(size); // 1 where the image byte is known
    // Literal pool: value/size → slot address, deduplicated.
    const pool: { value: bigint; size: 4 | 8; line: number }[] = [];
    const poolIndex = new Map<string, number>();
    let currentLine = 0;
    const baseNum = Number(base);
    /** Little-endian store of `n` bytes; numbers on the fast path (encodings), BigInt only for wide data. */
    const writeWord = (addr: number, w: number, n: number): void => {
      let off = addr - baseNum;
      for (let k = 0; k < n; k++, off++) {
        if (off >= 0 && off < size) {
          bytes[off] = (w >>> (8 * k)) & 0xff;
          known[off] = 1;
        }
      }
    };
    const write = (addr: bigint, v: bigint, n: number): void => {
      const x = BigInt.asUintN(n * 8, v);
      const a = Number(addr);
      if (n <= 4) writeWord(a, Number(x), n);
      else {
        writeWord(a, Number(x & 0xffff_ffffn), 4);
        writeWord(a + 4, Number(x >> 32n), n - 4);
      }
    };
    const fillBytes = (addr: bigint, n: number, byte: number): void => {
      const from = Math.max(0, Number(addr) - baseNum);
      const to = Math.min(size, from + n);
      if (to <= from) return;
      bytes.fill(byte, from, to);
      known.fill(1, from, to);
    };
    // One assembler context per block, updated per line (no allocation per instruction).
    let pc = 0n;
    let index = 0;
    let reported = 0;
    const asked = new Set<string>();
    const lookup = blockLookup(st, block, () => pc, () => index);
    let recording: AsmRecord | undefined;
    const ctx: AsmContext = {
      pc,
      resolve: (name) => {
        const v = lookup(name);
        const value = v === null ? undefined : v;
        if (recording) recording.lookups.push([name, value]);
        if (value === undefined) {
          asked.add(name);
          return undefined;
        }
        if (st.model.symbols.has(name)) asked.add(name);
        return value;
      },
      literal: (value, sz) => {
        const key = `${sz}:${value}`;
        let k = poolIndex.get(key);
        if (k === undefined) {
          k = pool.length;
          pool.push({ value, size: sz, line: currentLine });
          poolIndex.set(key, k);
        }
        const address = lay.poolBase + BigInt(k * POOL_SLOT);
        if (recording) recording.literals.push({ value, size: sz, address });
        return address;
      },
      report: (range, message, rule, severity) => {
        reported++;
        if (recording) recording.reports.push({ range, message, rule, severity });
        st.rep.report(range, message, rule ?? 'asm', severity ?? 'error');
      },
    };
    /** Replay a cached assembly if every input it consumed is unchanged; true on success. */
    const replay = (rec: AsmRecord): boolean => {
      for (const [name, value] of rec.lookups) {
        const v = lookup(name);
        if ((v === null ? undefined : v) !== value) return false;
      }
      // Literal slots the replay would get, without allocating yet.
      let fresh = 0;
      const seen = new Map<string, number>();
      for (const l of rec.literals) {
        const key = `${l.size}:${l.value}`;
        let k = poolIndex.get(key) ?? seen.get(key);
        if (k === undefined) {
          k = pool.length + fresh++;
          seen.set(key, k);
        }
        if (lay.poolBase + BigInt(k * POOL_SLOT) !== l.address) return false;
      }
      for (const [name, value] of rec.lookups) {
        if (value === undefined) asked.add(name);
        else if (st.model.symbols.has(name)) asked.add(name);
      }
      for (const l of rec.literals) ctx.literal(l.value, l.size);
      for (const r of rec.reports) ctx.report(r.range, r.message, r.rule, r.severity as 'error' | 'warning' | undefined);
      return true;
    };
    for (index = 0; index < ci.lines.length; index++) {
      const li = ci.lines[index];
      const asm = li.asm;
      const mn = asm.mnemonic;
      currentLine = li.line;
      if (mn === undefined || asm.address === undefined) continue;
      pc = asm.address;
      if (mn.charCodeAt(0) !== 46 /* '.' */) {
        asked.clear();
        reported = 0;
        ctx.pc = pc;
        let instr: Instr | undefined;
        const key = cacheable ? asmKey(asm, pc) : undefined;
        const rec = key !== undefined ? cachedAssembly(key) : undefined;
        if (rec && replay(rec)) instr = rec.instr;
        else if (assembler) {
          recording = key !== undefined ? { instr: undefined, lookups: [], literals: [], reports: [] } : undefined;
          try {
            instr = assembler(asm, ctx);
            if (recording && key !== undefined) {
              recording.instr = instr;
              storeAssembly(key, recording);
            }
          } catch (e) {
            st.rep.error(asm.mnemonicRange ?? asm.range, `internal assembler error on '${mn}': ${(e as Error).message}`, 'internal-error');
          }
          recording = undefined;
        }
        recordOperandRefs(st, li, asked);
        if (reported === 0 && asked.size > 0) reportMisses(st, li, asked);
        const pcNum = Number(pc);
        program.lineOf.set(pcNum, li.line);
        if (instr) {
          if (instr.line === undefined) instr.line = li.line;
          program.instrs.set(pcNum, instr);
          if (instr.encoding !== undefined) writeWord(pcNum, instr.encoding >>> 0, 4);
        }
        continue;
      }
      recordOperandRefs(st, li, undefined);
      directivePass2(st, li, lookup, pc, write, fillBytes, program);
    }
    // Image chunks: runs of known bytes.
    let k = 0;
    while (k < size) {
      if (!known[k]) {
        k++;
        continue;
      }
      const startK = k;
      while (k < size && known[k]) k++;
      program.chunks.push({ address: Number(base) + startK, bytes: bytes.slice(startK, k), line: lineAt(program.lineOf, Number(base) + startK) });
    }
    if (pool.length > 0) {
      const pb = new Uint8Array(pool.length * POOL_SLOT);
      pool.forEach((p, i) => {
        let x = BigInt.asUintN(p.size * 8, p.value);
        for (let b = 0; b < p.size; b++) {
          pb[i * POOL_SLOT + b] = Number(x & 0xffn);
          x >>= 8n;
        }
        program.lineOf.set(Number(lay.poolBase) + i * POOL_SLOT, p.line);
      });
      program.chunks.push({ address: Number(lay.poolBase), bytes: pb, line: pool[0].line });
      const end = lay.poolBase + BigInt(pool.length * POOL_SLOT);
      if (ci.end === undefined || end > ci.end) ci.end = end;
    }
  }
}

function lineAt(lineOf: Map<number, number>, addr: number): number | undefined {
  return lineOf.get(addr);
}

/** Names the assembler looked up and did not find, reported at their first occurrence in the operands. */
function reportMisses(st: ParseState, li: LineInternals, asked: Set<string>): void {
  for (const name of asked) {
    if (st.model.symbols.has(name)) continue; // defined (an unvalued one was reported at its definition)
    const tok = findToken(li.operandTokens, name);
    if (!tok) continue;
    if (/^[0-9]+[bf]$/.test(name)) {
      st.rep.error(tokRange(tok), `no local label '${name.slice(0, -1)}:' ${name.endsWith('b') ? 'before' : 'after'} this line in this block`, 'undefined-symbol');
    } else {
      st.rep.error(tokRange(tok), `undefined symbol '${name}'${didYouMean(name, st.model.symbols.keys())}`, 'undefined-symbol');
    }
  }
}

function findToken(ops: Token[][], name: string): Token | undefined {
  for (const toks of ops) for (const t of toks) if (t.kind === 'ident' && t.text === name) return t;
  return undefined;
}

function directivePass2(
  st: ParseState,
  li: LineInternals,
  lookup: Lookup,
  pc: bigint,
  write: (addr: bigint, v: bigint, n: number) => void,
  fillBytes: (addr: bigint, n: number, byte: number) => void,
  program: Program,
): void {
  const lineOf = program.lineOf;
  const asm = li.asm;
  const mn = asm.mnemonic as string;
  const size = DATA_SIZES[mn];
  if (size !== undefined) {
    let addr = pc;
    const bits = BigInt(size * 8);
    for (const op of asm.operands) {
      const expr: ValueExpr = { text: op.text, range: op.range };
      const v = evaluate(st, expr, lookup);
      lineOf.set(Number(addr), li.line);
      if (v !== undefined) {
        if (v >= 1n << bits || v < -(1n << (bits - 1n))) {
          st.rep.warning(op.range, `value ${hex(v < 0n ? BigInt.asUintN(64, v) : v)} does not fit in ${size} byte${size === 1 ? '' : 's'} ('${mn}'); it is truncated`, 'value-too-large');
        }
        write(addr, v, size);
        if (mn === '.inst') {
          // A raw encoding executes like an assembled instruction when the decoder knows it.
          const instr = decodeInstruction(Number(BigInt.asUintN(32, v)), addr);
          if (instr) {
            instr.line = li.line;
            program.instrs.set(Number(addr), instr);
          }
        }
      }
      addr += BigInt(size);
    }
    return;
  }
  switch (mn) {
    case '.zero':
    case '.space':
    case '.skip':
    case '.fill': {
      const ops = asm.operands;
      if (ops.length === 0) return;
      const n = evaluate(st, { text: ops[0].text, range: ops[0].range }, lookup, { quiet: true });
      if (n === undefined || n < 0n || n > 1n << 32n) return;
      let unit = 1n;
      let fillIdx = 1;
      if (mn === '.fill') {
        unit = ops.length >= 2 ? (evaluate(st, { text: ops[1].text, range: ops[1].range }, lookup, { quiet: true }) ?? 1n) : 1n;
        fillIdx = 2;
        if (unit < 0n || unit > 8n) return;
      }
      let fill = 0n;
      if (ops.length > fillIdx) fill = evaluate(st, { text: ops[fillIdx].text, range: ops[fillIdx].range }, lookup) ?? 0n;
      lineOf.set(Number(pc), li.line);
      const u = Number(unit);
      if (u === 1 || mn !== '.fill') fillBytes(pc, Number(n * unit), Number(BigInt.asUintN(8, fill)));
      else for (let k = 0n; k < n; k++) write(pc + k * unit, fill, u);
      return;
    }
    case '.ascii':
    case '.asciz':
    case '.string': {
      let addr = pc;
      lineOf.set(Number(pc), li.line);
      for (const toks of li.operandTokens) {
        if (toks.length !== 1 || toks[0].kind !== 'string') continue;
        const s = decodeString(toks[0].text);
        for (let k = 0; k < s.length; k++) write(addr + BigInt(k), BigInt(s.charCodeAt(k) & 0xff), 1);
        addr += BigInt(s.length);
        if (mn !== '.ascii') {
          write(addr, 0n, 1);
          addr += 1n;
        }
      }
      return;
    }
    default:
      return;
  }
}

/** Overlapping blocks (error naming both) and blocks outside every declared memory region (warning). */
export function checkPlacement(st: ParseState): void {
  const placed = st.code.filter((c) => c.start !== undefined && c.end !== undefined && c.end > c.start);
  const sorted = [...placed].sort((a, b) => (a.start! < b.start! ? -1 : a.start! > b.start! ? 1 : 0));
  const describe = (c: CodeInternals): string => `${c.block.kind}${c.block.name ? ` '${c.block.name}'` : ''} block at ${hex(c.start!)}-${hex(c.end! - 1n)}`;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].start! < sorted[i].end!; j++) {
      const [first, second] = st.code.indexOf(sorted[i]) < st.code.indexOf(sorted[j]) ? [sorted[i], sorted[j]] : [sorted[j], sorted[i]];
      st.rep.error(second.headerRange, `${describe(second)} overlaps ${describe(first)}`, 'overlapping-blocks', [
        { range: first.headerRange, message: `the other block: ${describe(first)}` },
      ]);
    }
  }
  const mem = st.model.system.memory;
  if (mem.length === 0) return;
  for (const c of placed) {
    const inside = mem.some((m) => c.start! >= m.base && c.end! <= m.base + m.size);
    if (!inside) {
      const regions = mem.map((m) => `${m.name} ${hex(m.base)}-${hex(m.base + m.size - 1n)}`).join(', ');
      st.rep.warning(c.headerRange, `${describe(c)} is outside every declared memory region (${regions})`, 'outside-memory');
    }
  }
}

export type { BlockLayout };
export type { SourceRange, AsmLine };
