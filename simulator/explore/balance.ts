/**
 * The main thread's side of work stealing (parallel.ts): which worker
 * searches what. A worker thread *joins* once started and ready (its machine
 * built); then it is *busy* (searching a work item) or *waiting*.
 * A waiting worker gets a queued item; while workers wait and none is queued,
 * busy workers are asked (a flag in shared memory each polls before every
 * action, search.ts `share`) to hand over the untaken actions of their oldest
 * state, which are queued when they arrive. The search is over when every
 * worker started has joined, every one waits and nothing is queued (a worker
 * started takes part: the report's job count is the number started, whatever
 * the threads' speed): a worker hands over only while busy, and
 * its messages arrive in order (a branch before its `item-done`), so no branch
 * can still be on its way then (termination detection).
 */
import type { Branch, SleepEntry } from './search';

/** A work item: the initial state's search (`path` empty, no `keys`), or a branch handed over by a worker. */
export type WorkItem = Branch | { path: string[]; sleep: SleepEntry[] };

export class WorkBalance {
  private readonly busy: boolean[] = [];
  private readonly waiting: number[] = [];
  private jobs = 0;
  private readonly queue: WorkItem[] = [];
  private ended = false;
  /** Items handed out (the first one and every branch handed over). */
  items = 0;
  /** Requests made to busy workers (the flag set). */
  requests = 0;

  /** Jobs started that have not joined yet (a worker thread building its machine): the search is not over without them. */
  private pending = 0;

  /**
   * @param wanted one 32-bit flag per job: 1 asks it to hand over a branch (it clears it when it does).
   * Job 0 (the main thread) is there from the start; `start` and `join` add the others.
   */
  constructor(readonly wanted: Int32Array) {
    this.busy.push(false);
    this.waiting.push(0);
    this.jobs = 1;
  }

  /** Jobs up to `jobs` are started (worker threads): each waits for work once it `join`s. */
  start(jobs: number): void {
    for (let w = this.jobs; w < jobs; w++) {
      this.busy.push(false);
      this.pending++;
    }
    this.jobs = Math.max(this.jobs, jobs);
  }

  /** Started job `w` is ready (its machine is built): it waits for work, and busy jobs are asked for a branch. */
  join(w: number): void {
    this.pending--;
    this.waiting.push(w);
  }

  /** An item to search: the first one, or a branch worker `from` handed over (it cleared its flag). */
  given(item: WorkItem): void {
    this.queue.push(item);
  }

  /** Worker `w` finished its item. A request it did not see is withdrawn (it polls only while searching). */
  idle(w: number): void {
    this.busy[w] = false;
    Atomics.store(this.wanted, w, 0);
    this.waiting.push(w);
  }

  /** Forget the queued items (cancellation): the workers finish what they search and nothing more. */
  drop(): void {
    this.queue.length = 0;
  }

  /** Items for waiting workers, as [worker, item]; then asks as many busy workers as still wait for a branch. */
  assign(): [number, WorkItem][] {
    const out: [number, WorkItem][] = [];
    while (this.waiting.length > 0 && this.queue.length > 0) {
      const w = this.waiting.shift()!;
      this.busy[w] = true;
      this.items++;
      out.push([w, this.queue.shift()!]);
    }
    let asked = 0;
    for (let w = 0; w < this.jobs; w++) if (this.busy[w] && Atomics.load(this.wanted, w) === 1) asked++;
    for (let w = 0; w < this.jobs && asked < this.waiting.length; w++) {
      if (!this.busy[w] || Atomics.load(this.wanted, w) === 1) continue;
      Atomics.store(this.wanted, w, 1);
      this.requests++;
      asked++;
    }
    return out;
  }

  /** True once, when every job started has joined and waits and nothing is queued: the search is over. */
  over(): boolean {
    if (this.ended || this.pending > 0 || this.waiting.length < this.jobs || this.queue.length > 0) return false;
    this.ended = true;
    return true;
  }
}
