/**
 * The PE's system model: the `SystemOps` the instruction closures call for
 * MRS/MSR, exception-generating instructions, ERET, hints, barriers and
 * DC/IC/TLBI/AT. Stateless (all state lives on the Pe), so one instance serves
 * every PE of a machine; the engine installs it as `env.sys`.
 *
 * Memory-system and MMU effects go through the optional hooks of
 * `env.memory` (`barrier`, `maintainByVa`, `maintainBySetWay`,
 * `instructionCacheMaintenance`) and `env.mmu` (`tlbi`, `addressTranslate`,
 * `invalidateConfig`); when a hook is absent the operation has no effect on
 * flat, coherent memory, which is what the architecture gives there.
 */
import { compose, DAIF, HCR_EL2, ISS_DATA_ABORT, ISS_WFX, MDCR_EL2, SCR_EL3, SCTLR_EL1, SPSR } from '../arch/registers/fields';
import { AccessType } from '../mmu/types';
import { parFault, parSuccess } from '../mmu/par';
import { hex } from '../util/hex';
import { e2h, el2Enabled, isSecure, lowWord, refreshConfig, tge } from './config';
import { PSTATE_OTHER_MASK, bigToVa } from './entry';
import { EC, SyncException } from './exception';
import { wakeupPending } from './interrupts';
import type { Pe } from './pe';
import { findSysOp, type SysOp } from '../isa/system';
import { minElFromOp1 } from '../arch/registers/define';
import { builtinSysregHandlers, el0Sctlr, el0SctlrName, mrs, msr, sysregIss, type SysregHandler, type SysregHandlers } from './sysregs';
import type { BarrierDomain, BarrierKind, ExceptionGenerating, Hint, PstateField, SysregRef, SystemOps } from './systemOps';
import { invalidateDirectPages } from '../memory/direct';

function undef(pe: Pe, what: string, why: string): SyncException {
  return new SyncException(EC.UNKNOWN, 0, { kind: 'undefined', reason: `${what} at EL${pe.el} is UNDEFINED: ${why}` });
}

/**
 * Lowest EL of a DC/IC/TLBI/AT operation from its op1 (Arm ARM C5.3
 * "op1 encodes the lowest EL": 0 → EL1, 3 → EL0, 4 → EL2, 6 → EL3). The
 * encodings come from the assembler's table (simulator/isa/system.ts `findSysOp`),
 * the single source for them.
 */
function sysOpMinEl(op: SysOp): number {
  return minElFromOp1(op.op1);
}

/** EC 0x18 ISS of a trapped DC/IC/TLBI/AT instruction (op0=1). */
function sysOpIss(op: SysOp, rt: number | undefined): number {
  return sysregIss(1, op.op1, op.crn, op.crm, op.op2, rt ?? 31, false);
}

/** DC ZVA block size: DCZID_EL0.BS=4 → 2^4 words = 64 bytes (reset value, pe/reset.ts). */
const ZVA_BYTES = 64;
/** Exclusives Reservation Granule: CTR_EL0.ERG=4 → 2^4 words = 64 bytes (reset value, pe/reset.ts). */
const ERG_BYTES = 64;

/** HCR_EL2.TPCP: DC to the Point of Coherency/Persistence; HCR_EL2.TPU: to the Point of Unification (Arm ARM D24.2 HCR_EL2). */
const TPCP_OPS = new Set(['dc ivac', 'dc civac', 'dc cvac', 'dc cvap', 'dc cvadp']);
const TPU_OPS = new Set(['dc cvau', 'ic ivau', 'ic iallu', 'ic ialluis']);

/** ESR ISS of a trapped WFI/WFE from AArch64: CV=1, COND=0b1110, TI (Arm ARM D24.2.49, ISS encoding for EC 0x01). */
function wfxIss(wfe: boolean): number {
  return Number(compose(ISS_WFX, { CV: 1, COND: 0b1110, TI: wfe ? 1 : 0 }));
}

