/**
 * The simulator knowledge the server maps, gathered in one place: the
 * instruction list with summaries (isa), directives and expectation words
 * (scenario), SMCCC/FF-A function IDs (arch), checker rules with a
 * mechanical barrier fix (checks). Nothing here is a second copy: each list
 * is read from the layer that owns it.
 */
import { KNOWN_DIRECTIVES } from '../simulator/scenario/layout';
import { FAULT_KINDS as SCENARIO_FAULT_KINDS, QUANTIFIER_MEANINGS } from '../simulator/scenario/expectBlock';
import { EVENT_WINDOW_MEANINGS } from '../simulator/scenario/eventDecl';
import { EXPLORE_SETTINGS } from '../simulator/explore/config';
import { findRule, RULES, type RuleDef } from '../simulator/arch/rules';
import { decodeFunctionId } from '../simulator/arch/decoders/smccc';
import { MNEMONICS, mnemonicInfo } from '../simulator/isa/mnemonics';
import { hex } from '../simulator/util/hex';

export const FAULT_KINDS: readonly string[] = SCENARIO_FAULT_KINDS;

/** Words of `expect` statements (for semantic tokens). */
export const EXPECTATION_WORDS: ReadonlySet<string> = new Set(['mem', 'mem8', 'mem16', 'mem32', 'mem64', 'no', 'fault', 'finding', 'halted', 'stage', 'level', 'at', 'on', 'el', 'when', 'every', 'do', 'step', 'reaches', 'irq', 'write', 'fill', 'size', ...SCENARIO_FAULT_KINDS, ...Object.keys(QUANTIFIER_MEANINGS), ...Object.keys(EVENT_WINDOW_MEANINGS), 'and', ...Object.keys(EXPLORE_SETTINGS)]);

/** Summary and operand syntax of an instruction, from the assembler's own list. */
export function mnemonicSummary(m: string): string | undefined {
  const info = mnemonicInfo(m);
  return info ? `${info.summary}\n\n\`${info.syntax}\`` : undefined;
}

export function allMnemonics(): { name: string; summary: string }[] {
  return MNEMONICS.map((m) => ({ name: m.mnemonic, summary: m.summary }));
}

export function directiveSummary(d: string): string | undefined {
  return KNOWN_DIRECTIVES.includes(d) ? 'assembler directive (GNU as)' : undefined;
}

export function allDirectives(): { name: string; summary: string }[] {
  return KNOWN_DIRECTIVES.map((name) => ({ name, summary: directiveSummary(name) ?? '' }));
}

/**
 * `FFA_VERSION_32` etc. for a value that is an SMCCC/FF-A function ID. FF-A IDs
 * (OEN 4, functions 0x60-0xEF) are distinctive enough to name anywhere; other
 * SMCCC IDs (`0x8000_0000` is also SMCCC_VERSION) only where the value is a
 * function ID by position (`w0`, SMCCC §2.5), which the caller says with `inW0`.
 */
export function functionIdText(value: bigint, inW0: boolean): string | undefined {
  if (value < 0n || value > 0xffff_ffffn) return undefined;
  const d = decodeFunctionId(Number(value));
  if (!d.name || (!inW0 && d.service !== 'ffa')) return undefined;
  return `SMCCC function ID **${d.name}** (\`${hex(d.fid, 8)}\`) — ${d.summary}`;
}

/**
 * The instructions that fix a finding mechanically (barriers after the write
 * it names as related), from the rule registry (simulator/arch/rules.ts
 * `barrierFix`).
 */
export function barrierFixFor(rule: string, severity: 'error' | 'warning' | 'info'): string[] | undefined {
  const fix = findRule(rule)?.barrierFix;
  return fix !== undefined && (fix.severities === undefined || fix.severities.includes(severity)) ? [...fix.insert] : undefined;
}

/** Every registered rule (simulator/arch/rules.ts), for completion after `finding`. */
export const FINDING_RULES: readonly RuleDef[] = RULES;

function lookup<T>(table: Readonly<Record<string, T>>, word: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, word) ? table[word] : undefined;
}

/** Quantifier words (`always` … `~exists`), from the expectation parser's table. */
export const QUANTIFIER_WORDS: readonly string[] = Object.keys(QUANTIFIER_MEANINGS);

/** What a quantifier means under `armscope run` and `armscope explore` (simulator/scenario/expectBlock.ts). */
export function quantifierMarkdown(word: string): string | undefined {
  const q = lookup(QUANTIFIER_MEANINGS, word);
  return q && `**${word}** — ${q.summary}

- \`armscope run\`: ${q.run}
- \`armscope explore\`: ${q.explore}`;
}

/** Event window words, from the event parser's table. */
export const WINDOW_WORDS: readonly string[] = Object.keys(EVENT_WINDOW_MEANINGS);

/** What an event window word means (simulator/scenario/eventDecl.ts). */
export function windowMarkdown(word: string): string | undefined {
  const w = lookup(EVENT_WINDOW_MEANINGS, word);
  return w && `**${word}** — event window \`${w.syntax}\`: ${w.meaning}

\`armscope run\` fires a windowed event as soon as its window opens; \`armscope explore\` tries every moment inside it.`;
}

/** Settings of the `explore` block, from its parser's table. */
export const EXPLORE_SETTING_WORDS: readonly string[] = Object.keys(EXPLORE_SETTINGS);

/** What an `explore` setting bounds and the values it takes (simulator/explore/config.ts). */
export function exploreSettingMarkdown(word: string): string | undefined {
  const s = lookup(EXPLORE_SETTINGS, word);
  return s && `**${word}** — ${s.meaning}

Values: \`${s.values}\` · default \`${s.default}\``;
}
