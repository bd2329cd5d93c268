/**
 * Memory-mapped devices: the models live in simulator/devices (UART, Generic
 * Timer, the platform that wires them to the GIC); re-exported here for the
 * engine's existing importers.
 */
export { Pl011 } from '../devices/uart';
export { createDevice, Platform, type MmioRegion } from '../devices/platform';
