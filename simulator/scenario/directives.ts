/**
 * Assembler directives (GNU as manual §7), in the two layout passes: their
 * size in pass 1 and their bytes in pass 2. `.align n` is 2^n bytes as GNU as
 * does for AArch64 ("the number of low-order zero bits").
 */
import { hex } from '../util/hex';
import { byteSize, count, MAX_BLOCK_BYTES } from './limits';
import { decodeInstruction } from '../isa';
import { decodeString } from './lexer';
import type { CodeBlock, Program, SymbolDef, ValueExpr } from './model';
import { didYouMean, tokRange } from './diagnostics';
import { defineSymbol, lineLookup } from './symbols';
import { evaluate, type ConstDecl, type LineInternals, type Lookup, type ParseState } from './state';

export const DATA_SIZES: Record<string, number> = {
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

/** Largest alignment accepted (2^16 = 64 KiB, the largest translation granule). */
const MAX_ALIGN_LOG2 = 16;

/**
 * Bytes a `.zero N` / `.space N[, FILL]` / `.skip N` / `.fill COUNT[, SIZE[, VALUE]]`
 * produces: `total` bytes made of `pattern` repeated (GNU as manual §7 ".fill":
 * each SIZE-byte repetition is the low SIZE bytes of an 8-byte number whose
 * high 4 bytes are zero and low 4 bytes are VALUE, little-endian). Undefined
 * when an operand is unusable (reported unless `quiet`). A COUNT beyond
 * MAX_BLOCK_BYTES is refused even when SIZE is 0 and nothing would be emitted:
 * both passes stay independent of the count.
 */
function fillExtent(st: ParseState, li: LineInternals, lookup: Lookup, quiet: boolean): { total: bigint; pattern: Uint8Array } | undefined {
  const mn = li.asm.mnemonic as string;
  const ops = li.asm.operands;
  const at = (k: number): ValueExpr => ({ text: ops[k].text, range: ops[k].range });
  const n = evaluate(st, at(0), lookup, { quiet });
  if (n === undefined) return undefined;
  const report = (k: number, message: string): undefined => {
    if (!quiet) st.rep.error(ops[k].range, message, 'bad-value');
    return undefined;
  };
  const shown = n >= -0xffffn && n <= 0xffffn ? n.toString() : hex(BigInt.asUintN(64, n));
  if (mn !== '.fill') {
    // Larger sizes within 4 GiB are reported once for the whole block (block-too-large, layout.ts).
    if (n < 0n || n > 1n << 32n) return report(0, `'${mn}' size ${shown} is out of range (0 to 4 GiB)`);
    const fill = ops.length >= 2 ? evaluate(st, at(1), lookup, { quiet }) : 0n;
    return { total: n, pattern: Uint8Array.of(Number(BigInt.asUintN(8, fill ?? 0n))) };
  }
  if (n < 0n || n > BigInt(MAX_BLOCK_BYTES)) {
    return report(0, `'.fill' repeat count ${shown} is out of range (0 to ${count(MAX_BLOCK_BYTES)}: a block holds at most ${byteSize(MAX_BLOCK_BYTES)})`);
  }
  let unit = 1n;
  if (ops.length >= 2) {
    const u = evaluate(st, at(1), lookup, { quiet });
    if (u === undefined) return undefined;
    if (u < 0n || u > 8n) return report(1, `'.fill' unit size must be 0 to 8 bytes`);
    unit = u;
  }
  const value = ops.length >= 3 ? (evaluate(st, at(2), lookup, { quiet }) ?? 0n) : 0n;
  const low = BigInt.asUintN(32, value);
  const pattern = new Uint8Array(Number(unit));
  for (let b = 0; b < pattern.length && b < 4; b++) pattern[b] = Number((low >> BigInt(8 * b)) & 0xffn);
  return { total: n * unit, pattern };
}

export function alignUp(v: bigint, a: bigint): bigint {
  return (v + a - 1n) & ~(a - 1n);
}

/** Size effect of a directive in pass 1; returns the new location counter. */
export function directivePass1(st: ParseState, block: CodeBlock, li: LineInternals, index: number, pc: bigint, placed: boolean): bigint {
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
      return pc + (fillExtent(st, li, lookup, false)?.total ?? 0n);
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

export function directivePass2(
  st: ParseState,
  li: LineInternals,
  lookup: Lookup,
  pc: bigint,
  write: (addr: bigint, v: bigint, n: number) => void,
  /** `total` bytes from `addr`: `pattern` repeated. */
  fill: (addr: bigint, total: number, pattern: Uint8Array) => void,
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
      // Pass 1 reported any problem; the same extent (or none) here, and no loop over the repeat count.
      const ext = fillExtent(st, li, lookup, true);
      if (ext === undefined || ext.total === 0n) return;
      lineOf.set(Number(pc), li.line);
      fill(pc, Number(ext.total), ext.pattern);
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
