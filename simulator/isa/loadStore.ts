/**
 * Loads and stores (Arm ARM C4.1.88 "Loads and Stores" encoding group):
 * LDR/STR of every size and signedness with unsigned-offset, unscaled,
 * pre/post-index, register-offset and literal addressing; LDP/STP/LDPSW/
 * LDNP/STNP; load-acquire/store-release (and LDAPR); exclusives with the PE's
 * local exclusive monitor (Arm ARM B2.9 "Synchronization and semaphores");
 * FEAT_LSE atomics (LD<op>/ST<op>, SWP, CAS); LDTR/STTR (unprivileged); PRFM/PRFUM as
 * architectural no-ops.
 *
 * Memory goes through `pe.load`/`pe.store` (MMU + memory system). Addresses
 * are computed on 32-bit halves so writeback is exact for any 64-bit base.
 */
import type { Pe } from '../pe/pe';
import { AccessType } from '../mmu/types';
import { MmuFault, toSyncException } from '../mmu/faults';
import { el2Enabled, isSecure } from '../mmu/regime';
import type { SyncException } from '../pe/exception';
import { hex } from '../util/hex';
import { R, TWO32, extend64, ExtendType } from './arith';
import { Decoded, field, imm, insn, reg, signExtend, target } from './format';

/** Base register (n=31 is SP) plus a signed offset; halves in R, returns the VA (pe.ts VA form). */
function ea(pe: Pe, n: number, offset: number): number {
  let lo = pe.loSp(n) + offset;
  let hi = pe.hiSp(n);
  if (lo < 0) {
    lo += TWO32;
    hi = (hi - 1) >>> 0;
  } else if (lo >= TWO32) {
    lo -= TWO32;
    hi = (hi + 1) >>> 0;
  }
  R.lo = lo;
  R.hi = hi;
  return (hi | 0) * TWO32 + lo;
}

/** Base + extended/shifted Xm (register offset), halves in R, returns the VA. */
function eaReg(pe: Pe, n: number, m: number, option: ExtendType, shift: number): number {
  extend64(option, pe.xlo[m], pe.xhi[m], shift);
  const lo = pe.loSp(n) + R.lo;
  const hi = (pe.hiSp(n) + R.hi + (lo >= TWO32 ? 1 : 0)) >>> 0;
  return (hi | 0) * TWO32 + (lo >>> 0);
}

const STORE_NAMES = ['strb', 'strh', 'str', 'str'];
const LOAD_NAMES = ['ldrb', 'ldrh', 'ldr', 'ldr'];
const LOAD_SIGNED_NAMES = ['ldrsb', 'ldrsh', 'ldrsw', ''];

/** What a single-register load/store does once the address is known. */
interface Transfer {
  name: string;
  size: number;
  /** Destination is 64-bit (X) rather than W. */
  x: boolean;
  load: boolean;
  signed: boolean;
}

function transferOf(sizeBits: number, opc: number): Transfer | undefined {
  const size = 1 << sizeBits;
  switch (opc) {
    case 0:
      return { name: STORE_NAMES[sizeBits], size, x: sizeBits === 3, load: false, signed: false };
    case 1:
      return { name: LOAD_NAMES[sizeBits], size, x: sizeBits === 3, load: true, signed: false };
    case 2:
      if (sizeBits === 3) return undefined; // PRFM / unallocated
      return { name: LOAD_SIGNED_NAMES[sizeBits], size, x: true, load: true, signed: true };
    default:
      if (sizeBits >= 2) return undefined;
      return { name: LOAD_SIGNED_NAMES[sizeBits], size, x: false, load: true, signed: true };
  }
}

