/**
 * Assembler syntax → encoding for loads and stores (Arm ARM C6.2 LDR/STR
 * variants, LDP/STP, LDAR/STLR, LDXR/STXR and friends). Addressing mode is
 * picked as GNU as does: a scaled unsigned offset when it fits, otherwise the
 * unscaled (LDUR/STUR) form for offsets in -256..255.
 */
import { AsmError, fmt, MemOperand, Operands, Reg } from './operands';
import type { AsmHandler } from './asmTypes';
import { hex } from '../util/hex';

interface Access {
  /** log2 of the access size. */
  sizeBits: number;
  /** opc field: 0 store, 1 load, 2 signed load to X, 3 signed load to W. */
  opc: number;
}

/** Work out size/opc of LDR/STR-family mnemonics from the mnemonic and the Rt width. */
function accessOf(name: string, rt: Reg): Access {
  const load = name.startsWith('ld');
  const base = name.replace(/^(ld|st)[ut]?r/, '');
  switch (base) {
    case 'b':
      return { sizeBits: 0, opc: load ? 1 : 0 };
    case 'h':
      return { sizeBits: 1, opc: load ? 1 : 0 };
    case 'sb':
      return { sizeBits: 0, opc: rt.x ? 2 : 3 };
    case 'sh':
      return { sizeBits: 1, opc: rt.x ? 2 : 3 };
    case 'sw':
      return { sizeBits: 2, opc: 2 };
    default:
      return { sizeBits: rt.x ? 3 : 2, opc: load ? 1 : 0 };
  }
}

function rtWidth(name: string): 'x' | 'w' | 'any' {
  const base = name.replace(/^(ld|st)[ut]?r/, '');
  if (base === 'b' || base === 'h') return 'w';
  if (base === 'sw') return 'x';
  return 'any';
}

function checkWriteback(mem: MemOperand, rt: Reg, load: boolean): void {
  // Arm ARM C6.2.132: writeback with n == t (n != 31) is CONSTRAINED UNPREDICTABLE; GNU as rejects it.
  if (mem.base.n === rt.n && rt.n !== 31)
    throw new AsmError(mem.base.range, `${load ? 'load' : 'store'} with writeback uses ${mem.base.text.toLowerCase()} as both base and transfer register (unpredictable)`, 'unpredictable');
}

/** LDTR/STTR family (unprivileged): `[xn{, #simm9}]` only. */
const unprivilegedHandler: AsmHandler = (o, name) => {
  o.count(2, 2, 'rt, [xn{, #simm9}]');
  const rt = o.gpr(0, rtWidth(name), 'zr');
  const acc = accessOf(name, rt);
  const mem = o.mem(1);
  if (mem.index || mem.writeback) throw new AsmError(o.range(1), `${name.toUpperCase()} takes only [xn{, #simm9}]`, 'operand');
  if (mem.offset < -256n || mem.offset > 255n)
    throw new AsmError(mem.offsetRange ?? o.range(1), `offset ${fmt(mem.offset)} out of range -256..255 for ${name.toUpperCase()}`, 'immediate-range');
  return ((acc.sizeBits << 30) | (acc.opc << 22) | 0x38000800 | ((Number(mem.offset) & 0x1ff) << 12) | (mem.base.n << 5) | rt.n) >>> 0;
};

