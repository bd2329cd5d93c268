/**
 * Binary search over sorted arrays (the parser's address lookups: code EL
 * hints, page-table maps), so that checks over many blocks stay O(n log n).
 */

/** Index of the first item for which `below` is false; `below` must hold for a prefix of `sorted` only. */
export function lowerBound<T>(sorted: readonly T[], below: (item: T) => boolean): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (below(sorted[mid])) a = mid + 1;
    else b = mid;
  }
  return a;
}