/** Write a loaded value (pe.ldLo/ldHi) to Rt with the transfer's extension. */
function makeWriteback(tr: Transfer, t: number): (pe: Pe) => void {
  if (!tr.signed) return tr.x ? (pe) => pe.setX(t, pe.ldLo, pe.ldHi) : (pe) => pe.setW(t, pe.ldLo);
  const s = 32 - tr.size * 8;
  if (tr.size === 4) return (pe) => pe.setX(t, pe.ldLo, (pe.ldLo | 0) < 0 ? 0xffffffff : 0);
  return tr.x
    ? (pe) => {
        const v = (pe.ldLo << s) >> s;
        pe.setX(t, v >>> 0, v < 0 ? 0xffffffff : 0);
      }
    : (pe) => pe.setW(t, ((pe.ldLo << s) >> s) >>> 0);
}

/** Build the closure for a single-register access at `address(pe)`. */
function singleAccess(tr: Transfer, t: number, address: (pe: Pe) => number, writeback?: { n: number; post: boolean; offset: number }): (pe: Pe) => void {
  const size = tr.size;
  if (!writeback) {
    if (tr.load) {
      const wr = makeWriteback(tr, t);
      if (!tr.signed && tr.x) {
        return (pe) => {
          pe.load(address(pe), 8);
          pe.setX(t, pe.ldLo, pe.ldHi);
        };
      }
      return (pe) => {
        pe.load(address(pe), size);
        wr(pe);
      };
    }
    return (pe) => pe.store(address(pe), size, pe.xlo[t], pe.xhi[t]);
  }
  const { n, post, offset } = writeback;
  if (tr.load) {
    const wr = makeWriteback(tr, t);
    return (pe) => {
      const va = ea(pe, n, offset);
      const nlo = R.lo;
      const nhi = R.hi;
      pe.load(post ? pe.addr(n) : va, size);
      pe.setXSp(n, nlo, nhi);
      wr(pe);
    };
  }
  return (pe) => {
    const va = ea(pe, n, offset);
    const nlo = R.lo;
    const nhi = R.hi;
    // Store the register value read before the base update (matters when t == n, e.g. `str x1, [x1], #8`).
    pe.store(post ? pe.addr(n) : va, size, pe.xlo[t], pe.xhi[t]);
    pe.setXSp(n, nlo, nhi);
  };
}

function rtName(tr: Transfer, t: number): string {
  return reg(t, tr.x);
}

/** PRFM prefetch operation names (C6.2.212): type (pld/pli/pst), target (l1..l3), policy (keep/strm). */
export function prfopName(prfop: number): string {
  const type = prfop >> 3;
  const target = (prfop >> 1) & 3;
  if (type < 3 && target < 3) return `${['pld', 'pli', 'pst'][type]}l${target + 1}${prfop & 1 ? 'strm' : 'keep'}`;
  return imm(prfop);
}

/** PRFM/PRFUM: a prefetch hint never changes architectural state and never faults (C6.2.212). */
function prefetch(name: string, prfop: number, addrText: string): Decoded {
  return { mnemonic: name, text: insn(name, [prfopName(prfop), addrText]), exec: () => {} };
}

export function decodeLoadStore(w: number, pc: bigint): Decoded | undefined {
  if ((w >>> 26) & 1) return undefined; // SIMD&FP
  if ((w & 0x3f000000) === 0x08000000) return decodeExclusiveOrdered(w);
  if ((w & 0x3b000000) === 0x18000000) return decodeLiteral(w, pc);
  if ((w & 0x3a000000) === 0x28000000) return decodePair(w);
  if ((w & 0x3b000000) === 0x39000000) return decodeUnsignedOffset(w);
  if ((w & 0x3b000000) === 0x38000000) {
    if (((w >>> 21) & 1) === 0) return decodeImm9(w);
    if (field(w, 11, 10) === 2) return decodeRegisterOffset(w);
    if (field(w, 11, 10) === 0) return decodeAtomic(w);
  }
  return undefined;
}