/** Is the return described by `spsr` illegal from the current state? (Arm ARM D1.11.4 "Illegal exception returns from AArch64 state", IllegalExceptionReturn()). */
export function illegalReturnReason(pe: Pe, spsr: number): string | undefined {
  if (SPSR['M[4]'].ofLo(spsr) !== 0) return 'SPSR.M[4]=1 requests AArch32, which is not implemented';
  const m = SPSR['M[3:0]'].ofLo(spsr);
  if ((m & 2) !== 0) return `SPSR.M[3:0]=${hex(m)} is a reserved mode`;
  const target = m >>> 2;
  if (target > pe.el) return `return to EL${target} from EL${pe.el} (a higher EL)`;
  if ((target === 2 && !pe.hasEl2) || (target === 3 && !pe.hasEl3)) return `EL${target} is not implemented`;
  if (target === 0 && (m & 1) !== 0) return 'EL0 with SPSel=1 (EL0h) does not exist';
  refreshConfig(pe);
  if (target === 2 && !el2Enabled(pe)) return 'EL2 is not enabled in the target Security state (SCR_EL3.EEL2=0)';
  if (target === 1 && el2Enabled(pe) && (pe.hcrLo & HCR_EL2.TGE.lo) !== 0) return 'return to EL1 with HCR_EL2.TGE=1';
  return undefined;
}

export class SystemModel implements SystemOps {
  /** Registers whose accesses are behaviour, not storage (built-ins plus whatever the machine adds). */
  private readonly handlers: SysregHandlers = builtinSysregHandlers();

  /**
   * Give a register custom behaviour for this machine's PEs, after the
   * architectural access checks and traps (e.g. the GIC CPU interface's
   * ICC_IAR1_EL1 acknowledging an interrupt, issue #4). `name` is the register
   * actually reached (after VHE redirection).
   */
  setSysregHandler(name: string, h: SysregHandler): void {
    this.handlers.set(name.toUpperCase(), h);
  }

  /**
   * Store observer for the global exclusive monitor, present only when the
   * machine has several PEs (see `setPes`): `pe.store` calls it after every store.
   */
  observeStore?: (pe: Pe, pa: number, size: number) => void;

  /**
   * Tell the system model which PEs share memory, so a store by one PE clears
   * the exclusive reservation of every other PE whose Exclusives Reservation
   * Granule it touches (Arm ARM B2.9.3 "Global monitor"; the ERG is
   * CTR_EL0.ERG = 4 → 64 bytes here). A PE's own stores leave its monitor alone
   * (whether they clear it is IMPLEMENTATION DEFINED, B2.9.2). Clearing a
   * monitor sets that PE's event register (the WFE wake-up event).
   */
  setPes(pes: readonly Pe[]): void {
    // Whether stores are observed changes: no PE may keep storing to a page directly (memory/direct.ts).
    invalidateDirectPages();
    if (pes.length < 2) {
      this.observeStore = undefined;
      return;
    }
    const all = pes.slice();
    this.observeStore = (pe: Pe, pa: number, size: number): void => {
      for (let k = 0; k < all.length; k++) {
        const other = all[k];
        const ex = other.exclusivePa;
        if (other === pe || ex < 0) continue;
        const granule = ex - (ex % ERG_BYTES);
        if (pa < granule + ERG_BYTES && pa + size > granule) {
          // Clearing the global monitor generates an event, waking a WFE spin-wait (Arm ARM D1.6.1, B2.9).
          other.exclusivePa = -1;
          other.eventRegister = 1;
        }
      }
    };
  }

  mrs(pe: Pe, reg: SysregRef, rt: number): void {
    mrs(pe, reg, rt, this.handlers);
  }

  msr(pe: Pe, reg: SysregRef, rt: number): void {
    msr(pe, reg, rt, this.handlers);
  }

  /** MSR <pstatefield>, #imm (Arm ARM C5.2 "MSR (immediate)", C6.2.x). */
  msrImmediate(pe: Pe, field: PstateField, imm: number): void {
    this.applyPstateImmediate(pe, field, imm);
    const env = pe.env;
    if (env.onSysregWrite !== undefined) {
      const name = PSTATE_FIELD_REGISTER[field];
      env.onSysregWrite(pe, name, PSTATE_FIELD_VALUE[field](pe));
    }
  }

