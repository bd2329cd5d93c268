/**
 * Explore from the editor (issue #13 item 4; docs/explore.md "In the
 * editor"): an "Explore" code lens on every scenario runs `armscope explore`'s
 * search in the explore worker (exploreJob.ts: never on the server's thread,
 * bounded by EXPLORE_MAX_STATES and EXPLORE_TIMEOUT_MS, cancellable), with LSP
 * work-done progress (states, depth). Its verdicts become diagnostics on the
 * expectations that break in some explored execution, and a bound that cut
 * the search a warning (never a silent pass). Each broken expectation gets a
 * "Debug this execution" code lens and code action: the extension asks
 * `armscope/witness` for the witness, writes it and launches the debugger
 * with `"replay"`.
 *
 * Results belong to the text explored: an edit hides them (the witness of
 * another text is refused by the debugger anyway) — unless it keeps the
 * scenario's canonical text (simulator/explore/witness.ts `canonicalScenario`:
 * formatting, spacing, comments, as format-on-save makes), which is the text
 * the witness is keyed on: then the verdicts and witnesses carry over to the
 * new version.
 */
import {
  type CancellationToken,
  type CodeAction,
  CodeActionKind,
  type CodeLens,
  type Connection,
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  LSPErrorCodes,
  ResponseError,
  WorkDoneProgress,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageserver/node';
import { boundText } from '../simulator/explore/bounds';
import type { Progress } from '../simulator/explore/explore';
import { scenarioHash, type Witness } from '../simulator/explore/witness';
import {
  type BrokenExpectation,
  DEBUG_WITNESS_COMMAND,
  EXPLORE_COMMAND,
  type ExploreAnswer,
  type ExploreParams,
  type WitnessParams,
  type WitnessResult,
} from '../extension/protocol';
import type { Analysis } from './analysis';
import { fileOf } from './analysis';
import { lineRange, toRange } from './convert';
import type { DocumentStore } from './documents';
import type { ExploreSummary } from './exploreJob';
import { EXPLORE_MAX_STATES, EXPLORE_TIMEOUT_MS } from './limits';
import type { ServerSettings } from './settings';
import type { WorkerPool } from './workerPool';

export const EXPLORE_SOURCE = 'armscope explore';
/** Diagnostic codes of explorations. */
export const EXPECTATION_CODE = 'explore-expectation';
export const BOUNDED_CODE = 'explore-bounded';
export const ERROR_CODE = 'explore-error';

/** `data` of an expectation diagnostic: the exploration (by version) and the outcome whose witness shows it. */
export interface ExploreDiagnosticData {
  explore: { version: number; outcome: number };
}

interface Exploration {
  version: number;
  /** The version explored (`version` moves on over changes that keep the canonical text). */
  explored: number;
  /** The witness hash of the text explored (`scenarioHash`). */
  hash: string;
  /** The last later version whose text was found to differ (not checked again). */
  differs?: number;
  summary?: ExploreSummary;
  diagnostics: LspDiagnostic[];
  broken: BrokenExpectation[];
}

export interface ExplorerContext {
  pool: WorkerPool;
  store: DocumentStore;
  connection: Connection;
  settings: () => ServerSettings;
  /** Publish the document's diagnostics again (they include `diagnostics(uri, version)`). */
  republish: (uri: string) => void;
  /** The client takes `workspace/codeLens/refresh`. */
  canRefreshLenses: () => boolean;
}

const grouped = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${grouped(n)} ${n === 1 ? one : many}`;

/** The expectations an exploration shows broken, with the outcome whose witness shows each. */
function brokenOf(s: ExploreSummary): BrokenExpectation[] {
  const out: BrokenExpectation[] = [];
  for (const e of s.expectations) {
    if (e.ok) continue;
    const breaking = s.outcomes.filter((o) => o.failed.includes(e.line));
    // The first breaking outcome in the report's order (failing first, most common first).
    const first = s.outcomes.findIndex((o, i) => o.failed.includes(e.line) && s.witnesses[i] !== null);
    const b: BrokenExpectation = { line: e.line - 1, text: e.text, quantifier: e.quantifier, holds: e.holds, breaking: breaking.length };
    if (first >= 0) b.outcome = first;
    out.push(b);
  }
  return out;
}

/** The diagnostics of an exploration of the analysed version `a`. */
export function exploreDiagnostics(a: Analysis, version: number, s: ExploreSummary, broken: BrokenExpectation[]): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  const n = s.outcomes.length;
  const bounded = s.bounds.hit.length > 0;
  const scope = bounded ? 'explored outcomes (a bound cut the search)' : 'explored outcomes';
  for (const b of broken) {
    let message: string;
    if (b.outcome !== undefined) {
      const q = b.quantifier === 'never' ? `'${b.text}' must never hold; it holds` : `'${b.text}' breaks`;
      const witness = s.outcomes[b.outcome];
      message = `explore: ${q} in ${grouped(b.breaking)} of ${plural(n, 'outcome')} ${bounded ? `(a bound cut the search)` : 'explored'} — holds ${b.holds}; witness #${b.outcome + 1} (${plural(witness.choices, 'choice')}): "Debug this execution" replays it`;
    } else {
      message = `explore: '${b.text}' holds in none of the ${plural(n, 'outcome')} ${scope} (${b.quantifier} needs at least one)`;
    }
    const d: LspDiagnostic = {
      range: expectationRange(a, b.line),
      // A `sometimes` not seen under a bound may still hold beyond it: a warning, not an error.
      severity: b.outcome === undefined && bounded ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
      source: EXPLORE_SOURCE,
      code: EXPECTATION_CODE,
      message,
    };
    if (b.outcome !== undefined) d.data = { explore: { version, outcome: b.outcome } } satisfies ExploreDiagnosticData;
    out.push(d);
  }
  if (bounded) {
    out.push({
      range: lineRange(a.lines, 0),
      severity: DiagnosticSeverity.Warning,
      source: EXPLORE_SOURCE,
      code: BOUNDED_CODE,
      message: `explore: a bound stopped the search after ${plural(s.states, 'state')} — ${s.bounds.hit.map((b) => boundText(b, { ...s.bounds, statesCapped: s.statesCapped })).join('; ')}. The verdicts cover the explored executions only ('armscope explore ${fileOf(a.uri).split(/[\\/]/).pop() ?? ''} --max-states N' searches further).`,
    });
  }
  return out;
}

