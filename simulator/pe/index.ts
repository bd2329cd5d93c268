/** The PE and its system model: one import for the engine and front ends. */
export { Pe, toVa, vaLo, vaHi, type PeEnvironment, type PeRunState } from './pe';
export { SyncException, EC, type ExceptionRecord, type ExceptionType } from './exception';
export type { SystemOps, SysregRef } from './systemOps';
export { SystemModel, illegalReturnReason, exceptionReturn } from './system';
export { resetSysregs, type ResetOptions, ID_VALUES } from './reset';
export { stepPe, tryWake } from './step';
export { pendingInterrupt, wakeupPending, physicalInterruptTarget } from './interrupts';
export { peekSysreg, sysregIss, type SysregHandler } from './sysregs';
export { currentSpsr, syncTargetEl } from './entry';
