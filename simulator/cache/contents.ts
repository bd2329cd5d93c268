/**
 * What each cache holds, as a paged view for front ends that show large
 * hierarchies (the debugger's Caches scope): per cache the counts of valid and
 * dirty copies at once, the copies themselves only a page at a time, in
 * address order (then attributes), and the copies of chosen lines.
 *
 * Cost: the counts scan the cache's ways once; the first page sorts the valid
 * ways' indices once (no copy is built for that); each page builds only the
 * copies it returns (`built` counts them, so callers can show that a request
 * did bounded work). Read-only: nothing allocates, moves or ages a line.
 */
import type { CacheHierarchy } from './hierarchy';
import { cacheIdentity, lineView, type CacheSummary, type LineCopyView } from './views';
import { isDirty, LineState, type Cache } from './line';

/** A cache's summary (name, geometry, counts) with its copies a page at a time instead of all of them. */
export interface CacheContents extends Omit<CacheSummary, 'lines'> {
  /** Valid copies [start, start + count) in address order, then attributes. */
  page(start: number, count: number): LineCopyView[];
}

/** Copies built by `page()` and `copiesOfLines()` so far (a work counter for tests). */
export const contentsWork = { built: 0 };

/**
 * Indices of the valid ways in address order, then attributes. Sorted as
 * numbers (line number × 64 + the attributes' rank): a typed-array sort, no
 * comparator calls — the first page of a 32k-line cache stays cheap.
 */
function addressOrder(c: Cache): Int32Array {
  const labels = new Set<string>();
  for (const l of c.lines) if (l.state !== LineState.I) labels.add(l.attrs.label);
  const rank = new Map([...labels].sort().map((label, i) => [label, i]));
  if (labels.size > 128) {
    const idx: number[] = [];
    c.lines.forEach((l, i) => l.state !== LineState.I && idx.push(i));
    return Int32Array.from(idx.sort((a, b) => c.lines[a].pa - c.lines[b].pa || (rank.get(c.lines[a].attrs.label) ?? 0) - (rank.get(c.lines[b].attrs.label) ?? 0)));
  }
  // A copy is keyed by (line, attributes), so keys are unique; line numbers are below 2^46, so
  // line × labels + rank is exact for up to 128 attribute combinations (more: the comparator above).
  const n = Math.max(labels.size, 1);
  const keys: number[] = [];
  const at = new Map<number, number>();
  c.lines.forEach((l, i) => {
    if (l.state === LineState.I) return;
    const key = (l.pa / 64) * n + (rank.get(l.attrs.label) ?? 0);
    keys.push(key);
    at.set(key, i);
  });
  const sortedKeys = Float64Array.from(keys).sort();
  return Int32Array.from(sortedKeys, (k) => at.get(k) ?? 0);
}

function contentsOf(c: Cache): CacheContents {
  let valid = 0;
  let dirty = 0;
  for (const l of c.lines) {
    if (l.state === LineState.I) continue;
    valid++;
    if (isDirty(l.state)) dirty++;
  }
  let order: Int32Array | undefined;
  const sorted = (): Int32Array => (order ??= addressOrder(c));
  return {
    ...cacheIdentity(c),
    valid,
    dirty,
    page(start: number, count: number): LineCopyView[] {
      const idx = sorted();
      const from = Math.max(0, Math.floor(start));
      const to = Math.min(idx.length, from + Math.max(0, Math.floor(count)));
      const out: LineCopyView[] = [];
      for (let i = from; i < to; i++) out.push(lineView(c.lines[idx[i]]));
      contentsWork.built += out.length;
      return out;
    },
  };
}

/** Every cache of the hierarchy, innermost first (L1s, L2s, then the system cache). */
export function cacheContents(h: CacheHierarchy): CacheContents[] {
  return h.caches.map(contentsOf);
}

/** Every valid copy, in any cache, of the lines holding the given PAs (each line once, in the order given). */
export function copiesOfLines(h: CacheHierarchy, pas: number[]): LineCopyView[] {
  const seen = new Set<number>();
  const out: LineCopyView[] = [];
  for (const pa of pas) {
    const line = pa - (pa % 64);
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(...h.linesOf(line));
  }
  contentsWork.built += out.length;
  return out;
}
