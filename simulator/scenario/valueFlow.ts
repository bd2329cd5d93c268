/**
 * "Where does this number end up?" — a small, straight-line data-flow query
 * over the scenario model, used by hovers (decode a value against the system
 * register it is written to) and by the Decode command.
 *
 * It follows constants through general registers inside one code block:
 * `mov/movz/movn/movk`, `ldr Xt, =expr`, `orr Xd, xzr, #imm`, `adr/adrp`, and
 * register copies (`mov x1, x0`), until an `msr SYSREG, Xt` consumes the
 * value. It stops, without guessing, at anything it does not model: a call
 * (`bl` may clobber x0-x18, AAPCS64 §6.1.1), an unconditional branch or
 * return, or another instruction that writes the register. Values written in
 * a `pe` block (`hcr_el2 = …`) or compared in `expect` (`pe 0 esr_el2 == …`)
 * end up in the register they name.
 */
import { evaluateExpression } from '../isa/expr';
import type { AsmLine, CodeBlock, ScenarioModel, SourceRange } from './model';

export interface ValueDestination {
  /** Register the value ends up in, lower-case as written (`hcr_el2`). */
  register: string;
  /** The value it holds there (64-bit, unsigned). */
  value: bigint;
  /** Source lines (0-based) the value flows through, in order: definitions, then the consumer. */
  lines: number[];
}

const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;

/** General register number of `xN`/`wN` (31 for xzr/wzr), undefined otherwise. */
function gpr(text: string): { n: number; w: boolean } | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'xzr' || t === 'wzr') return { n: 31, w: t[0] === 'w' };
  const m = /^([xw])([0-9]|[12][0-9]|30)$/.exec(t);
  return m ? { n: Number(m[2]), w: m[1] === 'w' } : undefined;
}

/** Instructions that read their first register operand but never write it. */
const READS_FIRST =
  /^(str|strb|strh|stur|sturb|sturh|stp|stlr|stlrb|stlrh|stxr|stlxr|cmp|cmn|tst|ccmp|ccmn|msr|cbz|cbnz|tbz|tbnz|br|blr|ret|dc|ic|tlbi|at|sys|prfm|b\..*)$/;
/** Control flow after which the following line is not reached from this one. */
const ENDS_FLOW = /^(b|br|ret|eret|hlt|udf)$/;

function within(r: SourceRange, line: number, col: number): boolean {
  if (line < r.start.line || line > r.end.line) return false;
  if (line === r.start.line && col < r.start.col) return false;
  if (line === r.end.line && col > r.end.col) return false;
  return true;
}

function resolver(model: ScenarioModel): (name: string) => bigint | undefined {
  return (name) => model.symbols.get(name)?.value ?? model.constants.get(name)?.value;
}

function evalOperand(model: ScenarioModel, text: string): bigint | undefined {
  let t = text.trim();
  if (t.startsWith('#') || t.startsWith('=')) t = t.slice(1);
  const r = evaluateExpression(t, resolver(model));
  return 'value' in r ? r.value & MASK64 : undefined;
}

/** `lsl #N` shift of a MOVZ/MOVK/MOVN operand list, 0 when absent. */
function shiftOf(model: ScenarioModel, line: AsmLine): bigint | undefined {
  const s = line.operands[2]?.text.trim().toLowerCase();
  if (s === undefined) return 0n;
  const m = /^lsl\s+(.+)$/.exec(s);
  if (!m) return undefined;
  return evalOperand(model, m[1]);
}

/**
 * Effect of one line on general register `n`: 'none' (does not write it),
 * a constant (writes a known value), or 'unknown' (writes something we do
 * not model). `prev` supplies the value before the line for MOVK and copies.
 */
type Effect = { kind: 'none' } | { kind: 'value'; value: bigint } | { kind: 'unknown' };

function effectOn(
  model: ScenarioModel,
  line: AsmLine,
  n: number,
  prev: (reg: number) => bigint | undefined,
): Effect {
  const m = line.mnemonic;
  if (!m || m.startsWith('.')) return { kind: 'none' };
  if (m === 'bl' || m === 'blr') return n <= 18 || n === 30 ? { kind: 'unknown' } : { kind: 'none' };
  const rd = line.operands[0] ? gpr(line.operands[0].text) : undefined;
  if (!rd || rd.n !== n || rd.n === 31 || READS_FIRST.test(m)) return { kind: 'none' };
  const width = rd.w ? MASK32 : MASK64;
  const src = line.operands[1]?.text;
  if (src === undefined) return { kind: 'unknown' };
  const srcReg = gpr(src);
  let v: bigint | undefined;
  switch (m) {
    case 'mov':
      if (srcReg) v = srcReg.n === 31 ? 0n : prev(srcReg.n);
      else v = evalOperand(model, src);
      break;
    case 'movz':
    case 'movn':
    case 'movk': {
      const imm = evalOperand(model, src);
      const sh = shiftOf(model, line);
      if (imm === undefined || sh === undefined) break;
      if (m === 'movz') v = imm << sh;
      else if (m === 'movn') v = ~(imm << sh);
      else {
        const before = prev(n);
        if (before !== undefined) v = (before & ~(0xffffn << sh)) | ((imm & 0xffffn) << sh);
      }
      break;
    }
    case 'ldr':
      if (src.trim().startsWith('=')) v = evalOperand(model, src);
      break;
    case 'orr': {
      const zr = gpr(src);
      const imm = line.operands[2]?.text;
      if (zr?.n === 31 && imm !== undefined && line.operands.length === 3) v = evalOperand(model, imm);
      break;
    }
    case 'adr':
      v = evalOperand(model, src);
      break;
    case 'adrp': {
      const a = evalOperand(model, src);
      if (a !== undefined) v = a & ~0xfffn;
      break;
    }
  }
  return v === undefined ? { kind: 'unknown' } : { kind: 'value', value: v & width };
}

