/**
 * The SPMC's FF-A interface (Arm FF-A v1.1/v1.2, Hafnium src/api.c,
 * src/ffa/spmc/): an FF-A call from a partition (SMC trapped by
 * HCR_EL2.TSC, HVC, or SVC from S-EL0) or forwarded by the SPMD from the
 * Normal world is decoded from x0–x17, dispatched to its handler (setup
 * calls here; messaging.ts, memoryShare.ts, notifications.ts), published on
 * the firmware's hooks (`callEntry`, `call`, `callExit`) and applied: a return
 * into the caller, or a switch to another endpoint.
 */
import { decodeFunctionId, FfaError, ffaErrorName, HAFNIUM_IDS, type FfaFunctionName } from '../arch/index';
import type { ExceptionRecord } from '../pe/exception';
import type { Pe } from '../pe/pe';
import { bigToVa } from '../pe/entry';
import { hex } from '../util/hex';
import { returnToCaller } from './context';
import { ffaError, ffaSuccess, FFA_YIELD, pad8, type Outcome, type Via } from './ffa';
import type { CallEntry, Firmware } from './firmware';
import { HF_VIRTUAL_INTID } from './interrupts';
import { handleMemoryCall, isMemoryCall } from './memoryShare';
import { directReq, directResp, msgWait, run } from './messaging';
import { notification } from './notifications';
import type { EndpointRef } from './state';
import { TablePoolExhausted } from './tables';

/**
 * The FF-A functions the built-in SPMC implements (what FFA_FEATURES reports as
 * supported; docs/firmware.md's table is generated from this list and the FF-A
 * function table, simulator/arch/decoders/smccc.ts). Any other function ID gets
 * FFA_ERROR(NOT_SUPPORTED).
 */
export const SPMC_FUNCTIONS: readonly FfaFunctionName[] = [
  'ERROR', 'SUCCESS', 'INTERRUPT', 'VERSION', 'FEATURES', 'RX_RELEASE', 'RXTX_MAP', 'RXTX_UNMAP',
  'PARTITION_INFO_GET', 'ID_GET', 'SPM_ID_GET', 'MSG_WAIT', 'YIELD', 'RUN', 'MSG_SEND_DIRECT_REQ',
  'MSG_SEND_DIRECT_RESP', 'MEM_DONATE', 'MEM_LEND', 'MEM_SHARE', 'MEM_RETRIEVE_REQ', 'MEM_RETRIEVE_RESP',
  'MEM_RELINQUISH', 'MEM_RECLAIM', 'NOTIFICATION_BITMAP_CREATE', 'NOTIFICATION_BITMAP_DESTROY', 'NOTIFICATION_BIND',
  'NOTIFICATION_UNBIND', 'NOTIFICATION_SET', 'NOTIFICATION_GET', 'NOTIFICATION_INFO_GET',
];

function readArgs(pe: Pe, n = 18): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(pe.getX(i));
  return out;
}

/** Where the caller resumes and its PSTATE, from the EL that took the call. */
function callSite(pe: Pe, via: Via): { resume: number; spsr: number; callPc: number } {
  const el = via === 'el3' ? 3 : 2;
  const elr = bigToVa(pe.readSysreg(`ELR_EL${el}`));
  const spsr = Number(pe.readSysreg(`SPSR_EL${el}`) & 0xffffffffn);
  // A TSC-trapped SMC reports itself; SMC/SVC/HVC taken normally report the next instruction (Arm ARM D1.10.1).
  return via === 'smc-trap' ? { resume: elr + 4, spsr, callPc: elr } : { resume: elr, spsr, callPc: elr - 4 };
}

