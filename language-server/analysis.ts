/**
 * One parsed document: the scenario model from `parseScenario` (the only
 * parser) plus lazily built indexes the LSP features share. Cached per
 * document version, so every request after an edit reuses one parse.
 */
import { splitBlocks, type RawBlock } from '../simulator/scenario/blocks';
import { Reporter } from '../simulator/scenario/diagnostics';
import { lex } from '../simulator/scenario/lexer';
import { TokenList } from '../simulator/scenario/tokenList';
import type { AsmLine, CodeBlock, ScenarioModel, SourceRange } from '../simulator/scenario/model';
// The front door registers every layer's blocks and passes (page tables, caches, GIC, firmware).
import { FULL_LANGUAGE } from '../simulator';

export interface AsmLineRef {
  block: CodeBlock;
  line: AsmLine;
}

export interface Word {
  text: string;
  range: SourceRange;
}

/** The lines the change from document version `from` to this one replaced (lines [first, lastOld] became [first, lastNew]). */
export interface VersionEdit {
  from: number;
  first: number;
  lastOld: number;
  lastNew: number;
}

export class Analysis {
  /** The change from the previous version, when the text store described it (semanticTokens.ts reads it instead of comparing the texts). */
  readonly edit: VersionEdit | undefined;
  /** Whether the text may hold `/*`, when the caller knows it without a scan (ScenarioDocument). */
  readonly blockComments: boolean | undefined;
  private linesCache: string[] | undefined;
  private tokensCache: TokenList | undefined;
  private blocksCache: RawBlock[] | undefined;
  private asmIndex: Map<number, AsmLineRef[]> | undefined;

  /** `parsed`: the parse's own tokens and blocks when the caller has them (ScenarioDocument), so nothing is lexed twice. */
  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly model: ScenarioModel,
    parsed?: { tokens?: TokenList; blocks?: RawBlock[]; edit?: VersionEdit; blockComments?: boolean },
  ) {
    this.tokensCache = parsed?.tokens;
    this.blocksCache = parsed?.blocks;
    this.edit = parsed?.edit;
    this.blockComments = parsed?.blockComments;
  }

  /** The document's lines (without line ends). */
  get lines(): string[] {
    this.linesCache ??= this.text.split(/\r?\n/);
    return this.linesCache;
  }

  /** Lexer tokens (the scenario lexer; comments dropped), compact (`at(k)` or iteration makes a `Token`). */
  get tokens(): TokenList {
    this.tokensCache ??= TokenList.from(lex(this.text).tokens);
    return this.tokensCache;
  }

  /** Top-level statements as the parser's block layer splits them. */
  get blocks(): RawBlock[] {
    this.blocksCache ??= splitBlocks(lex(this.text).tokens, new Reporter(), FULL_LANGUAGE);
    return this.blocksCache;
  }

  /** The top-level block whose range holds `line` (for a block being typed: the one opened above). */
  blockAt(line: number): RawBlock | undefined {
    let found: RawBlock | undefined;
    for (const b of this.blocks) {
      if (b.range.start.line <= line && line <= b.range.end.line) found = b;
      if (b.range.start.line > line) break;
    }
    return found;
  }

  /** The assembly statements (and their code block) on a source line: usually one, several with `;`. */
  asmLinesAt(line: number): AsmLineRef[] {
    if (!this.asmIndex) {
      this.asmIndex = new Map();
      for (const block of this.model.code) {
        for (const l of block.lines) {
          const list = this.asmIndex.get(l.range.start.line);
          if (list) list.push({ block, line: l });
          else this.asmIndex.set(l.range.start.line, [{ block, line: l }]);
        }
      }
    }
    return this.asmIndex.get(line) ?? [];
  }

  /** The first assembly statement on a source line. */
  asmAt(line: number): AsmLineRef | undefined {
    return this.asmLinesAt(line)[0];
  }

  codeBlockAt(line: number): CodeBlock | undefined {
    return this.model.code.find((b) => b.range.start.line <= line && line <= b.range.end.line);
  }

  /**
   * The word under (or just before) a cursor: identifiers with `.` and `$`
   * (`b.eq`, `pstate.daif`, `.quad`), numbers with `_` separators.
   */
  wordAt(line: number, col: number): Word | undefined {
    const text = this.lines[line];
    if (text === undefined) return undefined;
    const re = /[-+]?0[xXbBoO][0-9a-fA-F_]+|[0-9][0-9_]*|[A-Za-z_.$][\w.$]*/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (col >= start && col <= end) {
        return { text: m[0], range: { start: { line, col: start }, end: { line, col: end } } };
      }
      if (start > col) break;
    }
    return undefined;
  }
}

/** A file path for messages and the model (`file://` URIs become paths). */
export function fileOf(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
