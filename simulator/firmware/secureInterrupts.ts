/**
 * Secure interrupts in the SPMC (Hafnium src/ffa/spmc/interrupts.c,
 * handler.c): physical interrupts taken to S-EL2 while a partition runs or to
 * EL3 while the Normal world runs, virtual interrupt injection (HCR_EL2.VI/VF),
 * managed exit, the signaled Non-secure interrupt action, and Hafnium's
 * paravirtualised interrupt HVCs (HF_INTERRUPT_ENABLE/GET/DEACTIVATE/RECONFIGURE).
 */
import { ffaFid, HAFNIUM_IDS } from '../arch/index';
import { SCR_EL3, SPSR_M } from '../arch/registers/fields';
import type { ExceptionRecord } from '../pe/exception';
import type { Pe } from '../pe/pe';
import { bigToVa } from '../pe/entry';
import { hex } from '../util/hex';
import { returnToCaller } from './context';
import { FFA_INTERRUPT, ffaError, ffaSuccess, pad8 } from './ffa';
import type { Firmware } from './firmware';
import { HCR_VF, HCR_VI } from './registers';
import { FfaError } from '../arch/index';
import { INTID_SPURIOUS } from '../gic/types';
import { HF_CALL, HF_INVALID_INTID, HF_VIRTUAL_INTID, INT_RECONFIGURE, setPriorityMask, type SecureInterruptController } from './interrupts';
import { h64 } from './state';

// ---- Group 0 interrupts: EL3 (TF-A SPMD with EL3_EXCEPTION_HANDLING=0) ----------------------------

/**
 * The SPMD's Group 0 handling (TF-A services/std_svc/spmd/spmd_main.c,
 * `spmd_group0_interrupt_handler_nwd` and `spmd_handle_group0_intr_swd`):
 * acknowledge (ICC_IAR0_EL1), the platform handler
 * `plat_spmd_handle_group0_interrupt`, end of interrupt (ICC_EOIR0_EL1). The
 * platform handler handles the scenario's `el3_interrupts` (as TC's handler
 * handles its Trusted Watchdog: it has no code of its own to run here); any
 * other INTID — 1023 included, when nothing of Group 0 could be acknowledged —
 * returns −1 and TF-A panics ("Group0 interrupt N not handled"): the PE stops
 * at EL3 with the interrupt still active, and the run stops.
 */
function handleGroup0AtEl3(fw: Firmware, pe: Pe, gic: SecureInterruptController, line: number | undefined): { intid: number; handled: boolean } {
  const intid = gic.acknowledge(pe.id, '0');
  const handled = intid !== INTID_SPURIOUS && fw.cfg.el3Interrupts.includes(intid);
  if (handled) {
    gic.endOfInterrupt(pe.id, intid);
    return { intid, handled };
  }
  const why = `TF-A panic at EL3: Group0 interrupt ${intid} not handled (plat_spmd_handle_group0_interrupt returned -1)`;
  pe.state = 'halted';
  pe.stopReason = why;
  fw.host.addFinding({
    rule: 'el3-panic',
    severity: 'error',
    message: `${why}: ${intid === INTID_SPURIOUS ? 'no Group 0 interrupt was pending when the SPMD acknowledged (ICC_IAR0_EL1 = 1023)' : `INTID ${intid} is Group 0 but not one of the platform's el3_interrupts`} — declare it with firmware { el3_interrupts ${intid === INTID_SPURIOUS ? 'INTID' : intid} } or make it Secure Group 1 for a partition`,
    line,
    related: [],
    pe: pe.id,
  });
  fw.host.requestStop(why);
  return { intid, handled };
}

/** Group 0 pending while the Normal world runs: an FIQ taken to EL3 (SCR_EL3.FIQ = 1), handled there and the Normal world resumed. */
function monitorGroup0(fw: Firmware, pe: Pe, gic: SecureInterruptController): boolean {
  const elr = bigToVa(pe.readSysreg('ELR_EL3'));
  const line = fw.host.lineOfPc(elr);
  const g = handleGroup0AtEl3(fw, pe, gic, line);
  fw.emit(
    pe,
    'Group 0 interrupt',
    0n,
    fw.cfg.nwdId,
    undefined,
    [BigInt(g.intid)],
    g.handled ? 'handled at EL3; the Normal world resumes' : 'not handled: TF-A panics',
    line,
    `INTID ${g.intid} (Group 0) taken to EL3 as an FIQ while the Normal world ran: spmd_group0_interrupt_handler_nwd acknowledged it (ICC_IAR0_EL1)${g.handled ? ', plat_spmd_handle_group0_interrupt handled it, ICC_EOIR0_EL1 ended it' : ''}`,
  );
  if (g.handled) returnToCaller(pe, [], false);
  return true;
}

