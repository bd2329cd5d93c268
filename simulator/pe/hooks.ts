/**
 * The PEs' hook points (component/hook.ts), shared by every PE of a machine.
 * The machine publishes them from the PE environment's callbacks
 * (`PeEnvironment.onException`, `onSysregWrite`, `onExceptionReturn`): the
 * GIC, the checkers, the trace bridge and views subscribe.
 */
import { Hook } from '../component/hook';
import type { ExceptionRecord } from './exception';
import type { Pe } from './pe';

export interface PeHooks {
  /** The PE took an exception (fault, trap, call, interrupt): after its entry and any built-in handling. */
  readonly exception: Hook<(pe: Pe, info: ExceptionRecord) => void>;
  /**
   * An MSR wrote a register: the canonical name of the register written
   * (after VHE redirection; `DAIF`, `PAN`… for PSTATE fields) and its value.
   */
  readonly sysregWrite: Hook<(pe: Pe, register: string, value: bigint) => void>;
  /**
   * The PE's exception level or Security state may have changed: exception
   * entry, exception return, a write of SCR_EL3 (the GIC re-picks IRQ vs FIQ,
   * IHI 0069 §4.6.2).
   */
  readonly stateChange: Hook<(pe: Pe) => void>;
}

export function peHooks(): PeHooks {
  return { exception: new Hook('exception'), sysregWrite: new Hook('system register write'), stateChange: new Hook('PE state change') };
}