/** Handle the FF-A call in x0–x17 of `pe` (the caller is the endpoint running on it). */
export function ffaCall(fw: Firmware, pe: Pe, via: Via): boolean {
  const fst = fw.st.pes[pe.id];
  const caller = fst.current;
  const callerId = fw.endpointId(caller);
  const args = readArgs(pe);
  const fid = Number(args[0] & 0xffffffffn);
  const site = callSite(pe, via);
  const name = decodeFunctionId(fid).name ?? `FID ${hex(fid)}`;
  fw.st.calls++;
  const line = fw.host.lineOfPc(site.callPc);
  const call: CallEntry = { text: `${fw.endpointName(caller)} ${name}(${argText(name, args)})`, line, step: fw.host.steps + 1, resume: site.resume, spsr: site.spsr };
  const hooks = fw.hooks;
  if (hooks.callEntry.active) hooks.callEntry.emit(pe, call);
  let out: Outcome;
  // While the SPMC works for this call, the PE's PC names the calling instruction: observers that attribute
  // accesses by PC (the cache checkers) see the SPMC's table and RX stores as part of this FF-A call.
  pe.pc = site.callPc;
  fw.callDetail = undefined;
  try {
    out = dispatch(fw, pe, caller, callerId, fid, name, args, site);
  } catch (e) {
    if (!(e instanceof TablePoolExhausted)) throw e;
    out = { kind: 'return', regs: ffaError(FfaError.NO_MEMORY) };
  }
  const result = outcomeText(fw, out);
  call.text += ` → ${result}`;
  fw.emit(pe, name, args[0], callerId, calleeOf(fw, out), args.slice(1, 8), result, line, fw.callDetail);
  fw.callDetail = undefined;
  applyOutcome(fw, pe, out, site, via);
  if (hooks.callExit.active) hooks.callExit.emit(pe, call);
  return true;
}

function applyOutcome(fw: Firmware, pe: Pe, out: Outcome, site: { resume: number; spsr: number }, via: Via): void {
  if (out.kind === 'return') {
    returnToCaller(pe, pad8(out.regs), via === 'smc-trap');
    return;
  }
  fw.saveCurrent(pe, site.resume, site.spsr, out.callerState);
  const to = out.to;
  if (to.kind === 'nwd') fw.resumeNwd(pe, out.regs && pad8(out.regs));
  else fw.enter(pe, to, out.regs && pad8(out.regs));
}

/** A call's arguments as the firmware names them in its log and trace (`x1=0x8001 x2=0x0 x3=0x77`); `args` from x0. */
export function argText(name: string, args: bigint[]): string {
  const n = /DIRECT|MEM_|NOTIFICATION|RXTX|PARTITION_INFO|ERROR|RUN|FEATURES|VERSION/.test(name) ? 5 : 2;
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) if (args[i] !== 0n || i <= 2) parts.push(`x${i}=${hex(args[i])}`);
  if (name.startsWith('FFA_ERROR')) {
    const e = ffaErrorName(args[2]);
    if (e) parts.push(`(${e})`);
  }
  return parts.join(' ');
}

function calleeOf(fw: Firmware, out: Outcome): number | undefined {
  return out.kind === 'switch' ? fw.endpointId(out.to) : HAFNIUM_IDS.SPMC;
}

function outcomeText(fw: Firmware, out: Outcome): string {
  const regs = out.regs;
  if (!regs) return out.kind === 'switch' ? `resume ${fw.endpointName(out.to)}` : '';
  const fid = Number(regs[0] & 0xffffffffn);
  const nm = decodeFunctionId(fid).name ?? hex(regs[0]);
  const err = nm.startsWith('FFA_ERROR') ? ` ${ffaErrorName(regs[2]) ?? hex(regs[2])}` : '';
  return `${out.kind === 'switch' ? `${fw.endpointName(out.to)} gets ` : ''}${nm}${err}`;
}


/**
 * A synchronous exception from a partition that the SPMC does not emulate
 * (a stage-2 abort, an undefined instruction): the partition is aborted and
 * whoever called it gets FFA_ERROR(ABORTED) (FF-A v1.2 "Partition abort"; Hafnium api_abort).
 */
export function partitionFault(fw: Firmware, pe: Pe, info: ExceptionRecord): boolean {
  return fw.applyAbort(pe, fw.abortCurrent(pe, info.reason));
}

// ---- dispatch --------------------------------------------------------------------