/**
 * Group 0 pending while a partition runs: the FIQ is taken to S-EL2
 * (HCR_EL2.FMO; SCR_EL3.FIQ = 0 in the Secure world) and Hafnium's fiq_lower,
 * seeing a Group 0 interrupt in ICC_HPPIR0_EL1, delegates it to EL3 with
 * FFA_EL3_INTR_HANDLE (spmd_group0_intr_delegate); the SPMD handles it and
 * returns FFA_SUCCESS, and the SPMC resumes the vCPU it interrupted.
 */
function spmcGroup0(fw: Firmware, pe: Pe, gic: SecureInterruptController, curName: string, taken: 'irq' | 'fiq'): boolean {
  const elr = bigToVa(pe.readSysreg('ELR_EL2'));
  const line = fw.host.lineOfPc(elr);
  const g = handleGroup0AtEl3(fw, pe, gic, line);
  fw.emit(
    pe,
    'FFA_EL3_INTR_HANDLE_32',
    BigInt(ffaFid('EL3_INTR_HANDLE')),
    HAFNIUM_IDS.SPMC,
    undefined,
    [],
    g.handled ? 'FFA_SUCCESS_32' : 'not handled: TF-A panics',
    line,
    `INTID ${g.intid} (Group 0) pending when ${taken === 'fiq' ? 'an FIQ' : 'an IRQ'} was taken to S-EL2 while ${curName} ran: the SPMC delegated it to EL3 (fiq_lower); spmd_handle_group0_intr_swd acknowledged it (ICC_IAR0_EL1)${g.handled ? `, plat_spmd_handle_group0_interrupt handled it, ICC_EOIR0_EL1 ended it; ${curName} resumes` : ''}`,
  );
  if (g.handled) returnToCaller(pe, [], false);
  return true;
}

/**
 * FFA_EL3_INTR_HANDLE as an SMC (a scenario's own SPMC at S-EL2, `spmc none`):
 * from the Secure world the SPMD handles the pending Group 0 interrupt and
 * returns FFA_SUCCESS (TF-A spmd_handle_group0_intr_swd); from the Normal
 * world it is FFA_ERROR(NOT_SUPPORTED) (spmd_smc_handler: secure origin only).
 */
export function el3IntrHandleSmc(fw: Firmware, pe: Pe): boolean {
  const elr = bigToVa(pe.readSysreg('ELR_EL3'));
  const line = fw.host.lineOfPc(elr - 4);
  const secure = !SCR_EL3.NS.isSet(pe.readSysreg('SCR_EL3'));
  const gic = fw.gic;
  if (!secure || !gic) {
    fw.emit(pe, 'FFA_EL3_INTR_HANDLE_32', BigInt(ffaFid('EL3_INTR_HANDLE')), secure ? HAFNIUM_IDS.SPMC : fw.cfg.nwdId, undefined, [], 'FFA_ERROR_32 NOT_SUPPORTED', line);
    returnToCaller(pe, ffaError(FfaError.NOT_SUPPORTED), false);
    return true;
  }
  const g = handleGroup0AtEl3(fw, pe, gic, line);
  fw.emit(
    pe,
    'FFA_EL3_INTR_HANDLE_32',
    BigInt(ffaFid('EL3_INTR_HANDLE')),
    HAFNIUM_IDS.SPMC,
    undefined,
    [],
    g.handled ? 'FFA_SUCCESS_32' : 'not handled: TF-A panics',
    line,
    `the SPMC delegated INTID ${g.intid} (Group 0) to EL3: spmd_handle_group0_intr_swd acknowledged it (ICC_IAR0_EL1)${g.handled ? ', plat_spmd_handle_group0_interrupt handled it, ICC_EOIR0_EL1 ended it' : ''}`,
  );
  if (g.handled) returnToCaller(pe, ffaSuccess(), false);
  return true;
}

/**
 * A physical interrupt taken to EL3 (SCR_EL3.FIQ/IRQ): Group 0 is the SPMD's
 * own (above); a secure interrupt while the Normal world runs goes to the SPMC.
 */
