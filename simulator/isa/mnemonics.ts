/**
 * Every mnemonic the assembler accepts, with a one-line summary and its operand
 * syntax (language-server completion and hover read this list). Derived from the
 * instruction table: a mnemonic is listed because some form assembles it, and its
 * syntax is the usage of those forms; families such as `ldadd{a|l|al}{b|h}` are
 * listed once.
 */
import { formUsage, joinUsages } from './decodetree/assembler';
import type { InstrClass } from './decodetree/types';
import { INSTRUCTION_CLASSES } from './table';

export interface MnemonicInfo {
  mnemonic: string;
  summary: string;
  syntax: string;
  /** Instruction family (for grouping in completion lists). */
  group: InstrClass['group'];
}

interface Family {
  /** `ldadd{a|l|al}{b|h}` or a plain mnemonic. */
  spelling: string;
  /** Each distinct usage with its rank: the assembler's preference, forms it takes only in special cases (MOV to/from SP) last. */
  usages: { usage: string; rank: number }[];
  group: InstrClass['group'];
}

function build(): { list: MnemonicInfo[]; families: { pattern: RegExp; info: MnemonicInfo }[] } {
  const docs = new Map<string, string>();
  for (const cls of INSTRUCTION_CLASSES) for (const [k, v] of Object.entries(cls.docs)) if (!docs.has(k)) docs.set(k, v);
  const byKey = new Map<string, Family>();
  for (const cls of INSTRUCTION_CLASSES) {
    for (const enc of cls.encodings) {
      for (const form of enc.forms) {
        if (form.disasmOnly) continue;
        const spelling = form.family ?? form.mnemonic;
        const key = spelling.replace(/\{.*$/, '');
        let fam = byKey.get(key);
        if (fam === undefined) {
          fam = { spelling, usages: [], group: cls.group };
          byKey.set(key, fam);
        }
        const u = formUsage(form);
        if (!fam.usages.some((x) => x.usage === u)) fam.usages.push({ usage: u, rank: form.asmOrder + (form.asmWhen ? 100 : 0) });
      }
    }
  }
  const list: MnemonicInfo[] = [];
  const families: { pattern: RegExp; info: MnemonicInfo }[] = [];
  for (const [key, fam] of byKey) {
    const summary = docs.get(fam.spelling);
    // A table error, caught by the ISA tests on load: every mnemonic is documented.
    if (summary === undefined) throw new Error(`instruction table: no summary for '${fam.spelling}'`);
    const usage = joinUsages(fam.usages.sort((a, b) => a.rank - b.rank).map((x) => x.usage));
    const syntax = usage === '' ? fam.spelling : `${fam.spelling} ${usage}`;
    const info: MnemonicInfo = { mnemonic: key, summary, syntax, group: fam.group };
    list.push(info);
    if (fam.spelling !== key) {
      const suffixes = fam.spelling.slice(key.length).replace(/\{([^}]*)\}/g, '(?:$1)?');
      families.push({ pattern: new RegExp(`^${key.replace(/\./g, '\\.')}${suffixes}$`), info });
    }
  }
  return { list, families };
}

const BUILT = build();

/** All supported mnemonics (one entry per family), in table order. */
export const MNEMONICS: readonly MnemonicInfo[] = BUILT.list;

const BY_NAME = new Map(MNEMONICS.map((m) => [m.mnemonic, m]));

/** The entry of a mnemonic, or of the family it belongs to (`ldaddalb` → `ldadd`). */
export function mnemonicInfo(mnemonic: string): MnemonicInfo | undefined {
  const m = mnemonic.toLowerCase();
  const direct = BY_NAME.get(m);
  if (direct) return direct;
  for (const f of BUILT.families) if (f.pattern.test(m)) return f.info;
  return undefined;
}

const GROUP_TITLES: Record<InstrClass['group'], string> = {
  'data-processing': 'Data processing',
  branch: 'Branches',
  'load-store': 'Loads and stores',
  system: 'System',
};

/**
 * The mnemonic list as Markdown tables, one per group (docs/instructions.md holds this text; a test
 * checks it is current).
 */
export function mnemonicTableMarkdown(): string {
  const out: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as InstrClass['group'][]) {
    out.push(`### ${GROUP_TITLES[group]}`, '', '| mnemonic | what it does | operands |', '|---|---|---|');
    for (const m of MNEMONICS) {
      if (m.group !== group) continue;
      const escape = (t: string): string => t.replace(/\|/g, '\\|');
      out.push(`| \`${m.mnemonic}\` | ${escape(m.summary)} | \`${escape(m.syntax)}\` |`);
    }
    out.push('');
  }
  return out.join('\n');
}
