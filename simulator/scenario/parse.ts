/**
 * `parseScenario(text, { file, language })`: scenario text → ScenarioModel.
 * The language (keywords.ts) says which extension blocks, settings, symbols
 * and checks exist; it is required here, so what a parse accepts never
 * depends on what the caller imported (tools use the simulator's front door,
 * simulator/index.ts, whose default is the full language).
 *
 * Never throws. Every problem becomes a Diagnostic with an exact 0-based range
 * and a rule id; the model is as complete as the text allows (a file with
 * errors still yields its labels, PE blocks and expectations), because the
 * language server shows hovers and symbols while the user types.
 *
 * Phases: lex → split top-level blocks → interpret each block → constants →
 * system values → layout pass 1 (addresses, labels) → constants again →
 * layout pass 2 (assembly) → late values (registers, entries, events,
 * expectations) → semantic checks.
 */
import { splitBlocks, type RawBlock } from './blocks';
import { interpretCode } from './codeBlock';
import { capDiagnostics, Reporter, spanRange, tokRange } from './diagnostics';
import { byteSize, count, MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES } from './limits';
import { interpretEvent, type PeMention } from './eventDecl';
import { interpretExpect, type RegisterMention } from './expectBlock';
import type { ScenarioLanguage } from './keywords';
import { lex, decodeString, type Token } from './lexer';
import { TokenList } from './tokenList';
import { checkPlacement, defineSymbol, layoutPass1, layoutPass2, type BlockLayout } from './layout';
import type { CodeBlock, ExceptionLevel, GenericBlock, ScenarioModel, SourceRange, SymbolDef } from './model';
import { codeElsOf, type CodeEl, type ElInputs } from './codeEl';
import { interpretPe, type PeHeaderInfo } from './peBlock';
import { Cursor, evaluate, globalLookup, type DeferredValue, type ParseState } from './state';
import { defaultSystem, finishSystem, interpretSystem, type SystemExtras } from './systemBlock';
import { checkScenario } from './check';
import { resolveConstants } from './constants';
import { attachSuggestions } from './suggest';
import { hex } from '../util/hex';
import type { Assembler } from '../isa/instr';
import { defaultAssembler } from './assembler';

export interface ParseOptions {
  /** Name of the file the text comes from (default `<input>`). */
  file?: string;
  /** The language to parse (required by this module's `parseScenario`; the front door defaults to the full language). */
  language?: ScenarioLanguage;
  /** The A64 assembler (defaults to `isa`'s `assembleLine`). */
  assembler?: Assembler;
  /** Skip semantic checks (tests of the syntax layer). */
  skipChecks?: boolean;
  /** Reuse assembly of unchanged lines from earlier parses (default true; only with the default assembler). */
  cache?: boolean;
}

export function emptyModel(file: string, text: string): ScenarioModel {
  return {
    file,
    system: defaultSystem(),
    pes: [],
    code: [],
    constants: new Map(),
    symbols: new Map(),
    events: [],
    expectations: [],
    blocks: [],
    program: { instrs: new Map(), chunks: [], lineOf: new Map() },
    diagnostics: [],
    refs: [],
    text,
  };
}

/** Parse a scenario in `options.language` (CORE_LANGUAGE for the core alone). */
export function parseScenario(text: string, options: ParseOptions & { language: ScenarioLanguage }): ScenarioModel {
  return parseWithInternals(text, options, false).model;
}

/** What a parse keeps besides the model, for an incremental re-parse of one line (document.ts, linePatch.ts). */
export interface ParseInternals {
  st: ParseState;
  layouts: BlockLayout[];
  els: Map<CodeBlock, CodeEl>;
  /** The lexer's tokens (compact: they are kept as long as the document) and the top-level blocks (front ends reuse them instead of lexing again). */
  tokens: TokenList;
  blocks: RawBlock[];
}

/**
 * `parseScenario`, also answering the parser's internal state (undefined after
 * an internal error); `keepTokens` false leaves its token list empty (a parse
 * nobody edits after).
 */
