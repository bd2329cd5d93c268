/**
 * Publish/subscribe for trace events. Emitters test `bus.wants.<kind>` (a
 * plain boolean field) before they build an event object, so a run nobody
 * watches allocates nothing and pays one property load per emission site.
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
  /**
   * Listeners that are part of the machine itself (the checkers, subscribed
   * while the machine is built): their state is in the checkpoints, so they
   * must see every event, including while replaying. `sealInternal()` marks them.
   */
  private internal = new Set<(e: TraceEvent) => void>();
  /** While muted (replay during time travel), only internal listeners get events. */
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
      if (!l.includes(fn)) this.internal.delete(fn);
      this.refresh(kind);
    };
  }

  /** Listen to every kind (including the opt-in per-instruction ones). */
  onAll(listener: (e: TraceEvent) => void): () => void {
    const offs = KINDS.map((k) => this.on(k, listener as TraceListener));
    return () => offs.forEach((off) => off());
  }

  emit(event: TraceEvent): void {
    const list = this.listeners.get(event.kind);
    if (list === undefined) return;
    for (const fn of list.slice()) if (this.muted === 0 || this.internal.has(fn)) fn(event);
  }

  /** Mark every listener subscribed so far as part of the machine (delivered even while muted). */
  sealInternal(): void {
    for (const list of this.listeners.values()) for (const fn of list) this.internal.add(fn);
  }

  /** Suppress delivery to external listeners (nested); used while replaying to a checkpointed step. */
  mute(): void {
    this.muted++;
    for (const k of KINDS) this.refresh(k);
  }

  unmute(): void {
    if (this.muted > 0) this.muted--;
    if (this.muted === 0) for (const k of KINDS) this.refresh(k);
  }

  /**
   * Be told when `wants[kind]` may have changed (someone subscribed or left,
   * mute/unmute): emitters that install hot-path hooks only while somebody
   * listens (e.g. a memory observer) re-check here.
   */
  onWantsChange(listener: (kind: TraceKind) => void): () => void {
    this.wantsListeners.push(listener);
    return () => {
      const i = this.wantsListeners.indexOf(listener);
      if (i >= 0) this.wantsListeners.splice(i, 1);
    };
  }

  private refresh(kind: TraceKind): void {
    const list = this.listeners.get(kind) ?? [];
    const w = this.muted === 0 ? list.length > 0 : list.some((fn) => this.internal.has(fn));
    if (w === this.wants[kind]) return;
    this.wants[kind] = w;
    for (const fn of this.wantsListeners.slice()) fn(kind);
  }
}