const ldstHandler: AsmHandler = (o, name) => {
  o.count(2, 3, 'rt, [xn{, #imm}] | [xn, #imm]! | [xn], #imm | [xn, xm{, lsl #s}] | label | =value');
  const rt = o.gpr(0, rtWidth(name), 'zr');
  const acc = accessOf(name, rt);
  const size = 1 << acc.sizeBits;
  const unscaledOnly = /^(ld|st)ur/.test(name);
  const load = acc.opc !== 0;
  const head = (acc.sizeBits << 30) | (acc.opc << 22);

  if (!o.isMem(1)) {
    if (unscaledOnly || !load || acc.sizeBits === 0 || acc.sizeBits === 1 || (acc.opc >= 2 && acc.sizeBits !== 2))
      throw new AsmError(o.range(1), `${name.toUpperCase()} needs a memory operand like [x1, #8]; only LDR and LDRSW have a literal form`, 'operand');
    o.count(2, 2);
    let targetAddr: bigint;
    if (o.text(1).startsWith('=')) {
      const ltext = o.text(1).slice(1);
      const lrange = o.sub(1, 1, o.text(1).length);
      const value = o.evaluate(ltext.trim(), lrange);
      const lsize: 4 | 8 = acc.sizeBits === 3 ? 8 : 4;
      const limit = lsize === 8 ? 1n << 64n : 1n << 32n;
      if (value >= limit || value < -(limit >> 1n))
        throw new AsmError(lrange, `literal ${hex(value)} does not fit in ${lsize * 8} bits`, 'immediate-range');
      targetAddr = o.ctx.literal(BigInt.asUintN(lsize * 8, value), lsize);
    } else targetAddr = o.address(1);
    const delta = BigInt.asIntN(64, targetAddr - o.ctx.pc);
    if ((delta & 3n) !== 0n) throw new AsmError(o.range(1), 'literal address is not 4-byte aligned', 'operand');
    if (delta < -(1n << 20n) || delta >= 1n << 20n) throw new AsmError(o.range(1), 'literal out of ±1 MB range', 'immediate-range');
    const opc = acc.opc === 2 ? 2 : acc.sizeBits === 3 ? 1 : 0;
    return (opc << 30) | 0x18000000 | (Number(BigInt.asUintN(19, delta >> 2n)) << 5) | rt.n;
  }

  const mem = o.mem(1);
  const n = mem.base.n;
  if (o.length === 3) {
    // Post-index: [xn], #imm
    if (mem.index || mem.offsetRange || mem.writeback)
      throw new AsmError(o.range(1), 'post-index addressing takes a plain base: [xn], #imm', 'syntax');
    if (unscaledOnly) throw new AsmError(o.range(2), `${name.toUpperCase()} has no post-index form`, 'operand');
    const off = o.immRange(2, -256, 255, 'post-index offset');
    checkWriteback(mem, rt, load);
    return head | 0x38000400 | ((off & 0x1ff) << 12) | (n << 5) | rt.n;
  }
  if (mem.index) {
    if (unscaledOnly) throw new AsmError(mem.index.range, `${name.toUpperCase()} has no register-offset form`, 'operand');
    if (mem.writeback) throw new AsmError(o.range(1), 'register-offset addressing has no writeback form', 'syntax');
    const m = mem.index;
    let option: number;
    let s = 0;
    const mod = mem.modifier;
    if (!mod) {
      if (!m.x) throw new AsmError(m.range, `a 32-bit index needs uxtw or sxtw, e.g. [${mem.base.text}, ${m.text}, uxtw]`, 'operand');
      option = 3;
    } else {
      option = { uxtw: 2, lsl: 3, sxtw: 6, sxtx: 7 }[mod.op]!;
      const wantX = option === 3 || option === 7;
      if (m.x !== wantX) throw new AsmError(m.range, `${mod.op} needs a ${wantX ? '64' : '32'}-bit index register, got ${m.text.toLowerCase()}`, 'operand');
      if (mod.amount !== undefined) {
        if (mod.amount !== 0 && mod.amount !== acc.sizeBits)
          throw new AsmError(mod.amountRange ?? mod.range, `shift must be #0 or #${acc.sizeBits} for a ${size}-byte access`, 'immediate-range');
        // S selects a shift by the access size; for byte accesses an explicit #0 sets S (as GNU as does).
        s = acc.sizeBits === 0 || mod.amount === acc.sizeBits ? 1 : 0;
      } else if (mod.op === 'lsl') throw new AsmError(mod.range, 'lsl needs an amount in a register-offset address', 'syntax');
    }
    return head | 0x38200800 | (m.n << 16) | (option << 13) | (s << 12) | (n << 5) | rt.n;
  }
  const off = mem.offset;
  if (mem.writeback) {
    if (unscaledOnly) throw new AsmError(o.range(1), `${name.toUpperCase()} has no pre-index form`, 'operand');
    if (off < -256n || off > 255n) throw new AsmError(mem.offsetRange ?? o.range(1), `pre-index offset ${fmt(off)} out of range -256..255`, 'immediate-range');
    checkWriteback(mem, rt, load);
    return head | 0x38000c00 | ((Number(off) & 0x1ff) << 12) | (n << 5) | rt.n;
  }
  const scaledOk = off >= 0n && off % BigInt(size) === 0n && off / BigInt(size) <= 4095n;
  if (!unscaledOnly && (scaledOk || mem.lo12)) {
    if (!scaledOk)
      throw new AsmError(mem.offsetRange ?? o.range(1), `:lo12: offset ${hex(off)} is not a multiple of ${size} for a ${size}-byte access`, 'immediate-range');
    return head | 0x39000000 | (Number(off / BigInt(size)) << 10) | (n << 5) | rt.n;
  }
  if (off >= -256n && off <= 255n) return head | 0x38000000 | ((Number(off) & 0x1ff) << 12) | (n << 5) | rt.n;
  throw new AsmError(
    mem.offsetRange ?? o.range(1),
    unscaledOnly
      ? `offset ${fmt(off)} out of range -256..255 for ${name.toUpperCase()}`
      : `offset ${fmt(off)} out of range for ${name.toUpperCase()}: a multiple of ${size} in 0..${4095 * size}, or -256..255`,
    'immediate-range',
  );
};