export function parseWithInternals(text: string, options: ParseOptions & { language: ScenarioLanguage }, keepTokens = true): { model: ScenarioModel; internals?: ParseInternals } {
  const language = options.language;
  const src = typeof text === 'string' ? text : String(text);
  const model = emptyModel(options.file ?? '<input>', src);
  const tooLarge = sizeProblem(src);
  if (tooLarge !== undefined) {
    // Not read at all: every later phase is linear or better, but not on a file of any size (docs/limits.md).
    model.diagnostics = [{ range: { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } }, severity: 'error', message: tooLarge, rule: 'file-too-large' }];
    return { model };
  }
  const rep = new Reporter();
  let internals: ParseInternals | undefined;
  try {
    internals = run(model, src, rep, options, language, keepTokens);
  } catch (e) {
    rep.error(
      { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
      `internal error while reading the scenario (please report it): ${e instanceof Error ? e.message : String(e)}`,
      'internal-error',
    );
  }
  model.diagnostics = rep.list;
  for (const [name, pass] of language.passes()) {
    try {
      pass(model, language);
    } catch (e) {
      model.diagnostics.push({
        range: { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
        severity: 'error',
        message: `internal error in the '${name}' pass (please report it): ${e instanceof Error ? e.message : String(e)}`,
        rule: 'internal-error',
      });
    }
  }
  // Within the parse's own budget: what the passes' hints spent counts, and past the diagnostic cap nothing is suggested.
  attachSuggestions(model, language, rep);
  // Sorted by position, at most MAX_DIAGNOSTICS of them plus one that counts the rest.
  model.diagnostics = capDiagnostics(model.diagnostics, rep.dropped);
  return { model, internals };
}

/** Why a text is refused before parsing (MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES), or undefined. */
function sizeProblem(text: string): string | undefined {
  if (text.length > MAX_SCENARIO_CHARS) {
    return `this scenario is ${count(text.length)} characters long: Armscope reads at most ${count(MAX_SCENARIO_CHARS)} (${byteSize(MAX_SCENARIO_CHARS)}); split it into smaller scenarios`;
  }
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (++lines > MAX_SCENARIO_LINES) return `this scenario has more than ${count(MAX_SCENARIO_LINES)} lines, the most Armscope reads; split it into smaller scenarios`;
  }
  return undefined;
}

export function sortDiagnostics(list: ScenarioModel['diagnostics']): ScenarioModel['diagnostics'] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.range.start.line - b.d.range.start.line || a.d.range.start.col - b.d.range.start.col || a.i - b.i)
    .map((x) => x.d);
}

function run(model: ScenarioModel, text: string, rep: Reporter, options: ParseOptions, language: ScenarioLanguage, keepTokens: boolean): ParseInternals {
  const lexed = lex(text);
  rep.list.push(...lexed.diagnostics);
  const st: ParseState = {
    model,
    language,
    rep,
    clean: lexed.clean,
    refs: model.refs ?? [],
    consts: [],
    code: [],
    late: [],
    early: [],
    localLabels: new Map(),
    peEls: new Map(),
    asmReports: new WeakSet(),
  };
  model.refs = st.refs;
  const blocks = splitBlocks(lexed.tokens, rep, language);
  // The tokens kept (compact) now, and the lexer's objects let go: from here on only the statements
  // not yet interpreted hold Token objects, so a large document's parse never holds them twice
  // (at 50,000 lines: 257,000 tokens, 26 MB as objects; TokenList.ts).
  const tokens = TokenList.from(keepTokens ? lexed.tokens : []);
  lexed.tokens.length = 0;

  const sysExtras: SystemExtras = { clusterMaps: [], seen: new Map() };
  const peHeaders: PeHeaderInfo[] = [];
  const peMentions: PeMention[] = [];
  const regMentions: RegisterMention[] = [];
  let titleRange: SourceRange | undefined;

  for (const b of blocks) {
    const kw = b.keyword.text;
    guard(st, b, () => {
      switch (kw) {
        case 'scenario':
          titleRange = interpretTitle(st, b, titleRange);
          break;
        case 'system':
          interpretSystem(st, b, sysExtras);
          break;
        case 'const':
          interpretConst(st, b);
          break;
        case 'pe':
          interpretPe(st, b, peHeaders);
          break;
        case 'code':
        case 'data':
          interpretCode(st, b);
          // Its statements are read once, here (their operands stay in st.code until assembled): a
          // code block's body is most of a document's tokens, let go as soon as it is read.
          b.body = [];
          break;
        case 'event':
          interpretEvent(st, b, peMentions);
          break;
        case 'expect':
          interpretExpect(st, b, peMentions, regMentions);
          break;
        default:
          if (language.isExtensionBlock(kw)) model.blocks.push(genericBlock(b));
      }
    });
  }

  // Constants that do not depend on labels, then system values.
  resolveConstants(st, false);
  for (const d of st.early) applyDeferred(st, d);
  finishSystem(st, sysExtras);

  // Layout pass 1 → labels; constants that depend on labels; pass 2.
  const layouts = layoutPass1(st);
  resolveConstants(st, true);
  // Re-parses (the language server on every keystroke) reuse unchanged lines' assembly (asmCache.ts).
  const els = codeEls(st);
  layoutPass2(st, layouts, options.assembler ?? defaultAssembler(), options.assembler === undefined && options.cache !== false, els);

  for (const d of st.late) applyDeferred(st, d);
  checkPlacement(st);
  if (!options.skipChecks) checkScenario(st, { peHeaders, peMentions, regMentions });
  return { st, layouts, els, tokens, blocks };
}

