/**
 * End-to-end harness: a real VS Code (code-server from npm, installed into
 * .e2e/ by test/e2e/setup.sh) driven by Debian's Chromium through
 * playwright-core. Measured facts and pitfalls: ../shared/reference/vscode-e2e.md.
 *
 * Two ways to assert: the UI (selectors, screenshots) and a probe extension
 * (test/e2e/probe-extension) that uses the real `vscode` API inside the
 * extension host and writes JSON results to the file named by
 * ARMSCOPE_E2E_RESULTS.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { requirePrerequisite } from '../prerequisites';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const CODE_SERVER = path.join(ROOT, '.e2e', 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');

/** The identity fields of an extension manifest (package.json). */
export interface ExtensionId {
  publisher: string;
  name: string;
  version: string;
}

export function readManifest(file: string): ExtensionId {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ExtensionId;
}

/** Why the e2e tests cannot run here, or undefined when they can. */
export function e2eUnavailable(): string | undefined {
  if (!fs.existsSync(CODE_SERVER)) return `code-server is not installed (run: bash test/e2e/setup.sh)`;
  if (!fs.existsSync(CHROMIUM)) return `Debian chromium is not installed (apt-get install chromium)`;
  return undefined;
}

let packaged: string | undefined;

/** Call inside a `describe`: its tests need code-server and Chromium (skipped with the reason, or failed in CI). */
export function requireE2e(): void {
  before(function () {
    requirePrerequisite(this, e2eUnavailable(), { what: 'the end-to-end tests' });
  });
}

