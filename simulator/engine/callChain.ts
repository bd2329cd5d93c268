/**
 * The call chain of a PE, innermost first: how the code it runs now was
 * entered — exceptions taken (from the engine's exception records) and FF-A
 * calls between endpoints (from the firmware layer, when the scenario has
 * one). Front ends show it as a call stack (debugger) or a breadcrumb.
 *
 * The exceptions still in progress are reconstructed from the records:
 * walking back from the current EL, an exception taken *to* that EL is the one
 * the PE is handling, and the chain continues at the EL it was taken *from*
 * (Arm ARM D1.3 "Exceptions": an exception is taken to an EL ≥ the current
 * one, and ERET returns to the EL in SPSR).
 */
import { esrSummary, ESR_ELx } from '../arch/index';
import { hex } from '../util/hex';
import type { Machine } from './machine';
import type { ChainEntry, FaultRecord } from '../trace/events';

export type { ChainEntry } from '../trace/events';

/** One-line label of an exception record: `Data Abort (lower EL): … EC 0x24 EL1→EL2` (EC is ESR_ELx[31:26], Arm ARM D24.2.40). */
export function exceptionLabel(r: FaultRecord): string {
  const ec = ESR_ELx.EC.num(r.esr);
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
    const ec = ESR_ELx.EC.num(r.esr);
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

/** The PE's chain: the exceptions it is handling, then the firmware's FF-A calls in progress (innermost first). */
export function callChain(machine: Machine, peId: number): ChainEntry[] {
  const exc = exceptionChain(machine, peId);
  const fw = machine.firmware;
  return fw ? [...exc, ...fw.ffaChain(peId)] : exc;
}
