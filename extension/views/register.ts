/**
 * The debugging webview views (Run and Debug sidebar, shown while an
 * `armscope` session runs): cache-line timeline and page tables. They ask the
 * active session through custom requests and refresh whenever it stops.
 */
import * as vscode from 'vscode';
import { PAGETABLES_CSS, PAGETABLES_JS } from './pageTables';
import { TIMELINE_CSS, TIMELINE_JS } from './cacheTimeline';
import { page } from './webview';

interface ViewSpec {
  id: string;
  title: string;
  css: string;
  js: string;
  /** Fetch the data for the active session and post it. */
  load(session: vscode.DebugSession, view: vscode.WebviewView): Promise<void>;
}

class DebugWebview implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ready = false;

  constructor(private readonly spec: ViewSpec) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, localResourceRoots: [] };
    view.webview.html = page(view.webview, this.spec.title, this.spec.css, this.spec.js);
    view.webview.onDidReceiveMessage(async (msg: { type: string; line?: number; file?: string }) => {
      if (msg.type === 'ready') {
        this.ready = true;
        await this.refresh();
      } else if (msg.type === 'reveal' && msg.file && msg.line !== undefined) {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(msg.file));
        const pos = new vscode.Position(msg.line, 0);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preserveFocus: false });
      }
    });
    view.onDidChangeVisibility(() => {
      if (view.visible) void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    const view = this.view;
    if (!view || !this.ready || !view.visible) return;
    const session = vscode.debug.activeDebugSession;
    if (!session || session.type !== 'armscope') {
      await view.webview.postMessage({ type: 'clear', text: 'Start debugging an Armscope scenario to see this view.' });
      return;
    }
    try {
      await this.spec.load(session, view);
    } catch (e) {
      await view.webview.postMessage({ type: 'clear', text: `Not available: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
}

export function registerDebugViews(context: vscode.ExtensionContext): void {
  const timeline = new DebugWebview({
    id: 'armscope.cacheTimeline',
    title: 'Cache timeline',
    css: TIMELINE_CSS,
    js: TIMELINE_JS,
    async load(session, view) {
      const data = await session.customRequest('armscope/cacheTimeline', { toEnd: false });
      await view.webview.postMessage({ type: 'timeline', data });
    },
  });
  const tables = new DebugWebview({
    id: 'armscope.pageTables',
    title: 'Page tables',
    css: PAGETABLES_CSS,
    js: PAGETABLES_JS,
    async load(session, view) {
      const threadId = vscode.debug.activeStackItem instanceof vscode.DebugThread || vscode.debug.activeStackItem instanceof vscode.DebugStackFrame ? vscode.debug.activeStackItem.threadId : undefined;
      const data = await session.customRequest('armscope/pageTables', { threadId });
      await view.webview.postMessage({ type: 'tables', data });
    },
  });
  const refreshAll = () => {
    void timeline.refresh();
    void tables.refresh();
  };
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider('armscope.cacheTimeline', timeline),
    vscode.window.registerWebviewViewProvider('armscope.pageTables', tables),
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
    vscode.commands.registerCommand('armscope.showCacheTimeline', () => vscode.commands.executeCommand('armscope.cacheTimeline.focus')),
    vscode.commands.registerCommand('armscope.showPageTables', () => vscode.commands.executeCommand('armscope.pageTables.focus')),
  );
}