/** LDR/STR (immediate, unsigned offset), C6.2.132 etc.: imm12 scaled by the access size. */
function decodeUnsignedOffset(w: number): Decoded | undefined {
  const sizeBits = w >>> 30;
  if (sizeBits === 3 && field(w, 23, 22) === 2) {
    const off = field(w, 21, 10) * 8;
    const base = reg(field(w, 9, 5), true, true);
    return prefetch('prfm', w & 31, off === 0 ? `[${base}]` : `[${base}, ${imm(off)}]`);
  }
  const tr = transferOf(sizeBits, field(w, 23, 22));
  if (!tr) return undefined;
  const offset = field(w, 21, 10) * tr.size;
  const n = field(w, 9, 5);
  const t = w & 31;
  const addrText = offset === 0 ? `[${reg(n, true, true)}]` : `[${reg(n, true, true)}, ${imm(offset)}]`;
  const address = offset === 0 ? (pe: Pe) => pe.addr(n) : (pe: Pe) => ea(pe, n, offset);
  return { mnemonic: tr.name, text: insn(tr.name, [rtName(tr, t), addrText]), exec: singleAccess(tr, t, address) };
}

/** LDUR/STUR (unscaled), and pre-/post-indexed LDR/STR: signed imm9. */
function decodeImm9(w: number): Decoded | undefined {
  const sizeBits = w >>> 30;
  if (sizeBits === 3 && field(w, 23, 22) === 2) {
    if (field(w, 11, 10) !== 0) return undefined;
    const off = signExtend(field(w, 20, 12), 9);
    const base = reg(field(w, 9, 5), true, true);
    return prefetch('prfum', w & 31, off === 0 ? `[${base}]` : `[${base}, ${imm(off)}]`);
  }
  const tr = transferOf(sizeBits, field(w, 23, 22));
  if (!tr) return undefined;
  const mode = field(w, 11, 10);
  const offset = signExtend(field(w, 20, 12), 9);
  const n = field(w, 9, 5);
  const t = w & 31;
  const base = reg(n, true, true);
  if (mode === 2) {
    const name = tr.name.replace(/^(ld|st)r/, '$1tr');
    const addrText = offset === 0 ? `[${base}]` : `[${base}, ${imm(offset)}]`;
    const size = tr.size;
    const wr = makeWriteback(tr, t);
    const exec = tr.load
      ? (pe: Pe) => {
          accessUnprivileged(pe, ea(pe, n, offset), size, false, 0, 0);
          wr(pe);
        }
      : (pe: Pe) => accessUnprivileged(pe, ea(pe, n, offset), size, true, pe.xlo[t], pe.xhi[t]);
    return { mnemonic: name, text: insn(name, [rtName(tr, t), addrText]), exec };
  }
  if (mode === 0) {
    const name = tr.name.replace(/^(ld|st)r/, '$1ur');
    const addrText = offset === 0 ? `[${base}]` : `[${base}, ${imm(offset)}]`;
    return { mnemonic: name, text: insn(name, [rtName(tr, t), addrText]), exec: singleAccess(tr, t, (pe) => ea(pe, n, offset)) };
  }
  const post = mode === 1;
  const addrText = post ? [`[${base}]`, imm(offset)] : [`[${base}, ${imm(offset)}]!`];
  return {
    mnemonic: tr.name,
    text: insn(tr.name, [rtName(tr, t), ...addrText]),
    exec: singleAccess(tr, t, () => 0, { n, post, offset }),
  };
}

/** PSTATE.UAO, kept in SPSR bit position in `pe.pstateOther` (pe.ts). */
const PSTATE_UAO = 1 << 23;

/**
 * Whether LDTR/STTR at the current EL access memory as EL0 (Arm ARM C6.2 LDTR, shared pseudocode
 * AArch64.CheckUnprivilegedAccess): at EL1 (FEAT_NV not modelled), and at EL2 when HCR_EL2.{E2H,TGE}
 * are both 1; never when PSTATE.UAO is 1, nor at EL0 (already unprivileged) or EL3.
 */
function unprivilegedAccess(pe: Pe): boolean {
  if ((pe.pstateOther & PSTATE_UAO) !== 0) return false;
  if (pe.el === 1) return true;
  if (pe.el === 2) return (pe.readSysreg('HCR_EL2') & ((1n << 34n) | (1n << 27n))) === ((1n << 34n) | (1n << 27n));
  return false;
}