export function monitorInterrupt(fw: Firmware, pe: Pe): boolean {
  const gic = fw.gic;
  const fst = fw.st.pes[pe.id];
  if (!gic) return false;
  const pend = gic.highestPending(pe.id);
  if (pend?.group === '0' && SCR_EL3.NS.isSet(pe.readSysreg('SCR_EL3'))) return monitorGroup0(fw, pe, gic);
  if (fst.current.kind !== 'nwd' || fw.cfg.spmc !== 'builtin') return false;
  if (!pend || pend.group !== '1s') return false;
  const intid = gic.acknowledge(pe.id, '1s');
  if (intid === INTID_SPURIOUS) {
    returnToCaller(pe, [], false);
    return true;
  }
  // Acknowledged (active) until the partition deactivates it with HF_INTERRUPT_DEACTIVATE: a level-sensitive
  // source that stays high is not signalled again meanwhile (GICv3 §4.1.2 active and pending).
  const owner = interruptOwner(fw, intid);
  fw.emit(pe, 'FFA_INTERRUPT', BigInt(ffaFid('INTERRUPT')), fw.cfg.nwdId, owner >= 0 ? fw.cfg.partitions[owner].id : undefined, [BigInt(intid)], 'secure interrupt while the Normal world runs: the SPMD hands it to the SPMC');
  if (owner < 0) {
    returnToCaller(pe, [], false);
    return true;
  }
  // Preempt the Normal world; the owner runs with FFA_INTERRUPT and the vIRQ pending (FF-A §8.3 "Secure interrupt signalling").
  const vcpu = fw.targetVcpu(owner, pe.id);
  const v = fw.st.partitions[owner].vcpus[vcpu];
  v.pendingVirq.push(intid);
  const elr = bigToVa(pe.readSysreg('ELR_EL3'));
  const spsr = Number(pe.readSysreg('SPSR_EL3') & 0xffffffffn);
  if (v.state !== 'waiting') {
    // The owner is busy elsewhere: the interrupt stays pending for it.
    returnToCaller(pe, [], false);
    return true;
  }
  fw.saveCurrent(pe, elr, spsr);
  v.interruptRun = true;
  fw.pushFrame(pe, { kind: 'interrupt', caller: fw.cfg.nwdId, callee: fw.cfg.partitions[owner].id, callerRef: { kind: 'nwd' }, fid: Number(FFA_INTERRUPT), name: 'FFA_INTERRUPT', args: [h64(intid)], pc: elr, el: SPSR_M.EL.ofLo(spsr), secure: false });
  fw.enter(pe, { kind: 'sp', part: owner, vcpu }, [FFA_INTERRUPT, 0n, BigInt(intid), 0n, 0n, 0n, 0n, 0n]);
  return true;
}

/**
 * Hafnium's paravirtualised interrupt HVCs from a partition; an FF-A call
 * made with HVC returns `'ffa'` for the SPMC's FF-A dispatch (entry.ts).
 */
