/**
 * Publish/subscribe for trace events: what a run tells the front ends (CLI
 * reports, the language server's live run, the debug adapter, views).
 * Components and checkers do not use it — they subscribe to each other's
 * hook points (component/hook.ts); the engine bridges hooks into trace events
 * only while someone listens (engine/trace.ts).
 *
 * Emitters test `bus.wants.<kind>` (a plain boolean field) before they build
 * an event object, so a run nobody watches allocates nothing and pays one
 * property load per emission site. While muted (time travel replaying steps
 * the listeners have already seen) nothing is delivered and `wants` is false.
 */
import type { TraceEvent, TraceKind, TraceListener } from './events';

export type TraceWants = { [K in TraceKind]: boolean };

const KINDS: TraceKind[] = [
  'instruction',
  'exception',
  'sysreg-write',
  'memory-access',
  'cache-line',
  'finding',
  'event-fired',
  'halted',
  'expectation',
  'ffa-call',
  'interrupt',
];

export class TraceBus {
  /** True for each kind at least one listener subscribed to (read this before building an event). */
  readonly wants: TraceWants;
  private listeners = new Map<TraceKind, Array<(e: TraceEvent) => void>>();
  /** While muted (replay during time travel), nothing is delivered. */
  private muted = 0;
  private wantsListeners: Array<(kind: TraceKind) => void> = [];

  constructor() {
    const w = {} as TraceWants;
    for (const k of KINDS) w[k] = false;
    this.wants = w;
  }

  /** Listen to one kind; returns the unsubscribe function. */
  on<K extends TraceKind>(kind: K, listener: TraceListener<K>): () => void {
    let list = this.listeners.get(kind);
    if (!list) {
      list = [];
      this.listeners.set(kind, list);
    }
    const fn = listener as (e: TraceEvent) => void;
    list.push(fn);
    this.refresh(kind);
    return () => {
      const l = this.listeners.get(kind);
      if (!l) return;
      const i = l.indexOf(fn);
      if (i >= 0) l.splice(i, 1);
      this.refresh(kind);
    };
  }

  /** Listen to every kind (including the opt-in per-instruction ones). */
  onAll(listener: (e: TraceEvent) => void): () => void {
    const offs = KINDS.map((k) => this.on(k, listener));
    return () => offs.forEach((off) => off());
  }

  emit(event: TraceEvent): void {
    if (this.muted !== 0) return;
    const list = this.listeners.get(event.kind);
    if (list === undefined) return;
    for (const fn of list.slice()) fn(event);
  }

  /** Suppress delivery (nested); used while replaying to a checkpointed step. */
  mute(): void {
    this.muted++;
    if (this.muted === 1) for (const k of this.listeners.keys()) this.refresh(k);
  }

  unmute(): void {
    if (this.muted === 0) return;
    this.muted--;
    if (this.muted === 0) for (const k of this.listeners.keys()) this.refresh(k);
  }

  /**
   * Be told when `wants[kind]` may have changed (someone subscribed or left,
   * mute/unmute): bridges that subscribe to hot-path hooks only while somebody
   * listens (engine/trace.ts) re-check here.
   */
  onWantsChange(listener: (kind: TraceKind) => void): () => void {
    this.wantsListeners.push(listener);
    return () => {
      const i = this.wantsListeners.indexOf(listener);
      if (i >= 0) this.wantsListeners.splice(i, 1);
    };
  }

  private refresh(kind: TraceKind): void {
    const w = this.muted === 0 && (this.listeners.get(kind)?.length ?? 0) > 0;
    if (w === this.wants[kind]) return;
    this.wants[kind] = w;
    for (const fn of this.wantsListeners.slice()) fn(kind);
  }
}