/**
 * An LDTR/STTR access: translated with EL0 permissions in the current regime (the MMU derives the
 * regime and privilege from `pe.el`, so the access is translated as at EL0), then performed. A fault
 * is still taken from the current EL, so a Data Abort routed to it is "same EL" (EC 0x25).
 */
function accessUnprivileged(pe: Pe, va: number, size: number, write: boolean, lo: number, hi: number): void {
  if (!unprivilegedAccess(pe)) {
    if (write) pe.store(va, size, lo, hi);
    else pe.load(va, size);
    return;
  }
  const el = pe.el;
  pe.el = 0;
  try {
    pe.env.mmu.translate(pe, va, size, write ? AccessType.Write : AccessType.Read);
  } catch (e) {
    pe.el = el;
    const x = e as SyncException;
    if (x && x.ec === 0x24 && x.targetEl !== undefined && x.targetEl <= el) x.ec = 0x25;
    throw e;
  }
  pe.el = el;
  if (write) {
    pe.env.memory.write(pe, pe.tPa, size, lo, hi, pe.tAttrs);
    const obs = pe.sys.observeStore;
    if (obs !== undefined) obs.call(pe.sys, pe, pe.tPa, size);
  } else pe.env.memory.read(pe, pe.tPa, size, pe.tAttrs);
}

/** LDR/STR (register offset): [Xn, Xm{, LSL #s}] / [Xn, Wm, UXTW|SXTW {#s}] / SXTX. */
function decodeRegisterOffset(w: number): Decoded | undefined {
  const sizeBits = w >>> 30;
  const option = field(w, 15, 13) as ExtendType;
  if ((option & 2) === 0) return undefined;
  const sbit = (w >>> 12) & 1;
  const shift = sbit ? sizeBits : 0;
  const m = field(w, 20, 16);
  const n = field(w, 9, 5);
  const t = w & 31;
  const mX = (option & 1) === 1;
  let ext: string;
  if (option === ExtendType.UXTX) ext = sbit ? `, lsl #${shift}` : '';
  else ext = sbit ? `, ${['', '', 'uxtw', 'lsl', '', '', 'sxtw', 'sxtx'][option]} #${shift}` : `, ${['', '', 'uxtw', 'lsl', '', '', 'sxtw', 'sxtx'][option]}`;
  const addrText = `[${reg(n, true, true)}, ${reg(m, mX)}${ext}]`;
  if (sizeBits === 3 && field(w, 23, 22) === 2) return prefetch('prfm', t, addrText);
  const tr = transferOf(sizeBits, field(w, 23, 22));
  if (!tr) return undefined;
  return {
    mnemonic: tr.name,
    text: insn(tr.name, [rtName(tr, t), addrText]),
    exec: singleAccess(tr, t, (pe) => eaReg(pe, n, m, option, shift)),
  };
}

/** LDR (literal) / LDRSW (literal), C6.2.133: PC-relative imm19 × 4. */
function decodeLiteral(w: number, pc: bigint): Decoded | undefined {
  const opc = w >>> 30;
  const offset = signExtend(field(w, 23, 5), 19) * 4;
  const t = w & 31;
  if (opc === 3) return prefetch('prfm', t, target(pc, offset));
  const tr: Transfer =
    opc === 2 ? { name: 'ldrsw', size: 4, x: true, load: true, signed: true } : { name: 'ldr', size: opc === 1 ? 8 : 4, x: opc === 1, load: true, signed: false };
  return { mnemonic: tr.name, text: insn(tr.name, [rtName(tr, t), target(pc, offset)]), exec: singleAccess(tr, t, (pe) => pe.pc + offset) };
}

