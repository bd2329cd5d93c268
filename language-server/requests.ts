/**
 * The feature requests: each one reads its params through its shape
 * (shapes.ts) and answers from the document's `Analysis`; a document that is
 * not open (or too large to analyse here) gets the empty answer. `armscope/run`
 * and checks of large documents wait for the background worker, and honour
 * `$/cancelRequest`.
 */
import { type Diagnostic as LspDiagnostic, LSPErrorCodes, ResponseError, type SemanticTokens, type SemanticTokensDelta } from 'vscode-languageserver/node';
import { diagnosticLine } from '../simulator/cli/commands';
import type { Diagnostic } from '../simulator/scenario/model';
import { CHECK_REQUEST, DECODE_REQUEST, EXPLORE_REQUEST, REGISTERS_REQUEST, RUN_REQUEST, WITNESS_REQUEST, type CheckResult, type DecodeResult, type RunResult } from '../extension/protocol';
import type { Analysis } from './analysis';
import { fileOf } from './analysis';
import { provideCodeActions } from './codeActions';
import { provideCompletion } from './completion';
import { decodeAt, registerNames } from './decode';
import type { DocumentStore } from './documents';
import type { Explorer } from './explore';
import { formatDocument } from './formatting';
import { provideHover } from './hover';
import { CHECK_TIMEOUT_MS, RUN_REQUEST_TIMEOUT_MS } from './limits';
import { highlightRanges, provideDefinition, provideDocumentSymbols, provideFoldingRanges, provideReferences } from './navigation';
import type { Rpc } from './rpc';
import { SemanticTokenStore } from './semanticTokens';
import type { ServerSettings } from './settings';
import * as shape from './shapes';
import type { WorkerPool } from './workerPool';

export interface RequestContext {
  store: DocumentStore;
  pool: WorkerPool;
  explorer: Explorer;
  settings: () => ServerSettings;
  settingsFrom: (raw: unknown, base: ServerSettings) => ServerSettings;
}

const cancelled = (method: string) => new ResponseError(LSPErrorCodes.RequestCancelled, `${method}: cancelled`);

function checkResult(file: string, diagnostics: readonly Diagnostic[]): CheckResult {
  const sorted = [...diagnostics].sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.col - y.range.start.col);
  return {
    lines: sorted.map((d) => diagnosticLine(file, d)),
    errors: sorted.filter((d) => d.severity === 'error').length,
    warnings: sorted.filter((d) => d.severity === 'warning').length,
  };
}

