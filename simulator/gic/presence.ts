/**
 * Whether a scenario has a GIC worth showing. The machine always builds the
 * interrupt controller (its frames may be mapped and its CPU interface
 * registers exist on every PE), but a scenario that never configures or uses
 * interrupts is not about the GIC: views leave it out rather than list a
 * controller with nothing enabled (GIC architecture IHI 0069).
 */
import { GIC_CPU_INTERFACE_REGISTERS } from '../arch/registers/gicCpuInterface';
import type { ScenarioModel } from '../scenario/model';
import type { Gic } from './gic';
import { GICD_CTLR } from './state';
import { describeInterrupts } from './view';

/** The scenario declares interrupts: a `gic` block, a device that raises one, an `irq` event, a partition that owns some. */
export function scenarioDeclaresInterrupts(model: ScenarioModel): boolean {
  if (model.blocks.some((b) => b.keyword === 'gic')) return true;
  if (model.system.devices.some((d) => d.irq !== undefined || d.model === 'gic' || d.model === 'timer')) return true;
  if (model.events.some((e) => e.action.kind === 'irq')) return true;
  return model.blocks.some((b) => b.keyword === 'partition' && b.body.some((l) => l.words[0]?.text === 'interrupts'));
}

/** The GIC is part of this run: declared by the scenario, or a group enabled or an interrupt enabled, pending or active now. */
export function gicInUse(model: ScenarioModel, gic: Gic): boolean {
  const groups = GICD_CTLR.EnableGrp0 | GICD_CTLR.EnableGrp1NS | GICD_CTLR.EnableGrp1S;
  return scenarioDeclaresInterrupts(model) || (gic.ctlr & groups) !== 0 || describeInterrupts(gic).length > 0;
}

const GIC_REGISTER_NAMES = new Set(GIC_CPU_INTERFACE_REGISTERS.map((r) => r.name));

/** A GIC CPU interface or virtualization control register (ICC_*, ICH_*; IHI 0069 chapter 12). */
export function isGicRegister(name: string): boolean {
  return GIC_REGISTER_NAMES.has(name.toUpperCase());
}