/** Build dist/ and package the extension with @vscode/vsce (once per test process); returns the .vsix path. */
export function packageExtension(): string {
  if (packaged !== undefined && fs.existsSync(packaged)) return packaged;
  const out = path.join(ROOT, 'armscope.vsix');
  const r = spawnSync('npm', ['run', '-s', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`npm run package failed:\n${r.stdout}\n${r.stderr}`);
  packaged = out;
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface CodeServer {
  url: string;
  workspace: string;
  dir: string;
  stop: () => void;
}

export interface StartOptions {
  /** Folder copied fresh into the workspace (a keypress that misses can type into files; auto-save writes: never open the original). */
  workspaceFrom: string;
  /** Fixed port (default: a free one). */
  port?: number;
  /** .vsix files or extension folders to install into a fresh extensions dir. */
  extensions: string[];
  /** Open the workspace untrusted (Restricted Mode) instead of with workspace trust disabled. */
  untrusted?: boolean;
  /** Extra environment for the server and its extension host (e.g. ARMSCOPE_E2E_RESULTS). */
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
}

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-e2e-'));
  const extDir = path.join(dir, 'extensions');
  const dataDir = path.join(dir, 'data');
  const workspace = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(dataDir, 'User'), { recursive: true });
  fs.cpSync(opts.workspaceFrom, workspace, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': opts.untrusted === true,
    'security.workspace.trust.startupPrompt': 'never',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'debug.openDebug': 'openOnDebugBreak',
    'workbench.tips.enabled': false,
    ...opts.settings,
  };
  fs.writeFileSync(path.join(dataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  for (const ext of opts.extensions) {
    if (ext.endsWith('.vsix')) {
      // Unpack the packaged .vsix (a zip whose `extension/` folder is what VS Code installs) as
      // `publisher.name-version`. `--install-extension` would write extensions.json, after which
      // any folder added beside it (the probe) is marked removed and never activates.
      const staging = fs.mkdtempSync(path.join(dir, 'vsix-'));
      const r = spawnSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', ext, staging], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`unpacking ${ext} failed:\n${r.stdout}\n${r.stderr}`);
      const pkg = readManifest(path.join(staging, 'extension', 'package.json'));
      fs.mkdirSync(extDir, { recursive: true });
      fs.renameSync(path.join(staging, 'extension'), path.join(extDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`));
    } else {
      // A folder named publisher.name-version in a fresh extensions dir is picked up as installed.
      const pkg = readManifest(path.join(ext, 'package.json'));
      fs.mkdirSync(extDir, { recursive: true });
      fs.cpSync(ext, path.join(extDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), { recursive: true });
    }
  }
  const port = opts.port ?? (await freePort());
  const log = fs.openSync(path.join(dir, 'code-server.log'), 'w');
  const child: ChildProcess = spawn(
    CODE_SERVER,
    ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', extDir, '--user-data-dir', dataDir,
      '--disable-telemetry', '--disable-update-check', ...(opts.untrusted ? [] : ['--disable-workspace-trust']), workspace],
    { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...opts.env } },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    // Kill the whole process group: file-watcher children outlive the parent.
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not start:\n${fs.readFileSync(path.join(dir, 'code-server.log'), 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, workspace, dir, stop };
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh folder for one probe run: the plan module (`plan(dir)` gives its
 * source, which may name files in `dir`) and where the probe writes its results.
 */
export function writeProbe(name: string, plan: (dir: string) => string): { dir: string; planFile: string; resultsFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `armscope-e2e-${name}-probe-`));
  const planFile = path.join(dir, 'plan.js');
  fs.writeFileSync(planFile, plan(dir));
  return { dir, planFile, resultsFile: path.join(dir, 'results.json') };
}

/** Wait until `file` exists and parses as JSON. */
export async function waitForJson<T>(file: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(file)) {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
      } catch {
        /* partially written */
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** Close the browser and stop code-server (its whole process group). */
  close: () => Promise<void>;
}

/**
 * The usual e2e set-up: code-server with the packaged extension and the probe
 * (which runs `planFile` and writes `resultsFile`), Chromium on the workspace,
 * and the workbench loaded. Cleans up after itself if any step fails.
 */
export async function openWorkbench(opts: {
  workspaceFrom: string;
  vsix: string;
  planFile: string;
  resultsFile: string;
  viewport?: { width: number; height: number };
  untrusted?: boolean;
}): Promise<Workbench> {
  const server = await startCodeServer({
    workspaceFrom: opts.workspaceFrom,
    untrusted: opts.untrusted,
    extensions: [opts.vsix, path.join(ROOT, 'test', 'e2e', 'probe-extension')],
    env: { ARMSCOPE_E2E_PLAN: opts.planFile, ARMSCOPE_E2E_RESULTS: opts.resultsFile },
  });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    server.stop();
    fs.rmSync(server.dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    return { server, browser, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The distinct token classes (`mtkN`: one per colour) the editors render: more than a couple means highlighting. */
export async function tokenClasses(page: Page): Promise<string[]> {
  const classes = await page.locator('.view-lines span[class^="mtk"]').evaluateAll((els: { className: string }[]) => els.map((e) => e.className));
  return [...new Set(classes)];
}

/** Does any frame (webviews are nested iframes) show `text`? */
export async function webviewShows(page: Page, text: string): Promise<boolean> {
  for (const f of page.frames()) if (await f.locator(`text=${text}`).count().catch(() => 0)) return true;
  return false;
}

/** Wait until some frame shows `text`. */
export async function waitWebview(page: Page, text: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await webviewShows(page, text))) {
    if (Date.now() > deadline) throw new Error(`no webview shows '${text}'`);
    await page.waitForTimeout(250);
  }
}

/** The frames that hold `selector` (e.g. the timeline's `.tl`), widest first. */
export async function framesWith(page: Page, selector: string): Promise<Frame[]> {
  const found: { f: Frame; w: number }[] = [];
  for (const f of page.frames()) {
    if (!(await f.locator(selector).count().catch(() => 0))) continue;
    const box = await (await f.frameElement().catch(() => undefined))?.boundingBox();
    if (box && box.width > 0) found.push({ f, w: box.width });
  }
  return found.sort((a, b) => b.w - a.w).map((x) => x.f);
}