/** The range of the expectation on a 0-based line (its text, without a trailing comment). */
function expectationRange(a: Analysis, line: number): ReturnType<typeof lineRange> {
  const e = a.model.expectations.find((x) => x.range.start.line === line);
  return e ? toRange(e.range) : lineRange(a.lines, line);
}

/** Where the Explore lens goes: the `expect {` line of the first expectation, else the first line that is not blank or a comment. */
function exploreLensRange(a: Analysis): ReturnType<typeof lineRange> {
  const first = a.model.expectations[0]?.range.start.line;
  let line = -1;
  if (first !== undefined) for (let l = first; l >= 0 && line < 0; l--) if (/^\s*expect\b/.test(a.lines[l] ?? '')) line = l;
  if (line < 0) line = Math.max(0, a.lines.findIndex((t) => !/^\s*(\/\/.*)?$/.test(t)));
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}

/** The one-line verdict the code lens shows. */
function verdictText(s: ExploreSummary, broken: BrokenExpectation[]): string {
  const what = s.result === 'pass' ? 'every expectation holds' : broken.length > 0 ? `${plural(broken.length, 'expectation')} broken` : s.result;
  const bound = s.bounds.hit.length > 0 ? `, BOUND HIT: ${s.bounds.hit.join(', ')}` : '';
  return `${what} — ${plural(s.outcomes.length, 'outcome')}, ${plural(s.states, 'state')}, ${s.seconds.toFixed(1)} s${bound}`;
}

export class Explorer {
  private readonly results = new Map<string, Exploration>();
  private readonly running = new Map<string, { id: number; version: number }>();

  constructor(private readonly ctx: ExplorerContext) {}

  /** Diagnostics of the exploration of this version of the document (none for another version). */
  diagnostics(uri: string, version: number): LspDiagnostic[] {
    return this.current(uri, version)?.diagnostics ?? [];
  }

