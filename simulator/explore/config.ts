/**
 * The `explore { … }` block (docs/explore.md "Bounds and settings"): what
 * exploration enumerates beside PE interleavings and event windows, and the
 * scenario's own search bounds.
 *
 * ```
 * explore {
 *   speculative_fills all        // all | none | N: at most N speculative fills per execution
 *   speculative_lines 256        // lines per PE a fill may take beyond its own accesses (0: its own only)
 *   mapped_fills 1               // all | none | N: at most N fills of such lines per execution
 *   evictions 1                  // at most N cache evictions per execution (0: none)
 *   max_states 200000            // default for --max-states
 *   max_depth 5000               // default for --max-depth
 *   memory_model promising       // Arm's concurrency model (default sc: every store visible at once)
 *   descriptors pte_x 0x8010_2208  // descriptors the model holds from the start (with memory_model promising)
 * }
 * ```
 */
import type { LanguageExtension } from '../scenario/keywords';
import type { Diagnostic, GenericBlock, ScenarioModel, SymbolDef } from '../scenario/model';
import { parseInteger } from '../util/hex';

export interface ExploreSettings {
  /** Speculative fills per execution (Infinity: every one the architecture permits; 0: none). */
  fills: number;
  /**
   * Lines a PE's speculative fill may take beyond those it accessed itself: lines any PE accessed or the
   * scenario's data holds, when its regime maps them Normal cacheable (choices.ts). 0: its own accesses only.
   */
  fillLines: number;
  /** Fills of such lines (not accessed by the filling PE) per execution, within `fills` (Infinity: no own bound; 0: none). */
  mappedFills: number;
  /** Evictions per execution (0: none). */
  evictions: number;
  /** Distinct states to visit before the search stops (a bound, reported when hit). */
  maxStates: number;
  /** Actions along one execution before it is cut (a bound, reported when hit). */
  maxDepth: number;
  /** `promising`: Arm's concurrency model (reads may take older writes, promises); `sc`: every store visible at once. */
  memoryModel: 'sc' | 'promising';
  /**
   * Translation table descriptors (PAs, 8-byte aligned) the memory model holds from the start, as herd7 holds every
   * `PTE(x)` of a VMSA litmus test: a walk reads them through the model from the first step, none is ever cached in a
   * TLB outside it (engine/modelLocations.ts). At most `MAX_DESCRIPTORS`.
   */
  descriptors: readonly number[];
}

/** Descriptors one `explore` block may name (docs/limits.md). */
export const MAX_DESCRIPTORS = 256;

/** Defaults: every speculative fill, one eviction per execution, and bounds that keep a search within seconds to minutes. */
export const DEFAULT_EXPLORE: Readonly<ExploreSettings> = { fills: Infinity, fillLines: 256, mappedFills: 1, evictions: 1, maxStates: 1_000_000, maxDepth: 10_000, memoryModel: 'sc', descriptors: [] };

/** Largest value any count may take (a typo such as 10^12 is reported rather than run). */
const MAX_COUNT = 1e9;

/**
 * The settings of the block, what each bounds and the values it takes: the
 * text editors show on hover and offer in completion.
 */
export const EXPLORE_SETTINGS: Readonly<Record<'speculative_fills' | 'speculative_lines' | 'mapped_fills' | 'evictions' | 'max_states' | 'max_depth' | 'memory_model' | 'descriptors', { values: string; meaning: string; default: string }>> = {
  speculative_fills: { values: `all | none | 0 to ${MAX_COUNT}`, meaning: 'speculative cache fills exploration enumerates per execution', default: 'all' },
  speculative_lines: {
    values: `0 to ${MAX_COUNT}`,
    meaning: "lines per PE a speculative fill may take beyond those the PE accessed: lines another PE accessed or the scenario's data holds, when the PE's regime maps them Normal cacheable (0: its own accesses only)",
    default: String(DEFAULT_EXPLORE.fillLines),
  },
  mapped_fills: {
    values: `all | none | 0 to ${MAX_COUNT}`,
    meaning: 'speculative fills per execution of lines the filling PE did not access itself (within speculative_fills)',
    default: String(DEFAULT_EXPLORE.mappedFills),
  },
  evictions: { values: `0 to ${MAX_COUNT}`, meaning: 'cache evictions exploration enumerates per execution (0: none)', default: String(DEFAULT_EXPLORE.evictions) },
  max_states: { values: `1 to ${MAX_COUNT}`, meaning: 'distinct states visited before the search stops (reported when hit; `--max-states` overrides)', default: String(DEFAULT_EXPLORE.maxStates) },
  max_depth: { values: `1 to ${MAX_COUNT}`, meaning: 'actions along one execution before it is cut (reported when hit; `--max-depth` overrides)', default: String(DEFAULT_EXPLORE.maxDepth) },
  memory_model: { values: 'sc | promising', meaning: "the memory model executions follow: 'promising' is Arm's (reads may take older writes; docs/memory-model.md), 'sc' makes every store visible at once", default: 'sc' },
  descriptors: {
    values: `up to ${MAX_DESCRIPTORS} addresses or constants, 8-byte aligned`,
    meaning: 'translation table descriptors the memory model (memory_model promising) holds from the start: walks read them through the model from the first step, as herd7 does for PTE(x) (otherwise a descriptor enters the model at its first load or store)',
    default: 'none',
  },
};

