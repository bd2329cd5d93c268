/**
 * The Armscope language server: wires LSP requests to the feature modules.
 * Every feature reads the one `Analysis` of a document version (one parse by
 * the simulator's scenario parser).
 */
import {
  type Connection,
  type Diagnostic as LspDiagnostic,
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticLine } from '../simulator/cli/commands';
import { formatReport } from '../simulator/cli/format';
import { errorReport } from '../simulator/engine/report';
import { hasErrors } from '../simulator/engine/run';
import {
  CHECK_REQUEST,
  type CheckParams,
  type CheckResult,
  DECODE_REQUEST,
  type DecodeParams,
  REGISTERS_REQUEST,
  RUN_REQUEST,
  type RunParams,
  type RunResult,
} from '../extension/protocol';
import { type Analysis, AnalysisCache, fileOf } from './analysis';
import { provideCodeActions } from './codeActions';
import { provideCompletion } from './completion';
import { toLspDiagnostic } from './convert';
import { decodeAt, registerNames } from './decode';
import { formatDocument } from './formatting';
import { provideHover } from './hover';
import { LiveRunner, type RunSettings, runSliced } from './liveRun';
import { highlightRanges, provideDefinition, provideDocumentSymbols, provideFoldingRanges, provideReferences } from './navigation';
import { LEGEND, provideSemanticTokens } from './semanticTokens';

export interface ServerSettings extends RunSettings {
  liveRun: boolean;
}

export const DEFAULT_SETTINGS: ServerSettings = { maxSteps: 200_000, cacheModel: 'scenario', liveRun: true };
/** Debounce before a background run starts after the last edit. */
const LIVE_RUN_DELAY_MS = 400;

function settingsFrom(raw: unknown, base: ServerSettings): ServerSettings {
  if (typeof raw !== 'object' || raw === null) return base;
  const r = raw as Record<string, unknown>;
  const s = { ...base };
  if (typeof r.maxSteps === 'number' && r.maxSteps > 0) s.maxSteps = Math.floor(r.maxSteps);
  if (r.cacheModel === 'on' || r.cacheModel === 'off' || r.cacheModel === 'scenario') s.cacheModel = r.cacheModel;
  if (typeof r.liveRun === 'boolean') s.liveRun = r.liveRun;
  return s;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache();
  let settings: ServerSettings = { ...DEFAULT_SETTINGS };
  /** initializationOptions over the defaults: the base that workspace/configuration answers refine. */
  let initialSettings: ServerSettings = { ...DEFAULT_SETTINGS };
  let canPullConfiguration = false;
  const parseDiagnostics = new Map<string, LspDiagnostic[]>();

  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    return doc ? cache.get(doc) : undefined;
  };

  const publish = (a: Analysis, live: LspDiagnostic[]): void => {
    const current = documents.get(a.uri);
    if (!current || current.version !== a.version) return;
    void connection.sendDiagnostics({ uri: a.uri, version: a.version, diagnostics: [...(parseDiagnostics.get(a.uri) ?? []), ...live] });
  };
  const live = new LiveRunner(LIVE_RUN_DELAY_MS, publish);

  const refreshSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    try {
      const raw: unknown = await connection.workspace.getConfiguration('armscope');
      settings = settingsFrom(raw, initialSettings);
    } catch {
      // Clients that announce but do not answer workspace/configuration keep the defaults.
    }
  };

  const validate = (doc: TextDocument): void => {
    const a = cache.get(doc);
    const diags = a.model.diagnostics.map((d) => toLspDiagnostic(d, a.uri));
    parseDiagnostics.set(a.uri, diags);
    publish(a, []);
    if (settings.liveRun) live.schedule(a, settings);
    else live.cancel(a.uri);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    initialSettings = settingsFrom(params.initializationOptions, DEFAULT_SETTINGS);
    settings = initialSettings;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', ' ', '#', ','], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        documentFormattingProvider: true,
      },
      serverInfo: { name: 'armscope-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (canPullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'armscope' }).catch(() => undefined);
      void refreshSettings().then(() => {
        for (const doc of documents.all()) validate(doc);
      });
    }
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (canPullConfiguration) await refreshSettings();
    else settings = settingsFrom((change.settings as Record<string, unknown> | undefined)?.armscope, settings);
    for (const doc of documents.all()) validate(doc);
  });

  documents.onDidOpen((e) => validate(e.document));
  documents.onDidChangeContent((e) => validate(e.document));
  documents.onDidClose((e) => {
    live.cancel(e.document.uri);
    cache.delete(e.document.uri);
    parseDiagnostics.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideHover(a, p.position) : null;
  });
  connection.onCompletion((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideCompletion(a, p.position) : [];
  });
  connection.onDefinition((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideDefinition(a, p.position) : null;
  });
  connection.onReferences((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideReferences(a, p.position, p.context.includeDeclaration) : [];
  });
  connection.onDocumentHighlight((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? highlightRanges(a, p.position).map((range) => ({ range })) : [];
  });
  connection.onDocumentSymbol((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideDocumentSymbols(a) : [];
  });
  connection.onFoldingRanges((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideFoldingRanges(a) : [];
  });
  connection.languages.semanticTokens.on((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideSemanticTokens(a) : { data: [] };
  });
  connection.onCodeAction((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? provideCodeActions(a, p.context.diagnostics) : [];
  });
  connection.onDocumentFormatting((p) => {
    const a = analysisOf(p.textDocument.uri);
    return a ? formatDocument(a, p.options) : [];
  });

  connection.onRequest(RUN_REQUEST, async (p: RunParams): Promise<RunResult> => {
    const a = analysisOf(p.uri);
    if (!a) return { report: `not open: ${p.uri}`, ok: false };
    if (hasErrors(a.model)) return { report: formatReport(errorReport(a.model)), ok: false };
    const run = settingsFrom({ maxSteps: p.maxSteps, cacheModel: p.cacheModel }, settings);
    const outcome = await runSliced(a.model, run, () => false);
    if (outcome.kind === 'error') return { report: `run failed: ${outcome.message}`, ok: false };
    if (outcome.kind === 'cancelled') return { report: 'run cancelled', ok: false };
    return { report: formatReport(outcome.report), ok: outcome.report.result === 'pass' };
  });
  connection.onRequest(CHECK_REQUEST, (p: CheckParams): CheckResult => {
    const a = analysisOf(p.uri);
    if (!a) return { lines: [`not open: ${p.uri}`], errors: 1, warnings: 0 };
    const file = fileOf(a.uri);
    const sorted = [...a.model.diagnostics].sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.col - y.range.start.col);
    return {
      lines: sorted.map((d) => diagnosticLine(file, d)),
      errors: sorted.filter((d) => d.severity === 'error').length,
      warnings: sorted.filter((d) => d.severity === 'warning').length,
    };
  });
  connection.onRequest(DECODE_REQUEST, (p: DecodeParams) => {
    const a = analysisOf(p.uri);
    return a ? decodeAt(a, p) : { kind: 'error', message: `not open: ${p.uri}` };
  });
  connection.onRequest(REGISTERS_REQUEST, () => registerNames());

  documents.listen(connection);
  connection.listen();
}