function dispatch(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, fid: number, name: string, a: bigint[], site: { resume: number; spsr: number; callPc: number }): Outcome {
  const ret = (regs: bigint[]): Outcome => ({ kind: 'return', regs });
  const err = (code: number): Outcome => ret(ffaError(code));
  const w = (i: number): number => Number(a[i] & 0xffffffffn);
  // The function by name without its width (FID table: simulator/arch); a width the function does not define is not supported.
  const d = decodeFunctionId(fid);
  const base = d.widthUndefined ? '' : name.replace(/_(32|64)$/, '');
  const is = (n: string): boolean => base === `FFA_${n}`;
  const vcpu = fw.vcpuOf(caller);
  if (is('VERSION')) {
    // FF-A §13.2: w1 = requested version (bit 31 MBZ); returns the implemented version, or NOT_SUPPORTED for another major.
    const req = w(1);
    if ((req & 0x8000_0000) !== 0 || req >>> 16 !== fw.cfg.ffaVersion >>> 16) return ret([BigInt(FfaError.NOT_SUPPORTED >>> 0)]);
    const v = Math.min(req, fw.cfg.ffaVersion);
    if (caller.kind === 'nwd') fw.st.nwd.version = v;
    else fw.st.partitions[caller.part].version = v;
    return ret([BigInt(fw.cfg.ffaVersion)]);
  }
  if (is('ID_GET')) return ret(ffaSuccess(callerId));
  if (is('SPM_ID_GET')) return ret(ffaSuccess(HAFNIUM_IDS.SPMC));
  if (is('FEATURES')) return ret(features(caller, w(1)));
  if (is('PARTITION_INFO_GET')) return ret(partitionInfo(fw, pe, caller, a));
  if (is('RXTX_MAP')) return ret(rxtxMap(fw, caller, a));
  if (is('RXTX_UNMAP')) {
    const rx = fw.rxtxOf(caller);
    if (!rx.get()) return err(FfaError.INVALID_PARAMETERS);
    const id = w(1) >>> 16;
    if (id !== 0 && id !== callerId) return err(FfaError.INVALID_PARAMETERS);
    rx.set(undefined);
    return ret(ffaSuccess());
  }
  if (is('RX_RELEASE')) {
    const b = fw.rxtxOf(caller).get();
    if (!b || !b.rxFull) return err(FfaError.DENIED);
    b.rxFull = false;
    return ret(ffaSuccess());
  }
  if (is('MSG_SEND_DIRECT_REQ')) return directReq(fw, pe, caller, callerId, fid, a, site);
  if (is('MSG_SEND_DIRECT_RESP')) return directResp(fw, pe, caller, callerId, fid, a);
  if (is('MSG_WAIT')) return msgWait(fw, pe, caller);
  if (is('RUN')) return run(fw, pe, caller, a, site);
  if (is('YIELD')) {
    if (!vcpu) return err(FfaError.NOT_SUPPORTED);
    const frame = fw.topFrameFor(pe, callerId);
    if (!frame) return err(FfaError.DENIED);
    // The SP gives the CPU back to whoever called it; they resume it with FFA_RUN (FF-A §13.7). The request it
    // works on stays in progress (its response answers that RUN); a RUN it was resumed by is over.
    if (frame.kind === 'run') fw.st.pes[pe.id].chain.pop();
    vcpu.yielded = true;
    const vi = caller.kind === 'sp' ? caller.vcpu : 0;
    return { kind: 'switch', callerState: 'preempted', to: frame.callerRef, regs: [FFA_YIELD, BigInt(((callerId << 16) | vi) >>> 0), a[2], a[3]] };
  }
  if (is('ERROR')) {
    // Hafnium plat_ffa_error_32: an SP reporting an error outside its initialisation gets FFA_NOT_SUPPORTED back.
    if (vcpu && fw.isBootingRef(caller)) return fw.abortCurrent(pe, 'FFA_ERROR during initialisation');
    return err(FfaError.NOT_SUPPORTED);
  }
  if (isMemoryCall(name)) return handleMemoryCall(fw, pe, caller, callerId, name, a);
  if (name.startsWith('FFA_NOTIFICATION')) return ret(notification(fw, pe, caller, callerId, name, a));
  return err(FfaError.NOT_SUPPORTED);
}