function count(word: string | undefined, what: string, report: (m: string) => void, allowAll: boolean): number | undefined {
  const w = word?.toLowerCase();
  if (allowAll && w === 'all') return Infinity;
  if (allowAll && w === 'none') return 0;
  const v = word === undefined ? undefined : parseInteger(word);
  if (v === undefined || v < 0n || v > BigInt(MAX_COUNT)) {
    report(`${what} expects ${allowAll ? "'all', 'none' or " : ''}a number from 0 to ${MAX_COUNT}, found '${word ?? ''}'`);
    return undefined;
  }
  return Number(v);
}

/** An address word of `descriptors`: a number or a constant's name. */
function address(word: string, constants: ReadonlyMap<string, SymbolDef> | undefined): bigint | undefined {
  return parseInteger(word) ?? constants?.get(word)?.value;
}

/** The settings of a scenario's `explore` block (defaults for what it does not say); problems go to `diags` (rule `explore`); `constants`: the scenario's, for addresses named by them. */
export function parseExploreSettings(blocks: readonly GenericBlock[], diags: Diagnostic[] = [], constants?: ReadonlyMap<string, SymbolDef>): ExploreSettings {
  const s: ExploreSettings = { ...DEFAULT_EXPLORE };
  const list = blocks.filter((b) => b.keyword === 'explore');
  for (const extra of list.slice(1)) diags.push({ range: extra.range, severity: 'error', message: "a scenario has one 'explore' block", rule: 'explore' });
  const block = list[0];
  if (block === undefined) return s;
  for (const stmt of block.body) {
    const w = stmt.words.map((x) => x.text);
    const report = (message: string): void => {
      diags.push({ range: stmt.range, severity: 'error', message, rule: 'explore' });
    };
    const key = w[0]?.toLowerCase();
    if (key === 'descriptors') {
      const pas = [...s.descriptors];
      for (const word of w.slice(1)) {
        const v = address(word, constants);
        if (v === undefined) report(`descriptors expects addresses or constants, found '${word}': give a physical address (0x8010_2208) or declare it first (const ${word} = 0x…)`);
        else if (v < 0n || v % 8n !== 0n || v >= 2n ** 48n) report(`descriptors: ${word} is not an 8-byte aligned physical address below 2^48 (a descriptor is 8 bytes at a multiple of 8)`);
        else if (pas.length >= MAX_DESCRIPTORS) {
          report(`descriptors: at most ${MAX_DESCRIPTORS} in all (docs/limits.md); '${word}' and the rest are not held from the start`);
          break;
        } else if (!pas.includes(Number(v))) pas.push(Number(v));
      }
      s.descriptors = pas;
      continue;
    }
    if (w.length > 2) {
      report(`unexpected '${w[2]}' after '${w[0]} ${w[1]}'`);
      continue;
    }
    switch (key) {
      case 'speculative_fills':
        s.fills = count(w[1], key, report, true) ?? s.fills;
        break;
      case 'speculative_lines':
        s.fillLines = count(w[1], key, report, false) ?? s.fillLines;
        break;
      case 'mapped_fills':
        s.mappedFills = count(w[1], key, report, true) ?? s.mappedFills;
        break;
      case 'evictions':
        s.evictions = count(w[1], key, report, false) ?? s.evictions;
        break;
      case 'max_states': {
        const v = count(w[1], key, report, false);
        if (v === 0) report('max_states must be at least 1');
        else if (v !== undefined) s.maxStates = v;
        break;
      }
      case 'max_depth': {
        const v = count(w[1], key, report, false);
        if (v === 0) report('max_depth must be at least 1');
        else if (v !== undefined) s.maxDepth = v;
        break;
      }
      case 'memory_model':
        if (w[1] === 'sc' || w[1] === 'promising') s.memoryModel = w[1];
        else report(`memory_model expects 'sc' or 'promising', found '${w[1] ?? ''}'`);
        break;
      default:
        report(`unknown explore setting '${w[0] ?? ''}' (${Object.keys(EXPLORE_SETTINGS).join(', ')})`);
    }
  }
  return s;
}

/** The exploration layer's part of the scenario language: the `explore` block, checked as the user types. */
export const EXPLORE_LANGUAGE: LanguageExtension = {
  name: 'explore',
  blocks: ['explore'],
  pass: (model: ScenarioModel) => void parseExploreSettings(model.blocks, model.diagnostics, model.constants),
};
