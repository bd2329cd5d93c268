/**
 * The full scenario language: the core (scenario/) plus every layer's
 * extension, in this order (their parse-time passes run in it). Tools parse
 * with it unless they ask for less (`parseScenario(text, { language })`).
 */
import { CACHES_LANGUAGE } from './cache/scenarioPass';
import { EXPLORE_LANGUAGE } from './explore/config';
import { FFA_DESCRIPTOR_LANGUAGE } from './firmware/descriptorBlock';
import { FIRMWARE_LANGUAGE } from './firmware/index';
import { GIC_LANGUAGE } from './gic/config';
import { PAGETABLE_LANGUAGE } from './mmu/pagetable/block';
import { ScenarioLanguage } from './scenario/keywords';

export const FULL_LANGUAGE = new ScenarioLanguage([PAGETABLE_LANGUAGE, CACHES_LANGUAGE, GIC_LANGUAGE, FIRMWARE_LANGUAGE, FFA_DESCRIPTOR_LANGUAGE, EXPLORE_LANGUAGE]);
