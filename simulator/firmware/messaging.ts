/**
 * FF-A direct messaging and scheduling in the SPMC (FF-A v1.1 §15 "Direct
 * messaging", §13.6–13.7 RUN/YIELD, §15.4 MSG_WAIT; Hafnium api.c): the call
 * chain of direct requests, the responses (with Hafnium's handling of a
 * response that meets a pending virtual interrupt), boot completion, and RUN.
 */
import { decodeFunctionId, FfaError } from '../arch/index';
import { SPSR, SPSR_M } from '../arch/registers/fields';
import type { Pe } from '../pe/pe';
import { ffaError, ffaSuccess, FFA_INTERRUPT, FFA_MSG_WAIT, type Outcome } from './ffa';
import type { Firmware } from './firmware';
import { HF_VIRTUAL_INTID } from './interrupts';
import { h64, type EndpointRef } from './state';
import { hex } from '../util/hex';

/** x3–x7 of a direct message, the non-zero ones (`x3=0x1 x4=0x2`), for the call's `detail`. */
function payloadText(a: readonly bigint[]): string {
  const parts: string[] = [];
  for (let i = 3; i <= 7; i++) if (a[i] !== 0n) parts.push(`x${i}=${hex(a[i])}`);
  return parts.length > 0 ? parts.join(' ') : 'empty payload';
}

/** FFA_MSG_SEND_DIRECT_REQ (FF-A §15.2): w1 = sender | receiver, x2 flags, payload x3–x7. */
export function directReq(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, fid: number, a: bigint[], site: { resume: number; spsr: number; callPc: number }): Outcome {
  const err = (c: number): Outcome => ({ kind: 'return', regs: ffaError(c) });
  const w1 = Number(a[1] & 0xffffffffn);
  const sender = w1 >>> 16;
  const receiver = w1 & 0xffff;
  fw.callDetail = `direct request ${hex(sender, 4)} → ${hex(receiver, 4)}, ${payloadText(a)}`;
  if (sender !== callerId) return err(FfaError.INVALID_PARAMETERS);
  if (receiver === callerId) return err(FfaError.INVALID_PARAMETERS);
  const flags = Number(a[2] & 0xffffffffn);
  // x2 bit31: framework message (PSCI, VM lifecycle); the SPMC does not send these to partitions on behalf of others.
  if ((flags & 0x8000_0000) !== 0 && caller.kind === 'sp') return err(FfaError.INVALID_PARAMETERS);
  const pi = fw.partitionIndex(receiver);
  if (pi < 0) return err(FfaError.INVALID_PARAMETERS);
  const p = fw.cfg.partitions[pi];
  if (!p.receive) return err(FfaError.DENIED);
  if (caller.kind === 'sp' && !fw.cfg.partitions[caller.part].send) return err(FfaError.DENIED);
  const vi = fw.targetVcpu(pi, pe.id);
  if (vi >= p.vcpus) return err(FfaError.INVALID_PARAMETERS);
  const v = fw.st.partitions[pi].vcpus[vi];
  fw.callDetail = `direct request ${hex(sender, 4)} → ${hex(receiver, 4)} vCPU ${vi} (${v.state}), ${payloadText(a)}`;
  if (v.state === 'aborted') return err(FfaError.ABORTED);
  // A loop in the call chain (the receiver already waits for an answer further up) is BUSY, as is any vCPU not waiting.
  if (v.state !== 'waiting') return err(FfaError.BUSY);
  fw.pushFrame(pe, { kind: 'direct-req', caller: callerId, callee: receiver, callerRef: caller, fid, name: decodeFunctionId(fid).name ?? 'FFA_MSG_SEND_DIRECT_REQ', args: a.slice(1, 8).map(h64), pc: site.callPc + 4, el: SPSR_M.EL.ofLo(site.spsr), secure: caller.kind === 'sp' });
  const regs = [BigInt(fid), BigInt(w1), a[2] & 0xffffffffn, a[3], a[4], a[5], a[6], a[7]];
  return { kind: 'switch', callerState: caller.kind === 'sp' ? 'blocked' : undefined, to: { kind: 'sp', part: pi, vcpu: vi }, regs };
}

