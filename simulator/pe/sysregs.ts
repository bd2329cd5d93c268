/**
 * MRS/MSR semantics (Arm ARM C5.2/C5.3, D1.11 "Configurable instruction
 * controls", D5.11 "Virtualization Host Extensions"), driven by THE register
 * table (simulator/arch/registers): existence, lowest accessible EL,
 * read-only/write-only, RES0/RES1, the HCR_EL2.TVM/TRVM trap group and the VHE
 * redirections/aliases all come from there. This file holds the rules that
 * apply them, in the order the architecture checks them:
 *   1. no such register → UNDEFINED (EC 0x00);
 *   2. _EL12/_EL02 without EL2 & HCR_EL2.E2H=1 → UNDEFINED;
 *   3. current EL below the register's lowest EL, EL not implemented,
 *      Secure-only register in Non-secure state, wrong direction → UNDEFINED;
 *   4. EL0 controls in SCTLR_EL1 (UCT, UMA) → trap to EL1 (EC 0x18);
 *   5. EL2 traps from EL1 (HCR_EL2.TVM/TRVM, TID3, TACR, TIDCP) → EC 0x18 to EL2;
 *   6. VHE: at EL2 with E2H=1, _EL1 names reach the _EL2 register.
 */
import { compose, CURRENT_EL, HCR_EL2, ISS_SYSREG, SCTLR_EL1, SPSEL, SPSR } from '../arch/registers/fields';
import { findRegister, findRegisterByEncoding, layoutOf, type RegisterDef } from '../arch/registers';
import { reservedMasks } from '../arch/registers/define';
import { VHE_REDIRECTS } from '../arch/registers/aliases';
import { e2h, el2Enabled, isSecure, lowWord, refreshConfig, tge } from './config';
import { EC, SyncException } from './exception';
import type { Pe } from './pe';
import type { SysregRef } from './systemOps';

/** Custom behaviour for a register whose value is not plain storage (PSTATE views, counters, GIC CPU interface…). */
export interface SysregHandler {
  read?(pe: Pe): bigint;
  write?(pe: Pe, value: bigint): void;
}

/** What an MRS/MSR operand resolves to, cached per SysregRef (resolution is pure table lookup). */
interface Resolved {
  def: RegisterDef | undefined;
  /** Encoding bits of the EC 0x18 ISS (Op0:[21:20] Op2:[19:17] Op1:[16:14] CRn:[13:10] CRm:[4:1]); Rt and Direction added per access. */
  issEncoding: number;
  /** HCR_EL2.TID3 group (ID registers: op0=3, op1=0, CRn=0, CRm=1..7; Arm ARM D24.2 HCR_EL2.TID3). */
  idGroup3: boolean;
}

const GENERIC_NAME = /^S[0-3]_[0-7]_C\d+_C\d+_[0-7]$/;
const resolvedCache = new WeakMap<SysregRef, Resolved>();

/** The EC 0x18 ISS for a system register/instruction access (Arm ARM D24.2.49, ISS encoding for EC 0x18). */
export function sysregIss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return Number(compose(ISS_SYSREG, { Op0: op0, Op2: op2, Op1: op1, CRn: crn, Rt: rt, CRm: crm, Direction: read }));
}

/** IMPLEMENTATION DEFINED register space (op0=3, CRn=11 or 15: Arm ARM D18.3 "Reserved encodings for IMPLEMENTATION DEFINED registers"). */
function isImpdefSpace(op0: number, crn: number): boolean {
  return op0 === 3 && (crn === 11 || crn === 15);
}

function resolve(ref: SysregRef): Resolved {
  let r = resolvedCache.get(ref);
  if (r !== undefined) return r;
  let def = findRegisterByEncoding(ref.op0, ref.op1, ref.crn, ref.crm, ref.op2) ?? findRegister(ref.name);
  // A generic S<op0>_<op1>_C<n>_C<m>_<op2> name the table does not know is UNDEFINED, except in the IMPLEMENTATION DEFINED space.
  if (def !== undefined && GENERIC_NAME.test(def.name) && !isImpdefSpace(ref.op0, ref.crn)) def = undefined;
  r = {
    def,
    issEncoding: sysregIss(ref.op0, ref.op1, ref.crn, ref.crm, ref.op2, 0, false),
    idGroup3: ref.op0 === 3 && ref.op1 === 0 && ref.crn === 0 && ref.crm >= 1 && ref.crm <= 7,
  };
  resolvedCache.set(ref, r);
  return r;
}