/** FFA_FEATURES (FF-A §13.3): a function ID, or a feature ID (NPI 1, SRI 2, MEI 3). */
function features(caller: EndpointRef, q: number): bigint[] {
  if (q === 1) return caller.kind === 'sp' ? ffaSuccess(HF_VIRTUAL_INTID.NOTIFICATION_PENDING) : ffaError(FfaError.NOT_SUPPORTED);
  if (q === 2) return caller.kind === 'nwd' ? ffaSuccess(HF_VIRTUAL_INTID.SCHEDULE_RECEIVER) : ffaError(FfaError.NOT_SUPPORTED);
  if (q === 3) return caller.kind === 'sp' ? ffaSuccess(HF_VIRTUAL_INTID.MANAGED_EXIT) : ffaError(FfaError.NOT_SUPPORTED);
  if ((q & 0x8000_0000) === 0) return ffaError(FfaError.NOT_SUPPORTED);
  const d = decodeFunctionId(q);
  const base = (d.name ?? '').replace(/_(32|64)$/, '').replace(/^FFA_/, '');
  if (!(SPMC_FUNCTIONS as readonly string[]).includes(base)) return ffaError(FfaError.NOT_SUPPORTED);
  // RXTX_MAP: w2[1:0] = minimum buffer size and alignment 0 (4 KB). MEM_RETRIEVE_REQ: w2 bit0 dynamic buffer support = 0.
  return ffaSuccess(0);
}

/** FFA_RXTX_MAP (FF-A §13.5): x1 TX, x2 RX, w3 page count. */
function rxtxMap(fw: Firmware, caller: EndpointRef, a: bigint[]): bigint[] {
  const rx = fw.rxtxOf(caller);
  if (rx.get()) return ffaError(FfaError.DENIED);
  const tx = Number(a[1]);
  const rxa = Number(a[2]);
  const pages = Number(a[3] & 0xffffffffn);
  if (pages === 0 || pages > 64) return ffaError(FfaError.INVALID_PARAMETERS);
  if (tx % 4096 !== 0 || rxa % 4096 !== 0 || tx === 0 || rxa === 0) return ffaError(FfaError.INVALID_PARAMETERS);
  const bytes = pages * 4096;
  if (Math.abs(tx - rxa) < bytes) return ffaError(FfaError.INVALID_PARAMETERS);
  if (!fw.ownsRange(caller, tx, bytes) || !fw.ownsRange(caller, rxa, bytes)) return ffaError(FfaError.DENIED);
  rx.set({ tx, rx: rxa, pages, rxFull: false });
  return ffaSuccess();
}

/** FFA_PARTITION_INFO_GET (FF-A §13.8): w1–w4 UUID (zero: all), w5 bit0 count only; descriptors (24 bytes each) to the caller's RX buffer. */
function partitionInfo(fw: Firmware, pe: Pe, caller: EndpointRef, a: bigint[]): bigint[] {
  const uuid = [1, 2, 3, 4].map((i) => Number(a[i] & 0xffffffffn));
  const all = uuid.every((x) => x === 0);
  const list = fw.cfg.partitions.filter((p) => all || p.uuid.every((x, i) => x === uuid[i]));
  if (list.length === 0) return ffaError(FfaError.INVALID_PARAMETERS);
  const countOnly = (Number(a[5]) & 1) !== 0;
  if (!countOnly) {
    const buf = fw.rxtxOf(caller).get();
    if (!buf || buf.rxFull) return ffaError(FfaError.BUSY);
    if (list.length * 24 > buf.pages * 4096) return ffaError(FfaError.NO_MEMORY);
    list.forEach((p, i) => {
      const o = buf.rx + i * 24;
      // Properties (FF-A v1.1 Table 13.37): bit0 direct req receipt, bit1 send, bit3 notifications, bit8 AArch64.
      const props = (p.receive ? 1 : 0) | (p.send ? 2 : 0) | (p.notifications ? 8 : 0) | (1 << 8);
      fw.writeMem(pe, o, 4, p.id | (p.vcpus << 16));
      fw.writeMem(pe, o + 4, 4, props);
      for (let k = 0; k < 4; k++) fw.writeMem(pe, o + 8 + k * 4, 4, all ? p.uuid[k] : 0);
    });
    buf.rxFull = true;
  }
  return ffaSuccess(list.length, countOnly ? 0 : 24);
}

