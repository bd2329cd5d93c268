/**
 * The EL3 monitor (modelled on TF-A): SMCCC dispatch (SMC Calling Convention,
 * DEN 0028 §2 and §7), PSCI (DEN 0022: PSCI_VERSION, CPU_ON, CPU_OFF), and the
 * SPMD's part: FF-A calls from the Normal world go to the SPMC (TF-A
 * services/std_svc/spmd). Unknown calls return SMC_UNK (−1).
 */
import { FfaError, HAFNIUM_IDS, decodeFunctionId, ffaFid, psciFid } from '../arch/index';
import { MPIDR_EL1, SPSR_M } from '../arch/registers/fields';
import { el3IntrHandleSmc } from './secureInterrupts';
import type { Pe } from '../pe/pe';
import { bigToVa } from '../pe/entry';
import { hex } from '../util/hex';
import { captureCurrent, enterContext, entrySpsr, freshContext, returnToCaller, saveContext } from './context';
import { ffaError } from './ffa';
import type { Firmware } from './firmware';
import { SCR_EEL2, SCR_FIQ, SCR_NS, SCTLR_EL1_RESET } from './registers';
import { h64 } from './state';

/**
 * SMCCC dispatch (SMC Calling Convention DEN 0028 §2; TF-A std_svc / spmd).
 * An FF-A call the SPMD forwards to the built-in SPMC returns `'ffa'` (entry.ts dispatches it).
 */
export function monitorSmc(fw: Firmware, pe: Pe): boolean | 'ffa' {
  const w0 = Number(pe.getX(0) & 0xffffffffn);
  const d = decodeFunctionId(w0);
  const ret = (v: bigint): boolean => {
    returnToCaller(pe, [v], false);
    return true;
  };
  if (w0 === 0x8000_0000) return ret(0x1_0002n); // SMCCC_VERSION: v1.2
  if (w0 === 0x8000_0001) {
    // SMCCC_ARCH_FEATURES: SMCCC_VERSION and ARCH_FEATURES themselves only.
    const q = Number(pe.getX(1) & 0xffffffffn);
    return ret(q === 0x8000_0000 || q === 0x8000_0001 ? 0n : BigInt.asUintN(64, -1n));
  }
  if (w0 === psciFid('PSCI_VERSION')) return ret(0x1_0001n); // PSCI 1.1
  if (w0 === psciFid('CPU_ON', 32) || w0 === psciFid('CPU_ON', 64)) return ret(BigInt.asUintN(64, BigInt(cpuOn(fw, pe))));
  if (w0 === psciFid('CPU_OFF')) {
    pe.state = 'halted';
    pe.stopReason = 'PSCI CPU_OFF';
    return true;
  }
  // FFA_EL3_INTR_HANDLE is the SPMD's own (TF-A spmd_smc_handler): never forwarded.
  if (w0 === ffaFid('EL3_INTR_HANDLE')) return el3IntrHandleSmc(fw, pe);
  if (d.service === 'ffa' || (((w0 >>> 24) & 0x3f) === 4 && (w0 & 0xffff) >= 0x60 && (w0 & 0xffff) <= 0x97)) {
    if (fw.st.pes[pe.id].userSpmc) return spmdForward(fw, pe);
    if ((pe.readSysreg('SCR_EL3') & SCR_NS) === 0n || fw.cfg.spmc !== 'builtin') {
      // An FF-A call the SPMD cannot forward (no built-in SPMC, or from the Secure world at EL3).
      returnToCaller(pe, ffaError(FfaError.NOT_SUPPORTED), false);
      return true;
    }
    return 'ffa';
  }
  return ret(BigInt.asUintN(64, -1n)); // SMC_UNK
}

/** MPIDR_EL1's affinity fields: what identifies a PE to PSCI (DEN 0022 §5.1.4 "target_cpu"). */
const AFFINITY = MPIDR_EL1.Aff3.mask | MPIDR_EL1.Aff2.mask | MPIDR_EL1.Aff1.mask | MPIDR_EL1.Aff0.mask;

/** PSCI CPU_ON (DEN 0022 §5.6): x1 target MPIDR, x2 entry, x3 context ID. */
export function cpuOn(fw: Firmware, pe: Pe): number {
  const mpidr = pe.getX(1) & AFFINITY;
  const target = fw.host.pes.find((p) => (p.readSysreg('MPIDR_EL1') & AFFINITY) === mpidr);
  if (!target) return -2; // INVALID_PARAMETERS
  if (target.state !== 'halted') return -4; // ALREADY_ON
  const entry = bigToVa(pe.getX(2));
  // The new PE starts at the caller's EL (EL2 for a hypervisor, else EL1), MMU off (PSCI §6.4 "CPU_ON").
  const callerEl = SPSR_M.EL.num(pe.readSysreg('SPSR_EL3'));
  const ctx = freshContext(entry, entrySpsr(callerEl === 2 ? 2 : 1), [['SCTLR_EL1', SCTLR_EL1_RESET]]);
  ctx.xlo[0] = Number(pe.getX(3) & 0xffffffffn);
  ctx.xhi[0] = Number(pe.getX(3) >> 32n);
  target.state = 'running';
  target.stopReason = undefined;
  const fst = fw.st.pes[target.id];
  fst.nwdCtx = ctx;
  fw.scrNwd[target.id] = fw.scrNwd[pe.id];
  fw.enter(target, { kind: 'nwd' }, undefined);
  return 0;
}

