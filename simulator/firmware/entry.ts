/**
 * Where an exception taken to a built-in firmware EL goes (the machine's
 * built-in handler, pe/entry.ts): to EL3, the monitor (monitor.ts: SMCCC,
 * PSCI, the SPMD; Group 0 and forwarded interrupts, secureInterrupts.ts); to
 * S-EL2 while a partition runs, the SPMC (FF-A calls by SMC, SVC from S-EL0 or
 * HVC, spmc.ts; Hafnium's interrupt HVCs and physical interrupts,
 * secureInterrupts.ts; any other synchronous exception aborts the partition).
 * Returns false when no built-in handles it (the PE stops: unhandled exception).
 */
import { EC, type ExceptionRecord } from '../pe/exception';
import type { Pe } from '../pe/pe';
import type { Firmware } from './firmware';
import { monitorSmc } from './monitor';
import { hvcCall, monitorInterrupt, spmcInterrupt } from './secureInterrupts';
import { ffaCall, partitionFault } from './spmc';

export function handleException(fw: Firmware, pe: Pe, info: ExceptionRecord): boolean {
  if (info.toEl === 3) {
    if (fw.cfg.monitor !== 'builtin') return false;
    if (info.type === 'sync' && info.ec === EC.SMC64) {
      const r = monitorSmc(fw, pe);
      return r === 'ffa' ? ffaCall(fw, pe, 'el3') : r;
    }
    if (info.type === 'fiq' || info.type === 'irq') return monitorInterrupt(fw, pe);
    return false;
  }
  if (info.toEl !== 2 || fw.cfg.spmc !== 'builtin' || fw.st.pes[pe.id].current.kind !== 'sp') return false;
  if (info.type === 'sync') {
    if (info.ec === EC.SMC64) return ffaCall(fw, pe, 'smc-trap');
    if (info.ec === EC.SVC64 && info.fromEl === 0) return ffaCall(fw, pe, 'svc');
    if (info.ec === EC.HVC64) {
      const r = hvcCall(fw, pe);
      return r === 'ffa' ? ffaCall(fw, pe, 'hvc') : r;
    }
    return partitionFault(fw, pe, info);
  }
  if (info.type === 'irq' || info.type === 'fiq') return spmcInterrupt(fw, pe, info);
  return false;
}
