/**
 * Memory operands of loads and stores (Arm ARM C6.2 LDR/STR addressing modes):
 * unsigned scaled offset `[xn|sp{, #imm}]`, unscaled `[xn|sp{, #simm9}]`, pre-index
 * `[xn|sp, #simm9]!`, post-index `[xn|sp], #simm9`, register offset
 * `[xn|sp, rm{, extend {#s}}]`, pair offsets (imm7 scaled) and a plain base.
 * Each codec takes one addressing mode; an operand written in another mode is a
 * shape mismatch (`weak`), so the form that takes it reports instead.
 */
import { hex } from '../../util/hex';
import { isImm, isMem, isReg, operand } from '../decodetree/form';
import type { AsmState, Codec, Fields } from '../decodetree/types';
import { imm, reg, signExtend } from '../format';
import { AsmError, fmt, type MemOperand } from '../operands';

function base(f: Fields): string {
  return reg(f.Rn, true, true);
}

function offsetText(f: Fields, offset: number): string {
  return offset === 0 ? `[${base(f)}]` : `[${base(f)}, ${imm(offset)}]`;
}

type Mode = 'offset' | 'pre-index' | 'register-offset';

function modeOf(m: MemOperand): Mode {
  return m.index ? 'register-offset' : m.writeback ? 'pre-index' : 'offset';
}

/**
 * The addressing mode a memory operand's text is written in, without parsing it: `]!` is
 * pre-index, a register after the base is a register offset. Lets the assembler try only
 * the forms of that mode (an operand that does not parse is left to every form to report).
 */
function writtenMode(t: string): Mode | undefined {
  if (!isMem(t)) return undefined;
  let m = modeMemo.get(t);
  if (m === undefined) {
    const second = /^\[[^,\]]*,\s*([^,\]\s]+)/.exec(t);
    m = /\]\s*!$/.test(t) ? 'pre-index' : second !== null && isReg(second[1]) ? 'register-offset' : 'offset';
    if (modeMemo.size >= 4096) modeMemo.clear();
    modeMemo.set(t, m);
  }
  return m;
}

/** Memo of operand texts → addressing mode (the editor re-assembles the same operand spellings on every parse). */
const modeMemo = new Map<string, Mode>();

const shapeOf =
  (mode: Mode) =>
  (t: string): boolean => {
    const m = writtenMode(t);
    return m === mode;
  };

/**
 * Read the memory operand at `a.i` expecting addressing mode `want`; another mode written is a
 * weak mismatch (`NAME has no pre-index form`). Sets Rn and its range.
 */
function readMem(a: AsmState, f: Fields, want: Mode, literalHint: boolean): MemOperand {
  const t = a.ops.text(a.i);
  if (literalHint && !isMem(t)) throw new AsmError(a.ops.range(a.i), `${a.mnemonic.toUpperCase()} needs a memory operand like [x1, #8]; only LDR and LDRSW have a literal form`, 'operand');
  const m = a.ops.mem(a.i);
  const got = modeOf(m);
  if (got !== want) {
    const at = got === 'register-offset' ? m.index!.range : a.ops.range(a.i);
    throw new AsmError(at, `${a.mnemonic.toUpperCase()} has no ${got} form`, 'operand', true);
  }
  f.Rn = m.base.n;
  a.at.Rn = m.base.range;
  return m;
}

/** `[xn|sp{, #imm}]`: imm12 scaled by the access size `1 << scale(f)` (LDR, STR, PRFM unsigned offset). */
export function memUnsigned(scale: (f: Fields) => number, literalHint: boolean): Codec {
  return operand({
    usage: '[xn|sp{, #imm}]',
    shape: shapeOf('offset'),
    parse(a: AsmState, f: Fields): void {
      const m = readMem(a, f, 'offset', literalHint);
      const size = 1 << scale(f);
      const off = m.offset;
      const scaledOk = off >= 0n && off % BigInt(size) === 0n && off / BigInt(size) <= 4095n;
      const where = m.offsetRange ?? a.ops.range(a.i);
      if (!scaledOk) {
        if (m.lo12) return a.reject(new AsmError(where, () => `:lo12: offset ${hex(off)} is not a multiple of ${size} for a ${size}-byte access`, 'immediate-range'));
        const mnemonic = a.mnemonic;
        return a.reject(new AsmError(where, () => `offset ${fmt(off)} out of range for ${mnemonic.toUpperCase()}: a multiple of ${size} in 0..${4095 * size}, or -256..255`, 'immediate-range'));
      }
      f.imm12 = Number(off / BigInt(size));
      a.i++;
    },
    print: (f) => offsetText(f, f.imm12 << scale(f)),
  });
}