  private applyPstateImmediate(pe: Pe, field: PstateField, imm: number): void {
    refreshConfig(pe);
    switch (field) {
      case 'daifset':
      case 'daifclr': {
        if (pe.el === 0 && (el0Sctlr(pe) & SCTLR_EL1.UMA.lo) === 0) {
          // Trapped like the register form: op0=0 op1=3 CRn=4 CRm=imm op2=6/7, Rt=0b11111 (Arm ARM D24.2 SCTLR_EL1.UMA).
          throw new SyncException(EC.SYSREG, sysregIss(0, 3, 4, imm, field === 'daifset' ? 6 : 7, 31, false), {
            reason: `MSR ${field.toUpperCase()} at EL0 trapped by ${el0SctlrName(pe)}.UMA=0`,
          });
        }
        // The immediate's D, A, I, F bits (8, 4, 2, 1) are PSTATE.{D,A,I,F}: the DAIF register layout shifted down.
        const bits = (imm & 0xf) * DAIF.F.lo;
        pe.setDaif(field === 'daifset' ? pe.daif() | bits : pe.daif() & ~bits);
        return;
      }
      case 'spsel':
        if (pe.el === 0) throw undef(pe, 'MSR SPSel', 'PSTATE.SP cannot be changed at EL0');
        pe.spsel = imm & 1;
        return;
      case 'pan':
      case 'uao':
        if (pe.el === 0) throw undef(pe, `MSR ${field.toUpperCase()}`, 'accessible from EL1 and above');
        setOther(pe, field === 'pan' ? SPSR.PAN.lo : SPSR.UAO.lo, imm);
        return;
      case 'dit':
        setOther(pe, SPSR.DIT.lo, imm);
        return;
      case 'ssbs':
        setOther(pe, SPSR.SSBS.lo, imm);
        return;
      case 'tco':
        setOther(pe, SPSR.TCO.lo, imm);
        return;
    }
  }

  /** SVC/HVC/SMC/BRK/HLT/UDF (Arm ARM D1.3.x, C6.2). */
  exceptionGenerating(pe: Pe, kind: ExceptionGenerating, imm: number): void {
    refreshConfig(pe);
    const imm16 = imm & 0xffff;
    const next = pe.pc + 4;
    switch (kind) {
      case 'svc':
        throw new SyncException(EC.SVC64, imm16, { elr: next, reason: `SVC #${hex(imm16)}` });
      case 'hvc': {
        // UNDEFINED at EL0, without EL2, with SCR_EL3.HCE=0, or at EL1 when EL2 is not enabled (Arm ARM C6.2.x HVC).
        if (pe.el === 0) throw undef(pe, 'HVC', 'HVC is UNDEFINED at EL0');
        if (!pe.hasEl2) throw undef(pe, 'HVC', 'EL2 is not implemented');
        if (pe.hasEl3 && (pe.scrLo & SCR_EL3.HCE.lo) === 0) throw undef(pe, 'HVC', 'SCR_EL3.HCE=0');
        if (pe.el === 1 && !el2Enabled(pe)) throw undef(pe, 'HVC', 'EL2 is not enabled in the current Security state');
        throw new SyncException(EC.HVC64, imm16, { elr: next, targetEl: pe.el === 3 ? 3 : 2, reason: `HVC #${hex(imm16)}` });
      }
      case 'smc': {
        if (pe.el === 0) throw undef(pe, 'SMC', 'SMC is UNDEFINED at EL0');
        // HCR_EL2.TSC traps SMC from EL1 to EL2 before SCR_EL3.SMD is considered; the return address is the SMC itself.
        if (pe.el === 1 && el2Enabled(pe) && (pe.hcrLo & HCR_EL2.TSC.lo) !== 0) {
          throw new SyncException(EC.SMC64, imm16, { targetEl: 2, reason: `SMC #${hex(imm16)} trapped to EL2 by HCR_EL2.TSC` });
        }
        if (!pe.hasEl3) throw undef(pe, 'SMC', 'EL3 is not implemented');
        if ((pe.scrLo & SCR_EL3.SMD.lo) !== 0) throw undef(pe, 'SMC', 'SCR_EL3.SMD=1');
        throw new SyncException(EC.SMC64, imm16, { elr: next, targetEl: 3, reason: `SMC #${hex(imm16)}` });
      }
      case 'brk': {
        // Debug exceptions from EL0/EL1 go to EL2 when HCR_EL2.TGE or MDCR_EL2.TDE is set (Arm ARM D2.3 "Routing debug exceptions").
        const tde = el2Enabled(pe) && MDCR_EL2.TDE.isSet(pe.readSysreg('MDCR_EL2'));
        const target = pe.el <= 1 && (tge(pe) || tde) ? 2 : Math.max(1, pe.el);
        throw new SyncException(EC.BRK64, imm16, { targetEl: target, reason: `BRK #${hex(imm16)}` });
      }
      case 'hlt':
        // HLT with no external debugger: the simulation's way for a PE to finish its work.
        pe.state = 'halted';
        pe.stopReason = `hlt #${imm16 < 10 ? String(imm16) : hex(imm16)}`;
        pe.nextPc = pe.pc;
        return;
      case 'udf':
        throw new SyncException(EC.UNKNOWN, 0, { kind: 'undefined', reason: `UDF #${hex(imm16)} (permanently UNDEFINED)` });
    }
  }