/** LDP/STP/LDPSW/LDNP/STNP (C6.2.129 etc.): imm7 scaled by the register size. */
function decodePair(w: number): Decoded | undefined {
  const opc = w >>> 30;
  const mode = field(w, 24, 23);
  const load = ((w >>> 22) & 1) === 1;
  if (opc === 3) return undefined;
  if (opc === 1 && (!load || mode === 0)) return undefined; // STGP / unallocated
  const x = opc === 2;
  const signedWord = opc === 1;
  const size = x ? 8 : 4;
  const offset = signExtend(field(w, 21, 15), 7) * size;
  const t2 = field(w, 14, 10);
  const n = field(w, 9, 5);
  const t = w & 31;
  const name = mode === 0 ? (load ? 'ldnp' : 'stnp') : signedWord ? 'ldpsw' : load ? 'ldp' : 'stp';
  const base = reg(n, true, true);
  const rx = x || signedWord;
  const addrText =
    mode === 1 ? [`[${base}]`, imm(offset)] : mode === 3 ? [`[${base}, ${imm(offset)}]!`] : [offset === 0 ? `[${base}]` : `[${base}, ${imm(offset)}]`];
  const text = insn(name, [reg(t, rx), reg(t2, rx), ...addrText]);
  const writeback = mode === 1 || mode === 3;
  const post = mode === 1;
  const setReg = (pe: Pe, r: number, lo: number, hi: number): void => {
    if (signedWord) pe.setX(r, lo, (lo | 0) < 0 ? 0xffffffff : 0);
    else if (x) pe.setX(r, lo, hi);
    else pe.setW(r, lo);
  };
  const exec = (pe: Pe): void => {
    const va = ea(pe, n, offset);
    const nlo = R.lo;
    const nhi = R.hi;
    const a = post ? pe.addr(n) : va;
    if (load) {
      pe.load(a, size);
      const lo1 = pe.ldLo;
      const hi1 = pe.ldHi;
      pe.load(a + size, size);
      if (writeback) pe.setXSp(n, nlo, nhi);
      setReg(pe, t, lo1, hi1);
      setReg(pe, t2, pe.ldLo, pe.ldHi);
    } else {
      const lo1 = pe.xlo[t];
      const hi1 = pe.xhi[t];
      const lo2 = pe.xlo[t2];
      const hi2 = pe.xhi[t2];
      pe.store(a, size, lo1, hi1);
      pe.store(a + size, size, lo2, hi2);
      if (writeback) pe.setXSp(n, nlo, nhi);
    }
  };
  return { mnemonic: name, text, exec };
}

const SIZE_SUFFIX = ['b', 'h', '', ''];

/**
 * Exclusive and load-acquire/store-release accesses must be aligned to their (total) size
 * whatever SCTLR_ELx.A says (Arm ARM B2.5.2 "Alignment of data accesses"; no FEAT_LSE2).
 * The Alignment fault is a stage-1 Data Abort (DFSC 0b100001) routed like other stage-1
 * faults: to EL1 from EL0/EL1 (EL2 from EL0 when HCR_EL2.TGE=1), else to the current EL.
 * It is checked before translation, as in the pseudocode (CheckAlignment precedes the walk).
 */
function alignmentFault(pe: Pe, va: number, size: number, write: boolean): SyncException {
  const el = pe.el;
  let target: number = el === 0 ? 1 : el;
  if (el === 0 && el2Enabled(pe, isSecure(pe)) && ((pe.readSysreg('HCR_EL2') >> 27n) & 1n) === 1n) target = 2;
  const f = new MmuFault('alignment', 1, -1, false, undefined, `alignment fault: ${size}-byte exclusive or acquire/release access to ${hex(va)}`);
  return toSyncException(f, el, target, va, write ? AccessType.Write : AccessType.Read);
}

/**
 * Load/store exclusive and load-acquire/store-release (C6.2 "Load/store exclusive" and
 * "Load/store ordered"). The PE executes in program order, so acquire/release ordering
 * holds by construction; the local monitor follows Arm ARM B2.9.2 (an exclusive store
 * succeeds only when the monitor holds the same PA and size, and always clears it).
 */