/** LDP/STP/LDPSW/LDNP/STNP. */
const pairHandler: AsmHandler = (o, name) => {
  o.count(3, 4, 'rt1, rt2, [xn{, #imm}]{!} | [xn], #imm');
  const signedWord = name === 'ldpsw';
  const nonTemporal = name === 'ldnp' || name === 'stnp';
  const load = name.startsWith('ld');
  const t1 = o.gpr(0, signedWord ? 'x' : 'any', 'zr');
  const t2 = o.gpr(1, t1.x ? 'x' : 'w', 'zr');
  const x = t1.x && !signedWord;
  const size = x ? 8 : 4;
  const opc = signedWord ? 1 : x ? 2 : 0;
  if (load && t1.n === t2.n) throw new AsmError(t2.range, `${name.toUpperCase()} with the same register twice is unpredictable`, 'unpredictable');
  const mem = o.mem(2);
  if (mem.index) throw new AsmError(mem.index.range, `${name.toUpperCase()} takes only an immediate offset`, 'operand');
  let mode: number;
  let off: bigint;
  let offRange = mem.offsetRange ?? o.range(2);
  if (o.length === 4) {
    if (mem.offsetRange || mem.writeback) throw new AsmError(o.range(2), 'post-index addressing takes a plain base: [xn], #imm', 'syntax');
    mode = 1;
    off = o.imm(3);
    offRange = o.range(3);
  } else {
    mode = mem.writeback ? 3 : 2;
    off = mem.offset;
  }
  if (nonTemporal && mode !== 2) throw new AsmError(o.range(2), `${name.toUpperCase()} has only the signed-offset form`, 'operand');
  if (nonTemporal) mode = 0;
  if ((mode === 1 || mode === 3) && (mem.base.n === t1.n || mem.base.n === t2.n) && mem.base.n !== 31)
    throw new AsmError(mem.base.range, `${name.toUpperCase()} with writeback uses ${mem.base.text.toLowerCase()} as both base and transfer register (unpredictable)`, 'unpredictable');
  if (off % BigInt(size) !== 0n || off < -64n * BigInt(size) || off > 63n * BigInt(size))
    throw new AsmError(offRange, `offset ${fmt(off)} out of range for ${name.toUpperCase()}: a multiple of ${size} in ${-64 * size}..${63 * size}`, 'immediate-range');
  const imm7 = Number(off / BigInt(size)) & 0x7f;
  return (opc << 30) | 0x28000000 | (mode << 23) | ((load ? 1 : 0) << 22) | (imm7 << 15) | (t2.n << 10) | (mem.base.n << 5) | t1.n;
};

function plainBase(o: Operands, i: number): number {
  const mem = o.mem(i);
  if (mem.index || mem.writeback || mem.offset !== 0n) throw new AsmError(o.range(i), `${o.mnemonic.toUpperCase()} takes only a base register: [xn]`, 'operand');
  return mem.base.n;
}

function sizeOfSuffix(name: string, rt: Reg): number {
  if (name.endsWith('b')) return 0;
  if (name.endsWith('h')) return 1;
  return rt.x ? 3 : 2;
}

