/**
 * The simulator's front door for tools that read scenarios (language server,
 * CLI, debug adapter, benches).
 *
 * The core parser (`scenario/`) knows only the core blocks; the layers that own
 * further blocks (`pagetable`, `caches`, `gic`, `firmware`/`spmc`/`partition`,
 * `ffa_descriptor`) register their keywords, predefined symbols (`MAIR_DEFAULT`)
 * and parse-time passes (scenario/keywords.ts) when their module loads. Importing
 * this module loads all of them, so every front end gets the same diagnostics
 * without the scenario layer depending on the layers above it.
 */
import './mmu/pagetable/block';
import './cache/scenarioPass';
import './gic/config';
import './firmware';
import './firmware/descriptorBlock';

export { parseScenario, emptyModel, type ParseOptions } from './scenario/parse';
export { loadScenario } from './scenario/load';
export type { ScenarioModel, Diagnostic } from './scenario/model';