function decodeExclusiveOrdered(w: number): Decoded | undefined {
  const sizeBits = w >>> 30;
  const o2 = (w >>> 23) & 1;
  const load = ((w >>> 22) & 1) === 1;
  const o1 = (w >>> 21) & 1;
  const s = field(w, 20, 16);
  const o0 = (w >>> 15) & 1;
  const t2 = field(w, 14, 10);
  const n = field(w, 9, 5);
  const t = w & 31;
  const size = 1 << sizeBits;
  const x = sizeBits === 3;
  const base = `[${reg(n, true, true)}]`;
  const suffix = SIZE_SUFFIX[sizeBits];

  // Rs/Rt2 fields an exclusive does not use are "should be one" (SBO): like objdump we ignore their value.
  // For the ordered forms (o2 = 1) later architecture versions allocate other Rs/Rt2 values, so those stay
  // strict (UNDEFINED), as objdump also treats them.
  if (o2 === 1 && o1 === 1) {
    if (t2 !== 31) return undefined;
    return decodeCompareAndSwap(sizeBits, load, o0 === 1, s, n, t);
  }
  if (o2 === 1) {
    // LDAR/STLR, and LDLAR/STLLR (FEAT_LOR): LORegions are not modelled, so the limited-ordering
    // forms behave as the acquire/release ones (stronger, which is always allowed).
    if (s !== 31 || t2 !== 31) return undefined;
    const name = (load ? (o0 ? 'ldar' : 'ldlar') : o0 ? 'stlr' : 'stllr') + suffix;
    const mask = size - 1;
    const exec = load
      ? (pe: Pe) => {
          const va = pe.addr(n);
          if ((va & mask) !== 0) throw alignmentFault(pe, va, size, false);
          pe.load(va, size);
          if (x) pe.setX(t, pe.ldLo, pe.ldHi);
          else pe.setW(t, pe.ldLo);
        }
      : (pe: Pe) => {
          const va = pe.addr(n);
          if ((va & mask) !== 0) throw alignmentFault(pe, va, size, true);
          pe.store(va, size, pe.xlo[t], pe.xhi[t]);
        };
    return { mnemonic: name, text: insn(name, [reg(t, x), base]), exec };
  }

  const pair = o1 === 1;
  if (pair && sizeBits < 2) return undefined; // CASP
  const acqrel = o0 === 1;
  if (load) {
    const mn = pair ? (acqrel ? 'ldaxp' : 'ldxp') : (acqrel ? 'ldaxr' : 'ldxr') + suffix;
    const total = pair ? size * 2 : size;
    const exec = pair
      ? (pe: Pe) => {
          const va = pe.addr(n);
          if ((va & (total - 1)) !== 0) throw alignmentFault(pe, va, total, false);
          pe.load(va, size);
          const pa = pe.tPa;
          const lo1 = pe.ldLo;
          const hi1 = pe.ldHi;
          pe.load(va + size, size);
          pe.exclusivePa = pa;
          pe.exclusiveSize = size * 2;
          if (x) {
            pe.setX(t, lo1, hi1);
            pe.setX(t2, pe.ldLo, pe.ldHi);
          } else {
            pe.setW(t, lo1);
            pe.setW(t2, pe.ldLo);
          }
        }
      : (pe: Pe) => {
          const va = pe.addr(n);
          if ((va & (size - 1)) !== 0) throw alignmentFault(pe, va, size, false);
          pe.load(va, size);
          pe.exclusivePa = pe.tPa;
          pe.exclusiveSize = size;
          if (x) pe.setX(t, pe.ldLo, pe.ldHi);
          else pe.setW(t, pe.ldLo);
        };
    return { mnemonic: mn, text: insn(mn, pair ? [reg(t, x), reg(t2, x), base] : [reg(t, x), base]), exec };
  }
  const mn = pair ? (acqrel ? 'stlxp' : 'stxp') : (acqrel ? 'stlxr' : 'stxr') + suffix;
  const total = pair ? size * 2 : size;
  const exec = (pe: Pe): void => {
    const va = pe.addr(n);
    if ((va & (total - 1)) !== 0) throw alignmentFault(pe, va, total, true);
    // Translate first: a faulting exclusive store takes its abort whether or not the monitor matches.
    pe.env.mmu.translate(pe, va, total, AccessType.Write);
    const ok = pe.exclusivePa === pe.tPa && pe.exclusiveSize === total;
    // Read the data registers before the status write (Ws may equal Rt: CONSTRAINED UNPREDICTABLE, we store the old value).
    const lo1 = pe.xlo[t];
    const hi1 = pe.xhi[t];
    const lo2 = pe.xlo[t2];
    const hi2 = pe.xhi[t2];
    pe.exclusivePa = -1;
    if (ok) {
      pe.store(va, size, lo1, hi1);
      if (pair) pe.store(va + size, size, lo2, hi2);
    }
    pe.setW(s, ok ? 0 : 1);
  };
  return { mnemonic: mn, text: insn(mn, pair ? [reg(s, false), reg(t, x), reg(t2, x), base] : [reg(s, false), reg(t, x), base]), exec };
}

/** Effective address of `[Xn|SP, #offset]` for a PE (views and tools; the same arithmetic as the closures). */
export function effectiveAddress(pe: Pe, n: number, offset: number): number {
  return ea(pe, n, offset);
}

// ---- FEAT_LSE atomics (Arm ARM C6.2 LDADD…LDUMIN, SWP, CAS) and FEAT_LRCPC LDAPR -------------

const ATOMIC_OPS = ['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin'] as const;

/** Ordering suffix from the A (acquire) and R (release) bits. */
function orderSuffix(acquire: boolean, release: boolean): string {
  return (acquire ? 'a' : '') + (release ? 'l' : '');
}

/**
 * new = old OP operand at the access size (result in R). Signed/unsigned max/min compare the
 * values sign-/zero-extended from the access size, as the pseudocode's MemAtomicOp does.
 */
function atomicOp(op: number, size: number, olo: number, ohi: number, vlo: number, vhi: number): void {
  switch (op) {
    case 0: {
      const lo = (olo >>> 0) + (vlo >>> 0);
      R.lo = lo >>> 0;
      R.hi = (ohi + vhi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
      return;
    }
    case 1:
      R.lo = (olo & ~vlo) >>> 0;
      R.hi = (ohi & ~vhi) >>> 0;
      return;
    case 2:
      R.lo = (olo ^ vlo) >>> 0;
      R.hi = (ohi ^ vhi) >>> 0;
      return;
    case 3:
      R.lo = (olo | vlo) >>> 0;
      R.hi = (ohi | vhi) >>> 0;
      return;
    default: {
      const signed = op === 4 || op === 5;
      const max = op === 4 || op === 6;
      let cmp: number; // sign of (old - operand)
      if (size === 8) {
        const oh = signed ? ohi | 0 : ohi >>> 0;
        const vh = signed ? vhi | 0 : vhi >>> 0;
        cmp = oh !== vh ? (oh < vh ? -1 : 1) : olo >>> 0 === vlo >>> 0 ? 0 : olo >>> 0 < vlo >>> 0 ? -1 : 1;
      } else {
        const sh = 32 - size * 8;
        const o = signed ? (olo << sh) >> sh : (olo << sh) >>> sh;
        const v = signed ? (vlo << sh) >> sh : (vlo << sh) >>> sh;
        cmp = o === v ? 0 : o < v ? -1 : 1;
      }
      const keepOld = max ? cmp >= 0 : cmp <= 0;
      R.lo = (keepOld ? olo : vlo) >>> 0;
      R.hi = (keepOld ? ohi : vhi) >>> 0;
    }
  }
}

/** Atomic memory operations: LD<op>, ST<op> (Rt = XZR, no acquire), SWP, LDAPR. */
function decodeAtomic(w: number): Decoded | undefined {
  const sizeBits = w >>> 30;
  const acquire = ((w >>> 23) & 1) === 1;
  const release = ((w >>> 22) & 1) === 1;
  const s = field(w, 20, 16);
  const o3 = (w >>> 15) & 1;
  const opc = field(w, 14, 12);
  const n = field(w, 9, 5);
  const t = w & 31;
  const size = 1 << sizeBits;
  const x = sizeBits === 3;
  const suffix = SIZE_SUFFIX[sizeBits];
  const base = `[${reg(n, true, true)}]`;
  if (o3 === 1) {
    if (opc === 4 && acquire && !release && s === 31) {
      // LDAPR: load-acquire RCpc; ordering is trivially satisfied by the in-order PE.
      const name = 'ldapr' + suffix;
      return {
        mnemonic: name,
        text: insn(name, [reg(t, x), base]),
        exec: (pe) => {
          const va = pe.addr(n);
          if ((va & (size - 1)) !== 0) throw alignmentFault(pe, va, size, false);
          pe.load(va, size);
          pe.setX(t, pe.ldLo, x ? pe.ldHi : 0);
        },
      };
    }
    if (opc !== 0) return undefined;
    const name = 'swp' + orderSuffix(acquire, release) + suffix;
    return {
      mnemonic: name,
      text: insn(name, [reg(s, x), reg(t, x), base]),
      exec: (pe) => {
        const va = pe.addr(n);
        if ((va & (size - 1)) !== 0) throw alignmentFault(pe, va, size, true);
        const vlo = pe.xlo[s];
        const vhi = pe.xhi[s];
        pe.load(va, size);
        const olo = pe.ldLo;
        const ohi = pe.ldHi;
        pe.store(va, size, vlo, vhi);
        pe.setX(t, olo, x ? ohi : 0);
      },
    };
  }
  const op = opc;
  const alias = t === 31 && !acquire;
  const name = alias ? ATOMIC_OPS[op].replace(/^ld/, 'st') + (release ? 'l' : '') + suffix : ATOMIC_OPS[op] + orderSuffix(acquire, release) + suffix;
  return {
    mnemonic: name,
    text: insn(name, alias ? [reg(s, x), base] : [reg(s, x), reg(t, x), base]),
    exec: (pe) => {
      const va = pe.addr(n);
      if ((va & (size - 1)) !== 0) throw alignmentFault(pe, va, size, true);
      const vlo = pe.xlo[s];
      const vhi = x ? pe.xhi[s] : 0;
      pe.load(va, size);
      const olo = pe.ldLo;
      const ohi = pe.ldHi;
      atomicOp(op, size, olo, ohi, vlo, vhi);
      pe.store(va, size, R.lo, R.hi);
      pe.setX(t, olo, x ? ohi : 0);
    },
  };
}

/** CAS/CASA/CASL/CASAL (+B/H): Rs holds the compare value and receives the old value. */
function decodeCompareAndSwap(sizeBits: number, acquire: boolean, release: boolean, s: number, n: number, t: number): Decoded {
  const size = 1 << sizeBits;
  const x = sizeBits === 3;
  const mask = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
  const name = 'cas' + orderSuffix(acquire, release) + SIZE_SUFFIX[sizeBits];
  return {
    mnemonic: name,
    text: insn(name, [reg(s, x), reg(t, x), `[${reg(n, true, true)}]`]),
    exec: (pe) => {
      const va = pe.addr(n);
      if ((va & (size - 1)) !== 0) throw alignmentFault(pe, va, size, true);
      const clo = pe.xlo[s];
      const chi = pe.xhi[s];
      const nlo = pe.xlo[t];
      const nhi = pe.xhi[t];
      pe.load(va, size);
      const olo = pe.ldLo;
      const ohi = pe.ldHi;
      const equal = x ? olo === clo && ohi === chi : olo === ((clo & mask) >>> 0);
      if (equal) pe.store(va, size, nlo, nhi);
      pe.setX(s, olo, x ? ohi : 0);
    },
  };
}