/**
 * `[xn|sp{, #simm9}]` into imm9. `kind`: `unscaled` (LDUR, STUR, PRFUM), `unprivileged` (LDTR,
 * STTR), or `fallback`: LDR/STR with an offset the scaled form cannot take, as GNU as encodes it.
 */
export function memUnscaled(kind: 'unscaled' | 'unprivileged' | 'fallback', literalHint = false): Codec {
  return operand({
    usage: '[xn|sp{, #simm9}]',
    shape: shapeOf('offset'),
    parse(a: AsmState, f: Fields): void {
      const name = a.mnemonic.toUpperCase();
      if (kind === 'unprivileged') {
        const m0 = a.ops.mem(a.i);
        if (m0.index || m0.writeback) throw new AsmError(a.ops.range(a.i), `${name} takes only [xn{, #simm9}]`, 'operand');
      }
      const m = readMem(a, f, 'offset', literalHint);
      // A :lo12: offset is for the scaled form only (GNU as relocation R_AARCH64_LDST*_ABS_LO12_NC).
      if (kind === 'fallback' && m.lo12) throw new AsmError(m.offsetRange ?? a.ops.range(a.i), `:lo12: needs the scaled offset form of ${name}`, 'immediate-range', true);
      const off = m.offset;
      if (off < -256n || off > 255n) {
        const where = m.offsetRange ?? a.ops.range(a.i);
        throw new AsmError(where, `offset ${fmt(off)} out of range -256..255 for ${name}`, 'immediate-range');
      }
      f.imm9 = Number(off) & 0x1ff;
      a.i++;
    },
    print: (f) => offsetText(f, signExtend(f.imm9, 9)),
  });
}

/** `[xn|sp, #simm9]!` (pre-index). */
export const MEM_PRE: Codec = operand({
  usage: '[xn|sp, #simm9]!',
  shape: shapeOf('pre-index'),
  parse(a: AsmState, f: Fields): void {
    const m = readMem(a, f, 'pre-index', false);
    const off = m.offset;
    if (off < -256n || off > 255n) throw new AsmError(m.offsetRange ?? a.ops.range(a.i), `pre-index offset ${fmt(off)} out of range -256..255`, 'immediate-range');
    f.imm9 = Number(off) & 0x1ff;
    a.i++;
  },
  print: (f) => `[${base(f)}, ${imm(signExtend(f.imm9, 9))}]!`,
});

/** A post-index base `[xn|sp]` followed by `, #offset`; the offset is read by `post`. */
function readPostBase(a: AsmState, f: Fields): void {
  const m = a.ops.mem(a.i);
  if (m.index || m.offsetRange || m.writeback) throw new AsmError(a.ops.range(a.i), 'post-index addressing takes a plain base: [xn], #imm', 'syntax');
  f.Rn = m.base.n;
  a.at.Rn = m.base.range;
  a.i++;
}

/** `[xn|sp], #simm9` (post-index). */
export const MEM_POST: Codec = {
  usage: '[xn|sp], #simm9',
  min: 2,
  max: 2,
  shape: (t, k) => (k === 0 ? isMem(t) : isImm(t)),
  parse(a: AsmState, f: Fields): void {
    readPostBase(a, f);
    f.imm9 = a.ops.immRange(a.i, -256, 255, 'post-index offset') & 0x1ff;
    a.i++;
  },
  print: (f) => `[${base(f)}], ${imm(signExtend(f.imm9, 9))}`,
};

const INDEX_OPTION: Record<string, number> = { uxtw: 2, lsl: 3, sxtw: 6, sxtx: 7 };
const INDEX_NAMES = ['', '', 'uxtw', 'lsl', '', '', 'sxtw', 'sxtx'];

/**
 * `[xn|sp, rm{, lsl|uxtw|sxtw|sxtx {#s}}]` into Rm/option/S; `#s` is 0 or log2 of the access size
 * `scale(f)`. `prfm`: PRFM's rules (S set only by #3).
 */
