/**
 * Every bound the debug adapter applies to a request or a launch, in one
 * place (docs/limits.md "Debug adapter" lists them with what happens at each).
 * A request past a bound gets an error response naming the argument, or a
 * shorter answer where the protocol allows one (readMemory); nothing blocks
 * the adapter or grows without limit.
 */

/** `readMemory`: bytes returned per request (the rest: read again from where the answer stopped, as DAP allows). */
export const MAX_READ_MEMORY_BYTES = 65_536;

/** `disassemble`: instructions per request; larger requests are refused (page with `instructionOffset`). */
export const MAX_DISASSEMBLE_INSTRUCTIONS = 4_096;

/** `variables`: variables per response; larger containers advertise `indexedVariables`/`namedVariables` and are read by `start`/`count`. */
export const VARIABLES_PAGE_SIZE = 200;

/** `launch`: the step budget (`maxSteps`) may not exceed the simulator's maximum (docs/limits.md "Runs"). */
export { MAX_STEPS_LIMIT as MAX_STEPS } from '../simulator/scenario/limits';

/** `launch`: fewest steps between time-travel checkpoints. */
export const MIN_CHECKPOINT_INTERVAL = 1_000;

/**
 * `launch`: most checkpoints a run may take (its step budget ÷ `checkpointInterval`).
 * A checkpoint copies the machine's state (memory, caches, TLBs, firmware): on a
 * scenario with 32k cached lines one is tens of MB, so the count is what bounds memory.
 */
export const MAX_CHECKPOINTS = 100;

/** Default steps between checkpoints (raised so that a large step budget stays within MAX_CHECKPOINTS). */
export const DEFAULT_CHECKPOINT_INTERVAL = 10_000;

/** `launch`: largest scenario file the adapter loads. */
export const MAX_PROGRAM_BYTES = 4 * 1024 * 1024;

/** Breakpoints in one `setBreakpoints` / `setFunctionBreakpoints` / `setInstructionBreakpoints` / `setDataBreakpoints` request. */
export const MAX_BREAKPOINTS_PER_REQUEST = 1_000;

/** Characters of an expression, condition, hit condition, name or memory reference. */
export const MAX_TEXT_LENGTH = 4_096;

/** Debug Console lines printed per resume (faults, findings, FF-A calls); the rest is counted in one line. */
export const MAX_CONSOLE_LINES_PER_RESUME = 200;

/** Steps run between two looks at the clock while running (and the most a reverse search replays between two). */
export const RUN_CHUNK_STEPS = 20_000;

/**
 * Wall-clock milliseconds a run (or a reverse search) works between two looks at the request queue
 * (pause, progress), checked at chunk boundaries: a `pause` waits at most this long plus one chunk.
 * Each look is an event-loop turn (the work queued for it — a progress event, the runtime's own
 * tasks — runs then): once per 20,000 steps it made a fast run a fifth slower, every 20 ms still
 * a twentieth on a loaded machine.
 */
export const RUN_YIELD_MS = 50;

/** `armscope/cacheTimeline`: steps the timeline's deterministic re-run may take. */
export const MAX_TIMELINE_STEPS = 2_000_000;

/** `armscope/pageTables`: descriptors sent per request (tables past it are sent unexpanded). */
export const MAX_PAGE_TABLE_NODES = 20_000;