/** The EL each code block runs at (declared, or inferred from PE entries and VBARs), for the assembler's EL-access warnings. */
export function codeEls(st: ParseState): Map<CodeBlock, CodeEl> {
  const global = globalLookup(st);
  const internals = new Map(st.code.map((ci) => [ci.block, ci]));
  const inputs: ElInputs = {
    pes: st.model.pes,
    valueOf: (e) => evaluate(st, e, global, { quiet: true }),
    elOf: (pe) => {
      const e = st.peEls.get(pe);
      const v = e ? evaluate(st, e, global, { quiet: true }) : undefined;
      return v !== undefined && v >= 0n && v <= 3n ? (Number(v) as ExceptionLevel) : undefined;
    },
    extentOf: (b) => {
      const ci = internals.get(b);
      return ci?.start !== undefined && ci.end !== undefined && ci.end > ci.start ? { lo: ci.start, hi: ci.end - 1n } : undefined;
    },
  };
  return codeElsOf(
    st.code.filter((ci) => ci.block.kind === 'code').map((ci) => ci.block),
    inputs,
  );
}

/** Run one block interpreter; an internal failure is reported at the block, and parsing continues. */
function guard(st: ParseState, b: RawBlock, f: () => void): void {
  try {
    f();
  } catch (e) {
    st.rep.error(tokRange(b.keyword), `internal error while reading this '${b.keyword.text}' block (please report it): ${e instanceof Error ? e.message : String(e)}`, 'internal-error');
  }
}

function interpretTitle(st: ParseState, b: RawBlock, prev: SourceRange | undefined): SourceRange | undefined {
  const h = b.header;
  if (h.length === 0 || h[0].kind !== 'string') {
    st.rep.error(h.length > 0 ? tokRange(h[0]) : tokRange(b.keyword), `expected a title in quotes after 'scenario' (e.g. scenario "Stage 2 fault")`);
    return prev;
  }
  if (h.length > 1) st.rep.error(spanRange(h[1], h[h.length - 1]), 'unexpected text after the scenario title');
  if (prev) st.rep.warning(tokRange(b.keyword), "the scenario title is set twice; the last one wins", 'duplicate', [{ range: prev, message: 'first title' }]);
  st.model.title = decodeString(h[0].text);
  return b.range;
}

function interpretConst(st: ParseState, b: RawBlock): void {
  const c = new Cursor(b.header, st, b.keyword);
  const name = c.next();
  if (!name || name.kind !== 'ident') {
    if (name) c.i--;
    c.expected('a constant name', 'const');
    return;
  }
  if (!c.acceptPunct('=')) {
    c.expected("'='", name.text);
    return;
  }
  const expr = c.expr();
  if (!expr) {
    c.expected('a value', '=');
    return;
  }
  const def: SymbolDef = { name: name.text, kind: 'constant', range: tokRange(name) };
  if (defineSymbol(st, def)) st.consts.push({ def, expr, resolved: false });
}

function applyDeferred(st: ParseState, d: DeferredValue): void {
  const v = evaluate(st, d.expr, globalLookup(st));
  if (v === undefined) return;
  if ((d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max)) {
    const show = (x: bigint): string => (x > 0xffffn ? hex(x) : x.toString());
    const range = d.min !== undefined && d.max !== undefined ? `${show(d.min)} to ${show(d.max)}` : d.min !== undefined ? `at least ${show(d.min)}` : `at most ${show(d.max!)}`;
    st.rep.error(d.expr.range, `${d.what} must be ${range}, not ${v < 0n ? v.toString() : show(v)}`, d.rule ?? 'out-of-range');
    return;
  }
  d.apply?.(v);
}

/** Split a body statement into words: runs of adjacent tokens; `{ } ,` and strings stand alone. */
function words(tokens: Token[]): { text: string; range: SourceRange }[] {
  const out: { text: string; range: SourceRange }[] = [];
  let cur: Token[] = [];
  const flush = (): void => {
    if (cur.length > 0) out.push({ text: cur.map((t) => t.text).join(''), range: spanRange(cur[0], cur[cur.length - 1]) });
    cur = [];
  };
  for (const t of tokens) {
    const alone = t.kind === 'string' || t.text === '{' || t.text === '}' || t.text === ',';
    if (alone || t.spaced || (cur.length > 0 && (cur[cur.length - 1].line !== t.line || isAlone(cur[cur.length - 1])))) flush();
    cur.push(t);
    if (alone) flush();
  }
  flush();
  return out;
}

function isAlone(t: Token): boolean {
  return t.kind === 'string' || t.text === '{' || t.text === '}' || t.text === ',';
}

function genericBlock(b: RawBlock): GenericBlock {
  return {
    keyword: b.keyword.text,
    args: words(b.header),
    body: b.body.map((s) => ({ words: words(s.tokens), range: s.range })),
    range: b.range,
  };
}