/** LDAR/STLR (+B/H), and the FEAT_LOR LDLAR/STLLR (o0 = 0). */
const orderedHandler =
  (load: boolean, limited = false): AsmHandler =>
  (o, name) => {
    o.count(2, 2, 'rt, [xn]');
    const sub = /[bh]$/.test(name);
    const rt = o.gpr(0, sub ? 'w' : 'any', 'zr');
    const size = sizeOfSuffix(name, rt);
    const n = plainBase(o, 1);
    return ((size << 30) | ((load ? 0x08dffc00 : 0x089ffc00) & ~(limited ? 1 << 15 : 0)) | (n << 5) | rt.n) >>> 0;
  };

/** LDXR/LDAXR (+B/H). */
const loadExclusiveHandler =
  (acquire: boolean): AsmHandler =>
  (o, name) => {
    o.count(2, 2, 'rt, [xn]');
    const sub = /[bh]$/.test(name);
    const rt = o.gpr(0, sub ? 'w' : 'any', 'zr');
    const size = sizeOfSuffix(name, rt);
    const n = plainBase(o, 1);
    return (size << 30) | 0x085f7c00 | ((acquire ? 1 : 0) << 15) | (n << 5) | rt.n;
  };

/** STXR/STLXR (+B/H): ws, rt, [xn]. */
const storeExclusiveHandler =
  (release: boolean): AsmHandler =>
  (o, name) => {
    o.count(3, 3, 'ws, rt, [xn]');
    const sub = /[bh]$/.test(name);
    const s = o.gpr(0, 'w', 'zr');
    const rt = o.gpr(1, sub ? 'w' : 'any', 'zr');
    const size = sizeOfSuffix(name, rt);
    const n = plainBase(o, 2);
    if (s.n === rt.n || (s.n === n && n !== 31))
      throw new AsmError(s.range, `status register ${s.text.toLowerCase()} overlaps a data or base register (unpredictable)`, 'unpredictable');
    return (size << 30) | 0x08007c00 | ((release ? 1 : 0) << 15) | (s.n << 16) | (n << 5) | rt.n;
  };

/** LDXP/LDAXP: rt1, rt2, [xn]. */
const loadExclusivePairHandler =
  (acquire: boolean): AsmHandler =>
  (o, name) => {
    o.count(3, 3, 'rt1, rt2, [xn]');
    const t1 = o.gpr(0, 'any', 'zr');
    const t2 = o.gpr(1, t1.x ? 'x' : 'w', 'zr');
    if (t1.n === t2.n) throw new AsmError(t2.range, `${name.toUpperCase()} with the same register twice is unpredictable`, 'unpredictable');
    const n = plainBase(o, 2);
    return ((t1.x ? 1 : 0) << 30) | 0x887f0000 | ((acquire ? 1 : 0) << 15) | (t2.n << 10) | (n << 5) | t1.n;
  };

/** STXP/STLXP: ws, rt1, rt2, [xn]. */
const storeExclusivePairHandler =
  (release: boolean): AsmHandler =>
  (o) => {
    o.count(4, 4, 'ws, rt1, rt2, [xn]');
    const s = o.gpr(0, 'w', 'zr');
    const t1 = o.gpr(1, 'any', 'zr');
    const t2 = o.gpr(2, t1.x ? 'x' : 'w', 'zr');
    const n = plainBase(o, 3);
    if (s.n === t1.n || s.n === t2.n || (s.n === n && n !== 31))
      throw new AsmError(s.range, `status register ${s.text.toLowerCase()} overlaps a data or base register (unpredictable)`, 'unpredictable');
    return ((t1.x ? 1 : 0) << 30) | 0x88200000 | (s.n << 16) | ((release ? 1 : 0) << 15) | (t2.n << 10) | (n << 5) | t1.n;
  };

