/**
 * The Armscope language server: document sync, diagnostics and settings
 * here; the feature requests in requests.ts. Every feature reads the one
 * `Analysis` of a document version (one parse by the simulator's scenario
 * parser, incremental across edits). Runs, and checks of documents too large
 * to analyse on this thread, go to the background worker (workerPool.ts), so
 * no request ever waits for a simulation.
 */
import {
  type Connection,
  type Diagnostic as LspDiagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  type InitializeResult,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { fileOf } from './analysis';
import { toLspDiagnostic } from './convert';
import { DocumentStore, type OpenDocument, type StoreCounts } from './documents';
import { Explorer } from './explore';
import { LIVE_RUN_DELAY_MS, CHECK_TIMEOUT_MS, MAX_ANALYSED_CHARS, MAX_ANALYSED_LINES, MAX_ANALYSED_TOTAL_CHARS, MAX_CHECKED_CHARS, MAX_KEPT_TOTAL_CHARS, MAX_OPEN_DOCUMENTS } from './limits';
import { LiveRunner } from './liveRun';
import { registerRequests } from './requests';
import { Rpc } from './rpc';
import { DEFAULT_SETTINGS, settingsFrom, type ServerSettings } from './settings';
import { LEGEND } from './semanticTokens';
import * as shape from './shapes';
import { WorkerPool } from './workerPool';

export interface ServerOptions {
  /** Script the background worker runs (the bundle itself: main.ts dispatches on isMainThread). */
  workerScript: string;
}

/** What tests and the fuzz suite read back from a running server. */
export interface ServerHandle {
  rpc: Rpc;
  pool: WorkerPool;
  /** The worker explorations run in (a second one: an exploration never holds up background runs). */
  explorePool: WorkerPool;
  store: DocumentStore;
  /** Per-document state the server holds: each is bounded by the open documents (all freed on didClose). */
  held(): ServerHeld;
}

export interface ServerHeld extends StoreCounts {
  /** Documents with published diagnostics remembered, background checks, background runs (scheduled or running), semantic-token results. */
  diagnostics: number;
  checks: number;
  liveRuns: number;
  liveRunDocuments: number;
  semanticTokens: number;
  /** Background jobs queued or running. */
  jobs: number;
}

const grouped = (n: number): string => n.toLocaleString('en-US');

const notice = (code: string, severity: DiagnosticSeverity, message: string): LspDiagnostic => ({
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  severity,
  source: 'armscope',
  code,
  message,
});

/** The one diagnostic of a document too large to analyse on the main thread, itself or with the other open documents. */
function sizeNotice(doc: OpenDocument, counts: StoreCounts): LspDiagnostic {
  const what = doc.size === 'dropped' ? 'it is not checked at all' : 'diagnostics only, computed in the background (no hovers, completion, navigation or background run)';
  if (doc.limitedBy === 'open-documents') {
    const [held, max, again] = doc.size === 'dropped' ? [counts.keptChars, MAX_KEPT_TOTAL_CHARS, 'reopen this one'] : [counts.analysedChars, MAX_ANALYSED_TOTAL_CHARS, 'edit this one'];
    return notice(
      'open-documents-too-large',
      DiagnosticSeverity.Warning,
      `the other open documents hold ${grouped(held)} characters; the language server ${doc.size === 'dropped' ? 'keeps' : 'analyses'} up to ${grouped(max)} characters of open documents in all (docs/limits.md) — this one (${grouped(doc.chars)} characters): ${what}. Close other documents, then ${again}`,
    );
  }
  const size = doc.size === 'dropped' ? `more than ${grouped(MAX_CHECKED_CHARS)} characters: ${what}` : what;
  return notice(
    'document-too-large',
    DiagnosticSeverity.Information,
    `this document has ${grouped(doc.lines)} lines and ${grouped(doc.chars)} characters; the language server analyses documents of up to ${grouped(MAX_ANALYSED_LINES)} lines and ${grouped(MAX_ANALYSED_CHARS)} characters (docs/limits.md) — here: ${size}`,
  );
}

/** The diagnostic of a document the server refused to open (MAX_OPEN_DOCUMENTS). */
export function refusedNotice(): LspDiagnostic {
  return notice(
    'too-many-documents',
    DiagnosticSeverity.Warning,
    `not opened by the language server: ${grouped(MAX_OPEN_DOCUMENTS)} documents are open already, the most it keeps (docs/limits.md); close other documents, then reopen this one`,
  );
}

export function startServer(connection: Connection, options: ServerOptions): ServerHandle {
  const rpc = new Rpc(connection);
  const store = new DocumentStore();
  const pool = new WorkerPool(options.workerScript, (m) => connection.console.info(m));
  const explorePool = new WorkerPool(options.workerScript, (m) => connection.console.info(m));
  let canRefreshLenses = false;
  let settings: ServerSettings = { ...DEFAULT_SETTINGS };
  /** initializationOptions over the defaults: the base that workspace/configuration answers refine. */
  let initialSettings: ServerSettings = { ...DEFAULT_SETTINGS };
  let canPullConfiguration = false;
  /** Diagnostics of the current version from the parse (or the size notice), published with what the worker adds. */
  const baseDiagnostics = new Map<string, { version: number; diagnostics: LspDiagnostic[] }>();
  const checks = new Map<string, { timer?: NodeJS.Timeout; job?: number }>();

  /** Per document: the version last published and whether that publication carried the worker's diagnostics. */
  const published = new Map<string, { version: number; extra: number }>();
  /** The background run's (or check's) diagnostics of the current version, kept for publications the explorer asks for. */
  const workerDiagnostics = new Map<string, { version: number; diagnostics: LspDiagnostic[] }>();
  const publish = (uri: string, version: number, extra: LspDiagnostic[]): void => {
    const doc = store.get(uri);
    const base = baseDiagnostics.get(uri);
    if (!doc || doc.version !== version || base?.version !== version) return;
    if (extra.length > 0) workerDiagnostics.set(uri, { version, diagnostics: extra });
    const kept = workerDiagnostics.get(uri);
    const worker = kept?.version === version ? kept.diagnostics : [];
    const all = [...worker, ...explorer.diagnostics(uri, version)];
    // A worker result that adds nothing to what this version already shows is not sent again.
    const last = published.get(uri);
    if (all.length === 0 && last?.version === version && last.extra === 0) return;
    published.set(uri, { version, extra: all.length });
    void connection.sendDiagnostics({ uri, version, diagnostics: [...base.diagnostics, ...all] });
  };
  const explorer = new Explorer({
    pool: explorePool,
    store,
    connection,
    settings: () => settings,
    republish: (uri) => {
      const doc = store.get(uri);
      if (doc) publish(uri, doc.version, []);
    },
    canRefreshLenses: () => canRefreshLenses,
  });
  const live = new LiveRunner(pool, LIVE_RUN_DELAY_MS, (a, diagnostics) => publish(a.uri, a.version, diagnostics));

  const cancelCheck = (uri: string): void => {
    const c = checks.get(uri);
    if (c?.timer) clearTimeout(c.timer);
    if (c?.job !== undefined) pool.cancel(c.job);
    checks.delete(uri);
  };

  /** Diagnostics of a document too large for this thread, from a parse in the worker (debounced like runs). */
  const scheduleCheck = (doc: OpenDocument): void => {
    cancelCheck(doc.uri);
    const text = doc.text?.getText();
    if (text === undefined) return;
    const { uri, version } = doc;
    const entry: { timer?: NodeJS.Timeout; job?: number } = {};
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      const { id, outcome } = pool.submit({ kind: 'check', text, file: fileOf(uri), timeoutMs: CHECK_TIMEOUT_MS });
      entry.job = id;
      void outcome.then((o) => {
        if (checks.get(uri) === entry) checks.delete(uri);
        if (o.kind === 'checked') publish(uri, version, o.diagnostics.map((d) => toLspDiagnostic(d, uri)));
        else if (o.kind === 'error') {
          publish(uri, version, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Warning, source: 'armscope', code: 'check-error', message: `background check ${o.message}` }]);
        }
      });
    }, LIVE_RUN_DELAY_MS);
    checks.set(uri, entry);
  };

  /** One publication per version: the parse's diagnostics now; the worker's (run or check) when they come. */
  const validate = (doc: OpenDocument): void => {
    live.cancel(doc.uri);
    cancelCheck(doc.uri);
    const a = store.analysis(doc.uri);
    if (a) {
      baseDiagnostics.set(doc.uri, { version: doc.version, diagnostics: a.model.diagnostics.map((d) => toLspDiagnostic(d, a.uri)) });
      publish(doc.uri, doc.version, []);
      if (settings.liveRun) live.schedule(a, settings);
      return;
    }
    baseDiagnostics.set(doc.uri, { version: doc.version, diagnostics: [sizeNotice(doc, store.counts())] });
    publish(doc.uri, doc.version, []);
    if (doc.size === 'checked') scheduleCheck(doc);
  };

  const refreshSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    try {
      const raw: unknown = await connection.workspace.getConfiguration('armscope');
      settings = settingsFrom(raw, initialSettings);
    } catch {
      // Clients that announce but do not answer workspace/configuration keep the defaults.
    }
  };

  connection.onInitialize((params): InitializeResult => {
    const workspace: unknown = params.capabilities.workspace;
    canPullConfiguration = typeof workspace === 'object' && workspace !== null && (workspace as { configuration?: unknown }).configuration === true;
    const codeLens: unknown = typeof workspace === 'object' && workspace !== null ? (workspace as { codeLens?: unknown }).codeLens : undefined;
    canRefreshLenses = typeof codeLens === 'object' && codeLens !== null && (codeLens as { refreshSupport?: unknown }).refreshSupport === true;
    initialSettings = settingsFrom(params.initializationOptions, DEFAULT_SETTINGS);
    settings = initialSettings;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', ' ', '#', ','], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: { delta: true } },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        codeLensProvider: { resolveProvider: false },
        documentFormattingProvider: true,
      },
      serverInfo: { name: 'armscope-language-server', version: '0.1.0' },
    };
  });

  rpc.notification('initialized', shape.none, async () => {
    if (!canPullConfiguration) return;
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'armscope' }).catch(() => undefined);
    const before = settings;
    await refreshSettings();
    // Documents opened before the configuration arrived were validated with the initial settings.
    if (settings.liveRun !== before.liveRun || settings.maxSteps !== before.maxSteps || settings.cacheModel !== before.cacheModel) for (const doc of store.all()) validate(doc);
  });

  rpc.notification('workspace/didChangeConfiguration', shape.didChangeConfiguration, async (change) => {
    if (canPullConfiguration) await refreshSettings();
    else settings = settingsFrom((change.settings as Record<string, unknown> | undefined)?.armscope, settings);
    for (const doc of store.all()) validate(doc);
  });

  /** Whether the client was told that the document bound is reached (once each time it is reached). */
  let toldFull = false;
  rpc.notification('textDocument/didOpen', shape.didOpen, (p) => {
    const td = p.textDocument;
    const doc = store.open(td.uri, td.version, td.text);
    if (doc) {
      validate(doc);
      return;
    }
    // Refused: nothing of it is kept; the client is told, at the document and once in a message.
    const message = `textDocument/didOpen ignored: ${grouped(MAX_OPEN_DOCUMENTS)} documents are open already (docs/limits.md)`;
    connection.console.warn(message);
    void connection.sendDiagnostics({ uri: td.uri, version: td.version, diagnostics: [refusedNotice()] });
    if (!toldFull) {
      toldFull = true;
      // A notification (no answer awaited): window/showMessage.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Armscope: the language server keeps at most ${grouped(MAX_OPEN_DOCUMENTS)} open documents (docs/limits.md); documents opened past it have no diagnostics, hovers or completion until others are closed and they are reopened.` });
    }
  });
  rpc.notification('textDocument/didChange', shape.didChange, (p) => {
    const doc = store.change(p.textDocument.uri, p.textDocument.version, p.contentChanges);
    if (doc) validate(doc);
    else connection.console.warn(`textDocument/didChange ignored: ${p.textDocument.uri} is not open`);
  });
  const requests = registerRequests(rpc, { store, pool, explorer, settings: () => settings, settingsFrom });

  rpc.notification('textDocument/didClose', shape.didClose, (p) => {
    const uri = p.textDocument.uri;
    requests.closed(uri);
    live.forget(uri);
    explorer.closed(uri);
    workerDiagnostics.delete(uri);
    cancelCheck(uri);
    store.close(uri);
    if (store.counts().documents < MAX_OPEN_DOCUMENTS) toldFull = false;
    baseDiagnostics.delete(uri);
    published.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  connection.onShutdown(() => {
    pool.dispose();
    explorePool.dispose();
  });
  connection.listen();
  const held = (): ServerHeld => ({
    ...store.counts(),
    diagnostics: Math.max(baseDiagnostics.size, published.size, workerDiagnostics.size),
    checks: checks.size,
    liveRuns: live.pending,
    liveRunDocuments: live.documents,
    semanticTokens: requests.tokenDocuments(),
    jobs: pool.busy,
  });
  return { rpc, pool, explorePool, store, held };
}