/** FFA_MSG_SEND_DIRECT_RESP (FF-A §15.3), including Hafnium's handling of a response that hits a pending virtual interrupt. */
export function directResp(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, fid: number, a: bigint[]): Outcome {
  const err = (c: number): Outcome => ({ kind: 'return', regs: ffaError(c) });
  if (caller.kind !== 'sp') return err(FfaError.NOT_SUPPORTED);
  const chain = fw.st.pes[pe.id].chain;
  // Resumed with FFA_RUN after a preemption: the response answers the direct request under the RUN.
  const runOnTop = fw.topFrameFor(pe, callerId)?.kind === 'run';
  const frame = runOnTop ? chain[chain.length - 2] : fw.topFrameFor(pe, callerId);
  if (!frame || frame.kind !== 'direct-req' || frame.callee !== callerId) return err(FfaError.DENIED);
  const w1 = Number(a[1] & 0xffffffffn);
  fw.callDetail = `direct response ${hex(w1 >>> 16, 4)} → ${hex(w1 & 0xffff, 4)} to the request at line ${frame.line !== undefined ? frame.line + 1 : '?'}, ${payloadText(a)}`;
  if (w1 >>> 16 !== callerId || (w1 & 0xffff) !== frame.caller) return err(FfaError.INVALID_PARAMETERS);
  const vcpu = fw.vcpuOf(caller)!;
  const spsr = Number(pe.readSysreg('SPSR_EL2') & 0xffffffffn);
  const irqMasked = (spsr & SPSR.I.lo) !== 0;
  const pendingSecure = vcpu.pendingVirq.filter((x) => x !== HF_VIRTUAL_INTID.MANAGED_EXIT);
  if (vcpu.managedExit) {
    // Managed exit complete: restore the priority mask the SPMC lowered (Hafnium handler.c).
    vcpu.pendingVirq = vcpu.pendingVirq.filter((x) => x !== HF_VIRTUAL_INTID.MANAGED_EXIT);
    vcpu.managedExit = undefined;
  } else if (pendingSecure.length > 0 && irqMasked) {
    const why = `virtual interrupt ${pendingSecure[0]} is pending and the SP runs with PSTATE.I=1`;
    if (fw.cfg.directRespInterrupted === 'error') {
      fw.callDetail += `; refused: ${why}`;
      // Hafnium 5fd32488 … 151c2e7f (plat_ffa_is_direct_response_interrupted): FFA_ERROR(INTERRUPTED) back to the SP.
      return err(FfaError.INTERRUPTED);
    }
    // Later Hafnium (ffa_interrupts_intercept_call): preempt with FFA_INTERRUPT, replay the response after FFA_MSG_WAIT.
    fw.callDetail += `; intercepted: ${why}, the response is replayed at the SP's next FFA_MSG_WAIT`;
    vcpu.intercepted = a.slice(0, 8).map(h64);
    return { kind: 'return', regs: [FFA_INTERRUPT, 0n, BigInt(pendingSecure[0]), 0n, 0n, 0n, 0n, 0n] };
  }
  if (runOnTop) chain.pop();
  chain.pop();
  return { kind: 'switch', callerState: 'waiting', to: frame.callerRef, regs: [BigInt(fid), BigInt(w1), 0n, a[3], a[4], a[5], a[6], a[7]] };
}