function undefinedAccess(pe: Pe, what: string, why: string): SyncException {
  return new SyncException(EC.UNKNOWN, 0, { kind: 'undefined', reason: `${what} at EL${pe.el} is UNDEFINED: ${why}` });
}

function trapToEl2(iss: number, reason: string): SyncException {
  return new SyncException(EC.SYSREG, iss, { targetEl: 2, reason });
}

/** The SCTLR that controls EL0: SCTLR_EL2 in the EL2&0 regime (E2H=TGE=1, "EL0 in host"), else SCTLR_EL1. */
export function el0SctlrName(pe: Pe): 'SCTLR_EL1' | 'SCTLR_EL2' {
  return e2h(pe) && tge(pe) ? 'SCTLR_EL2' : 'SCTLR_EL1';
}

/** Low word of the SCTLR that controls EL0 (see el0SctlrName). */
export function el0Sctlr(pe: Pe): number {
  return lowWord(pe.sysregs.get(el0SctlrName(pe)) ?? 0n);
}

/**
 * Check an MRS (`read`) or MSR access and return the storage name it reaches,
 * or throw the exception the access raises.
 */
function checkAccess(pe: Pe, ref: SysregRef, rt: number, read: boolean): { def: RegisterDef; storage: string } {
  refreshConfig(pe);
  const r = resolve(ref);
  const what = `${read ? 'MRS' : 'MSR'} ${ref.name}`;
  const def = r.def;
  if (def === undefined) throw undefinedAccess(pe, what, 'no such system register');
  const el = pe.el;
  const aliasOf = def.vhe?.aliasOf;
  if (aliasOf !== undefined && !(el >= 2 && e2h(pe))) {
    throw undefinedAccess(pe, what, `${def.name} exists only with HCR_EL2.E2H=1, accessed from EL2 or EL3`);
  }
  const minEl = def.access.minEl;
  if (el < minEl) throw undefinedAccess(pe, what, `${def.name} is accessible from EL${minEl} and above`);
  if ((minEl === 2 && !pe.hasEl2) || (minEl === 3 && !pe.hasEl3)) throw undefinedAccess(pe, what, `EL${minEl} is not implemented`);
  if (def.security === 'secure' && !isSecure(pe)) throw undefinedAccess(pe, what, `${def.name} is accessible only in Secure state`);
  if (read && !def.access.read) throw undefinedAccess(pe, what, `${def.name} is write-only`);
  if (!read && !def.access.write) throw undefinedAccess(pe, what, `${def.name} is read-only`);
  const iss = r.issEncoding | Number(ISS_SYSREG.Rt.val(rt & 31) | ISS_SYSREG.Direction.val(read));

  // EL0 accesses controlled by SCTLR_EL1.UCT/UMA (SCTLR_EL2 in host): trapped to EL1, or EL2 with TGE (Arm ARM D24.2 SCTLR_EL1).
  if (el === 0) {
    if (def.name === 'CTR_EL0' && (el0Sctlr(pe) & SCTLR_EL1.UCT.lo) === 0) throw new SyncException(EC.SYSREG, iss, { reason: `${what} at EL0 trapped by ${el0SctlrName(pe)}.UCT=0` });
    if (def.name === 'DAIF' && (el0Sctlr(pe) & SCTLR_EL1.UMA.lo) === 0) throw new SyncException(EC.SYSREG, iss, { reason: `${what} at EL0 trapped by ${el0SctlrName(pe)}.UMA=0` });
  }
  // EL2 traps of EL1 accesses (Arm ARM D1.11.x; HCR_EL2.TVM/TRVM/TID3/TACR/TIDCP).
  if (el === 1 && el2Enabled(pe)) {
    if (def.trapGroup === 'TVM') {
      if (!read && (pe.hcrLo & HCR_EL2.TVM.lo) !== 0) throw trapToEl2(iss, `${what} trapped to EL2 by HCR_EL2.TVM`);
      if (read && (pe.hcrLo & HCR_EL2.TRVM.lo) !== 0) throw trapToEl2(iss, `${what} trapped to EL2 by HCR_EL2.TRVM`);
    }
    if (r.idGroup3 && read && (pe.hcrLo & HCR_EL2.TID3.lo) !== 0) throw trapToEl2(iss, `${what} trapped to EL2 by HCR_EL2.TID3`);
    // TACR: the Auxiliary Control Register ACTLR_EL1, read or written (Arm ARM D24.2 HCR_EL2.TACR).
    if (def.name === 'ACTLR_EL1' && (pe.hcrLo & HCR_EL2.TACR.lo) !== 0) throw trapToEl2(iss, `${what} trapped to EL2 by HCR_EL2.TACR`);
    // TIDCP: the IMPLEMENTATION DEFINED register space (op0=3, CRn=11/15) at EL1 (Arm ARM D24.2 HCR_EL2.TIDCP).
    if (isImpdefSpace(ref.op0, ref.crn) && (pe.hcrLo & HCR_EL2.TIDCP.lo) !== 0) throw trapToEl2(iss, `${what} trapped to EL2 by HCR_EL2.TIDCP`);
  }

  let storage = (aliasOf ?? def.name).toUpperCase();
  if (aliasOf === undefined && (pe.hcrHi & HCR_EL2.E2H.hi) !== 0) {
    // VHE (Arm ARM D5.11.x): at EL2 with E2H=1 the _EL1 (and EL0 timer) names reach the EL2 registers;
    // at EL0 with E2H=TGE=1 the EL0 timer names reach the EL2 timers.
    const to = def.vhe?.redirectTo ?? VHE_REDIRECTS[def.name];
    if (to !== undefined && e2h(pe) && (el === 2 || (el === 0 && (pe.hcrLo & HCR_EL2.TGE.lo) !== 0 && def.name.endsWith('_EL0')))) storage = to.toUpperCase();
  }
  return { def, storage };
}

