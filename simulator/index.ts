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
import { CHECKER_RULES } from './checks/index';
import { registerVocabulary } from './scenario/suggest';

// The rules a `finding RULE` expectation may name: the checkers' and the firmware's (firmware/firmware.ts,
// firmware/secureInterrupts.ts name theirs in their findings), for validation and "did you mean".
registerVocabulary('rule', [...CHECKER_RULES, 'ffa-livelock', 'partition-isolation', 'el3-panic']);

export { parseScenario, emptyModel, type ParseOptions } from './scenario/parse';
export { loadScenario } from './scenario/load';
export type { ScenarioModel, Diagnostic } from './scenario/model';
