/**
 * Completion, by where the cursor is: top-level keywords and block snippets;
 * settings in `system`; PE settings and registers in `pe`; instructions and
 * directives at the start of a code line, then registers, system registers
 * valid at the EL the block runs at, labels and constants; expectation
 * keywords and quantifiers in `expect`; window words after `event`;
 * settings in `explore`.
 */
import { codeBlockEl as inferCodeBlockEl } from '../simulator/scenario/codeEl';
import {
  type CompletionItem,
  CompletionItemKind,
  InsertTextFormat,
  type Position,
} from 'vscode-languageserver/node';
import { allRegisters } from '../simulator/arch/registers';
import { PE_SETTINGS } from '../simulator/scenario/keywords';
import { FULL_LANGUAGE } from '../simulator/language';
import type { CodeBlock } from '../simulator/scenario/model';
import { hex } from '../simulator/util/hex';
import type { Analysis } from './analysis';
import { allDirectives, allMnemonics, EXPLORE_SETTING_WORDS, exploreSettingMarkdown, FAULT_KINDS, FINDING_RULES, QUANTIFIER_WORDS, quantifierMarkdown, WINDOW_WORDS, windowMarkdown } from './knowledge';

const GPRS: string[] = [...Array.from({ length: 31 }, (_, i) => `x${i}`), ...Array.from({ length: 31 }, (_, i) => `w${i}`), 'sp', 'xzr', 'wzr'];
const PSTATE_FIELDS = ['daif', 'd', 'a', 'i', 'f', 'nzcv', 'sp'];

const SNIPPETS: { label: string; detail: string; body: string }[] = [
  { label: 'scenario', detail: 'scenario title', body: 'scenario "${1:Title}"' },
  {
    label: 'system',
    detail: 'system block',
    body: 'system {\n\tpes ${1:1}\n\tmemory ${2:ram} at ${3:0x8000_0000} size ${4:0x1000_0000}\n\tcache_model ${5|on,off|}\n}',
  },
  { label: 'pe', detail: 'PE block', body: 'pe ${1:0} {\n\tel ${2|1,2,3,0|}\n\tentry ${3:start}\n}' },
  { label: 'code', detail: 'code block', body: 'code at ${1:0x8000_0000} {\n${2:start}:\n\t$0\n\thlt #0\n}' },
  { label: 'data', detail: 'data block', body: 'data ${1:table} at ${2:0x8010_0000} {\n\t.quad ${3:0}\n}' },
  { label: 'const', detail: 'named constant', body: 'const ${1:NAME} = ${2:0}' },
  { label: 'event', detail: 'event', body: 'event when ${1|step 100,pe 0 reaches label|} do ${2:irq 33}' },
  { label: 'expect', detail: 'expectations', body: 'expect {\n\t${1:no fault}\n}' },
];

const SYSTEM_VALUES: Record<string, string[]> = {
  cache_model: ['on', 'off'],
  speculation: ['none', 'adversarial'],
  memory: ['at', 'size', 'secure'],
  device: ['at', 'size', 'irq'],
};

const EXPECT_KEYWORDS = ['pe', 'mem', 'mem8', 'mem16', 'mem32', 'no fault', 'no finding', 'fault', 'finding', 'halted pe'];
const EVENT_KEYWORDS = ['when', 'every', 'step', 'pe', 'reaches', 'do', 'irq', 'write', 'fill', 'size'];

function kw(label: string, detail?: string): CompletionItem {
  return detail ? { label, kind: CompletionItemKind.Keyword, detail } : { label, kind: CompletionItemKind.Keyword };
}

/** A keyword with the simulator's own description of it as documentation. */
function documented(label: string, detail: string, markdown: string | undefined): CompletionItem {
  return markdown ? { ...kw(label, detail), documentation: { kind: 'markdown', value: markdown } } : kw(label, detail);
}

function symbols(a: Analysis): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const s of a.model.symbols.values()) {
    const value = s.value !== undefined ? hex(s.value) : undefined;
    out.push({
      label: s.name,
      kind: s.kind === 'label' ? CompletionItemKind.Reference : CompletionItemKind.Constant,
      detail: s.kind === 'label' ? `label${value ? ' at ' + value : ''}` : `constant${value ? ' = ' + value : ''}`,
    });
  }
  for (const c of a.model.constants.values()) {
    if (!a.model.symbols.has(c.name)) out.push({ label: c.name, kind: CompletionItemKind.Constant, detail: `constant${c.value !== undefined ? ' = ' + hex(c.value) : ''}` });
  }
  for (const p of FULL_LANGUAGE.symbols()) {
    if (!a.model.symbols.has(p.name)) out.push({ label: p.name, kind: CompletionItemKind.Constant, detail: `predefined constant = ${hex(p.value)}`, documentation: p.description });
  }
  return out;
}

function gprs(): CompletionItem[] {
  return GPRS.map((r) => ({ label: r, kind: CompletionItemKind.Variable, detail: 'general-purpose register' }));
}

/** System registers accessible at `el` (all of them when the EL is unknown), lower-case as code writes them. */
function sysregs(el: number | undefined): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const r of allRegisters()) {
    if (el !== undefined && r.access.minEl > el) continue;
    out.push({ label: r.name.toLowerCase(), kind: CompletionItemKind.Field, detail: r.description, data: { register: r.name } });
  }
  return out;
}

/** The EL the code of a block runs at (declared, or inferred as the assembler's EL-access check does). */
export function codeBlockEl(a: Analysis, block: CodeBlock): number | undefined {
  return inferCodeBlockEl(a.model, block);
}

