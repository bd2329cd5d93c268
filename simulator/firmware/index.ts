/**
 * The firmware layer (issue #4): the built-in EL3 monitor and Hafnium-like
 * SPMC, FF-A, secure interrupts, livelock detection and the call chain.
 *
 * `createFirmware(machine)` builds it when the scenario has firmware blocks
 * (`firmware`, `spmc`, `partition`); the machine keeps it as `machine.firmware`
 * and snapshots it with its other components.
 */
import { exceptionChain, type ChainEntry } from '../engine/callChain';
import type { Machine } from '../engine/machine';
import { registerBlockKeyword, registerScenarioPass } from '../scenario/keywords';
import type { ScenarioModel } from '../scenario/model';
import { parseFirmwareConfig, usesFirmware } from './config';
import { applyDescriptorBlocks } from './descriptorBlock';
import { Firmware, type FirmwareHost } from './firmware';
import type { SecureInterruptController } from './interrupts';

export { Firmware } from './firmware';
export type { FirmwareHost } from './firmware';
export { parseFirmwareConfig, usesFirmware } from './config';
export type { FirmwareConfig, PartitionDecl } from './config';
export * from './interrupts';
export { parseMemoryTransaction, encodeMemoryTransaction } from './descriptors';

for (const k of ['firmware', 'spmc', 'partition']) registerBlockKeyword(k);

/** Checks the firmware blocks while the user types (same parser as the machine). */
export function checkFirmware(model: ScenarioModel): void {
  parseFirmwareConfig(model, model.diagnostics);
  applyDescriptorBlocks(model);
}
registerScenarioPass('firmware', checkFirmware);

/**
 * Build the built-in firmware for a machine whose scenario declares it (else
 * undefined). Call after the PEs are reset and initialised from their blocks,
 * before the first checkpoint. `gic` is the interrupt controller, when the
 * machine has one.
 */
export function createFirmware(machine: FirmwareHost & { model: ScenarioModel }, gic?: SecureInterruptController): Firmware | undefined {
  const model = machine.model;
  if (!usesFirmware(model)) return undefined;
  const cfg = parseFirmwareConfig(model);
  if (!cfg) return undefined;
  const fw = new Firmware(machine, cfg);
  fw.nsRegions = model.system.memory.filter((m) => !m.secure).map((m) => ({ base: Number(m.base), size: Number(m.size) }));
  const ic = gic ?? (machine as { gic?: SecureInterruptController }).gic;
  if (ic) fw.setInterruptController(ic);
  fw.attach();
  return fw;
}

/**
 * The call chain of PE `peIndex`, innermost first: the exceptions the live
 * context is handling, then the FF-A calls in progress (who called whom, with
 * which function and arguments, from which line, world and EL). Plain data.
 */
export function callChain(machine: Machine, peIndex: number): ChainEntry[] {
  const fw = (machine as unknown as { firmware?: Firmware }).firmware;
  const exc = exceptionChain(machine, peIndex);
  return fw ? [...exc, ...fw.ffaChain(peIndex)] : exc;
}