/** Register behaviour that is not plain storage, keyed by upper-case storage name. */
export type SysregHandlers = Map<string, SysregHandler>;

/** The architectural built-ins every system model starts with (PSTATE views, stack pointers, counters, ID virtualization). */
const builtins: SysregHandlers = new Map();

function setSysregHandler(name: string, h: SysregHandler): void {
  builtins.set(name.toUpperCase(), h);
}

/** A fresh handler map holding the built-ins; a system model adds its own (e.g. the GIC CPU interface, issue #4). */
export function builtinSysregHandlers(): SysregHandlers {
  return new Map(builtins);
}

function spIndexOfName(name: string): number {
  return name.charCodeAt(5) - 48;
}

/** A PSTATE bit kept in `pe.pstateOther`, read and written in its SPSR position (`f`: its SPSR field). */
const pstateBit = (f: { readonly lo: number; readonly mask: bigint }): SysregHandler => ({
  read: (pe) => BigInt((pe.pstateOther & f.lo) >>> 0),
  write: (pe, v) => {
    pe.pstateOther = (v & f.mask) !== 0n ? pe.pstateOther | f.lo : pe.pstateOther & ~f.lo;
  },
});

const spHandler: SysregHandler = {
  read: (pe) => pe.getSp(0),
  write: (pe, v) => pe.setSp(0, v),
};

