/**
 * Exception entry (Arm ARM D1.3 "Exceptions", D1.10 "Exception entry",
 * pseudocode AArch64.TakeException): choose the target EL, write
 * ESR/FAR/HPFAR/ELR/SPSR of that EL, update PSTATE and jump to the vector.
 *
 * Not on the per-instruction hot path: runs only when an exception is taken.
 */
import { compose, ESR_ELx, HCR_EL2, HPFAR_EL2, SCTLR_EL1, SPSR, VBAR } from '../arch/registers/fields';
import { EXCEPTION_CLASSES } from '../arch/registers/exception';
import { AccessType } from '../mmu/types';
import { hex } from '../util/hex';
import { defaultSyncTarget, el2Enabled, refreshConfig, tge } from './config';
import { EC, SyncException, type ExceptionRecord, type ExceptionType } from './exception';
import type { Pe } from './pe';

/** ESR_ELx.ISS as a mask of the low word. */
const ISS_MASK = ESR_ELx.ISS.lo;

/** VA (signed-number form) → unsigned 64-bit bigint. */
export function vaToBig(va: number): bigint {
  return BigInt.asUintN(64, BigInt(va));
}

/** Unsigned 64-bit bigint → VA (signed-number form). */
export function bigToVa(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/** PSTATE bits carried in `pe.pstateOther` (SPSR positions, Arm ARM C5.2.18 SPSR_ELx). */
export const PSTATE_OTHER_MASK = SPSR.TCO.lo | SPSR.DIT.lo | SPSR.UAO.lo | SPSR.PAN.lo | SPSR.SS.lo | SPSR.SSBS.lo | SPSR.BTYPE.lo;

/** SPSR_ELx value for the current PSTATE (Arm ARM D1.10.3, C5.2.18): NZCV, other bits, IL, DAIF, M[3:0] = EL:SPSel. */
export function currentSpsr(pe: Pe): number {
  // At EL0 PSTATE.SP is always 0 (EL0t): SP_EL0 is the only stack pointer there.
  const m = (pe.el << 2) | (pe.el === 0 ? 0 : pe.spsel);
  return (pe.nzcv() | (pe.pstateOther & PSTATE_OTHER_MASK) | (pe.il !== 0 ? SPSR.IL.lo : 0) | pe.daif() | m) >>> 0;
}

/** Offset of the exception type within a vector group (Arm ARM D1.10.2 Table D1-7). */
function typeOffset(type: ExceptionType): number {
  switch (type) {
    case 'sync':
      return 0x000;
    case 'irq':
    case 'virq':
      return 0x080;
    case 'fiq':
    case 'vfiq':
      return 0x100;
    case 'serror':
      return 0x180;
  }
}

/** Abort ECs come in lower/same-EL pairs; the MMU cannot know the target EL, so entry picks (Arm ARM D24.2.49). */
function adjustEc(ec: number, lower: boolean): number {
  switch (ec) {
    case EC.IABT_LOWER:
    case EC.IABT_SAME:
      return lower ? EC.IABT_LOWER : EC.IABT_SAME;
    case EC.DABT_LOWER:
    case EC.DABT_SAME:
      return lower ? EC.DABT_LOWER : EC.DABT_SAME;
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
      return (ec & ~1) | (lower ? 0 : 1);
    default:
      return ec;
  }
}

/** ECs whose exceptions write FAR_ELx (Arm ARM D24.2 FAR_ELx: aborts, PC alignment, watchpoints). */
function writesFar(ec: number): boolean {
  return ec === EC.IABT_LOWER || ec === EC.IABT_SAME || ec === EC.PC_ALIGN || ec === EC.DABT_LOWER || ec === EC.DABT_SAME || ec === 0x34 || ec === 0x35;
}

/**
 * Target EL of a synchronous exception (Arm ARM D1.3.1 "Synchronous exception
 * routing"): the architecture's fixed target when the raiser set one (HVC → EL2,
 * SMC → EL3, traps), stage-2 faults → EL2, otherwise EL1 from EL0 (EL2 when
 * HCR_EL2.TGE=1) and the current EL from EL1 and above. Never lower than the
 * current EL; never an EL that is not implemented or enabled.
 */
export function syncTargetEl(pe: Pe, e: SyncException): number {
  refreshConfig(pe);
  let target = e.targetEl ?? (e.stage === 2 ? 2 : defaultSyncTarget(pe));
  if (target < pe.el) target = pe.el;
  if (target === 1 && pe.el === 0 && tge(pe)) target = 2;
  if (target === 2 && !el2Enabled(pe)) target = Math.max(1, pe.el);
  if (target === 3 && !pe.hasEl3) target = Math.max(pe.el, el2Enabled(pe) ? 2 : 1);
  return target;
}

/** Take a synchronous exception raised while executing the instruction at `pe.pc`. */
export function takeSyncException(pe: Pe, e: SyncException): void {
  const fromEl = pe.el;
  const target = syncTargetEl(pe, e);
  const ec = adjustEc(e.ec, target > fromEl);
  const esr = compose(ESR_ELx, { EC: ec, IL: e.il & 1, ISS: e.iss & ISS_MASK });
  pe.writeSysreg(`ESR_EL${target}`, esr);
  let far: number | undefined;
  if (e.far !== undefined && writesFar(ec)) {
    far = e.far;
    pe.writeSysreg(`FAR_EL${target}`, vaToBig(far));
  }
  // HPFAR_EL2.FIPA[43:4] = IPA[51:12] for faults on a stage-2 walk or stage-2 translation (Arm ARM D24.2 HPFAR_EL2).
  if (e.ipa !== undefined && target === 2) {
    pe.writeSysreg('HPFAR_EL2', HPFAR_EL2.FIPA.val(Math.floor(e.ipa / 4096)));
  }
  const reason = e.reason ?? `${EXCEPTION_CLASSES[ec] ?? 'Exception'} (EC ${hex(ec, 2)})`;
  enter(pe, 'sync', target, e.elr ?? pe.pc, reason, {
    ec,
    esr: Number(esr),
    far,
    ipa: e.ipa,
    pa: e.pa,
    fault: e.kind,
    stage: e.stage,
    level: e.level,
  });
}

/** Take an asynchronous exception; `virtual` marks a virtual SError (HCR_EL2.VSE), reported as type 'serror'. */
export function takeAsyncException(pe: Pe, type: ExceptionType, target: number, virtual = false): void {
  const name = type === 'virq' ? 'vIRQ' : type === 'vfiq' ? 'vFIQ' : type === 'serror' ? (virtual ? 'virtual SError' : 'SError') : type.toUpperCase();
  const reason = `${name} taken from EL${pe.el} to EL${target}`;
  if (type === 'serror') {
    // SError syndrome: EC 0x2F, IL=1; ISS 0 (IDS=0, no RAS syndrome: FEAT_RAS is not implemented) (Arm ARM D24.2.49).
    const esr = compose(ESR_ELx, { EC: EC.SERROR, IL: 1 });
    pe.writeSysreg(`ESR_EL${target}`, esr);
    enter(pe, type, target, pe.pc, reason, { ec: EC.SERROR, esr: Number(esr) });
    return;
  }
  enter(pe, type, target, pe.pc, reason, {});
}

type SyncDetail = Pick<ExceptionRecord, 'ec' | 'esr' | 'far' | 'ipa' | 'pa' | 'fault' | 'stage' | 'level'>;

function enter(pe: Pe, type: ExceptionType, target: number, elr: number, reason: string, detail: SyncDetail): void {
  const fromEl = pe.el;
  const pc = pe.pc;
  // SPSR and ELR of the target EL (D1.10.3, D1.10.1).
  pe.writeSysreg(`SPSR_EL${target}`, BigInt(currentSpsr(pe)));
  pe.writeSysreg(`ELR_EL${target}`, vaToBig(elr));
  // Vector (D1.10.2): the group depends on where the exception came from and on PSTATE.SP before entry.
  const group = target > fromEl ? 0x400 : pe.spsel === 0 ? 0x000 : 0x200;
  const offset = group + typeOffset(type);
  const vbar = pe.readSysreg(`VBAR_EL${target}`) & VBAR.VBA.mask;
  const vector = bigToVa(BigInt.asUintN(64, vbar + BigInt(offset)));

  // PSTATE on entry (AArch64.TakeException): all of DAIF masked, SP_ELx selected, IL cleared, SS and BTYPE cleared.
  pe.el = target as Pe['el'];
  pe.spsel = 1;
  pe.d = 1;
  pe.a = 1;
  pe.i = 1;
  pe.f = 1;
  pe.il = 0;
  let other = pe.pstateOther & ~(SPSR.SS.lo | SPSR.BTYPE.lo);
  // SCTLR_ELx.SPAN=0: PSTATE.PAN is set on exception entry to EL1 (or EL2 in the EL2&0 regime) (Arm ARM D8.4.2, FEAT_PAN).
  if (target === 1 || (target === 2 && (pe.hcrHi & HCR_EL2.E2H.hi) !== 0 && (pe.hcrLo & HCR_EL2.TGE.lo) !== 0)) {
    if (!SCTLR_EL1.SPAN.isSet(pe.readSysreg(`SCTLR_EL${target}`))) other |= SPSR.PAN.lo;
  }
  pe.pstateOther = other;
  pe.pc = vector;
  pe.nextPc = vector;
  if (pe.state === 'wfi' || pe.state === 'wfe') pe.state = 'running';

  const code = vectorHasCode(pe, vector);
  const record: ExceptionRecord = {
    type,
    ...detail,
    fromEl,
    toEl: target,
    pc,
    elr,
    vector,
    vectorOffset: offset,
    handled: code.ok,
    reason,
  };
  const env = pe.env;
  if (!code.ok) {
    if (env.builtinHandler !== undefined && env.builtinHandler(pe, record)) record.handled = true;
    else {
      pe.state = 'halted';
      pe.stopReason = `unhandled exception ${reason} at ${hex(vaToBig(pc))} taken to EL${target}: ${code.why} at VBAR_EL${target}+${hex(offset, 3)} (${hex(vaToBig(vector))})`;
    }
  }
  if (env.onException !== undefined) env.onException(pe, record);
}

function vectorHasCode(pe: Pe, vector: number): { ok: true } | { ok: false; why: string } {
  try {
    pe.env.mmu.translate(pe, vector, 4, AccessType.Fetch);
  } catch (err) {
    if (err instanceof SyncException) return { ok: false, why: `vector not mapped (${err.reason ?? `EC ${hex(err.ec, 2)}`})` };
    throw err;
  }
  return pe.env.fetchInstr(pe.tPa, pe) !== undefined ? { ok: true } : { ok: false, why: 'no vector code' };
}