/** SCR_EL3 for the Secure world with S-EL2: NS=0, EEL2=1, no FIQ routing to EL3. */
function secureScr(fw: Firmware, peId: number): bigint {
  return (fw.scrNwd[peId] & ~(SCR_NS | SCR_FIQ)) | SCR_EEL2;
}

/**
 * `firmware { spmc none; spmc_entry LABEL }`: the SPMD boots the scenario's own
 * SPMC at S-EL2 on PE 0 (EL2h, DAIF masked, SP_EL2 = spmc_stack) before the
 * Normal world, as TF-A does with an S-EL2 SPMC; the SPMC ends its
 * initialisation with an FF-A SMC (FFA_MSG_WAIT) and the Normal world starts.
 */
export function bootUserSpmc(fw: Firmware): void {
  const pe = fw.host.pes[0];
  if (!pe || pe.state === 'halted' || (pe.readSysreg('SCR_EL3') & SCR_NS) === 0n) return;
  const fst = fw.st.pes[0];
  fst.nwdCtx = captureCurrent(pe, 2);
  const ctx = freshContext(fw.cfg.spmcEntry!, entrySpsr(2), [], fw.cfg.spmcStack !== undefined ? { el: 2, value: fw.cfg.spmcStack } : undefined);
  fst.userSpmc = { running: true, booted: false };
  fw.clearSwitchable(pe, 2);
  enterContext(pe, ctx, undefined, secureScr(fw, 0));
}

/**
 * The SPMD with the scenario's SPMC (TF-A services/std_svc/spmd): an FF-A SMC
 * from the Normal world is forwarded to the SPMC (world switch, x0–x7 as the
 * caller left them); an FF-A SMC from the SPMC is its answer, forwarded to the
 * Normal world — the first one (FFA_MSG_WAIT) ends the SPMC's initialisation.
 */
export function spmdForward(fw: Firmware, pe: Pe): boolean {
  const fst = fw.st.pes[pe.id];
  const u = fst.userSpmc!;
  const regs: bigint[] = [];
  for (let i = 0; i < 8; i++) regs.push(pe.getX(i));
  const elr = bigToVa(pe.readSysreg('ELR_EL3'));
  const spsr = Number(pe.readSysreg('SPSR_EL3') & 0xffffffffn);
  const fid = Number(regs[0] & 0xffffffffn);
  const name = decodeFunctionId(fid).name ?? `FID ${hex(fid)}`;
  const line = fw.host.lineOfPc(elr - 4);
  if (u.running) {
    u.ctx = saveContext(pe, elr, spsr, 2);
    u.running = false;
    const booting = !u.booted;
    u.booted = true;
    const top = fst.chain[fst.chain.length - 1];
    if (top?.kind === 'forward') fst.chain.pop();
    fw.emit(pe, name, regs[0], HAFNIUM_IDS.SPMC, fw.cfg.nwdId, regs.slice(1), booting ? 'SPMC initialised: the Normal world starts' : `forwarded to NWd ${hex(fw.cfg.nwdId, 4)}`, line);
    if (!fst.nwdCtx) {
      pe.state = 'halted';
      pe.stopReason = 'the SPMC answered but the Normal world has no context on this PE';
      return true;
    }
    const ctx = fst.nwdCtx;
    fst.nwdCtx = undefined;
    fw.clearSwitchable(pe, 2);
    enterContext(pe, ctx, booting ? undefined : regs, fw.scrNwd[pe.id]);
    return true;
  }
  if (!u.ctx) {
    returnToCaller(pe, ffaError(FfaError.NOT_SUPPORTED), false);
    return true;
  }
  fst.nwdCtx = saveContext(pe, elr, spsr, 2);
  fst.chain.push({ kind: 'forward', caller: fw.cfg.nwdId, callee: HAFNIUM_IDS.SPMC, callerRef: { kind: 'nwd' }, fid, name, args: regs.slice(1).map(h64), pc: elr, line, el: SPSR_M.EL.ofLo(spsr), secure: false, step: fw.host.steps + 1 });
  fw.emit(pe, name, regs[0], fw.cfg.nwdId, HAFNIUM_IDS.SPMC, regs.slice(1), 'forwarded to the SPMC', line);
  const ctx = u.ctx;
  u.ctx = undefined;
  u.running = true;
  fw.clearSwitchable(pe, 2);
  enterContext(pe, ctx, regs, secureScr(fw, pe.id));
  return true;
}
