/**
 * The debugging webviews: the cache-line timeline (in the Run and Debug side
 * bar, and as an editor-area panel — `Armscope: Show cache-line timeline` —
 * where it has room) and the page tables (side bar). They ask the active
 * session through custom requests and refresh whenever it stops.
 *
 * Messages from a webview are untrusted input: `reveal` opens only the
 * session's scenario or a workspace file (./reveal.ts), `goToStep` takes a
 * step number the adapter checks against the session's history.
 */
import * as vscode from 'vscode';
import { PAGETABLES_CSS, PAGETABLES_JS } from './pageTables';
import { TIMELINE_CSS, TIMELINE_JS } from './cacheTimeline';
import { lineNumber, revealablePath } from './reveal';
import { page } from './webview';

type Post = (msg: unknown) => Thenable<boolean>;

interface ViewSpec {
  title: string;
  css: string;
  js: string;
  /** Fetch the data for the active session and post it. */
  load(session: vscode.DebugSession, post: Post): Promise<void>;
}

interface Host {
  webview: vscode.Webview;
  visible(): boolean;
  ready: boolean;
}

function activeArmscopeSession(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  return s?.type === 'armscope' ? s : undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One kind of debugging webview, shown in any number of places (side bar view, editor panel). */
class DebugWebview {
  private readonly hosts = new Set<Host>();

  constructor(private readonly spec: ViewSpec) {}

  /** Render the page into `webview` and keep it fed until `dispose`. */
  attach(webview: vscode.Webview, visible: () => boolean): vscode.Disposable {
    const host: Host = { webview, visible, ready: false };
    webview.options = { enableScripts: true, localResourceRoots: [] };
    webview.html = page(webview, this.spec.title, this.spec.css, this.spec.js);
    this.hosts.add(host);
    const sub = webview.onDidReceiveMessage((msg: unknown) => {
      this.onMessage(host, msg).catch((e: unknown) => vscode.window.showWarningMessage(`Armscope: ${message(e)}`));
    });
    return new vscode.Disposable(() => {
      sub.dispose();
      this.hosts.delete(host);
    });
  }

  private async onMessage(host: Host, raw: unknown): Promise<void> {
    if (typeof raw !== 'object' || raw === null) return;
    const msg = raw as { type?: unknown; line?: unknown; file?: unknown; step?: unknown; pe?: unknown };
    if (msg.type === 'ready') {
      host.ready = true;
      await this.refreshHost(host);
    } else if (msg.type === 'reveal') await reveal(msg.file, lineNumber(msg.line));
    else if (msg.type === 'goToStep') {
      const session = activeArmscopeSession();
      if (session && typeof msg.step === 'number') await session.customRequest('armscope/goToStep', { step: msg.step, pe: typeof msg.pe === 'number' ? msg.pe : undefined });
    }
  }

  refresh(): void {
    for (const h of this.hosts) this.refreshHost(h).catch(() => undefined);
  }

  private async refreshHost(host: Host): Promise<void> {
    if (!host.ready || !host.visible()) return;
    const post: Post = (m) => host.webview.postMessage(m);
    const session = activeArmscopeSession();
    if (!session) {
      await post({ type: 'clear', text: 'Start debugging an Armscope scenario to see this view.' });
      return;
    }
    try {
      await this.spec.load(session, post);
    } catch (e) {
      await post({ type: 'clear', text: `Not available: ${message(e)}` });
    }
  }
}

/** Open `file` (default: the session's scenario) at `line`, if it is one a webview may reveal. */
async function reveal(file: unknown, line: number | undefined): Promise<void> {
  if (line === undefined) return;
  const session = activeArmscopeSession();
  const configured: unknown = session?.configuration.program;
  const program = typeof configured === 'string' ? configured : undefined;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const target = revealablePath(file ?? program, { program, workspaceFolders: folders });
  if (target === undefined) {
    void vscode.window.showWarningMessage('Armscope: a view asked to open a file outside the debugged scenario and the workspace; ignored.');
    return;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
  const pos = new vscode.Position(Math.min(line, Math.max(0, doc.lineCount - 1)), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preserveFocus: false });
}

function sidebarProvider(view: DebugWebview): vscode.WebviewViewProvider {
  return {
    resolveWebviewView(v: vscode.WebviewView): void {
      const attached = view.attach(v.webview, () => v.visible);
      v.onDidDispose(() => {
        attached.dispose();
      });
      v.onDidChangeVisibility(() => {
        if (v.visible) view.refresh();
      });
    },
  };
}

export function registerDebugViews(context: vscode.ExtensionContext): void {
  const timeline = new DebugWebview({
    title: 'Cache-line timeline',
    css: TIMELINE_CSS,
    js: TIMELINE_JS,
    async load(session, post) {
      const data: unknown = await session.customRequest('armscope/cacheTimeline', {});
      await post({ type: 'timeline', data });
    },
  });
  const tables = new DebugWebview({
    title: 'Page tables',
    css: PAGETABLES_CSS,
    js: PAGETABLES_JS,
    async load(session, post) {
      const item = vscode.debug.activeStackItem;
      const threadId = item instanceof vscode.DebugThread || item instanceof vscode.DebugStackFrame ? item.threadId : undefined;
      const data: unknown = await session.customRequest('armscope/pageTables', { threadId });
      await post({ type: 'tables', data });
    },
  });
  let panel: vscode.WebviewPanel | undefined;
  const showTimelinePanel = (): void => {
    if (panel) {
      panel.reveal(undefined, true);
      return;
    }
    const p = vscode.window.createWebviewPanel('armscope.cacheTimelinePanel', 'Cache-line timeline', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, localResourceRoots: [] });
    panel = p;
    const attached = timeline.attach(p.webview, () => p.visible);
    p.onDidChangeViewState(() => {
      if (p.visible) timeline.refresh();
    });
    p.onDidDispose(() => {
      attached.dispose();
      panel = undefined;
    });
  };
  const refreshAll = (): void => {
    timeline.refresh();
    tables.refresh();
  };
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider('armscope.cacheTimeline', sidebarProvider(timeline)),
    vscode.window.registerWebviewViewProvider('armscope.pageTables', sidebarProvider(tables)),
    // Refresh after every stop (the adapter's `stopped` event) and when the session or selected thread changes.
    vscode.debug.registerDebugAdapterTrackerFactory('armscope', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (m.type === 'event' && m.event === 'stopped') setTimeout(refreshAll, 50);
        },
      }),
    }),
    vscode.debug.onDidChangeActiveDebugSession(refreshAll),
    vscode.debug.onDidChangeActiveStackItem(refreshAll),
    vscode.debug.onDidTerminateDebugSession(refreshAll),
    vscode.commands.registerCommand('armscope.showCacheTimeline', showTimelinePanel),
    vscode.commands.registerCommand('armscope.showPageTables', () => vscode.commands.executeCommand('armscope.pageTables.focus')),
    new vscode.Disposable(() => {
      panel?.dispose();
    }),
  );
}
