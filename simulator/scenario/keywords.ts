/**
 * Top-level keywords of the scenario language and its extensions.
 *
 * The core interprets `scenario`, `system`, `const`, `pe`, `code`, `data`,
 * `event` and `expect`. Other layers own further blocks (`pagetable`,
 * `partition`, …), `system { … }` settings, predefined symbols and parse-time
 * checks: each describes them as a `LanguageExtension` (plain data it
 * exports), and a `ScenarioLanguage` is the core plus an explicit list of
 * extensions. `parseScenario(text, { language })` parses with the language it
 * is given — the result never depends on which modules happen to be loaded.
 * The simulator's front door (simulator/language.ts) defines the full
 * language every tool uses by default.
 */
import type { ScenarioModel } from './model';

export const CORE_KEYWORDS: readonly string[] = ['scenario', 'system', 'const', 'pe', 'code', 'data', 'event', 'expect'];

/** Core keywords that open a `{ … }` body. */
export const CORE_BLOCK_KEYWORDS: ReadonlySet<string> = new Set(['system', 'pe', 'code', 'data', 'expect']);

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
 * A check an extension runs at the end of every parse, after the core checks:
 * it reads its `GenericBlock`s (and anything else in the model) and pushes its
 * diagnostics to `model.diagnostics`, so the editor shows them while the user
 * types. Passes must not throw (a throw becomes an `internal-error`
 * diagnostic) and must be idempotent.
 */
export type ScenarioPass = (model: ScenarioModel, language: ScenarioLanguage) => void;

/** A symbol every scenario can use without defining it (a layer's documented constant). */
export interface PredefinedSymbol {
  name: string;
  value: bigint;
  /** One line for hovers and completion. */
  description: string;
}

/** What one layer adds to the scenario language. */
export interface LanguageExtension {
  /** The layer (`pagetable`, `caches`, …): names its pass in internal-error diagnostics. */
  readonly name: string;
  /** Top-level block keywords it owns: `NAME args { body }` is kept as a `GenericBlock` for it. */
  readonly blocks?: readonly string[];
  /** Settings it accepts inside `system { … }` (they land in `SystemConfig.settings`). */
  readonly settings?: readonly string[];
  /**
   * Symbols every scenario may use (e.g. `MAIR_DEFAULT`). A scenario's own
   * `const`/label of the same name wins.
   */
  readonly symbols?: readonly PredefinedSymbol[];
  /** Its parse-time check. */
  readonly pass?: ScenarioPass;
}

const KEYWORD = /^[a-z_][a-z0-9_]*$/;
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The core language plus an explicit, ordered list of extensions (passes run in that order). */
export class ScenarioLanguage {
  private readonly blockSet = new Set<string>();
  private readonly settingSet = new Set<string>();
  private readonly symbolMap = new Map<string, PredefinedSymbol>();

  constructor(readonly extensions: readonly LanguageExtension[] = []) {
    for (const x of extensions) {
      for (const b of x.blocks ?? []) {
        if (!KEYWORD.test(b)) throw new Error(`invalid block keyword '${b}' in language extension '${x.name}'`);
        if (!CORE_KEYWORDS.includes(b)) this.blockSet.add(b);
      }
      for (const s of x.settings ?? []) {
        if (!KEYWORD.test(s)) throw new Error(`invalid system setting '${s}' in language extension '${x.name}'`);
        this.settingSet.add(s);
      }
      for (const sym of x.symbols ?? []) {
        if (!SYMBOL.test(sym.name)) throw new Error(`invalid symbol name '${sym.name}' in language extension '${x.name}'`);
        this.symbolMap.set(sym.name, sym);
      }
    }
  }

  /** This language with more extensions after its own. */
  with(...more: LanguageExtension[]): ScenarioLanguage {
    return new ScenarioLanguage([...this.extensions, ...more]);
  }

  /** An extension's block keyword (kept as a GenericBlock). */
  isExtensionBlock(name: string): boolean {
    return this.blockSet.has(name);
  }

  isTopKeyword(name: string): boolean {
    return CORE_KEYWORDS.includes(name) || this.blockSet.has(name);
  }

  /** A keyword that opens a `{ … }` body. */
  opensBody(name: string): boolean {
    return CORE_BLOCK_KEYWORDS.has(name) || this.blockSet.has(name);
  }

  /** Every top-level keyword: the core's, then the extensions' in order. */
  topKeywords(): string[] {
    return [...CORE_KEYWORDS, ...this.blockSet];
  }

  isExtensionSetting(name: string): boolean {
    return this.settingSet.has(name);
  }

  /** Every `system { … }` setting: the core's, then the extensions'. */
  systemSettings(): string[] {
    return [...CORE_SYSTEM_SETTINGS, ...this.settingSet];
  }

  extensionSettings(): string[] {
    return [...this.settingSet];
  }

  symbol(name: string): PredefinedSymbol | undefined {
    return this.symbolMap.get(name);
  }

  symbols(): PredefinedSymbol[] {
    return [...this.symbolMap.values()];
  }

  /** The extensions' parse-time checks, in order, with the extension's name. */
  passes(): [string, ScenarioPass][] {
    return this.extensions.filter((x) => x.pass !== undefined).map((x) => [x.name, x.pass!]);
  }
}

/** The core language alone: extension blocks are unknown blocks. */
export const CORE_LANGUAGE = new ScenarioLanguage();