function peElAt(a: Analysis, line: number): number | undefined {
  const pe = a.model.pes.find((p) => p.range.start.line <= line && line <= p.range.end.line);
  return pe?.el;
}

export function provideCompletion(a: Analysis, pos: Position): CompletionItem[] {
  const lineText = a.lines[pos.line] ?? '';
  const before = lineText.slice(0, pos.character).replace(/\/\/.*$/, '');
  const words = before.trim().length === 0 ? [] : before.trim().split(/[\s,]+/);
  const typingFirst = !/\s$/.test(before) ? words.length <= 1 : words.length === 0;
  const block = a.blockAt(pos.line);
  const inBody = block?.open !== undefined && pos.line > block.open.line && (block.close === undefined || pos.line < block.close.line || (pos.line === block.close.line && pos.character <= block.close.col));

  if (!block || !inBody) {
    if (typingFirst) {
      const items: CompletionItem[] = FULL_LANGUAGE.topKeywords().map((k) => kw(k, 'block'));
      for (const s of SNIPPETS) items.push({ label: s.label, kind: CompletionItemKind.Snippet, detail: s.detail, insertText: s.body, insertTextFormat: InsertTextFormat.Snippet, sortText: '~' + s.label });
      return items;
    }
    const first = words[0];
    if (first === 'event') return [...WINDOW_WORDS.map((k) => documented(k, 'event window', windowMarkdown(k))), ...EVENT_KEYWORDS.map((k) => kw(k)), ...symbols(a)];
    if (first === 'pe' || first === 'code' || first === 'data') return [kw('at'), ...symbols(a)];
    return symbols(a);
  }

  switch (block.keyword.text) {
    case 'system': {
      if (typingFirst) return FULL_LANGUAGE.systemSettings().map((k) => kw(k, 'system setting'));
      return (SYSTEM_VALUES[words[0]] ?? []).map((k) => kw(k)).concat(symbols(a));
    }
    case 'pe': {
      const el = peElAt(a, pos.line);
      if (typingFirst) {
        return [
          ...PE_SETTINGS.map((k) => kw(k, 'PE setting')),
          ...gprs(),
          ...['sp', 'sp_el0', 'sp_el1', 'sp_el2', 'elr_el1', 'elr_el2', 'elr_el3', 'spsr_el1', 'spsr_el2', 'spsr_el3'].map((r) => ({ label: r, kind: CompletionItemKind.Variable })),
          ...PSTATE_FIELDS.map((f) => ({ label: `pstate.${f}`, kind: CompletionItemKind.Field, detail: 'PSTATE field' })),
          ...sysregs(el),
        ];
      }
      if (words[0] === 'security') return [kw('nonsecure'), kw('secure')];
      if (words[0] === 'el') return ['0', '1', '2', '3'].map((k) => ({ label: k, kind: CompletionItemKind.Value }));
      return symbols(a);
    }
    case 'code':
    case 'data': {
      const code = a.codeBlockAt(pos.line);
      // After an optional `label:` the first word is the mnemonic.
      const afterLabel = before.replace(/^\s*[A-Za-z_.$0-9][\w.$]*:\s*/, '');
      const mnemonicPos = !/\s/.test(afterLabel.trimStart()) && !/,/.test(afterLabel);
      if (mnemonicPos) {
        return [
          ...allMnemonics().map((m) => ({ label: m.name, kind: CompletionItemKind.Function, detail: m.summary })),
          ...allDirectives().map((d) => ({ label: d.name, kind: CompletionItemKind.Keyword, detail: d.summary })),
        ];
      }
      const mnemonic = afterLabel.trim().split(/\s+/)[0].toLowerCase();
      const el = code ? codeBlockEl(a, code) : undefined;
      const items = [...gprs(), ...symbols(a)];
      if (mnemonic === 'msr' || mnemonic === 'mrs' || mnemonic === 'sys' || mnemonic === 'sysl') items.push(...sysregs(el));
      return items;
    }
    case 'expect': {
      const quantifiers = (): CompletionItem[] => QUANTIFIER_WORDS.map((k) => documented(k, 'quantifier', quantifierMarkdown(k)));
      if (typingFirst) return [...EXPECT_KEYWORDS.map((k) => kw(k, 'expectation')), ...quantifiers()];
      // After `always`/`sometimes`/`never` the expectation itself follows.
      if (words.length === 1 && QUANTIFIER_WORDS.includes(words[0])) return EXPECT_KEYWORDS.map((k) => kw(k, 'expectation'));
      if (words[0] === 'fault') return [...FAULT_KINDS.map((k) => kw(k)), kw('stage'), kw('level'), kw('at'), kw('el'), kw('on')];
      if (words[0] === 'finding' || (words[0] === 'no' && words[1] === 'finding')) return FINDING_RULES.map((r) => kw(r.id, `${r.owner === 'checks' ? 'checker' : 'firmware'} rule: ${r.summary}`));
      if (words[0] === 'pe' && words.length >= 2) return [...gprs(), ...PSTATE_FIELDS.map((f) => ({ label: `pstate.${f}`, kind: CompletionItemKind.Field })), kw('pstate.el'), ...sysregs(undefined)];
      return symbols(a);
    }
    case 'explore': {
      if (typingFirst) return EXPLORE_SETTING_WORDS.map((k) => documented(k, 'explore setting', exploreSettingMarkdown(k)));
      if (words[0] === 'speculative_fills' || words[0] === 'mapped_fills') return [kw('all'), kw('none')];
      return [];
    }
    default:
      return [...symbols(a), ...gprs()];
  }
}
