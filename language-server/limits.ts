/**
 * Every bound the language server applies, in one place (docs/limits.md,
 * "Language server", lists each with what happens when it is hit). A client —
 * or a file from an untrusted repository — can send anything: each size,
 * count and duration the server accepts is capped here. Bounds the simulator
 * also applies (scenario size, step budget) are the simulator's constants,
 * re-exported: one number each.
 */
import { MAX_SCENARIO_CHARS, MAX_SCENARIO_LINES, MAX_STEPS_LIMIT } from '../simulator/scenario/limits';

/** Longest URI accepted in any request (characters). */
export const MAX_URI_LENGTH = 4_096;

/** Largest line/character number in a position (LSP `uinteger` is 2^31-1). */
export const MAX_POSITION = 2_147_483_647;

/**
 * Documents above this many lines are not analysed on the server's main
 * thread: the parser's own bound (a larger text is refused, parsed or not).
 */
export const MAX_ANALYSED_LINES = MAX_SCENARIO_LINES;

/** Documents above this many characters are not analysed on the server's main thread: the parser's bound. */
export const MAX_ANALYSED_CHARS = MAX_SCENARIO_CHARS;

/**
 * Documents above this many characters are not even kept (their diagnostic
 * says so); up to it, the background worker reports the parser's refusal.
 * Four times the parser's bound: room for a paste that is undone next.
 */
export const MAX_CHECKED_CHARS = 4 * MAX_SCENARIO_CHARS;

/**
 * Documents open at once: a `didOpen` past it is refused — the document gets
 * one `too-many-documents` diagnostic naming this bound, the client a warning
 * message — and nothing of it is kept.
 */
export const MAX_OPEN_DOCUMENTS = 1_000;

/**
 * Characters of all the documents analysed on the main thread together (an
 * analysis costs about 100 bytes of heap per character): one maximal
 * document's worth. A document that would go past it is checked in the
 * background instead, like one too large to analyse, until an edit finds room.
 */
export const MAX_ANALYSED_TOTAL_CHARS = MAX_SCENARIO_CHARS;

/**
 * Characters of all the open documents kept together: one maximal kept
 * document's worth. A document that would go past it is not kept (like one
 * above MAX_CHECKED_CHARS) until a full-text change finds room.
 */
export const MAX_KEPT_TOTAL_CHARS = 4 * MAX_SCENARIO_CHARS;

/** Content changes accepted in one `didChange`. */
export const MAX_CONTENT_CHANGES = 1_000;

/** Formatting `tabSize` range. */
export const MIN_TAB_SIZE = 1;
export const MAX_TAB_SIZE = 16;

/** Longest `text` (a selection) the Decode request evaluates, and longest register name. */
export const MAX_DECODE_TEXT = 1_000;
export const MAX_NAME_LENGTH = 100;

/** Diagnostics accepted in one code-action request (the client echoes what it shows). */
export const MAX_CODE_ACTION_DIAGNOSTICS = 1_000;

/** Largest `maxSteps` a request or setting may ask for: the simulator's `max_steps` maximum (package.json's `armscope.maxSteps` maximum too). */
export { MAX_STEPS_LIMIT };

/** Debounce before a background run starts after the last edit (ms). */
export const LIVE_RUN_DELAY_MS = 400;

/** Wall time a background run may take before it is stopped and reported (ms). */
export const LIVE_RUN_TIMEOUT_MS = 10_000;

/** Wall time an `armscope/run` request may take before it is stopped and reported (ms). */
export const RUN_REQUEST_TIMEOUT_MS = 60_000;

/** Wall time a background check (diagnostics of a document too large to analyse here) may take (ms). */
export const CHECK_TIMEOUT_MS = 30_000;

/** Grace after a timeout or cancel before the worker is terminated and replaced (ms). */
export const WORKER_GRACE_MS = 2_000;

/** Heap of the background worker (MB): a run or check that needs more stops the worker, not the server. */
export const WORKER_HEAP_MB = 512;

/** Background jobs waiting for the worker (the oldest live run is dropped past this). */
export const MAX_QUEUED_JOBS = 64;

/**
 * States an exploration from the editor may visit (the Explore code lens):
 * the scenario's `max_states` applies when smaller; `armscope explore` has
 * no such cap. Hit: reported as the bound `max-states`, never a silent pass.
 */
export const EXPLORE_MAX_STATES = 1_000_000;

/** Wall time an exploration from the editor may take (ms); hit: the bound `time-limit`, reported like the others. */
export const EXPLORE_TIMEOUT_MS = 120_000;