// PSTATE views (Arm ARM C5.2: CurrentEL, DAIF, NZCV, SPSel, PAN, UAO, DIT, SSBS, TCO).
setSysregHandler('CURRENTEL', { read: (pe) => CURRENT_EL.EL.val(pe.el) });
setSysregHandler('DAIF', { read: (pe) => BigInt(pe.daif()), write: (pe, v) => pe.setDaif(lowWord(v)) });
setSysregHandler('NZCV', { read: (pe) => BigInt(pe.nzcv()), write: (pe, v) => pe.setNzcv(lowWord(v)) });
setSysregHandler('SPSEL', { read: (pe) => BigInt(pe.spsel), write: (pe, v) => void (pe.spsel = SPSEL.SP.num(v)) });
setSysregHandler('PAN', pstateBit(SPSR.PAN));
setSysregHandler('UAO', pstateBit(SPSR.UAO));
setSysregHandler('DIT', pstateBit(SPSR.DIT));
setSysregHandler('SSBS', pstateBit(SPSR.SSBS));
setSysregHandler('TCO', pstateBit(SPSR.TCO));
// Stack pointers live in splo/sphi (Arm ARM C5.2.x SP_EL0..SP_EL2).
setSysregHandler('SP_EL0', spHandler);
for (const n of ['SP_EL1', 'SP_EL2']) {
  setSysregHandler(n, { read: (pe) => pe.getSp(spIndexOfName(n)), write: (pe, v) => pe.setSp(spIndexOfName(n), v) });
}
// The system counter: one tick per instruction this PE retired (deterministic). CNTVCT = CNTPCT - CNTVOFF_EL2 (Arm ARM D12.1).
setSysregHandler('CNTPCT_EL0', { read: (pe) => BigInt(pe.instret) });
setSysregHandler('CNTVCT_EL0', {
  read: (pe) => BigInt.asUintN(64, BigInt(pe.instret) - (pe.el <= 1 && el2Enabled(pe) ? pe.readSysreg('CNTVOFF_EL2') : 0n)),
});
// MIDR_EL1/MPIDR_EL1 read at EL1 return VPIDR_EL2/VMPIDR_EL2 when EL2 is enabled (Arm ARM D24.2 MIDR_EL1, MPIDR_EL1).
setSysregHandler('MIDR_EL1', { read: (pe) => pe.readSysreg(pe.el === 1 && el2Enabled(pe) ? 'VPIDR_EL2' : 'MIDR_EL1') });
setSysregHandler('MPIDR_EL1', { read: (pe) => pe.readSysreg(pe.el === 1 && el2Enabled(pe) ? 'VMPIDR_EL2' : 'MPIDR_EL1') });

/**
 * The value of a register for views and expectations (no access checks, no
 * traps, no side effects): PSTATE views (`CurrentEL`, `DAIF`, `NZCV`, `SPSel`,
 * `PAN`…), stack pointers and counters come from the PE state, everything else
 * from storage. `name` is case-insensitive.
 */
export function peekSysreg(pe: Pe, name: string): bigint {
  const upper = name.toUpperCase();
  const h = builtins.get(upper);
  // MIDR/MPIDR handlers virtualize by EL; a view wants the real register.
  if (h?.read !== undefined && upper !== 'MIDR_EL1' && upper !== 'MPIDR_EL1') return h.read(pe);
  return pe.readSysreg(upper);
}

/** MRS Xt, <reg>. */
export function mrs(pe: Pe, ref: SysregRef, rt: number, handlers: SysregHandlers = builtins): void {
  const { storage } = checkAccess(pe, ref, rt, true);
  if (storage === 'SP_EL0' && pe.spsel === 0) throw undefinedAccess(pe, `MRS ${ref.name}`, 'SP_EL0 is the current stack pointer (PSTATE.SP=0)');
  const h = handlers.get(storage);
  const v = h?.read !== undefined ? h.read(pe) : pe.readSysreg(storage);
  pe.setX(rt, Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn));
}

/** MSR <reg>, Xt: RES0 bits are written as 0 and RES1 bits as 1 (Arm ARM "RES0"/"RES1" in the Glossary). */
export function msr(pe: Pe, ref: SysregRef, rt: number, handlers: SysregHandlers = builtins): void {
  const { storage } = checkAccess(pe, ref, rt, false);
  if (storage === 'SP_EL0' && pe.spsel === 0) throw undefinedAccess(pe, `MSR ${ref.name}`, 'SP_EL0 is the current stack pointer (PSTATE.SP=0)');
  let v = pe.getX(rt);
  const own = resolve(ref).def;
  const target = own !== undefined && storage === own.name.toUpperCase() ? own : findRegister(storage);
  if (target !== undefined) {
    if (target.width === 32) v &= 0xffffffffn;
    const { res0, res1 } = typeof target.fields === 'function' ? reservedMasks(layoutOf(target, v, { e2h: (pe.hcrHi & HCR_EL2.E2H.hi) !== 0 })) : target;
    v = (v & ~res0) | res1;
  }
  const h = handlers.get(storage);
  if (h?.write !== undefined) h.write(pe, v);
  else pe.writeSysreg(storage, v);
  const mmu = pe.env.mmu;
  if (mmu.invalidateConfig !== undefined) mmu.invalidateConfig(pe);
  const env = pe.env;
  if (env.onSysregWrite !== undefined) {
    const name = target?.name ?? storage;
    env.onSysregWrite(pe, name, h?.read !== undefined ? h.read(pe) : h?.write !== undefined ? v : pe.readSysreg(storage));
  }
}