/** PRFM/PRFUM: `prfm pldl1keep, [xn{, #imm}]`, `[xn, xm{, lsl #3}]`, a label, or `#prfop`. */
const prfmHandler: AsmHandler = (o, name) => {
  o.count(2, 2, 'prfop, [xn{, #imm}] | [xn, xm{, lsl #3}] | label');
  let prfop: number;
  const w = o.word(0);
  const m = /^(pld|pli|pst)l([123])(keep|strm)$/.exec(w);
  if (m) prfop = (['pld', 'pli', 'pst'].indexOf(m[1]) << 3) | ((Number(m[2]) - 1) << 1) | (m[3] === 'strm' ? 1 : 0);
  else if (w.startsWith('#')) prfop = o.immRange(0, 0, 31, 'prefetch operation');
  else throw new AsmError(o.range(0), `unknown prefetch operation '${o.text(0)}'; expected e.g. pldl1keep, pstl2strm, plil3keep or #imm5`, 'operand');
  // The register-form encodings of PRFM are the 64-bit LDR ones with opc=10.
  const unscaledOnly = name === 'prfum';
  if (!o.isMem(1)) {
    if (unscaledOnly) throw new AsmError(o.range(1), 'PRFUM needs a memory operand like [x1, #-8]', 'operand');
    const delta = BigInt.asIntN(64, o.address(1) - o.ctx.pc);
    if ((delta & 3n) !== 0n || delta < -(1n << 20n) || delta >= 1n << 20n) throw new AsmError(o.range(1), 'prefetch literal out of ±1 MB range or not 4-byte aligned', 'immediate-range');
    return 0xd8000000 | (Number(BigInt.asUintN(19, delta >> 2n)) << 5) | prfop;
  }
  const mem = o.mem(1);
  if (mem.writeback) throw new AsmError(o.range(1), `${name.toUpperCase()} has no writeback form`, 'syntax');
  const n = mem.base.n;
  if (mem.index) {
    if (unscaledOnly) throw new AsmError(mem.index.range, 'PRFUM has no register-offset form', 'operand');
    const mod = mem.modifier;
    const option = mod ? { uxtw: 2, lsl: 3, sxtw: 6, sxtx: 7 }[mod.op]! : 3;
    if (mem.index.x !== (option === 3 || option === 7)) throw new AsmError(mem.index.range, `index register width does not match ${mod?.op ?? 'lsl'}`, 'operand');
    if (mod?.amount !== undefined && mod.amount !== 0 && mod.amount !== 3) throw new AsmError(mod.amountRange ?? mod.range, 'shift must be #0 or #3 for PRFM', 'immediate-range');
    const s = mod?.amount === 3 ? 1 : 0;
    return (0xf8a00800 | (mem.index.n << 16) | (option << 13) | (s << 12) | (n << 5) | prfop) >>> 0;
  }
  const off = mem.offset;
  if (!unscaledOnly && off >= 0n && off % 8n === 0n && off <= 32760n) return (0xf9800000 | (Number(off / 8n) << 10) | (n << 5) | prfop) >>> 0;
  if (off >= -256n && off <= 255n) return (0xf8800000 | ((Number(off) & 0x1ff) << 12) | (n << 5) | prfop) >>> 0;
  throw new AsmError(mem.offsetRange ?? o.range(1), `offset ${fmt(off)} out of range for ${name.toUpperCase()}`, 'immediate-range');
};

// ---- FEAT_LSE atomics, CAS, LDAPR ----------------------------------------------------

const ATOMIC_NAMES = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin'];
const ORDERS: [string, number, number][] = [
  ['', 0, 0],
  ['a', 1, 0],
  ['l', 0, 1],
  ['al', 1, 1],
];
const SIZES: [string, number][] = [
  ['b', 0],
  ['h', 1],
  ['', -1],
];

/** Rs (and Rt) width: W for the b/h forms; for the full-size forms, the width written selects 32/64. */
function sizeFromReg(sizeBits: number, r: Reg): number {
  return sizeBits >= 0 ? sizeBits : r.x ? 3 : 2;
}

const atomicHandler =
  (opc: number, o3: number, acquire: number, release: number, sizeBits: number, store: boolean): AsmHandler =>
  (o) => {
    o.count(store ? 2 : 3, store ? 2 : 3, store ? 'rs, [xn]' : 'rs, rt, [xn]');
    const rs = o.gpr(0, sizeBits >= 0 ? 'w' : 'any', 'zr');
    const size = sizeFromReg(sizeBits, rs);
    const rt = store ? 31 : o.gpr(1, rs.x ? 'x' : 'w', 'zr').n;
    const n = plainBase(o, store ? 1 : 2);
    return ((size << 30) | 0x38200000 | (acquire << 23) | (release << 22) | (rs.n << 16) | (o3 << 15) | (opc << 12) | (n << 5) | rt) >>> 0;
  };

