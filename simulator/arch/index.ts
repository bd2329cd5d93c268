/**
 * simulator/arch: THE register table and the architectural decoders
 * (translation table descriptors, SMCCC/FF-A function IDs, FF-A errors and
 * memory attributes, PSTATE modes) and the text formatter.
 */
export * from './registers/index';
export { EXCEPTION_CLASSES, EXCEPTION_CLASS_NAMES, FAULT_STATUS_CODES, esrSummary, faultStatus, issFields, sysregIssText } from './registers/exception';
export type { FaultStatus, FaultType } from './registers/exception';
export { intidText } from './registers/gicCpuInterface';
export { IMPLEMENTERS } from './registers/id';
export * from './decoders/memoryAttributes';
export * from './decoders/pstate';
export * from './decoders/descriptor';
export * from './decoders/smccc';
export * from './decoders/ffa';
export * from './format';
export * from './rules';
