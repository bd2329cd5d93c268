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
import type { Assembler, AsmContext, Instr } from '../isa/instr';
import { INSTRUCTION_SIZE } from '../isa';
import type { Token } from './lexer';
import type { CodeBlock, ScenarioModel } from './model';
import type { CodeEl } from './codeEl';
import { tokRange } from './diagnostics';
import { asmKey, cachedAssembly, instrAtLine, rebase, storeAssembly, type AsmRecord } from './asmCache';
import { alignUp, directivePass1, directivePass2 } from './directives';
import { blockLookup, defineSymbol, isLocalLabel } from './symbols';
import { evaluate, globalLookup, NO_OPERANDS, symbolHint, type CodeInternals, type LineInternals, type ParseState } from './state';
import { hex } from '../util/hex';
import { byteSize, MAX_BLOCK_BYTES, MAX_IMAGE_BYTES } from './limits';

export { KNOWN_DIRECTIVES } from './directives';
export { defineSymbol } from './symbols';
export { checkPlacement } from './placement';

export const INSTRUCTION_BYTES = INSTRUCTION_SIZE;
const POOL_SLOT = 8;


export interface BlockLayout {
  ci: CodeInternals;
  base: bigint;
  /** End of code/data, before the literal pool. */
  codeEnd: bigint;
  poolBase: bigint;
  /** Literal-pool slots counted in pass 1 (one per `=` operand). */
  slots: number;
  /** The literal pool pass 2 built (values in slot order, with the line of their first use). */
  pool?: { value: bigint; size: 4 | 8; line: number }[];
}

/** Pass 1 over all blocks. Returns the layouts of the blocks that have an address. */
export function layoutPass1(st: ParseState): BlockLayout[] {
  const out: BlockLayout[] = [];
  let imageBytes = 0;
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
      st.rep.error(ci.headerRange, `this ${block.kind} block is ${hex(total)} bytes: a block holds at most ${hex(MAX_BLOCK_BYTES)} (${byteSize(MAX_BLOCK_BYTES)}); split it or use a smaller '.zero'`, 'block-too-large');
      continue;
    }
    if (imageBytes + Number(total) > MAX_IMAGE_BYTES) {
      // So is the whole image: many blocks below the per-block bound must not add up to gigabytes.
      st.rep.error(ci.headerRange, `this ${block.kind} block would take the scenario's image past ${hex(MAX_IMAGE_BYTES)} bytes (${byteSize(MAX_IMAGE_BYTES)}), the most all blocks together may hold`, 'image-too-large');
      continue;
    }
    imageBytes += Number(total);
    out.push({ ci, base, codeEnd: pc, poolBase, slots });
    ci.start = base;
    ci.end = poolBase + BigInt(slots * POOL_SLOT);
  }
  return out;
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

/**
 * Pass 2: assemble instructions, encode data, fill `model.program`.
 * `elOf`: the EL each block runs at when known (declared or inferred, codeEl.ts), for EL-access warnings. */