const casHandler =
  (acquire: number, release: number, sizeBits: number): AsmHandler =>
  (o) => {
    o.count(3, 3, 'rs, rt, [xn]');
    const rs = o.gpr(0, sizeBits >= 0 ? 'w' : 'any', 'zr');
    const size = sizeFromReg(sizeBits, rs);
    const rt = o.gpr(1, rs.x ? 'x' : 'w', 'zr');
    const n = plainBase(o, 2);
    return ((size << 30) | 0x08a07c00 | (acquire << 22) | (rs.n << 16) | (release << 15) | (n << 5) | rt.n) >>> 0;
  };

const ldaprHandler =
  (sizeBits: number): AsmHandler =>
  (o) => {
    o.count(2, 2, 'rt, [xn]');
    const rt = o.gpr(0, sizeBits >= 0 ? 'w' : 'any', 'zr');
    const n = plainBase(o, 1);
    return ((sizeFromReg(sizeBits, rt) << 30) | 0x38bfc000 | (n << 5) | rt.n) >>> 0;
  };

const ATOMIC_HANDLERS: Record<string, AsmHandler> = {};
for (const [sz, sizeBits] of SIZES) {
  ATOMIC_HANDLERS[`ldapr${sz}`] = ldaprHandler(sizeBits);
  for (const [ord, a, r] of ORDERS) {
    ATOMIC_NAMES.forEach((op, opc) => {
      ATOMIC_HANDLERS[`ld${op}${ord}${sz}`] = atomicHandler(opc, 0, a, r, sizeBits, false);
      // ST<op>{L}: LD<op> with Rt = XZR and no acquire semantics.
      if (a === 0) ATOMIC_HANDLERS[`st${op}${ord}${sz}`] = atomicHandler(opc, 0, 0, r, sizeBits, true);
    });
    ATOMIC_HANDLERS[`swp${ord}${sz}`] = atomicHandler(0, 1, a, r, sizeBits, false);
    ATOMIC_HANDLERS[`cas${ord}${sz}`] = casHandler(a, r, sizeBits);
  }
}

export const LOAD_STORE_HANDLERS: Record<string, AsmHandler> = {
  ...ATOMIC_HANDLERS,
  ...Object.fromEntries(['ldtr', 'ldtrb', 'ldtrh', 'ldtrsb', 'ldtrsh', 'ldtrsw', 'sttr', 'sttrb', 'sttrh'].map((m) => [m, unprivilegedHandler])),
  prfm: prfmHandler,
  prfum: prfmHandler,
  ldr: ldstHandler,
  str: ldstHandler,
  ldrb: ldstHandler,
  strb: ldstHandler,
  ldrh: ldstHandler,
  strh: ldstHandler,
  ldrsb: ldstHandler,
  ldrsh: ldstHandler,
  ldrsw: ldstHandler,
  ldur: ldstHandler,
  stur: ldstHandler,
  ldurb: ldstHandler,
  sturb: ldstHandler,
  ldurh: ldstHandler,
  sturh: ldstHandler,
  ldursb: ldstHandler,
  ldursh: ldstHandler,
  ldursw: ldstHandler,
  ldp: pairHandler,
  stp: pairHandler,
  ldpsw: pairHandler,
  ldnp: pairHandler,
  stnp: pairHandler,
  ldar: orderedHandler(true),
  ldarb: orderedHandler(true),
  ldarh: orderedHandler(true),
  stlr: orderedHandler(false),
  stlrb: orderedHandler(false),
  stlrh: orderedHandler(false),
  ldlar: orderedHandler(true, true),
  ldlarb: orderedHandler(true, true),
  ldlarh: orderedHandler(true, true),
  stllr: orderedHandler(false, true),
  stllrb: orderedHandler(false, true),
  stllrh: orderedHandler(false, true),
  ldxr: loadExclusiveHandler(false),
  ldxrb: loadExclusiveHandler(false),
  ldxrh: loadExclusiveHandler(false),
  ldaxr: loadExclusiveHandler(true),
  ldaxrb: loadExclusiveHandler(true),
  ldaxrh: loadExclusiveHandler(true),
  stxr: storeExclusiveHandler(false),
  stxrb: storeExclusiveHandler(false),
  stxrh: storeExclusiveHandler(false),
  stlxr: storeExclusiveHandler(true),
  stlxrb: storeExclusiveHandler(true),
  stlxrh: storeExclusiveHandler(true),
  ldxp: loadExclusivePairHandler(false),
  ldaxp: loadExclusivePairHandler(true),
  stxp: storeExclusivePairHandler(false),
  stlxp: storeExclusivePairHandler(true),
};
