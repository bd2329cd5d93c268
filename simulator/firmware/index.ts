/**
 * The firmware layer: the built-in EL3 monitor and Hafnium-like SPMC, FF-A,
 * secure interrupts, and its checkers (partition isolation, livelock).
 *
 * `createFirmware(host)` builds it when the scenario has firmware blocks
 * (`firmware`, `spmc`, `partition`); the machine keeps it as
 * `machine.firmware`, routes exceptions at built-in ELs to `handleException`
 * and snapshots it with its other components. Its part of the scenario
 * language is `FIRMWARE_LANGUAGE` (and `FFA_DESCRIPTOR_LANGUAGE`).
 */
import type { LanguageExtension } from '../scenario/keywords';
import type { ScenarioModel } from '../scenario/model';
import { bootFirmware, connectInterruptController } from './boot';
import { parseFirmwareConfig, usesFirmware } from './config';
import { applyDescriptorBlocks } from './descriptorBlock';
import { Firmware, type FirmwareHost } from './firmware';
import type { SecureInterruptController } from './interrupts';

export { Firmware } from './firmware';
export type { FirmwareHooks, FirmwareHost, CallEntry } from './firmware';
export type { FirmwareCall } from '../trace/events';
export { handleException } from './entry';
export { IsolationChecker } from './isolation';
export { LivelockChecker } from './livelock';
export { parseFirmwareConfig, usesFirmware } from './config';
export type { FirmwareConfig, PartitionDecl } from './config';
export * from './interrupts';
export { parseMemoryTransaction, encodeMemoryTransaction } from './descriptors';
export { FFA_DESCRIPTOR_LANGUAGE } from './descriptorBlock';

/** Checks the firmware blocks while the user types (same parser as the machine). */
export function checkFirmware(model: ScenarioModel): void {
  parseFirmwareConfig(model, model.diagnostics);
  applyDescriptorBlocks(model);
}

/** The `firmware`, `spmc` and `partition` blocks (docs/firmware.md) and their parse-time checks. */
export const FIRMWARE_LANGUAGE: LanguageExtension = { name: 'firmware', blocks: ['firmware', 'spmc', 'partition'], pass: checkFirmware };

/**
 * Build the built-in firmware for a machine whose scenario declares it (else
 * undefined). Call after the PEs are reset and initialised from their blocks,
 * before the first checkpoint. `gic` is the interrupt controller, when the
 * machine has one.
 */
export function createFirmware(host: FirmwareHost, model: ScenarioModel, gic: SecureInterruptController | undefined): Firmware | undefined {
  if (!usesFirmware(model)) return undefined;
  const cfg = parseFirmwareConfig(model);
  if (!cfg) return undefined;
  const fw = new Firmware(host, cfg);
  fw.nsRegions = model.system.memory.filter((m) => !m.secure).map((m) => ({ base: Number(m.base), size: Number(m.size) }));
  if (gic) connectInterruptController(fw, gic);
  bootFirmware(fw);
  return fw;
}