export function layoutPass2(st: ParseState, layouts: BlockLayout[], assembler: Assembler | undefined, cacheable = false, elOf?: ReadonlyMap<CodeBlock, CodeEl>): void {
  const program = st.model.program;
  for (const lay of layouts) {
    const { ci, base } = lay;
    const block = ci.block;
    const inferred = block.el === undefined ? elOf?.get(block) : undefined;
    const blockEl = block.el ?? inferred?.el;
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
    /** `n` bytes of `pattern` repeated: copies that double in length, never a loop per repetition. */
    const fill = (addr: bigint, n: number, pattern: Uint8Array): void => {
      const from = Math.max(0, Number(addr) - baseNum);
      const to = Math.min(size, from + n);
      if (to <= from) return;
      known.fill(1, from, to);
      if (pattern.length === 1) {
        bytes.fill(pattern[0], from, to);
        return;
      }
      bytes.set(pattern.subarray(0, to - from), from);
      for (let done = Math.min(pattern.length, to - from); done < to - from; done *= 2) bytes.copyWithin(from + done, from, from + Math.min(done, to - from - done));
    };
    // One assembler context per block, updated per line (no allocation per instruction).
    let pc = 0n;
    let index = 0;
    let reported = 0;
    const asked = new Set<string>();
    const lookup = blockLookup(st, block, () => pc, () => index);
    let recording: AsmRecord | undefined;
    const ctx: AsmContext = {
      // A getter: the memo keys only the lines whose assembly reads the address (asmCache.ts).
      get pc(): bigint {
        if (recording) recording.pcDependent = true;
        return pc;
      },
      el: blockEl,
      elReason: inferred?.reason,
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
        // A copy: the line's own range moves with the line when an edit shifts it (bodyEdit.ts); the record's must not.
        if (recording) recording.reports.push({ range: { start: { ...range.start }, end: { ...range.end } }, message, rule, severity });
        st.rep.report(range, message, rule ?? 'asm', severity ?? 'error');
      },
    };
    /** Replay a cached assembly if every input it consumed is unchanged; true on success. */
    const replay = (rec: AsmRecord, li: LineInternals): boolean => {
      for (const [name, value] of rec.lookups) {
        const v = lookup(name);
        if ((v === null ? undefined : v) !== value) return false;
      }
      // Literal slots the replay would get, without allocating yet.
      let fresh = 0;
      let seen: Map<string, number> | undefined; // only for lines with literals (most have none)
      for (const l of rec.literals) {
        const key = `${l.size}:${l.value}`;
        let k = poolIndex.get(key) ?? seen?.get(key);
        if (k === undefined) {
          k = pool.length + fresh++;
          (seen ??= new Map()).set(key, k);
        }
        if (lay.poolBase + BigInt(k * POOL_SLOT) !== l.address) return false;
      }
      for (const [name, value] of rec.lookups) {
        if (value === undefined) asked.add(name);
        else if (st.model.symbols.has(name)) asked.add(name);
      }
      for (const l of rec.literals) ctx.literal(l.value, l.size);
      const at = li.asm.range.start;
      for (const r of rec.reports) ctx.report(rebase(r.range, rec.origin, at.line, at.col), r.message, r.rule, r.severity as 'error' | 'warning' | undefined);
      return true;
    };
    for (index = 0; index < ci.lines.length; index++) {
      // The line before is assembled: nothing reads its operand tokens again (patches and edits lex
      // their lines afresh), so a large block's Token objects are let go line by line, not all at the end.
      if (index > 0) ci.lines[index - 1].operandTokens = NO_OPERANDS;
      const li = ci.lines[index];
      const asm = li.asm;
      const mn = asm.mnemonic;
      currentLine = li.line;
      if (mn === undefined || asm.address === undefined) continue;
      pc = asm.address;
      if (mn.charCodeAt(0) !== 46 /* '.' */) {
        asked.clear();
        reported = 0;
        let instr: Instr | undefined;
        const key = cacheable ? asmKey(asm, blockEl, inferred?.reason) : undefined;
        const rec = key !== undefined ? cachedAssembly(key, pc) : undefined;
        const reportsFrom = st.rep.list.length;
        li.rec = undefined;
        if (rec && replay(rec, li)) {
          instr = instrAtLine(rec, li.line);
          li.rec = rec;
        } else if (assembler) {
          recording =
            key !== undefined
              ? { instr: undefined, lookups: [], literals: [], reports: [], origin: { line: asm.range.start.line, col: asm.range.start.col }, pcDependent: false, pc }
              : undefined;
          try {
            instr = assembler(asm, ctx);
            if (recording && key !== undefined) {
              recording.instr = instr;
              storeAssembly(key, recording);
              li.rec = recording;
            }
          } catch (e) {
            st.rep.error(asm.mnemonicRange ?? asm.range, `internal assembler error on '${mn}': ${(e as Error).message}`, 'internal-error');
          }
          recording = undefined;
        }
        // The assembler's own reports (not the misses below): an edit that re-assembles the line replaces them (bodyEdit.ts).
        if (st.asmReports) for (let k = reportsFrom; k < st.rep.list.length; k++) st.asmReports.add(st.rep.list[k]);
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
      directivePass2(st, li, lookup, pc, write, fill, program);
    }
    if (ci.lines.length > 0) ci.lines[ci.lines.length - 1].operandTokens = NO_OPERANDS;
    lay.pool = pool;
    program.chunks.push(...blockChunks(program, Number(base), bytes, known, pool, Number(lay.poolBase)));
    if (pool.length > 0) {
      const end = lay.poolBase + BigInt(pool.length * POOL_SLOT);
      if (ci.end === undefined || end > ci.end) ci.end = end;
    }
  }
}

/**
 * A block's image chunks: the runs of known bytes of its code and data, then
 * its literal pool (slots of POOL_SLOT bytes at `poolBase`, each recorded in
 * `lineOf` at the line of its first use). Also used by bodyEdit.ts.
 */
export function blockChunks(
  program: ScenarioModel['program'],
  base: number,
  bytes: Uint8Array,
  known: Uint8Array,
  pool: readonly { value: bigint; size: number; line: number }[],
  poolBase: number,
): ScenarioModel['program']['chunks'] {
  const out: ScenarioModel['program']['chunks'] = [];
  const size = bytes.length;
  let k = 0;
  while (k < size) {
    if (!known[k]) {
      k++;
      continue;
    }
    const startK = k;
    while (k < size && known[k]) k++;
    out.push({ address: base + startK, bytes: bytes.slice(startK, k), line: lineAt(program.lineOf, base + startK) });
  }
  if (pool.length > 0) {
    const pb = new Uint8Array(pool.length * POOL_SLOT);
    pool.forEach((p, i) => {
      let x = BigInt.asUintN(p.size * 8, p.value);
      for (let b = 0; b < p.size; b++) {
        pb[i * POOL_SLOT + b] = Number(x & 0xffn);
        x >>= 8n;
      }
      program.lineOf.set(poolBase + i * POOL_SLOT, p.line);
    });
    out.push({ address: poolBase, bytes: pb, line: pool[0].line });
  }
  return out;
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
      st.rep.error(tokRange(tok), `undefined symbol '${name}'${symbolHint(st, name)}`, 'undefined-symbol');
    }
  }
}

function findToken(ops: readonly Token[][], name: string): Token | undefined {
  for (const toks of ops) for (const t of toks) if (t.kind === 'ident' && t.text === name) return t;
  return undefined;
}