export function hvcCall(fw: Firmware, pe: Pe): boolean | 'ffa' {
  const fst = fw.st.pes[pe.id];
  const cur = fst.current;
  if (cur.kind !== 'sp') return false;
  const x0 = Number(pe.getX(0) & 0xffffffffn);
  if ((x0 & 0xffff_0000) !== 0 && ((x0 >>> 24) & 0x3f) === 4) return 'ffa';
  const vcpu = fw.st.partitions[cur.part].vcpus[cur.vcpu];
  const p = fw.cfg.partitions[cur.part];
  const x1 = Number(pe.getX(1) & 0xffffffffn);
  const x2 = Number(pe.getX(2) & 0xffffffffn);
  let r: bigint;
  const valid = (intid: number): boolean => p.interrupts.includes(intid) || Object.values(HF_VIRTUAL_INTID).includes(intid as 4);
  switch (x0) {
    case HF_CALL.INTERRUPT_ENABLE: {
      if (!valid(x1)) {
        r = BigInt.asUintN(64, -1n);
        break;
      }
      vcpu.enabledVirq = vcpu.enabledVirq.filter((x) => x !== x1);
      if (x2 !== 0) vcpu.enabledVirq.push(x1);
      if (p.interrupts.includes(x1)) fw.gic?.setEnabled(x1, x2 !== 0, pe.id);
      r = 0n;
      break;
    }
    case HF_CALL.INTERRUPT_GET: {
      const intid = vcpu.pendingVirq.shift();
      if (intid === undefined) r = BigInt(HF_INVALID_INTID);
      else {
        vcpu.activeVirq.push(intid);
        r = BigInt(intid);
      }
      break;
    }
    case HF_CALL.INTERRUPT_DEACTIVATE: {
      // x1 = physical INTID, x2 = virtual INTID (Hafnium api_interrupt_deactivate).
      const i = vcpu.activeVirq.indexOf(x2);
      if (x1 !== x2 || i < 0) r = BigInt.asUintN(64, -1n);
      else {
        vcpu.activeVirq.splice(i, 1);
        // Priority drop and deactivation of the physical interrupt (ICC_EOIR1_EL1 with EOImode=0) on this PE.
        if (p.interrupts.includes(x1)) fw.gic?.endOfInterrupt(pe.id, x1);
        r = 0n;
      }
      break;
    }
    case HF_CALL.INTERRUPT_RECONFIGURE: {
      if (!p.interrupts.includes(x1) || !fw.gic) {
        r = BigInt.asUintN(64, -1n);
        break;
      }
      if (x2 === INT_RECONFIGURE.ENABLE) fw.gic.setEnabled(x1, (Number(pe.getX(3)) & 1) !== 0, pe.id);
      else if (x2 === INT_RECONFIGURE.TARGET_PE) fw.gic.configure(x1, { targetPe: Number(pe.getX(3)) });
      else if (x2 === INT_RECONFIGURE.SEC_STATE) fw.gic.configure(x1, { group: (Number(pe.getX(3)) & 1) === 0 ? '1s' : '1ns' });
      else {
        r = BigInt.asUintN(64, -1n);
        break;
      }
      r = 0n;
      break;
    }
    default:
      r = BigInt.asUintN(64, -1n);
  }
  fw.emit(pe, hfName(x0), BigInt(x0), fw.endpointId(cur), HAFNIUM_IDS.SPMC, [pe.getX(1), pe.getX(2), pe.getX(3)], hex(r), fw.host.lineOfPc(bigToVa(pe.readSysreg('ELR_EL2')) - 4));
  refreshVirtualLines(fw, pe, cur.part, cur.vcpu);
  returnToCaller(pe, [r], false);
  return true;
}

/** HCR_EL2.VI/VF of the running vCPU follow its pending virtual interrupts (Hafnium sets them at every vCPU entry). */
export function refreshVirtualLines(fw: Firmware, pe: Pe, pi: number, vi: number): void {
  const v = fw.st.partitions[pi].vcpus[vi];
  let hcr = pe.readSysreg('HCR_EL2') & ~(HCR_VI | HCR_VF);
  if (v.pendingVirq.some((x) => !fw.isFiqVirq(pi, x))) hcr |= HCR_VI;
  if (v.pendingVirq.some((x) => fw.isFiqVirq(pi, x))) hcr |= HCR_VF;
  pe.writeSysreg('HCR_EL2', hcr);
}

export function interruptOwner(fw: Firmware, intid: number): number {
  return fw.cfg.partitions.findIndex((p) => p.interrupts.includes(intid));
}

/**
 * A physical interrupt taken to S-EL2 while a partition runs (HCR_EL2.IMO/FMO=1):
 * a secure interrupt is acknowledged, ended, and injected as a virtual
 * interrupt into its partition (Hafnium ffa_interrupts_handle_secure_interrupt);
 * a Non-secure one (signalled as FIQ in the Secure state) triggers the
 * partition's ns-interrupts-action: managed exit, or signaled (preempt and
 * return FFA_INTERRUPT to the Normal world).
 */