  /** ERET (Arm ARM D1.11 "Exception return", AArch64.ExceptionReturn). */
  eret(pe: Pe): void {
    if (pe.el === 0) throw undef(pe, 'ERET', 'ERET is UNDEFINED at EL0');
    const el = pe.el;
    const spsr = lowWord(pe.readSysreg(`SPSR_EL${el}`));
    const elr = bigToVa(pe.readSysreg(`ELR_EL${el}`));
    const illegal = illegalReturnReason(pe, spsr);
    pe.setNzcv(spsr);
    pe.setDaif(spsr);
    pe.pstateOther = spsr & PSTATE_OTHER_MASK;
    if (illegal !== undefined) {
      // Illegal return: EL and SP unchanged, PSTATE.IL=1; the next instruction raises EC 0x0E (D1.11.4).
      pe.il = 1;
    } else {
      // M[3:0] is EL:SPSel (Arm ARM C5.2.18 SPSR_ELx).
      const m = SPSR['M[3:0]'].ofLo(spsr);
      pe.el = (m >>> 2) as Pe['el'];
      pe.spsel = m & 1;
      pe.il = SPSR.IL.ofLo(spsr);
    }
    pe.nextPc = elr;
    // ExceptionReturn clears the local exclusive monitor and sends a local event (Arm ARM B2.9.x, D1.6.1).
    pe.exclusivePa = -1;
    pe.eventRegister = 1;
    pe.lastIllegalReturn = illegal;
    const env = pe.env;
    if (env.onExceptionReturn !== undefined) env.onExceptionReturn(pe);
  }

  /** NOP/YIELD/WFI/WFE/SEV/SEVL (Arm ARM C6.2, D1.6 "Mechanisms for entering a low-power state"). */
  hint(pe: Pe, kind: Hint): void {
    switch (kind) {
      case 'nop':
      case 'yield':
        return;
      case 'sev':
        if (pe.env.onSendEvent !== undefined) pe.env.onSendEvent(pe);
        else pe.eventRegister = 1;
        return;
      case 'sevl':
        pe.eventRegister = 1;
        return;
      case 'wfi':
      case 'wfe': {
        const wfe = kind === 'wfe';
        this.checkWfxTraps(pe, wfe);
        if (wfe && pe.eventRegister !== 0) {
          pe.eventRegister = 0;
          return;
        }
        if (wakeupPending(pe)) return;
        pe.state = wfe ? 'wfe' : 'wfi';
        return;
      }
    }
  }

