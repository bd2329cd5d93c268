/**
 * Every bound on what a scenario may ask for, in one place (docs/limits.md
 * lists them and what happens when one is hit; `test/scenario/limits.test.ts`
 * checks that the page quotes these values).
 *
 * Why bounds at all: a scenario is untrusted input. The language server
 * parses it on every keystroke, the CLI checks whatever file it is given, and
 * a workspace the extension trusts in restricted mode may hold a hostile one.
 * Each bound is far above what a reproducer of a system-level bug needs, and
 * low enough that the worst input within all of them parses in a few seconds
 * and a few hundred megabytes. Hitting one is a diagnostic at the offending
 * text (or, for the run bounds in `engine/bounds.ts`, a stop reason in the
 * report), never a hang or a crash.
 */

/**
 * Characters of scenario text `parseScenario` reads (UTF-16 units; the CLI
 * applies the same figure to file bytes). Issue #12 sets editor targets up to
 * 50,000 lines; parsing stays linear up to these bounds (bench/parse.ts prints
 * CPU and RSS at 20k, 50k and 100k lines and at this size). The language
 * server's analysis bounds are these figures (language-server/limits.ts).
 */
export const MAX_SCENARIO_CHARS = 4 * 1024 * 1024;

/** Lines of scenario text `parseScenario` reads. */
export const MAX_SCENARIO_LINES = 100_000;

/** Diagnostics kept per file; the rest are counted in one final "N more" diagnostic. */
export const MAX_DIAGNOSTICS = 1_000;

/** PEs in a system (`pes`), and so clusters (`clusters`, `cluster N`: 0 to 63). */
export const MAX_PES = 64;

/** Memory regions (`memory … at … size …`) in a system. */
export const MAX_MEMORY_REGIONS = 256;

/** Devices (`device …`) in a system. */
export const MAX_DEVICES = 256;

/** Default step budget when a scenario sets no `max_steps`. */
export const DEFAULT_MAX_STEPS = 1_000_000;

/** Largest `max_steps` (and `--max-steps`, launch `maxSteps`): about 5 to 20 s of simulation. */
export const MAX_STEPS_LIMIT = 100_000_000;

/** Bytes one `code`/`data` block may produce (including its literal pool). */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;

/** Bytes all `code`/`data` blocks together may produce (the initial image built on every parse). */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

/** Capacity of one cache (`caches { l1d|l2|system_cache size … }`). */
export const MAX_CACHE_BYTES = 1024 * 1024;

/** Lines of all caches together: one L1D per PE, one L2 per cluster, the system cache (8 MiB of 64-byte lines). */
export const MAX_CACHE_LINES = 131_072;

/** Descriptors one `pagetable` block may generate (tables and leaves: 512 KiB of descriptors). */
export const MAX_TABLE_DESCRIPTORS = 65_536;

/**
 * "Did you mean" work per parse: candidate comparisons spent on suggestions for
 * undefined symbols. Past it the diagnostics stay, without suggestions.
 */
export const MAX_SUGGESTION_COMPARISONS = 200_000;

/**
 * `n` as the architecture writes counts: 1,048,576 (what messages and docs quote). Grouped here
 * rather than by `toLocaleString`, whose first call loads the locale data (≈ 15 ms of CPU at every
 * CLI start, where the usage text quotes limits).
 */
export function count(n: number | bigint): string {
  const digits = typeof n === 'bigint' ? (n < 0n ? -n : n).toString() : Number.isInteger(n) ? Math.abs(n).toString() : undefined;
  // A fraction, or a number too large for plain digits (1e21): the locale's own grouping.
  if (digits === undefined || !/^\d+$/.test(digits)) return n.toLocaleString('en-US');
  const sign = n < 0 ? '-' : '';
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) out = digits.slice(Math.max(0, end - 3), end) + (out === '' ? '' : `,${out}`);
  return sign + out;
}

/** A byte size as a power-of-two unit when it is one (16 MiB), else bytes with grouping. */
export function byteSize(n: number): string {
  for (const [unit, k] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (n >= k && n % k === 0) return `${count(n / k)} ${unit}`;
  }
  return `${count(n)} bytes`;
}
