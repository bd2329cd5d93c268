/**
 * The call chain of a PE, innermost first: how the code it runs now was
 * entered — FF-A calls between endpoints (from the firmware layer, when the
 * scenario has one) and exceptions taken (from the engine's exception
 * records). Front ends show it as a call stack (debugger) or a breadcrumb.
 *
 * The firmware layer (simulator/firmware) contributes its chain through any
 * machine component that implements `CallChainSource`; without one the chain
 * is the PE's exceptions still in progress, reconstructed from the records:
 * walking back from the current EL, an exception taken *to* that EL is the one
 * the PE is handling, and the chain continues at the EL it was taken *from*
 * (Arm ARM D1.3 "Exceptions": an exception is taken to an EL ≥ the current
 * one, and ERET returns to the EL in SPSR).
 */
import { esrSummary } from '../arch/index';
import { hex } from '../util/hex';
import type { Machine } from './machine';
import type { FaultRecord } from '../trace/events';

export interface ChainEntry {
  kind: 'ffa' | 'exception';
  /** One-line label, e.g. `FFA_MSG_SEND_DIRECT_REQ 0x0001→0x8001 (SPMC, S-EL2)` or `Data Abort (lower EL) EC 0x24 EL1→EL2`. */
  label: string;
  /** The caller's code location: the instruction that called / was interrupted (sign-extended VA form), if known. */
  pc?: number;
  /** 0-based scenario line of that instruction. */
  line?: number;
  /** EL and security state the caller ran at. */
  fromEl?: number;
  toEl?: number;
  secure?: boolean;
  /** Machine step at which the call or exception happened. */
  step?: number;
  /** FF-A: function name, endpoints, arguments. */
  ffa?: { function: string; caller?: number; callee?: number; args?: bigint[] };
  /** Exception: the syndrome and its exception class. */
  esr?: bigint;
  ec?: number;
}

/** Implemented by a firmware component that knows the FF-A call chain of each PE. */
export interface CallChainSource {
  callChain(pe: number): ChainEntry[];
}

function isChainSource(x: unknown): x is CallChainSource {
  return typeof x === 'object' && x !== null && typeof (x as { callChain?: unknown }).callChain === 'function';
}

/** The machine's firmware chain source, if a component provides one. */
export function chainSource(machine: Machine): CallChainSource | undefined {
  for (const c of [...machine.sources, ...machine.snapshottables]) if (isChainSource(c)) return c;
  const fw = (machine as unknown as { firmware?: unknown }).firmware;
  return isChainSource(fw) ? fw : undefined;
}

/** One-line label of an exception record: `Data Abort (lower EL): … EC 0x24 EL1→EL2` (EC is ESR_ELx[31:26], Arm ARM D24.2.40). */
export function exceptionLabel(r: FaultRecord): string {
  const ec = Number((r.esr >> 26n) & 0x3fn);
  const what = r.type === 'sync' ? esrSummary(r.esr) : `${r.type.toUpperCase()} exception`;
  return `${what} EC ${hex(ec, 2)} EL${r.fromEl}→EL${r.el}`;
}

/** Exceptions PE `peId` is still handling, innermost first (see the file comment). */
export function exceptionChain(machine: Machine, peId: number): ChainEntry[] {
  const pe = machine.pes[peId];
  if (!pe) return [];
  const out: ChainEntry[] = [];
  let level: number = pe.el;
  for (let i = machine.exceptions.length - 1; i >= 0 && out.length < 16; i--) {
    const r = machine.exceptions[i];
    if (r.pe !== peId || r.el !== level) continue;
    const ec = Number((r.esr >> 26n) & 0x3fn);
    out.push({
      kind: 'exception',
      label: exceptionLabel(r),
      pc: Number(BigInt.asIntN(64, r.pc)),
      line: r.line,
      fromEl: r.fromEl,
      toEl: r.el,
      step: r.step,
      esr: r.esr,
      ec,
    });
    if (r.fromEl === r.el) break;
    level = r.fromEl;
  }
  return out;
}

/** The PE's chain: the firmware's FF-A chain when present, else its exception chain. */
export function callChain(machine: Machine, peId: number): ChainEntry[] {
  const src = chainSource(machine);
  const fw = src?.callChain(peId);
  if (fw && fw.length > 0) return fw;
  return exceptionChain(machine, peId);
}
