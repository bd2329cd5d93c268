/**
 * Questions a front end asks the built-in firmware about a paused machine:
 * which endpoint runs on a PE, what an `smc`/`hvc` about to execute asks for,
 * whether a call just returned FFA_ERROR, the calls handled since a step, and
 * the call log folded into its repeating exchanges (a livelock's cycle).
 *
 * Read-only: every function reads the firmware's state and changes nothing.
 * FF-A v1.1 (DEN0077A) §13 "Function definitions" for the IDs and the
 * register conventions (function ID in w0, arguments in x1–x7).
 */
import { decodeFunctionId, ffaErrorName, ffaFid, HAFNIUM_IDS } from '../arch/index';
import type { Pe } from '../pe/pe';
import { hex } from '../util/hex';
import type { Firmware } from './firmware';
import { argText } from './spmc';
import type { FirmwareCallRecord } from './state';

/** FFA_ERROR's function ID (FF-A v1.1 §13.2.1: SMC32 only). */
const FFA_ERROR_FID = ffaFid('ERROR', 32);

/** The FF-A endpoint whose code runs on a PE. */
export interface EndpointOnPe {
  id: number;
  /** `NWd 0x0000`, `SP 0x8001 (optee)`, `SPMC 0x8000 (scenario code at S-EL2)`. */
  name: string;
  secure: boolean;
  /** The partition's name when a secure partition runs (`optee`). */
  partition?: string;
}

export function endpointOn(fw: Firmware, peId: number): EndpointOnPe {
  const e = fw.currentEndpoint(peId);
  const partition = e.secure ? partitionName(fw, e.id) : undefined;
  return partition !== undefined ? { ...e, partition } : e;
}

/** The name of the secure partition with FF-A ID `id` (`optee`), if the scenario declares one. */
export function partitionName(fw: Firmware, id: number): string | undefined {
  return fw.cfg.partitions.find((p) => p.id === id)?.name;
}

/** w0 holds FFA_ERROR: the error code from w2 (FF-A v1.1 §13.2.1, Table 13.3) and its name. */
export function ffaErrorInRegisters(pe: Pe): { code: number; name?: string } | undefined {
  if (pe.xlo[0] >>> 0 !== FFA_ERROR_FID) return undefined;
  const code = pe.xlo[2] | 0;
  return { code, name: ffaErrorName(code) };
}

/**
 * The FF-A call an `smc`/`hvc` at PE `pe`'s PC makes, as a label:
 * `FFA_MEM_RETRIEVE_REQ_32 0x8001→0x8000 (SPMC, S-EL2)` — caller from the
 * firmware (who runs on the PE), callee from w1[15:0] for a direct request
 * (FF-A v1.1 §15.2: x1 = sender[31:16] | receiver[15:0]), else the handler.
 * `handledAtEl`: the EL the call is taken to (3: the SPMD; 2: the SPMC).
 */
export function ffaCallLabel(fw: Firmware, pe: Pe, handledAtEl: number): string | undefined {
  const fid = decodeFunctionId(pe.xlo[0]);
  if (fid.service !== 'ffa' || !fid.name) return undefined;
  const caller = fw.currentEndpoint(pe.id).id;
  const handler = handledAtEl === 3 ? 'SPMD, EL3' : 'SPMC, S-EL2';
  const direct = fid.name.startsWith('FFA_MSG_SEND_DIRECT_REQ');
  const callee = direct ? pe.xlo[1] & 0xffff : handledAtEl === 3 ? HAFNIUM_IDS.SPMD : HAFNIUM_IDS.SPMC;
  return `${fid.name} ${hex(caller, 4)}→${hex(callee, 4)} (${handler})`;
}

/** Calls the firmware handled after step `step` (the log keeps the last CALL_LOG_LIMIT). */
export function callsSince(fw: Firmware, step: number): readonly FirmwareCallRecord[] {
  const log = fw.st.log;
  let i = log.length;
  while (i > 0 && log[i - 1].step > step) i--;
  return log.slice(i);
}

/** A call's arguments as the firmware names them (`x1=0x8001 x2=0x0 x3=0x77`). */
export function callArguments(fw: Firmware, c: FirmwareCallRecord): string {
  // The log keeps x1… ; the firmware's formatter takes the register file from x0 (the function ID).
  const regs = [0n, ...c.args.map((a) => BigInt(a))];
  while (regs.length < 8) regs.push(0n);
  return argText(c.function, regs);
}

/** One line per call: `0x8001→0x8000 FFA_MSG_SEND_DIRECT_RESP_32(x1=… ) → FFA_ERROR_32 FFA_INTERRUPTED`. */
export function callText(fw: Firmware, c: FirmwareCallRecord): string {
  const callee = c.callee !== undefined ? `→${hex(c.callee, 4)}` : '';
  return `${hex(c.caller, 4)}${callee} ${c.function}(${callArguments(fw, c)}) → ${c.result}`;
}

/** Consecutive calls that repeat: `calls` happened `repeats` times in a row. */
export interface CallGroup {
  calls: FirmwareCallRecord[];
  repeats: number;
  /** Step of the first call of each repetition. */
  steps: number[];
}

/** Longest cycle looked for when folding the log: the FF-A ping-pongs seen so far are 1 or 2 calls. */
const MAX_PERIOD = 8;

function sameCall(a: FirmwareCallRecord, b: FirmwareCallRecord): boolean {
  return a.pe === b.pe && a.function === b.function && a.caller === b.caller && a.callee === b.callee && a.result === b.result && a.line === b.line && a.args.join() === b.args.join();
}

/**
 * PE `peId`'s calls (oldest first), with consecutive repetitions of the same
 * sequence (1 to 8 calls, same function, endpoints, arguments, result and
 * line) folded into one group: the exchange a livelock repeats shows once,
 * with how often and from which steps.
 */
export function callExchange(fw: Firmware, peId: number): CallGroup[] {
  const calls = fw.st.log.filter((c) => c.pe === peId);
  const out: CallGroup[] = [];
  let i = 0;
  while (i < calls.length) {
    let best: CallGroup | undefined;
    for (let p = 1; p <= MAX_PERIOD && i + 2 * p <= calls.length; p++) {
      let repeats = 1;
      while (i + (repeats + 1) * p <= calls.length && calls.slice(i + repeats * p, i + (repeats + 1) * p).every((c, k) => sameCall(c, calls[i + k]))) repeats++;
      if (repeats > 1 && (!best || repeats * p > best.repeats * best.calls.length)) {
        best = { calls: calls.slice(i, i + p), repeats, steps: Array.from({ length: repeats }, (_, r) => calls[i + r * p].step) };
      }
    }
    const g = best ?? { calls: [calls[i]], repeats: 1, steps: [calls[i].step] };
    out.push(g);
    i += g.calls.length * g.repeats;
  }
  return out;
}

/** The last sequence of PE `peId`'s calls that repeated in a row (a livelock's cycle), if any. */
export function repeatingExchange(fw: Firmware, peId: number): CallGroup | undefined {
  return callExchange(fw, peId)
    .filter((g) => g.repeats > 1)
    .pop();
}

/** `SP 0x8001 FFA_ERROR_32 → FFA_ERROR_32 FFA_NOT_SUPPORTED, ×3 from step 37`: a repeating exchange in one line. */
export function exchangeText(g: CallGroup): string {
  return `${g.calls.map((c) => `${hex(c.caller, 4)} ${c.function} → ${c.result}`).join('; ')}, ×${g.repeats} from step ${g.steps[0]}`;
}