export function memRegister(scale: (f: Fields) => number, prfm: boolean): Codec {
  return operand({
    usage: '[xn|sp, rm{, extend {#s}}]',
    shape: shapeOf('register-offset'),
    parse(a: AsmState, f: Fields): void {
      const m0 = a.ops.mem(a.i);
      if (m0.index && m0.writeback) throw new AsmError(a.ops.range(a.i), 'register-offset addressing has no writeback form', 'syntax');
      const m = readMem(a, f, 'register-offset', !prfm);
      const idx = m.index!;
      const mod = m.modifier;
      const sizeBits = scale(f);
      let option: number;
      let s = 0;
      if (prfm) {
        option = mod ? INDEX_OPTION[mod.op] : 3;
        if (idx.x !== (option === 3 || option === 7)) throw new AsmError(idx.range, `index register width does not match ${mod?.op ?? 'lsl'}`, 'operand');
        if (mod?.amount !== undefined && mod.amount !== 0 && mod.amount !== 3) throw new AsmError(mod.amountRange ?? mod.range, 'shift must be #0 or #3 for PRFM', 'immediate-range');
        s = mod?.amount === 3 ? 1 : 0;
      } else if (!mod) {
        if (!idx.x) throw new AsmError(idx.range, `a 32-bit index needs uxtw or sxtw, e.g. [${m.base.text}, ${idx.text}, uxtw]`, 'operand');
        option = 3;
      } else {
        option = INDEX_OPTION[mod.op];
        const wantX = option === 3 || option === 7;
        if (idx.x !== wantX) throw new AsmError(idx.range, `${mod.op} needs a ${wantX ? '64' : '32'}-bit index register, got ${idx.text.toLowerCase()}`, 'operand');
        if (mod.amount !== undefined) {
          const size = 1 << sizeBits;
          if (mod.amount !== 0 && mod.amount !== sizeBits) throw new AsmError(mod.amountRange ?? mod.range, `shift must be #0 or #${sizeBits} for a ${size}-byte access`, 'immediate-range');
          // S selects a shift by the access size; for byte accesses an explicit #0 sets S (as GNU as does).
          s = sizeBits === 0 || mod.amount === sizeBits ? 1 : 0;
        } else if (mod.op === 'lsl') throw new AsmError(mod.range, 'lsl needs an amount in a register-offset address', 'syntax');
      }
      f.Rm = idx.n;
      f.option = option;
      f.S = s;
      a.i++;
    },
    print(f: Fields): string {
      const shift = f.S ? scale(f) : 0;
      const name = INDEX_NAMES[f.option];
      let ext: string;
      if (f.option === 3) ext = f.S ? `, lsl #${shift}` : '';
      else ext = f.S ? `, ${name} #${shift}` : `, ${name}`;
      return `[${base(f)}, ${reg(f.Rm, (f.option & 1) === 1)}${ext}]`;
    },
  });
}

/**
 * Pair addressing (LDP/STP/LDPSW/LDNP/STNP): imm7 scaled by the register size `1 << scale(f)`,
 * in mode 2 (signed offset, also the non-temporal forms), 3 (pre-index) or 1 (post-index).
 */
export function memPair(mode: 1 | 2 | 3, scale: (f: Fields) => number): Codec {
  const post = mode === 1;
  return {
    usage: post ? '[xn|sp], #imm' : mode === 3 ? '[xn|sp, #imm]!' : '[xn|sp{, #imm}]',
    min: post ? 2 : 1,
    max: post ? 2 : 1,
    shape: (t, k) => (k === 0 ? (post ? isMem(t) : writtenMode(t) === (mode === 3 ? 'pre-index' : 'offset')) : isImm(t)),
    parse(a: AsmState, f: Fields): void {
      const name = a.mnemonic.toUpperCase();
      const m0 = a.ops.mem(a.i);
      if (m0.index) throw new AsmError(m0.index.range, `${name} takes only an immediate offset`, 'operand');
      let off: bigint;
      let where;
      if (post) {
        readPostBase(a, f);
        off = a.ops.imm(a.i);
        where = a.ops.range(a.i);
      } else {
        const m = readMem(a, f, mode === 3 ? 'pre-index' : 'offset', false);
        off = m.offset;
        where = m.offsetRange ?? a.ops.range(a.i);
      }
      const size = BigInt(1 << scale(f));
      if (off % size !== 0n || off < -64n * size || off > 63n * size)
        throw new AsmError(where, `offset ${fmt(off)} out of range for ${name}: a multiple of ${size} in ${-64n * size}..${63n * size}`, 'immediate-range');
      f.imm7 = Number(off / size) & 0x7f;
      a.i++;
    },
    print(f: Fields): string {
      const off = signExtend(f.imm7, 7) << scale(f);
      if (post) return `[${base(f)}], ${imm(off)}`;
      if (mode === 3) return `[${base(f)}, ${imm(off)}]!`;
      return offsetText(f, off);
    },
  };
}

/** `[xn|sp]` (exclusives, ordered accesses, atomics); `[xn, #0]` is accepted. */
export const MEM_BASE: Codec = operand({
  usage: '[xn|sp]',
  shape: isMem,
  parse(a: AsmState, f: Fields): void {
    const m = a.ops.mem(a.i);
    if (m.index || m.writeback || m.offset !== 0n) throw new AsmError(a.ops.range(a.i), `${a.mnemonic.toUpperCase()} takes only a base register: [xn]`, 'operand');
    f.Rn = m.base.n;
    a.at.Rn = m.base.range;
    a.i++;
  },
  print: (f) => `[${base(f)}]`,
});
