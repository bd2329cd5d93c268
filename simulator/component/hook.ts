/**
 * A hook point: a typed notification one component publishes and any number
 * of others (components, checkers, views, the trace bridge) subscribe to
 * (DESIGN.md "Components and hooks, not patches"). Nobody replaces another
 * component's method or wraps it: they subscribe to its hooks.
 *
 * Hot paths pay nothing while nobody listens: a publisher tests the plain
 * boolean `active` before it computes the arguments, then calls `emit`, which
 * is the only subscriber itself when there is one (no fan-out loop, no array
 * of arguments) and a fan-out over a frozen list when there are several.
 *
 *     if (hooks.access.active) hooks.access.emit(pe, pa, size, true, lo, hi, attrs);
 *
 * Subscribers are called in subscription order, synchronously, in the middle
 * of the publisher's work: they must not change the publisher's state except
 * through its public operations, and must not keep argument objects the
 * publisher documents as scratch (reused per call).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a hook's subscriber signature is any function returning void
export type Subscriber = (...args: any[]) => void;

const NOTHING = (): void => undefined;

export class Hook<F extends Subscriber> {
  /** True while at least one subscriber listens: test it before building the arguments of `emit`. */
  active = false;
  /** Call every subscriber (a no-op while there is none). Reassigned on (un)subscribe: read it at the call. */
  emit: F = NOTHING as unknown as F;
  private subscribers: readonly F[] = [];
  /** Called after every subscribe and unsubscribe: for a publisher that remembers, beyond one access, that nobody listens (memory/direct.ts). */
  onChange: (() => void) | undefined = undefined;

  /** @param name the hook point's name in the architecture's words (docs/architecture.md lists them). */
  constructor(readonly name: string) {}

  /** Subscribe; returns the function that unsubscribes (idempotent). */
  subscribe(fn: F): () => void {
    this.subscribers = [...this.subscribers, fn];
    this.rebuild();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const i = this.subscribers.indexOf(fn);
      if (i >= 0) this.subscribers = [...this.subscribers.slice(0, i), ...this.subscribers.slice(i + 1)];
      this.rebuild();
    };
  }

  /** How many subscribers listen (tests, views). */
  get size(): number {
    return this.subscribers.length;
  }

  private rebuild(): void {
    // A new frozen list per change: an emit in progress keeps iterating the list it started with.
    const list = this.subscribers;
    this.active = list.length > 0;
    if (list.length === 0) this.emit = NOTHING as unknown as F;
    else if (list.length === 1) this.emit = list[0];
    else {
      this.emit = ((...args: unknown[]): void => {
        for (let i = 0; i < list.length; i++) (list[i] as (...a: unknown[]) => void)(...args);
      }) as F;
    }
    if (this.onChange !== undefined) this.onChange();
  }
}