/** Registers every feature request; answers what the server calls when a document closes. */
export function registerRequests(rpc: Rpc, ctx: RequestContext): { closed: (uri: string) => void; tokenDocuments: () => number } {
  const { store, pool } = ctx;
  /** Register a request answered from the document's analysis (or `empty` without one). */
  const onAnalysis = <P extends { textDocument: { uri: string } }, R>(method: string, s: (x: unknown, path: string) => P, empty: R, f: (a: Analysis, p: P) => R): void => {
    rpc.request(method, s, (p) => {
      const a = store.analysis(p.textDocument.uri);
      return a ? f(a, p) : empty;
    });
  };

  onAnalysis('textDocument/hover', shape.hover, null, (a, p) => provideHover(a, p.position));
  onAnalysis('textDocument/completion', shape.completion, [], (a, p) => provideCompletion(a, p.position));
  onAnalysis('textDocument/definition', shape.definition, null, (a, p) => provideDefinition(a, p.position));
  onAnalysis('textDocument/references', shape.references, [], (a, p) => provideReferences(a, p.position, p.context.includeDeclaration));
  onAnalysis('textDocument/documentHighlight', shape.documentHighlight, [], (a, p) => highlightRanges(a, p.position).map((range) => ({ range })));
  // One outline per version of a document (an Analysis is one version): editors ask again on focus and scroll.
  const outlines = new WeakMap<Analysis, ReturnType<typeof provideDocumentSymbols>>();
  onAnalysis('textDocument/documentSymbol', shape.documentSymbol, [], (a) => {
    let o = outlines.get(a);
    if (!o) outlines.set(a, (o = provideDocumentSymbols(a)));
    return o;
  });
  onAnalysis('textDocument/foldingRange', shape.foldingRange, [], (a) => provideFoldingRanges(a));
  onAnalysis('textDocument/codeAction', shape.codeAction, [], (a, p) => {
    const diagnostics = p.context.diagnostics as LspDiagnostic[];
    const debug = diagnostics.map((d) => ctx.explorer.debugAction(a, a.version, d)).filter((x) => x !== undefined);
    return [...provideCodeActions(a, diagnostics), ...debug];
  });
  onAnalysis('textDocument/codeLens', shape.codeLens, [], (a) => ctx.explorer.codeLenses(a, a.version));
  rpc.request(EXPLORE_REQUEST, shape.explore, (p, token) => ctx.explorer.explore(p, token));
  rpc.request(WITNESS_REQUEST, shape.witness, (p) => ctx.explorer.witness(p));
  onAnalysis('textDocument/formatting', shape.formatting, [], (a, p) => formatDocument(a, p.options));

  const tokens = new SemanticTokenStore();
  onAnalysis<{ textDocument: { uri: string } }, SemanticTokens>('textDocument/semanticTokens/full', shape.semanticTokensFull, { data: [] }, (a) => tokens.full(a));
  onAnalysis<{ textDocument: { uri: string }; previousResultId: string }, SemanticTokens | SemanticTokensDelta>(
    'textDocument/semanticTokens/full/delta',
    shape.semanticTokensDelta,
    { data: [] },
    (a, p) => tokens.delta(a, p.previousResultId),
  );

  rpc.request(RUN_REQUEST, shape.run, async (p, token): Promise<RunResult | ResponseError<void>> => {
    const doc = store.get(p.uri);
    const text = doc?.text?.getText();
    if (text === undefined) return { report: doc ? `too large to run from the editor: ${p.uri}` : `not open: ${p.uri}`, ok: false };
    const run = ctx.settingsFrom({ maxSteps: p.maxSteps, cacheModel: p.cacheModel }, ctx.settings());
    const { id, outcome } = pool.submit({ kind: 'run', text, file: fileOf(p.uri), settings: run, timeoutMs: RUN_REQUEST_TIMEOUT_MS });
    const sub = token.onCancellationRequested(() => pool.cancel(id));
    try {
      const o = await outcome;
      switch (o.kind) {
        case 'done':
          return { report: o.text, ok: o.report.result === 'pass' };
        case 'not-run':
          return { report: o.text, ok: false };
        case 'timeout':
          return { report: `${o.text}\n\nstopped after ${Math.round(o.afterMs / 1000)} s (the limit for runs from the editor is ${RUN_REQUEST_TIMEOUT_MS / 1000} s; 'armscope run' has none)`, ok: false };
        case 'cancelled':
          return cancelled(RUN_REQUEST);
        case 'error':
          return { report: `run ${o.message}`, ok: false };
        case 'checked':
        case 'explored':
          return { report: 'run failed: unexpected answer from the background worker', ok: false };
      }
    } finally {
      sub.dispose();
    }
  });

  rpc.request(CHECK_REQUEST, shape.check, async (p, token): Promise<CheckResult | ResponseError<void>> => {
    const doc = store.get(p.uri);
    if (!doc) return { lines: [`not open: ${p.uri}`], errors: 1, warnings: 0 };
    const file = fileOf(p.uri);
    const a = store.analysis(p.uri);
    if (a) return checkResult(file, a.model.diagnostics);
    const text = doc.text?.getText();
    if (text === undefined) return { lines: [`${file}: too large to check from the editor (${doc.chars} characters)`], errors: 1, warnings: 0 };
    const { id, outcome } = pool.submit({ kind: 'check', text, file, timeoutMs: CHECK_TIMEOUT_MS });
    const sub = token.onCancellationRequested(() => pool.cancel(id));
    try {
      const o = await outcome;
      if (o.kind === 'checked') return checkResult(file, o.diagnostics);
      if (o.kind === 'cancelled') return cancelled(CHECK_REQUEST);
      return { lines: [`${file}: check ${o.kind === 'error' ? o.message : 'failed'}`], errors: 1, warnings: 0 };
    } finally {
      sub.dispose();
    }
  });

  rpc.request(DECODE_REQUEST, shape.decode, (p): DecodeResult => {
    const a = store.analysis(p.uri);
    if (a) return decodeAt(a, p);
    return { kind: 'error', message: store.get(p.uri) ? `too large to decode in: ${p.uri}` : `not open: ${p.uri}` };
  });
  rpc.request(REGISTERS_REQUEST, shape.none, () => registerNames());
  return { closed: (uri) => tokens.forget(uri), tokenDocuments: () => tokens.documents };
}
