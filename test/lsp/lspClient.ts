/**
 * A real LSP client for tests: spawns `dist/language-server.js --stdio` (or
 * $ARMSCOPE_SERVER) and talks JSON-RPC to it over the child's stdio, exactly
 * as an editor does. Cursor markers `$0`…`$9` in test texts name positions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type {
  Diagnostic,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { HANG_GUARD_MS } from '../hangGuard';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../language-server/nodeFlags';

export function serverPath(): string {
  return process.env.ARMSCOPE_SERVER ?? path.resolve('dist/language-server.js');
}

/** Text with `$0`…`$9` markers removed, and the marker positions. */
export function withMarkers(marked: string): { text: string; at: Record<string, Position> } {
  const at: Record<string, Position> = {};
  const lines = marked.split('\n');
  const out: string[] = [];
  lines.forEach((l, line) => {
    let text = l;
    for (let m = /\$(\d)/.exec(text); m; m = /\$(\d)/.exec(text)) {
      at[m[1]] = { line, character: m.index };
      text = text.slice(0, m.index) + text.slice(m.index + 2);
    }
    out.push(text);
  });
  return { text: out.join('\n'), at };
}

export interface LogEntry {
  type: number;
  message: string;
}

export class TestClient {
  readonly connection: MessageConnection;
  readonly log: LogEntry[] = [];
  readonly stderr: string[] = [];
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private versions = new Map<string, number>();
  exited: number | null | undefined;

  private constructor(readonly proc: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.diagnostics.get(p.uri) ?? [];
      list.push(p);
      this.diagnostics.set(p.uri, list);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.pred(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.connection.onNotification('window/logMessage', (p: LogEntry) => this.log.push(p));
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.connection.onRequest('client/registerCapability', () => null);
    proc.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    proc.on('exit', (code) => (this.exited = code));
    this.connection.listen();
  }

  settings: Record<string, unknown> = { liveRun: false, maxSteps: 100_000, cacheModel: 'scenario' };

  static async start(settings?: Record<string, unknown>): Promise<TestClient> {
    const server = serverPath();
    if (!existsSync(server)) throw new Error(`${server} does not exist: run \`node build.mjs\` first`);
    // With the flags and environment the extension starts it with (language-server/nodeFlags.ts): every stdio test, the largest document included, runs under them.
    const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...SERVER_ENV } });
    const c = new TestClient(proc);
    if (settings) c.settings = { ...c.settings, ...settings };
    c.initResult = await c.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, publishDiagnostics: { relatedInformation: true } },
      },
      initializationOptions: c.settings,
    });
    await c.connection.sendNotification('initialized', {});
    return c;
  }

  initResult: InitializeResult | undefined;

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'armscope', version: 1, text } });
  }

  async change(uri: string, text: string): Promise<number> {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    return v;
  }

  /** Incremental change: replace `range` with `text`. */
  async edit(uri: string, range: { start: Position; end: Position }, text: string): Promise<number> {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range, text }] });
    return v;
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** The next diagnostics publication for `uri` matching `pred` (already received ones count). */
  waitForDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = HANG_GUARD_MS): Promise<PublishDiagnosticsParams> {
    const got = (this.diagnostics.get(uri) ?? []).find(pred);
    if (got) return Promise.resolve(got);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(this.diagnostics.get(uri)?.slice(-1))}`)), timeoutMs);
      this.waiters.push({ uri, pred, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  /** Diagnostics published for the current version of `uri`. */
  diagnosticsFor(uri: string, version = this.version(uri)): Promise<Diagnostic[]> {
    return this.waitForDiagnostics(uri, (p) => p.version === version).then((p) => p.diagnostics);
  }

  published(uri: string): PublishDiagnosticsParams[] {
    return this.diagnostics.get(uri) ?? [];
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.exited === undefined) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.proc.kill();
          resolve();
        }, 2000);
        this.proc.once('exit', () => (clearTimeout(t), resolve()));
      });
    }
  }
}
