/**
 * Shared helpers for the DAP tests: where the adapter is, launching to the
 * first stop with a given exception-filter set, reading scopes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugClient as DebugClientClass, type DebugClient } from '@vscode/debugadapter-testsupport';
import { HANG_GUARD_MS } from '../hangGuard';

export { HANG_GUARD_MS };

/** A debug client over stdio whose waits (events, stops) are hang guards of HANG_GUARD_MS, not the test support's 5 s. */
export function newDebugClient(root: string): DebugClient {
  const dc = new DebugClientClass('node', adapterPath(root), 'armscope');
  dc.defaultTimeout = HANG_GUARD_MS;
  return dc;
}

/** The repository root: the nearest folder up from here whose package.json is Armscope's. */
export function findRoot(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    const p = path.join(d, 'package.json');
    if (fs.existsSync(p) && (JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string }).name === 'armscope') return d;
    if (path.dirname(d) === d) return process.cwd();
  }
}

/** dist/debug-adapter.js (ARMSCOPE_DEBUG_ADAPTER overrides, for a private build). */
export function adapterPath(root: string): string {
  return process.env.ARMSCOPE_DEBUG_ADAPTER ?? path.join(root, 'dist', 'debug-adapter.js');
}

/**
 * Launch and wait for the first stop. `launch()` sends initialize itself;
 * configuration (exception filters) goes between `initialized` and
 * configurationDone, as VS Code does it.
 */
export async function launchStopped(
  dc: DebugClient,
  args: Record<string, unknown>,
  opts: { filters: string[] },
): Promise<DebugProtocol.StoppedEvent> {
  const config = (async () => {
    await dc.waitForEvent('initialized');
    await dc.setExceptionBreakpointsRequest({ filters: opts.filters });
    await dc.configurationDoneRequest();
  })();
  const [, , stopped] = await Promise.all([config, dc.launch(args), dc.waitForEvent('stopped', HANG_GUARD_MS)]);
  return stopped as DebugProtocol.StoppedEvent;
}

export async function variables(dc: DebugClient, ref: number): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref })).body.variables;
}

/** The variables of a named scope of the top frame of a thread. */
export async function scopeVariables(dc: DebugClient, threadId: number, scope: string): Promise<DebugProtocol.Variable[]> {
  const st = await dc.stackTraceRequest({ threadId });
  const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
  const s = scopes.body.scopes.find((x) => x.name === scope);
  if (!s) throw new Error(`no scope ${scope}: ${scopes.body.scopes.map((x) => x.name).join(', ')}`);
  return variables(dc, s.variablesReference);
}

/** The next `stopped` event, typed (the test client's events have an untyped body). */
export function nextStop(dc: DebugClient, timeoutMs?: number): Promise<DebugProtocol.StoppedEvent> {
  return dc.waitForEvent('stopped', timeoutMs) as Promise<DebugProtocol.StoppedEvent>;
}

/** A request's response body, typed as the test expects it. */
export async function requestBody<T>(dc: DebugClient, command: string, args?: unknown): Promise<T> {
  return (await dc.customRequest(command, args)).body as T;
}

/** A fresh adapter over stdio for each test of the calling `describe` (started before, stopped after). */
export function debugClientPerTest(root: string): { readonly dc: DebugClient } {
  const holder: { dc?: DebugClient } = {};
  beforeEach(async () => {
    holder.dc = newDebugClient(root);
    await holder.dc.start();
  });
  afterEach(async () => {
    await holder.dc?.stop();
  });
  return {
    get dc(): DebugClient {
      if (!holder.dc) throw new Error('no debug client outside a test');
      return holder.dc;
    },
  };
}