  /** WFI/WFE traps: SCTLR_EL1.nTWI/nTWE (EL0 → EL1), HCR_EL2.TWI/TWE (EL0/1 → EL2), SCR_EL3.TWI/TWE (→ EL3) (Arm ARM D1.11.x). */
  private checkWfxTraps(pe: Pe, wfe: boolean): void {
    refreshConfig(pe);
    const name = wfe ? 'WFE' : 'WFI';
    if (pe.el === 0 && (el0Sctlr(pe) & (wfe ? SCTLR_EL1.nTWE.lo : SCTLR_EL1.nTWI.lo)) === 0) {
      throw new SyncException(EC.WFX, wfxIss(wfe), { reason: `${name} at EL0 trapped by ${el0SctlrName(pe)}.n${name === 'WFI' ? 'TWI' : 'TWE'}=0` });
    }
    if (pe.el <= 1 && el2Enabled(pe) && (pe.hcrLo & (wfe ? HCR_EL2.TWE.lo : HCR_EL2.TWI.lo)) !== 0) {
      throw new SyncException(EC.WFX, wfxIss(wfe), { targetEl: 2, reason: `${name} trapped to EL2 by HCR_EL2.${wfe ? 'TWE' : 'TWI'}` });
    }
    if (pe.el <= 2 && pe.hasEl3 && (pe.scrLo & (wfe ? SCR_EL3.TWE.lo : SCR_EL3.TWI.lo)) !== 0) {
      throw new SyncException(EC.WFX, wfxIss(wfe), { targetEl: 3, reason: `${name} trapped to EL3 by SCR_EL3.${wfe ? 'TWE' : 'TWI'}` });
    }
  }

  /** DMB/DSB/ISB: ordering and completion belong to the memory system; ISB is a context synchronization event (Arm ARM B2.3.12; ISB in the Glossary "Context synchronization event"). */
  barrier(pe: Pe, kind: BarrierKind, domain: BarrierDomain): void {
    const mem = pe.env.memory;
    if (mem.barrier !== undefined) mem.barrier(pe, kind, domain);
    if (kind === 'isb') {
      const mmu = pe.env.mmu;
      if (mmu.invalidateConfig !== undefined) mmu.invalidateConfig(pe);
    }
  }