  /**
   * The exploration that holds for this version of the document: the one of this version, or of an
   * earlier one whose canonical text this version keeps (then carried over: its diagnostics placed
   * on this text).
   */
  private current(uri: string, version: number): Exploration | undefined {
    const r = this.results.get(uri);
    if (r === undefined || r.version === version) return r;
    if (r.summary === undefined || version < r.version || r.differs === version) return undefined;
    const a = this.ctx.store.analysis(uri);
    if (a?.version !== version || a.model.diagnostics.some((d) => d.severity === 'error') || scenarioHash(a.model) !== r.hash) {
      r.differs = version;
      return undefined;
    }
    const moved: Exploration = { ...r, version, diagnostics: exploreDiagnostics(a, version, r.summary, r.broken), differs: undefined };
    this.results.set(uri, moved);
    return moved;
  }

  /** Explorations that finished or are running (tests read it). */
  get size(): number {
    return this.results.size + this.running.size;
  }

  closed(uri: string): void {
    const job = this.running.get(uri);
    if (job) this.ctx.pool.cancel(job.id);
    this.running.delete(uri);
    this.results.delete(uri);
  }

  /**
   * "Explore" on the `expect` block (the first statement when there is none:
   * never on line 1 of a file that starts with a comment, where a click
   * meant for the text would land on it); "Debug this execution" on each
   * expectation broken in this version's exploration.
   */
  codeLenses(a: Analysis, version: number): CodeLens[] {
    const top = exploreLensRange(a);
    const job = this.running.get(a.uri);
    const current = this.current(a.uri, version);
    let title = 'Explore every execution';
    if (job?.version === version) title = 'Exploring every execution… (Explore again restarts it)';
    else if (current?.summary) title = `Explore again (last: ${verdictText(current.summary, current.broken)})`;
    const lenses: CodeLens[] = [{ range: top, command: { title, command: EXPLORE_COMMAND, arguments: [a.uri] } }];
    if (current?.summary) {
      for (const b of current.broken) {
        if (b.outcome === undefined) continue;
        const choices = current.summary.outcomes[b.outcome].choices;
        lenses.push({
          range: expectationRange(a, b.line),
          command: { title: `Debug this execution (witness #${b.outcome + 1}, ${plural(choices, 'choice')})`, command: DEBUG_WITNESS_COMMAND, arguments: [{ uri: a.uri, version, outcome: b.outcome } satisfies WitnessParams] },
        });
      }
    }
    return lenses;
  }

  /** "Debug this execution" for an expectation diagnostic of this version's exploration. */
  debugAction(a: Analysis, version: number, d: LspDiagnostic): CodeAction | undefined {
    if (d.code !== EXPECTATION_CODE) return undefined;
    const data = d.data as Partial<ExploreDiagnosticData> | undefined;
    const e = typeof data === 'object' && data !== null ? data.explore : undefined;
    if (typeof e !== 'object' || e === null || e.version !== version || !Number.isInteger(e.outcome)) return undefined;
    const r = this.current(a.uri, version);
    if (!r?.summary?.witnesses[e.outcome]) return undefined;
    return {
      title: 'Debug this execution',
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      command: { title: 'Debug this execution', command: DEBUG_WITNESS_COMMAND, arguments: [{ uri: a.uri, version, outcome: e.outcome } satisfies WitnessParams] },
    };
  }

  /** `armscope/witness`: the witness of an outcome of the current version's exploration. */
  witness(p: WitnessParams): WitnessResult {
    const doc = this.ctx.store.get(p.uri);
    if (!doc) return { kind: 'error', message: `not open: ${p.uri}` };
    const r = this.current(p.uri, doc.version);
    // The lens or action of a version from this exploration on (formatting since keeps its witnesses).
    if (!r?.summary || p.version < r.explored || p.version > doc.version)
      return { kind: 'error', message: 'the scenario changed since it was explored: explore it again to get a witness of this version', stale: true };
    const w: Witness | null | undefined = r.summary.witnesses[p.outcome];
    if (!w) return { kind: 'error', message: `outcome #${p.outcome + 1} of this exploration breaks no expectation: it has no witness` };
    const base = (fileOf(p.uri).split(/[\\/]/).pop() ?? 'scenario').replace(/\.armscope$/, '');
    return { kind: 'witness', name: `${base}.${p.outcome + 1}.witness`, witness: w, choices: w.choices.length };
  }

