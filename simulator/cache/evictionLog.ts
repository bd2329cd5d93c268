/**
 * The log of evictions for want of a way (and `evict` actions): the run report
 * names those of lines a finding or a memory expectation is about, since an
 * eviction can hide an effect (docs/language.md "Sets and aliasing").
 *
 * A ring of parallel arrays, bounded by EVICTION_LOG_SIZE (the latest are
 * kept): evictions are frequent (every miss of a full set), records rarely read,
 * so logging one allocates nothing.
 */
import type { MemAttrs } from '../memory/attributes';
import { isDirty, type Cache, type CacheLine } from './line';

/** One eviction: which cache, which line, when, whether it was dirty. */
export interface EvictionRecord {
  step: number;
  cache: string;
  pa: number;
  attrs: string;
  dirty: boolean;
}

/** Bound on the eviction log (the latest evictions are kept). */
export const EVICTION_LOG_SIZE = 4096;

export class EvictionLog {
  private count = 0;
  private readonly step = new Float64Array(EVICTION_LOG_SIZE);
  private readonly pa = new Float64Array(EVICTION_LOG_SIZE);
  private readonly dirty = new Uint8Array(EVICTION_LOG_SIZE);
  private readonly cache: Cache[] = new Array<Cache>(EVICTION_LOG_SIZE);
  private readonly attrs: MemAttrs[] = new Array<MemAttrs>(EVICTION_LOG_SIZE);

  /** Record that `l` is about to be evicted at `step`. */
  log(l: CacheLine, step: number): void {
    // A power of two: the slot is the count's low bits (`%` on a count past 2^31 is a slow float modulo).
    const i = this.count++ & (EVICTION_LOG_SIZE - 1);
    this.step[i] = step;
    this.pa[i] = l.pa;
    this.dirty[i] = isDirty(l.state) ? 1 : 0;
    this.cache[i] = l.cache;
    this.attrs[i] = l.attrs;
  }

  /** The kept evictions, oldest first. */
  records(): EvictionRecord[] {
    const out: EvictionRecord[] = [];
    const n = Math.min(this.count, EVICTION_LOG_SIZE);
    for (let k = this.count - n; k < this.count; k++) {
      const i = k % EVICTION_LOG_SIZE;
      out.push({ step: this.step[i], cache: this.cache[i].name, pa: this.pa[i], attrs: this.attrs[i].label, dirty: this.dirty[i] === 1 });
    }
    return out;
  }
}
