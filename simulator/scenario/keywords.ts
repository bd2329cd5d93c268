/**
 * Top-level keywords of the scenario language and the extension registry.
 *
 * The core interprets `scenario`, `system`, `const`, `pe`, `code`, `data`,
 * `event` and `expect`. Other layers own further blocks (`pagetable`,
 * `partition`, …): they are kept as `GenericBlock`s when their keyword is
 * registered, otherwise they are reported as unknown blocks. Likewise, settings
 * in `system { … }` that the core does not know are accepted only when a layer
 * registered them (they land in `SystemConfig.settings`).
 *
 * Registration is global and idempotent; layers call it at module load.
 */
import type { ScenarioModel } from './model';

export const CORE_KEYWORDS: readonly string[] = ['scenario', 'system', 'const', 'pe', 'code', 'data', 'event', 'expect'];

/** Core keywords that open a `{ … }` body. */
export const CORE_BLOCK_KEYWORDS: ReadonlySet<string> = new Set(['system', 'pe', 'code', 'data', 'expect']);

const extensionBlocks = new Set<string>(['pagetable', 'partition', 'firmware', 'spmc', 'caches', 'gic']);
const extensionSettings = new Set<string>();

/** Accept `NAME args { body }` at top level as a `GenericBlock` for the layer that owns it. */
export function registerBlockKeyword(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid block keyword '${name}'`);
  if (CORE_KEYWORDS.includes(name)) return;
  extensionBlocks.add(name);
}

/** Accept `NAME args…` inside `system { … }` (stored in `SystemConfig.settings`). */
export function registerSystemSetting(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid system setting '${name}'`);
  extensionSettings.add(name);
}

export function isExtensionBlock(name: string): boolean {
  return extensionBlocks.has(name);
}

export function isExtensionSetting(name: string): boolean {
  return extensionSettings.has(name);
}

export function isTopKeyword(name: string): boolean {
  return CORE_KEYWORDS.includes(name) || extensionBlocks.has(name);
}

export function allTopKeywords(): string[] {
  return [...CORE_KEYWORDS, ...extensionBlocks];
}

export function extensionSettingNames(): string[] {
  return [...extensionSettings];
}

/** Core settings of `system { … }` (documented in docs/language.md). */
export const CORE_SYSTEM_SETTINGS: readonly string[] = [
  'pes',
  'clusters',
  'cluster',
  'memory',
  'device',
  'cache_model',
  'speculation',
  'max_steps',
  'seed',
];

/** Core settings of `pe N { … }` other than register assignments. */
export const PE_SETTINGS: readonly string[] = ['el', 'security', 'entry'];

/**
 * A pass an extension layer runs at the end of every `parseScenario`, after the
 * core checks: it reads its `GenericBlock`s (and anything else in the model)
 * and pushes its diagnostics to `model.diagnostics`, so the editor shows them
 * while the user types. Passes must not throw (a throw becomes an
 * `internal-error` diagnostic) and must be idempotent.
 */
export type ScenarioPass = (model: ScenarioModel) => void;

const passes = new Map<string, ScenarioPass>();

/** Register (or replace) the pass called `name`. */
export function registerScenarioPass(name: string, pass: ScenarioPass): void {
  passes.set(name, pass);
}

export function scenarioPasses(): [string, ScenarioPass][] {
  return [...passes];
}

/** A symbol every scenario can use without defining it (a layer's documented constant). */
export interface PredefinedSymbol {
  name: string;
  value: bigint;
  /** One line for hovers and completion. */
  description: string;
}

const predefined = new Map<string, PredefinedSymbol>();

/**
 * Make `name` usable in every scenario expression (e.g. `MAIR_DEFAULT` from the
 * page-table layer). A scenario's own `const`/label of the same name wins, so
 * scenarios written before the registration keep working.
 */
export function registerPredefinedSymbol(name: string, value: bigint, description: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid symbol name '${name}'`);
  predefined.set(name, { name, value, description });
}

export function predefinedSymbol(name: string): PredefinedSymbol | undefined {
  return predefined.get(name);
}

export function predefinedSymbols(): PredefinedSymbol[] {
  return [...predefined.values()];
}