export function spmcInterrupt(fw: Firmware, pe: Pe, info: ExceptionRecord): boolean {
  const gic = fw.gic;
  const fst = fw.st.pes[pe.id];
  const cur = fst.current;
  if (!gic || cur.kind !== 'sp') return false;
  const pend = gic.highestPending(pe.id);
  const elr = bigToVa(pe.readSysreg('ELR_EL2'));
  const spsr = Number(pe.readSysreg('SPSR_EL2') & 0xffffffffn);
  const curId = fw.endpointId(cur);
  if (!pend) {
    returnToCaller(pe, [], false);
    return true;
  }
  // Group 0 (Hafnium fiq_lower checks ICC_HPPIR0_EL1 first): delegated to EL3 before anything else. Taken as an
  // IRQ (a lower-priority Group 1 interrupt also pending), Hafnium's irq_lower would read ICC_IAR1_EL1 = 1023 and
  // return, and the FIQ the GIC signals for Group 0 would be taken at once: the same delegation, one exception later.
  if (pend.group === '0') return spmcGroup0(fw, pe, gic, fw.endpointName(cur), info.type === 'irq' ? 'irq' : 'fiq');
  if (pend.group === '1ns') {
    const p = fw.cfg.partitions[cur.part];
    const vcpu = fw.st.partitions[cur.part].vcpus[cur.vcpu];
    if (p.nsInterrupts === 'managed_exit' || p.nsInterrupts === 'queued') {
      // Mask Non-secure interrupts in the priority mask so the SP can run (Hafnium plat_interrupts_set_priority_mask).
      const prev = setPriorityMask(gic, pe.id, pend.priority);
      if (fst.pmrRestore === undefined) fst.pmrRestore = prev;
      if (p.nsInterrupts === 'managed_exit' && !vcpu.managedExit) {
        vcpu.managedExit = { pmr: prev };
        vcpu.pendingVirq.push(HF_VIRTUAL_INTID.MANAGED_EXIT);
        fw.emit(pe, 'managed exit', 0n, HAFNIUM_IDS.SPMC, curId, [BigInt(pend.intid)], `Non-secure interrupt ${pend.intid}: virtual INTID 4 injected into ${fw.endpointName(cur)}`);
        refreshVirtualLines(fw, pe, cur.part, cur.vcpu);
      }
      returnToCaller(pe, [], false);
      return true;
    }
    // Signaled: preempt the SP and return FFA_INTERRUPT to the Normal world (FF-A §8.3.2); the direct request
    // stays in progress — the Normal world resumes the SP with FFA_RUN and gets the response from that call.
    if (!fst.chain.some((f) => f.callerRef.kind === 'nwd') || !fst.nwdCtx) {
      returnToCaller(pe, [], false);
      return true;
    }
    fw.saveCurrent(pe, elr, spsr, 'preempted');
    fw.emit(pe, 'FFA_INTERRUPT', FFA_INTERRUPT, HAFNIUM_IDS.SPMC, fw.cfg.nwdId, [BigInt(pend.intid)], `Non-secure interrupt ${pend.intid} preempts ${fw.endpointName(cur)}`);
    fw.resumeNwd(pe, pad8([FFA_INTERRUPT, BigInt(((curId << 16) | cur.vcpu) >>> 0)]));
    return true;
  }
  const intid = gic.acknowledge(pe.id, pend.group);
  if (intid === INTID_SPURIOUS) {
    returnToCaller(pe, [], false);
    return true;
  }
  // Stays active until HF_INTERRUPT_DEACTIVATE (see monitorInterrupt).
  const owner = interruptOwner(fw, intid);
  if (owner < 0) gic.endOfInterrupt(pe.id, intid);
  fw.emit(pe, 'secure interrupt', 0n, HAFNIUM_IDS.SPMC, owner >= 0 ? fw.cfg.partitions[owner].id : undefined, [BigInt(intid)], owner >= 0 ? `virtual interrupt ${intid} injected into ${fw.cfg.partitions[owner].name}` : 'no partition owns it');
  if (owner >= 0) {
    const vi = fw.targetVcpu(owner, pe.id);
    const v = fw.st.partitions[owner].vcpus[vi];
    if (!v.pendingVirq.includes(intid)) v.pendingVirq.push(intid);
    if (owner === cur.part) refreshVirtualLines(fw, pe, cur.part, cur.vcpu);
    else if (v.state === 'waiting') {
      // The owner waits: preempt the running SP, run the owner with FFA_INTERRUPT; its FFA_MSG_WAIT resumes the preempted one.
      fw.saveCurrent(pe, elr, spsr, 'preempted');
      v.interruptRun = true;
      fw.pushFrame(pe, { kind: 'interrupt', caller: curId, callee: fw.cfg.partitions[owner].id, callerRef: cur, fid: Number(FFA_INTERRUPT), name: 'FFA_INTERRUPT', args: [h64(intid)], pc: elr, el: SPSR_M.EL.ofLo(spsr), secure: true });
      fw.enter(pe, { kind: 'sp', part: owner, vcpu: vi }, pad8([FFA_INTERRUPT, 0n, BigInt(intid)]));
      void info;
      return true;
    }
  }
  returnToCaller(pe, [], false);
  return true;
}

function hfName(x0: number): string {
  switch (x0) {
    case HF_CALL.INTERRUPT_ENABLE:
      return 'HF_INTERRUPT_ENABLE';
    case HF_CALL.INTERRUPT_GET:
      return 'HF_INTERRUPT_GET';
    case HF_CALL.INTERRUPT_DEACTIVATE:
      return 'HF_INTERRUPT_DEACTIVATE';
    case HF_CALL.INTERRUPT_RECONFIGURE:
      return 'HF_INTERRUPT_RECONFIGURE';
    default:
      return `HVC ${hex(x0)}`;
  }
}