  /** `armscope/explore`: explore the document's current text in the explore worker. */
  async explore(p: ExploreParams, token: CancellationToken): Promise<ExploreAnswer | ResponseError<void>> {
    const doc = this.ctx.store.get(p.uri);
    const a = this.ctx.store.analysis(p.uri);
    const version = doc?.version ?? 0;
    const answer = (result: ExploreAnswer['result'], report: string, s?: ExploreSummary, broken: BrokenExpectation[] = []): ExploreAnswer => ({
      version,
      result,
      states: s?.states ?? 0,
      seconds: s?.seconds ?? 0,
      outcomes: s?.outcomes.length ?? 0,
      bounds: s?.bounds.hit ?? [],
      broken,
      report,
    });
    if (!doc || !a) return answer('error', doc ? `too large to explore from the editor: ${p.uri}` : `not open: ${p.uri}`);
    if (a.model.diagnostics.some((d) => d.severity === 'error')) return answer('error', `not explored: ${fileOf(p.uri)} has errors (see the Problems view)`);

    const previous = this.running.get(p.uri);
    if (previous) this.ctx.pool.cancel(previous.id);
    const progressToken = p.workDoneToken;
    const progress = (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void => {
      if (progressToken !== undefined) void this.ctx.connection.sendProgress(WorkDoneProgress.type, progressToken, value).catch(() => undefined);
    };
    progress({ kind: 'begin', title: 'Armscope: exploring every execution', cancellable: true, message: `${fileOf(p.uri).split(/[\\/]/).pop() ?? ''}: starting` });
    const cacheModel = p.cacheModel ?? this.ctx.settings().cacheModel;
    const onProgress = (pr: Progress): void => {
      const rate = pr.seconds > 0 ? Math.round(pr.states / pr.seconds) : 0;
      progress({ kind: 'report', message: `${plural(pr.states, 'state')}, depth ${grouped(pr.depth)}, ${grouped(rate)} states/s (limits: ${grouped(EXPLORE_MAX_STATES)} states, ${EXPLORE_TIMEOUT_MS / 1000} s)` });
    };
    const { id, outcome } = this.ctx.pool.submit({ kind: 'explore', text: a.text, file: a.model.file, settings: { cacheModel }, timeoutMs: EXPLORE_TIMEOUT_MS }, onProgress);
    this.running.set(p.uri, { id, version });
    this.refreshLenses();
    const sub = token.onCancellationRequested(() => this.ctx.pool.cancel(id));
    try {
      const o = await outcome;
      if (this.running.get(p.uri)?.id === id) this.running.delete(p.uri);
      if (o.kind === 'cancelled') {
        progress({ kind: 'end', message: 'cancelled' });
        this.refreshLenses();
        return new ResponseError(LSPErrorCodes.RequestCancelled, `${'armscope/explore'}: cancelled`);
      }
      if (o.kind !== 'explored') {
        const message = o.kind === 'error' ? `exploration ${o.message}` : 'exploration failed: unexpected answer from the background worker';
        // Stopped by the heap cap or a failure: said where the user looks, never a silent pass.
        this.results.set(p.uri, { version, explored: version, hash: scenarioHash(a.model), diagnostics: [{ range: lineRange(a.lines, 0), severity: DiagnosticSeverity.Warning, source: EXPLORE_SOURCE, code: ERROR_CODE, message: `explore: ${message}` }], broken: [] });
        this.ctx.republish(p.uri);
        progress({ kind: 'end', message });
        this.refreshLenses();
        return answer('error', message);
      }
      const s = o.summary;
      const broken = brokenOf(s);
      this.results.set(p.uri, { version, explored: version, hash: scenarioHash(a.model), summary: s, diagnostics: exploreDiagnostics(a, version, s, broken), broken });
      this.ctx.republish(p.uri);
      progress({ kind: 'end', message: verdictText(s, broken) });
      this.refreshLenses();
      // Edited while it ran: the result is the current version's too when the edit kept the canonical text.
      const now = this.ctx.store.get(p.uri)?.version ?? version;
      const holds = now !== version && this.current(p.uri, now) !== undefined;
      return { ...answer(s.result, s.report, s, broken), version: holds ? now : version };
    } finally {
      sub.dispose();
    }
  }

  private refreshLenses(): void {
    if (this.ctx.canRefreshLenses()) void this.ctx.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }
}