  /** DC/IC (Arm ARM D7.5 "Cache maintenance instructions"; EL0 access by SCTLR_EL1.UCI/DZE; HCR_EL2.TSW). */
  cacheMaintenance(pe: Pe, kind: 'dc' | 'ic', op: string, rt: number | undefined): void {
    refreshConfig(pe);
    const key = `${kind} ${op}`;
    const desc = findSysOp(kind, op);
    const what = key.toUpperCase();
    if (desc === undefined) throw undef(pe, what, 'not an implemented cache maintenance instruction');
    const minEl = sysOpMinEl(desc);
    if (pe.el < minEl) throw undef(pe, what, `accessible from EL${minEl} and above`);
    const iss = sysOpIss(desc, rt);
    if (pe.el === 0) {
      const sctlr0 = el0Sctlr(pe);
      if (op === 'zva' ? (sctlr0 & SCTLR_EL1.DZE.lo) === 0 : (sctlr0 & SCTLR_EL1.UCI.lo) === 0) {
        throw new SyncException(EC.SYSREG, iss, { reason: `${what} at EL0 trapped by ${el0SctlrName(pe)}.${op === 'zva' ? 'DZE' : 'UCI'}=0` });
      }
    }
    // Not when EL0 is in the host (E2H=TGE=1), per the DC/IC pseudocode (!ELIsInHost(EL0)).
    if (pe.el <= 1 && el2Enabled(pe) && !(pe.el === 0 && e2h(pe) && tge(pe))) {
      if (TPCP_OPS.has(key) && (pe.hcrLo & HCR_EL2.TPCP.lo) !== 0) throw new SyncException(EC.SYSREG, iss, { targetEl: 2, reason: `${what} trapped to EL2 by HCR_EL2.TPCP` });
      if (TPU_OPS.has(key) && (pe.hcrLo & HCR_EL2.TPU.lo) !== 0) throw new SyncException(EC.SYSREG, iss, { targetEl: 2, reason: `${what} trapped to EL2 by HCR_EL2.TPU` });
    }
    const mem = pe.env.memory;
    if (kind === 'dc' && (op === 'isw' || op === 'csw' || op === 'cisw')) {
      if (pe.el === 1 && el2Enabled(pe) && (pe.hcrLo & HCR_EL2.TSW.lo) !== 0) throw new SyncException(EC.SYSREG, iss, { targetEl: 2, reason: `${what} trapped to EL2 by HCR_EL2.TSW` });
      if (mem.maintainBySetWay !== undefined) mem.maintainBySetWay(pe, op, rt === undefined ? 0n : pe.getX(rt));
      return;
    }
    if (kind === 'ic' && op !== 'ivau') {
      // HCR_EL2.FB: IC IALLU at EL1 is broadcast (performed as IALLUIS) (Arm ARM D24.2 HCR_EL2.FB).
      const eff = op === 'iallu' && pe.el === 1 && el2Enabled(pe) && (pe.hcrLo & HCR_EL2.FB.lo) !== 0 ? 'ialluis' : op;
      if (mem.instructionCacheMaintenance !== undefined) mem.instructionCacheMaintenance(pe, eff, undefined);
      return;
    }
    const va = rt === undefined ? 0 : pe.addr(rt, false);
    if (op === 'zva') {
      // DC ZVA is a store of zeros to the naturally aligned block (Arm ARM C6.2 DC ZVA); it goes through the memory system.
      const base = va - (((va % ZVA_BYTES) + ZVA_BYTES) % ZVA_BYTES);
      pe.env.mmu.translate(pe, base, ZVA_BYTES, AccessType.Write);
      const pa = pe.tPa;
      const attrs = pe.tAttrs;
      for (let off = 0; off < ZVA_BYTES; off += 8) mem.write(pe, pa + off, 8, 0, 0, attrs);
      if (this.observeStore !== undefined) this.observeStore(pe, pa, ZVA_BYTES);
      return;
    }
    pe.env.mmu.translate(pe, va, 1, AccessType.Maintenance);
    if (kind === 'ic') {
      if (mem.instructionCacheMaintenance !== undefined) mem.instructionCacheMaintenance(pe, 'ivau', pe.tPa);
      return;
    }
    // DC IVAC at EL1 with HCR_EL2.{DC,VM} != {0,0} is performed as DC CIVAC, so a guest cannot
    // discard data it was never allowed to lose (DC IVAC pseudocode, Arm ARM C5.3 "DC IVAC").
    const eff = op === 'ivac' && pe.el === 1 && el2Enabled(pe) && (pe.hcrLo & (HCR_EL2.VM.lo | HCR_EL2.DC.lo)) !== 0 ? 'civac' : op;
    if (mem.maintainByVa !== undefined) mem.maintainByVa(pe, eff, pe.tPa, pe.tAttrs);
  }

  /** TLBI (Arm ARM D8.13 "TLB maintenance instructions"): UNDEFINED at EL0 and below the op's EL; HCR_EL2.TTLB traps EL1 ops. */
  tlbi(pe: Pe, op: string, rt: number | undefined): void {
    refreshConfig(pe);
    const what = `TLBI ${op.toUpperCase()}`;
    const desc = findSysOp('tlbi', op);
    if (desc === undefined) throw undef(pe, what, 'not an implemented TLB maintenance instruction');
    const minEl = sysOpMinEl(desc);
    if (pe.el === 0) throw undef(pe, what, 'TLB maintenance is UNDEFINED at EL0');
    if (pe.el < minEl) throw undef(pe, what, `accessible from EL${minEl} and above`);
    if ((minEl === 2 && !pe.hasEl2) || (minEl === 3 && !pe.hasEl3)) throw undef(pe, what, `EL${minEl} is not implemented`);
    if (pe.el === 1 && el2Enabled(pe) && (pe.hcrLo & HCR_EL2.TTLB.lo) !== 0) {
      throw new SyncException(EC.SYSREG, sysOpIss(desc, rt), { targetEl: 2, reason: `${what} trapped to EL2 by HCR_EL2.TTLB` });
    }
    // HCR_EL2.FB (broadcast of EL1 forms) is part of the operation's scope: simulator/mmu/tlbi.ts.
    const mmu = pe.env.mmu;
    if (mmu.tlbi !== undefined) mmu.tlbi(pe, op, rt === undefined ? undefined : pe.getX(rt));
  }

