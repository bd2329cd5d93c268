/**
 * The V8 flags the language server's process runs with: the extension starts
 * dist/language-server.js with them, bench/lsp.ts and the stdio tests
 * (test/lsp/lspClient.ts) too. They bound its resident memory near its live
 * heap (issue #12: ≤ 200 MB RSS at 50,000 lines):
 *
 * - `--max-semi-space-size=2`: the young generation's two semi-spaces are at
 *   most 2 MB each instead of 16 MB.
 * - `--heap-growing-percent=10`: after a full collection V8 lets the old
 *   generation grow by 10 % of the live heap (and at least its minimum step)
 *   before the next one, instead of up to 4× the live heap: the garbage each
 *   version leaves (the parts of the model an edit replaced, a full parse's
 *   intermediate structures) is reclaimed near the live size instead of
 *   piling up to several hundred MB.
 *
 * Measured over stdio at 50,000 lines (bench/lsp.ts, load 18–20, largest RSS
 * over each trace, without → with): typing a new instruction line 274 → 188 MB,
 * deleting lines 414 → 201 MB, pasting 5 lines 476 → 189 MB; the cost is more
 * collections: server CPU per change 26 → 37 ms typing, 214 → 346 ms deleting,
 * 103 → 204 ms pasting (docs/limits.md "Server memory").
 *
 * Neither is a heap limit: the largest document the server analyses (100,000
 * lines, 4,194,304 characters) is parsed and edited as without them
 * (test/lsp/responsiveness.test.ts runs under them). The flags are the
 * process's, so the background worker runs under them too; its heap keeps
 * its own bound (WORKER_HEAP_MB).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=10'];

/**
 * The environment the language server's process gets on top of the editor's
 * (the extension, bench/lsp.ts and the stdio tests pass it). Only glibc reads
 * it; elsewhere it changes nothing.
 *
 * `MALLOC_MMAP_THRESHOLD_=131072`: blocks of 128 KiB or more (typed arrays of
 * a code block's image, a body edit's copies of it, buffers of large
 * messages) are mapped alone and unmapped when freed. Without it glibc raises
 * that threshold to the largest block freed so far (up to 32 MB), after which
 * such blocks come from the brk heap, which is given back to the system only
 * from its top: its pages stay resident after the blocks are freed. Setting
 * the threshold keeps glibc's default value fixed.
 *
 * Measured over stdio at 50,000 lines (bench/lsp.ts, load 18–22, largest RSS
 * of the six traces, two runs each, without → with): 168–190 → 155–174 MB
 * (docs/limits.md "Server memory").
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };
