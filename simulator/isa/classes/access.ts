/**
 * Shared semantics of the load/store classes: effective addresses on 32-bit
 * halves (so writeback is exact for any 64-bit base), single-register transfers
 * with their extension, unprivileged (LDTR/STTR) accesses, the alignment check of
 * exclusive and acquire/release accesses, and the instruction syndrome a stage-2
 * Data Abort reports.
 *
 * Memory goes through `pe.load`/`pe.store` (MMU + memory system).
 */
import { HCR_EL2, SPSR } from '../../arch/registers/fields';
import type { Pe } from '../../pe/pe';
import { AccessType } from '../../mmu/types';
import { MmuFault, toSyncException } from '../../mmu/faults';
import { el2Enabled, isSecure } from '../../mmu/regime';
import type { SyncException } from '../../pe/exception';
import { hex } from '../../util/hex';
import { R, TWO32, extend64, ExtendType } from '../arith';
import type { Exec } from '../decodetree/types';

/** Base register (n=31 is SP) plus a signed offset; halves in R, returns the VA (pe.ts VA form). */
export function ea(pe: Pe, n: number, offset: number): number {
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

/** Base + extended/shifted Xm (register offset), returns the VA. */
export function eaReg(pe: Pe, n: number, m: number, option: ExtendType, shift: number): number {
  extend64(option, pe.xlo[m], pe.xhi[m], shift);
  const lo = pe.loSp(n) + R.lo;
  const hi = (pe.hiSp(n) + R.hi + (lo >= TWO32 ? 1 : 0)) >>> 0;
  return (hi | 0) * TWO32 + (lo >>> 0);
}

/** What a single-register load/store does once the address is known. */
export interface Transfer {
  size: number;
  /** Transfer register is 64-bit (X) rather than W. */
  x: boolean;
  load: boolean;
  signed: boolean;
}

/** The transfer of the LDR/STR size:opc fields (C4.1.88 "Load/store register"); undefined when unallocated or PRFM. */
export function transferOf(sizeBits: number, opc: number): Transfer | undefined {
  const size = 1 << sizeBits;
  switch (opc) {
    case 0:
      return { size, x: sizeBits === 3, load: false, signed: false };
    case 1:
      return { size, x: sizeBits === 3, load: true, signed: false };
    case 2:
      return sizeBits === 3 ? undefined : { size, x: true, load: true, signed: true };
    default:
      return sizeBits >= 2 ? undefined : { size, x: false, load: true, signed: true };
  }
}

/** Write a loaded value (pe.ldLo/ldHi) to Rt with the transfer's extension. */
export function loadedValue(tr: Transfer, t: number): Exec {
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

/**
 * Xn + (Xm LSL #shift) on 32-bit halves, Xn not SP, Xm a whole X register (option LSL/UXTX or SXTX:
 * no extension, Arm ARM C6.2.x LDR (register) "ExtendReg"); Xm = XZR (m = 31, never written) gives
 * the base register alone. Returns the VA (pe.ts VA form).
 */
export function eaIndexed(pe: Pe, n: number, m: number, shift: number): number {
  const mlo = pe.xlo[m];
  const mhi = pe.xhi[m];
  const lo = pe.xlo[n] + ((mlo << shift) >>> 0);
  const hi = pe.xhi[n] + (shift === 0 ? mhi : ((mhi << shift) | (mlo >>> (32 - shift))) >>> 0) + (lo > 0xffffffff ? 1 : 0);
  return (hi | 0) * TWO32 + (lo >>> 0);
}

/**
 * A single-register access at Xn + (Xm LSL #shift) (`m` = 31: at the address in Xn, the commonest
 * form, whose address is written out so that no call returns it: a returned VA above 2^31 is a heap
 * number V8 allocates when the call is not inlined): the closure computes the address and writes the
 * result inline, the hot path of loops over memory. Undefined when another form must be used (SP
 * base, XZR transfer, sign extension).
 */
function indexedAccess(tr: Transfer, t: number, n: number, m: number, shift: number): Exec | undefined {
  if (n === 31 || t === 31 || tr.signed) return undefined;
  const size = tr.size;
  const base = m === 31;
  // The VA goes through `pe.va` (pe.ts: no heap number per access).
  if (!tr.load) {
    return (pe) => {
      pe.va = base ? (pe.xhi[n] | 0) * TWO32 + pe.xlo[n] : eaIndexed(pe, n, m, shift);
      pe.storeRegister(size, t);
    };
  }
  if (tr.x) {
    return (pe) => {
      pe.va = base ? (pe.xhi[n] | 0) * TWO32 + pe.xlo[n] : eaIndexed(pe, n, m, shift);
      pe.loadAt(8);
      pe.xlo[t] = pe.ldLo;
      pe.xhi[t] = pe.ldHi;
    };
  }
  return (pe) => {
    pe.va = base ? (pe.xhi[n] | 0) * TWO32 + pe.xlo[n] : eaIndexed(pe, n, m, shift);
    pe.loadAt(size);
    pe.xlo[t] = pe.ldLo;
    pe.xhi[t] = 0;
  };
}

/** A single-register access at the address in Xn (offset 0). */
export function baseRegisterAccess(tr: Transfer, t: number, n: number): Exec {
  return indexedAccess(tr, t, n, 31, 0) ?? singleAccess(tr, t, (pe) => pe.addr(n));
}

/** A single-register access at Xn + Xm extended by `option` and shifted by `shift` (register offset). */
export function registerOffsetAccess(tr: Transfer, t: number, n: number, m: number, option: ExtendType, shift: number): Exec {
  const whole = option === ExtendType.UXTX || option === ExtendType.SXTX;
  return (whole ? indexedAccess(tr, t, n, m, shift) : undefined) ?? singleAccess(tr, t, (pe) => eaReg(pe, n, m, option, shift));
}

/** A single-register access at `address(pe)`, or with writeback of base `n` (pre- or post-index). */
export function singleAccess(tr: Transfer, t: number, address: (pe: Pe) => number, writeback?: { n: number; post: boolean; offset: number }): Exec {
  const size = tr.size;
  if (!writeback) {
    if (tr.load) {
      const wr = loadedValue(tr, t);
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
    const wr = loadedValue(tr, t);
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

/** PSTATE.UAO, kept in SPSR bit position in `pe.pstateOther` (pe.ts). */
const PSTATE_UAO = SPSR.UAO.lo;

/**
 * Whether LDTR/STTR at the current EL access memory as EL0 (Arm ARM C6.2 LDTR, shared pseudocode
 * AArch64.CheckUnprivilegedAccess): at EL1 (FEAT_NV not modelled), and at EL2 when HCR_EL2.{E2H,TGE}
 * are both 1; never when PSTATE.UAO is 1, nor at EL0 (already unprivileged) or EL3.
 */
function unprivilegedAccess(pe: Pe): boolean {
  if ((pe.pstateOther & PSTATE_UAO) !== 0) return false;
  if (pe.el === 1) return true;
  if (pe.el === 2) {
    const hcr = pe.readSysreg('HCR_EL2');
    return HCR_EL2.E2H.isSet(hcr) && HCR_EL2.TGE.isSet(hcr);
  }
  return false;
}

/**
 * An LDTR/STTR access: translated with EL0 permissions in the current regime (the MMU derives the
 * regime and privilege from `pe.el`, so the access is translated as at EL0), then performed. A fault
 * is still taken from the current EL, so a Data Abort routed to it is "same EL" (EC 0x25).
 */
export function accessUnprivileged(pe: Pe, va: number, size: number, write: boolean, lo: number, hi: number): void {
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
    if (pe.sys.observeStore !== undefined) pe.sys.observeStore(pe, pe.tPa, size);
  } else pe.env.memory.read(pe, pe.tPa, size, pe.tAttrs);
}

/**
 * Exclusive and load-acquire/store-release accesses must be aligned to their (total) size
 * whatever SCTLR_ELx.A says (Arm ARM B2.5.2 "Alignment of data accesses"; no FEAT_LSE2).
 * The Alignment fault is a stage-1 Data Abort (DFSC 0b100001) routed like other stage-1
 * faults: to EL1 from EL0/EL1 (EL2 from EL0 when HCR_EL2.TGE=1), else to the current EL.
 * It is checked before translation, as in the pseudocode (CheckAlignment precedes the walk).
 */
export function alignmentFault(pe: Pe, va: number, size: number, write: boolean): SyncException {
  const el = pe.el;
  let target: number = el === 0 ? 1 : el;
  if (el === 0 && el2Enabled(pe, isSecure(pe)) && HCR_EL2.TGE.isSet(pe.readSysreg('HCR_EL2'))) target = 2;
  const f = new MmuFault('alignment', 1, -1, false, undefined, `alignment fault: ${size}-byte exclusive or acquire/release access to ${hex(va)}`);
  return toSyncException(f, el, target, va, write ? AccessType.Write : AccessType.Read);
}

/** Xn|SP as the address of an access that must be aligned to its `size` (exclusive, acquire/release, atomic), or the Alignment fault. */
export function alignedAddress(pe: Pe, n: number, size: number, write: boolean): number {
  const va = pe.addr(n);
  if ((va & (size - 1)) !== 0) throw alignmentFault(pe, va, size, write);
  return va;
}

/**
 * ESR_ELx ISS bits [24:14] of a Data Abort for an instruction that reports its syndrome
 * (Arm ARM D24.2 ESR_EL2, "ISS encoding for an exception from a Data Abort"): ISV=1,
 * SAS = log2 of the access size, SSE = the load sign-extends, SRT = the transfer register
 * (31 included), SF = the register is 64-bit, AR = acquire/release semantics.
 */
export function instructionSyndrome(sizeBits: number, signExtend: boolean, rt: number, sf: boolean, acquireRelease: boolean): number {
  return ((1 << 24) | (sizeBits << 22) | ((signExtend ? 1 : 0) << 21) | (rt << 16) | ((sf ? 1 : 0) << 15) | ((acquireRelease ? 1 : 0) << 14)) >>> 0;
}

/** The syndrome of a single-register LDR/STR (size:opc fields): SSE for the signed loads, SF by the register width. */
export function transferSyndrome(sizeBits: number, opc: number, rt: number): number {
  const tr = transferOf(sizeBits, opc)!;
  return instructionSyndrome(sizeBits, tr.signed, rt, tr.x, false);
}
