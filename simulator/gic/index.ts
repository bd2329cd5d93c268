/**
 * GICv3 subset (issue #4): the controller (`Gic`), its MMIO frames, the ICC_*
 * system registers, the `gic` scenario block and views. The machine builds it
 * through simulator/devices/platform.ts.
 */
export { Gic, type GicHooks, type SignalListener, type PendingListener, type InterruptListener } from './gic';
export { GICD_CTLR, GICD_SIZE, GICR_STRIDE, type GicOptions } from './state';
export { CpuInterface } from './cpuInterface';
export { Distributor, Redistributors } from './mmio';
export { parseGicConfig, gicFrames, DEFAULT_GICD_BASE, DEFAULT_GICR_BASE, type GicConfig, type InterruptDecl } from './config';
export { describeInterrupts, describeCpuInterface, type InterruptRow } from './view';
export { VirtualCpuInterface, icvAccess } from './virtual';
export * from './types';
