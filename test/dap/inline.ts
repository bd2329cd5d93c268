/**
 * An in-process DAP client for the adapter (the way VS Code runs it inline):
 * requests go to `handleMessage`, everything the session sends comes back
 * through `onDidSendMessage` — round-tripped through JSON, as on the wire, so
 * a message that cannot be serialised (a bigint) is caught (`wireErrors`).
 * Much cheaper than a process per session, for the fuzz and robustness tests.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ArmscopeDebugSession } from '../../debug-adapter/session';
import { HANG_GUARD_MS } from '../hangGuard';

export class InlineClient {
  readonly session = new ArmscopeDebugSession();
  readonly events: DebugProtocol.Event[] = [];
  readonly wireErrors: string[] = [];
  private seq = 1;
  private pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private eventWaiters: { event: string; resolve: (e: DebugProtocol.Event) => void }[] = [];
  /** Requests answered more than once (a protocol violation). */
  readonly duplicateResponses: number[] = [];
  private answered = new Set<number>();

  constructor() {
    this.session.onDidSendMessage((m) => this.receive(m as DebugProtocol.ProtocolMessage));
  }

  private receive(raw: DebugProtocol.ProtocolMessage): void {
    let msg: DebugProtocol.ProtocolMessage;
    try {
      msg = JSON.parse(JSON.stringify(raw)) as DebugProtocol.ProtocolMessage;
    } catch (e) {
      this.wireErrors.push(`${(raw as { command?: string; event?: string }).command ?? (raw as { event?: string }).event}: ${String(e)}`);
      return;
    }
    if (msg.type === 'response') {
      const r = msg as DebugProtocol.Response;
      if (this.answered.has(r.request_seq)) this.duplicateResponses.push(r.request_seq);
      this.answered.add(r.request_seq);
      this.pending.get(r.request_seq)?.(r);
      this.pending.delete(r.request_seq);
    } else if (msg.type === 'event') {
      const e = msg as DebugProtocol.Event;
      this.events.push(e);
      const i = this.eventWaiters.findIndex((w) => w.event === e.event);
      if (i >= 0) this.eventWaiters.splice(i, 1)[0].resolve(e);
    }
  }

  /** Send any message as a request (the fuzz sends malformed ones); resolves with the response, or rejects after `timeoutMs`. */
  sendRaw(message: Record<string, unknown>, timeoutMs = HANG_GUARD_MS): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`no response to ${String(message.command)} (seq ${seq}) within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(seq, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.session.handleMessage({ type: 'request', seq, ...message });
    });
  }

  request(command: string, args?: unknown, timeoutMs?: number): Promise<DebugProtocol.Response> {
    return this.sendRaw(args === undefined ? { command } : { command, arguments: args }, timeoutMs);
  }

  /** A request that must succeed: its body. */
  async ok<T = Record<string, unknown>>(command: string, args?: unknown): Promise<T> {
    const r = await this.request(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message}`);
    return r.body as T;
  }

  /** The next `event` not yet received (events already received are not waited for again). */
  waitForEvent(event: string, timeoutMs = HANG_GUARD_MS): Promise<DebugProtocol.Event> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      this.eventWaiters.push({
        event,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** initialize, launch with `filters` (undefined: the adapter's defaults), configurationDone; resolves with the first stop. */
  async launch(args: Record<string, unknown>, filters?: string[]): Promise<DebugProtocol.StoppedEvent> {
    await this.ok('initialize', { adapterID: 'armscope', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsInvalidatedEvent: true });
    const initialized = this.waitForEvent('initialized');
    const stopped = this.waitForEvent('stopped');
    // Whichever of these is not awaited below must not become an unhandled rejection.
    initialized.catch(() => undefined);
    stopped.catch(() => undefined);
    const launched = this.request('launch', args);
    await Promise.race([initialized, launched]);
    if (filters) await this.ok('setExceptionBreakpoints', { filters });
    await this.ok('configurationDone');
    const r = await launched;
    if (!r.success) throw new Error(`launch failed: ${r.message}`);
    return (await stopped) as DebugProtocol.StoppedEvent;
  }

  /** An execution request and the stop it leads to. */
  async stopAfter(command: string, args: Record<string, unknown> = { threadId: 1 }): Promise<DebugProtocol.StoppedEvent> {
    const stopped = this.waitForEvent('stopped');
    stopped.catch(() => undefined);
    const r = await this.request(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message}`);
    return (await stopped) as DebugProtocol.StoppedEvent;
  }

  output(): string {
    return this.events
      .filter((e) => e.event === 'output')
      .map((e) => (e as DebugProtocol.OutputEvent).body.output)
      .join('');
  }

  async close(): Promise<void> {
    await this.request('disconnect', {}).catch(() => undefined);
  }
}