function blockOf(model: ScenarioModel, line: number): { block: CodeBlock; index: number } | undefined {
  for (const block of model.code) {
    if (line < block.range.start.line || line > block.range.end.line) continue;
    const index = block.lines.findIndex((l) => l.range.start.line === line);
    if (index >= 0) return { block, index };
  }
  return undefined;
}

/**
 * The constant general register `n` holds just before line `index` of a block,
 * following straight-line code upwards; undefined when it is not a known constant.
 */
function valueBefore(model: ScenarioModel, block: CodeBlock, index: number, n: number, trail: number[], depth = 0): bigint | undefined {
  if (depth > 32) return undefined;
  for (let i = index - 1; i >= 0; i--) {
    const l = block.lines[i];
    if (l.mnemonic && ENDS_FLOW.test(l.mnemonic)) return undefined;
    const e = effectOn(model, l, n, (r) => valueBefore(model, block, i, r, trail, depth + 1));
    if (e.kind === 'none') continue;
    if (e.kind === 'unknown') return undefined;
    trail.unshift(l.range.start.line);
    return e.value;
  }
  return undefined;
}

/** Straight-line code: the lines a value flowed through, in program order, once each. */
function ordered(lines: number[]): number[] {
  return [...new Set(lines)].sort((a, b) => a - b);
}

/** The value a general register (`x0`, `w3`) holds when line `line` starts, if straight-line code above makes it a constant. */
export function registerValueAt(model: ScenarioModel, line: number, register: string): { value: bigint; lines: number[] } | undefined {
  const r = gpr(register);
  const at = blockOf(model, line);
  if (!r || r.n === 31 || !at) return undefined;
  const trail: number[] = [];
  const v = valueBefore(model, at.block, at.index, r.n, trail);
  return v === undefined ? undefined : { value: r.w ? v & MASK32 : v, lines: ordered(trail) };
}

/**
 * Where the number at (line, col) ends up: the system register it is
 * written to (`msr`), assigned to in a `pe` block, or compared with in `expect`.
 */
export function valueDestinationAt(model: ScenarioModel, line: number, col: number): ValueDestination | undefined {
  for (const pe of model.pes) {
    for (const init of pe.registers) {
      if (within(init.range, line, col) && init.value.value !== undefined) {
        return { register: init.name.toLowerCase(), value: init.value.value & MASK64, lines: [init.range.start.line] };
      }
    }
  }
  for (const e of model.expectations) {
    if (e.kind === 'register' && within(e.range, line, col) && e.value.value !== undefined) {
      return { register: e.register.toLowerCase(), value: e.value.value & MASK64, lines: [e.range.start.line] };
    }
  }
  const at = blockOf(model, line);
  if (!at) return undefined;
  const asm = at.block.lines[at.index];
  if (asm.mnemonic === 'msr' && asm.operands.length === 2) {
    const src = gpr(asm.operands[1].text);
    if (!src) return undefined;
    const trail: number[] = [];
    const v = src.n === 31 ? 0n : valueBefore(model, at.block, at.index, src.n, trail);
    if (v === undefined) return undefined;
    return { register: asm.operands[0].text.trim().toLowerCase(), value: v, lines: [...ordered(trail), line] };
  }
  const rd = asm.operands[0] ? gpr(asm.operands[0].text) : undefined;
  if (!rd || rd.n === 31) return undefined;
  const trail: number[] = [];
  const prev = (i: number) => (r: number) => valueBefore(model, at.block, i, r, [], 0);
  const first = effectOn(model, asm, rd.n, prev(at.index));
  if (first.kind !== 'value') return undefined;
  trail.push(line);
  let value = first.value;
  for (let i = at.index + 1; i < at.block.lines.length; i++) {
    const l = at.block.lines[i];
    if (l.mnemonic === 'msr' && l.operands.length === 2 && gpr(l.operands[1].text)?.n === rd.n) {
      return { register: l.operands[0].text.trim().toLowerCase(), value, lines: [...trail, l.range.start.line] };
    }
    if (l.mnemonic && ENDS_FLOW.test(l.mnemonic)) return undefined;
    const e = effectOn(model, l, rd.n, (r) => (r === rd.n ? value : valueBefore(model, at.block, i, r, [], 0)));
    if (e.kind === 'unknown') return undefined;
    if (e.kind === 'value') {
      // Only MOVK keeps part of the value; any other write replaces it.
      if (l.mnemonic !== 'movk') return undefined;
      value = e.value;
      trail.push(l.range.start.line);
    }
  }
  return undefined;
}