/** FFA_MSG_WAIT (FF-A §15.4): end of initialisation, end of interrupt handling, or the replay of an intercepted response. */
export function msgWait(fw: Firmware, pe: Pe, caller: EndpointRef): Outcome {
  if (caller.kind !== 'sp') return { kind: 'return', regs: ffaError(FfaError.NOT_SUPPORTED) };
  const vcpu = fw.vcpuOf(caller)!;
  const callerId = fw.endpointId(caller);
  const fst = fw.st.pes[pe.id];
  if (!fw.everWaited(caller.part, caller.vcpu)) {
    fw.markWaited(caller.part, caller.vcpu);
    // Boot: the next partition, or the Normal world.
    const next = fst.boot[0];
    if (next) {
      fst.boot.shift();
      const [pi, vi] = next;
      const nv = fw.st.partitions[pi].vcpus[vi];
      nv.ctx = fw.bootContext(pi, vi);
      return { kind: 'switch', callerState: 'waiting', to: { kind: 'sp', part: pi, vcpu: vi } };
    }
    return { kind: 'switch', callerState: 'waiting', to: { kind: 'nwd' } };
  }
  if (vcpu.intercepted) {
    // Replay the intercepted FFA_MSG_SEND_DIRECT_RESP (Hafnium 151c2e7f).
    const regs = vcpu.intercepted.map((x) => BigInt(x));
    const w1 = Number(regs[1] & 0xffffffffn);
    fw.callDetail = `replaying the intercepted direct response ${hex(w1 >>> 16, 4)} → ${hex(w1 & 0xffff, 4)}, ${payloadText(regs)}`;
    vcpu.intercepted = undefined;
    const frame = fw.topFrameFor(pe, callerId);
    if (frame) {
      fst.chain.pop();
      return { kind: 'switch', callerState: 'waiting', to: frame.callerRef, regs: [regs[0], regs[1], 0n, regs[3], regs[4], regs[5], regs[6], regs[7]] };
    }
  }
  const top = fw.topFrameFor(pe, callerId);
  if (top && top.kind === 'interrupt') {
    // Interrupt handled: whoever was preempted resumes as it was (the SPMD's FFA_NORMAL_WORLD_RESUME for the Normal world).
    fst.chain.pop();
    vcpu.interruptRun = undefined;
    return { kind: 'switch', callerState: 'waiting', to: top.callerRef };
  }
  if (top && top.kind === 'run') {
    fst.chain.pop();
    return { kind: 'switch', callerState: 'waiting', to: top.callerRef, regs: [FFA_MSG_WAIT, BigInt((callerId << 16) >>> 0), 0n, 0n, 0n, 0n, 0n, 0n] };
  }
  // Waiting while a direct request is in progress: the SP owes a response (FF-A §15.4: DENIED).
  if (top) return { kind: 'return', regs: ffaError(FfaError.DENIED) };
  return { kind: 'switch', callerState: 'waiting', to: { kind: 'nwd' } };
}

/** FFA_RUN (FF-A §13.6): w1 = target ID [31:16] | vCPU [15:0]; Normal world only here. */
export function run(fw: Firmware, pe: Pe, caller: EndpointRef, a: bigint[], site: { resume: number; spsr: number; callPc: number }): Outcome {
  const err = (c: number): Outcome => ({ kind: 'return', regs: ffaError(c) });
  if (caller.kind !== 'nwd') return err(FfaError.NOT_SUPPORTED);
  const w1 = Number(a[1] & 0xffffffffn);
  const pi = fw.partitionIndex(w1 >>> 16);
  if (pi < 0) return err(FfaError.INVALID_PARAMETERS);
  const vi = w1 & 0xffff;
  const ps = fw.st.partitions[pi];
  if (vi >= ps.vcpus.length) return err(FfaError.INVALID_PARAMETERS);
  const v = ps.vcpus[vi];
  if (v.state === 'aborted') return err(FfaError.ABORTED);
  if (v.state === 'running' || v.state === 'blocked') return err(FfaError.BUSY);
  if (v.state === 'waiting' && v.pendingVirq.length === 0) return { kind: 'return', regs: [FFA_MSG_WAIT, BigInt((w1 & 0xffff0000) >>> 0), 0n, 0n, 0n, 0n, 0n, 0n] };
  if (v.state === 'off') return err(FfaError.DENIED);
  fw.pushFrame(pe, { kind: 'run', caller: fw.cfg.nwdId, callee: fw.cfg.partitions[pi].id, callerRef: caller, fid: Number(a[0] & 0xffffffffn), name: 'FFA_RUN', args: a.slice(1, 8).map(h64), pc: site.callPc + 4, el: SPSR_M.EL.ofLo(site.spsr), secure: false });
  // A vCPU that yielded gets FFA_SUCCESS from its FFA_YIELD; one preempted by an interrupt resumes where it was.
  const regs = v.state === 'waiting' ? [FFA_INTERRUPT, 0n, BigInt(v.pendingVirq[0]), 0n, 0n, 0n, 0n, 0n] : v.yielded ? ffaSuccess() : undefined;
  v.yielded = undefined;
  return { kind: 'switch', to: { kind: 'sp', part: pi, vcpu: vi }, regs };
}
