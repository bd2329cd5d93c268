/**
 * Blocks the core parser keeps as `GenericBlock`s are turned into machine
 * state by the layer that owns them, before a run: `pagetable` blocks become
 * descriptors in the initial memory image (simulator/mmu/pagetable). Each
 * step is idempotent, so the parser, the CLI and the engine may all call
 * `prepareModel`; its diagnostics join `model.diagnostics`.
 */
import { applyPageTables } from '../mmu/pagetable/block';
import type { ScenarioModel } from '../scenario/model';

export function prepareModel(model: ScenarioModel): ScenarioModel {
  applyPageTables(model);
  return model;
}