  /**
   * AT (Arm ARM D8.14 "Address translation instructions"): the result goes to
   * PAR_EL1. The MMU's `addressTranslate` does the work; without it (flat
   * memory, no translation regimes) the PE's own translation of the VA gives
   * the result.
   */
  addressTranslate(pe: Pe, op: string, rt: number): void {
    refreshConfig(pe);
    const what = `AT ${op.toUpperCase()}`;
    const desc = findSysOp('at', op);
    if (desc === undefined) throw undef(pe, what, 'not an implemented address translation instruction');
    const minEl = sysOpMinEl(desc);
    if (pe.el < minEl) throw undef(pe, what, `accessible from EL${minEl} and above`);
    if ((minEl === 2 && !pe.hasEl2) || (minEl === 3 && !pe.hasEl3)) throw undef(pe, what, `EL${minEl} is not implemented`);
    const write = /wp?$/.test(op);
    const va = pe.addr(rt, false);
    const mmu = pe.env.mmu;
    let par: bigint;
    if (mmu.addressTranslate !== undefined) par = mmu.addressTranslate(pe, op, va);
    else {
      try {
        mmu.translate(pe, va, 1, write ? AccessType.Write : AccessType.Read);
        par = parSuccess(pe.tPa, pe.tAttrs, !isSecure(pe));
      } catch (err) {
        if (!(err instanceof SyncException)) throw err;
        par = parFault(ISS_DATA_ABORT.DFSC.ofLo(err.iss), ISS_DATA_ABORT.S1PTW.ofLo(err.iss) !== 0, err.stage === 2);
      }
    }
    pe.writeSysreg('PAR_EL1', par);
  }
}

/** The PSTATE register view an MSR (immediate) writes, by canonical table name. */
const PSTATE_FIELD_REGISTER: Record<PstateField, string> = {
  daifset: 'DAIF',
  daifclr: 'DAIF',
  spsel: 'SPSel',
  pan: 'PAN',
  uao: 'UAO',
  dit: 'DIT',
  ssbs: 'SSBS',
  tco: 'TCO',
};
const otherBit = (mask: number) => (pe: Pe): bigint => BigInt((pe.pstateOther & mask) >>> 0);
const PSTATE_FIELD_VALUE: Record<PstateField, (pe: Pe) => bigint> = {
  daifset: (pe) => BigInt(pe.daif()),
  daifclr: (pe) => BigInt(pe.daif()),
  spsel: (pe) => BigInt(pe.spsel),
  pan: otherBit(SPSR.PAN.lo),
  uao: otherBit(SPSR.UAO.lo),
  dit: otherBit(SPSR.DIT.lo),
  ssbs: otherBit(SPSR.SSBS.lo),
  tco: otherBit(SPSR.TCO.lo),
};

/**
 * Perform an exception return outside instruction execution (built-in
 * firmware finishing a handler): the ERET semantics, then the PC update the
 * step loop would commit. Throws SyncException only at EL0 (ERET UNDEFINED).
 */
export function exceptionReturn(pe: Pe): void {
  pe.sys.eret(pe);
  pe.pc = pe.nextPc;
}

/** Set or clear one PSTATE bit kept in `pe.pstateOther` (`mask`: its SPSR position). */
function setOther(pe: Pe, mask: number, imm: number): void {
  pe.pstateOther = (imm & 1) !== 0 ? pe.pstateOther | mask : pe.pstateOther & ~mask;
}

/** Whether E2H is in effect for the PE (for front ends that show which registers an _EL1 name reaches). */
export function vheActive(pe: Pe): boolean {
  refreshConfig(pe);
  return e2h(pe);
}
