/**
 * The simulator knowledge the server maps, gathered in one place: the
 * instruction list with summaries (isa), directives and expectation words
 * (scenario), SMCCC/FF-A function IDs (arch), checker rules with a
 * mechanical barrier fix (checks). Nothing here is a second copy: each list
 * is read from the layer that owns it.
 */
import { KNOWN_DIRECTIVES } from '../simulator/scenario/layout';
import { FAULT_KINDS as SCENARIO_FAULT_KINDS } from '../simulator/scenario/expectBlock';
import { findRule, RULES, type RuleDef } from '../simulator/arch/rules';
import { decodeFunctionId } from '../simulator/arch/decoders/smccc';
import { MNEMONICS, mnemonicInfo } from '../simulator/isa/mnemonics';
import { hex } from '../simulator/util/hex';

export const FAULT_KINDS: readonly string[] = SCENARIO_FAULT_KINDS;

/** Words of `expect` statements (for semantic tokens). */
export const EXPECTATION_WORDS: ReadonlySet<string> = new Set(['mem', 'mem8', 'mem16', 'mem32', 'mem64', 'no', 'fault', 'finding', 'halted', 'stage', 'level', 'at', 'on', 'el', 'when', 'every', 'do', 'step', 'reaches', 'irq', 'write', 'fill', 'size', ...SCENARIO_FAULT_KINDS]);

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
